"""The bandits of simulation.learning on synthetic arms with a known best arm."""

import math

import numpy as np
import pytest

from simulation import learning
from simulation.learning import ALGORITHMS, ArmStats, Bandit, recommend

MEANS = np.array([0.2, 0.35, 0.5, 0.75])  # Bernoulli arms; arm 3 is the best
BEST = int(np.argmax(MEANS))


def play_bandit(algorithm, horizon=3000, batch=1, seed=1, **params):
    bandit = Bandit(len(MEANS), algorithm, reward_range=1.0, **params)
    rng = np.random.default_rng(seed)
    env = np.random.default_rng(seed + 1000)
    regret = 0.0
    for _ in range(horizon // batch):
        arm = bandit.select(rng)
        rewards = (env.random(batch) < MEANS[arm]).astype(float)
        bandit.update(arm, rewards, yards=rewards * 10, successes=rewards > 0)
        regret += batch * (MEANS[BEST] - MEANS[arm])
    return bandit, regret


def uniform_regret(horizon):
    return horizon * (MEANS[BEST] - MEANS.mean())


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("batch", [1, 20])
def test_most_pulls_on_the_best_arm_and_less_regret_than_uniform(algorithm, batch):
    bandit, regret = play_bandit(algorithm, batch=batch)
    pulls = [a.pulls for a in bandit.arms]
    assert int(np.argmax(pulls)) == BEST
    assert pulls[BEST] > 0.5 * sum(pulls)
    assert regret < 0.5 * uniform_regret(3000)
    assert bandit.best_arm() == BEST


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_same_seed_same_choices(algorithm):
    a, regret_a = play_bandit(algorithm, horizon=500, seed=5)
    b, regret_b = play_bandit(algorithm, horizon=500, seed=5)
    assert [x.to_dict() for x in a.arms] == [x.to_dict() for x in b.arms]
    assert regret_a == regret_b


def test_ucb1_tries_every_arm_first_and_default_c_scales_with_the_range():
    bandit = Bandit(3, learning.UCB1)
    rng = np.random.default_rng(0)
    picked = []
    for _ in range(3):
        arm = bandit.select(rng)
        picked.append(arm)
        bandit.update(arm, [1.0])
    assert picked == [0, 1, 2]
    assert bandit.c == pytest.approx(math.sqrt(2) * learning.REWARD_RANGE)
    assert Bandit(2, learning.UCB1, reward_range=1.0).c == pytest.approx(math.sqrt(2))


def test_epsilon_one_is_uniform_and_zero_is_greedy():
    rng = np.random.default_rng(3)
    bandit = Bandit(4, learning.EPSILON_GREEDY, epsilon=1.0)
    for arm in range(4):
        bandit.update(arm, [float(arm)])
    counts = np.bincount([bandit.select(rng) for _ in range(4000)], minlength=4)
    assert counts.min() > 850
    greedy = Bandit(4, learning.EPSILON_GREEDY, epsilon=0.0, arms=bandit.arms)
    assert {greedy.select(rng) for _ in range(50)} == {3}


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        Bandit(3, "softmax")
    with pytest.raises(ValueError):
        Bandit(3, learning.EPSILON_GREEDY, epsilon=1.5)
    with pytest.raises(ValueError):
        Bandit(0)


def test_batched_statistics_equal_one_at_a_time():
    values = np.random.default_rng(2).normal(3.0, 4.0, 500)
    one, batched = ArmStats(), ArmStats()
    for v in values:
        one.update([v], [v], [v > 3])
    for part in np.array_split(values, 7):
        batched.update(part, part, part > 3)
    for stats in (one, batched):
        assert stats.pulls == 500
        assert stats.mean == pytest.approx(values.mean())
        assert stats.variance == pytest.approx(values.var(ddof=1))
        assert stats.mean_yards == pytest.approx(values.mean())
        assert stats.successes == int((values > 3).sum())
    assert batched.rounds == 7 and one.rounds == 500
    assert ArmStats.from_dict(batched.to_dict()).to_dict() == batched.to_dict()


def arm(mean, sd, n, seed=0):
    stats = ArmStats()
    values = np.random.default_rng(seed).normal(mean, sd, n)
    stats.update(values)
    return stats


def test_recommend_ranks_gives_intervals_and_confidence():
    arms = [arm(5.0, 10.0, 2000, 1), arm(9.0, 10.0, 2000, 2), arm(2.0, 10.0, 2000, 3)]
    result = recommend(arms)
    assert result["order"] == [1, 0, 2]
    for a, (lo, hi) in zip(arms, result["intervals"], strict=True):
        assert lo < a.mean < hi
        assert hi - lo == pytest.approx(2 * 1.96 * a.variance**0.5 / 2000**0.5, rel=0.05)
    assert result["confidence"] > 0.99
    assert recommend(arms) == result  # fixed seed: deterministic


def test_confidence_is_about_even_for_twin_arms_and_untried_arms_go_last():
    twins = [arm(5.0, 10.0, 4000, 1), arm(5.0, 10.0, 4000, 1)]
    assert 0.4 < recommend(twins)["confidence"] < 0.6
    with_untried = [ArmStats(), arm(5.0, 10.0, 100)]
    result = recommend(with_untried)
    assert result["order"] == [1, 0]
    assert result["intervals"][0] is None
    assert recommend([ArmStats(), ArmStats()])["confidence"] is None
