"""RequestBatch constructors, their errors, DecisionBatch, and the principal rules of the
batch path on every kind of resource-policy principal."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policy_eval as pe

ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Cognito_Auth/CognitoIdentityCredentials"
SUB = "cognito-identity.amazonaws.com:sub"
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::media/${" + SUB + "}/*"},
    {"Effect": "Allow", "Action": "dynamodb:Query",
     "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T",
     "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${" + SUB + "}"]}}},
    {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::media/*/locked/*"},
]}
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T"


@pytest.fixture
def ps() -> pe.PolicySet:
    return pe.PolicySet(identity=[POLICY])


def rows() -> dict[str, Any]:
    return {
        "action": ["s3:GetObject", "s3:PutObject", "dynamodb:Query", "dynamodb:Query",
                   "dynamodb:Query", "s3:GetObject"],
        "resource": ["arn:aws:s3:::media/u1/a.png", "arn:aws:s3:::media/u1/locked/b",
                     TABLE, TABLE, TABLE, "arn:aws:s3:::media/u2/a.png"],
        "principal": SESSION,
        "context": {SUB: ["u1", "u1", "u1", "u1", "u1", None],
                    "dynamodb:LeadingKeys": [None, None, ["u1", "u1"], ["u1", "u2"], "u1",
                                             None]},
    }


EXPECTED = ["allow", "explicit_deny", "allow", "implicit_deny", "allow", "implicit_deny"]


def test_from_columns_keeps_absent_single_and_multi_values(ps: pe.PolicySet) -> None:
    batch = pe.RequestBatch.from_columns(**rows())
    assert len(batch) == 6
    result = ps.evaluate_many(batch)
    assert result.decisions == EXPECTED
    assert result.allowed.dtype == np.bool_
    assert result.allowed.tolist() == [d == "allow" for d in EXPECTED]
    assert result.counts() == {"allow": 3, "explicit_deny": 1, "implicit_deny": 2}
    assert len(result) == 6


def test_from_requests_and_iteration_give_scalar_decisions(ps: pe.PolicySet) -> None:
    data = rows()
    reqs = [pe.Request(a, r, data["principal"],
                       {k: v[i] for k, v in data["context"].items() if v[i] is not None})
            for i, (a, r) in enumerate(zip(data["action"], data["resource"], strict=True))]
    result = ps.evaluate_many(pe.RequestBatch.from_requests(reqs))
    assert result.decisions == EXPECTED
    assert ps.evaluate_many(iter(reqs)).decisions == EXPECTED   # any iterable of requests
    assert [d.decision for d in result] == EXPECTED
    assert result[1].reason == "explicit-deny" and result[1].request is reqs[1]
    assert "locked" in result[1].explain()
    assert result[-1].decision == "implicit_deny"
    assert [d.decision for d in result[2:4]] == EXPECTED[2:4]
    with pytest.raises(IndexError):
        result[6]


def test_row_decision_from_columns_is_explained(ps: pe.PolicySet) -> None:
    result = ps.evaluate_many(pe.RequestBatch.from_columns(**rows()))
    decision = result[3]
    assert decision.decision == "implicit_deny"
    assert decision.request.context["dynamodb:LeadingKeys"] == ["u1", "u2"]
    assert "ForAllValues:StringEquals" in decision.explain()


def test_principal_column_and_context_value_types(ps: pe.PolicySet) -> None:
    batch = pe.RequestBatch.from_columns(
        action=["s3:GetObject"] * 3, resource=["arn:aws:s3:::media/1/x"] * 3,
        principal=[SESSION, None, "lambda.amazonaws.com"],
        context={SUB: [1, "1", True]})
    assert ps.evaluate_many(batch).decisions == ["allow", "allow", "implicit_deny"]
    empty = ps.evaluate_many(pe.RequestBatch.from_columns(action=[], resource=[]))
    assert len(empty) == 0 and empty.decisions == [] and empty.counts()["allow"] == 0


@pytest.mark.parametrize(("kwargs", "column", "row"), [
    ({"action": ["s3:GetObject", "s3:GetObject"], "resource": ["*"]}, "resource", 1),
    ({"action": ["s3:GetObject"], "resource": ["*"], "principal": [SESSION, SESSION]},
     "principal", 1),
    ({"action": ["s3:GetObject"], "resource": ["*"], "context": {"k": []}}, "context.k", 0),
    ({"action": ["s3:GetObject", "GetObject"], "resource": ["*", "*"]}, "action", 1),
    ({"action": ["s3:GetObject", "s3:Get"], "resource": ["*", "arn:aws:s3:b"]}, "resource", 1),
    ({"action": ["s3:GetObject", ["s3:GetObject"]], "resource": ["*", "*"]}, "action", 1),
    ({"action": ["s3:GetObject"] * 3, "resource": ["*"] * 3,
      "context": {"k": ["a", None, {"x": 1}]}}, "context.k", 2),
    ({"action": ["s3:GetObject"] * 2, "resource": ["*"] * 2,
      "context": {"k": ["a", [["nested"]]]}}, "context.k", 1),
    ({"action": ["s3:GetObject"] * 2, "resource": ["*"] * 2,
      "principal": [SESSION, "arn:aws:iam::1:user/x"]}, "principal", 1),
])
def test_errors_name_column_and_row(kwargs: dict[str, Any], column: str, row: int) -> None:
    with pytest.raises(pe.RequestError) as info:
        pe.RequestBatch.from_columns(**kwargs)
    assert f"column {column!r}, row {row}" in str(info.value)
    assert info.value.location.pointer == f"/{column}/{row}"


def test_other_column_errors() -> None:
    with pytest.raises(pe.RequestError, match="same key"):
        pe.RequestBatch.from_columns(action=["s3:GetObject"], resource=["*"],
                                     context={"S3:prefix": ["a"], "s3:prefix": ["b"]})
    with pytest.raises(pe.RequestError, match="sequence of values"):
        pe.RequestBatch.from_columns(action="s3:GetObject", resource=["*"])
    with pytest.raises(pe.RequestError, match="expected a Request"):
        pe.RequestBatch.from_requests([{"action": "s3:GetObject"}])  # type: ignore[list-item]
    with pytest.raises(pe.RequestError, match="pandas DataFrame or a pyarrow Table"):
        pe.RequestBatch.from_frame({"action": ["s3:GetObject"]})


def test_from_pandas_frame(ps: pe.PolicySet) -> None:
    pd = pytest.importorskip("pandas")
    data = rows()
    frame = pd.DataFrame({"action": data["action"], "resource": data["resource"],
                          "principal": [SESSION] * 6,
                          **{f"context.{k}": v for k, v in data["context"].items()}})
    assert ps.evaluate_many(pe.RequestBatch.from_frame(frame)).decisions == EXPECTED
    frame["context.dynamodb:LeadingKeys"] = [np.nan, None, np.array(["u1"]), ["u2"], "u1",
                                             None]
    got = ps.evaluate_many(pe.RequestBatch.from_frame(frame)).decisions
    assert got == ["allow", "explicit_deny", "allow", "implicit_deny", "allow", "implicit_deny"]
    with pytest.raises(pe.RequestError, match="unknown column 'when'"):
        pe.RequestBatch.from_frame(frame.assign(when=1))
    assert len(pe.RequestBatch.from_frame(frame.assign(when=1), extra_columns="ignore")) == 6
    with pytest.raises(pe.RequestError, match="missing column 'resource'"):
        pe.RequestBatch.from_frame(frame[["action"]])
    holes = frame.assign(resource=[data["resource"][0], np.nan, *data["resource"][2:]])
    with pytest.raises(pe.RequestError, match=r"column 'resource', row 1: resource is missing"):
        pe.RequestBatch.from_frame(holes)


def test_from_arrow_table(ps: pe.PolicySet) -> None:
    pa = pytest.importorskip("pyarrow")
    data = rows()
    table = pa.table({"action": data["action"], "resource": data["resource"],
                      **{f"context.{k}": v for k, v in data["context"].items()
                         if k == SUB}})
    lk = pa.array([None, None, ["u1", "u1"], ["u1", "u2"], ["u1"], None],
                  type=pa.list_(pa.string()))
    table = table.append_column("context.dynamodb:LeadingKeys", lk)
    got = ps.evaluate_many(pe.RequestBatch.from_frame(table)).decisions
    assert got == EXPECTED


PRINCIPAL_ELEMENTS = ["*", {"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Cognito_Auth"},
                      {"AWS": SESSION}, {"AWS": "arn:aws:iam::444455556666:root"},
                      {"Service": "lambda.amazonaws.com"},
                      {"Federated": "cognito-identity.amazonaws.com"}]
CALLERS = [SESSION, f"arn:aws:iam::{ACCOUNT}:user/alice", "arn:aws:sts::444455556666:"
           "assumed-role/X/S", "lambda.amazonaws.com", "cognito-identity.amazonaws.com",
           "anonymous", None]


@pytest.mark.parametrize("element", PRINCIPAL_ELEMENTS, ids=str)
@pytest.mark.parametrize("negated", [False, True])
@pytest.mark.parametrize("boundary", [False, True])
def test_resource_policy_principal_rules_agree(element: Any, negated: bool,
                                               boundary: bool) -> None:
    """spec §2.3: direct/role/account/service grants, cross-account, NotPrincipal."""
    if negated and element == "*":
        return
    key = "NotPrincipal" if negated else "Principal"
    resource = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", key: element, "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", key: element, "Action": "s3:DeleteObject", "Resource": "*"}]}
    identity = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
    extra = {"boundary": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "*"}]}}
    ps = pe.PolicySet(identity=[identity], resource=resource, **(extra if boundary else {}))
    reqs = [pe.Request(a, r, p, {"aws:ResourceAccount": acct} if acct else {})
            for p in CALLERS for a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
            for r in ("arn:aws:s3:::b/k", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T")
            for acct in (None, ACCOUNT, "444455556666")]
    assert ps.evaluate_many(reqs).decisions == [ps.evaluate(q).decision for q in reqs]


def _scalar_decisions(ps: pe.PolicySet, action: str, resource: str, principal: str,
                      key: str, cells: list[Any]) -> list[str]:
    return [ps.evaluate(pe.Request(action, resource, principal,
                                   {} if v is None else {key: v})).decision for v in cells]


#: Every shape a context column can take, each coded by its own path in ``from_columns``:
#: one value in every row, text with absent cells, lists of one string, lists of several,
#: empty lists and strings, tuples, and numbers / booleans (normalised per row).
COLUMN_SHAPES: list[list[Any]] = [
    ["u1"] * 4,
    [None] * 3,
    [None, "u1", "", "u2", None],
    [["u1"], None, ["u2"], ["u1"], None],
    [["u1", "u2"], ["u1"], None, [], [""], ["u1", ""], "u1"],
    [("u1",), ("u1", "u2"), "u1", None],
    [1, "1", True, 1.0, None, [1, "u1"], [True]],
]


@pytest.mark.parametrize("cells", COLUMN_SHAPES)
@pytest.mark.parametrize("condition", [
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${" + SUB + "}", "1", "true"]}},
    {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["u*", "1"]}},
    {"StringNotEqualsIfExists": {"dynamodb:LeadingKeys": ["${" + SUB + "}"]}},
    {"StringEquals": {"dynamodb:LeadingKeys": ["${" + SUB + "}", "true"]}},
    {"Null": {"dynamodb:LeadingKeys": "true"}},
])
def test_every_column_shape_decides_as_the_scalar_path(cells: list[Any],
                                                       condition: dict[str, Any]) -> None:
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": TABLE,
         "Condition": condition}]}])
    n = len(cells)
    batch = pe.RequestBatch.from_columns(
        action=["dynamodb:Query"] * n, resource=[TABLE] * n, principal=SESSION,
        context={"dynamodb:LeadingKeys": cells, SUB: ["u1"] * n})
    want = [ps.evaluate(pe.Request("dynamodb:Query", TABLE, SESSION,
                                   {SUB: "u1"} | ({} if v is None else
                                                  {"dynamodb:LeadingKeys": v}))).decision
            for v in cells]
    assert ps.evaluate_many(batch).decisions == want


@pytest.mark.parametrize("operator", ["StringNotEquals", "StringEqualsIfExists",
                                      "StringNotLikeIfExists", "StringLike"])
def test_absent_key_under_a_templated_string_condition(operator: str) -> None:
    """An absent key: ``IfExists`` and negated operators hold, others do not (§4.3), also
    when the condition value holds a variable."""
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
         "Condition": {operator: {"s3:prefix": "${aws:username}/*"}}}]}])
    user = f"arn:aws:iam::{ACCOUNT}:user/alice"
    cells = [None, "alice/x", "bob/", ""]
    batch = pe.RequestBatch.from_columns(action=["s3:ListBucket"] * 4, resource=["*"] * 4,
                                         principal=user, context={"s3:prefix": cells})
    assert ps.evaluate_many(batch).decisions == _scalar_decisions(
        ps, "s3:ListBucket", "*", user, "s3:prefix", cells)


@pytest.mark.parametrize("pattern", [
    "arn:aws:s3:::media/${" + SUB + "}/*", "arn:aws:s3:::media/${" + SUB + "}",
    "arn:aws:s3:::media/*/${" + SUB + "}", "arn:aws:s3:::media/${" + SUB + ", 'u9'}/*",
    "arn:aws:s3:::media/${?}${" + SUB + "}*",
])
def test_resource_template_per_value_including_nul_and_wildcard_characters(
        pattern: str) -> None:
    """The pattern built per distinct value (exact, prefix, general glob) matches as the
    scalar ``Template`` does: substituted ``*`` / ``?`` are literal, a NUL character takes
    the scalar matcher."""
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": pattern}]}])
    values = [None, "u1", "u*", "u?", "a\x00b", "", ["u1"]]
    resources = ["arn:aws:s3:::media/u1/a", "arn:aws:s3:::media/u1", "arn:aws:s3:::media/u*/a",
                 "arn:aws:s3:::media/ux/a", "arn:aws:s3:::media/a\x00b/c",
                 "arn:aws:s3:::media//a", "arn:aws:s3:::media/u9/a", "arn:aws:s3:::media/?u1"]
    rows = [(r, v) for r in resources for v in values]
    batch = pe.RequestBatch.from_columns(
        action=["s3:GetObject"] * len(rows), resource=[r for r, _ in rows], principal=SESSION,
        context={SUB: [v for _, v in rows]})
    want = [ps.evaluate(pe.Request("s3:GetObject", r, SESSION,
                                   {} if v is None else {SUB: v})).decision for r, v in rows]
    assert ps.evaluate_many(batch).decisions == want


def _accepts(check: Any, value: Any) -> bool:
    try:
        check(value)
    except pe.RequestError:
        return False
    return True


arn_like = st.lists(st.sampled_from(["arn", ":", "aws", "s3", "*", "?", "\n", "é", "\x00", "",
                                     " ", "a/b", "arn:", "::"]), max_size=9).map("".join)


@given(st.lists(arn_like, min_size=1, max_size=6), st.lists(arn_like, min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_from_columns_accepts_exactly_what_requests_accept(resources: list[str],
                                                           actions: list[str]) -> None:
    """The bulk checks of a resource and an action column (NumPy over the distinct values)
    accept and refuse exactly what ``Request`` does, and the first refused row is named."""
    from policy_eval.engine.request import check_action, check_resource

    for column, values, check in (("resource", resources, check_resource),
                                  ("action", actions, check_action)):
        n = len(values)
        cols = {"action": ["s3:GetObject"] * n, "resource": ["*"] * n, column: values}
        bad = [row for row, v in enumerate(values) if not _accepts(check, v)]
        if not bad:
            assert len(pe.RequestBatch.from_columns(**cols)) == n
            continue
        with pytest.raises(pe.RequestError) as info:
            pe.RequestBatch.from_columns(**cols)
        assert f"column {column!r}, row {bad[0]}" in str(info.value)
