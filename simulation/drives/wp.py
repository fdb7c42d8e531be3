"""Late-game mode: the call that maximises the chance to win, given the score and the
drives left, instead of expected points.

A game here is a sequence of drives that alternate between the teams (docs/drives.md,
"Games"); it ends after the last one. WP is solved backwards over (drives left, margin,
where the next drive starts) from the end, where a lead wins, a tie is a coin flip (the
overtime is not modelled) and a deficit loses:

- **Future drives** are played by each offense's expected-points caller against the other
  team's defense mix (the EP models' best play in every state). Under that fixed caller a
  drive from each start spot ends in a known distribution of (no score | touchdown |
  safety, where the other team starts) — the absorbing probabilities of the drive's
  Markov chain, from the same transition tables and snap rules as EP.
- **The try** after each touchdown is chosen for WP (1 or 2 points, with the try success
  rates EP uses): down 7 with nothing after, the offense goes for 2 when the 2-point
  try converts more than half as often as the 1-point try (a tie is a coin flip).
- **This drive** is solved exactly for WP: every state of the drive takes the play with
  the highest chance to win, the drive's terminal bins valued by the WP of the game that
  follows. The drive is acyclic (each snap uses a down or moves the line to gain), so the
  value settles within the longest possible drive.

Assumption written down: only this drive is played for WP; later drives are played for
points (a coach adjusts them when he gets there — asking again then gives that answer).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from simulation.drives.ep import EPModel, _q_mix
from simulation.drives.rules import CONTINUE, SAFETY, TD
from simulation.drives.words import situation_text

MAX_MARGIN = 60  # points either way; the DP clips beyond (a 60-point game is decided)
MAX_DRIVES_AFTER = 40  # both teams' drives after this one (20 each is a long game)
NONE, SCORE, SAFETY_ = 0, 1, 2  # how a drive ends, for the absorbing distribution


def _win(margins: np.ndarray) -> np.ndarray:
    return np.where(margins > 0, 1.0, np.where(margins == 0, 0.5, 0.0))


class _Drives:
    """One offense under its EP caller: how a drive from each start spot ends."""

    def __init__(self, model: EPModel, starts: np.ndarray):
        side, rules, grid = model.side, model.rules, model.grid
        self.model, self.starts = model, starts
        S = grid.size
        self.kind = np.select([side.event == TD, side.event == SAFETY], [SCORE, SAFETY_], NONE)
        self.cont = side.event == CONTINUE
        probs = side.mix[model.best_play, side.cells, :]  # [S, B] under the EP caller
        index = np.full(S, -1)
        index[starts] = np.arange(len(starts))
        self.start_of = np.where(self.cont, -1, index[side.nxt])
        if (~self.cont & (self.start_of < 0)).any():  # pragma: no cover - a rules change
            raise ValueError("a drive ends in a state that is no drive start")
        F = len(starts)
        rows, cols = np.nonzero(self.cont)
        p_cont = sparse.csr_matrix((probs[rows, cols], (rows, side.nxt[rows, cols])), shape=(S, S))
        rows, cols = np.nonzero(~self.cont)
        klass = self.kind[rows, cols] * F + self.start_of[rows, cols]
        z = sparse.csr_matrix((probs[rows, cols], (rows, klass)), shape=(S, 3 * F)).toarray()
        absorbed = z.copy()
        for _ in range(rules.downs_to_convert + rules.score_downs + 2):
            z = p_cont @ z
            absorbed += z
        self.ends = absorbed[starts].reshape(F, 3, F)  # [start, how, next start]
        tries = side.try_choice
        self.tries = [(k, tries[str(k)]["p"]) for k in (rules.pat1_points, rules.pat2_points)]
        self.td, self.safety = rules.td_points, rules.safety_points


class WinModel:
    """WP for our offense (`ours`) against the other team's (`theirs`: the same model for
    a team-neutral game), both EP models solved on the same rules."""

    def __init__(self, ours: EPModel, theirs: EPModel | None = None):
        theirs = theirs or ours
        if ours.grid.size != theirs.grid.size:
            raise ValueError("both offenses need the same rules")
        self.ours, self.rules, self.grid = ours, ours.rules, ours.grid
        ends = set()
        for model in (ours, theirs):
            ev = model.side.event
            ends |= set(np.unique(model.side.nxt[ev != CONTINUE]).tolist())
        self.starts = np.array(sorted(ends | {int(self.grid.start)}), dtype=np.int64)
        self.us, self.them = _Drives(ours, self.starts), _Drives(theirs, self.starts)
        self.margins = np.arange(-MAX_MARGIN, MAX_MARGIN + 1)
        self._ours_next = {}  # drives after → WP of the game once our drive ends [M, F]

    # -- the game after a drive -------------------------------------------------------
    def _shift(self, values: np.ndarray, points: int) -> np.ndarray:
        """values[m + points] along the margin axis, clipped at the ends."""
        idx = np.clip(np.arange(len(self.margins)) + points, 0, len(self.margins) - 1)
        return values[idx]

    def _after_score(self, after: np.ndarray, drives: _Drives, sign: int) -> np.ndarray:
        """WP after a touchdown of `drives`' offense (sign +1: ours, -1: theirs), the try
        chosen by that offense for its own chance to win: [M, F]."""
        options = [
            p * self._shift(after, sign * (drives.td + k))
            + (1 - p) * self._shift(after, sign * drives.td)
            for k, p in drives.tries
        ]
        stack = np.stack(options)
        return stack.max(axis=0) if sign > 0 else stack.min(axis=0)

    def _drive_value(self, after: np.ndarray, drives: _Drives, sign: int) -> np.ndarray:
        """Our WP when `drives`' offense starts a drive at each start spot: [M, F]."""
        by_how = (
            after,
            self._after_score(after, drives, sign),
            self._shift(after, -sign * drives.safety),
        )
        # ends[f, how, f2] × by_how[how][m, f2] summed over how and f2
        return sum(by_how[h] @ drives.ends[:, h, :].T for h in range(3))

    def after_our_drive(self, drives_after: int) -> np.ndarray:
        """Our WP once our drive has ended, by margin and where they start: [M, F]."""
        if not 0 <= drives_after <= MAX_DRIVES_AFTER:
            raise ValueError(f"drives after this one: 0 to {MAX_DRIVES_AFTER}")
        if drives_after not in self._ours_next:
            F = len(self.starts)
            value = np.repeat(_win(self.margins)[:, None], F, axis=1)  # nothing after
            for n in range(drives_after):  # from the last drive back to the next one
                mover = (self.them, -1) if (drives_after - 1 - n) % 2 == 0 else (self.us, +1)
                value = self._drive_value(value, *mover)
            self._ours_next[drives_after] = value
        return self._ours_next[drives_after]

    # -- this drive ---------------------------------------------------------------------
    def solve_drive(self, margin: int, drives_after: int):
        """WP of every state of our drive at `margin` with `drives_after` drives after it,
        with WP-best calls (V) and with the EP caller's calls (V_ep); W[s, b] is the
        value of each outcome bin."""
        if not -MAX_MARGIN <= margin <= MAX_MARGIN:
            raise ValueError(f"the margin: {-MAX_MARGIN} to {MAX_MARGIN} points")
        after = self.after_our_drive(drives_after)
        m = margin + MAX_MARGIN
        us, side = self.us, self.ours.side
        col = np.where(us.start_of < 0, 0, us.start_of)
        scored = self._after_score(after, us, +1)
        terminal = np.select(
            [us.kind == SCORE, us.kind == SAFETY_],
            [scored[m][col], self._shift(after, -us.safety)[m][col]],
            default=after[m][col],
        )
        S = self.grid.size
        best_play = self.ours.best_play
        V, V_ep = np.zeros(S), np.zeros(S)
        for _ in range(self.rules.downs_to_convert + self.rules.score_downs + 2):
            W = np.where(us.cont, V[side.nxt], terminal)
            W_ep = np.where(us.cont, V_ep[side.nxt], terminal)
            V = _q_mix(side, W).max(axis=0)
            V_ep = _q_mix(side, W_ep)[best_play, np.arange(S)]
        W = np.where(us.cont, V[side.nxt], terminal)
        return V, V_ep, W


def late_game(
    model: EPModel,
    down: int,
    distance: float,
    ytg: float,
    margin: int,
    drives_after: int,
    defense: str | None = None,
    theirs: EPModel | None = None,
) -> dict:
    """Plays ranked by the chance to win from the situation, against the mix or one
    known defense, beside the expected-points answer."""
    wins = WinModel(model, theirs)
    _, V_ep, W = wins.solve_drive(margin, drives_after)
    s = model.state(down, distance, ytg)
    c = int(model.side.cells[s])
    if defense is None:
        hist = model.side.mix[:, c, :]
        epa = model.epa_mix(s)
    else:
        if defense not in model.defenses:
            raise ValueError(f"unknown defense {defense!r}")
        d = model.defenses.index(defense)
        hist = model.side.hist[:, d, c, :]
        epa = model.epa_matrix(s)[:, d]
    wp = hist @ W[s]
    order = np.argsort(-wp, kind="stable")
    best, ep_best = int(order[0]), int(np.argmax(epa))
    rows = [
        {
            "play": model.plays[int(p)],
            "win_probability": round(float(wp[p]), 4),
            "epa": round(float(epa[p]), 3),
        }
        for p in order
    ]
    where = situation_text(model.rules.L, down, round(distance), round(ytg))
    return {
        "margin": int(margin),
        "drives_after": int(drives_after),
        "situation_text": where,
        "best_play": model.plays[best],
        "win_probability": round(float(wp[best]), 4),
        "ep_best_play": model.plays[ep_best],
        "win_probability_of_ep_best": round(float(wp[ep_best]), 4),
        "win_probability_now_with_ep_calls": round(float(V_ep[s]), 4),
        "rows": rows,
        "score_text": score_text(margin, drives_after),
    }


def score_text(margin: int, drives_after: int) -> str:
    """ "down 4, 1 drive after this one" in a coach's words."""
    score = "tied" if margin == 0 else f"{'up' if margin > 0 else 'down'} {abs(margin)}"
    after = {0: "the last drive of the game", 1: "one drive after this one (theirs)"}
    return f"{score}, {after.get(drives_after, f'{drives_after} drives after this one')}"
