"""DHIS2 metadata as DHIS2 exports it, and a way to import it as the CLI and API do."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.metadata import import_metadata

ADMINS = "roleAdmin01"
MESSAGING = "roleMsgUser"
KADI = "userKadi001"
MUSA = "userMusa001"
TEAM = "groupTeam01"
PASSWORD = "Kadi-pass-1"


def role(uid: str, name: str, *authorities: str) -> dict[str, Any]:
    return {"id": uid, "name": name, "authorities": list(authorities)}


def user(uid: str, username: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "username": username,
        "firstName": username.title(),
        "surname": "Test",
        **extra,
    }


def old_shape_user(uid: str, username: str, **credentials: Any) -> dict[str, Any]:
    """A user as DHIS2 before 2.36 exported it: credentials in ``userCredentials``."""
    return {
        "id": uid,
        "firstName": username.title(),
        "surname": "Test",
        "userCredentials": {"id": "credentials", "username": username, **credentials},
    }


def refs(*uids: str) -> list[dict[str, str]]:
    return [{"id": uid} for uid in uids]


def sample() -> dict[str, Any]:
    """Two roles, two users (one per shape), one group naming one of them."""
    return {
        "system": {"id": "abc", "version": "2.40.1"},
        "userRoles": [
            role(ADMINS, "Administrators", "ALL"),
            role(MESSAGING, "Messaging user", "M_dhis-web-messaging"),
        ],
        "users": [
            user(KADI, "kadi", email="kadi@example.org", password=PASSWORD, userRoles=refs(ADMINS)),
            old_shape_user(MUSA, "musa", password="Musa-pass-1", userRoles=refs(MESSAGING)),
        ],
        "userGroups": [{"id": TEAM, "name": "Feedback team", "code": "FB", "users": refs(MUSA)}],
    }


@pytest.fixture
def run_import(app):
    """``run_import(payload, **options)``: the report as the API would send it (a dict)."""

    def _run(payload: Any, **options: Any) -> dict[str, Any]:
        with app.app_context():
            return import_metadata(payload, **options).to_dict()

    return _run


def errors_of(report: dict[str, Any]) -> list[tuple[str, int, str | None, str, str | None]]:
    """(klass, index, uid, errorCode, errorProperty) of every error in a report."""
    return [
        (t["klass"], o["index"], o["uid"], e["errorCode"], e["errorProperty"])
        for t in report["typeReports"]
        for o in t["objectReports"]
        for e in o["errorReports"]
    ]
