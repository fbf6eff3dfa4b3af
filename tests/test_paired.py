"""McNemar's exact test of two certificates of the same images."""

import numpy as np
import pytest
from scipy.stats import binomtest

from skmnistnoise.metrics import (
    certified_accuracy,
    paired_certified_test,
    wilson_interval,
)


def _certificate(rng, y, p_correct, scale):
    correct = rng.random(len(y)) < p_correct
    prediction = np.where(correct, y, (y + 1) % 10)
    return {
        "prediction": prediction,
        "radius": rng.exponential(scale, len(y)),
        "abstained": rng.random(len(y)) < 0.02,
    }


def test_counts_and_pvalue_by_hand():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 500)
    a, b = _certificate(rng, y, 0.95, 1.0), _certificate(rng, y, 0.9, 0.8)
    radii = [0.0, 0.5, 1.0]
    test = paired_certified_test(y, a, b, radii)
    for i, r in enumerate(radii):
        ok_a = (a["prediction"] == y) & ~a["abstained"] & (a["radius"] >= r)
        ok_b = (b["prediction"] == y) & ~b["abstained"] & (b["radius"] >= r)
        only_a, only_b = int(np.sum(ok_a & ~ok_b)), int(np.sum(ok_b & ~ok_a))
        assert (test.only_a[i], test.only_b[i]) == (only_a, only_b)
        assert test.pvalue[i] == binomtest(only_a, only_a + only_b).pvalue
    np.testing.assert_array_equal(test.accuracy_a, certified_accuracy(y, a, radii))
    np.testing.assert_array_equal(test.accuracy_b, certified_accuracy(y, b, radii))
    swapped = paired_certified_test(y, b, a, radii)
    np.testing.assert_array_equal(swapped.only_a, test.only_b)
    np.testing.assert_allclose(swapped.pvalue, test.pvalue)


def test_pairing_is_sharper_than_separate_intervals():
    # 500 images; b certifies every image a does, and 12 more: separate
    # Wilson intervals overlap, the paired test is decisive.
    y = np.zeros(500, dtype=int)
    radius_a = np.r_[np.ones(400), np.zeros(100)]
    radius_b = np.r_[np.ones(412), np.zeros(88)]
    a = {"prediction": y, "radius": radius_a, "abstained": np.zeros(500, bool)}
    b = {"prediction": y, "radius": radius_b, "abstained": np.zeros(500, bool)}
    test = paired_certified_test(y, a, b, 0.5)
    low_b, _ = wilson_interval(0.824, 500)
    _, high_a = wilson_interval(0.8, 500)
    assert low_b < high_a  # the separate intervals overlap
    assert test.only_a[0] == 0 and test.only_b[0] == 12
    assert test.pvalue[0] < 0.001


def test_no_disagreement_gives_pvalue_one():
    y = np.arange(10)
    c = {"prediction": y, "radius": np.ones(10), "abstained": np.zeros(10, bool)}
    assert paired_certified_test(y, c, c).pvalue.tolist() == [1.0]


def test_bad_input_names_the_parameter():
    y = np.arange(10)
    c = {"prediction": y, "radius": np.ones(10), "abstained": np.zeros(10, bool)}
    short = {k: v[:5] for k, v in c.items()}
    with pytest.raises(ValueError, match="same images"):
        paired_certified_test(y, c, short)
    with pytest.raises(ValueError, match="'radii'"):
        paired_certified_test(y, c, c, -1.0)
