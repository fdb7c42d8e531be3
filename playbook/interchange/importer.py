"""The import service: read every source, then write in one transaction."""

from django.db import transaction

from playbook import history
from playbook.interchange.errors import FieldOSImportError
from playbook.interchange.reader import Reader
from playbook.interchange.summary import ImportSummary
from playbook.interchange.writer import ON_CONFLICT, RENAME, Writer


def fieldos_import(*, team, sources, dry_run=False, on_conflict=RENAME):
    """Import FieldOS JSON sources into `team`: all or nothing. Returns an ImportSummary;
    raises FieldOSImportError (nothing written) naming file, index, id and field.

    on_conflict: what happens to an object named like another of the team's objects
    with different content: "rename" (imported as "Name (2)"), "skip" (the team's
    object is used in its place) or "fail". Identical content is always reused."""
    if on_conflict not in ON_CONFLICT:
        raise ValueError(
            f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}"
        )
    reader = Reader()
    reader.read_sources(sources)
    if reader.errors:
        raise FieldOSImportError(reader.errors)
    summary = ImportSummary(dry_run=dry_run)
    for kind, text in dict.fromkeys(reader.warnings):
        (summary.kinds[kind]["warnings"] if kind else summary.warnings).append(text)
    with transaction.atomic(), history.source("import"):
        writer = Writer(team, reader, summary, on_conflict)
        writer.run()
        if writer.errors:
            raise FieldOSImportError(writer.errors)
        if dry_run:
            transaction.set_rollback(True)
    for counts in summary.kinds.values():
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))
    return summary
