"""Error pages: every failure a user can reach answers with a clear page, never a trace.

Under ``/api`` the same failures answer with DHIS2 JSON envelopes (:mod:`kernel.api.errors`).
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from kernel.api import errors as api_errors
from kernel.api.auth import is_api_request
from kernel.api.envelopes import ApiError, error_response

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "There is nothing at this address, or you do not have access to it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    429: ("Too many requests", "Wait a few minutes and try again."),
    500: ("Something went wrong", "The error has been logged. Try again later."),
    503: (
        "Temporarily unavailable",
        "The database cannot be reached. Nothing you sent before this was lost; "
        "try again in a minute.",
    ),
}


def error_page(status: int, detail: str | None = None):
    title, text = MESSAGES.get(status, (str(status), ""))
    template = "partials/error.html" if request.headers.get("HX-Request") else "error.html"
    return render_template(template, status=status, title=title, text=detail or text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        if is_api_request():
            return api_errors.for_csrf_error()
        return error_page(
            400,
            "This form has expired or did not come from this site. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if is_api_request():
            return api_errors.for_http_error(error)
        return error_page(error.code, error.description if error.code == 400 else None)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        log.exception("database error")
        return api_errors.for_server_error(503) if is_api_request() else error_page(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return api_errors.for_server_error(500) if is_api_request() else error_page(500)
