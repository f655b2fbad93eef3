"""Creating and changing users, roles and groups: shared by the CLI, the demo and the
administration pages.

Each change checks its input and raises :class:`PeopleError` with one message per form
field, so a page can show each message next to its field; nothing is changed then.
The password rule (:func:`kernel.passwords.password_problem`) is applied by pages and
commands where a person chooses a password, not here: tests and the demo set their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kernel.db import database
from kernel.models import RoleAuthority, User, UserGroup, UserGroupMember, UserRole, UserRoleMember
from kernel.models.users import SUPERUSER_AUTHORITY
from kernel.passwords import hash_password, password_problem
from kernel.plugins import current_hooks

# Not DHIS2's "Superuser": every DHIS2 export has a role of that name under its own id,
# which would then clash with this one on import (E5003).
SUPERUSER_ROLE = "Mailroom superuser"

# One @, something on each side, a dot in the domain: catches typos, not every bad address.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.][^@\s]*$")
USERNAME_PATTERN = re.compile(r"^\S+$")
AUTHORITY_PATTERN = re.compile(r"^\S+$")


class PeopleError(ValueError):
    """A user, role or group cannot be created or changed as asked; nothing was changed.

    ``problems`` maps a form field (``username``, ``email``, …) to what is wrong with it.
    """

    def __init__(self, problems: dict[str, str] | str) -> None:
        self.problems = {"": problems} if isinstance(problems, str) else dict(problems)
        super().__init__(" ".join(self.problems.values()))


def _text_problem(
    value: str | None, what: str, max_length: int, required: bool = True
) -> str | None:
    if not value:
        return f"Enter the {what}." if required else None
    if len(value) > max_length:
        return f"Use at most {max_length} characters for the {what}."
    return None


def _found(problems: dict[str, str | None]) -> dict[str, str]:
    return {field: message for field, message in problems.items() if message}


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise PeopleError(problems)


# --- users ------------------------------------------------------------------------------


def username_problem(username: str, user: User | None = None) -> str | None:
    """Why ``username`` cannot name a new user (or ``user``), or None."""
    problem = _text_problem(username, "username", User.username.max_length)
    if problem:
        return problem
    if not USERNAME_PATTERN.match(username):
        return "A username cannot contain spaces."
    taken = User.by_username(username)
    if taken is not None and (user is None or taken.id != user.id):
        return f"The username {username!r} is already taken."
    return None


def email_problem(email: str | None) -> str | None:
    problem = _text_problem(email, "e-mail address", User.email.max_length, required=False)
    if problem:
        return problem
    if email and not EMAIL_PATTERN.match(email):
        return "Enter an e-mail address such as name@example.org."
    return None


def user_details_problems(first_name: str, surname: str, email: str | None) -> dict[str, str]:
    """What is wrong with a user's names and e-mail address, by field (empty when fine)."""
    return _found(
        {
            "first_name": _text_problem(first_name, "first name", User.first_name.max_length),
            "surname": _text_problem(surname, "surname", User.surname.max_length),
            "email": email_problem(email),
        }
    )


def new_user_problems(
    username: str, first_name: str, surname: str, email: str | None
) -> dict[str, str]:
    """What stops creating this user, by field (empty when fine)."""
    return _found(
        {
            "username": username_problem(username),
            **user_details_problems(first_name, surname, email),
        }
    )


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
    username, first_name, surname = username.strip(), first_name.strip(), surname.strip()
    email = (email or "").strip() or None
    _raise_if(new_user_problems(username, first_name, surname, email))
    with database.atomic():
        user = User.create(
            username=username,
            first_name=first_name,
            surname=surname,
            email=email,
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


def update_user(
    user: User,
    *,
    first_name: str,
    surname: str,
    email: str | None,
    roles: Iterable[UserRole] | None = None,
    groups: Iterable[UserGroup] | None = None,
) -> None:
    """Change a user's names and e-mail, and replace their roles and groups when given."""
    first_name, surname = first_name.strip(), surname.strip()
    email = (email or "").strip() or None
    _raise_if(user_details_problems(first_name, surname, email))
    with database.atomic():
        User.update(first_name=first_name, surname=surname, email=email).where(
            User.id == user.id
        ).execute()
        user.first_name, user.surname, user.email = first_name, surname, email
        if roles is not None:
            set_roles(user, roles)
        if groups is not None:
            set_groups(user, groups)


def set_roles(user: User, roles: Iterable[UserRole]) -> None:
    """Give the user exactly these roles."""
    wanted = {role.id for role in roles}
    with database.atomic():
        dropped = UserRoleMember.user == user
        if wanted:
            dropped &= UserRoleMember.role.not_in(wanted)
        UserRoleMember.delete().where(dropped).execute()
        if wanted:
            UserRoleMember.insert_many(
                [{"user": user.id, "role": role_id} for role_id in wanted]
            ).on_conflict_ignore().execute()


def set_groups(user: User, groups: Iterable[UserGroup]) -> None:
    """Make the user a member of exactly these groups, keeping member counts right, and
    announce each change (``mailroom_group_membership_changed``)."""
    wanted = {group.id for group in groups}
    with database.atomic():
        current = user.group_ids()
        if current - wanted:
            UserGroupMember.delete().where(
                (UserGroupMember.user == user) & UserGroupMember.group.in_(current - wanted)
            ).execute()
        if wanted - current:
            UserGroupMember.insert_many(
                [{"user": user.id, "group": group_id} for group_id in wanted - current]
            ).on_conflict_ignore().execute()
        UserGroup.refresh_member_counts(current ^ wanted)
    hooks = current_hooks()
    for group in UserGroup.select().where(UserGroup.id.in_(list(current ^ wanted))):
        joined = {user.id} if group.id in wanted else set()
        hooks.group_membership_changed(group, joined, {user.id} - joined)


def set_password(user: User, password: str) -> None:
    """Set a password the person chose; refused when :func:`password_problem` objects."""
    _raise_if(_found({"password": password_problem(password)}))
    User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()


def set_disabled(user: User, disabled: bool) -> None:
    """Disable (or enable again) a user: a disabled user cannot sign in and is signed out."""
    User.update(disabled=disabled).where(User.id == user.id).execute()
    user.disabled = disabled


def superusers_exist() -> bool:
    return (
        UserRoleMember.select()
        .join(RoleAuthority, on=(RoleAuthority.role == UserRoleMember.role))
        .where(RoleAuthority.authority == SUPERUSER_AUTHORITY)
        .exists()
    )


# --- roles ------------------------------------------------------------------------------


def ensure_role(name: str, authorities: Iterable[str]) -> UserRole:
    role, _ = UserRole.get_or_create(name=name)
    role.grant(authorities)
    return role


def roles_grant_superuser(role_ids: Iterable[int]) -> bool:
    """Whether any of these roles carries the ALL authority."""
    ids = list(role_ids)
    return bool(ids) and (
        RoleAuthority.select()
        .where(RoleAuthority.role.in_(ids) & (RoleAuthority.authority == SUPERUSER_AUTHORITY))
        .exists()
    )


def role_problems(
    name: str, authorities: list[str], role: UserRole | None = None
) -> dict[str, str]:
    """What stops giving a role (new, or ``role``) this name and authorities, by field."""
    problem = _text_problem(name, "role name", UserRole.name.max_length)
    if problem is None:
        taken = UserRole.get_or_none(UserRole.name == name)
        if taken is not None and (role is None or taken.id != role.id):
            problem = f"There is already a role named {name!r}."
    bad = [
        a
        for a in authorities
        # isprintable: no control character, NUL included (PostgreSQL cannot store NUL).
        if not AUTHORITY_PATTERN.match(a)
        or not a.isprintable()
        or len(a) > RoleAuthority.authority.max_length
    ]
    return _found(
        {
            "name": problem,
            "authorities": (
                f"Authorities are single words of at most {RoleAuthority.authority.max_length} "
                f"characters, such as F_USER_ADD or ALL; check {bad[0][:40]!r}."
                if bad
                else None
            ),
        }
    )


def clean_authorities(authorities: Iterable[str]) -> list[str]:
    """Authorities as stored: stripped, without blanks or repeats, sorted."""
    return sorted({a.strip() for a in authorities if a.strip()})


def create_role(name: str, authorities: Iterable[str]) -> UserRole:
    name, wanted = name.strip(), clean_authorities(authorities)
    _raise_if(role_problems(name, wanted))
    with database.atomic():
        role = UserRole.create(name=name)
        role.grant(wanted)
    return role


def update_role(role: UserRole, name: str, authorities: Iterable[str]) -> None:
    """Rename a role and give it exactly these authorities."""
    name, wanted = name.strip(), clean_authorities(authorities)
    _raise_if(role_problems(name, wanted, role))
    with database.atomic():
        UserRole.update(name=name).where(UserRole.id == role.id).execute()
        role.name = name
        role.replace_authorities(wanted)


# --- groups -----------------------------------------------------------------------------


def group_problems(name: str, code: str | None, group: UserGroup | None = None) -> dict[str, str]:
    """What stops giving a group (new, or ``group``) this name and code, by field."""
    name_problem = _text_problem(name, "group name", UserGroup.name.max_length)
    if name_problem is None:
        taken = UserGroup.get_or_none(UserGroup.name == name)
        if taken is not None and (group is None or taken.id != group.id):
            name_problem = f"There is already a group named {name!r}."
    code_problem = _text_problem(code, "code", UserGroup.code.max_length, required=False)
    if code_problem is None and code:
        taken = UserGroup.get_or_none(UserGroup.code == code)
        if taken is not None and (group is None or taken.id != group.id):
            code_problem = f"The group {taken.name!r} already has the code {code!r}."
    return _found({"name": name_problem, "code": code_problem})


def create_group(name: str, code: str | None = None) -> UserGroup:
    name, code = name.strip(), (code or "").strip() or None
    _raise_if(group_problems(name, code))
    return UserGroup.create(name=name, code=code)


def update_group(group: UserGroup, name: str, code: str | None = None) -> None:
    """Rename a group (and change its code); its members stay."""
    name, code = name.strip(), (code or "").strip() or None
    _raise_if(group_problems(name, code, group))
    UserGroup.update(name=name, code=code).where(UserGroup.id == group.id).execute()
    group.name, group.code = name, code
