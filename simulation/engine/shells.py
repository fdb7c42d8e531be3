"""Zone landmarks by coverage shell: where each zone defender drops at the snap.

A shell says how many defenders play deep (COVER0 none, COVER1 one in the middle,
COVER2 halves, COVER3 thirds, COVER4 quarters); the rest play underneath (flats, hooks,
the middle hole). Who goes deep is chosen from the alignment: the deepest defenders
first, then — if the shell wants more deep defenders than line up deep — the widest of
the others (a corner aligned at 5 yd bails to carry a deep third). Deep landmarks are
handed out left to right to the deep defenders in their left-to-right order, the same
for the underneath ones, so nobody crosses the formation to reach his spot.

The landmarks are those of an 11-a-side field (flats at the numbers, hooks over the
tackles, deep thirds/halves/quarters splitting the field) scaled to a 30-yd-wide field
and the depths 5v5 flag defenders play at (underneath 5–8 yd, deep 12–14 yd). The
engine pulls a landmark in if it would lie behind the end line (near the goal line the
deep zones are the back of the end zone). A lone deep defender (single high) gets a
zone as wide as the field: he is the help over the top of every vertical, sideline to
sideline; two or more deep defenders split the width with the usual 8-yd deep radius.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulation.engine import constants as C
from simulation.engine.inputs import ZONE, DefenderInput

DEEP_COUNT = {"COVER0": 0, "COVER1": 1, "COVER2": 2, "COVER3": 3, "COVER4": 4}

# (x, y as a share of the half width) — a 30-yd field has half width 15.
DEEP_LANDMARKS = {
    1: ((14.0, 0.0),),
    2: ((13.0, -0.47), (13.0, 0.47)),
    3: ((13.0, -0.67), (14.0, 0.0), (13.0, 0.67)),
    4: ((12.0, -0.73), (13.0, -0.27), (13.0, 0.27), (12.0, 0.73)),
}
UNDER_LANDMARKS = {
    1: ((8.0, 0.0),),
    2: ((6.0, -0.4), (6.0, 0.4)),
    3: ((5.0, -0.67), (7.0, 0.0), (5.0, 0.67)),
    4: ((5.0, -0.67), (7.0, -0.27), (7.0, 0.27), (5.0, 0.67)),
    5: ((5.0, -0.73), (7.0, -0.33), (8.0, 0.0), (7.0, 0.33), (5.0, 0.73)),
}


def deep_count(shell: str | None, zone_defenders: Sequence[DefenderInput]) -> int:
    """How many of these zone defenders play deep in this shell (unknown shell: those
    aligned at the deep-zone depth or beyond)."""
    n = len(zone_defenders)
    if shell is not None and shell.upper() in DEEP_COUNT:
        return min(DEEP_COUNT[shell.upper()], n)
    return sum(d.x >= C.ZONE_DEEP_X_YD for d in zone_defenders)


def _spread(landmarks, count):
    """Landmarks for `count` defenders: the table's set, or an even spread for more."""
    table = landmarks.get(count)
    if table is not None:
        return table
    depth = landmarks[max(landmarks)][0][0]
    return tuple((depth, -0.8 + 1.6 * k / (count - 1)) for k in range(count))


def shell_landmarks(
    defenders: Sequence[DefenderInput], shell: str | None, half_width: float = 15.0
) -> tuple[DefenderInput, ...]:
    """The same defenders with every ZONE duty dropping to its shell landmark (radius by
    the landmark's depth: deep or underneath). Other duties are returned unchanged."""
    zones = [d for d in defenders if d.duty == ZONE]
    if not zones:
        return tuple(defenders)
    k = deep_count(shell, zones)
    # deepest first; among equally deep, the widest (a corner bails before a hook player)
    by_depth = sorted(zones, key=lambda d: (-d.x, -abs(d.y)))
    deep = [d for d in by_depth if d.x >= C.ZONE_DEEP_X_YD][:k]
    rest = [d for d in zones if d not in deep]
    if len(deep) < k:
        deep += sorted(rest, key=lambda d: (-abs(d.y), -d.x))[: k - len(deep)]
    under = [d for d in zones if d not in deep]
    spot = {}
    for group, table in ((deep, DEEP_LANDMARKS), (under, UNDER_LANDMARKS)):
        if not group:
            continue
        ordered = sorted(group, key=lambda d: (d.y, d.x))
        for d, (x, share) in zip(ordered, _spread(table, len(group)), strict=True):
            spot[d.name] = (x, share * half_width)
    result = []
    for d in defenders:
        if d.name in spot:
            x, y = spot[d.name]
            radius = C.ZONE_RADIUS_DEEP_YD if x >= C.ZONE_DEEP_X_YD else C.ZONE_RADIUS_UNDER_YD
            if x >= C.ZONE_DEEP_X_YD and len(deep) == 1:
                # a lone deep safety is the deep help for the whole field
                radius = max(radius, half_width - C.SIDELINE_MARGIN_YD)
            d = DefenderInput(d.name, d.x, d.y, ZONE, None, x, y, radius, d.player)
        result.append(d)
    return tuple(result)
