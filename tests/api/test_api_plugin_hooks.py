"""Plugin hooks the API honours: hidden (internal) messages and granted access."""

from __future__ import annotations

import pytest

from kernel import hookimpl
from kernel.messaging import add_reply
from tests.api.conftest import assert_error


class FeedbackTeamOnly:
    """Internal messages are for the feedback team (here: ben and admin), as the feedback
    plugin will rule; and ben's team may open conversations about "Shared" topics."""

    @hookimpl
    def mailroom_message_visible(self, message, user):
        if message.internal and user.username not in ("ben", "admin"):
            return False
        return None

    @hookimpl
    def mailroom_sees_internal_messages(self, user):
        # The hook contract: whoever this plugin shows internal messages to, it says so
        # here too (the kernel hides them from everyone else).
        return True if user.username in ("ben", "admin") else None

    @hookimpl
    def mailroom_conversation_access(self, conversation, user):
        return True if user.username == "eve" and "Shared" in conversation.subject else None


@pytest.fixture
def app(make_app):
    # The real feedback plugin has its own team rule; this stand-in must be the only one.
    return make_app(plugins=["user_messages"], extra_plugins=[FeedbackTeamOnly()])


@pytest.fixture
def with_internal_note(app, converse, people):
    conversation = converse(sender="ana", to=("ben",), subject="Broken scale", text="Scale broke.")
    with app.app_context():
        add_reply(conversation, people["ben"], "SECRET: ana reported this twice", internal=True)
        add_reply(conversation, people["ben"], "We will replace it.")
    return conversation


@pytest.mark.parametrize(
    "url",
    [
        "/api/messageConversations/{uid}",
        "/api/messageConversations/{uid}?fields=*,messages[*]",
        "/api/messageConversations/{uid}?fields=messages[text,internal]",
        "/api/messageConversations?fields=messages[*]",
        "/api/messageConversations?fields=*,messages[id,text,sender[id,displayName]]",
        "/api/messageConversations?fields=:all,messages[:all]&filter=subject:ilike:scale",
        "/api/messageConversations?fields=messages",
    ],
)
def test_internal_message_never_reaches_a_user_it_is_hidden_from(api, with_internal_note, url):
    response = api("ana").get(url.format(uid=with_internal_note.uid))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "SECRET" not in text
    internal_ids = [m.uid for m in with_internal_note.messages if m.internal]
    assert internal_ids and all(uid not in text for uid in internal_ids)


def test_the_feedback_team_sees_the_internal_message(api, with_internal_note):
    body = api("ben").get(f"/api/messageConversations/{with_internal_note.uid}").get_json()
    assert [m["internal"] for m in body["messages"]] == [False, True, False]
    listed = api("ben").get("/api/messageConversations?fields=messages[text]").get_json()
    assert "SECRET: ana reported this twice" in [
        m["text"] for m in listed["messageConversations"][0]["messages"]
    ]


def test_internal_reply_does_not_show_in_counts_or_last_sender_for_the_hidden(
    api, with_internal_note, people
):
    (item,) = (
        api("ana")
        .get("/api/messageConversations?fields=messageCount,lastSender[id]")
        .get_json()["messageConversations"]
    )
    assert item == {"messageCount": 2, "lastSender": {"id": people["ben"].uid}}


def test_access_hook_lets_a_non_participant_open_but_not_list(api, converse):
    shared = converse(subject="Shared: cold chain")
    private = converse(subject="Private: leave")
    eve = api("eve")
    body = eve.get(f"/api/messageConversations/{shared.uid}?fields=subject,read").get_json()
    assert body == {"subject": "Shared: cold chain"}
    assert_error(eve.get(f"/api/messageConversations/{private.uid}"), 403)
    assert eve.get("/api/messageConversations").get_json()["messageConversations"] == []
    # Access without a copy changes no one's state.
    assert eve.post(f"/api/messageConversations/{shared.uid}/read").get_json() == {"markedRead": []}
