"""The ``page`` query parameter of every paginated page: the inbox, admin lists, plugins'."""

from __future__ import annotations

from flask import abort
from werkzeug.datastructures import MultiDict

# Far beyond any list (50 million rows at 50 a page), and well inside the 64-bit
# integers databases take for OFFSET and LIMIT: a larger number was a 500.
MAX_PAGE = 1_000_000


def page_number(args: MultiDict) -> int:
    """The ``page`` query parameter (1 when absent); 400 if it is not a whole number from
    1 to :data:`MAX_PAGE`."""
    raw = args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, f"The page number must be a whole number from 1 to {MAX_PAGE:,}.")
    return int(raw)
