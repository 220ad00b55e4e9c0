"""assert_population_isolated: passes on an isolated pool, fails with the first
counterexample explained on a weak one."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_eval.testing import assert_population_isolated

POOLS = Path(__file__).resolve().parents[2] / "fixtures" / "cognito" / "pools"
PRIVATE = "arn:aws:s3:::example-notes-app/private/${sub}/note.txt"


def test_an_isolated_pool_passes():
    result = assert_population_isolated(POOLS / "notes-app.json", PRIVATE, n=3,
                                        adversarial_examples=20)
    assert result.isolated and result.checked == 12 * 11 * 3


def test_a_weak_pool_fails_with_the_explanation():
    with pytest.raises(AssertionError) as failure:
        assert_population_isolated(POOLS / "weak-private-wildcard.json", PRIVATE, n=2,
                                   adversarial_examples=0)
    assert "counterexample(s)" in str(failure.value)
    assert "ALLOW: s3:GetObject" in str(failure.value)


def test_a_vacuous_check_fails():
    with pytest.raises(AssertionError, match="vacuous"):
        assert_population_isolated(POOLS / "notes-app.json", "arn:aws:s3:::x/${sub}",
                                   actions=["s3:GetObject"], n=1)
