"""Validation rules, notification templates (with recipient groups), and results."""

from peewee import *


def up(migrator, db):
    class UserGroup(Model):
        class Meta:
            database = db
            table_name = "user_group"

    class ValidationRule(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)
        importance = CharField(max_length=8, default="MEDIUM")
        description = TextField(null=True)

        class Meta:
            database = db
            table_name = "validation_rule"

    class NotificationTemplate(Model):
        uid = CharField(unique=True, max_length=11)
        name = CharField(unique=True, max_length=230)
        subject_template = CharField(max_length=255)
        message_template = TextField()
        notify_users_in_hierarchy_only = BooleanField(default=False)
        send_strategy = CharField(max_length=24, default="SINGLE_NOTIFICATION")

        class Meta:
            database = db
            table_name = "validation_notification_template"

    class TemplateGroup(Model):
        template = ForeignKeyField(NotificationTemplate, on_delete="CASCADE")
        group = ForeignKeyField(UserGroup, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "validation_template_group"
            indexes = ((("template", "group"), True),)

    class RuleTemplate(Model):
        rule = ForeignKeyField(ValidationRule, on_delete="CASCADE")
        template = ForeignKeyField(NotificationTemplate, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "validation_rule_template"
            indexes = ((("rule", "template"), True),)

    class ValidationResult(Model):
        uid = CharField(unique=True, max_length=11)
        rule = ForeignKeyField(ValidationRule, on_delete="CASCADE")
        org_unit_uid = CharField(max_length=11)
        org_unit_name = CharField(null=True, max_length=230)
        period = CharField(max_length=32)
        attribute_option_combo = CharField(null=True, max_length=11)
        left_side_value = DoubleField(null=True)
        right_side_value = DoubleField(null=True)
        created = DateTimeField()
        notification_sent = BooleanField(default=False, index=True)

        class Meta:
            database = db
            table_name = "validation_result"

    db.create_tables(
        [ValidationRule, NotificationTemplate, TemplateGroup, RuleTemplate, ValidationResult]
    )


def down(migrator, db):
    for table in (
        "validation_result",
        "validation_rule_template",
        "validation_template_group",
        "validation_notification_template",
        "validation_rule",
    ):
        migrator.migrate(migrator.drop_table(table))
