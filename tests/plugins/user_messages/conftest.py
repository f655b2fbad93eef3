"""People for the user_messages tests, on top of the kernel's ``people`` fixture:

- "District officers": ana, ben (from ``people``)
- "Nurses": ben, cato, and dora, whose account is disabled
- eve is in no group; admin has ALL.
"""

from __future__ import annotations

import pytest
from flask import Flask

from kernel.models import Conversation, Participant, User, UserGroup
from kernel.people import create_user
from tests.conftest import Browser


@pytest.fixture
def team(app: Flask, people: dict[str, User]) -> dict[str, User | UserGroup]:
    with app.app_context():
        officers = UserGroup.get(UserGroup.name == "District officers")
        nurses = UserGroup.create(name="Nurses")
        cato = create_user("cato", "Cato", "Kamara", password="district", groups=[nurses])
        dora = create_user("dora", "Dora", "Disabled", password="district", groups=[nurses])
        User.update(disabled=True).where(User.id == dora.id).execute()
        nurses.add_members([people["ben"]])
        return {**people, "cato": cato, "dora": dora, "officers": officers, "nurses": nurses}


def counts(app: Flask) -> tuple[int, int]:
    """(conversations, participant rows): what a refused send must leave unchanged."""
    with app.app_context():
        return Conversation.select().count(), Participant.select().count()


def copies(app: Flask, conversation_uid: str) -> dict[str, bool]:
    """Who has a copy of the conversation, by username, and whether it is read."""
    with app.app_context():
        rows = (
            Participant.select(Participant.read, User.username)
            .join(User)
            .switch(Participant)
            .join(Conversation)
            .where(Conversation.uid == conversation_uid)
            .tuples()
        )
        return {username: read for read, username in rows}


def send(browser: Browser, recipients: list[str], subject="Stock-out", text="No ORS.", **extra):
    """Post the compose form as its Send button does."""
    data = {"recipient": recipients, "subject": subject, "text": text, "send": "1", **extra}
    return browser.post("/messages/PRIVATE/create", data)


def conversation_uid(response) -> str:
    location = response.headers["Location"]
    assert location.startswith("/conversations/"), location
    return location.rsplit("/", 1)[1]


HTMX = {"HX-Request": "true"}
