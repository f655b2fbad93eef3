"""``mailroom import-validation-results FILE``: store a DHIS2 validation-results JSON file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kernel.json_text import JsonTextError, load_json_file
from plugins.system_alerts.results import ResultsFormatError, store_results

MAX_ERRORS_SHOWN = 50


@click.command("import-validation-results")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_validation_results(file: Path) -> None:
    """Store the validation results in FILE (DHIS2 JSON: a list, or {"validationResults":
    [...]}); malformed ones are reported and skipped, the rest are stored to be notified."""
    from tqdm import tqdm

    try:
        payload = load_json_file(file)
    except JsonTextError as error:
        raise click.ClickException(str(error)) from None
    with tqdm(total=0, unit=" results", desc="Importing", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = store_results(payload, progress=progress)
        except ResultsFormatError as error:
            raise click.ClickException(f"{file}: {error}") from error
    stats = report.stats
    click.echo(f"Import {report.status}: {stats.created} stored, {stats.ignored} refused.")
    errors = list(report.errors())
    for object_report, error in errors[:MAX_ERRORS_SHOWN]:
        where = f"ValidationResult #{object_report.index}"
        if object_report.uid:
            where += f" ({object_report.uid})"
        click.echo(f"  {where}: {error.error_code} {error.message}")
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more.")
    if report.status == "ERROR":
        sys.exit(1)
