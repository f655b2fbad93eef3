"""The app factory: configuration, plugins, database, pages and request handling."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from kernel import api
from kernel.config import load_config, secret_key_for
from kernel.db import open_database
from kernel.jobs import JobQueue
from kernel.plugins import Hooks, build_plugin_manager
from kernel.web import (
    admin,
    assets,
    auth_views,
    compression,
    conversations,
    dashboard,
    errors,
    inbox,
    profile,
    requests,
    settings,
    template_helpers,
)
from kernel.web.sessions import SessionCookie


def kernel_templates_path() -> Path:
    return Path(str(files("kernel.templates")))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a Mailroom app.

    :param config: overrides on top of the defaults and the ``MAILROOM_*`` environment
        (see :func:`kernel.config.load_config`).
    """
    configuration = load_config(config)
    app = Flask(
        "kernel",
        template_folder=str(kernel_templates_path()),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(Path(configuration["INSTANCE_PATH"]).resolve()),
    )
    app.config.update(configuration)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key_for(Path(app.instance_path))
    if app.config["DATABASE_URL"].startswith("sqlite:///"):
        Path(app.config["DATABASE_URL"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )

    hooks = Hooks(build_plugin_manager(configuration["PLUGINS"], configuration["EXTRA_PLUGINS"]))
    app.extensions["mailroom.hooks"] = hooks
    app.extensions["mailroom.database"] = open_database(app.config["DATABASE_URL"])

    app.extensions["mailroom.jobs"] = JobQueue(app, hooks.jobs())

    app.session_interface = SessionCookie()
    Htmx(app)
    # Flask-WTF would check CSRF before anyone is signed in; kernel.web.requests checks it
    # right after, when it knows whether an API call carries its own credentials.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    CSRFProtect(app)
    requests.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    template_helpers.init_app(app)
    for blueprint in (
        assets.blueprint,
        auth_views.blueprint,
        dashboard.blueprint,
        inbox.blueprint,
        conversations.blueprint,
        settings.blueprint,
        profile.blueprint,
        *api.blueprints(),
        admin.blueprint,
    ):
        app.register_blueprint(blueprint)
    for blueprint in hooks.blueprints():
        app.register_blueprint(blueprint)
    return app
