"""DHIS2's metadata import errors, with its codes and wording (DHIS2's ``ErrorCode``).

Each function builds the :class:`ErrorReport` for one kind of problem; the section that
finds it adds it to its type report, which fills in the class.
"""

from __future__ import annotations

import json
from typing import Any

from kernel.metadata.report import ErrorReport


def _value(value: Any) -> str:
    """A short, single-line rendering of what was sent, for the message."""
    if isinstance(value, str):
        text = " ".join(value.split())
    elif value is None or isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:
        text = "a list" if isinstance(value, list) else "an object"
    return text if len(text) <= 60 else text[:59] + "…"


def missing(prop: str) -> ErrorReport:
    return ErrorReport(f"Missing required property `{prop}`.", "E4000", error_property=prop)


def too_long(prop: str, max_length: int, length: int) -> ErrorReport:
    return ErrorReport(
        f"Maximum length of property `{prop}` is {max_length}, but given length was {length}.",
        "E4001",
        error_property=prop,
    )


def bad_email(prop: str, value: str) -> ErrorReport:
    return ErrorReport(
        f"Property `{prop}` requires a valid email address, was given `{_value(value)}`.",
        "E4003",
        error_property=prop,
    )


def bad_password(prop: str, why: str) -> ErrorReport:
    # Unlike DHIS2, never echo the password itself into a report that gets logged.
    return ErrorReport(
        f"Property `{prop}` requires a valid password: {why}", "E4005", error_property=prop
    )


def bad_uid(prop: str, value: Any) -> ErrorReport:
    return ErrorReport(
        f"Invalid UID `{_value(value)}` for property `{prop}`", "E4014", error_property=prop
    )


def bad_value(prop: str, value: Any, expected: str) -> ErrorReport:
    return ErrorReport(
        f"Value `{_value(value)}` is not valid for property `{prop}`: expected {expected}.",
        "E4027",
        error_property=prop,
    )


def not_an_object(value: Any, klass: str) -> ErrorReport:
    return ErrorReport(
        f"Value `{_value(value)}` is not valid for an object of type `{klass}`: "
        "expected a JSON object.",
        "E4027",
    )


def bad_username(prop: str, value: str) -> ErrorReport:
    return ErrorReport(
        f"Property `{prop}` requires a valid username (no spaces), was given `{_value(value)}`.",
        "E4049",
        error_property=prop,
    )


def exists_on_create(uid: str, klass: str) -> ErrorReport:
    return ErrorReport(
        "Found matching object for reference, but import mode is CREATE. "
        f"Identifier was {uid}, and object was {klass}.",
        "E5000",
        error_property="id",
    )


def not_found(uid: str, klass: str) -> ErrorReport:
    return ErrorReport(
        f"No matching object for reference. Identifier was {uid}, and object was {klass}.",
        "E5001",
        error_property="id",
    )


def invalid_reference(
    ref_uid: str, ref_klass: str, uid: str | None, klass: str, prop: str
) -> ErrorReport:
    return ErrorReport(
        f"Invalid reference {ref_uid} ({ref_klass}) on object {uid or '(new)'} ({klass}) "
        f"for association `{prop}`.",
        "E5002",
        error_property=prop,
    )


def taken(prop: str, value: str, uid: str | None, klass: str, owner_uid: str) -> ErrorReport:
    return ErrorReport(
        f"Property `{prop}` with value `{_value(value)}` on object {uid or '(new)'} ({klass}) "
        f"already exists on object {owner_uid} ({klass}).",
        "E5003",
        error_property=prop,
    )


def duplicate_id(uid: str, klass: str) -> ErrorReport:
    return ErrorReport(
        f"Id `{uid}` for type `{klass}` exists on more than 1 object in the payload, "
        "removing all but the first found.",
        "E5004",
        error_property="id",
    )


def not_unique_in_payload(prop: str, value: str, klass: str) -> ErrorReport:
    return ErrorReport(
        f"Properties `{prop}` in objects `{klass}` must be unique within the payload; "
        f"`{_value(value)}` is used more than once.",
        "E5005",
        error_property=prop,
    )
