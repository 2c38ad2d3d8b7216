"""The outgoing gateways, built from the settings when they are configured.

A service that is not configured (no ``SLACK_BOT_TOKEN``, no ``DISCOURSE_URL``...) is
``None`` with the reason kept: its outbox messages wait in the outbox, and whoever
asked for delivery can say why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.errors import MissingSetting
from bot.outbox.worker import DISCOURSE, SLACK
from bot.ports import DiscourseSender, SlackSender


@dataclass
class Gateways:
    slack: SlackSender | None = None
    discourse: DiscourseSender | None = None
    missing: dict[str, str] = field(default_factory=dict)
    """Service (``slack``, ``discourse``) -> why it is not available."""


def open_gateways(settings: Settings) -> Gateways:
    """The Slack and Discourse gateways that the settings allow."""
    from bot.discourse.gateway import make_discourse_gateway
    from bot.slack.gateway import make_slack_gateway

    gateways = Gateways()
    try:
        gateways.slack = make_slack_gateway(settings)
    except MissingSetting as missing:
        gateways.missing[SLACK] = str(missing)
    try:
        gateways.discourse = make_discourse_gateway(settings)
    except MissingSetting as missing:
        gateways.missing[DISCOURSE] = str(missing)
    return gateways
