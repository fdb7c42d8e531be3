"""Expected points from sampled play transitions, solved on the state grid.

EP(s) = max over our plays of E_defense-mix[ points of the snap + EP(next) ], where the
next value is ours while the drive goes on and minus the other team's EP of the state it
gets the ball in after a score, a turnover or a safety. EP is team-neutral: the other
team's EP is valued like our own (between two unequal teams an endless alternating game
has no stationary EP — the margin drifts by the difference of their drives every
possession — so no fixed point exists). The Bellman map is non-expansive, not a
contraction (every drive hands the ball over, so the weights on the values add up to
one), so plain value iteration can oscillate; the averaged iteration V ← (V + T V)/2
(Krasnosel'skii–Mann) converges to its fixed point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.drives.rules import (
    CONTINUE,
    EVENT_NAMES,
    GAIN,
    PICK,
    TD,
    TOUCHDOWN,
    DriveRules,
    Grid,
    advance,
)
from simulation.drives.transitions import TransitionTable

TOLERANCE = 1e-9  # points; the figures are shown to 0.01
MAX_ITERATIONS = 5000


def try_success(table: TransitionTable, hist: np.ndarray, distance: float) -> np.ndarray:
    """P(score) of each play × defense on a try from `distance` yards: [P, D]."""
    c = int(table.cell_of(round(distance)))
    scores = (table.bin_kind == TOUCHDOWN) | (
        (table.bin_kind == GAIN) & (table.bin_value >= round(distance))
    )
    return hist[:, :, c, :] @ scores.astype(np.float64)


@dataclass
class Side:
    """One offense against the other team's defense mix, prepared for the solver."""

    table: TransitionTable
    weights: np.ndarray  # the defense mix [D]
    grid: Grid
    hist: np.ndarray  # [P, D, C, B]
    mix: np.ndarray  # [P, C, B]
    event: np.ndarray  # [S, B]
    nxt: np.ndarray  # [S, B]
    points: np.ndarray  # [S, B] points for minus against, try included for a TD
    cells: np.ndarray  # [S] the cell each state uses
    cell_states: list  # per cell: the states that use it
    try_value: float
    try_choice: dict


def prepare_side(table: TransitionTable, weights, rules: DriveRules, grid: Grid) -> Side:
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (len(table.defenses),) or weights.min() < 0 or weights.sum() <= 0:
        raise ValueError("one non-negative weight per defense needed")
    weights = weights / weights.sum()
    hist = table.histogram()
    mix = np.einsum("pdcb,d->pcb", hist, weights)
    state = np.arange(grid.size)[:, None]
    event, nxt, pf, pa = advance(rules, grid, state, table.bin_kind[None, :], table.bin_value)
    # The caller's best play for each try against the mix, and the better try.
    choice = {}
    for points, distance in (
        (rules.pat1_points, rules.pat1_distance),
        (rules.pat2_points, rules.pat2_distance),
    ):
        p_score = try_success(table, hist, distance) @ weights
        best = int(np.argmax(p_score))
        choice[points] = {"distance": distance, "play": best, "p": float(p_score[best])}
    try_points = max(choice, key=lambda k: (k * choice[k]["p"], -k))
    try_value = try_points * choice[try_points]["p"]
    points = pf.astype(np.float64) - pa + np.where(event == TD, try_value, 0.0)
    cells = table.state_cells(rules, grid)
    cell_states = [np.nonzero(cells == c)[0] for c in range(table.n_cells)]
    return Side(
        table,
        weights,
        grid,
        hist,
        mix,
        event,
        nxt,
        points,
        cells,
        cell_states,
        try_value,
        {"points": try_points, **{str(k): v for k, v in choice.items()}},
    )


def _continuation(side: Side, V: np.ndarray) -> np.ndarray:
    """W[s, b]: points of the bin plus the value of where it leaves the ball — ours while
    the drive goes on, minus the other team's (valued like ours) once it has the ball."""
    own = side.event == CONTINUE
    return side.points + np.where(own, 1.0, -1.0) * V[side.nxt]


def _q_mix(side: Side, W: np.ndarray) -> np.ndarray:
    # einsum, not BLAS: these products are small, and BLAS threads only fight each other.
    Q = np.empty((side.mix.shape[0], side.grid.size))
    for c, states in enumerate(side.cell_states):
        if states.size:
            Q[:, states] = np.einsum("pb,sb->ps", side.mix[:, c, :], W[states])
    return Q


CALLERS = ("best", "average")


def solve(side: Side, caller: str = "best") -> tuple[np.ndarray, int]:
    """The fixed point of the side's EP; returns (V, iterations).
    caller "best": the offense calls its best play against the mix (value iteration);
    "average": every play of the playbook equally often (an analyst's average caller,
    against whom the better calls have positive EPA)."""
    if caller not in CALLERS:
        raise ValueError(f"caller {caller!r}: one of {', '.join(CALLERS)}")
    pick = (lambda q: q.max(axis=0)) if caller == "best" else (lambda q: q.mean(axis=0))
    V = np.zeros(side.grid.size)
    iteration = 0
    while iteration < MAX_ITERATIONS:
        iteration += 1
        TV = pick(_q_mix(side, _continuation(side, V)))
        if np.max(np.abs(TV - V)) < TOLERANCE:
            return TV, iteration
        V = 0.5 * (V + TV)
    raise RuntimeError("expected points did not converge")


class EPModel:
    """Expected points of one offense (against the other team's defense mix), with the
    per-play and per-defense action values behind them."""

    def __init__(self, side: Side, V, W, rules: DriveRules, iterations, caller="best"):
        self.side, self.V, self.W, self.rules, self.iterations = side, V, W, rules, iterations
        self.caller = caller
        self.grid = side.grid
        self.table = side.table
        self.plays = side.table.plays
        self.defenses = side.table.defenses
        self.weights = side.weights
        self.q_mix = _q_mix(side, W)  # [P, S]
        P, D = len(self.plays), len(self.defenses)
        self.q_def = np.empty((P, D, self.grid.size))
        for c, states in enumerate(side.cell_states):
            if states.size:
                hist = side.hist[:, :, c, :]
                self.q_def[:, :, states] = np.einsum("pdb,sb->pds", hist, W[states])
        self.best_play = np.argmax(self.q_mix, axis=0)

    # -- lookups -------------------------------------------------------------------
    def state(self, down: int, distance: float, ytg: float) -> int:
        return self.grid.find(down, distance, ytg)

    def ep(self, down: int, distance: float, ytg: float) -> float:
        return float(self.V[self.state(down, distance, ytg)])

    def epa_mix(self, s: int) -> np.ndarray:
        """EPA of each play against the defense mix at state s."""
        return self.q_mix[:, s] - self.V[s]

    def epa_matrix(self, s: int) -> np.ndarray:
        """EPA of each play × defense at state s (the call game's payoffs)."""
        return self.q_def[:, :, s] - self.V[s]

    def outcome_epa(self, s: int) -> np.ndarray:
        """EPA of each outcome bin at state s."""
        return self.W[s] - self.V[s]

    def success_rate(self, s: int, defense: int | None = None) -> np.ndarray:
        """P(EPA > 0) per play at s, against the mix or one defense."""
        c = int(self.side.cells[s])
        good = (self.outcome_epa(s) > 0).astype(np.float64)
        hist = self.side.mix[:, c, :] if defense is None else self.side.hist[:, defense, c, :]
        return hist @ good

    # -- per-drive figures under the best caller -------------------------------------
    def drive_expectations(self, policy: np.ndarray | None = None) -> dict:
        """From every state, under a caller (state → play probabilities, default: the
        caller EP was solved for) against the mix: this drive's expected points, P(TD),
        P(INT), P(safety), P(turnover on downs), and the expected number of snaps."""
        S = self.grid.size
        if policy is None and self.caller == "average":
            policy = np.full((S, len(self.plays)), 1.0 / len(self.plays))
        elif policy is None:
            policy = np.zeros((S, len(self.plays)))
            policy[np.arange(S), self.best_play] = 1.0
        cells = self.side.cells
        probs = np.einsum("sp,spb->sb", policy, self.side.mix[:, cells, :].transpose(1, 0, 2))
        ev = self.side.event
        own = ev == CONTINUE
        rewards = {
            "points": np.where(own, 0.0, self.side.points),
            "td": (ev == TD).astype(np.float64),
            "interception": (ev == PICK).astype(np.float64),
            "safety": (ev == EVENT_NAMES.index("SAFETY")).astype(np.float64),
            "downs": (ev == EVENT_NAMES.index("DOWNS")).astype(np.float64),
            "snaps": np.ones(ev.shape),
        }
        nxt = np.where(own, self.side.nxt, 0)
        out = {}
        for name, r in rewards.items():
            X = np.zeros(S)
            # The drive is acyclic (each snap uses a down or moves the line to gain), so
            # this settles exactly within the longest possible drive.
            for _ in range(self.rules.downs_to_convert + self.rules.score_downs + 2):
                X = (probs * (r + np.where(own, X[nxt], 0.0))).sum(axis=1)
            out[name] = X
        return out

    def table_rows(self, yardlines=None) -> list[dict]:
        """EP by down at the rule's distance for each yard line (a series' distance: the
        line to gain is a fixed spot, so down and yard line give the distance)."""
        L = self.rules.L
        if yardlines is None:
            yardlines = sorted(
                {L, self.rules.start_ytg, *range(5 * (L // 5), 0, -5), 3, 1}, reverse=True
            )
        rows = []
        for y in yardlines:
            dist = int(self.rules.first_down(y))
            downs = int(self.rules.series_downs(dist, y))
            rows.append(
                {
                    "yards_to_goal": int(y),
                    "distance": dist,
                    "ep": [round(self.ep(n, dist, y), 3) for n in range(1, downs + 1)],
                    "best_play_1st": self.plays[int(self.best_play[self.state(1, dist, y)])],
                }
            )
        return rows


def solve_ep(table: TransitionTable, weights, rules: DriveRules, caller: str = "best") -> EPModel:
    """EP of `table`'s offense against `weights` over its defenses (team-neutral: the
    other team's EP is valued like ours)."""
    side = prepare_side(table, weights, rules, Grid(rules))
    V, iterations = solve(side, caller)
    return EPModel(side, V, _continuation(side, V), rules, iterations, caller)
