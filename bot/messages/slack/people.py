"""Block Kit of a person's own record: the confirmation asked before an erasure."""

from __future__ import annotations

from typing import Any

FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"

FORGET_QUESTION = (
    "*Erase what I hold about you?* Your name, accounts, organisation history, activity "
    "and the notes on your credits are erased, and published shout-outs are changed to say "
    "\u201ca former member\u201d. Your points stay in the totals, anonymously. This cannot be "
    "undone. (`/credit export me` first if you want a copy.)"
)


def forget_prompt(user_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The private question ``/credit forget me`` answers with: text and blocks."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": FORGET_QUESTION}},
        {
            "type": "actions",
            "block_id": "forget_me",
            "elements": [
                {
                    "type": "button",
                    "action_id": FORGET_CONFIRM,
                    "text": {"type": "plain_text", "text": "Erase my data"},
                    "style": "danger",
                    "value": user_id,
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Erase your data?"},
                        "text": {"type": "plain_text", "text": "This cannot be undone."},
                        "confirm": {"type": "plain_text", "text": "Erase"},
                        "deny": {"type": "plain_text", "text": "Keep it"},
                    },
                },
                {
                    "type": "button",
                    "action_id": FORGET_CANCEL,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": user_id,
                },
            ],
        },
    ]
    return FORGET_QUESTION, blocks
