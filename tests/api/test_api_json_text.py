"""Every JSON body the API reads is refused with a 400, changing nothing, when it is nested
deeper than a parser goes or holds half of a UTF-16 surrogate pair, which no database can
store (both were 500s)."""

from __future__ import annotations

import pytest

from kernel.models import Conversation, Message, Participant, User, UserGroup, UserRole
from tests.api.conftest import assert_error

LONE_SURROGATE = '"\\ud800"'
# Deeper than Python's recursion limit, and short enough for every endpoint's size limit.
DEEP = "[" * 5_000 + "]" * 5_000


def _everything(app) -> tuple:
    from plugins.orgunit_routing.models import OrgUnit
    from plugins.system_alerts.models import ValidationResult, ValidationRule

    with app.app_context():
        return (
            Conversation.select().count(),
            Message.select().count(),
            [(p.read, p.follow_up) for p in Participant.select().order_by(Participant.id)],
            User.select().count(),
            UserGroup.select().count(),
            UserRole.select().count(),
            OrgUnit.select().count(),
            ValidationRule.select().count(),
            ValidationResult.select().count(),
        )


def _bodies(people, conversation) -> dict[str, tuple[str, str, str]]:
    """Per endpoint: its URL, and a valid body with ``%s`` where a string goes."""
    ben = people["ben"].uid
    return {
        "create": (
            "/api/messageConversations",
            '{"subject": %s, "text": "No ORS.", "users": [{"id": "' + ben + '"}]}',
            "application/json",
        ),
        "reply": (f"/api/messageConversations/{conversation.uid}", "%s", "application/json"),
        "recipients": (
            f"/api/messageConversations/{conversation.uid}/recipients",
            '{"users": [{"id": %s}]}',
            "application/json",
        ),
        "read": ("/api/messageConversations/read", "[%s]", "application/json"),
        "metadata": ("/api/metadata", '{"userGroups": [{"name": %s}]}', "application/json"),
        "validationResults": (
            "/api/validationResults",
            '{"validationResults": [{"period": %s}]}',
            "application/json",
        ),
    }


ENDPOINTS = ["create", "reply", "recipients", "read", "metadata", "validationResults"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "text",
    [LONE_SURROGATE, '"a\\udfffb"', '"\\ude00\\ud83d"'],
    ids=["high-half", "low-half", "halves-swapped"],
)
def test_a_string_holding_half_a_surrogate_pair_is_a_400_and_changes_nothing(
    app, api, converse, people, endpoint, text
):
    conversation = converse()
    url, body, mimetype = _bodies(people, conversation)[endpoint]
    before = _everything(app)
    response = api("admin").post(
        url,
        data=body % text,
        headers={"Content-Type": mimetype},
    )
    assert_error(response, 400, "half of a surrogate pair")
    assert _everything(app) == before


@pytest.mark.parametrize("endpoint", ["create", "recipients", "metadata"])
def test_half_a_surrogate_pair_encoded_as_utf8_bytes_is_a_400_and_changes_nothing(
    app, api, converse, people, endpoint
):
    # Python's JSON parser decodes such bytes ("surrogatepass") instead of refusing them.
    conversation = converse()
    url, body, mimetype = _bodies(people, conversation)[endpoint]
    before = _everything(app)
    response = api("admin").post(
        url,
        data=(body % '"\ud800"').encode("utf-8", "surrogatepass"),
        headers={"Content-Type": mimetype},
    )
    assert_error(response, 400, "half of a surrogate pair")
    assert _everything(app) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_json_nested_deeper_than_the_parser_goes_is_a_400_and_changes_nothing(
    app, api, converse, people, endpoint
):
    conversation = converse()
    url, _, mimetype = _bodies(people, conversation)[endpoint]
    before = _everything(app)
    response = api("admin").post(url, data=DEEP, headers={"Content-Type": mimetype})
    assert_error(response, 400, "nested too deeply")
    assert _everything(app) == before


def test_a_whole_surrogate_pair_is_a_character_and_is_sent(app, api, converse, people):
    conversation = converse()
    response = api("ben").post(
        f"/api/messageConversations/{conversation.uid}",
        data='"Thanks \\ud83d\\ude42"',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        assert Message.select().order_by(Message.id.desc()).get().text == "Thanks \U0001f642"
