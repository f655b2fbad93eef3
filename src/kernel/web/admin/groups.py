"""Administration of user groups: list with member counts, create, rename, and members
(add by search, remove after confirmation)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from jinja2_fragments.flask import render_block
from werkzeug.wrappers import Response

from kernel.models import User, UserGroup
from kernel.models.paging import paginate
from kernel.people import (
    PeopleError,
    add_group_members,
    create_group,
    group_problems,
    remove_group_members,
    update_group,
)
from kernel.web.admin.form_input import chosen, row_or_404, search_text, text
from kernel.web.paging import page_number
from kernel.web.render import page_or_block, wants_partial

blueprint = Blueprint("groups", __name__, url_prefix="/groups")

LIMITS = {"name": UserGroup.name.max_length, "code": UserGroup.code.max_length}
MIN_FIND_LENGTH = 2
CANDIDATE_LIMIT = 10


def _form_page(group: UserGroup | None, values: dict, errors: dict) -> tuple[str, int]:
    page = render_template(
        "admin/group_form.html", group=group, values=values, errors=errors, limits=LIMITS
    )
    return page, 400 if errors else 200


@blueprint.get("/")
def index() -> str:
    q = search_text(request.args)
    page = paginate(
        UserGroup.matching(q), page_number(request.args), current_app.config["PAGE_SIZE"]
    )
    return page_or_block("admin/groups.html", "group_list", q=q, page=page)


@blueprint.route("/new", methods=["GET", "POST"])
def create() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _form_page(None, {}, {})
    values = {"name": text(request.form, "name"), "code": text(request.form, "code")}
    errors = group_problems(**values)
    if not errors:
        try:
            group = create_group(**values)
        except PeopleError as error:  # taken meanwhile by someone else
            errors = error.problems
    if errors:
        return _form_page(None, values, errors)
    flash(f"Created the group {group.name}. Add its members below.")
    return redirect(url_for(".members", uid=group.uid), code=303)


@blueprint.route("/<uid>", methods=["GET", "POST"])
def edit(uid: str) -> Response | tuple[str, int]:
    group = row_or_404(UserGroup, uid)
    if request.method == "GET":
        return _form_page(group, {"name": group.name, "code": group.code}, {})
    values = {"name": text(request.form, "name"), "code": text(request.form, "code")}
    errors = group_problems(**values, group=group)
    if not errors:
        update_group(group, **values)
        flash(f"Saved the group {group.name}.")
        return redirect(url_for(".members", uid=group.uid), code=303)
    return _form_page(group, values, errors)


def _members_page(group: UserGroup, error: str | None = None) -> tuple[str, int]:
    """The members page, or the part of it htmx asked for (``HX-Target``)."""
    q = search_text(request.args)
    find = search_text(request.args, "find")
    context = {
        "group": group,
        "q": q,
        "find": find,
        "page": paginate(
            group.members_matching(q), page_number(request.args), current_app.config["PAGE_SIZE"]
        ),
        "candidates": group.candidates(find, CANDIDATE_LIMIT)
        if len(find) >= MIN_FIND_LENGTH
        else [],
        "min_find_length": MIN_FIND_LENGTH,
        "error": error,
    }
    status = 400 if error else 200
    if wants_partial() and request.headers.get("HX-Target") == "candidates":
        return render_block("admin/group_members.html", "candidates", **context), status
    return page_or_block("admin/group_members.html", "member_list", **context), status


@blueprint.get("/<uid>/members")
def members(uid: str) -> tuple[str, int]:
    return _members_page(row_or_404(UserGroup, uid))


@blueprint.post("/<uid>/members/add")
def add_members(uid: str) -> Response | tuple[str, int]:
    group = row_or_404(UserGroup, uid)
    users, all_found = chosen(User, request.form.getlist("user"))
    if not users or not all_found:
        return _members_page(group, "Choose a user to add from the search results.")
    add_group_members(group, [user.id for user in users])
    names = ", ".join(user.display_name for user in users)
    flash(f"Added {names} to {group.name}.")
    return redirect(url_for(".members", uid=group.uid), code=303)


@blueprint.route("/<uid>/members/remove", methods=["GET", "POST"])
def remove_member(uid: str) -> Response | str | tuple[str, int]:
    """GET asks for confirmation; the confirmation page POSTs back to remove."""
    group = row_or_404(UserGroup, uid)
    users, _ = chosen(User, [request.values.get("user", "")])
    user = users[0] if users else None
    if user is None or not group.has_member(user):
        return _members_page(group, "That user is not a member of this group.")
    if request.method == "GET":
        return render_template(
            "admin/confirm.html",
            area="groups",
            heading=f"Remove {user.display_name} from {group.name}?",
            explanation=(
                f"{user.username} stops receiving messages sent to {group.name}. "
                "Conversations they already have stay in their inbox."
            ),
            action=url_for(".remove_member", uid=group.uid),
            fields={"user": user.uid},
            button="Remove from group",
            cancel=url_for(".members", uid=group.uid),
        )
    remove_group_members(group, [user.id])
    flash(f"Removed {user.display_name} from {group.name}.")
    return redirect(url_for(".members", uid=group.uid), code=303)
