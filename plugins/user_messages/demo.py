"""Private conversations for the demo: a few threads between district and facility staff."""

from __future__ import annotations

from kernel.messaging import add_reply, start_conversation
from kernel.models import User, UserGroup

THREADS = [
    (
        "district",
        ["admin"],
        "Stock-out of ORS at Ngelehun CHC",
        "Ngelehun reports no ORS sachets since Monday. Can the district store send 500?",
        [("admin", "Approved. The district store will dispatch on Thursday's vehicle.")],
    ),
    (
        "admin",
        ["district", "mariama"],
        "Data entry deadline for October",
        "Reminder: October monthly reports are due on the 10th. "
        "The reporting guide is at https://docs.dhis2.org/ for anyone who needs it.",
        [("mariama", "Two facilities in Badjia will be late; the solar power is down.")],
    ),
    (
        "amina",
        ["district"],
        "Measles cases in Bumpe",
        "Three suspected measles cases this week at Bumpe CHP. Samples sent to the lab.",
        [],
    ),
    (
        "ibrahim",
        ["admin", "district"],
        "Training schedule",
        "Could we move the HMIS refresher training to the week of the 20th?",
        [("district", "Fine by me."), ("admin", "Agreed, I will update the invitation.")],
    ),
]


def add_demo_conversations(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    for sender, recipients, subject, text, replies in THREADS:
        conversation = start_conversation(
            sender=users[sender],
            recipient_ids={users[name].id for name in recipients},
            subject=subject,
            text=text,
            message_type="PRIVATE",
        )
        for author, reply in replies:
            add_reply(conversation, users[author], reply)
    staff = groups["Facility staff"]
    start_conversation(
        sender=users["district"],
        recipient_ids=staff.member_ids(),
        subject="Welcome to Mailroom",
        text="Use this inbox for questions to the district team. Replies reach everyone here.",
        message_type="PRIVATE",
    )
