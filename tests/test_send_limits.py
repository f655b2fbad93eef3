"""The kernel's limits on sending: recipients per send, and new conversations per user and
minute, counted in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.contributions import RecipientSelection
from kernel.messaging import (
    SendError,
    check_recipient_count,
    check_send_rate,
    send_to_selection,
    start_conversation,
)
from kernel.models import Conversation, Participant
from kernel.models.clock import utcnow


def test_send_to_selection_refuses_more_recipients_than_the_cap(make_app, people):
    app = make_app(MAX_RECIPIENTS=1)
    with app.app_context():
        group = people["ana"].group_ids()
        from kernel.models import UserGroup

        officers = UserGroup.get_by_id(next(iter(group)))
        with pytest.raises(SendError) as error:
            send_to_selection(
                sender=people["eve"],
                selection=RecipientSelection(ids={"userGroup": [officers.uid]}),
                subject="Too many",
                text="x",
                message_type="PRIVATE",
            )
        assert error.value.http_status == 409
        assert error.value.field == "recipients"
        assert Conversation.select().count() == 0
        assert Participant.select().count() == 0
        # The sender is not counted: ana writing to her own group reaches only ben.
        send_to_selection(
            sender=people["ana"],
            selection=RecipientSelection(ids={"userGroup": [officers.uid]}),
            subject="Just ben",
            text="x",
            message_type="PRIVATE",
        )


def test_no_cap_when_max_recipients_is_none():
    check_recipient_count(10**9, {"MAX_RECIPIENTS": None})
    with pytest.raises(SendError, match="This would reach 3 people"):
        check_recipient_count(3, {"MAX_RECIPIENTS": 2})


def test_send_rate_counts_conversations_the_user_started_in_the_window(app, people):
    limits = {"SEND_RATE_LIMIT": 2, "SEND_RATE_WINDOW_SECONDS": 60}
    with app.app_context():

        def start(sender):
            return start_conversation(
                sender=sender,
                recipient_ids={people["eve"].id},
                subject="Hello",
                text="x",
                message_type="PRIVATE",
            )

        start(people["ana"])
        start(people["ben"])
        check_send_rate(people["ana"], limits)
        start(people["ana"])
        with pytest.raises(SendError) as error:
            check_send_rate(people["ana"], limits)
        assert error.value.http_status == 429
        check_send_rate(people["ben"], limits)
        earlier = utcnow() - timedelta(seconds=61)
        Conversation.update(created=earlier, last_message=earlier).execute()
        check_send_rate(people["ana"], limits)
        check_send_rate(people["ana"], {"SEND_RATE_LIMIT": 0, "SEND_RATE_WINDOW_SECONDS": 60})
