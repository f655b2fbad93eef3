"""Import options, and the job each section of one import works in.

A :class:`SectionJob` is what a section's import callable (kernel or plugin) receives:
the import strategy, the section's type report, progress, state shared by the sections of
the same import, and steps to run once every section has run.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from kernel.metadata.report import ErrorReport, TypeReport
from kernel.uid import is_valid_uid

Progress = Callable[[int, int], None]


class MetadataImportError(ValueError):
    """The file or the options cannot be imported at all (not one object's problem)."""


class ImportStrategy(StrEnum):
    CREATE_AND_UPDATE = "CREATE_AND_UPDATE"
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"

    @classmethod
    def parse(cls, value: str) -> ImportStrategy:
        # DHIS2 still accepts its older names.
        aliases = {"NEW_AND_UPDATES": "CREATE_AND_UPDATE", "NEW": "CREATE", "UPDATES": "UPDATE"}
        name = aliases.get(str(value).upper(), str(value).upper())
        if name not in cls.__members__:
            raise MetadataImportError(
                f"Unknown import strategy {value!r}: use one of {', '.join(cls.__members__)}."
            )
        return cls(name)


class AtomicMode(StrEnum):
    ALL = "ALL"  # any error: nothing is written
    NONE = "NONE"  # valid objects are written, the others reported

    @classmethod
    def parse(cls, value: str) -> AtomicMode:
        name = str(value).upper()
        if name not in cls.__members__:
            raise MetadataImportError(f"Unknown atomic mode {value!r}: use ALL or NONE.")
        return cls(name)


class ImportRun:
    """State of one import across its sections (internal to the importer)."""

    def __init__(
        self,
        payload: dict[str, Any],
        strategy: ImportStrategy,
        total: int,
        progress: Progress | None,
    ) -> None:
        self.payload = payload
        self.strategy = strategy
        self.total = total
        self.done = 0
        self.progress = progress
        self.shared: dict[str, Any] = {}
        self.after_steps: list[Callable[[], None]] = []
        self.type_reports: list[TypeReport] = []

    def job(self, klass: str) -> SectionJob:
        report = TypeReport(klass)
        self.type_reports.append(report)
        return SectionJob(self, report)

    def advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def has_errors(self) -> bool:
        return any(report.objects for report in self.type_reports)


class SectionJob:
    """The import of one list of the file, as its section's callable sees it."""

    def __init__(self, run: ImportRun, report: TypeReport) -> None:
        self._run = run
        self.report = report

    @property
    def strategy(self) -> ImportStrategy:
        return self._run.strategy

    @property
    def klass(self) -> str:
        return self.report.klass

    @property
    def shared(self) -> dict[str, Any]:
        """State shared by every section of this import; prefix keys with your plugin."""
        return self._run.shared

    def refuse(self, index: int, uid: str | None, error: ErrorReport) -> None:
        """Report a problem with the object at ``index``: it is then counted as ignored."""
        self.report.add(index, uid, error)

    def created(self, count: int = 1) -> None:
        self.report.stats.created += count

    def updated(self, count: int = 1) -> None:
        self.report.stats.updated += count

    def deleted(self, count: int = 1) -> None:
        self.report.stats.deleted += count

    def advance(self, count: int) -> None:
        """Move the progress bar on by ``count`` objects of this list."""
        self._run.advance(count)

    def payload_ids(self, key: str) -> set[str]:
        """The well-formed ids of the objects in another list of the same file (``userGroups``),
        whether or not that list's import accepts them."""
        objects = self._run.payload.get(key)
        if not isinstance(objects, list):
            return set()
        return {
            o["id"]
            for o in objects
            if isinstance(o, dict) and isinstance(o.get("id"), str) and is_valid_uid(o["id"])
        }

    def after(self, step: Callable[[], None]) -> None:
        """Run ``step`` once every section has run, still inside the import's transaction
        (links between objects of different lists, such as group memberships)."""
        self._run.after_steps.append(step)
