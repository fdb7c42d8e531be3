from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from config.text import find_problems

MAX_REPORTED = 20


def _errors(problems):
    """[(path, message)] → the nested field errors DRF would give: {"assignments":
    {0: {"name": [message]}}} (list items keyed by index)."""
    errors = {}
    for path, message in problems[:MAX_REPORTED]:
        if not path:
            errors.setdefault("non_field_errors", []).append(message)
            continue
        node = errors
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            node.setdefault(path[-1], [])
            if isinstance(node[path[-1]], list):
                node[path[-1]].append(message)
    return errors


class SafeJSONParser(JSONParser):
    """JSONParser that answers 400 (not 500) for bodies nested too deeply to decode, and
    refuses text with control characters, noncharacters (U+FFFE …), NUL or lone
    surrogates anywhere in the body (config/text.py): 400 naming each field."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        try:
            problems = find_problems(data)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        if problems:
            raise ValidationError(_errors(problems))
        return data
