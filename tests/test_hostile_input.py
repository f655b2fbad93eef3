"""Hostile input on every route: whatever a signed-in person or a program sends, the answer
is a success or a clear 4xx, never a 500.

The crawl walks ``app.url_map`` of the app with every plugin, fills each route's ids with
real rows, and sends the query parameters, form fields and JSON properties the route reads
(its :data:`ROUTES` plan; for the API also the OpenAPI document; each list's filterable
properties and operators are read off its own error messages) with values chosen to break
number parsing, 64-bit columns, dates at the calendar's ends, full-text syntax, the
``fields``/``filter`` grammar and PostgreSQL's text type (NUL, invalid UTF-8, half a
surrogate pair); then ids in URLs, headers, and whole bodies that are not what the route
expects. It does so as an ALL user (admin, every value) and as an ordinary user (ana, the
sharpest values: the parsing is the same, what she may reach differs).

A route missing from :data:`ROUTES` fails :func:`test_every_route_has_a_hostile_input_plan`,
so a new route joins the crawl. Failures are collected, not raised one by one, and reported
with the route, the input and the exception the server logged; an exception that escapes to
the test client (Flask propagates those when TESTING) is a failure too.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from werkzeug.routing import Rule

from kernel.models import Setting, Status, UserGroup
from kernel.models.tokens import ApiToken
from kernel.people import create_role, create_user
from tests.api.conftest import basic
from tests.conftest import PASSWORD, Browser

# --- hostile values -------------------------------------------------------------------------

NUMBERS = [b"9" * 40, b"-9223372036854775809", b"-1", b"-0", b"1e400", b"NaN"]
TEXTS = [
    b"",
    b"x" * 10_000,
    b"word " * 2_000,  # thousands of words for full-text search
    b"a\x00b",  # PostgreSQL refuses NUL in text
    b"\xff\xfe",  # not UTF-8
    b"\xed\xa0\x80",  # half a surrogate pair, UTF-8-encoded
    b"\xf0\x9f\x99\x82",  # outside the Basic Multilingual Plane
    b"\xe2\x80\xae\t\r\n",  # right-to-left override and control characters
]
SYNTAX = [
    b'"',
    b"'",
    b"*",
    b"NEAR(",
    b"a OR",
    b"a:b:c",
    b"\\",
    b"%_",
    b"[",
    b"]",
    b"id[name",
    b"!x",
]
DATES = [b"0001-01-01T00:00:00+14:00", b"9999-12-31T23:59:59-14:00", b"2024-02-30"]
HOSTILE = NUMBERS + TEXTS + SYNTAX + DATES
# The values most likely to reach a database, for the ordinary user (the same parsing
# was crawled as the administrator), for parameters sent to routes that may not read
# them, and for each filter operator.
SHARP = [b"9" * 40, b"x" * 10_000, b"a\x00b", b"\xff\xfe", DATES[0], DATES[1]]
DUPLICATES = [(b"1", b"9" * 40), (b"a\x00", b"\xff")]
# Headers a route may read besides the credentials (User-Agent is stored with a message).
HEADERS = [
    ("User-Agent", "Mozilla\x00/5.0 \xff" + "x" * 10_000),
    ("If-None-Match", 'W/"' + "x" * 10_000 + '", *, W/'),
    ("If-Modified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ("Range", "bytes=99999999999999999999999-0"),
    ("Accept-Encoding", "gzip;q=NaN, br;q=1e400"),
    ("HX-Request", "\x00"),
]
STORED_HEADERS = HEADERS[:1]
PATH_VALUES = [
    b"",
    b"x" * 10_000,
    b"a\x00bcdefghij",
    b"\xff\xfe",
    b"A1234567890",  # a well-formed uid nobody has
    b"A1234567890\n",
    b"9" * 40,
    b"..",
    b"%",
]

RAW_JSON = "\x01raw\x01"  # stands for the JSON text that follows it in the body


def raw(text: str) -> str:
    """A JSON value Python cannot write: the text is put into the body as it is."""
    return RAW_JSON + text


JSON_VALUES: list[Any] = [
    None,
    True,
    -1,
    10**40,
    2**63,
    1.5,
    "",
    "x" * 10_000,
    "a\x00b",
    "\ud800",
    "a\udfffb",
    "\U0001f642",
    '"',
    "NEAR(",
    "[",
    DATES[0].decode(),
    DATES[1].decode(),
    [],
    [None],
    ["x"],
    [[[]]],
    {},
    {"id": None},
    {"id": 5},
    {"a": {"b": {"c": {}}}},
    [{"id": "x" * 10_000}],
    [{"id": "\ud800"}],
    [{"id": "a\x00bcdefghij"}],
    raw("1e400"),
    raw("-0"),
    raw("NaN"),
    raw("Infinity"),
    raw("1" * 5_000),  # more digits than Python converts to an int
]
# For properties inside nested objects, and for the ordinary user.
SHARP_JSON = [
    None,
    True,
    10**40,
    "",
    "x" * 10_000,
    "a\x00b",
    "\ud800",
    [],
    {},
    [{"id": "\ud800"}],
    {"id": "a\x00bcdefghij"},
    raw("1e400"),
]
FIVE_MB = 5 * 1024 * 1024
WHOLE_BODIES = [
    b"",
    b"not json",
    b"{",
    b"[]",
    b"{}",
    b"null",
    b'"text"',
    b"1e400",
    b"NaN",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\xff\xfe{}",
    b"\xef\xbb\xbf{}",  # a byte order mark
    b'{"subject": "\xed\xa0\x80", "text": "\xed\xa0\x80"}',
    b'["\\ud800"]',
    b'{"\\ud800": 1}',
    b'{"text": "' + b"x" * FIVE_MB + b'"}',
]


def encode(value: bytes) -> str:
    return quote_from_bytes(value, safe="")


def query(pairs: Iterable[tuple[str, bytes]]) -> str:
    return "&".join(f"{encode(name.encode())}={encode(value)}" for name, value in pairs)


def json_text(value: Any) -> str:
    """JSON for ``value``, with :func:`raw` values put in as they are."""
    text = json.dumps(value)
    return re.sub(r'"\\u0001raw\\u0001((?:[^"\\]|\\.)*)"', lambda m: json.loads(f'"{m[1]}"'), text)


def label(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:40]}… ({len(shown)} characters)"


# --- the rows the routes name ---------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, str]
    tokens: dict[str, str]  # username -> the uid of a token they own


@pytest.fixture
def world(app: Flask, people) -> World:
    from kernel.messaging import start_conversation
    from plugins.feedback.team import RECIPIENTS_SETTING
    from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit
    from plugins.orgunit_routing.models import OrgUnitGroup, OrgUnitGroupMember
    from plugins.system_alerts.models import NotificationTemplate, TemplateGroup, ValidationRule

    app.config.update(SEND_RATE_LIMIT=0, LOGIN_MAX_FAILURES=10**6)
    with app.app_context():
        team = UserGroup.create(name="Feedback team")
        team.add_members([people["ben"], people["admin"]])
        Setting.write(RECIPIENTS_SETTING, team.uid)
        people["tess"] = create_user("tess", "Tess", "Koroma", password=PASSWORD)
        private = start_conversation(
            sender=people["ana"],
            recipient_ids={people["ben"].id},
            subject="Stock-out of ORS",
            text="No ORS sachets since Monday.",
            message_type="PRIVATE",
        )
        ticket = start_conversation(
            sender=people["ana"],
            recipient_ids=team.member_ids(),
            subject="Cannot enter October data",
            text="The period is locked for Bumpe CHP.",
            message_type="TICKET",
            status=Status.OPEN,
        )
        # Removed from an inbox by the crawl, so the others stay in theirs.
        spare = start_conversation(
            sender=people["ana"],
            recipient_ids={people["ben"].id},
            subject="Spare",
            text="To be removed.",
            message_type="PRIVATE",
        )
        start_conversation(
            sender=None,
            recipient_ids={people["admin"].id, people["ana"].id},
            subject="Job failed",
            text="The nightly analytics job failed.",
            message_type="SYSTEM",
        )
        bo = create_org_unit("Bo", uid="BoDistrict1")
        chc = create_org_unit("Bo Central CHC", parent=bo, uid="BoCentralCH")
        assign_users(bo, [people["ana"].id])
        assign_users(chc, [people["ben"].id, people["eve"].id])
        unit_group = OrgUnitGroup.create(name="Community health centres", uid="CHCgroup001")
        OrgUnitGroupMember.create(group=unit_group, org_unit=chc)
        role = create_role("Data clerk", ["F_SYSTEM_SETTING"])
        template = NotificationTemplate.create(
            name="Violation alert", subject_template="V{rule_name}", message_template="V{period}"
        )
        TemplateGroup.create(template=template, group=team)
        rule = ValidationRule.create(name="ANC 1 > ANC 2", importance="HIGH")
        tokens = {
            name: ApiToken.issue(people[name], "Backup script")[0].uid for name in ("admin", "ana")
        }
        return World(
            ids={
                "private": private.uid,
                "ticket": ticket.uid,
                "spare": spare.uid,
                "user": people["ben"].uid,
                "eve": people["eve"].uid,
                "ana": people["ana"].uid,
                "tess": people["tess"].uid,
                "group": UserGroup.get(UserGroup.name == "District officers").uid,
                "team": team.uid,
                "role": role.uid,
                "unit": bo.uid,
                "child": chc.uid,
                "unit_group": unit_group.uid,
                "template": template.uid,
                "rule": rule.uid,
            },
            tokens=tokens,
        )


# --- what each route reads ------------------------------------------------------------------


@dataclass
class Plan:
    """What one route reads, so the crawl knows what to send it.

    ``paths``: variants of the URL's placeholders, as names of :class:`World` ids (or fixed
    text); ``args``: query parameters; ``forms``: valid form posts, each field of which is
    replaced in turn; ``body``: ``"json"``, ``"uids"`` or ``"text"``, with ``json`` the
    valid JSON body whose properties are replaced in turn, or ``text`` the valid text.
    """

    paths: list[dict[str, str]] = field(default_factory=lambda: [{}])
    args: tuple[str, ...] = ()
    forms: list[dict[str, Any]] = field(default_factory=list)
    body: str | None = None
    json: Any = None
    text: str = "Thanks, solved."
    anonymous: bool = False  # a signed-in client would be signed out or sent away


def _ref(*names: str) -> list[dict[str, str]]:
    return [{"id": f"${name}"} for name in names]


USER_FORM = {
    "username": "carl",
    "first_name": "Carl",
    "surname": "Conteh",
    "email": "carl@example.org",
    "password": "district-long-enough",
    "password_repeat": "district-long-enough",
    "roles": ["$role"],
    "groups": ["$group"],
}
RULE_FORM = {
    "name": "ANC 3",
    "description": "Visits",
    "importance": "LOW",
    "templates": ["$template"],
}
TEMPLATE_FORM = {
    "name": "Violation summary",
    "subject_template": "V{rule_name}",
    "message_template": "V{period}",
    "send_strategy": "COLLECTIVE_SUMMARY",
    "groups": ["$team"],
    "notify_users_in_hierarchy_only": "on",
}
COMPOSE_FORM = {
    "recipient": ["user:$user", "orgUnit:$unit"],
    "subject": "Stock-out",
    "text": "No ORS.",
    "send": "1",
    "include_subunits": "on",
    "q": "ben",
    "org_unit_q": "Bo",
}
METADATA = {
    "userRoles": [{"id": "RoleClerk01", "name": "Clerk", "authorities": ["F_SYSTEM_SETTING"]}],
    "users": [
        {
            "id": "UserCarl001",
            "username": "carl",
            "firstName": "Carl",
            "surname": "Conteh",
            "email": "carl@example.org",
            "password": "District1!",
            "disabled": False,
            "userRoles": [{"id": "RoleClerk01"}],
            "userGroups": [{"id": "$group"}],
            "organisationUnits": [{"id": "$unit"}],
            "userCredentials": {"username": "carl", "userRoles": [{"id": "RoleClerk01"}]},
        }
    ],
    "userGroups": [
        {"id": "GroupNurse1", "name": "Nurses", "code": "NURSES", "users": [{"id": "UserCarl001"}]}
    ],
    "organisationUnits": [
        {
            "id": "UnitBumpe01",
            "name": "Bumpe CHP",
            "shortName": "Bumpe",
            "code": "OU_1",
            "parent": {"id": "$unit"},
        }
    ],
    "organisationUnitGroups": [
        {"id": "UnitGroup01", "name": "CHPs", "organisationUnits": [{"id": "UnitBumpe01"}]}
    ],
    "validationNotificationTemplates": [
        {
            "id": "Template001",
            "name": "Alert",
            "subjectTemplate": "V{rule_name}",
            "messageTemplate": "V{period}",
            "sendStrategy": "SINGLE_NOTIFICATION",
            "notifyUsersInHierarchyOnly": True,
            "recipientUserGroups": [{"id": "GroupNurse1"}],
        }
    ],
    "validationRules": [
        {
            "id": "RuleAnc0001",
            "name": "ANC 4",
            "importance": "HIGH",
            "description": "Visits",
            "notificationTemplates": [{"id": "Template001"}],
        }
    ],
}
VALIDATION_RESULT = {
    "id": "Result00001",
    "validationRule": {"id": "$rule"},
    "organisationUnit": {"id": "$unit", "name": "Bo"},
    "period": {"id": "202610"},
    "attributeOptionCombo": {"id": "HllvX50cXC0"},
    "leftsideValue": 12,
    "rightsideValue": 10,
}
RECIPIENTS = {
    "users": _ref("user"),
    "userGroups": _ref("group"),
    "organisationUnits": _ref("unit"),
    "organisationUnitGroups": _ref("unit_group"),
    "includeSubunits": True,
}
CONVERSATION = {"uid": "private"}
TICKET = {"uid": "ticket"}

ROUTES: dict[str, Plan] = {
    "static": Plan(paths=[{"filename": "mailroom.css"}]),
    "assets.htmx": Plan(),
    "assets.favicon": Plan(),
    "user_messages.static": Plan(paths=[{"filename": "picker.js"}]),
    "dashboard.index": Plan(),
    "dashboard.badge": Plan(),
    "auth.login": Plan(
        args=("next",),
        forms=[{"username": "ana", "password": "wrong password", "next": "/messages"}],
        anonymous=True,
    ),
    "auth.logout": Plan(forms=[{}], anonymous=True),
    "profile.show": Plan(),
    "profile.create_token": Plan(forms=[{"name": "Backup", "expires": "2999-01-01"}]),
    "profile.revoke_token": Plan(paths=[{"uid": "token"}], forms=[{"confirm": "no"}]),
    "settings.edit": Plan(
        forms=[
            {
                "feedback.recipients": "$team",
                "system_alerts.recipients": "$group",
                "system_alerts.repeat_window_minutes": "60",
            }
        ]
    ),
    # Inbox and conversations.
    "inbox.messages": Plan(),
    "inbox.folder": Plan(
        paths=[{"type_key": key} for key in ("PRIVATE", "TICKET", "SYSTEM", "VALIDATION_RESULT")],
        args=("q", "page", "read", "followup", "status", "priority", "assignee"),
    ),
    "inbox.bulk": Plan(
        paths=[{"type_key": "PRIVATE"}, {"type_key": "TICKET"}],
        forms=[
            {"action": "followup", "conversation": ["$private"], "keep_q": "ors", "keep_page": "2"},
            {"action": "remove", "conversation": ["$private", "$ticket"]},
            {"action": "priority", "conversation": ["$ticket"], "priority": "HIGH"},
            {"action": "status", "conversation": ["$ticket"], "status": "PENDING"},
        ],
    ),
    "conversations.show": Plan(paths=[CONVERSATION, TICKET], args=("add_q",)),
    "conversations.reply": Plan(paths=[CONVERSATION, TICKET], forms=[{"text": "Thanks"}]),
    "conversations.state": Plan(
        paths=[CONVERSATION], forms=[{"action": "followup"}, {"action": "remove"}]
    ),
    "conversations.action": Plan(
        paths=[
            {"uid": "ticket", "key": "priority"},
            {"uid": "ticket", "key": "status"},
            {"uid": "ticket", "key": "assign"},
            {"uid": "ticket", "key": "internal_reply"},
            {"uid": "private", "key": "add_participants"},
        ],
        forms=[
            {
                "priority": "HIGH",
                "status": "PENDING",
                "assignee": "$user",
                "text": "Internal note",
                "recipient": ["user:$eve"],
            }
        ],
    ),
    # Writing.
    "user_messages.compose": Plan(
        args=tuple(name for name in COMPOSE_FORM if name != "send") + ("to", "org_unit_search")
    ),
    "user_messages.compose_post": Plan(
        forms=[
            COMPOSE_FORM,
            {"recipient": ["user:$user"], "add": "userGroup:$group", "q": "x"},
            {"recipient": ["user:$user", "user:$eve"], "remove": "user:$eve"},
        ]
    ),
    "user_messages.participant_search": Plan(paths=[CONVERSATION], args=("add_q",)),
    "feedback.write": Plan(forms=[{"subject": "Locked period", "text": "Please unlock."}]),
    # Org units.
    "orgunits.browse": Plan(),
    "orgunits.detail": Plan(paths=[{"uid": "unit"}], args=("page",)),
    "orgunits.children": Plan(paths=[{"uid": "unit"}], args=("mode",)),
    "orgunits.compose_search": Plan(args=("org_unit_q", "recipient")),
    "orgunits.reach": Plan(args=("recipient", "include_subunits")),
    # Validation rules.
    "validation.index": Plan(),
    "validation.create_rule": Plan(forms=[RULE_FORM]),
    "validation.edit_rule": Plan(paths=[{"uid": "rule"}], forms=[RULE_FORM]),
    "validation.create_template": Plan(forms=[TEMPLATE_FORM]),
    "validation.edit_template": Plan(paths=[{"uid": "template"}], forms=[TEMPLATE_FORM]),
    # Administration.
    "admin.index": Plan(),
    "admin.users.index": Plan(args=("q", "page")),
    "admin.users.create": Plan(forms=[USER_FORM]),
    "admin.users.edit": Plan(
        paths=[{"uid": "user"}],
        forms=[{k: v for k, v in USER_FORM.items() if not k.startswith("password")}],
    ),
    "admin.users.password": Plan(
        paths=[{"uid": "user"}],
        forms=[{"password": "another-long-one", "password_repeat": "another-long-one"}],
    ),
    "admin.users.disable": Plan(paths=[{"uid": "tess"}], forms=[{"confirm": "yes"}]),
    "admin.users.enable": Plan(paths=[{"uid": "tess"}], forms=[{"confirm": "yes"}]),
    "admin.groups.index": Plan(args=("q", "page")),
    "admin.groups.create": Plan(forms=[{"name": "Night shift", "code": "NIGHT"}]),
    "admin.groups.edit": Plan(
        paths=[{"uid": "group"}], forms=[{"name": "Day shift", "code": "DAY"}]
    ),
    "admin.groups.members": Plan(paths=[{"uid": "group"}], args=("q", "find", "page")),
    "admin.groups.add_members": Plan(paths=[{"uid": "group"}], forms=[{"user": ["$eve"]}]),
    "admin.groups.remove_member": Plan(
        paths=[{"uid": "group"}], args=("user",), forms=[{"user": "$eve", "confirm": "yes"}]
    ),
    "admin.roles.index": Plan(),
    "admin.roles.create": Plan(forms=[{"name": "Clerk 2", "authorities": "F_SYSTEM_SETTING"}]),
    "admin.roles.edit": Plan(
        paths=[{"uid": "role"}], forms=[{"name": "Clerk 3", "authorities": "F_METADATA_IMPORT"}]
    ),
    # The Web API (its query parameters also come from the OpenAPI document).
    "api_openapi.document": Plan(),
    "api_system.info": Plan(),
    "api_me.me": Plan(),
    "api_me.dashboard": Plan(),
    "api_conversations.conversations": Plan(),
    "api_conversations.conversation": Plan(paths=[CONVERSATION, TICKET]),
    "api_sending.create": Plan(
        body="json", json={"subject": "Stock-out", "text": "No ORS.", **RECIPIENTS}
    ),
    "api_sending.reply": Plan(paths=[CONVERSATION, TICKET], body="text"),
    "api_sending.add_recipients": Plan(paths=[CONVERSATION], body="json", json=RECIPIENTS),
    "api_conversation_state.mark_read": Plan(body="uids"),
    "api_conversation_state.mark_unread": Plan(body="uids"),
    "api_conversation_state.mark_follow_up": Plan(body="uids"),
    "api_conversation_state.clear_follow_up": Plan(body="uids"),
    "api_conversation_state.mark_one_read": Plan(paths=[CONVERSATION], args=("user",)),
    "api_conversation_state.mark_one_unread": Plan(paths=[CONVERSATION], args=("user",)),
    "api_conversation_state.remove_one": Plan(paths=[{"uid": "spare", "user_uid": "user"}]),
    "api_conversation_state.remove_many": Plan(),
    "feedback_api.create_feedback": Plan(body="text"),
    "feedback_api.set_priority": Plan(paths=[TICKET]),
    "feedback_api.set_status": Plan(paths=[TICKET]),
    "feedback_api.assign": Plan(paths=[TICKET]),
    "feedback_api.unassign": Plan(paths=[TICKET]),
    "feedback_api.feedback_recipients_lookup": Plan(),
    "feedback_api.get_feedback_recipients": Plan(),
    # Its valid body sets the group again after the DELETE before it cleared it.
    "feedback_api.set_feedback_recipients": Plan(body="text", text="$team"),
    "feedback_api.clear_feedback_recipients": Plan(),
    "api_user_lookup.user_lookup": Plan(),
    "api_users.users": Plan(),
    "api_users.user": Plan(paths=[{"uid": "user"}]),
    "api_users.user_groups": Plan(),
    "api_users.user_group": Plan(paths=[{"uid": "group"}]),
    "orgunit_api.organisation_units": Plan(),
    "orgunit_api.organisation_unit": Plan(paths=[{"uid": "unit"}]),
    "orgunit_api.organisation_unit_groups": Plan(),
    "orgunit_api.organisation_unit_group": Plan(paths=[{"uid": "unit_group"}]),
    "api_metadata.import_view": Plan(body="json", json=METADATA),
    "api_validation_results.post_results": Plan(
        body="json", json={"validationResults": [VALIDATION_RESULT]}
    ),
}
# Parameters sent to every page, read or not: a page that starts reading one of them is
# crawled with at least the sharpest values. (API parameters come from the OpenAPI document.)
COMMON_ARGS = ("page", "q")


# --- the crawl ------------------------------------------------------------------------------


class _ErrorLog(logging.Handler):
    """Keeps what the server logged while answering, to say why it answered 500."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def cause(self) -> str | None:
        for record in self.records:
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                return f"{type(error).__name__}: {str(error)[:200]}"
        return self.records[0].getMessage() if self.records else None


@dataclass
class Caller:
    name: str
    client: Any
    headers: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None


class Crawl:
    """Sends requests and collects every answer of 500 or more, every exception, and every
    sign-in lost on the way (a crawl that is sent to the login page tests nothing)."""

    def __init__(self, app: Flask, world: World) -> None:
        self.world = world
        self.adapter = app.url_map.bind("localhost")
        self.failures: dict[tuple[str, str, str], str] = {}
        self.sent = 0
        self.statuses: Counter[int] = Counter()
        self.log = _ErrorLog()

    def fill(self, value: Any) -> Any:
        """``"$name"`` placeholders in a plan's values become real ids."""
        if isinstance(value, str):
            return re.sub(r"\$(\w+)", lambda m: self.world.ids[m[1]], value)
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    def url(self, rule: Rule, variant: dict[str, str], caller: Caller, **hostile: str) -> str:
        values = {}
        for argument in rule.arguments:
            name = variant.get(argument, argument)
            if argument in hostile:
                values[argument] = "\x01"
            elif name == "token":
                values[argument] = self.world.tokens[caller.name]
            elif argument == "user_uid":
                values[argument] = self.world.ids["ana" if caller.name == "ana" else "user"]
            else:
                values[argument] = self.world.ids.get(name, name)
        url = self.adapter.build(rule.endpoint, values)
        for encoded in hostile.values():
            url = url.replace("%01", encoded, 1)
        return url

    def send(
        self, caller: Caller, method: str, url: str, where: str, value: Any, **kwargs: Any
    ) -> Any:
        self.sent += 1
        self.log.records.clear()
        headers = {**caller.headers, **kwargs.pop("headers", {})}
        path = url.split("?", 1)[0]
        try:
            response = caller.client.open(url, method=method, headers=headers, **kwargs)
        except Exception as error:  # noqa: BLE001 - an escaped exception is the finding
            self._fail(caller, method, path, where, value, f"raised {error!r}"[:300])
            return None
        self.statuses[response.status_code] += 1
        signed_out = response.status_code == 401 or "/login" in response.headers.get("Location", "")
        if signed_out and caller.name != "anonymous":
            self._fail(caller, method, path, where, value, "signed out")
        if response.status_code >= 500:
            cause = self.log.cause() or response.get_data(as_text=True)[:200]
            # Positions and sizes vary with the input; the same cause is reported once.
            cause = re.sub(r"\d+", "N", cause)
            self._fail(caller, method, path, where, value, f"{response.status_code}: {cause}")
        return response

    def _fail(
        self, caller: Caller, method: str, path: str, where: str, value: Any, what: str
    ) -> None:
        # One line per route, input and cause: the same bug is not reported a hundred times.
        route = re.sub(r"/[A-Za-z][A-Za-z0-9]{10}(?=/|$)", "/<uid>", path)
        key = (f"{method} {route[:80]}", where, what[:160])
        self.failures.setdefault(key, f"{caller.name} {method} {path[:80]} {where}={label(value)}")

    def report(self) -> str:
        lines = [f"{len(self.failures)} failures in {self.sent} requests {self.statuses}:"]
        for (route, where, cause), example in sorted(self.failures.items()):
            lines.append(f"- {route} [{where}] {cause}\n    e.g. {example}")
        return "\n".join(lines)


@pytest.fixture
def crawl(app: Flask, world: World) -> Iterator[Crawl]:
    crawler = Crawl(app, world)
    root = logging.getLogger()
    root.addHandler(crawler.log)
    yield crawler
    root.removeHandler(crawler.log)


def _signed_in(app: Flask, who: str) -> Caller:
    browser = Browser(app.test_client())
    browser.login(who)
    return Caller(who, browser.client, csrf=browser.csrf)


def _api_caller(app: Flask, who: str) -> Caller:
    return Caller(who, app.test_client(), headers=basic(who))


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def _is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def _openapi_args(app: Flask) -> dict[tuple[str, str], tuple[str, ...]]:
    """(method, path) -> the query parameters the OpenAPI document lists."""
    client = app.test_client()
    document = client.get("/api/openapi.json", headers=basic("admin")).get_json()
    found = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict):
                names = tuple(
                    p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
                )
                found[(method.upper(), re.sub(r"\{(\w+)\}", r"<\1>", path))] = names
    return found


JSON = "application/json"
TEXT = "text/plain"


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) & {"GET", "POST", "DELETE"})


def _args_of(rule: Rule, method: str, openapi: dict) -> tuple[str, ...]:
    plan = ROUTES[rule.endpoint]
    documented = openapi.get((method, rule.rule), ())
    return tuple(dict.fromkeys((*documented, *plan.args)))


def _values(who: str) -> list[bytes]:
    return HOSTILE if who == "admin" else SHARP


def _json_values(who: str) -> list[Any]:
    return JSON_VALUES if who == "admin" else SHARP_JSON


def _caller_for(app: Flask, rule: Rule, who: str, callers: dict[str, Caller]) -> Caller:
    """The API client, the signed-in browser, or (for sign-in and sign-out) an anonymous one."""
    kind = "api" if _is_api(rule) else ("anonymous" if ROUTES[rule.endpoint].anonymous else who)
    if kind not in callers:
        if kind == "api":
            callers[kind] = _api_caller(app, who)
        elif kind == "anonymous":
            browser = Browser(app.test_client())
            browser.get("/login")
            callers[kind] = Caller("anonymous", browser.client, csrf=browser.csrf)
        else:
            callers[kind] = _signed_in(app, who)
    return callers[kind]


def _with_query(url: str, pairs: Iterable[tuple[str, bytes]]) -> str:
    return f"{url}?{query(pairs)}"


def _form_body(form: dict[str, Any], csrf: str | None) -> bytes:
    pairs: list[tuple[str, bytes]] = []
    for name, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item if isinstance(item, bytes) else str(item).encode()))
    if csrf:
        pairs.append(("csrf_token", csrf.encode()))
    return query(pairs).encode()


def _post_form(crawl: Crawl, caller: Caller, url: str, form: dict, where: str, value: Any, **kw):
    body = _form_body(form, caller.csrf)
    kind = "application/x-www-form-urlencoded"
    return crawl.send(caller, "POST", url, where, value, data=body, content_type=kind, **kw)


def _send_body(crawl, caller, method, url, where, value, body: bytes, mimetype: str):
    return crawl.send(caller, method, url, where, value, data=body, content_type=mimetype)


def _valid_body(crawl: Crawl, plan: Plan) -> bytes:
    if plan.body == "json":
        return json_text(crawl.fill(plan.json)).encode()
    if plan.body == "uids":
        return json_text([crawl.world.ids["private"]]).encode()
    return crawl.fill(plan.text).encode() if plan.body == "text" else b""


def _discover(crawl: Crawl, caller: Caller, url: str, text: bytes, after: str) -> list[str]:
    """The names a 400 lists after ``after`` (filterable properties, operators)."""
    response = crawl.send(caller, "GET", _with_query(url, [("filter", text)]), "probe", text)
    message = response.get_json().get("message", "") if response is not None else ""
    listed = message.split(after, 1)[1] if after in message else ""
    return [name.strip() for name in listed.rstrip(".").split(",") if name.strip()]


def _replacements(body: dict, values: list[Any]) -> Iterator[tuple[str, Any, Any]]:
    """(where, value, body) with one property replaced: at the top by each of ``values``,
    inside the first object of a list (or an object) by each of :data:`SHARP_JSON`."""
    for key, item in body.items():
        for value in values:
            yield key, value, {**body, key: value}
        first = item[0] if isinstance(item, list) and item else item
        if isinstance(first, dict):
            for inner in first:
                for value in SHARP_JSON:
                    changed = {**first, inner: value}
                    shaped = [changed] if item is not first else changed
                    yield f"{key}.{inner}", value, {**body, key: shaped}


# --- tests ----------------------------------------------------------------------------------

WHO = ["admin", "ana"]


def test_every_route_has_a_hostile_input_plan(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ROUTES))
    assert not missing, f"Add these routes to ROUTES in {__name__}: {missing}"
    unknown = sorted(set(ROUTES) - endpoints)
    assert not unknown, f"ROUTES names routes the app does not have: {unknown}"


def test_the_crawl_reports_server_errors_and_escaped_exceptions(app, world, crawl):
    # A view that fails answers 500 through the app's error handler; a response that
    # cannot be made escapes to the test client (Flask propagates it when TESTING).
    app.view_functions["dashboard.badge"] = lambda: 1 / 0
    app.view_functions["profile.show"] = lambda: object()
    caller = _signed_in(app, "ana")
    crawl.send(caller, "GET", "/badge", "plain", "")
    crawl.send(caller, "GET", "/profile", "plain", "")
    report = crawl.report()
    assert len(crawl.failures) == 2, report
    assert "500: ZeroDivisionError" in report
    assert "raised TypeError" in report and "GET /profile" in report


@pytest.mark.parametrize("who", WHO)
def test_query_parameters_of_every_get_route_never_give_a_server_error(app, crawl, who):
    openapi = _openapi_args(app)
    callers: dict[str, Caller] = {}
    for rule in _rules(app):
        if "GET" not in _methods(rule):
            continue
        caller = _caller_for(app, rule, who, callers)
        args = _args_of(rule, "GET", openapi)
        for number, variant in enumerate(ROUTES[rule.endpoint].paths):
            url = crawl.url(rule, variant, caller)
            crawl.send(caller, "GET", url, "plain", "")
            for target in ("candidates", "x" * 1000):
                headers = {"HX-Request": "true", "HX-Target": target}
                crawl.send(caller, "GET", url, "HX-Target", target, headers=headers)
            for name, value in HEADERS if number == 0 else []:
                crawl.send(caller, "GET", url, name, value, headers={name: value})
            # Other variants of the URL differ in what they show, not in how they read.
            values = _values(who) if number == 0 else SHARP
            for name in args:
                for value in values:
                    crawl.send(caller, "GET", _with_query(url, [(name, value)]), name, value)
                for pair in DUPLICATES:
                    pairs = [(name, pair[0]), (name, pair[1])]
                    crawl.send(caller, "GET", _with_query(url, pairs), name, pair)
            if not _is_api(rule):
                for name in set(COMMON_ARGS) - set(args):
                    for value in SHARP:
                        crawl.send(caller, "GET", _with_query(url, [(name, value)]), name, value)
    assert not crawl.failures, crawl.report()


@pytest.mark.parametrize("who", WHO)
def test_filter_and_order_of_every_api_list_never_give_a_server_error(app, crawl, who):
    """Each list's filterable properties and their operators are read off its own 400s."""
    openapi = _openapi_args(app)
    caller = _api_caller(app, who)
    lists = [rule for rule in _rules(app) if "filter" in openapi.get(("GET", rule.rule), ())]
    assert len(lists) >= 5
    for rule in lists:
        url = crawl.url(rule, {}, caller)
        properties = _discover(crawl, caller, url, b"zzz:eq:1", "Filterable properties:")
        assert properties, rule.rule
        read_alike: set[tuple[str, ...]] = set()
        for prop in properties:
            operators = _discover(crawl, caller, url, f"{prop}:zzz:1".encode(), "Use one of:")
            assert operators, (rule.rule, prop)
            # Properties offering the same operators are of one type and read values
            # alike: the first of them gets every value, the others the sharpest.
            values = SHARP if tuple(operators) in read_alike else _values(who)
            read_alike.add(tuple(operators))
            # Every operator with one sharp value (in turn, alone or as the first of an
            # unbalanced list), the first operator with every value.
            for number, operator in enumerate(operators):
                value = SHARP[number % len(SHARP)]
                text = value if number % 2 else b"[" + value + b",1"
                pairs = [("filter", f"{prop}:{operator}:".encode() + text)]
                crawl.send(caller, "GET", _with_query(url, pairs), f"filter {prop}", pairs)
            if who != "admin":
                continue  # the same parsing; the ordinary user's lists differ in scope only
            for value in values:
                pairs = [("filter", f"{prop}:{operators[0]}:".encode() + value)]
                crawl.send(caller, "GET", _with_query(url, pairs), f"filter {prop}", pairs)
            for value in SHARP:
                pairs = [("order", f"{prop}:".encode() + value)]
                crawl.send(caller, "GET", _with_query(url, pairs), "order", pairs)
            junction = [("filter", f"{prop}:{operators[0]}:1".encode()), ("rootJunction", b"OR")]
            crawl.send(caller, "GET", _with_query(url, junction * 2), "rootJunction", junction)
    assert not crawl.failures, crawl.report()


@pytest.mark.parametrize("who", WHO)
def test_fields_of_every_page_form_never_give_a_server_error(app, crawl, who):
    callers: dict[str, Caller] = {}
    for rule in _rules(app):
        plan = ROUTES[rule.endpoint]
        if _is_api(rule) or "POST" not in _methods(rule):
            continue
        caller = _caller_for(app, rule, who, callers)
        for number, variant in enumerate(plan.paths):
            url = crawl.url(rule, variant, caller)
            for index, base in enumerate(plan.forms or [{}]):
                form = crawl.fill(base)
                # Other variants differ in where the form goes, not in how it is read.
                values = _values(who) if number == index == 0 else SHARP
                _post_form(crawl, caller, url, form, "valid form", form)
                htmx = {"HX-Request": "true", "HX-Target": "conversation-list"}
                _post_form(crawl, caller, url, form, "htmx", form, headers=htmx)
                for header, value in STORED_HEADERS:
                    _post_form(crawl, caller, url, form, header, value, headers={header: value})
                for name in form:
                    missing = {key: value for key, value in form.items() if key != name}
                    _post_form(crawl, caller, url, missing, name, "(missing)")
                    for value in values:
                        _post_form(crawl, caller, url, {**form, name: value}, name, value)
                    for pair in DUPLICATES:
                        _post_form(crawl, caller, url, {**form, name: list(pair)}, name, pair)
                if form:
                    name = next(iter(form))
                    big = {**form, name: b"x" * FIVE_MB}
                    _post_form(crawl, caller, url, big, name, "5 MB")
    assert not crawl.failures, crawl.report()


@pytest.mark.parametrize("who", WHO)
def test_ids_in_every_url_never_give_a_server_error(app, crawl, who):
    callers: dict[str, Caller] = {}
    for rule in _rules(app):
        if not rule.arguments:
            continue
        caller = _caller_for(app, rule, who, callers)
        plan = ROUTES[rule.endpoint]
        form = crawl.fill(plan.forms[0]) if plan.forms else {}
        for method in _methods(rule):
            for argument in sorted(rule.arguments):
                for value in PATH_VALUES:
                    url = crawl.url(rule, plan.paths[0], caller, **{argument: encode(value)})
                    if method == "POST" and not _is_api(rule):
                        _post_form(crawl, caller, url, form, f"<{argument}>", value)
                    else:
                        crawl.send(caller, method, url, f"<{argument}>", value)
    assert not crawl.failures, crawl.report()


@pytest.mark.parametrize("who", WHO)
def test_parameters_and_bodies_of_every_api_write_never_give_a_server_error(app, crawl, who):
    openapi = _openapi_args(app)
    caller = _api_caller(app, who)
    ids = crawl.world.ids
    for rule in _rules(app):
        if not _is_api(rule):
            continue
        plan = ROUTES[rule.endpoint]
        for method in _methods(rule):
            if method == "GET":
                continue
            for variant in plan.paths:
                url = crawl.url(rule, variant, caller)
                mimetype = TEXT if plan.body == "text" else JSON
                valid = _valid_body(crawl, plan)
                for name in _args_of(rule, method, openapi):
                    for value in _values(who):
                        hostile = _with_query(url, [(name, value)])
                        _send_body(crawl, caller, method, hostile, name, value, valid, mimetype)
                if plan.body is None:
                    continue
                _send_body(crawl, caller, method, url, "valid body", valid, valid, mimetype)
                for header, value in STORED_HEADERS:
                    crawl.send(
                        caller,
                        method,
                        url,
                        header,
                        value,
                        data=valid,
                        content_type=mimetype,
                        headers={header: value},
                    )
                for whole in WHOLE_BODIES:
                    _send_body(crawl, caller, method, url, "body", whole, whole, JSON)
                for whole in [*WHOLE_BODIES[:9], b"x" * FIVE_MB]:
                    _send_body(crawl, caller, method, url, "text body", whole, whole, TEXT)
                if plan.body == "text":
                    for value in _values(who):
                        _send_body(crawl, caller, method, url, "text", value, value, TEXT)
                    for value in _json_values(who):
                        text = json_text(value).encode()
                        _send_body(crawl, caller, method, url, "JSON text", value, text, JSON)
                elif plan.body == "uids":
                    for value in _json_values(who):
                        for shape in ([value], [ids["private"], value]):
                            text = json_text(shape).encode()
                            _send_body(crawl, caller, method, url, "ids", shape, text, JSON)
                else:
                    body = crawl.fill(plan.json)
                    for where, value, changed in _replacements(body, _json_values(who)):
                        text = json_text(changed).encode()
                        _send_body(crawl, caller, method, url, where, value, text, JSON)
    assert not crawl.failures, crawl.report()


def test_hostile_credentials_never_give_a_server_error(app, crawl):
    import base64

    anonymous = Caller("anonymous", app.test_client())
    for value in [*HOSTILE, b"ana:\x00", b"\x00:" + PASSWORD.encode(), b"ana:" + b"x" * 10_000]:
        for header in (
            b"Basic " + base64.b64encode(value),
            b"Basic " + base64.b64encode(b"ana:" + value),
            b"Basic " + value,
            b"ApiToken " + value,
            b"Bearer " + value,
            value,
        ):
            if b"\n" in header or b"\r" in header:
                continue  # no client can send a line break inside a header
            headers = {"Authorization": header.decode("latin-1")}
            crawl.send(anonymous, "GET", "/api/me", "Authorization", header, headers=headers)
    assert not crawl.failures, crawl.report()
