"""The inbox: folders with unread counts, the list, paging, filters, bulk actions, badge."""

from __future__ import annotations

import re

import pytest

from kernel.models import Participant


def rows(html: str) -> list[str]:
    """Subjects of the listed conversations, in order."""
    return re.findall(r'<a href="/conversations/\w+">([^<]+)</a>', html)


def test_folder_lists_conversations_newest_first_with_unread_in_bold(browser, converse):
    converse(subject="First")
    converse(subject="Second")
    converse(sender="ben", to=("ana",), subject="Ben wrote this one")
    browser.login("ben")
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    assert rows(page) == ["Ben wrote this one", "Second", "First"]
    assert page.count('class="unread') == 2


def test_sender_sees_own_new_conversation_as_read(browser, converse):
    converse(subject="From ana")
    browser.login("ana")
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    assert rows(page) == ["From ana"]
    assert 'class="unread' not in page


def test_folders_show_their_unread_counts(browser, converse):
    converse()
    converse(subject="Another")
    browser.login("ben")
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    assert re.search(r'Inbox <span class="badge">2<span class="visually-hidden"> unread', page)


def test_non_participant_does_not_see_the_conversation_in_any_list(browser, converse):
    converse(subject="Private between ana and ben")
    browser.login("eve")
    assert rows(browser.get("/messages/PRIVATE").get_data(as_text=True)) == []
    assert "There are no conversations in this folder." in browser.get(
        "/messages/PRIVATE"
    ).get_data(as_text=True)


def test_pages_hold_page_size_rows_with_newer_and_older_links(make_app, people, sign_in):
    app = make_app(PAGE_SIZE=3)
    from kernel.messaging import start_conversation

    with app.app_context():
        for n in range(7):
            start_conversation(
                sender=people["ana"],
                recipient_ids={people["ben"].id},
                subject=f"Report {n}",
                text="x",
                message_type="PRIVATE",
            )
    ben = sign_in(app, "ben")
    first = ben.get("/messages/PRIVATE").get_data(as_text=True)
    assert rows(first) == ["Report 6", "Report 5", "Report 4"]
    assert "Page 1 of 3" in first
    assert 'rel="next" href="/messages/PRIVATE?page=2"' in first
    last = ben.get("/messages/PRIVATE?page=3").get_data(as_text=True)
    assert rows(last) == ["Report 0"]
    assert 'rel="next"' not in last
    beyond = ben.get("/messages/PRIVATE?page=9").get_data(as_text=True)
    assert rows(beyond) == []


def test_bad_page_number_is_a_clear_400(browser, people):
    browser.login("ben")
    for bad in ("0", "-1", "two", "1.5"):
        response = browser.get(f"/messages/PRIVATE?page={bad}")
        assert response.status_code == 400
        assert "The page number must be a whole number" in response.get_data(as_text=True)


def test_unknown_folder_is_404(browser, people):
    browser.login("ben")
    assert browser.get("/messages/NOSUCHTYPE").status_code == 404


def test_kernel_filters_unread_and_follow_up(browser, converse, people):
    a = converse(subject="Unread one")
    b = converse(subject="Read one")
    browser.login("ben")
    browser.post("/messages/PRIVATE/bulk", {"action": "read", "conversation": [b.uid]})
    browser.post("/messages/PRIVATE/bulk", {"action": "followup", "conversation": [a.uid]})
    assert rows(browser.get("/messages/PRIVATE?read=unread").get_data(as_text=True)) == [
        "Unread one"
    ]
    assert rows(browser.get("/messages/PRIVATE?read=read").get_data(as_text=True)) == ["Read one"]
    assert rows(browser.get("/messages/PRIVATE?followup=yes").get_data(as_text=True)) == [
        "Unread one"
    ]
    empty = browser.get("/messages/PRIVATE?followup=yes&read=read").get_data(as_text=True)
    assert "No conversations match these filters." in empty


def test_bulk_mark_read_and_unread_change_only_my_copy(browser, converse, people):
    conversation = converse(to=("ben", "eve"))
    browser.login("ben")
    response = browser.post(
        "/messages/PRIVATE/bulk", {"action": "read", "conversation": [conversation.uid]}
    )
    assert response.status_code == 303
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked as read: 1 conversation." in page
    assert 'class="unread' not in page
    eve = Participant.get(Participant.user == people["eve"].id)
    assert eve.read is False
    browser.post("/messages/PRIVATE/bulk", {"action": "unread", "conversation": [conversation.uid]})
    assert 'class="unread' in browser.get("/messages/PRIVATE").get_data(as_text=True)


def test_bulk_action_on_someone_elses_conversation_changes_nothing(browser, converse, people):
    conversation = converse(to=("ben",))
    browser.login("eve")
    response = browser.post(
        "/messages/PRIVATE/bulk", {"action": "read", "conversation": [conversation.uid]}
    )
    assert "Marked as read: 0 conversations." in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert Participant.get(Participant.user == people["ben"].id).read is False


def test_bulk_follow_up_flags_the_row(browser, converse):
    conversation = converse()
    browser.login("ben")
    browser.post(
        "/messages/PRIVATE/bulk", {"action": "followup", "conversation": [conversation.uid]}
    )
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    assert "Marked for follow-up" in page and "followup" in page
    browser.post(
        "/messages/PRIVATE/bulk", {"action": "unfollowup", "conversation": [conversation.uid]}
    )
    assert 'title="Marked for follow-up"' not in browser.get("/messages/PRIVATE").get_data(
        as_text=True
    )


def test_bulk_remove_asks_for_confirmation_first(browser, converse, people):
    conversation = converse(subject="Old thread")
    browser.login("ben")
    asked = browser.post(
        "/messages/PRIVATE/bulk", {"action": "remove", "conversation": [conversation.uid]}
    )
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Remove 1 conversation from your inbox?" in text
    assert "Old thread" in text
    assert Participant.select().where(Participant.user == people["ben"].id).count() == 1
    done = browser.post(
        "/messages/PRIVATE/bulk",
        {"action": "remove", "conversation": [conversation.uid], "confirm": "yes"},
    )
    assert done.status_code == 303
    assert rows(browser.get("/messages/PRIVATE").get_data(as_text=True)) == []
    # The sender keeps their copy.
    assert Participant.select().where(Participant.user == people["ana"].id).count() == 1


def test_bulk_without_selection_or_action_is_a_400_with_a_message(browser, converse):
    conversation = converse()
    browser.login("ben")
    none_selected = browser.post("/messages/PRIVATE/bulk", {"action": "read"})
    assert none_selected.status_code == 400
    assert "Select at least one conversation." in none_selected.get_data(as_text=True)
    bad_action = browser.post(
        "/messages/PRIVATE/bulk", {"action": "explode", "conversation": [conversation.uid]}
    )
    assert bad_action.status_code == 400
    assert "Choose an action." in bad_action.get_data(as_text=True)
    assert 'class="unread' in browser.get("/messages/PRIVATE").get_data(as_text=True)


def test_htmx_gets_only_the_list_partial_and_a_badge_refresh(browser, converse):
    conversation = converse()
    browser.login("ben")
    partial = browser.get("/messages/PRIVATE", headers={"HX-Request": "true"})
    html = partial.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="conversation-list">')
    assert "<html" not in html
    assert "HX-Request" in partial.headers["Vary"]
    done = browser.post(
        "/messages/PRIVATE/bulk",
        {"action": "read", "conversation": [conversation.uid]},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200
    assert done.headers["HX-Trigger"] == "unread-changed"
    assert "Marked as read: 1 conversation." in done.get_data(as_text=True)


def test_every_inbox_page_works_without_javascript(browser, converse):
    converse()
    browser.login("ben")
    page = browser.get("/messages/PRIVATE").get_data(as_text=True)
    # Real forms with method and action: htmx only enhances them.
    assert '<form method="post" action="/messages/PRIVATE/bulk"' in page
    assert '<form class="filters" method="get" action="/messages/PRIVATE"' in page
    assert '<noscript><p><button type="submit">Apply filters</button></p></noscript>' in page


def test_badge_counts_unread_and_answers_304_when_unchanged(browser, converse):
    converse()
    browser.login("ben")
    first = browser.get("/badge")
    assert first.status_code == 200
    assert (
        '<span class="badge">1<span class="visually-hidden"> unread</span></span>'
        in first.get_data(as_text=True)
    )
    etag = first.headers["ETag"]
    unchanged = browser.get("/badge", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    converse(subject="Another")
    changed = browser.get("/badge", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert ">2<" in changed.get_data(as_text=True)


def test_badge_polls_neither_renew_nor_resend_the_session_cookie(browser, converse):
    converse()
    browser.login("ben")
    # What a person opens renews the session (Flask's rolling expiry)…
    assert "session=" in browser.get("/messages/PRIVATE").headers.get("Set-Cookie", "")
    # …a background poll does not, so an open tab alone never keeps a session alive.
    poll = browser.get("/badge")
    assert poll.status_code == 200 and "Set-Cookie" not in poll.headers
    unchanged = browser.get("/badge", headers={"If-None-Match": poll.headers["ETag"]})
    assert unchanged.status_code == 304 and "Set-Cookie" not in unchanged.headers
    # The session itself still holds: the next page is served, not a redirect to login.
    assert browser.get("/messages/PRIVATE").status_code == 200


def test_dashboard_links_to_messages_and_lists_the_unread_queue(browser, converse):
    converse(subject="Needs an answer")
    browser.login("ben")
    page = browser.get("/").get_data(as_text=True)
    assert '<a href="/messages">Messages</a>' in page
    assert "Needs an answer" in page
    assert "from Ana Banda" in page


def test_the_unread_queue_is_the_ten_newest_unread_across_folders(app, browser, converse):
    import re

    from kernel.messaging import set_read

    for n in range(14):
        if n % 2:
            converse(sender=None, subject=f"Alert {n:02d}", message_type="SYSTEM")
        else:
            converse(subject=f"Private {n:02d}")
    with app.app_context():
        from kernel.models import Conversation, User

        newest_private = Conversation.get(Conversation.subject == "Private 12")
        set_read(User.by_username("ben"), [newest_private.uid], read=True)
    browser.login("ben")
    page = browser.get("/").get_data(as_text=True)
    shown = re.findall(r"(Private|Alert) (\d\d)", page)
    # Newest first, both folders, the one he read left out, ten at most.
    assert [f"{kind} {n}" for kind, n in shown] == [
        "Alert 13", "Alert 11", "Private 10", "Alert 09", "Private 08",
        "Alert 07", "Private 06", "Alert 05", "Private 04", "Alert 03",
    ]  # fmt: skip


def test_bulk_with_only_malformed_conversation_ids_selects_nothing(browser, converse, people):
    # Not rows of the list: with NUL they were a 500 on PostgreSQL, which refuses it.
    conversation = converse()
    browser.login("ben")
    for action in ("read", "remove", "followup"):
        response = browser.post(
            "/messages/PRIVATE/bulk",
            {"action": action, "conversation": ["a\x00", "x" * 300], "confirm": "yes"},
        )
        assert response.status_code == 400
        assert "Select at least one conversation." in response.get_data(as_text=True)
    ben = Participant.get(
        (Participant.user == people["ben"].id) & (Participant.conversation == conversation.id)
    )
    assert (ben.read, ben.follow_up) == (False, False)


def test_bulk_remove_of_conversations_not_in_my_inbox_says_so(browser, converse):
    conversation = converse()
    browser.login("eve")
    response = browser.post(
        "/messages/PRIVATE/bulk", {"action": "remove", "conversation": [conversation.uid]}
    )
    assert response.status_code == 400
    assert "None of those conversations is in your inbox." in response.get_data(as_text=True)


@pytest.mark.parametrize("search", ["", "&q=hello", "&q=zq"])
@pytest.mark.parametrize("page", ["9" * 40, "1000001"])
def test_a_page_number_past_any_list_is_a_clear_400(app, people, sign_in, search, page):
    client = sign_in(app, "ana")
    response = client.get(f"/messages/PRIVATE?page={page}{search}")
    assert response.status_code == 400
    assert "whole number from 1 to 1,000,000" in response.get_data(as_text=True)


def test_the_last_allowed_page_number_shows_an_empty_page(app, people, sign_in):
    response = sign_in(app, "ana").get("/messages/PRIVATE?page=1000000")
    assert response.status_code == 200
