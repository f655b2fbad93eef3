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
