"""Every hook, exercised through what a user or client sees. Test plugins are small inline
classes registered on a fresh app."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from flask import Blueprint, g, url_for
from markupsafe import Markup, escape

from kernel import hookimpl
from kernel.cli import main as mailroom_cli
from kernel.contributions import (
    ActionError,
    ConversationAction,
    InboxFilter,
    MessageType,
    MigrationSource,
    RecipientKind,
    RecipientOption,
    RecipientSelection,
    SettingsField,
    UnknownRecipient,
)
from kernel.db import database
from kernel.messaging import (
    SendError,
    add_reply,
    change_state,
    resolve_selection,
    start_conversation,
)
from kernel.models import Conversation, Priority, Setting
from kernel.people import create_user
from kernel.plugins import PluginError, current_hooks
from tests.conftest import Browser


class Notices:
    @hookimpl
    def mailroom_message_types(self):
        return [MessageType(key="NOTICE", label="Notice", folder="Notices", feedback_tools=True)]


@pytest.fixture
def notice_app(make_app):
    """Build an app with the NOTICE type plus the given test plugins, and two users."""

    def build(*plugins):
        app = make_app(plugins=[], extra_plugins=[Notices(), *plugins])
        with app.app_context():
            create_user("ana", "Ana", "Banda", password="district")
            create_user("ben", "Ben", "Phiri", password="district")
            create_user("root", "Root", "User", password="district", superuser=True)
        return app

    return build


def signed_in(app, username) -> Browser:
    browser = Browser(app.test_client())
    browser.login(username)
    return browser


def notice(app, subject="Water supply", text="Cut on Friday", sender="ana", to=("ben",)):
    from kernel.models import User

    with app.app_context():
        users = {u.username: u for u in User.select()}
        return start_conversation(
            sender=users[sender] if sender else None,
            recipient_ids={users[name].id for name in to},
            subject=subject,
            text=text,
            message_type="NOTICE",
        )


# --- start-up ----------------------------------------------------------------------------


def test_mailroom_migrations_apply_a_plugin_schema_with_its_own_history(make_app, tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_initial.py").write_text(
        "from peewee import *\n\n"
        "def up(migrator, db):\n"
        "    class Poster(Model):\n"
        "        title = CharField()\n"
        "        class Meta:\n"
        "            database = db\n"
        "            table_name = 'test_poster'\n"
        "    db.create_tables([Poster])\n"
    )

    class Posters:
        @hookimpl
        def mailroom_migrations(self):
            return MigrationSource(name="posters", directory=migrations)

    app = make_app(plugins=[], extra_plugins=[Posters()])
    with app.app_context():
        tables = database.get_tables()
        assert "test_poster" in tables
        assert "migrations_posters" in tables
        applied = database.execute_sql("SELECT name FROM migrations_posters").fetchall()
        assert [row[0] for row in applied] == ["0001_initial"]
        database.execute_sql("DROP TABLE test_poster")
        database.execute_sql("DROP TABLE migrations_posters")


def test_mailroom_blueprints_pages_are_served_and_require_sign_in(notice_app):
    blueprint = Blueprint("posters", __name__)

    @blueprint.get("/posters")
    def posters():
        return f"<h1>Posters for {escape(g.user.first_name)}</h1>"

    class Posters:
        @hookimpl
        def mailroom_blueprints(self):
            return [blueprint]

    app = notice_app(Posters())
    anonymous = app.test_client().get("/posters")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
    assert "Posters for Ana" in signed_in(app, "ana").get("/posters").get_data(as_text=True)


class Footer:
    @hookimpl
    def mailroom_settings_fields(self):
        return [
            SettingsField(
                key="notices.footer",
                label="Notice footer",
                section="Notices",
                help="Added under every notice.",
            ),
            SettingsField(
                key="notices.tone",
                label="Tone",
                section="Notices",
                choices=lambda: [("formal", "Formal"), ("friendly", "Friendly")],
            ),
        ]


def test_mailroom_settings_fields_are_shown_and_saved(notice_app):
    app = notice_app(Footer())
    root = signed_in(app, "root")
    page = root.get("/settings").get_data(as_text=True)
    assert "<legend>Notices</legend>" in page
    assert "Added under every notice." in page
    saved = root.post(
        "/settings", {"notices.footer": "Ministry of Health", "notices.tone": "formal"}
    )
    assert saved.status_code == 303
    assert 'value="Ministry of Health"' in root.get("/settings").get_data(as_text=True)


def test_settings_with_a_value_outside_the_choices_are_refused_and_nothing_changes(notice_app):
    app = notice_app(Footer())
    root = signed_in(app, "root")
    response = root.post("/settings", {"notices.footer": "New footer", "notices.tone": "shouty"})
    assert response.status_code == 400
    assert "Choose one of the listed options." in response.get_data(as_text=True)
    with app.app_context():
        assert Setting.read("notices.footer") is None


def test_settings_page_is_for_superusers_only(notice_app):
    app = notice_app(Footer())
    ana = signed_in(app, "ana")
    assert ana.get("/settings").status_code == 403
    assert ana.post("/settings", {"notices.footer": "x"}).status_code == 403


def test_mailroom_cli_commands_run_inside_the_app(notice_app):
    @click.command("count-users")
    def count_users():
        from kernel.models import User

        click.echo(f"{User.select().count()} users")

    class Commands:
        @hookimpl
        def mailroom_cli_commands(self):
            return [count_users]

    app = notice_app(Commands())
    result = CliRunner().invoke(mailroom_cli, ["count-users"], obj={"app": app})
    assert result.exit_code == 0, result.output
    assert "3 users" in result.output
    listing = CliRunner().invoke(mailroom_cli, ["--help"], obj={"app": app})
    assert "count-users" in listing.output


class Slots:
    @hookimpl
    def mailroom_template_slot(self, slot, user):
        if slot == "dashboard":
            return Markup('<li><a href="/notices/new">Post a notice</a></li>')
        if slot == "navigation" and user is not None:
            return Markup("<li>Hello {}</li>").format(user.first_name)
        return None


def test_mailroom_template_slot_adds_to_dashboard_and_navigation(notice_app):
    app = notice_app(Slots())
    page = signed_in(app, "ana").get("/").get_data(as_text=True)
    assert '<a href="/notices/new">Post a notice</a>' in page
    assert "<li>Hello Ana</li>" in page


class ContextSlots:
    """Reads what each page passes: the folder on the inbox, the conversation below it."""

    @hookimpl
    def mailroom_template_slot(self, slot, user, context):
        if slot == "inbox":
            return Markup("<p>Folder key: {}</p>").format(context["folder"].key)
        if slot == "conversation":
            own = "yours" if context["participant"] is not None else "not yours"
            return Markup("<p>About “{}”, {}</p>").format(context["conversation"].subject, own)
        if slot == "admin_user":
            return Markup("<p>Account of {}</p>").format(context["user"].username)
        if slot in ("navigation", "dashboard"):
            assert context == {}
        return None


def test_mailroom_template_slot_receives_the_pages_context(notice_app):
    from kernel.models import User

    app = notice_app(ContextSlots())
    conversation = notice(app, subject="Water <supply>")
    ben = signed_in(app, "ben")
    assert "<p>Folder key: NOTICE</p>" in ben.get("/messages/NOTICE").get_data(as_text=True)
    page = ben.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "<p>About “Water &lt;supply&gt;”, yours</p>" in page
    assert "<p>About “Water &lt;supply&gt;”, not yours</p>" in signed_in(app, "root").get(
        f"/conversations/{conversation.uid}"
    ).get_data(as_text=True)
    with app.app_context():
        ana_uid = User.get(User.username == "ana").uid
    page = signed_in(app, "root").get(f"/admin/users/{ana_uid}").get_data(as_text=True)
    assert "<p>Account of ana</p>" in page  # the admin_user slot


def test_mailroom_demo_data_receives_the_demo_people(make_app):
    seen = {}

    class Demo:
        @hookimpl
        def mailroom_demo_data(self, users, groups):
            seen["users"] = sorted(users)
            seen["groups"] = sorted(groups)

    app = make_app(plugins=[], extra_plugins=[Demo()])
    with app.app_context():
        from kernel.demo import load_demo_data

        assert load_demo_data() is True
        assert load_demo_data() is False  # safe to run again
    assert "admin" in seen["users"] and "district" in seen["users"]
    assert "Feedback message recipients" in seen["groups"]


# --- compose and send --------------------------------------------------------------------


class Districts:
    """Recipients of kind "district": uid D1 resolves to ana, D2 to ana and ben."""

    @hookimpl
    def mailroom_recipient_kinds(self):
        return [RecipientKind(key="district", label="District", api_field="districts")]

    @hookimpl
    def mailroom_search_recipients(self, query, limit):
        return (
            [RecipientOption(kind="district", id="D1", label="Bo district")][:limit]
            if "bo" in query.lower()
            else []
        )

    @hookimpl
    def mailroom_resolve_recipients(self, selection):
        from kernel.models import User

        uids = selection.of("district")
        if not uids:
            return None
        people = {u.username: u.id for u in User.select()}
        known = {"D1": {people["ana"]}, "D2": {people["ana"], people["ben"]}}
        for uid in uids:
            if uid not in known:
                raise UnknownRecipient("district", uid, f"District does not exist: {uid}", 409)
        return set().union(*(known[uid] for uid in uids))


class NamedDistricts(Districts):
    @hookimpl
    def mailroom_describe_recipients(self, selection):
        names = {"D1": "Bo district", "D2": "Bo and Kenema"}
        return [
            RecipientOption(kind="district", id=uid, label=names[uid])
            for uid in selection.of("district")
            if uid in names
        ]


class Roots:
    @hookimpl
    def mailroom_resolve_recipients(self, selection):
        from kernel.models import User

        if not selection.options.get("include_root"):
            return None
        return {User.get(User.username == "root").id}


def test_mailroom_recipient_kinds_and_search_are_collected(notice_app):
    app = notice_app(Districts())
    with app.app_context():
        hooks = current_hooks()
        assert "district" in [k.key for k in hooks.recipient_kinds()]
        from kernel.models import User

        hits = hooks.search_recipients("Bo", User.get(User.username == "ana"), limit=5)
        assert [(h.kind, h.label) for h in hits] == [("district", "Bo district")]


def test_mailroom_describe_recipients_names_known_picks_and_leaves_out_the_rest(notice_app):
    app = notice_app(NamedDistricts())
    with app.app_context():
        named = current_hooks().describe_recipients(
            RecipientSelection(ids={"district": ["D2", "D9"], "user": ["Abcdefghijk"]})
        )
        assert [(o.kind, o.id, o.label) for o in named] == [("district", "D2", "Bo and Kenema")]


def test_mailroom_resolve_recipients_is_the_union_over_plugins(notice_app):
    app = notice_app(Districts(), Roots())
    with app.app_context():
        from kernel.models import User

        selection = RecipientSelection(ids={"district": ["D2"]}, options={"include_root": True})
        names = {User.get_by_id(i).username for i in resolve_selection(selection)}
        assert names == {"ana", "ben", "root"}


def test_unknown_recipient_gives_the_plugins_status_and_sends_nothing(notice_app):
    app = notice_app(Districts())
    with app.app_context():
        with pytest.raises(SendError) as error:
            resolve_selection(RecipientSelection(ids={"district": ["D1", "D9"]}))
        assert error.value.http_status == 409
        assert error.value.message == "District does not exist: D9"
        assert Conversation.select().count() == 0


def test_mailroom_render_message_text_plugin_overrides_the_fallback(notice_app):
    class Shouting:
        @hookimpl
        def mailroom_render_message_text(self, text):
            return Markup("<p class='loud'>{}</p>").format(text.upper())

    app = notice_app(Shouting())
    conversation = notice(app, text="<b>calm</b> down")
    page = signed_in(app, "ben").get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "<p class='loud'>&lt;B&gt;CALM&lt;/B&gt; DOWN</p>" in page


# --- inbox -------------------------------------------------------------------------------


class PriorityFilter:
    @hookimpl
    def mailroom_inbox_filters(self, user, message_type):
        if message_type != "NOTICE":
            return None
        return [
            InboxFilter(
                key="priority",
                label="Priority",
                choices=[(p.value, p.value.title()) for p in Priority],
                apply=lambda value: Conversation.priority == value,
                help="Only conversations with this priority.",
            )
        ]


def test_mailroom_inbox_filters_are_shown_and_applied_in_sql(notice_app):
    app = notice_app(PriorityFilter())
    urgent = notice(app, subject="Cholera alert")
    notice(app, subject="Staff party")
    with app.app_context():
        Conversation.update(priority="HIGH").where(Conversation.id == urgent.id).execute()
    ben = signed_in(app, "ben")
    page = ben.get("/messages/NOTICE").get_data(as_text=True)
    assert '<label for="filter-priority">Priority</label>' in page
    assert "Only conversations with this priority." in page
    filtered = ben.get("/messages/NOTICE?priority=HIGH").get_data(as_text=True)
    assert "Cholera alert" in filtered and "Staff party" not in filtered


def test_inbox_filter_with_an_unknown_value_is_a_clear_400(notice_app):
    app = notice_app(PriorityFilter())
    response = signed_in(app, "ben").get("/messages/NOTICE?priority=URGENT")
    assert response.status_code == 400
    assert "is not a choice of the filter" in response.get_data(as_text=True)


# --- conversation ------------------------------------------------------------------------


class RootSeesAll:
    """Grants access to every NOTICE to the user named root... and to ben via a flag."""

    @hookimpl
    def mailroom_conversation_access(self, conversation, user):
        return True if user.username == "ben" and conversation.subject.startswith("Open") else None


def test_mailroom_conversation_access_lets_a_non_participant_open_it(notice_app):
    app = notice_app(RootSeesAll())
    opened = notice(app, subject="Open to ben", to=("root",))
    closed = notice(app, subject="Closed to ben", to=("root",))
    ben = signed_in(app, "ben")
    assert ben.get(f"/conversations/{opened.uid}").status_code == 200
    assert ben.get(f"/conversations/{closed.uid}").status_code == 404


class TeamNotes:
    """Messages starting with "NOTE:" are hidden from everyone but root."""

    @hookimpl
    def mailroom_message_visible(self, message, conversation, user):
        if message.text.startswith("NOTE:") and user.username != "root":
            return False
        return None


def test_mailroom_message_visible_false_hides_the_message(notice_app):
    app = notice_app(TeamNotes())
    conversation = notice(app, to=("ben", "root"))
    with app.app_context():
        from kernel.models import User

        add_reply(
            conversation, User.get(User.username == "root"), "NOTE: ben forgot again", internal=True
        )
    assert "ben forgot again" not in signed_in(app, "ben").get(
        f"/conversations/{conversation.uid}"
    ).get_data(as_text=True)
    assert "ben forgot again" in signed_in(app, "root").get(
        f"/conversations/{conversation.uid}"
    ).get_data(as_text=True)


def test_internal_reply_does_not_touch_what_others_see_of_the_conversation(notice_app):
    app = notice_app(TeamNotes())
    conversation = notice(app, to=("ben", "root"))
    with app.app_context():
        from kernel.models import Participant, User

        root = User.get(User.username == "root")
        ben = User.get(User.username == "ben")
        Participant.update(read=True).execute()
        add_reply(conversation, root, "NOTE: internal", internal=True)
        refreshed = Conversation.get_by_id(conversation.id)
        assert refreshed.last_sender_id == conversation.last_sender_id
        assert refreshed.message_count == 1
        assert Participant.get(Participant.user == ben).read is True


class SetPriority:
    """An action offered to root only: set the priority from a form."""

    @hookimpl
    def mailroom_conversation_actions(self, conversation, user):
        if user.username != "root":
            return None

        def form(conversation, user):
            return Markup(
                '<form method="post" action="{}"><input type="hidden" name="csrf_token" value="{}">'
                '<label for="p">Priority</label><input id="p" name="priority">'
                "<button>Set priority</button></form>"
            ).format(url_for("conversations.action", uid=conversation.uid, key="priority"), "")

        def handle(conversation, user, form):
            value = form.get("priority", "")
            if value not in Priority.__members__:
                raise ActionError(f"{value!r} is not a priority.")
            change_state(conversation, user, "priority", value)
            return f"Priority set to {value}."

        return [ConversationAction(key="priority", label="Set priority", form=form, handle=handle)]


def test_mailroom_conversation_actions_render_and_handle(notice_app):
    app = notice_app(SetPriority())
    conversation = notice(app, to=("ben", "root"))
    root = signed_in(app, "root")
    assert "Set priority" in root.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    done = root.post(f"/conversations/{conversation.uid}/actions/priority", {"priority": "HIGH"})
    assert done.status_code == 303
    assert "Priority set to HIGH." in root.get(done.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert Conversation.get_by_id(conversation.id).priority == "HIGH"


def test_action_with_bad_input_is_a_400_and_changes_nothing(notice_app):
    app = notice_app(SetPriority())
    conversation = notice(app, to=("ben", "root"))
    response = signed_in(app, "root").post(
        f"/conversations/{conversation.uid}/actions/priority", {"priority": "URGENT"}
    )
    assert response.status_code == 400
    assert "&#39;URGENT&#39; is not a priority." in response.get_data(as_text=True)
    with app.app_context():
        assert Conversation.get_by_id(conversation.id).priority == "NONE"


def test_action_not_offered_to_the_user_is_forbidden(notice_app):
    app = notice_app(SetPriority())
    conversation = notice(app, to=("ben", "root"))
    ben = signed_in(app, "ben")
    assert "Set priority" not in ben.get(f"/conversations/{conversation.uid}").get_data(
        as_text=True
    )
    response = ben.post(f"/conversations/{conversation.uid}/actions/priority", {"priority": "HIGH"})
    assert response.status_code == 403
    with app.app_context():
        assert Conversation.get_by_id(conversation.id).priority == "NONE"


# --- events ------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def mailroom_conversation_created(self, conversation, message, recipient_ids):
        self.events.append(("created", conversation.subject, message.text, len(recipient_ids)))

    @hookimpl
    def mailroom_message_added(self, conversation, message):
        self.events.append(("added", conversation.subject, message.text))

    @hookimpl
    def mailroom_conversation_state_changed(self, conversation, user, field, old, new):
        self.events.append(("changed", field, old, new, user.username if user else None))


def test_lifecycle_events_fire_for_create_reply_and_state_change(notice_app):
    recorder = Recorder()
    app = notice_app(recorder, SetPriority())
    conversation = notice(app, subject="Fuel", text="Need fuel", to=("ben", "root"))
    root = signed_in(app, "root")
    root.post(f"/conversations/{conversation.uid}/reply", {"text": "On its way"})
    root.post(f"/conversations/{conversation.uid}/actions/priority", {"priority": "LOW"})
    root.post(f"/conversations/{conversation.uid}/actions/priority", {"priority": "LOW"})
    assert recorder.events == [
        ("created", "Fuel", "Need fuel", 2),
        ("added", "Fuel", "On its way"),
        ("changed", "priority", "NONE", "LOW", "root"),
    ]


def test_send_to_selection_resolves_and_sends_in_one_transaction(notice_app):
    recorder = Recorder()
    app = notice_app(Districts(), recorder)
    with app.app_context():
        from kernel.messaging import send_to_selection
        from kernel.models import Participant, User

        ana = User.get(User.username == "ana")
        with pytest.raises(SendError, match="No recipients selected."):
            send_to_selection(
                sender=ana,
                selection=RecipientSelection(ids={"district": ["D1"]}),
                subject="To myself",
                text="x",
                message_type="NOTICE",
            )
        conversation = send_to_selection(
            sender=ana,
            selection=RecipientSelection(ids={"district": ["D2"]}),
            subject="Bo and Kenema",
            text="Meeting at 10",
            message_type="NOTICE",
        )
        assert Participant.select().where(Participant.conversation == conversation).count() == 2
        assert Conversation.select().count() == 1
    assert recorder.events == [("created", "Bo and Kenema", "Meeting at 10", 1)]


def test_clashing_setting_keys_stop_start_up(make_app):
    with pytest.raises(PluginError, match="notices.footer"):
        make_app(plugins=[], extra_plugins=[Footer(), Footer()])


def test_extra_plugin_requiring_a_disabled_plugin_stops_start_up(make_app):
    class NeedsFeedback:
        REQUIRES = ["feedback"]

    with pytest.raises(PluginError, match="needs plugin\\(s\\) feedback"):
        make_app(plugins=[], extra_plugins=[NeedsFeedback()])


def test_plain_string_in_a_slot_is_escaped(notice_app):
    class Careless:
        @hookimpl
        def mailroom_template_slot(self, slot, user):
            return "<li><script>x()</script></li>" if slot == "dashboard" else None

    app = notice_app(Careless())
    page = Browser(app.test_client())
    page.login("ana")
    html = page.get("/").get_data(as_text=True)
    assert "&lt;li&gt;&lt;script&gt;x()&lt;/script&gt;&lt;/li&gt;" in html


class Escalate:
    """A bulk action on NOTICE folders for root: set the priority of the selection."""

    @hookimpl
    def mailroom_bulk_actions(self, user, message_type):
        if message_type != "NOTICE" or user.username != "root":
            return None

        def handle(user, conversations, form):
            if form.get("level") not in ("HIGH", "LOW"):
                raise ActionError("Choose High or Low.")
            for conversation in conversations:
                change_state(conversation, user, "priority", form["level"])
            return f"Escalated {len(conversations)}."

        from kernel.contributions import BulkAction

        return [
            BulkAction(
                key="level",
                label="Escalation",
                choices=[("HIGH", "High"), ("LOW", "Low")],
                handle=handle,
            )
        ]


def test_mailroom_bulk_actions_are_shown_and_applied_to_the_users_own_selection(notice_app):
    app = notice_app(Escalate())
    mine = notice(app, subject="Mine", to=("root",))
    not_mine = notice(app, subject="Not mine", to=("ben",))
    root = Browser(app.test_client())
    root.login("root")
    page = root.get("/messages/NOTICE").get_data(as_text=True)
    assert '<label for="bulk-level">Escalation</label>' in page
    done = root.post(
        "/messages/NOTICE/bulk",
        {"action": "level", "level": "HIGH", "conversation": [mine.uid, not_mine.uid]},
    )
    assert done.status_code == 303
    assert "Escalated 1." in root.get(done.headers["Location"]).get_data(as_text=True)
    assert Conversation.get_by_id(mine.id).priority == "HIGH"
    assert Conversation.get_by_id(not_mine.id).priority == "NONE"


def test_bulk_action_bad_input_or_not_offered_changes_nothing(notice_app):
    app = notice_app(Escalate())
    mine = notice(app, subject="Mine", to=("root", "ben"))
    root = Browser(app.test_client())
    root.login("root")
    bad = root.post(
        "/messages/NOTICE/bulk", {"action": "level", "level": "PANIC", "conversation": [mine.uid]}
    )
    assert bad.status_code == 400 and "Choose High or Low." in bad.get_data(as_text=True)
    ben = Browser(app.test_client())
    ben.login("ben")
    assert 'for="bulk-level"' not in ben.get("/messages/NOTICE").get_data(as_text=True)
    refused = ben.post(
        "/messages/NOTICE/bulk", {"action": "level", "level": "HIGH", "conversation": [mine.uid]}
    )
    assert refused.status_code == 400 and "Choose an action." in refused.get_data(as_text=True)
    assert Conversation.get_by_id(mine.id).priority == "NONE"


class MembershipRecorder:
    def __init__(self):
        self.changes = []
        self.settings = []

    @hookimpl
    def mailroom_group_membership_changed(self, group, added_user_ids, removed_user_ids):
        self.changes.append((group.name, len(added_user_ids), len(removed_user_ids)))

    @hookimpl
    def mailroom_setting_changed(self, key, old, new):
        self.settings.append((key, old, new))


def test_mailroom_group_membership_changed_fires_on_join_and_leave(notice_app):
    recorder = MembershipRecorder()
    app = notice_app(recorder)
    with app.app_context():
        from kernel.models import User, UserGroup
        from kernel.people import add_group_members, remove_group_members

        group = UserGroup.create(name="Nurses")
        ids = [u.id for u in User.select()]
        assert len(add_group_members(group, ids)) == 3
        assert add_group_members(group, ids) == set()
        assert len(remove_group_members(group, ids[:1])) == 1
        assert UserGroup.get_by_id(group.id).member_count == 2
    assert recorder.changes == [("Nurses", 3, 0), ("Nurses", 0, 1)]


def test_mailroom_setting_changed_fires_for_changed_values_only(notice_app):
    recorder = MembershipRecorder()
    app = notice_app(recorder, Footer())
    root = Browser(app.test_client())
    root.login("root")
    root.post("/settings", {"notices.footer": "MoH", "notices.tone": ""})
    root.post("/settings", {"notices.footer": "MoH", "notices.tone": "formal"})
    assert recorder.settings == [("notices.footer", None, "MoH"), ("notices.tone", None, "formal")]


class BenSeesInternal:
    """Grants internal messages to ben, refuses them to ana (which grants nothing)."""

    @hookimpl
    def mailroom_sees_internal_messages(self, user):
        return {"ben": True, "ana": False}.get(user.username)


def _internal_message_seers(app) -> set[str]:
    from kernel.access import sees_internal_messages
    from kernel.models import User

    with app.app_context():
        return {u.username for u in User.select() if sees_internal_messages(u)}


def test_mailroom_sees_internal_messages_any_true_grants(notice_app):
    assert _internal_message_seers(notice_app(BenSeesInternal())) == {"ben", "root"}


def test_only_all_users_see_internal_messages_when_no_plugin_grants(notice_app):
    assert _internal_message_seers(notice_app()) == {"root"}
