"""Participant rows written in bulk (one multi-row INSERT per chunk) carry every column the
inbox, its filters and the unread counts read, and the copies of the conversation's shared
state (status, priority, assignee) stay in step with it."""

from __future__ import annotations

import pytest

from kernel.messaging import INSERT_CHUNK, add_participants, change_state, start_conversation
from kernel.models import Conversation, Participant, Priority, Status, User
from kernel.people import create_user


def test_sent_and_added_copies_have_type_time_and_read_state(app, people):
    with app.app_context():
        crowd = [create_user(f"c{n}", "Crowd", str(n)).id for n in range(INSERT_CHUNK + 3)]
        conversation = start_conversation(
            sender=people["ana"],
            recipient_ids={people["ben"].id, *crowd},
            subject="Chunked",
            text="x",
            message_type="PRIVATE",
        )
        stored = Conversation.get_by_id(conversation.id)
        rows = list(Participant.select().where(Participant.conversation == stored))
        assert len(rows) == len(crowd) + 2
        assert {(r.message_type, r.last_message, r.follow_up) for r in rows} == {
            ("PRIVATE", stored.last_message, False)
        }
        assert {r.user_id for r in rows if r.read} == {people["ana"].id}

        assert add_participants(stored, [people["eve"].id, people["ben"].id]) == 1
        eve = Participant.get(
            (Participant.conversation == stored) & (Participant.user == people["eve"].id)
        )
        assert (eve.read, eve.follow_up, eve.message_type) == (False, False, "PRIVATE")
        assert eve.last_message == stored.last_message
        assert Participant.unread_count(User.get_by_id(people["eve"].id)) == 1


def copies(conversation: Conversation) -> set[tuple[str, str, int | None]]:
    """The (status, priority, assignee id) copies on the conversation's participant rows."""
    return {
        (p.status, p.priority, p.assignee_id)
        for p in Participant.select().where(Participant.conversation == conversation.id)
    }


def stored(conversation: Conversation) -> tuple[str, str, int | None]:
    row = Conversation.get_by_id(conversation.id)
    return (row.status, row.priority, row.assignee_id)


@pytest.fixture
def ticket(app, people):
    with app.app_context():
        return start_conversation(
            sender=people["ana"],
            recipient_ids={people["ben"].id, people["admin"].id},
            subject="Locked period",
            text="Please unlock October.",
            message_type="TICKET",
            status=Status.OPEN,
            priority=Priority.LOW,
        )


def test_copies_start_with_the_conversations_state(app, ticket):
    with app.app_context():
        assert copies(ticket) == {("OPEN", "LOW", None)}
        assert stored(ticket) == ("OPEN", "LOW", None)


def test_copies_follow_status_priority_assignment_and_unassignment(app, ticket, people):
    ben = people["ben"]
    with app.app_context():
        change_state(ticket, ben, "status", Status.PENDING)
        assert copies(ticket) == {("PENDING", "LOW", None)}
        change_state(ticket, ben, "priority", "HIGH")
        assert copies(ticket) == {("PENDING", "HIGH", None)}
        change_state(ticket, ben, "assignee", ben)
        assert copies(ticket) == {("PENDING", "HIGH", ben.id)}
        change_state(ticket, ben, "assignee", None)
        assert copies(ticket) == {("PENDING", "HIGH", None)}
        assert stored(ticket) == ("PENDING", "HIGH", None)
        # Each copy belongs to its own conversation: another ticket keeps its state.
        other = start_conversation(
            sender=people["eve"],
            recipient_ids={ben.id},
            subject="Other",
            text="x",
            message_type="TICKET",
            status=Status.OPEN,
        )
        change_state(ticket, ben, "status", Status.SOLVED)
        assert copies(other) == {("OPEN", "NONE", None)}


def test_participants_added_after_a_change_get_the_current_state(app, ticket, people):
    with app.app_context():
        # Read before the change, as a page handling the addition might have.
        stale = Conversation.get_by_id(ticket.id)
        change_state(ticket, people["ben"], "status", Status.SOLVED)
        change_state(ticket, people["ben"], "assignee", people["admin"])
        assert add_participants(stale, [people["eve"].id]) == 1
        eve = Participant.get(
            (Participant.conversation == ticket.id) & (Participant.user == people["eve"].id)
        )
        assert (eve.status, eve.priority, eve.assignee_id) == ("SOLVED", "LOW", people["admin"].id)
        assert copies(ticket) == {("SOLVED", "LOW", people["admin"].id)}


def test_deleting_the_assignee_clears_the_conversation_and_every_copy(app, ticket, people):
    with app.app_context():
        tom = create_user("tom", "Tom", "Sesay")
        change_state(ticket, people["ben"], "assignee", tom)
        assert copies(ticket) == {("OPEN", "LOW", tom.id)}
        # As the metadata import deletes users: the database's ON DELETE SET NULL clears
        # the assignment on the conversation and on each participant's copy.
        User.delete().where(User.id == tom.id).execute()
        assert stored(ticket) == ("OPEN", "LOW", None)
        assert copies(ticket) == {("OPEN", "LOW", None)}


def test_deleting_an_assignee_who_takes_part_removes_their_copy_and_clears_the_rest(
    app, ticket, people
):
    with app.app_context():
        ben = people["ben"]
        change_state(ticket, ben, "assignee", ben)
        User.delete().where(User.id == ben.id).execute()
        rows = Participant.select().where(Participant.conversation == ticket.id)
        assert {p.user_id for p in rows} == {people["ana"].id, people["admin"].id}
        assert copies(ticket) == {("OPEN", "LOW", None)}
