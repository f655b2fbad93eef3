"""The notices plugin's first schema: one row per notice sent.

Models are frozen here as they were when this ran; later changes are new numbered scripts.
"""

from peewee import *  # noqa: F403


def up(migrator, db):
    class Conversation(Model):
        # Only what the foreign key needs: the kernel's migrations own this table.
        class Meta:
            database = db
            table_name = "conversation"

    class SentNotice(Model):
        conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
        recipient_count = IntegerField()

        class Meta:
            database = db
            table_name = "notices_sent_notice"

    db.create_tables([SentNotice])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("notices_sent_notice"))
