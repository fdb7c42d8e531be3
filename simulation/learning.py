"""Multi-armed bandits for play calling (docs/policies.md). Pure Python + NumPy, no Django.

Each arm is a play; a pull simulates a batch of episodes of that play and feeds every
episode's reward to the arm (a batched round: the algorithm decides once per batch,
using the statistics of every episode seen so far, exactly as the declared algorithm
would with that batch treated as one pull of many observations).

Algorithms (all take a numpy Generator for their own randomness, so a seed fixes them):

- UCB1: untried arms first, then argmax mean + c·sqrt(ln N / n) with N all episodes and
  n the arm's episodes. c defaults to sqrt(2) × the reward range (UCB1 assumes rewards in
  [0, 1]; scaling c by the range is the same rule on the reward's own scale).
- Thompson sampling on a Normal model: each arm's mean has a Normal posterior (see
  `posterior`); draw one value per arm, play the largest.
- ε-greedy: with probability ε a uniformly random arm, else the best mean (untried
  arms first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The engine's reward (yards clipped to [-5, 25], +10 converted, -5 sack, -10
# interception) lies in [-15, 35].
REWARD_MIN = -15.0
REWARD_MAX = 35.0
REWARD_RANGE = REWARD_MAX - REWARD_MIN

UCB1, THOMPSON, EPSILON_GREEDY = "ucb1", "thompson", "epsilon_greedy"
ALGORITHMS = (UCB1, THOMPSON, EPSILON_GREEDY)
# One default for the API, the admin and the services: Thompson sampling, whose Normal
# posterior is also what the recommendation's intervals and confidence are drawn from, and
# which takes no parameter to tune (docs/policies.md).
DEFAULT_ALGORITHM = THOMPSON
DEFAULT_EPSILON = 0.1
CONFIDENCE_DRAWS = 20_000
CONFIDENCE_SEED = 20_240_601
Z95 = 1.959963984540054


def default_c(reward_range: float = REWARD_RANGE) -> float:
    return math.sqrt(2.0) * reward_range


@dataclass
class ArmStats:
    """Running statistics of one arm: Welford/Chan mean and M2, yards, successes."""

    pulls: int = 0  # episodes
    rounds: int = 0  # batches (decisions)
    mean: float = 0.0
    m2: float = 0.0
    yards_sum: float = 0.0
    successes: int = 0

    def update(self, rewards, yards=None, successes=None) -> None:
        rewards = np.asarray(rewards, dtype=np.float64)
        n = int(rewards.size)
        if n == 0:
            return
        batch_mean = float(rewards.mean())
        batch_m2 = float(((rewards - batch_mean) ** 2).sum())
        total = self.pulls + n
        delta = batch_mean - self.mean
        self.mean += delta * n / total
        self.m2 += batch_m2 + delta * delta * self.pulls * n / total
        self.pulls = total
        self.rounds += 1
        if yards is not None:
            self.yards_sum += float(np.asarray(yards, dtype=np.float64).sum())
        if successes is not None:
            self.successes += int(np.asarray(successes).sum())

    @property
    def variance(self) -> float:
        return self.m2 / (self.pulls - 1) if self.pulls > 1 else 0.0

    @property
    def mean_yards(self) -> float:
        return self.yards_sum / self.pulls if self.pulls else 0.0

    @property
    def success_rate(self) -> float:
        return self.successes / self.pulls if self.pulls else 0.0

    def to_dict(self) -> dict:
        return {
            "pulls": self.pulls,
            "rounds": self.rounds,
            "mean_reward": self.mean,
            "m2": self.m2,
            "variance": self.variance,
            "yards_sum": self.yards_sum,
            "mean_yards": self.mean_yards,
            "successes": self.successes,
            "success_rate": self.success_rate,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ArmStats:
        return cls(
            pulls=int(data["pulls"]),
            rounds=int(data.get("rounds", 0)),
            mean=float(data["mean_reward"]),
            m2=float(data["m2"]),
            yards_sum=float(data["yards_sum"]),
            successes=int(data["successes"]),
        )


def posterior(arm: ArmStats, reward_range: float = REWARD_RANGE) -> tuple[float, float]:
    """Normal posterior (mean, sd) of an arm's expected reward.

    Weak prior: mean ~ N(0, reward_range²); the noise variance is the sample variance
    shrunk by one pseudo-observation of (reward_range / 4)². With n episodes this is
    mean ≈ sample mean, sd ≈ sample sd / sqrt(n)."""
    prior_var = reward_range**2
    noise_var = (arm.m2 + (reward_range / 4.0) ** 2) / (arm.pulls + 1)
    precision = 1.0 / prior_var + arm.pulls / noise_var
    mean = (arm.pulls * arm.mean / noise_var) / precision
    return mean, math.sqrt(1.0 / precision)


class Bandit:
    """One bandit problem: `select(rng)` names an arm, `update(arm, …)` feeds it."""

    def __init__(
        self,
        n_arms: int,
        algorithm: str = UCB1,
        *,
        c: float | None = None,
        epsilon: float = DEFAULT_EPSILON,
        reward_range: float = REWARD_RANGE,
        arms: list[ArmStats] | None = None,
    ):
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {algorithm!r}; one of {', '.join(ALGORITHMS)}")
        if n_arms < 1:
            raise ValueError("at least one arm")
        if not 0.0 <= epsilon <= 1.0:
            raise ValueError("epsilon must be between 0 and 1")
        self.algorithm = algorithm
        self.reward_range = reward_range
        self.c = default_c(reward_range) if c is None else float(c)
        self.epsilon = epsilon
        self.arms = arms if arms is not None else [ArmStats() for _ in range(n_arms)]
        if len(self.arms) != n_arms:
            raise ValueError("one ArmStats per arm")

    @property
    def total_pulls(self) -> int:
        return sum(a.pulls for a in self.arms)

    def means(self) -> np.ndarray:
        return np.array([a.mean for a in self.arms])

    def best_arm(self) -> int:
        """The arm with the highest mean among the tried ones (first on ties)."""
        tried = [i for i, a in enumerate(self.arms) if a.pulls]
        if not tried:
            return 0
        return max(tried, key=lambda i: self.arms[i].mean)

    def select(self, rng: np.random.Generator) -> int:
        untried = [i for i, a in enumerate(self.arms) if a.pulls == 0]
        if self.algorithm == THOMPSON:
            draws = [
                rng.normal(*posterior(a, self.reward_range)) for a in self.arms
            ]  # one draw per arm, in arm order, every round
            return int(np.argmax(draws))
        if self.algorithm == EPSILON_GREEDY:
            explore = rng.random() < self.epsilon
            if explore:
                return int(rng.integers(len(self.arms)))
            return untried[0] if untried else int(np.argmax(self.means()))
        if untried:
            return untried[0]
        n = np.array([a.pulls for a in self.arms], dtype=np.float64)
        scores = self.means() + self.c * np.sqrt(math.log(n.sum()) / n)
        return int(np.argmax(scores))

    def update(self, arm: int, rewards, yards=None, successes=None) -> None:
        self.arms[arm].update(rewards, yards, successes)


def recommend(
    arms: list[ArmStats],
    reward_range: float = REWARD_RANGE,
    *,
    draws: int = CONFIDENCE_DRAWS,
    seed: int = CONFIDENCE_SEED,
) -> dict:
    """Rank arms by expected reward (tried arms by their mean, untried ones last).

    Returns {"order": [arm indices], "intervals": [(lo, hi) or None per arm],
    "confidence": P(the top arm is truly best) or None}. The interval is the 95 %
    interval of the arm's Normal posterior; confidence is estimated by drawing every
    arm's posterior `draws` times with a fixed seed (the same stats give the same
    number) and counting how often the top arm's draw is the largest, over the tried
    arms only."""
    if not arms:
        return {"order": [], "intervals": [], "confidence": None}
    tried = [i for i, a in enumerate(arms) if a.pulls]
    untried = [i for i, a in enumerate(arms) if not a.pulls]
    order = sorted(tried, key=lambda i: (-arms[i].mean, i)) + untried
    posts = [posterior(a, reward_range) for a in arms]
    intervals = [
        (m - Z95 * s, m + Z95 * s) if arms[i].pulls else None for i, (m, s) in enumerate(posts)
    ]
    if not tried:
        return {"order": order, "intervals": intervals, "confidence": None}
    if len(tried) == 1:
        return {"order": order, "intervals": intervals, "confidence": 1.0}
    # Only arms with data are candidates: an untried arm's posterior is the prior, and
    # a prior is no evidence that a play is better.
    rng = np.random.default_rng(seed)
    mu = np.array([posts[i][0] for i in tried])
    sd = np.array([posts[i][1] for i in tried])
    samples = rng.standard_normal((draws, len(tried))) * sd + mu
    top = tried.index(order[0])
    confidence = float(np.mean(np.argmax(samples, axis=1) == top))
    return {"order": order, "intervals": intervals, "confidence": confidence}
