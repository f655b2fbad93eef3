"""DHIS2 metadata import: user roles, users (both JSON shapes), user groups, and the lists
and user properties plugins add through ``mailroom_metadata_sections`` and
``mailroom_metadata_user_fields``.

``import_metadata(payload)`` returns a DHIS2-style :class:`ImportReport`; the CLI's
``import-metadata`` and the API's ``POST /api/metadata`` call it.
"""

from kernel.metadata.importer import import_metadata
from kernel.metadata.job import AtomicMode, ImportStrategy, MetadataImportError, SectionJob
from kernel.metadata.report import ErrorReport, ImportReport, ObjectReport, Stats, TypeReport

__all__ = [
    "AtomicMode",
    "ErrorReport",
    "ImportReport",
    "ImportStrategy",
    "MetadataImportError",
    "ObjectReport",
    "SectionJob",
    "Stats",
    "TypeReport",
    "import_metadata",
]
