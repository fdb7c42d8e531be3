"""Writes for the playbook: the only way a playbook object is stored. The API, the
admin's change forms and actions, the importer and restore all call these; each runs
the rules of playbook/validation.py (and the model's field limits and per-team unique
names) and refuses errors with a ValidationError keyed by field path, and stores the
warnings with the object. `KINDS` says, per model, which writer stores it and what its
child rows are called."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal

from playbook import history, validation
from playbook.constants import MAN_AUTO, NFL_FLAG_5V5, Bucket, Duty
from playbook.models import (
    Formation,
    FormationSlot,
    Lineup,
    LineupSpot,
    Play,
    PlayAssignment,
    Playbook,
    PlaybookEntry,
    Player,
    Route,
    RouteBreakpoint,
    Ruleset,
    Scenario,
    ScenarioDefender,
    default_ruleset,
)

# Asked before an object is deleted: receivers (simulation for runs and trainings,
# strategy for analyses) answer with the queued or running jobs that still use it, so
# the delete is refused naming them instead of leaving a job with an input that is gone.
# The playbook knows no jobs.
jobs_using = Signal()


def delete_blocking_jobs(obj):
    """The unfinished jobs (runs …) that use obj; [] when it may be deleted."""
    return [job for _, jobs in jobs_using.send(sender=type(obj), obj=obj) for job in jobs or ()]


def in_use_by_jobs_message(obj, jobs):
    """'Play 'Trips Flood' is in use by run 12 (running): …' for a refused delete; each
    job model names itself with `job_noun` (run, training, analysis)."""
    names = ", ".join(
        f"{getattr(job, 'job_noun', job._meta.verbose_name)} {job.pk} "
        f"({job.get_status_display().lower()})"
        for job in jobs
    )
    return (
        f"{obj._meta.verbose_name.capitalize()} '{obj}' is in use by {names}. Wait until "
        "it finishes or cancel it, then delete."
    )


def on_team_created(sender, team, **kwargs):
    ruleset_create_default(team)


def ruleset_create_default(team):
    """Every team starts with NFL FLAG 5v5 as its default ruleset."""
    ruleset, _ = Ruleset.objects.get_or_create(
        team=team,
        external_id=NFL_FLAG_5V5["external_id"],
        defaults={**NFL_FLAG_5V5, "is_default": True},
    )
    if not Ruleset.objects.filter(team=team, is_default=True).exists():
        Ruleset.objects.filter(pk=ruleset.pk).update(is_default=True)
    return ruleset


@transaction.atomic
def ruleset_make_default(ruleset):
    Ruleset.objects.filter(team_id=ruleset.team_id, is_default=True).exclude(pk=ruleset.pk).update(
        is_default=False
    )
    ruleset.is_default = True
    ruleset.save(update_fields=["is_default", "updated_at"])
    _recheck_users(ruleset)
    return ruleset


@transaction.atomic
def ruleset_update(ruleset, data):
    """Change a ruleset; refused when an object checked against it would break a rule
    (a narrower field, a shorter pass clock …), so stored objects always stay valid."""
    _save(ruleset, Ruleset, ruleset.team, data)
    _recheck_users(ruleset)
    return ruleset


@transaction.atomic
def ruleset_write(*, team, data, instance=None):
    if _stored(instance) is not None:
        return ruleset_update(instance, data)
    return _save(instance, Ruleset, team, data)


@transaction.atomic
def player_write(*, team, data, instance=None):
    """A player's ratings and default role. A player listed in lineups keeps its side:
    the lineups would put them on the wrong side of the ball."""
    stored = _stored(instance)
    side_before = (
        Player.objects.filter(pk=stored.pk).values_list("side", flat=True).first()
        if stored
        else None
    )

    def keeps_lineups(player):
        if side_before is None or player.side == side_before:
            return
        spots = player.lineup_spots.select_related("lineup")
        if spots:
            used = ", ".join(f"{s.lineup} as {s.role}" for s in spots)
            raise ValidationError(
                {"side": [f"{player.name} plays in lineups ({used}); change those first."]}
            )

    return _save(instance, Player, team, data, then=keeps_lineups)


def ruleset_problems(ruleset):
    """Check everything that is checked against `ruleset` with its current (maybe
    unsaved) values. Returns (errors as readable lines, {object: warnings})."""
    users = Q(ruleset_id=ruleset.pk) | (Q(ruleset=None) if ruleset.is_default else Q(pk__in=[]))
    objects = [
        obj
        for model in (Formation, Play, Scenario)
        for obj in model.objects.filter(users, team_id=ruleset.team_id)
    ]
    return _check_all(objects, validation.Rules.of(ruleset))


def _recheck_users(ruleset):
    _store_or_refuse(*ruleset_problems(ruleset), "objects that use this ruleset")


def _check_all(objects, rules=None):
    problems, warnings = [], {}
    for obj in objects:
        report = obj.check_rules(rules)
        problems += [
            f"{obj._meta.verbose_name} '{obj}': {path}: {message}"
            for path, messages in report.errors.items()
            for message in messages
        ]
        warnings[obj] = report.warnings
    return problems, warnings


def _store_or_refuse(problems, warnings, what):
    """Store fresh warnings, or raise with every rule the change would break for the
    objects that depend on it (the caller's transaction rolls back)."""
    if problems:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"This change would break {len(problems)} rule(s) of {what}:",
                    *problems[:20],
                ]
            }
        )
    for obj, found in warnings.items():
        if found != obj.warnings:
            type(obj).objects.filter(pk=obj.pk).update(warnings=found)


def rules_of(team, ruleset=None):
    return validation.Rules.of(ruleset or default_ruleset(team))


def _refuse(report):
    if report.errors:
        raise ValidationError(report.errors)
    return report


def _stored(instance):
    """The object as it is in the database, or None for a new one (an admin add page
    hands over its unsaved instance)."""
    return instance if instance is not None and instance.pk is not None else None


def _unique_errors(instance, model, team):
    """Names and external ids are unique in a team. Checked here, for every caller, so
    the database constraint only backs it up (two writes racing)."""
    errors = {}
    label = model._meta.verbose_name
    for field, said in (("name", "called '{}'"), ("external_id", "with external id '{}'")):
        value = getattr(instance, field, "")
        if not value:
            continue
        others = model.objects.filter(team=team, **{field: value}).exclude(pk=instance.pk)
        if others.exists():
            errors[field] = [f"A {label} {said.format(value)} already exists in this team."]
    return errors


def _save(instance, model, team, data, then=None):
    """Set `data` on the object (a new one in `team` if None), check it and store it;
    `then(obj)` is the writer's own check once the fields are known to be right."""
    instance = instance if instance is not None else model(team=team)
    if instance.team_id is None:
        instance.team = team
    instance.rows_follow = bool(model.history_rows)  # _replace_rows() seals the version
    for name, value in data.items():
        setattr(instance, name, value)
    # Field limits and choices (ratings 0–100, jitter ranges …) and the model's own
    # cross-field rules (clean) for every caller; relations are checked by whoever resolved
    # them, the unique names here, constraints once more by the database.
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    errors = {}
    try:
        instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = dict(error.update_error_dict({}))
    for field, messages in _unique_errors(instance, model, team).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if then is not None:
        then(instance)
    instance.save()
    return instance


def _replace_rows(manager, model, parent_field, parent, rows):
    getattr(parent, "_prefetched_objects_cache", {}).clear()  # no stale rows after the write
    manager.all().delete()
    model.objects.bulk_create([model(**{parent_field: parent}, **row) for row in rows])
    history.seal(parent)  # the version just recorded holds these rows


# --- formations, routes -------------------------------------------------------


@transaction.atomic
def formation_write(*, team, data, slots=None, instance=None):
    """data: name, external_id, ruleset; slots: [{"role","x","y"}] (None: keep)."""
    stored = _stored(instance)
    ruleset = data.get("ruleset", instance.ruleset if instance else None)
    if slots is None:
        slots = stored.slot_data() if stored else []
    report = _refuse(validation.check_formation(slots, rules_of(team, ruleset)))
    formation = _save(instance, Formation, team, {**data, "warnings": report.warnings})
    _replace_rows(formation.slots, FormationSlot, "formation", formation, slots)
    if stored is not None:
        _refresh_plays(Play.objects.filter(formation=formation))
    return formation


@transaction.atomic
def route_write(*, team, data, breakpoints=None, instance=None):
    """data: name, external_id, settle; breakpoints: [{"x","y","time_ms"}] (None: keep)."""
    stored = _stored(instance)
    if breakpoints is None:
        breakpoints = stored.breakpoint_data() if stored else []
    report = _refuse(validation.check_route(breakpoints))
    route = _save(instance, Route, team, {**data, "warnings": report.warnings})
    _replace_rows(route.breakpoints, RouteBreakpoint, "route", route, breakpoints)
    if stored is not None:
        _refresh_plays(Play.objects.filter(assignments__route=route).distinct())
    return route


def _refresh_plays(plays):
    plays = plays.select_related("formation", "ruleset")
    _store_or_refuse(*_check_all(plays), "the plays that use it")


# --- plays -----------------------------------------------------------------------


def _assignment_data(assignments):
    return [
        {
            "role": a["role"],
            "route": a.get("route")
            and {"name": a["route"].name, "breakpoints": a["route"].breakpoint_data()},
        }
        for a in assignments
    ]


# The fields that say what the play does besides its routes: motion, run and trick parts.
PLAY_SHAPE_FIELDS = (*Play.HANDOFF_FIELDS, *Play.MOTION_FIELDS)


@transaction.atomic
def play_write(*, team, data, assignments=None, instance=None):
    """data: Play fields (formation, ruleset, progression, max_time_to_throw_ms, motion_*,
    tags, notes, name, external_id); assignments: [{"role", "route": Route|None}]."""
    current = {
        f: getattr(instance, f) if instance else Play._meta.get_field(f).get_default()
        for f in (
            "formation",
            "ruleset",
            *PLAY_SHAPE_FIELDS,
        )
    }
    merged = {**current, **data}
    formation = merged["formation"]
    if assignments is None:
        assignments = (
            [{"role": a.role, "route": a.route} for a in instance.assignments.all()]
            if _stored(instance)
            else []
        )
    progression = data.get("progression", instance.progression if instance else [])
    max_ttt = data.get("max_time_to_throw_ms", instance.max_time_to_throw_ms if instance else 3000)
    shaped = Play(**{f: merged[f] for f in PLAY_SHAPE_FIELDS})
    report = _refuse(
        validation.check_play(
            formation.slot_data() if formation else [],
            _assignment_data(assignments),
            {"progression": progression, "max_time_to_throw_ms": max_ttt},
            shaped.motion,
            rules_of(team, merged["ruleset"]),
            handoff=shaped.handoff,
        )
    )
    play = _save(instance, Play, team, {**data, "warnings": report.warnings})
    _replace_rows(
        play.assignments,
        PlayAssignment,
        "play",
        play,
        [{"role": a["role"], "route": a.get("route")} for a in assignments],
    )
    return play


def unique_name(model, team, base):
    """`base`, or "Name (mirror 2)", "Name (mirror 3)" … when taken in the team; long
    names are shortened so the copy still fits the name field."""
    limit = model._meta.get_field("name").max_length
    name, n = _shorten(base, limit), 2
    while model.objects.filter(team=team, name=name).exists():
        numbered = f"{base[:-1]} {n})" if base.endswith(")") else f"{base} {n}"
        name, n = _shorten(numbered, limit), n + 1
    return name


def _shorten(name, limit):
    """Keep a copy's "(mirror)"/"(copy)" ending when the original name is long."""
    if len(name) <= limit:
        return name
    cut = name.rfind(" (")
    ending = name[cut:] if cut > 0 else ""
    return name[: limit - len(ending) - 1].rstrip() + "…" + ending


def _mirror_slots(formation):
    return [{"role": s["role"], "x": s["x"], "y": -s["y"] + 0.0} for s in formation.slot_data()]


def _same_rows(a, b, keys):
    return sorted(tuple(r[k] for k in keys) for r in a) == sorted(
        tuple(r[k] for k in keys) for r in b
    )


@transaction.atomic
def formation_mirror(formation):
    """A left/right flipped copy, or the existing formation that already is one."""
    slots = _mirror_slots(formation)
    for other in Formation.objects.filter(team_id=formation.team_id).prefetch_related("slots"):
        if _same_rows(other.slot_data(), slots, ("role", "x", "y")):
            return other
    return formation_write(
        team=formation.team,
        data={
            "name": unique_name(Formation, formation.team, f"{formation.name} (mirror)"),
            "ruleset": formation.ruleset,
        },
        slots=slots,
    )


@transaction.atomic
def route_mirror(route):
    points = [
        {"x": b["x"], "y": -b["y"] + 0.0, "time_ms": b["time_ms"]} for b in route.breakpoint_data()
    ]
    if all(p["y"] == 0 for p in points):
        return route  # a straight vertical route is its own mirror
    for other in Route.objects.filter(team_id=route.team_id, settle=route.settle).prefetch_related(
        "breakpoints"
    ):
        if other.breakpoint_data() == points:
            return other
    return route_write(
        team=route.team,
        data={
            "name": unique_name(Route, route.team, f"{route.name} (mirror)"),
            "settle": route.settle,
        },
        breakpoints=points,
    )


def _play_fields(play, **changes):
    fields = {
        f: getattr(play, f)
        for f in (
            "formation",
            "ruleset",
            "progression",
            "max_time_to_throw_ms",
            "scramble_allowed",
            *PLAY_SHAPE_FIELDS,
            "tags",
            "notes",
        )
    }
    return {**fields, **changes}


@transaction.atomic
def play_mirror(play):
    """A new play flipped left/right (y → −y), reusing mirrored formations/routes."""
    assignments = [
        {"role": a.role, "route": a.route and route_mirror(a.route)}
        for a in play.assignments.select_related("route")
    ]
    data = _play_fields(
        play,
        name=unique_name(Play, play.team, f"{play.name} (mirror)"),
        formation=formation_mirror(play.formation),
        motion_y=-play.motion_y + 0.0 if play.motion_y is not None else None,
        mesh_y=-play.mesh_y + 0.0 if play.mesh_y is not None else None,
    )
    return play_write(team=play.team, data=data, assignments=assignments)


@transaction.atomic
def play_duplicate(play, name=None):
    """A copy with the same formation and routes, called `name` (a name already used in
    the team is refused) or, without one, "<name> (copy)" made unique."""
    assignments = [
        {"role": a.role, "route": a.route} for a in play.assignments.select_related("route")
    ]
    name = name.strip() if name else unique_name(Play, play.team, f"{play.name} (copy)")
    data = _play_fields(play, name=name)
    return play_write(team=play.team, data=data, assignments=assignments)


# --- scenarios, lineups, playbooks -------------------------------------------------


@transaction.atomic
def scenario_write(*, team, data, defenders=None, instance=None):
    """defenders: [{"slot", "x", "y", "duty", "man_target", "zone_x", "zone_y",
    "zone_radius", "player"}]."""
    ruleset = data.get("ruleset", instance.ruleset if instance else None)
    if defenders is None:
        defenders = (
            [{**d.as_data(), "player": d.player} for d in instance.defenders.all()]
            if _stored(instance)
            else []
        )
    # A man defender without a target takes the nearest receiver at the snap.
    defenders = [
        {**d, "man_target": MAN_AUTO}
        if d.get("duty") == Duty.MAN and not d.get("man_target")
        else d
        for d in defenders
    ]
    report = _refuse(validation.check_scenario(defenders, rules_of(team, ruleset)))
    scenario = _save(instance, Scenario, team, {**data, "warnings": report.warnings})
    _replace_rows(scenario.defenders, ScenarioDefender, "scenario", scenario, defenders)
    return scenario


@transaction.atomic
def lineup_write(*, team, data, spots=None, instance=None):
    """spots: [{"role", "player": Player}]."""
    if spots is None:
        spots = (
            [{"role": s.role, "player": s.player} for s in instance.spots.all()]
            if _stored(instance)
            else []
        )
    _refuse(
        validation.check_lineup(
            [
                {"role": s["role"], "side": s["player"].side, "name": s["player"].name}
                for s in spots
            ],
            rules_of(team),
        )
    )
    if data.get("is_default"):
        Lineup.objects.filter(team=team, is_default=True).exclude(
            pk=instance.pk if instance else None
        ).update(is_default=False)
    lineup = _save(instance, Lineup, team, data)
    _replace_rows(lineup.spots, LineupSpot, "lineup", lineup, spots)
    return lineup


@transaction.atomic
def lineup_build_default(team):
    """The team's default lineup from its players' default roles (first player per role)."""
    spots, taken = [], set()
    for player in Player.objects.filter(team=team).order_by("role", "id"):
        if player.role not in taken:
            taken.add(player.role)
            spots.append({"role": player.role, "player": player})
    instance = Lineup.objects.filter(team=team, is_default=True).first()
    data = {"is_default": True}
    if instance is None:
        data["name"] = unique_name(Lineup, team, "Default lineup")
    return lineup_write(team=team, data=data, spots=spots, instance=instance)


@transaction.atomic
def playbook_write(*, team, data, entries=None, instance=None):
    """entries: [{"play": Play, "call_number", "situations"}] in call order."""
    if entries is None:
        entries = (
            [
                {"play": e.play, "call_number": e.call_number, "situations": e.situations}
                for e in instance.entries.all()
            ]
            if _stored(instance)
            else []
        )
    _refuse(
        validation.check_playbook(
            [{**e, "play_id": e["play"].pk, "kind": e["play"].kind} for e in entries],
            list(Bucket.values),
            rules_of(team, None),
        )
    )
    playbook = _save(instance, Playbook, team, data)
    _replace_rows(
        playbook.entries,
        PlaybookEntry,
        "playbook",
        playbook,
        [
            {
                "play": e["play"],
                "call_number": str(e["call_number"]).strip(),
                "situations": e.get("situations") or [],
                "order": i,
            }
            for i, e in enumerate(entries)
        ],
    )
    return playbook


def playbook_entries(playbook):
    return [
        {"play": e.play, "call_number": e.call_number, "situations": e.situations}
        for e in playbook.entries.select_related("play")
    ]


def playbook_call_sheet(playbook):
    """Entries grouped by situation in bucket order; plays meant for no situation last."""
    entries = list(playbook.entries.select_related("play__formation"))
    groups = []
    for bucket in Bucket:
        rows = [e for e in entries if bucket.value in e.situations]
        if rows:
            groups.append({"situation": bucket.value, "label": bucket.label, "entries": rows})
    unassigned = [e for e in entries if not e.situations]
    if unassigned:
        groups.append({"situation": None, "label": "Any situation", "entries": unassigned})
    return groups


# --- restoring an earlier version ------------------------------------------------------------


def _resolve(model, field_name, pk, team):
    """A related object by id, in the team; a clear error when it is gone."""
    related = model._meta.get_field(field_name).related_model
    if pk is None:
        return None
    queryset = related.objects.all()
    if any(f.name == "team" for f in related._meta.fields):
        queryset = queryset.filter(team=team)
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise ValidationError(
            f"This version uses {related._meta.verbose_name} #{pk}, which no longer exists."
        ) from None


def _row_data(obj, rows):
    if rows is None:  # a version recorded without its rows: keep the current ones
        return None
    child = getattr(obj, obj.history_rows).model
    data = []
    for row in rows or []:
        item = {}
        for attname, value in row.items():
            field = next(f for f in child._meta.concrete_fields if f.attname == attname)
            if field.is_relation:
                item[field.name] = _resolve(child, field.name, value, obj.team)
            else:
                item[attname] = value
        data.append(item)
    return data


@transaction.atomic
def version_restore(obj, history_id):
    """Write the version `history_id` of `obj` back (a new version, validated like any
    edit). Raises ValidationError when the version can't be restored as it was."""
    record = obj.history.filter(history_id=history_id).first()
    if record is None or record.history_type == "-":
        raise ValidationError("No such version of this object.")
    model = type(obj)
    taken = model.objects.filter(team=obj.team, name=record.name).exclude(pk=obj.pk).exists()
    if taken:
        raise ValidationError(
            {
                "name": [
                    f"Another {model._meta.verbose_name} is called '{record.name}' now: "
                    "rename it first, then restore this version."
                ]
            }
        )
    obj._change_reason = f"restored version {record.version}"
    data = {}
    for field in history.tracked_fields(model):
        if field.is_relation:
            data[field.name] = _resolve(model, field.name, getattr(record, field.attname), obj.team)
        else:
            data[field.name] = getattr(record, field.attname)
    kind = KINDS[model]
    rows = {kind.rows: _row_data(obj, record.rows)} if kind.rows else {}
    return kind.write(team=obj.team, data=data, instance=obj, **rows)


# --- the registry: which writer stores which model, and its child rows ------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    write: object  # write(*, team, data, instance=None, **{rows: [...]}) -> the object

    @property
    def rows(self):
        """The writer's keyword for the child rows, also their related name (or None)."""
        return self.model.history_rows

    @property
    def row_model(self):
        return getattr(self.model, self.rows).rel.related_model if self.rows else None

    @property
    def parent_field(self):
        """The row's foreign key to the object (e.g. "formation" on FormationSlot)."""
        return getattr(self.model, self.rows).field.name if self.rows else None


KINDS = {
    kind.model: kind
    for kind in (
        Kind(Ruleset, ruleset_write),
        Kind(Player, player_write),
        Kind(Formation, formation_write),
        Kind(Route, route_write),
        Kind(Play, play_write),
        Kind(Scenario, scenario_write),
        Kind(Lineup, lineup_write),
        Kind(Playbook, playbook_write),
    )
}
ROW_MODELS = {kind.row_model: kind for kind in KINDS.values() if kind.rows}


# --- plays from templates ---------------------------------------------------------


@transaction.atomic
def play_from_template(*, team, template, name=None, ruleset=None):
    """A play of playbook.play_templates: its formation, its tree routes made for each
    receiver's side and depth, and the play — all written by the writers above, so the
    playbook rules check them like any play (a narrow ruleset can refuse one). A route
    already in the team under the same name with the same breakpoints is reused."""
    from playbook import play_templates, route_tree

    spec = play_templates.TEMPLATES.get(str(template).lower())
    if spec is None:
        raise ValidationError(
            {"template": [f"'{template}' — one of {', '.join(play_templates.NAMES)}."]}
        )
    formation = formation_write(
        team=team,
        data={"name": unique_name(Formation, team, spec.formation), "ruleset": ruleset},
        slots=[{"role": r, "x": x, "y": y} for r, x, y in spec.slots],
    )
    where = {r: y for r, _, y in spec.slots}
    routes = {}
    for role, (tree, depth) in spec.routes.items():
        side = "left" if where[role] < 0 else "right"
        settle, points = route_tree.tree_route(tree, side, depth)
        label = route_tree.tree_name(tree, side, depth)
        routes[role] = _tree_route(team, label, settle, points)
    play = play_write(
        team=team,
        data={
            "name": name.strip() if name else unique_name(Play, team, spec.name),
            "formation": formation,
            "ruleset": ruleset,
            "kind": spec.kind,
            "progression": list(spec.progression),
            "max_time_to_throw_ms": spec.max_time_to_throw_ms,
            "tags": ["template", spec.name.lower()],
            "notes": spec.summary,
            **spec.handoff,
        },
        assignments=[{"role": r, "route": routes.get(r)} for r, _, _ in spec.slots],
    )
    return play


def _tree_route(team, label, settle, points):
    for route in Route.objects.filter(team=team, name=label).prefetch_related("breakpoints"):
        stored = [{"x": p.x, "y": p.y, "time_ms": p.time_ms} for p in route.breakpoints.all()]
        if route.settle == settle and stored == points:
            return route
    return route_write(
        team=team,
        data={"name": unique_name(Route, team, label), "settle": settle},
        breakpoints=points,
    )
