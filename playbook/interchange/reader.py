"""Step 1 of an import: sources → definitions {kind: {id: (spec, where)}}, no database.

Objects embedded in plays and scenarios become shared definitions, and one id defined
twice with different content is a conflict. Each kind's own keys are read by
playbook.interchange.parse."""

from playbook.interchange import parse
from playbook.interchange.errors import Where, describe
from playbook.interchange.format import ALLOWED, KINDS, SIGNATURES, SINGULAR, kind_of
from playbook.interchange.values import Values, unstorable, unstorable_texts


class Reader(Values):
    def __init__(self):
        super().__init__()
        self.defs = {kind: {} for kind in KINDS}
        self.rule_defaults = {}  # ruleset id → "default" flag, when a file states it

    # sources

    def read_sources(self, sources):
        resolved = []
        for source in sources:
            kind = self._source_kind(source)
            if kind:
                resolved.append((KINDS.index(kind), kind, source))
        for _, kind, source in sorted(resolved, key=lambda r: r[0]):
            for i, item in enumerate(source.data):
                self._read_top(kind, item, f"{source.label}[{i}]")

    def _source_kind(self, source):
        where = Where(source.label)
        seen = {kind_of(i) for i in source.data if isinstance(i, dict)} - {None}
        if source.kind is None:
            if len(seen) == 1:
                return seen.pop()
            if len(seen) > 1:
                self.error(where, "", f"mixes {', '.join(sorted(seen))}; one kind per file")
            elif source.data:
                self.error(
                    where,
                    "",
                    "cannot tell what kind of objects these are; name the file after its "
                    f"kind ({', '.join(f'{k}.json' for k in KINDS)})",
                )
            else:
                self.warnings.append((None, f"{source.label}: empty, nothing to import"))
            return None
        if seen and source.kind not in seen:
            found = ", ".join(sorted(seen))
            keys = ", ".join(k for kind, ks in SIGNATURES if kind in seen for k in ks)
            self.error(
                where,
                "",
                f"holds {found} (objects with {keys}), not {source.kind}; is the file in the "
                "wrong slot?",
            )
            return None
        return source.kind

    def _read_top(self, kind, item, head):
        where = Where(head)
        if not isinstance(item, dict):
            self.error(where, "", f"expected a {SINGULAR[kind]} object, got {describe(item)}")
            return
        bad = unstorable_texts(item)
        if bad:
            item_id = item.get("id")
            if isinstance(item_id, str) and not unstorable(item_id):
                where = Where(f"{head} ({item_id})")
            for path, reason in bad:
                self.error(where, path, reason)
            return
        other = kind_of(item)
        if other and other != kind:
            self.error(where, "", f"this is a {SINGULAR[other]}, not a {SINGULAR[kind]}")
            return
        item_id = self.item_id(where, item)
        if item_id is not None:
            self.read(kind, item, Where(f"{head} ({item_id})"), item_id)

    # objects

    def item_id(self, where, item):
        value = item.get("id")
        if value is None:
            self.error(where, "id", "missing; every object needs an id (text, e.g. play_mesh)")
        elif not isinstance(value, str) or not value.strip():
            self.error(where, "id", f"expected a text id, got {describe(value)}")
        elif len(value) > 120:
            self.error(where, "id", f"{len(value)} characters; ids have at most 120")
        else:
            return value
        return None

    def read(self, kind, item, where, item_id):
        before = sum(map(len, self.errors.values()))
        outer, self.kind = self.kind, kind
        self.known(where, item, ALLOWED[kind])
        spec = parse.PARSERS[kind](self, item, where)
        self.kind = outer
        if sum(map(len, self.errors.values())) != before:
            return
        known = self.defs[kind].get(item_id)
        if known is None:
            self.defs[kind][item_id] = (spec, where)
        elif known[0] != spec:
            differ = sorted(
                k for k in spec.keys() | known[0].keys() if spec.get(k) != known[0].get(k)
            )
            self.error(
                where,
                "id",
                f"{SINGULAR[kind]} '{item_id}' is already defined differently at "
                f"{known[1].at()} ({', '.join(differ)} differ); one id, one content",
            )

    def reference(self, kind, where, path, value, required=True):
        """A string id, an {"id"} stub, or a full embedded object (defined here)."""
        if value is None:
            if required:
                self.error(where, path, f"missing; give a {SINGULAR[kind]} id or object")
            return None
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict):
            inner = where.inner(path)
            item_id = self.item_id(inner, value)
            if item_id is not None and set(value) != {"id"}:
                self.read(kind, value, inner, item_id)
            return item_id
        self.error(where, path, f"expected a {SINGULAR[kind]} id or object, got {describe(value)}")
        return None
