"""The feedback Web API (DHIS2 §4.5, §4.6, §3.2): send feedback, the feedback team's
priority, status and assignee, the team's user lookup, and the feedback recipient group.

Unlike DHIS2, where any participant may change priority, status or assignee of any
conversation, here only the feedback team may, and only on conversations whose type
has feedback tools; the changes go through :mod:`plugins.feedback.tools`, so the page and
the API share one set of rules and one change log. Feedback to a missing or empty group
is refused (409) instead of being stored where nobody sees it.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, g, request, url_for
from werkzeug.wrappers import Response

from kernel import messaging
from kernel.access import has_authority
from kernel.api.envelopes import ApiError, json_response, web_message
from kernel.api.openapi import documented, query_parameter
from kernel.contributions import ActionError
from kernel.db import database
from kernel.models import Conversation, Priority, Status, User, UserGroup, UserGroupMember
from kernel.uid import find_by_uid, is_valid_uid
from plugins.feedback import tools
from plugins.feedback.sending import FeedbackUnavailable, send_feedback
from plugins.feedback.team import (
    configure_feedback_group,
    feedback_group,
    is_team_member,
    uses_feedback_tools,
)

blueprint = Blueprint("feedback_api", __name__, url_prefix="/api")

SETTING_AUTHORITY = "F_SYSTEM_SETTING"
LOOKUP_LIMIT = 25
MAX_QUERY_LENGTH = 100
# A uid, perhaps quoted, with room for a trailing newline: anything longer is not one.
MAX_CONFIGURATION_BODY = 1024
NO_GROUP = (
    "Feedback cannot be sent: no feedback recipient group is configured. An administrator "
    "sets one with POST /api/configuration/feedbackRecipients or under Settings → General → "
    "Feedback recipients."
)
EMPTY_GROUP = (
    "Feedback cannot be sent: the feedback recipient group has no enabled member besides "
    "you. An administrator must add people to it."
)
NOT_FEEDBACK_MEMBER = "User provided is not a member of the system's feedback recipient group"


def _text_body(limit: int) -> str:
    """The raw request body as text; over ``limit`` bytes is a 413 before it is read."""
    request.max_content_length = limit
    return request.get_data(cache=True, as_text=True)


def _managed_conversation(uid: str, what: str) -> Conversation:
    """The conversation, if the caller is on the feedback team and its type has the tools.

    :raises ApiError: 404 for an unknown id, 403 for everyone and everything else.
    """
    conversation = Conversation.by_uid(uid)
    if conversation is None:
        raise ApiError(404, "No MessageConversation found for the given ID.")
    if not (uses_feedback_tools(conversation) and is_team_member(g.user)):
        raise ApiError(
            403,
            f"Not authorized to change {what} in this conversation. Only the feedback team "
            "may, on conversations with feedback tools (feedback, validation results).",
        )
    return conversation


def _quoted(value: str) -> str:
    """A client's value for an error message: quoted, and cut short if it is long."""
    return json.dumps(value if len(value) <= 40 else value[:40] + "…", ensure_ascii=False)


def _enum_parameter(name: str, allowed: list[str]) -> str:
    value = request.args.get(name, "")
    if value not in allowed:
        shown = _quoted(value) if value else "nothing"
        raise ApiError(
            409,
            f"{name} must be one of {', '.join(allowed)}; got {shown}. Nothing was changed.",
        )
    return value


def _run(change, conversation: Conversation, value: str) -> str:
    """Apply one of the tools' changes as the caller, all or nothing."""
    try:
        with database.atomic():
            return change(conversation, g.user, value)
    except ActionError as error:
        raise ApiError(409, str(error)) from None


# --- sending ------------------------------------------------------------------------------


@blueprint.post("/messageConversations/feedback")
@documented(
    [query_parameter("subject", "The feedback's subject.")],
    {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}},
)
def create_feedback() -> Response:
    """Send feedback to the feedback recipient group; body: the text (plain text).

    Answers 201 with a Location; 409 when no group is configured or it has no one else.
    """
    # UTF-8 takes at most 4 bytes a character; the text's own limit is checked after.
    text = _text_body(4 * int(current_app.config["MAX_TEXT_LENGTH"]) + 1024)
    try:
        conversation = send_feedback(g.user, request.args.get("subject", ""), text)
    except messaging.SendError as error:
        raise ApiError(error.http_status, error.message) from None
    except FeedbackUnavailable as error:
        raise ApiError(409, EMPTY_GROUP if error.group_configured else NO_GROUP) from None
    location = url_for("api_conversations.conversation", uid=conversation.uid, _external=True)
    return web_message(201, "Feedback created", {"Location": location})


# --- the feedback team's tools ------------------------------------------------------------

PRIORITIES = [p.value for p in Priority]
STATUSES = [s.value for s in Status]


@blueprint.post("/messageConversations/<uid>/priority")
@documented(
    [
        query_parameter(
            "messageConversationPriority",
            "The new priority.",
            {"type": "string", "enum": PRIORITIES},
        )
    ]
)
def set_priority(uid: str) -> Response:
    """Set the priority (feedback team only). Answers {"<PRIORITY>": ["<id>"]}."""
    conversation = _managed_conversation(uid, "priority")
    value = _enum_parameter("messageConversationPriority", PRIORITIES)
    _run(tools.set_priority, conversation, value)
    return json_response({value: [conversation.uid]})


@blueprint.post("/messageConversations/<uid>/status")
@documented(
    [
        query_parameter(
            "messageConversationStatus", "The new status.", {"type": "string", "enum": STATUSES}
        )
    ]
)
def set_status(uid: str) -> Response:
    """Set the status (feedback team only). Answers {"<STATUS>": ["<id>"]}."""
    conversation = _managed_conversation(uid, "status")
    value = _enum_parameter("messageConversationStatus", STATUSES)
    _run(tools.set_status, conversation, value)
    return json_response({value: [conversation.uid]})


@blueprint.post("/messageConversations/<uid>/assign")
@documented([query_parameter("userId", "The id of a member of the feedback recipient group.")])
def assign(uid: str) -> Response:
    """Assign to a member of the feedback recipient group (feedback team only)."""
    conversation = _managed_conversation(uid, "assignee")
    user_uid = request.args.get("userId", "")
    if not user_uid:
        raise ApiError(409, "Name the user to assign with userId=<user id>. Nothing was changed.")
    assignee = User.get_or_none(User.uid == user_uid) if is_valid_uid(user_uid) else None
    if assignee is None:
        raise ApiError(404, "Could not find user to assign")
    try:
        with database.atomic():
            tools.assign(conversation, g.user, assignee.uid)
    except ActionError:
        raise ApiError(409, NOT_FEEDBACK_MEMBER) from None
    return web_message(200, f"User {assignee.display_name} was assigned successfully")


@blueprint.delete("/messageConversations/<uid>/assign")
def unassign(uid: str) -> Response:
    """Remove the assignee (feedback team only)."""
    conversation = _managed_conversation(uid, "assignee")
    _run(tools.assign, conversation, "")
    return web_message(200, "Message is no longer assigned to user")


# --- who handles feedback -----------------------------------------------------------------


@blueprint.get("/userLookup/feedbackRecipients")
@documented([query_parameter("query", "Part of a username, first name or surname.")])
def feedback_recipients_lookup() -> Response:
    """Members of the feedback recipient group matching query, at most 25 (team only).

    The team uses it to pick an assignee; group membership is not shown to others.
    """
    if not is_team_member(g.user):
        raise ApiError(403, "Only the feedback team may look up feedback recipients.")
    query = request.args.get("query", "").strip()
    if len(query) > MAX_QUERY_LENGTH or "\x00" in query:
        raise ApiError(400, f"query must be at most {MAX_QUERY_LENGTH} ordinary characters.")
    group = feedback_group()
    if group is None:
        raise ApiError(409, "Feedback message recipients user group not defined (E6200).")
    users = (
        User.select()
        .join(UserGroupMember)
        .where((UserGroupMember.group == group) & (User.disabled == False))
    )
    if query:
        users = users.where(
            User.username.contains(query)
            | User.first_name.contains(query)
            | User.surname.contains(query)
            | User.first_name.concat(" ").concat(User.surname).contains(query)
        )
    found = users.order_by(User.first_name, User.surname, User.id).limit(LOOKUP_LIMIT)
    return json_response(
        {
            "users": [
                {
                    "id": user.uid,
                    "username": user.username,
                    "firstName": user.first_name,
                    "surname": user.surname,
                    "displayName": user.display_name,
                }
                for user in found
            ]
        }
    )


def _may_configure() -> None:
    if not has_authority(g.user, SETTING_AUTHORITY):
        raise ApiError(
            403,
            f"Changing the feedback recipients needs the authority {SETTING_AUTHORITY} or ALL.",
        )


@blueprint.get("/configuration/feedbackRecipients")
def get_feedback_recipients() -> Response:
    """The feedback recipient group: {"id", "name"}; 404 when none is configured."""
    group = feedback_group()
    if group is None:
        raise ApiError(404, "No feedback recipient group is configured.")
    return json_response({"id": group.uid, "name": group.name, "displayName": group.name})


@blueprint.post("/configuration/feedbackRecipients")
@documented(body={"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}})
def set_feedback_recipients() -> Response:
    """Set the feedback recipient group; body: the group's id as plain text (204).

    Needs F_SYSTEM_SETTING or ALL. The new group's members get the earlier feedback.
    """
    _may_configure()
    # DHIS2 clients send the id bare or as a JSON string.
    uid = _text_body(MAX_CONFIGURATION_BODY).strip().strip('"').strip()
    if not uid:
        raise ApiError(400, "Send the user group's id as the plain-text body.")
    group = find_by_uid(UserGroup, uid)
    if group is None:
        raise ApiError(404, f"UserGroup with id {_quoted(uid)} could not be found.")
    configure_feedback_group(group)
    return Response(status=204)


@blueprint.delete("/configuration/feedbackRecipients")
def clear_feedback_recipients() -> Response:
    """Unset the feedback recipient group (204); feedback is refused until one is set."""
    _may_configure()
    configure_feedback_group(None)
    return Response(status=204)
