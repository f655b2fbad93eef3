"""Administration of users: list and search, create, edit with roles and groups, set a
password, disable and enable."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from kernel.models import User, UserGroup, UserRole
from kernel.models.paging import paginate
from kernel.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from kernel.people import (
    PeopleError,
    create_user,
    new_user_problems,
    roles_grant_superuser,
    set_disabled,
    set_password,
    update_user,
    user_details_problems,
)
from kernel.web.admin.form_input import chosen, row_or_404, search_text, text
from kernel.web.paging import page_number
from kernel.web.render import page_or_block

blueprint = Blueprint("users", __name__, url_prefix="/users")

LIMITS = {
    "username": User.username.max_length,
    "name": User.first_name.max_length,
    "email": User.email.max_length,
    "min_password": MIN_PASSWORD_LENGTH,
    "max_password": MAX_PASSWORD_LENGTH,
}
DETAILS = ("first_name", "surname", "email")


def _password_problems(form) -> dict[str, str]:
    password = form.get("password", "")
    problem = password_problem(password)
    if problem:
        return {"password": problem}
    if password != form.get("password_repeat", ""):
        return {"password_repeat": "The two passwords differ: type the same one twice."}
    return {}


def _roles_and_groups(form) -> tuple[list[UserRole], list[UserGroup], dict[str, str]]:
    roles, all_roles_found = chosen(UserRole, form.getlist("roles"))
    groups, all_groups_found = chosen(UserGroup, form.getlist("groups"))
    problems = {}
    if not all_roles_found:
        problems["roles"] = "One of the chosen roles does not exist (any more); choose again."
    if not all_groups_found:
        problems["groups"] = "One of the chosen groups does not exist (any more); choose again."
    return roles, groups, problems


def _form_page(
    user: User | None,
    values: dict[str, str],
    chosen_roles: list[str],
    chosen_groups: list[str],
    errors: dict[str, str],
) -> tuple[str, int]:
    page = render_template(
        "admin/user_form.html",
        user=user,
        values=values,
        all_roles=UserRole.by_name(),
        all_groups=UserGroup.by_name(),
        chosen_roles=set(chosen_roles),
        chosen_groups=set(chosen_groups),
        errors=errors,
        limits=LIMITS,
    )
    return page, 400 if errors else 200


@blueprint.get("/")
def index() -> str:
    q = search_text(request.args)
    page = paginate(User.matching(q), page_number(request.args), current_app.config["PAGE_SIZE"])
    roles = UserRole.of_users(user.id for user in page.rows)
    return page_or_block("admin/users.html", "user_list", q=q, page=page, roles=roles)


@blueprint.route("/new", methods=["GET", "POST"])
def create() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _form_page(None, {}, [], [], {})
    form = request.form
    values = {name: text(form, name) for name in ("username", *DETAILS)}
    roles, groups, errors = _roles_and_groups(form)
    errors = {**new_user_problems(**values), **_password_problems(form), **errors}
    if not errors:
        try:
            user = create_user(**values, password=form["password"], roles=roles, groups=groups)
        except PeopleError as error:  # taken meanwhile by someone else
            errors = error.problems
    if errors:
        return _form_page(None, values, form.getlist("roles"), form.getlist("groups"), errors)
    flash(f"Created the user {user.username}.")
    return redirect(url_for(".edit", uid=user.uid), code=303)


@blueprint.route("/<uid>", methods=["GET", "POST"])
def edit(uid: str) -> Response | tuple[str, int]:
    user = row_or_404(User, uid)
    if request.method == "GET":
        values = {"first_name": user.first_name, "surname": user.surname, "email": user.email}
        role_uids = [role.uid for role in UserRole.of_users([user.id])[user.id]]
        group_uids = [group.uid for group in UserGroup.of_user(user)]
        return _form_page(user, values, role_uids, group_uids, {})
    form = request.form
    values = {name: text(form, name) for name in DETAILS}
    roles, groups, errors = _roles_and_groups(form)
    errors = {**user_details_problems(**values), **errors}
    if user.id == g.user.id and not roles_grant_superuser(role.id for role in roles):
        # Otherwise the last administrator could lock everyone out of these pages.
        errors["roles"] = (
            "Keep a role with the authority ALL on your own account: "
            "another administrator must take it away."
        )
    if not errors:
        update_user(user, **values, roles=roles, groups=groups)
        flash(f"Saved the changes to {user.username}.")
        return redirect(url_for(".edit", uid=user.uid), code=303)
    return _form_page(user, values, form.getlist("roles"), form.getlist("groups"), errors)


@blueprint.route("/<uid>/password", methods=["GET", "POST"])
def password(uid: str) -> Response | tuple[str, int]:
    user = row_or_404(User, uid)
    errors = _password_problems(request.form) if request.method == "POST" else {}
    if request.method == "POST" and not errors:
        set_password(user, request.form["password"])
        flash(f"Set a new password for {user.username}.")
        return redirect(url_for(".edit", uid=user.uid), code=303)
    page = render_template("admin/user_password.html", user=user, errors=errors, limits=LIMITS)
    return page, 400 if errors else 200


@blueprint.route("/<uid>/disable", methods=["GET", "POST"])
def disable(uid: str) -> Response | str:
    user = row_or_404(User, uid)
    if user.id == g.user.id:
        abort(400, "You cannot disable your own account: another administrator must do it.")
    return _confirm_or_apply(
        user,
        disabled=True,
        heading=f"Disable {user.display_name}?",
        explanation=(
            f"{user.username} will be signed out and cannot sign in until the account is "
            "enabled again. Their messages and group memberships stay."
        ),
        button="Disable account",
        done=f"Disabled {user.username}: they can no longer sign in.",
    )


@blueprint.route("/<uid>/enable", methods=["GET", "POST"])
def enable(uid: str) -> Response | str:
    user = row_or_404(User, uid)
    return _confirm_or_apply(
        user,
        disabled=False,
        heading=f"Enable {user.display_name}?",
        explanation=f"{user.username} will be able to sign in again with their password.",
        button="Enable account",
        done=f"Enabled {user.username}.",
    )


def _confirm_or_apply(
    user: User, *, disabled: bool, heading: str, explanation: str, button: str, done: str
) -> Response | str:
    """GET asks for confirmation; the confirmation page POSTs back to apply."""
    if request.method == "GET":
        return render_template(
            "admin/confirm.html",
            area="users",
            heading=heading,
            explanation=explanation,
            action=request.path,
            button=button,
            cancel=url_for(".edit", uid=user.uid),
        )
    set_disabled(user, disabled)
    flash(done)
    return redirect(url_for(".edit", uid=user.uid), code=303)
