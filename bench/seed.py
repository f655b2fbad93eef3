"""The national-scale dataset of SPEC §7, written straight into a migrated database.

    python -m bench.seed --scale 1.0 --database-url postgresql://…/bench
    python -m bench.seed --scale 0.1 --heavy 50000          # SQLite file bench.db

At scale 1.0: 50,000 org units in 5 levels (when the orgunit_routing tables exist),
20,000 users, 500 user groups, 1,000,000 conversations of every built-in type with
3,000,000 messages, each participant's read and follow-up state, feedback with every
status, priority and assignee, and the search index rows. One heavy user ("heavy",
password "district") takes part in 50,000 conversations whatever the scale (capped at
half of them), since the budgets are about that user's inbox.

Rows go in as parameterised multi-row INSERTs with ids chosen here: peewee's
``insert_many`` builds its SQL value by value and is far too slow at this size. The same
``--seed`` gives the same data.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peewee import Database, PostgresqlDatabase
from tqdm import tqdm

from bench.metadata_users import FIRST_NAMES, SURNAMES
from kernel.search.index import CONVERSATION_SPAN
from kernel.search.text import indexed_text

HEAVY_USERNAME = "heavy"
ADMIN_USERNAME = "admin"
PASSWORD = "district"
# Rows per INSERT statement: well under SQLite's bound on parameters (32,766).
ROWS_PER_STATEMENT = 500
# Conversations generated and committed per round (bounds memory).
CONVERSATIONS_PER_ROUND = 2000
TYPES = (("PRIVATE", 0.6), ("TICKET", 0.2), ("SYSTEM", 0.1), ("VALIDATION_RESULT", 0.1))
STATUSES = ("OPEN", "PENDING", "INVALID", "SOLVED")
PRIORITIES = ("NONE", "LOW", "MEDIUM", "HIGH")
TOPICS = [
    "Stock-out of ORS",
    "Measles outbreak",
    "Polio campaign",
    "Malaria RDT shortage",
    "Cold chain failure",
    "Late monthly report",
    "Vaccine delivery",
    "Staff training",
    "Data quality review",
    "Cholera alert",
    "Bed net distribution",
    "Supervision visit",
]
PLACES = ["Bo", "Kenema", "Bombali", "Kailahun", "Port Loko", "Tonkolili", "Kono", "Moyamba"]
WORDS = (  # noqa: SIM905 (a sentence reads better than 55 quoted words)
    "the district facility report stock sachets vaccine doses cold chain fridge week month "
    "supply delivery nurse officer clinic outbreak cases confirmed suspected referral "
    "training register please urgent follow data entry missing late submitted approved "
    "campaign children under five pregnant women ante natal visit malaria test positive "
    "negative treatment shortage warehouse transport motorbike fuel generator solar"
).split()


@dataclass
class Summary:
    """What was written, for the benchmark report."""

    org_units: int = 0
    users: int = 0
    groups: int = 0
    conversations: int = 0
    messages: int = 0
    participants: int = 0
    heavy_conversations: int = 0
    rare_words: list[str] = field(default_factory=list)


def _uid(prefix: str, number: int) -> str:
    """A unique 11-character DHIS2-style uid: a letter, then the number in base 62."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    digits = ""
    while True:
        number, rest = divmod(number, 62)
        digits = alphabet[rest] + digits
        if not number:
            break
    return prefix + digits.rjust(10, "0")


class Writer:
    """Multi-row INSERTs of ready-made tuples into one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        p = self.db.param
        one = "(" + ", ".join([p] * len(columns)) + ")"
        names = ", ".join(f'"{c}"' for c in columns)
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            self.db.execute_sql(
                f'INSERT INTO "{table}" ({names}) VALUES ' + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )

    def insert_search(self, rows: Sequence[tuple]) -> None:
        """Index rows as ``kernel.search.index`` writes them (both shapes)."""
        p = self.db.param
        if isinstance(self.db, PostgresqlDatabase):
            one = f"({p}, {p}, {p}, to_tsvector('simple', {p}))"
            columns = "message_id, conversation_id, internal, document"
        else:
            one = f"({p}, {p}, {p}, {p}, {p})"
            columns = "rowid, subject, body, sender, message_id"
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            self.db.execute_sql(
                f"INSERT INTO message_search ({columns}) VALUES " + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )

    def next_id(self, table: str) -> int:
        return (self.db.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()[0] or 0) + 1

    def reset_sequences(self, tables: Sequence[str]) -> None:
        """PostgreSQL: serial sequences past the ids chosen here, so the app inserts on."""
        if not isinstance(self.db, PostgresqlDatabase):
            return
        for table in tables:
            self.db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def _level_sizes(total: int) -> list[int]:
    """Org units per level, five levels widening tenfold (1, 15, 150, 1,500, the rest)."""
    if total < 5:
        return [1] * max(total, 0)
    upper = [1, max(1, round(total * 0.0003)), max(1, round(total * 0.003))]
    upper.append(max(1, round(total * 0.03)))
    return [*upper, total - sum(upper)]


def seed(
    db: Database,
    scale: float,
    *,
    heavy: int | None = None,
    seed_value: int = 1,
    progress: bool = True,
) -> Summary:
    """Write the dataset into ``db`` (migrated, with no conversations yet).

    Must run inside an app context of an app on ``db`` with every plugin enabled.

    :param scale: 1.0 is the national scale of SPEC §7.
    :param heavy: conversations of the heavy user (default 50,000, at most half of all).
    """
    from kernel.models import Setting, UserGroup
    from kernel.people import create_user

    rng = random.Random(seed_value)
    write = Writer(db)
    summary = Summary()
    now = datetime(2026, 11, 1, 12, 0, 0)
    tables = set(db.get_tables())

    # The two people who sign in, made by the kernel itself (password hash, roles).
    feedback_team = UserGroup.create(name="Feedback team", code="FEEDBACK")
    create_user(ADMIN_USERNAME, "Ada", "Admin", password=PASSWORD, superuser=True)
    heavy_user = create_user(
        HEAVY_USERNAME, "Hawa", "Kargbo", password=PASSWORD, groups=[feedback_team]
    )
    Setting.write("feedback.recipients", feedback_team.uid)

    # Users.
    user_count = max(20, round(20_000 * scale))
    first_user = write.next_id("user_account")
    user_ids = list(range(first_user, first_user + user_count))
    names: dict[int, str] = {heavy_user.id: "Hawa Kargbo"}
    rows = []
    for n, user_id in enumerate(user_ids):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        names[user_id] = f"{first} {last}"
        rows.append(
            (user_id, _uid("U", user_id), f"user{n:06d}", first, last, None, None, False, now)
        )
    columns = ("id", "uid", "username", "first_name", "surname", "email", "password_hash")
    write.insert("user_account", (*columns, "disabled", "created"), rows)
    summary.users = user_count + 2

    # User groups, each user in two; the feedback team gets 20 more members.
    group_count = max(2, round(500 * scale))
    first_group = write.next_id("user_group")
    group_ids = list(range(first_group, first_group + group_count))
    members: set[tuple[int, int]] = set()
    for user_id in user_ids:
        for group_id in rng.sample(group_ids, 2):
            members.add((group_id, user_id))
    team = [heavy_user.id, *rng.sample(user_ids, min(20, len(user_ids)))]
    members.update((feedback_team.id, user_id) for user_id in team[1:])
    counts = Counter(group_id for group_id, _ in members)
    write.insert(
        "user_group",
        ("id", "uid", "name", "code", "member_count"),
        [(g, _uid("G", g), f"Group {g:04d}", f"G{g:04d}", counts[g]) for g in group_ids],
    )
    db.execute_sql(
        f'UPDATE "user_group" SET member_count = {db.param} WHERE id = {db.param}',
        (counts[feedback_team.id] + 1, feedback_team.id),
    )
    write.insert("user_group_member", ("group_id", "user_id"), sorted(members))
    summary.groups = group_count + 1

    if "orgunit_org_unit" in tables:
        summary.org_units = _seed_org_units(write, rng, round(50_000 * scale), user_ids)

    conversations = max(10, round(1_000_000 * scale))
    heavy = min(50_000 if heavy is None else heavy, conversations // 2)
    heavy_in = set(rng.sample(range(conversations), heavy))
    summary.heavy_conversations = heavy
    # Rare words, each in a handful of messages, so a search can hit few or many rows.
    rare = [f"zq{n:04d}" for n in range(200)]
    summary.rare_words = rare[:5]

    first_conversation = write.next_id("conversation")
    next_message = write.next_id("message")
    next_participant = write.next_id("participant")
    start = now - timedelta(days=730)
    step = timedelta(days=730) / conversations
    sqlite = not isinstance(db, PostgresqlDatabase)
    bar = tqdm(total=conversations, unit="conv", disable=not progress, file=sys.stderr)
    type_keys = [key for key, _ in TYPES]
    type_weights = [weight for _, weight in TYPES]
    for chunk in _chunks(conversations, CONVERSATIONS_PER_ROUND):
        c_rows, m_rows, p_rows, s_rows = [], [], [], []
        for n in chunk:
            conversation_id = first_conversation + n
            message_type = rng.choices(type_keys, type_weights)[0]
            created = start + step * n
            priority, status, assignee = "NONE", "NONE", None
            if message_type == "TICKET":
                creator = rng.choice(user_ids)
                people = {creator, *team} if n in heavy_in else {creator, *team[1:4]}
                status, priority = rng.choice(STATUSES), rng.choice(PRIORITIES)
                assignee = rng.choice([None, *team[:4]])
            elif message_type in ("SYSTEM", "VALIDATION_RESULT"):
                creator = None
                people = set(rng.sample(user_ids, 2))
                if message_type == "VALIDATION_RESULT":
                    priority = rng.choice(PRIORITIES[1:])
            else:
                creator = rng.choice(user_ids)
                people = {creator, *rng.sample(user_ids, rng.randint(1, 3))}
            if n in heavy_in:
                people.add(heavy_user.id)
            subject = f"{rng.choice(TOPICS)} in {rng.choice(PLACES)}"
            visible, when, sender = 0, created, creator
            for ordinal in range(rng.choice((1, 2, 3, 4, 5))):
                when = created + timedelta(minutes=37 * ordinal)
                if ordinal and creator is not None:
                    sender = rng.choice(sorted(people))
                internal = message_type == "TICKET" and ordinal > 0 and rng.random() < 0.2
                text = " ".join(rng.choices(WORDS, k=rng.randint(6, 30)))
                if rng.random() < 0.002:
                    text += " " + rng.choice(rare)
                visible += not internal
                message_id = next_message
                next_message += 1
                m_rows.append(
                    (message_id, _uid("M", message_id), conversation_id, text, sender,
                     internal, when, None)
                )  # fmt: skip
                words = (
                    indexed_text(subject),
                    indexed_text(text),
                    indexed_text(names[sender]) if sender is not None else "",
                )
                if sqlite:
                    rowid = conversation_id * CONVERSATION_SPAN + ordinal * 2 + int(internal)
                    s_rows.append((rowid, *words, message_id))
                else:
                    document = " ".join(w for w in words if w)
                    s_rows.append((message_id, conversation_id, internal, document))
            c_rows.append(
                (conversation_id, _uid("C", conversation_id), subject, message_type, priority,
                 status, assignee, sender, when, visible, None, creator, created, when)
            )  # fmt: skip
            for user_id in sorted(people):
                read = user_id == sender or rng.random() < 0.7
                p_rows.append(
                    (next_participant, conversation_id, user_id, message_type, when, read,
                     rng.random() < 0.05, status, priority, assignee)
                )  # fmt: skip
                next_participant += 1
        with db.atomic():
            write.insert(
                "conversation",
                ("id", "uid", "subject", "message_type", "priority", "status", "assignee_id",
                 "last_sender_id", "last_message", "message_count", "ext_message_id",
                 "created_by_id", "created", "last_updated"),
                c_rows,
            )  # fmt: skip
            write.insert(
                "message",
                ("id", "uid", "conversation_id", "text", "sender_id", "internal", "created",
                 "metadata"),
                m_rows,
            )  # fmt: skip
            write.insert(
                "participant",
                ("id", "conversation_id", "user_id", "message_type", "last_message", "read",
                 "follow_up", "status", "priority", "assignee_id"),
                p_rows,
            )  # fmt: skip
            write.insert_search(s_rows)
        summary.conversations += len(c_rows)
        summary.messages += len(m_rows)
        summary.participants += len(p_rows)
        bar.update(len(chunk))
    bar.close()
    write.reset_sequences(
        ["user_account", "user_group", "conversation", "message", "participant"]
        + (["orgunit_org_unit"] if summary.org_units else [])
    )
    if isinstance(db, PostgresqlDatabase):
        # Statistics and visibility map, as autovacuum would leave them soon after such a
        # load: without the map, counts cannot be answered from the index alone.
        db.execute_sql("VACUUM ANALYZE")
    return summary


def _seed_org_units(write: Writer, rng: random.Random, total: int, user_ids: list[int]) -> int:
    """Five levels of org units, every user assigned to one unit of the lowest level, with
    the assignment counters the orgunit_routing plugin keeps on write."""
    first = write.next_id("orgunit_org_unit")
    rows: list[list[Any]] = []
    levels: list[list[int]] = []
    paths: dict[int, str] = {}
    parents: dict[int, int | None] = {}
    next_id = first
    for level, size in enumerate(_level_sizes(total), start=1):
        ids = list(range(next_id, next_id + size))
        next_id += size
        for unit_id in ids:
            parent = rng.choice(levels[-1]) if levels else None
            uid = _uid("O", unit_id)
            paths[unit_id] = f"{paths[parent] if parent else ''}/{uid}"
            parents[unit_id] = parent
            name = f"{rng.choice(PLACES)} unit {unit_id}"
            rows.append([unit_id, uid, name, name[:50], None, parent, level, paths[unit_id]])
        levels.append(ids)
    if not rows:
        return 0
    lowest = levels[-1]
    assigned = [(user_id, rng.choice(lowest)) for user_id in user_ids]
    direct = Counter(unit for _, unit in assigned)
    subtree: Counter[int] = Counter()
    for unit, count in direct.items():
        cursor: int | None = unit
        while cursor is not None:
            subtree[cursor] += count
            cursor = parents[cursor]
    for row in rows:
        row += [direct[row[0]], subtree[row[0]]]
    write.insert(
        "orgunit_org_unit",
        ("id", "uid", "name", "short_name", "code", "parent_id", "level", "path",
         "assignments", "subtree_assignments"),
        rows,
    )  # fmt: skip
    write.insert("orgunit_user_org_unit", ("user_id", "org_unit_id"), assigned)
    return len(rows)


def open_bench_app(database_url: str, instance: str | None = None):
    """A migrated app with every plugin on ``database_url``."""
    from kernel import create_app
    from kernel.migrate import apply_migrations

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": instance or tempfile.mkdtemp(prefix="mailroom-bench-"),
            "SECRET_KEY": "bench-secret",
        }
    )
    with app.app_context():
        apply_migrations(app.extensions["mailroom.database"], app.extensions["mailroom.hooks"])
    return app


def is_seeded(app) -> bool:
    from kernel.models import User

    with app.app_context():
        return User.by_username(HEAVY_USERNAME) is not None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--heavy", type=int, default=None, help="the heavy user's conversations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="sqlite:///bench.db")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be above 0")
    app = open_bench_app(args.database_url)
    if is_seeded(app):
        parser.error("this database is already seeded; start from an empty one")
    database = app.extensions["mailroom.database"]
    with app.app_context():
        summary = seed(database, args.scale, heavy=args.heavy, seed_value=args.seed)
        database.close()
    print(summary)


if __name__ == "__main__":
    main()
