"""A slash command or a button while another process holds the database (a long
``creditbot import``), on SQLite and PostgreSQL: Slack never sends either again, so the
person is told privately, within seconds, that the bot is busy and nothing was changed,
and nothing is changed later; once the database is free, the same request works.

The other process is a second engine on the same database with a write transaction
open: SQLite's write lock, or PostgreSQL's advisory lock of the writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from storage.engine import make_engine
from tests.scenario.slack.test_export_and_erasure import _button
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.serving import RunningApp

BUSY = "The bot is busy right now; nothing was changed. Please try again in a minute."
ALICE = Identity(IdentityKind.SLACK, "U0ALICE")


@contextmanager
def _held_by_another_process(runtime: Runtime) -> Iterator[None]:
    other = make_engine(runtime.engine.url.render_as_string(hide_password=False))
    try:
        with other.connect() as connection, connection.begin():
            yield
    finally:
        other.dispose()


def _known(runtime: Runtime) -> bool:
    with runtime.reader() as uow:
        return uow.members.find(ALICE) is not None


def _last_reply(slack_api: SlackApiStandIn) -> tuple[str, str | None]:
    reply = slack_api.calls_to(RESPONSE_URL)[-1]
    return reply["text"], reply.get("response_type")


def test_a_credit_while_the_database_is_held_is_refused_as_busy_and_works_once_it_is_free(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    with _held_by_another_process(app.runtime):
        assert app.command("<@U0ALICE|alice> code 3 fixed the build").status_code == 200
        assert slack_api.calls_to(RESPONSE_URL) != []  # answered while still held
    assert _last_reply(slack_api) == (BUSY, "ephemeral")
    assert not _known(app.runtime)

    app.command("<@U0ALICE|alice> code 3 fixed the build", trigger_id="t-again")
    assert _last_reply(slack_api)[0] == "Credited <@U0ALICE> with *code*, 3 points: fixed the build"
    assert _known(app.runtime)


def test_a_forget_me_click_while_the_database_is_held_erases_nothing_and_says_so(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    app.command("forget me", user_id="U0ALICE")
    with _held_by_another_process(app.runtime):
        _button(app, "U0ALICE", "forget_me_confirm", "U0ALICE")
        assert _last_reply(slack_api) == (BUSY, "ephemeral")
    assert _known(app.runtime)

    _button(app, "U0ALICE", "forget_me_confirm", "U0ALICE")  # the same click, free: done
    assert _last_reply(slack_api)[0].startswith("Done: I erased your name")
    assert not _known(app.runtime)
