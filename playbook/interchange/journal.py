"""Writing an import in short chunks, with an undo journal (docs/import-export.md).

SQLite has one writer at a time: one transaction around a 1,000-play import kept every
other writer waiting for the whole import. The writer therefore commits every
CHUNK_SECONDS (or CHUNK_OBJECTS objects), and between two chunks other connections
write. What each chunk wrote is recorded in the same transaction (ImportJournal and its
entries): the objects it created, and for each object it changed the row and the child
rows as they were before. If the import fails, the journal is played back at once
(created objects deleted, changed ones written back, their new history records
removed); if the process dies, `recover()` does the same later — at the next import
into the team and on the worker's recovery schedule (manage.py run_worker). The journal
goes in the transaction of the last chunk, so an import is either complete or undone.

While an import runs, other requests see its objects appear chunk by chunk; an edit made
in between to an object the import then undoes is undone with it.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import socket
import time
import uuid
from datetime import timedelta

from django.apps import apps
from django.core import serializers
from django.db import transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone

from playbook.models import (
    Formation,
    ImportJournal,
    ImportJournalEntry,
    Lineup,
    Play,
    Route,
    Ruleset,
    Scenario,
)

# A chunk's transaction ends after this long (or this many objects), whichever comes
# first: another writer waits about one chunk and one pause at most. Band: 0.25–0.5 s
# keeps that well under a second; shorter chunks cost a commit, a journal insert and a
# pause each.
CHUNK_SECONDS = 0.5
CHUNK_OBJECTS = 200
# On SQLite, after each commit: a waiting writer retries on its busy handler's schedule
# (SQLite's default waits up to 100 ms between tries), so the import leaves the lock
# free a little longer than that, or it would take the lock back before anyone got in.
# Costs about 20 % of a long import's time (one pause per 0.5 s chunk).
CHUNK_PAUSE = 0.11
# A journal whose process is not known to be dead counts as abandoned once it has not
# committed a chunk for this long (another host, or a pid that was reused).
STALE_AFTER = timedelta(minutes=10)
# Objects whose warnings (and default flags) an import's changes recompute for others.
DERIVED = {
    "warnings": (Formation, Route, Play, Scenario),
    "is_default": (Ruleset, Lineup),
}


class ImportRunning(Exception):
    """Another import into the same team is running."""


def _label(model):
    return model._meta.label_lower


def children_of(model):
    """The related names of the child rows that belong to one object (a play's
    assignments, a game's snaps): written back with it, deleted with it."""
    if getattr(model, "history_rows", None):
        return (model.history_rows,)
    return tuple(getattr(model, "import_children", ()))


def _history(model):
    history = getattr(model, "history", None)
    return history.model if history is not None else None


def _watermark(model):
    historical = _history(model)
    if historical is None:
        return None
    return historical.objects.aggregate(top=Max("history_id"))["top"] or 0


def _plain(value):
    """JSON for what the python serializer leaves as objects; dates keep their
    microseconds (Django's JSON encoder cuts them to milliseconds)."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _dump(objects):
    return json.loads(json.dumps(serializers.serialize("python", objects), default=_plain))


class Journal:
    """The undo journal of one import and its chunked transactions."""

    def __init__(self, team):
        self.team = team
        self.record = ImportJournal.objects.create(
            team=team, heartbeat_at=timezone.now(), host=socket.gethostname(), pid=os.getpid()
        )
        self.touched = set()  # (label, pk) already journaled: the first state is the one kept
        self.pending = []
        self.state_taken = False
        self._atomic = None
        self._started = 0.0
        self._count = 0

    # --- chunks ------------------------------------------------------------------------

    def open(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._started, self._count = time.monotonic(), 0
        self.derived()  # in the first chunk, before anything is written

    def step(self):
        """After each object: end the chunk when it has run long enough."""
        self._count += 1
        if self._count >= CHUNK_OBJECTS or time.monotonic() - self._started >= CHUNK_SECONDS:
            self.commit()
            self.open()

    def commit(self, last=False):
        self._flush()
        if last:
            self.record.delete()  # with the last chunk: the import is complete
        else:
            ImportJournal.objects.filter(pk=self.record.pk).update(heartbeat_at=timezone.now())
        atomic, self._atomic = self._atomic, None
        atomic.__exit__(None, None, None)
        if not last:
            _let_others_write()

    def finish(self):
        self.commit(last=True)

    def fail(self, exc):
        """Roll back the open chunk, then undo what the committed ones wrote."""
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
        undo(self.record)

    def _flush(self):
        if self.pending:
            ImportJournalEntry.objects.bulk_create(self.pending)
            self.pending = []

    # --- what is written ---------------------------------------------------------------

    def created(self, obj):
        key = (_label(type(obj)), obj.pk)
        if key in self.touched:
            return
        self.touched.add(key)
        self.pending.append(
            ImportJournalEntry(journal=self.record, model=key[0], object_id=obj.pk, created=True)
        )

    def changing(self, obj):
        """Before `obj` (an object that exists) is written: keep it as it is now."""
        model = type(obj)
        key = (_label(model), obj.pk)
        if obj.pk is None or key in self.touched:
            return
        self.touched.add(key)
        stored = model.objects.filter(pk=obj.pk).first()
        if stored is None:
            return
        children = {}
        marks = {"self": _watermark(model)}
        for name in children_of(model):
            manager = getattr(stored, name)
            children[name] = _dump(manager.all())
            marks[name] = _watermark(manager.model)
        self.pending.append(
            ImportJournalEntry(
                journal=self.record,
                model=key[0],
                object_id=obj.pk,
                before={"row": _dump([stored]), "children": children, "history_after": marks},
            )
        )

    def derived(self):
        """Before anything is written: the team's warnings and default flags, which
        writes change for other objects too (a formation's plays are rechecked, a new
        default lineup or ruleset unsets the old one's flag)."""
        if self.state_taken:
            return
        self.state_taken = True
        state = {}
        for field, models in DERIVED.items():
            for model in models:
                rows = model.objects.filter(team=self.team).values_list("pk", field)
                state.setdefault(_label(model), {})[field] = {str(pk): v for pk, v in rows}
        self.pending.append(ImportJournalEntry(journal=self.record, model="state", before=state))


class NoJournal:
    """A dry run: one transaction, rolled back; nothing to journal."""

    def step(self):
        pass

    def created(self, obj):
        pass

    def changing(self, obj):
        pass

    def derived(self):
        pass


def _let_others_write():
    """Between two chunks on SQLite (one writer at a time): leave the lock free for
    CHUNK_PAUSE, unless an outer transaction holds it anyway (a test, a fixture build)."""
    connection = transaction.get_connection()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(CHUNK_PAUSE)


# --- undo ----------------------------------------------------------------------------------


def undo(record):
    """Play `record`'s entries back, newest first, in chunks (each chunk deletes the
    entries it undid, so an undo that dies half-way goes on where it stopped), then
    delete the journal."""
    while True:
        with transaction.atomic():
            started = time.monotonic()
            entries = list(record.entries.order_by("-id")[:CHUNK_OBJECTS])
            done = []
            for entry in entries:
                _undo_entry(entry)
                done.append(entry.pk)
                if time.monotonic() - started >= CHUNK_SECONDS:
                    break
            ImportJournalEntry.objects.filter(pk__in=done).delete()
            if not entries:
                ImportJournal.objects.filter(pk=record.pk).delete()
                return
        _let_others_write()


def _undo_entry(entry):
    if entry.model == "state":
        changes = []
        for label, fields in entry.before.items():
            model = apps.get_model(label)
            for field, values in fields.items():
                now = dict(
                    model.objects.filter(pk__in=[int(k) for k in values]).values_list("pk", field)
                )
                changes += [
                    (bool(value), model, int(pk), field, value)
                    for pk, value in values.items()
                    if int(pk) in now and now[int(pk)] != value
                ]
        # flags unset before flags set: one default per team at every step
        for _, model, pk, field, value in sorted(changes, key=lambda c: c[0]):
            model.objects.filter(pk=pk).update(**{field: value})
        return
    model = apps.get_model(entry.model)
    if entry.created:
        _delete_created(model, entry.object_id)
    else:
        _write_back(model, entry.object_id, entry.before)


def _delete_created(model, pk):
    """Delete an object the import created, with its child rows and every history
    record of them (all of them the import's)."""
    obj = model.objects.filter(pk=pk).first()
    child_ids = {
        name: list(getattr(obj, name).values_list("pk", flat=True)) if obj else []
        for name in children_of(model)
    }
    if obj is not None:
        try:
            with transaction.atomic():
                obj.delete()
        except (ProtectedError, RestrictedError):
            # Something made during the import uses it (a coach's new play): it stays.
            return
    historical = _history(model)
    if historical is not None:
        historical.objects.filter(id=pk).delete()
    for name, ids in child_ids.items():
        child = _history(getattr(model, name).rel.related_model)
        if child is not None and ids:
            child.objects.filter(id__in=ids).delete()


def _write_back(model, pk, before):
    obj = model.objects.filter(pk=pk).first()
    marks = before["history_after"]
    for name, rows in before["children"].items():
        related = getattr(model, name).rel.related_model
        now_ids = list(getattr(obj, name).values_list("pk", flat=True)) if obj else []
        if obj is not None:
            getattr(obj, name).all().delete()
        historical = _history(related)
        if historical is not None:
            ids = {*now_ids, *(row["pk"] for row in rows)}
            historical.objects.filter(id__in=ids, history_id__gt=marks[name]).delete()
    for restored in serializers.deserialize("python", before["row"]):
        if obj is not None:
            # The derived fields come back with the "state" entry, undone last: a default
            # flag set here while the import's new default still exists would clash.
            for field in DERIVED:
                if hasattr(obj, field):
                    setattr(restored.object, field, getattr(obj, field))
        restored.save()  # a raw save: no history record, the stored version and dates
    for rows in before["children"].values():
        for restored in serializers.deserialize("python", rows):
            restored.save()
    historical = _history(model)
    if historical is not None:
        historical.objects.filter(id=pk, history_id__gt=marks["self"]).delete()


# --- recovery --------------------------------------------------------------------------------


def _dead(record, now):
    if now - record.heartbeat_at > STALE_AFTER:
        return True
    if record.host != socket.gethostname() or record.pid is None:
        return False
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(team=None):
    """Undo the imports whose process died (all teams, or `team`'s); raises
    ImportRunning when an import into `team` is still running. Returns how many were
    undone."""
    now = timezone.now()
    journals = (
        ImportJournal.objects.all() if team is None else ImportJournal.objects.filter(team=team)
    )
    undone = 0
    for record in journals.order_by("id"):
        if _dead(record, now):
            undo(record)
            undone += 1
        elif team is not None:
            raise ImportRunning(
                f"another import into this team is running (since {record.started_at:%H:%M:%S} "
                "UTC); try again when it has finished"
            )
    return undone
