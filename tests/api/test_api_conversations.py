"""/api/messageConversations: the caller's list, one conversation, and each user's own state."""

from __future__ import annotations

import pytest

from kernel.messaging import add_reply, change_state
from kernel.models import Participant, Priority, Status
from tests.api.conftest import assert_error, counting_queries

APP_LIST_FIELDS = (
    "id,displayName,subject,messageType,lastSender[id,displayName],assignee[id,displayName],"
    "status,priority,lastUpdated,read,lastMessage,followUp"
)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/api/messageConversations?fields=subject&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [c["subject"] for c in response.get_json()["messageConversations"]]


def own_state(people, username: str, conversation) -> Participant | None:
    return Participant.get_or_none(
        (Participant.user == people[username].id) & (Participant.conversation == conversation.id)
    )


# --- the list is the caller's, whatever the parameters --------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "query={uid}",
        "query=ORS",
        "filter=id:eq:{uid}",
        "filter=subject:ilike:ORS",
        "filter=read:eq:true&filter=read:eq:false&rootJunction=OR",
        "filter=id:!eq:xxxxxxxxxxx&filter=id:null&rootJunction=OR",
        "fields=*,messages[*],userMessages[*]",
        "fields=:all&pageSize=1000",
        "user={ana}",
        "userUid={ana}",
        "messageType=PRIVATE",
    ],
)
def test_list_never_shows_a_conversation_to_a_non_participant(api, converse, people, query):
    conversation = converse()
    query = query.format(uid=conversation.uid, ana=people["ana"].uid)
    response = api("eve").get(f"/api/messageConversations?{query}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["messageConversations"] == []
    assert body["pager"]["total"] == 0
    assert conversation.uid not in response.get_data(as_text=True)


def test_list_shows_the_callers_own_copies_in_dhis2_shape(api, converse, people):
    conversation = converse(subject="Stock-out of ORS")
    response = api("ben").get(f"/api/messageConversations?fields={APP_LIST_FIELDS}&pageSize=35")
    body = response.get_json()
    assert body["pager"] == {"page": 1, "pageCount": 1, "total": 1, "pageSize": 35}
    (item,) = body["messageConversations"]
    assert item["id"] == conversation.uid
    assert item["displayName"] == item["subject"] == "Stock-out of ORS"
    assert item["messageType"] == "PRIVATE"
    assert (item["status"], item["priority"]) == ("NONE", "NONE")
    assert item["read"] is False and item["followUp"] is False
    assert item["lastSender"] == {"id": people["ana"].uid, "displayName": "Ana Banda"}
    assert "assignee" not in item  # DHIS2 leaves out empty properties
    assert item["lastMessage"].startswith(conversation.last_message.isoformat()[:16])
    ana_item = api("ana").get("/api/messageConversations?fields=read").get_json()
    assert ana_item["messageConversations"] == [{"read": True}]


def test_star_fields_show_people_as_references_and_names(api, converse, people):
    converse()
    (item,) = (
        api("ben").get("/api/messageConversations?fields=*").get_json()["messageConversations"]
    )
    assert item["lastSender"] == {"id": people["ana"].uid}
    assert item["createdBy"] == {"id": people["ana"].uid}
    assert (item["userFirstname"], item["userSurname"]) == ("Ana", "Banda")
    assert (item["lastSenderFirstname"], item["lastSenderSurname"]) == ("Ana", "Banda")
    assert item["messageCount"] == 1
    assert item["href"] == f"http://localhost/api/messageConversations/{item['id']}"


@pytest.mark.parametrize(
    "query",
    ["", "order=subject:desc", "filter=lastSender.id:eq:{ana}", "filter=read:eq:false"],
)
def test_pages_follow_the_order_and_never_overlap(app, api, converse, people, query):
    for n in range(7):
        converse(subject=f"Topic {n}")
    query = query.format(ana=people["ana"].uid)
    whole = listed(api("ben"), f"{query}&pageSize=50")
    assert sorted(whole) == [f"Topic {n}" for n in range(7)]
    assert whole == sorted(whole, reverse=True)  # newest first; by subject: the same
    pages = [listed(api("ben"), f"{query}&pageSize=3&page={page}") for page in (1, 2, 3, 4)]
    assert pages == [whole[0:3], whole[3:6], whole[6:7], []]


def test_newest_activity_first_by_default(app, api, converse, people):
    older = converse(subject="Older")
    converse(subject="Newer")
    assert listed(api("ben")) == ["Newer", "Older"]
    with app.app_context():
        add_reply(older, people["ana"], "Bump")
    assert listed(api("ben")) == ["Older", "Newer"]
    assert listed(api("ben"), "order=subject:asc") == ["Newer", "Older"]
    assert listed(api("ben"), "order=lastMessage:asc") == ["Newer", "Older"]


def test_list_filters(app, api, converse, people):
    first = converse(subject="Fridge broken")
    second = converse(subject="ORS stock")
    converse(subject="Ticket", message_type="TICKET")
    with app.app_context():
        change_state(second, people["ana"], "status", Status.OPEN)
        change_state(second, people["ana"], "priority", Priority.HIGH)
        change_state(first, people["ana"], "assignee", people["ben"])
    ben = api("ben")
    ben.post("/api/messageConversations/followup", [second.uid])
    ben.post("/api/messageConversations/read", [first.uid])
    assert listed(ben, "filter=messageType:eq:PRIVATE&order=subject:asc") == [
        "Fridge broken",
        "ORS stock",
    ]
    assert listed(ben, "filter=status:eq:OPEN") == ["ORS stock"]
    assert listed(ben, "filter=priority:in:[HIGH,MEDIUM]") == ["ORS stock"]
    assert listed(ben, f"filter=assignee.id:eq:{people['ben'].uid}") == ["Fridge broken"]
    assert listed(ben, "filter=assignee.id:null&order=subject:asc") == ["ORS stock", "Ticket"]
    assert listed(ben, f"filter=assignee.id:!eq:{people['ben'].uid}&order=subject:asc") == [
        "ORS stock",
        "Ticket",
    ]
    assert listed(ben, "filter=read:eq:true") == ["Fridge broken"]
    assert listed(ben, "filter=followUp:eq:true") == ["ORS stock"]
    assert listed(ben, "filter=subject:token:fridge") == ["Fridge broken"]
    assert listed(ben, f"filter=id:in:[{first.uid},{second.uid}]&order=subject:desc") == [
        "ORS stock",
        "Fridge broken",
    ]
    assert listed(ben, "filter=lastMessage:gt:2000-01-01&filter=messageType:eq:TICKET") == [
        "Ticket"
    ]
    assert listed(ben, "filter=lastMessage:lt:2000-01-01") == []
    # read and followUp are each user's own: ana's copies are unchanged.
    assert listed(api("ana"), "filter=followUp:eq:true") == []


def test_pager_totals_are_the_callers_with_and_without_conversation_filters(api, converse):
    converse(subject="One")
    converse(subject="Two", to=("ben", "eve"))
    converse(subject="Not ben's", to=("eve",))
    ben = api("ben")

    def total(query: str) -> int:
        return ben.get(f"/api/messageConversations?{query}").get_json()["pager"]["total"]

    assert total("") == 2
    assert total("filter=read:eq:false&filter=messageType:eq:PRIVATE") == 2
    assert total("filter=status:eq:NONE") == 2
    assert total("filter=subject:eq:One") == 1
    assert total("query=Two") == 1
    assert total("filter=lastSender.id:!null&filter=followUp:eq:false") == 2


def test_unread_badge_query_of_the_messaging_app(api, converse):
    converse(subject="One")
    converse(subject="Two")
    response = api("ben").get(
        "/api/messageConversations?fields=read&filter=read:eq:false"
        "&filter=messageType:eq:PRIVATE&pageSize=1"
    )
    assert response.get_json()["pager"]["total"] == 2


def test_query_search_narrows_within_the_callers_copies(api, converse):
    converse(subject="Fridge broken")
    converse(subject="ORS stock")
    assert listed(api("ben"), "query=fridge") == ["Fridge broken"]


def test_query_with_a_nul_character_is_a_400(api, converse):
    # PostgreSQL refuses NUL in a query; SQLite found nothing. Both now answer alike.
    converse(subject="Fridge broken")
    response = api("ben").get("/api/messageConversations?query=Fridge%00")
    assert_error(response, 400, "query contains a NUL character (code 0).")


def test_query_string_with_an_unknown_operator_is_a_400(api, converse):
    response = api("ben").get("/api/messageConversations?queryString=x&queryOperator=eq")
    assert_error(response, 400, "queryOperator must be one of token, ilike")


def test_unknown_filter_property_on_conversations_is_a_400(api):
    assert_error(
        api("ben").get("/api/messageConversations?filter=participant.user:eq:1"),
        400,
        "Unknown property 'participant.user'",
    )


def test_conversation_list_refuses_paging_false(api):
    assert_error(api("ben").get("/api/messageConversations?paging=false"), 400, "paging=false")


def test_list_with_messages_costs_a_fixed_number_of_queries(app, api, converse, people):
    fields = (
        "fields=id,lastSender[id,displayName],assignee[id],"
        "messages[text,sender[displayName]],userMessages[user[id]]"
    )
    client = api("ben")
    converse(subject="First")
    client.get(f"/api/messageConversations?{fields}")
    with counting_queries(app) as one:
        client.get(f"/api/messageConversations?{fields}")
    for n in range(6):
        conversation = converse(subject=f"More {n}", to=("ben", "eve"))
        with app.app_context():
            add_reply(conversation, people["eve"], "Reply")
    with counting_queries(app) as seven:
        response = client.get(f"/api/messageConversations?{fields}")
    assert len(response.get_json()["messageConversations"]) == 7
    assert len(one) == len(seven)


# --- one conversation ---------------------------------------------------------------------


def test_participant_gets_the_conversation_with_its_messages(app, api, converse, people):
    conversation = converse(text="No ORS sachets since Monday.")
    with app.app_context():
        add_reply(conversation, people["ben"], "Sending some tomorrow.")
    body = api("ana").get(f"/api/messageConversations/{conversation.uid}").get_json()
    assert body["id"] == conversation.uid
    assert [(m["text"], m["sender"]["displayName"]) for m in body["messages"]] == [
        ("No ORS sachets since Monday.", "Ana Banda"),
        ("Sending some tomorrow.", "Ben Phiri"),
    ]
    assert body["messages"][0]["internal"] is False
    assert sorted(u["user"]["displayName"] for u in body["userMessages"]) == [
        "Ana Banda",
        "Ben Phiri",
    ]
    # Other participants' read state is theirs alone.
    assert all(set(u) == {"user"} for u in body["userMessages"])


def test_non_participant_is_refused_and_unknown_ids_are_404(api, converse):
    conversation = converse()
    eve = api("eve")
    assert_error(
        eve.get(f"/api/messageConversations/{conversation.uid}"),
        403,
        "Not authorized to access this conversation.",
    )
    assert_error(
        eve.get("/api/messageConversations/abcdefghijk"),
        404,
        "No MessageConversation found with UID: abcdefghijk",
    )
    assert_error(eve.get("/api/messageConversations/x'; drop"), 404)


def test_all_user_may_read_any_conversation_without_own_state(api, converse):
    conversation = converse()
    body = api("admin").get(f"/api/messageConversations/{conversation.uid}").get_json()
    assert body["subject"] == conversation.subject
    assert "read" not in body and "followUp" not in body


def test_mark_read_on_get(api, converse, people):
    conversation = converse()
    ben = api("ben")
    body = ben.get(f"/api/messageConversations/{conversation.uid}?fields=read").get_json()
    assert body == {"read": False}
    body = ben.get(f"/api/messageConversations/{conversation.uid}?markRead=true&fields=read")
    assert body.get_json() == {"read": True}
    assert own_state(people, "ben", conversation).read is True
    assert_error(
        ben.get(f"/api/messageConversations/{conversation.uid}?markRead=perhaps"),
        400,
        "markRead must be true or false",
    )


# --- read / unread / follow-up ------------------------------------------------------------


def test_batch_read_and_unread_report_only_what_changed(api, converse, people):
    first, second = converse(subject="One"), converse(subject="Two")
    ben = api("ben")
    ben.post("/api/messageConversations/read", [first.uid])
    response = ben.post("/api/messageConversations/read", [first.uid, second.uid])
    assert response.status_code == 200
    assert response.get_json() == {"markedRead": [second.uid]}
    assert ben.post("/api/messageConversations/read", [first.uid, second.uid]).get_json() == {
        "markedRead": []
    }
    response = ben.post("/api/messageConversations/unread", [second.uid])
    assert response.get_json() == {"markedUnread": [second.uid]}
    assert own_state(people, "ana", second).read is True


def test_batch_read_only_touches_the_callers_copies(api, converse, people):
    theirs = converse(sender="ana", to=("ben",))
    mine = converse(sender="ana", to=("eve",))
    response = api("eve").post("/api/messageConversations/read", [theirs.uid, mine.uid])
    assert response.get_json() == {"markedRead": [mine.uid]}
    assert own_state(people, "ben", theirs).read is False


def test_batch_read_of_nothing_in_the_inbox_is_404(api, converse):
    theirs = converse()
    assert_error(
        api("eve").post("/api/messageConversations/read", [theirs.uid, "abcdefghijk"]),
        404,
        "No MessageConversations found for the given IDs.",
    )


def test_only_all_users_may_change_another_users_state(api, converse, people):
    conversation = converse()
    ben_uid = people["ben"].uid
    assert_error(
        api("ana").post(f"/api/messageConversations/read?user={ben_uid}", [conversation.uid]),
        403,
        "only change your own",
    )
    assert_error(
        api("ana").post(f"/api/messageConversations/{conversation.uid}/read?userUid={ben_uid}"),
        403,
    )
    assert own_state(people, "ben", conversation).read is False
    response = api("admin").post(
        f"/api/messageConversations/read?user={ben_uid}", [conversation.uid]
    )
    assert response.get_json() == {"markedRead": [conversation.uid]}
    assert_error(
        api("admin").post("/api/messageConversations/read?user=abcdefghijk", [conversation.uid]),
        404,
        "No user with uid: abcdefghijk",
    )
    for name in ("user", "userUid"):
        # A malformed uid is not looked up (with NUL, PostgreSQL refused the query).
        url = f"/api/messageConversations/{conversation.uid}/unread?{name}=ben%00"
        assert_error(api("admin").post(url), 404, "No user with uid: ben\x00")
    assert own_state(people, "ben", conversation).read is True


def test_single_read_and_unread(api, converse, people):
    conversation = converse()
    ben = api("ben")
    url = f"/api/messageConversations/{conversation.uid}"
    assert ben.post(f"{url}/read").get_json() == {"markedRead": [conversation.uid]}
    assert ben.post(f"{url}/read").get_json() == {"markedRead": []}
    assert ben.post(f"{url}/unread").get_json() == {"markedUnread": [conversation.uid]}
    assert_error(api("eve").post(f"{url}/read"), 403, "Not authorized")
    assert_error(ben.post("/api/messageConversations/abcdefghijk/read"), 404)
    own = ben.post(f"{url}/read?userUid={people['ben'].uid}")
    assert own.get_json() == {"markedRead": [conversation.uid]}


def test_follow_up_and_clear(api, converse, people):
    first, second = converse(subject="One"), converse(subject="Two")
    ben = api("ben")
    response = ben.post("/api/messageConversations/followup", [first.uid, second.uid])
    assert sorted(response.get_json()["markedFollowup"]) == sorted([first.uid, second.uid])
    assert ben.post("/api/messageConversations/followup", [first.uid]).get_json() == {
        "markedFollowup": []
    }
    response = ben.post("/api/messageConversations/unfollowup", [first.uid])
    assert response.get_json() == {"unmarkedFollowup": [first.uid]}
    assert own_state(people, "ben", second).follow_up is True
    assert own_state(people, "ana", second).follow_up is False


@pytest.mark.parametrize("endpoint", ["read", "unread", "followup", "unfollowup"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Send a JSON array of conversation ids"),
        ("[1,", "not valid JSON"),
        ('{"ids": []}', "must be a JSON array"),
        ('"abcdefghijk"', "must be a JSON array"),
        ("[]", "Name at least one conversation id"),
        ("[42]", "42 is not a valid conversation id"),
        ('["short"]', '"short" is not a valid conversation id'),
        ("[null]", "null is not a valid conversation id"),
        ('["1bcdefghijk"]', "is not a valid conversation id"),
    ],
)
def test_batch_state_endpoints_refuse_bad_bodies_and_change_nothing(
    api, converse, people, endpoint, body, message
):
    conversation = converse()
    response = api("ben").post(
        f"/api/messageConversations/{endpoint}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, message)
    state = own_state(people, "ben", conversation)
    assert (state.read, state.follow_up) == (False, False)


def test_batch_state_refuses_more_than_a_thousand_ids(api):
    uids = [f"a{n:010d}" for n in range(1001)]
    assert_error(api("ben").post("/api/messageConversations/read", uids), 400, "at most 1000")


def test_state_endpoints_refuse_get(api):
    assert_error(api("ben").get("/api/messageConversations/read"), 404)


# --- removal from the inbox ---------------------------------------------------------------


def test_remove_own_copy(api, converse, people):
    conversation = converse()
    response = api("ben").delete(
        f"/api/messageConversations/{conversation.uid}/{people['ben'].uid}"
    )
    assert response.get_json() == {"removed": [conversation.uid]}
    assert own_state(people, "ben", conversation) is None
    assert own_state(people, "ana", conversation) is not None
    assert listed(api("ben")) == []


def test_removing_from_another_users_inbox_is_refused_unless_all(api, converse, people):
    conversation = converse()
    url = f"/api/messageConversations/{conversation.uid}/{people['ben'].uid}"
    assert_error(api("ana").delete(url), 403, "your own inbox")
    assert own_state(people, "ben", conversation) is not None
    assert api("admin").delete(url).get_json() == {"removed": [conversation.uid]}
    assert own_state(people, "ben", conversation) is None


def test_remove_with_unknown_user_or_conversation(api, converse, people):
    conversation = converse()
    admin = api("admin")
    assert_error(
        admin.delete(f"/api/messageConversations/{conversation.uid}/abcdefghijk"),
        404,
        "No user with uid: abcdefghijk",
    )
    assert_error(admin.delete(f"/api/messageConversations/abcdefghijk/{people['ben'].uid}"), 404)
    assert_error(
        api("eve").delete(f"/api/messageConversations/{conversation.uid}/{people['eve'].uid}"),
        403,
        "Not authorized",
    )


def test_batch_remove(api, converse, people):
    first, second = converse(subject="One"), converse(subject="Two")
    ben = api("ben")
    response = ben.delete(f"/api/messageConversations?mc={first.uid}&mc={second.uid}")
    assert sorted(response.get_json()["removed"]) == sorted([first.uid, second.uid])
    assert ben.delete(f"/api/messageConversations?mc={first.uid}").get_json() == {"removed": []}
    assert listed(api("ana")) == ["Two", "One"]


def test_batch_remove_for_another_user_is_refused_unless_all(api, converse, people):
    conversation = converse()
    url = f"/api/messageConversations?mc={conversation.uid}&user={people['ben'].uid}"
    assert_error(api("ana").delete(url), 403)
    assert api("eve").delete(f"/api/messageConversations?mc={conversation.uid}").get_json() == {
        "removed": []
    }
    assert own_state(people, "ben", conversation) is not None
    assert api("admin").delete(url).get_json() == {"removed": [conversation.uid]}


def test_batch_remove_bad_input(api, converse, people):
    conversation = converse()
    ben = api("ben")
    assert_error(ben.delete("/api/messageConversations"), 400, "mc=")
    assert_error(ben.delete("/api/messageConversations?mc=bad"), 400, '"bad" is not a valid')
    assert_error(ben.delete(f"/api/messageConversations?mc={conversation.uid}&mc=bad"), 400)
    assert own_state(people, "ben", conversation) is not None


def test_oversized_body_is_refused_before_it_is_read(api, converse, people):
    conversation = converse()
    response = api("ben").post(
        "/api/messageConversations/read",
        data='["' + "a" * 70_000 + '"]',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 413)
    assert own_state(people, "ben", conversation).read is False


def test_repeated_ids_count_once(api, converse):
    conversation = converse()
    response = api("ben").post("/api/messageConversations/read", [conversation.uid] * 3)
    assert response.get_json() == {"markedRead": [conversation.uid]}
