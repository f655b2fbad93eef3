"""Folders and the inbox list, with search, plugin filters and bulk actions on selected rows."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from kernel import access, messaging
from kernel.contributions import ActionError, InboxFilter, MessageType
from kernel.db import database
from kernel.models import Conversation, Participant
from kernel.models.conversations import inbox_for
from kernel.plugins import current_hooks
from kernel.search import (
    MAX_QUERY_LENGTH,
    Matches,
    QueryTooLong,
    SearchQuery,
    find_matches,
    parse_query,
)
from kernel.uid import is_valid_uid
from kernel.web.paging import page_number
from kernel.web.render import page_or_block, wants_partial

blueprint = Blueprint("inbox", __name__)

BULK_ACTIONS = {
    "read": "Marked as read",
    "unread": "Marked as unread",
    "followup": "Marked for follow-up",
    "unfollowup": "Follow-up cleared",
    "remove": "Removed from your inbox",
}


# The search box's query-string parameter; plugin filters must not use it as a key.
SEARCH_PARAMETER = "q"


@dataclass
class ChosenFilter:
    filter: InboxFilter
    value: str


def _folder(type_key: str) -> MessageType:
    message_type = current_hooks().message_type(type_key)
    if message_type is None:
        abort(404)
    return message_type


def _chosen_filters(
    message_type: MessageType, args
) -> tuple[list[InboxFilter], list[ChosenFilter]]:
    offered = current_hooks().inbox_filters(g.user, message_type.key)
    chosen = []
    for inbox_filter in offered:
        value = args.get(inbox_filter.key, "")
        if not value:
            continue
        if value not in {choice for choice, _ in inbox_filter.choices}:
            abort(400, f"{value!r} is not a choice of the filter “{inbox_filter.label}”.")
        chosen.append(ChosenFilter(inbox_filter, value))
    return offered, chosen


def _search(args) -> tuple[SearchQuery, Matches | None]:
    """The search typed into the folder's search box, and its matches (if any)."""
    try:
        query = parse_query(args.get(SEARCH_PARAMETER))
    except QueryTooLong as error:
        abort(400, str(error))
    if query.is_blank:
        return query, None
    include_internal = access.sees_internal_messages(g.user)
    return query, find_matches(query, include_internal=include_internal)


def _folder_context(message_type: MessageType, args, notice: str | None = None) -> dict:
    offered, chosen = _chosen_filters(message_type, args)
    search, matches = _search(args)
    page = inbox_for(
        g.user,
        message_type.key,
        [c.filter.apply(c.value) for c in chosen],
        page_number(args),
        current_app.config["PAGE_SIZE"],
        search=matches,
        count_limit=current_app.config["SEARCH_COUNT_LIMIT"],
    )
    # Everything that narrows the list, carried into pager links and bulk actions.
    filter_args = {c.filter.key: c.value for c in chosen}
    if not search.is_blank:
        filter_args[SEARCH_PARAMETER] = search.text
    folders = current_hooks().message_types()
    return {
        "folder": message_type,
        "folders": folders,
        "unread_by_type": Participant.unread_by_type(g.user, [f.key for f in folders]),
        "filters": offered,
        "bulk_actions": current_hooks().bulk_actions(g.user, message_type.key),
        "filter_args": filter_args,
        "filtered": bool(chosen),
        "search": search,
        "search_max_length": MAX_QUERY_LENGTH,
        "page": page,
        "notice": notice,
    }


@blueprint.get("/messages")
def messages() -> Response | str:
    folders = current_hooks().message_types()
    if folders:
        return redirect(url_for("inbox.folder", type_key=folders[0].key))
    return render_template("no_folders.html")


@blueprint.get("/messages/<type_key>")
def folder(type_key: str) -> str:
    message_type = _folder(type_key)
    return page_or_block(
        "inbox.html", "conversation_list", **_folder_context(message_type, request.args)
    )


@blueprint.post("/messages/<type_key>/bulk")
def bulk(type_key: str) -> Response | tuple[str, int] | str:
    """Apply one action to the selected conversations, all of them the user's own copies."""
    message_type = _folder(type_key)
    action = request.form.get("action", "")
    # A ticked row sends a uid; anything else was not a row (PostgreSQL refuses NUL in a
    # query, so it is not even looked up).
    uids = [uid for uid in request.form.getlist("conversation") if is_valid_uid(uid)]
    back = {k: v for k, v in request.form.items() if k.startswith("keep_")}
    list_args = {k[len("keep_") :]: v for k, v in back.items()}
    plugin_actions = {a.key: a for a in current_hooks().bulk_actions(g.user, message_type.key)}
    if action not in BULK_ACTIONS and action not in plugin_actions:
        return _bulk_error(message_type, list_args, "Choose an action.")
    if not uids:
        return _bulk_error(message_type, list_args, "Select at least one conversation.")
    if action in plugin_actions:
        chosen = list(
            Conversation.select()
            .join(Participant)
            .where(
                (Participant.user == g.user)
                & (Participant.message_type == message_type.key)
                & Conversation.uid.in_(uids)
            )
        )
        try:
            with database.atomic():
                notice = plugin_actions[action].handle(g.user, chosen, request.form)
        except ActionError as error:
            return _bulk_error(message_type, list_args, str(error))
        return _after_bulk(message_type, list_args, notice)
    if action == "remove" and request.form.get("confirm") != "yes":
        chosen = list(
            Conversation.select(Conversation.uid, Conversation.subject)
            .join(Participant)
            .where((Participant.user == g.user) & Conversation.uid.in_(uids))
        )
        if not chosen:
            return _bulk_error(
                message_type, list_args, "None of those conversations is in your inbox."
            )
        context = {"folder": message_type, "chosen": chosen, "keep": back}
        return page_or_block("confirm_remove.html", "confirmation", **context)

    changed = _apply(action, uids)
    notice = (
        f"{BULK_ACTIONS[action]}: {len(changed)} conversation{'s' if len(changed) != 1 else ''}."
    )
    return _after_bulk(message_type, list_args, notice)


def _after_bulk(message_type: MessageType, list_args: dict, notice: str) -> Response | str:
    """The list again with the confirmation: a partial for htmx, else a redirect."""
    if wants_partial():
        body = page_or_block(
            "inbox.html", "conversation_list", **_folder_context(message_type, list_args, notice)
        )
        response = current_app.make_response(body)
        response.headers["HX-Trigger"] = "unread-changed"
        return response
    flash(notice)
    return redirect(url_for("inbox.folder", type_key=message_type.key, **list_args), code=303)


def _apply(action: str, uids: list[str]) -> list[str]:
    if action in ("read", "unread"):
        return messaging.set_read(g.user, uids, read=action == "read")
    if action in ("followup", "unfollowup"):
        return messaging.set_follow_up(g.user, uids, follow_up=action == "followup")
    return messaging.remove_from_inbox(g.user, uids)


def _bulk_error(message_type: MessageType, list_args: dict, error: str) -> tuple[str, int]:
    context = _folder_context(message_type, list_args)
    context["error"] = error
    return page_or_block("inbox.html", "conversation_list", **context), 400
