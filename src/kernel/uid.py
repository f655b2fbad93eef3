"""DHIS2-style identifiers: 11 characters, a letter first, then letters or digits."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any, TypeVar

M = TypeVar("M")

_LETTERS = string.ascii_letters
_ALPHANUMERIC = string.ascii_letters + string.digits
# \Z, not $: "$" also matches before a final newline, which let "A1234567890\n" pass.
UID_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9]{10}\Z")


def generate_uid() -> str:
    """A new random uid, the same shape DHIS2's CodeGenerator makes."""
    return secrets.choice(_LETTERS) + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(10))


def is_valid_uid(value: str | None) -> bool:
    return bool(value) and UID_PATTERN.match(value) is not None


def find_by_uid(model: type[M], uid: str | None, *conditions: Any) -> M | None:
    """The row of ``model`` with this uid (and ``conditions``), or None.

    A malformed uid names no row and is not looked up at all: PostgreSQL refuses some
    (with NUL) outright, which would be a 500 where a 404 is meant.
    """
    if not is_valid_uid(uid):
        return None
    return model.get_or_none(model.uid == uid, *conditions)  # type: ignore[attr-defined]
