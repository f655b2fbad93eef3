"""Writing through the API: POST /api/messageConversations, replies, and added recipients."""

from __future__ import annotations

import pytest

from kernel import hookimpl
from kernel.contributions import RecipientKind, UnknownRecipient
from kernel.models import Conversation, Message, Participant, UserGroup
from kernel.people import create_user, set_disabled
from tests.api.conftest import ApiClient, assert_error, basic

UNKNOWN = "a1B2c3D4e5F"


def ref(*objects) -> list[dict[str, str]]:
    return [{"id": getattr(o, "uid", o)} for o in objects]


def send(client, **body):
    body.setdefault("subject", "Stock-out of ORS")
    body.setdefault("text", "No ORS sachets since Monday.")
    return client.post("/api/messageConversations", body)


def created(app, response) -> Conversation:
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json() == {
        "httpStatus": "Created",
        "httpStatusCode": 201,
        "status": "OK",
        "message": "Message conversation created",
    }
    uid = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"] == f"http://localhost/api/messageConversations/{uid}"
    with app.app_context():
        return Conversation.get(Conversation.uid == uid)


def client(app, username: str) -> ApiClient:
    """A client of this app (``api`` serves the app with every plugin)."""
    return ApiClient(app, basic(username))


def read_state(app, conversation) -> dict[str, bool]:
    """Each participant's username and read flag."""
    with app.app_context():
        return {
            p.user.username: p.read
            for p in Participant.select().where(Participant.conversation == conversation.id)
        }


def totals(app) -> tuple[int, int, int]:
    with app.app_context():
        return Conversation.select().count(), Participant.select().count(), Message.select().count()


# --- create -------------------------------------------------------------------------------


def test_send_to_users_reaches_them_unread_and_the_sender_read(app, api, people):
    response = send(api("ana"), users=ref(people["ben"], people["eve"]), subject="  ORS  ")
    conversation = created(app, response)
    assert read_state(app, conversation) == {"ana": True, "ben": False, "eve": False}
    assert conversation.subject == "ORS"
    assert conversation.message_type == "PRIVATE"
    listed = api("ben").get(f"/api/messageConversations/{conversation.uid}?fields=read,subject")
    assert listed.get_json() == {"read": False, "subject": "ORS"}


def test_send_to_a_user_group_reaches_its_enabled_members(app, api, people):
    with app.app_context():
        group = UserGroup.get(UserGroup.name == "District officers")
        group.add_members([people["eve"]])
        set_disabled(people["eve"], True)
    conversation = created(app, send(api("admin"), userGroups=ref(group)))
    assert read_state(app, conversation) == {"admin": True, "ana": False, "ben": False}


def test_a_disabled_user_picked_directly_is_skipped(app, api, people):
    with app.app_context():
        set_disabled(people["eve"], True)
    conversation = created(app, send(api("ana"), users=ref(people["ben"], people["eve"])))
    assert read_state(app, conversation) == {"ana": True, "ben": False}


def test_send_to_org_units_reaches_their_assigned_users(app, api, people, tree):
    conversation = created(app, send(api("admin"), organisationUnits=ref(tree["chc"])))
    assert read_state(app, conversation) == {"admin": True, "ben": False, "eve": False}


def test_include_subunits_reaches_the_whole_subtree(app, api, people, tree):
    response = send(api("admin"), organisationUnits=ref(tree["bo"]), includeSubunits=True)
    conversation = created(app, response)
    assert read_state(app, conversation) == {
        "admin": True,
        "ana": False,
        "ben": False,
        "eve": False,
    }


def test_org_unit_groups_are_a_recipient_list_too(app, api, people, tree):
    conversation = created(app, send(api("admin"), organisationUnitGroups=ref(tree["group"])))
    assert read_state(app, conversation) == {"admin": True, "ben": False, "eve": False}


def test_mixed_recipients_overlap_into_one_copy_each_and_never_one_for_the_sender(
    app, api, people, tree
):
    with app.app_context():
        group = UserGroup.get(UserGroup.name == "District officers")
    response = send(
        api("ana"),
        users=ref(people["ben"], people["ana"], people["ben"]),
        userGroups=ref(group),
        organisationUnits=ref(tree["chc"], tree["bo"]),
    )
    conversation = created(app, response)
    assert read_state(app, conversation) == {"ana": True, "ben": False, "eve": False}
    with app.app_context():
        assert Participant.select().where(Participant.conversation == conversation.id).count() == 3


def test_the_user_agent_is_kept_on_the_message(app, api, people):
    response = api("ana").post(
        "/api/messageConversations",
        {"subject": "S", "text": "T", "users": ref(people["ben"])},
        headers={"User-Agent": "district-app/1.0 " + "x" * 400},
    )
    conversation = created(app, response)
    with app.app_context():
        (message,) = Message.select().where(Message.conversation == conversation.id)
    assert message.metadata.startswith("User-agent: district-app/1.0 x")
    assert len(message.metadata) == 255


class DistrictKind:
    """A third-party recipient kind: "districts", each standing for named users."""

    MEMBERS = {"Distr1ctBoX": ("ben",), "Distr1ctKen": ("eve", "ben")}

    @hookimpl
    def mailroom_recipient_kinds(self):
        return [RecipientKind(key="district", label="District", api_field="districts")]

    @hookimpl
    def mailroom_resolve_recipients(self, selection):
        from kernel.models import User

        uids = selection.of("district")
        if not uids:
            return None
        for uid in uids:
            if uid not in self.MEMBERS:
                raise UnknownRecipient("district", uid, f"District does not exist: {uid}", 409)
        names = {name for uid in uids for name in self.MEMBERS[uid]}
        if selection.options.get("only_first") is True:
            names = {sorted(names)[0]}
        return {u.id for u in User.select().where(User.username.in_(names))}


@pytest.fixture
def district_app(make_app):
    return make_app(plugins=["user_messages"], extra_plugins=[DistrictKind()])


def test_a_third_party_recipient_kind_works_through_its_api_field(district_app, people):
    ana = client(district_app, "ana")
    response = send(ana, districts=ref("Distr1ctKen"), users=ref(people["ana"]))
    conversation = created(district_app, response)
    assert read_state(district_app, conversation) == {"ana": True, "ben": False, "eve": False}
    # Options reach the resolver in snake case too.
    response = send(ana, districts=ref("Distr1ctKen"), onlyFirst=True)
    assert read_state(district_app, created(district_app, response)) == {
        "ana": True,
        "ben": False,
    }
    assert_error(
        send(ana, districts=ref("Distr1ctXXX")), 409, "District does not exist: Distr1ctXXX"
    )


def test_org_units_without_the_plugin_are_refused_not_dropped(district_app, people):
    ana = client(district_app, "ana")
    response = send(ana, users=ref(people["ben"]), organisationUnits=[{"id": UNKNOWN}])
    assert_error(response, 409, '"organisationUnits" are not recipients', "districts")
    assert totals(district_app) == (0, 0, 0)


def test_without_private_messages_creating_is_a_409(make_app, people):
    app = make_app(plugins=["feedback"])
    response = send(client(app, "ana"), users=ref(people["ben"]))
    assert_error(response, 409, "Private messages are not enabled on this server.")
    assert totals(app) == (0, 0, 0)


BEN = object()  # stands for ben's reference, which a parameter cannot name


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"users": [{"id": UNKNOWN}]}, 409, f"User does not exist: {UNKNOWN}"),
        ({"users": BEN, "userGroups": [{"id": UNKNOWN}]}, 404, f"UserGroup with id {UNKNOWN}"),
        (
            {"users": BEN, "organisationUnits": [{"id": UNKNOWN}]},
            409,
            f"Organisation Unit does not exist: {UNKNOWN}",
        ),
        ({}, 409, "No recipients selected."),
        ({"users": []}, 409, "No recipients selected."),
        ({"users": "ben"}, 400, '"users" must be a list'),
        ({"users": [{"id": "not a uid"}]}, 400, "not a uid"),
        ({"users": [{"id": "a\x00cdefghijk"}]}, 400, '"users" holds'),
        ({"users": BEN, "subject": ""}, 400, "Enter a subject."),
        ({"users": BEN, "subject": "x" * 256}, 400, "subject is longer than 255"),
        ({"users": BEN, "text": "  "}, 400, "Enter a message."),
        ({"users": BEN, "text": "x" * 10_001}, 400, "longer than 10000"),
        ({"users": BEN, "text": "a\x00b"}, 400, "NUL"),
        ({"users": BEN, "subject": 7}, 400, '"subject" must be a string'),
        ({"users": BEN, "attachments": [{"id": UNKNOWN}]}, 409, "Attachments are not supported"),
    ],
)
def test_a_refused_message_changes_nothing(app, api, people, tree, body, status, message):
    body = {key: ref(people["ben"]) if value is BEN else value for key, value in body.items()}
    before = totals(app)
    assert_error(send(api("ana"), **body), status, message)
    assert totals(app) == before


def test_only_the_sender_selected_is_no_recipients(app, api, people):
    assert_error(send(api("ana"), users=ref(people["ana"])), 409, "No recipients selected.")
    assert totals(app) == (0, 0, 0)


@pytest.mark.parametrize(
    "data, message",
    [("", "Send a JSON body"), ("{", "not valid JSON"), ('["a"]', "must be a JSON object")],
)
def test_malformed_bodies_are_a_400(app, api, data, message):
    response = api("ana").post(
        "/api/messageConversations", data=data, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, message)


def test_the_recipient_cap_counts_people_reached(make_app, people):
    app = make_app(MAX_RECIPIENTS=1)
    with app.app_context():
        group = UserGroup.get(UserGroup.name == "District officers")
    response = send(client(app, "admin"), userGroups=ref(group))
    assert_error(response, 409, "This would reach 2 people; at most 1")
    assert totals(app) == (0, 0, 0)


def test_the_send_rate_limit_answers_429_with_retry_after(make_app, people):
    app = make_app(SEND_RATE_LIMIT=2)
    ana = client(app, "ana")
    for _ in range(2):
        created(app, send(ana, users=ref(people["ben"])))
    response = send(ana, users=ref(people["ben"]))
    assert_error(response, 429, "You have started 2 conversations in the last minute")
    assert response.headers["Retry-After"] == "60"
    assert totals(app)[0] == 2


# --- reply --------------------------------------------------------------------------------


def reply(client, conversation, text="Thanks, noted.", query="", **kwargs):
    kwargs.setdefault("headers", {"Content-Type": "text/plain"})
    return client.post(
        f"/api/messageConversations/{getattr(conversation, 'uid', conversation)}{query}",
        data=text.encode() if isinstance(text, str) else text,
        **kwargs,
    )


def test_reply_is_unread_for_the_others_and_read_for_the_author(app, api, converse, people):
    conversation = converse(sender="ana", to=("ben", "eve"))
    api("eve").post(f"/api/messageConversations/{conversation.uid}/read")
    response = reply(api("ben"), conversation, "Sending 200 sachets.")
    assert created(app, response).id == conversation.id
    assert read_state(app, conversation) == {"ana": False, "ben": True, "eve": False}
    messages = (
        api("ana")
        .get(f"/api/messageConversations/{conversation.uid}?fields=messages[text,sender[id]]")
        .get_json()["messages"]
    )
    assert messages[-1] == {"text": "Sending 200 sachets.", "sender": {"id": people["ben"].uid}}


def test_reply_as_a_json_string(app, api, converse):
    conversation = converse()
    response = api("ben").post(f"/api/messageConversations/{conversation.uid}", "Got it")
    created(app, response)
    with app.app_context():
        assert Message.select().order_by(Message.id.desc()).first().text == "Got it"
    refused = api("ben").post(f"/api/messageConversations/{conversation.uid}", {"text": "x"})
    assert_error(refused, 400, "A JSON reply must be a string")


def test_an_all_user_joins_by_replying(app, api, converse):
    conversation = converse(sender="ana", to=("ben",))
    created(app, reply(api("admin"), conversation))
    assert read_state(app, conversation) == {"admin": True, "ana": False, "ben": False}


@pytest.mark.parametrize(
    "who, uid, query, text, status, message",
    [
        ("eve", None, "", "Hi", 403, "Not authorized to send messages to this conversation."),
        ("ben", UNKNOWN, "", "Hi", 404, f"Message conversation does not exist: {UNKNOWN}"),
        ("ben", "bad", "", "Hi", 404, "Message conversation does not exist: bad"),
        ("ben", None, "", "", 400, "Enter a message."),
        ("ben", None, "", "x" * 10_001, 400, "longer than 10000"),
        ("ben", None, "", b"\xff\xfe", 400, "UTF-8"),
        ("ben", None, "?internal=maybe", "Hi", 400, "internal must be true or false"),
        ("ben", None, "?internal=true", "Hi", 403, "Not authorized to send internal messages"),
    ],
)
def test_a_refused_reply_changes_nothing(
    app, api, converse, who, uid, query, text, status, message
):
    conversation = converse()
    before = totals(app)
    states = read_state(app, conversation)
    assert_error(reply(api(who), uid or conversation, text, query), status, message)
    assert totals(app) == before
    assert read_state(app, conversation) == states


def test_no_reply_to_a_type_that_takes_none(app, api, people):
    from kernel.messaging import start_conversation

    with app.app_context():
        alert = start_conversation(
            sender=None,
            recipient_ids={people["ben"].id},
            subject="Job failed",
            text="Boom",
            message_type="SYSTEM",  # system_alerts declares it replyable=False
        )
    before = totals(app)
    assert_error(reply(api("ben"), alert), 403, "does not take replies")
    assert totals(app) == before


def test_internal_reply_is_for_the_feedback_team_and_all_users(app, api, people, ticket):
    before = totals(app)
    assert_error(
        reply(api("ana"), ticket, "Note", "?internal=true"),
        403,
        "Not authorized to send internal messages",
    )
    assert_error(reply(api("tess"), ticket, "Note", "?internal=true"), 403)
    assert totals(app) == before
    created(app, reply(api("ben"), ticket, "Team note", "?internal=true"))
    created(app, reply(api("admin"), ticket, "Admin note", "?internal=TRUE"))
    # The sender sees neither note, and neither made the ticket unread for her.
    assert read_state(app, ticket)["ana"] is True
    texts = [
        m["text"]
        for m in api("ana")
        .get(f"/api/messageConversations/{ticket.uid}?fields=messages[text]")
        .get_json()["messages"]
    ]
    assert texts == ["The period is locked for Bumpe CHP."]
    team_view = api("ben").get(f"/api/messageConversations/{ticket.uid}?fields=messages[text]")
    assert [m["text"] for m in team_view.get_json()["messages"]][-2:] == [
        "Team note",
        "Admin note",
    ]


def test_without_a_feedback_team_an_internal_reply_is_for_all_users_only(
    make_app, converse, people, sign_in
):
    # No plugin hides internal messages here, so the kernel's own rule must: otherwise an
    # ALL user's internal note would reach every participant.
    app = make_app(plugins=["user_messages"])
    conversation = converse(sender="ana", to=("ben",), text="Where are the forms?")
    created(app, reply(client(app, "admin"), conversation, "Admin note", "?internal=true"))
    assert_error(reply(client(app, "ben"), conversation, "Note", "?internal=true"), 403)
    url = f"/api/messageConversations/{conversation.uid}?fields=messages[text]"
    for participant in ("ana", "ben"):
        seen = client(app, participant).get(url).get_json()["messages"]
        assert [m["text"] for m in seen] == ["Where are the forms?"]
    assert read_state(app, conversation) == {"ana": True, "ben": False, "admin": True}
    seen = client(app, "admin").get(url).get_json()["messages"]
    assert [m["text"] for m in seen] == ["Where are the forms?", "Admin note"]
    page = sign_in(app, "ben").get(f"/conversations/{conversation.uid}")
    assert page.status_code == 200 and "Admin note" not in page.get_data(as_text=True)


# --- recipients ---------------------------------------------------------------------------


def test_adding_recipients_gives_them_an_unread_copy(app, api, converse, people, tree):
    conversation = converse(sender="ana", to=("ben",))
    response = api("ben").post(
        f"/api/messageConversations/{conversation.uid}/recipients",
        {"users": ref(people["ana"]), "organisationUnits": ref(tree["kenema"])},
    )
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert read_state(app, conversation) == {"ana": True, "ben": False, "eve": False}
    assert totals(app)[2] == 1  # no message added


def test_an_all_user_may_add_recipients(app, api, converse, people):
    conversation = converse(sender="ana", to=("ben",))
    response = api("admin").post(
        f"/api/messageConversations/{conversation.uid}/recipients", {"users": ref(people["eve"])}
    )
    assert response.status_code == 204
    assert read_state(app, conversation) == {"ana": True, "ben": False, "eve": False}


@pytest.mark.parametrize(
    "who, body, status, message",
    [
        ("eve", {"users": [{"id": "EVE"}]}, 403, "Not authorized to add recipients"),
        ("ben", {"users": [{"id": UNKNOWN}]}, 409, f"User does not exist: {UNKNOWN}"),
        ("ben", {"userGroups": [{"id": UNKNOWN}]}, 404, "could not be found"),
        ("ben", {"organisationUnits": [{"id": UNKNOWN}]}, 409, "Organisation Unit does not"),
        ("ben", {}, 409, "No recipients selected."),
        ("ben", ["x"], 400, "must be a JSON object"),
    ],
)
def test_refused_recipients_change_nothing(
    app, api, converse, people, tree, who, body, status, message
):
    conversation = converse(sender="ana", to=("ben",))
    if body == {"users": [{"id": "EVE"}]}:
        body = {"users": ref(people["eve"])}
    before = totals(app)
    response = api(who).post(f"/api/messageConversations/{conversation.uid}/recipients", body)
    assert_error(response, status, message)
    assert totals(app) == before


def test_recipients_of_an_unknown_conversation_is_a_404(api):
    response = api("ben").post(f"/api/messageConversations/{UNKNOWN}/recipients", {"users": []})
    assert_error(response, 404, UNKNOWN)


@pytest.fixture
def tree(app, people):
    """Bo (ana) → Bo Central CHC (ben, eve); Kenema (eve); a group of CHCs."""
    from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit
    from plugins.orgunit_routing.models import OrgUnitGroup, OrgUnitGroupMember

    with app.app_context():
        bo = create_org_unit("Bo", uid="BoDistrict1")
        chc = create_org_unit("Bo Central CHC", parent=bo, uid="BoCentralCH")
        kenema = create_org_unit("Kenema", uid="KenemaDist1")
        assign_users(bo, [people["ana"].id])
        assign_users(chc, [people["ben"].id, people["eve"].id])
        assign_users(kenema, [people["eve"].id])
        group = OrgUnitGroup.create(name="Community health centres", uid="CHCgroup001")
        OrgUnitGroupMember.create(group=group, org_unit=chc)
        return {"bo": bo, "chc": chc, "kenema": kenema, "group": group}


@pytest.fixture
def ticket(app, people):
    from kernel.messaging import start_conversation
    from kernel.models import Setting, Status
    from plugins.feedback.team import RECIPIENTS_SETTING

    with app.app_context():
        group = UserGroup.create(name="Feedback team")
        group.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, group.uid)
        people["tess"] = create_user("tess", "Tess", "Koroma", password="district")
        return start_conversation(
            sender=people["ana"],
            recipient_ids=group.member_ids(),
            subject="Cannot enter October data",
            text="The period is locked for Bumpe CHP.",
            message_type="TICKET",
            status=Status.OPEN,
        )
