"""Each user's own state of conversations through the API: read, follow-up, removal.

These change only participant rows of the user acting (or, for ALL users, of the user
they name with ``user``/``userUid``), through :mod:`kernel.messaging`. Answers list only
the conversations whose state really changed, as DHIS2 does.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.wrappers import Response

from kernel import messaging
from kernel.access import is_superuser
from kernel.api.body import acting_for, check_uids, uid_array_body
from kernel.api.conversations import conversation_for_caller
from kernel.api.envelopes import ApiError, json_response
from kernel.api.openapi import UID_ARRAY_BODY, documented, query_parameter
from kernel.models import Conversation, Participant, User
from kernel.uid import is_valid_uid

blueprint = Blueprint("api_conversation_state", __name__, url_prefix="/api")

USER = query_parameter("user", "ALL users only: act on this user's copies instead.")
USER_UID = query_parameter("userUid", "ALL users only: act on this user's copy instead.")
BATCH = documented([USER], UID_ARRAY_BODY)


def _in_inbox(user: User, uids: list[str]) -> list[str]:
    """The uids among these of conversations the user has a copy of (one query)."""
    query = (
        Conversation.select(Conversation.uid)
        .join(Participant)
        .where((Participant.user == user) & Conversation.uid.in_(uids))
    )
    return [row.uid for row in query]


def _batch(uids: list[str], user: User) -> list[str]:
    found = _in_inbox(user, uids)
    if not found:
        # Unknown and not-yours look the same, so the answer reveals nothing.
        raise ApiError(404, "No MessageConversations found for the given IDs.")
    return found


@blueprint.post("/messageConversations/read")
@BATCH
def mark_read() -> Response:
    """Mark conversations read; body: JSON array of ids. Answers the ids that changed."""
    uids = uid_array_body()
    user = acting_for(g.user, "user")
    return json_response({"markedRead": messaging.set_read(user, _batch(uids, user), True)})


@blueprint.post("/messageConversations/unread")
@BATCH
def mark_unread() -> Response:
    """Mark conversations unread; body: JSON array of ids. Answers the ids that changed."""
    uids = uid_array_body()
    user = acting_for(g.user, "user")
    return json_response({"markedUnread": messaging.set_read(user, _batch(uids, user), False)})


@blueprint.post("/messageConversations/followup")
@BATCH
def mark_follow_up() -> Response:
    """Flag conversations for follow-up; body: JSON array of ids."""
    uids = uid_array_body()
    user = acting_for(g.user, "user")
    changed = messaging.set_follow_up(user, _batch(uids, user), True)
    return json_response({"markedFollowup": changed})


@blueprint.post("/messageConversations/unfollowup")
@BATCH
def clear_follow_up() -> Response:
    """Clear the follow-up flag; body: JSON array of ids."""
    uids = uid_array_body()
    user = acting_for(g.user, "user")
    changed = messaging.set_follow_up(user, _batch(uids, user), False)
    return json_response({"unmarkedFollowup": changed})


@blueprint.post("/messageConversations/<uid>/read")
@documented([USER_UID])
def mark_one_read(uid: str) -> Response:
    """Mark one conversation read (for the caller, or userUid for ALL users)."""
    conversation, _ = conversation_for_caller(uid)
    user = acting_for(g.user, "userUid", "user")
    return json_response({"markedRead": messaging.set_read(user, [conversation.uid], True)})


@blueprint.post("/messageConversations/<uid>/unread")
@documented([USER_UID])
def mark_one_unread(uid: str) -> Response:
    """Mark one conversation unread (for the caller, or userUid for ALL users)."""
    conversation, _ = conversation_for_caller(uid)
    user = acting_for(g.user, "userUid", "user")
    return json_response({"markedUnread": messaging.set_read(user, [conversation.uid], False)})


@blueprint.delete("/messageConversations/<uid>/<user_uid>")
def remove_one(uid: str, user_uid: str) -> Response:
    """Remove a conversation from a user's inbox: the caller's own, or anyone's for ALL."""
    if user_uid != g.user.uid and not is_superuser(g.user):
        raise ApiError(403, "You may only remove conversations from your own inbox.")
    user = User.get_or_none(User.uid == user_uid) if is_valid_uid(user_uid) else None
    if user is None:
        raise ApiError(404, f"No user with uid: {user_uid}")
    conversation, _ = conversation_for_caller(uid)
    return json_response({"removed": messaging.remove_from_inbox(user, [conversation.uid])})


@blueprint.delete("/messageConversations")
@documented(
    [
        query_parameter(
            "mc", "A conversation id; repeatable.", {"type": "array", "items": {"type": "string"}}
        ),
        USER,
    ]
)
def remove_many() -> Response:
    """Remove conversations (mc=…, repeatable) from the caller's inbox (or user's, for ALL)."""
    values = [part for value in request.args.getlist("mc") for part in value.split(",") if part]
    if not values:
        raise ApiError(400, "Name the conversations to remove with mc=<id> (repeatable).")
    uids = check_uids(values)
    user = acting_for(g.user, "user")
    return json_response({"removed": messaging.remove_from_inbox(user, uids)})
