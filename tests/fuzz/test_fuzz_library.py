"""Fuzzing the library: random arguments to ``Request``, ``PolicySet``,
``IdentityPool.load`` and ``IdentityPool.login``/``simulate`` raise the project's errors
(:class:`~policy_eval.errors.PolicyEvalError`, or ``LoginRefused`` for a refused login),
never ``TypeError``, ``ValueError``, ``KeyError`` or ``RecursionError``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import policy_eval as pe
from policy_eval.cognito import LoginRefused
from policy_eval.errors import PolicyEvalError

from ._support import BUDGET, COGNITO, FIXTURES, HOSTILE_TEXT, HOSTILE_VALUE, fuzz_settings, mutated

POLICY = json.loads((FIXTURES / "policies" / "s3-per-identity-prefix.json").read_text())
POOL = json.loads((COGNITO / "pools" / "photo-app.json").read_text())
PHOTO_APP = COGNITO / "pools" / "photo-app.json"
EXPECTED = (PolicyEvalError, LoginRefused)


def within_budget(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call; project errors are fine, anything else fails the property."""
    start = time.monotonic()
    try:
        return call(*args, **kwargs)
    except EXPECTED:
        return None
    finally:
        assert time.monotonic() - start < BUDGET


ACTION = st.one_of(st.sampled_from(["s3:GetObject", "s3:ListBucket", "dynamodb:GetItem"]),
                   HOSTILE_VALUE)
RESOURCE = st.one_of(st.sampled_from(["*", "arn:aws:s3:::example-photo-app-media/x"]),
                     HOSTILE_VALUE)
CONTEXT = st.one_of(st.none(), HOSTILE_VALUE,
                    st.dictionaries(HOSTILE_TEXT, HOSTILE_VALUE, max_size=4))


@fuzz_settings(150)
@given(action=ACTION, resource=RESOURCE, principal=HOSTILE_VALUE, context=CONTEXT)
def test_request_and_evaluate_raise_only_project_errors(action: Any, resource: Any,
                                                        principal: Any, context: Any) -> None:
    request = within_budget(pe.Request, action, resource, principal, context)
    if request is not None:
        policy_set = pe.PolicySet(identity=[POLICY])
        decision = within_budget(policy_set.evaluate, request)
        if decision is not None:
            assert decision.decision in ("allow", "explicit_deny", "implicit_deny")
            decision.explain()


@fuzz_settings(80)
@given(document=st.one_of(mutated(POLICY), HOSTILE_VALUE),
       slot=st.sampled_from(["identity", "resource", "boundary", "session", "scps", "rcps"]))
def test_policy_set_raises_only_project_errors(document: Any, slot: str) -> None:
    policy_set = within_budget(pe.PolicySet, **{slot: [document]})
    if policy_set is not None:
        within_budget(policy_set.evaluate, pe.Request("s3:GetObject", "*"))


@fuzz_settings(30)
@given(pool=mutated(POOL, rounds=2))
def test_identity_pool_from_data_raises_only_project_errors(pool: Any) -> None:
    if not isinstance(pool, dict):
        pool = {"IdentityPool": pool}
    within_budget(pe.IdentityPool.from_dict, pool, base_dir=COGNITO / "pools")


@fuzz_settings(40)
@given(path=st.one_of(HOSTILE_TEXT, st.sampled_from(["/dev/zero", "/", ".", "/dev/null"])))
def test_identity_pool_load_raises_only_project_errors(path: str) -> None:
    within_budget(pe.IdentityPool.load, path)


@pytest.fixture(scope="module")
def pool() -> pe.IdentityPool:
    return pe.IdentityPool.load(PHOTO_APP)


@fuzz_settings(100)
@given(provider=st.one_of(st.none(), st.sampled_from(
           ["accounts.google.com", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E"]),
           HOSTILE_VALUE),
       claims=st.one_of(st.none(), HOSTILE_VALUE, st.dictionaries(
           st.sampled_from(["sub", "aud", "iss", "custom:tier", "cognito:roles",
                            "cognito:preferred_role", "token_use"]) | HOSTILE_TEXT,
           HOSTILE_VALUE, max_size=5)),
       flow=st.one_of(st.sampled_from(["enhanced", "basic"]), HOSTILE_VALUE),
       role_arn=st.one_of(st.none(), HOSTILE_VALUE),
       identity_id=st.one_of(st.none(), HOSTILE_VALUE))
def test_login_raises_only_project_errors(pool: pe.IdentityPool, provider: Any, claims: Any,
                                          flow: Any, role_arn: Any, identity_id: Any) -> None:
    identity = within_budget(pool.login, provider, claims, flow, role_arn, identity_id)
    if identity is not None:
        identity.describe()
        json.dumps(identity.to_dict(), default=str)
        within_budget(identity.can, "s3:GetObject", "arn:aws:s3:::example-photo-app-media/x")


def test_the_fixture_paths_exist() -> None:
    assert PHOTO_APP.is_file() and Path(FIXTURES / "policies").is_dir()
