"""The metadata hooks, through an inline plugin that imports DHIS2 organisation units and
users' assignments to them, into its own tables."""

from __future__ import annotations

from typing import Any

import pytest
from peewee import CharField, ForeignKeyField

from kernel import hookimpl
from kernel.contributions import MetadataSection, MetadataUserField, MigrationSource
from kernel.db import BaseModel, database
from kernel.metadata import ErrorReport, ImportStrategy, SectionJob, import_metadata
from kernel.metadata.steps import (
    ObjectReader,
    check_unique,
    ids_by_uid,
    insert_new,
    match_existing,
    read_objects,
    rows_to_delete,
    still_in,
)
from kernel.models import User
from kernel.plugins import PluginError
from tests.metadata.conftest import KADI, MUSA, errors_of, sample, user

SIERRA_LEONE = "ImspTQPwCqd"
BO = "O6uvpzGd5pu"

MIGRATION = """
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class OrgUnit(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)

        class Meta:
            database = db
            table_name = "test_org_unit"

    class UserOrgUnit(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "test_user_org_unit"

    db.create_tables([OrgUnit, UserOrgUnit])
"""


class OrgUnit(BaseModel):
    uid = CharField(unique=True, max_length=11)
    name = CharField(unique=True, max_length=230)

    class Meta:
        table_name = "test_org_unit"


class UserOrgUnit(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE")
    org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

    class Meta:
        table_name = "test_user_org_unit"


class OrgUnits:
    """Imports ``organisationUnits`` before users, and each user's ``organisationUnits``."""

    def __init__(self, migrations) -> None:
        self.migrations = migrations
        self.checked: list[dict[int, Any]] = []

    @hookimpl
    def mailroom_migrations(self):
        return MigrationSource(name="test_org_units", directory=self.migrations)

    @hookimpl
    def mailroom_metadata_sections(self) -> list[MetadataSection]:
        return [
            MetadataSection(
                key="organisationUnits", klass="OrganisationUnit", order=20, run=self.import_units
            )
        ]

    @hookimpl
    def mailroom_metadata_user_fields(self) -> list[MetadataUserField]:
        return [MetadataUserField(key="organisationUnits", check=self.check, save=self.save)]

    def import_units(self, objects: list[Any], job: SectionJob) -> None:
        items = read_objects(objects, job)
        if job.strategy is ImportStrategy.DELETE:
            ids = rows_to_delete(items, OrgUnit, job)
            OrgUnit.delete().where(OrgUnit.id.in_(ids)).execute()
            job.deleted(len(ids))
            job.advance(len(objects))
            return
        for item in items:
            item.values["name"] = ObjectReader(item, job).text("name", 230, required=True)
        items = check_unique(
            match_existing(still_in(items, job), OrgUnit, job), "name", OrgUnit.name, job
        )
        new = [item for item in items if item.row_id is None]
        stored = [item for item in items if item.row_id is not None]
        insert_new(OrgUnit, new, lambda item: {"name": item.values["name"]})
        for item in stored:
            OrgUnit.update(name=item.values["name"]).where(OrgUnit.id == item.row_id).execute()
        job.created(len(new))
        job.updated(len(stored))
        job.advance(len(objects))

    def check(self, values: dict[int, Any]) -> dict[int, ErrorReport]:
        self.checked.append(values)
        known = ids_by_uid(OrgUnit, (ref.get("id") for refs in values.values() for ref in refs))
        return {
            index: ErrorReport(f"Invalid reference {ref['id']} (OrganisationUnit)", "E5002")
            for index, refs in values.items()
            for ref in refs
            if ref.get("id") not in known
        }

    def save(self, values: dict[int, Any]) -> None:
        known = ids_by_uid(OrgUnit, (ref["id"] for refs in values.values() for ref in refs))
        UserOrgUnit.delete().where(UserOrgUnit.user.in_(list(values))).execute()
        UserOrgUnit.insert_many(
            [
                {"user": user_id, "org_unit": known[ref["id"]]}
                for user_id, refs in values.items()
                for ref in refs
            ]
        ).execute()


@pytest.fixture
def org_units(make_app, tmp_path):
    """An app with the org-unit plugin; its tables are dropped afterwards."""
    migrations = tmp_path / "org_unit_migrations"
    migrations.mkdir()
    (migrations / "0001_initial.py").write_text(MIGRATION)
    plugin = OrgUnits(migrations)
    app = make_app(plugins=[], extra_plugins=[plugin])
    yield app, plugin
    with app.app_context():
        for table in ("test_user_org_unit", "test_org_unit", "migrations_test_org_units"):
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
        database.close()


def with_units(**user_units: list[str]) -> dict[str, Any]:
    payload = sample()
    payload["organisationUnits"] = [
        {"id": SIERRA_LEONE, "name": "Sierra Leone"},
        {"id": BO, "name": "Bo"},
    ]
    for item in payload["users"]:
        username = item.get("username") or item["userCredentials"]["username"]
        if username in user_units:
            item["organisationUnits"] = [{"id": uid} for uid in user_units[username]]
    return payload


def assignments(app) -> dict[str, set[str]]:
    with app.app_context():
        rows = (
            UserOrgUnit.select(UserOrgUnit, User, OrgUnit)
            .join(User)
            .switch(UserOrgUnit)
            .join(OrgUnit)
        )
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row.user.username, set()).add(row.org_unit.uid)
        return found


def test_mailroom_metadata_sections_imports_a_plugin_list_before_users(org_units):
    app, plugin = org_units
    with app.app_context():
        report = import_metadata(with_units(kadi=[SIERRA_LEONE, BO], musa=[BO])).to_dict()

    assert report["status"] == "OK"
    assert [t["klass"] for t in report["typeReports"]] == [
        "UserRole",
        "OrganisationUnit",
        "User",
        "UserGroup",
    ]
    assert report["typeReports"][1]["stats"]["created"] == 2
    assert assignments(app) == {"kadi": {SIERRA_LEONE, BO}, "musa": {BO}}


def test_mailroom_metadata_user_fields_are_checked_by_position_and_saved_by_user_id(org_units):
    app, plugin = org_units
    with app.app_context():
        import_metadata(with_units(musa=[BO]))
        assert plugin.checked == [{1: [{"id": BO}]}]  # only users that have the property
        report = import_metadata(with_units(kadi=[SIERRA_LEONE])).to_dict()
    assert report["stats"]["updated"] == 7
    # Musa's assignment stays: this file gives Musa no organisationUnits.
    assert assignments(app) == {"kadi": {SIERRA_LEONE}, "musa": {BO}}


def test_a_user_field_error_refuses_the_user_and_atomic_all_rolls_back_plugin_tables(org_units):
    app, _ = org_units
    payload = with_units(kadi=["unknownUnit"], musa=[BO])
    with app.app_context():
        report = import_metadata(payload).to_dict()
        assert report["status"] == "ERROR"
        assert errors_of(report) == [("User", 0, KADI, "E5002", "organisationUnits")]
        assert OrgUnit.select().count() == 0 and User.select().count() == 0

        report = import_metadata(payload, atomic_mode="NONE").to_dict()
    assert report["status"] == "WARNING"
    assert assignments(app) == {"musa": {BO}}


def test_plugin_section_errors_are_reported_under_its_class(org_units):
    app, _ = org_units
    with app.app_context():
        report = import_metadata(
            {"organisationUnits": [{"id": BO}, {"id": BO, "name": "Bo"}]}, atomic_mode="NONE"
        ).to_dict()
    assert errors_of(report) == [
        ("OrganisationUnit", 0, BO, "E4000", "name"),
        ("OrganisationUnit", 1, BO, "E5004", "id"),
    ]


def test_delete_runs_lists_in_reverse_order(org_units):
    app, _ = org_units
    progress: list[str] = []
    with app.app_context():
        import_metadata(with_units(kadi=[BO]))
        report = import_metadata(
            {"organisationUnits": [{"id": BO}], "users": [{"id": KADI}]},
            import_strategy="DELETE",
            progress=lambda done, total: progress.append(f"{done}/{total}"),
        ).to_dict()
        assert [t["klass"] for t in report["typeReports"]] == ["User", "OrganisationUnit"]
        assert report["stats"]["deleted"] == 2
        assert OrgUnit.select().count() == 1 and User.get_or_none(User.uid == KADI) is None
        assert User.get_or_none(User.uid == MUSA) is not None
    assert progress == ["1/2", "2/2"]
    assert assignments(app) == {}


def test_two_plugins_importing_the_same_list_fail_start_up(make_app):
    class Units:
        @hookimpl
        def mailroom_metadata_sections(self):
            return [MetadataSection(key="users", klass="User", run=lambda objects, job: None)]

    with pytest.raises(PluginError, match="metadata section 'users'"):
        make_app(plugins=[], extra_plugins=[Units()])


def test_progress_is_reported_while_users_are_written(app, run_import):
    seen: list[tuple[int, int]] = []
    payload = {"users": [user(f"user{n:07d}", f"user{n}") for n in range(2500)]}

    run_import(payload, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]
