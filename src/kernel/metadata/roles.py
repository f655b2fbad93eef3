"""The ``userRoles`` list: DHIS2 user roles with their authorities (``ALL`` = superuser)."""

from __future__ import annotations

from typing import Any

from kernel.metadata.job import ImportStrategy, SectionJob
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
    still_in,
)
from kernel.models import RoleAuthority, UserRole

KLASS = "UserRole"


def import_roles(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        delete_named(items, UserRole, job)
    else:
        _create_or_update(items, job)
    job.advance(len(objects))


def _read(item: Incoming, job: SectionJob) -> None:
    reader = ObjectReader(item, job)
    item.values = {
        "name": reader.text("name", UserRole.name.max_length, required=True),
        "authorities": reader.strings("authorities", RoleAuthority.authority.max_length),
    }


def _create_or_update(items: list[Incoming], job: SectionJob) -> None:
    for item in items:
        _read(item, job)
    items = match_existing(still_in(items, job), UserRole, job)
    items = check_unique(items, "name", UserRole.name, job)
    new = [item for item in items if item.row_id is None]
    stored = [item for item in items if item.row_id is not None]
    insert_new(UserRole, new, lambda item: {"name": item.values["name"]})
    for item in stored:  # roles are few: one statement each is fine
        UserRole.update(name=item.values["name"]).where(UserRole.id == item.row_id).execute()
    # An absent list leaves a stored role's authorities as they are; a given one replaces them.
    replaced = [item for item in items if item.values["authorities"] is not None]
    delete_in(RoleAuthority.role, (item.row_id for item in replaced))
    insert_rows(
        [RoleAuthority.role, RoleAuthority.authority],
        ((item.row_id, a) for item in replaced for a in item.values["authorities"]),
    )
    job.created(len(new))
    job.updated(len(stored))
