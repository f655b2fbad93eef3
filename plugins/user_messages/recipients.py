"""Users and user groups as recipients."""

from __future__ import annotations

from kernel.contributions import RecipientOption, RecipientSelection, UnknownRecipient
from kernel.models import User, UserGroup, UserGroupMember

USER = "user"
USER_GROUP = "userGroup"


def search(query: str, limit: int) -> list[RecipientOption]:
    """Enabled users by name or username, and groups by name, at most ``limit`` of each."""
    users = [
        RecipientOption(kind=USER, id=u.uid, label=u.display_name, description=u.username)
        for u in User.search(query, limit)
    ]
    group_query = UserGroup.select().where(UserGroup.member_count > 0)
    for word in query.lower().split():
        group_query = group_query.where(UserGroup.name.contains(word))
    groups = [
        RecipientOption(
            kind=USER_GROUP, id=g.uid, label=g.name, description=_members(g.member_count)
        )
        for g in group_query.order_by(UserGroup.name).limit(limit)
    ]
    return users + groups


def describe(selection: RecipientSelection) -> list[RecipientOption]:
    """The picked users and groups that exist, by name (one query per kind)."""
    described: list[RecipientOption] = []
    user_uids = set(selection.of(USER))
    if user_uids:
        for u in User.select().where(User.uid.in_(user_uids)):
            # Shown, so the sender understands why a disabled user will not receive it.
            note = f"{u.username}, account disabled" if u.disabled else u.username
            described.append(
                RecipientOption(kind=USER, id=u.uid, label=u.display_name, description=note)
            )
    group_uids = set(selection.of(USER_GROUP))
    if group_uids:
        for g in UserGroup.select().where(UserGroup.uid.in_(group_uids)):
            described.append(
                RecipientOption(
                    kind=USER_GROUP, id=g.uid, label=g.name, description=_members(g.member_count)
                )
            )
    return described


def _members(count: int) -> str:
    return "1 member" if count == 1 else f"{count:,} members"


def resolve(selection: RecipientSelection) -> set[int] | None:
    """Enabled users picked directly or through a group; DHIS2's errors for unknown uids."""
    user_uids = set(selection.of(USER))
    group_uids = set(selection.of(USER_GROUP))
    if not user_uids and not group_uids:
        return None
    resolved: set[int] = set()
    if user_uids:
        found = {
            u.uid: u
            for u in User.select(User.id, User.uid, User.disabled).where(User.uid.in_(user_uids))
        }
        for uid in sorted(user_uids - set(found)):
            raise UnknownRecipient(USER, uid, f"User does not exist: {uid}", 409)
        resolved |= {u.id for u in found.values() if not u.disabled}
    if group_uids:
        found_groups = {
            g.uid: g.id
            for g in UserGroup.select(UserGroup.id, UserGroup.uid).where(
                UserGroup.uid.in_(group_uids)
            )
        }
        for uid in sorted(group_uids - set(found_groups)):
            raise UnknownRecipient(
                USER_GROUP, uid, f"UserGroup with id {uid} could not be found.", 404
            )
        members = (
            UserGroupMember.select(UserGroupMember.user)
            .join(User)
            .where(
                UserGroupMember.group.in_(list(found_groups.values())) & (User.disabled == False)
            )
        )
        # Tuples, not model instances: a 10,000-member group resolves in milliseconds.
        resolved |= {user_id for (user_id,) in members.tuples()}
    return resolved
