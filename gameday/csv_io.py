"""Snaps in and out as CSV, in the columns of a Hudl breakdown where they map
(docs/gameday.md has the table). Import is all or nothing: the first bad row is a
400 naming the row and the column, and nothing is written."""

import csv
import hashlib
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from playbook.constants import Coverage, Shell
from playbook.models import Scenario

from . import progression as pg
from .models import Result
from .services import resolve_call, rules_of, snap_record

MAX_ROWS = 2000
MAX_BYTES = 1_000_000

# Hudl column → meaning. DEF FRONT carries our scenario's name or a shell; COVERAGE
# Man/Zone; RUSHERS a count and TRY the try after a touchdown (1 or 2; not Hudl
# columns, ours).
COLUMNS = [
    "PLAY #",
    "ODK",
    "DRIVE",
    "DN",
    "DIST",
    "YARD LN",
    "PLAY TYPE",
    "RESULT",
    "GN/LS",
    "OFF PLAY",
    "OFF FORM",
    "DEF FRONT",
    "COVERAGE",
    "RUSHERS",
    "TRY",
    "TD",
    "FLAG PULLER",
    "TARGET",
    "NOTES",
    "KEY",
]
REQUIRED = ("RESULT",)

# Hudl RESULT values (lower case) → ours; PLAY TYPE Pass/Run disambiguates "Rush".
RESULTS = {
    "complete": Result.COMPLETE,
    "completion": Result.COMPLETE,
    "comp": Result.COMPLETE,
    "incomplete": Result.INCOMPLETE,
    "incompletion": Result.INCOMPLETE,
    "inc": Result.INCOMPLETE,
    "interception": Result.INTERCEPTION,
    "int": Result.INTERCEPTION,
    "sack": Result.SACK,
    "sacked": Result.SACK,
    "run": Result.RUN,
    "rush": Result.RUN,
    "scramble": Result.RUN,
    "penalty": Result.PENALTY,
    "pen": Result.PENALTY,
}
# "TD" alone or after a result ("Complete TD", "Rush, TD") marks a touchdown; alone,
# PLAY TYPE says whether it was a completion or a run.
SHELLS = {label.lower(): value for value, label in Shell.choices} | {
    value.lower(): value for value in Shell.values
}
COVERAGES = {label.lower(): value for value, label in Coverage.choices}
YES = {"y", "yes", "true", "1", "x", "td"}


class CSVImportError(ValidationError):
    pass


def _yard_line(text, rules):
    """Hudl YARD LN: negative is our side of midfield (-5 = our 5), positive theirs
    (+10 = their 10, 10 yd to go). A bare number counts as yards to the goal."""
    value = float(text)
    if text.strip().startswith("-"):
        return rules.playing_length + value
    return value


def _yard_ln_out(yards_to_goal, rules):
    half = rules.playing_length / 2
    if yards_to_goal > half:
        return f"-{rules.playing_length - yards_to_goal:g}"
    return f"+{yards_to_goal:g}" if yards_to_goal != half else f"{yards_to_goal:g}"


def export_csv(game):
    rules = rules_of(game)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    snaps = game.snaps.select_related("play__formation", "defense").order_by("sequence", "id")
    for snap in snaps:
        outcome = pg.advance(rules, snap.state(), snap.result, snap.yards, snap.touchdown)
        play_type = {Result.RUN: "Run", Result.PENALTY: "Penalty"}.get(snap.result, "Pass")
        writer.writerow(
            [
                snap.sequence,
                "O",
                snap.drive,
                snap.down,
                f"{snap.distance:g}",
                _yard_ln_out(snap.yards_to_goal, rules),
                play_type,
                snap.get_result_display(),
                f"{snap.yards:g}",
                snap.call_label,
                snap.play.formation.name if snap.play_id else "",
                snap.defense.name if snap.defense_id else snap.get_defense_shell_display(),
                snap.get_defense_coverage_display() if snap.defense_coverage else "",
                "" if snap.defense_rushers is None else snap.defense_rushers,
                snap.try_points or "",
                "Y" if snap.touchdown or outcome.event == pg.TOUCHDOWN else "",
                snap.flag_puller,
                snap.target,
                snap.notes,
                snap.idempotency_key,
            ]
        )
    return out.getvalue()


def _error(row, column, message):
    """Keyed "row 7.DN": the row as a spreadsheet numbers it (the header is row 1)."""
    return CSVImportError({f"row {row}" + (f".{column}" if column else ""): [message]})


def parse_rows(game, text):
    """[(row number, snap data, key)] or CSVImportError for the first bad row."""
    rules = rules_of(game)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise _error(1, None, "The file is empty: the first row must name the columns.")
    headers = {h.strip().upper(): h for h in reader.fieldnames if h}
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise _error(1, missing[0], f"No {missing[0]} column (columns: {', '.join(COLUMNS)}).")
    scenarios = {s.name.lower(): s for s in Scenario.objects.filter(team_id=game.team_id)}
    parsed = []
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        if number - 1 > MAX_ROWS:
            raise _error(number, None, f"More than {MAX_ROWS} rows.")
        row = {k: (raw.get(h) or "").strip() for k, h in headers.items()}
        if not any(row.values()):
            continue
        if row.get("ODK", "O").upper() not in ("", "O"):
            continue  # defense and kicking rows of a Hudl breakdown are not our snaps
        parsed.append((number, _row(number, row, rules, scenarios, game)))
    return parsed


def _number(number, row, column, kind=float, low=None, high=None):
    text = row.get(column, "")
    if text == "":
        return None
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        raise _error(number, column, f"'{text}' is not a number.") from None
    if kind is int and float(text) != int(float(text)):
        raise _error(number, column, f"'{text}' is not a whole number.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _error(number, column, f"'{text}' must be between {low} and {high}.")
    return value


def _row(number, row, rules, scenarios, game):
    words = row["RESULT"].lower().replace(",", " ").split()
    text = " ".join(w for w in words if w != "td")
    if (text and text not in RESULTS) or not words:
        raise _error(
            number,
            "RESULT",
            f"'{row['RESULT']}' is not a result (complete, incomplete, interception, sack, run, "
            "penalty, or Hudl's Rush, Complete TD …).",
        )
    play_type = row.get("PLAY TYPE", "").lower()
    if text:
        result = RESULTS[text]
    else:
        result = Result.RUN if play_type in ("run", "rush") else Result.COMPLETE
    touchdown = "td" in words or row.get("TD", "").lower() in YES
    data = {
        "result": result,
        "yards": _number(number, row, "GN/LS", float, -150, 150) or 0.0,
        "touchdown": touchdown,
        "drive": _number(number, row, "DRIVE", int, 1, 999),
        "down": _number(number, row, "DN", int, 1, rules.downs),
        "distance": _number(number, row, "DIST", float, 0.1, rules.playing_length),
        "call": row.get("OFF PLAY", ""),
        "flag_puller": row.get("FLAG PULLER", "")[:60],
        "target": row.get("TARGET", "")[:60],
        "notes": row.get("NOTES", "")[:2000],
        "defense_rushers": _number(number, row, "RUSHERS", int, 0, 7),
        "try_points": _number(number, row, "TRY", int, 1, 2),
    }
    if row.get("YARD LN", ""):
        try:
            ytg = _yard_line(row["YARD LN"], rules)
        except ValueError:
            raise _error(number, "YARD LN", f"'{row['YARD LN']}' is not a yard line.") from None
        if not 0 < ytg <= rules.playing_length:
            raise _error(
                number,
                "YARD LN",
                f"'{row['YARD LN']}' is off the {rules.playing_length:g}-yd field "
                "(-5 is our 5, +10 their 10).",
            )
        data["yards_to_goal"] = ytg
    front = row.get("DEF FRONT", "")
    if front:
        if front.lower() in scenarios:
            data["defense"] = scenarios[front.lower()]
        elif front.lower() in SHELLS:
            data["defense_shell"] = SHELLS[front.lower()]
        else:
            raise _error(
                number,
                "DEF FRONT",
                f"'{front}' is neither one of our scenarios nor a shell "
                f"({', '.join(label for _, label in Shell.choices)}).",
            )
    coverage = row.get("COVERAGE", "")
    if coverage:
        if coverage.lower() not in COVERAGES:
            raise _error(number, "COVERAGE", f"'{coverage}' — use Man or Zone.")
        data["defense_coverage"] = COVERAGES[coverage.lower()]
    if data["call"]:
        data["play"] = resolve_call(game, data["call"])
    key = row.get("KEY", "") or _row_key(number, row)
    if len(key) > 64:
        raise _error(number, "KEY", "At most 64 characters.")
    return data, key


def _row_key(number, row):
    """A stable key for a row without one: the same file imported twice adds nothing."""
    blob = "\x1f".join(f"{k}={v}" for k, v in sorted(row.items()))
    return f"csv-{number}-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def import_csv(game, text):
    """{"created", "unchanged"} — or CSVImportError, with nothing written."""
    parsed = parse_rows(game, text)
    rules = rules_of(game)
    created = unchanged = 0
    with transaction.atomic():
        for number, (data, key) in parsed:
            try:
                _, new = snap_record(game=game, data=data, key=key, rules=rules)
            except ValidationError as exc:
                column = {
                    "down": "DN",
                    "distance": "DIST",
                    "yards_to_goal": "YARD LN",
                    "yards": "GN/LS",
                    "drive": "DRIVE",
                    "try_points": "TRY",
                }
                field, messages = next(iter(_messages(exc).items()))
                raise _error(number, column.get(field, field.upper()), messages[0]) from None
            created += new
            unchanged += not new
    return {"created": created, "unchanged": unchanged, "rows": len(parsed)}


def _messages(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def snaps_csv_name(game):
    stem = "".join(c if c.isalnum() else "-" for c in str(game)).strip("-")
    return f"{stem}-snaps.csv"
