"""Every failure under ``/api`` answers with a DHIS2 error envelope, never an HTML page.

:mod:`kernel.web.errors` hands API requests to these functions.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from kernel.api.envelopes import web_message

SERVER_MESSAGES = {
    500: "Something went wrong on the server; the error has been logged.",
    503: "The database cannot be reached. Nothing acknowledged before was lost; "
    "try again in a minute.",
}


def for_http_error(error: HTTPException) -> Response:
    """Routing and protocol errors (404, 405, 400 from the framework, …) as JSON."""
    status = error.code or 500
    headers = {}
    if status == 404:
        message = f"There is no API endpoint at {request.path}."
    elif status == 405 and isinstance(error, MethodNotAllowed):
        allowed = sorted(set(error.valid_methods or ()))
        headers["Allow"] = ", ".join(allowed)
        message = (
            f"Request method '{request.method}' is not supported by {request.path}; "
            f"use {', '.join(allowed)}."
        )
    elif status >= 500:
        message = SERVER_MESSAGES.get(status, SERVER_MESSAGES[500])
    else:
        message = error.description or ""
    return web_message(status, message, headers)


def for_csrf_error() -> Response:
    return web_message(
        403,
        "The CSRF token is missing or invalid. A call authenticated by the session cookie "
        "must send the page's token in the X-CSRFToken header; or authenticate with Basic "
        "credentials or an API token instead.",
    )


def for_server_error(status: int) -> Response:
    return web_message(status, SERVER_MESSAGES[status])
