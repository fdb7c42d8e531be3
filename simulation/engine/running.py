"""Runs and trick plays, and the dispatch by play kind (docs/engine.md, "Run game").

A run: the QB hands, pitches or tosses the ball to the carrier at the mesh point behind
the line (or keeps it where the ruleset lets the QB run). Until then the defense plays
its pass duties; each defender reads the run his reaction time (× RUN_READ_FACTOR) after
the mesh, and from then on every defender may rush (NFL FLAG) and takes the interception
course on the carrier. The carrier runs his designed path (his route from the mesh, else
the dive / sweep / reverse path) until he crosses the line, then runs for daylight,
bending away from pursuers like a receiver after the catch; a defender within a yard
tries to pull the flag and may miss (the same pull model as after the catch).

A trick play: the ball is pitched to another player behind the line, who sets up and
throws. Its throw phase is the pass engine itself (prepare + core.simulate_batch) with
the new thrower in the passer's place, reading only once he has the ball and is set.

Same determinism contract as the pass game: every random number comes from the chunk's
draws (runner.chunk_draws), per episode, so chunking and traces change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from football import plays as kinds
from simulation.engine import constants as C
from simulation.engine.core import N_NORMALS, _intercept_aim, _move, _Recorder, simulate_batch
from simulation.engine.inputs import (
    QB,
    DefenseRatings,
    OffenseRatings,
    PlayInput,
    Route,
    Ruleset,
    ScenarioInput,
    Situation,
)
from simulation.engine.outcomes import RUN
from simulation.engine.prepare import (
    PreparedPair,
    acceleration,
    field_bounds,
    run_route,
    top_speed,
)
from simulation.engine.prepare import prepare as prepare_pass

# --- run-game constants (sources and bands: docs/engine.md, "Run game") ---------------
# Rushers may go for the carrier as soon as he has the ball; a coverage defender honours
# the pass (a runner behind the line may still throw) until he reads the run: this many
# reaction times after the mesh, or one reaction time after the carrier crosses the line,
# whichever is first. A QB keeper is read KEEPER_READ_MS later than a handoff would be
# (he looks like a passer until he tucks it).
RUN_READ_FACTOR = 3.0
KEEPER_READ_MS = 400.0
# The designed path is run at the speed it is timed for; after the line the carrier
# reads pursuit and runs at this share of his top speed (like a receiver after the catch).
RUN_CARRY_SPEED_FACTOR = C.CARRY_SPEED_FACTOR
# Within this distance of the line, heading upfield, the carrier stops running his drawn
# path and reads the pursuit (he hits the hole he sees). Not while his path still runs
# across or back (a reverse or an end around meets the ball near the line, then turns).
RUN_FREE_DEPTH_YD = 2.0
# The ball changes hands when the carrier gets to the mesh point (within this reach), at
# the designed time or later: a carrier who is late is waited for (the QB holds the ball)
# rather than handed it from wherever he is.
MESH_REACH_YD = 1.0
# Some exchanges are bobbled (a pitch off the hands, a handoff taken on the hip): the
# carrier stands at the mesh for BOBBLE_MS before he runs on. Z-score of the share.
BOBBLE_Z = -1.2816  # Φ(-1.28) = 10 % of handoffs and pitches
BOBBLE_MS = 700.0
# The default paths from the mesh when the carrier has no route of his own (yd, ms).
DIVE_DEPTH_YD = 12.0
SWEEP_WIDTH_YD = 6
SWEEP_TURN_MS = 800.0
PATH_UPFIELD_MS = 1600.0
REVERSE_WIDTH_YD = 12.0
REVERSE_TURN_MS = 1500.0
RUN_MAX_STEPS = 240  # 12 s: a safety stop, never reached on a 50-yd field
# A trick play's thrower needs this long after catching the pitch to set his feet, and
# reads from then on (he is no QB: one look, then the next).
TRICK_SET_MS = 300.0

# Random-number rows (the chunk draws are shared with the pass game's layout).
_MAXD = C.MAX_DEFENDERS
_JITTER_X, _JITTER_Y, _REACTION = 0, _MAXD, 2 * _MAXD
_PULL = 3 * _MAXD
_BOBBLE = _PULL + C.PULL_ATTEMPTS
if _BOBBLE + 1 > N_NORMALS:  # pragma: no cover - a layout change upstream
    raise ImportError("the chunk draws have too few rows for the run game")
DT_S = C.DT_MS / 1000.0
EPS = 1e-6


@dataclass
class PreparedRun:
    """A run play × scenario: the pass engine's tables for the same formation and
    defense (defender rows, ratings, every role's path with the carrier on his run
    path) plus what the run adds."""

    pp: PreparedPair
    carrier: int  # role index
    giver: int
    mesh_step: int  # the ball changes hands at this step (0 for a keeper)
    path_end_step: int  # after this the carrier runs free whatever his x
    keeper: bool
    # Called inside a no-run zone: the officials blow it dead (loss of down, no gain).
    illegal: bool = False

    @property
    def situation(self):
        return self.pp.situation

    @property
    def roles(self):
        return self.pp.roles

    @property
    def defender_names(self):
        return self.pp.defender_names

    @property
    def rules(self):
        return self.pp.rules

    @property
    def qb_x(self):
        return self.pp.qb_x

    @property
    def qb_y(self):
        return self.pp.qb_y


@dataclass
class PreparedTrick:
    """A trick play: a pass pair with the new thrower in the passer's place, roles named
    as the play names them; `frames_fix` redraws the traces before he has the ball."""

    pp: PreparedPair
    thrower: int  # role index of the new thrower
    giver: int
    giver_xy: tuple[float, float]
    pre_path: np.ndarray  # (steps, 2) the thrower's path from his alignment to his set spot
    mesh_step: int
    set_step: int

    def __getattr__(self, name):  # everything else is the pass pair's
        return getattr(self.pp, name)


# --- dispatch ---------------------------------------------------------------------------


def prepare(
    play: PlayInput,
    scenario: ScenarioInput,
    rules: Ruleset,
    offense_players: Mapping[str, OffenseRatings],
    defense_players: Mapping[str, DefenseRatings],
    situation: Situation,
):
    """The prepared pair of any kind of play (the engine's `prepare`)."""
    if play.kind == kinds.RUN:
        return prepare_run(play, scenario, rules, offense_players, defense_players, situation)
    play = with_running_start(play, offense_players)
    if play.kind == kinds.TRICK:
        return prepare_trick(play, scenario, rules, offense_players, defense_players, situation)
    return prepare_pass(play, scenario, rules, offense_players, defense_players, situation)


def simulate_any(prepared, normals, uniform, trace=None):
    if isinstance(prepared, PreparedRun):
        return simulate_run_batch(prepared, normals, uniform, trace)
    if isinstance(prepared, PreparedTrick):
        out, frames = simulate_batch(prepared.pp, normals, uniform, trace)
        return out, {i: _trick_frames(prepared, f) for i, f in frames.items()}
    return simulate_batch(prepared, normals, uniform, trace)


def _check_kind(play: PlayInput):
    if play.kind not in kinds.KINDS:
        raise ValueError(f"play {play.name!r}: kind {play.kind!r} is not one of {kinds.KINDS}")
    if play.kind != kinds.PASS and play.handoff is None:
        raise ValueError(f"{play.kind.lower()} play {play.name!r} has no handoff")
    h = play.handoff
    if h is None:
        return
    for role in (h.carrier, h.giver):
        if role not in play.alignment:
            raise ValueError(f"play {play.name!r}: {role!r} is not in the formation")
    keeper = play.kind == kinds.RUN and h.carrier == h.giver
    if not keeper and (h.x is None or h.y is None or h.time_ms is None):
        raise ValueError(f"play {play.name!r}: a handoff needs a mesh point and time")


def with_running_start(play: PlayInput, offense_players) -> PlayInput:
    """A man still moving at the snap has his running start: he is already at speed, so
    his route is run earlier by the time a standing start takes to build it (half the
    time to top speed)."""
    motion = play.motion
    if motion is None or not motion.at_snap:
        return play
    route = play.routes.get(motion.role)
    if route is None or not route.breakpoints:
        return play
    rt = offense_players.get(motion.role) or OffenseRatings()
    lead_ms = 1000.0 * top_speed(rt.speed) / (2.0 * acceleration(rt.acceleration))
    points, last = [], 0.0
    for x, y, t in route.breakpoints:
        t = max(t - lead_ms, last + C.FINE_MS)
        points.append((x, y, t))
        last = t
    routes = {**play.routes, motion.role: replace(route, breakpoints=tuple(points))}
    return replace(play, routes=routes)


# --- runs -------------------------------------------------------------------------------


def run_path_route(play: PlayInput, rules: Ruleset) -> Route:
    """The carrier's whole path from his alignment (snap) as a route: to the mesh point at
    the mesh time, then his own route's later breakpoints, else the named path."""
    h = play.handoff
    alignment = dict(play.alignment)
    if play.motion is not None:
        alignment[play.motion.role] = (play.motion.x, play.motion.y)
    ax, ay = alignment[h.carrier]
    keeper = h.carrier == h.giver
    mx, my, t0 = (ax, ay, 0.0) if keeper else (float(h.x), float(h.y), float(h.time_ms))
    points = [] if keeper else [(mx - ax, my - ay, t0)]
    own = play.routes.get(h.carrier)
    later = [bp for bp in (own.breakpoints if own else ()) if bp[2] > t0 + C.FINE_MS]
    if later:
        points += later
        return Route(tuple(points), settle=False, name=own.name)
    path = h.path or (kinds.SWEEP if abs(my) > 1.5 else kinds.DIVE)
    # A sweep goes to the side of the mesh; a reverse carries on to the side away from
    # where the carrier lined up.
    away = -math.copysign(1.0, ay) if abs(ay) > 0.5 else 1.0
    side = math.copysign(1.0, my) if abs(my) > 0.5 else away
    edge = rules.half_width - C.SIDELINE_MARGIN_YD - 2.0
    if path == kinds.DIVE:
        legs = [(mx + DIVE_DEPTH_YD, my, t0 + PATH_UPFIELD_MS)]
    else:
        if path == kinds.SWEEP:
            wide, turn_ms, x_turn = SWEEP_WIDTH_YD, SWEEP_TURN_MS, max(mx + 1.5, -1.0)
        else:  # REVERSE: across the formation to the far side
            side, wide, turn_ms, x_turn = away, REVERSE_WIDTH_YD, REVERSE_TURN_MS, mx
        y_turn = side * min(edge, abs(my) * (path == kinds.SWEEP) + wide)
        legs = [
            (x_turn, y_turn, t0 + turn_ms),
            (x_turn + DIVE_DEPTH_YD, y_turn, t0 + turn_ms + PATH_UPFIELD_MS),
        ]
    points += [(x - ax, y - ay, t) for x, y, t in legs]
    return Route(tuple(points), settle=False, name=path.lower())


def prepare_run(play, scenario, rules, offense_players, defense_players, situation):
    _check_kind(play)
    h = play.handoff
    keeper = h.carrier == h.giver
    route = run_path_route(play, rules)
    # The pass tables for this formation and defense, the carrier on his run path; no
    # reads (nobody throws).
    as_pass = replace(
        play,
        kind=kinds.PASS,
        handoff=None,
        routes={**play.routes, h.carrier: route},
        progression=(),
    )
    pp = prepare_pass(as_pass, scenario, rules, offense_players, defense_players, situation)
    index = {r: i for i, r in enumerate(pp.roles)}
    motion = play.motion
    if motion is not None and motion.at_snap and motion.role == h.carrier:
        pp = _running_start_path(pp, index[h.carrier], play, route, offense_players, situation)
    mesh_step = 0 if keeper else _mesh_step(pp, index[h.carrier], h)
    end_ms = route.breakpoints[-1][2] if route.breakpoints else 0.0
    return PreparedRun(
        pp=pp,
        carrier=index[h.carrier],
        giver=index[h.giver],
        mesh_step=mesh_step,
        path_end_step=min(pp.n_steps - 1, max(mesh_step, math.ceil(end_ms / C.DT_MS))),
        keeper=keeper,
        illegal=kinds.no_run_zone(rules, situation.yardline) is not None,
    )


def _mesh_step(pp, car, h):
    """The step the ball changes hands: the designed time, or when the carrier gets within
    MESH_REACH_YD of the mesh point if he is not there yet (else his closest approach)."""
    designed = max(1, math.ceil(float(h.time_ms) / C.DT_MS))
    if designed >= pp.n_steps:
        return designed
    gap = np.hypot(pp.step_x[car, designed:] - float(h.x), pp.step_y[car, designed:] - float(h.y))
    there = np.nonzero(gap <= MESH_REACH_YD)[0]
    return designed + int(there[0] if there.size else np.argmin(gap))


def _running_start_path(pp, car, play, route, offense_players, situation):
    """The carrier's path when he is still moving at the snap: run from a point behind
    his motion's end (along the motion) from a standing start, so that he passes the end
    spot at full speed at the snap; the samples before the snap are dropped."""
    motion = play.motion
    rt = offense_players.get(motion.role) or OffenseRatings()
    v, a = top_speed(rt.speed), acceleration(rt.acceleration)
    lead_s = v / a
    x0, y0 = play.alignment[motion.role]
    dx, dy = motion.x - x0, motion.y - y0
    norm = math.hypot(dx, dy) or 1.0
    back = v * v / (2.0 * a)
    start = (motion.x - dx / norm * back, motion.y - dy / norm * back)
    lead_ms = 1000.0 * lead_s
    shift = (motion.x - start[0], motion.y - start[1])
    # the lead-in is timed "now": he sprints it flat out and reaches the end spot, at top
    # speed, after exactly lead_ms (a standing start covers v²/2a in v/a)
    points = [(shift[0], shift[1], float(C.FINE_MS))] + [
        (bx + shift[0], by + shift[1], bt + lead_ms) for bx, by, bt in route.breakpoints
    ]
    per_step = C.DT_MS // C.FINE_MS
    lead_fine = round(lead_ms / C.FINE_MS)
    n_fine = (pp.n_steps - 1) * per_step + 1 + lead_fine
    bounds = field_bounds(pp.rules, situation)
    path = run_route(start, Route(tuple(points), settle=False), rt, n_fine, bounds)
    step_x, step_y = pp.step_x.copy(), pp.step_y.copy()
    step_x[car] = path.x[lead_fine::per_step][: pp.n_steps]
    step_y[car] = path.y[lead_fine::per_step][: pp.n_steps]
    return replace(pp, step_x=step_x, step_y=step_y)


def simulate_run_batch(pr: PreparedRun, normals, uniform, trace=None):
    """One batch of run episodes: snap → mesh → the carrier's path → open field → whistle."""
    pp = pr.pp
    n = normals.shape[1]
    n_def = len(pp.start_x)
    n_man, n_follow = pp.n_man, pp.n_man + pp.n_zone
    yardline = pp.situation.yardline
    lane = pp.rules.half_width - C.SIDELINE_MARGIN_YD
    car = pr.carrier
    out = {
        "result": np.full(n, RUN, dtype=np.int8),
        "touchdown": np.zeros(n, dtype=bool),
        "yards": np.zeros(n, dtype=np.float32),
        "target": np.full(n, car, dtype=np.int8),
        "time_to_throw_ms": np.full(n, pr.mesh_step * C.DT_MS, dtype=np.int32),
        "pressured": np.zeros(n, dtype=bool),
        "separation_at_throw": np.full(n, np.nan, dtype=np.float32),
        "separation_at_catch": np.full(n, np.nan, dtype=np.float32),
        "air_yards": np.full(n, np.nan, dtype=np.float32),
        "yac": np.zeros(n, dtype=np.float32),
    }
    react = pp.reaction_ms[:, None] + pp.reaction_jitter * normals[_REACTION : _REACTION + n_def]
    np.maximum(react, float(C.DT_MS), out=react)
    x = pp.start_x[:, None] + pp.position_jitter * normals[_JITTER_X : _JITTER_X + n_def]
    y = pp.start_y[:, None] + pp.position_jitter * normals[_JITTER_Y : _JITTER_Y + n_def]
    vx = np.zeros((n_def, n), dtype=np.float32)
    vy = np.zeros((n_def, n), dtype=np.float32)
    mesh_ms = pr.mesh_step * C.DT_MS
    read_ms = (KEEPER_READ_MS if pr.keeper else mesh_ms) + RUN_READ_FACTOR * react
    read_ms[n_follow:] = mesh_ms + react[n_follow:]  # rushers: on the ball once it is handed
    crossed_ms = np.full(n, np.inf, dtype=np.float32)  # when the carrier crossed the line
    rush_start = pp.rush_delay_ms + react[n_follow:] * pp.rush_start_factor
    pull_z = normals[_PULL : _PULL + C.PULL_ATTEMPTS]
    bobbled = (normals[_BOBBLE] < BOBBLE_Z) & (not pr.keeper)
    delay = np.where(bobbled, round(BOBBLE_MS / C.DT_MS), 0)
    cx = np.full(n, pp.step_x[car, 0], dtype=np.float32)
    cy = np.full(n, pp.step_y[car, 0], dtype=np.float32)
    cvx = np.zeros(n, dtype=np.float32)
    cvy = np.zeros(n, dtype=np.float32)
    free = np.zeros(n, dtype=bool)
    live = np.ones(n, dtype=bool)
    attempts = np.zeros(n, dtype=np.int32)
    back = np.zeros((n_def, n), dtype=np.int32)  # step at which a missed puller is back
    ranks = np.arange(C.PULL_ATTEMPTS)[:, None]
    miss_steps = max(1, round(C.PULL_MISS_MS / C.DT_MS))
    vmax_c = float(pp.off_vmax[car]) * RUN_CARRY_SPEED_FACTOR
    acc_c = float(pp.off_acc[car])
    evade = float(pp.evade[car])
    carrier_skill = float(pp.carrier_skill[car])
    giver_x, giver_y = float(pp.step_x[pr.giver, 0]), float(pp.step_y[pr.giver, 0])
    cushion = pp.cushion_x[:n_man]
    targets = pp.man_target[:n_man, 0]
    if pr.illegal:  # nobody carries it: dead at the snap, the down is lost
        out["target"][:] = -1
        out["time_to_throw_ms"][:] = 0
        frames = {}
        if trace is not None and len(trace):
            recorder = _Recorder(pp, trace)
            zero = np.zeros(len(trace), dtype=np.int64)
            start_x, start_y = x[:, trace], y[:, trace]
            recorder.add(
                0, trace, recorder.offense(zero), start_x, start_y, giver_x, giver_y, False
            )
            frames = recorder.frames()
        return out, frames
    recorder = _Recorder(pp, trace) if trace is not None and len(trace) else None
    orig = np.arange(n)
    if recorder:
        rec = recorder.where(orig)
        zero = np.zeros(rec.size, dtype=np.int64)
        recorder.add(0, rec, recorder.offense(zero), x[:, rec], y[:, rec], giver_x, giver_y, False)

    for step in range(1, RUN_MAX_STEPS + 1):
        if not live.any():
            break
        t_ms = float(step * C.DT_MS)
        handed = step >= pr.mesh_step
        # the ball: with the giver until the mesh, then the carrier, on his path until he
        # is past the line (or the path is run), then free
        # a bobbled exchange: he waits at the mesh, then runs the rest of his path late
        late = np.clip(step - delay * (step >= pr.mesh_step), 0, None)
        at = np.minimum(np.maximum(late, np.minimum(step, pr.mesh_step)), pp.n_steps - 1)
        path_x, path_y = pp.step_x[car, at], pp.step_y[car, at]
        if handed:
            upfield = path_x > pp.step_x[car, np.maximum(at - 1, 0)]
            near = (cx >= -RUN_FREE_DEPTH_YD) & upfield
            free |= live & (near | (step > pr.path_end_step))
            crossed_ms = np.where((cx >= 0.0) & np.isinf(crossed_ms), t_ms, crossed_ms)
        on_path = ~free
        if on_path.any():
            cvx = np.where(on_path, (path_x - cx) / DT_S, cvx)
            cvy = np.where(on_path, (path_y - cy) / DT_S, cvy)
            cx = np.where(on_path, path_x, cx)
            cy = np.where(on_path, path_y, cy)
        if free.any():
            # running for daylight: upfield, bending away from pursuers in front of him
            gx, gy = x - cx, y - cy
            gap = np.sqrt(gx * gx + gy * gy)
            weight = np.clip(1.0 - gap / C.EVADE_RANGE_YD, 0.0, 1.0) * (gx > -1.0)
            push = -(weight * gy / (gap + EPS)).sum(axis=0)
            side = np.clip(push, -1.0, 1.0) * evade
            outward = (side * cy > 0) & (np.abs(cy) > lane - 2.0)
            side = np.where(outward, 0.0, side)
            heading = 1.0 / np.sqrt(1.0 + side * side)
            speed = np.minimum(np.hypot(cvx, cvy) + acc_c * DT_S, vmax_c)
            fvx, fvy = speed * heading, speed * heading * side
            cvx = np.where(free, fvx, cvx)
            cvy = np.where(free, fvy, cvy)
            cx = np.where(free, cx + fvx * DT_S, cx)
            cy = np.where(free, np.clip(cy + fvy * DT_S, -lane, lane), cy)
        bx = cx if handed else np.full(n, giver_x, dtype=np.float32)
        by = cy if handed else np.full(n, giver_y, dtype=np.float32)

        # the defense: pass duties until it reads the run, then everyone on the ball
        ax = np.empty((n_def, n), dtype=np.float32)
        ay = np.empty((n_def, n), dtype=np.float32)
        if n_man:  # where his man was a reaction time ago, at his cushion
            seen = np.clip(step - react[:n_man] / C.DT_MS, 0, pp.n_steps - 1).astype(np.int64)
            ax[:n_man] = pp.step_x[targets[:, None], seen] + cushion
            ay[:n_man] = pp.step_y[targets[:, None], seen]
        if pp.n_zone:
            ax[n_man:n_follow] = pp.zone_x
            ay[n_man:n_follow] = pp.zone_y
        ax[n_follow:] = bx
        ay[n_follow:] = by
        vcap = np.empty((n_def, n), dtype=np.float32)
        vcap[:] = pp.vmax
        if pp.n_rush:
            vcap[n_follow:] = pp.rush_vmax * (t_ms >= rush_start)
        read = (t_ms >= read_ms) | (t_ms >= crossed_ms + react)
        if read.any():
            px, py = _intercept_aim(x, y, bx, by, cvx * handed, cvy * handed, pp.vclose)
            ax = np.where(read, px, ax)
            ay = np.where(read, py, ay)
            vcap = np.where(read, pp.vclose, vcap)
        recovering = back > step
        vcap = np.where(recovering, vcap * C.PULL_MISS_SPEED, vcap)
        _move(x, y, vx, vy, ax, ay, vcap, pp.accel, pp.turn)
        # Only a rusher crosses the line before the ball is handed off (NFL FLAG); on a
        # keeper, before the QB does.
        if pr.keeper or not handed:
            ahead = (cx < 0.0) if pr.keeper else np.ones(n, dtype=bool)
            hold = ahead[None, :] & (np.arange(n_def) < n_follow)[:, None]
            np.maximum(x, np.where(hold, 0.0, -np.inf).astype(np.float32), out=x)

        # flag pulls: on the giver before the mesh (a loss behind the line), then the carrier
        close = np.hypot(x - bx, y - by) < C.FLAG_PULL_YD
        close &= ~recovering
        if not handed:
            close[:n_follow] = False  # only a rusher is in the backfield before the mesh
        pulled = np.zeros(n, dtype=bool)
        trying = live & close.any(axis=0)
        if trying.any():
            t = np.nonzero(trying)[0]
            best = np.where(close[:, t], pp.pull_skill, -np.inf).max(axis=0) - carrier_skill
            k = attempts[t]
            z = (pull_z[:, t] * (ranks == k)).sum(axis=0)
            got = (k >= C.PULL_ATTEMPTS) | (z < best)
            pulled[t[got]] = True
            missed = t[~got]
            attempts[missed] += 1
            if missed.size:
                back[:, missed] = np.where(close[:, missed], step + miss_steps, back[:, missed])
        scored = live & handed & (cx >= yardline)
        ended = live & (pulled | scored)
        if recorder and rec.size:
            offense = recorder.offense(np.full(rec.size, step))
            offense[:, car, 0] = cx[rec]
            offense[:, car, 1] = cy[rec]
            recorder.add(t_ms, rec, offense, x[:, rec], y[:, rec], bx[rec], by[rec], False)
            rec = rec[~ended[rec]]
        if ended.any():
            out["yards"][ended] = np.minimum(bx[ended], yardline)
            out["touchdown"][ended] = scored[ended]
            live &= ~ended
    if live.any():  # the safety stop: wherever he is
        out["yards"][live] = np.minimum(cx[live], yardline)
    frames = recorder.frames() if recorder else {}
    return out, frames


# --- trick plays ------------------------------------------------------------------------


def prepare_trick(play, scenario, rules, offense_players, defense_players, situation):
    """The pass engine with the new thrower in the passer's place: he throws from where
    he sets up after the pitch (his route's last point before the throw, else two yards
    behind the mesh), with his own ratings, to the trick play's reads; the QB becomes a
    receiver (his route, if any: the throwback)."""
    _check_kind(play)
    h = play.handoff
    thrower = h.carrier
    alignment = dict(play.alignment)
    if play.motion is not None:
        alignment[play.motion.role] = (play.motion.x, play.motion.y)
    ax, ay = alignment[thrower]
    mesh = (float(h.x), float(h.y))
    mesh_ms = float(h.time_ms)
    own = play.routes.get(thrower)
    after = [bp for bp in (own.breakpoints if own else ()) if bp[2] > mesh_ms]
    set_x, set_y = (ax + after[-1][0], ay + after[-1][1]) if after else (mesh[0] - 2.0, mesh[1])
    set_x = min(set_x, -1.0)  # he throws from behind the line
    path_end = after[-1][2] if after else mesh_ms + 400.0
    set_ms = path_end + TRICK_SET_MS
    # swap names: the engine's passer is called QB
    swap = {thrower: QB, QB: thrower}
    engine_alignment = {swap.get(r, r): xy for r, xy in alignment.items()}
    engine_alignment[QB] = (set_x, set_y)
    routes = {swap.get(r, r): rt for r, rt in play.routes.items() if r != thrower}
    players = {swap.get(r, r): p for r, p in offense_players.items()}
    progression = tuple(swap.get(r, r) for r in h.progression)
    as_pass = replace(
        play,
        kind=kinds.PASS,
        handoff=None,
        motion=None,
        alignment=engine_alignment,
        routes=routes,
        progression=progression,
    )
    pp = prepare_pass(as_pass, scenario, rules, players, defense_players, situation)
    set_step = math.ceil(set_ms / C.DT_MS)
    # He cannot throw before he has the ball and is set: reads start then.
    reads = {s: r for s, r in pp.reads.items() if s >= set_step}
    # The rusher goes after the ball: the QB until the pitch, then the new thrower — he
    # starts on the thrower when the ball is pitched (from his own start: a simplification
    # that gives the offense the yard or two he had gained on the QB).
    pp = replace(
        pp,
        roles=tuple(swap.get(r, r) for r in pp.roles),
        reads=reads,
        forced_step=max(pp.forced_step, set_step + 1),
        rush_delay_ms=max(pp.rush_delay_ms, mesh_ms),
    )
    steps = np.arange(set_step + 1) * C.DT_MS
    knots_t = [0.0, mesh_ms, max(set_ms - TRICK_SET_MS, mesh_ms + C.DT_MS), set_ms]
    knots_x = [ax, mesh[0], set_x, set_x]
    knots_y = [ay, mesh[1], set_y, set_y]
    pre = np.stack([np.interp(steps, knots_t, knots_x), np.interp(steps, knots_t, knots_y)], 1)
    index = {r: i for i, r in enumerate(pp.roles)}
    return PreparedTrick(
        pp=pp,
        thrower=index[thrower],
        giver=index[h.giver] if h.giver != thrower else index[QB],
        giver_xy=alignment[h.giver],
        pre_path=pre.astype(np.float32),
        mesh_step=math.ceil(mesh_ms / C.DT_MS),
        set_step=set_step,
    )


def _trick_frames(pt: PreparedTrick, frames):
    """Traces before the thrower is set: he runs from his alignment through the mesh to
    his set spot, the ball is with the giver until the pitch, then with him."""
    t_ms, offense, defense, ball, event = frames
    offense, ball = offense.copy(), ball.copy()
    step = (t_ms // C.DT_MS).astype(np.int64)
    early = step < pt.set_step
    if early.any():
        s = step[early]
        offense[early, pt.thrower] = pt.pre_path[s]
        with_giver = s < pt.mesh_step
        held = np.where(with_giver[:, None], np.asarray(pt.giver_xy), pt.pre_path[s])
        ball[early] = held
    return t_ms, offense, defense, ball, event
