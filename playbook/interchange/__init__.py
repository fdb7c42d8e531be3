"""Import and export of FieldOS engine JSON (docs/import-export.md).

An import runs in two steps. The reader (reader.py, with parse.py for each kind's keys)
turns every source (a file, or one key of a document; sources.py) into definitions,
one per (kind, id), without touching the database. The writer (writer.py, store.py)
then creates or updates each definition through playbook.services, in dependency
order, inside one transaction (importer.py): any error and nothing is written; a dry
run rolls back at the end. export.py renders a team in the same format.
"""

from playbook.interchange.errors import FieldOSImportError
from playbook.interchange.export import export_json, fieldos_export
from playbook.interchange.format import KINDS, kind_from_name
from playbook.interchange.importer import fieldos_import
from playbook.interchange.sources import (
    MAX_FILE_BYTES,
    check_size,
    sources_from_bytes,
    sources_from_data,
    sources_from_paths,
)
from playbook.interchange.summary import ImportSummary
from playbook.interchange.writer import ON_CONFLICT

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "ON_CONFLICT",
    "FieldOSImportError",
    "ImportSummary",
    "check_size",
    "export_json",
    "fieldos_export",
    "fieldos_import",
    "kind_from_name",
    "sources_from_bytes",
    "sources_from_data",
    "sources_from_paths",
]
