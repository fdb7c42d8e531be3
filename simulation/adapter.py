"""Playbook models → engine inputs (the engine knows nothing of Django)."""

from playbook.models import Lineup, Player, default_ruleset
from simulation import engine

OFFENSE_FIELDS = list(engine.OffenseRatings.__dataclass_fields__)
DEFENSE_FIELDS = list(engine.DefenseRatings.__dataclass_fields__)


def engine_rules(ruleset):
    if ruleset is None:
        return engine.Ruleset()
    return engine.Ruleset(
        **{name: getattr(ruleset, name) for name in engine.Ruleset.__dataclass_fields__}
    )


def _ratings(cls, names, player):
    return cls(**{name: getattr(player, name) for name in names}) if player else cls()


def engine_play(play):
    slots = {s.role: (s.x, s.y) for s in play.formation.slots.all()}
    routes = {
        a.role: engine.Route(
            breakpoints=[(b.x, b.y, b.time_ms) for b in a.route.breakpoints.all()],
            settle=a.route.settle,
            name=a.route.name,
        )
        for a in play.assignments.all()
        if a.route_id
    }
    motion = play.motion
    handoff = play.handoff
    return engine.PlayInput(
        name=play.name,
        alignment=slots,
        routes=routes,
        progression=tuple(play.progression),
        max_time_to_throw_ms=float(play.max_time_to_throw_ms),
        motion=engine.Motion(
            motion["role"],
            motion["x"],
            motion["y"],
            motion["duration_ms"] or 0,
            kind=motion["kind"],
            at_snap=motion["at_snap"],
        )
        if motion
        else None,
        kind=play.kind,
        handoff=engine.Handoff(
            carrier=handoff["carrier"],
            giver=handoff["from"],
            x=handoff["x"],
            y=handoff["y"],
            time_ms=handoff["time_ms"],
            path=handoff["path"],
            trick=handoff["trick"],
            progression=tuple(handoff["progression"]),
        )
        if handoff
        else None,
    )


def engine_scenario(scenario):
    return engine.ScenarioInput(
        name=scenario.name,
        defenders=tuple(
            engine.DefenderInput(
                name=d.slot,
                x=d.x,
                y=d.y,
                duty=d.duty,
                man_target=d.man_target or None,
                zone_x=d.zone_x,
                zone_y=d.zone_y,
                zone_radius=d.zone_radius,
                player=_ratings(engine.DefenseRatings, DEFENSE_FIELDS, d.player)
                if d.player_id
                else None,
            )
            for d in scenario.defenders.all()
        ),
        position_jitter_yards=scenario.position_jitter_yards,
        reaction_jitter_ms=scenario.reaction_jitter_ms,
    )


def roster(team, lineup=None):
    """role → Player: the run's lineup, else the team's default lineup, else the first
    player of each default role; roles nobody fills play with 70 ratings."""
    lineup = lineup or Lineup.objects.filter(team=team, is_default=True).first()
    if lineup is not None:
        return {s.role: s.player for s in lineup.spots.select_related("player")}
    chosen = {}
    for player in Player.objects.filter(team=team).order_by("id"):
        chosen.setdefault(player.role, player)
    return chosen


def engine_players(team, lineup=None):
    players = roster(team, lineup)
    offense = {
        r: _ratings(engine.OffenseRatings, OFFENSE_FIELDS, p)
        for r, p in players.items()
        if p.side == "OFFENSE"
    }
    defense = {
        r: _ratings(engine.DefenseRatings, DEFENSE_FIELDS, p)
        for r, p in players.items()
        if p.side == "DEFENSE"
    }
    return offense, defense


def run_ruleset(run, scenario=None):
    """The run's ruleset, else the scenario's, else the team's default (docs/domain.md)."""
    return run.ruleset or (scenario and scenario.ruleset) or default_ruleset(run.team_id)
