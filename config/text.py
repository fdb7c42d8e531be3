"""Which characters free text may hold (names, notes, tags, emails), in one place: the
API's JSON parser, the admin's model validation and the account forms all ask here.

Refused: NUL and the other C0/C1 control characters except tab, newline and carriage
return; DEL; lone surrogates; the noncharacters U+FFFE/U+FFFF (and the other 64). None
of them can be typed on purpose, several are not allowed in XML (so an SVG with the name
would be malformed) and NUL cannot be stored in PostgreSQL. Emails also refuse
invisible formatting characters (zero-width space and joiners, direction marks …),
which would let one address pass for another."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

ALLOWED_CONTROLS = frozenset("\t\n\r")
# Everything _refused() refuses, for a fast first look at long texts (imports).
_SUSPECT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def _refused(char):
    code = ord(char)
    if char in ALLOWED_CONTROLS:
        return False
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True
    if 0xD800 <= code <= 0xDFFF:
        return True
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _invisible(char):
    return unicodedata.category(char) == "Cf"


def _describe(char):
    code = ord(char)
    if code == 0:
        return "U+0000 (NUL)"
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (a lone surrogate)"
    name = unicodedata.name(char, "")
    if not name:
        name = "a control character" if unicodedata.category(char) == "Cc" else "a noncharacter"
    return f"U+{code:04X} ({name.lower()})"


def text_problem(value, invisible=False):
    """A message naming the first refused character of `value`, or None when it is
    fine. `invisible` also refuses formatting characters (for emails)."""
    if not isinstance(value, str) or not (value and (_SUSPECT.search(value) or invisible)):
        return None
    for char in value:
        if _refused(char) or (invisible and _invisible(char)):
            # NUL and surrogates in DRF's own words (its CharField refuses them too)
            if char == "\x00":
                return "Null characters are not allowed (U+0000)."
            if 0xD800 <= ord(char) <= 0xDFFF:
                return f"Surrogate characters are not allowed: U+{ord(char):04X}."
            return f"Contains {_describe(char)}, which is not allowed here."
    return None


def validate_text(value):
    """Django validator (model fields, forms)."""
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_character")


def find_problems(data, path=()):
    """(path, message) for every string in a parsed JSON document — keys included —
    that holds a refused character; paths are tuples of keys and list indexes."""
    if isinstance(data, str):
        problem = text_problem(data)
        return [(path, problem)] if problem else []
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            problem = text_problem(key)
            if problem:
                found.append((path, f"A key {problem[0].lower()}{problem[1:]}"))
            found.extend(find_problems(value, (*path, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(find_problems(value, (*path, i)))
    return found


def check_text_fields(instance, exclude=None):
    """{field: [message]} for every text field (and every string in a JSON field) of
    `instance` holding a character config/text.py refuses; models call it from
    clean_fields(), so every admin form refuses them on the field."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if exclude and field.name in exclude:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(field, models.CharField | models.TextField):
            problem = text_problem(value)
            if problem:
                errors[field.name] = [problem]
        elif isinstance(field, models.JSONField) and value:
            problems = find_problems(value)
            if problems:
                errors[field.name] = [problems[0][1]]
    return errors
