"""gzip for text responses (pages, partials, CSS, JSON): users are on slow, expensive
connections, and the first inbox load must stay under 40 KB on the wire (SPEC §7).

htmx is served from the ``.gz`` file its package ships (see ``kernel.web.assets``), so
it is never compressed per request.
"""

from __future__ import annotations

import gzip

from flask import Flask, request
from werkzeug.wrappers import Response

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
}
# Below this the gzip header and a second round of CPU cost more than they save.
MIN_SIZE = 500
# Level 6 (zlib's default) gets almost all of level 9's size at a third of its time.
LEVEL = 6


def init_app(app: Flask) -> None:
    app.after_request(compress)


def accepts_gzip() -> bool:
    return "gzip" in request.accept_encodings


def compress(response: Response) -> Response:
    """gzip the body when the client accepts it and it is worth it."""
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or request.method == "HEAD"
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    # Static files come as a file wrapper; a small CSS file is read into memory.
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, _weak = response.get_etag()
    if etag:
        # As nginx does: the gzip body is not byte-identical, so the validator turns weak;
        # revalidation (a weak comparison) still answers 304.
        response.set_etag(etag, weak=True)
    return response
