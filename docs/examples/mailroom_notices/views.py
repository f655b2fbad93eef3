"""The "Sent notices" page: every notice and how many people it reached."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from kernel.access import has_authority
from mailroom_notices.models import SentNotice

SENT_NOTICES_AUTHORITY = "F_VIEW_SENT_NOTICES"

blueprint = Blueprint("mailroom_notices", __name__, template_folder="templates")


@blueprint.get("/notices/sent")
def sent() -> str:
    # Lists every notice, including those sent to groups the reader is not in.
    if not has_authority(g.user, SENT_NOTICES_AUTHORITY):
        abort(403)
    return render_template("mailroom_notices/sent.html", notices=SentNotice.newest_first())
