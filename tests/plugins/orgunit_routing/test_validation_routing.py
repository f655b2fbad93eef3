"""Who of some users works at an org unit's parent, as asked through the kernel's hook
(validation notifications with "notify parent organisation unit only")."""

from __future__ import annotations

from kernel.models import User
from kernel.plugins import current_hooks
from plugins.orgunit_routing.hierarchy import assign_users, move_org_unit
from tests.api.conftest import counting_queries


def at_parent(org_unit_uid: str, usernames: set[str]) -> set[str] | None:
    ids = {u.id for u in User.select().where(User.username.in_(list(usernames)))}
    answer = current_hooks().users_at_parent_org_unit(org_unit_uid, ids)
    if answer is None:
        return None
    return {u.username for u in User.select().where(User.id.in_(list(answer)))}


def test_users_at_the_parent_are_kept_and_everyone_else_dropped(app, tree, people):
    everyone = {"admin", "ana", "ben", "eve"}
    with app.app_context():
        # Bo Central's parent is Bo, where ana works; ben and eve work below, at the CHC.
        assert at_parent("BoCentral01", everyone) == {"ana"}
        # A candidate list without ana: Bo's own users are not added to it.
        assert at_parent("BoCentral01", {"ben", "eve"}) == set()


def test_neither_the_unit_itself_nor_grandparents_count(app, tree, people):
    with app.app_context():
        assign_users(tree["chiefdom"], [people["admin"].id])
        # The CHC's parent is Bo Central (admin); ben and eve are at the CHC itself, ana at
        # Bo, two levels up.
        assert at_parent("BoCentralCH", {"admin", "ana", "ben", "eve"}) == {"admin"}


def test_a_root_org_unit_has_no_parent_so_nobody(app, tree, people):
    with app.app_context():
        assign_users(tree["country"], [people["admin"].id])
        assert at_parent("SierraLeone", {"admin", "ana", "ben", "eve"}) == set()


def test_an_unknown_org_unit_or_no_candidates_is_nobody(app, tree):
    with app.app_context():
        assert at_parent("NoSuchUnit1", {"admin", "ana", "ben", "eve"}) == set()
        assert at_parent("BoCentral01", set()) == set()


def test_one_query_answers(app, tree, people):
    with app.app_context():
        ids = {p.id for p in people.values()}
        with counting_queries(app) as queries:
            current_hooks().users_at_parent_org_unit("BoCentralCH", ids)
        assert len(queries) == 1


def test_a_moved_unit_answers_for_its_new_parent(app, tree):
    with app.app_context():
        move_org_unit(tree["chc"], tree["kenema"])
        assert at_parent("BoCentralCH", {"admin", "ana", "ben", "eve"}) == {"eve"}


def test_without_the_plugin_nobody_answers(make_app, people):
    app = make_app(plugins=["system_alerts"])
    with app.app_context():
        assert at_parent("BoCentral01", {"ana"}) is None
