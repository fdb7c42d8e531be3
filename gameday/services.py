"""Writes of games and snaps. Snaps are stored once per idempotency key per game and
take their down, distance and yard line from the previous snap unless entered."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from playbook.models import Play, PlaybookEntry, default_ruleset

from . import progression as pg
from .models import Game, Result, Snap

STATE_FIELDS = ("drive", "down", "distance", "yards_to_goal")
SNAP_FIELDS = (
    "play",
    "call",
    "defense",
    "defense_shell",
    "defense_coverage",
    "defense_rushers",
    "result",
    "yards",
    "touchdown",
    "flag_puller",
    "target",
    "notes",
)


def rules_of(game):
    ruleset = game.ruleset or default_ruleset(game.team_id)
    return pg.Rules.of(ruleset) if ruleset is not None else pg.Rules()


def expected_state(game, rules=None):
    """Where the next snap of `game` starts: followed on from its last snap."""
    rules = rules or rules_of(game)
    last = game.snaps.order_by("-sequence", "-id").first()
    if last is None:
        return pg.drive_start(rules)
    return pg.advance(rules, last.state(), last.result, last.yards, last.touchdown).next


def resolve_call(game, call):
    """The play a charted call names: a call number of the game's playbook, else a play
    name of the team (case-insensitive). None when nothing matches."""
    call = (call or "").strip()
    if not call:
        return None
    if game.playbook_id:
        entry = (
            PlaybookEntry.objects.filter(playbook_id=game.playbook_id, call_number__iexact=call)
            .select_related("play")
            .first()
        )
        if entry is not None:
            return entry.play
    return Play.objects.filter(team_id=game.team_id, name__iexact=call).first()


def normalised_yards(result, yards):
    """Nothing is gained on an incompletion or an interception; a sack loses yards."""
    yards = float(yards or 0.0)
    if result in (Result.INCOMPLETE, Result.INTERCEPTION):
        return 0.0
    if result == Result.SACK:
        return -abs(yards)
    return yards


def check_state(rules, state):
    errors = {}
    if state.down > rules.downs:
        errors["down"] = [f"{state.down} — this ruleset has {rules.downs} downs."]
    if state.yards_to_goal > rules.playing_length:
        errors["yards_to_goal"] = [
            f"{state.yards_to_goal:g} — the field is {rules.playing_length:g} yd goal to goal."
        ]
    elif state.distance > state.yards_to_goal:
        errors["distance"] = [
            f"{state.distance:g} — more than the {state.yards_to_goal:g} yd to the goal."
        ]
    if errors:
        raise ValidationError(errors)


def _snap_values(game, data):
    values = {k: data[k] for k in SNAP_FIELDS if k in data}
    if values.get("play") is None and values.get("call"):
        values["play"] = resolve_call(game, values["call"])
    if "result" in values or "yards" in values:
        result = values.get("result")
        values["yards"] = normalised_yards(result, values.get("yards", 0.0))
    return values


def snap_record(*, game, data, key, rules=None):
    """(snap, created): the snap stored under `key` in `game`, written now unless a snap
    with that key is already there (then nothing changes)."""
    rules = rules or rules_of(game)
    with transaction.atomic():
        Game.objects.select_for_update().filter(pk=game.pk).values_list("pk").first()
        existing = Snap.objects.filter(game=game, idempotency_key=key).first()
        if existing is not None:
            return existing, False
        given = {k: data.get(k) for k in STATE_FIELDS}
        state = pg.entered(
            expected_state(game, rules), {**given, "try_points": data.get("try_points")}, rules
        )
        check_state(rules, state)
        values = _snap_values(game, data)
        values.setdefault("result", data.get("result"))
        if values.get("yards", 0.0) >= state.yards_to_goal and values["result"] not in (
            Result.INCOMPLETE,
            Result.INTERCEPTION,
        ):
            values["touchdown"] = True  # the ball crossed the goal line
        last = game.snaps.aggregate(n=Max("sequence"))["n"] or 0
        snap = Snap(
            team_id=game.team_id,
            game=game,
            sequence=last + 1,
            drive=state.drive,
            down=state.down,
            distance=state.distance,
            yards_to_goal=state.yards_to_goal,
            try_points=state.try_points,
            entered=any(v is not None for v in given.values()),
            idempotency_key=key,
            **values,
        )
        snap.full_clean(exclude=["team", "game"], validate_constraints=False)
        try:
            with transaction.atomic():
                snap.save()
        except IntegrityError:  # the same key from a request that got there first
            existing = Snap.objects.filter(game=game, idempotency_key=key).first()
            if existing is None:
                raise
            return existing, False
    return snap, True


def snap_update(snap, data):
    rules = rules_of(snap.game)
    with transaction.atomic():
        values = _snap_values(snap.game, {"result": snap.result, **data})
        if "yards" in data or "result" in data:
            values["yards"] = normalised_yards(
                values.get("result", snap.result), data.get("yards", snap.yards)
            )
        for name, value in values.items():
            setattr(snap, name, value)
        changed = {k: data[k] for k in STATE_FIELDS if k in data and data[k] is not None}
        if "try_points" in data:
            snap.try_points = data["try_points"] or None
        for name, value in changed.items():
            setattr(snap, name, value)
        if changed:
            snap.entered = True
        check_state(rules, snap.state())
        snap.version += 1
        snap.full_clean(exclude=["team", "game"], validate_constraints=False)
        snap.save()
    return snap


def game_save(game):
    if game.pk is not None:
        game.version += 1
    game.save()
    return game


@transaction.atomic
def game_import_write(*, team, data, snaps, instance=None):
    """A game and its snaps as a file states them (the FieldOS JSON import): the game's
    fields, then each snap by its key — changed ones updated, new ones added, the game's
    other snaps deleted. Snaps keep the down, distance and yard line they state. Errors
    are keyed "snaps[i].field"."""
    game = instance if instance is not None else Game(team=team)
    for name, value in data.items():
        setattr(game, name, value)
    game.full_clean(exclude=["team", "ruleset", "playbook"], validate_constraints=False)
    game_save(game)
    rules = rules_of(game)
    existing = {s.idempotency_key: s for s in game.snaps.all()} if instance is not None else {}
    errors = {}
    kept = set()
    for i, row in enumerate(snaps):
        row = dict(row)
        key = row.pop("key")
        snap = existing.get(key) or Snap(team_id=team.pk, game=game, idempotency_key=key)
        changed = snap.pk is None or snap.sequence != i + 1
        for name, value in row.items():
            changed |= getattr(snap, name) != value
            setattr(snap, name, value)
        snap.sequence = i + 1
        try:
            snap.full_clean(exclude=["team", "game"], validate_constraints=False)
            check_state(rules, snap.state())
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(f"snaps[{i}].{name}", []).extend(messages)
            continue
        if key in kept:
            errors.setdefault(f"snaps[{i}].key", []).append(f"'{key}' is used by another snap")
            continue
        kept.add(key)
        if changed:
            if snap.pk is not None:
                snap.version += 1
            snap.save()
    if errors:
        raise ValidationError(errors)
    game.snaps.exclude(idempotency_key__in=kept).delete()
    return game
