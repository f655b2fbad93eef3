"""Notification templates get "notify parent organisation unit only" (DHIS2's
``notifyParentOrganisationUnitOnly``); existing templates get False and notify as before.

One ``ADD COLUMN … NOT NULL DEFAULT FALSE`` (``add_column`` with ``allow_not_null`` and
the default in the schema), for two reasons. Peewee's plain ``add_column`` adds the column
nullable, fills it, then adds NOT NULL, which SQLite before 3.53 does by rebuilding the
table — safe only while peewee can switch foreign keys off (not inside a transaction),
else dropping the old table cascades to every template's groups and rules. And a process
still running the previous code (a rolling upgrade) inserts templates without the column:
the schema's default gives them False instead of a NOT NULL failure.
"""

from peewee import *

TABLE = "validation_notification_template"
COLUMN = "notify_parent_org_unit_only"


def up(migrator, db):
    field = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    migrator.migrate(migrator.add_column(TABLE, COLUMN, field, allow_not_null=True))


def down(migrator, db):
    migrator.migrate(migrator.drop_column(TABLE, COLUMN))
