"""Creating users, roles and groups: shared by the CLI, the demo and (later) admin pages."""

from __future__ import annotations

from collections.abc import Iterable

from kernel.db import database
from kernel.models import User, UserGroup, UserGroupMember, UserRole, UserRoleMember
from kernel.models.users import SUPERUSER_AUTHORITY
from kernel.passwords import hash_password
from kernel.plugins import current_hooks

SUPERUSER_ROLE = "Superuser"


class PeopleError(ValueError):
    """A user, role or group cannot be created as asked."""


def ensure_role(name: str, authorities: Iterable[str]) -> UserRole:
    role, _ = UserRole.get_or_create(name=name)
    role.grant(authorities)
    return role


def create_user(
    username: str,
    first_name: str,
    surname: str,
    password: str | None = None,
    email: str | None = None,
    superuser: bool = False,
    roles: Iterable[UserRole] = (),
    groups: Iterable[UserGroup] = (),
) -> User:
    """Create a user with optional roles and groups, all in one transaction."""
    username = username.strip()
    if not username or not first_name.strip() or not surname.strip():
        raise PeopleError("A username, first name and surname are required.")
    if User.by_username(username) is not None:
        raise PeopleError(f"The username {username!r} is already taken.")
    with database.atomic():
        user = User.create(
            username=username,
            first_name=first_name.strip(),
            surname=surname.strip(),
            email=email or None,
            password_hash=hash_password(password) if password else None,
        )
        all_roles = list(roles)
        if superuser:
            all_roles.append(ensure_role(SUPERUSER_ROLE, [SUPERUSER_AUTHORITY]))
        for role in all_roles:
            UserRoleMember.get_or_create(user=user, role=role)
        for group in groups:
            group.add_members([user])
    for group in groups:
        current_hooks().group_membership_changed(group, {user.id}, set())
    return user


def add_group_members(group: UserGroup, user_ids: Iterable[int]) -> set[int]:
    """Add users to a group; announces who really joined. Returns their ids."""
    with database.atomic():
        before = group.member_ids()
        group.add_members(list(user_ids))
        added = group.member_ids() - before
    if added:
        current_hooks().group_membership_changed(group, added, set())
    return added


def remove_group_members(group: UserGroup, user_ids: Iterable[int]) -> set[int]:
    """Remove users from a group; announces who really left. Returns their ids."""
    ids = set(user_ids)
    with database.atomic():
        removed = group.member_ids() & ids
        if removed:
            UserGroupMember.delete().where(
                (UserGroupMember.group == group) & UserGroupMember.user.in_(removed)
            ).execute()
            group.refresh_member_count()
    if removed:
        current_hooks().group_membership_changed(group, set(), removed)
    return removed


def superusers_exist() -> bool:
    from kernel.models import RoleAuthority

    return (
        UserRoleMember.select()
        .join(RoleAuthority, on=(RoleAuthority.role == UserRoleMember.role))
        .where(RoleAuthority.authority == SUPERUSER_AUTHORITY)
        .exists()
    )
