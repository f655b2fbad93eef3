"""Reading and saving the validation rule and notification template forms: every field
checked before anything is written; errors by field, shown next to it."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from kernel.db import database
from kernel.models import UserGroup
from kernel.web.admin.form_input import chosen
from plugins.system_alerts.models import (
    Importance,
    NotificationTemplate,
    RuleTemplate,
    SendStrategy,
    TemplateGroup,
    ValidationRule,
)

NAME_MAX = 230
SUBJECT_MAX = 255
TEXT_MAX = 10_000


def _text(form: MultiDict, name: str, label: str, limit: int, errors: dict, required=True) -> str:
    value = form.get(name, "").strip()
    if required and not value:
        errors[name] = f"Enter the {label}."
    elif len(value) > limit:
        errors[name] = f"The {label} can be at most {limit} characters; it has {len(value)}."
    elif "\x00" in value:
        errors[name] = f"The {label} contains a NUL character, which cannot be stored."
    return value


def _unique_name(model, name: str, current, errors: dict) -> None:
    if "name" in errors:
        return
    taken = model.get_or_none(model.name == name)
    if taken is not None and (current is None or taken.id != current.id):
        errors["name"] = f"There is already one named “{name}”. Choose another name."


def _picked(form: MultiDict, name: str, model, label: str, errors: dict) -> list:
    found, all_found = chosen(model, form.getlist(name))
    if not all_found:
        errors[name] = f"Choose {label} from the list; one of them no longer exists."
    return found


def save_rule(form: MultiDict, rule: ValidationRule | None) -> tuple[ValidationRule | None, dict]:
    """Create or update a rule from the form; on errors nothing is written."""
    errors: dict[str, str] = {}
    name = _text(form, "name", "name", NAME_MAX, errors)
    description = _text(form, "description", "description", TEXT_MAX, errors, required=False)
    importance = form.get("importance", "")
    if importance not in Importance.__members__:
        errors["importance"] = "Choose High, Medium or Low."
    _unique_name(ValidationRule, name, rule, errors)
    templates = _picked(form, "templates", NotificationTemplate, "notification templates", errors)
    if errors:
        return None, errors
    with database.atomic():
        rule = rule or ValidationRule()
        rule.name, rule.importance, rule.description = name, importance, description or None
        rule.save()
        RuleTemplate.delete().where(RuleTemplate.rule == rule).execute()
        RuleTemplate.insert_many([{"rule": rule.id, "template": t.id} for t in templates]).execute()
    return rule, {}


def save_template(
    form: MultiDict, template: NotificationTemplate | None
) -> tuple[NotificationTemplate | None, dict]:
    """Create or update a notification template from the form; on errors nothing is written."""
    errors: dict[str, str] = {}
    name = _text(form, "name", "name", NAME_MAX, errors)
    subject = _text(form, "subject_template", "subject", SUBJECT_MAX, errors)
    message = _text(form, "message_template", "message", TEXT_MAX, errors)
    strategy = form.get("send_strategy", "")
    if strategy not in SendStrategy.__members__:
        errors["send_strategy"] = "Choose one message per violation, or one summary."
    _unique_name(NotificationTemplate, name, template, errors)
    groups = _picked(form, "groups", UserGroup, "user groups", errors)
    if not groups and "groups" not in errors:
        errors["groups"] = "Choose at least one user group to notify."
    in_hierarchy = form.get("notify_users_in_hierarchy_only") == "on"
    at_parent = form.get("notify_parent_org_unit_only") == "on"
    if in_hierarchy and at_parent:
        # DHIS2 would quietly apply only the hierarchy option; say so instead.
        errors["notify_parent_org_unit_only"] = (
            "Choose either “Notify users in hierarchy only” or “Notify parent organisation "
            "unit only”, not both."
        )
    if errors:
        return None, errors
    with database.atomic():
        template = template or NotificationTemplate()
        template.name, template.subject_template, template.message_template = name, subject, message
        template.send_strategy = strategy
        template.notify_users_in_hierarchy_only = in_hierarchy
        template.notify_parent_org_unit_only = at_parent
        template.save()
        TemplateGroup.delete().where(TemplateGroup.template == template).execute()
        TemplateGroup.insert_many(
            [{"template": template.id, "group": g.id} for g in groups]
        ).execute()
    return template, {}
