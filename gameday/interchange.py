"""Games (with their snaps) in the FieldOS JSON export and import (docs/import-export.md,
"Games"). Registered with playbook.interchange.extensions from GamedayConfig.ready():
the importer knows nothing of gameday, gameday plugs its kind in.

A game is identified by its id (`Game.external_id`); its snaps by their idempotency
`key` within the game. Another game of the team against the same opponent on the same
date is the clash `on_conflict` settles: identical content is reused, otherwise
rename imports it as a second game of that day, skip keeps the team's game, fail
refuses the import."""

import contextlib
from datetime import date as Date
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from playbook.constants import Coverage, Shell
from playbook.interchange.build import Skip
from playbook.interchange.errors import describe
from playbook.interchange.export import export_ids
from playbook.interchange.extensions import ExtraKind
from playbook.interchange.values import BAD
from playbook.interchange.writer import FAIL, SKIP

from . import services
from .models import Game, Result

GAME_FIELDS = ("opponent", "date", "notes", "our_score", "their_score")
# The snap's own fields as the file holds them; play and defense are references.
SNAP_FIELDS = (
    *services.STATE_FIELDS,
    "try_points",
    "entered",
    *(f for f in services.SNAP_FIELDS if f not in ("play", "defense")),
)
SNAP_KEYS = {"key", "play", "defense", *SNAP_FIELDS}
NUMBERS = ("drive", "down", "defense_rushers", "try_points")  # whole numbers
FLOATS = ("distance", "yards_to_goal", "yards")


# --- reading -------------------------------------------------------------------------------


def parse_game(r, item, where):
    opponent = r.text(where, "opponent", item.get("opponent"), max_length=120, required=True)
    raw_date = item.get("date")
    day = BAD
    if isinstance(raw_date, str):
        with contextlib.suppress(ValueError):
            day = Date.fromisoformat(raw_date)
    if day is BAD:
        r.error(where, "date", f"expected a date YYYY-MM-DD, got {describe(raw_date)}")
    scores = {}
    for name in ("our_score", "their_score"):
        value = item.get(name)
        scores[name] = None if value is None else r.number(where, name, value, integer=True)
    snaps = []
    raw = r.listing(where, "snaps", item.get("snaps", []), "a list of snaps")
    for i, snap in enumerate([] if raw is BAD else raw):
        path = f"snaps[{i}]"
        if r.mapping(where, path, snap) is BAD:
            continue
        r.known(where, snap, SNAP_KEYS, path)
        snaps.append(_parse_snap(r, snap, where, path, item.get("id"), i))
    return {
        "name": f"{raw_date} vs {opponent}",
        "opponent": opponent if opponent is BAD else opponent.strip(),
        "date": day,
        "rules": _ref(r, where, "rules", item.get("rules")),
        "playbook": _ref(r, where, "playbook", item.get("playbook")),
        "notes": r.text(where, "notes", item.get("notes", ""), max_length=5000),
        **scores,
        "snaps": snaps,
    }


def _ref(r, where, path, value):
    return None if value is None else r.text(where, path, value, required=True)


def _parse_snap(r, snap, where, path, game_id, index):
    out = {
        # a snap without a key gets one from its place, so importing the file twice adds
        # nothing
        "key": r.text(where, f"{path}.key", snap.get("key", f"{game_id}:{index + 1}"), 64, True),
        "play": _ref(r, where, f"{path}.play", snap.get("play")),
        "defense": _ref(r, where, f"{path}.defense", snap.get("defense")),
    }
    for name in NUMBERS:
        value = snap.get(name)
        out[name] = None if value is None else r.number(where, f"{path}.{name}", value, True)
    for name in FLOATS:
        value = snap.get(name, 0.0 if name == "yards" else None)
        out[name] = None if value is None else r.number(where, f"{path}.{name}", value)
    for name in ("entered", "touchdown"):
        out[name] = r.boolean(where, f"{path}.{name}", snap.get(name, False))
    for name, choices in (
        ("result", Result.values),
        ("defense_shell", ["", *Shell.values]),
        ("defense_coverage", ["", *Coverage.values]),
    ):
        value = snap.get(name, "")
        if value not in choices:
            r.error(where, f"{path}.{name}", f"{describe(value)}: one of {', '.join(choices)}")
            value = BAD
        out[name] = value
    for name in ("call", "flag_puller", "target", "notes"):
        out[name] = r.text(where, f"{path}.{name}", snap.get(name, ""))
    missing = [k for k in ("drive", "down", "distance", "yards_to_goal") if out[k] is None]
    if missing:
        r.error(where, path, f"{', '.join(missing)} missing; an exported snap states where it was")
    return out


# --- writing -------------------------------------------------------------------------------


def _values(w, spec, where):
    data = {
        "ruleset": w.get("rules", spec["rules"], where, "rules"),
        "playbook": w.get("playbooks", spec["playbook"], where, "playbook"),
        **{k: spec[k] for k in GAME_FIELDS},
    }
    snaps = []
    for i, s in enumerate(spec["snaps"]):
        row = {k: s[k] for k in SNAP_FIELDS}
        row["key"] = s["key"]
        row["play"] = w.get("plays", s["play"], where, f"snaps[{i}].play")
        row["defense"] = w.get("scenarios", s["defense"], where, f"snaps[{i}].defense")
        snaps.append(row)
    return {"data": data, "snaps": snaps}


def _comparable(values):
    def pk(v):
        return getattr(v, "pk", v)

    return {
        "data": {k: pk(v) for k, v in values["data"].items()},
        "snaps": [{k: pk(v) for k, v in s.items()} for s in values["snaps"]],
    }


def stored(game):
    data = {"ruleset": game.ruleset_id, "playbook": game.playbook_id}
    data.update({k: getattr(game, k) for k in GAME_FIELDS})
    snaps = [
        {
            **{k: getattr(s, k) for k in SNAP_FIELDS},
            "key": s.idempotency_key,
            "play": s.play_id,
            "defense": s.defense_id,
        }
        for s in game.snaps.order_by("sequence", "id")
    ]
    return {"data": data, "snaps": snaps}


def write_game(w, item_id, spec, where):
    values = _values(w, spec, where)
    team_games = Game.objects.filter(team=w.team)
    instance = team_games.filter(external_id=item_id).first()
    wanted = _comparable(values)
    if instance is not None and _comparable(stored(instance)) == wanted:
        return instance, "unchanged"
    if instance is None:
        same_day = team_games.filter(opponent__iexact=spec["opponent"], date=spec["date"])
        for other in same_day:
            if _comparable(stored(other)) == wanted:
                _note(w, where, f"{other} has the same content as the team's game; reused")
                return other, "unchanged"
        other = same_day.first()
        if other is not None:
            taken = f"the team already has a game {other} with other snaps or scores"
            if w.on_conflict == FAIL:
                w.error(where, "date", taken)
                raise Skip
            if w.on_conflict == SKIP:
                _note(w, where, f"{taken}; skipped: the team's game is kept as it is")
                return other, "unchanged"
            _note(w, where, f"{taken}; imported as a second game that day")
    if instance is not None:
        w.journal.changing(instance)  # kept as it is, for an import that fails
    try:
        game = services.game_import_write(
            team=w.team,
            data={**values["data"], "external_id": item_id},
            snaps=values["snaps"],
            instance=instance,
        )
    except ValidationError as exc:
        for path, messages in exc.message_dict.items():
            for message in messages:
                w.error(where, "" if path == NON_FIELD_ERRORS else path, message)
        raise Skip from None
    return game, "updated" if instance is not None else "created"


def _note(w, where, message):
    w.summary.kinds["games"]["warnings"].append(f"{where.at()}: {message}")


# --- export --------------------------------------------------------------------------------


def export_games(team, ids):
    games = list(
        Game.objects.filter(team=team).prefetch_related("snaps").order_by("date", "opponent", "id")
    )
    game_ids = export_ids(
        [SimpleNamespace(pk=g.pk, name=str(g), external_id=g.external_id) for g in games],
        "games",
    )
    return [_render(g, game_ids[g.pk], ids) for g in games]


def _render(game, game_id, ids):
    return {
        "id": game_id,
        "opponent": game.opponent,
        "date": game.date.isoformat(),
        "rules": ids["rules"].get(game.ruleset_id),
        "playbook": ids["playbooks"].get(game.playbook_id),
        "notes": game.notes,
        "our_score": game.our_score,
        "their_score": game.their_score,
        "snaps": [
            {
                "key": s.idempotency_key,
                "play": ids["plays"].get(s.play_id),
                "defense": ids["scenarios"].get(s.defense_id),
                **{k: getattr(s, k) for k in SNAP_FIELDS},
            }
            for s in sorted(game.snaps.all(), key=lambda s: (s.sequence, s.id))
        ],
    }


GAMES = ExtraKind(
    kind="games",
    singular="game",
    id_prefix="game",
    signature=("snaps", "opponent"),
    allowed=frozenset(
        {"id", "opponent", "date", "rules", "playbook", "notes", "our_score", "their_score"}
        | {"snaps"}
    ),
    parse=parse_game,
    write=write_game,
    export=export_games,
)
