"""One DHIS2 list endpoint from its parts: filter, order, page, fields, envelope.

Kernel and plugin lists alike answer ``{"pager": {...}, "<collection>": [...]}`` through
:func:`list_response`, so every list accepts the same parameters with the same errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import request
from peewee import Field, Node, Select
from werkzeug.wrappers import Response

from kernel.api.envelopes import json_response
from kernel.api.fields import Schema, render, selection_from
from kernel.api.pager import fetch_page, page_request
from kernel.api.query import (
    ApiProperty,
    filtered_properties,
    ordered_properties,
    parse_filters,
    parse_order,
)


def list_response(
    collection: str,
    rows: Select,
    count: Select | Callable[[set[str]], Select],
    *,
    schema: Schema,
    properties: Sequence[ApiProperty],
    context: Any,
    default_fields: str = "id,displayName",
    default_order: Sequence[Node] = (),
    tiebreak: Sequence[Node] = (),
    conditions: Sequence[Node] = (),
    unpaged_limit: int | None = None,
    adapt: Callable[[list[Any]], list[Any]] | None = None,
    key: Field | None = None,
) -> Response:
    """Answer a list request.

    :param collection: the JSON key of the items, e.g. ``"users"``.
    :param rows: the query for the items, already limited to what the caller may see.
    :param count: the same scope as a query to count (it may select less), or a function
        of the names of the properties the filters use that returns that query, so a
        count can leave out joins no filter needs.
    :param schema: what an item can show (:mod:`kernel.api.fields`).
    :param properties: what ``filter`` and ``order`` may name (:mod:`kernel.api.query`).
    :param context: handed to the schema's getters (usually ``current_caller()``).
    :param default_fields: ``fields`` when the request has none.
    :param default_order: ORDER BY when the request has no ``order``.
    :param tiebreak: appended to every order so pages never overlap (e.g. the id).
    :param conditions: further SQL conditions the endpoint adds (AND-ed with the filters).
    :param unpaged_limit: the most items ``paging=false`` may return; None refuses it.
    :param adapt: turns the fetched rows into the objects the schema renders.
    :param key: the rows' key column, selected by ``count``: given it, the page is found
        as keys through the count's query (ordered and paged there, without the joins it
        can leave out), then its rows are read by key. For lists whose order has no index
        across the whole list, where sorting joined rows costs far more than sorting keys.
    :raises ApiError: 400/409 for bad parameters, before any query runs.
    """
    args = request.args
    wanted = page_request(args)
    selection = selection_from(args, default_fields)
    condition = parse_filters(args, properties)
    order = [*parse_order(args, properties, default_order), *tiebreak]
    if callable(count):
        named = filtered_properties(args)
        # Keys are sorted in the count's query: it must also join what the order names.
        count = count(named | ordered_properties(args) if key is not None else named)
    where = [*conditions, *([condition] if condition is not None else [])]
    if where:
        rows = rows.where(*where)
        count = count.where(*where)
    if key is None:
        items, pager = fetch_page(rows.order_by(*order), count, wanted, unpaged_limit)
    else:
        keys, pager = fetch_page(count.order_by(*order).tuples(), count, wanted, unpaged_limit)
        items = _rows_by_key(rows, key, [row_key for row_key, *_ in keys])
    body: dict[str, Any] = {}
    if pager is not None:
        body["pager"] = pager.to_json()
    body[collection] = render(adapt(items) if adapt else items, schema, selection, context)
    return json_response(body)


def _rows_by_key(rows: Select, key: Field, keys: list[Any]) -> list[Any]:
    """The rows with these keys, in the keys' order."""
    if not keys:
        return []
    position = {row_key: n for n, row_key in enumerate(keys)}
    found = list(rows.where(key.in_(keys)))
    # A foreign key's value, not the row it names (which would be one query per row).
    attribute = getattr(key, "object_id_name", key.name)
    return sorted(found, key=lambda row: position[getattr(row, attribute)])
