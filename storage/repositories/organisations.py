"""Organisations: synced from the configuration, extended by programme managers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, String, bindparam, column, select, text
from sqlmodel import Session

from scoring.models import Organisation
from storage.repositories.rollups import bump_public_version
from storage.tables import OrganisationRow, columns

_org = columns(OrganisationRow)


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def sync(self, organisations: Iterable[Organisation]) -> bool:
        """Create or update the organisations of the configuration (matched by slug);
        whether anything changed."""
        changed = False
        existing = {r.slug: r for r in self._session.execute(select(OrganisationRow)).scalars()}
        for org in organisations:
            row = existing.get(org.slug) or OrganisationRow(slug=org.slug, name=org.name)
            wanted = {
                "name": org.name,
                "domains": list(org.domains),
                "country": org.country,
                "employees": org.employees,
                "partner": org.partner,
                "staff": org.staff,
                "contacts": list(org.contacts),
                "from_config": True,
            }
            if row.id is not None and all(getattr(row, k) == v for k, v in wanted.items()):
                continue  # unchanged: no write, so a read-only command stays read-only
            for key, value in wanted.items():
                setattr(row, key, value)
            self._session.add(row)
            changed = True
        self._session.flush()
        if changed:
            bump_public_version(self._session)
        return changed

    def all(self) -> list[Organisation]:
        rows = self._session.execute(select(OrganisationRow).order_by(_org.slug))
        return [_to_org(r) for r in rows.scalars()]

    def domain_owners(self, among: Sequence[str] | None = None) -> list[Organisation]:
        """Slugs, names and e-mail domains only (for affiliating by domain on a hot path).

        With ``among`` (lower-case domains), only the organisations owning one of them
        (compared lower-cased, without leading or trailing dots), found by the database:
        reading all 500 organisations' domains costs a Slack event ~2 ms of Python, the
        database does it in ~0.1 ms. Without it (or on a database without JSON
        functions), every organisation that has a domain.
        """
        query: Select[tuple[str, str, Any]] = select(_org.slug, _org.name, _org.domains)
        values: dict[str, Any] = {}
        if among is not None:
            if not among:
                return []
            owning = _owners_query(self._session.get_bind().dialect.name)
            if owning is not None:
                query, values = owning, {"among": list(among)}
        rows = self._session.execute(query, values).all()
        return [Organisation(slug=s, name=n, domains=tuple(d or ())) for s, n, d in rows if d]

    def get(self, slug: str) -> Organisation | None:
        row = self._row(slug)
        return None if row is None else _to_org(row)

    def names(self) -> dict[str, str]:
        rows = self._session.execute(select(_org.slug, _org.name)).all()
        return {slug: name for slug, name in rows}

    def profile(self, slug: str) -> dict[str, Any]:
        row = self._row(slug)
        return {} if row is None else dict(row.profile)

    def set_profile(self, slug: str, profile: dict[str, Any]) -> None:
        row = self._row(slug)
        if row is None:
            raise KeyError(slug)
        row.profile = dict(profile)
        self._session.add(row)
        self._session.flush()
        bump_public_version(self._session)

    def _row(self, slug: str) -> OrganisationRow | None:
        return self._session.execute(
            select(OrganisationRow).where(_org.slug == slug)
        ).scalar_one_or_none()


def _to_org(row: OrganisationRow) -> Organisation:
    return Organisation(
        slug=row.slug,
        name=row.name,
        domains=tuple(row.domains),
        country=row.country,
        employees=row.employees,
        partner=row.partner,
        staff=row.staff,
        contacts=tuple(row.contacts),
    )


#: :func:`_owners_query` by dialect (None: no JSON functions), built once: a Slack
#: message from a member with an e-mail address runs it.
_OWNERS: dict[str, Select[tuple[str, str, Any]] | None] = {}


def _owners_query(dialect: str) -> Select[tuple[str, str, Any]] | None:
    """Slug, name and domains of the organisations owning one of the domains bound as
    ``among`` (SQLite, PostgreSQL; else None)."""
    if dialect not in _OWNERS:
        _OWNERS[dialect] = None
        if dialect == "sqlite":
            each = "json_each(o.domains) AS d WHERE lower(trim(d.value, '.'))"
        elif dialect == "postgresql":
            each = (
                "json_array_elements_text(o.domains) AS d(value) WHERE lower(btrim(d.value, '.'))"
            )
        else:
            return None
        slugs = text(f"SELECT o.slug FROM organisation AS o, {each} IN :among")
        slugs = slugs.bindparams(bindparam("among", expanding=True))
        owning = slugs.columns(column("slug", String))
        _OWNERS[dialect] = select(_org.slug, _org.name, _org.domains).where(_org.slug.in_(owning))
    return _OWNERS[dialect]
