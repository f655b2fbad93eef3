"""Add participants to a private conversation: offered to participants and ALL users,
resolved like the compose form, new participants get it unread."""

from __future__ import annotations

import re

import pytest

from kernel import hookimpl
from kernel.contributions import MessageType
from kernel.messaging import start_conversation
from kernel.models import Participant
from tests.plugins.user_messages.conftest import HTMX, copies, counts

ADD = "/conversations/{uid}/actions/add_participants"


@pytest.fixture
def thread(app, team, converse):
    """ana wrote to ben; both have read it."""
    conversation = converse(sender="ana", to=("ben",), subject="Bed nets")
    with app.app_context():
        Participant.update(read=True).execute()
    return conversation


def add(browser, thread, *recipients):
    return browser.post(ADD.format(uid=thread.uid), {"recipient": list(recipients)})


def test_a_participant_adds_a_user_who_gets_it_unread(app, team, thread, sign_in):
    ben = sign_in(app, "ben")
    page = ben.get(f"/conversations/{thread.uid}").get_data(as_text=True)
    assert "<h2>Add participants</h2>" in page
    response = add(ben, thread, f"user:{team['cato'].uid}")
    assert response.status_code == 303
    assert "Added 1 participant." in ben.get(response.headers["Location"]).get_data(as_text=True)
    assert copies(app, thread.uid) == {"ana": True, "ben": True, "cato": False}
    assert "Bed nets" in sign_in(app, "cato").get("/messages/PRIVATE").get_data(as_text=True)


def test_adding_a_group_counts_only_those_new_and_skips_disabled_members(
    app, team, thread, sign_in
):
    ana = sign_in(app, "ana")
    # Nurses: ben (already in), cato (new), dora (disabled).
    response = add(ana, thread, f"userGroup:{team['nurses'].uid}", f"user:{team['eve'].uid}")
    assert "Added 2 participants." in ana.get(response.headers["Location"]).get_data(as_text=True)
    assert copies(app, thread.uid) == {"ana": True, "ben": True, "cato": False, "eve": False}
    again = add(ana, thread, f"user:{team['ben'].uid}")
    assert "Added 0 participants: everyone you chose already takes part." in ana.get(
        again.headers["Location"]
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("recipients", "message"),
    [
        ([], "Choose a user or user group to add."),
        (["planet:Mars"], "Unknown recipient “planet:Mars”."),
        (["user:Nobody12345"], "User does not exist: Nobody12345"),
        (["userGroup:Nogroup1234"], "UserGroup with id Nogroup1234 could not be found."),
        (["dora"], "Unknown recipient “dora”."),
    ],
)
def test_bad_input_is_a_400_on_the_page_and_adds_nobody(
    app, team, thread, sign_in, recipients, message
):
    before = counts(app)
    response = add(sign_in(app, "ben"), thread, *recipients)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(app) == before


def test_only_disabled_users_is_no_recipients(app, team, thread, sign_in):
    response = add(sign_in(app, "ben"), thread, f"user:{team['dora'].uid}")
    assert response.status_code == 400
    assert "No recipients selected." in response.get_data(as_text=True)


def test_more_than_the_cap_is_refused(make_app, team, thread, sign_in):
    app = make_app(MAX_RECIPIENTS=1)
    response = add(sign_in(app, "ben"), thread, f"userGroup:{team['nurses'].uid}")
    assert response.status_code == 400
    assert "at most 1 are allowed at once" in response.get_data(as_text=True)


def test_a_non_participant_gets_404_and_adds_nobody(app, team, thread, sign_in):
    eve = sign_in(app, "eve")
    before = counts(app)
    assert add(eve, thread, f"user:{team['eve'].uid}").status_code == 404
    assert eve.get(f"/messages/PRIVATE/{thread.uid}/add-participants?add_q=ca").status_code == 404
    assert counts(app) == before


def test_a_superuser_who_is_not_a_participant_may_add(app, team, thread, sign_in):
    admin = sign_in(app, "admin")
    assert "<h2>Add participants</h2>" in admin.get(f"/conversations/{thread.uid}").get_data(
        as_text=True
    )
    assert add(admin, thread, f"user:{team['cato'].uid}").status_code == 303
    assert "cato" in copies(app, thread.uid)


class Notices:
    @hookimpl
    def mailroom_message_types(self):
        return [MessageType(key="NOTICE", label="Notice", folder="Notices")]


def test_not_offered_on_other_message_types(make_app, team, sign_in):
    app = make_app(extra_plugins=[Notices()])
    with app.app_context():
        notice = start_conversation(
            sender=team["ana"],
            recipient_ids={team["ben"].id},
            subject="Generator",
            text="Down on Friday",
            message_type="NOTICE",
        )
    ben = sign_in(app, "ben")
    assert "Add participants" not in ben.get(f"/conversations/{notice.uid}").get_data(as_text=True)
    assert add(ben, notice, f"user:{team['cato'].uid}").status_code == 403
    assert ben.get(f"/messages/PRIVATE/{notice.uid}/add-participants").status_code == 404
    assert "cato" not in copies(app, notice.uid)


def test_search_with_htmx_answers_the_hits_alone(app, team, thread, sign_in):
    response = sign_in(app, "ben").get(
        f"/messages/PRIVATE/{thread.uid}/add-participants?add_q=cat", headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert re.findall(r'name="recipient" value="([^"]+)"', html) == [f"user:{team['cato'].uid}"]
    short = sign_in(app, "ben").get(
        f"/messages/PRIVATE/{thread.uid}/add-participants?add_q=c", headers=HTMX
    )
    assert "Type at least 2 characters to search." in short.get_data(as_text=True)


def test_search_without_javascript_shows_the_conversation_with_the_hits(app, team, thread, sign_in):
    ben = sign_in(app, "ben")
    response = ben.get(f"/messages/PRIVATE/{thread.uid}/add-participants?add_q=nurs")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/conversations/{thread.uid}?add_q=nurs#add-participants"
    )
    page = ben.get(response.headers["Location"]).get_data(as_text=True)
    assert f'name="recipient" value="userGroup:{team["nurses"].uid}"' in page
    assert 'name="add_q" value="nurs"' in page
    assert "Bed nets" in page
