"""Finding, creating and affiliating members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput, NotFound
from bot.services.organisations import known_organisation
from scoring.attribution import (
    email_domain,
    is_public_domain,
    organisation_for_email,
    reattribute,
    set_manual_affiliation,
)
from scoring.bounds import record_id
from scoring.email_address import EMAIL_RULE, is_email_address
from scoring.models import Affiliation, AffiliationSource, Identity, IdentityKind, Member
from storage.errors import IdentityTaken
from storage.protocols import LedgerWork
from storage.repositories.members import guess_identity, normalise_identity
from storage.uow import UnitOfWork


def ensure_member(
    uow: LedgerWork,
    config: ProgrammeConfig,
    identities: Sequence[Identity],
    name: str,
    now: datetime,
    *,
    is_bot: bool = False,
) -> tuple[Member, bool]:
    """The member owning any of ``identities``, created if none does; (member, created).

    A new member with an e-mail address on an organisation's domain is affiliated
    with it (never through a public mail provider). Identities the member lacks are
    attached, so a Slack user and a forum user with one e-mail become one member.
    """
    for identity in identities:  # the edges check first; this keeps a slip from storing one
        if identity.kind == IdentityKind.EMAIL:
            check_email(identity.value)
    ordered = sorted(identities, key=lambda i: i.kind != IdentityKind.EMAIL)
    member = uow.members.find_any(ordered)
    created = member is None
    if member is None:
        member = uow.members.create(name or "unknown", [], now, is_bot=is_bot)
    owned = {(i.kind, normalise_identity(i.kind, i.value)) for i in member.identities}
    added = False
    for identity in identities:
        if (identity.kind, normalise_identity(identity.kind, identity.value)) in owned:
            continue  # already theirs (a known member seen again: the common case)
        try:
            uow.members.add_identity(member.id, identity)
            added = True
        except IdentityTaken:
            # Another member already owns it (e.g. an e-mail reused): keep both apart.
            continue
    email = next((i.value for i in identities if i.kind == IdentityKind.EMAIL), None)
    if email is not None:
        _affiliate_by_email(uow, config, member.id, email, now)
    if not added:
        return member, created
    refreshed = uow.members.get(member.id)
    assert refreshed is not None
    return refreshed, created


def check_email(address: str, where: str = "") -> None:
    """Refuse what is not an e-mail address (:class:`InvalidInput`, ``where`` in front)."""
    if not is_email_address(address):
        raise InvalidInput(f"{where}'{address}' is not an e-mail address ({EMAIL_RULE})")


def _affiliate_by_email(
    uow: LedgerWork, config: ProgrammeConfig, member_id: int, email: str, now: datetime
) -> None:
    """Keep the member's domain affiliation in step with their e-mail address."""
    host = email_domain(email)
    organisation = (
        None
        if host is None or is_public_domain(host)
        else organisation_for_email(email, uow.organisations.domain_owners(_suffixes(host)))
    )
    current = uow.members.affiliations(member_id)
    domain = [a for a in current if a.source == AffiliationSource.DOMAIN and a.end is None]
    if any(a.organisation == organisation for a in domain):
        return
    if organisation is None and not domain:
        return
    today = now.astimezone(config.tz).date()
    new: list[Affiliation] = []
    for aff in current:
        if aff in domain:
            # Credits before today stay with the old organisation.
            if aff.start is not None and aff.start >= today:
                continue
            new.append(Affiliation(aff.member_id, aff.organisation, aff.source, aff.start, today))
        else:
            new.append(aff)
    if organisation is not None:
        start = None if not domain else today
        new.append(Affiliation(member_id, organisation, AffiliationSource.DOMAIN, start, None))
    _store_affiliations(uow, config, member_id, new, today, now, by=None)


def _suffixes(host: str) -> list[str]:
    """The domain and its parents (``eu.acme.example``, ``acme.example``, ``example``): the
    domains whose owner may claim an address at ``host``."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]


def set_affiliation(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    member_id: int,
    organisation: str | None,
    start: date,
    now: datetime,
    by: str | None,
) -> int:
    """Affiliate a member by hand from ``start`` (None ends the manual affiliation).

    Only the credits from ``start`` on are re-attributed; returns how many changed.
    """
    if organisation is not None:
        known_organisation(uow, organisation)
    current = uow.members.affiliations(member_id)
    new = set_manual_affiliation(current, member_id, organisation, start)
    return _store_affiliations(uow, config, member_id, new, start, now, by)


def _store_affiliations(
    uow: LedgerWork,
    config: ProgrammeConfig,
    member_id: int,
    affiliations: list[Affiliation],
    changed_from: date,
    now: datetime,
    by: str | None,
) -> int:
    uow.members.replace_affiliations(member_id, affiliations, now, by)
    since = datetime.combine(changed_from, time(), tzinfo=config.tz).astimezone(UTC)
    credits = uow.credits.for_member(member_id, since, include_withdrawn=True)
    changes = reattribute(credits, affiliations, config.tz)
    return uow.credits.set_organisations((c.credit_id, c.new) for c in changes)


def resolve_member(uow: UnitOfWork, reference: str) -> Member:
    """A member named on the command line (Slack id, e-mail, forum username, github:login)."""
    if not reference.strip():
        raise InvalidInput("no member given")
    identity = guess_identity(reference)
    member = uow.members.find(identity)
    # a member id: ASCII digits that fit a database integer ("²" and 10**25 do not)
    number = record_id(reference)
    if member is None and number is not None:
        member = uow.members.get(number)
    if member is None:
        raise NotFound(f"no member known as '{reference}' ({identity.kind} {identity.value})")
    return member


def member_for_reference(
    uow: UnitOfWork, config: ProgrammeConfig, reference: str, now: datetime
) -> Member:
    """Like :func:`resolve_member`, but an unknown e-mail address creates the member."""
    try:
        return resolve_member(uow, reference)
    except NotFound:
        identity = guess_identity(reference)
        if identity.kind != IdentityKind.EMAIL:
            raise
        check_email(identity.value)
        member, _ = ensure_member(uow, config, [identity], identity.value.split("@")[0], now)
        return member
