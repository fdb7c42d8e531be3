"""The import service: read every source, then write in one transaction."""

from django.db import transaction

from playbook import history
from playbook.interchange.errors import FieldOSImportError
from playbook.interchange.reader import Reader
from playbook.interchange.summary import ImportSummary
from playbook.interchange.writer import Writer


def fieldos_import(*, team, sources, dry_run=False):
    """Import FieldOS JSON sources into `team`: all or nothing. Returns an ImportSummary;
    raises FieldOSImportError (nothing written) naming file, index, id and field."""
    reader = Reader()
    reader.read_sources(sources)
    if reader.errors:
        raise FieldOSImportError(reader.errors)
    summary = ImportSummary(dry_run=dry_run)
    for kind, text in dict.fromkeys(reader.warnings):
        (summary.kinds[kind]["warnings"] if kind else summary.warnings).append(text)
    with transaction.atomic(), history.source("import"):
        writer = Writer(team, reader, summary)
        writer.run()
        if writer.errors:
            raise FieldOSImportError(writer.errors)
        if dry_run:
            transaction.set_rollback(True)
    for counts in summary.kinds.values():
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))
    return summary
