"""Pages, CSS and htmx travel gzipped to browsers that accept it (SPEC §7: the first
inbox load stays under 40 KB), and caches can still revalidate them."""

from __future__ import annotations

import gzip
import re

from kernel.web.assets import HTMX_DIRECTORY, HTMX_VERSION

GZIP = {"Accept-Encoding": "gzip, deflate"}

# A CSRF token carries the second it was signed in, so two renderings of one page differ
# there when a second boundary falls between them.
CSRF_VALUE = re.compile(rb'(name="csrf_token" value=")[^"]*"')


def _without_csrf_tokens(page: bytes) -> bytes:
    return CSRF_VALUE.sub(rb'\1TOKEN"', page)


def test_pages_are_gzipped_for_browsers_that_accept_it(app, people, sign_in):
    ben = sign_in(app, "ben")
    plain = ben.client.get("/messages/PRIVATE")
    packed = ben.client.get("/messages/PRIVATE", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert _without_csrf_tokens(gzip.decompress(packed.data)) == _without_csrf_tokens(plain.data)
    assert len(packed.data) < len(plain.data) / 2


def test_htmx_is_served_from_its_shipped_gzip_file(app):
    client = app.test_client()
    url = f"/assets/htmx-{HTMX_VERSION}.min.js"
    packed = client.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "immutable" in packed.headers["Cache-Control"]
    assert gzip.decompress(packed.data) == (HTMX_DIRECTORY / "htmx.min.js").read_bytes()
    assert "Content-Encoding" not in client.get(url).headers


def test_gzipped_css_still_revalidates_to_304(app):
    client = app.test_client()
    first = client.get("/static/mailroom.css", headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    again = client.get(
        "/static/mailroom.css", headers={**GZIP, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_small_and_unchanged_badge_answers_are_not_gzipped(app, people, sign_in):
    ben = sign_in(app, "ben")
    badge = ben.client.get("/badge", headers=GZIP)
    assert "Content-Encoding" not in badge.headers
    unchanged = ben.client.get("/badge", headers={**GZIP, "If-None-Match": badge.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
