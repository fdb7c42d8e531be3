"""Valid playbook objects for tests, built through the services like everything else."""

import itertools

from playbook import services
from playbook.models import Player

_n = itertools.count(1)

TRIPS = [
    {"role": "QB", "x": -5.0, "y": 0.0},
    {"role": "CENTER", "x": 0.0, "y": 0.0},
    {"role": "WR1", "x": 0.0, "y": 10.0},
    {"role": "WR2", "x": 0.0, "y": 7.0},
    {"role": "WR3", "x": 0.0, "y": 4.0},
]
OUT = [{"x": 8.0, "y": 0.0, "time_ms": 1400}, {"x": 8.0, "y": 4.0, "time_ms": 2000}]
SLANT = [{"x": 2.0, "y": 0.0, "time_ms": 400}, {"x": 8.0, "y": -3.0, "time_ms": 1400}]
COVER2 = [
    {
        "slot": "D1",
        "x": 5.0,
        "y": -10.0,
        "duty": "ZONE",
        "zone_x": 5.0,
        "zone_y": -10.0,
        "zone_radius": 5.0,
    },
    {
        "slot": "D2",
        "x": 12.0,
        "y": -8.0,
        "duty": "ZONE",
        "zone_x": 12.0,
        "zone_y": -8.0,
        "zone_radius": 8.0,
    },
    {"slot": "D3", "x": 7.0, "y": 0.0, "duty": "RUSH"},
    {
        "slot": "D4",
        "x": 12.0,
        "y": 8.0,
        "duty": "ZONE",
        "zone_x": 12.0,
        "zone_y": 8.0,
        "zone_radius": 8.0,
    },
    {"slot": "D5", "x": 2.0, "y": 10.0, "duty": "MAN", "man_target": "auto"},
]


def name(prefix):
    return f"{prefix} {next(_n)}"


def formation(team, slots=TRIPS, **data):
    return services.formation_write(
        team=team, data={"name": name("Formation"), **data}, slots=[dict(s) for s in slots]
    )


def route(team, breakpoints=OUT, **data):
    return services.route_write(
        team=team, data={"name": name("Route"), **data}, breakpoints=[dict(b) for b in breakpoints]
    )


def play(team, form=None, routes=None, **data):
    form = form or formation(team)
    routes = routes or {"WR1": route(team), "WR2": route(team, SLANT)}
    assignments = [{"role": s.role, "route": routes.get(s.role)} for s in form.slots.all()]
    return services.play_write(
        team=team,
        data={
            "name": name("Play"),
            "formation": form,
            "progression": list(routes),
            "max_time_to_throw_ms": 3000,
            **data,
        },
        assignments=assignments,
    )


def player(team, **data):
    """A player (offense, WR1 unless told)."""
    defaults = {"name": name("Player"), "side": "OFFENSE", "role": "WR1"}
    return Player.objects.create(team=team, **{**defaults, **data})


def scenario(team, defenders=COVER2, **data):
    return services.scenario_write(
        team=team,
        data={"name": name("Scenario"), **data},
        defenders=[dict(d) for d in defenders],
    )
