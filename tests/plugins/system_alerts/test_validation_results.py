"""Validation results in: the API (authority, bad bodies) and the command line, each
refusing malformed results with a report while storing the valid ones."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kernel.cli import main
from kernel.people import create_role, create_user
from plugins.system_alerts.models import ValidationResult
from tests.api.conftest import assert_error, basic
from tests.plugins.system_alerts.conftest import post_results, result

MALFORMED = [
    ({"validationRule": {"id": "UnknownRul1"}}, "E5002", "validationRule"),
    ({"organisationUnit": None}, "E4000", "organisationUnit"),
    ({"period": None}, "E4000", "period"),
    ({"leftsideValue": "lots"}, "E4027", "leftsideValue"),
    ({"rightsideValue": True}, "E4027", "rightsideValue"),
]


def mixed(rule):
    good = result(rule, period="202610")
    bad = [{**result(rule), **change} for change, _, _ in MALFORMED]
    return [good, *bad, result(rule, period="2026Q3", left="7.5")]


def test_malformed_results_are_refused_with_a_report_and_valid_ones_stored(app, rules):
    response = post_results(app, mixed(rules["HIGH"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "WARNING"
    report = body["response"]
    assert report["stats"] == {"created": 2, "updated": 0, "deleted": 0, "ignored": 5, "total": 7}
    objects = report["typeReports"][0]["objectReports"]
    assert [o["index"] for o in objects] == [1, 2, 3, 4, 5]
    for reported, (_, code, prop) in zip(objects, MALFORMED, strict=True):
        [error] = reported["errorReports"]
        assert (error["errorCode"], error["errorProperty"]) == (code, prop)
    stored = list(ValidationResult.select().order_by(ValidationResult.period))
    assert [(r.period, r.left_side_value, r.notification_sent) for r in stored] == [
        ("202610", 12.0, False),
        ("2026Q3", 7.5, False),
    ]
    assert stored[0].org_unit_name == "Ngelehun CHC"


def test_a_plain_list_and_bare_period_ids_are_accepted(app, rules):
    response = app.test_client().post(
        "/api/validationResults",
        json=[{**result(rules["LOW"]), "period": "202610"}],
        headers=basic("admin"),
    )
    assert response.status_code == 200 and response.get_json()["status"] == "OK"
    assert ValidationResult.get().period == "202610"


def test_only_all_or_run_validation_users_may_post(app, rules, people):
    refused = post_results(app, [result(rules["LOW"])], username="ana")
    assert_error(refused, 403, "F_RUN_VALIDATION")
    with app.app_context():
        role = create_role("Validation runner", ["F_RUN_VALIDATION"])
        create_user("val", "Val", "Runner", password="district", roles=[role])
    assert post_results(app, [result(rules["LOW"])], username="val").status_code == 200
    anonymous = app.test_client().post("/api/validationResults", json=[result(rules["LOW"])])
    assert anonymous.status_code == 401
    assert ValidationResult.select().count() == 1


def test_bad_bodies_get_400_and_store_nothing(app, rules):
    client = app.test_client()
    headers = {**basic("admin"), "Content-Type": "application/json"}
    for body, fragment in [
        ("", "Send validation results"),
        ("{not json", "not valid JSON"),
        ('{"validationResults": 3}', "Send a list of validation results"),
        ('"text"', "Send a list of validation results"),
    ]:
        response = client.post("/api/validationResults", data=body, headers=headers)
        assert_error(response, 400, fragment)
    assert ValidationResult.select().count() == 0


def test_all_results_malformed_is_a_409_with_the_report(app, rules):
    response = post_results(app, [{"validationRule": {"id": "nope"}}])
    assert response.status_code == 409
    assert response.get_json()["status"] == "ERROR"
    assert ValidationResult.select().count() == 0


def test_the_same_result_sent_twice_is_stored_once(app, rules):
    one = result(rules["LOW"], id="VrEsUlT0001")
    post_results(app, [one])
    again = post_results(app, [one]).get_json()
    assert again["status"] == "ERROR"
    assert (
        again["response"]["typeReports"][0]["objectReports"][0]["errorReports"][0]["errorCode"]
        == "E5000"
    )
    assert ValidationResult.select().count() == 1


def test_cli_imports_the_valid_results_and_reports_the_others(app, rules, tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"validationResults": mixed(rules["MEDIUM"])}))
    ran = CliRunner().invoke(main, ["import-validation-results", str(path)], obj={"app": app})
    assert ran.exit_code == 0, ran.output
    assert "Import WARNING: 2 stored, 5 refused." in ran.output
    assert "ValidationResult #1: E5002" in ran.output
    assert ValidationResult.select().count() == 2


def test_cli_refuses_files_that_are_not_results(app, rules, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{oops")
    ran = CliRunner().invoke(main, ["import-validation-results", str(path)], obj={"app": app})
    assert ran.exit_code != 0 and "is not valid JSON" in ran.output
    path.write_text('{"organisationUnits": []}')
    ran = CliRunner().invoke(main, ["import-validation-results", str(path)], obj={"app": app})
    assert ran.exit_code != 0 and "Send a list of validation results" in ran.output
    # What the parser accepts but nothing can store or walk: a clear error, no traceback.
    for text, message in [
        ('[{"id": "\\udc00"}]', "half of a surrogate pair"),
        ("[" * 200_000, "nested too deeply"),
    ]:
        path.write_text(text)
        ran = CliRunner().invoke(main, ["import-validation-results", str(path)], obj={"app": app})
        assert ran.exit_code == 1 and message in ran.output, ran.output
        assert ran.exception is None or isinstance(ran.exception, SystemExit)
    assert ValidationResult.select().count() == 0
