"""DHIS2's JSON envelopes: WebMessages for outcomes and errors, plain objects for data.

A WebMessage is ``{"httpStatus": "Created", "httpStatusCode": 201, "status": "OK",
"message": "..."}``; errors carry ``"status": "ERROR"`` and a 4xx/5xx code. Views raise
:class:`ApiError` and the API's error handler turns it into the envelope.
"""

from __future__ import annotations

import json
from datetime import datetime
from http import HTTPStatus
from typing import Any

from flask import Response, current_app


class ApiError(Exception):
    """A request the API refuses; becomes an ERROR WebMessage with ``status``.

    :param status: the HTTP status code (4xx).
    :param message: what the client did wrong, in words a developer can act on.
    :param headers: extra response headers (``WWW-Authenticate``, ``Retry-After``).
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise ``data`` as the body of a JSON response.

    Keys keep the order the API builds them in (Flask's encoder would sort them), and the
    output is compact: clients are often on slow, metered connections.
    """
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def web_message(
    status: int,
    message: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A DHIS2 WebMessage response; ``status`` ≥ 400 makes it an ERROR."""
    body: dict[str, Any] = {
        "httpStatus": HTTPStatus(status).phrase,
        "httpStatusCode": status,
        "status": "ERROR" if status >= 400 else "OK",
    }
    if message is not None:
        body["message"] = message
    body.update(extra)
    return json_response(body, status, headers)


def error_response(error: ApiError) -> Response:
    return web_message(error.status, error.message, error.headers)


def dhis2_datetime(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time in DHIS2's JSON format, e.g. ``2024-05-01T09:30:00.000``.

    DHIS2 writes server time without a zone; Mailroom's server time is UTC, which
    ``/api/system/info`` states, so clients comparing it with ``serverDate`` stay right.
    """
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds")
