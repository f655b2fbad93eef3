"""Conversations, their messages, and each participant's state (read, follow-up).

A participant row is DHIS2's UserMessage: one per (conversation, user). It carries a copy
of the conversation's message type and last-message time so that an inbox page and the
unread counts are answered from one index on ``participant`` without touching
``conversation`` first. It also carries a copy of the state every participant shares —
status, priority and assignee — so that the feedback filters are checked inside that same
index: a filtered page walks the folder's index entries in inbox order and its count reads
them alone, where joining ``conversation`` to check each row cost 20 ms for a folder of
10,000 tickets. The copies are written with the conversation
(``kernel.messaging.start_conversation``, ``add_participants``) and changed with it
(``kernel.messaging.change_state``); the database clears a deleted assignee on both.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import reduce
from typing import TYPE_CHECKING, Any

from peewee import (
    JOIN,
    SQL,
    BooleanField,
    CharField,
    DateTimeField,
    Expression,
    Field,
    ForeignKeyField,
    IntegerField,
    NodeList,
    Select,
    SelectQuery,
    TextField,
    Value,
    fn,
)

from kernel.db import BaseModel, is_sqlite
from kernel.models.clock import utcnow
from kernel.models.users import User
from kernel.uid import find_by_uid, generate_uid

if TYPE_CHECKING:
    from kernel.search import Matches


class Priority(StrEnum):
    NONE = "NONE"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class Status(StrEnum):
    NONE = "NONE"
    OPEN = "OPEN"
    PENDING = "PENDING"
    INVALID = "INVALID"
    SOLVED = "SOLVED"


class Conversation(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    subject = CharField(max_length=255)
    message_type = CharField(max_length=64, index=True)
    priority = CharField(max_length=16, default=Priority.NONE.value)
    status = CharField(max_length=16, default=Status.NONE.value)
    assignee = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    last_sender = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    last_message = DateTimeField(default=utcnow, index=True)
    # Counts messages everyone may see; internal replies are not counted (DHIS2).
    message_count = IntegerField(default=0)
    # Unique: a producer's id is sent once (see send_system_message).
    ext_message_id = CharField(max_length=64, null=True, unique=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created = DateTimeField(default=utcnow)
    last_updated = DateTimeField(default=utcnow)

    @classmethod
    def by_uid(cls, uid: str) -> Conversation | None:
        return find_by_uid(cls, uid)

    @classmethod
    def started_by_since(cls, user: User, since: datetime) -> int:
        """How many conversations ``user`` started after ``since`` (the send rate limit).

        A conversation started after ``since`` also had its last message after it; saying
        so lets the database walk the ``last_message`` index over recent activity only
        instead of every conversation.
        """
        return (
            cls.select()
            .where((cls.last_message > since) & (cls.created > since) & (cls.created_by == user))
            .count()
        )

    def participant_for(self, user: User) -> Participant | None:
        return Participant.get_or_none(
            (Participant.conversation == self) & (Participant.user == user)
        )

    def participants(self, limit: int | None = None) -> list[Participant]:
        """Participants with their users, ordered by name (one query), at most ``limit``."""
        query = (
            Participant.select(Participant, User)
            .join(User)
            .where(Participant.conversation == self)
            .order_by(User.first_name, User.surname, User.id)
        )
        return list(query.limit(limit) if limit else query)

    def participant_count(self) -> int:
        return Participant.select().where(Participant.conversation == self).count()

    def messages_in_order(self) -> list[Message]:
        """Every message with its sender, oldest first (one query)."""
        return list(
            Message.select(Message, User)
            .join(User, JOIN.LEFT_OUTER, on=(Message.sender == User.id))
            .where(Message.conversation == self)
            .order_by(Message.id)
        )


@dataclass
class InboxPage:
    """One page of a user's folder: participant rows with their conversations attached.

    ``total`` counts the folder's conversations (with its filters), unless ``exact`` is
    False: a search stops counting once it is sure of more than ``total`` (see
    :func:`inbox_for`), and the number of pages is then unknown.
    """

    rows: list[Participant]
    page: int
    page_size: int
    total: int
    exact: bool = True

    @property
    def page_count(self) -> int | None:
        """How many pages, or None when the total is not known."""
        return max(1, -(-self.total // self.page_size)) if self.exact else None

    @property
    def has_next(self) -> bool:
        return not self.exact or self.page * self.page_size < self.total


def inbox_for(
    user: User,
    message_type: str,
    conditions: Iterable[Any],
    page: int,
    page_size: int,
    search: Matches | None = None,
    count_limit: int | None = None,
) -> InboxPage:
    """A user's folder, newest activity first, with the filters' SQL conditions applied
    and, given a search, narrowed to its matches.

    Two queries whatever the page size. Without a search: the count and the page
    (conversation and last sender joined, so rendering needs no more). The count joins
    ``conversation`` only when a condition names it: otherwise it reads the participant
    index alone (joining cost 15 times more for a folder of 30,000 conversations).

    With a search, an exact count could mean checking every conversation of the folder,
    or every hit of a common word: the matches are counted up to ``count_limit`` (or to
    the end of the page asked for, if further; None: all of them) and the total is
    exact only when fewer were found. One query finds the conversation ids of the
    matching rows that far, in inbox order; the second reads the page's rows by id.
    """
    conditions = list(conditions)
    if search is not None:
        return _search_page(user, message_type, conditions, search, page, page_size, count_limit)
    where = [Participant.user == user, Participant.message_type == message_type, *conditions]
    counted = Participant.select()
    if not all(names_only_participant(condition) for condition in conditions):
        counted = counted.join(Conversation)
    total = counted.where(*where).count()
    rows = _page_rows().where(*where).order_by(*_inbox_order()).paginate(page, page_size)
    return InboxPage(rows=list(rows), page=page, page_size=page_size, total=total)


def _search_page(
    user: User,
    message_type: str,
    conditions: list[Any],
    search: Matches,
    page: int,
    page_size: int,
    count_limit: int | None,
) -> InboxPage:
    if search.are_few:
        # A few conversations are hit: each is looked up by its (conversation, user) key.
        # The unary plus keeps SQLite from walking the whole folder by the user's index.
        where = [_unindexed(Participant.user) == user.id]
        where.append(_unindexed(Participant.message_type) == message_type)
    else:
        where = [Participant.user == user, Participant.message_type == message_type]
    own = [condition for condition in conditions if names_only_participant(condition)]
    others = [condition for condition in conditions if not names_only_participant(condition)]
    where += own
    # The few conversations hit are where the query starts: they must name the row itself.
    checked_with_conversation = bool(others) and not search.are_few
    if not checked_with_conversation:
        where.append(search.condition(Participant.conversation))
    if others:
        # Conditions on the conversation are checked row by row (then a common word's
        # search): never a join, which PostgreSQL may make by reading every conversation
        # with that status (100 ms) rather than the few hundred rows a page needs.
        conversation = Conversation.select(SQL("1")).where(
            Conversation.id == Participant.conversation, *others
        )
        if checked_with_conversation:
            conversation = conversation.where(search.condition(Conversation.id))
        where.append(_row_check(conversation))
    # Conversation ids, not participant ids: a user has one row per conversation, and the
    # id is in the folder's index, so PostgreSQL walks the index alone.
    found = Participant.select(Participant.conversation).where(*where).order_by(*_inbox_order())
    if count_limit is None:
        enough = None
    else:
        enough = max(count_limit, page * page_size)
        found = found.limit(enough + 1)
    ids = [conversation_id for (conversation_id,) in found.tuples()]
    start = (page - 1) * page_size
    shown = ids[start : start + page_size]
    rows = _page_rows().where(
        _unindexed(Participant.user) == user.id, Participant.conversation.in_(shown)
    )
    rows = rows.order_by(*_inbox_order())
    exact = enough is None or len(ids) <= enough
    return InboxPage(
        rows=list(rows),
        page=page,
        page_size=page_size,
        total=len(ids) if exact else len(ids) - 1,
        exact=exact,
    )


def _row_check(query: Any) -> Any:
    """``EXISTS (query)``, checked for each row in turn: OFFSET 0 keeps PostgreSQL from
    turning it into a join, which would read everything the subquery could match first."""
    return fn.EXISTS(query.offset(0))


def _page_rows() -> Any:
    """Participant rows with their conversation and its last sender (one query), with the
    columns a folder's list shows and no others: building every column of three models for
    50 rows was a quarter of the inbox page's time."""
    last_sender = User.alias("last_sender")
    return (
        Participant.select(
            Participant.id,
            Participant.conversation,
            Participant.read,
            Participant.follow_up,
            Participant.last_message,
            Conversation.id,
            Conversation.uid,
            Conversation.subject,
            Conversation.status,
            Conversation.priority,
            Conversation.last_sender,
            last_sender.id,
            last_sender.username,
            last_sender.first_name,
            last_sender.surname,
        )
        .join(Conversation)
        .join(last_sender, JOIN.LEFT_OUTER, on=(Conversation.last_sender == last_sender.id))
    )


def _inbox_order() -> tuple[Any, ...]:
    # Newest activity first; the conversation id breaks ties, so pages never overlap.
    return (Participant.last_message.desc(), Participant.conversation.desc())


def _unindexed(field: Field) -> Any:
    """``field`` for comparing, but on SQLite (``+field``) not usable to pick an index."""
    return NodeList((SQL("+"), field), glue="") if is_sqlite() else field


def names_only_participant(condition: Any) -> bool:
    """Whether a condition can be checked on ``participant`` rows without a join: every
    column it names (outside self-contained subqueries) is a participant column.

    Conservative: a node it does not know counts as naming another table.
    """
    if isinstance(condition, Field):
        return condition.model is Participant
    if isinstance(condition, Expression):
        return names_only_participant(condition.lhs) and names_only_participant(condition.rhs)
    if isinstance(condition, NodeList):
        return all(names_only_participant(node) for node in condition.nodes)
    if isinstance(condition, (list, tuple)):
        return all(names_only_participant(node) for node in condition)
    # Values, raw SQL and subqueries (a search's matching ids) name no outer column.
    return condition is None or isinstance(
        condition, (Value, SQL, SelectQuery, str, int, float, bool)
    )


class Message(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    # Indexed by (conversation, id) below; a single-column index would only cost writes.
    conversation = ForeignKeyField(
        Conversation, backref="messages", on_delete="CASCADE", index=False
    )
    text = TextField()
    # None for system-generated messages.
    sender = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    internal = BooleanField(default=False)
    created = DateTimeField(default=utcnow)
    metadata = CharField(max_length=255, null=True)

    class Meta:
        indexes = ((("conversation", "id"), False),)


class Participant(BaseModel):
    # Both indexed as the first column of the wider indexes below (migration 0006).
    conversation = ForeignKeyField(
        Conversation, on_delete="CASCADE", backref="participant_rows", index=False
    )
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", index=False)
    message_type = CharField(max_length=64)
    last_message = DateTimeField()
    read = BooleanField(default=False)
    follow_up = BooleanField(default=False)
    # Copies of the conversation's shared state, for the inbox filters (module docstring).
    status = CharField(max_length=16, default=Status.NONE.value)
    priority = CharField(max_length=16, default=Priority.NONE.value)
    # A real foreign key, so the database clears the copy in the same statement that
    # clears ``conversation.assignee`` when a user is deleted: a plain integer would
    # outlive its user, and on SQLite a new user may be given the freed id and find
    # someone else's tickets "assigned to me". Its index is partial (only assigned rows):
    # the deletion looks rows up through it, and the many unassigned rows a send writes
    # cost nothing there.
    assignee = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+", index=False)

    class Meta:
        indexes = (
            (("conversation", "user"), True),
            # Unread counts per folder and in total.
            (("user", "read", "message_type"), False),
        )

    @classmethod
    def for_user(cls, user: User, conversation_ids: Iterable[int]) -> dict[int, Participant]:
        ids = list(conversation_ids)
        if not ids:
            return {}
        rows = cls.select().where((cls.user == user) & (cls.conversation.in_(ids)))
        return {row.conversation_id: row for row in rows}

    @classmethod
    def unread_queue(
        cls, user: User, message_types: Iterable[str], limit: int = 10
    ) -> list[Participant]:
        """The newest unread conversations of these folders, for the dashboard.

        One newest-first walk of the inbox index per folder, each stopping at ``limit``
        unread rows (read is checked inside the index), then the newest of those: there
        is no index of a user's rows across folders by time, and going through the
        unread index instead would read and sort every unread row (13,000 for the
        heaviest user: 1.2 s from a cold cache).
        """
        keys = list(message_types)
        if not keys:
            return []
        walks = [
            cls.select(cls.id, cls.last_message, cls.conversation)
            .where((cls.user == user) & (cls.message_type == key) & (cls.read == False))
            .order_by(*_inbox_order())
            .limit(limit)
            for key in keys
        ]
        # Each walk is its own subquery: SQLite allows no ORDER BY or LIMIT inside a
        # compound. The compound is then ordered by position (last_message, conversation).
        parts = [cls.select(SQL("*")).from_(walk.alias(f"w{n}")) for n, walk in enumerate(walks)]
        newest = reduce(operator.add, parts).order_by(SQL("2 DESC"), SQL("3 DESC")).limit(limit)
        ids = [row_id for row_id, _, _ in newest.tuples()]
        if not ids:
            return []
        last_sender = User.alias("last_sender")
        return list(
            cls.select(cls, Conversation, last_sender)
            .join(Conversation)
            .join(last_sender, JOIN.LEFT_OUTER, on=(Conversation.last_sender == last_sender.id))
            .where(cls.id.in_(ids))
            .order_by(*_inbox_order())
        )

    @classmethod
    def unread_count(cls, user: User) -> int:
        return cls.unread_count_of(user.id).scalar()

    @classmethod
    def unread_count_of(cls, user_id: int) -> Any:
        """The unread count as a subquery, to load with the user.

        ``COUNT(*)`` of a literal id, so that PostgreSQL counts in the unread index alone:
        counting ids, or correlating with the user row, made it read 11,000 table pages
        for the heavy user (47 ms instead of 1 ms).
        """
        return cls.select(fn.COUNT(SQL("*"))).where((cls.user == user_id) & (cls.read == False))

    @classmethod
    def unread_by_type(
        cls, user: User, message_types: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Unread conversations per folder.

        Given the folders, one statement counts each through the unread index with every
        column fixed (an index range count): grouping instead reads each unread row's
        type, six times slower for a user with 13,000 unread conversations.
        """
        if message_types is None:
            query = (
                cls.select(cls.message_type, fn.COUNT(cls.id).alias("n"))
                .where((cls.user == user) & (cls.read == False))
                .group_by(cls.message_type)
            )
            return {row.message_type: row.n for row in query}
        keys = list(message_types)
        if not keys:
            return {}
        counts = [
            cls.select(fn.COUNT(SQL("*")))
            .where((cls.user == user) & (cls.read == False) & (cls.message_type == key))
            .alias(f"n{n}")
            for n, key in enumerate(keys)
        ]
        # A SELECT without FROM: one row of counts, even from an empty table.
        row = Select(columns=counts).bind(cls._meta.database).tuples()[0]
        return {key: n for key, n in zip(keys, row, strict=True) if n}


# The inbox page: one user's folder, newest first. The columns after the order are what
# the filters check (read, follow-up and the shared state), so any filter combination is
# checked inside the index, and a filtered count reads nothing else: widening this index
# rather than adding one per filter keeps a send's cost per recipient where it was.
Participant.add_index(
    Participant.user,
    Participant.message_type,
    Participant.last_message,
    Participant.conversation,
    Participant.read,
    Participant.follow_up,
    Participant.status,
    Participant.priority,
    Participant.assignee,
    name="participant_inbox",
)
Participant.add_index(
    Participant.assignee, where=Participant.assignee.is_null(False), name="participant_assignee"
)


# The people a conversation row names, each joined under its own alias so API filters and
# orders can name their columns (``assignee.id`` is ``ASSIGNEE.uid``).
LAST_SENDER = User.alias("last_sender")
ASSIGNEE = User.alias("assignee")
CREATOR = User.alias("creator")


def _with_people(query: Any) -> Any:
    return (
        query.join(LAST_SENDER, JOIN.LEFT_OUTER, on=(Conversation.last_sender == LAST_SENDER.id))
        .switch(Conversation)
        .join(ASSIGNEE, JOIN.LEFT_OUTER, on=(Conversation.assignee == ASSIGNEE.id))
        .switch(Conversation)
        .join(CREATOR, JOIN.LEFT_OUTER, on=(Conversation.created_by == CREATOR.id))
    )


def copies_of(user: User) -> Any:
    """A user's own copies of conversations (their participant rows, never anyone else's),
    each with its conversation, last sender, assignee and creator: one query for any
    number of rows.

    Conditions may name ``Participant``, ``Conversation``, ``LAST_SENDER``, ``ASSIGNEE``
    and ``CREATOR``.
    """
    return _with_people(
        Participant.select(Participant, Conversation, LAST_SENDER, ASSIGNEE, CREATOR)
        .join(Conversation)
        .where(Participant.user == user)
    )


def count_copies_of(user: User, participant_only: bool) -> Any:
    """A query to count a user's copies: over ``participant`` alone (an index scan) when
    every condition names only ``Participant``, else with the joins of :func:`copies_of`."""
    query = Participant.select(Participant.conversation).where(Participant.user == user)
    if participant_only:
        return query
    return _with_people(query.join(Conversation))


def conversation_with_people(uid: str) -> Conversation | None:
    """One conversation with its last sender, assignee and creator (one query)."""
    return (
        _with_people(Conversation.select(Conversation, LAST_SENDER, ASSIGNEE, CREATOR))
        .where(Conversation.uid == uid)
        .first()
    )


def messages_of(conversation_ids: Iterable[int]) -> dict[int, list[Message]]:
    """Every message of these conversations with its sender, oldest first (one query)."""
    ids = list(conversation_ids)
    found: dict[int, list[Message]] = {conversation_id: [] for conversation_id in ids}
    if not ids:
        return found
    query = (
        Message.select(Message, User)
        .join(User, JOIN.LEFT_OUTER, on=(Message.sender == User.id))
        .where(Message.conversation.in_(ids))
        .order_by(Message.conversation, Message.id)
    )
    for message in query:
        found[message.conversation_id].append(message)
    return found


def participants_of(conversation_ids: Iterable[int]) -> dict[int, list[Participant]]:
    """Every participant of these conversations with their user, by name (one query)."""
    ids = list(conversation_ids)
    found: dict[int, list[Participant]] = {conversation_id: [] for conversation_id in ids}
    if not ids:
        return found
    query = (
        Participant.select(Participant, User)
        .join(User)
        .where(Participant.conversation.in_(ids))
        .order_by(Participant.conversation, User.first_name, User.surname, User.id)
    )
    for participant in query:
        found[participant.conversation_id].append(participant)
    return found
