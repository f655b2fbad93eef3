"""Hostile or broken input to the compose page and Add participants: always a clear 4xx
or the form again, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from kernel.models import Conversation, Message
from tests.plugins.user_messages.conftest import HTMX, conversation_uid, counts, send

COMPOSE = "/messages/PRIVATE/create"


@pytest.mark.parametrize(
    "form",
    [
        {"recipient": "user:\x00abc", "subject": "s", "text": "t", "send": "1"},
        {"q": "\x00\x00", "search": "1"},
        {"q": "a" * 5000, "search": "1"},
        {"add": "", "recipient": ":"},
        {"remove": "user:", "recipient": "user:" + "x" * 70},
        {"send": "1", "recipient": ["user:a"] * 3, "subject": ["a", "b"], "text": "t"},
    ],
    ids=["nul-in-pick", "nul-in-search", "long-search", "empty-add", "long-uid", "repeats"],
)
def test_broken_compose_posts_are_answered_without_a_server_error(app, team, sign_in, form):
    before = counts(app)
    response = sign_in(app, "ana").post(COMPOSE, form)
    assert response.status_code in (200, 400, 409)
    assert "Write message" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize(
    "query",
    [
        "to=%00",
        "to=user:%00",
        "q=%00%00",
        "to=" + ",".join(["user:Abcdefghijk"] * 3000),
        "to=userGroup:" + "x" * 100,
    ],
    ids=["nul-to", "nul-uid", "nul-search", "many-repeats", "long-uid"],
)
def test_broken_compose_links_are_answered_without_a_server_error(app, team, sign_in, query):
    ana = sign_in(app, "ana")
    assert ana.get(f"{COMPOSE}?{query}").status_code in (200, 400)
    partial = ana.get(f"{COMPOSE}?{query}", headers={**HTMX, "HX-Target": "recipient-hits"})
    assert partial.status_code in (200, 400)


def test_a_nul_character_in_subject_or_text_is_refused_not_a_server_error(app, team, sign_in):
    ana = sign_in(app, "ana")
    before = counts(app)
    response = send(ana, [f"user:{team['ben'].uid}"], subject="Stock\x00", text="Out\x00")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The subject contains a NUL character" in page
    assert "The message contains a NUL character" in page
    assert counts(app) == before
    uid = conversation_uid(send(ana, [f"user:{team['ben'].uid}"]))
    assert ana.post(f"/conversations/{uid}/reply", {"text": "a\x00b"}).status_code == 400


def test_broken_add_participant_input_is_answered_without_a_server_error(app, team, sign_in):
    ana = sign_in(app, "ana")
    uid = conversation_uid(send(ana, [f"user:{team['ben'].uid}"]))
    for query in ("add_q=%00", "add_q=" + "z" * 3000):
        search = f"/messages/PRIVATE/{uid}/add-participants?{query}"
        assert ana.get(search, headers=HTMX).status_code == 200
        assert ana.get(f"/conversations/{uid}?{query}").status_code == 200
    response = ana.post(f"/conversations/{uid}/actions/add_participants", {"recipient": "u:\x00"})
    assert response.status_code == 400


def test_a_nul_character_in_the_user_agent_is_left_out_of_the_message(app, team, sign_in):
    # PostgreSQL refused the header's NUL when storing it: a 500 there, not on SQLite.
    ana = sign_in(app, "ana")
    response = ana.post(
        COMPOSE,
        {"recipient": [f"user:{team['ben'].uid}"], "subject": "S", "text": "T", "send": "1"},
        headers={"User-Agent": "district-app\x00/1.0 " + "x" * 400},
    )
    uid = conversation_uid(response)
    with app.app_context():
        (message,) = Message.select().join(Conversation).where(Conversation.uid == uid)
    assert message.metadata.startswith("User-agent: district-app/1.0 x")
    assert len(message.metadata) == 255
