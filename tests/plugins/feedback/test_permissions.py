"""Who may do what with feedback in the browser: the sender, a team member, an ALL user,
an unrelated user and an anonymous visitor, over every feedback page and form."""

from __future__ import annotations

import re

import pytest

from kernel.models import Conversation, Message
from plugins.feedback.models import FeedbackChange

USERS = ["ana", "ben", "admin", "eve"]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def handled_ticket(app, ticket, people):
    """The ticket with one change and one internal reply by the team."""
    from kernel.messaging import add_reply, change_state

    with app.app_context():
        change_state(ticket, people["ben"], "priority", "HIGH")
        add_reply(ticket, people["ben"], "Team note: ask Grace.", internal=True)
    return ticket


# --- pages ----------------------------------------------------------------------------------

PAGES = [
    "/feedback/new",
    "/conversations/{uid}",
    "/messages/TICKET",
    "/messages/PRIVATE/create",
    "/settings",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(app, handled_ticket, page):
    response = app.test_client().get(page.format(uid=handled_ticket.uid))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", USERS)
def test_the_conversation_page_for_each_user(app, handled_ticket, sign_in, who):
    response = sign_in(app, who).get(f"/conversations/{handled_ticket.uid}")
    if who == "eve":
        assert response.status_code == 404
        assert "Cannot enter October data" not in text_of(response)
        return
    assert response.status_code == 200
    html = text_of(response)
    team = who in ("ben", "admin")
    assert "The period is locked for Bumpe CHP." in html
    assert ("Team note: ask Grace." in html) is team
    assert ("Set priority" in html and "Set status" in html) is team
    assert ('<button type="submit">Assign</button>' in html) is team
    assert ('<label for="tool-internal-reply">Internal reply</label>' in html) is team
    assert ('id="changes-heading"' in html) is team
    assert ("Ben Phiri set priority to High" in html) is team
    assert "<dt>Priority</dt><dd>High</dd>" in html


@pytest.mark.parametrize("who", USERS)
def test_the_ticket_folder_for_each_user(app, handled_ticket, sign_in, who):
    html = text_of(sign_in(app, who).get("/messages/TICKET"))
    # ana sent it, ben received it; admin may open it but has no copy of it.
    assert ("Cannot enter October data" in html) is (who in ("ana", "ben"))
    team = who in ("ben", "admin")
    assert ('id="filter-status"' in html) is team
    assert ('id="filter-priority"' in html) is team
    assert ('id="filter-assignee"' in html) is team
    assert "Write feedback" in html


def test_only_all_users_see_the_settings_page(app, team, sign_in):
    assert "Feedback recipients" in text_of(sign_in(app, "admin").get("/settings"))
    for who in ("ana", "ben", "eve"):
        assert sign_in(app, who).get("/settings").status_code == 403


@pytest.mark.parametrize("who", USERS)
def test_everyone_signed_in_may_write_feedback(app, team, people, sign_in, who):
    team.add_members([people["tess"]])  # so that ben's feedback reaches someone else
    browser = sign_in(app, who)
    assert browser.get("/feedback/new").status_code == 200
    sent = browser.post("/feedback/new", {"subject": f"From {who}", "text": "Hello team"})
    assert sent.status_code == 303
    assert Conversation.get(Conversation.subject == f"From {who}").status == "OPEN"


def test_writing_feedback_needs_the_csrf_token(app, team, sign_in):
    response = sign_in(app, "ana").post("/feedback/new", {"subject": "S", "text": "T"}, csrf=False)
    assert response.status_code == 400
    assert Conversation.select().count() == 0


# --- the tools' forms -----------------------------------------------------------------------

ACTIONS = [
    ("priority", {"priority": "LOW"}),
    ("status", {"status": "SOLVED"}),
    ("assign", {"assignee": "me"}),
    ("internal_reply", {"text": "Another note"}),
]
EXPECTED = {"ana": 403, "eve": 404, "ben": 303, "admin": 303}


@pytest.mark.parametrize("key, data", ACTIONS)
@pytest.mark.parametrize("who", USERS)
def test_tool_forms_for_each_user(app, handled_ticket, people, sign_in, who, key, data):
    if key == "assign" and who == "admin":
        data = {"assignee": people["ben"].uid}  # admin is on the team but not in the group
    response = sign_in(app, who).post(f"/conversations/{handled_ticket.uid}/actions/{key}", data)
    assert response.status_code == EXPECTED[who]
    changed = FeedbackChange.select().count() > 1 or Message.select().count() > 2
    assert changed is (who in ("ben", "admin"))


@pytest.mark.parametrize("key, data", ACTIONS)
def test_tool_forms_refuse_anonymous_visitors_and_missing_tokens(
    app, handled_ticket, sign_in, key, data
):
    url = f"/conversations/{handled_ticket.uid}/actions/{key}"
    assert app.test_client().post(url, data=data).status_code in (302, 400)
    assert sign_in(app, "ben").post(url, data, csrf=False).status_code == 400
    assert FeedbackChange.select().count() == 1 and Message.select().count() == 2


@pytest.mark.parametrize("who", ["ana", "eve"])
def test_bulk_changes_are_refused_outside_the_team(app, handled_ticket, sign_in, who):
    response = sign_in(app, who).post(
        "/messages/TICKET/bulk",
        {"action": "status", "status": "SOLVED", "conversation": [handled_ticket.uid]},
    )
    assert response.status_code == 400
    assert Conversation.get_by_id(handled_ticket.id).status == "OPEN"


def test_bulk_priority_by_the_team_is_logged(app, handled_ticket, sign_in):
    ben = sign_in(app, "ben")
    done = ben.post(
        "/messages/TICKET/bulk",
        {"action": "priority", "priority": "LOW", "conversation": [handled_ticket.uid]},
    )
    assert done.status_code == 303
    assert "Priority set on 1 conversation." in text_of(ben.get(done.headers["Location"]))
    assert "Ben Phiri set priority to Low" in text_of(
        ben.get(f"/conversations/{handled_ticket.uid}")
    )


# --- the "Write message" page offers feedback instead ---------------------------------------


def test_compose_page_links_to_write_feedback(app, team, sign_in):
    html = text_of(sign_in(app, "ana").get("/messages/PRIVATE/create"))
    assert '<a href="/feedback/new">Write feedback instead</a>' in html
    # Inside the form, before the subject, and after a failed send too.
    assert html.index("Write feedback instead") < html.index('<label for="subject">')
    failed = sign_in(app, "ana").post(
        "/messages/PRIVATE/create", {"subject": "S", "text": "T", "send": "1"}
    )
    assert failed.status_code in (400, 409)
    assert "Write feedback instead" in text_of(failed)


def test_compose_page_has_no_feedback_link_without_the_plugin(make_app, sign_in):
    app = make_app(plugins=["user_messages"])
    with app.app_context():
        from kernel.people import create_user

        create_user("solo", "Solo", "User", password="district")
    assert "Write feedback" not in text_of(sign_in(app, "solo").get("/messages/PRIVATE/create"))
