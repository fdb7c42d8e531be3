"""Plays to start from: a handful of classic 5v5 concepts, each a formation and, per
receiver, a route of the route tree (playbook.route_tree) and its depth. The route is made
for the side the receiver lines up on, so an out breaks to his own sideline wherever he
stands. playbook.services.play_from_template writes them like any other play.

Positions are the editor's: x downfield from the line of scrimmage (negative: behind),
y across the field from the ball (negative: left of it)."""

from dataclasses import dataclass, field

from football import plays as kinds

QB_SHOTGUN = ("QB", -5.0, 0.0)
CENTER = ("CENTER", 0.0, 0.0)
DOUBLES = (QB_SHOTGUN, CENTER, ("WR1", 0.0, -10.0), ("WR2", 0.0, 10.0), ("WR3", 0.0, 5.0))


@dataclass(frozen=True)
class Template:
    name: str
    summary: str
    formation: str
    slots: tuple  # (role, x, y)
    routes: dict  # role -> (tree route, depth or None for its usual depth)
    progression: tuple = ()
    kind: str = kinds.PASS
    handoff: dict = field(default_factory=dict)  # Play fields of a run
    max_time_to_throw_ms: int = 3000


TEMPLATES = {
    t.name.lower(): t
    for t in (
        Template(
            "Flood",
            "Three levels to one side: go clears, out at 10, flat underneath.",
            "Trips Right",
            (QB_SHOTGUN, CENTER, ("WR1", 0.0, 12.0), ("WR2", 0.0, 8.0), ("WR3", 0.0, 4.0)),
            {
                "WR1": ("go", None),
                "WR2": ("out", 10),
                "WR3": ("flat", None),
                "CENTER": ("hitch", 4),
            },
            ("WR2", "WR3", "WR1", "CENTER"),
        ),
        Template(
            "Mesh",
            "Two shallow crossers rub each other; the center sits in the middle.",
            "Doubles",
            DOUBLES,
            {
                "WR1": ("drag", 2),
                "WR2": ("drag", 3),
                "WR3": ("corner", 8),
                "CENTER": ("hitch", 5),
            },
            ("WR1", "WR2", "CENTER", "WR3"),
        ),
        Template(
            "Smash",
            "Hitch outside, corner inside: a high-low on the corner on both sides.",
            "Twins",
            (QB_SHOTGUN, CENTER, ("WR1", 0.0, -11.0), ("WR2", 0.0, -6.0), ("WR3", 0.0, 10.0)),
            {"WR1": ("hitch", 5), "WR2": ("corner", 8), "WR3": ("hitch", 5), "CENTER": ("in", 6)},
            ("WR2", "WR1", "WR3", "CENTER"),
        ),
        Template(
            "Slants",
            "Quick game: everyone slants inside, the ball out in one step.",
            "Doubles",
            DOUBLES,
            {"WR1": ("slant", None), "WR2": ("slant", None), "WR3": ("slant", None)},
            ("WR3", "WR2", "WR1"),
            max_time_to_throw_ms=2000,
        ),
        Template(
            "Verticals",
            "Four deep: stretch the safeties, throw to the one left alone.",
            "Doubles",
            DOUBLES,
            {"WR1": ("go", None), "WR2": ("go", None), "WR3": ("go", 20), "CENTER": ("curl", 8)},
            ("WR3", "WR1", "WR2", "CENTER"),
            max_time_to_throw_ms=3500,
        ),
        Template(
            "Dive",
            "A run: the back takes the handoff behind the QB and hits the middle.",
            "Pistol",
            (QB_SHOTGUN, CENTER, ("WR1", 0.0, -10.0), ("WR2", 0.0, 10.0), ("WR3", -7.0, 0.0)),
            {"WR1": ("go", None), "WR2": ("go", None)},
            kind=kinds.RUN,
            handoff={
                "ball_carrier": "WR3",
                "mesh_x": -5.0,
                "mesh_y": 0.5,
                "mesh_ms": 500,
                "run_path": kinds.DIVE,
            },
        ),
    )
}
NAMES = tuple(TEMPLATES)
