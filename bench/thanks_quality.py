"""Detection quality: thank-you detection against the hand-labelled Slack threads.

    python bench/thanks_quality.py [--cases tests/payloads/thanks_labelled.jsonl] [--all]

Each line of the labelled set holds a thread (``thread``: the earlier messages, parent
first), the reply to judge (``message``) and the helper a careful reader would credit
(``helper``: a user id, or null when no credit should be suggested), with an optional
``note`` saying why.

A case counts as *correct* when the detector names exactly the expected helper (or
nobody when nobody is expected). For the positive class "suggest crediting X":

- true positive: the expected helper is named;
- false positive: someone is named, but the wrong person or nobody was expected;
- false negative: a helper was expected but not named (a wrong person counts here too).

The rules are the defaults plus ``MULTILINGUAL`` as ``thanks.extra_phrases``, the way a
community with French, German, Spanish, Portuguese and Italian speakers would set them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scoring.thanks import (
    ThanksRules,
    ThanksVerdict,
    ThreadMessage,
    detect_thanks,
    merge_terms,
)

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "payloads" / "thanks_labelled.jsonl"
MULTILINGUAL = ("merci", "danke", "gracias", "obrigado", "obrigada", "grazie")


def evaluation_rules() -> ThanksRules:
    """The rules the labelled set is measured with (see the module docstring)."""
    defaults = ThanksRules()
    return replace(defaults, phrases=merge_terms(defaults.phrases, MULTILINGUAL))


@dataclass(frozen=True)
class LabelledCase:
    id: str
    earlier: tuple[ThreadMessage, ...]
    message: ThreadMessage
    helper: str | None
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    case: LabelledCase
    verdict: ThanksVerdict

    @property
    def correct(self) -> bool:
        return self.verdict.helper == self.case.helper


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


def _message(data: dict[str, object]) -> ThreadMessage:
    return ThreadMessage(
        user=str(data["user"]),
        text=str(data["text"]),
        ts=str(data["ts"]),
        is_bot=bool(data.get("is_bot", False)),
    )


def load_cases(path: Path = CASES) -> list[LabelledCase]:
    """The labelled cases of a JSON Lines file, in file order."""
    cases: list[LabelledCase] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(
                LabelledCase(
                    id=row["id"],
                    earlier=tuple(_message(m) for m in row["thread"]),
                    message=_message(row["message"]),
                    helper=row["helper"],
                    note=row.get("note", ""),
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


def report(quality: Quality, show_all: bool = False) -> str:
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
    shown: Sequence[Outcome] = outcomes if show_all else quality.mistakes
    lines += [_describe(o) for o in shown]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--all", action="store_true", help="print every case, not only mistakes")
    args = parser.parse_args(argv)
    print(report(evaluate(load_cases(args.cases), evaluation_rules()), show_all=args.all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
