"""Merging two records of one person: refusals that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.people.accounts import merge_members
from scoring.models import Identity, IdentityKind

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_two_members_with_different_slack_accounts_are_never_merged(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        ann = uow.members.create("Ann", [Identity(IdentityKind.SLACK, "U0ANN")], NOW)
        other = uow.members.create("Ann", [Identity(IdentityKind.SLACK, "U0ANN2")], NOW)
        uow.commit()

    with runtime.uow() as uow, pytest.raises(InvalidInput) as refused:
        merge_members(uow, ann, other, "cli", NOW)

    assert "have different Slack accounts (U0ANN, U0ANN2)" in str(refused.value)
    with runtime.reader() as uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0ANN2")) == other
        assert uow.people.audits(ann.id) == []
