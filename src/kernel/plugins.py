"""The plugin manager (one per app) and the typed facade every hook call goes through."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from datetime import datetime
from importlib.metadata import entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy
from flask import current_app
from markupsafe import Markup

from kernel import hookspecs
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

if TYPE_CHECKING:
    import click
    from flask import Blueprint

    from kernel.models import Conversation, Message, User, UserGroup

ENTRY_POINT_GROUP = "mailroom.plugins"
KERNEL_BULK_ACTIONS = ("read", "unread", "followup", "unfollowup", "remove")


class PluginError(RuntimeError):
    """A plugin cannot be loaded or is inconsistent; the message says what to change."""


def installed_plugins() -> dict[str, Any]:
    """Entry points of every installed plugin, by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(
    enabled: list[str] | None, extra_plugins: Iterable[object] = ()
) -> pluggy.PluginManager:
    """Load and validate the enabled plugins.

    :param enabled: plugin names; None enables every installed plugin.
    :param extra_plugins: objects registered after them (test plugins, embedding apps).
    """
    from kernel import kernel_hooks

    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(kernel_hooks, name="kernel")

    available = installed_plugins()
    names = list(available) if enabled is None else enabled
    unknown = [name for name in names if name not in available]
    if unknown:
        raise PluginError(
            f"Unknown plugin(s) in MAILROOM_PLUGINS: {', '.join(unknown)}. "
            f"Installed plugins: {', '.join(sorted(available)) or 'none'}."
        )
    modules: dict[str, ModuleType] = {}
    for name in names:
        try:
            modules[name] = available[name].load()
        except ImportError as error:
            raise PluginError(f"Plugin {name!r} could not be imported: {error}") from error
    for name, module in modules.items():
        missing = [r for r in getattr(module, "REQUIRES", ()) if r not in modules]
        if missing:
            raise PluginError(
                f"Plugin {name!r} needs plugin(s) {', '.join(missing)}, which are not enabled. "
                f"Add them to MAILROOM_PLUGINS or remove {name!r}."
            )
    try:
        for name, module in modules.items():
            pm.register(module, name=name)
        for plugin in extra_plugins:
            if isinstance(plugin, str):
                try:
                    plugin = importlib.import_module(plugin)
                except ImportError as error:
                    raise PluginError(
                        f"Extra plugin {plugin!r} could not be imported: {error}"
                    ) from error
            missing = [r for r in getattr(plugin, "REQUIRES", ()) if r not in modules]
            if missing:
                raise PluginError(
                    f"Plugin {plugin!r} needs plugin(s) {', '.join(missing)}, "
                    "which are not enabled."
                )
            pm.register(plugin)
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(
            f"Plugin {error.plugin!r} does not match the hook specifications: {error}. "
            "Hook implementations must be named after a hook in kernel.hookspecs "
            "and take only its arguments."
        ) from error
    return pm


def _collect(results: Iterable[Any]) -> list[Any]:
    """Flatten list-returning hook results in plugin registration order (kernel first).

    pluggy calls the most recently registered plugin first, so its results are reversed.
    """
    collected: list[Any] = []
    for result in reversed(list(results)):
        if result is None:
            continue
        if isinstance(result, list | tuple | set):
            collected.extend(result)
        else:
            collected.append(result)
    return collected


def _unique(items: list[Any], what: str) -> list[Any]:
    seen: set[str] = set()
    for item in items:
        if item.key in seen:
            raise PluginError(f"Two plugins declare the {what} {item.key!r}.")
        seen.add(item.key)
    return items


def _unique_names(jobs: list[Job]) -> list[Job]:
    seen: set[str] = set()
    for job in jobs:
        if job.name in seen:
            raise PluginError(f"Two plugins declare the job {job.name!r}.")
        seen.add(job.name)
    return jobs


class Hooks:
    """Typed calls into the plugins; the kernel never calls ``pm.hook`` directly."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._hook = pm.hook
        types = _unique(_collect(self._hook.mailroom_message_types()), "message type")
        self._message_types = {t.key: t for t in sorted(types, key=lambda t: (t.order, t.key))}
        # Contributions whose keys must be unique are checked now, so a clash stops start-up.
        self.settings_fields()
        self.recipient_kinds()
        self.metadata_sections()
        self.metadata_user_fields()

    # start-up
    def plugin_names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin() if name != "kernel"]

    def message_types(self) -> list[MessageType]:
        return list(self._message_types.values())

    def message_type(self, key: str) -> MessageType | None:
        return self._message_types.get(key)

    def migrations(self) -> list[MigrationSource]:
        return _collect(self._hook.mailroom_migrations())

    def blueprints(self) -> list[Blueprint]:
        return _collect(self._hook.mailroom_blueprints())

    def settings_fields(self) -> list[SettingsField]:
        return _unique(_collect(self._hook.mailroom_settings_fields()), "setting")

    def cli_commands(self) -> list[click.Command]:
        return _collect(self._hook.mailroom_cli_commands())

    def template_slot(
        self, slot: str, user: User | None, context: dict[str, Any] | None = None
    ) -> Markup:
        parts = _collect(
            self._hook.mailroom_template_slot(slot=slot, user=user, context=dict(context or {}))
        )
        return Markup("\n").join(
            Markup(part) if isinstance(part, Markup) else part for part in parts
        )

    def jobs(self) -> list[Job]:
        return _unique_names(_collect(self._hook.mailroom_jobs()))

    def demo_data(self, users: dict[str, User], groups: dict[str, UserGroup]) -> None:
        self._hook.mailroom_demo_data(users=users, groups=groups)

    # compose and send
    def recipient_kinds(self) -> list[RecipientKind]:
        return _unique(_collect(self._hook.mailroom_recipient_kinds()), "recipient kind")

    def search_recipients(self, query: str, user: User, limit: int = 10) -> list[RecipientOption]:
        return _collect(self._hook.mailroom_search_recipients(query=query, user=user, limit=limit))

    def describe_recipients(self, selection: RecipientSelection) -> list[RecipientOption]:
        return _collect(self._hook.mailroom_describe_recipients(selection=selection))

    def resolve_recipients(self, selection: RecipientSelection) -> set[int]:
        resolved: set[int] = set()
        for user_ids in self._hook.mailroom_resolve_recipients(selection=selection):
            resolved |= set(user_ids)
        return resolved

    def fallback_recipients(self, purpose: str) -> set[int] | None:
        return self._hook.mailroom_fallback_recipients(purpose=purpose)

    def users_in_hierarchy(self, org_unit_uid: str, user_ids: set[int]) -> set[int] | None:
        """None means no plugin knows org units (the caller decides what that means)."""
        return self._hook.mailroom_users_in_hierarchy(
            org_unit_uid=org_unit_uid, user_ids=set(user_ids)
        )

    def users_at_parent_org_unit(self, org_unit_uid: str, user_ids: set[int]) -> set[int] | None:
        """None means no plugin knows org units (the caller decides what that means)."""
        return self._hook.mailroom_users_at_parent_org_unit(
            org_unit_uid=org_unit_uid, user_ids=set(user_ids)
        )

    def render_message_text(self, text: str) -> Markup:
        return self._hook.mailroom_render_message_text(text=text)

    # inbox
    def inbox_filters(self, user: User, message_type: str) -> list[InboxFilter]:
        filters = _collect(self._hook.mailroom_inbox_filters(user=user, message_type=message_type))
        return _unique(filters, "inbox filter")

    def bulk_actions(self, user: User, message_type: str) -> list[BulkAction]:
        actions = _unique(
            _collect(self._hook.mailroom_bulk_actions(user=user, message_type=message_type)),
            "bulk action",
        )
        clashing = [a.key for a in actions if a.key in KERNEL_BULK_ACTIONS]
        if clashing:
            raise PluginError(f"Bulk action keys {clashing} are the kernel's own.")
        return actions

    # conversation
    def conversation_access(self, conversation: Conversation, user: User) -> bool:
        results = self._hook.mailroom_conversation_access(conversation=conversation, user=user)
        return any(result is True for result in results)

    def message_visible(self, message: Message, conversation: Conversation, user: User) -> bool:
        results = self._hook.mailroom_message_visible(
            message=message, conversation=conversation, user=user
        )
        return not any(result is False for result in results)

    def sees_internal_messages(self, user: User) -> bool:
        results = self._hook.mailroom_sees_internal_messages(user=user)
        return any(result is True for result in results)

    def conversation_actions(
        self, conversation: Conversation, user: User
    ) -> list[ConversationAction]:
        actions = _collect(
            self._hook.mailroom_conversation_actions(conversation=conversation, user=user)
        )
        return _unique(actions, "conversation action")

    # web API
    def api_fields(self, resource: str, user: User) -> list[ApiField]:
        fields = _collect(self._hook.mailroom_api_fields(resource=resource, user=user))
        seen: set[str] = set()
        for api_field in fields:
            if api_field.name in seen:
                raise PluginError(
                    f"Two plugins add the API field {api_field.name!r} to {resource}."
                )
            seen.add(api_field.name)
        return fields

    # events
    def conversation_created(
        self, conversation: Conversation, message: Message, recipient_ids: set[int]
    ) -> None:
        self._hook.mailroom_conversation_created(
            conversation=conversation, message=message, recipient_ids=recipient_ids
        )

    def message_added(self, conversation: Conversation, message: Message) -> None:
        self._hook.mailroom_message_added(conversation=conversation, message=message)

    def group_membership_changed(
        self, group: UserGroup, added_user_ids: set[int], removed_user_ids: set[int]
    ) -> None:
        self._hook.mailroom_group_membership_changed(
            group=group, added_user_ids=added_user_ids, removed_user_ids=removed_user_ids
        )

    def setting_changed(self, key: str, old: Any, new: Any) -> None:
        self._hook.mailroom_setting_changed(key=key, old=old, new=new)

    def job_failed(
        self, job_name: str, error: str, traceback_text: str, failed_at: datetime
    ) -> None:
        self._hook.mailroom_job_failed(
            job_name=job_name, error=error, traceback_text=traceback_text, failed_at=failed_at
        )

    def conversation_state_changed(
        self, conversation: Conversation, user: User | None, field: str, old: Any, new: Any
    ) -> None:
        self._hook.mailroom_conversation_state_changed(
            conversation=conversation, user=user, field=field, old=old, new=new
        )

    # metadata import
    def metadata_sections(self) -> list[MetadataSection]:
        sections = _unique(_collect(self._hook.mailroom_metadata_sections()), "metadata section")
        return sorted(sections, key=lambda section: (section.order, section.key))

    def metadata_user_fields(self) -> list[MetadataUserField]:
        return _unique(_collect(self._hook.mailroom_metadata_user_fields()), "metadata user field")


def current_hooks() -> Hooks:
    """The hooks of the app handling the current request or CLI command."""
    return current_app.extensions["mailroom.hooks"]
