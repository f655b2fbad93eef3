"""mailroom_api_fields: plugins add fields and filterable properties to kernel resources."""

from __future__ import annotations

import pytest
from peewee import fn

from kernel import hookimpl
from kernel.access import is_superuser
from kernel.api.fields import Field
from kernel.api.query import ApiProperty
from kernel.contributions import ApiField
from kernel.models import User
from tests.api.conftest import ApiClient, assert_error, basic


class FirstInitial:
    """Adds firstInitial to users (filterable by ALL users only) and a field to conversations."""

    @hookimpl
    def mailroom_api_fields(self, resource, user):
        if resource == "users":
            return [
                ApiField(
                    "firstInitial",
                    field=Field(lambda u, caller: u.first_name[:1]),
                    property=(
                        ApiProperty("", fn.SUBSTR(User.first_name, 1, 1))
                        if is_superuser(user)
                        else None
                    ),
                )
            ]
        if resource == "messageConversations":
            return [
                ApiField(
                    "loudSubject", field=Field(lambda row, caller: row.conversation.subject.upper())
                )
            ]
        return None


class Clash:
    @hookimpl
    def mailroom_api_fields(self, resource):
        return (
            [ApiField("username", field=Field(lambda u, caller: "x"))]
            if resource == "users"
            else None
        )


@pytest.fixture
def app(make_app):
    return make_app(extra_plugins=[FirstInitial()])


def test_plugin_field_is_selectable_on_users_and_me(api, people):
    body = api("ana").get(f"/api/users/{people['ben'].uid}?fields=id,firstInitial").get_json()
    assert body == {"id": people["ben"].uid, "firstInitial": "B"}
    assert api("ana").get("/api/me?fields=firstInitial").get_json() == {"firstInitial": "A"}


def test_plugin_property_filters_in_sql_for_whom_the_plugin_says(api, people):
    found = api("admin").get("/api/users?fields=username&filter=firstInitial:eq:E").get_json()
    assert found["users"] == [{"username": "eve"}]
    assert_error(
        api("ana").get("/api/users?filter=firstInitial:eq:E"),
        400,
        "Unknown property 'firstInitial'",
    )


def test_plugin_field_on_conversations(api, converse):
    conversation = converse(subject="Cold chain")
    listed = api("ben").get("/api/messageConversations?fields=loudSubject").get_json()
    assert listed["messageConversations"] == [{"loudSubject": "COLD CHAIN"}]
    one = api("ben").get(f"/api/messageConversations/{conversation.uid}?fields=loudSubject")
    assert one.get_json() == {"loudSubject": "COLD CHAIN"}


def test_a_plugin_may_not_replace_a_kernel_field(make_app, people):
    app = make_app(extra_plugins=[Clash()])
    response = ApiClient(app, basic("ana")).get("/api/users")
    assert_error(response, 500)
