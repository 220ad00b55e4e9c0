"""RED001/RED002/RED003 find the same redundant values and statements as their all-pairs
definitions, without comparing all pairs (a managed policy lists ~1,000 actions, a
generated one thousands of statements or 20,000 resources in one statement)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.model import check_policy
from policy_eval.lint.rules import redundancy
from policy_eval.lint.rules.redundancy import (
    StatementCoverIndex,
    _covers,
    _redundant,
    _subsumes,
    first_subsumer,
)


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
    assert calls <= 1040   # only patterns whose literal prefix the value starts with


def test_twenty_thousand_resources_compare_only_with_their_prefix_patterns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: one statement with 20,000 resources (all pairs: 400 million)."""
    calls = 0

    def counting(pattern: str, value: str, fold: bool) -> bool:
        nonlocal calls
        calls += 1
        return _covers(pattern, value, fold)

    monkeypatch.setattr(redundancy, "_covers", counting)
    pairs = [(f"arn:aws:s3:::bucket-{i % 97}/prefix/{i}/*", f"/{i}") for i in range(20000)]
    pairs.append(("arn:aws:s3:::bucket-5/prefix/5/deep/key", "/x"))
    found = list(redundancy._redundant(pairs, False))
    assert found == [("arn:aws:s3:::bucket-5/prefix/5/deep/key", "/x",
                      "arn:aws:s3:::bucket-5/prefix/5/*")]
    assert calls <= 20001 * 2


# ------------------------------------------------------------------ RED003


def pairwise_subsumers(statements: tuple) -> list[tuple[int, int | None]]:
    """The definition of RED003: for each statement, the first other statement in
    document order that subsumes it (of two identical ones, the later is reported)."""
    out = []
    for st_ in statements:
        found = None
        for other in statements:
            if _subsumes(other, st_):
                if _subsumes(st_, other) and st_.index < other.index:
                    continue
                found = other.index
                break
        out.append((st_.index, found))
    return out


def indexed_subsumers(statements: tuple) -> list[tuple[int, int | None]]:
    index = StatementCoverIndex(statements)
    out = []
    for st_ in statements:
        other = first_subsumer(index, st_)
        out.append((st_.index, None if other is None else other.index))
    return out


def _one_of(values: list) -> st.SearchStrategy:
    return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)


statement_dicts = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny"]),
     "Action": _one_of(["s3:GetObject", "s3:Get*", "s3:*", "*", "S3:getobject",
                        "s3:PutObject", "s3:?etObject", "ec2:Describe*"])},
    optional={"Resource": _one_of(["arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "*",
                                   "arn:aws:s3:::b/?", "arn:aws:s3:::c/*",
                                   "arn:aws:s3:::b/${aws:username}/*"]),
              "NotResource": st.just(["arn:aws:s3:::b/secret"]),
              "Condition": st.sampled_from([
                  {"Bool": {"aws:SecureTransport": "true"}},
                  {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
                  {"Bool": {"aws:SecureTransport": "true"},
                   "StringEquals": {"aws:PrincipalTag/team": "blue"}}])})


@given(st.lists(statement_dicts, min_size=1, max_size=7))
@settings(max_examples=300, deadline=None)
def test_redundant_statements_agree_with_all_pairs(raw: list[dict]) -> None:
    statements = []
    for item in raw:
        if "Resource" in item and "NotResource" in item:
            del item["NotResource"]
        if "Resource" not in item and "NotResource" not in item:
            item["Resource"] = "*"
        statements.append(item)
    policy, errors = check_policy({"Version": "2012-10-17", "Statement": statements})
    assert not errors and policy is not None
    assert indexed_subsumers(policy.statements) == pairwise_subsumers(policy.statements)


@given(st.lists(st.sampled_from([
    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
     "Action": "sts:AssumeRoleWithWebIdentity"},
    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
     "Action": "sts:*"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "sts:AssumeRole"}]), min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_trust_statements_without_resources_agree(statements: list[dict]) -> None:
    policy, errors = check_policy({"Version": "2012-10-17", "Statement": statements},
                                  kind="trust")
    assert not errors and policy is not None
    assert indexed_subsumers(policy.statements) == pairwise_subsumers(policy.statements)


def test_two_thousand_statements_are_not_compared_pairwise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: all pairs would be ~4 million subsumption tests."""
    calls = 0
    real = redundancy._subsumes

    def counting(big, small) -> bool:  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(big, small)

    monkeypatch.setattr(redundancy, "_subsumes", counting)
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:Get*"][i % 3],
         "Resource": f"arn:aws:s3:::bucket-{i % 40}/team{i}/*"} for i in range(2000)]}
    policy, errors = check_policy(doc)
    assert not errors and policy is not None
    found = indexed_subsumers(policy.statements)
    assert all(other is None for _, other in found)
    assert calls <= 2000
