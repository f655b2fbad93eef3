"""Org units and org unit groups as recipients."""

from __future__ import annotations

import pytest

from kernel.contributions import RecipientSelection
from kernel.messaging import SendError, resolve_selection, send_to_selection
from kernel.models import Conversation, User
from kernel.plugins import current_hooks


def names(ids: set[int]) -> set[str]:
    return {u.username for u in User.select().where(User.id.in_(ids))}


def test_org_unit_resolves_to_its_directly_assigned_users_only(app, tree):
    with app.app_context():
        assert names(resolve_selection(RecipientSelection(ids={"orgUnit": ["BoDistrict1"]}))) == {
            "ana"
        }


def test_include_subunits_resolves_the_whole_subtree(app, tree):
    with app.app_context():
        selection = RecipientSelection(
            ids={"orgUnit": ["BoDistrict1"]}, options={"include_subunits": "on"}
        )
        assert names(resolve_selection(selection)) == {"ana", "ben", "eve"}
        country = RecipientSelection(
            ids={"orgUnit": ["SierraLeone"]}, options={"include_subunits": "true"}
        )
        assert names(resolve_selection(country)) == {"ana", "ben", "eve"}


def test_subtree_does_not_leak_into_a_sibling_whose_uid_shares_a_prefix(app, people):
    from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit

    with app.app_context():
        root = create_org_unit("Root", uid="RootUnit001")
        a = create_org_unit("A", parent=root, uid="Abcdefghij1")
        a_sibling = create_org_unit(
            "A sibling", parent=root, uid="Abcdefghij12"[:11].replace("1", "2")
        )
        assign_users(a, [people["ana"].id])
        assign_users(a_sibling, [people["ben"].id])
        selection = RecipientSelection(ids={"orgUnit": [a.uid]}, options={"include_subunits": "on"})
        assert names(resolve_selection(selection)) == {"ana"}


def test_group_resolves_to_the_users_of_its_member_units(app, tree):
    with app.app_context():
        assert names(
            resolve_selection(RecipientSelection(ids={"orgUnitGroup": ["CHCgroup001"]}))
        ) == {"ben", "eve"}


def test_overlaps_are_one_copy_each_and_mix_with_other_kinds(app, tree, people):
    with app.app_context():
        selection = RecipientSelection(
            ids={
                "orgUnit": ["BoCentralCH", "KenemaDist1"],
                "orgUnitGroup": ["CHCgroup001"],
                "user": [people["ben"].uid],
            }
        )
        conversation = send_to_selection(
            sender=people["admin"],
            selection=selection,
            subject="Bed nets",
            text="Arriving",
            message_type="PRIVATE",
        )
        from kernel.models import Participant

        rows = Participant.select().where(Participant.conversation == conversation)
        assert sorted(p.user.username for p in rows) == ["admin", "ben", "eve"]


def test_disabled_users_are_skipped(app, tree, people):
    with app.app_context():
        User.update(disabled=True).where(User.username == "eve").execute()
        selection = RecipientSelection(
            ids={"orgUnit": ["SierraLeone"]}, options={"include_subunits": "on"}
        )
        assert names(resolve_selection(selection)) == {"ana", "ben"}


def test_unknown_org_unit_is_the_dhis2_409_and_nothing_is_sent(app, tree, people):
    with app.app_context():
        with pytest.raises(SendError) as error:
            send_to_selection(
                sender=people["admin"],
                selection=RecipientSelection(ids={"orgUnit": ["BoDistrict1", "NoSuchUnit1"]}),
                subject="x",
                text="y",
                message_type="PRIVATE",
            )
        assert error.value.http_status == 409
        assert error.value.message == "Organisation Unit does not exist: NoSuchUnit1"
        with pytest.raises(SendError, match="Organisation Unit Group does not exist: NoSuchGrp01"):
            resolve_selection(RecipientSelection(ids={"orgUnitGroup": ["NoSuchGrp01"]}))
        assert Conversation.select().count() == 0


def test_unit_with_nobody_assigned_sends_nothing(app, tree, people):
    with app.app_context(), pytest.raises(SendError, match="No recipients selected."):
        send_to_selection(
            sender=people["admin"],
            selection=RecipientSelection(ids={"orgUnit": ["BoCentral01"]}),
            subject="x",
            text="y",
            message_type="PRIVATE",
        )


def test_search_offers_only_units_that_reach_somebody(app, tree, people):
    with app.app_context():
        hits = current_hooks().search_recipients("bo", people["ana"], limit=10)
        offered = [(h.kind, h.label) for h in hits if h.kind in ("orgUnit", "orgUnitGroup")]
        assert ("orgUnit", "Bo") in offered
        assert ("orgUnit", "Bo Central CHC") in offered
        # Bo Central has nobody itself but its CHC has people: it reaches them with sub-units.
        assert ("orgUnit", "Bo Central") in offered
        from plugins.orgunit_routing.hierarchy import create_org_unit

        create_org_unit("Bo Empty Clinic", parent=tree["bo"])
        labels = [
            h.label for h in current_hooks().search_recipients("empty", people["ana"], limit=10)
        ]
        assert "Bo Empty Clinic" not in labels


def test_recipient_kinds_belong_to_the_org_unit_field(app):
    with app.app_context():
        kinds = {k.key: k for k in current_hooks().recipient_kinds()}
        assert kinds["orgUnit"].field == "to_org_unit"
        assert kinds["orgUnit"].api_field == "organisationUnits"
        assert kinds["orgUnitGroup"].field == "to_org_unit"
