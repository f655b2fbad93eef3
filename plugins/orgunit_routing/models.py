"""Organisation units in a hierarchy, org unit groups, and which users work where.

Each org unit stores its ``path`` of uids from the root (DHIS2's ``/A/B/C``), so a whole
subtree is one indexed range query: every descendant's path starts with ``path + "/"``.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import CharField, ForeignKeyField, IntegerField, fn

from kernel.db import BaseModel
from kernel.models import User
from kernel.uid import find_by_uid, generate_uid

# The character after "/" in ASCII: paths in [prefix + "/", prefix + "0") are the subtree.
_AFTER_SLASH = "0"


class OrgUnit(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230)
    short_name = CharField(max_length=50, null=True)
    code = CharField(max_length=50, null=True, unique=True)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    level = IntegerField()
    path = CharField(max_length=255, unique=True)
    # User assignments here, and here or below: kept on every assignment change so that
    # search can offer only units that reach somebody, without counting at read time.
    assignments = IntegerField(default=0)
    subtree_assignments = IntegerField(default=0)

    class Meta:
        table_name = "orgunit_org_unit"
        indexes = ((("parent", "name"), False),)

    def subtree_condition(self):
        """SQL condition for this unit and every unit below it."""
        return subtree_condition([self.path])

    def ancestors(self) -> list[OrgUnit]:
        """From the root down to the parent, in one query."""
        uids = self.path.strip("/").split("/")[:-1]
        if not uids:
            return []
        by_uid = {u.uid: u for u in OrgUnit.select().where(OrgUnit.uid.in_(uids))}
        return [by_uid[uid] for uid in uids if uid in by_uid]

    @classmethod
    def by_uid(cls, uid: str) -> OrgUnit | None:
        return find_by_uid(cls, uid)

    @classmethod
    def roots(cls) -> list[OrgUnit]:
        return list(cls.select().where(cls.parent.is_null()).order_by(cls.name))

    @classmethod
    def assigned_to(cls, user: User) -> list[OrgUnit]:
        """The units a user is assigned to, from the top of the hierarchy down."""
        return list(
            cls.select()
            .join(UserOrgUnit, on=(UserOrgUnit.org_unit == cls.id))
            .where(UserOrgUnit.user == user)
            .order_by(cls.level, cls.name)
        )

    @classmethod
    def search(cls, text: str, limit: int) -> list[OrgUnit]:
        """Units whose name contains every word, and that reach at least one user."""
        query = cls.select().where(cls.subtree_assignments > 0)
        for word in text.lower().split():
            query = query.where(fn.LOWER(cls.name).contains(word))
        return list(query.order_by(cls.level, cls.name).limit(limit))


def subtree_condition(paths: Iterable[str]):
    """Units at or below any of ``paths``: an index range per path, OR-ed."""
    condition = None
    for path in paths:
        part = (OrgUnit.path == path) | (
            (OrgUnit.path >= path + "/") & (OrgUnit.path < path + _AFTER_SLASH)
        )
        condition = part if condition is None else condition | part
    return condition


class OrgUnitGroup(BaseModel):
    uid = CharField(max_length=11, unique=True, default=generate_uid)
    name = CharField(max_length=230, unique=True)
    code = CharField(max_length=50, null=True, unique=True)

    class Meta:
        table_name = "orgunit_group"

    @classmethod
    def search(cls, text: str, limit: int) -> list[OrgUnitGroup]:
        query = cls.select()
        for word in text.lower().split():
            query = query.where(fn.LOWER(cls.name).contains(word))
        return list(query.order_by(cls.name).limit(limit))


class OrgUnitGroupMember(BaseModel):
    group = ForeignKeyField(OrgUnitGroup, on_delete="CASCADE")
    org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

    class Meta:
        table_name = "orgunit_group_member"
        indexes = ((("group", "org_unit"), True),)


class UserOrgUnit(BaseModel):
    """A user assigned to an org unit (DHIS2's data-capture org units)."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    org_unit = ForeignKeyField(OrgUnit, on_delete="CASCADE")

    class Meta:
        table_name = "orgunit_user_org_unit"
        indexes = ((("user", "org_unit"), True),)
