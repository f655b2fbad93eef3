"""``/api/system/info``: what DHIS2 clients read to know the server and its clock."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, request
from werkzeug.wrappers import Response

from kernel.api.envelopes import dhis2_datetime, json_response
from kernel.models.clock import utcnow

blueprint = Blueprint("api_system", __name__, url_prefix="/api")

SYSTEM_NAME = "Mailroom"


def mailroom_version() -> str:
    try:
        return version("mailroom")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


@blueprint.get("/system/info")
def info() -> Response:
    """Server version, name, base URL and current time (UTC)."""
    return json_response(
        {
            "version": mailroom_version(),
            "systemName": SYSTEM_NAME,
            "serverDate": dhis2_datetime(utcnow()),
            "serverTimeZoneId": "Etc/UTC",
            "serverTimeZoneDisplayName": "Coordinated Universal Time",
            "contextPath": request.url_root.rstrip("/"),
            "calendar": "iso8601",
            "dateFormat": "yyyy-mm-dd",
        }
    )
