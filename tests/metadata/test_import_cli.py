"""``mailroom import-metadata FILE``: a progress bar, a summary, and a clear word for files
that cannot be imported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kernel.cli import main
from kernel.models import User
from tests.metadata.conftest import refs, sample, user


def run(app, *args):
    return CliRunner().invoke(main, ["import-metadata", *map(str, args)], obj={"app": app})


@pytest.fixture
def metadata_file(tmp_path):
    def write(content, name="metadata.json"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    return write


def test_import_shows_progress_on_stderr_and_a_summary(app, metadata_file):
    result = run(app, metadata_file(sample()))

    assert result.exit_code == 0, result.output
    assert "Import OK: 5 created, 0 updated, 0 deleted, 0 ignored (5 objects)." in result.stdout
    assert "  User: 2 created, 0 updated, 0 deleted, 0 ignored" in result.stdout
    assert "Importing: 100%" in result.stderr and "5/5" in result.stderr
    with app.app_context():
        assert User.select().count() == 2


def test_import_again_updates(app, metadata_file):
    path = metadata_file(sample())
    run(app, path)

    result = run(app, path)

    assert "Import OK: 0 created, 5 updated" in result.stdout


def test_errors_are_listed_and_exit_non_zero_when_nothing_was_written(app, metadata_file):
    payload = sample()
    payload["users"].append(user("userBad0001", "bad", userRoles=refs("roleUnknown")))

    result = run(app, metadata_file(payload))

    assert result.exit_code == 1
    assert "Import ERROR: 0 created, 0 updated, 0 deleted, 6 ignored" in result.stdout
    assert "Nothing was written" in result.stdout and "--atomic-mode NONE" in result.stdout
    assert "User #2 (userBad0001): E5002 Invalid reference roleUnknown" in result.stdout
    with app.app_context():
        assert User.select().count() == 0


def test_atomic_mode_none_writes_the_rest_and_succeeds_with_a_warning(app, metadata_file):
    payload = sample()
    payload["users"].append(user("userBad0001", "bad", userRoles=refs("roleUnknown")))

    result = run(app, metadata_file(payload), "--atomic-mode", "none")

    assert result.exit_code == 0
    assert "Import WARNING: 5 created, 0 updated, 0 deleted, 1 ignored" in result.stdout
    assert "Errors (1):" in result.stdout


def test_strategy_option_is_passed_on(app, metadata_file):
    path = metadata_file(sample())
    run(app, path)

    result = run(app, path, "--import-strategy", "DELETE")

    assert result.exit_code == 0 and "0 created, 0 updated, 5 deleted" in result.stdout
    assert run(app, path, "--import-strategy", "MERGE").exit_code == 2


def test_the_full_report_can_be_written_to_a_file(app, metadata_file, tmp_path):
    target = tmp_path / "report.json"

    result = run(app, metadata_file(sample()), "--report", target)

    assert f"Wrote the full report to {target}." in result.stdout
    report = json.loads(target.read_text())
    assert report["status"] == "OK" and report["stats"]["created"] == 5


def test_many_errors_are_cut_short(app, metadata_file):
    payload = {"users": [user(f"user{n:07d}", "same") for n in range(60)]}

    result = run(app, metadata_file(payload), "--atomic-mode", "NONE")

    assert "Errors (59):" in result.stdout
    assert "… and 9 more: see --report." in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"users": [', "is not valid JSON: Expecting value at line 1, column 12."),
        ("", "is not valid JSON"),
        (b"\x80\x81\x82", "is not valid JSON: it is not UTF-8 text."),
        ('{"users": [{"firstName": "\\ud800"}]}', "holds half of a surrogate pair"),
        ("[" * 200_000, "is nested too deeply to be read as JSON."),
        ("[]", "must be a JSON object of lists"),
        ('{"users": {"id": "x"}}', '"users" must be a list of objects.'),
        (
            '{"system": {}}',
            # Plugins add their lists (organisationUnits, validationRules, …) after the kernel's.
            "has none of the lists Mailroom imports (userRoles, ",
        ),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message(app, metadata_file, content, message):
    path = metadata_file(content)

    result = run(app, path)

    assert result.exit_code == 1
    assert f"Error: {path}" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_named(app, tmp_path):
    result = run(app, tmp_path / "nowhere.json")

    assert result.exit_code == 2
    assert "does not exist" in result.output
