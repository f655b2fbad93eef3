"""Hook specifications: everything a plugin can add to Mailroom.

Grouped by lifecycle: start-up, compose and send, inbox, conversation, events. Plugins
implement these with ``from kernel import hookimpl``; every argument is passed by keyword,
so an implementation may accept fewer arguments than the spec names.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from markupsafe import Markup

    from kernel.contributions import (
        ConversationAction,
        InboxFilter,
        Job,
        MessageType,
        MigrationSource,
        RecipientKind,
        RecipientOption,
        RecipientSelection,
        SettingsField,
    )
    from kernel.models import Conversation, Message, User, UserGroup

PROJECT_NAME = "mailroom"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


# --- start-up --------------------------------------------------------------------------


@hookspec
def mailroom_message_types() -> list[MessageType]:
    """Declare the message types this plugin owns; each becomes an inbox folder.

    Called once when the app is created.

    :returns: a list of :class:`kernel.contributions.MessageType`.

    All non-None results are collected; two plugins declaring the same key fail start-up.
    """


@hookspec
def mailroom_migrations() -> MigrationSource | None:
    """Name the folder of this plugin's database migrations.

    Called by ``mailroom init`` (and the test harness) after the kernel's own migrations.
    Each source keeps its own history table, so plugins migrate independently.

    :returns: a :class:`kernel.contributions.MigrationSource`, or None.

    All non-None results are collected and applied in plugin registration order.
    """


@hookspec
def mailroom_blueprints() -> list[Blueprint]:
    """Provide Flask blueprints (pages, partials, API routes) for this plugin.

    Called once when the app is created. Views must check authorisation themselves.

    :returns: a list of :class:`flask.Blueprint`.

    All non-None results are collected and registered.
    """


@hookspec
def mailroom_settings_fields() -> list[SettingsField]:
    """Declare system settings this plugin owns (shown on the settings page).

    Called whenever the settings page is rendered or saved.

    :returns: a list of :class:`kernel.contributions.SettingsField`.

    All non-None results are collected; duplicate keys fail start-up.
    """


@hookspec
def mailroom_cli_commands() -> list[click.Command]:
    """Add commands to the ``mailroom`` command line.

    Called when the CLI starts. Commands run inside an app context.

    :returns: a list of :class:`click.Command`.

    All non-None results are collected.
    """


@hookspec
def mailroom_template_slot(slot: str, user: User | None) -> Markup | str | None:
    """Contribute HTML to a named place in the kernel's pages.

    Called while a page renders. Slots: ``navigation`` (``<li>`` items in the header),
    ``dashboard`` (``<li>`` entries on the dashboard), ``inbox`` (above a folder's
    filters), ``conversation`` (below a conversation's messages).

    :param slot: the slot's name.
    :param user: the signed-in user, or None on anonymous pages.
    :returns: :class:`markupsafe.Markup` (build it with ``Markup(...).format(...)`` so
        user-provided values are escaped), or None to add nothing. A plain ``str`` is
        escaped and shows as text.

    All non-None results are collected and joined in plugin order.
    """


@hookspec
def mailroom_jobs() -> list[Job]:
    """Declare background jobs (run by ``mailroom worker``), on demand or periodic.

    Called once when the app is created; each job becomes a huey task named after it.

    :returns: a list of :class:`kernel.contributions.Job`.

    All non-None results are collected; two jobs with one name fail start-up.
    """


@hookspec
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    """Add this plugin's demo records (``mailroom demo``).

    Called once after the kernel has created the demo users and groups, only when the demo
    database is new.

    :param users: demo users by username (``admin``, ``district``, …).
    :param groups: demo user groups by name.
    :returns: None.

    Every implementation is called; results are ignored.
    """


# --- compose and send ------------------------------------------------------------------


@hookspec
def mailroom_recipient_kinds() -> list[RecipientKind]:
    """Declare the kinds of recipient this plugin can resolve (user, user group, …).

    Called when a compose form or the API reads a recipient selection.

    :returns: a list of :class:`kernel.contributions.RecipientKind`.

    All non-None results are collected.
    """


@hookspec
def mailroom_search_recipients(query: str, user: User, limit: int) -> list[RecipientOption]:
    """Find recipients matching what the sender typed on the compose form.

    :param query: the text typed, at least two characters.
    :param user: the sender.
    :param limit: the most hits this plugin should return.
    :returns: a list of :class:`kernel.contributions.RecipientOption`.

    All non-None results are collected, in plugin order.
    """


@hookspec
def mailroom_resolve_recipients(selection: RecipientSelection) -> set[int] | None:
    """Turn the recipient uids of this plugin's kinds into user ids.

    Called once per send (``kernel.messaging.send_to_selection``), inside the send's
    transaction, and by ``kernel.messaging.resolve_selection``. Raise
    :class:`kernel.contributions.UnknownRecipient` for a uid that does not exist; nothing
    is then sent.

    :param selection: the uids per recipient kind and kind options (``include_subunits``).
    :returns: a set of user ids, or None when none of this plugin's kinds were picked.

    All non-None results are collected and their union is the recipient set.
    """


@hookspec(firstresult=True)
def mailroom_fallback_recipients(purpose: str) -> set[int] | None:
    """Say who should receive notifications of a purpose nobody configured a group for.

    Called by senders of system notifications (``purpose="system"`` for job failures) when
    their own recipient setting is empty. The feedback plugin answers with the feedback
    recipient group, as DHIS2 sends job failures to that group.

    :param purpose: what the notification is for, e.g. ``"system"``.
    :returns: a set of user ids, or None to let another plugin answer.

    Stops at the first non-None result.
    """


@hookspec(firstresult=True)
def mailroom_render_message_text(text: str) -> Markup | None:
    """Render a message's plain text as safe HTML.

    :param text: the stored text.
    :returns: escaped HTML.

    Stops at the first non-None result; the kernel's fallback escapes the text and makes
    http(s) links clickable.
    """


# --- inbox -----------------------------------------------------------------------------


@hookspec
def mailroom_inbox_filters(user: User, message_type: str) -> list[InboxFilter]:
    """Offer filters above the inbox list for one folder.

    Called on every inbox page; the chosen values are applied in SQL.

    :param user: the reader.
    :param message_type: the folder's message type key.
    :returns: a list of :class:`kernel.contributions.InboxFilter`.

    All non-None results are collected; filter keys must be unique.
    """


# --- conversation ----------------------------------------------------------------------


@hookspec
def mailroom_conversation_access(conversation: Conversation, user: User) -> bool | None:
    """Let a user who is not a participant open and act on a conversation.

    Participants and ALL users always have access; this hook only adds to that (the
    feedback team on every ticket).

    :param conversation: the conversation asked for.
    :param user: the user asking.
    :returns: True to grant access, or None to say nothing.

    Any True grants access; None and False grant nothing.
    """


@hookspec
def mailroom_message_visible(
    message: Message, conversation: Conversation, user: User
) -> bool | None:
    """Decide whether a user may see one message of a conversation.

    Called for every message shown on a page or through the API.

    :param message: the message.
    :param conversation: its conversation.
    :param user: the reader.
    :returns: False to hide the message, True or None to allow.

    Any False vetoes: the message is hidden.
    """


@hookspec
def mailroom_conversation_actions(
    conversation: Conversation, user: User
) -> list[ConversationAction]:
    """Offer actions on a conversation to a user (set priority, assign, internal reply, …).

    Called when the conversation page renders and before an action is handled; an action
    not returned for this user cannot be performed by them.

    :param conversation: the open conversation.
    :param user: the reader, who already has access to it.
    :returns: a list of :class:`kernel.contributions.ConversationAction`.

    All non-None results are collected; action keys must be unique.
    """


# --- events ----------------------------------------------------------------------------


@hookspec
def mailroom_conversation_created(
    conversation: Conversation, message: Message, recipient_ids: set[int]
) -> None:
    """A conversation was created (after its transaction committed).

    :param conversation: the new conversation.
    :param message: its first message.
    :param recipient_ids: the users who received it, the sender excluded.
    :returns: None.

    Every implementation is called; results are ignored.
    """


@hookspec
def mailroom_message_added(conversation: Conversation, message: Message) -> None:
    """A reply was added to a conversation (after its transaction committed).

    Internal messages are announced too; a notifier must check ``message.internal``.

    :param conversation: the conversation.
    :param message: the new message.
    :returns: None.

    Every implementation is called; results are ignored.
    """


@hookspec
def mailroom_job_failed(
    job_name: str, error: str, traceback_text: str, failed_at: datetime
) -> None:
    """A background job raised an exception (built-in or a plugin's).

    Called in the worker, inside an app context, after the failure; the worker then goes
    on with the next job.

    :param job_name: the job's name.
    :param error: the exception as one line (``Type: message``).
    :param traceback_text: the formatted traceback.
    :param failed_at: when it failed (naive UTC).
    :returns: None.

    Every implementation is called; results are ignored.
    """


@hookspec
def mailroom_conversation_state_changed(
    conversation: Conversation, user: User | None, field: str, old: Any, new: Any
) -> None:
    """A shared property of a conversation changed (priority, status, assignee, …).

    :param conversation: the conversation.
    :param user: who changed it, or None for the system.
    :param field: the property's name.
    :param old: the value before.
    :param new: the value after.
    :returns: None.

    Every implementation is called; results are ignored.
    """
