"""The feedback-handling tools and who may use them."""

from __future__ import annotations

import re

import pytest

from kernel.messaging import add_reply
from kernel.models import Conversation, Message, Participant


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/conversations/\w+">([^<]+)</a>', html)


@pytest.mark.parametrize("who", ["ben", "admin"])
def test_team_and_all_users_set_priority_status_and_assignee(app, ticket, people, sign_in, who):
    handler = sign_in(app, who)
    url = f"/conversations/{ticket.uid}/actions"
    assert handler.post(f"{url}/priority", {"priority": "HIGH"}).status_code == 303
    assert handler.post(f"{url}/status", {"status": "PENDING"}).status_code == 303
    done = handler.post(f"{url}/assign", {"assignee": people["ben"].uid})
    assert done.status_code == 303
    page = handler.get(done.headers["Location"]).get_data(as_text=True)
    assert "Assigned to Ben Phiri." in page
    refreshed = Conversation.get_by_id(ticket.id)
    assert (refreshed.priority, refreshed.status, refreshed.assignee_id) == (
        "HIGH",
        "PENDING",
        people["ben"].id,
    )
    log = re.sub(r"\s+", " ", page)
    assert (
        "set priority to High" in log
        and "set status to Pending" in log
        and "set assignee to Ben Phiri" in log
    )


def test_assign_to_me_and_unassign(app, ticket, people, sign_in):
    ben = sign_in(app, "ben")
    ben.post(f"/conversations/{ticket.uid}/actions/assign", {"assignee": "me"})
    assert Conversation.get_by_id(ticket.id).assignee_id == people["ben"].id
    ben.post(f"/conversations/{ticket.uid}/actions/assign", {"assignee": ""})
    assert Conversation.get_by_id(ticket.id).assignee_id is None


def test_assignment_to_a_non_member_is_refused(app, ticket, people, sign_in):
    admin = sign_in(app, "admin")
    response = admin.post(
        f"/conversations/{ticket.uid}/actions/assign", {"assignee": people["eve"].uid}
    )
    assert response.status_code == 400
    assert "Assign to a member of the feedback recipient group." in response.get_data(as_text=True)
    me = admin.post(f"/conversations/{ticket.uid}/actions/assign", {"assignee": "me"})
    assert me.status_code == 400
    assert Conversation.get_by_id(ticket.id).assignee_id is None


def test_wrong_enum_values_are_refused_and_change_nothing(app, ticket, sign_in):
    ben = sign_in(app, "ben")
    for key, field, value in [("priority", "priority", "URGENT"), ("status", "status", "CLOSED")]:
        response = ben.post(f"/conversations/{ticket.uid}/actions/{key}", {field: value})
        assert response.status_code == 400
        assert f"“{value}” is not a" in response.get_data(as_text=True)
    refreshed = Conversation.get_by_id(ticket.id)
    assert (refreshed.priority, refreshed.status) == ("NONE", "OPEN")


@pytest.mark.parametrize("who", ["ana", "eve"])
def test_sender_and_unrelated_users_have_no_tools(app, ticket, sign_in, who):
    user = sign_in(app, who)
    page = user.get(f"/conversations/{ticket.uid}")
    if who == "eve":
        assert page.status_code == 404
    else:
        html = page.get_data(as_text=True)
        assert "Set priority" not in html and "Internal reply" not in html and "Changes" not in html
        assert "<dt>Status</dt><dd>Open</dd>" in html
    for key, data in [
        ("priority", {"priority": "HIGH"}),
        ("status", {"status": "SOLVED"}),
        ("assign", {"assignee": "me"}),
        ("internal_reply", {"text": "psst"}),
    ]:
        assert user.post(f"/conversations/{ticket.uid}/actions/{key}", data).status_code in (
            403,
            404,
        )
    assert Conversation.get_by_id(ticket.id).status == "OPEN"
    assert Message.select().count() == 1


def test_anonymous_users_are_sent_to_login(app, ticket):
    client = app.test_client()
    assert client.get(f"/conversations/{ticket.uid}").status_code == 302
    assert client.get("/feedback/new").status_code == 302


def test_internal_reply_is_seen_by_the_team_only(app, ticket, people, sign_in):
    ben = sign_in(app, "ben")
    done = ben.post(
        f"/conversations/{ticket.uid}/actions/internal_reply", {"text": "Ask Grace to unlock it."}
    )
    assert done.status_code == 303
    assert "Ask Grace to unlock it." in ben.get(f"/conversations/{ticket.uid}").get_data(
        as_text=True
    )
    assert "Ask Grace to unlock it." in sign_in(app, "admin").get(
        f"/conversations/{ticket.uid}"
    ).get_data(as_text=True)
    ana = sign_in(app, "ana")
    html = ana.get(f"/conversations/{ticket.uid}").get_data(as_text=True)
    assert "Ask Grace" not in html and "Internal message" not in html
    # Nothing else gives it away: not unread, not the last sender, not the count, not the queue.
    ana_row = Participant.get(
        (Participant.conversation == ticket.id) & (Participant.user == people["ana"].id)
    )
    assert ana_row.read is True
    refreshed = Conversation.get_by_id(ticket.id)
    assert refreshed.last_sender_id == people["ana"].id and refreshed.message_count == 1
    assert "Cannot enter October data" not in ana.get("/").get_data(as_text=True)
    assert '<span class="badge">' not in ana.get("/badge").get_data(as_text=True)


def test_empty_internal_reply_is_refused(app, ticket, sign_in):
    response = sign_in(app, "ben").post(
        f"/conversations/{ticket.uid}/actions/internal_reply", {"text": ""}
    )
    assert response.status_code == 400 and "Enter a message." in response.get_data(as_text=True)
    assert Message.select().count() == 1


def test_public_reply_from_the_team_reaches_the_sender(app, ticket, people, sign_in):
    sign_in(app, "ben").post(f"/conversations/{ticket.uid}/reply", {"text": "Unlocked now."})
    ana = sign_in(app, "ana")
    assert "Unlocked now." in ana.get(f"/conversations/{ticket.uid}").get_data(as_text=True)


def test_team_member_who_joined_later_finds_and_handles_old_feedback(
    app, ticket, team, people, sign_in
):
    from kernel.people import add_group_members

    with app.app_context():
        add_group_members(team, [people["tess"].id])
    tess = sign_in(app, "tess")
    assert "Cannot enter October data" in subjects(
        tess.get("/messages/TICKET").get_data(as_text=True)
    )
    assert (
        tess.post(f"/conversations/{ticket.uid}/actions/status", {"status": "SOLVED"}).status_code
        == 303
    )


def test_changing_the_feedback_group_gives_the_new_team_the_old_feedback(
    app, ticket, people, sign_in
):
    from kernel.models import UserGroup
    from kernel.people import add_group_members

    with app.app_context():
        new_team = UserGroup.create(name="New team")
        add_group_members(new_team, [people["eve"].id])
    sign_in(app, "admin").post("/settings", {"feedback.recipients": new_team.uid})
    eve = sign_in(app, "eve")
    assert "Cannot enter October data" in subjects(
        eve.get("/messages/TICKET").get_data(as_text=True)
    )
    # ben left the team by the group change: his copy stays, his tools go.
    html = sign_in(app, "ben").get(f"/conversations/{ticket.uid}").get_data(as_text=True)
    assert "Set status" not in html


def test_filters_by_status_priority_and_assignee_for_the_team(app, ticket, people, sign_in):
    from kernel.messaging import start_conversation
    from kernel.models import Status

    with app.app_context():
        start_conversation(
            sender=people["eve"],
            recipient_ids={people["ben"].id},
            subject="Other",
            text="x",
            message_type="TICKET",
            status=Status.OPEN,
        )
    ben = sign_in(app, "ben")
    ben.post(f"/conversations/{ticket.uid}/actions/status", {"status": "PENDING"})
    ben.post(f"/conversations/{ticket.uid}/actions/assign", {"assignee": "me"})
    assert subjects(ben.get("/messages/TICKET?status=PENDING").get_data(as_text=True)) == [
        "Cannot enter October data"
    ]
    assert subjects(ben.get("/messages/TICKET?status=OPEN").get_data(as_text=True)) == ["Other"]
    assert subjects(ben.get("/messages/TICKET?assignee=me").get_data(as_text=True)) == [
        "Cannot enter October data"
    ]
    assert subjects(
        ben.get("/messages/TICKET?assignee=none&read=unread").get_data(as_text=True)
    ) == ["Other"]
    assert ben.get("/messages/TICKET?status=LOST").status_code == 400
    # The sender has no team filters.
    assert 'id="filter-status"' not in sign_in(app, "ana").get("/messages/TICKET").get_data(
        as_text=True
    )


def test_filters_combine_priority_status_assignee_read_and_follow_up(app, ticket, people, sign_in):
    from kernel.messaging import set_follow_up, start_conversation
    from kernel.models import Priority, Status

    with app.app_context():
        other = start_conversation(
            sender=people["eve"],
            recipient_ids={people["ben"].id},
            subject="Other",
            text="x",
            message_type="TICKET",
            status=Status.OPEN,
            priority=Priority.HIGH,
        )
    ben = sign_in(app, "ben")
    ben.get(f"/conversations/{ticket.uid}")  # read
    ben.post(f"/conversations/{ticket.uid}/actions/priority", {"priority": "LOW"})
    ben.post(f"/conversations/{ticket.uid}/actions/status", {"status": "SOLVED"})
    with app.app_context():
        set_follow_up(people["ben"], [ticket.uid], True)

    def listed(query: str) -> list[str]:
        return subjects(ben.get(f"/messages/TICKET?{query}").get_data(as_text=True))

    assert listed("status=OPEN&priority=HIGH") == ["Other"]
    assert listed("priority=LOW") == ["Cannot enter October data"]
    assert listed("status=SOLVED&priority=LOW&assignee=none&followup=yes") == [
        "Cannot enter October data"
    ]
    assert listed("status=SOLVED&priority=HIGH") == []
    assert listed("assignee=none&read=unread") == ["Other"]
    # Assigned by someone else after ben's copy was written: ben's filters see it.
    sign_in(app, "admin").post(
        f"/conversations/{other.uid}/actions/assign", {"assignee": people["ben"].uid}
    )
    assert listed("assignee=none") == ["Cannot enter October data"]
    assert listed("assignee=me&status=OPEN") == ["Other"]


def test_every_team_filter_is_checked_on_participant_rows_alone(app, team, people):
    """So the folder's count reads the inbox index without joining ``conversation``."""
    from kernel.models.conversations import names_only_participant
    from kernel.plugins import current_hooks

    with app.app_context():
        offered = current_hooks().inbox_filters(people["ben"], "TICKET")
        assert {f.key for f in offered} >= {"status", "priority", "assignee", "read"}
        for inbox_filter in offered:
            for value, _ in inbox_filter.choices:
                assert names_only_participant(inbox_filter.apply(value)), (inbox_filter.key, value)


def test_team_member_who_joined_later_gets_the_tickets_current_state(
    app, ticket, team, people, sign_in
):
    from kernel.people import add_group_members

    ben = sign_in(app, "ben")
    ben.post(f"/conversations/{ticket.uid}/actions/status", {"status": "PENDING"})
    ben.post(f"/conversations/{ticket.uid}/actions/priority", {"priority": "HIGH"})
    ben.post(f"/conversations/{ticket.uid}/actions/assign", {"assignee": "me"})
    with app.app_context():
        add_group_members(team, [people["tess"].id])
    copy = Participant.get(
        (Participant.conversation == ticket.id) & (Participant.user == people["tess"].id)
    )
    assert (copy.status, copy.priority, copy.assignee_id) == ("PENDING", "HIGH", people["ben"].id)
    tess = sign_in(app, "tess")
    assert subjects(
        tess.get("/messages/TICKET?status=PENDING&priority=HIGH").get_data(as_text=True)
    ) == ["Cannot enter October data"]
    assert subjects(tess.get("/messages/TICKET?assignee=none").get_data(as_text=True)) == []


def test_bulk_status_and_priority(app, ticket, people, sign_in):
    from kernel.messaging import start_conversation
    from kernel.models import Status

    with app.app_context():
        other = start_conversation(
            sender=people["eve"],
            recipient_ids={people["ben"].id},
            subject="Other",
            text="x",
            message_type="TICKET",
            status=Status.OPEN,
        )
    ben = sign_in(app, "ben")
    done = ben.post(
        "/messages/TICKET/bulk",
        {"action": "status", "status": "SOLVED", "conversation": [ticket.uid, other.uid]},
    )
    assert done.status_code == 303
    assert "Status set on 2 conversations." in ben.get(done.headers["Location"]).get_data(
        as_text=True
    )
    ben.post(
        "/messages/TICKET/bulk",
        {"action": "priority", "priority": "LOW", "conversation": [other.uid]},
    )
    assert [c.status for c in Conversation.select()] == ["SOLVED", "SOLVED"]
    assert Conversation.get_by_id(other.id).priority == "LOW"
    bad = ben.post(
        "/messages/TICKET/bulk", {"action": "status", "status": "GONE", "conversation": [other.uid]}
    )
    assert bad.status_code == 400
    refused = sign_in(app, "ana").post(
        "/messages/TICKET/bulk",
        {"action": "status", "status": "OPEN", "conversation": [ticket.uid]},
    )
    assert refused.status_code == 400
    assert Conversation.get_by_id(ticket.id).status == "SOLVED"


def test_kernel_internal_reply_helper_respects_visibility(app, ticket, people):
    with app.app_context():
        add_reply(Conversation.get_by_id(ticket.id), people["ben"], "Team note", internal=True)
    rows = {p.user_id: p.read for p in Participant.select()}
    assert rows[people["ana"].id] is True


def test_team_hits_internal_replies_in_search_and_the_sender_does_not(app, ticket, sign_in):
    sign_in(app, "ben").post(
        f"/conversations/{ticket.uid}/actions/internal_reply", {"text": "Escalate to Grace"}
    )
    assert "Cannot enter October data" in subjects(
        sign_in(app, "ben").get("/messages/TICKET?q=grace").get_data(as_text=True)
    )
    assert (
        subjects(sign_in(app, "ana").get("/messages/TICKET?q=grace").get_data(as_text=True)) == []
    )


def test_job_failures_go_to_the_feedback_group_when_no_system_group_is_set(app, team, people):
    from kernel.models import Participant
    from plugins.system_alerts.failures import report_job_failure

    with app.app_context():
        from kernel.models.clock import utcnow

        report_job_failure("sync", "RuntimeError: down", "Traceback ...", utcnow())
    assert [p.user_id for p in Participant.select()] == [people["ben"].id]


def test_assign_to_me_wins_over_the_select_a_browser_also_sends(app, ticket, people, sign_in):
    # The browser posts the select's value first, then the pressed button's.
    ben = sign_in(app, "ben")
    done = ben.post(
        f"/conversations/{ticket.uid}/actions/assign",
        {"assignee": ["", "me"]},
    )
    assert done.status_code == 303
    assert Conversation.get_by_id(ticket.id).assignee_id == people["ben"].id
