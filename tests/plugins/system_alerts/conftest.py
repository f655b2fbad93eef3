"""Validation fixtures: a "Data managers" group (ana, ben), one rule per importance with a
single-notification template, and a helper that posts results the way DHIS2 would.

Job tests run on huey's SQLite storage, and also on Redis when ``MAILROOM_TEST_REDIS_URL``
is set (``jobs_config``).
"""

from __future__ import annotations

import os

import pytest

from kernel.models import UserGroup
from plugins.system_alerts.models import (
    NotificationTemplate,
    RuleTemplate,
    TemplateGroup,
    ValidationRule,
)
from tests.api.conftest import basic

JOB_BACKENDS = ["sqlite"] + (["redis"] if os.environ.get("MAILROOM_TEST_REDIS_URL") else [])
FACILITY = "DiszpKrYNg8"  # Ngelehun CHC, as in DHIS2's demo database


@pytest.fixture(params=JOB_BACKENDS)
def jobs_config(request):
    """``make_app(**jobs_config)``: the job queue on SQLite, or on Redis when available."""
    if request.param == "sqlite":
        yield {}
        return
    from huey import RedisHuey

    url = os.environ["MAILROOM_TEST_REDIS_URL"]
    RedisHuey("mailroom", url=url).flush()
    yield {"REDIS_URL": url}
    RedisHuey("mailroom", url=url).flush()


def make_template(name="Violation alert", groups=(), strategy="SINGLE_NOTIFICATION", **extra):
    template = NotificationTemplate.create(
        name=name,
        subject_template=extra.pop("subject", "V{rule_name} violated at V{org_unit_name}"),
        message_template=extra.pop(
            "message", "V{period}: V{left_side_value} vs V{right_side_value} (V{importance}) V{x}"
        ),
        send_strategy=strategy,
        **extra,
    )
    for group in groups:
        TemplateGroup.create(template=template, group=group)
    return template


def make_rule(name, importance, templates=()):
    rule = ValidationRule.create(name=name, importance=importance)
    for template in templates:
        RuleTemplate.create(rule=rule, template=template)
    return rule


@pytest.fixture
def managers(app, people):
    with app.app_context():
        group = UserGroup.create(name="Data managers")
        group.add_members([people["ana"], people["ben"]])
        return group


@pytest.fixture
def rules(app, managers):
    """HIGH, MEDIUM and LOW rules sharing one single-notification template."""
    with app.app_context():
        template = make_template(groups=[managers])
        return {
            level: make_rule(f"ANC {level.lower()}", level, [template])
            for level in ("HIGH", "MEDIUM", "LOW")
        }


def result(rule, org_unit=FACILITY, period="202610", left=12, right=10, **extra):
    """One result in DHIS2's JSON."""
    return {
        "validationRule": {"id": rule.uid},
        "organisationUnit": {"id": org_unit, "name": "Ngelehun CHC"},
        "period": {"id": period},
        "leftsideValue": left,
        "rightsideValue": right,
        **extra,
    }


def post_results(app, results, username="admin"):
    return app.test_client().post(
        "/api/validationResults",
        json={"validationResults": results},
        headers=basic(username),
    )
