"""The steps every section takes over its list of DHIS2 objects, each in bulk (a few
queries per step, never one per object): read the objects and their properties, match
them with stored rows by id, check unique properties, resolve references, and the bulk
reads and writes they use.

Plugin sections use them too. Each step refuses the objects it finds wrong (they are then
reported and counted as ignored) and returns those still in the running.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from peewee import Field, Model

from kernel.db import database
from kernel.metadata import errors
from kernel.metadata.job import ImportStrategy, SectionJob
from kernel.metadata.report import ErrorReport
from kernel.uid import generate_uid, is_valid_uid

# Values per IN (...) list, and rows per INSERT: within the 999 bound parameters of the
# most restrictive SQLite builds, yet 20,000 objects take only a few hundred statements.
CHUNK = 500
INSERT_CHUNK = 100
T = TypeVar("T")


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Incoming:
    """One object of the file still in the running."""

    index: int  # its position in its list, as the report names it
    uid: str  # its id, or a new one when it came without
    data: dict[str, Any]
    has_id: bool
    row_id: int | None = None  # the stored row it updates, once matched
    values: dict[str, Any] = field(default_factory=dict)  # checked properties, by name

    @property
    def reported_uid(self) -> str | None:
        return self.uid if self.has_id else None


def refuse(job: SectionJob, item: Incoming, error: ErrorReport) -> None:
    job.refuse(item.index, item.reported_uid, error)


def still_in(items: Iterable[Incoming], job: SectionJob) -> list[Incoming]:
    return [item for item in items if not job.report.refused(item.index)]


def read_objects(objects: list[Any], job: SectionJob) -> list[Incoming]:
    """The objects that are JSON objects with a well-formed id, or none; the first of
    several with the same id (DHIS2 keeps the first too)."""
    items: list[Incoming] = []
    seen: set[str] = set()
    for index, data in enumerate(objects):
        if not isinstance(data, dict):
            job.refuse(index, None, errors.not_an_object(data, job.klass))
            continue
        uid = data.get("id")
        if uid is None:
            items.append(Incoming(index, generate_uid(), data, has_id=False))
        elif not isinstance(uid, str) or not is_valid_uid(uid):
            job.refuse(index, None, errors.bad_uid("id", uid))
        elif uid in seen:
            job.refuse(index, uid, errors.duplicate_id(uid, job.klass))
        else:
            seen.add(uid)
            items.append(Incoming(index, uid, data, has_id=True))
    return items


class ObjectReader:
    """Reads the properties of one object, refusing it for each bad one.

    Methods return None for an absent property (so an update can leave it as it is) or
    a bad one; ``ok`` says whether every property read so far was good.
    """

    def __init__(self, item: Incoming, job: SectionJob) -> None:
        self.item = item
        self.job = job
        self.ok = True

    def refuse(self, error: ErrorReport) -> None:
        self.ok = False
        refuse(self.job, self.item, error)

    def text(self, prop: str, max_length: int, *, required: bool = False) -> str | None:
        value = self.item.data.get(prop)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if required:
                self.refuse(errors.missing(prop))
            return None
        if not isinstance(value, str) or "\x00" in value:
            # PostgreSQL cannot store NUL characters in text.
            self.refuse(errors.bad_value(prop, value, "text"))
            return None
        if len(value) > max_length:
            self.refuse(errors.too_long(prop, max_length, len(value)))
            return None
        return value

    def boolean(self, prop: str) -> bool | None:
        value = self.item.data.get(prop)
        if value is None or isinstance(value, bool):
            return value
        self.refuse(errors.bad_value(prop, value, "true or false"))
        return None

    def references(self, prop: str) -> list[str] | None:
        """The ids of a list of references, ``[{"id": "…"}, …]``."""
        value = self.item.data.get(prop)
        if value is None:
            return None
        if not isinstance(value, list):
            self.refuse(errors.bad_value(prop, value, 'a list of {"id": …}'))
            return None
        uids = []
        for reference in value:
            uid = reference.get("id") if isinstance(reference, dict) else None
            if not isinstance(uid, str) or not is_valid_uid(uid):
                self.refuse(errors.bad_uid(prop, uid if uid is not None else reference))
                return None
            uids.append(uid)
        return list(dict.fromkeys(uids))

    def strings(self, prop: str, max_length: int) -> list[str] | None:
        value = self.item.data.get(prop)
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, str) and "\x00" not in v for v in value
        ):
            self.refuse(errors.bad_value(prop, value, "a list of text"))
            return None
        for text in value:
            if len(text) > max_length:
                self.refuse(errors.too_long(prop, max_length, len(text)))
                return None
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))


# The bulk reads and writes below write their SQL by hand: peewee's query builder spends
# some 50 µs on every bound value, which was most of the time of a 20,000-user import.
# Plain INSERT, SELECT and DELETE with placeholders read the same on SQLite and PostgreSQL.


def _quoted(name: str) -> str:
    return f'"{name}"'


def _placeholders(count: int) -> str:
    return "(" + ", ".join([database.param] * count) + ")"


def select_in(fields: Sequence[Field], key: Field, values: Iterable[Any]) -> Iterator[tuple]:
    """The ``fields`` of the rows whose ``key`` is one of ``values``, as Python values."""
    wanted = list(dict.fromkeys(values))
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    head = (
        f"SELECT {columns} FROM {_quoted(key.model._meta.table_name)} "
        f"WHERE {_quoted(key.column_name)} IN "
    )
    converters = [f.python_value for f in fields]
    for chunk in chunked(wanted):
        cursor = database.execute_sql(
            head + _placeholders(len(chunk)), [key.db_value(v) for v in chunk]
        )
        for row in cursor.fetchall():
            yield tuple(convert(v) for convert, v in zip(converters, row, strict=True))


def insert_rows(fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows given as tuples in the order of ``fields``."""
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    head = f"INSERT INTO {_quoted(fields[0].model._meta.table_name)} ({columns}) VALUES "
    one_row = _placeholders(len(fields))
    converters = [f.db_value for f in fields]
    for chunk in chunked(list(rows), INSERT_CHUNK):
        values = [convert(v) for row in chunk for convert, v in zip(converters, row, strict=True)]
        database.execute_sql(head + ", ".join([one_row] * len(chunk)), values)


def delete_in(key: Field, values: Iterable[Any]) -> None:
    """Delete the rows whose ``key`` is one of ``values``."""
    head = f"DELETE FROM {_quoted(key.model._meta.table_name)} WHERE {_quoted(key.column_name)} IN "
    for chunk in chunked(list(dict.fromkeys(values))):
        database.execute_sql(head + _placeholders(len(chunk)), [key.db_value(v) for v in chunk])


def ids_by_uid(model: type[Model], uids: Iterable[str]) -> dict[str, int]:
    """Stored rows' ids by uid, for the uids that exist."""
    return dict(select_in([model.uid, model.id], model.uid, uids))


def match_existing(items: list[Incoming], model: type[Model], job: SectionJob) -> list[Incoming]:
    """Tie each object to the stored row with its id, as the import strategy allows:
    CREATE refuses objects that exist (E5000), UPDATE those that do not (E5001)."""
    stored = ids_by_uid(model, (item.uid for item in items if item.has_id))
    for item in items:
        item.row_id = stored.get(item.uid)
        if item.row_id is not None and job.strategy is ImportStrategy.CREATE:
            refuse(job, item, errors.exists_on_create(item.uid, job.klass))
        elif item.row_id is None and job.strategy is ImportStrategy.UPDATE:
            if item.has_id:
                refuse(job, item, errors.not_found(item.uid, job.klass))
            else:
                refuse(job, item, errors.missing("id"))
    return still_in(items, job)


def rows_to_delete(items: list[Incoming], model: type[Model], job: SectionJob) -> list[int]:
    """The stored rows the objects name, for the DELETE strategy; E5001 for the others."""
    stored = ids_by_uid(model, (item.uid for item in items if item.has_id))
    for item in items:
        if not item.has_id:
            refuse(job, item, errors.missing("id"))
        elif item.uid not in stored:
            refuse(job, item, errors.not_found(item.uid, job.klass))
    return [stored[item.uid] for item in still_in(items, job)]


def delete_named(items: list[Incoming], model: type[Model], job: SectionJob) -> None:
    """The DELETE strategy for a list whose rows need no clean-up beyond the database's own
    cascades: delete the stored rows the objects name, and count them."""
    ids = rows_to_delete(items, model, job)
    delete_in(model.id, ids)
    job.deleted(len(ids))


def check_unique(
    items: list[Incoming], prop: str, column: Field, job: SectionJob
) -> list[Incoming]:
    """Refuse objects whose ``prop`` repeats another object's in the file (E5005) or a
    stored row's other than their own (E5003)."""
    first_with: dict[str, Incoming] = {}
    for item in items:
        value = item.values.get(prop)
        if value is None:
            continue
        if value in first_with:
            refuse(job, item, errors.not_unique_in_payload(prop, value, job.klass))
        else:
            first_with[value] = item
    model = column.model
    for owner_uid, value in select_in([model.uid, column], column, first_with):
        item = first_with[value]
        if owner_uid != item.uid:
            refuse(job, item, errors.taken(prop, value, item.reported_uid, job.klass, owner_uid))
    return still_in(items, job)


def resolve_references(
    items: list[Incoming],
    prop: str,
    model: type[Model],
    klass: str,
    job: SectionJob,
    also_known: Collection[str] = (),
) -> dict[str, int]:
    """Stored ids of the objects the ``prop`` references name; an object naming one that is
    neither stored nor in ``also_known`` is refused (E5002)."""
    found = ids_by_uid(model, (uid for item in items for uid in item.values.get(prop) or ()))
    for item in items:
        for uid in item.values.get(prop) or ():
            if uid not in found and uid not in also_known:
                refuse(
                    job,
                    item,
                    errors.invalid_reference(uid, klass, item.reported_uid, job.klass, prop),
                )
    return found


def insert_new(
    model: type[Model], items: list[Incoming], row_of: Callable[[Incoming], dict[str, Any]]
) -> None:
    """Insert the objects as new rows, each with its uid, and note their ids on them.

    ``row_of(item)`` gives the row's values by field name, the same names for every item;
    the model's defaults fill the other fields (the schema holds none of them).
    """
    if not items:
        return
    rows = [row_of(item) for item in items]
    given = {"id", "uid", *rows[0]}
    defaults = {
        name: field.default
        for name, field in model._meta.fields.items()
        if name not in given and field.default is not None
    }
    fields = [model.uid, *(model._meta.fields[name] for name in (*rows[0], *defaults))]
    insert_rows(
        fields,
        (
            (
                item.uid,
                *row.values(),
                *(default() if callable(default) else default for default in defaults.values()),
            )
            for item, row in zip(items, rows, strict=True)
        ),
    )
    ids = ids_by_uid(model, (item.uid for item in items))
    for item in items:
        item.row_id = ids[item.uid]
