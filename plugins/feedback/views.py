"""Write feedback: subject and text, sent to the feedback recipient group."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kernel import messaging
from kernel.models import Status, User, UserGroupMember
from plugins.feedback.team import feedback_group

blueprint = Blueprint("feedback", __name__, template_folder="templates")

NO_GROUP = (
    "Feedback cannot be sent yet: no feedback recipient group is set up. Your text is kept "
    "below; ask an administrator to choose one under Settings → General → Feedback recipients."
)
EMPTY_GROUP = (
    "Feedback cannot be sent yet: the feedback recipient group has no other members. Your "
    "text is kept below; ask an administrator to add people to it."
)


def _recipients() -> set[int] | None:
    """Enabled members of the feedback group, or None when no group is configured."""
    group = feedback_group()
    if group is None:
        return None
    members = (
        UserGroupMember.select(UserGroupMember.user)
        .join(User)
        .where((UserGroupMember.group == group) & (User.disabled == False))
    )
    return {m.user_id for m in members}


@blueprint.route("/feedback/new", methods=["GET", "POST"])
def write() -> str | Response | tuple[str, int]:
    subject = request.form.get("subject", "")
    text = request.form.get("text", "")
    if request.method == "GET":
        return render_template("feedback/write.html", subject="", text="", errors={})
    try:
        messaging.check_subject_and_text(subject, text, current_app.config)
    except messaging.SendError as error:
        errors = {error.field: error.message}
        return render_template(
            "feedback/write.html", subject=subject, text=text, errors=errors
        ), 400
    recipients = _recipients()
    if recipients is None or not recipients - {g.user.id}:
        problem = NO_GROUP if recipients is None else EMPTY_GROUP
        return render_template(
            "feedback/write.html", subject=subject, text=text, errors={"form": problem}
        ), 409
    conversation = messaging.start_conversation(
        sender=g.user,
        recipient_ids=recipients,
        subject=subject,
        text=text,
        message_type="TICKET",
        status=Status.OPEN,
    )
    flash("Feedback sent to the feedback team.")
    return redirect(url_for("conversations.show", uid=conversation.uid), code=303)
