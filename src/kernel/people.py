"""Creating users, roles and groups: shared by the CLI, the demo and (later) admin pages."""

from __future__ import annotations

from collections.abc import Iterable

from kernel.db import database
from kernel.models import User, UserGroup, UserRole, UserRoleMember
from kernel.models.users import SUPERUSER_AUTHORITY
from kernel.passwords import hash_password

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
    return user


def superusers_exist() -> bool:
    from kernel.models import RoleAuthority

    return (
        UserRoleMember.select()
        .join(RoleAuthority, on=(RoleAuthority.role == UserRoleMember.role))
        .where(RoleAuthority.authority == SUPERUSER_AUTHORITY)
        .exists()
    )
