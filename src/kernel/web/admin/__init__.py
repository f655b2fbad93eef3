"""Administration pages: users, user groups and user roles, for users with authority ALL.

One parent blueprint refuses everyone else before any of its views runs, so no page or
form added under it can forget the check; each area is a child blueprint in its own module.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from kernel.access import is_superuser
from kernel.models import User, UserGroup, UserRole
from kernel.web.admin import groups, roles, users

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
blueprint.register_blueprint(users.blueprint)
blueprint.register_blueprint(groups.blueprint)
blueprint.register_blueprint(roles.blueprint)


@blueprint.before_request
def superusers_only() -> None:
    # Runs for the child blueprints too, after the app has required a signed-in user.
    if not is_superuser(g.user):
        abort(403)


@blueprint.get("/")
def index() -> str:
    return render_template(
        "admin/index.html",
        user_count=User.select().count(),
        group_count=UserGroup.select().count(),
        role_count=UserRole.select().count(),
    )
