"""The ``userGroups`` list: DHIS2 user groups with their code and members (``users``)."""

from __future__ import annotations

from typing import Any

from kernel.metadata.job import ImportStrategy, SectionJob
from kernel.metadata.memberships import memberships_of
from kernel.metadata.steps import (
    Incoming,
    ObjectReader,
    check_unique,
    delete_named,
    insert_new,
    match_existing,
    read_objects,
    resolve_references,
    still_in,
)
from kernel.models import User, UserGroup

KLASS = "UserGroup"


def import_groups(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        delete_named(items, UserGroup, job)
    else:
        _create_or_update(items, job)
    job.advance(len(objects))


def _read(item: Incoming, job: SectionJob) -> None:
    reader = ObjectReader(item, job)
    item.values = {
        "name": reader.text("name", UserGroup.name.max_length, required=True),
        "code": reader.text("code", UserGroup.code.max_length),
        "users": reader.references("users"),
    }


def _create_or_update(items: list[Incoming], job: SectionJob) -> None:
    for item in items:
        _read(item, job)
    items = match_existing(still_in(items, job), UserGroup, job)
    items = check_unique(items, "name", UserGroup.name, job)
    items = check_unique(items, "code", UserGroup.code, job)
    users = resolve_references(items, "users", User, "User", job)
    items = still_in(items, job)
    new = [item for item in items if item.row_id is None]
    stored = [item for item in items if item.row_id is not None]
    insert_new(
        UserGroup, new, lambda item: {"name": item.values["name"], "code": item.values["code"]}
    )
    for item in stored:  # groups number in the hundreds: one statement each is fine
        changes = {"name": item.values["name"]}
        if "code" in item.data:
            changes["code"] = item.values["code"]
        UserGroup.update(**changes).where(UserGroup.id == item.row_id).execute()
    listed = [item for item in items if item.values["users"] is not None]
    if listed:
        memberships = memberships_of(job)
        for item in listed:
            memberships.members_of_group[item.row_id] = {users[uid] for uid in item.values["users"]}
    job.created(len(new))
    job.updated(len(stored))
