"""queryString on /api/messageConversations: the full-text search, inside the caller's own
conversations only."""

from __future__ import annotations

import pytest

from kernel.messaging import add_reply
from tests.api.conftest import assert_error


def found(client, query: str) -> list[str]:
    response = client.get(f"/api/messageConversations?fields=subject&order=subject:asc&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    subjects = [c["subject"] for c in body["messageConversations"]]
    assert body["pager"]["total"] == len(subjects)
    return subjects


@pytest.fixture
def mailbox(app, converse, people):
    converse(sender="ana", to=("ben",), subject="Fridge broken", text="The vaccine fridge is warm.")
    converse(sender="ben", to=("ana",), subject="ORS stock", text="Twenty sachets left.")
    private = converse(sender="eve", to=("admin",), subject="Fridge for eve", text="Eve's vaccine")
    with app.app_context():
        add_reply(private, people["admin"], "Vaccines arrive Monday.")


@pytest.mark.parametrize(
    "query, subjects",
    [
        ("queryString=fridge", ["Fridge broken"]),
        ("queryString=vacc", ["Fridge broken"]),
        ("queryString=twenty%20sachets", ["ORS stock"]),
        ("queryString=Phiri", ["ORS stock"]),
        ("queryString=banda&queryOperator=ilike", ["Fridge broken"]),
        ("queryString=monday", []),
        ("queryString=*", []),
        ("queryString=", ["Fridge broken", "ORS stock"]),
        ("queryString=fridge&filter=read:eq:false", ["Fridge broken"]),
        ("queryString=fridge&filter=read:eq:true", []),
    ],
)
def test_query_string_finds_by_subject_text_and_sender(api, mailbox, query, subjects):
    assert found(api("ben"), query) == subjects


@pytest.mark.parametrize("query", ["fridge", "vaccine", "eve", "monday", "outsider"])
def test_query_string_never_finds_another_users_conversation(api, mailbox, query):
    assert "Fridge for eve" not in found(api("ana"), f"queryString={query}")
    assert "Fridge for eve" not in found(api("ben"), f"queryString={query}&query=Fridge")


def test_query_string_finds_internal_notes_only_for_those_who_see_them(app, api, people, ticket):
    with app.app_context():
        add_reply(ticket, people["ben"], "Escalated to the HMIS officer", internal=True)
    assert found(api("ana"), "queryString=hmis") == []
    assert found(api("ben"), "queryString=hmis") == ["Cannot enter October data"]


def test_query_string_too_long_is_a_400(api):
    response = api("ben").get("/api/messageConversations?queryString=" + "x" * 201)
    assert_error(response, 400, "queryString is too long")


@pytest.fixture
def ticket(app, people):
    from kernel.messaging import start_conversation
    from kernel.models import Setting, UserGroup
    from plugins.feedback.team import RECIPIENTS_SETTING

    with app.app_context():
        group = UserGroup.create(name="Feedback team")
        group.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, group.uid)
        return start_conversation(
            sender=people["ana"],
            recipient_ids=group.member_ids(),
            subject="Cannot enter October data",
            text="The period is locked.",
            message_type="TICKET",
        )
