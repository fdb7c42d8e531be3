"""What kind of play it is: a pass, a run (a handoff, pitch or toss behind the line, or a
QB keeper), or a trick play (the ball goes to another player behind the line, who throws);
the pre-snap motion kinds; and the no-run zones a ruleset draws (docs/domain.md)."""

PASS, RUN, TRICK = "PASS", "RUN", "TRICK"
KINDS = (PASS, RUN, TRICK)
KIND_LABELS = {PASS: "Pass", RUN: "Run", TRICK: "Trick play"}

# The runner's path after the mesh, when the carrier has no route of his own:
# DIVE straight upfield, SWEEP to the edge on the mesh's side, REVERSE back to the far side.
DIVE, SWEEP, REVERSE = "DIVE", "SWEEP", "REVERSE"
RUN_PATHS = (DIVE, SWEEP, REVERSE)
RUN_PATH_LABELS = {DIVE: "Dive", SWEEP: "Sweep", REVERSE: "Reverse"}

SHOVEL_OPTION, REVERSE_PASS = "SHOVEL_OPTION", "REVERSE_PASS"
HALFBACK_PASS, CENTER_THROWBACK = "HALFBACK_PASS", "CENTER_THROWBACK"
TRICKS = (SHOVEL_OPTION, REVERSE_PASS, HALFBACK_PASS, CENTER_THROWBACK)
TRICK_LABELS = {
    SHOVEL_OPTION: "Shovel option",
    REVERSE_PASS: "Reverse pass",
    HALFBACK_PASS: "Halfback pass",
    CENTER_THROWBACK: "Center throwback",
}

JET, ORBIT, TRADE = "JET", "ORBIT", "TRADE"
MOTIONS = (JET, ORBIT, TRADE)
MOTION_LABELS = {JET: "Jet", ORBIT: "Orbit", TRADE: "Trade / swap"}

# A pitch or handoff is a short toss: farther than this from the one who gives it is no
# longer a handoff (an error); the mesh time must fall inside the first few seconds.
MAX_MESH_DISTANCE_YD = 8.0
MIN_MESH_MS, MAX_MESH_MS = 100, 3000


def no_run_zone(rules, yards_to_goal):
    """The name of the no-run zone the ball is in, or None. `rules` needs
    no_run_zone_depth, field_length, endzone_depth, use_midfield_line_to_gain and
    line_to_gain (yards from the own goal line). NFL FLAG: the 5 yd before the goal and
    the 5 yd before midfield; a depth of 0 means no zones."""
    depth = float(rules.no_run_zone_depth or 0)
    if depth <= 0:
        return None
    if yards_to_goal <= depth:
        return f"the no-run zone {depth:g} yd before the goal"
    if rules.use_midfield_line_to_gain:
        playing = rules.field_length - 2 * rules.endzone_depth
        to_line = yards_to_goal - (playing - rules.line_to_gain)
        if 0 < to_line <= depth:
            return f"the no-run zone {depth:g} yd before the line to gain (midfield)"
    return None


def run_refusal(kind, rules, yards_to_goal, name="this run"):
    """The message that refuses a run called inside a no-run zone, else None. Passes and
    trick plays (the ball is thrown) are never refused."""
    if kind != RUN:
        return None
    zone = no_run_zone(rules, yards_to_goal)
    if zone is None:
        return None
    return (
        f"{name} is a run and the ball is {yards_to_goal:g} yd from the goal, inside {zone}: "
        f"{rules.name} allows no runs there — call a pass or a trick play"
    )
