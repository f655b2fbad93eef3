"""Without user_messages: no compose link anywhere, no Inbox folder, no compose page."""

from __future__ import annotations

from kernel import hookimpl
from kernel.contributions import MessageType
from kernel.messaging import start_conversation
from kernel.people import create_user


class Notices:
    @hookimpl
    def mailroom_message_types(self):
        return [MessageType(key="NOTICE", label="Notice", folder="Notices")]


def test_no_compose_link_folder_or_page_without_the_plugin(make_app, sign_in):
    app = make_app(plugins=[], extra_plugins=[Notices()])
    with app.app_context():
        ana = create_user("ana", "Ana", "Banda", password="district")
        ben = create_user("ben", "Ben", "Phiri", password="district")
        notice = start_conversation(
            sender=ben,
            recipient_ids={ana.id},
            subject="Generator",
            text="Down on Friday",
            message_type="NOTICE",
        )
        ben_uid = ben.uid
    browser = sign_in(app, "ana")
    pages = [
        browser.get("/").get_data(as_text=True),
        browser.get("/messages/NOTICE").get_data(as_text=True),
        browser.get(f"/conversations/{notice.uid}").get_data(as_text=True),
    ]
    for page in pages:
        assert "Write message" not in page
        assert "/messages/PRIVATE" not in page
        assert "Add participants" not in page
    assert browser.get("/messages/PRIVATE").status_code == 404
    assert browser.get(f"/messages/PRIVATE/create?to=user:{ben_uid}").status_code == 404
    refused = browser.post(
        "/messages/PRIVATE/create",
        {"recipient": f"user:{ben_uid}", "subject": "s", "text": "t", "send": "1"},
    )
    assert refused.status_code == 404


def test_the_compose_links_are_there_with_the_plugin(app, people, sign_in):
    ana = sign_in(app, "ana")
    assert '<li><a href="/messages/PRIVATE/create">Write message</a></li>' in ana.get("/").get_data(
        as_text=True
    )
    inbox = ana.get("/messages/PRIVATE").get_data(as_text=True)
    assert '<a class="button" href="/messages/PRIVATE/create">Write message</a>' in inbox
