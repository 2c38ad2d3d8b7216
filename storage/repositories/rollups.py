"""Maintained monthly figures (the rollups) and the public pages' version.

The ledger (``credit``) is the truth; ``rollup_member_month`` and ``rollup_org_month``
hold its live points and credit counts per (month, member, organisation) and per
(month, organisation), in calendar months of the programme's timezone (kept in
``public_state.rollup_timezone``). Every credit write refreshes the cells it touched
in the same transaction: a cell is recomputed from the ledger (one indexed query per
member and month), never adjusted by a delta, so a cell is right whatever happened
before. Writers take turns (``storage.engine``), so two refreshes never interleave.

``public_state.version`` is bumped by every write that can change a public page
(:func:`bump_public_version`); the web layer caches each response under it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, insert, literal, literal_column, select, update
from sqlmodel import Session

from scoring.months import Month, month_of, months_between
from storage.bulk import bulk_load, insert_rows, moment_param
from storage.tables import (
    CreditRow,
    MemberMonthRow,
    OrganisationMonthRow,
    PublicStateRow,
    columns,
    table,
)

_credit = columns(CreditRow)
_cell = columns(MemberMonthRow)
_org = columns(OrganisationMonthRow)
_state = columns(PublicStateRow)
_LIVE = _credit.withdrawn_at.is_(None)
INDEPENDENT = ""
_CELL_KEYS = ("month", "member_id", "organisation", "points", "credits", "last_at")
_ORG_KEYS = ("month", "organisation", "points", "credits", "contributors")


def bump_public_version(session: Session) -> None:
    """Mark every public page as changed (call in the transaction of the change)."""
    updated = session.execute(update(PublicStateRow).values(version=_state.version + 1))
    if not getattr(updated, "rowcount", 0):
        session.execute(insert(PublicStateRow).values(id=1, version=1))


def public_version(session: Session) -> int:
    """The public pages' current version (0 before anything was written)."""
    value = session.execute(select(_state.version).where(_state.id == 1)).scalar()
    return int(value or 0)


class RollupRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- the timezone ----------------------------------------------------------------
    def timezone(self) -> str | None:
        """The timezone the stored months are in (None: never built)."""
        value = self._session.execute(select(_state.rollup_timezone).where(_state.id == 1)).scalar()
        return None if value is None else str(value)

    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone() or "UTC")

    # -- keeping them equal to the ledger -----------------------------------------
    def refresh(self, touched: Iterable[tuple[int, datetime]]) -> None:
        """Recompute the cells of these ``(member id, moment)`` pairs from the ledger."""
        tz = self._tz()
        cells = {(member_id, month_of(at, tz)) for member_id, at in touched}
        if not cells:
            return
        bump_public_version(self._session)
        orgs: dict[str, set[str]] = defaultdict(set)
        for member_id, month in sorted(cells, key=lambda c: (str(c[1]), c[0])):
            orgs[str(month)] |= self._refresh_cell(member_id, month, tz)
        for month_key, slugs in orgs.items():
            self._refresh_organisations(month_key, slugs)

    def refresh_credits(self, credit_ids: Iterable[int]) -> None:
        """Recompute the cells of these credits (after a change to their attribution)."""
        ids = sorted(set(credit_ids))
        touched: list[tuple[int, datetime]] = []
        for i in range(0, len(ids), 500):
            touched += [
                (int(m), at)
                for m, at in self._session.execute(
                    select(_credit.member_id, _credit.occurred_at).where(
                        _credit.id.in_(ids[i : i + 500])
                    )
                ).all()
            ]
        self.refresh(touched)

    def _refresh_cell(self, member_id: int, month: Month, tz: ZoneInfo) -> set[str]:
        key = str(month)
        where = (_cell.month == key, _cell.member_id == member_id)
        before = set(self._session.execute(select(_cell.organisation).where(*where)).scalars())
        self._session.execute(delete(MemberMonthRow).where(*where))
        start, end = month.bounds(tz)
        rows = self._session.execute(
            select(
                _credit.organisation,
                func.sum(_credit.points),
                func.count(),
                func.max(_credit.occurred_at),
            )
            .where(
                _credit.member_id == member_id,
                _credit.occurred_at >= start,
                _credit.occurred_at < end,
                _LIVE,
            )
            .group_by(_credit.organisation)
        ).all()
        values = [
            {
                "month": key,
                "member_id": member_id,
                "organisation": org or INDEPENDENT,
                "points": int(points),
                "credits": int(count),
                "last_at": last,
            }
            for org, points, count, last in rows
        ]
        if values:
            self._session.execute(insert(MemberMonthRow), values)
        return before | {str(v["organisation"]) for v in values}

    def _refresh_organisations(self, month_key: str, slugs: set[str]) -> None:
        where = (_org.month == month_key, _org.organisation.in_(sorted(slugs)))
        self._session.execute(delete(OrganisationMonthRow).where(*where))
        self._insert_organisations(
            (_cell.month == month_key, _cell.organisation.in_(sorted(slugs)))
        )

    def _insert_organisations(self, where: tuple[object, ...]) -> None:
        query = (
            select(
                _cell.month,
                _cell.organisation,
                func.sum(_cell.points),
                func.sum(_cell.credits),
                func.count(),
            )
            .where(*where)  # type: ignore[arg-type]
            .group_by(_cell.month, _cell.organisation)
        )
        self._session.execute(insert(OrganisationMonthRow).from_select(list(_ORG_KEYS), query))

    def add_cells(self, counted: dict[tuple[str, int, str], list[Any]]) -> None:
        """Add new credits, counted by the caller, to the member cells and recompute the
        organisations' cells of their months (after a bulk append of credits that were
        all new, in the stored timezone): ``(month, member id, organisation or "") ->
        [points, credits, the latest moment's driver value]``. ``counted`` is updated."""
        session = self._session
        bump_public_version(session)
        param = moment_param(session.connection().dialect, _cell.last_at)
        keys = sorted(set(map(itemgetter(0), counted)))
        for i in range(0, len(keys), 500):
            chosen = keys[i : i + 500]
            known = session.execute(
                select(
                    _cell.month,
                    _cell.member_id,
                    _cell.organisation,
                    _cell.points,
                    _cell.credits,
                    _cell.last_at,
                ).where(_cell.month.in_(chosen))
            ).all()
            for month, member_id, organisation, points, credits, last_at in known:
                cell = counted.setdefault((month, member_id, organisation), [0, 0, param(last_at)])
                cell[0] += points
                cell[1] += credits
                cell[2] = max(cell[2], param(last_at))
            session.execute(delete(MemberMonthRow).where(_cell.month.in_(chosen)))
            session.execute(delete(OrganisationMonthRow).where(_org.month.in_(chosen)))
        rows = [(m, i, o, p, c, last) for (m, i, o), (p, c, last) in counted.items()]
        with bulk_load(session, table(MemberMonthRow), len(rows)):
            insert_rows(session, table(MemberMonthRow), _CELL_KEYS, _CELL_KEYS[:3], rows)
        # ``counted`` now holds every member cell of these months: the organisations'
        # cells are its sums (what ``_insert_organisations`` would ask the database for)
        sums: dict[tuple[str, str], list[int]] = {}
        for month, _, organisation, points, credits, _ in rows:
            total = sums.get((month, organisation))
            if total is None:
                sums[(month, organisation)] = [points, credits, 1]
            else:
                total[0] += points
                total[1] += credits
                total[2] += 1
        insert_rows(
            session,
            table(OrganisationMonthRow),
            _ORG_KEYS,
            _ORG_KEYS[:2],
            [(m, o, p, c, n) for (m, o), (p, c, n) in sums.items()],
        )

    def rebuild_moments(self, moments: Iterable[datetime]) -> int:
        """Rebuild the months these moments fall in (after a bulk append)."""
        tz = self._tz()
        at = list(moments)
        if not at:
            return 0
        return self.rebuild(tz, months_between(month_of(min(at), tz), month_of(max(at), tz)))

    def rebuild(self, tz: ZoneInfo, months: Iterable[Month] | None = None) -> int:
        """Recompute every cell (or those of ``months``) from the ledger, in ``tz``.

        Returns the number of member cells written. Changing the timezone needs a
        whole rebuild (``months`` None).
        """
        session = self._session
        bump_public_version(session)
        session.execute(update(PublicStateRow).values(rollup_timezone=tz.key))
        if months is None:
            session.execute(delete(MemberMonthRow))
            session.execute(delete(OrganisationMonthRow))
            months = self._ledger_months(tz)
        chosen = sorted(set(months), key=str)
        keys = [str(m) for m in chosen]
        for i in range(0, len(keys), 500):
            session.execute(delete(MemberMonthRow).where(_cell.month.in_(keys[i : i + 500])))
            session.execute(delete(OrganisationMonthRow).where(_org.month.in_(keys[i : i + 500])))
        written = 0
        for run in _contiguous(chosen):
            written += self._rebuild_months(run, tz)
            self._insert_organisations((_cell.month >= str(run[0]), _cell.month <= str(run[-1])))
        return written

    def _ledger_months(self, tz: ZoneInfo) -> list[Month]:
        first, last = self._session.execute(
            select(func.min(_credit.occurred_at), func.max(_credit.occurred_at)).where(_LIVE)
        ).one()
        if first is None or last is None:
            return []
        return months_between(month_of(first, tz), month_of(last, tz))

    def _rebuild_months(self, months: list[Month], tz: ZoneInfo) -> int:
        """The member cells of consecutive ``months``, in one pass over their credits:
        each credit's month is found by a CASE over the months' ends (a scan in the
        table's order, instead of one index range and random row reads per month)."""
        bounds = [(str(m), *m.bounds(tz)) for m in months]
        month = case(*[(_credit.occurred_at < end, literal(key)) for key, _, end in bounds]).label(
            "month_key"
        )
        organisation = func.coalesce(_credit.organisation, INDEPENDENT).label("org_key")
        query = (
            select(
                month,
                _credit.member_id,
                organisation,
                func.sum(_credit.points),
                func.count(),
                func.max(_credit.occurred_at),
            )
            .where(_credit.occurred_at >= bounds[0][1], _credit.occurred_at < bounds[-1][2], _LIVE)
            # the integer first: the sort of a large rebuild compares less text
            .group_by(_credit.member_id, literal_column("month_key"), literal_column("org_key"))
        )
        result = self._session.execute(
            insert(MemberMonthRow).from_select(
                ["month", "member_id", "organisation", "points", "credits", "last_at"], query
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _contiguous(months: list[Month]) -> list[list[Month]]:
    """Sorted months cut into runs of consecutive months."""
    runs: list[list[Month]] = []
    for month in months:
        if runs and runs[-1][-1].next() == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs
