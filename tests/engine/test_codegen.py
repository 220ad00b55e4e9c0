"""The generated decision code (``engine/codegen.py``) agrees with the interpretive reference.

``DecisionEngine.decide`` (so ``PolicySet.evaluate``) runs Python generated per action plan;
``decide_reference`` interprets the plan. Both must give the same ``Decision``: decision,
reason and the very statements that decided it, for every slot of a policy set (identity,
resource, boundary, session, SCP, RCP), NotAction/NotResource, Deny, variables with and
without defaults, set operators, IfExists, Null and the numeric/date/IP/ARN/Bool operators
(the strategies are the batch-agreement ones, imported, not copied).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policy_eval as pe
from policy_eval.engine.decide import DecisionEngine
from tests.engine.test_batch_agreement import (
    ACTIONS,
    CONDITIONS,
    PRINCIPALS,
    RESOURCE_PATTERNS,
    RESOURCES,
    _exhaustive_contexts,
    identity_and_resource,
    policy_sets,
    rows,
)


def _same(ps: pe.PolicySet, request: pe.Request) -> None:
    got = ps.engine.generated_plan(request.action.lower()).function(request)
    want = ps.engine.decide_reference(request)
    assert (got.decision, got.reason) == (want.decision, want.reason), (
        request, ps.generated_source(request.action))
    assert got.statements == want.statements, request
    assert got.request is request


def _request(row: dict[str, Any]) -> pe.Request:
    return pe.Request(row["action"], row["resource"], row["principal"], row["context"])


@given(policy_sets, st.lists(rows, min_size=1, max_size=20))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_code_gives_the_reference_decision(slots: dict[str, Any],
                                                     batch_rows: list[dict[str, Any]]) -> None:
    ps = pe.PolicySet(**slots)
    for row in batch_rows:
        _same(ps, _request(row))


@given(identity_and_resource, st.lists(rows, min_size=1, max_size=30))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_code_agrees_on_resource_policy_principals(
        slots: dict[str, Any], batch_rows: list[dict[str, Any]]) -> None:
    """Resource policies naming the caller in every way (direct, role, account, service,
    NotPrincipal), same- and cross-account."""
    ps = pe.PolicySet(**slots)
    for row in batch_rows:
        for principal in PRINCIPALS:
            _same(ps, _request({**row, "principal": principal}))


def test_every_condition_and_resource_pattern_on_every_combination_of_values() -> None:
    """Each condition and each Resource/NotResource pattern alone, on every combination of
    absent / single / multivalued context values: the inlined forms of each operator."""
    people = _exhaustive_contexts()
    docs = [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": c}
            for c in CONDITIONS]
    docs += [{"Effect": "Allow", "Action": "*", element: pattern}
             for element in ("Resource", "NotResource") for pattern in RESOURCE_PATTERNS]
    for doc in docs:
        ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [doc]}])
        for context in people[::7]:
            for resource in RESOURCES:
                _same(ps, pe.Request("s3:GetObject", resource, PRINCIPALS[0], context))


def test_generated_source_shows_what_was_inlined_and_what_was_left_out() -> None:
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}}]}])
    source = ps.generated_source("s3:GetObject")
    compile(source, "<test>", "exec")
    assert "def decide(request):" in source
    assert ".startswith(" in source                       # the template, inline
    assert "resource.startswith('arn:aws:s3:::b/')" in source
    assert "not specialised: NumericLessThan" in source   # the compiled clause, called
    assert "# 1." not in source and "# 4." not in source  # no Deny, no resource policy
    # actions whose plans hold the same statements share one function
    engine = ps.engine
    assert engine.decision_function("s3:getobject") is engine.generated_plan(
        "s3:getobject").function
    assert ps.generated_source("S3:GETOBJECT") == source


def test_generated_code_with_every_slot_names_every_step() -> None:
    allow_all = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ps = pe.PolicySet(
        identity=[allow_all], boundary=allow_all, session=[allow_all], scps=[allow_all],
        rcps=[allow_all],
        resource={"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
             "Action": "s3:GetObject", "Resource": "*"}]})
    source = ps.generated_source("s3:GetObject")
    for step in ("# 1.", "# 2.", "# 3.", "# 4.", "# 5.", "# 6.", "# 7."):
        assert step in source
    request = pe.Request("s3:GetObject", "arn:aws:s3:::b/k", PRINCIPALS[0],
                         {"aws:SecureTransport": False})
    assert ps.evaluate(request).decision == "explicit_deny"
    _same(ps, request)
    request = pe.Request("s3:GetObject", "arn:aws:s3:::b/k", PRINCIPALS[0])
    assert ps.evaluate(request).allowed
    _same(ps, request)


def test_code_is_generated_once_an_action_has_been_asked_enough(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy set asked a few questions never pays for writing code (the linter's probes);
    one asked many runs the generated code."""
    monkeypatch.setattr(DecisionEngine, "generate_after", 3)
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}])
    request = pe.Request("s3:GetObject", "arn:aws:s3:::b/k", PRINCIPALS[0])
    for _ in range(3):
        assert ps.evaluate(request).allowed
        assert not ps.engine._generated
    assert ps.evaluate(request).allowed
    assert ps.engine.decision_function("s3:getobject") is ps.engine.generated_plan(
        "s3:getobject").function
    assert "s3:getobject" in ps.engine._by_action


def test_fast_paths_off_selects_the_reference() -> None:
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
    ps.engine.fast_paths = False
    assert ps.engine.decision_function("s3:getobject") == ps.engine.decide_reference
    assert ps.evaluate(pe.Request("s3:GetObject", "arn:aws:s3:::b/k")).allowed


@given(st.sampled_from(ACTIONS), st.sampled_from(RESOURCES))
@settings(max_examples=30, deadline=None)
def test_explanations_of_generated_decisions(action: str, resource: str) -> None:
    """Explanations re-run the compiled predicates: they name the deciding statements."""
    ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*/readonly/*"}]}])
    decision = ps.evaluate(pe.Request(action, resource, PRINCIPALS[0]))
    data = decision.to_dict()
    matching = {(m["policy"], m["statement"]) for m in data["matching_statements"]}
    assert {(r["policy"], r["statement"]) for r in data["deciding_statements"]} <= matching
