"""Defender duties, and how a defense call turns into one duty per defender.

x is yards downfield from the line of scrimmage, y yards sideways from the ball
(docs/domain.md, "Field and units").
"""

from football import shells
from football.shells import zone_radius

MAN, ZONE, RUSH = "MAN", "ZONE", "RUSH"  # a defender's duty; MAN and ZONE are also coverages
MAN_AUTO = "auto"  # a man defender whose receiver is matched at the snap

# A call's shell names the look and places the zone landmarks (football.shells); its
# coverage (MAN or ZONE) and rusher count decide who plays man, zone or rush.
SHELL_LABELS = {
    "COVER0": "Cover 0",
    "COVER1": "Cover 1",
    "COVER2": "Cover 2",
    "COVER3": "Cover 3",
    "COVER4": "Cover 4",
    "OTHER": "Other",
}

MAN_AUTO_MAX_DEPTH_YD = 5.0  # a MAN call: defenders this close to the LOS play man "auto"


def rushers_for(positions, rushers_count, rush_distance):
    """The defenders who rush on a call for `rushers_count` rushers.

    Only a defender at least the rush distance deep may rush; of those, the one over the
    ball goes first: smallest |y|, then the shallowest, then the slot name, so a tie
    always breaks the same way whatever order the positions come in. Returns (the
    rushers' slots in that order, how many of the called rushers could not be found)."""
    eligible = sorted(
        (slot for slot, (x, _) in positions.items() if x >= rush_distance),
        key=lambda slot: (abs(positions[slot][1]), positions[slot][0], slot),
    )
    chosen = eligible[:rushers_count]
    return chosen, max(0, rushers_count - len(chosen))


def defenders_from_call(
    positions, coverage, rushers_count, rush_distance, shell=None, half_width=None
):
    """A defense call → one explicit duty per defender.

    positions: {slot: (x, y)} where each defender starts. First the rushers
    (`rushers_for`). Then, on a MAN call, every other defender within
    MAN_AUTO_MAX_DEPTH_YD of the LOS plays man "auto" and the rest a zone; on a ZONE
    call every non-rusher plays a zone. A zone defender lines up at his start spot and
    drops at the snap to the landmark his shell gives him (`football.shells`: flats,
    hooks, deep halves/thirds/quarters on a field `half_width` yd either side of the
    ball) — so a MAN and a ZONE call of one shell never give the same duties. Without
    a shell or a half width the zone stays on the start spot (an unknown look).

    Returns (rows, missing): rows {slot, x, y, duty, man_target, zone_x, zone_y,
    zone_radius} in slot order, and how many called rushers no defender could be."""
    rushers, missing = rushers_for(positions, rushers_count, rush_distance)
    zoned = {
        slot: spot
        for slot, spot in positions.items()
        if slot not in rushers and not (coverage == MAN and spot[0] <= MAN_AUTO_MAX_DEPTH_YD)
    }
    drops = shells.landmarks(zoned, shell, half_width) if shell and half_width else {}
    rows = []
    for slot, (x, y) in sorted(positions.items()):
        row = {"slot": slot, "x": x, "y": y, "man_target": ""}
        row.update(zone_x=None, zone_y=None, zone_radius=None)
        if slot in rushers:
            row["duty"] = RUSH
        elif coverage == MAN and x <= MAN_AUTO_MAX_DEPTH_YD:
            row.update(duty=MAN, man_target=MAN_AUTO)
        else:
            zx, zy, radius = drops.get(slot, (x, y, zone_radius(x)))
            row.update(duty=ZONE, zone_x=zx, zone_y=zy, zone_radius=radius)
        rows.append(row)
    return rows, missing
