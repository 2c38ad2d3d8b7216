"""Which organisation a contribution counts for, on the day it happened.

Order of precedence: an explicit attribution on the credit ("on behalf of"),
then an affiliation set by hand covering the day, then one derived from the
member's e-mail domain. No match means the member contributed independently;
the credit is never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from scoring.models import Affiliation, AffiliationSource, Credit, Organisation
from scoring.months import local_date

#: Domains of public mail providers: an address there says nothing about an employer.
PUBLIC_EMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "fastmail.com",
        "tutanota.com",
        "hey.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "t-online.de",
        "libero.it",
        "rediffmail.com",
        "naver.com",
        "users.noreply.github.com",
        "example.com",
    }
)


def email_domain(email: str) -> str | None:
    """The lower-cased domain of an address, or None if it is not an address."""
    local, sep, domain = email.strip().rpartition("@")
    if not sep or not local or "." not in domain:
        return None
    return domain.lower().rstrip(".")


def is_public_domain(domain: str) -> bool:
    return domain.lower() in PUBLIC_EMAIL_DOMAINS


def organisation_for_email(email: str, organisations: Iterable[Organisation]) -> str | None:
    """The slug of the organisation owning the address's domain (or a parent domain).

    Public mail providers never affiliate anyone. The longest matching domain wins,
    so ``eu.acme.example`` can belong to a different organisation than ``acme.example``.
    """
    domain = email_domain(email)
    if domain is None or is_public_domain(domain):
        return None
    best: tuple[int, str] | None = None
    for org in organisations:
        for owned in org.domains:
            owned = owned.lower().strip(".")
            matches = domain == owned or domain.endswith("." + owned)
            if matches and not is_public_domain(owned) and (best is None or len(owned) > best[0]):
                best = (len(owned), org.slug)
    return best[1] if best else None


def resolve_organisation(
    explicit: str | None, affiliations: Sequence[Affiliation], day: date
) -> str | None:
    """The organisation a contribution made on ``day`` counts for, or None (independent)."""
    if explicit:
        return explicit
    for source in (AffiliationSource.MANUAL, AffiliationSource.DOMAIN):
        covering = [a for a in affiliations if a.source == source and a.covers(day)]
        if covering:
            # The most recently started affiliation wins an overlap.
            covering.sort(key=lambda a: a.start or date.min, reverse=True)
            return covering[0].organisation
    return None


@dataclass(frozen=True)
class Reattribution:
    credit_id: int
    old: str | None
    new: str | None


def reattribute(
    credits: Iterable[Credit], affiliations: Sequence[Affiliation], tz: ZoneInfo
) -> list[Reattribution]:
    """The credits whose organisation changes under ``affiliations`` (the others are left out)."""
    changes: list[Reattribution] = []
    for credit in credits:
        if credit.id is None:
            continue
        new = resolve_organisation(
            credit.explicit_organisation, affiliations, local_date(credit.occurred_at, tz)
        )
        if new != credit.organisation:
            changes.append(Reattribution(credit.id, credit.organisation, new))
    return changes


def set_manual_affiliation(
    existing: Sequence[Affiliation], member_id: int, organisation: str | None, start: date
) -> list[Affiliation]:
    """The member's affiliations after they join ``organisation`` (None: leave) on ``start``.

    Manual affiliations that were open on ``start`` are closed the day before; those
    that began on or after ``start`` are replaced. Domain affiliations are kept: they
    apply wherever no manual one does.
    """
    out: list[Affiliation] = []
    for aff in existing:
        if aff.source != AffiliationSource.MANUAL:
            out.append(aff)
        elif aff.start is not None and aff.start >= start:
            continue
        elif aff.end is None or aff.end > start:
            out.append(Affiliation(aff.member_id, aff.organisation, aff.source, aff.start, start))
        else:
            out.append(aff)
    if organisation is not None:
        out.append(Affiliation(member_id, organisation, AffiliationSource.MANUAL, start, None))
    return out
