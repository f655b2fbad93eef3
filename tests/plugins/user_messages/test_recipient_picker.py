"""The "To user" field: search as you type (htmx), the same without JavaScript, chips,
links that pre-fill recipients, third-party kinds, and another plugin's compose-slot field."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from kernel import hookimpl
from kernel.contributions import RecipientKind, RecipientOption
from kernel.models import User, UserGroup
from kernel.people import create_user
from tests.plugins.user_messages.conftest import HTMX, conversation_uid, copies, counts, send

COMPOSE = "/messages/PRIVATE/create"


def hits_partial(browser, query: str, **params):
    return browser.get(
        COMPOSE,
        query_string={"q": query, **params},
        headers={**HTMX, "HX-Target": "recipient-hits"},
    )


def add_buttons(html: str) -> list[str]:
    return re.findall(r'name="add" value="([^"]+)"', html)


def chips(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="recipient" value="([^"]+)">', html)


# --- search as you type ------------------------------------------------------------------


def test_search_partial_lists_users_and_groups_as_add_buttons(app, team, sign_in):
    response = hits_partial(sign_in(app, "ana"), "nur")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert add_buttons(html) == [f"userGroup:{team['nurses'].uid}"]
    assert "1 match for “nur”." in html
    assert "User group · 3 members" in html
    by_name = hits_partial(sign_in(app, "ana"), "cato").get_data(as_text=True)
    assert add_buttons(by_name) == [f"user:{team['cato'].uid}"]
    assert "<strong>Cato Kamara</strong>" in by_name


def test_search_needs_two_characters(app, team, sign_in):
    ana = sign_in(app, "ana")
    one = hits_partial(ana, "b").get_data(as_text=True)
    assert "Type at least 2 characters to search." in one
    assert add_buttons(one) == []
    assert hits_partial(ana, "  ").get_data(as_text=True).strip() == ""


def test_search_leaves_out_disabled_users_the_sender_and_those_already_chosen(app, team, sign_in):
    ana = sign_in(app, "ana")
    assert add_buttons(hits_partial(ana, "dora").get_data(as_text=True)) == []
    assert add_buttons(hits_partial(ana, "banda").get_data(as_text=True)) == []
    assert add_buttons(hits_partial(sign_in(app, "ben"), "banda").get_data(as_text=True)) == [
        f"user:{team['ana'].uid}"
    ]
    chosen = hits_partial(ana, "cato", recipient=f"user:{team['cato'].uid}")
    assert "Everyone matching “cato” is already chosen." in chosen.get_data(as_text=True)


def test_search_escapes_names(app, team, sign_in):
    with app.app_context():
        create_user("mallory", "<script>alert(1)</script>", "Evil", password="district")
        UserGroup.create(name="<img src=x onerror=alert(2)>", member_count=1)
    ana = sign_in(app, "ana")
    html = hits_partial(ana, "script").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil" in html
    group = hits_partial(ana, "img").get_data(as_text=True)
    assert "<img" not in group and "&lt;img src=x onerror=alert(2)&gt;" in group
    # And in the live region's note, which repeats the query.
    assert "&lt;b&gt;" in hits_partial(ana, "<b>").get_data(as_text=True)


def test_the_search_box_asks_htmx_for_hits_after_a_pause(app, team, sign_in):
    page = sign_in(app, "ana").get(COMPOSE).get_data(as_text=True)
    box = re.search(r'<input type="search" id="to-user"[^>]+>', page).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in box
    assert 'hx-target="#recipient-hits"' in box
    assert 'id="recipient-hits" class="hits" aria-live="polite"' in page


# --- adding and removing -----------------------------------------------------------------


def test_without_javascript_search_then_add_keeps_subject_and_text(app, team, sign_in):
    ana = sign_in(app, "ana")
    typed = {"subject": "Malaria stock", "text": "Count the RDTs\nby Friday."}
    searched = ana.post(COMPOSE, {"q": "cat", "search": "to_user", **typed})
    page = searched.get_data(as_text=True)
    assert searched.status_code == 200
    assert add_buttons(page) == [f"user:{team['cato'].uid}"]
    assert 'value="Malaria stock"' in page and "Count the RDTs\nby Friday.</textarea>" in page

    added = ana.post(COMPOSE, {"q": "cat", "add": f"user:{team['cato'].uid}", **typed})
    page = added.get_data(as_text=True)
    assert chips(page) == [f"user:{team['cato'].uid}"]
    assert "Remove Cato Kamara" in page
    assert 'value="Malaria stock"' in page and "Count the RDTs\nby Friday.</textarea>" in page
    assert 'name="q" value=""' in page  # the box is emptied for the next name

    two = ana.post(
        COMPOSE,
        {"recipient": chips(page), "add": f"userGroup:{team['nurses'].uid}", **typed},
    )
    assert chips(two.get_data(as_text=True)) == [
        f"user:{team['cato'].uid}",
        f"userGroup:{team['nurses'].uid}",
    ]
    removed = ana.post(
        COMPOSE,
        {
            "recipient": chips(two.get_data(as_text=True)),
            "remove": f"user:{team['cato'].uid}",
            **typed,
        },
    )
    assert chips(removed.get_data(as_text=True)) == [f"userGroup:{team['nurses'].uid}"]
    # Nothing is sent until Send.
    assert counts(app) == (0, 0)
    sent = send(ana, chips(removed.get_data(as_text=True)), **typed)
    assert copies(app, conversation_uid(sent)) == {"ana": True, "ben": False, "cato": False}


def test_with_htmx_add_answers_the_field_alone_and_announces_it(app, team, sign_in):
    response = sign_in(app, "ana").post(
        COMPOSE,
        {"q": "cat", "add": f"user:{team['cato'].uid}", "subject": "s"},
        headers={**HTMX, "HX-Target": "to-user-field"},
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="to-user-field"')
    assert 'name="subject"' not in html
    assert chips(html) == [f"user:{team['cato'].uid}"]
    assert " autofocus" in html  # focus goes back to the search box
    assert (
        '<p id="picker-status" class="visually-hidden" role="status" hx-swap-oob="true">'
        "Cato Kamara added; 1 recipient chosen.</p>" in html
    )


def test_adding_a_forged_value_is_a_400_and_keeps_the_rest(app, team, sign_in):
    response = sign_in(app, "ana").post(
        COMPOSE, {"recipient": f"user:{team['ben'].uid}", "add": "user:<script>", "text": "x"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That recipient cannot be added here." in page
    assert chips(page) == [f"user:{team['ben'].uid}"]


# --- links that pre-fill -----------------------------------------------------------------


def test_a_link_pre_fills_a_user_like_dhis2s_send_message(app, team, sign_in):
    page = sign_in(app, "ana").get(f"{COMPOSE}?to=user:{team['cato'].uid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert chips(html) == [f"user:{team['cato'].uid}"]
    assert "<span>Cato Kamara</span>" in html


def test_a_link_pre_fills_groups_and_several_recipients(app, team, sign_in):
    nurses, cato = f"userGroup:{team['nurses'].uid}", f"user:{team['cato'].uid}"
    ana = sign_in(app, "ana")
    assert chips(ana.get(f"{COMPOSE}?to={nurses},{cato}").get_data(as_text=True)) == [
        nurses,
        cato,
    ]
    repeated = ana.get(COMPOSE, query_string=[("to", cato), ("to", nurses), ("to", cato)])
    assert chips(repeated.get_data(as_text=True)) == [cato, nurses]


def test_a_link_to_a_disabled_user_says_so(app, team, sign_in):
    html = sign_in(app, "ana").get(f"{COMPOSE}?to=user:{team['dora'].uid}").get_data(as_text=True)
    assert "dora, account disabled" in html


def test_a_link_with_an_unknown_kind_shows_the_form_with_a_400(app, team, sign_in):
    response = sign_in(app, "ana").get(f"{COMPOSE}?to=planet:Mars,user:{team['ben'].uid}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown recipient “planet:Mars”; it was left out." in html
    assert chips(html) == [f"user:{team['ben'].uid}"]


def test_a_link_to_a_user_who_does_not_exist_is_refused_on_send(app, team, sign_in):
    ana = sign_in(app, "ana")
    html = ana.get(f"{COMPOSE}?to=user:Nobody12345").get_data(as_text=True)
    assert "<span>User Nobody12345</span>" in html
    response = send(ana, chips(html))
    assert response.status_code == 409
    assert "User does not exist: Nobody12345" in response.get_data(as_text=True)


# --- other plugins' recipients -----------------------------------------------------------


class Districts:
    """A third-party "To user" kind (districts, resolving to their officers) and a
    "To org unit" kind of its own compose field, with an include-sub-units option."""

    def __init__(self):
        self.selections = []

    @hookimpl
    def mailroom_recipient_kinds(self):
        return [
            RecipientKind(key="district", label="District", api_field="districts"),
            RecipientKind(
                key="orgUnit", label="Org unit", api_field="organisationUnits", field="to_org_unit"
            ),
        ]

    @hookimpl
    def mailroom_search_recipients(self, query, limit):
        if "bo" not in query.lower():
            return None
        return [
            RecipientOption(kind="district", id="D1", label="Bo district"),
            RecipientOption(kind="orgUnit", id="OU1", label="Bo hospital"),
        ]

    @hookimpl
    def mailroom_describe_recipients(self, selection):
        return [
            RecipientOption(kind="district", id=uid, label="Bo district")
            for uid in selection.of("district")
            if uid == "D1"
        ]

    @hookimpl
    def mailroom_resolve_recipients(self, selection):
        self.selections.append(selection)
        picked = selection.of("district") + selection.of("orgUnit")
        if not picked:
            return None
        usernames = {"D1": ["ben"], "OU1": ["cato"]}
        if selection.options.get("include_subunits") == "on":
            usernames["OU1"] = ["cato", "eve"]
        names = [n for uid in picked for n in usernames[uid]]
        return {u.id for u in User.select().where(User.username.in_(names))}

    @hookimpl
    def mailroom_template_slot(self, slot, context):
        if slot != "compose":
            return None
        chosen = [r for r in context["recipients"] if r.kind == "orgUnit"]
        subunits = context["values"].get("include_subunits") == "on"
        return Markup(
            '<fieldset><legend>To org unit</legend>{}<label><input type="checkbox" '
            'name="include_subunits"{}> Include sub-units</label><p class="seen-errors">{}</p>'
            "</fieldset>"
        ).format(
            Markup("").join(
                Markup('<input type="hidden" name="recipient" value="orgUnit:{}">').format(r.id)
                for r in chosen
            ),
            Markup(" checked") if subunits else "",
            ", ".join(sorted(context["errors"])),
        )


@pytest.fixture
def districts(make_app, team):
    plugin = Districts()
    # Its own stand-in "orgUnit" kind would clash with the orgunit_routing plugin's.
    app = make_app(plugins=["user_messages"], extra_plugins=[plugin])
    return app, plugin


def test_third_party_to_user_kinds_are_searched_and_sent_to(districts, sign_in):
    app, plugin = districts
    ana = sign_in(app, "ana")
    html = hits_partial(ana, "bo").get_data(as_text=True)
    # Its "To user" kind is offered; its org units belong to its own field.
    assert add_buttons(html) == ["district:D1"]
    assert "District" in html and "Bo hospital" not in html
    added = ana.post(COMPOSE, {"add": "district:D1"}).get_data(as_text=True)
    assert "<span>Bo district</span>" in added
    response = send(ana, ["district:D1"])
    assert copies(app, conversation_uid(response)) == {"ana": True, "ben": False}


def test_a_compose_slot_field_posts_its_recipients_and_options(districts, sign_in):
    app, plugin = districts
    ana = sign_in(app, "ana")
    page = ana.get(f"{COMPOSE}?to=orgUnit:OU1").get_data(as_text=True)
    assert "<legend>To org unit</legend>" in page
    assert page.index("To user") < page.index("To org unit") < page.index('for="subject"')
    # The slot's own inputs render the org unit; the "To user" chips leave it alone.
    assert page.count('value="orgUnit:OU1"') == 1
    response = send(ana, ["orgUnit:OU1"], include_subunits="on")
    assert copies(app, conversation_uid(response)) == {"ana": True, "cato": False, "eve": False}
    assert plugin.selections[-1].options == {"include_subunits": "on"}
    assert plugin.selections[-1].ids == {"orgUnit": ["OU1"]}


def test_the_compose_slot_sees_the_form_again_after_an_error(districts, sign_in):
    app, _ = districts
    response = send(sign_in(app, "ana"), ["orgUnit:OU1"], subject="", include_subunits="on")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="orgUnit:OU1"' in html
    assert 'name="include_subunits" checked' in html
    assert '<p class="seen-errors">subject</p>' in html


def test_a_compose_slot_field_may_reuse_the_add_and_remove_buttons(districts, sign_in):
    app, _ = districts
    ana = sign_in(app, "ana")
    added = ana.post(COMPOSE, {"add": "orgUnit:OU1", "subject": "Kept"}).get_data(as_text=True)
    # Shown by the slot's field, not as a "To user" chip.
    assert added.count('value="orgUnit:OU1"') == 1
    assert "Remove Org unit" not in added
    assert 'value="Kept"' in added
    removed = ana.post(COMPOSE, {"recipient": "orgUnit:OU1", "remove": "orgUnit:OU1"})
    assert 'value="orgUnit:OU1"' not in removed.get_data(as_text=True)
