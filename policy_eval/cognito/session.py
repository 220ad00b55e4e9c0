"""The request context of a Cognito identity-pool session (spec semantics.md §3.4, §6.5).

One builder for the keys Cognito's token puts in a request — ``aud``, ``sub``, ``amr``
under ``cognito-identity.amazonaws.com`` (``.cn`` in the China partition) — and for the
session keys of the role a Cognito identity assumes. The simulator
(:mod:`policy_eval.cognito.simulate`) and the linter's probes
(:mod:`policy_eval.lint.rules._probe`) both build their contexts here, so a pool in
``cn-north-1`` gives the same keys to both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: The federated principal (and condition-key prefix) of Cognito identity pools.
COGNITO_PRINCIPAL = "cognito-identity.amazonaws.com"
#: The China partition's key prefix (spec §3.4).
COGNITO_PRINCIPAL_CN = COGNITO_PRINCIPAL + ".cn"


def cognito_names(region: str) -> tuple[str, str]:
    """(condition-key prefix, federated principal) for a pool's region (spec §3.4: the China
    partition uses ``cognito-identity.amazonaws.com.cn`` keys and the region-specific
    principal ``cognito-identity.<region>.amazonaws.com.cn``)."""
    if region.startswith("cn-"):
        return COGNITO_PRINCIPAL_CN, f"cognito-identity.{region}.amazonaws.com.cn"
    return COGNITO_PRINCIPAL, COGNITO_PRINCIPAL


def key_prefix_for(principal: str) -> str:
    """The context-key prefix that goes with a Cognito federated principal as written in a
    trust policy (``...amazonaws.com.cn`` principals use the ``.cn`` keys)."""
    return COGNITO_PRINCIPAL_CN if principal.lower().endswith(".cn") else COGNITO_PRINCIPAL


def pool_region(pool_id: str) -> str:
    """The region of an identity pool id (``region:GUID``, spec §6.1)."""
    return pool_id.split(":", 1)[0]


def token_context(pool_id: str, identity_id: str, amr: Iterable[str], *,
                  identity_keys: bool = True) -> dict[str, Any]:
    """The keys Cognito's token puts in STS requests and in the session: ``aud`` (the
    pool), ``sub`` (the identity id) and the multivalued ``amr``, under the prefix of the
    pool's partition. ``identity_keys=False`` leaves ``aud``/``sub`` out (a guest option,
    spec §3.4 [I])."""
    prefix, _ = cognito_names(pool_region(pool_id))
    context: dict[str, Any] = {}
    if identity_keys:
        context[f"{prefix}:aud"] = pool_id
        context[f"{prefix}:sub"] = identity_id
    context[f"{prefix}:amr"] = list(amr)
    return context


def session_context(pool_id: str, identity_id: str, amr: Iterable[str], *,
                    identity_keys: bool = True, role_keys: Mapping[str, Any] | None = None,
                    issue_time: str | None = None,
                    tags: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The request context of a role session obtained through the pool (spec §3.4): the
    token keys, ``aws:FederatedProvider``, the role's principal keys (``aws:userid``,
    ``aws:PrincipalArn``, ... as ``role_keys``), ``aws:TokenIssueTime`` and one
    ``aws:PrincipalTag/<key>`` per principal tag (spec §6.7)."""
    _, federated = cognito_names(pool_region(pool_id))
    context = token_context(pool_id, identity_id, amr, identity_keys=identity_keys)
    context.update(role_keys or {})
    context["aws:FederatedProvider"] = federated
    if issue_time is not None:
        context["aws:TokenIssueTime"] = issue_time
    for key, value in (tags or {}).items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context
