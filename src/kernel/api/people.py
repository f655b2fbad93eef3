"""How users and user groups look in the API, and what lists of them may be filtered by.

Two views of a user: the public one every signed-in caller may see (id, username and
names, as DHIS2's user lookup shows), and the full one (e-mail, groups, roles,
authorities, …) for ALL users and for the caller's own ``/api/me``. A non-ALL caller can
neither select nor filter by what only the full view has.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import url_for

from kernel.api.context import Caller
from kernel.api.envelopes import dhis2_datetime
from kernel.api.fields import Field, Schema
from kernel.api.query import BOOLEAN, DATETIME, ApiProperty
from kernel.models import (
    RoleAuthority,
    User,
    UserGroup,
    UserGroupMember,
    UserRole,
    UserRoleMember,
)

IDENTIFIABLE = ("id", "name", "displayName", "code", "created", "lastUpdated", "href")


def _present(names: tuple[str, ...], fields: dict[str, Field]) -> tuple[str, ...]:
    return tuple(name for name in names if name in fields)


def _schema(fields: dict[str, Field], reference: tuple[str, ...] = ("id",)) -> Schema:
    identifiable = _present(IDENTIFIABLE, fields)
    return Schema(
        fields=fields,
        reference=reference,
        presets={":identifiable": identifiable, ":nameable": identifiable},
    )


# --- batch loaders: one query per level, whatever the number of users --------------------


def _prefetch_groups(users: list[User], caller: Caller) -> None:
    rows = (
        UserGroupMember.select(UserGroupMember.user, UserGroup)
        .join(UserGroup)
        .where(UserGroupMember.user.in_([u.id for u in users]))
        .order_by(UserGroup.name)
    )
    by_user: dict[int, list[UserGroup]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row.group)
    for user in users:
        user._api_groups = by_user[user.id]


def _prefetch_roles(users: list[User], caller: Caller) -> None:
    rows = (
        UserRoleMember.select(UserRoleMember.user, UserRole)
        .join(UserRole)
        .where(UserRoleMember.user.in_([u.id for u in users]))
        .order_by(UserRole.name)
    )
    by_user: dict[int, list[UserRole]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row.role)
    for user in users:
        user._api_roles = by_user[user.id]


def _prefetch_authorities(users: list[User], caller: Caller) -> None:
    rows = (
        RoleAuthority.select(UserRoleMember.user, RoleAuthority.authority)
        .join(UserRoleMember, on=(UserRoleMember.role == RoleAuthority.role))
        .where(UserRoleMember.user.in_([u.id for u in users]))
        .tuples()
    )
    by_user: dict[int, set[str]] = defaultdict(set)
    for user_id, authority in rows:
        by_user[user_id].add(authority)
    for user in users:
        user._api_authorities = sorted(by_user[user.id])


def _prefetch_members(groups: list[UserGroup], caller: Caller) -> None:
    rows = (
        UserGroupMember.select(UserGroupMember.group, User)
        .join(User)
        .where(UserGroupMember.group.in_([g.id for g in groups]))
        .order_by(User.first_name, User.surname, User.id)
    )
    by_group: dict[int, list[User]] = defaultdict(list)
    for row in rows:
        by_group[row.group_id].append(row.user)
    for group in groups:
        group._api_members = by_group[group.id]


# --- schemas ------------------------------------------------------------------------------


def _public_user_fields() -> dict[str, Field]:
    return {
        "id": Field(lambda u, c: u.uid),
        "username": Field(lambda u, c: u.username),
        "firstName": Field(lambda u, c: u.first_name),
        "surname": Field(lambda u, c: u.surname),
        "name": Field(lambda u, c: u.display_name),
        "displayName": Field(lambda u, c: u.display_name),
        "href": Field(lambda u, c: url_for("api_users.user", uid=u.uid, _external=True)),
    }


ROLE = _schema(
    {
        "id": Field(lambda r, c: r.uid),
        "name": Field(lambda r, c: r.name),
        "displayName": Field(lambda r, c: r.name),
    }
)

PUBLIC_USER = _schema(_public_user_fields())


def _group_fields() -> dict[str, Field]:
    return {
        "id": Field(lambda g, c: g.uid),
        "name": Field(lambda g, c: g.name),
        "displayName": Field(lambda g, c: g.name),
        "code": Field(lambda g, c: g.code),
        "href": Field(lambda g, c: url_for("api_users.user_group", uid=g.uid, _external=True)),
    }


PUBLIC_GROUP = _schema(_group_fields())

FULL_USER = _schema(
    {
        **_public_user_fields(),
        "email": Field(lambda u, c: u.email),
        "disabled": Field(lambda u, c: u.disabled),
        "created": Field(lambda u, c: dhis2_datetime(u.created)),
        "lastLogin": Field(lambda u, c: dhis2_datetime(u.last_login)),
        "userGroups": Field(
            lambda u, c: u._api_groups, nested=PUBLIC_GROUP, many=True, prefetch=_prefetch_groups
        ),
        "userRoles": Field(
            lambda u, c: u._api_roles, nested=ROLE, many=True, prefetch=_prefetch_roles
        ),
        "authorities": Field(lambda u, c: u._api_authorities, prefetch=_prefetch_authorities),
    }
)

FULL_GROUP = _schema(
    {
        **_group_fields(),
        "users": Field(
            lambda g, c: g._api_members, nested=PUBLIC_USER, many=True, prefetch=_prefetch_members
        ),
    }
)


def user_schema(caller: Caller) -> Schema:
    return FULL_USER if caller.superuser else PUBLIC_USER


def group_schema(caller: Caller) -> Schema:
    return FULL_GROUP if caller.superuser else PUBLIC_GROUP


# --- filters and order --------------------------------------------------------------------

_DISPLAY_NAME: Any = User.first_name.concat(" ").concat(User.surname)


def _in_groups(condition: Any) -> Any:
    return User.id.in_(
        UserGroupMember.select(UserGroupMember.user).join(UserGroup).where(condition)
    )


def user_properties(caller: Caller) -> list[ApiProperty]:
    public = [
        ApiProperty("id", User.uid),
        ApiProperty("username", User.username),
        ApiProperty("firstName", User.first_name),
        ApiProperty("surname", User.surname),
        ApiProperty("displayName", _DISPLAY_NAME),
        ApiProperty("name", _DISPLAY_NAME),
    ]
    if not caller.superuser:
        return public
    return [
        *public,
        ApiProperty("email", User.email, nullable=True),
        ApiProperty("disabled", User.disabled, type=BOOLEAN),
        ApiProperty("created", User.created, type=DATETIME),
        ApiProperty("lastLogin", User.last_login, type=DATETIME, nullable=True),
        ApiProperty("userGroups.id", UserGroup.uid, through=_in_groups, orderable=False),
    ]


def group_properties(caller: Caller) -> list[ApiProperty]:
    return [
        ApiProperty("id", UserGroup.uid),
        ApiProperty("name", UserGroup.name),
        ApiProperty("displayName", UserGroup.name),
        ApiProperty("code", UserGroup.code, nullable=True),
    ]
