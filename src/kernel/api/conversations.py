"""``/api/messageConversations``: the caller's list, and one conversation.

The list is the caller's own participant rows and nothing else: no parameter, filter or
``fields`` value widens it (DHIS2's ``query`` parameter skipped that scope; here it only
narrows). One conversation is open to its participants, ALL users and whoever a plugin
grants (``mailroom_conversation_access``).
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from kernel import access, messaging
from kernel.api.context import current_caller
from kernel.api.conversation_json import (
    CONVERSATION,
    LIST_FIELDS,
    ONE_FIELDS,
    OWN_PROPERTIES,
    ConversationRow,
    conversation_properties,
    rows_from_copies,
)
from kernel.api.envelopes import ApiError, json_response
from kernel.api.extensions import extended
from kernel.api.fields import render_one, selection_from
from kernel.api.lists import list_response
from kernel.api.openapi import FIELDS, LIST_PARAMETERS, documented, query_parameter
from kernel.models import Conversation, Participant, User
from kernel.models.conversations import conversation_with_people, copies_of, count_copies_of
from kernel.search import QueryTooLong, matching_conversations, parse_query
from kernel.uid import is_valid_uid

blueprint = Blueprint("api_conversations", __name__, url_prefix="/api")

QUERY_OPERATORS = ("token", "ilike")


@blueprint.get("/messageConversations")
@documented(
    [
        *LIST_PARAMETERS,
        query_parameter("query", "Narrow to an id or a subject containing this text."),
        query_parameter(
            "queryString",
            "Full-text search: every word (as a prefix) in one message's subject, text or "
            "sender name.",
        ),
        query_parameter(
            "queryOperator",
            "How queryString matches; token and ilike both search the index by word.",
            {"type": "string", "enum": ["token", "ilike"], "default": "token"},
        ),
    ]
)
def conversations() -> Response:
    """List the caller's conversations, newest activity first.

    Filters: id, subject, messageType, status, priority, assignee.id, lastSender.id,
    read, followUp, lastMessage, created, lastUpdated, messageCount.
    """
    caller = current_caller()
    conditions = []
    query = (request.args.get("query") or "").strip()
    if "\x00" in query:
        raise ApiError(400, "query contains a NUL character (code 0).")
    if query:
        # DHIS2 matches id or name; inside the caller's own rows, like every filter.
        conditions.append((Conversation.uid == query) | Conversation.subject.contains(query))
    needs_conversation = bool(conditions)
    # The search condition names only the participant row's conversation.
    conditions += _search_conditions(caller.user)
    rows = copies_of(caller.user)

    def count(named: set[str]):
        # Counting, and sorting the page's keys, over the participant table's index alone
        # is many times faster for a user with thousands of conversations; the joins are
        # only for the filters and orders that name them.
        return count_copies_of(caller.user, named <= OWN_PROPERTIES and not needs_conversation)

    schema, properties = extended(
        "messageConversations", CONVERSATION, conversation_properties(), caller
    )
    return list_response(
        "messageConversations",
        rows,
        count,
        schema=schema,
        properties=properties,
        context=caller,
        default_fields=LIST_FIELDS,
        default_order=[Participant.last_message.desc()],
        tiebreak=[Participant.conversation.desc()],
        conditions=conditions,
        adapt=rows_from_copies,
        # No index orders a user's rows across folders by time (a send would write it
        # for every recipient): the page is sorted as keys, then read. The key is the
        # conversation (one row per user and conversation), which the inbox index holds:
        # PostgreSQL sorts from the index alone instead of reading every row's page.
        key=Participant.conversation,
    )


def _search_conditions(user: User) -> list:
    """``queryString``: the kernel's full-text search over subject, text and sender name.

    Every word must occur in one message, as a prefix (DHIS2's default ``token``
    operator); ``ilike`` is read the same way, since a substring scan of every message
    is what the index is there to avoid. The condition only narrows the caller's own rows.
    """
    operator = request.args.get("queryOperator", "token")
    if operator not in QUERY_OPERATORS:
        raise ApiError(
            400,
            f"queryOperator must be one of {', '.join(QUERY_OPERATORS)}, not '{operator}'.",
        )
    try:
        search = parse_query(request.args.get("queryString"))
    except QueryTooLong as error:
        raise ApiError(400, f"queryString is too long: {error}") from None
    if "\x00" in search.text:
        raise ApiError(400, "queryString contains a NUL character (code 0).")
    condition = matching_conversations(search, include_internal=access.sees_internal_messages(user))
    return [] if condition is None else [condition]


def conversation_for_caller(uid: str) -> tuple[Conversation, Participant | None]:
    """The conversation and the caller's participant row, if the caller may open it.

    :raises ApiError: 404 for an unknown uid, 403 when the caller may not open it.
    """
    caller = current_caller()
    conversation = conversation_with_people(uid) if is_valid_uid(uid) else None
    if conversation is None:
        raise ApiError(404, f"No MessageConversation found with UID: {uid}")
    participant = conversation.participant_for(caller.user)
    if not access.can_open(conversation, caller.user, participant):
        raise ApiError(403, "Not authorized to access this conversation.")
    return conversation, participant


@blueprint.get("/messageConversations/<uid>")
@documented(
    [FIELDS, query_parameter("markRead", "true marks it read for the caller.", {"type": "boolean"})]
)
def conversation(uid: str) -> Response:
    """One conversation with the messages the caller may see; markRead=true marks it read."""
    mark_read = (request.args.get("markRead") or "false").lower()
    if mark_read not in ("true", "false"):
        raise ApiError(400, f"markRead must be true or false, not '{request.args['markRead']}'.")
    selection = selection_from(request.args, ONE_FIELDS)
    caller = current_caller()
    conversation, participant = conversation_for_caller(uid)
    if mark_read == "true" and participant is not None and not participant.read:
        messaging.set_read(caller.user, [conversation.uid], read=True)
        participant.read = True
    row = ConversationRow(conversation, participant)
    schema, _ = extended("messageConversations", CONVERSATION, [], caller)
    return json_response(render_one(row, schema, selection, caller))
