"""Validation rules and notification templates: the pages (ALL users), the metadata lists,
and the feedback tools on the VALIDATION_RESULT conversations they lead to."""

from __future__ import annotations

from kernel.jobs import job_queue
from kernel.metadata import import_metadata
from kernel.models import Conversation, Setting, UserGroup
from plugins.feedback.team import RECIPIENTS_SETTING
from plugins.system_alerts.models import NotificationTemplate, ValidationRule
from tests.api.conftest import basic
from tests.plugins.system_alerts.conftest import make_template, post_results, result


def test_pages_are_for_all_users_only(app, people, sign_in):
    ana = sign_in(app, "ana")
    for url in ("/validation", "/validation/rules/new", "/validation/templates/new"):
        assert ana.get(url).status_code == 403
    assert ana.post("/validation/rules/new", {"name": "X", "importance": "HIGH"}).status_code == 403
    assert ValidationRule.select().count() == 0
    admin = sign_in(app, "admin")
    assert 'href="/validation">Validation rules</a>' in admin.get("/").get_data(as_text=True)


def test_create_and_edit_a_rule_with_its_templates(app, managers, sign_in):
    with app.app_context():
        template = make_template(groups=[managers])
    admin = sign_in(app, "admin")
    created = admin.post(
        "/validation/rules/new",
        {"name": "ANC 1 > ANC 4", "importance": "HIGH", "templates": template.uid},
    )
    assert created.status_code == 303
    rule = ValidationRule.get()
    assert (rule.importance, [t.uid for t in rule.templates()]) == ("HIGH", [template.uid])
    page = admin.get("/validation").get_data(as_text=True)
    assert "ANC 1 &gt; ANC 4" in page and "Violation alert" in page
    form = admin.get(f"/validation/rules/{rule.uid}").get_data(as_text=True)
    assert f'value="{template.uid}" checked' in form
    admin.post(f"/validation/rules/{rule.uid}", {"name": "ANC 1 > ANC 4", "importance": "LOW"})
    rule = ValidationRule.get()
    assert (rule.importance, rule.templates()) == ("LOW", [])


def test_bad_rule_input_is_shown_next_to_the_field_and_nothing_is_saved(app, people, sign_in):
    admin = sign_in(app, "admin")
    admin.post("/validation/rules/new", {"name": "Taken", "importance": "LOW"})
    for form, field, message in [
        ({"name": "", "importance": "LOW"}, "name", "Enter the name."),
        ({"name": "New", "importance": "URGENT"}, "importance", "Choose High, Medium or Low."),
        ({"name": "Taken", "importance": "LOW"}, "name", "There is already one named"),
        (
            {"name": "New", "importance": "LOW", "templates": "NoSuchTmpl1"},
            "templates",
            "no longer",
        ),
        ({"name": "x" * 231, "importance": "LOW"}, "name", "at most 230 characters"),
        # NUL is refused by PostgreSQL; such a pick is not looked up at all.
        ({"name": "New", "importance": "LOW", "templates": "a\x00"}, "templates", "no longer"),
    ]:
        response = admin.post("/validation/rules/new", form)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert f'id="field-{field}-error">' in page and message in page
        assert 'aria-invalid="true"' in page and "Nothing was saved" in page
    assert [r.name for r in ValidationRule.select()] == ["Taken"]
    assert (
        admin.post(
            "/validation/rules/new", {"name": "Y", "importance": "LOW"}, csrf=False
        ).status_code
        == 400
    )
    assert ValidationRule.select().count() == 1


def test_create_a_template_and_refuse_bad_input(app, managers, sign_in):
    admin = sign_in(app, "admin")
    good = {
        "name": "District summary",
        "subject_template": "V{rule_name}",
        "message_template": "V{org_unit_name}: V{left_side_value}",
        "send_strategy": "COLLECTIVE_SUMMARY",
        "notify_users_in_hierarchy_only": "on",
        "groups": managers.uid,
    }
    for change, field in [
        ({"groups": ""}, "groups"),
        ({"send_strategy": "SOMETIMES"}, "send_strategy"),
        ({"message_template": " "}, "message_template"),
        ({"groups": [managers.uid, "a\x00"]}, "groups"),
    ]:
        response = admin.post("/validation/templates/new", {**good, **change})
        assert response.status_code == 400
        assert f'id="field-{field}-error"' in response.get_data(as_text=True)
        # What was typed is kept.
        assert "District summary" in response.get_data(as_text=True)
    assert NotificationTemplate.select().count() == 0
    assert admin.post("/validation/templates/new", good).status_code == 303
    template = NotificationTemplate.get()
    assert template.notify_users_in_hierarchy_only is True
    assert (template.send_strategy, template.group_uids()) == ("COLLECTIVE_SUMMARY", [managers.uid])
    edit = admin.get(f"/validation/templates/{template.uid}").get_data(as_text=True)
    assert 'name="notify_users_in_hierarchy_only" checked' in edit
    assert admin.get("/validation/templates/NoSuchTmpl1").status_code == 404


def template_row(page: str, name: str) -> str:
    """The templates list's row for one template, as the page shows it."""
    row = page[page.index(f">{name}</a>") :]
    return row[: row.index("</tr>")]


def test_parent_org_unit_only_is_saved_edited_and_listed(app, managers, sign_in):
    admin = sign_in(app, "admin")
    blank = admin.get("/validation/templates/new").get_data(as_text=True)
    assert 'name="notify_parent_org_unit_only"' in blank
    assert 'aria-describedby="field-notify_parent_org_unit_only-help"' in blank
    assert "Notify parent organisation unit only</label>" in blank
    help_text = blank[blank.index('id="field-notify_parent_org_unit_only-help"') :]
    assert "reaches nobody" in help_text and "Needs the org units plugin" in help_text
    form = {
        "name": "Supervisors",
        "subject_template": "V{rule_name}",
        "message_template": "V{org_unit_name}",
        "send_strategy": "SINGLE_NOTIFICATION",
        "notify_parent_org_unit_only": "on",
        "groups": managers.uid,
    }
    assert admin.post("/validation/templates/new", form).status_code == 303
    template = NotificationTemplate.get()
    assert template.notify_parent_org_unit_only is True
    assert template.notify_users_in_hierarchy_only is False
    listing = admin.get("/validation").get_data(as_text=True)
    assert "Group members told" in listing
    assert "At the parent org unit only" in template_row(listing, "Supervisors")
    edit = admin.get(f"/validation/templates/{template.uid}").get_data(as_text=True)
    assert 'name="notify_parent_org_unit_only" checked' in edit
    assert 'name="notify_users_in_hierarchy_only" checked' not in edit
    # Unticked on the edit form: every group member again.
    del form["notify_parent_org_unit_only"]
    assert admin.post(f"/validation/templates/{template.uid}", form).status_code == 303
    assert NotificationTemplate.get().notify_parent_org_unit_only is False
    assert "<td>All</td>" in template_row(
        admin.get("/validation").get_data(as_text=True), "Supervisors"
    )
    form["notify_users_in_hierarchy_only"] = "on"
    assert admin.post(f"/validation/templates/{template.uid}", form).status_code == 303
    listing = admin.get("/validation").get_data(as_text=True)
    assert "In the hierarchy only" in template_row(listing, "Supervisors")


def test_both_org_unit_options_are_refused_and_nothing_changes(app, managers, sign_in):
    admin = sign_in(app, "admin")
    both = {
        "name": "Supervisors",
        "subject_template": "V{rule_name}",
        "message_template": "V{org_unit_name}",
        "send_strategy": "SINGLE_NOTIFICATION",
        "notify_users_in_hierarchy_only": "on",
        "notify_parent_org_unit_only": "on",
        "groups": managers.uid,
    }
    message = (
        "Choose either “Notify users in hierarchy only” or “Notify parent organisation unit "
        "only”, not both."
    )
    response = admin.post("/validation/templates/new", both)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page and 'href="#field-notify_parent_org_unit_only"' in page
    assert f'id="field-notify_parent_org_unit_only-error">{message}<' in page
    assert (
        'aria-describedby="field-notify_parent_org_unit_only-help '
        'field-notify_parent_org_unit_only-error" aria-invalid="true"'
    ) in page
    # What was ticked stays ticked, to untick one.
    assert 'name="notify_users_in_hierarchy_only" checked' in page
    assert 'name="notify_parent_org_unit_only" checked' in page
    assert NotificationTemplate.select().count() == 0
    # Editing a saved template into both: refused, the stored one unchanged.
    with app.app_context():
        template = make_template(
            "Chiefdom staff", groups=[managers], notify_parent_org_unit_only=True
        )
    response = admin.post(f"/validation/templates/{template.uid}", {**both, "name": "Renamed"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    stored = NotificationTemplate.get()
    assert (stored.name, stored.notify_users_in_hierarchy_only) == ("Chiefdom staff", False)
    assert stored.notify_parent_org_unit_only is True


def test_metadata_import_of_rules_and_templates(app, people):
    payload = {
        "userGroups": [{"id": "grpManager1", "name": "Managers"}],
        "validationNotificationTemplates": [
            {
                "id": "tmplAlert01",
                "name": "Alert",
                "subjectTemplate": "V{rule_name}",
                "messageTemplate": "V{org_unit_name}",
                "notifyUsersInHierarchyOnly": True,
                "sendStrategy": "COLLECTIVE_SUMMARY",
                "recipientUserGroups": [{"id": "grpManager1"}],
            }
        ],
        "validationRules": [
            {
                "id": "ruleAnc0001",
                "name": "ANC",
                "importance": "HIGH",
                "notificationTemplates": [{"id": "tmplAlert01"}],
            },
            {"id": "ruleBcg0001", "name": "BCG"},
            {"id": "ruleBad0001", "name": "Bad", "importance": "URGENT"},
            {
                "id": "ruleBad0002",
                "name": "Ghost",
                "notificationTemplates": [{"id": "tmplGhost01"}],
            },
        ],
    }
    with app.app_context():
        report = import_metadata(payload, atomic_mode="NONE")
    assert report.status == "WARNING"
    errors = {(o.uid, e.error_code) for o, e in report.errors()}
    assert errors == {("ruleBad0001", "E4027"), ("ruleBad0002", "E5002")}
    rules = {r.uid: r for r in ValidationRule.select()}
    assert rules["ruleAnc0001"].importance == "HIGH"
    assert rules["ruleBcg0001"].importance == "MEDIUM"  # DHIS2's default
    assert [t.uid for t in rules["ruleAnc0001"].templates()] == ["tmplAlert01"]
    template = NotificationTemplate.get()
    assert template.notify_users_in_hierarchy_only and template.group_uids() == ["grpManager1"]
    # Updating by id replaces the links.
    with app.app_context():
        import_metadata(
            {
                "validationRules": [
                    {
                        "id": "ruleAnc0001",
                        "name": "ANC 2",
                        "importance": "LOW",
                        "notificationTemplates": [],
                    }
                ]
            }
        )
    rule = ValidationRule.get(ValidationRule.uid == "ruleAnc0001")
    assert (rule.name, rule.importance, rule.templates()) == ("ANC 2", "LOW", [])


def alert(uid: str, name: str, **options) -> dict:
    """A validationNotificationTemplate as DHIS2 exports it."""
    return {
        "id": uid,
        "name": name,
        "messageTemplate": "V{org_unit_name}",
        "recipientUserGroups": [{"id": "grpManager1"}],
        **options,
    }


def post_metadata(app, payload, query="?atomicMode=NONE"):
    return app.test_client().post(f"/api/metadata{query}", json=payload, headers=basic("admin"))


def test_metadata_import_reads_notify_parent_organisation_unit_only(app, people):
    payload = {
        "userGroups": [{"id": "grpManager1", "name": "Managers"}],
        "validationNotificationTemplates": [
            alert("tmplParent1", "Supervisors", notifyParentOrganisationUnitOnly=True),
            alert("tmplPlain01", "Everyone"),
            alert(
                "tmplBoth001",
                "Both",
                notifyUsersInHierarchyOnly=True,
                notifyParentOrganisationUnitOnly=True,
            ),
            alert("tmplBadVal1", "Yes please", notifyParentOrganisationUnitOnly="yes"),
        ],
        "validationRules": [
            {"id": "ruleAnc0001", "name": "ANC", "notificationTemplates": [{"id": "tmplParent1"}]}
        ],
    }
    response = post_metadata(app, payload)
    assert response.status_code == 200
    report = response.get_json()["response"]
    assert report["status"] == "WARNING"
    refused = {
        o["uid"]: e
        for t in report["typeReports"]
        for o in t["objectReports"]
        for e in o["errorReports"]
    }
    assert set(refused) == {"tmplBoth001", "tmplBadVal1"}
    assert refused["tmplBoth001"] == {
        "message": "Value `true` is not valid for property `notifyParentOrganisationUnitOnly`: "
        "expected false when `notifyUsersInHierarchyOnly` is true (choose one of the two).",
        "errorCode": "E4027",
        "mainKlass": "ValidationNotificationTemplate",
        "errorProperty": "notifyParentOrganisationUnitOnly",
    }
    assert refused["tmplBadVal1"]["errorProperty"] == "notifyParentOrganisationUnitOnly"
    stored = {
        t.uid: (t.notify_users_in_hierarchy_only, t.notify_parent_org_unit_only)
        for t in NotificationTemplate.select()
    }
    assert stored == {"tmplParent1": (False, True), "tmplPlain01": (False, False)}
    [rule] = ValidationRule.select()
    assert [t.uid for t in rule.templates()] == ["tmplParent1"]

    # Updating by id into both options: refused, the stored template as it was.
    both = alert(
        "tmplParent1",
        "Supervisors 2",
        notifyUsersInHierarchyOnly=True,
        notifyParentOrganisationUnitOnly=True,
    )
    response = post_metadata(app, {"validationNotificationTemplates": [both]}, "")
    assert response.status_code == 409
    assert response.get_json()["response"]["status"] == "ERROR"
    template = NotificationTemplate.get(NotificationTemplate.uid == "tmplParent1")
    assert (template.name, template.notify_parent_org_unit_only) == ("Supervisors", True)
    # Switching from one option to the other is an ordinary update.
    other = alert("tmplParent1", "Supervisors", notifyUsersInHierarchyOnly=True)
    assert post_metadata(app, {"validationNotificationTemplates": [other]}, "").status_code == 200
    template = NotificationTemplate.get(NotificationTemplate.uid == "tmplParent1")
    assert (template.notify_users_in_hierarchy_only, template.notify_parent_org_unit_only) == (
        True,
        False,
    )


def test_feedback_team_solves_a_validation_result(app, rules, people, sign_in):
    with app.app_context():
        team = UserGroup.create(name="Feedback team")
        team.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, team.uid)
    post_results(app, [result(rules["HIGH"])])
    job_queue(app).run_now("validation-notifications")
    conversation = Conversation.get(Conversation.message_type == "VALIDATION_RESULT")
    ben = sign_in(app, "ben")
    page = ben.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "actions/status" in page
    solved = ben.post(f"/conversations/{conversation.uid}/actions/status", {"status": "SOLVED"})
    assert solved.status_code == 303
    assert Conversation.get_by_id(conversation.id).status == "SOLVED"
    # Not a team member: no tools.
    ana = sign_in(app, "ana")
    refused = ana.post(f"/conversations/{conversation.uid}/actions/status", {"status": "OPEN"})
    assert refused.status_code in (403, 404)
    assert Conversation.get_by_id(conversation.id).status == "SOLVED"
