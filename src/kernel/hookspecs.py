"""Hook specifications: everything a plugin can add to Mailroom.

Grouped by lifecycle: start-up, compose and send, inbox, conversation, events, metadata
import. Plugins implement these with ``from kernel import hookimpl``; every argument is
passed by keyword, so an implementation may accept fewer arguments than the spec names.
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
        ApiField,
        BulkAction,
        ConversationAction,
        InboxFilter,
        Job,
        MessageType,
        MetadataSection,
        MetadataUserField,
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
def mailroom_template_slot(
    slot: str, user: User | None, context: dict[str, Any]
) -> Markup | str | None:
    """Contribute HTML to a named place in the kernel's or a plugin's pages.

    Called while a page renders. Slots, with what ``context`` holds for each:
    ``navigation`` (``<li>`` items in the header; empty), ``dashboard`` (``<li>`` entries
    on the dashboard; empty), ``inbox`` (above a folder's filters; ``folder``, the
    :class:`kernel.contributions.MessageType` shown), ``conversation`` (below a
    conversation's messages; ``conversation``, and ``participant``, the reader's own row
    or None), ``compose`` (inside the compose form, between "To user" and the subject;
    ``values``, the submitted form as a MultiDict, ``recipients``, every chosen recipient
    as a :class:`kernel.contributions.RecipientOption`, ``errors``, messages by field),
    ``admin_user`` (on an administrator's page for one user, above its details form;
    ``user``, the :class:`kernel.models.User` shown).

    :param slot: the slot's name.
    :param user: the signed-in user, or None on anonymous pages.
    :param context: what the page knows that the slot may need (see above); read it, do
        not change it.
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
def mailroom_describe_recipients(selection: RecipientSelection) -> list[RecipientOption]:
    """Name the picked recipients of this plugin's kinds, for showing them on a form.

    Called when a compose form shows the recipients already chosen (pre-filled from a link
    or posted back), so each can be shown by name with a way to remove it.

    :param selection: the uids per recipient kind.
    :returns: a list of :class:`kernel.contributions.RecipientOption`, one per uid of this
        plugin's kinds that exists; leave out uids that do not exist (resolution reports
        them) and kinds that are not yours.

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
def mailroom_users_in_hierarchy(org_unit_uid: str, user_ids: set[int]) -> set[int] | None:
    """Keep the users assigned to an org unit or to one of its ancestors.

    Called by senders of notifications limited to an org unit's hierarchy (validation
    results with "notify users in hierarchy only"). The plugin that owns org units answers;
    when none is enabled nobody answers, and the caller must decide what that means.

    :param org_unit_uid: the org unit the notification is about.
    :param user_ids: the candidate recipients.
    :returns: the subset of ``user_ids`` assigned at or above the org unit (empty for an
        unknown org unit), or None when this plugin does not know org units.

    Stops at the first non-None result.
    """


@hookspec(firstresult=True)
def mailroom_users_at_parent_org_unit(org_unit_uid: str, user_ids: set[int]) -> set[int] | None:
    """Keep the users assigned to the parent of an org unit.

    Called by senders of notifications meant for the level above where something happened
    (validation results with "notify parent organisation unit only": a facility's result
    goes to its chiefdom's or district's supervisors). The plugin that owns org units
    answers; when none is enabled nobody answers, and the caller must decide what that
    means.

    :param org_unit_uid: the org unit the notification is about.
    :param user_ids: the candidate recipients.
    :returns: the subset of ``user_ids`` assigned to the org unit's parent (empty for a root
        org unit, which has no parent, and for an unknown org unit), or None when this
        plugin does not know org units.

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


@hookspec
def mailroom_bulk_actions(user: User, message_type: str) -> list[BulkAction]:
    """Offer actions on several selected conversations of a folder (set status, …).

    Called when a folder renders and before a bulk action is handled; an action not
    returned for this user and folder cannot be performed by them.

    :param user: the reader.
    :param message_type: the folder's message type key.
    :returns: a list of :class:`kernel.contributions.BulkAction`.

    All non-None results are collected; keys must be unique and differ from the kernel's
    own (read, unread, followup, unfollowup, remove).
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
def mailroom_sees_internal_messages(user: User) -> bool | None:
    """Say whether a user may see internal messages (the feedback team's notes) at all.

    Called where messages are matched in bulk in SQL rather than shown one by one — the
    inbox search — so that an internal message is hit only for users who may read it.
    Users with the ALL authority always may; this hook only adds to that. A plugin that
    hides internal messages with ``mailroom_message_visible`` grants here exactly the
    users it lets see them.

    :param user: the reader.
    :returns: True to let the user see internal messages, or None to say nothing.

    Any True grants; None and False grant nothing.
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


# --- web API -----------------------------------------------------------------------------


@hookspec
def mailroom_api_fields(resource: str, user: User) -> list[ApiField] | None:
    """Add fields and filterable properties to a kernel API resource.

    Called on every request to that resource, so what is added can depend on the caller
    (return nothing a caller must not see or filter by).

    :param resource: ``"users"`` (also ``/api/me``), ``"userGroups"`` or
        ``"messageConversations"``.
    :param user: the API caller.
    :returns: a list of :class:`kernel.contributions.ApiField`, or None.

    All non-None results are collected; a name the kernel or another plugin already
    uses fails the request with a PluginError.
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
def mailroom_group_membership_changed(
    group: UserGroup, added_user_ids: set[int], removed_user_ids: set[int]
) -> None:
    """Users joined or left a user group (after the change is written; a metadata import
    announces inside its transaction, so what a plugin does is undone with a failed import).

    :param group: the group.
    :param added_user_ids: users who joined.
    :param removed_user_ids: users who left.
    :returns: None.

    Every implementation is called; results are ignored.
    """


@hookspec
def mailroom_setting_changed(key: str, old: Any, new: Any) -> None:
    """A system setting changed on the settings page (after it was saved).

    :param key: the setting's key.
    :param old: the value before (None when unset).
    :param new: the value after (None when cleared).
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


# --- metadata import -------------------------------------------------------------------


@hookspec
def mailroom_metadata_sections() -> list[MetadataSection]:
    """Import a list of DHIS2 metadata JSON (``organisationUnits``, …).

    Called at start-up (to check keys) and once per import (``mailroom import-metadata``,
    ``POST /api/metadata``). The kernel itself declares ``userRoles``, ``users`` and
    ``userGroups``.

    :returns: a list of :class:`kernel.contributions.MetadataSection`.

    All non-None results are collected; two sections with the same key fail start-up.
    Sections run by ``order``, lowest first (reversed for the DELETE strategy).
    """


@hookspec
def mailroom_metadata_user_fields() -> list[MetadataUserField]:
    """Check and store a property of imported DHIS2 users (a user's ``organisationUnits``).

    Called at start-up (to check keys) and once per import that has users.

    :returns: a list of :class:`kernel.contributions.MetadataUserField`.

    All non-None results are collected; two fields with the same key fail start-up.
    """
