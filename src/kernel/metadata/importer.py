"""Importing DHIS2 metadata JSON: every list the kernel and the plugins know, in their
order, in one transaction."""

from __future__ import annotations

import logging
from typing import Any

from peewee import IntegrityError

from kernel.contributions import MetadataSection
from kernel.db import database
from kernel.metadata import groups, roles, users
from kernel.metadata.job import AtomicMode, ImportRun, ImportStrategy, MetadataImportError, Progress
from kernel.metadata.report import ImportReport, Stats
from kernel.plugins import current_hooks

log = logging.getLogger(__name__)

# Gaps leave room for plugin lists: what users refer to (organisationUnits) goes below 50.
KERNEL_SECTIONS = [
    MetadataSection(key="userRoles", klass=roles.KLASS, order=10, run=roles.import_roles),
    MetadataSection(key="users", klass=users.KLASS, order=50, run=users.import_users),
    MetadataSection(key="userGroups", klass=groups.KLASS, order=60, run=groups.import_groups),
]


class _Discard(Exception):
    """Atomic mode ALL met an error: leave the transaction without writing anything."""


def import_metadata(
    payload: dict[str, Any],
    *,
    import_strategy: str = "CREATE_AND_UPDATE",
    atomic_mode: str = "ALL",
    progress: Progress | None = None,
) -> ImportReport:
    """Create, update or delete the users, roles, groups (and what plugins add) of a DHIS2
    metadata file, matching stored objects by DHIS2 id.

    :param payload: the parsed JSON object, e.g. ``{"userRoles": [...], "users": [...]}``;
        keys no section knows (``system``, …) are ignored.
    :param import_strategy: ``CREATE_AND_UPDATE``, ``CREATE``, ``UPDATE`` or ``DELETE``.
    :param atomic_mode: ``ALL`` (any error: nothing is written, status ERROR) or ``NONE``
        (the valid objects are written and the others reported, status WARNING).
    :param progress: called as ``progress(done, total)`` while objects are processed.
    :returns: the DHIS2-style report; problems with single objects are in it, never raised.
    :raises MetadataImportError: for unknown options, or a payload that is not an object
        of lists.
    """
    strategy = ImportStrategy.parse(import_strategy)
    atomic = AtomicMode.parse(atomic_mode)
    if not isinstance(payload, dict):
        raise MetadataImportError(
            'The metadata must be a JSON object of lists, such as {"users": [...]}.'
        )
    sections = [s for s in current_hooks().metadata_sections() if payload.get(s.key) is not None]
    for section in sections:
        if not isinstance(payload[section.key], list):
            raise MetadataImportError(f'"{section.key}" must be a list of objects.')
    if strategy is ImportStrategy.DELETE:
        # Objects that refer to others go first, so nothing is deleted while referred to.
        sections.reverse()
    run = ImportRun(payload, strategy, sum(len(payload[s.key]) for s in sections), progress)
    message = None
    try:
        with database.atomic():
            for section in sections:
                section.run(payload[section.key], run.job(section.klass))
            for step in run.after_steps:
                step()
            if atomic is AtomicMode.ALL and run.has_errors():
                raise _Discard
    except _Discard:
        _nothing_written(run)
    except IntegrityError:
        # Every object was checked before writing, so this is a concurrent change.
        log.exception("metadata import refused by the database")
        _nothing_written(run)
        message = (
            "The database refused the import, probably because the same users, roles or "
            "groups were changed meanwhile. Nothing was written; import the file again."
        )
    if message or (atomic is AtomicMode.ALL and run.has_errors()):
        status = "ERROR"
    else:
        status = "WARNING" if run.has_errors() else "OK"
    return ImportReport(status=status, type_reports=run.type_reports, message=message)


def _nothing_written(run: ImportRun) -> None:
    for report in run.type_reports:
        report.stats = Stats(ignored=report.stats.total)
