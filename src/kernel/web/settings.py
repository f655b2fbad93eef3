"""The settings page: every setting plugins declare, grouped in sections (authority ALL)."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kernel.access import is_superuser
from kernel.db import database
from kernel.models import Setting
from kernel.plugins import current_hooks

blueprint = Blueprint("settings", __name__)
MAX_VALUE_LENGTH = 1000


def _sections(values: dict) -> list[tuple[str, list]]:
    fields = sorted(
        current_hooks().settings_fields(), key=lambda f: (f.section != "General", f.section)
    )
    return [
        (section, [(f, values.get(f.key), f.choices() if f.choices else None) for f in group])
        for section, group in groupby(fields, key=lambda f: f.section)
    ]


@blueprint.route("/settings", methods=["GET", "POST"])
def edit() -> str | Response | tuple[str, int]:
    if not is_superuser(g.user):
        abort(403)
    fields = current_hooks().settings_fields()
    if request.method == "GET":
        values = {f.key: Setting.read(f.key, f.default) for f in fields}
        return render_template("settings.html", sections=_sections(values), errors={})
    values, errors = {}, {}
    for f in fields:
        raw = request.form.get(f.key, "").strip()
        if f.choices is not None and raw and raw not in {v for v, _ in f.choices()}:
            errors[f.key] = "Choose one of the listed options."
        elif len(raw) > MAX_VALUE_LENGTH:
            errors[f.key] = f"Use at most {MAX_VALUE_LENGTH} characters."
        elif raw and f.validate is not None and (problem := f.validate(raw)):
            errors[f.key] = problem
        values[f.key] = raw or None
    if errors:
        return render_template("settings.html", sections=_sections(values), errors=errors), 400
    before = {key: Setting.read(key) for key in values}
    with database.atomic():
        for key, value in values.items():
            Setting.write(key, value)
    for key, value in values.items():
        if before[key] != value:
            current_hooks().setting_changed(key, before[key], value)
    flash("Settings saved.")
    return redirect(url_for(".edit"), code=303)
