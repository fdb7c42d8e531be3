"""Typed values read out of parsed JSON, each error recorded against the place it
came from; a value that cannot be read is BAD and the object is not written."""

import math
import re

from django.db import models

from playbook.interchange.errors import describe

BAD = object()
# No database stores these as text (PostgreSQL refuses NUL, nothing encodes a lone
# surrogate), and the API refuses both: the import too, before anything is written.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable(text):
    """Why a text cannot be stored, or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000); text with it is refused"
    return (
        f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not Unicode text; "
        "text with it is refused"
    )


def unstorable_texts(value):
    """(path, reason) for every key and text in a parsed object that cannot be stored.
    A path shows a bad key escaped, so the message itself stays storable."""
    found, stack = [], [("", value)]
    while stack:  # no recursion: a deeply nested object must not crash the walk
        path, value = stack.pop()
        if isinstance(value, str):
            if reason := unstorable(value):
                found.append((path, reason))
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = unstorable(key) if isinstance(key, str) else None
                shown = ascii(key) if reason else str(key)
                here = f"{path}.{shown}" if path else shown
                if reason:
                    found.append((here, f"the key {reason}"))
                stack.append((here, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return sorted(found)


class Values:
    """Errors and warnings gathered while reading, and the readers of plain values."""

    def __init__(self):
        self.errors = {}
        self.warnings = []  # (kind or None, text)
        self.kind = None  # of the object being read (embedded ones nest)

    def error(self, where, path, message):
        self.errors.setdefault(where.at(path), []).append(message)

    def warn(self, where, path, message):
        self.warnings.append((self.kind, f"{where.at(path)}: {message}"))

    def known(self, where, obj, allowed, base=""):
        for key in obj:
            if key not in allowed:
                path = f"{base}.{key}" if base else key
                self.warn(where, path, "not a FieldOS field; ignored")

    def number(self, where, path, value, integer=False):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(where, path, f"expected a number, got {describe(value)}")
            return BAD
        if integer:
            if value != int(value):
                self.error(where, path, f"{value} must be a whole number")
                return BAD
            return int(value)
        return float(value)

    def boolean(self, where, path, value):
        if not isinstance(value, bool):
            self.error(where, path, f"expected true or false, got {describe(value)}")
            return BAD
        return value

    def text(self, where, path, value, max_length=None, required=False):
        if not isinstance(value, str):
            self.error(where, path, f"expected text, got {describe(value)}")
            return BAD
        if required and not value.strip():
            self.error(where, path, "must not be empty")
            return BAD
        if max_length and len(value) > max_length:
            self.error(where, path, f"{len(value)} characters; at most {max_length}")
            return BAD
        return value

    def mapping(self, where, path, value, what="an object"):
        if not isinstance(value, dict):
            self.error(where, path, f"expected {what}, got {describe(value)}")
            return BAD
        return value

    def listing(self, where, path, value, what="a list"):
        if not isinstance(value, list):
            self.error(where, path, f"expected {what}, got {describe(value)}")
            return BAD
        return value

    def name(self, where, item):
        if "name" not in item:
            self.error(where, "name", "missing")
            return BAD
        return self.text(where, "name", item["name"], max_length=120, required=True)

    def model_value(self, model, name, where, path, value):
        f = model._meta.get_field(name)
        if isinstance(f, models.BooleanField):
            return self.boolean(where, path, value)
        if value is None and f.null:
            return None
        return self.number(where, path, value, integer=isinstance(f, models.IntegerField))

    def tags(self, where, path, value):
        tags = self.listing(where, path, value, "a list of tags")
        if tags is BAD:
            return BAD
        clean = []
        for i, tag in enumerate(tags):
            tag = self.text(where, f"{path}[{i}]", tag, max_length=40)
            if tag is not BAD and tag.strip():
                clean.append(tag.strip())
        return list(dict.fromkeys(clean))

    def point(self, where, path, value):
        point = self.mapping(where, path, value, "an object {x, y}")
        if point is BAD:
            return BAD, BAD
        self.known(where, point, {"x", "y"}, path)
        return (
            self.number(where, f"{path}.x", point.get("x")),
            self.number(where, f"{path}.y", point.get("y")),
        )
