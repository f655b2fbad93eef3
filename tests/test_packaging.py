"""The distribution ships every package, template, stylesheet and migration."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _package_dirs() -> tuple[dict[str, Path], list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return {name: ROOT / path for name, path in config["package-dir"].items()}, config["packages"]


def test_every_python_package_is_listed_for_the_wheel():
    roots, listed = _package_dirs()
    found = set()
    for root_name in ("kernel", "plugins"):
        root = roots[root_name]
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root)
            if "tests" in relative.parts or "__pycache__" in relative.parts:
                continue
            found.add(".".join((root_name, *relative.parts)))
    assert sorted(found - set(listed)) == []


def test_kernel_templates_and_static_files_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = config["package-data"]
    assert "*.html" in data["kernel.templates"] and "**/*.html" in data["kernel.templates"]
    assert "static/*" in data["kernel"]
    assert list((ROOT / "templates" / "partials").glob("*.html"))
