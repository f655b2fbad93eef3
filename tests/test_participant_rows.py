"""Participant rows written in bulk (one multi-row INSERT per chunk) carry every column the
inbox and the unread counts read."""

from __future__ import annotations

from kernel.messaging import INSERT_CHUNK, add_participants, start_conversation
from kernel.models import Conversation, Participant, User
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
