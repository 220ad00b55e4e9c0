"""Hypothesis properties of the engine.

* the linear-time wildcard matcher agrees with a slow reference (a regex built per call);
* adding a Deny statement never turns a deny into an allow;
* adding an Allow statement never turns an allow into a deny;
* the decision never depends on the spelling case of context keys or actions (spec §1.3).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import policy_eval as pe
from policy_eval.document.wildcard import compile_glob

# ---------------------------------------------------------------- wildcard vs reference


def reference_glob(pattern: str, subject: str) -> bool:
    """Slow reference: translate to a regex (with backtracking) and full-match."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, subject, re.DOTALL) is not None


patterns = st.text(alphabet="ab*?:/", max_size=12)
subjects = st.text(alphabet="ab:/", max_size=14)


@given(patterns, subjects)
@settings(max_examples=3000)
def test_wildcard_matcher_agrees_with_reference(pattern: str, subject: str) -> None:
    assert compile_glob(pattern)(subject) == reference_glob(pattern, subject)


@given(st.text(alphabet="ab", max_size=10), subjects)
def test_literal_patterns_are_equality(pattern: str, subject: str) -> None:
    assert compile_glob(pattern)(subject) == (pattern == subject)


def test_pathological_pattern_is_fast() -> None:
    # a regex engine with backtracking takes exponential time here
    assert not compile_glob("*a*a*a*a*a*a*a*a*a*b")("a" * 10_000)


# ---------------------------------------------------------------- monotonicity

SUB = "cognito-identity.amazonaws.com:sub"
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:Query", "dynamodb:Scan"]
RESOURCES = ["arn:aws:s3:::b/us-east-1:a1/x", "arn:aws:s3:::b/us-east-1:a2/x", "arn:aws:s3:::b",
             "arn:aws:dynamodb:us-east-1:111122223333:table/T", "*"]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "*", "dynamodb:*", "s3:Get*", "s3:?etObject"]
RESOURCE_PATTERNS = [*RESOURCES, "arn:aws:s3:::b/${" + SUB + "}/*", "arn:aws:s3:::b/*",
                     "arn:aws:dynamodb:*:*:table/*", "arn:aws:s3:::b/us-east-1:*"]
CONDITIONS = [
    {},
    {"StringLike": {"s3:prefix": ["${" + SUB + "}/*"]}},
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${" + SUB + "}"]}},
    {"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": ["us-east-1:a1"]}},
    {"StringNotEquals": {"aws:PrincipalTag/team": ["red"]}},
    {"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}},
    {"Null": {"s3:prefix": "false"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"NumericLessThan": {"s3:max-keys": "100"}},
]

statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3),
        "Resource": st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=3),
        "Condition": st.sampled_from(CONDITIONS),
    }
).map(lambda s: {k: v for k, v in s.items() if v != {}})
not_statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "NotAction": st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2),
        "NotResource": st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2),
    }
)
any_statement = st.one_of(statements, not_statements)
policies = st.lists(any_statement, min_size=0, max_size=4).map(
    lambda ss: {"Version": "2012-10-17", "Statement": ss})
contexts = st.fixed_dictionaries(
    {},
    optional={
        SUB: st.sampled_from(["us-east-1:a1", "us-east-1:a2"]),
        "s3:prefix": st.sampled_from(["", "us-east-1:a1/", "us-east-1:a2/x"]),
        "dynamodb:LeadingKeys": st.lists(st.sampled_from(["us-east-1:a1", "us-east-1:a2"]),
                                         max_size=2),
        "aws:PrincipalTag/team": st.sampled_from(["red", "blue"]),
        "aws:SecureTransport": st.booleans(),
        "s3:max-keys": st.sampled_from(["10", "1000", "x"]),
    },
)
requests = st.builds(pe.Request, action=st.sampled_from(ACTIONS),
                     resource=st.sampled_from(RESOURCES),
                     principal=st.just("arn:aws:sts::111122223333:assumed-role/R/S"),
                     context=contexts)


@given(policies, any_statement, requests)
@settings(max_examples=400)
def test_adding_a_deny_never_allows(policy: dict, extra: dict, request: pe.Request) -> None:
    before = pe.PolicySet(identity=[policy]).evaluate(request)
    deny = {**extra, "Effect": "Deny"}
    extended = {**policy, "Statement": [*policy["Statement"], deny]}
    after = pe.PolicySet(identity=[extended]).evaluate(request)
    if not before.allowed:
        assert not after.allowed
    if before.decision == "explicit_deny":
        assert after.decision == "explicit_deny"


@given(policies, any_statement, requests)
@settings(max_examples=400)
def test_adding_an_allow_never_denies(policy: dict, extra: dict, request: pe.Request) -> None:
    before = pe.PolicySet(identity=[policy]).evaluate(request)
    allow = {**extra, "Effect": "Allow"}
    extended = {**policy, "Statement": [*policy["Statement"], allow]}
    after = pe.PolicySet(identity=[extended]).evaluate(request)
    if before.allowed:
        assert after.allowed
    if before.decision == "explicit_deny":
        assert after.decision == "explicit_deny"


@given(policies, requests)
@settings(max_examples=300)
def test_key_and_action_case_do_not_matter(policy: dict, request: pe.Request) -> None:
    ps = pe.PolicySet(identity=[policy])
    shouted = pe.Request(request.action.upper(), request.resource, request.principal,
                         {k.upper(): v for k, v in request.context.items()})
    assert ps.evaluate(request).decision == ps.evaluate(shouted).decision


@given(policies, requests)
@settings(max_examples=200)
def test_explanation_names_the_deciding_statements(policy: dict, request: pe.Request) -> None:
    decision = pe.PolicySet(identity=[policy]).evaluate(request)
    data = decision.to_dict()
    assert data["decision"] == decision.decision
    matching = {(m["policy"], m["statement"]) for m in data["matching_statements"]}
    for ref in data["deciding_statements"]:
        assert (ref["policy"], ref["statement"]) in matching
    if decision.decision == "explicit_deny":
        assert data["deciding_statements"][0]["effect"] == "Deny"
    assert decision.explain().startswith(
        {"allow": "ALLOW", "explicit_deny": "EXPLICIT DENY", "implicit_deny": "IMPLICIT DENY"}[
            decision.decision])


@given(st.lists(policies, min_size=1, max_size=2), requests)
@settings(max_examples=400)
def test_identity_only_short_path_agrees_with_full_procedure(
        docs: list[dict], request: pe.Request) -> None:
    """The identity-only short path of ``decide`` gives the full procedure's answer."""
    fast = pe.PolicySet(identity=docs)
    full = pe.PolicySet(identity=docs)
    full.engine.fast_paths = False
    got, want = fast.evaluate(request), full.evaluate(request)
    assert (got.decision, got.reason) == (want.decision, want.reason)
    assert [s.label for s in got.statements] == [s.label for s in want.statements]


@given(st.lists(policies, min_size=1, max_size=2), requests)
@settings(max_examples=200)
def test_short_path_agrees_for_cross_account_resources(
        docs: list[dict], request: pe.Request) -> None:
    """Same, for a caller whose account differs from the resource's."""
    other = pe.Request(request.action, request.resource,
                       "arn:aws:sts::999988887777:assumed-role/R/S",
                       {**request.context, "aws:ResourceAccount": "111122223333"})
    fast = pe.PolicySet(identity=docs)
    full = pe.PolicySet(identity=docs)
    full.engine.fast_paths = False
    assert fast.evaluate(other).decision == full.evaluate(other).decision
