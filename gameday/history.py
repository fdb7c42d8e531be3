"""Versions of a game or a snap from its django-simple-history records, newest first,
in the shape the playbook objects' history endpoints answer."""

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
QUIET = {"updated_at", "created_at", "version", "history_id", "history_date"}


def _value(record, name):
    value = getattr(record, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def versions(records):
    records = list(records.order_by("history_date", "history_id").select_related("history_user"))
    model = records[0].instance_type if records else None
    names = [
        f.attname
        for f in (model._meta.concrete_fields if model else [])
        if f.name not in QUIET | {"id", "team"}
    ]
    out, previous = [], None
    for record in records:
        changes = []
        for name in names:
            new = _value(record, name)
            old = _value(previous, name) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if old != new:
                changes.append({"field": name.removesuffix("_id"), "old": old, "new": new})
        out.append(
            {
                "id": record.history_id,
                "at": record.history_date,
                "user": record.history_user.email if record.history_user else None,
                "source": record.source,
                "action": ACTIONS[record.history_type],
                "version": record.version,
                "changes": changes,
            }
        )
        previous = record
    return out[::-1]
