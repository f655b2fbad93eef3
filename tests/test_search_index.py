"""The search index: written with every message, one row per message, backfilled by its
migration, and left by deleted messages."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from peewee import SqliteDatabase, Table
from playhouse.migrations import Runner, SchemaMigrator

import kernel.migrations
from kernel import create_app
from kernel.messaging import add_reply, start_conversation
from kernel.migrate import apply_migrations, history_table
from kernel.models import Conversation, Message, User
from kernel.people import create_user
from tests.conftest import FAST_HASH, PASSWORD, Browser

MIGRATIONS = Path(kernel.migrations.__file__).parent


def _load_migration(name: str = "0003_search_index"):
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migration = _load_migration()
# Indexes the table made by 0003: dropping that table drops them too.
later_migrations = [_load_migration("0005_search_by_conversation")]


def subjects(browser: Browser, q: str) -> list[str]:
    html = browser.get("/messages/PRIVATE", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'<a href="/conversations/\w+">([^<]+)</a>', html)


def index_rows(app) -> int:
    database = app.extensions["mailroom.database"]
    with app.app_context():
        return database.execute_sql("SELECT COUNT(*) FROM message_search").fetchone()[0]


def test_one_index_row_per_message_however_many_recipients(app, people, monkeypatch):
    database = app.extensions["mailroom.database"]
    with app.app_context():
        recipients = [create_user(f"user{n}", "Many", f"Recipient{n}").id for n in range(40)]
    executed: list[str] = []
    original = database.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        executed.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", recording)
    with app.app_context():
        conversation = start_conversation(
            sender=people["ana"],
            recipient_ids=recipients,
            subject="To everyone",
            text="Hello all.",
            message_type="PRIVATE",
        )
        add_reply(conversation, people["ana"], "And again.")
    monkeypatch.undo()
    assert sum("INSERT INTO message_search" in sql for sql in executed) == 2
    assert index_rows(app) == 2


def test_a_failed_send_leaves_nothing_in_the_index(app, people):
    from kernel.messaging import SendError

    with app.app_context(), pytest.raises(SendError):
        start_conversation(
            sender=people["ana"],
            recipient_ids=set(),
            subject="Nobody",
            text="x",
            message_type="PRIVATE",
        )
    assert index_rows(app) == 0


def test_deleted_conversations_leave_the_index(app, converse, people, sign_in):
    kept = converse(subject="Kept thread", text="cholera")
    gone = converse(subject="Gone thread", text="cholera")
    with app.app_context():
        add_reply(gone, people["ben"], "cholera again")
        Conversation.delete_by_id(gone.id)
        assert not Message.select().where(Message.conversation == gone.id).exists()
    assert index_rows(app) == 1
    assert subjects(sign_in(app, "ben"), "cholera") == [kept.subject]


def _rebuild(app) -> None:
    """Drop the index and run its migration again, as on a database that predates it."""
    database = app.extensions["mailroom.database"]
    with app.app_context():
        migrator = SchemaMigrator.from_database(database)
        with database.atomic():
            migration.down(migrator, database)
        assert "message_search" not in database.get_tables()
        with database.atomic():
            migration.up(migrator, database)
            for later in later_migrations:
                later.up(migrator, database)
        database.close()


def test_migration_backfills_existing_messages_with_their_internal_flag(
    app, converse, people, sign_in
):
    conversation = converse(
        sender="ana", to=("ben", "admin"), subject="São Tomé stock", text="Vaccines arrived."
    )
    converse(sender="eve", to=("ben",), subject="Other", text="Nothing.")
    with app.app_context():
        add_reply(conversation, people["ben"], "Zanzibar note", internal=True)
        add_reply(conversation, None, "System check passed")
    _rebuild(app)
    assert index_rows(app) == 4
    ben = sign_in(app, "ben")
    assert subjects(ben, "sao tome") == ["São Tomé stock"]
    assert subjects(ben, "vacc arrived") == ["São Tomé stock"]
    assert subjects(ben, "ana banda") == ["São Tomé stock"]
    assert subjects(ben, "outsider") == ["Other"]
    assert subjects(ben, "system check") == ["São Tomé stock"]
    assert subjects(ben, "zanzibar") == []
    assert subjects(sign_in(app, "admin"), "zanzibar") == ["São Tomé stock"]
    # Written after the rebuild, new messages are indexed as before.
    converse(subject="Fresh")
    assert subjects(ben, "fresh") == ["Fresh"]


def test_backfill_works_through_the_messages_in_chunks(app, converse, sign_in):
    for n in range(5):
        converse(subject=f"Measles {n}")
    database = app.extensions["mailroom.database"]
    with app.app_context():
        with database.atomic():
            database.execute_sql("DELETE FROM message_search")
            assert migration.backfill(database, chunk_size=2) == 5
        database.close()
    assert subjects(sign_in(app, "ben"), "measles") == [f"Measles {n}" for n in range(4, -1, -1)]


def test_a_renamed_sender_keeps_the_old_name_until_the_index_is_rebuilt(app, converse, sign_in):
    converse(sender="ana", subject="Malaria report")
    with app.app_context():
        User.update(surname="Mwale").where(User.username == "ana").execute()
    ben = sign_in(app, "ben")
    assert subjects(ben, "banda") == ["Malaria report"]
    assert subjects(ben, "mwale") == []
    with app.app_context():
        start_conversation(
            sender=User.by_username("ana"),
            recipient_ids={User.by_username("ben").id},
            subject="Newer report",
            text="x",
            message_type="PRIVATE",
        )
    assert subjects(ben, "mwale") == ["Newer report"]
    _rebuild(app)
    assert subjects(ben, "mwale") == ["Newer report", "Malaria report"]
    assert subjects(ben, "banda") == []


def test_upgrading_a_database_with_messages_indexes_them(tmp_path):
    """A database migrated before the search index existed, upgraded by ``mailroom init``."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}",
            "INSTANCE_PATH": tmp_path,
            "PLUGINS": ["user_messages"],
            "SECRET_KEY": "test",
            "PASSWORD_HASH_PARAMS": FAST_HASH,
            "TESTING": True,
        }
    )
    database = app.extensions["mailroom.database"]
    assert isinstance(database, SqliteDatabase)
    with app.app_context():
        Runner(database, str(MIGRATIONS), table_name=history_table("kernel")).up("0001_initial")
        assert "message_search" not in database.get_tables()
        ana = create_user("ana", "Ana", "Banda", password=PASSWORD)
        ben = create_user("ben", "Ben", "Phiri", password=PASSWORD)
        # Written as the code of that time did: without the index.
        for n in range(3):
            conversation = Conversation.create(
                subject=f"Old report {n}", message_type="PRIVATE", last_sender=ana
            )
            Message.create(conversation=conversation, text="Vaccination figures", sender=ana)
            for user in (ana, ben):
                # The columns of that time: the model has more now.
                Table("participant").bind(database).insert(
                    conversation_id=conversation.id,
                    user_id=user.id,
                    message_type="PRIVATE",
                    last_message=conversation.last_message,
                    read=False,
                    follow_up=False,
                ).execute()
        applied = apply_migrations(database, app.extensions["mailroom.hooks"])
        assert "0003_search_index" in applied["kernel"]
        database.close()
    browser = Browser(app.test_client())
    browser.login("ben")
    assert sorted(subjects(browser, "vaccination banda")) == [
        "Old report 0",
        "Old report 1",
        "Old report 2",
    ]


def test_deleting_one_message_removes_only_its_row(app, converse, people, sign_in):
    conversation = converse(subject="Thread", text="first cholera")
    with app.app_context():
        reply = add_reply(conversation, people["ben"], "second malaria")
        add_reply(conversation, people["ana"], "third measles")
        Message.delete_by_id(reply.id)
    assert index_rows(app) == 2
    ben = sign_in(app, "ben")
    assert subjects(ben, "malaria") == []
    assert subjects(ben, "cholera") == ["Thread"]
    assert subjects(ben, "measles") == ["Thread"]


def test_sqlite_rowids_carry_the_conversation_and_the_internal_flag(app, converse, people):
    from kernel.db import is_sqlite
    from kernel.search.index import CONVERSATION_SPAN

    first = converse(subject="First")
    second = converse(subject="Second")
    with app.app_context():
        if not is_sqlite():
            pytest.skip("the rowid layout is SQLite's")
        add_reply(first, people["ben"], "public")
        add_reply(first, people["ben"], "internal", internal=True)
        add_reply(second, people["ben"], "internal", internal=True)
        add_reply(first, people["ana"], "public again")
        database = app.extensions["mailroom.database"]
        rowids = [
            row[0]
            for row in database.execute_sql("SELECT rowid FROM message_search ORDER BY rowid")
        ]
    one, two = first.id * CONVERSATION_SPAN, second.id * CONVERSATION_SPAN
    assert rowids == [one, one + 2, one + 5, one + 6, two, two + 3]


def test_a_conversations_index_rows_can_be_read_by_its_id(app, converse, people):
    """What a common word's search checks row by row (kernel.search.query): on SQLite the
    folded words FTS5 stores for the conversation's rowid range, on PostgreSQL the rows
    found through the index on ``conversation_id`` (migration 0005)."""
    from kernel.db import is_sqlite
    from kernel.search.index import CONVERSATION_SPAN

    conversation = converse(sender="ana", subject="São Tomé stock", text="Vaccines: 12 boxes!")
    database = app.extensions["mailroom.database"]
    with app.app_context():
        if is_sqlite():
            first = conversation.id * CONVERSATION_SPAN
            stored = database.execute_sql(
                "SELECT c0, c1, c2 FROM message_search_content WHERE id BETWEEN ? AND ?",
                (first, first + CONVERSATION_SPAN - 1),
            ).fetchall()
            assert stored == [("sao tome stock", "vaccines 12 boxes", "ana banda")]
        else:
            indexes = {index.name for index in database.get_indexes("message_search")}
            assert "message_search_conversation" in indexes
