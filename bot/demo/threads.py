"""Two more demo threads: a thank-you in Portuguese, and a busy thread where the helper
is not the last to speak. Each reply goes through the same services as ``serve``; the
question each raises (printed by the recording gateway) names the helper and says why.
"""

from __future__ import annotations

from typing import Any

from bot.demo.slack_workspace import PEOPLE, Echo, RecordingSlack, envelope, message_event, readable
from bot.slack.handlers.services import SlackServices

PORTUGUESE = [
    ("1793530000.000100", "U0PAULA", "Alguém sabe por que o export de notas vem vazio?"),
    ("1793530600.000200", "U0GRACE", "Precisa marcar *Incluir notas finais* e exportar de novo."),
    ("1793531200.000300", "U0PAULA", "muito obrigada, funcionou! 🙏"),
]
BUSY = [
    ("1793540000.000100", "U0DMITRI", "The LMS says 502 after the upgrade. Ideas?"),
    (
        "1793540600.000200",
        "U0GRACE",
        "The worker is still on the old image: run `tutor local restart lms`.",
    ),
    ("1793541200.000300", "U0OMAR", "Could be nginx, check its error log?"),
    ("1793541800.000400", "U0PAULA", "+1 same here"),
    ("1793542400.000500", "U0DMITRI", "that was it, thanks Grace!"),
]


def replay_more_threads(services: SlackServices, slack: RecordingSlack, echo: Echo) -> None:
    """Replay the two threads; the last message of each is the thank-you."""
    names = {user: name for user, (name, _email) in PEOPLE.items()}
    for title, thread in (
        ("Slack: a thank-you in Portuguese, out of the box", PORTUGUESE),
        ("Slack: several people in a thread; the thanks names the helper by first name", BUSY),
    ):
        echo("")
        echo(title)
        parent = thread[0][0]
        for index, (ts, user, text) in enumerate(thread):
            thread_ts = parent if index else None
            message: dict[str, Any] = message_event(user, text, ts, thread_ts)
            message["parent_user_id"] = thread[0][1]
            if index < len(thread) - 1:
                slack.messages.append(message)
            echo(f"  #help {'  ↳ ' if index else ''}{names[user]}: {readable(text)}")
            outcome = services.events.on_message(
                envelope(message, f"Ev0DEMOX{parent[-6:]}{index}", int(float(ts))), "U0CREDITBOT"
            )
        if outcome.suggestion_id is None:
            echo(f"  (no question: {outcome.detail})")
