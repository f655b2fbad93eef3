"""Validation rules, their notification templates, and the validation results to notify.

Mirrors DHIS2's ``ValidationRule`` (importance), ``ValidationNotificationTemplate``
(recipient groups, hierarchy-only or parent-org-unit-only, send strategy, subject and
message with ``V{…}`` variables) and persisted ``ValidationResult`` (``notificationSent``).
"""

from __future__ import annotations

from enum import StrEnum

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    TextField,
)

from kernel.db import BaseModel
from kernel.models import UserGroup
from kernel.models.clock import utcnow
from kernel.uid import generate_uid


class Importance(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class SendStrategy(StrEnum):
    SINGLE_NOTIFICATION = "SINGLE_NOTIFICATION"
    COLLECTIVE_SUMMARY = "COLLECTIVE_SUMMARY"


class ValidationRule(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230, unique=True)
    importance = CharField(max_length=8, default=Importance.MEDIUM.value)
    description = TextField(null=True)

    class Meta:
        table_name = "validation_rule"

    def templates(self) -> list[NotificationTemplate]:
        return list(
            NotificationTemplate.select()
            .join(RuleTemplate)
            .where(RuleTemplate.rule == self)
            .order_by(NotificationTemplate.name)
        )


class NotificationTemplate(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230, unique=True)
    subject_template = CharField(max_length=255)
    message_template = TextField()
    notify_users_in_hierarchy_only = BooleanField(default=False)
    # At most one of the two is set: the form and the import refuse both.
    notify_parent_org_unit_only = BooleanField(default=False)
    send_strategy = CharField(max_length=24, default=SendStrategy.SINGLE_NOTIFICATION.value)

    class Meta:
        table_name = "validation_notification_template"

    def group_uids(self) -> list[str]:
        return [
            g.uid
            for g in UserGroup.select(UserGroup.uid)
            .join(TemplateGroup)
            .where(TemplateGroup.template == self)
            .order_by(UserGroup.name)
        ]


class TemplateGroup(BaseModel):
    """A recipient user group of a notification template."""

    template = ForeignKeyField(NotificationTemplate, on_delete="CASCADE")
    group = ForeignKeyField(UserGroup, on_delete="CASCADE")

    class Meta:
        table_name = "validation_template_group"
        indexes = ((("template", "group"), True),)


class RuleTemplate(BaseModel):
    """A notification template of a validation rule (DHIS2: ``rule.notificationTemplates``)."""

    rule = ForeignKeyField(ValidationRule, on_delete="CASCADE")
    template = ForeignKeyField(NotificationTemplate, on_delete="CASCADE")

    class Meta:
        table_name = "validation_rule_template"
        indexes = ((("rule", "template"), True),)


class ValidationResult(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    rule = ForeignKeyField(ValidationRule, on_delete="CASCADE")
    # Org units belong to another plugin (maybe disabled): kept by uid, with the name when
    # the result named it, so a notification can say where without asking anyone.
    org_unit_uid = CharField(max_length=11)
    org_unit_name = CharField(max_length=230, null=True)
    period = CharField(max_length=32)
    attribute_option_combo = CharField(max_length=11, null=True)
    left_side_value = DoubleField(null=True)
    right_side_value = DoubleField(null=True)
    created = DateTimeField(default=utcnow)
    notification_sent = BooleanField(default=False, index=True)

    class Meta:
        table_name = "validation_result"

    @classmethod
    def unsent(cls) -> list[ValidationResult]:
        """Results not notified yet, with their rules (one query), oldest first."""
        return list(
            cls.select(cls, ValidationRule)
            .join(ValidationRule)
            .where(cls.notification_sent == False)  # noqa: E712 - peewee expression
            .order_by(cls.created, cls.id)
        )
