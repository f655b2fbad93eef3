"""The feedback change log."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class Conversation(Model):
        class Meta:
            database = db
            table_name = "conversation"

    class FeedbackChange(Model):
        conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        field = CharField(max_length=32)
        old = CharField(null=True, max_length=64)
        new = CharField(null=True, max_length=64)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "feedback_change"
            indexes = ((("conversation", "at"), False),)

    db.create_tables([FeedbackChange])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("feedback_change"))
