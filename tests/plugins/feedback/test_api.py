"""The feedback Web API: sending feedback, the team's tools, user lookup, configuration."""

from __future__ import annotations

import pytest

from kernel.models import Conversation, Message, Participant, Setting, UserGroup, UserGroupMember
from plugins.feedback.models import FeedbackChange
from plugins.feedback.team import RECIPIENTS_SETTING
from tests.api.conftest import assert_error

FEEDBACK = "/api/messageConversations/feedback"


def state(conversation) -> tuple:
    fresh = Conversation.get_by_id(conversation.id)
    return fresh.priority, fresh.status, fresh.assignee_id


def titles(client, query: str = "") -> list[str]:
    response = client.get(f"/api/messageConversations?fields=subject&order=subject:asc&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [c["subject"] for c in response.get_json()["messageConversations"]]


# --- POST /api/messageConversations/feedback ----------------------------------------------


def test_feedback_through_the_api_is_an_open_ticket_for_the_group(api, team, people):
    response = api("ana").post(
        f"{FEEDBACK}?subject=Locked period",
        data="Please unlock October.",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["message"]) == ("OK", "Feedback created")
    location = response.headers["Location"]
    uid = location.rsplit("/", 1)[1]
    assert location == f"http://localhost/api/messageConversations/{uid}"
    ticket = api("ana").get(location).get_json()
    assert (ticket["subject"], ticket["messageType"], ticket["status"], ticket["priority"]) == (
        "Locked period",
        "TICKET",
        "OPEN",
        "NONE",
    )
    assert [m["text"] for m in ticket["messages"]] == ["Please unlock October."]
    assert api("ben").get("/api/me/dashboard").get_json()["unreadMessageConversations"] == 1
    assert api("ana").get("/api/me/dashboard").get_json()["unreadMessageConversations"] == 0
    assert api("eve").get(location).status_code == 403


@pytest.mark.parametrize("setup", ["unset", "deleted group", "empty group", "only the sender"])
def test_feedback_without_anyone_to_receive_it_is_refused_and_nothing_is_stored(
    api, team, people, setup
):
    if setup == "unset":
        Setting.write(RECIPIENTS_SETTING, None)
    elif setup == "deleted group":
        Setting.write(RECIPIENTS_SETTING, "Gone0000001")
    elif setup == "empty group":
        UserGroupMember.delete().execute()
    else:
        UserGroupMember.delete().execute()
        team.add_members([people["ana"]])
    response = api("ana").post(f"{FEEDBACK}?subject=Locked", data="Please unlock.")
    if setup in ("unset", "deleted group"):
        assert_error(response, 409, "no feedback recipient group is configured")
    else:
        assert_error(response, 409, "no enabled member besides you")
    assert Conversation.select().count() == 0 and Message.select().count() == 0


@pytest.mark.parametrize(
    "query, body, status, fragment",
    [
        ("", "Text", 400, "Enter a subject."),
        ("?subject=%20%20", "Text", 400, "Enter a subject."),
        ("?subject=S", "", 400, "Enter a message."),
        ("?subject=S", "   \n", 400, "Enter a message."),
        ("?subject=" + "x" * 256, "Text", 400, "longer than 255"),
        ("?subject=S", "x" * 10_001, 400, "longer than 10000"),
        ("?subject=S%00", "Text", 400, "NUL character"),
        ("?subject=S", "Te\x00xt", 400, "NUL character"),
    ],
)
def test_feedback_bad_input_is_a_400_and_stores_nothing(api, team, query, body, status, fragment):
    assert_error(api("ana").post(f"{FEEDBACK}{query}", data=body), status, fragment)
    assert Conversation.select().count() == 0


def test_oversized_feedback_body_is_refused_before_it_is_read(api, team):
    response = api("ana").post(f"{FEEDBACK}?subject=S", data="x" * 50_000)
    assert response.status_code == 413
    assert Conversation.select().count() == 0


def test_anonymous_feedback_is_401(api, team):
    assert_error(api(None).post(f"{FEEDBACK}?subject=S", data="T"), 401)
    assert Conversation.select().count() == 0


# --- priority, status, assign --------------------------------------------------------------


@pytest.mark.parametrize("who", ["ben", "admin"])
def test_team_and_all_users_handle_feedback_through_the_api(api, ticket, people, who):
    client = api(who)
    base = f"/api/messageConversations/{ticket.uid}"
    response = client.post(f"{base}/priority?messageConversationPriority=HIGH")
    assert response.status_code == 200 and response.get_json() == {"HIGH": [ticket.uid]}
    response = client.post(f"{base}/status?messageConversationStatus=PENDING")
    assert response.status_code == 200 and response.get_json() == {"PENDING": [ticket.uid]}
    response = client.post(f"{base}/assign?userId={people['ben'].uid}")
    assert response.status_code == 200
    assert response.get_json()["message"] == "User Ben Phiri was assigned successfully"
    assert state(ticket) == ("HIGH", "PENDING", people["ben"].id)
    seen = client.get(f"{base}?fields=priority,status,assignee[id,displayName]").get_json()
    assert seen == {
        "priority": "HIGH",
        "status": "PENDING",
        "assignee": {"id": people["ben"].uid, "displayName": "Ben Phiri"},
    }
    response = client.delete(f"{base}/assign")
    assert response.status_code == 200
    assert response.get_json()["message"] == "Message is no longer assigned to user"
    assert state(ticket)[2] is None
    # Every change is in the team's change log, made by the caller.
    log = [(c.field, c.new, c.user_id) for c in FeedbackChange.log_of(ticket)]
    assert log == [
        ("priority", "HIGH", people[who].id),
        ("status", "PENDING", people[who].id),
        ("assignee", "Ben Phiri", people[who].id),
        ("assignee", None, people[who].id),
    ]


def test_status_none_and_every_value_are_accepted(api, ticket):
    base = f"/api/messageConversations/{ticket.uid}"
    for value in ["NONE", "OPEN", "PENDING", "INVALID", "SOLVED"]:
        assert api("ben").post(f"{base}/status?messageConversationStatus={value}").get_json() == {
            value: [ticket.uid]
        }
    for value in ["NONE", "LOW", "MEDIUM", "HIGH"]:
        response = api("ben").post(f"{base}/priority?messageConversationPriority={value}")
        assert response.get_json() == {value: [ticket.uid]}


ENDPOINTS = [
    ("post", "priority?messageConversationPriority=HIGH", "priority"),
    ("post", "status?messageConversationStatus=SOLVED", "status"),
    ("post", "assign?userId={ben}", "assignee"),
    ("delete", "assign", "assignee"),
]


@pytest.mark.parametrize("method, path, what", ENDPOINTS)
@pytest.mark.parametrize("who", ["ana", "eve", "tess"])
def test_sender_and_other_users_may_not_use_the_tools(
    app, api, ticket, people, method, path, what, who
):
    from kernel.messaging import change_state

    with app.app_context():
        change_state(ticket, people["ben"], "assignee", people["ben"])
    FeedbackChange.delete().execute()
    url = f"/api/messageConversations/{ticket.uid}/{path.format(ben=people['ben'].uid)}"
    response = getattr(api(who), method)(url)
    assert_error(response, 403, f"Not authorized to change {what} in this conversation.")
    assert state(ticket) == ("NONE", "OPEN", people["ben"].id)
    assert FeedbackChange.select().count() == 0


@pytest.mark.parametrize("method, path, what", ENDPOINTS)
def test_anonymous_callers_are_401(api, ticket, people, method, path, what):
    url = f"/api/messageConversations/{ticket.uid}/{path.format(ben=people['ben'].uid)}"
    assert_error(getattr(api(None), method)(url), 401)
    assert state(ticket) == ("NONE", "OPEN", None)


@pytest.mark.parametrize("method, path, what", ENDPOINTS)
@pytest.mark.parametrize("uid", ["Unknown0001", "not-a-uid", "x" * 300])
def test_unknown_conversation_is_a_404(api, ticket, people, method, path, what, uid):
    url = f"/api/messageConversations/{uid}/{path.format(ben=people['ben'].uid)}"
    body = assert_error(getattr(api("admin"), method)(url), 404)
    assert body["message"] == "No MessageConversation found for the given ID."


@pytest.mark.parametrize("method, path, what", ENDPOINTS)
def test_the_tools_apply_only_to_types_with_feedback_tools(
    api, converse, people, team, method, path, what
):
    private = converse(to=("ben",))
    url = f"/api/messageConversations/{private.uid}/{path.format(ben=people['ben'].uid)}"
    assert_error(getattr(api("admin"), method)(url), 403, "Not authorized")
    assert state(private) == ("NONE", "NONE", None)


def test_validation_results_take_the_tools_too(app, api, team, people):
    from kernel.messaging import start_conversation

    with app.app_context():
        alert = start_conversation(
            sender=None,
            recipient_ids={people["eve"].id},
            subject="Validation violations",
            text="ANC 1 > ANC 2",
            message_type="VALIDATION_RESULT",
        )
    base = f"/api/messageConversations/{alert.uid}"
    assert api("ben").post(f"{base}/status?messageConversationStatus=SOLVED").status_code == 200
    assert api("eve").post(f"{base}/status?messageConversationStatus=OPEN").status_code == 403
    assert state(alert)[1] == "SOLVED"


@pytest.mark.parametrize(
    "path",
    [
        "priority",
        "priority?messageConversationPriority=URGENT",
        "priority?messageConversationPriority=high",
        "status",
        "status?messageConversationStatus=CLOSED",
        "status?messageConversationStatus=%00",
        "status?messageConversationStatus=" + "S" * 5000,
    ],
)
def test_wrong_enum_values_are_refused_naming_the_allowed_ones(api, ticket, path):
    response = api("ben").post(f"/api/messageConversations/{ticket.uid}/{path}")
    allowed = "NONE, LOW, MEDIUM, HIGH" if path.startswith("priority") else "NONE, OPEN, PENDING"
    assert_error(response, 409, allowed, "Nothing was changed.")
    assert state(ticket) == ("NONE", "OPEN", None)
    assert FeedbackChange.select().count() == 0


def test_assignment_to_a_non_member_or_unknown_user_is_refused(app, api, ticket, people):
    from kernel.people import set_disabled

    base = f"/api/messageConversations/{ticket.uid}/assign"
    body = assert_error(api("admin").post(f"{base}?userId={people['eve'].uid}"), 409)
    assert (
        body["message"] == "User provided is not a member of the system's feedback recipient group"
    )
    # ALL makes admin a feedback manager, not a member of the group.
    assert_error(api("admin").post(f"{base}?userId={people['admin'].uid}"), 409, "not a member")
    body = assert_error(api("ben").post(f"{base}?userId=Unknown0001"), 404)
    assert body["message"] == "Could not find user to assign"
    assert_error(api("ben").post(f"{base}?userId=me"), 404, "Could not find user")
    assert_error(api("ben").post(base), 409, "userId")
    set_disabled(people["ben"], True)
    assert_error(api("admin").post(f"{base}?userId={people['ben'].uid}"), 409, "not a member")
    assert state(ticket) == ("NONE", "OPEN", None)


def test_api_changes_are_in_the_change_log_the_team_sees_and_the_sender_does_not(
    app, api, ticket, sign_in
):
    api("ben").post(
        f"/api/messageConversations/{ticket.uid}/status?messageConversationStatus=SOLVED"
    )
    team_page = sign_in(app, "ben").get(f"/conversations/{ticket.uid}").get_data(as_text=True)
    assert "Changes" in team_page and "Ben Phiri set status to" in " ".join(team_page.split())
    sender_page = sign_in(app, "ana").get(f"/conversations/{ticket.uid}").get_data(as_text=True)
    assert "Changes" not in sender_page and "set status to" not in sender_page
    assert "<dt>Status</dt><dd>Solved</dd>" in sender_page


def test_routes_do_not_shadow_the_kernels(api, ticket, people):
    # DELETE /{uid}/{userUid} stays the kernel's removal from the inbox.
    response = api("ana").delete(f"/api/messageConversations/{ticket.uid}/{people['ana'].uid}")
    assert response.get_json() == {"removed": [ticket.uid]}
    # GET /{uid} stays the kernel's, and "feedback" is not a conversation id.
    assert api("ben").get(f"/api/messageConversations/{ticket.uid}").status_code == 200
    assert api("ben").get(FEEDBACK).status_code == 404
    assert api("ben").get(f"/api/messageConversations/{ticket.uid}/priority").status_code == 405


# --- filters on the kernel's list, with feedback data ---------------------------------------


def test_list_filters_by_status_priority_and_assignee(api, ticket, team, people):
    other = api("eve").post(f"{FEEDBACK}?subject=Other", data="x").headers["Location"]
    other_uid = other.rsplit("/", 1)[1]
    ben = api("ben")
    base = "/api/messageConversations"
    ben.post(f"{base}/{ticket.uid}/status?messageConversationStatus=PENDING")
    ben.post(f"{base}/{ticket.uid}/priority?messageConversationPriority=HIGH")
    ben.post(f"{base}/{other_uid}/assign?userId={people['ben'].uid}")
    assert titles(ben, "filter=status:eq:PENDING") == ["Cannot enter October data"]
    assert titles(ben, "filter=status:eq:OPEN") == ["Other"]
    assert titles(ben, "filter=priority:eq:HIGH") == ["Cannot enter October data"]
    assert titles(ben, "filter=priority:eq:NONE") == ["Other"]
    assert titles(ben, f"filter=assignee.id:eq:{people['ben'].uid}") == ["Other"]
    assert titles(ben, "filter=messageType:eq:TICKET&filter=status:eq:OPEN") == ["Other"]
    # The sender's list has only her own feedback, with the same filters.
    assert titles(api("ana"), "filter=status:eq:PENDING") == ["Cannot enter October data"]
    assert titles(api("ana"), "filter=status:eq:OPEN") == []
    assert_error(ben.get(f"{base}?filter=status:eq:LOST"), 400)


# --- internal replies never leak through the API --------------------------------------------


def test_internal_replies_reach_only_the_team_through_the_api(app, api, ticket, people, sign_in):
    sign_in(app, "ben").post(
        f"/conversations/{ticket.uid}/actions/internal_reply", {"text": "Escalate to Grace"}
    )
    one = f"/api/messageConversations/{ticket.uid}"
    many = "/api/messageConversations?fields=id,lastSender[id],messageCount,messages[text,internal]"
    for who in ("ben", "admin"):
        texts = [m["text"] for m in api(who).get(one).get_json()["messages"]]
        assert "Escalate to Grace" in texts
    ben_list = api("ben").get(many).get_json()["messageConversations"]
    assert "Escalate to Grace" in [m["text"] for m in ben_list[0]["messages"]]

    ana = api("ana")
    for url in (
        one,
        f"{one}?fields=*,messages[*]",
        many,
        "/api/messageConversations?fields=:all,messages[:all]",
        f"/api/messageConversations?filter=id:eq:{ticket.uid}&fields=messages[*]",
    ):
        response = ana.get(url)
        assert response.status_code == 200
        assert "Escalate" not in response.get_data(as_text=True), url
    item = ana.get(many).get_json()["messageConversations"][0]
    assert item["lastSender"] == {"id": people["ana"].uid}
    assert item["messageCount"] == 1
    assert [m["internal"] for m in item["messages"]] == [False]
    assert ana.get("/api/me/dashboard").get_json()["unreadMessageConversations"] == 0
    assert titles(ana, "filter=read:eq:false") == []
    # Search: a word only the internal reply has finds nothing for the sender.
    search = ana.get("/api/messageConversations?fields=subject&queryString=grace")
    if search.status_code == 400:
        assert "queryString is not supported yet" in search.get_json()["message"]
    else:
        assert search.get_json()["messageConversations"] == []
        assert titles(api("ben"), "queryString=grace") == ["Cannot enter October data"]


# --- GET /api/userLookup/feedbackRecipients -------------------------------------------------


def test_team_looks_up_feedback_recipients(app, api, team, people):
    from kernel.people import create_user

    team.add_members([people["tess"]])
    with app.app_context():
        for n in range(30):
            create_user(f"helper{n:02}", "Helper", f"{n:02}", groups=[team])
    url = "/api/userLookup/feedbackRecipients"
    found = api("ben").get(f"{url}?query=tess").get_json()
    assert found == {
        "users": [
            {
                "id": people["tess"].uid,
                "username": "tess",
                "firstName": "Tess",
                "surname": "Koroma",
                "displayName": "Tess Koroma",
            }
        ]
    }
    assert [u["username"] for u in api("admin").get(f"{url}?query=Ben Ph").get_json()["users"]] == [
        "ben"
    ]
    assert api("ben").get(f"{url}?query=ana").get_json() == {"users": []}
    assert len(api("ben").get(f"{url}?query=helper").get_json()["users"]) == 25
    assert len(api("ben").get(url).get_json()["users"]) == 25


def test_feedback_recipients_lookup_permissions_and_errors(api, team, people):
    url = "/api/userLookup/feedbackRecipients?query=b"
    assert_error(api(None).get(url), 401)
    for who in ("ana", "eve", "tess"):
        assert_error(api(who).get(url), 403, "Only the feedback team")
    assert_error(api("ben").get(f"{url}{'x' * 200}"), 400, "at most 100")
    assert_error(api("ben").get(f"{url}%00"), 400)
    Setting.write(RECIPIENTS_SETTING, None)
    assert_error(api("admin").get(url), 409, "Feedback message recipients user group not defined")


# --- /api/configuration/feedbackRecipients -------------------------------------------------

CONFIGURATION = "/api/configuration/feedbackRecipients"


def test_configure_the_feedback_recipients_through_the_api(api, people):
    admin = api("admin")
    assert_error(admin.get(CONFIGURATION), 404, "No feedback recipient group is configured.")
    group = UserGroup.create(name="Helpdesk")
    response = admin.post(CONFIGURATION, data=group.uid, headers={"Content-Type": "text/plain"})
    assert response.status_code == 204 and response.get_data() == b""
    assert Setting.read(RECIPIENTS_SETTING) == group.uid
    assert api("ana").get(CONFIGURATION).get_json() == {
        "id": group.uid,
        "name": "Helpdesk",
        "displayName": "Helpdesk",
    }
    # A JSON string is accepted as well, as DHIS2 clients send it both ways.
    other = UserGroup.create(name="Second line")
    assert admin.post(CONFIGURATION, json=other.uid).status_code == 204
    assert Setting.read(RECIPIENTS_SETTING) == other.uid
    assert admin.delete(CONFIGURATION).status_code == 204
    assert Setting.read(RECIPIENTS_SETTING) is None
    assert_error(admin.get(CONFIGURATION), 404)


@pytest.mark.parametrize(
    "body, status, fragment",
    [
        ("", 400, "Send the user group's id"),
        ("Unknown0001", 404, 'UserGroup with id "Unknown0001" could not be found.'),
        ("not a uid", 404, "could not be found"),
        ("Bad\x00id0001", 404, "could not be found"),
    ],
)
def test_configuration_bad_bodies_change_nothing(api, team, body, status, fragment):
    assert_error(api("admin").post(CONFIGURATION, data=body), status, fragment)
    assert Setting.read(RECIPIENTS_SETTING) == team.uid


def test_oversized_configuration_body_is_refused(api, team):
    assert api("admin").post(CONFIGURATION, data="x" * 5000).status_code == 413
    assert Setting.read(RECIPIENTS_SETTING) == team.uid


def test_only_all_or_f_system_setting_may_configure(app, api, team, people):
    from kernel.people import create_user, ensure_role

    other = UserGroup.create(name="Other")
    for who in ("ana", "ben", "eve"):
        assert_error(api(who).post(CONFIGURATION, data=other.uid), 403, "F_SYSTEM_SETTING")
        assert_error(api(who).delete(CONFIGURATION), 403, "F_SYSTEM_SETTING")
    assert_error(api(None).post(CONFIGURATION, data=other.uid), 401)
    assert_error(api(None).delete(CONFIGURATION), 401)
    assert_error(api(None).get(CONFIGURATION), 401)
    assert Setting.read(RECIPIENTS_SETTING) == team.uid
    with app.app_context():
        role = ensure_role("Settings", ["F_SYSTEM_SETTING"])
        create_user("sam", "Sam", "Settings", password="district", roles=[role])
    assert api("sam").post(CONFIGURATION, data=other.uid).status_code == 204
    assert Setting.read(RECIPIENTS_SETTING) == other.uid


def test_changing_the_group_through_the_api_hands_old_feedback_to_the_new_team(api, ticket, people):
    new_team = UserGroup.create(name="New team")
    new_team.add_members([people["eve"]])
    assert api("admin").post(CONFIGURATION, data=new_team.uid).status_code == 204
    # The new team finds the old feedback in their own list, unread, and handles it.
    assert titles(api("eve"), "filter=messageType:eq:TICKET&filter=read:eq:false") == [
        "Cannot enter October data"
    ]
    url = f"/api/messageConversations/{ticket.uid}/status?messageConversationStatus=SOLVED"
    assert api("eve").post(url).status_code == 200
    # ben left the team with the change: his copy stays, his tools go.
    assert titles(api("ben")) == ["Cannot enter October data"]
    assert_error(api("ben").post(url), 403)
    # New feedback goes to the new team only.
    api("ana").post(f"{FEEDBACK}?subject=After the change", data="x")
    rows = Participant.select().join(Conversation).where(Conversation.subject == "After the change")
    assert sorted(p.user.username for p in rows) == ["ana", "eve"]
    # Unsetting it stops feedback with a clear refusal.
    assert api("admin").delete(CONFIGURATION).status_code == 204
    assert_error(api("ana").post(f"{FEEDBACK}?subject=S", data="x"), 409)


def test_long_values_are_cut_short_in_error_messages(api, ticket):
    url = f"/api/messageConversations/{ticket.uid}/status?messageConversationStatus={'S' * 5000}"
    body = assert_error(api("ben").post(url), 409)
    assert len(body["message"]) < 300 and '"SSSS' in body["message"]
