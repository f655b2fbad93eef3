"""The small value types plugins hand to the kernel through hooks.

Menus, filters and actions are plain dataclasses (datasette's ``row_actions`` is the model):
a plugin builds them, the kernel renders and calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markupsafe import Markup
    from werkzeug.datastructures import MultiDict

    from kernel.api.fields import Field
    from kernel.api.query import ApiProperty
    from kernel.metadata import ErrorReport, SectionJob
    from kernel.models import Conversation, User


@dataclass(frozen=True)
class MessageType:
    """A kind of conversation, owning one inbox folder."""

    key: str  # stored on the conversation, e.g. "PRIVATE"; DHIS2's MessageType names
    label: str  # what one such conversation is called, e.g. "Private message"
    folder: str  # the folder's name in the inbox, e.g. "Inbox"
    composable: bool = False  # users start these from the compose page
    feedback_tools: bool = False  # priority, status, assignee and internal replies apply
    replyable: bool = True  # participants may reply
    order: int = 100  # folder position, lowest first


@dataclass(frozen=True)
class RecipientKind:
    """Something a sender can pick as a recipient: a user, a user group, an org unit, …"""

    key: str  # e.g. "user"
    label: str  # e.g. "User"
    api_field: str  # its list in a DHIS2 POST body, e.g. "users"
    field: str = "to_user"  # the compose field it belongs to: "to_user" or "to_org_unit"


@dataclass(frozen=True)
class RecipientOption:
    """One search hit on the compose form."""

    kind: str
    id: str  # the uid of the user, group, org unit, …
    label: str
    description: str = ""


@dataclass
class RecipientSelection:
    """What a sender picked: uids per recipient kind, and kind-specific options."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def of(self, kind: str) -> list[str]:
        return self.ids.get(kind, [])

    def is_empty(self) -> bool:
        return not any(self.ids.values())


class UnknownRecipient(Exception):
    """Raised while resolving when a picked uid does not exist; nothing is sent.

    ``http_status`` follows DHIS2: 409 for an unknown user or org unit, 404 for a group.
    """

    def __init__(self, kind: str, uid: str, message: str, http_status: int = 409) -> None:
        super().__init__(message)
        self.kind = kind
        self.uid = uid
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class InboxFilter:
    """A choice offered above the inbox list and applied in SQL.

    ``apply(value)`` returns a peewee expression over ``Conversation`` and ``Participant``
    (the inbox query joins both) for one of the ``choices`` values.
    """

    key: str  # query-string parameter, e.g. "status"
    label: str
    choices: list[tuple[str, str]]  # (value, label)
    apply: Callable[[str], Any]
    help: str = ""


class ActionError(Exception):
    """Raised by an action handler for bad input; the user sees the message, nothing changes."""


@dataclass(frozen=True)
class ConversationAction:
    """Something a user can do to one conversation (set priority, assign, …).

    ``form(conversation, user)`` renders the action's form partial; it must post to
    ``url_for('conversations.action', uid=..., key=...)``. ``handle(conversation, user,
    form)`` applies it inside a transaction and returns the confirmation shown to the user,
    or raises ``ActionError``.
    """

    key: str
    label: str
    form: Callable[[Conversation, User], Markup | str]
    handle: Callable[[Conversation, User, MultiDict], str]
    description: str = ""


@dataclass(frozen=True)
class BulkAction:
    """Something a user can do to several selected conversations of a folder at once.

    With ``choices``, the inbox shows a select (labelled ``label``) next to the button, and
    ``handle`` gets the chosen value in ``form[key]``. ``handle(user, conversations, form)``
    runs inside a transaction with the selected conversations the user has in their inbox,
    and returns the confirmation; it raises ``ActionError`` for bad input.
    """

    key: str
    label: str
    handle: Callable[[User, list[Conversation], MultiDict], str]
    choices: list[tuple[str, str]] | None = None


@dataclass(frozen=True)
class SettingsField:
    """A system setting a plugin owns, shown on the settings page in its section."""

    key: str
    label: str
    section: str = "General"
    help: str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None  # None: free text
    default: Any = None
    # For free text: returns why a value is refused, or None to accept it.
    validate: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class Job:
    """A background job run by ``mailroom worker`` (huey), on demand or on a schedule.

    ``run(**kwargs)`` executes inside an app context with a database connection. An
    exception is reported through ``mailroom_job_failed`` (a SYSTEM message when
    system_alerts is enabled), and the worker goes on with the next job.
    """

    name: str  # unique, e.g. "validation-notifications"
    run: Callable[..., None]
    description: str = ""
    # A huey ``crontab(...)`` for periodic jobs; None for jobs run on demand.
    schedule: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class MigrationSource:
    """A folder of numbered peewee migration scripts, with its own history table."""

    name: str
    directory: Path


@dataclass(frozen=True)
class ApiField:
    """Something a plugin adds to a kernel API resource: a JSON field, a property lists may
    be filtered and ordered by, or both, under one name.

    ``field`` is a :class:`kernel.api.fields.Field` (its getter receives the kernel's object
    and the :class:`kernel.api.context.Caller`); ``property`` is a
    :class:`kernel.api.query.ApiProperty` over the resource's list query.
    """

    name: str
    field: Field | None = None
    property: ApiProperty | None = None


@dataclass(frozen=True)
class MetadataSection:
    """A list of DHIS2 metadata JSON that is imported, such as ``organisationUnits``.

    ``run(objects, job)`` imports the list's objects (whatever JSON they are) in bulk: it
    refuses bad ones through the :class:`kernel.metadata.SectionJob` and counts the rest as
    created, updated or deleted, as the job's strategy says. Lists run by ``order``, in one
    transaction: the kernel's are userRoles 10, users 50, userGroups 60, so a list that
    users refer to takes an order below 50. For DELETE they run in reverse order.
    """

    key: str  # the list's key in the JSON, e.g. "organisationUnits"
    klass: str  # DHIS2's class name for the import report, e.g. "OrganisationUnit"
    run: Callable[[list[Any], SectionJob], None]
    order: int = 100


@dataclass(frozen=True)
class MetadataUserField:
    """A property of imported DHIS2 users that a plugin stores, such as ``organisationUnits``.

    ``check(values)`` gets the property's JSON by position of the user in the file, for the
    users that have it, before anything is written; it returns an
    :class:`kernel.metadata.ErrorReport` for each position whose value is wrong (that user
    is then refused). ``save(values)`` gets the values of the accepted users by user id,
    after they are written, inside the import's transaction.
    """

    key: str  # the property's key on a user object
    check: Callable[[dict[int, Any]], dict[int, ErrorReport]]
    save: Callable[[dict[int, Any]], None]
