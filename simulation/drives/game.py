"""Games: N drives a team, both offenses against the other's defense, vectorised across
games. Each game draws its random numbers from its own stream, SeedSequence([seed, game]),
a fixed block per snap, so a game's course depends only on (seed, its index) — not on how
many games run beside it.

Callers (who picks our play) and defensive coordinators (who picks theirs) work on
arrays of games at once; the adaptive coordinators keep their memory per game.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np

from simulation.drives.calls import solve_game
from simulation.drives.ep import EPModel
from simulation.drives.rules import (
    CONTINUE,
    GAIN,
    SAFETY,
    TD,
    TOUCHDOWN,
    DriveRules,
)

# Uniforms per snap: play, defense, outcome sample, try play/defense/outcome, spare.
DRAWS_PER_SNAP = 8
BUCKETS = ("GOALLINE", "REDZONE", "1ST_ANY", "2ND_SHORT", "2ND_LONG", "3RD_SHORT", "3RD_LONG")
SHORT_YARDS = 3


def buckets(rules: DriveRules, down, distance, ytg) -> np.ndarray:
    """The situation buckets the trained policies use (index into BUCKETS): goal line
    ≤ 5 yd, red zone ≤ 10, else by down; the series' last down counts as 3rd; short is
    ≤ 3 yd to go."""
    down, distance, ytg = (np.asarray(a) for a in (down, distance, ytg))
    last = down >= np.minimum(3, rules.series_downs(distance, ytg))
    short = distance <= SHORT_YARDS
    k = np.where(down <= 1, 2, np.where(last, np.where(short, 5, 6), np.where(short, 3, 4)))
    k = np.where(ytg <= 10, 1, k)
    return np.where(ytg <= 5, 0, k).astype(np.int8)


# -- callers -------------------------------------------------------------------------
class Caller(abc.ABC):
    """State indices → play probabilities [n, P]; each caller says how it chooses."""

    name = "caller"

    def __init__(self, model: EPModel):
        self.model = model

    @abc.abstractmethod
    def probs(self, states: np.ndarray) -> np.ndarray: ...


class BestCaller(Caller):
    """Always the play with the best EPA against the scouted mix, at each exact state."""

    name = "best"

    def probs(self, states):
        P = len(self.model.plays)
        out = np.zeros((len(states), P))
        out[np.arange(len(states)), self.model.best_play[states]] = 1.0
        return out


class EquilibriumCaller(Caller):
    """The minimax mix of the state's plays × defenses game (solved when first needed)."""

    name = "equilibrium"

    def __init__(self, model):
        super().__init__(model)
        self._mix = {}

    def mix(self, s: int) -> np.ndarray:
        if s not in self._mix:
            self._mix[s] = solve_game(self.model.epa_matrix(s))[0]
        return self._mix[s]

    def probs(self, states):
        rows = [self.mix(int(s)) for s in states]
        return np.array(rows).reshape(len(states), len(self.model.plays))


class GreedyBucketCaller(Caller):
    """A trained per-bucket policy's stand-in: in each bucket the one play with the best
    mean EPA against the mix over the bucket's states on the rule's path (the down and
    distance a drive can be in at each yard line)."""

    name = "greedy"

    def __init__(self, model):
        super().__init__(model)
        g, rules = model.grid, model.rules
        on_path = g.distance == rules.first_down(g.ytg)
        k = buckets(rules, g.down, g.distance, g.ytg)
        epa = model.q_mix - model.V[None, :]
        self.by_bucket = np.zeros(len(BUCKETS), dtype=np.int64)
        for b in range(len(BUCKETS)):
            sel = on_path & (k == b)
            if not sel.any():
                sel = k == b
            if sel.any():
                self.by_bucket[b] = int(np.argmax(epa[:, sel].mean(axis=1)))
        self.bucket_of = k

    def probs(self, states):
        out = np.zeros((len(states), len(self.model.plays)))
        out[np.arange(len(states)), self.by_bucket[self.bucket_of[states]]] = 1.0
        return out


class PolicyCaller(Caller):
    """A given table: state → play probabilities [S, P] (e.g. a trained policy mapped
    onto the grid)."""

    name = "policy"

    def __init__(self, model, table):
        super().__init__(model)
        table = np.asarray(table, dtype=np.float64)
        if table.shape != (model.grid.size, len(model.plays)) or (table < 0).any():
            raise ValueError("one row of play probabilities per state needed")
        self.table = table / table.sum(axis=1, keepdims=True)

    def probs(self, states):
        return self.table[states]


CALLERS = {"best": BestCaller, "equilibrium": EquilibriumCaller, "greedy": GreedyBucketCaller}


def make_caller(kind, model: EPModel) -> Caller:
    if isinstance(kind, Caller):
        return kind
    if kind not in CALLERS:
        raise ValueError(f"caller {kind!r}: one of {', '.join(CALLERS)}")
    return CALLERS[kind](model)


# -- defensive coordinators ----------------------------------------------------------
class Coordinator:
    """Picks the defense for an array of games; `observe` sees each snap afterwards."""

    name = "mix"
    adaptive = False

    def __init__(self, model: EPModel, n_games: int):
        self.model = model
        self.cum = np.cumsum(model.weights)

    def pick(self, games, states, u) -> np.ndarray:
        return np.minimum(
            np.searchsorted(self.cum, u * self.cum[-1], side="right"), len(self.cum) - 1
        )

    def observe(self, games, states, plays, defenses, epa):
        pass


class FictitiousPlayCoordinator(Coordinator):
    """Counts our calls by situation bucket during the game and answers with the defense
    that gives up the least EPA against those frequencies (he knows the matchups: the
    scouting report is the EPA of every play × defense at the state)."""

    name = "fictitious"
    adaptive = True
    PRIOR = 1.0  # one imagined call of each play per bucket before the game

    def __init__(self, model, n_games):
        super().__init__(model, n_games)
        P = len(model.plays)
        self.counts = np.full((n_games, len(BUCKETS), P), self.PRIOR)
        g = model.grid
        self.bucket_of = buckets(model.rules, g.down, g.distance, g.ytg)

    def pick(self, games, states, u):
        belief = self.counts[games, self.bucket_of[states]]
        belief = belief / belief.sum(axis=1, keepdims=True)
        payoff = self.model.q_def[:, :, states]  # [P, D, n]
        expected = np.einsum("np,pdn->nd", belief, payoff)
        return np.argmin(expected, axis=1)

    def observe(self, games, states, plays, defenses, epa):
        np.add.at(self.counts, (games, self.bucket_of[states], plays), 1.0)


class BanditCoordinator(Coordinator):
    """ε-greedy over his defenses per situation bucket, on the EPA each one gave up in
    this game (he knows nothing before the game; every defense is tried first)."""

    name = "bandit"
    adaptive = True
    EPSILON = 0.1

    def __init__(self, model, n_games):
        super().__init__(model, n_games)
        D = len(model.defenses)
        self.sums = np.zeros((n_games, len(BUCKETS), D))
        self.n = np.zeros((n_games, len(BUCKETS), D))
        g = model.grid
        self.bucket_of = buckets(model.rules, g.down, g.distance, g.ytg)

    def pick(self, games, states, u):
        k = self.bucket_of[states]
        n = self.n[games, k]
        mean = np.where(n > 0, self.sums[games, k] / np.maximum(n, 1), -np.inf)
        greedy = np.argmin(mean, axis=1)
        D = n.shape[1]
        explore = u < self.EPSILON
        random_pick = np.minimum((u / self.EPSILON * D).astype(np.int64), D - 1)
        return np.where(explore, random_pick, greedy)

    def observe(self, games, states, plays, defenses, epa):
        k = self.bucket_of[states]
        np.add.at(self.sums, (games, k, defenses), epa)
        np.add.at(self.n, (games, k, defenses), 1.0)


COORDINATORS = {
    "mix": Coordinator,
    "fictitious": FictitiousPlayCoordinator,
    "bandit": BanditCoordinator,
}


# -- the games -----------------------------------------------------------------------
@dataclass
class GameResult:
    """Every snap (`snaps`, columns of equal length) and every drive (`drives`) of the
    games, plus the final scores [G, 2]."""

    teams: tuple[str, str]
    models: tuple[EPModel, EPModel]
    scores: np.ndarray
    snaps: dict
    drives: dict
    drives_per_team: int
    seed: int
    callers: tuple[str, str]
    coordinators: tuple[str, str]

    @property
    def n_games(self) -> int:
        return int(self.scores.shape[0])


TRY_POLICIES = ("best", "one", "two")


def simulate_games(
    models: tuple[EPModel, EPModel],
    n_games: int,
    drives_per_team: int,
    seed: int,
    *,
    callers=("best", "best"),
    coordinators=("mix", "mix"),
    try_policy: str = "best",
    teams: tuple[str, str] = ("A", "B"),
) -> GameResult:
    """models[t]: team t's offense against the other team's defenses (their mix is in
    the model). coordinators[t] picks the defense team t's offense faces. Team 0 has the
    first drive."""
    if n_games < 1 or drives_per_team < 1:
        raise ValueError("at least one game and one drive")
    if try_policy not in TRY_POLICIES:
        raise ValueError(f"try policy {try_policy!r}: one of {', '.join(TRY_POLICIES)}")
    rules = models[0].rules
    grid = models[0].grid
    callers = [make_caller(c, m) for c, m in zip(callers, models, strict=True)]
    coords = []
    for c, m in zip(coordinators, models, strict=True):
        if c not in COORDINATORS:
            raise ValueError(f"coordinator {c!r}: one of {', '.join(COORDINATORS)}")
        coords.append(COORDINATORS[c](m, n_games))
    max_snaps = 2 * drives_per_team * (rules.downs_to_convert + rules.score_downs)
    draws = np.stack(
        [
            np.random.default_rng(np.random.SeedSequence([seed, g])).random(
                (max_snaps, DRAWS_PER_SNAP)
            )
            for g in range(n_games)
        ]
    )
    G = n_games
    offense = np.zeros(G, dtype=np.int64)
    state = np.full(G, grid.start, dtype=np.int64)
    scores = np.zeros((G, 2), dtype=np.int64)
    drives_started = np.zeros((G, 2), dtype=np.int64)
    drives_started[:, 0] = 1
    snap_in_drive = np.zeros(G, dtype=np.int64)
    drive_start = np.full(G, grid.start, dtype=np.int64)
    drive_epa = np.zeros(G)
    active = np.ones(G, dtype=bool)
    snaps_log, drives_log = [], []

    for step in range(max_snaps):
        games = np.nonzero(active)[0]
        if games.size == 0:
            break
        u = draws[games, step]
        for team in (0, 1):
            sel = offense[games] == team
            if not sel.any():
                continue
            g_idx = games[sel]
            row = _snap(
                rules,
                models[team],
                models[1 - team],
                callers[team],
                coords[team],
                g_idx,
                state[g_idx],
                u[sel],
                try_policy,
            )
            row["game"] = g_idx
            row["team"] = np.full(g_idx.size, team)
            row["drive"] = drives_started[g_idx, team] - 1
            row["snap"] = snap_in_drive[g_idx]
            snaps_log.append(row)
            drive_epa[g_idx] += row["epa"]
            snap_in_drive[g_idx] += 1
            scores[g_idx, team] += row["points_for"]
            scores[g_idx, 1 - team] += row["points_against"]
            over = row["event"] != CONTINUE
            state[g_idx] = row["next_state"]
            ended = g_idx[over]
            if ended.size:
                drives_log.append(
                    {
                        "game": ended,
                        "team": np.full(ended.size, team),
                        "drive": drives_started[ended, team] - 1,
                        "start_state": drive_start[ended],
                        "snaps": snap_in_drive[ended],
                        "event": row["event"][over],
                        "points_for": row["points_for"][over],
                        "points_against": row["points_against"][over],
                        "try_points": row["try_points"][over],
                        "epa": drive_epa[ended],
                    }
                )
                other = 1 - team
                done = drives_started[ended, other] >= drives_per_team
                active[ended[done]] = False
                going = ended[~done]
                offense[going] = other
                drives_started[going, other] += 1
                snap_in_drive[ended] = 0
                drive_start[going] = state[going]
                drive_epa[ended] = 0.0
    if active.any():
        raise RuntimeError("a game did not finish within its snaps")

    def stack(log):
        return {k: np.concatenate([r[k] for r in log]) for k in log[0]} if log else {}

    snaps = stack(snaps_log)
    order = np.lexsort((snaps["snap"], snaps["drive"], snaps["team"], snaps["game"]))
    snaps = {k: v[order] for k, v in snaps.items()}
    drives = stack(drives_log)
    order = np.lexsort((drives["team"], drives["drive"], drives["game"]))
    drives = {k: v[order] for k, v in drives.items()}
    return GameResult(
        teams=tuple(teams),
        models=tuple(models),
        scores=scores,
        snaps=snaps,
        drives=drives,
        drives_per_team=drives_per_team,
        seed=seed,
        callers=tuple(c.name for c in callers),
        coordinators=tuple(c.name for c in coords),
    )


def _try_success(table, p, d, distance, n_pick):
    c = int(table.cell_of(round(distance)))
    b = table.bins[p, d, c, n_pick]
    kind, value = table.bin_kind[b], table.bin_value[b]
    return (kind == TOUCHDOWN) | ((kind == GAIN) & (value >= round(distance)))


def _snap(rules, model, other, caller, coord, games, states, u, try_policy):
    """One snap for games where this team has the ball."""
    side, table = model.side, model.table
    n = games.size
    probs = caller.probs(states)
    cum = np.cumsum(probs, axis=1)
    plays = np.minimum((cum <= u[:, [0]] * cum[:, [-1]]).sum(axis=1), probs.shape[1] - 1)
    defenses = coord.pick(games, states, u[:, 1])
    N = table.bins.shape[3]
    pick = np.minimum((u[:, 2] * N).astype(np.int64), N - 1)
    cells = side.cells[states]
    b = table.bins[plays, defenses, cells, pick].astype(np.int64)
    event = side.event[states, b]
    nxt = side.nxt[states, b]
    pf = np.where(event == TD, rules.td_points, 0).astype(np.int64)
    pa = np.where(event == SAFETY, rules.safety_points, 0).astype(np.int64)
    # The try after a touchdown: the play that scores most often from there against the
    # mix, against a defense drawn from the mix.
    try_points = np.zeros(n, dtype=np.int64)
    scored = np.nonzero(event == TD)[0]
    if scored.size:
        if try_policy == "best":
            k = side.try_choice["points"]
        else:
            k = rules.pat1_points if try_policy == "one" else rules.pat2_points
        choice = side.try_choice[str(k)]
        mix_cum = np.cumsum(model.weights)
        d_try = np.minimum(
            np.searchsorted(mix_cum, u[scored, 4] * mix_cum[-1], side="right"), len(mix_cum) - 1
        )
        n_try = np.minimum((u[scored, 5] * N).astype(np.int64), N - 1)
        good = _try_success(table, choice["play"], d_try, choice["distance"], n_try)
        try_points[scored] = np.where(good, k, 0)
    own = event == CONTINUE
    after = np.where(own, model.V[nxt], -other.V[nxt])
    epa = pf + try_points - pa + after - model.V[states]
    coord.observe(games, states, plays, defenses, epa)
    return {
        "state": states,
        "down": model.grid.down[states],
        "distance": model.grid.distance[states],
        "ytg": model.grid.ytg[states],
        "play": plays,
        "defense": defenses,
        "kind": table.bin_kind[b],
        "value": table.bin_value[b],
        "result": table.result[plays, defenses, cells, pick],
        "event": event,
        "next_state": nxt,
        "points_for": pf + try_points,
        "points_against": pa,
        "try_points": try_points,
        "epa": epa,
    }
