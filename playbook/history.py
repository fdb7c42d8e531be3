"""Audit history of playbook objects (django-simple-history; docs/decisions.md says why).

Every save and delete of a team-owned object writes a historical record: who (the
request's user — DRF puts the JWT user on the request too), when, where from (`source`:
admin, api, import, command) and the object's fields. The child rows a coach thinks of
as part of the object (a play's assignments, a formation's slots …) are stored on the
same record as JSON (`rows`), so one record is one whole version: the writers call
`seal()` after replacing the rows. `versions()` lists them with what changed;
`playbook.services.version_restore()` writes an old version back through the writers
(validated, recorded as a new version).
"""

from __future__ import annotations

import contextlib
import contextvars

from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Fields that change on every save and say nothing to a coach.
QUIET_FIELDS = {"updated_at", "version", "created_at"}

_source = contextvars.ContextVar("history_source", default="")


@contextlib.contextmanager
def source(name):
    """Label the history records written inside (e.g. "import")."""
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)


def _current_source():
    if _source.get():
        return _source.get()
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return "command"
    if request.path.startswith("/admin/"):
        return "admin"
    return "api" if request.path.startswith("/api/") else "web"


def rows_of(obj):
    """The object's child rows as plain data (foreign keys as ids), or None."""
    if not obj.history_rows or obj.pk is None:
        return None
    manager = getattr(obj, obj.history_rows)
    parent = manager.field.name
    names = [f.attname for f in manager.model._meta.concrete_fields if f.name not in ("id", parent)]
    return list(manager.model.objects.filter(**{parent: obj.pk}).values(*names))


@receiver(pre_create_historical_record)
def _fill_extras(sender, instance, history_instance, **kwargs):
    if not hasattr(history_instance, "rows"):
        return
    history_instance.source = _current_source()
    if history_instance.history_type == "-":
        previous = instance.history.order_by("-history_date", "-history_id").first()
        history_instance.rows = previous.rows if previous else None
    elif not getattr(instance, "rows_follow", False):  # else seal() writes them
        history_instance.rows = rows_of(instance)


@receiver(post_create_historical_record)
def _remember(sender, instance, history_instance, **kwargs):
    instance.history_record = history_instance  # for seal(), without a query


def seal(obj):
    """After the child rows were replaced: the latest record holds the rows as saved."""
    latest = getattr(obj, "history_record", None)
    if latest is None:
        latest = obj.history.order_by("-history_date", "-history_id").first()
    rows = rows_of(obj)
    if latest is not None and latest.rows != rows:
        type(latest).objects.filter(pk=latest.pk).update(rows=rows)
        latest.rows = rows
    obj.rows_follow = False


def baseline(objects, source_name="fixture"):
    """A first version for each of `objects` (one model) that has none — objects loaded
    by `loaddata` (raw saves record nothing), so a coach can return to them later."""
    objects = list(objects)
    if not objects:
        return 0
    model = type(objects[0])
    recorded = set(
        model.history.filter(id__in=[o.pk for o in objects]).values_list("id", flat=True)
    )
    historical = model.history.model
    now = timezone.now()
    created = historical.objects.bulk_create(
        historical(
            history_date=now,
            history_type="+",
            source=source_name,
            rows=rows_of(obj),
            **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
        )
        for obj in objects
        if obj.pk not in recorded
    )
    return len(created)


# --- reading ----------------------------------------------------------------------------


def _fields(model):
    return [
        f
        for f in model.history.model._meta.fields
        if f.name in {g.name for g in model._meta.fields} and f.name not in {"id", "team"}
    ]


def tracked_fields(model):
    """The fields a version holds that a coach can change (what restoring writes back)."""
    return [f for f in _fields(model) if f.name not in QUIET_FIELDS]


def _value(record, field):
    value = getattr(record, field.attname)
    return value if not hasattr(value, "isoformat") else value.isoformat()


def changes(record, previous):
    """[{field, old, new}] between two records (every field of a first record)."""
    out = []
    for field in _fields(record.instance_type):
        if field.name in QUIET_FIELDS:
            continue
        new = _value(record, field)
        old = _value(previous, field) if previous is not None else None
        if previous is None and new in (None, "", [], {}):
            continue
        if old != new:
            out.append({"field": field.name, "old": old, "new": new})
    rows_name = record.instance_type.history_rows
    if rows_name:
        old_rows = previous.rows if previous is not None else None
        if record.rows != old_rows and not (previous is None and not record.rows):
            out.append({"field": rows_name, "old": old_rows, "new": record.rows})
    return out


def versions(obj_or_history):
    """Newest first: [{id, at, user, source, action, version, changes}] for one object."""
    records = list(
        obj_or_history.order_by("history_date", "history_id").select_related("history_user")
    )
    out, previous = [], None
    for record in records:
        out.append(
            {
                "id": record.history_id,
                "at": record.history_date,
                "user": record.history_user.email if record.history_user else None,
                "source": record.source,
                "action": ACTIONS[record.history_type],
                "version": record.version,
                "reason": record.history_change_reason or "",
                "changes": changes(record, previous),
            }
        )
        previous = record
    return out[::-1]


def named(model, versions):
    """`versions` with ids of related objects written as their names ("Out (#12)"), for
    people; rows keep one line per row. Deleted objects read "#12 (deleted)"."""
    child = getattr(model, model.history_rows).rel.related_model if model.history_rows else None
    relations = {f.attname: f.related_model for f in model._meta.concrete_fields if f.is_relation}
    row_relations = (
        {f.attname: f.related_model for f in child._meta.concrete_fields if f.is_relation}
        if child
        else {}
    )
    wanted = {}
    for v in versions:
        for c in v["changes"]:
            for value in (c["old"], c["new"]):
                if c["field"] == model.history_rows:
                    for row in value or []:
                        for attname, related in row_relations.items():
                            wanted.setdefault(related, set()).add(row.get(attname))
                elif f"{c['field']}_id" in relations:
                    wanted.setdefault(relations[f"{c['field']}_id"], set()).add(value)
    names = {
        related: _names(related, ids - {None})
        if any(f.name == "name" for f in related._meta.fields)
        else {}
        for related, ids in wanted.items()
    }

    def name(related, pk):
        if pk is None:
            return None
        found = names.get(related, {}).get(pk)
        return f"{found} (#{pk})" if found else f"#{pk} (deleted)"

    def rows(value):
        if value is None:
            return None
        return [
            {
                k.removesuffix("_id"): name(row_relations[k], v) if k in row_relations else v
                for k, v in row.items()
            }
            for row in value
        ]

    out = []
    for v in versions:
        changes = []
        for c in v["changes"]:
            related = relations.get(f"{c['field']}_id")
            if c["field"] == model.history_rows:
                c = {**c, "old": rows(c["old"]), "new": rows(c["new"])}
            elif related is not None:
                c = {**c, "old": name(related, c["old"]), "new": name(related, c["new"])}
            changes.append(c)
        out.append({**v, "changes": changes})
    return out


NAME_BATCH = 500  # ids per query: a version may name thousands of rows' objects


def _names(related, ids):
    """{pk: name} of `ids`, a few hundred per query (SQLite refuses very long id lists)."""
    ids, found = sorted(ids), {}
    for start in range(0, len(ids), NAME_BATCH):
        batch = ids[start : start + NAME_BATCH]
        found.update(related.objects.filter(pk__in=batch).values_list("pk", "name"))
    return found


def history_of(model, pk, team):
    """The historical records of one object of `team` (also after it was deleted)."""
    return model.history.filter(id=pk, team_id=team.pk)


# --- optimistic concurrency --------------------------------------------------------------


def locked_version(model, pk):
    """The stored version (None if gone), the row locked until the transaction ends."""
    return model.objects.select_for_update().filter(pk=pk).values_list("version", flat=True).first()


def stale_message(model, pk, current, expected):
    """Who saved `model` #pk since the client loaded version `expected`, and when."""
    latest = (
        model.history.filter(id=pk).order_by("-history_date").select_related("history_user").first()
    )
    who = latest.history_user.email if latest and latest.history_user else "Someone"
    when = f" at {latest.history_date:%Y-%m-%d %H:%M:%S} UTC" if latest else ""
    label = model._meta.verbose_name
    return (
        f"{who} saved this {label}{when} (version {current}); you sent version "
        f"{expected}. Your changes were not saved: reload it to see theirs, then make yours "
        "again."
    )


def stale_edit(model, pk, expected):
    """None when `expected` is the stored version (or not given); otherwise the message
    saying who saved since. Locks the row, so call it inside the write's transaction."""
    if expected is None:
        return None
    current = locked_version(model, pk)
    if current is None or current == expected:
        return None
    return stale_message(model, pk, current, expected)
