"""A feedback team (ben, and tess who joins later), a ticket from ana, eve unrelated,
admin with ALL."""

from __future__ import annotations

import pytest

from kernel.models import Setting, Status, UserGroup
from kernel.people import create_user
from plugins.feedback.team import RECIPIENTS_SETTING


@pytest.fixture
def team(app, people):
    with app.app_context():
        group = UserGroup.create(name="Feedback team")
        group.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, group.uid)
        people["tess"] = create_user("tess", "Tess", "Koroma", password="district")
        return group


@pytest.fixture
def ticket(app, team, people):
    from kernel.messaging import start_conversation

    with app.app_context():
        return start_conversation(
            sender=people["ana"],
            recipient_ids=team.member_ids(),
            subject="Cannot enter October data",
            text="The period is locked for Bumpe CHP.",
            message_type="TICKET",
            status=Status.OPEN,
        )


@pytest.fixture
def api(app, people):
    """``api("ana")``: a Web API client authenticated as that person with HTTP Basic;
    ``api(None)`` sends no credentials."""
    from tests.api.conftest import ApiClient, basic

    return lambda username: ApiClient(app, basic(username) if username else {})
