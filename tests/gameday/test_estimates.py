"""The simulated-vs-real arithmetic, against numbers worked out by hand."""

import math

import pytest

from gameday import estimates as est


def test_combined_is_the_beta_posterior_mean():
    # simulated 62 %, n0 = 10 → Beta(6.2, 3.8); 11 real snaps with 5 successes →
    # Beta(11.2, 9.8); mean 11.2 / 21 = 0.5333…
    c = est.combine(0.62, 5, 11)
    assert (c.alpha, c.beta) == pytest.approx((11.2, 9.8))
    assert c.mean == pytest.approx(11.2 / 21)
    assert c.real_rate == pytest.approx(5 / 11)
    # sd = sqrt(a b / ((a + b)^2 (a + b + 1))) = sqrt(109.76 / (441 · 22))
    assert c.sd == pytest.approx(math.sqrt(109.76 / (441 * 22)))


def test_a_handful_nudges_and_dozens_dominate():
    few = est.combine(0.6, 0, 3)  # (6 + 0) / 13
    many = est.combine(0.6, 0, 40)  # (6 + 0) / 50
    assert few.mean == pytest.approx(6 / 13)  # 0.46: moved 0.14 of the 0.6 gap
    assert many.mean == pytest.approx(6 / 50)  # 0.12: the real 0 % dominates
    assert est.combine(0.6, 0, 0).mean == pytest.approx(0.6)  # no snaps: the simulation


def test_prior_strength_is_a_parameter():
    assert est.combine(0.5, 10, 10, n0=30).mean == pytest.approx((15 + 10) / 40)


def test_exact_binomial_test_by_hand():
    # 2 successes in 10 against p = 0.6: P(X ≤ 2) + the upper tail no likelier than
    # P(X = 2) = 0.0106 → only X = 10 (0.00605); sum P(0..2) = 0.01229
    pmf = [math.comb(10, k) * 0.6**k * 0.4 ** (10 - k) for k in range(11)]
    expected = sum(q for q in pmf if q <= pmf[2] * (1 + 1e-7))
    assert expected == pytest.approx(0.01229 + 0.00605, abs=1e-4)
    assert est.binomial_test(2, 10, 0.6) == pytest.approx(expected)
    assert est.combine(0.6, 2, 10).disagrees()
    # 5 of 10 against 0.6 is well within chance
    assert est.binomial_test(5, 10, 0.6) > 0.5
    assert not est.combine(0.6, 5, 10).disagrees()


def test_no_snaps_never_flag_and_certain_priors_stay_open():
    assert est.binomial_test(0, 0, 0.3) == 1.0
    assert not est.combine(0.3, 0, 0).disagrees()
    c = est.combine(1.0, 0, 1)  # a prior of exactly 1 keeps half a pseudo-failure
    assert 0 < c.mean < 1 and c.disagrees()


def test_bad_inputs():
    with pytest.raises(ValueError):
        est.combine(1.2, 0, 1)
    with pytest.raises(ValueError):
        est.combine(0.5, 3, 2)


def test_predictability_by_hand():
    p = est.predictability(["Flood"] * 6 + ["Mesh"] * 2)
    assert p["top_call"] == "Flood" and p["top_share"] == pytest.approx(0.75)
    # H = -(0.75 log2 0.75 + 0.25 log2 0.25) = 0.8113
    assert p["entropy"] == pytest.approx(0.811278, abs=1e-6)
    assert p["evenness"] == pytest.approx(0.811278, abs=1e-6)  # out of log2(2) = 1
    assert est.predictability(["A", "B", "C", "D"])["entropy"] == pytest.approx(2.0)
    assert est.predictability(["A"] * 5)["entropy"] == 0.0
    assert est.predictability([])["top_call"] is None
