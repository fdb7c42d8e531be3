"""Real snaps correct the simulation (pure Python, no Django).

The simulated success rate p of a play against a defense is a Beta prior worth `n0`
snaps: Beta(n0·p, n0·(1−p)). `s` successes in `n` real snaps give the posterior
Beta(n0·p + s, n0·(1−p) + n − s), whose mean

    combined = (n0·p + s) / (n0 + n)

is the figure shown next to the simulated and the real one. With n0 = 10 three real
snaps move the estimate by at most 3/13 of the gap, thirty real snaps carry 75 % of
the weight.

A play is flagged when the real results disagree with the simulation beyond chance:
the exact two-sided binomial test of s successes in n snaps against p (the
probability of an outcome at most as likely as the one seen) is below `alpha`
(0.05). Too few snaps never flag.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

N0 = 10.0
ALPHA = 0.05


@dataclass(frozen=True)
class Combined:
    simulated: float
    n0: float
    real_n: int
    real_successes: int
    alpha: float  # posterior Beta parameters
    beta: float

    @property
    def mean(self):
        return self.alpha / (self.alpha + self.beta)

    @property
    def sd(self):
        a, b = self.alpha, self.beta
        return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    @property
    def real_rate(self):
        return self.real_successes / self.real_n if self.real_n else None

    @property
    def p_value(self):
        return binomial_test(self.real_successes, self.real_n, self.simulated)

    def disagrees(self, alpha=ALPHA):
        return self.real_n > 0 and self.p_value < alpha


def combine(simulated: float, successes: int, n: int, n0: float = N0) -> Combined:
    if not 0.0 <= simulated <= 1.0:
        raise ValueError("the simulated rate is a probability")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    # A prior of exactly 0 or 1 would make any contrary snap impossible: keep it open
    # by half a pseudo-snap, which changes the mean by less than 1/(2·(n0+n)).
    a = max(n0 * simulated, 0.5)
    b = max(n0 * (1.0 - simulated), 0.5)
    return Combined(simulated, n0, n, successes, a + successes, b + n - successes)


def binomial_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 1.0 if k == 0 else 0.0
    if p >= 1.0:
        return 1.0 if k == n else 0.0
    return math.comb(n, k) * p**k * (1.0 - p) ** (n - k)


def binomial_test(k: int, n: int, p: float) -> float:
    """Exact two-sided p-value: the probability of every outcome no more likely than k
    (the rule R's binom.test and SciPy use, with the same relative tolerance)."""
    if n == 0:
        return 1.0
    seen = binomial_pmf(k, n, p)
    total = sum(q for i in range(n + 1) if (q := binomial_pmf(i, n, p)) <= seen * (1 + 1e-7))
    return min(1.0, total)


def entropy(counts) -> float:
    """Shannon entropy in bits of a call distribution (0: always the same call)."""
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts if c) if total else 0.0


def predictability(calls) -> dict:
    """For a list of calls in one situation: n, the most common call, its share, the
    entropy in bits and the entropy as a share of the most it could be (log2 of the
    number of different calls)."""
    counts = Counter(calls)
    n = sum(counts.values())
    if not n:
        return {"n": 0, "top_call": None, "top_share": None, "entropy": None, "evenness": None}
    top, top_n = min(counts.items(), key=lambda item: (-item[1], str(item[0])))
    h = entropy(counts.values())
    most = math.log2(len(counts)) if len(counts) > 1 else 0.0
    return {
        "n": n,
        "top_call": top,
        "top_share": top_n / n,
        "entropy": h,
        "evenness": h / most if most else 0.0,
    }
