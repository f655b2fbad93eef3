"""Org units with their paths and assignment counts, org unit groups, user assignments."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class OrgUnit(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(max_length=230)
        short_name = CharField(null=True, max_length=50)
        code = CharField(unique=True, null=True, max_length=50)
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        level = IntegerField()
        path = CharField(unique=True)
        assignments = IntegerField(default=0)
        subtree_assignments = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "orgunit_org_unit"
            indexes = ((("parent", "name"), False),)

    class OrgUnitGroup(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)
        code = CharField(unique=True, null=True, max_length=50)

        class Meta:
            database = db
            table_name = "orgunit_group"

    class OrgUnitGroupMember(Model):
        group = ForeignKeyField(OrgUnitGroup, on_delete="CASCADE")
        org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "orgunit_group_member"
            indexes = ((("group", "org_unit"), True),)

    class UserOrgUnit(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "orgunit_user_org_unit"
            indexes = ((("user", "org_unit"), True),)

    db.create_tables([OrgUnit, OrgUnitGroup, OrgUnitGroupMember, UserOrgUnit])


def down(migrator, db):
    for table in (
        "orgunit_user_org_unit",
        "orgunit_group_member",
        "orgunit_group",
        "orgunit_org_unit",
    ):
        migrator.migrate(migrator.drop_table(table))
