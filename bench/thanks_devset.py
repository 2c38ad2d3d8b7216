"""Write the development set of thank-you detection, ``tests/payloads/thanks/dev.jsonl``.

    python bench/thanks_devset.py

The set is the 268 older hand-labelled threads (``tests/payloads/thanks_labelled.jsonl``,
given a ``kind`` and a ``lang``) plus several hundred threads composed here from
hand-written messages in 20 languages: every kind of the labelled-set format (see
``bench/README.md``), slang, misspellings, several helpers. Deterministic (fixed seed).
Tune the detector on this set only; the held-out set is written by someone else.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.thanks_phrasebook import en_cases

ROOT = Path(__file__).resolve().parents[1]
OLD = ROOT / "tests" / "payloads" / "thanks_labelled.jsonl"
DEV = ROOT / "tests" / "payloads" / "thanks" / "dev.jsonl"

OLD_KINDS = {
    "bot": "thanks_to_bot",
    "emoji": "implicit_gratitude",
    "failure": "not_resolved",
    "greeting": "greeting",
    "hard": "multi_party",
    "long": "no_thanks",
    "markup": "quoted_or_code_thanks",
    "mention": "thanks_with_mention",
    "multilingual": "other_language_thanks",
    "none": "no_thanks",
    "plain": "plain_thanks",
    "question": "question_politeness",
    "reply": "helpers_own_reply",
    "request": "question_politeness",
    "resolution": "implicit_gratitude",
    "sarcasm": "sarcasm",
    "self": "self_resolved",
}


# Older labels the programme's decisions (issue 18, scoring/thanks.py) reverse.
RELABELLED = {
    "mention-13": (None, "decision: thanks to someone who has not written in the thread"),
    "mention-15": (None, "decision: thanks to someone who has not written in the thread"),
    "plain-44": (None, "decision: thanks to the whole channel names nobody"),
    "greeting-09": ("U03BQX51RT2", "decision: reporting a bug is a contribution"),
}


def _old_cases() -> Iterator[dict[str, Any]]:
    for line in OLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in RELABELLED:
            row["helper"], row["note"] = RELABELLED[row["id"]]
        row["kind"] = OLD_KINDS[row["id"].rsplit("-", 1)[0]]
        row.setdefault("lang", "en")
        row.setdefault("also", [])
        yield row


def main() -> None:
    rng = random.Random(18)
    rows = list(_old_cases())
    rows += en_cases(rng)
    DEV.parent.mkdir(parents=True, exist_ok=True)
    with DEV.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cases to {DEV.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
