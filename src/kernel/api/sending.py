"""Writing conversations through the API: a new private message, a reply, more recipients.

``POST /api/messageConversations`` sends a PRIVATE message (the type the plugin owning
it declares; without it the server has no private messages) to the recipients of every
declared kind (:mod:`kernel.api.recipients`). ``POST /api/messageConversations/{uid}``
replies with the body as text, and ``…/{uid}/recipients`` adds participants. Every check
runs before anything is written, and a refused call changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from werkzeug.wrappers import Response

from kernel import access, messaging
from kernel.api.body import json_object_body, parse_json
from kernel.api.envelopes import ApiError, web_message
from kernel.api.openapi import documented, query_parameter
from kernel.api.recipients import picked_count, selection_from_body
from kernel.messaging import SendError
from kernel.models import Conversation
from kernel.plugins import current_hooks

blueprint = Blueprint("api_sending", __name__, url_prefix="/api")

PRIVATE = "PRIVATE"
CREATED = "Message conversation created"
# Subject and text are at most a few tens of kB; the rest is recipient ids (10,000 ids
# of {"id": "…"} take about 200 kB).
MAX_MESSAGE_BODY_BYTES = 1024 * 1024
MESSAGE_EXAMPLE = '{"subject": "…", "text": "…", "users": [{"id": "a1B2c3D4e5F"}]}'
RECIPIENTS_EXAMPLE = '{"users": [{"id": "a1B2c3D4e5F"}], "userGroups": []}'


def _recipients_body_schema(with_message: bool) -> dict:
    reference_list = {
        "type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    properties: dict = {
        "users": reference_list,
        "userGroups": reference_list,
        "organisationUnits": {
            **reference_list,
            "description": "Org units; and any list a recipient kind declares "
            "(organisationUnitGroups, …) when its plugin is enabled.",
        },
        "includeSubunits": {"type": "boolean", "description": "Recipient option for org units."},
    }
    required = []
    if with_message:
        properties = {"subject": {"type": "string"}, "text": {"type": "string"}, **properties}
        required = ["subject", "text"]
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _refused(error: SendError) -> ApiError:
    headers = {}
    if error.http_status == 429:
        headers["Retry-After"] = str(current_app.config["SEND_RATE_WINDOW_SECONDS"])
    return ApiError(error.http_status, error.message, headers)


def _created(conversation: Conversation) -> Response:
    location = url_for("api_conversations.conversation", uid=conversation.uid, _external=True)
    return web_message(201, CREATED, {"Location": location})


@blueprint.post("/messageConversations")
@documented(body=_recipients_body_schema(with_message=True), success=201)
def create() -> Response:
    """Send a private message to users, user groups, org units, …; answers 201 with Location.

    Each recipient list is named by a recipient kind's API field; a user picked twice (or
    through a group too) gets one copy, disabled users none. The sender gets it read.
    """
    hooks = current_hooks()
    if hooks.message_type(PRIVATE) is None:
        raise ApiError(409, "Private messages are not enabled on this server.")
    body = json_object_body(MAX_MESSAGE_BODY_BYTES, MESSAGE_EXAMPLE)
    if body.get("attachments"):
        raise ApiError(409, "Attachments are not supported on this server; send the text only.")
    subject, text = body.get("subject"), body.get("text")
    for name, value in (("subject", subject), ("text", text)):
        if value is not None and not isinstance(value, str):
            raise ApiError(400, f'"{name}" must be a string.')
    selection = selection_from_body(body, hooks.recipient_kinds(), request.args)
    config = current_app.config
    try:
        messaging.check_subject_and_text(subject, text, config)
        if selection.is_empty():
            raise SendError("No recipients selected.", 409)
        messaging.check_recipient_count(picked_count(selection), config)
        messaging.check_send_rate(g.user, config)
        conversation = messaging.send_to_selection(
            sender=g.user,
            selection=selection,
            subject=subject,
            text=text,
            message_type=PRIVATE,
            metadata=messaging.client_metadata(request.user_agent.string),
        )
    except SendError as error:
        raise _refused(error) from None
    return _created(conversation)


def _reply_text() -> str:
    """The body as the reply's text: raw text (DHIS2 sends ``text/plain``), or a JSON
    string for clients that only send JSON."""
    request.max_content_length = MAX_MESSAGE_BODY_BYTES
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "The reply must be UTF-8 text.") from None
    if request.mimetype == "application/json":
        text = parse_json(text) if text.strip() else ""
        if not isinstance(text, str):
            raise ApiError(400, 'A JSON reply must be a string, e.g. "Thanks"; or send text/plain.')
    return text


def _flag(name: str) -> bool:
    value = (request.args.get(name) or "false").lower()
    if value not in ("true", "false"):
        raise ApiError(400, f"{name} must be true or false, not '{request.args[name]}'.")
    return value == "true"


@blueprint.post("/messageConversations/<uid>")
@documented(
    [
        query_parameter(
            "internal",
            "true: visible only to those who see internal messages (the feedback team).",
            {"type": "boolean", "default": False},
        )
    ],
    body={
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "string"}},
        },
    },
    success=201,
)
def reply(uid: str) -> Response:
    """Reply to a conversation; the body is the text. Answers 201 with Location.

    The reply is unread for every other participant who may see it. A caller who may
    open the conversation without taking part (an ALL user) joins it by replying.
    """
    user = g.user
    conversation = Conversation.by_uid(uid)
    if conversation is None:
        raise ApiError(404, f"Message conversation does not exist: {uid}")
    participant = conversation.participant_for(user)
    if not access.can_open(conversation, user, participant):
        raise ApiError(403, "Not authorized to send messages to this conversation.")
    if not access.can_reply(conversation):
        raise ApiError(403, "This conversation does not take replies.")
    internal = _flag("internal")
    if internal and not access.sees_internal_messages(user):
        raise ApiError(403, "Not authorized to send internal messages")
    text = _reply_text()
    try:
        messaging.check_text(text, current_app.config)
    except SendError as error:
        raise _refused(error) from None
    if participant is None:
        messaging.add_participants(conversation, [user.id])
    metadata = messaging.client_metadata(request.user_agent.string)
    messaging.add_reply(conversation, user, text, internal=internal, metadata=metadata)
    return _created(conversation)


@blueprint.post("/messageConversations/<uid>/recipients")
@documented(body=_recipients_body_schema(with_message=False), success=204)
def add_recipients(uid: str) -> Response:
    """Add users, groups' members, org units' users, … to a conversation; answers 204.

    For its participants and ALL users. New participants get it unread; nobody is
    notified and no message is added.
    """
    user = g.user
    conversation = Conversation.by_uid(uid)
    if conversation is None:
        raise ApiError(404, f"No MessageConversation found with UID: {uid}")
    if conversation.participant_for(user) is None and not access.is_superuser(user):
        raise ApiError(403, "Not authorized to add recipients to this conversation.")
    body = json_object_body(MAX_MESSAGE_BODY_BYTES, RECIPIENTS_EXAMPLE)
    selection = selection_from_body(body, current_hooks().recipient_kinds(), request.args)
    config = current_app.config
    try:
        if selection.is_empty():
            raise SendError("No recipients selected.", 409)
        messaging.check_recipient_count(picked_count(selection), config)
        user_ids = messaging.resolve_selection(selection)
        messaging.check_recipient_count(len(user_ids), config)
        if not user_ids:
            raise SendError("No recipients selected.", 409)
    except SendError as error:
        raise _refused(error) from None
    messaging.add_participants(conversation, user_ids)
    return current_app.response_class(status=204)
