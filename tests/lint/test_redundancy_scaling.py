"""RED001/RED002 find the same redundant values as the all-pairs definition, without
comparing all pairs (a managed policy lists ~1,000 actions)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.lint.rules import redundancy
from policy_eval.lint.rules.redundancy import _covers, _redundant


def all_pairs(values: list[tuple[str, str]], fold: bool) -> Iterator[tuple[str, str, str]]:
    """The definition: each value covered by another one, the first coverer reported,
    a later duplicate reported instead of the first occurrence."""
    for i, (value, pointer) in enumerate(values):
        for j, (other, _) in enumerate(values):
            if i == j:
                continue
            same = (value.lower() == other.lower()) if fold else value == other
            if same and j > i:
                continue
            if _covers(other, value, fold):
                yield value, pointer, other
                break


actions = st.lists(st.sampled_from(["s3:GetObject", "s3:Get*", "S3:getobject", "s3:*", "*",
                                    "s3:?etObject", "ec2:Describe*", "ec2:DescribeInstances",
                                    "s3*", "iam:PassRole", "s*:Get*", "${x}:y"]),
                   max_size=8)
arns = st.lists(st.sampled_from(["arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::*",
                                 "*", "arn:aws:s3:::b/?", "arn:aws:dynamodb:*:*:table/T",
                                 "arn:aws:dynamodb:us-east-1:1:table/T", "arn:aws:s3:::b/k"]),
                max_size=8)


@given(actions)
@settings(max_examples=500)
def test_actions_agree_with_all_pairs(values: list[str]) -> None:
    pairs = [(v, f"/{i}") for i, v in enumerate(values)]
    assert list(_redundant(pairs, True)) == list(all_pairs(pairs, True))


@given(arns)
@settings(max_examples=500)
def test_resources_agree_with_all_pairs(values: list[str]) -> None:
    pairs = [(v, f"/{i}") for i, v in enumerate(values)]
    assert list(_redundant(pairs, False)) == list(all_pairs(pairs, False))


def test_a_thousand_actions_compare_only_with_their_service_patterns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: all pairs would be ~1.08 million comparisons."""
    calls = 0

    def counting(pattern: str, value: str, fold: bool) -> bool:
        nonlocal calls
        calls += 1
        return _covers(pattern, value, fold)

    monkeypatch.setattr(redundancy, "_covers", counting)
    pairs = [(f"svc{i % 40}:Action{i}", f"/{i}") for i in range(1000)]
    pairs += [(f"svc{i}:Describe*", f"/w{i}") for i in range(40)]
    assert list(redundancy._redundant(pairs, True)) == []
    assert calls <= 1040   # one pattern per value's service
