"""/api/openapi.json: generated from the routes, plugin routes included."""

from __future__ import annotations

from flask import Blueprint

from kernel import hookimpl
from kernel.api.envelopes import json_response
from kernel.api.openapi import LIST_PARAMETERS, documented
from tests.api.conftest import ApiClient, basic


def test_document_lists_every_kernel_endpoint_with_methods_and_summaries(api):
    document = api("ana").get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert set(paths["/api/messageConversations"]) == {"get", "post", "delete"}
    assert paths["/api/me"]["get"]["summary"].startswith("The signed-in user")
    one = paths["/api/messageConversations/{uid}"]["get"]
    assert {"name": "uid", "in": "path", "required": True, "schema": {"type": "string"}} in one[
        "parameters"
    ]
    assert {p["name"] for p in paths["/api/users"]["get"]["parameters"]} >= {
        "page",
        "pageSize",
        "filter",
        "order",
        "fields",
    }
    batch = paths["/api/messageConversations/read"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert set(document["components"]["securitySchemes"]) == {"basicAuth", "apiToken"}
    assert not [path for path in paths if not path.startswith("/api")]


def test_document_describes_sending_lookup_and_metadata(api):
    paths = api("ana").get("/api/openapi.json").get_json()["paths"]
    create = paths["/api/messageConversations"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"subject", "text", "users", "userGroups", "organisationUnits"} <= set(
        schema["properties"]
    )
    assert "201" in create["responses"]
    reply = paths["/api/messageConversations/{uid}"]["post"]
    assert "text/plain" in reply["requestBody"]["content"]
    assert [p["name"] for p in reply["parameters"]] == ["uid", "internal"]
    assert "204" in paths["/api/messageConversations/{uid}/recipients"]["post"]["responses"]
    listing = paths["/api/messageConversations"]["get"]["parameters"]
    assert {"queryString", "queryOperator"} <= {p["name"] for p in listing}
    assert paths["/api/userLookup"]["get"]["parameters"][0]["name"] == "query"
    metadata = paths["/api/metadata"]["post"]
    assert [p["name"] for p in metadata["parameters"]] == ["importStrategy", "atomicMode"]
    assert "50 MB" in metadata["requestBody"]["description"]


def test_plugin_routes_under_api_appear_automatically(make_app, people):
    blueprint = Blueprint("posters_api", __name__, url_prefix="/api")

    @blueprint.get("/posters/<int:number>")
    @documented(LIST_PARAMETERS[:2])
    def poster(number: int):
        """One poster by number.

        Posters are printed notices.
        """
        return json_response({"number": number})

    class Posters:
        @hookimpl
        def mailroom_blueprints(self):
            return [blueprint]

    app = make_app(extra_plugins=[Posters()])
    client = ApiClient(app, basic("ana"))
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/posters/{number}"]["get"]
    assert operation["summary"] == "One poster by number."
    assert operation["description"] == "Posters are printed notices."
    assert [p["name"] for p in operation["parameters"]] == ["number", "page", "pageSize"]
    assert operation["parameters"][0]["schema"] == {"type": "integer"}
    assert client.get("/api/posters/3").get_json() == {"number": 3}
