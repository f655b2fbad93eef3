"""Demo feedback: the demo's feedback group handles a few tickets in different states."""

from __future__ import annotations

from kernel.messaging import add_reply, change_state, start_conversation
from kernel.models import Setting, Status, User, UserGroup
from plugins.feedback.team import RECIPIENTS_SETTING

TICKETS = [
    (
        "amina",
        "Cannot enter October data for Bumpe CHP",
        "The form says the period is locked.",
        Status.PENDING,
        "HIGH",
    ),
    (
        "ibrahim",
        "Wrong population figure for Badjia",
        "The 2026 target population looks doubled.",
        Status.OPEN,
        "MEDIUM",
    ),
    (
        "samuel",
        "Request: add a field for RDT stock",
        "Could the malaria form get an RDT stock field?",
        Status.SOLVED,
        "LOW",
    ),
]


def add_demo_feedback(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    team = groups["Feedback message recipients"]
    Setting.write(RECIPIENTS_SETTING, team.uid)
    members = team.member_ids()
    for sender, subject, text, status, priority in TICKETS:
        ticket = start_conversation(
            sender=users[sender],
            recipient_ids=members,
            subject=subject,
            text=text,
            message_type="TICKET",
            status=Status.OPEN,
        )
        change_state(ticket, users["tom"], "priority", priority)
        if status is not Status.OPEN:
            change_state(ticket, users["tom"], "status", status.value)
        if status is Status.PENDING:
            change_state(ticket, users["tom"], "assignee", users["grace"])
            add_reply(
                ticket, users["tom"], "Grace, can you unlock October for Bumpe?", internal=True
            )
            add_reply(ticket, users["grace"], "We are looking into it and will write back today.")
