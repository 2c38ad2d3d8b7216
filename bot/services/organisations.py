"""The one look-up every use case and command that names an organisation by its slug
starts with: the organisation, or a clear "no organisation with slug ..." (404 / exit 1)."""

from __future__ import annotations

from bot.errors import NotFound
from scoring.models import Organisation
from storage.protocols import LedgerWork


def known_organisation(uow: LedgerWork, slug: str) -> Organisation:
    """The organisation ``slug`` names; :class:`NotFound` when there is none."""
    organisation = uow.organisations.get(slug)
    if organisation is None:
        raise NotFound(f"no organisation with slug '{slug}'")
    return organisation
