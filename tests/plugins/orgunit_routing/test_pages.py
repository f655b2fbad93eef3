"""The org-unit browser and the tree partial."""

from __future__ import annotations


def test_browser_is_for_superusers_only(app, tree, sign_in):
    ana = sign_in(app, "ana")
    assert ana.get("/orgunits").status_code == 403
    assert ana.get("/orgunits/BoDistrict1").status_code == 403
    assert ana.get("/orgunits/BoDistrict1/children?mode=browse").status_code == 403
    assert "Org units" not in ana.get("/").get_data(as_text=True)


def test_browser_shows_the_tree_one_level_at_a_time(app, tree, sign_in):
    admin = sign_in(app, "admin")
    page = admin.get("/orgunits").get_data(as_text=True)
    assert '<a href="/orgunits/SierraLeone">Sierra Leone</a>' in page
    assert "Bo Central CHC" not in page
    assert 'hx-get="/orgunits/SierraLeone/children?mode=browse"' in page
    level = admin.get("/orgunits/SierraLeone/children?mode=browse", headers={"HX-Request": "true"})
    html = level.get_data(as_text=True)
    assert "<html" not in html
    assert '<a href="/orgunits/BoDistrict1">Bo</a>' in html and "Kenema" in html
    assert "Bo Central CHC" not in html


def test_unit_page_lists_breadcrumbs_users_children_and_groups(app, tree, sign_in):
    admin = sign_in(app, "admin")
    page = admin.get("/orgunits/BoCentralCH").get_data(as_text=True)
    assert '<a href="/orgunits/BoDistrict1">Bo</a>' in page
    assert "Ben Phiri" in page and "Eve Outsider" in page
    assert "Community health centres" in page
    assert "No sub-units." in page


def test_tree_for_compose_offers_add_buttons_to_any_signed_in_user(app, tree, sign_in):
    ana = sign_in(app, "ana")
    html = ana.get("/orgunits/BoDistrict1/children", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert 'name="add" value="orgUnit:BoCentral01"' in html


def test_unknown_unit_and_bad_input_are_clear_4xx(app, tree, sign_in):
    admin = sign_in(app, "admin")
    assert admin.get("/orgunits/NoSuchUnit1").status_code == 404
    assert admin.get("/orgunits/BoDistrict1/children?mode=explode").status_code == 400
    assert admin.get("/orgunits/BoDistrict1?page=zero").status_code == 400


def test_disabled_plugin_leaves_the_rest_of_the_app_working(make_app, sign_in):
    app = make_app(plugins=["user_messages"])
    with app.app_context():
        from kernel.people import create_user

        create_user("solo", "Solo", "User", password="district", superuser=True)
    admin = sign_in(app, "solo")
    assert admin.get("/orgunits").status_code == 404
    assert "Org units" not in admin.get("/").get_data(as_text=True)
    with app.app_context():
        from kernel.plugins import current_hooks

        assert "orgUnit" not in [k.key for k in current_hooks().recipient_kinds()]


def test_demo_builds_a_hierarchy_of_a_few_hundred_units(make_app):
    app = make_app()
    with app.app_context():
        from kernel.demo import load_demo_data
        from plugins.orgunit_routing.models import OrgUnit

        load_demo_data()
        count = OrgUnit.select().count()
        assert 200 <= count <= 600
        assert sorted({u.level for u in OrgUnit.select(OrgUnit.level)}) == [1, 2, 3, 4, 5]
        assert OrgUnit.get(OrgUnit.name == "Sierra Leone").subtree_assignments > 50


def test_admin_user_page_lists_the_users_org_units(app, tree, people, sign_in):
    admin = sign_in(app, "admin")
    page = admin.get(f"/admin/users/{people['eve'].uid}").get_data(as_text=True)
    assert '<h2 id="org-units-heading">Org units</h2>' in page
    assert '<a href="/orgunits/KenemaDist1">Kenema</a>' in page
    assert '<a href="/orgunits/BoCentralCH">Bo Central CHC</a>' in page
    page = admin.get(f"/admin/users/{people['admin'].uid}").get_data(as_text=True)
    assert "Not assigned to any org unit." in page
