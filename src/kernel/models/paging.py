"""One page of a long list: the rows shown, and where they sit in the whole list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import ModelSelect


def _page_count(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


@dataclass
class Page:
    rows: list[Any]
    page: int
    page_size: int
    total: int

    @property
    def page_count(self) -> int:
        return _page_count(self.total, self.page_size)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def paginate(query: ModelSelect, page: int, page_size: int) -> Page:
    """Two queries whatever the list's length: the count, and one page of rows.

    A page past the end shows the last page, so a link kept from a longer list still works.
    """
    total = query.count()
    page = min(max(1, page), _page_count(total, page_size))
    rows = list(query.paginate(page, page_size))
    return Page(rows=rows, page=page, page_size=page_size, total=total)
