"""Pages cost a fixed number of queries however many rows they show: no N+1 anywhere.

Each test counts the statements of one page, adds rows (conversations, messages,
participants, senders), and counts again.
"""

from __future__ import annotations

import pytest

import kernel.search.query
from kernel.messaging import add_participants, add_reply
from kernel.models import Setting, UserGroup
from kernel.people import create_user
from tests.api.conftest import counting_queries


@pytest.fixture
def feedback_team(app, people):
    """The district officers (ana, ben) handle feedback."""
    with app.app_context():
        officers = UserGroup.get(UserGroup.name == "District officers")
        Setting.write("feedback.recipients", officers.uid)


def _queries(app, browser, url: str) -> int:
    browser.get(url)  # warm: first-request work (session, caches) is not what we count
    with counting_queries(app) as seen:
        response = browser.get(url)
    assert response.status_code == 200
    return len(seen)


def _more_conversations(app, people, converse, count: int, message_type: str = "PRIVATE"):
    with app.app_context():
        extra = [create_user(f"extra{n}", "Extra", f"Person {n}").id for n in range(3)]
    for n in range(count):
        sender = ("ana", "eve", "admin")[n % 3]
        conversation = converse(
            sender=sender,
            to=("ben",) if sender != "ana" else ("ben", "eve"),
            subject=f"Report {n}",
            message_type=message_type,
        )
        with app.app_context():
            add_reply(conversation, people["ben"], "Noted.")
            add_participants(conversation, extra)


@pytest.fixture(params=["few-hits", "folder-walk"])
def search_way(request, monkeypatch):
    """A search answered from the index's hits, or with every word common (each folder
    row checked: see kernel.search.query)."""
    if request.param == "folder-walk":
        monkeypatch.setattr(kernel.search.query, "COMMON_MATCHES", 1)
    return request.param


@pytest.mark.usefixtures("search_way")
@pytest.mark.parametrize(
    "url",
    [
        "/messages/PRIVATE",
        "/messages/PRIVATE?read=unread&followup=yes",
        "/messages/PRIVATE?q=report",
    ],
)
def test_inbox_page_queries_do_not_grow_with_its_rows(app, people, converse, sign_in, url):
    converse(to=("ben",), subject="Report first")
    ben = sign_in(app, "ben")
    few = _queries(app, ben, url)
    _more_conversations(app, people, converse, 12)
    assert _queries(app, ben, url) == few


@pytest.mark.usefixtures("search_way")
def test_feedback_folder_with_every_filter_costs_the_same_queries(
    app, people, converse, sign_in, feedback_team
):
    url = "/messages/TICKET?status=OPEN&priority=HIGH&assignee=none&read=unread&q=report"
    converse(sender="eve", to=("ana", "ben"), subject="Report one", message_type="TICKET")
    ben = sign_in(app, "ben")
    few = _queries(app, ben, url)
    _more_conversations(app, people, converse, 9, message_type="TICKET")
    assert _queries(app, ben, url) == few


def test_conversation_page_queries_do_not_grow_with_messages_or_participants(
    app, people, converse, sign_in
):
    small = converse(to=("ben",), subject="Small")
    large = converse(to=("ben", "eve", "admin"), subject="Large")
    with app.app_context():
        for n in range(10):
            add_reply(large, people[("ben", "eve", "admin", "ana")[n % 4]], f"Reply {n}")
    ben = sign_in(app, "ben")
    assert _queries(app, ben, f"/conversations/{small.uid}") == _queries(
        app, ben, f"/conversations/{large.uid}"
    )


def test_compose_page_queries_do_not_grow_with_users_or_groups(app, people, sign_in):
    ana = sign_in(app, "ana")
    few = _queries(app, ana, "/messages/PRIVATE/create")
    with app.app_context():
        for n in range(10):
            group = UserGroup.create(name=f"Team {n}")
            create_user(f"member{n}", "Member", f"{n}", groups=[group])
    assert _queries(app, ana, "/messages/PRIVATE/create") == few


def test_dashboard_and_badge_queries_do_not_grow_with_unread_conversations(
    app, people, converse, sign_in
):
    converse(to=("ben",))
    ben = sign_in(app, "ben")
    dashboard, badge = _queries(app, ben, "/"), _queries(app, ben, "/badge")
    _more_conversations(app, people, converse, 12)
    assert (_queries(app, ben, "/"), _queries(app, ben, "/badge")) == (dashboard, badge)
    # The badge poll loads the user and counts in one statement: one round trip.
    assert badge == 1
