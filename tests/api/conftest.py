"""API test helpers: clients that authenticate the way programs do (Basic or a token)."""

from __future__ import annotations

import base64
import json as jsonlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


class ApiClient:
    """Calls the API with fixed headers; ``json=`` bodies are sent as JSON text."""

    def __init__(self, app: Flask, headers: dict[str, str]) -> None:
        self.client = app.test_client()
        self.headers = headers

    def _call(self, method: str, url: str, json: Any = None, **kwargs: Any):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if json is not None:
            kwargs["data"] = jsonlib.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any):
        return self._call("GET", url, **kwargs)

    def post(self, url: str, json: Any = None, **kwargs: Any):
        return self._call("POST", url, json=json, **kwargs)

    def delete(self, url: str, **kwargs: Any):
        return self._call("DELETE", url, **kwargs)


@pytest.fixture
def api(app: Flask, people):
    """``api("ana")``: a client authenticated as that person with HTTP Basic."""
    return lambda username, password=PASSWORD: ApiClient(app, basic(username, password))


def assert_error(response, status: int, *fragments: str) -> dict:
    """The response is a DHIS2 error envelope with this status mentioning each fragment."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ERROR"
    assert body["httpStatusCode"] == status
    for fragment in fragments:
        assert fragment in body["message"]
    return body


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Record the SQL statements run inside the block."""
    database = app.extensions["mailroom.database"]
    original = database.execute_sql
    seen: list[str] = []

    def execute_sql(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    database.execute_sql = execute_sql
    try:
        yield seen
    finally:
        del database.execute_sql
