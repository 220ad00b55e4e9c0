"""Shared bases and helpers of the Cognito rule family (trust probes, statement helpers)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ....document.model import Policy, Statement
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
