"""DHIS2 list parameters ``filter`` and ``order``, translated into peewee SQL.

Each list declares the properties a client may filter and order by (:class:`ApiProperty`,
mapped to a column of the list's query). ``filter=property:operator:value`` is repeatable;
filters are AND-ed, or OR-ed with ``rootJunction=OR``. ``order=property:asc|desc|iasc|idesc``
takes a comma-separated list. Anything the list does not declare is a 400 naming what is
allowed: nothing is ever filtered in Python and no filter can reach a column that was not
declared, so a filter can neither widen a list nor probe a hidden field.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from typing import Any

from peewee import Node, fn

from kernel.api.envelopes import ApiError
from kernel.db import is_sqlite

TEXT = "text"
BOOLEAN = "boolean"
INTEGER = "integer"
DATETIME = "datetime"
ENUM = "enum"

MAX_FILTERS = 30
MAX_IN_VALUES = 1000

Condition = Callable[[Any, list[Any]], Node]


def _case_sensitive_contains(column: Any, values: list[Any]) -> Node:
    # SQLite's LIKE ignores case, so a case-sensitive "contains" is a position test.
    position = fn.INSTR(column, values[0]) if is_sqlite() else fn.STRPOS(column, values[0])
    return position > 0


def _token(column: Any, values: list[Any]) -> Node:
    # DHIS2's token: every word of the value occurs in the property, in any order and case.
    words = str(values[0]).split()
    if not words:
        raise ApiError(400, "The token operator needs at least one word.")
    return reduce(operator.and_, [column.contains(word) for word in words])


def _suffix(column: Any, value: str) -> Node:
    return fn.SUBSTR(column, fn.LENGTH(column) - len(value) + 1)


# operator -> (how many values it takes: 0, 1 or "many"; the SQL it builds)
OPERATORS: dict[str, tuple[int | str, Condition]] = {
    "eq": (1, lambda c, v: c == v[0]),
    "ieq": (1, lambda c, v: fn.LOWER(c) == str(v[0]).lower()),
    "gt": (1, lambda c, v: c > v[0]),
    "ge": (1, lambda c, v: c >= v[0]),
    "lt": (1, lambda c, v: c < v[0]),
    "le": (1, lambda c, v: c <= v[0]),
    "like": (1, _case_sensitive_contains),
    "ilike": (1, lambda c, v: c.contains(v[0])),
    "$like": (1, lambda c, v: fn.SUBSTR(c, 1, len(v[0])) == v[0]),
    "$ilike": (1, lambda c, v: c.startswith(v[0])),
    "like$": (1, lambda c, v: _suffix(c, v[0]) == v[0]),
    "ilike$": (1, lambda c, v: c.endswith(v[0])),
    "token": (1, _token),
    "in": ("many", lambda c, v: c.in_(v)),
    "null": (0, lambda c, v: c.is_null()),
    "empty": (0, lambda c, v: c.is_null() | (c == "")),
}
NEGATABLE = {"eq", "like", "ilike", "$like", "$ilike", "like$", "ilike$", "token", "in", "null"}
ALIASES = {"ne": "!eq", "neq": "!eq"}

OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    TEXT: tuple(OPERATORS) + tuple(f"!{name}" for name in sorted(NEGATABLE)) + tuple(ALIASES),
    BOOLEAN: ("eq", "!eq", "ne", "null", "!null"),
    INTEGER: ("eq", "!eq", "ne", "gt", "ge", "lt", "le", "in", "!in", "null", "!null"),
    DATETIME: ("eq", "!eq", "ne", "gt", "ge", "lt", "le", "null", "!null"),
    ENUM: ("eq", "!eq", "ne", "in", "!in", "null", "!null"),
}


@dataclass(frozen=True)
class ApiProperty:
    """A property of a list that clients may filter and order by.

    ``column`` is a peewee column or expression over the tables the list's query selects.
    For a to-many relation (a user's groups), ``through`` wraps the condition on
    ``column`` into a condition on the listed row (an ``IN`` subquery), and only positive
    operators are offered.
    """

    name: str
    column: Any
    type: str = TEXT
    choices: tuple[str, ...] | None = None  # for ENUM: the values a client may send
    nullable: bool = False
    operators: tuple[str, ...] | None = None  # None: every operator of the type
    through: Callable[[Node], Node] | None = None
    orderable: bool = True

    def allowed_operators(self) -> tuple[str, ...]:
        if self.operators is not None:
            return self.operators
        if self.through is not None:
            return ("eq", "in")
        return OPERATORS_BY_TYPE[self.type]


def _parse_value(prop: ApiProperty, raw: str) -> Any:
    if "\x00" in raw:
        # No property holds NUL, and PostgreSQL refuses it in a query (SQLite does not).
        raise ApiError(400, f"The value for {prop.name} contains a NUL character (code 0).")
    if prop.type == BOOLEAN:
        if raw.lower() not in ("true", "false"):
            raise ApiError(400, f"Value '{raw}' for {prop.name} must be true or false.")
        return raw.lower() == "true"
    if prop.type == INTEGER:
        try:
            number = int(raw)
        except ValueError:
            raise ApiError(400, f"Value '{raw}' for {prop.name} must be a whole number.") from None
        # Databases store 64-bit integers; a larger literal was a 500 from the driver.
        if not -(2**63) <= number < 2**63:
            raise ApiError(400, f"Value '{raw}' for {prop.name} is out of range.")
        return number
    if prop.type == DATETIME:
        try:
            moment = datetime.fromisoformat(raw)
            # Stored times are naive UTC; a time with a zone is converted to it (which
            # overflows for a zoned time at the very ends of the calendar).
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except (ValueError, OverflowError):
            raise ApiError(
                400,
                f"Value '{raw}' for {prop.name} must be a date or time such as "
                "2024-05-01 or 2024-05-01T09:30:00.",
            ) from None
    if prop.type == ENUM and prop.choices is not None and raw not in prop.choices:
        raise ApiError(
            400, f"Value '{raw}' is not a valid {prop.name}; use one of {', '.join(prop.choices)}."
        )
    return raw


def _values(prop: ApiProperty, arity: int | str, raw: str | None, text: str) -> list[Any]:
    if arity == 0:
        return []
    if raw is None:
        raise ApiError(400, f"Filter '{text}' needs a value: property:operator:value.")
    if arity == 1:
        return [_parse_value(prop, raw)]
    inner = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
    items = [item.strip() for item in inner.split(",") if item.strip()]
    if not items:
        raise ApiError(400, f"Filter '{text}' needs a list of values, e.g. in:[a,b].")
    if len(items) > MAX_IN_VALUES:
        raise ApiError(400, f"Filter '{text}' has more than {MAX_IN_VALUES} values.")
    return [_parse_value(prop, item) for item in items]


def _index(properties: Iterable[ApiProperty]) -> dict[str, ApiProperty]:
    return {prop.name: prop for prop in properties}


def parse_filter(text: str, properties: Mapping[str, ApiProperty]) -> Node:
    """One ``property:operator:value`` as a SQL condition.

    :raises ApiError: 400 for a malformed filter, an unknown property or an operator the
        property does not support, or a value of the wrong type.
    """
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ApiError(
            400, f"Invalid filter '{text}': use property:operator:value, e.g. read:eq:false."
        )
    name, op = parts[0].strip(), parts[1].strip()
    raw = parts[2] if len(parts) == 3 else None
    prop = properties.get(name)
    if prop is None:
        raise ApiError(
            400,
            f"Unknown property '{name}' in filter '{text}'. "
            f"Filterable properties: {', '.join(sorted(properties))}.",
        )
    if op not in prop.allowed_operators():
        raise ApiError(
            400,
            f"Operator '{op}' is not supported for {name} in filter '{text}'. "
            f"Use one of: {', '.join(prop.allowed_operators())}.",
        )
    op = ALIASES.get(op, op)
    negated = op.startswith("!")
    arity, build = OPERATORS[op.lstrip("!")]
    condition = build(prop.column, _values(prop, arity, raw, text))
    if prop.through is not None:
        condition = prop.through(condition)
    if negated:
        condition = ~condition
        if prop.nullable and op != "!null":
            # SQL's NOT drops rows whose column is NULL; "not equal to x" should keep them.
            condition = condition | prop.column.is_null()
    return condition


def parse_filters(args: Mapping[str, Any], properties: Sequence[ApiProperty]) -> Node | None:
    """Every ``filter`` parameter, joined by ``rootJunction`` (AND unless OR); None if none."""
    texts = args.getlist("filter") if hasattr(args, "getlist") else list(args.get("filter", []))
    texts = [t for t in texts if t]
    if len(texts) > MAX_FILTERS:
        raise ApiError(400, f"Use at most {MAX_FILTERS} filters.")
    junction = (args.get("rootJunction") or "AND").upper()
    if junction not in ("AND", "OR"):
        raise ApiError(400, f"rootJunction must be AND or OR, not '{args.get('rootJunction')}'.")
    if not texts:
        return None
    index = _index(properties)
    conditions = [parse_filter(text, index) for text in texts]
    return reduce(operator.or_ if junction == "OR" else operator.and_, conditions)


def filtered_properties(args: Mapping[str, Any]) -> set[str]:
    """The property names the request's filters name (after :func:`parse_filters` passed)."""
    texts = args.getlist("filter") if hasattr(args, "getlist") else list(args.get("filter", []))
    return {text.split(":", 1)[0].strip() for text in texts if text}


def ordered_properties(args: Mapping[str, Any]) -> set[str]:
    """The property names the request's ``order`` names (after :func:`parse_order` passed)."""
    raw = args.getlist("order") if hasattr(args, "getlist") else [args.get("order", "")]
    items = (item for value in raw if value for item in value.split(","))
    return {item.partition(":")[0].strip() for item in items if item.strip()}


def parse_order(
    args: Mapping[str, Any], properties: Sequence[ApiProperty], default: Sequence[Node]
) -> list[Node]:
    """The ``order`` parameter as ORDER BY terms, or ``default`` when it is absent.

    :raises ApiError: 400 for an unknown or unorderable property or an unknown direction.
    """
    raw = args.getlist("order") if hasattr(args, "getlist") else [args.get("order", "")]
    items = [item.strip() for value in raw if value for item in value.split(",") if item.strip()]
    if not items:
        return list(default)
    index = {prop.name: prop for prop in properties if prop.orderable}
    terms = []
    for item in items:
        name, _, direction = item.partition(":")
        direction = (direction or "asc").lower()
        prop = index.get(name)
        if prop is None:
            raise ApiError(
                400,
                f"Cannot order by '{name}'. Orderable properties: {', '.join(sorted(index))}.",
            )
        if direction not in ("asc", "desc", "iasc", "idesc"):
            raise ApiError(
                400, f"Order direction '{direction}' is unknown; use asc, desc, iasc or idesc."
            )
        column = prop.column
        if direction.startswith("i") and prop.type == TEXT:
            column = fn.LOWER(column)
        terms.append(column.desc() if direction.endswith("desc") else column.asc())
    return terms
