"""The plugin's templates and its keyboard script ship in the wheel."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "plugins" / "user_messages"


def test_every_template_and_static_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["plugins.user_messages"]
    files = [
        p.relative_to(PLUGIN).as_posix()
        for folder in ("templates", "static")
        for p in (PLUGIN / folder).rglob("*")
        if p.is_file()
    ]
    assert "static/picker.js" in files and "templates/user_messages/compose.html" in files
    assert [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)] == []
