"""Reading files: bytes, parsed JSON, files and directories → sources, one per list of
objects of one kind. Nothing here knows what an object means."""

import json
from dataclasses import dataclass
from pathlib import Path

from playbook.interchange.errors import FieldOSImportError, describe
from playbook.interchange.format import ALIASES, KINDS, kind_from_name

MAX_FILE_BYTES = 10 * 1024 * 1024  # per file (and per API request body)
# All the files of one upload together: as much as any other request body may hold
# (DATA_UPLOAD_MAX_MEMORY_SIZE, which Django does not apply to uploaded files).
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    label: str  # "plays.json", or the key of a document ("plays")
    kind: str | None  # the kind its name says, if any
    data: object


class DuplicateKey(ValueError):
    """A key given twice in one JSON object: plain JSON would keep the last silently."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


def load_json(text, parse_constant=None):
    """json.loads that refuses a key given twice in one object (DuplicateKey, naming
    the keys) and, by default, NaN and Infinity."""
    duplicates = []

    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                duplicates.append((obj, key))
            obj[key] = value
        return obj

    data = json.loads(
        text, parse_constant=parse_constant or _reject_constant, object_pairs_hook=pairs
    )
    if duplicates:
        messages = []
        for obj, key in duplicates:
            where = "at the top level" if obj is data else "in one object"
            messages.append(
                f"the key {key!r} appears twice {where}; give it once (JSON would keep only "
                "the last one)"
            )
        raise DuplicateKey(list(dict.fromkeys(messages)))
    return data


def _size(n):
    return f"{n / (1024 * 1024):.1f} MB"


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def check_size(name, size):
    """Refuse a file (or body) over MAX_FILE_BYTES before reading it."""
    if size > MAX_FILE_BYTES:
        raise FieldOSImportError(
            {
                name: [
                    f"{_size(size)}; files over {_size(MAX_FILE_BYTES)} are refused. Split it "
                    "(one file per kind, or fewer plays per file)."
                ]
            }
        )


def sources_from_bytes(name, content, kind=None):
    """One file's bytes → sources; raises FieldOSImportError for a file that cannot
    be read (too big, not UTF-8, not JSON, wrong top level)."""
    check_size(name, len(content))
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        data = load_json(text)
    except UnicodeDecodeError:
        raise FieldOSImportError({name: ["not UTF-8 text; save the file as UTF-8 JSON"]}) from None
    except RecursionError:
        raise FieldOSImportError({name: ["nested too deeply to be FieldOS JSON"]}) from None
    except json.JSONDecodeError as exc:
        raise FieldOSImportError(
            {
                name: [
                    f"not valid JSON (truncated or malformed) at line {exc.lineno}, "
                    f"column {exc.colno}: {exc.msg}"
                ]
            }
        ) from None
    except DuplicateKey as exc:
        raise FieldOSImportError({name: exc.messages}) from None
    except ValueError as exc:
        raise FieldOSImportError({name: [f"not valid JSON: {exc}"]}) from None
    return sources_from_data(name, data, kind or kind_from_name(name))


class UploadTooLarge(Exception):
    """All the files of one request together are over MAX_UPLOAD_BYTES."""


def check_upload_size(size):
    """Refuse an upload (a multipart body) over MAX_UPLOAD_BYTES before any file of it
    is read: MAX_FILE_BYTES alone would let a dozen large files through at once."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(
            f"{_size(size)} in one upload; all the files of one request together may be at "
            f"most {_size(MAX_UPLOAD_BYTES)}. Send them in several requests."
        )


def sources_from_data(name, data, kind=None):
    """Parsed JSON → sources: a list of objects of one kind, or a document keyed by kind
    (what the export writes). `name` labels errors; empty for an API body."""
    if isinstance(data, list):
        return [Source(name or kind or "body", kind, data)]
    label = name or "body"
    known = isinstance(data, dict) and [k for k in data if ALIASES.get(k, k) in KINDS]
    if known:
        unknown = [k for k in data if k not in known]
        if unknown:
            raise FieldOSImportError(
                {
                    label: [
                        f"unknown kind {', '.join(map(repr, unknown))}: a document is keyed by "
                        f"kind ({', '.join(KINDS)})"
                    ]
                }
            )
        errors, sources = {}, []
        for key, items in data.items():
            where = f"{name}:{key}" if name else key
            if isinstance(items, list):
                sources.append(Source(where, ALIASES.get(key, key), items))
            else:
                errors[where] = [f"expected a list of {key}, got {describe(items)}"]
        if errors:
            raise FieldOSImportError(errors)
        return sources
    expected = f"a list of {kind}" if kind else "a list of objects"
    got = describe(data)
    if isinstance(data, dict) and data:  # name the keys: none of them is a kind
        keys = list(data)
        named = ", ".join(repr(k[:40]) for k in keys[:5]) + (" …" if len(keys) > 5 else "")
        got = f"an object with the key{'s' if len(keys) > 1 else ''} {named}, not a kind"
    raise FieldOSImportError(
        {
            label: [
                f"the top level must be {expected} (or a document keyed by kind: "
                f"{', '.join(KINDS)}), got {got}"
            ]
        }
    )


def sources_from_paths(paths):
    """Files and directories (every *.json in them) → sources. All unreadable files
    are reported together."""
    files, errors = [], {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                errors[str(path)] = ["no .json files in this directory"]
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            errors[str(path)] = ["no such file or directory"]
    sources = []
    for path in files:
        try:
            check_size(path.name, path.stat().st_size)
            sources.extend(sources_from_bytes(path.name, path.read_bytes()))
        except FieldOSImportError as exc:
            errors.update(exc.message_dict)
        except OSError as exc:
            errors[path.name] = [f"cannot be read: {exc.strerror or exc}"]
    if errors:
        raise FieldOSImportError(errors)
    return sources
