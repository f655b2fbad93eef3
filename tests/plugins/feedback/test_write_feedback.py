"""Writing feedback: routed to the feedback group, never silently lost."""

from __future__ import annotations

from kernel.models import Conversation, Participant, Setting
from plugins.feedback.team import RECIPIENTS_SETTING


def test_feedback_goes_to_every_member_of_the_group_with_status_open(app, team, people, sign_in):
    ana = sign_in(app, "ana")
    assert "Write feedback" in ana.get("/").get_data(as_text=True)
    sent = ana.post("/feedback/new", {"subject": "Locked period", "text": "Please unlock October."})
    assert sent.status_code == 303
    page = ana.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Feedback sent to the feedback team." in page
    conversation = Conversation.get(Conversation.subject == "Locked period")
    assert (conversation.message_type, conversation.status, conversation.priority) == (
        "TICKET",
        "OPEN",
        "NONE",
    )
    rows = {
        p.user.username: (p.read, p.status)
        for p in Participant.select().where(Participant.conversation == conversation)
    }
    assert rows == {"ana": (True, "OPEN"), "ben": (False, "OPEN")}


def test_no_group_configured_is_a_clear_error_and_the_draft_is_kept(app, people, sign_in):
    ana = sign_in(app, "ana")
    response = ana.post(
        "/feedback/new", {"subject": "Locked period", "text": "Please unlock October."}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "no feedback recipient group is set up" in html
    assert 'value="Locked period"' in html and "Please unlock October.</textarea>" in html
    assert Conversation.select().count() == 0


def test_empty_group_is_a_clear_error(app, team, people, sign_in):
    from kernel.models import UserGroupMember

    UserGroupMember.delete().execute()
    response = sign_in(app, "ana").post("/feedback/new", {"subject": "S", "text": "T"})
    assert response.status_code == 409
    assert "has no other members" in response.get_data(as_text=True)
    assert Conversation.select().count() == 0


def test_deleted_group_counts_as_not_configured(app, team, people, sign_in):
    Setting.write(RECIPIENTS_SETTING, "Gone0000001")
    response = sign_in(app, "ana").post("/feedback/new", {"subject": "S", "text": "T"})
    assert response.status_code == 409


def test_missing_or_overlong_fields_are_refused_and_kept(app, team, people, sign_in):
    ana = sign_in(app, "ana")
    empty = ana.post("/feedback/new", {"subject": "", "text": "Something"})
    assert empty.status_code == 400 and "Enter a subject." in empty.get_data(as_text=True)
    long_subject = ana.post("/feedback/new", {"subject": "x" * 256, "text": "Something"})
    assert long_subject.status_code == 400 and "longer than 255" in long_subject.get_data(
        as_text=True
    )
    no_text = ana.post("/feedback/new", {"subject": "Subject kept", "text": " "})
    assert no_text.status_code == 400 and 'value="Subject kept"' in no_text.get_data(as_text=True)
    assert Conversation.select().count() == 0


def test_feedback_recipients_setting_is_on_the_settings_page(app, team, people, sign_in):
    admin = sign_in(app, "admin")
    page = admin.get("/settings").get_data(as_text=True)
    assert "<legend>General</legend>" in page
    assert '<label for="setting-feedback.recipients">Feedback recipients</label>' in page
    assert f'<option value="{team.uid}" selected>Feedback team</option>' in page


def test_disabled_plugin_has_no_feedback_links_or_folder(make_app, sign_in):
    app = make_app(plugins=["user_messages"])
    with app.app_context():
        from kernel.people import create_user

        create_user("solo", "Solo", "User", password="district", superuser=True)
    solo = sign_in(app, "solo")
    assert "Write feedback" not in solo.get("/").get_data(as_text=True)
    assert solo.get("/messages/TICKET").status_code == 404
    assert solo.get("/feedback/new").status_code == 404
    assert "Feedback recipients" not in solo.get("/settings").get_data(as_text=True)
