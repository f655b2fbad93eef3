"""The validation-notification job: priority from importance, single and summary messages,
recipients (hierarchy only), each result notified once."""

from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner

from kernel.cli import main
from kernel.jobs import job_queue
from kernel.models import Conversation, Message, Participant, User
from plugins.system_alerts.models import ValidationResult
from tests.plugins.system_alerts.conftest import (
    FACILITY,
    make_rule,
    make_template,
    post_results,
    result,
)


def run_job(app):
    queue = job_queue(app)
    queue.enqueue("validation-notifications")
    return queue.run_pending()


def validation_conversations():
    return list(
        Conversation.select()
        .where(Conversation.message_type == "VALIDATION_RESULT")
        .order_by(Conversation.id)
    )


@pytest.fixture
def job_app(make_app, jobs_config, people):
    return make_app(**jobs_config)


@pytest.mark.parametrize("importance", ["HIGH", "MEDIUM", "LOW"])
def test_single_notification_priority_is_the_rules_importance(
    job_app, managers, people, importance, sign_in
):
    with job_app.app_context():
        rule = make_rule("ANC 1-3 dropout", importance, [make_template(groups=[managers])])
    assert post_results(job_app, [result(rule)]).status_code == 200
    assert run_job(job_app) == 1
    [conversation] = validation_conversations()
    assert conversation.priority == importance
    assert conversation.status == "OPEN"
    assert conversation.subject == "ANC 1-3 dropout violated at Ngelehun CHC"
    message = Message.get(Message.conversation == conversation)
    assert message.sender_id is None
    # Known variables filled in, an unknown one left as written.
    assert message.text == f"202610: 12 vs 10 ({importance.title()}) V{{x}}"
    assert {p.user_id for p in Participant.select()} == {people["ana"].id, people["ben"].id}
    # Each copy carries the state the feedback filters read.
    assert {(p.priority, p.status) for p in Participant.select()} == {(importance, "OPEN")}
    page = sign_in(job_app, "ana").get("/messages/VALIDATION_RESULT").get_data(as_text=True)
    assert "ANC 1-3 dropout violated at Ngelehun CHC" in page


def test_collective_summary_groups_results_with_the_highest_importance(job_app, managers, people):
    with job_app.app_context():
        summary = make_template(
            "Daily summary",
            groups=[managers],
            strategy="COLLECTIVE_SUMMARY",
            subject="V{rule_name}",
            message="V{org_unit_name} V{period}",
        )
        medium = make_rule("Measles doses", "MEDIUM", [summary])
        low = make_rule("BCG doses", "LOW", [summary])
        high = make_rule("Malaria deaths", "HIGH", [summary])
    results = [result(medium), result(low), result(low, period="202609"), result(high)]
    assert post_results(job_app, results).status_code == 200
    run_job(job_app)
    [conversation] = validation_conversations()
    assert conversation.subject.startswith("Validation violations as of ")
    assert conversation.priority == "HIGH"
    text = Message.get(Message.conversation == conversation).text
    assert text.startswith("Violations: High 1, medium 1, low 2\n\n")
    assert "Measles doses\nNgelehun CHC 202610" in text
    assert "BCG doses\nNgelehun CHC 202609" in text


def test_summary_without_high_results_takes_the_next_importance(job_app, managers):
    with job_app.app_context():
        summary = make_template("Summary", groups=[managers], strategy="COLLECTIVE_SUMMARY")
        rules = [make_rule("Low one", "LOW", [summary]), make_rule("Mid", "MEDIUM", [summary])]
    post_results(job_app, [result(r) for r in rules])
    run_job(job_app)
    assert [c.priority for c in validation_conversations()] == ["MEDIUM"]


def test_summaries_are_per_distinct_recipient_set(job_app, managers, people):
    from kernel.models import UserGroup

    with job_app.app_context():
        solo = UserGroup.create(name="Solo")
        solo.add_members([people["eve"]])
        to_managers = make_template("A", groups=[managers], strategy="COLLECTIVE_SUMMARY")
        to_eve = make_template("B", groups=[solo], strategy="COLLECTIVE_SUMMARY")
        rule = make_rule("Both", "LOW", [to_managers, to_eve])
    post_results(job_app, [result(rule), result(rule, period="202609")])
    run_job(job_app)
    conversations = validation_conversations()
    assert len(conversations) == 2
    counts = [Message.get(Message.conversation == c).text.split("\n")[0] for c in conversations]
    assert counts == ["Violations: High 0, medium 0, low 2"] * 2


def test_each_result_is_notified_once_even_if_the_job_runs_twice(job_app, rules):
    post_results(job_app, [result(rules["HIGH"]), result(rules["LOW"])])
    run_job(job_app)
    run_job(job_app)
    assert len(validation_conversations()) == 2
    assert ValidationResult.select().where(ValidationResult.notification_sent == False).count() == 0  # noqa: E712
    # A crash after sending but before flagging: the rerun sends nothing twice.
    ValidationResult.update(notification_sent=False).execute()
    run_job(job_app)
    assert len(validation_conversations()) == 2


def test_disabled_members_are_not_notified(job_app, rules, people):
    User.update(disabled=True).where(User.id == people["ben"].id).execute()
    post_results(job_app, [result(rules["MEDIUM"])])
    run_job(job_app)
    assert [p.user_id for p in Participant.select()] == [people["ana"].id]


def test_run_job_command_sends_the_notifications(job_app, rules):
    post_results(job_app, [result(rules["LOW"])])
    ran = CliRunner().invoke(main, ["run-job", "validation-notifications"], obj={"app": job_app})
    assert ran.exit_code == 0 and "Ran validation-notifications." in ran.output
    assert [c.priority for c in validation_conversations()] == ["LOW"]


def test_job_runs_daily_at_seven(job_app):
    job = job_queue(job_app).jobs["validation-notifications"]
    assert job.schedule(datetime(2026, 11, 28, 7, 0))
    assert not job.schedule(datetime(2026, 11, 28, 8, 0))


# --- notify users in hierarchy only ------------------------------------------------------


def test_hierarchy_only_reaches_users_at_the_unit_or_above(job_app, managers, people):
    from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit

    with job_app.app_context():
        country = create_org_unit("Sierra Leone")
        district = create_org_unit("Bo", country)
        facility = create_org_unit("Ngelehun CHC", district, uid=FACILITY)
        elsewhere = create_org_unit("Kailahun", country)
        assign_users(district, [people["ana"].id])
        assign_users(elsewhere, [people["ben"].id])
        assign_users(facility, [people["eve"].id])  # not in the recipient group
        template = make_template(groups=[managers], notify_users_in_hierarchy_only=True)
        rule = make_rule("Stock-out", "HIGH", [template])
    post_results(job_app, [result(rule)])
    run_job(job_app)
    [conversation] = validation_conversations()
    assert [p.user_id for p in Participant.select()] == [people["ana"].id]
    assert conversation.priority == "HIGH"


def test_hierarchy_only_without_org_units_sends_nothing_and_says_why(make_app, jobs_config, people):
    app = make_app(plugins=["system_alerts"], **jobs_config)
    with app.app_context():
        from kernel.models import UserGroup

        group = UserGroup.create(name="Data managers")
        group.add_members([people["ana"]])
        template = make_template(
            "District alert", groups=[group], notify_users_in_hierarchy_only=True
        )
        rule = make_rule("Stock-out", "HIGH", [template])
    assert post_results(app, [result(rule)]).status_code == 200
    run_job(app)
    run_job(app)
    assert validation_conversations() == []
    [system] = Conversation.select().where(Conversation.message_type == "SYSTEM")
    assert system.subject == "Validation notifications not sent: org units are not enabled"
    text = Message.get(Message.conversation == system).text
    assert "“District alert”" in text and "Enable the orgunit_routing plugin" in text
    # Told to the system recipients (here the superusers), not to the template's group.
    assert [p.user_id for p in Participant.select()] == [people["admin"].id]
    assert ValidationResult.get().notification_sent is True


class FacilityOnly:
    """A test plugin that knows one org unit, where only the first candidate works."""

    from kernel import hookimpl

    @hookimpl
    def mailroom_users_in_hierarchy(self, org_unit_uid, user_ids):
        return {min(user_ids)} if org_unit_uid == FACILITY else set()


def test_a_plugin_can_answer_who_is_in_the_hierarchy(make_app, jobs_config, people):
    app = make_app(plugins=["system_alerts"], extra_plugins=[FacilityOnly()], **jobs_config)
    with app.app_context():
        from kernel.models import UserGroup

        group = UserGroup.create(name="Data managers")
        group.add_members([people["ana"], people["ben"]])
        rule = make_rule(
            "Stock-out", "LOW", [make_template(groups=[group], notify_users_in_hierarchy_only=True)]
        )
    post_results(app, [result(rule), result(rule, org_unit="ImspTQPwCqd")])
    run_job(app)
    assert [p.user_id for p in Participant.select()] == [min(people["ana"].id, people["ben"].id)]
    assert Conversation.select().count() == 1


# --- notify parent organisation unit only -----------------------------------------------


@pytest.fixture
def district(job_app, people):
    """Sierra Leone → Bo → Badjia (chiefdom) → Ngelehun CHC (the results' facility)."""
    from plugins.orgunit_routing.hierarchy import create_org_unit

    with job_app.app_context():
        country = create_org_unit("Sierra Leone", uid="SierraLeone")
        bo = create_org_unit("Bo", country)
        chiefdom = create_org_unit("Badjia", bo)
        facility = create_org_unit("Ngelehun CHC", chiefdom, uid=FACILITY)
        return {"country": country, "bo": bo, "chiefdom": chiefdom, "facility": facility}


def test_parent_only_reaches_the_group_members_at_the_results_parent(
    job_app, managers, people, district, sign_in
):
    from kernel.people import create_user
    from plugins.orgunit_routing.hierarchy import assign_users

    with job_app.app_context():
        dan = create_user("dan", "Dan", "Left", password="district", groups=[managers])
        managers.add_members([people["admin"]])
        User.update(disabled=True).where(User.id == dan.id).execute()
        assign_users(district["chiefdom"], [people["ana"].id, people["eve"].id, dan.id])
        assign_users(district["bo"], [people["ben"].id])  # a grandparent: not told
        assign_users(district["facility"], [people["admin"].id])  # the unit itself: not told
        template = make_template(groups=[managers], notify_parent_org_unit_only=True)
        rule = make_rule("Stock-out", "HIGH", [template])
    assert post_results(job_app, [result(rule)]).status_code == 200
    run_job(job_app)
    # ana, not eve (at the parent but not in the group) nor dan (disabled).
    [conversation] = validation_conversations()
    assert [p.user_id for p in Participant.select()] == [people["ana"].id]
    assert conversation.priority == "HIGH"
    subject = "Stock-out violated at Ngelehun CHC"
    assert subject in sign_in(job_app, "ana").get("/messages/VALIDATION_RESULT").get_data(
        as_text=True
    )
    for other in ("ben", "admin", "eve"):
        page = sign_in(job_app, other).get("/messages/VALIDATION_RESULT").get_data(as_text=True)
        assert subject not in page


def test_parent_only_at_the_root_notifies_nobody_and_is_no_error(
    job_app, managers, people, district
):
    from plugins.orgunit_routing.hierarchy import assign_users

    with job_app.app_context():
        assign_users(district["country"], [people["ana"].id, people["ben"].id])
        template = make_template(groups=[managers], notify_parent_org_unit_only=True)
        rule = make_rule("National stock-out", "HIGH", [template])
    post_results(job_app, [result(rule, org_unit="SierraLeone")])
    run_job(job_app)
    assert Conversation.select().count() == 0  # no notification, no SYSTEM complaint
    assert ValidationResult.get().notification_sent is True


def test_parent_only_summaries_group_results_by_their_parents_people(
    job_app, managers, people, district
):
    from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit

    with job_app.app_context():
        other = create_org_unit("Baoma", district["bo"])
        clinic = create_org_unit("Baoma MCHP", other, uid="BaomaMCHP01")
        assign_users(district["chiefdom"], [people["ana"].id])
        assign_users(other, [people["ben"].id])
        template = make_template(
            groups=[managers], strategy="COLLECTIVE_SUMMARY", notify_parent_org_unit_only=True
        )
        rule = make_rule("Stock-out", "LOW", [template])
    post_results(job_app, [result(rule), result(rule, org_unit=clinic.uid)])
    run_job(job_app)
    conversations = validation_conversations()
    assert len(conversations) == 2
    assert sorted(p.user_id for p in Participant.select()) == sorted(
        [people["ana"].id, people["ben"].id]
    )


def test_parent_only_without_org_units_sends_nothing_and_says_why(make_app, jobs_config, people):
    app = make_app(plugins=["system_alerts"], **jobs_config)
    with app.app_context():
        from kernel.models import UserGroup

        group = UserGroup.create(name="Data managers")
        group.add_members([people["ana"]])
        above = make_template("Supervisor alert", groups=[group], notify_parent_org_unit_only=True)
        around = make_template(
            "District alert", groups=[group], notify_users_in_hierarchy_only=True
        )
        rule = make_rule("Stock-out", "HIGH", [above, around])
    assert post_results(app, [result(rule)]).status_code == 200
    run_job(app)
    run_job(app)
    assert validation_conversations() == []
    [system] = Conversation.select().where(Conversation.message_type == "SYSTEM")
    assert system.subject == "Validation notifications not sent: org units are not enabled"
    text = Message.get(Message.conversation == system).text
    assert "- “District alert”: Notify users in hierarchy only\n" in text
    assert "- “Supervisor alert”: Notify parent organisation unit only\n" in text
    assert "Enable the orgunit_routing plugin" in text
    assert [p.user_id for p in Participant.select()] == [people["admin"].id]
    assert ValidationResult.get().notification_sent is True


def test_a_template_stored_with_both_options_is_limited_to_the_hierarchy(
    job_app, managers, people, district
):
    """The form and the import refuse both; a row written by hand gets DHIS2's choice."""
    from plugins.orgunit_routing.hierarchy import assign_users

    with job_app.app_context():
        assign_users(district["bo"], [people["ana"].id])
        assign_users(district["chiefdom"], [people["ben"].id])
        template = make_template(
            groups=[managers], notify_users_in_hierarchy_only=True, notify_parent_org_unit_only=True
        )
        rule = make_rule("Stock-out", "HIGH", [template])
    post_results(job_app, [result(rule)])
    run_job(job_app)
    assert sorted(p.user_id for p in Participant.select()) == sorted(
        [people["ana"].id, people["ben"].id]
    )


class ParentOfFacility:
    """A test plugin that knows one org unit, whose parent only the first candidate works at."""

    from kernel import hookimpl

    @hookimpl
    def mailroom_users_at_parent_org_unit(self, org_unit_uid, user_ids):
        return {min(user_ids)} if org_unit_uid == FACILITY else set()


def test_a_plugin_can_answer_who_is_at_the_parent(make_app, jobs_config, people):
    app = make_app(plugins=["system_alerts"], extra_plugins=[ParentOfFacility()], **jobs_config)
    with app.app_context():
        from kernel.models import UserGroup

        group = UserGroup.create(name="Data managers")
        group.add_members([people["ana"], people["ben"]])
        rule = make_rule(
            "Stock-out", "LOW", [make_template(groups=[group], notify_parent_org_unit_only=True)]
        )
    post_results(app, [result(rule), result(rule, org_unit="ImspTQPwCqd")])
    run_job(app)
    assert [p.user_id for p in Participant.select()] == [min(people["ana"].id, people["ben"].id)]
    assert Conversation.select().count() == 1
