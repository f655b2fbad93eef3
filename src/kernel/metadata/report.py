"""The import report, shaped like DHIS2's: status, stats, and per type the objects that
were refused with their error reports. ``to_dict()`` gives the JSON the API returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ErrorReport:
    """One problem with one object, with DHIS2's error code (E4000, E5002, …)."""

    message: str
    error_code: str
    main_klass: str = ""
    error_property: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "errorCode": self.error_code,
            "mainKlass": self.main_klass,
            "errorProperty": self.error_property,
        }


@dataclass
class ObjectReport:
    """A refused object: its position in its list, its id if it had one, and why."""

    klass: str
    index: int
    uid: str | None
    error_reports: list[ErrorReport] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "klass": self.klass,
            "index": self.index,
            "uid": self.uid,
            "errorReports": [error.to_dict() for error in self.error_reports],
        }


@dataclass
class Stats:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted + self.ignored

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.created + other.created,
            self.updated + other.updated,
            self.deleted + other.deleted,
            self.ignored + other.ignored,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "ignored": self.ignored,
            "total": self.total,
        }


@dataclass
class TypeReport:
    """What happened to one list of the file (``users``, ``userGroups``, …).

    Every object ends up counted once: created, updated, deleted, or ignored because it
    has at least one error report.
    """

    klass: str
    stats: Stats = field(default_factory=Stats)
    objects: dict[int, ObjectReport] = field(default_factory=dict)

    def add_error(
        self,
        index: int,
        uid: str | None,
        code: str,
        message: str,
        error_property: str | None = None,
    ) -> None:
        self.add(index, uid, ErrorReport(message, code, self.klass, error_property))

    def add(self, index: int, uid: str | None, error: ErrorReport) -> None:
        if index not in self.objects:
            self.objects[index] = ObjectReport(self.klass, index, uid)
            self.stats.ignored += 1
        error.main_klass = error.main_klass or self.klass
        self.objects[index].error_reports.append(error)

    def refused(self, index: int) -> bool:
        return index in self.objects

    def to_dict(self) -> dict[str, Any]:
        return {
            "klass": self.klass,
            "stats": self.stats.to_dict(),
            "objectReports": [self.objects[i].to_dict() for i in sorted(self.objects)],
        }


@dataclass
class ImportReport:
    """The outcome of one import: OK, WARNING (some objects refused, the rest written,
    atomic mode NONE) or ERROR (nothing written)."""

    status: str
    type_reports: list[TypeReport]
    message: str | None = None  # for a failure that concerns no one object

    @property
    def stats(self) -> Stats:
        total = Stats()
        for type_report in self.type_reports:
            total = total + type_report.stats
        return total

    def errors(self) -> Iterator[tuple[ObjectReport, ErrorReport]]:
        for type_report in self.type_reports:
            for index in sorted(type_report.objects):
                object_report = type_report.objects[index]
                for error in object_report.error_reports:
                    yield object_report, error

    def to_dict(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "status": self.status,
            "stats": self.stats.to_dict(),
            "typeReports": [type_report.to_dict() for type_report in self.type_reports],
        }
        if self.message:
            report["message"] = self.message
        return report
