"""The session context of a Cognito identity: one builder for the simulator and the linter.

The simulator (``IdentityPool.login``) and the linter's probe contexts
(``lint/rules/_probe.cognito_context``) both come from ``policy_eval.cognito.session``;
these tests hold the two together, in the commercial and the China partition.
"""

from __future__ import annotations

import json

import pytest
from _cognito_support import POOLS

from policy_eval.cognito import IdentityPool
from policy_eval.cognito.session import cognito_names, session_context, token_context
from policy_eval.lint.rules import _probe as P

CN_POOL = "cn-north-1:0c1f2a3b-4d5e-4f70-8a9b-0c1d2e3f4a5b"
US_POOL = "us-east-1:0c1f2a3b-4d5e-4f70-8a9b-0c1d2e3f4a5b"


@pytest.mark.parametrize("pool_id,prefix,federated", [
    (US_POOL, "cognito-identity.amazonaws.com", "cognito-identity.amazonaws.com"),
    (CN_POOL, "cognito-identity.amazonaws.com.cn",
     "cognito-identity.cn-north-1.amazonaws.com.cn"),
])
def test_partition_picks_key_prefix_and_principal(pool_id: str, prefix: str,
                                                  federated: str) -> None:
    assert cognito_names(pool_id.split(":")[0]) == (prefix, federated)
    ctx = session_context(pool_id, "id-1", ["unauthenticated"])
    assert ctx[f"{prefix}:aud"] == pool_id
    assert ctx[f"{prefix}:sub"] == "id-1"
    assert ctx[f"{prefix}:amr"] == ["unauthenticated"]
    assert ctx["aws:FederatedProvider"] == federated
    assert token_context(pool_id, "id-1", ["x"], identity_keys=False) == {f"{prefix}:amr": ["x"]}


def _china_pool() -> IdentityPool:
    data = json.loads((POOLS / "corp-docs.json").read_text())
    data["IdentityPool"]["IdentityPoolId"] = CN_POOL
    for r in data["IamRoles"]:
        r["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.cn-north-1.amazonaws.com.cn"},
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com.cn:aud": CN_POOL}}}]}
    return IdentityPool.from_dict(data, base_dir=POOLS)


def test_lint_probe_and_simulator_build_the_same_cognito_keys() -> None:
    """A guest of a China pool: the probe's context carries the same Cognito keys (and
    federated provider) as the simulated session."""
    guest = _china_pool().login()
    probe = P.cognito_context(guest.identity_id, guest=True, pool_id=CN_POOL)
    cognito_keys = {k for k in guest.context if k.startswith("cognito-identity.")}
    assert cognito_keys == {k for k in probe if k.startswith("cognito-identity.")}
    for key in cognito_keys | {"aws:FederatedProvider"}:
        assert probe[key] == guest.context[key], key


def test_probe_role_context_follows_the_pool_partition() -> None:
    facts = P.RoleFacts(cognito=True, role_class="guest",
                        pool={"IdentityPool": {"IdentityPoolId": CN_POOL}})
    ctx = facts.caller_context()
    assert ctx["cognito-identity.amazonaws.com.cn:aud"] == CN_POOL
    assert "cognito-identity.amazonaws.com:aud" not in ctx
