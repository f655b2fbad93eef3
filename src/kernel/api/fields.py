"""DHIS2's ``fields`` parameter: which properties a response carries, nested as deep as asked.

``fields=id,subject,lastSender[id,displayName],messages[text,sender[displayName]]``;
``*`` (or ``:all``) is every field of the object, with nested objects as references
(``{"id": …}``); ``:identifiable`` and ``:nameable`` are the presets an object declares;
``!name`` drops a field. Names an object does not have are ignored, as DHIS2 does.

A :class:`Schema` says what an object can show. Rendering is batched: a nested collection's
``prefetch`` runs once for all objects of a level, so a list costs a fixed number of queries
whatever its length. A schema is the whole of what a caller may see: build a smaller one for
callers who may see less, and ``fields`` can never reach beyond it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kernel.api.envelopes import ApiError

MAX_FIELDS_LENGTH = 2000
MAX_DEPTH = 6
ALL = ("*", ":all")


@dataclass
class Selection:
    """A parsed ``fields`` value: the names asked for, in order, and the names dropped."""

    items: list[tuple[str, Selection | None]] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Field:
    """One property of an object.

    ``get(obj, context)`` returns the value, or for a nested field the nested object (or
    list of objects, with ``many``) rendered with ``nested``. ``prefetch(objects, context)``
    loads what ``get`` needs for a whole level in one query, before any ``get`` runs.
    """

    get: Callable[[Any, Any], Any]
    nested: Schema | None = None
    many: bool = False
    prefetch: Callable[[list[Any], Any], None] | None = None


@dataclass(frozen=True)
class Schema:
    """What one kind of object can show."""

    fields: dict[str, Field]
    reference: tuple[str, ...] = ("id",)  # a nested object named without [..], or under *
    presets: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_fields(text: str) -> Selection:
    """Parse a ``fields`` value.

    :raises ApiError: 400 for unbalanced brackets, a value longer than 2000 characters or
        nested deeper than 6 levels.
    """
    if len(text) > MAX_FIELDS_LENGTH:
        raise ApiError(400, f"fields is longer than {MAX_FIELDS_LENGTH} characters.")
    selection, end = _parse(text, 0, 0)
    if end != len(text):
        raise ApiError(400, f"Invalid fields '{text}': unbalanced ']' at position {end + 1}.")
    return selection


def _parse(text: str, start: int, depth: int) -> tuple[Selection, int]:
    if depth > MAX_DEPTH:
        raise ApiError(400, f"fields may nest at most {MAX_DEPTH} levels deep.")
    selection = Selection()
    name = ""
    position = start

    def flush(sub: Selection | None) -> None:
        nonlocal name
        item = name.strip()
        name = ""
        if not item:
            return
        if item.startswith("!"):
            selection.excluded.add(item[1:])
        else:
            selection.items.append((item, sub))

    while position < len(text):
        char = text[position]
        if char in "[(":
            sub, position = _parse(text, position + 1, depth + 1)
            if position >= len(text) or text[position] not in "])":
                raise ApiError(400, f"Invalid fields '{text}': a '{char}' is never closed.")
            flush(sub)
        elif char in "])":
            flush(None)
            return selection, position
        elif char == ",":
            flush(None)
        else:
            name += char
        position += 1
    flush(None)
    return selection, position


def _resolve(schema: Schema, selection: Selection | None) -> dict[str, Selection | None]:
    if selection is None:
        return {name: None for name in schema.reference if name in schema.fields}
    resolved: dict[str, Selection | None] = {}
    for name, sub in selection.items:
        if name in ALL:
            for known in schema.fields:
                resolved.setdefault(known, None)
        elif name in schema.presets:
            for known in schema.presets[name]:
                resolved.setdefault(known, None)
        elif name in schema.fields and (sub is not None or name not in resolved):
            # An explicit sub-selection wins over the reference a preset gave the field.
            resolved[name] = sub
    for name in selection.excluded:
        resolved.pop(name, None)
    return resolved


def render(
    objects: list[Any], schema: Schema, selection: Selection | None, context: Any
) -> list[dict[str, Any]]:
    """Render ``objects`` as JSON-ready dicts with the selected fields.

    Empty values (None) are left out, as DHIS2 leaves out null properties.
    """
    resolved = _resolve(schema, selection)
    rows: list[dict[str, Any]] = [{} for _ in objects]
    if not objects:
        return rows
    for name in resolved:
        prefetch = schema.fields[name].prefetch
        if prefetch is not None:
            prefetch(objects, context)
    for name, sub in resolved.items():
        spec = schema.fields[name]
        values = [spec.get(obj, context) for obj in objects]
        if spec.nested is None:
            for row, value in zip(rows, values, strict=True):
                if value is not None:
                    row[name] = value
        elif spec.many:
            children = [child for value in values for child in (value or [])]
            rendered = iter(render(children, spec.nested, sub, context))
            for row, value in zip(rows, values, strict=True):
                row[name] = [next(rendered) for _ in value or []]
        else:
            present = [value for value in values if value is not None]
            rendered = iter(render(present, spec.nested, sub, context))
            for row, value in zip(rows, values, strict=True):
                if value is not None:
                    row[name] = next(rendered)
    return rows


def render_one(obj: Any, schema: Schema, selection: Selection | None, context: Any) -> dict:
    return render([obj], schema, selection, context)[0]


def selection_from(args: Any, default: str) -> Selection:
    """The request's ``fields`` (repeated values are joined), or ``default``."""
    values = args.getlist("fields") if hasattr(args, "getlist") else [args.get("fields", "")]
    text = ",".join(value for value in values if value)
    return parse_fields(text or default)
