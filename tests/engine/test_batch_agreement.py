"""The batch path agrees with the scalar path, row by row (DESIGN.md: two paths, one semantics).

Hypothesis generates policy sets (identity policies with Cognito variables,
``dynamodb:LeadingKeys`` under ``ForAllValues``/``ForAnyValue``, ``s3:prefix``, ``IfExists``,
``Null``, set, numeric, date, IP, ARN and Bool operators, ``NotAction``/``NotResource``,
Deny, defaults in variables; permissions boundaries, session policies, SCP and RCP levels,
resource policies naming the caller in every way) and batches of requests (absent, single
and multivalued context values, several principals, other accounts), and asserts
``evaluate_many(batch).decisions[i] == evaluate(request_i).decision`` for every row, for
batches built from ``Request`` objects and from columns.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policy_eval as pe

ACCOUNT = "111122223333"
OTHER = "444455556666"
SUB = "cognito-identity.amazonaws.com:sub"
V_SUB = "${" + SUB + "}"
IDS = ["us-east-1:a1", "us-east-1:a2", "us-east-1:A1", "us-east-1:a1x"]

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:Query",
           "dynamodb:BatchGetItem", "sqs:SendMessage"]
RESOURCES = [
    "arn:aws:s3:::b/us-east-1:a1/x.txt", "arn:aws:s3:::b/us-east-1:a2/x.txt",
    "arn:aws:s3:::b/us-east-1:A1/x", "arn:aws:s3:::b/us-east-1:a1x/y", "arn:aws:s3:::b/red/r",
    "arn:aws:s3:::b/us-east-1:a1/readonly/z", "arn:aws:s3:::b", "arn:aws:s3:::other/k",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T", f"arn:aws:dynamodb:us-east-1:{OTHER}:table/T",
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:q", "*",
]
PRINCIPALS = [
    f"arn:aws:sts::{ACCOUNT}:assumed-role/R/S", f"arn:aws:sts::{ACCOUNT}:assumed-role/R/T",
    f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:sts::{OTHER}:assumed-role/X/S",
    f"arn:aws:iam::{ACCOUNT}:role/R", "lambda.amazonaws.com", "anonymous", None,
]

ACTION_PATTERNS = [*ACTIONS, "s3:*", "*", "dynamodb:*", "s3:Get*", "s3:?utObject"]
RESOURCE_PATTERNS = [
    *RESOURCES[:-1], "*", f"arn:aws:s3:::b/{V_SUB}/*", f"arn:aws:s3:::b/{V_SUB}",
    "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/${aws:username, 'red'}/*",
    f"arn:aws:s3:::b/{V_SUB}/*/${{aws:PrincipalTag/team}}", "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/*/readonly/*", "arn:aws:dynamodb:*:*:table/*", "arn:aws:s3:::b/us-east-1:?1/*",
    "arn:aws:s3:::b/*x*", "arn:aws:s3:::b/*x*x.txt", f"arn:aws:s3:::b/{V_SUB}?*",
    f"arn:aws:s3:::b/*/{V_SUB}/*", f"arn:aws:s3:::b/${{*}}{V_SUB}/*",
    f"arn:aws:s3:::b/{V_SUB}/x.txt",
]
CONDITIONS: list[dict[str, Any]] = [
    {"StringLike": {"s3:prefix": [f"{V_SUB}/*", ""]}},
    {"StringNotEquals": {"s3:prefix": [f"{V_SUB}/"]}},
    {"StringLikeIfExists": {"s3:prefix": [f"{V_SUB}/*"]}},
    {"StringNotLike": {"dynamodb:LeadingKeys": [f"{V_SUB}*"]}},
    {"StringEquals": {"s3:prefix": ["", f"{V_SUB}/"]}},
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [V_SUB]}},
    {"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": [V_SUB, "us-east-1:a2"]}},
    {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["us-east-1:a*"]}},
    {"ForAnyValue:StringNotEquals": {"dynamodb:LeadingKeys": [V_SUB]}},
    {"ForAllValues:StringEqualsIfExists": {"dynamodb:LeadingKeys": [V_SUB]}},
    {"ForAnyValue:StringLikeIfExists": {"dynamodb:LeadingKeys": [f"{V_SUB}*"]}},
    {"StringEquals": {"dynamodb:LeadingKeys": [V_SUB]}},
    {"StringNotEquals": {"aws:PrincipalTag/team": ["red"]}},
    {"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}},
    {"StringNotLikeIfExists": {"aws:PrincipalTag/team": "r*"}},
    {"StringEqualsIgnoreCase": {SUB: ["US-EAST-1:A1"]}},
    {"StringEquals": {SUB: ["${aws:PrincipalTag/team, 'us-east-1:a1'}"]}},
    {"Null": {"s3:prefix": "false"}},
    {"Null": {"dynamodb:LeadingKeys": "true"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"BoolIfExists": {"aws:SecureTransport": "false"}},
    {"NumericLessThan": {"s3:max-keys": "100"}},
    {"NumericGreaterThanEqualsIfExists": {"s3:max-keys": ["5", "1000"]}},
    {"NumericNotEquals": {"s3:max-keys": "10"}},
    {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
    {"DateGreaterThanEquals": {"aws:EpochTime": "1700000000"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}},
    {"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}},
    {"ArnLike": {"aws:SourceArn": f"arn:aws:sqs:*:{ACCOUNT}:*"}},
    {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/R"}},
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"StringLike": {"aws:PrincipalType": "AssumedRole"}},
    {"StringEquals": {"aws:ResourceAccount": ACCOUNT}},
]

conditions = st.lists(st.sampled_from(CONDITIONS), max_size=2).map(
    lambda cs: {op: dict(kv) for c in cs for op, kv in c.items()})


def _statement(principal: bool) -> st.SearchStrategy[dict[str, Any]]:
    action = st.one_of(
        st.fixed_dictionaries({"Action": st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1,
                                                  max_size=3)}),
        st.fixed_dictionaries({"NotAction": st.lists(st.sampled_from(ACTION_PATTERNS),
                                                     min_size=1, max_size=2)}))
    resource = st.one_of(
        st.fixed_dictionaries({"Resource": st.lists(st.sampled_from(RESOURCE_PATTERNS),
                                                    min_size=1, max_size=3)}),
        st.fixed_dictionaries({"NotResource": st.lists(st.sampled_from(RESOURCE_PATTERNS),
                                                       min_size=1, max_size=2)}))
    effect = st.sampled_from(["Allow", "Allow", "Allow", "Deny"])
    parts = [st.fixed_dictionaries({"Effect": effect}),
             action, resource, st.fixed_dictionaries({"Condition": conditions})]
    if principal:
        parts.append(principals)

    def merge(pieces: list[dict[str, Any]]) -> dict[str, Any]:
        out = {k: v for p in pieces for k, v in p.items()}
        if not out["Condition"]:
            del out["Condition"]
        return out
    return st.tuples(*parts).map(lambda ps: merge(list(ps)))


principals = st.one_of(
    st.fixed_dictionaries({"Principal": st.sampled_from([
        "*", {"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:role/R"},
        {"AWS": PRINCIPALS[0]}, {"AWS": PRINCIPALS[2]}, {"AWS": f"arn:aws:iam::{OTHER}:root"},
        {"Service": "lambda.amazonaws.com"}])}),
    st.fixed_dictionaries({"NotPrincipal": st.sampled_from([
        {"AWS": PRINCIPALS[0]}, {"AWS": ACCOUNT}])}))
#: A resource-policy statement that covers every request, so that the principal rules of
#: spec §2.3 (direct, role, account, cross-account, NotPrincipal) decide often.
broad_resource_statement = st.tuples(st.sampled_from(["Allow", "Allow", "Deny"]), principals).map(
    lambda ep: {"Effect": ep[0], "Action": "*", "Resource": "*", **ep[1]})


def _policy(principal: bool = False, min_size: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    statement = _statement(principal)
    if principal:
        statement = st.one_of(statement, broad_resource_statement)
    return st.lists(statement, min_size=min_size, max_size=3).map(
        lambda ss: {"Version": "2012-10-17", "Statement": ss})


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
#: Caps (boundary, session, SCP, RCP) that often let most through, so that allows are common.
caps = st.one_of(_policy(min_size=1), _policy().map(
    lambda p: {**p, "Statement": [ALLOW_ALL, *p["Statement"]]}))

policy_sets = st.fixed_dictionaries(
    {"identity": st.lists(_policy(), min_size=1, max_size=2)},
    optional={
        "resource": _policy(principal=True, min_size=1),
        "boundary": caps,
        "session": st.lists(caps, min_size=1, max_size=2),
        "scps": st.lists(st.lists(caps, min_size=1, max_size=2), min_size=1, max_size=2),
        "rcps": st.lists(st.lists(caps, min_size=1, max_size=1), min_size=1, max_size=2),
    })

_ids = st.sampled_from(IDS)
contexts = st.fixed_dictionaries(
    {},
    optional={
        SUB: st.one_of(_ids, st.lists(_ids, max_size=2)),
        "s3:prefix": st.sampled_from(["", "us-east-1:a1/", "us-east-1:a2/x", "us-east-1:a1"]),
        "dynamodb:LeadingKeys": st.one_of(st.sampled_from([*IDS, ""]),
                                          st.lists(st.sampled_from([*IDS, ""]), max_size=3)),
        "aws:PrincipalTag/team": st.one_of(st.sampled_from(["red", "blue", "us-east-1:a1", "*"]),
                                           st.lists(st.sampled_from(["red", "blue"]),
                                                    max_size=2)),
        "aws:SecureTransport": st.one_of(st.booleans(), st.sampled_from(["TRUE", "no"])),
        "s3:max-keys": st.one_of(st.sampled_from(["10", "1000", "x", " 5"]),
                                 st.integers(0, 2000)),
        "aws:CurrentTime": st.sampled_from(["2025-06-01T12:00:00Z", "2027-01-01", "soon"]),
        "aws:EpochTime": st.sampled_from(["1600000000", "1800000000"]),
        "aws:SourceIp": st.sampled_from(["10.1.2.3", "10.2.0.1", "192.168.0.1",
                                         "2001:db8::1", "nope"]),
        "aws:SourceArn": st.sampled_from([f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
                                          f"arn:aws:sqs:us-east-1:{OTHER}:q", "arn:x"]),
        "aws:PrincipalArn": st.just(f"arn:aws:iam::{ACCOUNT}:role/R"),
        "aws:ResourceAccount": st.sampled_from([ACCOUNT, OTHER, ""]),
    },
)
rows = st.fixed_dictionaries({"action": st.sampled_from(ACTIONS),
                              "resource": st.sampled_from(RESOURCES),
                              "principal": st.sampled_from(PRINCIPALS),
                              "context": contexts})


def _scalar(ps: pe.PolicySet, row: dict[str, Any]) -> str:
    return ps.evaluate(pe.Request(row["action"], row["resource"], row["principal"],
                                  row["context"])).decision


@given(policy_sets, st.lists(rows, min_size=1, max_size=25))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_batch_decisions_equal_scalar_decisions(slots: dict[str, Any],
                                                batch_rows: list[dict[str, Any]]) -> None:
    ps = pe.PolicySet(**slots)
    want = [_scalar(ps, row) for row in batch_rows]
    requests = [pe.Request(r["action"], r["resource"], r["principal"], r["context"])
                for r in batch_rows]
    got = ps.evaluate_many(requests)
    assert got.decisions == want
    assert got.allowed.tolist() == [w == "allow" for w in want]
    keys = sorted({k for r in batch_rows for k in r["context"]})
    columns = pe.RequestBatch.from_columns(
        action=[r["action"] for r in batch_rows], resource=[r["resource"] for r in batch_rows],
        principal=[r["principal"] for r in batch_rows],
        context={k: [r["context"].get(k) for r in batch_rows] for k in keys})
    assert ps.evaluate_many(columns).decisions == want


#: Identity and resource policies only: the resource-policy rules decide more often.
identity_and_resource = st.fixed_dictionaries({
    "identity": st.lists(_policy(), min_size=1, max_size=2),
    "resource": st.tuples(_policy(principal=True),
                          st.lists(broad_resource_statement, min_size=1, max_size=2)).map(
        lambda pb: {**pb[0], "Statement": [*pb[0]["Statement"], *pb[1]]})})


@given(identity_and_resource, st.lists(contexts, min_size=1, max_size=5))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_principal_action_and_resource_against_a_population(
        slots: dict[str, Any], people: list[dict[str, Any]]) -> None:
    """A matrix: each context (an identity), as each principal, asks every action on every
    resource."""
    ps = pe.PolicySet(**slots)
    batch_rows = [{"action": a, "resource": r, "principal": p, "context": c}
                  for c in people for p in PRINCIPALS for a in ACTIONS for r in RESOURCES]
    got = ps.evaluate_many([pe.Request(r["action"], r["resource"], r["principal"],
                                       r["context"]) for r in batch_rows])
    assert got.decisions == [_scalar(ps, row) for row in batch_rows]


#: Values of the keys the conditions and templates read: absent, single (empty included),
#: multivalued (empty, with empty strings, mixed).
KEY_VALUES: dict[str, list[Any]] = {
    SUB: [None, "us-east-1:a1", "us-east-1:a2", ["us-east-1:a1"], ""],
    "dynamodb:LeadingKeys": [None, "", "us-east-1:a1", [], [""], ["us-east-1:a1"],
                             ["us-east-1:a1", "us-east-1:a2"], ["us-east-1:a1", ""]],
    "s3:prefix": [None, "", "us-east-1:a1/", "us-east-1:a2/x"],
    "aws:PrincipalTag/team": [None, "red", "us-east-1:a1", ["red", "blue"]],
}


def _exhaustive_contexts() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{}]
    for key, values in KEY_VALUES.items():
        out = [{**c, key: v} if v is not None else c for c in out for v in values]
    return out


def test_every_condition_on_every_combination_of_values() -> None:
    """Each condition alone, on every combination of absent / single / multi values."""
    people = _exhaustive_contexts()
    for condition in CONDITIONS:
        ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}]}])
        reqs = [pe.Request("s3:GetObject", "arn:aws:s3:::b/k", PRINCIPALS[0], c)
                for c in people]
        got = ps.evaluate_many(reqs).decisions
        assert got == [ps.evaluate(q).decision for q in reqs], condition


def test_every_resource_pattern_on_every_resource() -> None:
    """Each Resource and NotResource pattern alone, on every resource and variable value."""
    people = [{}, *({SUB: v} for v in KEY_VALUES[SUB] if v is not None),
              {SUB: "us-east-1:a1", "aws:PrincipalTag/team": "red"}]
    for element in ("Resource", "NotResource"):
        for pattern in RESOURCE_PATTERNS:
            ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", element: pattern}]}])
            reqs = [pe.Request("s3:GetObject", r, PRINCIPALS[0], c)
                    for r in RESOURCES for c in people]
            got = ps.evaluate_many(reqs).decisions
            assert got == [ps.evaluate(q).decision for q in reqs], (element, pattern)
