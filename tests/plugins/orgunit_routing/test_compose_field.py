"""The "To org unit" field of the compose page: search, the tree, groups, include
sub-units and the live count, with and without JavaScript."""

from __future__ import annotations

import re

from kernel.models import Conversation, Participant, User

COMPOSE = "/messages/PRIVATE/create"
HX = {"HX-Request": "true"}


def chips(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="recipient" value="([^"]+)">', html)


def test_compose_page_has_the_org_unit_field_with_roots_and_groups(app, tree, sign_in):
    page = sign_in(app, "ana").get(COMPOSE).get_data(as_text=True)
    assert "<legend>To org unit</legend>" in page
    assert 'name="add" value="orgUnit:SierraLeone"' in page
    # Only the first level: the rest opens on demand.
    assert 'hx-get="/orgunits/SierraLeone/children?mode=pick"' in page
    assert "BoCentral01" not in page
    assert 'name="add" value="orgUnitGroup:CHCgroup001"' in page
    assert 'name="include_subunits"' in page


def test_search_as_you_type_offers_units_and_groups(app, tree, sign_in):
    ana = sign_in(app, "ana")
    html = ana.get("/orgunits/compose-search?org_unit_q=central", headers=HX).get_data(as_text=True)
    assert 'value="orgUnit:BoCentral01"' in html and 'value="orgUnit:BoCentralCH"' in html
    assert "<html" not in html
    html = ana.get(
        "/orgunits/compose-search?org_unit_q=health&recipient=orgUnitGroup:CHCgroup001",
        headers=HX,
    ).get_data(as_text=True)
    assert "No org units or org unit groups match" in html
    html = ana.get("/orgunits/compose-search?org_unit_q=b").get_data(as_text=True)
    assert "Type at least 2 characters" in html


def test_without_javascript_search_then_add_then_remove(app, tree, sign_in):
    ana = sign_in(app, "ana")
    ana.get(COMPOSE)
    page = ana.post(
        COMPOSE, {"org_unit_q": "Kenema", "org_unit_search": "1", "subject": "Hi"}
    ).get_data(as_text=True)
    assert 'name="add" value="orgUnit:KenemaDist1"' in page
    assert 'value="Hi"' in page
    response = ana.post(COMPOSE, {"add": "orgUnit:KenemaDist1", "subject": "Hi"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert chips(page) == ["orgUnit:KenemaDist1"]
    assert "Kenema" in page and "Reaches 1 person." in page
    page = ana.post(
        COMPOSE, {"recipient": "orgUnit:KenemaDist1", "remove": "orgUnit:KenemaDist1"}
    ).get_data(as_text=True)
    assert chips(page) == []


def test_include_subunits_reaches_the_subtree_and_sends_to_it(app, tree, people, sign_in):
    admin = sign_in(app, "admin")
    admin.get(COMPOSE)
    page = admin.post(COMPOSE, {"recipient": "orgUnit:BoDistrict1", "search": "to_user"}).get_data(
        as_text=True
    )
    assert "Reaches 1 person." in page  # ana, assigned to Bo itself
    page = admin.post(
        COMPOSE,
        {"recipient": "orgUnit:BoDistrict1", "include_subunits": "on", "search": "to_user"},
    ).get_data(as_text=True)
    assert "Reaches 3 people." in page and 'name="include_subunits" value="on" checked' in page
    response = admin.post(
        COMPOSE,
        {
            "recipient": "orgUnit:BoDistrict1",
            "include_subunits": "on",
            "subject": "Bednets",
            "text": "Distribution on Friday.",
            "send": "1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        conversation = Conversation.get(Conversation.subject == "Bednets")
        names = {
            p.user.username
            for p in Participant.select(Participant, User)
            .join(User)
            .where(Participant.conversation == conversation)
        }
    assert names == {"admin", "ana", "ben", "eve"}


def test_live_count_answers_a_number_and_handles_errors(app, tree, sign_in):
    ana = sign_in(app, "ana")
    count = ana.get("/orgunits/reach?recipient=orgUnit:BoDistrict1&include_subunits=on", headers=HX)
    # Ana herself is not counted: writing to oneself reaches nobody.
    assert count.status_code == 200 and count.get_data(as_text=True) == "Reaches 2 people."
    text = ana.get("/orgunits/reach?recipient=orgUnitGroup:CHCgroup001&recipient=user:x").get_data(
        as_text=True
    )
    assert "does not exist" in text
    assert "Choose recipients" in ana.get("/orgunits/reach").get_data(as_text=True)
    bad = ana.get("/orgunits/reach?recipient=planet:Mars")
    assert bad.status_code == 400 and "Unknown recipient" in bad.get_data(as_text=True)
    unknown = ana.get("/orgunits/reach?recipient=orgUnit:NoSuchUnit1").get_data(as_text=True)
    assert unknown == "Organisation Unit does not exist: NoSuchUnit1"


def test_unknown_org_unit_in_the_form_is_an_error_not_a_crash(app, tree, sign_in):
    ana = sign_in(app, "ana")
    ana.get(COMPOSE)
    response = ana.post(
        COMPOSE,
        {"recipient": "orgUnit:NoSuchUnit1", "subject": "S", "text": "T", "send": "1"},
    )
    assert response.status_code == 409
    assert "Organisation Unit does not exist: NoSuchUnit1" in response.get_data(as_text=True)


def test_without_the_plugin_the_compose_page_has_no_org_unit_field(make_app, sign_in):
    from kernel.people import create_user
    from tests.conftest import PASSWORD

    app = make_app(plugins=["user_messages"])
    with app.app_context():
        create_user("ana", "Ana", "Banda", password=PASSWORD)
    ana = sign_in(app, "ana")
    page = ana.get(COMPOSE)
    assert page.status_code == 200 and "To org unit" not in page.get_data(as_text=True)
    assert ana.get("/orgunits/reach").status_code == 404
