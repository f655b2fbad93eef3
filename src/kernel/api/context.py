"""The caller of an API request, handed to every field getter while a response renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g

from kernel.access import is_superuser
from kernel.models import User
from kernel.plugins import Hooks, current_hooks


@dataclass
class Caller:
    """Who is asking, and what a response may show them."""

    user: User
    superuser: bool
    hooks: Hooks
    # Room for plugins' getters to keep per-response lookups.
    cache: dict[str, Any] = field(default_factory=dict)


def current_caller() -> Caller:
    """The signed-in API caller (``g.user``, set by :mod:`kernel.api.auth`)."""
    return Caller(user=g.user, superuser=is_superuser(g.user), hooks=current_hooks())
