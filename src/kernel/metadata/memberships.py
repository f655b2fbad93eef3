"""Group membership from both sides of a DHIS2 file, applied once both lists are in.

A user's ``userGroups`` and a group's ``users`` both describe membership. The members of a
group in the file are its ``users`` plus the users of the file listing it; a user of the
file is in exactly the groups it lists among those the file does not give members for.
Applied after every section, so users may name groups created later in the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kernel.metadata.job import SectionJob
from kernel.metadata.steps import chunked, ids_by_uid, insert_rows, select_in
from kernel.models import UserGroup, UserGroupMember
from kernel.plugins import current_hooks

SHARED_KEY = "kernel.memberships"


@dataclass
class Memberships:
    groups_of_user: dict[int, set[str]] = field(default_factory=dict)  # user id → group uids
    members_of_group: dict[int, set[int]] = field(default_factory=dict)  # group id → user ids

    def apply(self) -> None:
        group_ids = ids_by_uid(
            UserGroup, {uid for uids in self.groups_of_user.values() for uid in uids}
        )
        # A group missing here was refused in its own list, which reports why.
        listed_by_user = {
            user_id: {group_ids[uid] for uid in uids if uid in group_ids}
            for user_id, uids in self.groups_of_user.items()
        }
        wanted = {(u, g) for u, groups in listed_by_user.items() for g in groups}
        wanted |= {(u, g) for g, users in self.members_of_group.items() for u in users}
        pair = [UserGroupMember.user, UserGroupMember.group]
        current = set(select_in(pair, UserGroupMember.user, listed_by_user))
        current |= set(select_in(pair, UserGroupMember.group, self.members_of_group))
        # Only pairs the file speaks about may go: a stored membership of a user and a
        # group the file both leave out stays.
        removed = {
            (u, g) for u, g in current - wanted if u in listed_by_user or g in self.members_of_group
        }
        leaving: dict[int, list[int]] = {}
        for u, g in removed:
            leaving.setdefault(g, []).append(u)
        for g, user_ids in leaving.items():
            for chunk in chunked(user_ids):
                UserGroupMember.delete().where(
                    (UserGroupMember.group == g) & UserGroupMember.user.in_(list(chunk))
                ).execute()
        insert_rows(pair, sorted(wanted - current))
        UserGroup.refresh_member_counts(g for _, g in removed | (wanted - current))
        self._announce(wanted - current, removed)

    @staticmethod
    def _announce(added: set[tuple[int, int]], removed: set[tuple[int, int]]) -> None:
        """Tell plugins who joined and left each group, inside the import's transaction so
        that what they do about it is undone with the import if it fails."""
        joined: dict[int, set[int]] = {}
        left: dict[int, set[int]] = {}
        for u, g in added:
            joined.setdefault(g, set()).add(u)
        for u, g in removed:
            left.setdefault(g, set()).add(u)
        hooks = current_hooks()
        for group in UserGroup.select().where(UserGroup.id.in_(list(set(joined) | set(left)))):
            hooks.group_membership_changed(
                group, joined.get(group.id, set()), left.get(group.id, set())
            )


def memberships_of(job: SectionJob) -> Memberships:
    """The memberships noted so far in this import; the first call schedules applying them."""
    if SHARED_KEY not in job.shared:
        job.shared[SHARED_KEY] = Memberships()
        job.after(job.shared[SHARED_KEY].apply)
    return job.shared[SHARED_KEY]
