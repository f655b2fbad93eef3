"""orgunit_routing: the organisation-unit hierarchy as recipients.

Adds org units (with a stored path, so a subtree is one indexed query), org unit groups
and user ↔ org unit assignment; the recipient kinds "org unit" and "org unit group" (an
org unit resolves to its assigned users, or to its whole subtree with "include sub-units");
an org-unit browser for ALL users; and a demo hierarchy.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from markupsafe import Markup

from kernel import hookimpl
from kernel.access import is_superuser
from kernel.contributions import MigrationSource, RecipientKind, RecipientOption, RecipientSelection
from kernel.models import User, UserGroup
from plugins.orgunit_routing import recipients
from plugins.orgunit_routing.validation_routing import mailroom_users_in_hierarchy  # noqa: F401


@hookimpl
def mailroom_migrations() -> MigrationSource:
    return MigrationSource(name="orgunit_routing", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    from plugins.orgunit_routing.views import blueprint

    return [blueprint]


@hookimpl
def mailroom_recipient_kinds() -> list[RecipientKind]:
    return [
        RecipientKind(
            key=recipients.ORG_UNIT,
            label="Org unit",
            api_field="organisationUnits",
            field="to_org_unit",
        ),
        RecipientKind(
            key=recipients.ORG_UNIT_GROUP,
            label="Org unit group",
            api_field="organisationUnitGroups",
            field="to_org_unit",
        ),
    ]


@hookimpl
def mailroom_search_recipients(query: str, limit: int) -> list[RecipientOption]:
    return recipients.search(query, limit)


@hookimpl
def mailroom_resolve_recipients(selection: RecipientSelection) -> set[int] | None:
    return recipients.resolve(selection)


@hookimpl
def mailroom_template_slot(slot: str, user: User | None) -> Markup | None:
    if slot == "navigation" and user is not None and is_superuser(user):
        from flask import url_for

        return Markup('<li><a href="{}">Org units</a></li>').format(url_for("orgunits.browse"))
    return None


@hookimpl
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    from plugins.orgunit_routing.demo import add_demo_hierarchy

    add_demo_hierarchy(users)
