"""Step 2 of an import: definitions → database objects, through the services, in
dependency order. References resolve to objects of this import or to the team's own;
an object whose content equals what is stored is left alone. A name the team already
uses for another object is settled by `on_conflict` (docs/import-export.md)."""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from playbook.interchange import extensions, store
from playbook.interchange.build import KindWriters, Skip
from playbook.interchange.format import KINDS, ROWS, SINGULAR
from playbook.interchange.journal import NoJournal

RENAME, SKIP, FAIL = ON_CONFLICT = ("rename", "skip", "fail")
MAX_NAME = 120  # the models' name length


class Writer(KindWriters):
    def __init__(self, team, reader, summary, on_conflict=RENAME, journal=None):
        self.team, self.defs, self.summary = team, reader.defs, summary
        # What is written goes into the undo journal; an object that exists is kept as
        # it was (journal.changing) before it is written (journal.py).
        self.journal = journal if journal is not None else NoJournal()
        self.on_conflict = on_conflict
        self.rule_defaults = reader.rule_defaults
        self.errors = {}
        self.done = {kind: {} for kind in KINDS}  # id → object (None: failed)
        self.status = {kind: {} for kind in KINDS}
        self.kept = {kind: set() for kind in KINDS}  # ids a team object answers for, as it is
        self.by_id, self.by_name = {}, {}
        for kind, queryset in store.team_objects(team).items():
            objects = list(queryset)
            self.by_id[kind] = {o.external_id: o for o in objects if o.external_id}
            self.by_name[kind] = {o.name: o for o in objects}
        # The names this import gives: a free name must not take one a later object wants.
        self.wanted = {
            kind: {spec.get("name") for spec, _ in defs.values()}
            for kind, defs in self.defs.items()
        }

    def error(self, where, path, message):
        self.errors.setdefault(where.at(path), []).append(message)

    def get(self, kind, ref, where, path):
        """The object a reference names: defined in this import, else already in the team."""
        if ref is None:
            return None
        if ref in self.defs[kind]:
            obj = self.done[kind].get(ref)
            if obj is None:
                raise Skip  # its own error is already reported
            return obj
        obj = self.by_id[kind].get(ref)
        if obj is None:
            self.error(
                where,
                path,
                f"unknown {SINGULAR[kind]} '{ref}': not in this import and not in the team",
            )
            raise Skip
        return obj

    def run(self):
        for kind in KINDS:
            extra = extensions.EXTRAS.get(kind)
            for item_id, (spec, where) in self.defs[kind].items():
                try:
                    if extra is not None:
                        # an extra kind calls self.journal.changing(obj) before it
                        # writes an object that exists
                        obj, status = extra.write(self, item_id, spec, where)
                        self.done[kind][item_id], self.status[kind][item_id] = obj, status
                        if status == "created":
                            self.journal.created(obj)
                    else:
                        self.save(kind, item_id, where, getattr(self, f"_{kind}")(spec, where))
                except Skip:
                    self.done[kind][item_id] = None
                self.journal.step()
            after = getattr(self, f"_after_{kind}", None)
            if after:
                after()
                self.journal.step()
        for kind in KINDS:
            counts = self.summary.kinds[kind]
            for status in self.status[kind].values():
                counts[status] += 1

    def save(self, kind, item_id, where, values):
        values["data"] = {"external_id": item_id, **values["data"]}
        instance = self.by_id[kind].get(item_id)
        named = self.by_name[kind].get(values["data"]["name"])
        if named is not None and named is not instance:
            if instance is None and not named.external_id:
                instance = named  # made in the editor: the import adopts it
            elif self.settle_name(kind, item_id, where, values, instance, named):
                return
        if instance is not None and store.comparable(
            store.stored(kind, instance)
        ) == store.comparable(values):
            status, obj = "unchanged", instance
        else:
            if instance is not None:
                self.journal.changing(instance)
            try:
                obj = store.write_object(kind, self.team, values, instance)
            except ValidationError as exc:
                for path, messages in exc.message_dict.items():
                    path = "" if path == NON_FIELD_ERRORS else store.json_path(kind, path, values)
                    for message in messages:
                        self.error(where, path, message)
                raise Skip from None
            status = "updated" if instance is not None else "created"
            if instance is None:
                self.journal.created(obj)
            if instance is not None and instance.name != obj.name:
                self.by_name[kind].pop(instance.name, None)
        self.by_id[kind][item_id] = self.by_name[kind][obj.name] = obj
        self.done[kind][item_id] = obj
        self.status[kind][item_id] = status
        prefix = f"{where.at()}." if where.base else f"{where.at()}: "
        for warning in getattr(obj, "warnings", []):
            path, _, message = warning.partition(": ")
            warning = f"{store.json_path(kind, path, values)}: {message}" if message else warning
            self.summary.kinds[kind]["warnings"].append(prefix + warning)

    # --- a name the team already uses for another object ---------------------------------

    def settle_name(self, kind, item_id, where, values, instance, named):
        """Identical content: the team's object answers for the import's. Otherwise
        on_conflict decides: rename (a free name goes into `values`, the write goes on),
        skip (the team's object answers for it) or fail. True when no write follows."""
        name = values["data"]["name"]
        what = f"{SINGULAR[kind]} {self.owner(named)}"
        differ = self.differences(kind, named, values)
        if not differ:
            self.keep(kind, item_id, named)
            self.note(kind, where, f"'{name}' has the same content as the team's {what}; reused")
            return True
        taken = f"'{name}' is already the name of {what} ({', '.join(differ)} differ)"
        if self.on_conflict == FAIL:
            self.error(where, "name", taken)
            raise Skip
        if self.on_conflict == SKIP:
            kept = instance or named
            self.keep(kind, item_id, kept)
            self.note(
                kind,
                where,
                f"{taken}; skipped: the team's {SINGULAR[kind]} {self.owner(kept)} is used "
                "in its place",
            )
            return True
        free = self.free_name(kind, name, instance)
        values["data"]["name"] = free
        self.note(kind, where, f"{taken}; imported as '{free}'")
        return False

    def keep(self, kind, item_id, obj):
        self.done[kind][item_id] = obj
        self.status[kind][item_id] = "unchanged"
        self.kept[kind].add(item_id)

    def note(self, kind, where, message):
        self.summary.kinds[kind]["warnings"].append(f"{where.at('name')}: {message}")

    @staticmethod
    def owner(obj):
        return f"'{obj.external_id}'" if obj.external_id else f"'{obj.name}' (made in the editor)"

    @staticmethod
    def differences(kind, obj, values):
        """The fields in which a stored object and the import's values differ, ids aside."""
        stored = store.comparable(store.stored(kind, obj))
        wanted = store.comparable(values)
        differ = sorted(
            k
            for k in stored["data"].keys() | wanted["data"].keys()
            if k != "external_id" and stored["data"].get(k) != wanted["data"].get(k)
        )
        if stored["rows"] != wanted["rows"]:
            differ.append(ROWS[kind])
        return differ

    def free_name(self, kind, name, instance):
        """'Name (2)', 'Name (3)', …: the first that neither the team nor this import
        uses. An object renamed by an earlier import of the same file keeps its name."""
        base = name[: MAX_NAME - 6]
        if instance is not None and re.fullmatch(rf"{re.escape(base)} \(\d+\)", instance.name):
            return instance.name
        taken = self.by_name[kind].keys() | self.wanted[kind]
        n = 2
        while True:
            suffix = f" ({n})"
            candidate = name[: MAX_NAME - len(suffix)] + suffix
            if candidate not in taken:
                return candidate
            n += 1
