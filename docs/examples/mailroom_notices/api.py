"""``/api/notices/sent`` (administrators' list of sent notices) and the ``recipientCount``
field the plugin adds to notices in ``/api/messageConversations``."""

from __future__ import annotations

from flask import Blueprint, g
from werkzeug.wrappers import Response

from kernel.access import has_authority
from kernel.api.context import Caller, current_caller
from kernel.api.envelopes import ApiError, dhis2_datetime
from kernel.api.fields import Field, Schema
from kernel.api.lists import list_response
from kernel.api.openapi import LIST_PARAMETERS, documented
from kernel.api.query import DATETIME, INTEGER, ApiProperty
from kernel.contributions import ApiField
from kernel.models import Conversation
from mailroom_notices.models import SentNotice
from mailroom_notices.views import SENT_NOTICES_AUTHORITY

blueprint = Blueprint("mailroom_notices_api", __name__, url_prefix="/api")

SENT_NOTICE = Schema(
    fields={
        "id": Field(lambda notice, caller: notice.conversation.uid),
        "subject": Field(lambda notice, caller: notice.conversation.subject),
        "created": Field(lambda notice, caller: dhis2_datetime(notice.conversation.created)),
        "recipientCount": Field(lambda notice, caller: notice.recipient_count),
    }
)

PROPERTIES = [
    ApiProperty("subject", Conversation.subject),
    ApiProperty("created", Conversation.created, type=DATETIME),
    ApiProperty("recipientCount", SentNotice.recipient_count, type=INTEGER),
]


@blueprint.get("/notices/sent")
@documented(LIST_PARAMETERS)
def sent() -> Response:
    """Every notice sent, newest first, with how many people it reached."""
    if not has_authority(g.user, SENT_NOTICES_AUTHORITY):
        raise ApiError(403, f"Listing sent notices needs the {SENT_NOTICES_AUTHORITY} authority.")
    query = SentNotice.select(SentNotice, Conversation).join(Conversation)
    return list_response(
        "sentNotices",
        query,
        SentNotice.select(SentNotice.id).join(Conversation),
        schema=SENT_NOTICE,
        properties=PROPERTIES,
        context=current_caller(),
        default_fields="id,subject,created,recipientCount",
        default_order=[Conversation.created.desc()],
        tiebreak=[SentNotice.id.desc()],
    )


def _prefetch_counts(rows: list, caller: Caller) -> None:
    # One query for the whole page of conversations, however long it is.
    ids = [row.conversation.id for row in rows]
    counts = dict(
        SentNotice.select(SentNotice.conversation, SentNotice.recipient_count)
        .where(SentNotice.conversation.in_(ids))
        .tuples()
    )
    for row in rows:
        row.notice_recipient_count = counts.get(row.conversation.id)


RECIPIENT_COUNT = ApiField(
    "recipientCount",
    field=Field(lambda row, caller: row.notice_recipient_count, prefetch=_prefetch_counts),
)
