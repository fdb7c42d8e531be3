"""The route tree: the routes every coach names (hitch, slant, out, in, curl, corner,
post, go, wheel, flat, drag, whip), made for a receiver's side and a depth, so no route
needs drawing by hand or a mirrored copy.

Breakpoints are written in the receiver's frame: x downfield, `out` yards towards his
own sideline (negative: inside). A receiver left of the ball (y < 0) has his sideline
at -y, so `out` becomes -y for him and +y on the right. Times come from a running speed
(yd/s) and a cost per break (cutting slows a receiver down)."""

import math

DEFAULT_SPEED = 7.0  # yd/s, the field editor's default for new legs
BREAK_MS = 150  # what a cut costs

# name: (default depth, settle, breakpoints as (x, out) with d = depth)
TREE = {
    "hitch": (5, True, lambda d: [(d, 0), (d - 1, 0)]),
    "slant": (2, False, lambda d: [(d, 0), (d + 5, -4)]),
    "out": (8, False, lambda d: [(d, 0), (d, 6)]),
    "in": (8, False, lambda d: [(d, 0), (d, -10)]),
    "curl": (10, True, lambda d: [(d, 0), (d - 2, -1)]),
    "corner": (10, False, lambda d: [(d, 0), (d + 8, 6)]),
    "post": (10, False, lambda d: [(d, 0), (d + 10, -6)]),
    "go": (25, False, lambda d: [(d, 0)]),
    "wheel": (2, False, lambda d: [(d, 4), (d + 3, 7), (d + 20, 7)]),
    "flat": (1, False, lambda d: [(d, 3), (d + 1, 8)]),
    "drag": (2, False, lambda d: [(d, -3), (d + 1, -14)]),
    "whip": (5, False, lambda d: [(d, -2), (d, 4)]),
}
NAMES = tuple(TREE)
MIN_DEPTH, MAX_DEPTH = 1, 30


def tree_route(name, side, depth=None, speed=DEFAULT_SPEED):
    """(settle, breakpoints) of a tree route for a receiver lined up on `side` ("left"
    or "right" of the ball), its stem `depth` yards deep (the route's own default when
    None). Raises ValueError naming what is wrong."""
    if name not in TREE:
        raise ValueError(f"'{name}' is not in the route tree ({', '.join(NAMES)}).")
    if side not in ("left", "right"):
        raise ValueError(f"'{side}' — a receiver lines up left or right of the ball.")
    default, settle, shape = TREE[name]
    depth = default if depth is None else depth
    if not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise ValueError(f"{depth:g} yd — the depth is {MIN_DEPTH} to {MAX_DEPTH} yd.")
    if not 1 <= speed <= 11:
        raise ValueError(f"{speed:g} yd/s — a receiver runs 1 to 11 yd/s.")
    outward = -1.0 if side == "left" else 1.0
    points, t, x0, y0 = [], 0, 0.0, 0.0
    for n, (x, out) in enumerate(shape(depth)):
        y = out * outward + 0.0  # + 0.0: no "-0" in a stored route
        leg_ms = math.hypot(x - x0, y - y0) / speed * 1000 + (BREAK_MS if n else 0)
        t += max(10, round(leg_ms / 10) * 10)
        points.append({"x": float(x), "y": y, "time_ms": t})
        x0, y0 = x, y
    return settle, points


def tree_name(name, side, depth=None):
    default = TREE[name][0] if name in TREE else depth
    return f"{name.capitalize()} {depth if depth is not None else default:g} ({side})"
