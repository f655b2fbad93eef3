"""orgunit_routing: the organisation-unit hierarchy as recipients.

Adds org units (with a stored path, so a subtree is one indexed query), org unit groups
and user ↔ org unit assignment; the recipient kinds "org unit" and "org unit group" (an
org unit resolves to its assigned users, or to its whole subtree with "include sub-units");
who of some users works in an org unit's hierarchy or at its parent (for validation
notifications); an org-unit browser for ALL users; and a demo hierarchy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint
from markupsafe import Markup

from kernel import hookimpl
from kernel.access import is_superuser
from kernel.contributions import (
    MetadataSection,
    MetadataUserField,
    MigrationSource,
    RecipientKind,
    RecipientOption,
    RecipientSelection,
)
from kernel.models import User, UserGroup
from plugins.orgunit_routing import recipients
from plugins.orgunit_routing.validation_routing import (  # noqa: F401
    mailroom_users_at_parent_org_unit,
    mailroom_users_in_hierarchy,
)


@hookimpl
def mailroom_migrations() -> MigrationSource:
    return MigrationSource(name="orgunit_routing", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    from plugins.orgunit_routing.api import blueprint as api
    from plugins.orgunit_routing.views import blueprint

    return [blueprint, api]


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
def mailroom_describe_recipients(selection: RecipientSelection) -> list[RecipientOption]:
    return recipients.describe(selection)


@hookimpl
def mailroom_template_slot(slot: str, user: User | None, context: dict[str, Any]) -> Markup | None:
    if slot == "navigation" and user is not None and is_superuser(user):
        from flask import url_for

        return Markup('<li><a href="{}">Org units</a></li>').format(url_for("orgunits.browse"))
    if slot == "admin_user" and user is not None and is_superuser(user):
        from flask import render_template

        from plugins.orgunit_routing.models import OrgUnit

        return Markup(
            render_template(
                "orgunit_routing/admin_user.html", units=OrgUnit.assigned_to(context["user"])
            )
        )
    if slot == "compose" and user is not None:
        from plugins.orgunit_routing.compose import render_field

        return render_field(user, context)
    return None


@hookimpl
def mailroom_metadata_sections() -> list[MetadataSection]:
    from plugins.orgunit_routing import metadata

    # Below users (50): users refer to org units; groups after the units they list.
    return [
        MetadataSection(
            key="organisationUnits", klass=metadata.UNITS_KLASS, order=20, run=metadata.import_units
        ),
        MetadataSection(
            key="organisationUnitGroups",
            klass=metadata.GROUPS_KLASS,
            order=30,
            run=metadata.import_groups,
        ),
    ]


@hookimpl
def mailroom_metadata_user_fields() -> list[MetadataUserField]:
    from plugins.orgunit_routing import metadata

    return [
        MetadataUserField(
            key="organisationUnits",
            check=metadata.check_user_units,
            save=metadata.save_user_units,
        )
    ]


@hookimpl
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    from plugins.orgunit_routing.demo import add_demo_hierarchy

    add_demo_hierarchy(users)
