"""How the importer reports: the error it raises and where an object came from."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


class FieldOSImportError(ValidationError):
    """The import was refused and nothing was written. The error dict maps
    'file[index] (id): field' to messages."""

    def lines(self):
        return [
            f"{where}: {message}" for where, msgs in self.message_dict.items() for message in msgs
        ]


@dataclass(frozen=True)
class Where:
    """Where an object came from: head "plays.json[3] (play_x)", base "formation"."""

    head: str
    base: str = ""

    def at(self, path=""):
        path = ".".join(p for p in (self.base, path) if p)
        return f"{self.head}: {path}" if path else self.head

    def inner(self, path):
        return Where(self.head, ".".join(p for p in (self.base, path) if p))


def describe(value):
    """A JSON value as an error message names it ("the text 'x'", "a list")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
