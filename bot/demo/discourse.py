"""The demo's forum step: a signed ``accepted_solution`` webhook, through the same code.

The body is shaped like discourse-solved's (a post under ``"solved"``), signed like
Discourse signs it, received by :func:`receive_webhook` (what ``POST
/discourse/webhook`` runs) and processed by the same service. The forum API is not
reachable in the demo, so a small in-memory forum answers the one question the
service asks it (who wrote the topic); the answer's author is already a member.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from bot.discourse.handlers import process_entry
from bot.discourse.webhook import receive_webhook, sign
from bot.errors import ExternalServiceError
from bot.runtime import Runtime
from bot.services.ledger.caps import solution_ref

DEMO_SECRET = "demo-webhook-secret"

DEMO_SOLUTION: dict[str, Any] = {
    "solved": {
        "id": 4127,
        "name": "Esther Okafor",
        "username": "esther",
        "avatar_template": "/user_avatar/forum.example.org/esther/{size}/88_2.png",
        "created_at": "2026-11-01T07:48:10.201Z",
        "cooked": "<p>Turn on <em>Include hidden columns</em> in the export dialog.</p>",
        "post_number": 2,
        "post_type": 1,
        "updated_at": "2026-11-01T07:48:10.201Z",
        "reply_count": 0,
        "reply_to_post_number": None,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 2,
        "score": 0.4,
        "topic_id": 1322,
        "topic_slug": "gradebook-export-shows-empty-columns",
        "topic_title": "Gradebook export shows empty columns",
        "category_id": 7,
        "display_username": "Esther Okafor",
        "version": 1,
        "raw": "Turn on *Include hidden columns* in the export dialog.",
        "moderator": False,
        "admin": False,
        "staff": False,
        "user_id": 41,
        "hidden": False,
        "trust_level": 2,
        "deleted_at": None,
        "user_deleted": False,
        "wiki": False,
        "topic_posts_count": 2,
        "topic_filtered_posts_count": 2,
        "topic_archetype": "regular",
        "category_slug": "support",
        "accepted_answer": True,
        "topic_accepted_answer": True,
    }
}


class DemoForum:
    """The forum's answers the demo needs: topic 1322 was opened by Jon Park."""

    def topic(self, topic_id: int, slug: str | None = None) -> dict[str, Any] | None:
        if topic_id != 1322:
            return None
        return {
            "id": 1322,
            "title": "Gradebook export shows empty columns",
            "archetype": "regular",
            "category_id": 7,
            "details": {"created_by": {"id": 52, "username": "jpark", "name": "Jon Park"}},
            # discourse-solved: Esther's answer, post 2, is the accepted one
            "accepted_answer": {"post_number": 2, "username": "esther", "name": "Esther Okafor"},
        }

    def user_email(self, username: str) -> str | None:
        return None

    # Nothing else is asked in the demo; these would need the real forum.
    def user(self, username: str) -> dict[str, Any]:
        raise ExternalServiceError("demo forum", "it has no users to show", transient=False)

    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]:
        raise ExternalServiceError("demo forum", "it does not post", transient=False)

    def find_topic(self, external_id: str) -> int | None:
        return None

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int:
        raise ExternalServiceError("demo forum", "it does not post", transient=False)

    def post_by_number(self, topic_id: int, post_number: int) -> dict[str, Any] | None:
        return None

    def latest_posts(self, before: int | None = None) -> list[dict[str, Any]]:
        return []

    def solved_topics(self, category_id: int, page: int = 0) -> tuple[list[dict[str, Any]], bool]:
        return [], False


def run_discourse_demo(runtime: Runtime, echo: Callable[[str], None]) -> None:
    """Feed a signed accepted-solution webhook through the service and show the credit."""
    settings = runtime.settings.model_copy(
        update={"discourse_webhook_secret": SecretStr(DEMO_SECRET)}
    )
    forum_runtime = Runtime(settings, runtime.config, runtime.engine, runtime.clock)
    body = json.dumps(DEMO_SOLUTION).encode("utf-8")

    def deliver(event_id: int) -> tuple[int, dict[str, Any], int | None]:
        headers = {
            "X-Discourse-Event-Type": "solved",
            "X-Discourse-Event": "accepted_solution",
            "X-Discourse-Event-Id": str(event_id),
            "X-Discourse-Event-Signature": sign(DEMO_SECRET, body),
        }
        reply = receive_webhook(forum_runtime, headers, body)
        return reply.status, reply.body, reply.entry_id

    echo("")
    echo("Forum: Jon asked “Gradebook export shows empty columns”; he accepts Esther's answer.")
    status, answer, entry_id = deliver(1)
    echo(f"  POST /discourse/webhook accepted_solution -> {status} {answer['status']}")
    if entry_id is not None:
        outcome = process_entry(forum_runtime, DemoForum(), entry_id)
        echo(f"  {outcome.message}")
    status, answer, _ = deliver(2)
    echo(f"  the same delivery again, new event id -> {status} {answer['status']}")
    with runtime.reader() as uow:
        credit = uow.credits.by_ref("discourse", solution_ref(4127))
    if credit is not None:
        echo(
            f"  ledger: {credit.type}, {credit.points} points, "
            f"{credit.occurred_at.isoformat(timespec='seconds')}, "
            f"{credit.organisation or 'independent'}"
        )
