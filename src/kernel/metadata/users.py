"""The ``users`` list: DHIS2 users in the current shape and in the older one where
``username``, ``password``, ``disabled`` and ``userRoles`` sit in ``userCredentials``.

A password is optional (DHIS2 exports carry none; such users cannot sign in until one is
set) and hashed only when given. Properties plugins store (``organisationUnits``) are
checked and saved through their ``mailroom_metadata_user_fields``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kernel.metadata import errors
from kernel.metadata.job import ImportStrategy, SectionJob
from kernel.metadata.memberships import memberships_of
from kernel.metadata.steps import (
    Incoming,
    ObjectReader,
    check_unique,
    chunked,
    delete_in,
    insert_new,
    insert_rows,
    match_existing,
    read_objects,
    refuse,
    resolve_references,
    rows_to_delete,
    select_in,
    still_in,
)
from kernel.models import User, UserGroup, UserGroupMember, UserRole, UserRoleMember
from kernel.passwords import hash_passwords, password_problem
from kernel.people import EMAIL_PATTERN, USERNAME_PATTERN
from kernel.plugins import current_hooks

KLASS = "User"
WRITE_CHUNK = 1000
# Where the older shape keeps what now sits on the user; DHIS2 before 2.30 said
# userAuthorityGroups for the roles.
CREDENTIALS = {
    "username": "username",
    "password": "password",
    "disabled": "disabled",
    "userRoles": "userRoles",
    "userAuthorityGroups": "userRoles",
}


def import_users(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        _delete(items, job)
        job.advance(len(objects))
    else:
        _create_or_update(items, job, len(objects))


def _delete(items: list[Incoming], job: SectionJob) -> None:
    ids = rows_to_delete(items, User, job)
    groups: set[int] = set()
    for chunk in chunked(ids):
        member_of = UserGroupMember.select(UserGroupMember.group).where(
            UserGroupMember.user.in_(chunk)
        )
        groups |= {group_id for (group_id,) in member_of.tuples()}
        User.delete().where(User.id.in_(chunk)).execute()
    UserGroup.refresh_member_counts(groups)
    job.deleted(len(ids))


def _with_credentials(item: Incoming, job: SectionJob) -> bool:
    """Lift the older shape's ``userCredentials`` onto the user; False if it is not an object."""
    credentials = item.data.get("userCredentials")
    if credentials is None:
        return True
    if not isinstance(credentials, dict):
        refuse(job, item, errors.bad_value("userCredentials", credentials, "an object"))
        return False
    data = dict(item.data)
    for old, new in CREDENTIALS.items():
        if data.get(new) is None and credentials.get(old) is not None:
            data[new] = credentials[old]
    item.data = data
    return True


def _read(item: Incoming, job: SectionJob) -> None:
    if not _with_credentials(item, job):
        return
    reader = ObjectReader(item, job)
    username = reader.text("username", User.username.max_length, required=True)
    if username and not USERNAME_PATTERN.match(username):
        reader.refuse(errors.bad_username("username", username))
    email = reader.text("email", User.email.max_length)
    if email and not EMAIL_PATTERN.match(email):
        reader.refuse(errors.bad_email("email", email))
    password = item.data.get("password")
    if password is not None:
        if not isinstance(password, str):
            reader.refuse(errors.bad_value("password", password, "text"))
        elif problem := password_problem(password):
            reader.refuse(errors.bad_password("password", problem))
    item.values = {
        "username": username,
        "first_name": reader.text("firstName", User.first_name.max_length, required=True),
        "surname": reader.text("surname", User.surname.max_length, required=True),
        "email": email,
        "password": password,
        "disabled": reader.boolean("disabled"),
        "userRoles": reader.references("userRoles"),
        "userGroups": reader.references("userGroups"),
    }


def _check_plugin_fields(items: list[Incoming], job: SectionJob) -> list[Incoming]:
    by_index = {item.index: item for item in items}
    for user_field in current_hooks().metadata_user_fields():
        values = {
            item.index: item.data[user_field.key] for item in items if user_field.key in item.data
        }
        if not values:
            continue
        for index, error in (user_field.check(values) or {}).items():
            if index in by_index:  # a position it was not asked about is a plugin's slip
                prop = error.error_property or user_field.key
                refuse(job, by_index[index], replace(error, error_property=prop))
    return still_in(items, job)


def _create_or_update(items: list[Incoming], job: SectionJob, total: int) -> None:
    for item in items:
        _read(item, job)
    items = match_existing(still_in(items, job), User, job)
    items = check_unique(items, "username", User.username, job)
    role_ids = resolve_references(items, "userRoles", UserRole, "UserRole", job)
    # Groups later in the same file are created after the users: their ids count as known.
    resolve_references(
        items, "userGroups", UserGroup, "UserGroup", job, job.payload_ids("userGroups")
    )
    items = _check_plugin_fields(still_in(items, job), job)
    job.advance(total - len(items))
    # Written in chunks so progress shows while passwords are hashed (argon2 is slow).
    for chunk in chunked(items, WRITE_CHUNK):
        _write(list(chunk), role_ids, job)
        job.advance(len(chunk))
    for user_field in current_hooks().metadata_user_fields():
        values = {
            item.row_id: item.data[user_field.key] for item in items if user_field.key in item.data
        }
        if values:
            user_field.save(values)


def _write(items: list[Incoming], role_ids: dict[str, int], job: SectionJob) -> None:
    with_password = [item for item in items if item.values["password"] is not None]
    hashes = hash_passwords([item.values["password"] for item in with_password])
    for item, password_hash in zip(with_password, hashes, strict=True):
        item.values["password_hash"] = password_hash
    new = [item for item in items if item.row_id is None]
    stored = [item for item in items if item.row_id is not None]
    insert_new(
        User,
        new,
        lambda item: {
            "username": item.values["username"],
            "first_name": item.values["first_name"],
            "surname": item.values["surname"],
            "email": item.values["email"],
            "password_hash": item.values.get("password_hash"),
            "disabled": bool(item.values["disabled"]),
        },
    )
    _update_changed(stored)
    _replace_roles(new, stored, role_ids)
    listing_groups = [item for item in items if item.values["userGroups"] is not None]
    if listing_groups:
        memberships = memberships_of(job)
        for item in listing_groups:
            memberships.groups_of_user[item.row_id] = set(item.values["userGroups"])
    job.created(len(new))
    job.updated(len(stored))


def _update_changed(stored: list[Incoming]) -> None:
    """Write only what differs, so importing the same file again writes nothing."""
    by_id = {item.row_id: item for item in stored}
    names = ["username", "first_name", "surname", "email", "disabled", "password_hash"]
    fields = [User.id, *(User._meta.fields[name] for name in names)]
    for row_id, *current in select_in(fields, User.id, by_id):
        item = by_id[row_id]
        wanted = {name: item.values[name] for name in ("username", "first_name", "surname")}
        if "email" in item.data:
            wanted["email"] = item.values["email"]
        if item.values["disabled"] is not None:
            wanted["disabled"] = item.values["disabled"]
        if "password_hash" in item.values:
            wanted["password_hash"] = item.values["password_hash"]
        before = dict(zip(names, current, strict=True))
        changes = {name: value for name, value in wanted.items() if before[name] != value}
        if changes:
            User.update(**changes).where(User.id == row_id).execute()


def _replace_roles(new: list[Incoming], stored: list[Incoming], role_ids: dict[str, int]) -> None:
    """A given ``userRoles`` replaces the user's roles; an absent one leaves them."""
    delete_in(
        UserRoleMember.user,
        (item.row_id for item in stored if item.values["userRoles"] is not None),
    )
    insert_rows(
        [UserRoleMember.user, UserRoleMember.role],
        (
            (item.row_id, role_ids[uid])
            for item in (*new, *stored)
            for uid in item.values["userRoles"] or ()
        ),
    )
