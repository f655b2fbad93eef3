"""Make ``conversation.ext_message_id`` unique, so a producer's message is sent once.

``send_system_message`` checked for the id before inserting; two workers running the same
job could both pass the check and both send. With a unique index the second insert fails
and the sender answers "already sent".

Duplicates that race left behind keep their conversation: all but the oldest get ``#``
and their row id appended (the prefix, which the failure reports match on, is kept).
"""


def up(migrator, db):
    db.execute_sql(
        "UPDATE conversation"
        " SET ext_message_id = SUBSTR(ext_message_id, 1, 40) || '#' || CAST(id AS VARCHAR(20))"
        " WHERE ext_message_id IN ("
        "   SELECT ext_message_id FROM conversation WHERE ext_message_id IS NOT NULL"
        "   GROUP BY ext_message_id HAVING COUNT(*) > 1)"
        " AND id NOT IN ("
        "   SELECT MIN(id) FROM conversation WHERE ext_message_id IS NOT NULL"
        "   GROUP BY ext_message_id)"
    )
    db.execute_sql('DROP INDEX IF EXISTS "conversation_ext_message_id"')
    db.execute_sql(
        'CREATE UNIQUE INDEX "conversation_ext_message_id" ON "conversation" ("ext_message_id")'
    )
