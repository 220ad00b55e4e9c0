"""Shared bases and helpers of the Cognito rule family: trust probes, statement helpers, and
the per-identity probes (which variables are per identity, identity A's and B's values for
them, the concrete resources a statement grants them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ....catalog import get_catalog
from ....document.model import Policy, Statement
from ....document.values import is_arn
from ....document.variables import Variable, template_parts
from ....engine.explain import Decision
from ...rule import Finding, Target
from .. import _probe as P
from .._base import EvidenceRule


class _CognitoRule(EvidenceRule):
    """A rule of the family (findings with their own severity and evidence)."""


class _TrustRule(_CognitoRule):
    """A rule on a role trust policy (parsed as ``trust``, so the engine can evaluate it)."""

    kinds = ("trust",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        trust = P.trust_policy_of(target)
        if trust is not None:
            yield from self.check_trust(target, trust)

    def check_trust(self, target: Target,
                    trust: Policy) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def _cognito_allows(target: Target) -> list[Statement]:
    return P.cognito_statements(target.policy) if target.policy is not None else []


def _stmt_ptr(target: Target, st: Statement) -> str:
    return P.relative(target.policy, st.pointer)


def _clauses(st: Statement, claim: str) -> list[Any]:
    return [c for c in st.conditions if P.cognito_claim(c.key) == claim]


def _federated(st: Statement) -> str:
    assert st.principal is not None
    return next(v for v in st.principal.values_of("Federated") if P.is_cognito_principal(v))


def _statement_pool(st: Statement) -> str:
    """The first identity pool the statement pins ``aud`` to (else the probe pool)."""
    return next(iter(P.statement_pool_ids(st)), P.PROBE_POOL_ID)


def _assume_probe(trust: Policy, st: Statement, *, guest: bool,
                  pool_id: str | None = None) -> tuple[Decision | None, dict[str, Any]]:
    """Would STS accept a Cognito token (a guest's or a signed-in user's, of ``pool_id``;
    by default the statement's own pool) with ``st`` as the trust policy's only Allow?
    The engine's decision and the probe as evidence."""
    principal = _federated(st)
    d, ctx = P.trust_decision(P.alone(trust, st, kind="trust"), guest=guest,
                              pool_id=_statement_pool(st) if pool_id is None else pool_id,
                              principal=principal)
    return d, P.request_evidence("sts:AssumeRoleWithWebIdentity", P.PROBE_ROLE_ARN, ctx, d,
                                 principal)


_POOL_ID_RE = re.compile(r"^[\w-]+:[0-9a-f-]+$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


# ---------------------------------------------------------------- per-identity probes

def _is_per_identity(var: Variable) -> bool:
    key = var.folded
    return (P.cognito_claim(key) == "sub" or key in ("aws:username", "aws:userid",
                                                     "aws:principalarn")
            or key.startswith("aws:principaltag/")
            or (":" in key and key.split(":")[0].endswith((".com", ".com.cn"))
                and P.cognito_claim(key) is None))


def _values_for(var: Variable, who: str) -> str:
    """Probe values of a per-identity variable for identity A or B."""
    key = var.folded
    if P.cognito_claim(key) == "sub":
        return P.IDENTITY_A if who == "A" else P.IDENTITY_B
    if P.cognito_claim(key) == "aud":
        return P.PROBE_POOL_ID
    if key.startswith("aws:principaltag/"):
        return "team-a" if who == "A" else "team-b"
    if key == "aws:userid":
        return "AROAPROBEROLEID:" + ("alice" if who == "A" else "bob")
    return "alice" if who == "A" else "bob"


def _leading_key_values(clause: Any, who: str) -> dict[str, str]:
    """Context for the variables in a LeadingKeys clause (identity A's or B's values)."""
    out: dict[str, str] = {}
    for value in clause.values:
        for part in template_parts(value):
            if isinstance(part, Variable):
                out[part.key] = _values_for(part, who)
    return out


def _own_resources(st: Statement, action: str, ctx: dict[str, Any],
                   enabled: bool) -> list[str]:
    """Concrete resources of the statement's own Resource entries that the action accepts."""
    if st.resources is None:
        return []
    cat = get_catalog()
    rts = cat.resource_types_of_action(action)
    values = {k: v for k, v in ctx.items() if isinstance(v, str)}
    out = []
    for res in st.resources:
        if res == "*":
            out.append(P.concrete_resource(action))
            continue
        if rts and not any(cat.arn_matches_resource_type(res, rt) for rt in rts):
            continue
        concrete = P.instantiate(res, values, enabled=enabled)
        if is_arn(concrete):
            out.append(concrete)
    return out
