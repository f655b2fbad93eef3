"""Metadata import lists ``validationNotificationTemplates`` and ``validationRules`` (DHIS2
JSON), created or updated by id, after user groups (which templates name as recipients).

A template with both ``notifyUsersInHierarchyOnly`` and ``notifyParentOrganisationUnitOnly``
true is refused in the report (E4027); DHIS2 would quietly apply only the hierarchy one."""

from __future__ import annotations

from typing import Any

from kernel.contributions import MetadataSection
from kernel.metadata import SectionJob, errors
from kernel.metadata.job import ImportStrategy
from kernel.metadata.steps import (
    Incoming,
    ObjectReader,
    check_unique,
    delete_in,
    delete_named,
    insert_new,
    insert_rows,
    match_existing,
    read_objects,
    resolve_references,
    still_in,
)
from kernel.models import UserGroup
from plugins.system_alerts.models import (
    Importance,
    NotificationTemplate,
    RuleTemplate,
    SendStrategy,
    TemplateGroup,
    ValidationRule,
)

TEMPLATE = "ValidationNotificationTemplate"
RULE = "ValidationRule"
IN_HIERARCHY = "notifyUsersInHierarchyOnly"
AT_PARENT = "notifyParentOrganisationUnitOnly"


def sections() -> list[MetadataSection]:
    return [
        MetadataSection(
            key="validationNotificationTemplates", klass=TEMPLATE, order=70, run=import_templates
        ),
        MetadataSection(key="validationRules", klass=RULE, order=80, run=import_rules),
    ]


def _choice(reader: ObjectReader, prop: str, allowed: type, default: str) -> str:
    value = reader.item.data.get(prop)
    if value is None:
        return default
    if not isinstance(value, str) or value.upper() not in allowed.__members__:
        reader.refuse(errors.bad_value(prop, value, " or ".join(allowed.__members__)))
        return default
    return value.upper()


def import_templates(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        delete_named(items, NotificationTemplate, job)
        job.advance(len(objects))
        return
    for item in items:
        reader = ObjectReader(item, job)
        name = reader.text("name", 230, required=True)
        message = reader.text("messageTemplate", 10_000, required=True)
        in_hierarchy = bool(reader.boolean(IN_HIERARCHY))
        at_parent = bool(reader.boolean(AT_PARENT))
        if in_hierarchy and at_parent:
            # DHIS2 would quietly apply only the hierarchy option; refuse the template instead.
            expected = f"false when `{IN_HIERARCHY}` is true (choose one of the two)"
            reader.refuse(errors.bad_value(AT_PARENT, True, expected))
        item.values = {
            "name": name,
            "subject_template": reader.text("subjectTemplate", 255) or name,
            "message_template": message,
            "notify_users_in_hierarchy_only": in_hierarchy,
            "notify_parent_org_unit_only": at_parent,
            "send_strategy": _choice(
                reader, "sendStrategy", SendStrategy, SendStrategy.SINGLE_NOTIFICATION.value
            ),
            "groups": reader.references("recipientUserGroups"),
        }
    items = match_existing(still_in(items, job), NotificationTemplate, job)
    items = check_unique(items, "name", NotificationTemplate.name, job)
    groups = resolve_references(items, "groups", UserGroup, "UserGroup", job)
    items = still_in(items, job)
    _save(items, NotificationTemplate, ("groups",), job)
    listed = [item for item in items if item.values["groups"] is not None]
    delete_in(TemplateGroup.template, (item.row_id for item in listed))
    insert_rows(
        [TemplateGroup.template, TemplateGroup.group],
        ((item.row_id, groups[uid]) for item in listed for uid in item.values["groups"]),
    )
    job.advance(len(objects))


def import_rules(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        delete_named(items, ValidationRule, job)
        job.advance(len(objects))
        return
    for item in items:
        reader = ObjectReader(item, job)
        item.values = {
            "name": reader.text("name", 230, required=True),
            "importance": _choice(reader, "importance", Importance, Importance.MEDIUM.value),
            "description": reader.text("description", 10_000),
            "templates": reader.references("notificationTemplates"),
        }
    items = match_existing(still_in(items, job), ValidationRule, job)
    items = check_unique(items, "name", ValidationRule.name, job)
    templates = resolve_references(items, "templates", NotificationTemplate, TEMPLATE, job)
    items = still_in(items, job)
    _save(items, ValidationRule, ("templates",), job)
    listed = [item for item in items if item.values["templates"] is not None]
    delete_in(RuleTemplate.rule, (item.row_id for item in listed))
    insert_rows(
        [RuleTemplate.rule, RuleTemplate.template],
        ((item.row_id, templates[uid]) for item in listed for uid in item.values["templates"]),
    )
    job.advance(len(objects))


def _save(items: list[Incoming], model: Any, links: tuple[str, ...], job: SectionJob) -> None:
    """Insert the new objects and update the stored ones (rules and templates are few)."""

    def row_of(item: Incoming) -> dict[str, Any]:
        return {k: v for k, v in item.values.items() if k not in links}

    new = [item for item in items if item.row_id is None]
    stored = [item for item in items if item.row_id is not None]
    insert_new(model, new, row_of)
    for item in stored:
        model.update(**row_of(item)).where(model.id == item.row_id).execute()
    job.created(len(new))
    job.updated(len(stored))
