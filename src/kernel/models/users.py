"""Users, user roles with authorities, user groups, and failed logins."""

from __future__ import annotations

from collections.abc import Iterable

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    ModelSelect,
    fn,
)

from kernel.db import BaseModel
from kernel.models.clock import utcnow
from kernel.uid import generate_uid

SUPERUSER_AUTHORITY = "ALL"


class User(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    username = CharField(max_length=255, unique=True)
    first_name = CharField(max_length=160)
    surname = CharField(max_length=160)
    email = CharField(max_length=255, null=True)
    # No hash means the account cannot log in (imported users without a password).
    password_hash = CharField(max_length=255, null=True)
    disabled = BooleanField(default=False)
    created = DateTimeField(default=utcnow)
    last_login = DateTimeField(null=True)

    class Meta:
        # "user" is a reserved word in PostgreSQL.
        table_name = "user_account"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.surname}".strip() or self.username

    def authorities(self) -> set[str]:
        """Every authority granted through the user's roles."""
        query = (
            RoleAuthority.select(RoleAuthority.authority)
            .join(UserRoleMember, on=(UserRoleMember.role == RoleAuthority.role))
            .where(UserRoleMember.user == self)
        )
        return {row.authority for row in query}

    def group_ids(self) -> set[int]:
        query = UserGroupMember.select(UserGroupMember.group).where(UserGroupMember.user == self)
        return {row.group_id for row in query}

    @classmethod
    def by_username(cls, username: str) -> User | None:
        return cls.get_or_none(cls.username == username)

    @classmethod
    def matching(cls, text: str) -> ModelSelect:
        """Users, disabled ones too, whose name or username contains every word of ``text``,
        by name."""
        query = cls.select()
        for word in text.lower().split():
            query = query.where(
                fn.LOWER(cls.username).contains(word)
                | fn.LOWER(cls.first_name).contains(word)
                | fn.LOWER(cls.surname).contains(word)
            )
        return query.order_by(cls.first_name, cls.surname, cls.id)

    @classmethod
    def search(cls, text: str, limit: int = 25) -> list[User]:
        """Enabled users whose name or username contains every word of ``text``."""
        return list(cls.matching(text).where(cls.disabled == False).limit(limit))


class UserRole(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230, unique=True)

    def grant(self, authorities: Iterable[str]) -> None:
        rows = [{"role": self.id, "authority": a} for a in authorities]
        if rows:
            RoleAuthority.insert_many(rows).on_conflict_ignore().execute()

    def authority_names(self) -> list[str]:
        query = RoleAuthority.select(RoleAuthority.authority).where(RoleAuthority.role == self)
        return sorted(row.authority for row in query)

    def replace_authorities(self, authorities: Iterable[str]) -> None:
        RoleAuthority.delete().where(RoleAuthority.role == self).execute()
        self.grant(authorities)

    @classmethod
    def by_name(cls) -> list[UserRole]:
        return list(cls.select().order_by(cls.name))

    @classmethod
    def of_users(cls, user_ids: Iterable[int]) -> dict[int, list[UserRole]]:
        """The roles of each of these users, by name, in one query (for list pages)."""
        ids = list(user_ids)
        roles: dict[int, list[UserRole]] = {user_id: [] for user_id in ids}
        if ids:
            query = (
                UserRoleMember.select(UserRoleMember.user, cls)
                .join(cls)
                .where(UserRoleMember.user.in_(ids))
                .order_by(cls.name)
            )
            for row in query:
                roles[row.user_id].append(row.role)
        return roles

    @classmethod
    def authorities_by_role(cls) -> dict[int, list[str]]:
        """Every role's authorities, in one query (for the roles page)."""
        authorities: dict[int, list[str]] = {}
        query = RoleAuthority.select().order_by(RoleAuthority.authority)
        for row in query:
            authorities.setdefault(row.role_id, []).append(row.authority)
        return authorities

    @classmethod
    def user_counts(cls) -> dict[int, int]:
        """How many users hold each role, in one query."""
        query = UserRoleMember.select(
            UserRoleMember.role, fn.COUNT(UserRoleMember.id).alias("users")
        ).group_by(UserRoleMember.role)
        return {row.role_id: row.users for row in query}


class RoleAuthority(BaseModel):
    role = ForeignKeyField(UserRole, backref="authority_rows", on_delete="CASCADE")
    authority = CharField(max_length=255)

    class Meta:
        indexes = ((("role", "authority"), True),)


class UserRoleMember(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE")
    role = ForeignKeyField(UserRole, on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "role"), True),)


class UserGroup(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230, unique=True)
    code = CharField(max_length=50, null=True, unique=True)
    member_count = IntegerField(default=0)

    def add_members(self, users: Iterable[User | int]) -> None:
        ids = [u if isinstance(u, int) else u.id for u in users]
        if ids:
            UserGroupMember.insert_many(
                [{"group": self.id, "user": i} for i in ids]
            ).on_conflict_ignore().execute()
            self.refresh_member_count()

    def remove_members(self, users: Iterable[User | int]) -> None:
        ids = [u if isinstance(u, int) else u.id for u in users]
        if ids:
            UserGroupMember.delete().where(
                (UserGroupMember.group == self) & UserGroupMember.user.in_(ids)
            ).execute()
            self.refresh_member_count()

    def member_ids(self) -> set[int]:
        query = UserGroupMember.select(UserGroupMember.user).where(UserGroupMember.group == self)
        return {row.user_id for row in query}

    def has_member(self, user: User) -> bool:
        return (
            UserGroupMember.select()
            .where((UserGroupMember.group == self) & (UserGroupMember.user == user))
            .exists()
        )

    def members_matching(self, text: str) -> ModelSelect:
        """This group's members whose name or username contains every word of ``text``."""
        return User.matching(text).join(UserGroupMember).where(UserGroupMember.group == self)

    def candidates(self, text: str, limit: int = 10) -> list[User]:
        """Users not in this group whose name or username contains every word of ``text``."""
        members = UserGroupMember.select(UserGroupMember.user).where(UserGroupMember.group == self)
        return list(User.matching(text).where(User.id.not_in(members)).limit(limit))

    def refresh_member_count(self) -> None:
        count = UserGroupMember.select().where(UserGroupMember.group == self).count()
        UserGroup.update(member_count=count).where(UserGroup.id == self.id).execute()
        self.member_count = count

    @classmethod
    def refresh_member_counts(cls, group_ids: Iterable[int]) -> None:
        """Recount the members of many groups in one statement per 500 groups."""
        ids = sorted(set(group_ids))
        for start in range(0, len(ids), 500):
            members = UserGroupMember.select(fn.COUNT(UserGroupMember.id)).where(
                UserGroupMember.group == cls.id
            )
            cls.update(member_count=members).where(cls.id.in_(ids[start : start + 500])).execute()

    @classmethod
    def matching(cls, text: str) -> ModelSelect:
        """Groups whose name contains every word of ``text``, by name."""
        query = cls.select()
        for word in text.lower().split():
            query = query.where(fn.LOWER(cls.name).contains(word))
        return query.order_by(cls.name, cls.id)

    @classmethod
    def by_name(cls) -> list[UserGroup]:
        return list(cls.select().order_by(cls.name))

    @classmethod
    def of_user(cls, user: User) -> list[UserGroup]:
        return list(cls.select().join(UserGroupMember).where(UserGroupMember.user == user))


class UserGroupMember(BaseModel):
    group = ForeignKeyField(UserGroup, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)

    class Meta:
        indexes = ((("group", "user"), True),)


class LoginFailure(BaseModel):
    """One failed login; recent rows throttle further attempts for that username."""

    username = CharField(max_length=255)
    remote_addr = CharField(max_length=64, null=True)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("username", "at"), False),)
