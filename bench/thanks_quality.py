"""Detection quality: thank-you detection against the hand-labelled Slack threads.

    python bench/thanks_quality.py [--cases tests/payloads/thanks/dev.jsonl] [--all] [--by]

Each line of a labelled set holds a thread (``thread``: the earlier messages, parent
first), the reply to judge (``message``) and the helper a careful reader would credit
(``helper``: a user id, or null when no credit should be suggested), other acceptable
helpers (``also``, for "thanks @ana and @bob"), the participants' Slack profiles
(``users``: handle, real and display name, ``is_bot``), the case's ``kind`` and
``lang``, and an optional ``note`` saying why.

A case counts as *correct* when the detector names the expected helper or one in
``also`` (or nobody when nobody is expected). For the positive class "suggest crediting X":

- true positive: the expected helper is named;
- false positive: someone is named, but the wrong person or nobody was expected;
- false negative: a helper was expected but not named (a wrong person counts here too).

The rules are the defaults, as ``creditbot serve`` runs them with no ``thanks:`` section.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.slack_text import tokenise
from scoring.thanks import (
    ThanksRules,
    ThanksVerdict,
    ThreadMessage,
    detect_thanks,
)

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "payloads" / "thanks" / "dev.jsonl"
DEV_SEEN = ROOT / "tests" / "payloads" / "thanks" / "dev_seen.jsonl"
HELDOUT = ROOT / "tests" / "payloads" / "thanks" / "heldout.jsonl"


def evaluation_rules() -> ThanksRules:
    """The rules the labelled sets are measured with: the defaults."""
    return ThanksRules()


@dataclass(frozen=True)
class LabelledCase:
    id: str
    earlier: tuple[ThreadMessage, ...]
    message: ThreadMessage
    helper: str | None
    note: str = ""
    kind: str = ""
    lang: str = "en"
    also: tuple[str, ...] = ()

    def accepts(self, helper: str | None) -> bool:
        """Is ``helper`` (None: nobody) a right answer for this case?"""
        return helper == self.helper or (self.helper is not None and helper in self.also)


@dataclass(frozen=True)
class Outcome:
    case: LabelledCase
    verdict: ThanksVerdict

    @property
    def correct(self) -> bool:
        return self.case.accepts(self.verdict.helper)


@dataclass(frozen=True)
class Quality:
    outcomes: tuple[Outcome, ...]

    @property
    def true_positives(self) -> int:
        return sum(1 for o in self.outcomes if o.case.helper and o.correct)

    @property
    def false_positives(self) -> int:
        return sum(1 for o in self.outcomes if o.verdict.helper and not o.correct)

    @property
    def false_negatives(self) -> int:
        return sum(1 for o in self.outcomes if o.case.helper and not o.correct)

    @property
    def true_negatives(self) -> int:
        return sum(1 for o in self.outcomes if not o.case.helper and not o.verdict.helper)

    @property
    def precision(self) -> float:
        named = self.true_positives + self.false_positives
        return self.true_positives / named if named else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def mistakes(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.correct)


def _message(data: dict[str, Any], users: dict[str, Any]) -> ThreadMessage:
    profile = users.get(str(data["user"])) or {}
    return ThreadMessage(
        user=str(data["user"]),
        text=str(data["text"]),
        ts=str(data["ts"]),
        is_bot=bool(data.get("is_bot") or profile.get("is_bot", False)),
        names=tuple(
            str(profile[key]) for key in ("name", "display_name", "real_name") if profile.get(key)
        ),
    )


def load_cases(path: Path = CASES) -> list[LabelledCase]:
    """The labelled cases of a JSON Lines file, in file order."""
    cases: list[LabelledCase] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            users = row.get("users") or {}
            cases.append(
                LabelledCase(
                    id=row["id"],
                    earlier=tuple(_message(m, users) for m in row["thread"]),
                    message=_message(row["message"], users),
                    helper=row["helper"],
                    note=row.get("note", ""),
                    kind=row.get("kind", ""),
                    lang=row.get("lang", "en"),
                    also=tuple(row.get("also") or ()),
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}:{number}: not a labelled case ({error!r})") from None
    return cases


def evaluate(cases: Iterable[LabelledCase], rules: ThanksRules) -> Quality:
    """Run the detector on every case."""
    return Quality(
        tuple(Outcome(case, detect_thanks(case.message, case.earlier, rules)) for case in cases)
    )


def _describe(outcome: Outcome) -> str:
    case, verdict = outcome.case, outcome.verdict
    expected = case.helper or "nobody"
    got = verdict.helper or "nobody"
    lines = [
        f"  {case.id}: expected {expected}, got {got}",
        f"    message: {case.message.text[:110]!r}",
        f"    reason:  {verdict.reason}",
    ]
    if case.note:
        lines.append(f"    note:    {case.note}")
    return "\n".join(lines)


def breakdown(quality: Quality) -> list[str]:
    """One line per language and per kind: cases, right, precision and recall."""
    lines: list[str] = []
    for label, key in (("language", "lang"), ("kind", "kind")):
        groups: dict[str, list[Outcome]] = {}
        for outcome in quality.outcomes:
            groups.setdefault(getattr(outcome.case, key), []).append(outcome)
        lines.append(f"by {label}:")
        for name, outcomes in sorted(groups.items()):
            part = Quality(tuple(outcomes))
            right = sum(1 for o in outcomes if o.correct)
            lines.append(
                f"  {name:<28} {len(outcomes):>4} cases  {right:>4} right  "
                f"precision {part.precision:.2f}  recall {part.recall:.2f}"
            )
    return lines


def report(quality: Quality, show_all: bool = False, by: bool = False) -> str:
    """The figures, then the misclassified cases (every case with ``show_all``)."""
    outcomes = quality.outcomes
    positives = sum(1 for o in outcomes if o.case.helper)
    lines = [
        f"cases: {len(outcomes)} ({positives} with a helper, {len(outcomes) - positives} without)",
        f"true positives: {quality.true_positives}  false positives: {quality.false_positives}  "
        f"false negatives: {quality.false_negatives}  true negatives: {quality.true_negatives}",
        f"precision: {quality.precision:.3f}",
        f"recall:    {quality.recall:.3f}",
        f"F1:        {quality.f1:.3f}",
        f"misclassified: {len(quality.mistakes)}",
    ]
    if by:
        lines += breakdown(quality)
    shown: Sequence[Outcome] = outcomes if show_all else quality.mistakes
    lines += [_describe(o) for o in shown]
    return "\n".join(lines)


NAIVE = re.compile(r"\b(thanks|thank you|thx|ty)\b", re.I)
TIMING_ROUNDS = 5
TARGET_MS = 1.0


def timing(cases: Sequence[LabelledCase], rules: ThanksRules) -> str:
    """Per-message detection time (CPU time of this thread: on a shared machine, time spent
    waiting for a core is not the detector's), beside reference work on the same messages."""

    def per_message_ms(judge: Callable[[LabelledCase], object]) -> tuple[float, float]:
        samples: list[float] = []
        for _ in range(TIMING_ROUNDS):
            tokenise.cache_clear()  # each round reads the texts afresh, as serve does
            for case in cases:
                began = time.thread_time()
                judge(case)
                samples.append((time.thread_time() - began) * 1000)
        samples.sort()
        return samples[len(samples) // 2], samples[int(len(samples) * 0.99)]

    for case in cases:  # warm the caches, as a long-running serve has them
        detect_thanks(case.message, case.earlier, rules)
    median, p99 = per_message_ms(lambda c: detect_thanks(c.message, c.earlier, rules))
    reference, reference_p99 = per_message_ms(lambda c: tokenise(c.message.text))
    naive, naive_p99 = per_message_ms(lambda c: NAIVE.search(c.message.text))
    return (
        f"detection time per message, with its thread ({len(cases)} x {TIMING_ROUNDS}): "
        f"median {median:.3f} ms, p99 {p99:.3f} ms (target < {TARGET_MS:.0f} ms)\n"
        f"reference, tokenising the message alone: median {reference:.3f} ms, "
        f"p99 {reference_p99:.3f} ms; a naive regex: median {naive:.4f} ms, p99 {naive_p99:.4f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--all", action="store_true", help="print every case, not only mistakes")
    parser.add_argument("--by", action="store_true", help="figures per language and per kind")
    parser.add_argument("--timing", action="store_true", help="time the detector per message")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    quality = evaluate(cases, evaluation_rules())
    print(report(quality, show_all=args.all, by=args.by))
    if args.timing:
        print(timing(cases, evaluation_rules()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
