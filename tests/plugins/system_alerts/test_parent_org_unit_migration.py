"""Migration 0002 of system_alerts: "notify parent organisation unit only" added to a
database that already holds notification templates, with their links intact."""

from __future__ import annotations

from pathlib import Path

from peewee import Table
from playhouse.migrations import Runner

import plugins.system_alerts.migrations
from kernel.migrate import history_table
from plugins.system_alerts.models import NotificationTemplate, ValidationRule

MIGRATIONS = Path(plugins.system_alerts.migrations.__file__).parent
NAME = "0002_parent_org_unit_only"
TABLE = "validation_notification_template"
COLUMN = "notify_parent_org_unit_only"


def columns(database) -> set[str]:
    return {column.name for column in database.get_columns(TABLE)}


def test_upgrading_a_database_with_templates_adds_the_option_switched_off(app, managers):
    database = app.extensions["mailroom.database"]
    runner = Runner(database, str(MIGRATIONS), table_name=history_table("system_alerts"))
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert runner.down(target=NAME) == [NAME]
        try:
            assert COLUMN not in columns(database)
            # Written as the code before the migration did, without the new column.
            Table(TABLE).bind(database).insert(
                uid="tmplOld0001", name="Old alert", subject_template="V{rule_name}",
                message_template="V{org_unit_name}", notify_users_in_hierarchy_only=True,
                send_strategy="SINGLE_NOTIFICATION",
            ).execute()  # fmt: skip
            template_id = database.execute_sql(
                f"SELECT id FROM {TABLE} WHERE uid = 'tmplOld0001'"
            ).fetchone()[0]
            Table("validation_template_group").bind(database).insert(
                template_id=template_id, group_id=managers.id
            ).execute()
            rule = ValidationRule.create(name="ANC", importance="HIGH")
            Table("validation_rule_template").bind(database).insert(
                rule_id=rule.id, template_id=template_id
            ).execute()
        finally:
            applied = runner.up()
        assert applied == [NAME]
        template = NotificationTemplate.get(NotificationTemplate.uid == "tmplOld0001")
        assert template.notify_parent_org_unit_only is False
        assert template.notify_users_in_hierarchy_only is True
        # Nothing cascaded away while the table changed.
        assert template.group_uids() == [managers.uid]
        assert [t.uid for t in rule.templates()] == ["tmplOld0001"]
        # The schema's own default: a writer that does not know the column still stores False.
        database.execute_sql(
            f"INSERT INTO {TABLE} (uid, name, subject_template, message_template, "
            "notify_users_in_hierarchy_only, send_strategy) "
            "VALUES ('tmplOld0002', 'Older writer', 's', 'm', FALSE, 'SINGLE_NOTIFICATION')"
        )
        older = NotificationTemplate.get(NotificationTemplate.uid == "tmplOld0002")
        assert older.notify_parent_org_unit_only is False
        database.close()
