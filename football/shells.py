"""Zone landmarks by coverage shell: where each zone defender drops at the snap.

A shell says how many defenders play deep (COVER0 none, COVER1 one in the middle,
COVER2 halves, COVER3 thirds, COVER4 quarters); the rest play underneath (flats, hooks,
the middle hole). Who goes deep is chosen from the alignment: the deepest defenders
first, then — if the shell wants more deep defenders than line up deep — the widest of
the others (a corner aligned at 5 yd bails to carry a deep third). Deep landmarks are
handed out left to right to the deep defenders in their left-to-right order, the same
for the underneath ones, so nobody crosses the formation to reach his spot.

The landmarks are those of an 11-a-side field (flats at the numbers, hooks over the
tackles, deep thirds/halves/quarters splitting the field) scaled to the field's width
and the depths 5v5 flag defenders play at (underneath 5–8 yd, deep 12–14 yd); the
sideways figures are shares of the half width. A lone deep defender (single high) gets a
zone as wide as the field: he is the help over the top of every vertical, sideline to
sideline; two or more deep defenders split the width with the usual 8-yd deep radius.
The engine pulls a landmark in if it would lie behind the end line (near the goal line
the deep zones are the back of the end zone). docs/engine.md lists the sources.
"""

ZONE_DEEP_X_YD = 10.0  # a zone this deep or deeper is a deep zone ...
ZONE_RADIUS_UNDER_YD = 5.0  # ... with this radius underneath
ZONE_RADIUS_DEEP_YD = 8.0  # ... and this one deep
SIDELINE_MARGIN_YD = 1.0  # a single-high safety's zone reaches this close to the sideline

DEEP_COUNT = {"COVER0": 0, "COVER1": 1, "COVER2": 2, "COVER3": 3, "COVER4": 4}

# (x yd, y as a share of the half width)
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


def zone_radius(x: float) -> float:
    """The radius of a zone centred x yards downfield when none is given."""
    return ZONE_RADIUS_DEEP_YD if x >= ZONE_DEEP_X_YD else ZONE_RADIUS_UNDER_YD


def deep_count(shell, zone_depths) -> int:
    """How many of these zone defenders (their depths) play deep in this shell; an
    unknown shell: those aligned at the deep-zone depth or beyond."""
    if shell is not None and str(shell).upper() in DEEP_COUNT:
        return min(DEEP_COUNT[str(shell).upper()], len(zone_depths))
    return sum(x >= ZONE_DEEP_X_YD for x in zone_depths)


def _spread(landmarks, count):
    """Landmarks for `count` defenders: the table's set, or an even spread for more."""
    table = landmarks.get(count)
    if table is not None:
        return table
    depth = landmarks[max(landmarks)][0][0]
    return tuple((depth, -0.8 + 1.6 * k / (count - 1)) for k in range(count))


def landmarks(zones, shell, half_width):
    """{slot: (x, y, radius)} where each zone defender drops. zones: {slot: (x, y)}."""
    if not zones:
        return {}
    k = deep_count(shell, [x for x, _ in zones.values()])
    # deepest first; among equally deep, the widest (a corner bails before a hook player)
    by_depth = sorted(zones, key=lambda s: (-zones[s][0], -abs(zones[s][1]), s))
    deep = [s for s in by_depth if zones[s][0] >= ZONE_DEEP_X_YD][:k]
    rest = [s for s in zones if s not in deep]
    if len(deep) < k:
        rest.sort(key=lambda s: (-abs(zones[s][1]), -zones[s][0], s))
        deep += rest[: k - len(deep)]
    under = [s for s in zones if s not in deep]
    spots = {}
    for group, table in ((deep, DEEP_LANDMARKS), (under, UNDER_LANDMARKS)):
        if not group:
            continue
        ordered = sorted(group, key=lambda s: (zones[s][1], zones[s][0], s))
        for slot, (x, share) in zip(ordered, _spread(table, len(group)), strict=True):
            radius = zone_radius(x)
            if group is deep and len(deep) == 1:
                radius = max(radius, half_width - SIDELINE_MARGIN_YD)
            spots[slot] = (x, round(share * half_width, 2), radius)
    return spots
