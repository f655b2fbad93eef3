"""Write message: recipients of every kind, the sender's and recipients' read state, and
every reason a send is refused (nothing stored, everything typed kept)."""

from __future__ import annotations

import re

import pytest

from kernel.models import Conversation, Message
from tests.plugins.user_messages.conftest import conversation_uid, copies, counts, send


def uid_of(team, name: str) -> str:
    return f"user:{team[name].uid}"


def group_of(team, name: str) -> str:
    return f"userGroup:{team[name].uid}"


def test_message_to_a_user_is_read_for_the_sender_and_unread_for_the_recipient(app, team, sign_in):
    ana = sign_in(app, "ana")
    response = send(ana, [uid_of(team, "eve")], subject="Cold chain", text="Fridge at 12°C.")
    assert response.status_code == 303
    uid = conversation_uid(response)
    assert copies(app, uid) == {"ana": True, "eve": False}
    page = ana.get(response.headers["Location"]).get_data(as_text=True)
    assert "Message sent to 1 recipient." in page
    assert "Fridge at 12°C." in page
    with app.app_context():
        conversation = Conversation.by_uid(uid)
        assert conversation.message_type == "PRIVATE"
        assert conversation.subject == "Cold chain"
        assert conversation.created_by_id == team["ana"].id
        assert Message.get(Message.conversation == conversation).metadata.startswith("User-agent: ")


def test_message_to_a_user_group_reaches_its_members(app, team, sign_in):
    response = send(sign_in(app, "eve"), [group_of(team, "officers")])
    assert copies(app, conversation_uid(response)) == {"eve": True, "ana": False, "ben": False}


def test_users_and_groups_mixed_with_overlaps_give_each_person_one_copy(app, team, sign_in):
    # ben is in both groups and picked by name too; dora (disabled) is skipped.
    response = send(
        sign_in(app, "eve"),
        [group_of(team, "officers"), group_of(team, "nurses"), uid_of(team, "ben")],
    )
    assert response.status_code == 303
    uid = conversation_uid(response)
    assert copies(app, uid) == {"eve": True, "ana": False, "ben": False, "cato": False}
    page = sign_in(app, "eve").get(f"/conversations/{uid}").get_data(as_text=True)
    assert "Participants (4)" in page


def test_the_sender_in_a_chosen_group_never_has_their_own_message_unread(app, team, sign_in):
    response = send(sign_in(app, "ana"), [group_of(team, "officers"), uid_of(team, "ana")])
    assert copies(app, conversation_uid(response)) == {"ana": True, "ben": False}


def test_disabled_users_are_skipped(app, team, sign_in):
    response = send(sign_in(app, "eve"), [group_of(team, "nurses"), uid_of(team, "dora")])
    assert copies(app, conversation_uid(response)) == {"eve": True, "ben": False, "cato": False}


def test_confirmation_counts_the_people_reached(app, team, sign_in):
    eve = sign_in(app, "eve")
    response = send(eve, [group_of(team, "nurses"), uid_of(team, "ana")])
    assert "Message sent to 3 recipients." in eve.get(response.headers["Location"]).get_data(
        as_text=True
    )


# --- refusals: nothing stored, what was typed kept -----------------------------------------


def _refusals(team, config):
    long_subject = "S" * (config["MAX_SUBJECT_LENGTH"] + 1)
    long_text = "T" * (config["MAX_TEXT_LENGTH"] + 1)
    ben = [uid_of(team, "ben")]
    return {
        "no recipient": ([], {}, 400, "Choose at least one recipient."),
        "empty subject": (ben, {"subject": "  "}, 400, "Enter a subject."),
        "empty text": (ben, {"text": ""}, 400, "Enter a message."),
        "subject too long": (ben, {"subject": long_subject}, 400, "The subject is longer than"),
        "text too long": (ben, {"text": long_text}, 400, "The message is longer than"),
        "unknown user": (["user:Xxxxxxxxxx1"], {}, 409, "User does not exist: Xxxxxxxxxx1"),
        "unknown group": (
            ["userGroup:Xxxxxxxxxx2"],
            {},
            404,
            "UserGroup with id Xxxxxxxxxx2 could not be found.",
        ),
        "unknown kind": (["planet:Mars"], {}, 400, "Unknown recipient “planet:Mars”"),
        "malformed": (["ben"], {}, 400, "Unknown recipient “ben”"),
        "only a disabled user": ([uid_of(team, "dora")], {}, 409, "No recipients selected."),
        "only oneself": ([uid_of(team, "ana")], {}, 409, "No recipients selected."),
    }


@pytest.mark.parametrize(
    "case",
    [
        "no recipient",
        "empty subject",
        "empty text",
        "subject too long",
        "text too long",
        "unknown user",
        "unknown group",
        "unknown kind",
        "malformed",
        "only a disabled user",
        "only oneself",
    ],
)
def test_a_refused_send_shows_why_keeps_the_form_and_stores_nothing(app, team, sign_in, case):
    recipients, changes, status, message = _refusals(team, app.config)[case]
    fields = {"subject": "Fuel for the generator", "text": "We need 40 litres.", **changes}
    before = counts(app)
    response = send(sign_in(app, "ana"), recipients, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in page
    assert "The message was not sent." in page
    assert counts(app) == before
    # What the user typed is still there to correct.
    if fields["subject"].strip():
        assert f'value="{fields["subject"]}"' in page
    if fields["text"]:
        assert f">{fields['text']}</textarea>" in page


def test_every_missing_field_is_reported_at_once(app, team, sign_in):
    response = send(sign_in(app, "ana"), [], subject="", text="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Choose at least one recipient.", "Enter a subject.", "Enter a message."):
        assert message in page
    assert 'id="subject"' in page and 'aria-invalid="true" aria-describedby="subject-error"' in page


def test_recipients_over_the_cap_are_refused(make_app, sign_in):
    app = make_app(MAX_RECIPIENTS=2)
    with app.app_context():
        from kernel.models import UserGroup
        from kernel.people import create_user

        group = UserGroup.create(name="Everyone")
        create_user("sam", "Sam", "Sender", password="district")
        for name in ("a1", "a2", "a3"):
            create_user(name, "A", name, groups=[group])
        group_uid = group.uid
    before = counts(app)
    response = send(sign_in(app, "sam"), [f"userGroup:{group_uid}"])
    assert response.status_code == 409
    assert "This would reach 3 people; at most 2 are allowed at once." in response.get_data(
        as_text=True
    )
    assert counts(app) == before


def test_more_picks_than_the_cap_are_cut_and_refused(make_app, sign_in):
    app = make_app(MAX_RECIPIENTS=2)
    with app.app_context():
        from kernel.people import create_user

        create_user("sam", "Sam", "Sender", password="district")
    response = send(sign_in(app, "sam"), [f"user:Abcdefghij{n}" for n in range(5)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "You chose 5 recipients; at most 2 are allowed." in page
    assert page.count('name="recipient"') == 2


def test_sending_without_a_csrf_token_is_refused(app, team, sign_in):
    before = counts(app)
    response = sign_in(app, "ana").post(
        "/messages/PRIVATE/create",
        {"recipient": uid_of(team, "ben"), "subject": "s", "text": "t", "send": "1"},
        csrf=False,
    )
    assert response.status_code == 400
    assert counts(app) == before


def test_the_compose_page_needs_a_signed_in_user(app):
    response = app.test_client().get("/messages/PRIVATE/create?to=user:Abcdefghijk")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- rate limit --------------------------------------------------------------------------


def test_too_many_new_conversations_in_a_minute_get_a_429_and_keep_the_message(make_app, sign_in):
    app = make_app(SEND_RATE_LIMIT=2, SEND_RATE_WINDOW_SECONDS=60)
    with app.app_context():
        from kernel.people import create_user

        create_user("sam", "Sam", "Sender", password="district")
        reader = create_user("rea", "Rea", "Der", password="district").uid
    sam = sign_in(app, "sam")
    for n in range(2):
        assert send(sam, [f"user:{reader}"], subject=f"Report {n}").status_code == 303
    before = counts(app)
    refused = send(sam, [f"user:{reader}"], subject="Report 3", text="Third in a minute")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "You have started 2 conversations in the last minute, the most allowed." in page
    assert 'value="Report 3"' in page and ">Third in a minute</textarea>" in page
    assert counts(app) == before
    # Replies are not new conversations, and other users have their own allowance.
    uid = conversation_uid(send(sign_in(app, "rea"), ["user:" + _uid(app, "sam")]))
    assert sam.post(f"/conversations/{uid}/reply", {"text": "Still here"}).status_code == 303


def test_the_rate_limit_counts_only_the_window(make_app, sign_in):
    from datetime import timedelta

    from kernel.models.clock import utcnow

    app = make_app(SEND_RATE_LIMIT=1, SEND_RATE_WINDOW_SECONDS=60)
    with app.app_context():
        from kernel.people import create_user

        create_user("sam", "Sam", "Sender", password="district")
        reader = create_user("rea", "Rea", "Der").uid
    sam = sign_in(app, "sam")
    assert send(sam, [f"user:{reader}"]).status_code == 303
    assert send(sam, [f"user:{reader}"]).status_code == 429
    with app.app_context():
        earlier = utcnow() - timedelta(minutes=2)
        Conversation.update(created=earlier, last_message=earlier).execute()
    assert send(sam, [f"user:{reader}"]).status_code == 303


def _uid(app, username: str) -> str:
    from kernel.models import User

    with app.app_context():
        return User.get(User.username == username).uid


# --- scale -------------------------------------------------------------------------------


def test_a_group_of_two_thousand_users_is_sent_in_one_request(app, team, sign_in):
    from kernel.models import User, UserGroup, UserGroupMember

    with app.app_context():
        crowd = UserGroup.create(name="All facility staff")
        User.insert_many(
            [
                {"username": f"staff{n:04}", "first_name": "Staff", "surname": f"{n:04}"}
                for n in range(2000)
            ]
        ).execute()
        ids = [u.id for u in User.select(User.id).where(User.username.startswith("staff"))]
        UserGroupMember.insert_many([{"group": crowd.id, "user": i} for i in ids]).execute()
        crowd.refresh_member_count()
        group_uid = crowd.uid
    response = send(sign_in(app, "ana"), [f"userGroup:{group_uid}"], subject="Campaign")
    assert response.status_code == 303
    reached = copies(app, conversation_uid(response))
    assert len(reached) == 2001
    assert reached["ana"] is True
    assert sum(1 for read in reached.values() if not read) == 2000


def test_the_compose_page_has_labelled_fields_in_order(app, team, sign_in):
    page = sign_in(app, "ana").get("/messages/PRIVATE/create").get_data(as_text=True)
    labels = re.findall(r'<label for="([\w-]+)">([^<]+)</label>', page)
    # Fields other plugins add through the compose slot sit between "To user" and Subject.
    own = [label for label in labels if label[0] in ("to-user", "subject", "text")]
    assert own == [("to-user", "To user"), ("subject", "Subject"), ("text", "Message")]
    assert labels[0] == ("to-user", "To user") and labels[-2:] == own[1:]
    assert page.index('name="search"') < page.index('name="send"')
    assert 'aria-live="polite"' in page
    assert "<script>" not in page  # only the picker's own file, no inline script
