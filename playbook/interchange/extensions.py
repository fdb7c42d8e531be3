"""Kinds that apps above playbook add to the FieldOS JSON (gameday's games).

playbook.interchange must not import those apps (the layers contract), so an app
registers its kind here from its AppConfig.ready(). From then on the reader, the
writer, the summary, the export and the error messages treat it as one of their own
kinds, written after them (it may refer to any of them, none of them to it)."""

from collections.abc import Callable
from dataclasses import dataclass

from playbook.interchange import format, parse


@dataclass(frozen=True)
class ExtraKind:
    kind: str  # the document key and the file stem ("games", games.json)
    singular: str
    id_prefix: str  # of the ids the export makes for objects without one
    signature: tuple  # top-level keys that tell an object of this kind
    allowed: frozenset  # the top-level keys it reads; others are a warning
    parse: Callable  # (reader, item, where) -> spec: plain data, references as ids
    write: Callable  # (writer, item_id, spec, where) -> (object, status); raises Skip
    export: Callable  # (team, ids {kind: {pk: id}}) -> [documents]


EXTRAS = {}


def register(extra):
    """Add `extra` to the format (once; a second registration of the same kind is a
    no-op, as AppConfig.ready() may run more than once)."""
    if extra.kind in EXTRAS:
        return
    if extra.kind in format.KINDS:
        raise ValueError(f"{extra.kind!r} is already a kind of the FieldOS JSON")
    EXTRAS[extra.kind] = extra
    format.KINDS.append(extra.kind)
    format.SINGULAR[extra.kind] = extra.singular
    format.ID_PREFIX[extra.kind] = extra.id_prefix
    format.ALLOWED[extra.kind] = set(extra.allowed)
    format.SIGNATURES.append((extra.kind, tuple(extra.signature)))
    parse.PARSERS[extra.kind] = extra.parse
