"""Slack is never starved by forum traffic or public pages (``serve``'s thread pools:
bot/executors.py). 100 signed ``post_created`` webhooks of new forum users (each needs
the forum API, whose answers are slow here, and the rate limit allows 5 at once) and 40
public pages arrive together with a ``/credit help``: it is answered within Slack's
patience. The time itself is measured by bench/bench_slack_under_load.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.runtime import Runtime
from tests.faults.load import credit_help, get_reports, post_webhook
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import wait_for
from tests.support.processes import Creditbot

WEBHOOKS = 100
PAGES = 40
#: Slack gives up after 3 s; a loaded test machine gets three times that.
SLACK_PATIENCE = 10.0


def test_credit_help_is_answered_while_forum_webhooks_and_pages_pour_in(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    forum.delay("/u/", 3.0, times=WEBHOOKS)  # the forum answers slowly today
    creditbot.point_at(slack=slack_api.url, forum=forum.url)
    serve = creditbot.serve()
    with ThreadPoolExecutor(max_workers=WEBHOOKS + PAGES) as senders:
        hooks = [senders.submit(post_webhook, serve.url, n) for n in range(WEBHOOKS)]
        pages = [senders.submit(get_reports, serve.url) for _ in range(PAGES)]
        wait_for("the forum to be asked", lambda: bool(forum.calls("/u/")))
        text, _took = credit_help(serve.url, timeout=SLACK_PATIENCE)
        assert text.startswith("*How to use /credit*")
        assert {hook.result() for hook in hooks} == {200}
        assert {page.result() for page in pages} == {200}
    serve.kill()
