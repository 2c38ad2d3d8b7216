"""``/credit standing``: who may see which partners' month so far.

A programme manager sees every partner; the contact of a partner organisation (its
``contacts`` in creditbot.yml) sees that organisation only; anyone else is told why
not. Nothing is stored. The figures come from one call,
:func:`bot.services.partners.figures.partner_figures`.
"""

from __future__ import annotations

from datetime import datetime

from bot.messages.slack.standing import own_standing, programme_standing
from bot.runtime import Runtime
from bot.services.partners.figures import partner_figures
from scoring.months import Month, local_date

NOT_ALLOWED = (
    "`/credit standing` shows partners' figures, which are private: it answers programme "
    "managers and the contacts of a partner organisation, and you are neither. If you "
    "speak for a partner, ask a programme manager to add you to its `contacts`."
)


def standing_reply(runtime: Runtime, invoker: str, now: datetime) -> str:
    """The private answer to ``/credit standing`` from ``invoker`` (a Slack user id)."""
    config = runtime.config
    manager = config.is_program_manager(invoker)
    own = {o.slug for o in config.organisations if o.partner and invoker in o.contacts}
    if not manager and not own:
        return NOT_ALLOWED
    month = Month.of(local_date(now, config.tz))
    with runtime.reader() as uow:
        figures = partner_figures(uow, config, month)
    if manager:
        return programme_standing(figures, month)
    return own_standing([f for f in figures if f.slug in own], month)
