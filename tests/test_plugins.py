"""Loading plugins: entry points, MAILROOM_PLUGINS, validation, and an app with none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kernel import hookimpl, hookspecs
from kernel.contributions import MessageType
from kernel.messaging import start_conversation
from kernel.plugins import PluginError, build_plugin_manager
from tests.conftest import Browser

ROOT = Path(__file__).resolve().parents[1]


class NoticesPlugin:
    """A test plugin that owns one message type."""

    @hookimpl
    def mailroom_message_types(self):
        return [MessageType(key="NOTICE", label="Notice", folder="Notices")]


def test_app_boots_and_serves_pages_with_no_plugin(make_app):
    app = make_app(plugins=[])
    with app.app_context():
        from kernel.people import create_user

        create_user("solo", "Solo", "User", password="district")
    browser = Browser(app.test_client())
    assert browser.get("/login").status_code == 200
    browser.login("solo")
    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    assert "You have no unread messages." in dashboard.get_data(as_text=True)
    messages = browser.get("/messages")
    assert messages.status_code == 200
    assert "No message types are enabled" in messages.get_data(as_text=True)
    assert browser.get("/messages/PRIVATE").status_code == 404


def test_plugin_message_type_gets_a_folder_listing_its_conversations(make_app, sign_in):
    app = make_app(plugins=[], extra_plugins=[NoticesPlugin()])
    with app.app_context():
        from kernel.people import create_user

        reader = create_user("reader", "Rea", "Der", password="district")
        start_conversation(
            sender=None,
            recipient_ids={reader.id},
            subject="Generator maintenance on Friday",
            text="The server will be down from 18:00.",
            message_type="NOTICE",
        )
    browser = sign_in(app, "reader")
    assert browser.get("/messages").headers["Location"].endswith("/messages/NOTICE")
    page = browser.get("/messages/NOTICE").get_data(as_text=True)
    assert "Notices" in page
    assert "Generator maintenance on Friday" in page
    assert 'class="unread' in page


def test_unset_plugin_list_enables_every_installed_plugin():
    pm = build_plugin_manager(None)
    assert "user_messages" in [name for name, _ in pm.list_name_plugin()]


def test_empty_plugin_list_enables_none():
    pm = build_plugin_manager([])
    assert [name for name, _ in pm.list_name_plugin()] == ["kernel"]


def test_unknown_plugin_name_fails_with_the_installed_names():
    with pytest.raises(
        PluginError, match=r"Unknown plugin.*nonesuch.*Installed plugins: .*user_messages"
    ):
        build_plugin_manager(["nonesuch"])


def test_misspelled_hook_implementation_fails_start_up_clearly():
    class Misspelled:
        @hookimpl
        def mailroom_mesage_types(self):
            return []

    with pytest.raises(PluginError, match="mailroom_mesage_types"):
        build_plugin_manager([], [Misspelled()])


def test_hook_implementation_with_an_unknown_argument_fails_start_up():
    class WrongArgument:
        @hookimpl
        def mailroom_message_types(self, folder):
            return []

    with pytest.raises(PluginError, match="folder"):
        build_plugin_manager([], [WrongArgument()])


def test_plugin_requiring_a_disabled_plugin_fails_with_a_clear_message(monkeypatch):
    import plugins.user_messages as user_messages

    monkeypatch.setattr(user_messages, "REQUIRES", ["orgunit_magic"], raising=False)
    with pytest.raises(PluginError, match=r"'user_messages' needs plugin\(s\) orgunit_magic"):
        build_plugin_manager(["user_messages"])


def test_two_plugins_declaring_one_message_type_fail_start_up(make_app):
    with pytest.raises(PluginError, match="NOTICE"):
        make_app(plugins=[], extra_plugins=[NoticesPlugin(), NoticesPlugin()])


def test_kernel_imports_no_plugin():
    for path in (ROOT / "src" / "kernel").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "plugins" or n.startswith("plugins.") for n in names), path


def test_every_hookspec_is_exercised_by_a_test():
    """datasette's rule: a hook nobody tests is a hook that silently breaks."""
    specs = [name for name in dir(hookspecs) if name.startswith("mailroom_")]
    test_source = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    untested = [name for name in specs if f"def {name}(" not in test_source]
    assert not untested, f"hookspecs without a test implementing them: {untested}"


def test_every_hookspec_is_in_the_plugin_author_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text()
    specs = [name for name in dir(hookspecs) if name.startswith("mailroom_")]
    assert [name for name in specs if name not in guide] == []
