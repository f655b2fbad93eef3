"""/api/organisationUnits and /api/organisationUnitGroups: read-only, DHIS2 shapes."""

from __future__ import annotations

from tests.api.conftest import ApiClient, assert_error, basic, counting_queries


def client(app, username: str = "ana") -> ApiClient:
    return ApiClient(app, basic(username))


def test_any_signed_in_caller_lists_org_units_with_the_pager(app, tree):
    body = client(app).get("/api/organisationUnits").get_json()
    assert body["pager"]["total"] == 5
    assert body["organisationUnits"][0] == {"id": "BoDistrict1", "displayName": "Bo"}
    assert ApiClient(app, {}).get("/api/organisationUnits").status_code == 401


def test_filters_by_level_parent_name_and_ids(app, tree):
    api = client(app)

    def names(query: str) -> list[str]:
        response = api.get(f"/api/organisationUnits?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [u["displayName"] for u in response.get_json()["organisationUnits"]]

    assert names("filter=level:eq:2") == ["Bo", "Kenema"]
    assert names("filter=parent.id:eq:SierraLeone") == ["Bo", "Kenema"]
    assert names("filter=displayName:token:central bo") == ["Bo Central", "Bo Central CHC"]
    assert names("filter=id:in:[KenemaDist1,BoCentralCH]") == ["Bo Central CHC", "Kenema"]
    assert names("filter=level:eq:2&filter=displayName:token:ken") == ["Kenema"]
    assert_error(api.get("/api/organisationUnits?filter=level:eq:two"), 400, "whole number")
    assert_error(api.get("/api/organisationUnits?filter=secret:eq:x"), 400)


def test_fields_give_path_parent_and_children_in_few_queries(app, tree):
    api = client(app)
    fields = (
        "id,displayName,name,shortName,code,level,path,"
        "parent[id,displayName],children[id,displayName]"
    )
    with counting_queries(app) as queries:
        body = api.get(f"/api/organisationUnits?filter=level:eq:2&fields={fields}").get_json()
    bo = body["organisationUnits"][0]
    assert bo == {
        "id": "BoDistrict1",
        "displayName": "Bo",
        "name": "Bo",
        "shortName": "Bo",
        "level": 2,
        "path": "/SierraLeone/BoDistrict1",
        "parent": {"id": "SierraLeone", "displayName": "Sierra Leone"},
        "children": [{"id": "BoCentral01", "displayName": "Bo Central"}],
    }  # like DHIS2, properties without a value (code) are left out
    assert len([q for q in queries if "orgunit" in q]) <= 4  # page, count, parents, children


def test_one_org_unit_and_unknown_ids(app, tree):
    api = client(app)
    unit = api.get("/api/organisationUnits/BoCentralCH").get_json()
    assert unit["path"] == "/SierraLeone/BoDistrict1/BoCentral01/BoCentralCH"
    assert unit["parent"] == {"id": "BoCentral01"}
    assert unit["organisationUnitGroups"] == [{"id": "CHCgroup001"}]
    assert_error(api.get("/api/organisationUnits/NoSuchUnit1"), 404, "NoSuchUnit1")


def test_org_unit_groups_list_and_one_with_its_units(app, tree):
    api = client(app, "eve")
    body = api.get("/api/organisationUnitGroups").get_json()
    assert body["organisationUnitGroups"] == [
        {"id": "CHCgroup001", "displayName": "Community health centres"}
    ]
    group = api.get(
        "/api/organisationUnitGroups/CHCgroup001?fields=id,name,organisationUnits[id,displayName]"
    ).get_json()
    assert group == {
        "id": "CHCgroup001",
        "name": "Community health centres",
        "organisationUnits": [{"id": "BoCentralCH", "displayName": "Bo Central CHC"}],
    }
    assert_error(api.get("/api/organisationUnitGroups/NoSuchGrp01"), 404)
    assert api.post("/api/organisationUnits", json={"name": "X"}).status_code in (404, 405)
