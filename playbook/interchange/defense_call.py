"""A FieldOS defense call (coverage type + rusher count) → explicit defender duties.

The one piece of football knowledge the importer holds; kept alone here so that it can
be replaced by the shared definition without touching the reader or the writer."""

from playbook.constants import MAN_AUTO, Coverage, Duty

MAN_DEPTH = 5.0  # yd: a MAN call's defenders this close to the LOS play man
DEEP_ZONE = 10.0  # yd: zones this deep get the deep radius
ZONE_RADIUS, DEEP_ZONE_RADIUS = 5.0, 8.0


def defenders_from_call(positions, coverage, rushers_count, rush_distance):
    """A defense call → explicit defender duties (docs/import-export.md).

    positions: {slot: (x, y)}. Rushers first: the defenders over the ball (smallest |y|,
    then smallest x) among those at least the rush distance deep. MAN: the others within
    5 yd of the LOS play man 'auto', the rest a zone at their start spot. ZONE: every
    non-rusher owns a zone at its start spot, radius 5 underneath (x < 10) and 8 deep.
    Returns (rows in slot order, how many rushers could not be found)."""
    deep = sorted(
        (slot for slot, (x, _) in positions.items() if x >= rush_distance),
        key=lambda slot: (abs(positions[slot][1]), positions[slot][0], slot),
    )
    rushers = set(deep[:rushers_count])
    rows = []
    for slot, (x, y) in sorted(positions.items()):
        row = {"slot": slot, "x": x, "y": y, "man_target": ""}
        row.update(zone_x=None, zone_y=None, zone_radius=None)
        if slot in rushers:
            row["duty"] = Duty.RUSH
        elif coverage == Coverage.MAN and x <= MAN_DEPTH:
            row.update(duty=Duty.MAN, man_target=MAN_AUTO)
        else:
            radius = DEEP_ZONE_RADIUS if x >= DEEP_ZONE else ZONE_RADIUS
            row.update(duty=Duty.ZONE, zone_x=x, zone_y=y, zone_radius=radius)
        rows.append(row)
    return rows, max(0, rushers_count - len(deep))
