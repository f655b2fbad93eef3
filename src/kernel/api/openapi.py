"""``/api/openapi.json``: an OpenAPI 3 document generated from the app's ``/api`` routes.

Every route under ``/api`` appears, plugin routes included, with its methods, its path
parameters and a summary taken from the first line of the view's docstring (the rest is
the description). Views declare their query parameters and JSON body with
:func:`documented`; an undeclared route is still listed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Blueprint, current_app, request
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from kernel.api.envelopes import json_response
from kernel.api.system import SYSTEM_NAME, mailroom_version

blueprint = Blueprint("api_openapi", __name__, url_prefix="/api")

View = TypeVar("View", bound=Callable[..., Any])

IGNORED_METHODS = {"HEAD", "OPTIONS"}
_CONVERTER_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}
_PATH_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def query_parameter(name: str, description: str, schema: dict[str, Any] | None = None) -> dict:
    """An OpenAPI query parameter object, for :func:`documented`."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


FIELDS = query_parameter(
    "fields", "Properties to include, e.g. id,displayName,lastSender[id,name]."
)
LIST_PARAMETERS = [
    query_parameter(
        "page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}
    ),
    query_parameter(
        "pageSize",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50},
    ),
    query_parameter(
        "paging", "false returns the whole list, where the list allows it.", {"type": "boolean"}
    ),
    {
        **query_parameter("filter", "property:operator:value, e.g. read:eq:false; repeatable."),
        "schema": {"type": "array", "items": {"type": "string"}},
        "explode": True,
    },
    query_parameter(
        "rootJunction", "How filters combine.", {"type": "string", "enum": ["AND", "OR"]}
    ),
    query_parameter("order", "property:asc|desc|iasc|idesc, comma-separated."),
    FIELDS,
]
UID_ARRAY_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9]{10}$"},
            }
        }
    },
}


def documented(
    parameters: Sequence[dict[str, Any]] = (),
    body: dict[str, Any] | None = None,
    success: int = 200,
) -> Callable[[View], View]:
    """Declare a view's query parameters and request body for the OpenAPI document.

    :param parameters: OpenAPI parameter objects; ``LIST_PARAMETERS`` and ``FIELDS`` are
        ready-made.
    :param body: an OpenAPI requestBody object, e.g. ``UID_ARRAY_BODY``.
    :param success: the status of a successful answer (201 Created, 204 No Content, …).
    """

    def mark(view: View) -> View:
        view.api_parameters = list(parameters)  # type: ignore[attr-defined]
        view.api_body = body  # type: ignore[attr-defined]
        view.api_success = success  # type: ignore[attr-defined]
        return view

    return mark


def _path_and_parameters(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    parameters = []

    def replace(match: re.Match[str]) -> str:
        parameters.append(
            {
                "name": match["name"],
                "in": "path",
                "required": True,
                "schema": _CONVERTER_TYPES.get(match["converter"] or "", {"type": "string"}),
            }
        )
        return "{" + match["name"] + "}"

    return _PATH_VARIABLE.sub(replace, rule.rule), parameters


def _operation(rule: Rule, method: str, path_parameters: list[dict[str, Any]]) -> dict:
    view = current_app.view_functions[rule.endpoint]
    doc = inspect.getdoc(view) or ""
    summary, _, description = doc.partition("\n")
    success = getattr(view, "api_success", 200)
    answer: dict[str, Any] = {"description": HTTPStatus(success).phrase}
    if success != 204:
        answer["content"] = {"application/json": {}}
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": summary.strip() or rule.endpoint,
        "tags": [rule.endpoint.split(".")[0]],
        "parameters": [*path_parameters, *getattr(view, "api_parameters", [])],
        "responses": {
            str(success): answer,
            "default": {
                "description": "Error",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/WebMessage"}}
                },
            },
        },
    }
    if description.strip():
        operation["description"] = description.strip()
    if getattr(view, "api_body", None):
        operation["requestBody"] = view.api_body
    return operation


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document for every ``/api`` route of the current app."""
    paths: dict[str, dict[str, Any]] = {}
    rules = sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        if not (rule.rule == "/api" or rule.rule.startswith("/api/")):
            continue
        path, path_parameters = _path_and_parameters(rule)
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, path_parameters)
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{SYSTEM_NAME} Web API", "version": mailroom_version()},
        "servers": [{"url": request.url_root.rstrip("/")}],
        "security": [{"basicAuth": []}, {"apiToken": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "apiToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "A personal access token: 'ApiToken <token>'.",
                },
            },
            "schemas": {
                "WebMessage": {
                    "type": "object",
                    "properties": {
                        "httpStatus": {"type": "string"},
                        "httpStatusCode": {"type": "integer"},
                        "status": {"type": "string", "enum": ["OK", "WARNING", "ERROR"]},
                        "message": {"type": "string"},
                    },
                }
            },
        },
    }


@blueprint.get("/openapi.json")
def document() -> Response:
    """This OpenAPI document."""
    return json_response(openapi_document())
