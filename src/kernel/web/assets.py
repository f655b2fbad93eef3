"""htmx, served from its pip package with the app's own CSS: nothing comes from a CDN."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, send_from_directory
from werkzeug.wrappers import Response

from kernel.auth import public
from kernel.web.compression import accepts_gzip

blueprint = Blueprint("assets", __name__)

HTMX_VERSION = "2.0.3"
HTMX_DIRECTORY = Path(str(files("js_lib_htmx"))) / "static" / "htmx"
# The version is in the URL, so browsers may keep the file for a year.
IMMUTABLE = 365 * 24 * 3600


@blueprint.get(f"/assets/htmx-{HTMX_VERSION}.min.js")
@public
def htmx() -> Response:
    if accepts_gzip():
        # The package ships the file gzipped: served as is, never compressed per request.
        response = send_from_directory(
            HTMX_DIRECTORY, "htmx.min.js.gz", max_age=IMMUTABLE, mimetype="text/javascript"
        )
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_from_directory(HTMX_DIRECTORY, "htmx.min.js", max_age=IMMUTABLE)
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE}, immutable"
    return response


@blueprint.get("/favicon.ico")
@public
def favicon() -> Response:
    # Pages declare an empty icon; answering here keeps stray requests off the login page.
    return Response(status=404)
