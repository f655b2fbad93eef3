"""Personal access tokens for the Web API (only a hash of each token is stored), and the
index the API's conversation list needs: a user's conversations across every folder,
newest first (the inbox's own index starts with the folder)."""

from peewee import *  # noqa: F403


def up(migrator, db):
    class User(Model):
        # Only what the foreign key needs: 0001 owns this table.
        class Meta:
            database = db
            table_name = "user_account"

    class ApiToken(Model):
        uid = CharField(unique=True, max_length=11)
        owner = ForeignKeyField(User, on_delete="CASCADE")
        name = CharField(max_length=100)
        token_hash = CharField(unique=True, max_length=64)
        created = DateTimeField()
        expires = DateTimeField(null=True)
        last_used = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "api_token"

    db.create_tables([ApiToken])
    migrator.migrate(
        migrator.add_index("participant", ("user_id", "last_message", "conversation_id"), False)
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("participant", "participant_user_id_last_message_conversation_id")
    )
    migrator.migrate(migrator.drop_table("api_token"))
