"""The ``mailroom`` command line: init, serve, demo, create-user, import-metadata, and plugin
commands."""

from __future__ import annotations

import contextvars
import gc
import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import Flask

from kernel.db import close_connections
from kernel.json_text import JsonTextError, load_json_file
from kernel.plugins import PluginError

if TYPE_CHECKING:
    from kernel.metadata import ImportReport

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def _make_app() -> Flask:
    from kernel.app import create_app

    try:
        return create_app()
    except PluginError as error:
        raise click.ClickException(str(error)) from error


class MailroomGroup(click.Group):
    """Adds the commands plugins contribute (``mailroom_cli_commands``) to the built-ins."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        obj = ctx.ensure_object(dict)
        if "plugin_commands" not in obj:
            if obj.get("app") is None:
                obj["app"] = _make_app()
            with obj["app"].app_context():
                commands = obj["app"].extensions["mailroom.hooks"].cli_commands()
            obj["plugin_commands"] = {c.name: c for c in commands}
        return obj["plugin_commands"]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)

    def invoke(self, ctx: click.Context) -> Any:
        # Every command, built-in or contributed, runs inside an app context.
        obj = ctx.ensure_object(dict)
        if obj.get("app") is None:
            obj["app"] = _make_app()
        with obj["app"].app_context():
            return super().invoke(ctx)


@click.group(cls=MailroomGroup)
def main() -> None:
    """Mailroom: messaging and feedback handling, DHIS2 style.

    Configured by environment: MAILROOM_DATABASE_URL, MAILROOM_PLUGINS,
    MAILROOM_SECRET_KEY, MAILROOM_REDIS_URL.
    """


def _current_app() -> Flask:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined]


def _migrate(app: Flask) -> None:
    from kernel.migrate import apply_migrations

    applied = apply_migrations(
        app.extensions["mailroom.database"], app.extensions["mailroom.hooks"]
    )
    for source, names in applied.items():
        for name in names:
            click.echo(f"Applied migration {source}: {name}")


@main.command()
@click.option("--admin-username", default="admin", show_default=True)
@click.option(
    "--admin-password",
    envvar="MAILROOM_ADMIN_PASSWORD",
    help="Password for the first superuser (default: asked for, or generated and printed).",
)
def init(admin_username: str, admin_password: str | None) -> None:
    """Create or upgrade the database, and create a superuser if there is none."""
    from kernel.people import PeopleError, create_user, superusers_exist

    app = _current_app()
    _migrate(app)
    if superusers_exist():
        click.echo("Database is up to date.")
        return
    if not admin_password:
        if sys.stdin.isatty():
            admin_password = click.prompt(
                f"Password for {admin_username}", hide_input=True, confirmation_prompt=True
            )
        else:
            admin_password = secrets.token_urlsafe(12)
            click.echo(f"Generated password for {admin_username}: {admin_password}")
    try:
        create_user(
            admin_username, "System", "Administrator", password=admin_password, superuser=True
        )
    except PeopleError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created superuser {admin_username}.")


@main.command("create-user")
@click.argument("username")
@click.option("--first-name", required=True)
@click.option("--surname", required=True)
@click.option("--email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--superuser", is_flag=True, help="Grant the ALL authority.")
@click.option("--group", "groups", multiple=True, help="Name of a user group to join (repeatable).")
def create_user_command(
    username: str,
    first_name: str,
    surname: str,
    email: str | None,
    password: str,
    superuser: bool,
    groups: tuple[str, ...],
) -> None:
    """Create a user who can log in."""
    from kernel.models import UserGroup
    from kernel.passwords import password_problem
    from kernel.people import PeopleError, create_user

    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    found = list(UserGroup.select().where(UserGroup.name.in_(groups))) if groups else []
    missing = set(groups) - {g.name for g in found}
    if missing:
        raise click.BadParameter(
            f"No such user group: {', '.join(sorted(missing))}", param_hint="--group"
        )
    try:
        user = create_user(
            username,
            first_name,
            surname,
            password=password,
            email=email,
            superuser=superuser,
            groups=found,
        )
    except PeopleError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created user {user.username} ({user.uid}).")


def _serve(app: Flask, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Flask:
            return app

    # Every command runs inside the app's context (MailroomGroup.invoke). Workers forked
    # from it would inherit that context, and Flask reuses a pushed app context for each
    # request: every request of a worker shared one `g`, so the first visitor's CSRF
    # token was served to everyone after (whose login then failed) and per-request caches
    # outlived their request. The server runs in an empty context instead.
    contextvars.Context().run(Server().run)


def _check_migrated(app: Flask) -> None:
    from kernel.migrate import pending_migrations

    pending = pending_migrations(
        app.extensions["mailroom.database"], app.extensions["mailroom.hooks"]
    )
    if pending:
        raise click.ClickException("The database needs migrating: run `mailroom init` first.")


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn (production WSGI server)."""
    app = _current_app()
    _check_migrated(app)
    _close(app)
    _serve(app, host, port, workers)


def _close(app: Flask) -> None:
    # Worker processes must not share the parent's database connections.
    close_connections(app.extensions["mailroom.database"])


@main.command()
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
def worker(workers: int) -> None:
    """Run background jobs (huey consumer) until stopped with Ctrl-C."""
    from kernel.jobs import job_queue

    app = _current_app()
    _check_migrated(app)
    queue = job_queue(app)
    click.echo(
        f"Worker started with {len(queue.jobs)} job(s): {', '.join(sorted(queue.jobs)) or 'none'}."
    )
    queue.huey.create_consumer(workers=workers, worker_type="thread").run()


@main.command("run-job")
@click.argument("name")
def run_job(name: str) -> None:
    """Run one background job now, in this process (a failure is reported as the worker would)."""
    from kernel.jobs import UnknownJob, job_queue

    queue = job_queue(_current_app())
    try:
        succeeded = queue.run_now(name)
    except UnknownJob as error:
        known = ", ".join(sorted(queue.jobs)) or "none"
        raise click.ClickException(f"No job named {name!r}. Jobs: {known}.") from error
    if not succeeded:
        raise click.ClickException(f"{name} failed; the failure was reported.")
    click.echo(f"Ran {name}.")


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create the database with demo users and messages, then serve it (admin / district)."""
    from kernel.demo import DEMO_PASSWORD, load_demo_data

    app = _current_app()
    _migrate(app)
    if load_demo_data():
        click.echo("Loaded the demo data.")
    else:
        click.echo("Demo data already present; nothing changed.")
    click.echo(f"Open http://{host}:{port}/ and log in as admin / {DEMO_PASSWORD}.")
    if not no_serve:
        _close(app)
        _serve(app, host, port, workers=2)


MAX_ERRORS_SHOWN = 50


@main.command("import-metadata")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--import-strategy",
    type=click.Choice(["CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE"], case_sensitive=False),
    default="CREATE_AND_UPDATE",
    show_default=True,
    help="Create new and update stored objects (matched by DHIS2 id), only one, or delete.",
)
@click.option(
    "--atomic-mode",
    type=click.Choice(["ALL", "NONE"], case_sensitive=False),
    default="ALL",
    show_default=True,
    help="ALL: any error and nothing is written. NONE: write the valid objects, report the others.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the full DHIS2-style import report to this JSON file.",
)
def import_metadata_command(
    file: Path, import_strategy: str, atomic_mode: str, report_path: Path | None
) -> None:
    """Import user roles, users and user groups (and what plugins add, such as organisation
    units) from a DHIS2 metadata JSON FILE, as exported by DHIS2's /api/metadata."""
    app = _current_app()
    _check_migrated(app)
    payload = _read_json(file)
    known = [section.key for section in app.extensions["mailroom.hooks"].metadata_sections()]
    if isinstance(payload, dict) and not set(known) & set(payload):
        raise click.ClickException(
            f"{file} has none of the lists Mailroom imports ({', '.join(known)})."
        )
    # The parsed file lives until the end: keep the garbage collector from walking it again
    # and again (a quarter of the time of a 20,000-user import).
    gc.freeze()
    try:
        report = _import_with_progress_bar(file, payload, import_strategy, atomic_mode)
    finally:
        gc.unfreeze()
    _echo_report(report, atomic_mode.upper())
    if report_path is not None:
        report_path.write_text(json.dumps(report.to_dict(), indent=2))
        click.echo(f"Wrote the full report to {report_path}.")
    if report.status == "ERROR":
        sys.exit(1)


def _import_with_progress_bar(
    file: Path, payload: Any, import_strategy: str, atomic_mode: str
) -> ImportReport:
    from tqdm import tqdm

    from kernel.metadata import MetadataImportError, import_metadata

    with tqdm(total=0, unit=" objects", desc="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = import_metadata(
                payload,
                import_strategy=import_strategy,
                atomic_mode=atomic_mode,
                progress=progress,
            )
        except MetadataImportError as error:
            raise click.ClickException(f"{file}: {error}") from error
    return report


def _read_json(file: Path) -> Any:
    try:
        return load_json_file(file)
    except JsonTextError as error:
        raise click.ClickException(str(error)) from None


def _counts(stats: dict[str, int]) -> str:
    return ", ".join(f"{stats[key]} {key}" for key in ("created", "updated", "deleted", "ignored"))


def _echo_report(report: ImportReport, atomic_mode: str) -> None:
    stats = report.stats.to_dict()
    click.echo(f"Import {report.status}: {_counts(stats)} ({stats['total']} objects).")
    for type_report in report.type_reports:
        click.echo(f"  {type_report.klass}: {_counts(type_report.stats.to_dict())}")
    if report.message:
        click.echo(report.message)
    errors = list(report.errors())
    if report.status == "ERROR" and errors and atomic_mode == "ALL":
        click.echo(
            "Nothing was written: fix the errors below, or import with --atomic-mode NONE "
            "to write the valid objects."
        )
    if errors:
        click.echo(f"Errors ({len(errors)}):")
    for object_report, error in errors[:MAX_ERRORS_SHOWN]:
        where = f"{object_report.klass} #{object_report.index}"
        if object_report.uid:
            where += f" ({object_report.uid})"
        click.echo(f"  {where}: {error.error_code} {error.message}")
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more: see --report.")
