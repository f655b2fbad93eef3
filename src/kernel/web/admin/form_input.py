"""Reading what an administrator typed or picked, from forms and query strings."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from peewee import Model
from werkzeug.datastructures import MultiDict

MAX_SEARCH_LENGTH = 100
M = TypeVar("M", bound=Model)


def text(form: MultiDict, name: str) -> str:
    return form.get(name, "").strip()


def search_text(args: MultiDict, name: str = "q") -> str:
    # A search box is not a form to correct: an over-long query is cut, not refused.
    return text(args, name)[:MAX_SEARCH_LENGTH]


def page_number(args: MultiDict) -> int:
    raw = args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, "The page number must be a whole number from 1.")
    return int(raw)


def chosen(model: type[M], uids: list[str]) -> tuple[list[M], bool]:
    """The rows whose uids were ticked, and whether every uid was found.

    A uid that is not found was removed meanwhile, or the form was tampered with.
    """
    wanted = set(uids)
    rows = list(model.select().where(model.uid.in_(wanted))) if wanted else []
    return rows, len(rows) == len(wanted)
