"""DHIS2 paging: the ``page``, ``pageSize`` and ``paging`` parameters and the pager object.

``{"pager": {"page": 2, "pageCount": 3, "total": 120, "pageSize": 50,
"prevPage": ".../api/users?page=1", "nextPage": ".../api/users?page=3"}}``. A page past
the end is an empty list, not an error. ``paging=false`` returns the whole list without a
pager, and is only accepted by lists that say how long they may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import request
from peewee import Query

from kernel.api.envelopes import ApiError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageRequest:
    """What the client asked for: a page number and size, or the whole list."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    paging: bool = True


def _whole_number(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        bounds = f"from {low} to {high}" if high < 10**9 else f"from {low}"
        raise ApiError(400, f"{name} must be a whole number {bounds}, not '{raw}'.")
    return int(raw)


def page_request(args: Mapping[str, str]) -> PageRequest:
    """Read ``page``, ``pageSize`` and ``paging`` from the query string.

    :raises ApiError: 400 for a page below 1, a page size outside 1..1000, or a ``paging``
        that is not true or false.
    """
    paging_raw = (args.get("paging") or "true").strip().lower()
    if paging_raw not in ("true", "false"):
        raise ApiError(400, f"paging must be true or false, not '{args.get('paging')}'.")
    return PageRequest(
        page=_whole_number(args, "page", 1, 1, 10**9),
        page_size=_whole_number(args, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        paging=paging_raw == "true",
    )


@dataclass(frozen=True)
class Pager:
    page: int
    page_size: int
    total: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_json(self) -> dict[str, Any]:
        """The pager object; links keep every other parameter of the request."""
        pager: dict[str, Any] = {
            "page": self.page,
            "pageCount": self.page_count,
            "total": self.total,
            "pageSize": self.page_size,
        }
        if self.page > 1:
            # From past the end, "previous" is the last page that has items.
            pager["prevPage"] = _page_link(min(self.page - 1, self.page_count))
        if self.page < self.page_count:
            pager["nextPage"] = _page_link(self.page + 1)
        return pager


def _page_link(page: int) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return f"{request.base_url}?{urlencode([*pairs, ('page', page)])}"


def fetch_page(
    rows: Query, count: Query, wanted: PageRequest, unpaged_limit: int | None = None
) -> tuple[list[Any], Pager | None]:
    """Run a list query for one page: two queries (count and page) whatever the page size.

    :param rows: the ordered query for the items.
    :param count: the query whose ``count()`` is the total.
    :param wanted: the client's page request.
    :param unpaged_limit: the most items ``paging=false`` may return; None refuses it.
    :returns: the items, and the pager (None when ``paging=false``).
    :raises ApiError: 400 when ``paging=false`` is not allowed here, 409 when the list is
        longer than ``unpaged_limit``.
    """
    if not wanted.paging:
        if unpaged_limit is None:
            raise ApiError(
                400,
                "paging=false is not allowed for this list: it can be very long. "
                f"Use page and pageSize (at most {MAX_PAGE_SIZE}).",
            )
        items = list(rows.limit(unpaged_limit + 1))
        if len(items) > unpaged_limit:
            raise ApiError(
                409,
                f"This list has more than {unpaged_limit} items, too many for paging=false. "
                f"Use page and pageSize (at most {MAX_PAGE_SIZE}).",
            )
        return items, None
    total = count.count()
    offset = (wanted.page - 1) * wanted.page_size
    # Past the end there is nothing to fetch: answer the empty page without asking.
    items = list(rows.paginate(wanted.page, wanted.page_size)) if offset < total else []
    return items, Pager(wanted.page, wanted.page_size, total)
