"""The conversation page: messages in order, read state, reply, own state, access."""

from __future__ import annotations

import re

from kernel.messaging import add_reply
from kernel.models import Conversation, Message, Participant


def test_opening_shows_every_message_in_order_and_marks_it_read(app, browser, converse, people):
    conversation = converse(subject="Vaccine fridge", text="The fridge in Bo is at 12°C.")
    with app.app_context():
        add_reply(conversation, people["ben"], "Technician is on the way.")
        add_reply(conversation, people["ana"], "Thanks, temperature back to 5°C.")
    browser.login("ben")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    texts = re.findall(r'<div class="text">(.*?)</div>', page)
    assert texts == [
        "The fridge in Bo is at 12°C.",
        "Technician is on the way.",
        "Thanks, temperature back to 5°C.",
    ]
    assert '<h1 id="subject">Vaccine fridge</h1>' in page
    assert Participant.get(Participant.user == people["ben"].id).read is True


def test_participants_are_listed_with_me_for_the_reader(browser, converse):
    conversation = converse(to=("ben", "eve"))
    browser.login("ben")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "Participants (3)" in page
    assert (
        "<li>me</li>" in page and "<li>Ana Banda</li>" in page and "<li>Eve Outsider</li>" in page
    )


def test_more_than_thirty_participants_are_collapsed(app, browser, people):
    from kernel.messaging import start_conversation
    from kernel.people import create_user

    with app.app_context():
        crowd = [create_user(f"u{n:02}", "User", f"{n:02}").id for n in range(35)]
        conversation = start_conversation(
            sender=people["ana"],
            recipient_ids=set(crowd),
            subject="All hands",
            text="Hi",
            message_type="PRIVATE",
        )
    browser.login("ana")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "Participants (36)" in page
    assert "<summary>6 more</summary>" in page


def test_message_text_is_escaped_and_links_are_made_clickable(browser, converse):
    conversation = converse(
        text='<script>alert("x")</script> see https://dhis2.org/guide?a=1&b=2. Thanks'
    )
    browser.login("ben")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert (
        '<a href="https://dhis2.org/guide?a=1&amp;b=2" rel="noopener noreferrer nofollow">'
        "https://dhis2.org/guide?a=1&amp;b=2</a>. Thanks" in page
    )


def test_javascript_links_are_not_made_clickable(browser, converse):
    conversation = converse(text='javascript:alert(1) and http://x.org/"onmouseover=alert(1)')
    browser.login("ben")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert 'href="javascript' not in page
    assert 'onmouseover=alert(1)"' not in page


def test_reply_makes_it_unread_for_the_others_only(browser, converse, people):
    conversation = converse(to=("ben", "eve"))
    Participant.update(read=True).execute()
    browser.login("ben")
    response = browser.post(
        f"/conversations/{conversation.uid}/reply", {"text": "Sending 500 now."}
    )
    assert response.status_code == 303
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reply sent." in page
    assert "Sending 500 now." in page
    state = {p.user_id: p.read for p in Participant.select()}
    assert state == {people["ana"].id: False, people["eve"].id: False, people["ben"].id: True}
    refreshed = Conversation.get_by_id(conversation.id)
    assert refreshed.last_sender_id == people["ben"].id
    assert refreshed.message_count == 2


def test_reply_moves_the_conversation_to_the_top_of_everyones_inbox(browser, converse):
    older = converse(subject="Older")
    converse(subject="Newer")
    browser.login("ben")
    browser.post(f"/conversations/{older.uid}/reply", {"text": "Bump"})
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    assert re.findall(r'<a href="/conversations/\w+">([^<]+)</a>', page) == ["Older", "Newer"]


def test_empty_or_overlong_reply_is_refused_with_the_text_kept(app, browser, converse):
    conversation = converse()
    browser.login("ben")
    empty = browser.post(f"/conversations/{conversation.uid}/reply", {"text": "   "})
    assert empty.status_code == 400
    assert "Enter a message." in empty.get_data(as_text=True)
    long_text = "x" * (app.config["MAX_TEXT_LENGTH"] + 1)
    too_long = browser.post(f"/conversations/{conversation.uid}/reply", {"text": long_text})
    assert too_long.status_code == 400
    assert "longer than" in too_long.get_data(as_text=True)
    assert long_text in too_long.get_data(as_text=True)
    assert Message.select().count() == 1


def test_non_participant_gets_404_for_page_reply_and_state(browser, converse):
    conversation = converse()
    browser.login("eve")
    assert browser.get(f"/conversations/{conversation.uid}").status_code == 404
    assert (
        browser.post(f"/conversations/{conversation.uid}/reply", {"text": "hi"}).status_code == 404
    )
    assert (
        browser.post(f"/conversations/{conversation.uid}/state", {"action": "unread"}).status_code
        == 404
    )
    assert Message.select().count() == 1


def test_unknown_conversation_is_404(browser, people):
    browser.login("ben")
    assert browser.get("/conversations/abcdefghijk").status_code == 404
    assert browser.get("/conversations/%3Cscript%3E").status_code == 404


def test_superuser_may_open_any_conversation_and_joins_by_replying(browser, converse, people):
    conversation = converse()
    browser.login("admin")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "No ORS sachets since Monday." in page
    assert "Your copy" not in page
    browser.post(f"/conversations/{conversation.uid}/reply", {"text": "Escalated to the region."})
    admin = Participant.get(Participant.user == people["admin"].id)
    assert admin.read is True


def test_mark_unread_returns_to_the_folder_with_the_row_bold(browser, converse):
    conversation = converse()
    browser.login("ben")
    browser.get(f"/conversations/{conversation.uid}")
    response = browser.post(f"/conversations/{conversation.uid}/state", {"action": "unread"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/messages/PRIVATE"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked as unread." in page
    assert 'class="unread' in page


def test_follow_up_toggles_from_the_conversation(browser, converse, people):
    conversation = converse()
    browser.login("ben")
    browser.post(f"/conversations/{conversation.uid}/state", {"action": "followup"})
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert 'value="unfollowup">Clear follow-up' in page
    browser.post(f"/conversations/{conversation.uid}/state", {"action": "unfollowup"})
    assert Participant.get(Participant.user == people["ben"].id).follow_up is False


def test_remove_from_conversation_page_confirms_then_removes_my_copy_only(
    browser, converse, people
):
    conversation = converse()
    browser.login("ben")
    asked = browser.post(f"/conversations/{conversation.uid}/state", {"action": "remove"})
    assert "Remove 1 conversation from your inbox?" in asked.get_data(as_text=True)
    assert Participant.select().count() == 2
    done = browser.post(
        f"/conversations/{conversation.uid}/state", {"action": "remove", "confirm": "yes"}
    )
    assert done.status_code == 303
    assert browser.get(f"/conversations/{conversation.uid}").status_code == 404
    assert [p.user_id for p in Participant.select()] == [people["ana"].id]


def test_unknown_state_action_is_a_400_and_changes_nothing(browser, converse, people):
    conversation = converse()
    browser.login("ben")
    response = browser.post(f"/conversations/{conversation.uid}/state", {"action": "delete-all"})
    assert response.status_code == 400
    assert "Choose an action." in response.get_data(as_text=True)
    assert Participant.select().count() == 2


def test_system_conversation_shows_system_as_sender(browser, converse):
    conversation = converse(sender=None, to=("ben",), subject="Job failed")
    browser.login("ben")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "<strong>system</strong>" in page


def test_huge_conversations_name_the_first_participants_and_count_the_rest(app, browser, people):
    from kernel.messaging import start_conversation
    from kernel.people import create_user

    with app.app_context():
        crowd = [create_user(f"c{n:03}", "Crowd", f"{n:03}").id for n in range(250)]
        conversation = start_conversation(
            sender=people["ana"],
            recipient_ids=set(crowd),
            subject="Everyone",
            text="Hi",
            message_type="PRIVATE",
        )
    browser.login("ana")
    page = browser.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "Participants (251)" in page
    assert "<summary>221 more</summary>" in page
    assert "and 21 others" in page
    assert page.count("<li>Crowd ") + page.count("<li>me</li>") == 230
