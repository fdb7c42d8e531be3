"""The import service: read and check every source, then write — in short chunks with
an undo journal (journal.py), or for a dry run in one transaction that is rolled back."""

from django.db import transaction

from playbook import history
from playbook.interchange import journal
from playbook.interchange.errors import FieldOSImportError
from playbook.interchange.reader import Reader
from playbook.interchange.summary import ImportSummary
from playbook.interchange.writer import ON_CONFLICT, RENAME, Writer


def fieldos_import(*, team, sources, dry_run=False, on_conflict=RENAME):
    """Import FieldOS JSON sources into `team`: all or nothing. Returns an ImportSummary;
    raises FieldOSImportError (nothing written) naming file, index, id and field.

    on_conflict: what happens to an object named like another of the team's objects
    with different content: "rename" (imported as "Name (2)"), "skip" (the team's
    object is used in its place) or "fail". Identical content is always reused.

    The write commits in chunks (journal.CHUNK_SECONDS) so other writers get in
    between; a failure, or a process that dies, is undone from the journal. A dry run
    writes in one transaction and rolls it back."""
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
    if dry_run:
        with transaction.atomic(), history.source("import"):
            _write(team, reader, summary, on_conflict, journal.NoJournal())
            transaction.set_rollback(True)
    else:
        try:
            journal.recover(team)  # an import into this team that died is undone first
        except journal.ImportRunning as exc:
            raise FieldOSImportError({"import": [str(exc)]}) from None
        record = journal.Journal(team)
        try:
            with history.source("import"):
                record.open()
                _write(team, reader, summary, on_conflict, record)
                record.finish()
        except BaseException as exc:
            record.fail(exc)
            raise
    for counts in summary.kinds.values():
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))
    return summary


def _write(team, reader, summary, on_conflict, record):
    writer = Writer(team, reader, summary, on_conflict, record)
    writer.run()
    if writer.errors:
        raise FieldOSImportError(writer.errors)
