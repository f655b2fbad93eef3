"""Configuration: defaults, then the MAILROOM_* environment, then what the caller passes."""

import os
from pathlib import Path
from typing import Any

DEFAULT_INSTANCE_PATH = Path.cwd() / "instance"


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app configuration.

    Environment variables (all optional):
    ``MAILROOM_DATABASE_URL`` (default: SQLite file in the instance folder),
    ``MAILROOM_PLUGINS`` (comma-separated plugin names; unset = every installed plugin,
    empty = none), ``MAILROOM_SECRET_KEY``, ``MAILROOM_REDIS_URL``,
    ``MAILROOM_INSTANCE_PATH``, ``MAILROOM_MAX_RECIPIENTS`` (people one send may reach;
    0 for no cap), ``MAILROOM_SEND_RATE_LIMIT`` (new conversations per user and minute; 0
    for no limit), ``MAILROOM_EXTRA_PLUGINS`` (comma-separated module paths registered as
    plugins after the installed ones).
    """
    overrides = dict(overrides or {})
    instance_path = Path(
        overrides.get("INSTANCE_PATH")
        or os.environ.get("MAILROOM_INSTANCE_PATH")
        or DEFAULT_INSTANCE_PATH
    )
    config: dict[str, Any] = {
        "INSTANCE_PATH": instance_path,
        "DATABASE_URL": os.environ.get("MAILROOM_DATABASE_URL")
        or f"sqlite:///{instance_path / 'mailroom.db'}",
        "PLUGINS": _plugin_names(os.environ.get("MAILROOM_PLUGINS")),
        "SECRET_KEY": os.environ.get("MAILROOM_SECRET_KEY"),
        "REDIS_URL": os.environ.get("MAILROOM_REDIS_URL"),
        # Extra plugin objects registered next to the entry-point plugins (tests, embedding),
        # or their import paths from MAILROOM_EXTRA_PLUGINS (a plugin not installed as a
        # package, such as a site's own module).
        "EXTRA_PLUGINS": _import_paths(os.environ.get("MAILROOM_EXTRA_PLUGINS")),
        "PAGE_SIZE": 50,
        # A search counts its matches up to here ("More than 1,000 conversations match"):
        # an exact count of a common word would check every conversation of a folder.
        "SEARCH_COUNT_LIMIT": 1000,
        # The largest request body: DHIS2 metadata exports for a whole country are tens of
        # megabytes; anything larger is refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "MAX_SUBJECT_LENGTH": 255,
        "MAX_TEXT_LENGTH": 10_000,
        # The most people one send from a selection may reach (DHIS2 has no limit). 10,000
        # is the largest send the performance budget covers (SPEC §7); raise it knowingly.
        "MAX_RECIPIENTS": _int_env("MAILROOM_MAX_RECIPIENTS", 10_000),
        # New conversations one user may start per window, counted in the database so the
        # limit holds across server processes (SPEC §8). Replies are not counted.
        "SEND_RATE_LIMIT": _int_env("MAILROOM_SEND_RATE_LIMIT", 30),
        "SEND_RATE_WINDOW_SECONDS": 60,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        "BADGE_POLL_SECONDS": 30,
        # argon2 cost; tests lower it, production keeps the library's defaults.
        "PASSWORD_HASH_PARAMS": {},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
    config.update(overrides)
    if isinstance(config["PLUGINS"], str):
        config["PLUGINS"] = _plugin_names(config["PLUGINS"])
    return config


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from None


def _import_paths(value: str | None) -> list[str]:
    return [path.strip() for path in (value or "").split(",") if path.strip()]


def _plugin_names(value: str | None) -> list[str] | None:
    """None means every installed plugin; an empty string means none."""
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def secret_key_for(instance_path: Path) -> str:
    """A per-instance random key kept in the instance folder, so sessions survive restarts."""
    import secrets

    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
