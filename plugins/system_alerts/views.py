"""Pages for ALL users: list, create and edit validation rules and notification templates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kernel.access import is_superuser
from kernel.models import UserGroup
from kernel.web.admin.form_input import row_or_404
from plugins.system_alerts.forms import save_rule, save_template
from plugins.system_alerts.models import NotificationTemplate, RuleTemplate, ValidationRule
from plugins.system_alerts.rendering import VARIABLES

blueprint = Blueprint("validation", __name__, template_folder="templates")


@blueprint.before_request
def _require_superuser() -> None:
    if not is_superuser(g.user):
        abort(403)


@blueprint.get("/validation")
def index() -> str:
    rules = list(ValidationRule.select().order_by(ValidationRule.name))
    templates = list(NotificationTemplate.select().order_by(NotificationTemplate.name))
    names = {t.id: t.name for t in templates}
    templates_of: dict[int, list[str]] = {}
    for link in RuleTemplate.select().order_by(RuleTemplate.id):
        templates_of.setdefault(link.rule_id, []).append(names[link.template_id])
    return render_template(
        "system_alerts/index.html", rules=rules, templates=templates, templates_of=templates_of
    )


def _rule_page(rule: ValidationRule | None) -> str | Response | tuple[str, int]:
    if request.method == "POST":
        saved, errors = save_rule(request.form, rule)
        if saved is not None:
            flash(f"Validation rule “{saved.name}” saved.")
            return redirect(url_for("validation.index"), code=303)
        values, status = request.form, 400
    else:
        errors, status = {}, 200
        values = MultiDict(
            {
                "name": rule.name,
                "importance": rule.importance,
                "description": rule.description or "",
            }
            if rule
            else {"importance": "MEDIUM"}
        )
        if rule:
            values.setlist("templates", [t.uid for t in rule.templates()])
    templates = list(NotificationTemplate.select().order_by(NotificationTemplate.name))
    page = render_template(
        "system_alerts/rule_form.html", rule=rule, values=values, errors=errors, templates=templates
    )
    return (page, status) if status != 200 else page


def _template_page(template: NotificationTemplate | None) -> str | Response | tuple[str, int]:
    if request.method == "POST":
        saved, errors = save_template(request.form, template)
        if saved is not None:
            flash(f"Notification template “{saved.name}” saved.")
            return redirect(url_for("validation.index"), code=303)
        values, status = request.form, 400
    else:
        errors, status = {}, 200
        values = MultiDict(
            {
                "name": template.name,
                "subject_template": template.subject_template,
                "message_template": template.message_template,
                "send_strategy": template.send_strategy,
                "notify_users_in_hierarchy_only": (
                    "on" if template.notify_users_in_hierarchy_only else ""
                ),
                "notify_parent_org_unit_only": (
                    "on" if template.notify_parent_org_unit_only else ""
                ),
            }
            if template
            else {"send_strategy": "SINGLE_NOTIFICATION"}
        )
        if template:
            values.setlist("groups", template.group_uids())
    groups = list(UserGroup.select().order_by(UserGroup.name))
    page = render_template(
        "system_alerts/template_form.html",
        template=template,
        values=values,
        errors=errors,
        groups=groups,
        variables=VARIABLES,
    )
    return (page, status) if status != 200 else page


@blueprint.route("/validation/rules/new", methods=["GET", "POST"])
def create_rule():
    return _rule_page(None)


@blueprint.route("/validation/rules/<uid>", methods=["GET", "POST"])
def edit_rule(uid: str):
    return _rule_page(row_or_404(ValidationRule, uid))


@blueprint.route("/validation/templates/new", methods=["GET", "POST"])
def create_template():
    return _template_page(None)


@blueprint.route("/validation/templates/<uid>", methods=["GET", "POST"])
def edit_template(uid: str):
    return _template_page(row_or_404(NotificationTemplate, uid))
