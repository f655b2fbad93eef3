"""Filling DHIS2's ``V{…}`` variables of a notification template for one result."""

from __future__ import annotations

import re
from datetime import datetime

from plugins.system_alerts.models import NotificationTemplate, ValidationResult

VARIABLE = re.compile(r"V\{([a-z_]+)\}")
VARIABLES = (
    "rule_name",
    "rule_description",
    "importance",
    "org_unit_name",
    "org_unit_id",
    "period",
    "left_side_value",
    "right_side_value",
    "current_date",
)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def variables_of(result: ValidationResult, today: datetime) -> dict[str, str]:
    rule = result.rule
    return {
        "rule_name": rule.name,
        "rule_description": rule.description or "",
        "importance": rule.importance.title(),
        "org_unit_name": result.org_unit_name or result.org_unit_uid,
        "org_unit_id": result.org_unit_uid,
        "period": result.period,
        "left_side_value": _number(result.left_side_value),
        "right_side_value": _number(result.right_side_value),
        "current_date": f"{today:%Y-%m-%d}",
    }


def render(text: str, values: dict[str, str]) -> str:
    """Replace the known variables; an unknown ``V{…}`` stays as written, so a typo shows."""
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_notification(
    template: NotificationTemplate, result: ValidationResult, today: datetime
) -> tuple[str, str]:
    """The subject and text of one template's notification about one result."""
    values = variables_of(result, today)
    subject = render(template.subject_template, values).strip() or template.name
    return subject[:255], render(template.message_template, values)
