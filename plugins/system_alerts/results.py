"""Reading DHIS2 validation results (``POST /api/validationResults``, the
``import-validation-results`` command) and storing the good ones, with a DHIS2-style report.

Each result is checked on its own: a malformed one (unknown rule, missing field, a value
that is not a number) is refused with its errors, and the valid ones of the same payload
are still stored, unnotified.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

from kernel.db import database
from kernel.metadata import ErrorReport, ImportReport, TypeReport, errors
from kernel.metadata.steps import chunked
from kernel.models.clock import utcnow
from kernel.uid import generate_uid, is_valid_uid
from plugins.system_alerts.models import ValidationResult, ValidationRule

KLASS = "ValidationResult"
EXAMPLE = (
    '{"validationResults": [{"validationRule": {"id": "…"}, "organisationUnit": {"id": "…"}, '
    '"period": {"id": "202610"}, "leftsideValue": 12, "rightsideValue": 10}]}'
)
MAX_RESULTS = 50_000


class ResultsFormatError(ValueError):
    """The payload as a whole is not a list of validation results."""


def results_of(payload: Any) -> list[Any]:
    """The list of results: a JSON array, or DHIS2's ``{"validationResults": [...]}``."""
    if isinstance(payload, dict) and "validationResults" in payload:
        payload = payload["validationResults"]
    if not isinstance(payload, list):
        raise ResultsFormatError(f"Send a list of validation results, e.g. {EXAMPLE}.")
    if len(payload) > MAX_RESULTS:
        raise ResultsFormatError(f"Send at most {MAX_RESULTS:,} validation results at once.")
    return payload


def _reference(data: dict[str, Any], prop: str, report: list[ErrorReport]) -> dict | None:
    """``{"id": …}`` (or a bare id string, as DHIS2 writes periods) with a valid uid."""
    value = data.get(prop)
    if value is None or value == "":
        report.append(errors.missing(prop))
        return None
    if isinstance(value, str):
        value = {"id": value}
    uid = value.get("id") if isinstance(value, dict) else None
    if not isinstance(uid, str) or not is_valid_uid(uid):
        report.append(errors.bad_uid(prop, uid if uid is not None else value))
        return None
    return value


def _period(data: dict[str, Any], report: list[ErrorReport]) -> str | None:
    value = data.get("period")
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or value == "":
        report.append(errors.missing("period"))
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 32 or "\x00" in value:
        report.append(errors.bad_value("period", value, "a DHIS2 period id such as 202610"))
        return None
    return value.strip()


def _number(data: dict[str, Any], prop: str, report: list[ErrorReport]) -> float | None:
    value = data.get(prop)
    if value is None:
        report.append(errors.missing(prop))
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        report.append(errors.bad_value(prop, data.get(prop), "a number"))
        return None
    return float(value)


def _read(data: Any, rules: dict[str, int]) -> tuple[dict[str, Any] | None, list[ErrorReport]]:
    """The row to store, or None and what is wrong with it."""
    if not isinstance(data, dict):
        return None, [errors.not_an_object(data, KLASS)]
    problems: list[ErrorReport] = []
    uid = data.get("id")
    if uid is not None and (not isinstance(uid, str) or not is_valid_uid(uid)):
        problems.append(errors.bad_uid("id", uid))
    rule = _reference(data, "validationRule", problems)
    unit = _reference(data, "organisationUnit", problems)
    period = _period(data, problems)
    left = _number(data, "leftsideValue", problems)
    right = _number(data, "rightsideValue", problems)
    combo = data.get("attributeOptionCombo")
    combo_uid = combo.get("id") if isinstance(combo, dict) else combo
    if combo_uid is not None and (not isinstance(combo_uid, str) or not is_valid_uid(combo_uid)):
        problems.append(errors.bad_uid("attributeOptionCombo", combo_uid))
    if rule is not None and rule["id"] not in rules:
        problems.append(
            errors.invalid_reference(rule["id"], "ValidationRule", uid, KLASS, "validationRule")
        )
    if problems:
        return None, problems
    name = unit.get("name") or unit.get("displayName")
    return {
        "uid": uid or generate_uid(),
        "rule": rules[rule["id"]],
        "org_unit_uid": unit["id"],
        "org_unit_name": name[:230] if isinstance(name, str) and "\x00" not in name else None,
        "period": period,
        "attribute_option_combo": combo_uid,
        "left_side_value": left,
        "right_side_value": right,
    }, []


def _rule_ids(items: list[Any]) -> dict[str, int]:
    uids = set()
    for data in items:
        rule = data.get("validationRule") if isinstance(data, dict) else None
        uid = rule.get("id") if isinstance(rule, dict) else rule
        if isinstance(uid, str) and is_valid_uid(uid):
            uids.add(uid)
    found: dict[str, int] = {}
    for chunk in chunked(sorted(uids)):
        query = ValidationRule.select(ValidationRule.id, ValidationRule.uid)
        found.update({r.uid: r.id for r in query.where(ValidationRule.uid.in_(list(chunk)))})
    return found


def _stored_uids(uids: list[str]) -> set[str]:
    stored: set[str] = set()
    for chunk in chunked(uids):
        query = ValidationResult.select(ValidationResult.uid)
        stored |= {r.uid for r in query.where(ValidationResult.uid.in_(list(chunk)))}
    return stored


def store_results(payload: Any, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Store the valid results of ``payload``, not yet notified, in one transaction.

    :raises ResultsFormatError: the payload is not a list of results at all.
    :returns: status OK (all stored), WARNING (some refused) or ERROR (none stored).
    """
    items = results_of(payload)
    report = TypeReport(KLASS)
    rules = _rule_ids(items)
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for index, data in enumerate(items):
        row, problems = _read(data, rules)
        if row is not None and row["uid"] in seen:
            problems = [errors.duplicate_id(row["uid"], KLASS)]
        uid = data.get("id") if isinstance(data, dict) else None
        for problem in problems:
            report.add(index, uid if isinstance(uid, str) and is_valid_uid(uid) else None, problem)
        if not problems:
            seen.add(row["uid"])
            rows.append((index, row))
    stored = _stored_uids([row["uid"] for _, row in rows])
    fresh = []
    for index, row in rows:
        if row["uid"] in stored:
            # Sent again (a retried upload): stored once, reported, never notified twice.
            report.add(index, row["uid"], errors.exists_on_create(row["uid"], KLASS))
        else:
            fresh.append(row)
    now = utcnow()
    with database.atomic():
        for chunk in chunked(fresh, 100):
            ValidationResult.insert_many([{**row, "created": now} for row in chunk]).execute()
            report.stats.created += len(chunk)
            if progress is not None:
                progress(report.stats.created + report.stats.ignored, len(items))
    if progress is not None:
        progress(len(items), len(items))
    status = "OK" if not report.objects else "WARNING" if fresh else "ERROR"
    return ImportReport(status, [report])
