"""Administration of user roles: list with authorities and user counts, create, edit."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kernel.models import UserRole
from kernel.models.users import SUPERUSER_AUTHORITY
from kernel.people import (
    PeopleError,
    clean_authorities,
    create_role,
    role_problems,
    roles_grant_superuser,
    update_role,
)
from kernel.web.admin.form_input import row_or_404, text

blueprint = Blueprint("roles", __name__, url_prefix="/roles")

LIMITS = {"name": UserRole.name.max_length}


def _form_page(role: UserRole | None, values: dict, errors: dict) -> tuple[str, int]:
    page = render_template(
        "admin/role_form.html", role=role, values=values, errors=errors, limits=LIMITS
    )
    return page, 400 if errors else 200


def _values(form) -> tuple[dict[str, str], list[str]]:
    authorities_text = form.get("authorities", "")
    return (
        {"name": text(form, "name"), "authorities": authorities_text},
        clean_authorities(authorities_text.splitlines()),
    )


@blueprint.get("/")
def index() -> str:
    return render_template(
        "admin/roles.html",
        roles=UserRole.by_name(),
        authorities=UserRole.authorities_by_role(),
        user_counts=UserRole.user_counts(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
def create() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _form_page(None, {}, {})
    values, authorities = _values(request.form)
    errors = role_problems(values["name"], authorities)
    if not errors:
        try:
            role = create_role(values["name"], authorities)
        except PeopleError as error:  # taken meanwhile by someone else
            errors = error.problems
    if errors:
        return _form_page(None, values, errors)
    flash(f"Created the role {role.name}.")
    return redirect(url_for(".index"), code=303)


@blueprint.route("/<uid>", methods=["GET", "POST"])
def edit(uid: str) -> Response | tuple[str, int]:
    role = row_or_404(UserRole, uid)
    if request.method == "GET":
        values = {"name": role.name, "authorities": "\n".join(role.authority_names())}
        return _form_page(role, values, {})
    values, authorities = _values(request.form)
    errors = role_problems(values["name"], authorities, role)
    if SUPERUSER_AUTHORITY not in authorities and _last_superuser_role_of_editor(role):
        errors["authorities"] = (
            "This role is what makes you an administrator: keep ALL, "
            "or let another administrator remove it."
        )
    if errors:
        return _form_page(role, values, errors)
    update_role(role, values["name"], authorities)
    flash(f"Saved the role {role.name}.")
    return redirect(url_for(".index"), code=303)


def _last_superuser_role_of_editor(role: UserRole) -> bool:
    """Whether taking ALL from ``role`` would take it from the administrator editing it."""
    mine = set(UserRole.of_users([g.user.id])[g.user.id])
    return role in mine and not roles_grant_superuser(r.id for r in mine if r.id != role.id)
