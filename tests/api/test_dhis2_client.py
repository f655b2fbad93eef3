"""A third-party DHIS2 client (HISP Centre's ``dhis2-client`` from PyPI) against the app
served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from kernel.models import ApiToken
from kernel.people import create_user
from tests.conftest import PASSWORD

dhis2_client = pytest.importorskip("dhis2_client")


@pytest.fixture
def live_server(app, people):
    """The app served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client_for(live_server):
    made = []

    def make(**auth):
        client = dhis2_client.DHIS2Client(live_server, retries=0, timeout=10, **auth)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def test_client_with_basic_auth_reads_me_and_system_info(client_for, people):
    client = client_for(username="ana", password=PASSWORD)
    me = client.get_current_user(fields="id,username,displayName,userGroups[id,name]")
    assert me["id"] == people["ana"].uid
    assert me["username"] == "ana"
    assert me["userGroups"][0]["name"] == "District officers"
    info = client.get_system_info()
    assert info["systemName"] == "Mailroom"
    assert info["contextPath"].startswith("http://127.0.0.1:")


def test_client_pages_through_every_user(app, client_for, people):
    with app.app_context():
        for n in range(7):
            create_user(f"u{n}", "Paged", f"User {n}")
    client = client_for(username="ana", password=PASSWORD, default_page_size=3)
    users = list(client.get_users(fields="id,username"))
    assert len(users) == 11
    assert len({u["id"] for u in users}) == 11
    assert {"ana", "ben", "eve", "admin"} <= {u["username"] for u in users}
    assert client.get_user(people["ben"].uid, fields="displayName") == {"displayName": "Ben Phiri"}


def test_client_with_a_personal_access_token(app, client_for, people):
    with app.app_context():
        _, token = ApiToken.issue(people["ben"], "dhis2-client test")
    client = client_for(token=token)
    assert client.get_current_user(fields="username") == {"username": "ben"}
    paged = list(client.list_paged("/api/messageConversations", item_key="messageConversations"))
    assert paged == []


def test_client_reports_our_error_envelopes(client_for):
    wrong = client_for(username="ana", password="wrong-password")
    with pytest.raises(dhis2_client.DHIS2HTTPError) as refused:
        wrong.get_current_user()
    assert refused.value.status_code == 401
    client = client_for(username="ana", password=PASSWORD)
    with pytest.raises(dhis2_client.DHIS2HTTPError) as missing:
        client.get("/api/messageConversations/abcdefghijk")
    assert missing.value.status_code == 404
    assert str(missing.value) == "ERROR: No MessageConversation found with UID: abcdefghijk"


def test_client_creates_a_conversation_and_replies_to_it(client_for, people):
    ana = client_for(username="ana", password=PASSWORD)
    created = ana.post(
        "/api/messageConversations",
        json={
            "subject": "Cold chain check",
            "text": "Please check the fridge log.",
            "users": [{"id": people["ben"].uid}],
        },
    )
    assert created["httpStatusCode"] == 201
    assert created["message"] == "Message conversation created"

    ben = client_for(username="ben", password=PASSWORD)
    (conversation,) = ben.list_paged(
        "/api/messageConversations",
        item_key="messageConversations",
        params={"fields": "id,subject,read", "queryString": "fridge log"},
    )
    assert conversation["subject"] == "Cold chain check"
    assert conversation["read"] is False
    # The client sends JSON only: a JSON string is the reply's text.
    replied = ben.post(f"/api/messageConversations/{conversation['id']}", json="Log checked: 4°C.")
    assert replied["httpStatusCode"] == 201

    thread = ana.get(
        f"/api/messageConversations/{conversation['id']}",
        params={"fields": "read,messages[text,sender[displayName]]"},
    )
    assert thread["read"] is False
    assert [(m["text"], m["sender"]["displayName"]) for m in thread["messages"]] == [
        ("Please check the fridge log.", "Ana Banda"),
        ("Log checked: 4°C.", "Ben Phiri"),
    ]
    with pytest.raises(dhis2_client.DHIS2HTTPError) as refused:
        client_for(username="eve", password=PASSWORD).post(
            f"/api/messageConversations/{conversation['id']}", json="Let me in"
        )
    assert refused.value.status_code == 403
