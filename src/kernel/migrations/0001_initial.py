"""The kernel's first schema: users, roles, groups, settings, conversations, messages, participants.

Defaults that are Python callables (uids, timestamps) live in the models, not the schema.
"""

from peewee import *  # noqa: F403


def up(migrator, db):
    class User(Model):
        uid = CharField(unique=True, max_length=11)
        username = CharField(unique=True)
        first_name = CharField(max_length=160)
        surname = CharField(max_length=160)
        email = CharField(null=True)
        password_hash = CharField(null=True)
        disabled = BooleanField(default=False)
        created = DateTimeField()
        last_login = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "user_account"

    db.create_tables([User])

    class Conversation(Model):
        uid = CharField(unique=True, max_length=11)
        subject = CharField()
        message_type = CharField(index=True, max_length=64)
        priority = CharField(max_length=16, default="NONE")
        status = CharField(max_length=16, default="NONE")
        assignee = ForeignKeyField(User, null=True, on_delete="SET NULL")
        last_sender = ForeignKeyField(User, null=True, on_delete="SET NULL")
        last_message = DateTimeField(index=True)
        message_count = IntegerField(default=0)
        ext_message_id = CharField(index=True, null=True, max_length=64)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created = DateTimeField()
        last_updated = DateTimeField()

        class Meta:
            database = db
            table_name = "conversation"

    db.create_tables([Conversation])

    class LoginFailure(Model):
        username = CharField()
        remote_addr = CharField(null=True, max_length=64)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "login_failure"
            indexes = ((("username", "at"), False),)

    db.create_tables([LoginFailure])

    class Message(Model):
        uid = CharField(unique=True, max_length=11)
        conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
        text = TextField()
        sender = ForeignKeyField(User, null=True, on_delete="SET NULL")
        internal = BooleanField(default=False)
        created = DateTimeField()
        metadata = CharField(null=True)

        class Meta:
            database = db
            table_name = "message"
            indexes = ((("conversation", "id"), False),)

    db.create_tables([Message])

    class Participant(Model):
        conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        message_type = CharField(max_length=64)
        last_message = DateTimeField()
        read = BooleanField(default=False)
        follow_up = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "participant"
            indexes = (
                (("conversation", "user"), True),
                (("user", "message_type", "last_message", "conversation"), False),
                (("user", "read", "message_type"), False),
            )

    db.create_tables([Participant])

    class UserRole(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)

        class Meta:
            database = db
            table_name = "user_role"

    db.create_tables([UserRole])

    class RoleAuthority(Model):
        role = ForeignKeyField(UserRole, on_delete="CASCADE")
        authority = CharField()

        class Meta:
            database = db
            table_name = "role_authority"
            indexes = ((("role", "authority"), True),)

    db.create_tables([RoleAuthority])

    class Setting(Model):
        key = CharField(primary_key=True, max_length=128)
        value = TextField()

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])

    class UserGroup(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)
        code = CharField(unique=True, null=True, max_length=50)
        member_count = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "user_group"

    db.create_tables([UserGroup])

    class UserGroupMember(Model):
        group = ForeignKeyField(UserGroup, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "user_group_member"
            indexes = ((("group", "user"), True),)

    db.create_tables([UserGroupMember])

    class UserRoleMember(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        role = ForeignKeyField(UserRole, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "user_role_member"
            indexes = ((("user", "role"), True),)

    db.create_tables([UserRoleMember])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("user_role_member"))
    migrator.migrate(migrator.drop_table("user_group_member"))
    migrator.migrate(migrator.drop_table("user_group"))
    migrator.migrate(migrator.drop_table("setting"))
    migrator.migrate(migrator.drop_table("role_authority"))
    migrator.migrate(migrator.drop_table("user_role"))
    migrator.migrate(migrator.drop_table("participant"))
    migrator.migrate(migrator.drop_table("message"))
    migrator.migrate(migrator.drop_table("login_failure"))
    migrator.migrate(migrator.drop_table("conversation"))
    migrator.migrate(migrator.drop_table("user_account"))
