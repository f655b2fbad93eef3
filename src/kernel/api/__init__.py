"""The DHIS2-compatible Web API under ``/api``: authentication, envelopes, paging,
filters, field selection, the OpenAPI document, and the kernel's own resources.

Plugins add resources with a Blueprint whose ``url_prefix`` is ``/api`` (returned from
``mailroom_blueprints``) and build their answers with :mod:`kernel.api.lists`,
:mod:`kernel.api.envelopes`, :mod:`kernel.api.query` and :mod:`kernel.api.fields`.
"""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The kernel's API resources."""
    from kernel.api import (
        conversation_state,
        conversations,
        me,
        metadata,
        openapi,
        sending,
        system,
        user_lookup,
        users,
    )

    return [
        me.blueprint,
        system.blueprint,
        users.blueprint,
        conversations.blueprint,
        conversation_state.blueprint,
        sending.blueprint,
        user_lookup.blueprint,
        metadata.blueprint,
        openapi.blueprint,
    ]
