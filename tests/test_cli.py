"""The ``mailroom`` command line, run as a user runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from click.testing import CliRunner

from kernel.cli import main
from kernel.models import User

MAILROOM = str(Path(sys.executable).with_name("mailroom"))


def run(app, *args, input=None):
    return CliRunner().invoke(main, list(args), obj={"app": app}, input=input)


def test_init_creates_a_superuser_once_and_prints_a_generated_password(app):
    first = run(app, "init")
    assert first.exit_code == 0, first.output
    assert "Generated password for admin:" in first.output
    assert "Created superuser admin." in first.output
    second = run(app, "init")
    assert "Database is up to date." in second.output
    assert User.select().count() == 1


def test_init_takes_the_admin_password_from_the_environment(app, sign_in):
    result = CliRunner().invoke(
        main, ["init"], obj={"app": app}, env={"MAILROOM_ADMIN_PASSWORD": "s3cret-pass"}
    )
    assert result.exit_code == 0, result.output
    assert "Generated password" not in result.output
    assert sign_in(app, "admin", "s3cret-pass").get("/").status_code == 200


def test_create_user_who_can_then_log_in(app, people, sign_in):
    result = run(
        app,
        "create-user",
        "chw01",
        "--first-name",
        "Kadi",
        "--surname",
        "Jalloh",
        "--password",
        "long-enough",
        "--group",
        "District officers",
    )
    assert result.exit_code == 0, result.output
    assert "Created user chw01" in result.output
    assert sign_in(app, "chw01", "long-enough").get("/").status_code == 200


def test_create_user_refuses_bad_input_and_creates_nothing(app, people):
    before = User.select().count()
    short = run(
        app, "create-user", "x1", "--first-name", "A", "--surname", "B", "--password", "short"
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    taken = run(
        app,
        "create-user",
        "ana",
        "--first-name",
        "A",
        "--surname",
        "B",
        "--password",
        "long-enough",
    )
    assert taken.exit_code != 0 and "already taken" in taken.output
    no_group = run(
        app,
        "create-user",
        "x2",
        "--first-name",
        "A",
        "--surname",
        "B",
        "--password",
        "long-enough",
        "--group",
        "Nope",
    )
    assert no_group.exit_code != 0 and "No such user group: Nope" in no_group.output
    assert User.select().count() == before


def test_demo_loads_once_and_is_safe_to_run_again(app):
    first = run(app, "demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert "Loaded the demo data." in first.output
    assert "log in as admin / district" in first.output
    count = User.select().count()
    second = run(app, "demo", "--no-serve")
    assert "Demo data already present; nothing changed." in second.output
    assert User.select().count() == count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path(MAILROOM).exists(), reason="console script not installed")
def test_demo_command_serves_a_login_page_where_admin_district_logs_in(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILROOM_")}
    env["MAILROOM_INSTANCE_PATH"] = str(tmp_path / "instance")
    server = subprocess.Popen(
        [MAILROOM, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    output = server.stdout.read() if server.poll() is not None else "no answer"
                    raise AssertionError(output) from error
                time.sleep(0.2)
        # Several people, one after another, on the 2 workers: each gets a session of
        # their own and logs in (the workers once shared one request context, so only
        # the first visitor of each could).
        for _ in range(5):
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            login = opener.open(base + "/login", timeout=5)
            assert "session=" in login.headers.get("Set-Cookie", "")
            page = login.read().decode()
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            data = urllib.parse.urlencode(
                {"csrf_token": token, "username": "admin", "password": "district"}
            ).encode()
            dashboard = opener.open(base + "/login", data=data, timeout=10).read().decode()
            assert "Unread messages" in dashboard
            assert "John Traore" in dashboard
    finally:
        server.terminate()
        server.wait(timeout=30)
