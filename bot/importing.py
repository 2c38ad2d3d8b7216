"""``creditbot import FILE``: credits from outside chat, in bulk (JSON Lines or CSV).

The file is read twice: first every line is validated (a bad line is reported with
its number and nothing is stored), then the credits are written in chunks inside one
transaction, so a file is imported entirely or not at all. Re-importing a file adds
nothing: a line's ``ref`` (or, without one, a digest of its content) is the credit's
unique source reference.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from bot.errors import InvalidInput, NotFound
from bot.runtime import Runtime
from bot.services.credits import check_credit, content_ref
from bot.services.members import ensure_member
from scoring.attribution import resolve_organisation
from scoring.models import Affiliation, Identity, IdentityKind
from storage.bulk import bulk_load
from storage.repositories.members import guess_identity
from storage.tables import CreditRow, table

FIELDS = ("member", "type", "at", "points", "ref", "source", "organisation", "note")
_CHUNK = 5_000


@dataclass(frozen=True)
class ImportLine:
    number: int
    member: Identity
    type: str
    at: datetime
    points: int
    ref: str
    source: str
    organisation: str | None
    note: str


@dataclass(frozen=True)
class ImportResult:
    lines: int
    added: int
    already_known: int
    members_created: int


def parse_moment(text: str) -> datetime:
    """ISO-8601 date or date-time; UTC when no offset is given."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"'{text}' is not an ISO-8601 date or date-time") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    # years 1 and 9999 would overflow when converted to another timezone
    if not 1 < moment.year < 9999:
        raise InvalidInput(f"'{text}' is out of range (years 2 to 9998)")
    return moment


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None
    with handle:
        try:
            if suffix == ".jsonl":
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise InvalidInput(
                            f"{path}:{number}: not valid JSON ({error.msg})"
                        ) from None
                    except RecursionError:
                        raise InvalidInput(f"{path}:{number}: JSON nested too deeply") from None
                    if not isinstance(record, dict):
                        raise InvalidInput(f"{path}:{number}: expected a JSON object")
                    yield number, record
            elif suffix == ".csv":
                reader = csv.DictReader(handle)
                if reader.fieldnames is None:
                    raise InvalidInput(f"{path}: empty file; expected a header row")
                missing = {"member", "type", "at"} - {f.strip() for f in reader.fieldnames}
                if missing:
                    raise InvalidInput(f"{path}:1: the header lacks {', '.join(sorted(missing))}")
                for record in reader:
                    cleaned = {
                        (k or "").strip(): (v.strip() if isinstance(v, str) else v)
                        for k, v in record.items()
                    }
                    yield reader.line_num, {k: v for k, v in cleaned.items() if v not in ("", None)}
            else:
                raise InvalidInput(f"{path}: expected a .jsonl or .csv file")
        except UnicodeDecodeError:
            raise InvalidInput(f"{path}: not UTF-8 text") from None
        except csv.Error as error:  # e.g. a field larger than the csv module's limit
            raise InvalidInput(f"{path}: not a CSV file creditbot can read ({error})") from None


class _LineParser:
    """Validates lines; caches what repeats across a large file (members, types, points)."""

    def __init__(self, runtime: Runtime, path: Path) -> None:
        self._config = runtime.config
        self._path = path
        self._members: dict[str, Identity] = {}
        self._points: dict[tuple[str, int | None], int] = {}

    def _fail(self, number: int, message: str) -> InvalidInput:
        return InvalidInput(f"{self._path}:{number}: {message}")

    def parse(self, number: int, record: dict[str, Any]) -> ImportLine:
        for field, value in record.items():
            if isinstance(value, str) and "\x00" in value:  # no database stores it as text
                raise self._fail(number, f"'{field}' contains a NUL character (\\x00)")
        for required in ("member", "type", "at"):
            if not str(record.get(required) or "").strip():
                raise self._fail(number, f"'{required}' is missing")
        try:
            at = parse_moment(str(record["at"]))
            type_name = str(record["type"]).strip()
            value = self._checked_points(type_name, _points(record.get("points")))
        except InvalidInput as error:
            raise self._fail(number, str(error)) from None
        organisation = str(record.get("organisation") or "").strip() or None
        source = str(record.get("source") or "import").strip()
        note = str(record.get("note") or "")
        raw_member = str(record["member"])
        member = self._members.get(raw_member)
        if member is None:
            member = self._members[raw_member] = guess_identity(raw_member)
        ref = str(record.get("ref") or "").strip() or "content:" + content_ref(
            member.kind, member.value, type_name, at.isoformat(), value, organisation, note
        )
        return ImportLine(number, member, type_name, at, value, ref, source, organisation, note)

    def _checked_points(self, type_name: str, points: int | None) -> int:
        key = (type_name, points)
        if key not in self._points:
            self._points[key] = check_credit(self._config, type_name, points)
        return self._points[key]


def _points(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, bool) or not str(raw).strip().lstrip("-").isdecimal():
        raise InvalidInput(f"points must be a whole number, not '{raw}'")
    return int(str(raw).strip())


def import_credits(runtime: Runtime, path: str | Path) -> ImportResult:
    """Validate the whole file, then store it in one transaction (all or nothing)."""
    path = Path(path)
    parser = _LineParser(runtime, path)
    lines = [parser.parse(n, r) for n, r in _records(path)]
    now = runtime.now()
    tz = runtime.config.tz
    with runtime.uow() as uow:
        known_orgs = set(uow.organisations.names())
        for line in lines:
            if line.organisation and line.organisation not in known_orgs:
                raise InvalidInput(
                    f"{path}:{line.number}: no organisation with slug '{line.organisation}'"
                )
        member_ids = uow.members.ids_for(line.member for line in lines)
        created = 0
        for line in lines:
            if line.member in member_ids:
                continue
            if line.member.kind != IdentityKind.EMAIL:
                raise NotFound(
                    f"{path}:{line.number}: no member known as {line.member.kind} "
                    f"'{line.member.value}' (an unknown e-mail address creates the member)"
                )
            found, _ = ensure_member(
                uow, runtime.config, [line.member], line.member.value.split("@")[0], now
            )
            member_ids[line.member] = found.id
            created += 1
        bots = uow.members.bots_among(sorted(set(member_ids.values())))
        for line in lines:
            if member_ids[line.member] in bots:
                raise InvalidInput(f"{path}:{line.number}: {line.member.value} is a bot")
        affiliations = uow.members.affiliations_of(sorted(set(member_ids.values())))
        first_seen: dict[int, datetime] = {}
        rows: list[dict[str, Any]] = []
        for line in lines:
            member_id = member_ids[line.member]
            day = line.at.astimezone(tz).date()
            rows.append(
                credit_values_for(line, member_id, affiliations.get(member_id, []), day, now)
            )
            if member_id not in first_seen or line.at < first_seen[member_id]:
                first_seen[member_id] = line.at
        # In the unique key's order (stable: of two lines with one reference, the first
        # in the file still wins), so the key's B-tree is walked once, left to right.
        rows.sort(key=lambda row: (row["source"], row["source_ref"]))
        added = 0
        with bulk_load(uow.session, table(CreditRow), len(rows)):
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                added += uow.credits.add_many(chunk, refresh_rollups=False)
        if added:  # the monthly figures of every month the file touched, once
            uow.rollups.rebuild_moments(line.at for line in lines)
        uow.members.seen_many(first_seen)
        uow.commit()
    return ImportResult(len(lines), added, len(lines) - added, created)


def credit_values_for(
    line: ImportLine, member_id: int, affiliations: list[Affiliation], day: date, now: datetime
) -> dict[str, Any]:
    """The credit row of one import line, attributed on its day."""
    return {
        "member_id": member_id,
        "type": line.type,
        "points": line.points,
        "occurred_at": line.at,
        "source": line.source,
        "source_ref": line.ref,
        "explicit_organisation": line.organisation,
        "organisation": resolve_organisation(line.organisation, affiliations, day),
        "granted_by": "import",
        "note": line.note,
        "created_at": now,
    }
