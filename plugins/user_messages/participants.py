""" "Add participants" on a private conversation (DHIS2's ``POST …/{uid}/recipients``).

Offered to its participants and to ALL users. The same user and group search as the
compose page; each hit is a button that adds at once, so it needs no JavaScript. New
participants get the conversation unread; nobody is notified (as in DHIS2).
"""

from __future__ import annotations

from flask import current_app, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from kernel.access import is_superuser
from kernel.contributions import ActionError, ConversationAction
from kernel.messaging import (
    SendError,
    add_participants,
    check_recipient_count,
    resolve_selection,
)
from kernel.models import Conversation, User
from kernel.plugins import current_hooks
from plugins.user_messages.message_types import PRIVATE
from plugins.user_messages.picker import find_hits, read_picks, selection_of

ACTION_KEY = "add_participants"
# The search box's query-string key on the conversation page (no-JavaScript search).
ADD_QUERY = "add_q"


def may_add_participants(conversation: Conversation, user: User) -> bool:
    if conversation.message_type != PRIVATE:
        return False
    return is_superuser(user) or conversation.participant_for(user) is not None


def actions_for(conversation: Conversation, user: User) -> list[ConversationAction] | None:
    if not may_add_participants(conversation, user):
        return None
    return [
        ConversationAction(
            key=ACTION_KEY,
            label="Add participants",
            form=render_form,
            handle=add,
            description="Add users or user groups to this conversation.",
        )
    ]


def render_form(conversation: Conversation, user: User) -> Markup:
    kinds = {kind.key: kind for kind in current_hooks().recipient_kinds()}
    query = request.args.get(ADD_QUERY, "")
    return Markup(
        render_template(
            "user_messages/add_participants.html",
            conversation=conversation,
            query=query,
            hits=find_hits(query, user, kinds),
            kind_labels={key: kind.label for key, kind in kinds.items()},
        )
    )


def add(conversation: Conversation, user: User, form: MultiDict) -> str:
    """Resolve the posted ``recipient=kind:uid`` values and add whoever is new, unread."""
    kinds = {kind.key: kind for kind in current_hooks().recipient_kinds()}
    picks, unknown = read_picks(form.getlist("recipient"), kinds)
    if unknown:
        raise ActionError(f"Unknown recipient “{unknown[0]}”.")
    if not picks:
        raise ActionError("Choose a user or user group to add.")
    config = current_app.config
    try:
        check_recipient_count(len(picks), config)
        user_ids = resolve_selection(selection_of(picks))
        check_recipient_count(len(user_ids), config)
    except SendError as error:
        raise ActionError(error.message) from error
    if not user_ids:
        raise ActionError("No recipients selected.")
    added = add_participants(conversation, user_ids)
    if added == 0:
        return "Added 0 participants: everyone you chose already takes part."
    return f"Added {added:,} participant{'s' if added != 1 else ''}."
