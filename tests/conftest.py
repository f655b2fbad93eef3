"""Test harness: a real database per backend, apps built by a factory, and a browser-like
client that signs in and sends CSRF tokens the way a form would.

Every test that touches the database runs on SQLite and, when
``MAILROOM_TEST_DATABASE_URL`` is set, on PostgreSQL too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from peewee import PostgresqlDatabase
from playhouse.db_url import connect

from kernel import create_app
from kernel.migrate import apply_migrations
from kernel.models import User, UserGroup
from kernel.people import create_user

PASSWORD = "district"
FAST_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
FTS5_SHADOW_TABLES = ("data", "idx", "content", "docsize", "config")
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("MAILROOM_TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'mailroom.db'}"
    url = os.environ["MAILROOM_TEST_DATABASE_URL"]
    # Start from an empty schema so migrations run from the first one.
    real = connect(url)
    real.execute_sql("DROP SCHEMA public CASCADE")
    real.execute_sql("CREATE SCHEMA public")
    real.close()
    return url


def _empty_tables(url: str) -> None:
    # A fresh connection: the test may have pointed the shared proxy elsewhere.
    real = connect(url)
    tables = [t for t in real.get_tables() if not t.startswith("migrations_")]
    if not tables:
        return
    real.connect(reuse_if_open=True)
    if isinstance(real, PostgresqlDatabase):
        real.execute_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        # An FTS5 table empties itself through its own DELETE; emptying its shadow tables
        # directly would corrupt it.
        virtual = [
            row[0]
            for row in real.execute_sql(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ]
        shadows = {f"{v}_{suffix}" for v in virtual for suffix in FTS5_SHADOW_TABLES}
        real.execute_sql("PRAGMA foreign_keys = OFF")
        for table in (t for t in tables if t not in shadows):
            real.execute_sql(f'DELETE FROM "{table}"')
        real.execute_sql("PRAGMA foreign_keys = ON")
    real.close()


@pytest.fixture
def make_app(database_url: str, tmp_path) -> Iterator:
    """Build an app on the test database: ``make_app(plugins=[...], extra_plugins=[...])``.

    ``plugins=None`` enables every installed plugin, ``[]`` none.
    """
    built: list[Flask] = []

    def factory(plugins: list[str] | None = None, extra_plugins=(), **config) -> Flask:
        app = create_app(
            {
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": tmp_path / "instance",
                "PLUGINS": plugins,
                "EXTRA_PLUGINS": list(extra_plugins),
                "SECRET_KEY": "test-secret",
                "PASSWORD_HASH_PARAMS": FAST_HASH,
                "TESTING": True,
                **config,
            }
        )
        with app.app_context():
            apply_migrations(app.extensions["mailroom.database"], app.extensions["mailroom.hooks"])
            app.extensions["mailroom.database"].close()
        built.append(app)
        return app

    yield factory
    for app in built:
        # Every pooled connection, so a long run never holds hundreds open.
        app.extensions["mailroom.database"].close_all()
    if built:
        _empty_tables(database_url)


@pytest.fixture
def app(make_app) -> Flask:
    """The app with every installed plugin."""
    return make_app()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for calling kernel functions directly.

    Requests made while it is pushed share its ``g`` (Flask reuses an outer app context),
    so tests that also drive pages should push contexts only around direct calls.
    """
    database = app.extensions["mailroom.database"]
    with app.app_context():
        database.connect(reuse_if_open=True)
        yield app
        if not database.is_closed():
            database.close()


class Browser:
    """A test client that behaves like a person's browser: it signs in and submits forms
    with the CSRF token the page gave it."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf: str | None = None

    def _remember(self, response):
        match = self.TOKEN.search(response.get_data(as_text=True))
        if match:
            self.csrf = match.group(1) or match.group(2)
        return response

    def get(self, url: str, **kwargs):
        return self._remember(self.client.get(url, **kwargs))

    def post(self, url: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.csrf is None:
                self.get("/login")
            data.setdefault("csrf_token", self.csrf)
        return self._remember(self.client.post(url, data=data, **kwargs))

    def login(self, username: str, password: str = PASSWORD):
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        self.csrf = None
        self.get("/")
        return response


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def sign_in():
    """``sign_in(app, username)``: a new browser on ``app``, signed in as that user."""

    def _sign_in(app: Flask, username: str, password: str = PASSWORD) -> Browser:
        browser = Browser(app.test_client())
        browser.login(username, password)
        return browser

    return _sign_in


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    """A superuser (admin), two colleagues (ana, ben) in "District officers", and an
    outsider (eve)."""
    with app.app_context():
        staff = UserGroup.create(name="District officers")
        return {
            "admin": create_user("admin", "Ada", "Admin", password=PASSWORD, superuser=True),
            "ana": create_user("ana", "Ana", "Banda", password=PASSWORD, groups=[staff]),
            "ben": create_user("ben", "Ben", "Phiri", password=PASSWORD, groups=[staff]),
            "eve": create_user("eve", "Eve", "Outsider", password=PASSWORD),
        }


@pytest.fixture
def converse(app: Flask, people):
    """``converse(sender, to, subject, text)``: a PRIVATE conversation between people."""
    from kernel.messaging import start_conversation

    def _converse(
        sender: str | None = "ana",
        to: tuple[str, ...] = ("ben",),
        subject: str = "Stock-out of ORS",
        text: str = "No ORS sachets since Monday.",
        message_type: str = "PRIVATE",
    ):
        with app.app_context():
            return start_conversation(
                sender=people[sender] if sender else None,
                recipient_ids={people[name].id for name in to},
                subject=subject,
                text=text,
                message_type=message_type,
            )

    return _converse
