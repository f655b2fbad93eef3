"""Write feedback: subject and text, sent to the feedback recipient group."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kernel import messaging
from plugins.feedback.sending import FeedbackUnavailable, send_feedback

blueprint = Blueprint("feedback", __name__, template_folder="templates")

NO_GROUP = (
    "Feedback cannot be sent yet: no feedback recipient group is set up. Your text is kept "
    "below; ask an administrator to choose one under Settings → General → Feedback recipients."
)
EMPTY_GROUP = (
    "Feedback cannot be sent yet: the feedback recipient group has no other members. Your "
    "text is kept below; ask an administrator to add people to it."
)


@blueprint.route("/feedback/new", methods=["GET", "POST"])
def write() -> str | Response | tuple[str, int]:
    subject = request.form.get("subject", "")
    text = request.form.get("text", "")
    if request.method == "GET":
        return render_template("feedback/write.html", subject="", text="", errors={})
    try:
        conversation = send_feedback(g.user, subject, text)
    except messaging.SendError as error:
        errors = {error.field or "form": error.message}
        return render_template(
            "feedback/write.html", subject=subject, text=text, errors=errors
        ), error.http_status
    except FeedbackUnavailable as error:
        problem = EMPTY_GROUP if error.group_configured else NO_GROUP
        return render_template(
            "feedback/write.html", subject=subject, text=text, errors={"form": problem}
        ), 409
    flash("Feedback sent to the feedback team.")
    return redirect(url_for("conversations.show", uid=conversation.uid), code=303)
