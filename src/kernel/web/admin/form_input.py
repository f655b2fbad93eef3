"""Reading what an administrator typed or picked, from forms, query strings and URLs."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from peewee import Model
from werkzeug.datastructures import MultiDict

from kernel.uid import find_by_uid, is_valid_uid

MAX_SEARCH_LENGTH = 100
M = TypeVar("M", bound=Model)


def text(form: MultiDict, name: str) -> str:
    # PostgreSQL refuses NUL in text, and no one types it: drop it rather than fail.
    return form.get(name, "").replace("\x00", "").strip()


def search_text(args: MultiDict, name: str = "q") -> str:
    # A search box is not a form to correct: an over-long query is cut, not refused.
    return text(args, name)[:MAX_SEARCH_LENGTH]


def row_or_404(model: type[M], uid: str) -> M:
    """The row a URL names; a malformed uid is not looked up at all."""
    row = find_by_uid(model, uid)
    if row is None:
        abort(404)
    return row


def chosen(model: type[M], uids: list[str]) -> tuple[list[M], bool]:
    """The rows whose uids were ticked, and whether every uid was found.

    A uid that is not found was removed meanwhile, or the form was tampered with.
    """
    wanted = set(uids)
    valid = [uid for uid in wanted if is_valid_uid(uid)]
    rows = list(model.select().where(model.uid.in_(valid))) if valid else []
    return rows, len(rows) == len(wanted)
