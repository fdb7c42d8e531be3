"""The vectorised play: snap to whistle for a batch of episodes of one prepared pair.

Layout: defenders are rows, episodes are columns, x and y in separate float32 arrays.
Every operation is element-wise per episode, so an episode's result does not depend on
which other episodes share the batch (that is what makes chunking and worker count
irrelevant). Finished episodes are compacted away as the play goes on.

Stage 1 runs from the snap to the ball's arrival (or a sack / throw-away); stage 2 runs
yards after the catch for the completions, on its own clock (it only needs the moment of
the catch to label trace frames).
"""

from __future__ import annotations

import numpy as np

from simulation.engine import constants as C
from simulation.engine.outcomes import COMPLETE, INCOMPLETE, INTERCEPTION, SACK
from simulation.engine.prepare import NEVER, PreparedPair

DONE = -1  # release_step of a finished episode

# Row layout of the per-episode standard normals (fixed, so a chunk's draws never depend
# on the scenario); MAX_DEFENDERS slots per defender quantity.
MAX_DEFENDERS = C.MAX_DEFENDERS
JITTER_X = 0
JITTER_Y = JITTER_X + MAX_DEFENDERS
REACTION = JITTER_Y + MAX_DEFENDERS
BREAK_READ = REACTION + MAX_DEFENDERS
HURRY = BREAK_READ + MAX_DEFENDERS
MISS_X = HURRY + 1
MISS_Y = MISS_X + 1
OPEN = MISS_Y + 1
AWAY = OPEN + 1
AWAY_LATE = AWAY + 1
PULL = AWAY_LATE + 1  # C.PULL_ATTEMPTS rows: one per flag-pull attempt after the catch
N_NORMALS = PULL + C.PULL_ATTEMPTS

DT_S = C.DT_MS / 1000.0
EPS = 1e-6


def _norm(dx, dy):
    return np.sqrt(dx * dx + dy * dy)


def _move(x, y, vx, vy, ax, ay, vcap, accel, turn):
    """One step towards the aim point: speed builds at `accel` up to `vcap`, a share of it
    is lost in proportion to the turn ((1 - cos θ)/2 × `turn`), and the step never carries
    the player past the point. Updates x, y, vx, vy in place and uses ax, ay as scratch."""
    dx = np.subtract(ax, x, out=ax)
    dy = np.subtract(ay, y, out=ay)
    dist = dx * dx
    dist += dy * dy
    np.sqrt(dist, out=dist)
    speed = vx * vx
    speed += vy * vy
    np.sqrt(speed, out=speed)
    loss = vx * dx  # becomes the speed lost in the turn
    loss += vy * dy
    denominator = speed * dist
    denominator += EPS
    loss /= denominator
    np.subtract(1.0, loss, out=loss)
    loss *= turn * 0.5
    loss *= speed
    speed -= loss
    speed += accel * DT_S
    np.minimum(speed, vcap, out=speed)
    np.minimum(speed, dist * (1.0 / DT_S), out=speed)
    dist += EPS
    np.divide(speed, dist, out=speed)  # now the scale from (dx, dy) to the new velocity
    np.multiply(dx, speed, out=vx)
    np.multiply(dy, speed, out=vy)
    x += vx * DT_S
    y += vy * DT_S


class _Episodes:
    """Per-episode arrays (episodes on the last axis) that are compacted together."""

    def __init__(self, **arrays):
        self.__dict__.update(arrays)
        self.names = list(arrays)

    def keep(self, idx):
        for name in self.names:
            setattr(self, name, getattr(self, name)[..., idx])

    def take(self, idx):
        return {name: getattr(self, name)[..., idx] for name in self.names}


class _Recorder:
    """Positions of the traced episodes, one block of arrays per step. It only reads the
    state: recording draws no random numbers and changes nothing."""

    def __init__(self, pp: PreparedPair, wanted: np.ndarray):
        self.pp = pp
        self.wanted = wanted  # batch-local episode indices to trace
        self.blocks = []

    def where(self, orig):
        return np.nonzero(np.isin(orig, self.wanted))[0]

    def offense(self, steps):
        """(k, roles, 2) route positions at each episode's step."""
        s = np.minimum(steps, self.pp.n_steps - 1)
        return np.stack([self.pp.step_x[:, s].T, self.pp.step_y[:, s].T], axis=2)

    def add(self, t_ms, episodes, offense, dx, dy, ball_x, ball_y, event):
        k = len(episodes)
        defense = np.empty((k, len(dx), 2), dtype=np.float32)
        defense[:, self.pp.order, 0] = dx.T
        defense[:, self.pp.order, 1] = dy.T
        ball = np.stack([np.broadcast_to(ball_x, k), np.broadcast_to(ball_y, k)], axis=1)
        times = np.broadcast_to(np.asarray(t_ms, dtype=np.int64), k)
        events = np.broadcast_to(event, k)
        self.blocks.append((times, episodes, offense, defense, ball, events))

    def frames(self):
        """{episode: (t_ms, offense, defense, ball, event)} arrays, in time order; `event`
        marks the release and the arrival (kept in a trace whatever the frame cadence)."""
        if not self.blocks:
            return {}
        columns = zip(*self.blocks, strict=True)
        t, ep, off, dfn, ball, event = (np.concatenate(column) for column in columns)
        result = {}
        for e in self.wanted:
            rows = np.nonzero(ep == e)[0]
            rows = rows[np.argsort(t[rows], kind="stable")]
            result[int(e)] = (t[rows], off[rows], dfn[rows], ball[rows], event[rows])
        return result


def simulate_batch(
    pp: PreparedPair, normals: np.ndarray, uniform: np.ndarray, trace: np.ndarray | None = None
):
    """normals: (N_NORMALS, n) float32, uniform: (n,) float64, trace: batch-local indices.

    Returns (columns, frames): outcome columns of length n and {index: frames}.
    """
    n = normals.shape[1]
    n_def = len(pp.start_x)
    n_man, n_follow, n_rush = pp.n_man, pp.n_man + pp.n_zone, pp.n_rush
    situation, rules = pp.situation, pp.rules
    half_width = rules.half_width
    end_line = situation.yardline + rules.endzone_depth

    out = {
        "result": np.full(n, INCOMPLETE, dtype=np.int8),
        "touchdown": np.zeros(n, dtype=bool),
        "yards": np.zeros(n, dtype=np.float32),
        "target": np.full(n, -1, dtype=np.int8),
        "time_to_throw_ms": np.zeros(n, dtype=np.int32),
        "pressured": np.zeros(n, dtype=bool),
        "separation_at_throw": np.full(n, np.nan, dtype=np.float32),
        "separation_at_catch": np.full(n, np.nan, dtype=np.float32),
        "air_yards": np.full(n, np.nan, dtype=np.float32),
        "yac": np.zeros(n, dtype=np.float32),
    }
    recorder = _Recorder(pp, trace) if trace is not None and len(trace) else None

    # --- the snap ------------------------------------------------------------------------
    react = pp.reaction_ms[:, None] + pp.reaction_jitter * normals[REACTION : REACTION + n_def]
    np.maximum(react, float(C.DT_MS), out=react)
    sd = C.HURRY_MARGIN_LOG_SD
    margin_s = (C.HURRY_MARGIN_MEAN_MS / 1000.0) * np.exp(sd * normals[HURRY] - sd * sd / 2)
    # now and then he does not feel the rusher at all: he reads on until he is sacked
    margin_s[normals[HURRY] < C.HURRY_BLIND_Z] = -10.0
    # two rushers split his attention: he feels the nearer one later (never negative)
    margin_s *= C.EXTRA_RUSHER_MARGIN ** max(n_rush - 1, 0)
    end_cap = float(end_line - C.END_LINE_MARGIN_YD)
    ep = _Episodes(
        x=pp.start_x[:, None] + pp.position_jitter * normals[JITTER_X : JITTER_X + n_def],
        y=pp.start_y[:, None] + pp.position_jitter * normals[JITTER_Y : JITTER_Y + n_def],
        vx=np.zeros((n_def, n), dtype=np.float32),
        vy=np.zeros((n_def, n), dtype=np.float32),
        react=react,
        lag=np.zeros((n_man, n), dtype=np.float32),
        lag_factor=np.exp(
            C.BREAK_LAG_SD * normals[BREAK_READ : BREAK_READ + n_man] - C.BREAK_LAG_SD**2 / 2
        ),
        rush_start=pp.rush_delay_ms + react[n_follow:] * pp.rush_start_factor,
        hurry_s=(pp.release_s + margin_s).astype(np.float32),
        open_thr=(C.OPEN_YD + C.OPEN_NOISE_YD * normals[OPEN]).astype(np.float32),
        away=normals[AWAY] < C.AWAY_Z,
        # two rushers leave him fewer ways out than one
        away_late=normals[AWAY_LATE] < C.AWAY_LATE_Z - C.EXTRA_RUSHER_Z * max(n_rush - 1, 0),
        # ... or gets a contested ball off in time (the other tail of the same draw)
        late_throw=normals[AWAY_LATE] > C.LATE_THROW_Z + C.EXTRA_RUSHER_Z * max(n_rush - 1, 0),
        felt=np.zeros(n, dtype=bool),
        brk_ms=react * pp.ball_read,
        pull_z=normals[PULL : PULL + C.PULL_ATTEMPTS],
        release_step=np.full(n, NEVER, dtype=np.int32),
        target=np.full(n, -1, dtype=np.int64),
        arrival_step=np.full(n, NEVER, dtype=np.int32),
        t_rel=np.zeros(n, dtype=np.float32),
        aim_x=np.zeros(n, dtype=np.float32),
        aim_y=np.zeros(n, dtype=np.float32),
        ball_x=np.zeros(n, dtype=np.float32),
        ball_y=np.zeros(n, dtype=np.float32),
        miss_x=normals[MISS_X],
        miss_y=normals[MISS_Y],
        u=uniform,
        orig=np.arange(n),
    )
    lag_decay = float(np.exp(-C.DT_MS / C.LAG_RECOVERY_MS))
    catches = []  # stage-2 starting states
    in_air = 0
    rec_idx = recorder.where(ep.orig) if recorder else None
    if recorder:
        zero = np.zeros(rec_idx.size, dtype=np.int64)
        x, y = ep.x[:, rec_idx], ep.y[:, rec_idx]
        recorder.add(0, ep.orig[rec_idx], recorder.offense(zero), x, y, pp.qb_x, pp.qb_y, False)

    step = 0
    active = n
    while active:
        step += 1
        t_ms = float(step * C.DT_MS)
        s_tab = min(step, pp.n_steps - 1)
        size = ep.orig.shape[0]

        # --- where each defender wants to be --------------------------------------------
        ax = np.empty((n_def, size), dtype=np.float32)
        ay = np.empty((n_def, size), dtype=np.float32)
        if n_follow:
            look = ep.react[:n_follow] * pp.look_factor
            if n_man:
                look[:n_man] += ep.lag
            seen = ((t_ms + 0.5 * C.FINE_MS) - look) * (1.0 / C.FINE_MS)
            np.maximum(seen, 0.0, out=seen)
            idx = seen.astype(np.int32)
            np.minimum(idx, pp.n_fine - 1, out=idx)
            idx += pp.follow_base[s_tab]  # each follower's anticipated view (prepare.py)
            fx = pp.path_x.take(idx)
            fy = pp.path_y.take(idx)
            fx += pp.cushion_x
            if pp.n_zone:
                _zone_spot(pp, fx[n_man:], fy[n_man:])
            np.minimum(fx, end_cap, out=fx)
            ax[:n_follow] = fx
            ay[:n_follow] = fy
        ax[n_follow:] = pp.qb_x
        ay[n_follow:] = pp.qb_y
        vcap = np.empty((n_def, size), dtype=np.float32)
        vcap[:] = pp.vmax
        if n_rush:
            vcap[n_follow:] = pp.rush_vmax * (t_ms >= ep.rush_start)
        if in_air:  # once he has read the throw, every defender breaks on the ball
            brk = ((t_ms - ep.t_rel) >= ep.brk_ms) & (ep.arrival_step != NEVER)
            ax += (ep.aim_x - ax) * brk
            ay += (ep.aim_y - ay) * brk
            vcap += (pp.vclose - vcap) * brk
        _move(ep.x, ep.y, ep.vx, ep.vy, ax, ay, vcap, pp.accel, pp.turn)
        if n_man:
            ep.lag *= lag_decay
            if step in pp.impulse_steps:
                ep.lag += pp.impulse[step] * ep.lag_factor

        holding = ep.release_step >= step  # ball still in the QB's hand
        if n_rush:
            qdx = ep.x[n_follow:] - pp.qb_x
            qdy = ep.y[n_follow:] - pp.qb_y
            each = _norm(qdx, qdy)
            # time each rusher needs to reach the flag at full rush speed; the nearest decides
            arrive_s = (each - C.FLAG_PULL_YD) / pp.rush_vmax
            rush_dist = each[0] if n_rush == 1 else each.min(axis=0)
            rush_s = arrive_s[0] if n_rush == 1 else arrive_s.min(axis=0)
            sacked = np.nonzero(holding & (rush_dist < C.FLAG_PULL_YD))[0]
            if sacked.size:
                o = ep.orig[sacked]
                out["result"][o] = SACK
                out["yards"][o] = pp.qb_x
                out["time_to_throw_ms"][o] = int(t_ms)
                ep.release_step[sacked] = DONE
                active -= sacked.size

        # --- the quarterback's decision ---------------------------------------------------
        reading = ep.release_step == NEVER
        role = pp.reads.get(step)
        if role is not None:
            margin = _openness(pp, ep.x, ep.y, ep.vx, ep.vy, role, step)
            margin -= pp.read_bias[role, min(step + pp.release_steps, pp.n_steps - 1)]
            opened = np.nonzero(reading & (margin > ep.open_thr))[0]
            ep.release_step[opened] = step + pp.release_steps
            ep.target[opened] = role
            reading[opened] = False
        # Feeling the rush: the shortest throw that is open enough (the check-down), else
        # throw it away — or, if he is the kind to extend the play, keep reading (he can
        # be sacked). At the clock: the best read if he is at least somewhat open, else away.
        clock = reading & (step >= pp.forced_step)
        if n_rush:
            rushed = reading & ~ep.felt & (rush_s < ep.hurry_s)
            last_look = reading & ep.felt & (rush_s < pp.release_s + 2 * DT_S)
            gone = np.nonzero(last_look)[0]
            if gone.size:
                # The one who extended gets rid of it at the last moment: he throws up the
                # best contested ball if there is one, else throws it away or holds on.
                target = _last_chance(
                    pp,
                    ep.x[:, gone],
                    ep.y[:, gone],
                    ep.vx[:, gone],
                    ep.vy[:, gone],
                    step,
                    False,
                    C.LAST_LOOK_OPEN_YD,
                )
                target = np.where(ep.late_throw[gone], target, -1)
                throws = (target >= 0) | ep.away_late[gone]
                gone, target = gone[throws], target[throws]
                ep.target[gone] = target
                ep.release_step[gone] = step + pp.release_steps
                reading[gone] = False
                clock &= reading
        else:
            rushed = np.zeros_like(reading)
        for mask, checkdown in ((rushed, True), (clock & ~rushed, False)):
            idx = np.nonzero(mask)[0]
            if idx.size:
                target = _last_chance(
                    pp, ep.x[:, idx], ep.y[:, idx], ep.vx[:, idx], ep.vy[:, idx], step, checkdown
                )
                if checkdown and not clock[idx].all():
                    extend = (target < 0) & ~ep.away[idx] & ~clock[idx]
                    ep.felt[idx[extend]] = True
                    idx, target = idx[~extend], target[~extend]
                ep.target[idx] = target
                ep.release_step[idx] = step + pp.release_steps

        # --- the ball leaves the hand -----------------------------------------------------
        released = np.nonzero(ep.release_step == step)[0]
        if released.size:
            o = ep.orig[released]
            out["time_to_throw_ms"][o] = int(t_ms)
            if n_rush:
                out["pressured"][o] = rush_dist[released] < C.PRESSURE_YD
            tgt = ep.target[released]
            away = tgt < 0
            if away.any():  # thrown away: incomplete, nobody targeted
                ep.release_step[released[away]] = DONE
                active -= int(away.sum())
            thrown = released[~away]
            if thrown.size:
                in_air += thrown.size
                _release(pp, ep, out, thrown, s_tab, t_ms)

        # --- the ball arrives -------------------------------------------------------------
        arriving = np.nonzero(ep.arrival_step == step)[0]
        if arriving.size:
            in_air -= arriving.size
            active -= arriving.size
            caught = _arrive(pp, ep, out, arriving, s_tab, half_width, end_line)
            if caught.size:
                state = ep.take(caught)
                state["step"] = step
                catches.append(state)
            ep.release_step[arriving] = DONE
            ep.arrival_step[arriving] = NEVER

        if recorder and rec_idx.size:
            i = rec_idx
            offense = recorder.offense(np.full(i.size, step))
            ball_x, ball_y = _ball_in_stage1(pp, ep, i, t_ms)
            event = (ep.t_rel[i] == t_ms) | (ep.release_step[i] == DONE)
            recorder.add(t_ms, ep.orig[i], offense, ep.x[:, i], ep.y[:, i], ball_x, ball_y, event)

        if active and active < 0.6 * size:  # compact away the finished episodes
            live = np.nonzero(ep.release_step != DONE)[0]
            ep.keep(live)
            if recorder:
                rec_idx = recorder.where(ep.orig)
        elif recorder:
            rec_idx = rec_idx[ep.release_step[rec_idx] != DONE]
        if step > pp.n_steps + 2 * pp.forced_step:  # cannot happen; keeps a bug from hanging
            raise RuntimeError("episode did not finish")

    if catches:
        _yards_after_catch(pp, catches, out, recorder)
    frames = recorder.frames() if recorder else {}
    return out, frames


def _last_chance(pp: PreparedPair, x, y, vx, vy, step, checkdown, floor=None):
    """Target role per episode (-1: throw it away) when the QB must get rid of the ball:
    rushed (checkdown=True) or at the clock he takes the check-down: the shortest throw
    that is open enough — under pressure a little open, at the clock at least somewhat
    open (a contested ball beats a throw-away); a throw short of the line to gain on a
    late down counts as that much longer. A hurried throw pays for its flight like a
    read; at the clock a contested ball is what he is settling for anyway."""
    if not len(pp.progression):
        return np.full(x.shape[1], -1, dtype=np.int64)
    s = min(step + pp.release_steps, pp.n_steps - 1)
    margins = np.stack([_openness(pp, x, y, vx, vy, role, step) for role in pp.progression])
    if checkdown:  # a hurried throw must still be open once its flight is paid for
        margins -= pp.flight_bias[pp.progression, s][:, None]
    if floor is None:
        floor = C.PRESSURE_OPEN_YD if checkdown else C.SOMEWHAT_OPEN_YD
    ok = margins >= floor
    throw = pp.throw
    length = np.hypot(
        throw.aim_x[pp.progression, s] - pp.qb_x, throw.aim_y[pp.progression, s] - pp.qb_y
    )
    length = length + C.CHECKDOWN_BIAS_YD_PER_YD * pp.read_bias[pp.progression, s]
    score = np.where(ok, -length[:, None], -np.inf)
    best = score.argmax(axis=0)
    good = ok[best, np.arange(x.shape[1])]
    return np.where(good, pp.progression[best], -1)


def _zone_spot(pp: PreparedPair, fx, fy):
    """A zone defender shades from his landmark towards the receiver he plays and stays in
    his zone, a disc. A deep defender keeps everything in front of him: a receiver who
    goes deeper than his landmark is carried, the defender staying as deep as the
    receiver (plus the cushion) and shading across, so nobody gets behind the deep zone.
    In place."""
    dx = fx - pp.zone_x
    zx = dx * pp.zone_shade
    zy = (fy - pp.zone_y) * pp.zone_shade
    scale = np.minimum(1.0, pp.zone_r / (_norm(zx, zy) + EPS))
    if not pp.any_deep:
        fx[:] = pp.zone_x + zx * scale
        fy[:] = pp.zone_y + zy * scale
        return
    carry = pp.zone_deep * (dx > 0.0)  # deep zone, receiver beyond the landmark
    keep_y = np.minimum(np.maximum(fy - pp.zone_y, -pp.zone_r), pp.zone_r)
    fx[:] = pp.zone_x + zx * scale + (dx - zx * scale) * carry
    fy[:] = pp.zone_y + zy * scale + (keep_y - zy * scale) * carry


def _openness(pp: PreparedPair, x, y, vx, vy, role, step):
    """Predicted separation (yd) at the catch point of a ball released after the QB's
    release time. Each defender (any of them) is projected along his current run to the
    release; from there he closes on the catch point at closing speed once he has reacted
    to the throw. A man defender on this receiver is running with him, so he is at least
    as close as the receiver's own run to the point (a trailing man stays trailing). The
    nearest defender decides."""
    s = min(step + pp.release_steps, pp.n_steps - 1)
    cx, cy = pp.throw.aim_x[role, s], pp.throw.aim_y[role, s]
    own = float(np.hypot(pp.step_x[role, s] - cx, pp.step_y[role, s] - cy))
    flight_ms = float((pp.throw.arrival[role, s] - s) * C.DT_MS)
    read_ms = pp.reaction_ms[:, None] * pp.ball_read
    reach = pp.vclose * np.maximum(flight_ms - read_ms, 0.0) / 1000.0
    cover = np.where(pp.man_target == role, np.maximum(reach, own), reach)
    lead = pp.release_s
    gap = _norm(x + vx * lead - cx, y + vy * lead - cy)
    return (gap - cover).min(axis=0)


def _release(pp: PreparedPair, ep: _Episodes, out, idx, s_tab, t_ms):
    tgt = ep.target[idx]
    o = ep.orig[idx]
    pressured = out["pressured"][o]
    clean, hurried = pp.throw, pp.pressured_throw
    ax = np.where(pressured, hurried.aim_x[tgt, s_tab], clean.aim_x[tgt, s_tab])
    ay = np.where(pressured, hurried.aim_y[tgt, s_tab], clean.aim_y[tgt, s_tab])
    arrive = np.where(pressured, hurried.arrival[tgt, s_tab], clean.arrival[tgt, s_tab])
    sigma = np.where(pressured, hurried.sigma[tgt, s_tab], clean.sigma[tgt, s_tab])
    depth = ax  # air yards: how far downfield of the LOS the ball is aimed
    ep.aim_x[idx] = ax
    ep.aim_y[idx] = ay
    ep.ball_x[idx] = ax + sigma * ep.miss_x[idx]
    ep.ball_y[idx] = ay + sigma * ep.miss_y[idx]
    ep.arrival_step[idx] = arrive
    ep.t_rel[idx] = t_ms
    dx, dy = ep.x[:, idx], ep.y[:, idx]
    rx, ry = pp.step_x[tgt, s_tab], pp.step_y[tgt, s_tab]
    out["separation_at_throw"][o] = _norm(dx - rx, dy - ry).min(axis=0)
    out["air_yards"][o] = depth
    out["target"][o] = tgt


def _arrive(pp: PreparedPair, ep: _Episodes, out, idx, s_tab, half_width, end_line):
    """Catch, incompletion or interception at the ball's arrival. Returns the indices of
    completions that still have yards after the catch to run."""
    tgt = ep.target[idx]
    o = ep.orig[idx]
    bx = ep.ball_x[idx].astype(np.float64)
    by = ep.ball_y[idx].astype(np.float64)
    d_rec = np.hypot(bx - pp.step_x[tgt, s_tab], by - pp.step_y[tgt, s_tab])
    d_all = np.hypot(ep.x[:, idx] - bx, ep.y[:, idx] - by)
    nearest = d_all.argmin(axis=0)
    sep = d_all[nearest, np.arange(idx.size)]
    out["separation_at_catch"][o] = sep
    in_bounds = (np.abs(by) <= half_width + C.CATCH_OOB_MARGIN_YD) & (bx <= end_line)
    reach = np.clip((C.REACH_MAX_YD - d_rec) / (C.REACH_MAX_YD - C.REACH_FULL_YD), 0.0, 1.0)
    # The nearest defender to the ball contests it; a receiver who wins position (the
    # separation rating) takes part of that away.
    cover = pp.contest_cover[nearest]
    contest = 1.0 - C.CONTEST_MAX * cover * pp.contest_share[tgt] * np.exp(
        -sep / C.CONTEST_SCALE_YD
    )
    np.maximum(contest, 0.0, out=contest)
    p_catch = reach * pp.hands[tgt] * contest * in_bounds
    # Interception: a defender in position at the catch point who gets to the ball before
    # the receiver, weighted by his ball skills; the likeliest one of them makes the pick.
    # (Written so that a more accurate throw can never make a pick more likely.)
    skill = C.INT_SKILL_BASE + (1.0 - C.INT_SKILL_BASE) * pp.ball_skills[:, None]
    ax, ay = ep.aim_x[idx], ep.aim_y[idx]
    in_position = np.clip(
        1.0 - np.hypot(ep.x[:, idx] - ax, ep.y[:, idx] - ay) / C.INT_REACH_YD, 0, 1
    )
    beats = np.clip((d_rec - d_all) / C.INT_MARGIN_YD, 0.0, 1.0)
    p_int = C.INT_MAX * (skill * in_position * beats).max(axis=0)
    u = ep.u[idx]
    intercepted = u < p_int
    complete = ~intercepted & (u < p_int + (1.0 - p_int) * p_catch)
    out["result"][o[intercepted]] = INTERCEPTION
    out["result"][o[complete]] = COMPLETE
    touchdown = complete & (bx >= pp.situation.yardline)
    out["touchdown"][o[touchdown]] = True
    out["yards"][o[touchdown]] = pp.situation.yardline
    out["yards"][o[complete & ~touchdown]] = bx[complete & ~touchdown]
    return idx[complete & ~touchdown]


def _ball_in_stage1(pp: PreparedPair, ep: _Episodes, i, t_ms):
    """The ball for traces: in the QB's hand, then flying straight to where it lands."""
    released = ep.t_rel[i] > 0
    arrival = ep.arrival_step[i]
    t_arr = np.where(arrival != NEVER, arrival.astype(np.float64) * C.DT_MS, t_ms)
    span = np.maximum(t_arr - ep.t_rel[i], 1.0)
    f = np.clip((t_ms - ep.t_rel[i]) / span, 0.0, 1.0) * released
    return pp.qb_x + f * (ep.ball_x[i] - pp.qb_x), pp.qb_y + f * (ep.ball_y[i] - pp.qb_y)


def _intercept_aim(px, py, cx, cy, vx, vy, speed):
    """Where a pursuer at (px, py) running at `speed` meets a carrier at (cx, cy) moving
    at (vx, vy): the earliest t with |C + V t - P| = speed × t (an interception course,
    not a chase). A pursuer no faster than the carrier aims where the carrier will be
    after the time it takes him to cover the current gap. Capped at PURSUIT_HORIZON_S."""
    dx = cx - px
    dy = cy - py
    a = vx * vx + vy * vy - speed * speed  # < 0: the pursuer is the faster
    b = dx * vx + dy * vy
    c = dx * dx + dy * dy
    root = np.sqrt(np.maximum(b * b - a * c, 0.0))
    faster = a < -EPS
    t = np.where(faster, (b + root) / np.where(faster, -a, 1.0), np.sqrt(c) / speed)
    np.maximum(t, 0.0, out=t)
    np.minimum(t, C.PURSUIT_HORIZON_S, out=t)
    return cx + vx * t, cy + vy * t


def _yards_after_catch(pp: PreparedPair, catches, out, recorder):
    """The carrier runs upfield, bending away from the nearest pursuers; each defender,
    once he has reacted to the catch, takes the interception course at closing speed. A
    defender within 1 yd tries to pull the flag and may miss (his agility against the
    carrier's); one who misses is out of the play for a moment. Stops at the sideline or
    the goal line. Own clock: local step j after the catch."""
    cat = {k: np.concatenate([c[k] for c in catches], axis=-1) for k in catches[0] if k != "step"}
    start_step = np.concatenate([np.full(c["orig"].shape[0], c["step"]) for c in catches])
    tgt = cat["target"]
    m = tgt.size
    n_def = cat["x"].shape[0]
    yardline = pp.situation.yardline
    half_width = pp.rules.half_width
    lane = half_width - C.SIDELINE_MARGIN_YD
    cx = cat["ball_x"].astype(np.float32)
    cy = cat["ball_y"].astype(np.float32)
    catch_x = cx.copy()
    s_tab = np.minimum(start_step, pp.n_steps - 1)
    vx0, vy0 = pp.step_vx[tgt, s_tab], pp.step_vy[tgt, s_tab]
    speed = _norm(vx0, vy0)
    # Turning upfield after the catch costs speed like any cut, and so does adjusting to
    # a ball off target (reaching back or over the shoulder for it).
    cos = vx0 / (speed + EPS)
    speed = speed * (1.0 - pp.off_turn[tgt] * (1.0 - cos) * 0.5)
    reached = _norm(cx - pp.step_x[tgt, s_tab], cy - pp.step_y[tgt, s_tab]) / C.REACH_MAX_YD
    speed = speed * (1.0 - C.CATCH_ADJUST_LOSS * np.minimum(reached, 1.0))
    vmax, acc = pp.off_vmax[tgt], pp.off_acc[tgt]
    miss_steps = max(1, round(C.PULL_MISS_MS / C.DT_MS))
    ep = _Episodes(
        x=cat["x"], y=cat["y"], vx=cat["vx"], vy=cat["vy"], react=cat["react"],
        cx=cx, cy=cy, speed=speed.astype(np.float32), vmax=vmax, acc=acc, tgt=tgt,
        start=start_step, catch_x=catch_x, orig=cat["orig"], pull_z=cat["pull_z"],
        evade=pp.evade[tgt], carrier=pp.carrier_skill[tgt],
        back=np.zeros((n_def, m), dtype=np.int32),  # step at which a missed puller is back
        attempts=np.zeros(m, dtype=np.int32),
    )  # fmt: skip
    live = np.ones(m, dtype=bool)
    out_of_bounds = np.abs(ep.cy) >= half_width  # caught reaching past the sideline
    _finish_yac(out, ep, np.nonzero(out_of_bounds)[0], yardline)
    live &= ~out_of_bounds
    rec_idx = recorder.where(ep.orig) if recorder else np.empty(0, dtype=np.int64)
    rec_idx = rec_idx[live[rec_idx]]
    ranks = np.arange(C.PULL_ATTEMPTS)[:, None]
    react_max = float(ep.react.max()) if m else 0.0
    back_until = 0
    for j in range(1, C.YAC_MAX_STEPS + 1):
        if not live.any():
            break
        if live.sum() < 0.6 * live.size:
            keep = np.nonzero(live)[0]
            ep.keep(keep)
            live = np.ones(keep.size, dtype=bool)
            if recorder:
                rec_idx = recorder.where(ep.orig)
        # the carrier: upfield, bending away from pursuers in front of him within range
        gx = ep.x - ep.cx
        gy = ep.y - ep.cy
        gap = _norm(gx, gy)
        weight = np.maximum(1.0 - gap / C.EVADE_RANGE_YD, 0.0)  # gap ≥ 0, so ≤ 1
        weight *= gx > -1.0
        push = -(weight * gy / (gap + EPS)).sum(axis=0)
        side = np.minimum(np.maximum(push, -1.0), 1.0) * ep.evade
        # never bend out of bounds: near the sideline he only cuts back inside
        outward = (side * ep.cy > 0) & (np.abs(ep.cy) > lane - 2.0)
        side = np.where(outward, 0.0, side)
        heading = 1.0 / np.sqrt(1.0 + side * side)
        ep.speed = np.minimum(ep.speed + ep.acc * DT_S, ep.vmax * C.CARRY_SPEED_FACTOR)
        cvx = ep.speed * heading
        cvy = cvx * side
        ep.cx = ep.cx + cvx * DT_S
        ep.cy = np.minimum(np.maximum(ep.cy + cvy * DT_S, -lane), lane)
        ax, ay = _intercept_aim(ep.x, ep.y, ep.cx, ep.cy, cvx, cvy, pp.vclose)
        if j * C.DT_MS < react_max:
            reacted = (j * C.DT_MS >= ep.react).astype(np.float32)
            # before his reaction a defender keeps running the way he was going
            ax = ep.x + ep.vx + (ax - ep.x - ep.vx) * reacted
            ay = ep.y + ep.vy + (ay - ep.y - ep.vy) * reacted
            vcap = pp.vmax + (pp.vclose - pp.vmax) * reacted
        else:
            vcap = pp.vclose
        if j < back_until:  # someone who missed a pull is still recovering
            ready = ep.back <= j
            vcap = vcap * (C.PULL_MISS_SPEED + (1.0 - C.PULL_MISS_SPEED) * ready)
        else:
            ready = True
        _move(ep.x, ep.y, ep.vx, ep.vy, ax, ay, vcap, pp.accel, pp.turn)
        close = _norm(ep.x - ep.cx, ep.y - ep.cy) < C.FLAG_PULL_YD
        close &= ready
        trying = live & close.any(axis=0)
        pulled = np.zeros_like(live)
        if trying.any():
            t = np.nonzero(trying)[0]
            best = np.where(close[:, t], pp.pull_skill, -np.inf).max(axis=0) - ep.carrier[t]
            k = ep.attempts[t]
            z = (ep.pull_z[:, t] * (ranks == k)).sum(axis=0)
            got = (k >= C.PULL_ATTEMPTS) | (z < best)
            pulled[t[got]] = True
            missed = t[~got]
            ep.attempts[missed] += 1
            if missed.size:
                ep.back[:, missed] = np.where(close[:, missed], j + miss_steps, ep.back[:, missed])
                back_until = j + miss_steps
        ended = live & (pulled | (ep.cx >= yardline))
        if recorder and rec_idx.size:
            i = rec_idx
            offense = recorder.offense(ep.start[i] + j)
            offense[np.arange(i.size), ep.tgt[i]] = np.stack([ep.cx[i], ep.cy[i]], axis=1)
            t_ms = (ep.start[i] + j) * C.DT_MS
            recorder.add(
                t_ms, ep.orig[i], offense, ep.x[:, i], ep.y[:, i], ep.cx[i], ep.cy[i], False
            )
            rec_idx = rec_idx[~ended[rec_idx]]
        done = np.nonzero(ended)[0]
        _finish_yac(out, ep, done, yardline)
        live &= ~ended
    _finish_yac(out, ep, np.nonzero(live)[0], yardline)


def _finish_yac(out, ep, idx, yardline):
    if not idx.size:
        return
    o = ep.orig[idx]
    x = np.minimum(ep.cx[idx], yardline)
    out["yards"][o] = x
    out["yac"][o] = x - ep.catch_x[idx]
    out["touchdown"][o] = ep.cx[idx] >= yardline
