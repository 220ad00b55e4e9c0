"""Cognito identity-pool rules (``COG001``-``COG019``, lint-anchors.md section (b)).

Checks no other linter has: the trust policy of an identity-pool role (``aud``, ``amr``,
the trust action), guest-role blast radius and the guest scope-down, policy variables that
silently do not work, per-identity isolation that does not isolate (undelimited paths,
``ForAnyValue`` on ``dynamodb:LeadingKeys``, vacuous ``ForAllValues`` with ``Scan``,
``Attributes`` without ``Select``, another statement that makes the isolation moot), trust
vs permission policy mismatches, and pool-level settings.

Where a rule can prove its point it does so with the engine (:mod:`._probe`): it builds
concrete Cognito identities and requests, asks :class:`~policy_eval.PolicySet` for the
decision and puts both in ``Finding.evidence``.

Which role a permission policy belongs to (guest or authenticated) is read from, in order:
the role's trust policy (``target.related["role"]["trust"]``, evaluated for a guest and a
signed-in token), the pool file's ``Roles``, and — weakest — the role's or file's name
(``...Unauth...``, ``guest``). Findings say which signal they used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ...catalog import get_catalog
from ...document.model import VERSION_2012, Policy, Statement
from ...document.variables import Text, Variable
from ...engine.explain import Decision
from ...errors import PolicyEvalError, join_pointer
from ..rule import Finding, Severity, Target, register
from . import _probe as P
from ._base import EvidenceRule

__all__ = [
    "AmrMatchesOtherClass", "AmrWithoutForAnyValue", "AttributesWithoutSelect",
    "GuestOutsideScopeDown", "GuestRoleTooBroad", "IsolationMadeMoot",
    "LeadingKeysOperator", "ListBucketWithoutIdentityPrefix", "PoolRiskySettings",
    "RoleCanAdministerPool", "TrustPermissionMismatch", "TrustWeakAud", "TrustWithoutAmr",
    "TrustWithoutAud", "TrustWrongAction", "UndelimitedIdentityPath", "UnknownVariable",
    "VacuousForAllValues", "VariablesWithoutVersion",
]


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


# =========================================================================== trust policy

@register
class TrustWithoutAud(_TrustRule):
    """Trust policy lets any identity pool assume the role (no ``aud`` condition).

    What it does
    ------------
    Flags a role trust policy statement that trusts the federated principal
    ``cognito-identity.amazonaws.com`` (or a regional / China-partition variant) without a
    positive ``StringEquals`` condition on ``cognito-identity.amazonaws.com:aud``. The
    linter proves it with the engine: a token from a pool in another account is accepted.

    Why is this bad?
    ----------------
    Every identity pool in every AWS account mints OpenID tokens signed by the same
    Cognito issuer. Without ``aud`` pinned to your pool id, a user of *any* pool can call
    ``AssumeRoleWithWebIdentity`` (basic flow) with their token and get this role's
    credentials. IAM now refuses to create such trust policies, but existing roles keep
    them (Cognito developer guide, "Role trust and permissions").

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"ForAnyValue:StringLike": {
          "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG001"
    name = "cognito-trust-without-aud"
    summary = "Cognito trust policy has no aud condition: any identity pool can assume the role"
    severity = Severity.error
    security_severity = 9.3

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            positive = [c for c in _clauses(st, "aud") if not c.parsed_operator.base.negated]
            if positive:
                continue
            principal = _federated(st)
            evidence: dict[str, Any] = {"probes": []}
            accepted = False
            for guest in (False, True):
                d, probe = _assume_probe(trust, st, guest=guest, pool_id=P.FOREIGN_POOL_ID)
                evidence["probes"].append(probe)
                accepted = accepted or bool(d and d.allowed)
            message = (f"{st.label} trusts {principal} without a StringEquals condition on "
                       f"{P.key_prefix_for(principal)}:aud")
            message += (f": a token from another identity pool ({P.FOREIGN_POOL_ID}) is accepted"
                        if accepted else "; IAM requires aud on identity-pool roles")
            yield self.make(target, _stmt_ptr(target, st), message, evidence=evidence,
                            fix='add "StringEquals": {"cognito-identity.amazonaws.com:aud": '
                                '"<your identity pool id>"}')


@register
class TrustWeakAud(_TrustRule):
    """``aud`` condition that does not pin concrete identity pool ids.

    What it does
    ------------
    Flags an ``aud`` condition of a Cognito trust statement that uses wildcards
    (``StringLike`` with ``*``/``?``), a set operator (``ForAnyValue:``/``ForAllValues:``),
    ``...IfExists``, or a value that is not a well-formed identity pool id
    (``region:GUID``). A wildcard is proved with the engine: a made-up pool id that the
    pattern accepts is assumed successfully. A malformed id fails closed (no pool can
    match, so the role cannot be assumed at all) and is reported at info level.

    Why is this bad?
    ----------------
    ``aud`` is the only thing that ties the role to *your* pool. ``us-east-1:*`` accepts
    every pool in the region, in every account; ``ForAllValues`` holds when the key is
    missing.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG002"
    name = "cognito-trust-weak-aud"
    summary = "aud condition uses wildcards, a set operator, IfExists or a malformed pool id"
    severity = Severity.warning
    security_severity = 7.5

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            for clause in _clauses(st, "aud"):
                op = clause.parsed_operator
                if op.base.negated:
                    continue
                ptr = P.relative(target.policy, clause.pointer)
                wild = [v for v in clause.values if "*" in v or "?" in v]
                problems = []
                if op.base.wildcards and wild:
                    problems.append(f"wildcard value {wild[0]!r}")
                if op.set_qualifier:
                    problems.append(f"set operator {op.set_qualifier}: (aud is single-valued)")
                if op.if_exists:
                    problems.append("IfExists (holds when aud is absent)")
                if any("${" in v for v in clause.values):
                    problems.append("a policy variable as the pool id")
                if problems:
                    evidence = None
                    if wild:
                        fake = wild[0].replace("*", "ffff0000-aaaa-4bbb-8ccc-dddd")
                        fake = fake.replace("?", "f")
                        d, probe = _assume_probe(trust, st, guest=False, pool_id=fake)
                        evidence = {"probe": probe}
                        if d is not None and d.allowed:
                            problems[0] += f", which also accepts the pool {fake!r}"
                    yield self.make(target, ptr, f"{st.label}: the aud condition {clause.operator} "
                                    f"does not pin your identity pool: " + "; ".join(problems),
                                    evidence=evidence,
                                    fix="use StringEquals with the exact identity pool id(s)")
                    continue
                bad = [v for v in clause.values if not _POOL_ID_RE.match(v)
                       or not _REGION_RE.match(v.split(":")[0])]
                if bad:
                    yield self.make(
                        target, ptr, f"{st.label}: {bad[0]!r} is not a well-formed identity pool "
                        "id (region:GUID); no pool can match it, so this statement never lets "
                        "anyone assume the role", severity=Severity.info, security=0.0,
                        fix="use the pool id from the Cognito console or DescribeIdentityPool")


@register
class TrustWithoutAmr(_TrustRule):
    """Cognito trust policy without an ``amr`` condition.

    What it does
    ------------
    Flags a Cognito trust statement with no condition on
    ``cognito-identity.amazonaws.com:amr``, and shows with the engine that both a guest
    token (``amr = ["unauthenticated"]``) and a signed-in token are accepted.

    Why is this bad?
    ----------------
    One role then serves guests and signed-in users alike. With the basic (classic) flow a
    guest — anyone who knows the pool id shipped in the app — can take the role meant for
    signed-in users. AWS's best practice is ``aud`` **and** ``amr`` on every such role.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud":
              "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG003"
    name = "cognito-trust-without-amr"
    summary = "Cognito trust policy has no amr condition: guests and signed-in users share the role"
    severity = Severity.warning
    security_severity = 7.5

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            if _clauses(st, "amr"):
                continue
            principal = _federated(st)
            probes, accepted = [], []
            for guest in (True, False):
                d, probe = _assume_probe(trust, st, guest=guest)
                probes.append(probe)
                if d is not None and d.allowed:
                    accepted.append("guest" if guest else "signed-in")
            msg = f"{st.label} has no condition on {P.key_prefix_for(principal)}:amr"
            if len(accepted) == 2:
                msg += ": both guest and signed-in tokens are accepted"
            yield self.make(target, _stmt_ptr(target, st), msg, evidence={"probes": probes},
                            fix='add "ForAnyValue:StringLike": '
                                '{"cognito-identity.amazonaws.com:amr":'
                                ' "authenticated"} (or "unauthenticated" for the guest role)')


@register
class AmrWithoutForAnyValue(_TrustRule):
    """``amr`` tested without ``ForAnyValue:`` (or with ``ForAllValues:``).

    What it does
    ------------
    Flags a condition on the multivalued key ``cognito-identity.amazonaws.com:amr`` whose
    operator has no set qualifier (``StringLike``) or uses ``ForAllValues:``. The engine
    shows what happens to a real signed-in token
    (``["authenticated", "<provider>", ...]``) and to a token without ``amr``.

    Why is this bad?
    ----------------
    ``amr`` holds several values. A plain operator on a multivalued key never matches
    (spec 4.4), so the role silently cannot be assumed; ``ForAllValues:`` fails for every
    signed-in user (the provider entry is not ``authenticated``) and is vacuously true
    when ``amr`` is absent. The documented form is ``ForAnyValue:StringLike``.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG004"
    name = "cognito-amr-without-for-any-value"
    summary = "amr (multivalued) tested without ForAnyValue: or with ForAllValues:"
    severity = Severity.error
    security_severity = 7.0

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        assert target.policy is not None
        for st in target.policy.statements:
            for clause in _clauses(st, "amr"):
                op = clause.parsed_operator
                if op.set_qualifier == "ForAnyValue" or op.base.family == "Null":
                    continue
                evidence = None
                if st.effect == "Allow" and st in _cognito_allows(target):
                    evidence = {"signed_in_token": _assume_probe(trust, st, guest=False)[1]}
                what = ("ForAllValues: requires every amr entry to match (a signed-in token "
                        "also carries its provider) and holds when amr is absent"
                        if op.set_qualifier == "ForAllValues" else
                        "a plain operator never matches the multivalued amr key")
                yield self.make(target, P.relative(target.policy, clause.pointer),
                                f"{st.label}: {clause.operator} on amr: {what}",
                                evidence=evidence,
                                fix=f"use ForAnyValue:{op.base.name}")


@register
class AmrMatchesOtherClass(_TrustRule):
    """``amr`` condition also admits the other class of identity (guest vs signed-in).

    What it does
    ------------
    Evaluates each Cognito trust statement that has an ``amr`` condition for a guest token
    and a signed-in token. Flags it when both are accepted (``*authenticated``, ``*``), or
    when the role is known to be the authenticated role (pool ``Roles``, role or file
    name) but accepts guests, or the reverse.

    Why is this bad?
    ----------------
    ``*authenticated`` also matches ``unauthenticated``. A guest — anyone with the pool id
    — then gets the signed-in users' role.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "*authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG005"
    name = "cognito-amr-matches-other-class"
    summary = "amr condition admits guests on a signed-in role (or the reverse)"
    severity = Severity.error
    security_severity = 9.1

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        role = P.role_link(target)
        expected: str | None = None
        why = ""
        facts_pool = target.related.get("pool")
        slot = target.related.get("pool_role")
        if slot in ("unauthenticated", "authenticated"):
            expected = "guest" if slot == "unauthenticated" else "authenticated"
            why = f"the pool's {slot} role"
        elif facts_pool is not None and isinstance(role.get("arn"), str):
            _, roles, _ = P._pool_parts(facts_pool)
            if roles.get("unauthenticated") == role["arn"]:
                expected, why = "guest", "the pool's unauthenticated role"
            elif roles.get("authenticated") == role["arn"]:
                expected, why = "authenticated", "the pool's authenticated role"
        if expected is None:
            expected, why = P.name_class(role.get("name") if isinstance(role.get("name"), str)
                                         else None, role.get("arn") if isinstance(
                                             role.get("arn"), str) else None, target.path)
        for st in _cognito_allows(target):
            if not _clauses(st, "amr"):
                continue
            results = {}
            probes = []
            for guest in (True, False):
                d, probe = _assume_probe(trust, st, guest=guest)
                results[guest] = bool(d and d.allowed)
                probes.append(probe)
            msg = None
            if results[True] and results[False]:
                msg = f"{st.label}: the amr condition accepts both guest and signed-in tokens"
            elif expected == "authenticated" and results[True]:
                msg = (f"{st.label}: the role is the authenticated role ({why}) but its amr "
                       "condition accepts guest (unauthenticated) tokens")
            elif expected == "guest" and results[False]:
                msg = (f"{st.label}: the role is the guest role ({why}) but its amr condition "
                       "accepts signed-in tokens")
            if msg:
                ptr = P.relative(target.policy, _clauses(st, "amr")[0].pointer)
                yield self.make(target, ptr, msg, evidence={"probes": probes},
                                fix='match exactly "authenticated" or "unauthenticated"')


_GOOD_TRUST_ACTIONS = {"sts:assumerolewithwebidentity", "sts:tagsession"}


@register
class TrustWrongAction(_CognitoRule):
    """Cognito trust statement with an action other than ``sts:AssumeRoleWithWebIdentity``.

    What it does
    ------------
    Flags a statement trusting ``cognito-identity.amazonaws.com`` whose actions do not
    include ``sts:AssumeRoleWithWebIdentity``, or include actions other than it and
    ``sts:TagSession`` (``sts:AssumeRole``, ``sts:AssumeRoleWithSAML``, ``sts:*``,
    ``NotAction``).

    Why is this bad?
    ----------------
    Cognito (and a basic-flow client) obtains credentials only through
    ``AssumeRoleWithWebIdentity``; ``sts:AssumeRole`` with a federated principal is a
    common mistake (danilop/LambdAuth #4) that leaves the role unusable, and wildcards
    trust more than intended.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG006"
    name = "cognito-trust-wrong-action"
    summary = "Cognito trust statement does not (only) allow sts:AssumeRoleWithWebIdentity"
    severity = Severity.error
    kinds = ("trust",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            element = "Action" if st.actions is not None else "NotAction"
            ptr = P.element_pointer(target, st, element)
            if st.not_actions is not None:
                yield self.make(target, ptr, f"{st.label} uses NotAction with the Cognito "
                                "principal: it trusts every STS action except those listed",
                                fix='use "Action": "sts:AssumeRoleWithWebIdentity"')
                continue
            actions = {a.lower(): a for a in P.expand(st.actions or ())}
            extra = sorted(v for k, v in actions.items() if k not in _GOOD_TRUST_ACTIONS)
            if "sts:assumerolewithwebidentity" not in actions:
                yield self.make(target, ptr, f"{st.label} trusts the Cognito principal but does "
                                "not allow sts:AssumeRoleWithWebIdentity, the only action Cognito "
                                "uses: the role cannot be used by the identity pool",
                                fix='use "Action": "sts:AssumeRoleWithWebIdentity"')
            elif extra:
                shown = ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else "")
                yield self.make(target, ptr, f"{st.label} also allows {shown} for the Cognito "
                                "principal; only sts:AssumeRoleWithWebIdentity (and "
                                "sts:TagSession) belong here",
                                fix='use "Action": ["sts:AssumeRoleWithWebIdentity", '
                                    '"sts:TagSession"]')


# =========================================================================== guest role

_SENSITIVE_SERVICES = ("iam", "sts", "cognito-identity", "cognito-idp", "organizations")
_WRITE_LEVELS = ("Write", "Permissions management", "Tagging")


class _GuestRule(_CognitoRule):
    """A rule on the permission policy of an identity pool's guest role (nothing when the
    role is not known to be the guest role)."""

    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        facts = P.role_facts(target)
        if facts.guest:
            yield from self.check_guest(target, policy, facts)

    def check_guest(self, target: Target, policy: Policy,
                    facts: P.RoleFacts) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def _guest_context(facts: P.RoleFacts) -> dict[str, Any]:
    pool = facts.trust.pool_ids[0] if facts.trust and facts.trust.pool_ids else P.PROBE_POOL_ID
    return P.cognito_context(P.IDENTITY_A, guest=True, pool_id=pool)


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
        if concrete.startswith("arn:") and concrete.count(":") >= 5:
            out.append(concrete)
    return out


@register
class GuestRoleTooBroad(_GuestRule):
    """Guest (unauthenticated) role grants more than read-only access to scoped resources.

    What it does
    ------------
    For a policy of an identity pool's guest role, probes every kind of action the role
    grants with the engine (as a guest identity) and flags statements that allow:
    actions on *any* resource (``Resource: "*"`` or an effectively unscoped pattern),
    write / permissions-management / tagging actions, or any action of ``iam``, ``sts``,
    ``cognito-identity`` or ``cognito-idp``. Unscoped write or sensitive-service access is
    an error; unscoped reads and scoped writes are warnings (one level above the same
    grant on a signed-in role). Grants whose Resource does not fit the action's resource
    type are reported as dead today but still wrong by intent.

    Why is this bad?
    ----------------
    Anyone who has the identity pool id (it ships inside the app) gets guest credentials
    with ``GetId`` + ``GetCredentialsForIdentity``, no sign-in needed. Riancho's 2019 scan
    found 2,500 pools whose roles reached 13,000 non-public S3 buckets this way.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_AppUnauth_Role-policy",
     "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_AppUnauth_Role-policy",
     "Statement": [{"Effect": "Allow",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-public-assets/public/*"}]}
    ```

    (The policy ``Id`` names the guest role, which is how the linter knows the role when
    no trust policy or pool file is linked.)
    """

    code = "COG007"
    name = "cognito-guest-role-too-broad"
    summary = "guest role grants writes, sensitive services or access to any resource"
    severity = Severity.error
    security_severity = 9.1

    def check_guest(self, target: Target, policy: Policy,
                    facts: P.RoleFacts) -> Iterator[Finding]:
        ctx = _guest_context(facts)
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            try:
                ps = P.statement_set(policy, st)
            except PolicyEvalError:
                continue
            if ps is None:
                continue
            actions = P.statement_actions(st)
            probe = P.representatives(actions, 2) + [
                a for a in actions if a.split(":")[0].lower() in _SENSITIVE_SERVICES][:40]
            unscoped: dict[str, str] = {}
            evidence: list[dict[str, Any]] = []
            for action in dict.fromkeys(probe):
                res = P.concrete_resource(action)
                d, used = P.first_allowed(ps, action, res, P.adversarial_contexts([st], ctx))
                if d is not None and d.allowed:
                    unscoped[action] = P.access_level(action)
                    if len(evidence) < 3:
                        evidence.append(P.request_evidence(action, res, used, d,
                            keys=["cognito-identity.amazonaws.com:amr"]))
            sensitive = sorted({a for a in actions
                                if a.split(":")[0].lower() in _SENSITIVE_SERVICES})
            writes = [a for a in actions if P.access_level(a) in _WRITE_LEVELS]
            live_writes: list[str] = []
            dead_writes: list[str] = []
            for action in writes[:60]:
                if action in unscoped:
                    continue
                own = _own_resources(st, action, ctx, policy.variables_enabled)
                allowed = False
                for res in own[:3]:
                    d = P.decide(ps, action, res, ctx)
                    if d is not None and d.allowed:
                        allowed = True
                        if len(evidence) < 4:
                            evidence.append(P.request_evidence(
                                action, res, ctx, d, keys=["cognito-identity.amazonaws.com:amr"]))
                        break
                if allowed:
                    live_writes.append(action)
                elif not own:
                    dead_writes.append(action)    # the Resource does not fit the action
                # else: the engine denies the guest (a condition keeps guests out)
            unscoped_writes = [a for a, lvl in unscoped.items() if lvl in _WRITE_LEVELS]
            parts: list[str] = []
            severity, security = Severity.warning, 7.5
            if unscoped_writes or sensitive:
                severity, security = Severity.error, 9.1
            if unscoped:
                parts.append("actions on any resource (" + ", ".join(sorted(unscoped)[:4])
                             + (" ..." if len(unscoped) > 4 else "") + ")")
                security = max(security, 8.0)
            if sensitive:
                parts.append("actions of sensitive services (" + ", ".join(sensitive[:3])
                             + (" ..." if len(sensitive) > 3 else "") + ")")
            if live_writes:
                parts.append("write access (" + ", ".join(live_writes[:3])
                             + (" ..." if len(live_writes) > 3 else "") + ")")
            if dead_writes and not live_writes and not unscoped_writes:
                parts.append("write actions (" + ", ".join(dead_writes[:3]) + ") on a resource "
                             "that does not fit their resource type: dead today, but a guest "
                             "would get them once the ARN is corrected")
            if not parts:
                continue
            yield self.make(
                target, _stmt_ptr(target, st),
                f"{st.label} of a guest role (known from {facts.reason}) grants "
                + "; ".join(parts) + " to anyone holding the identity pool id",
                severity=severity, security=security, evidence={"probes": evidence},
                fix="give guests read-only access to explicitly named public resources")


@register
class GuestOutsideScopeDown(_GuestRule):
    """Guest role grants actions the enhanced-flow scope-down removes.

    What it does
    ------------
    For a guest-role policy, evaluates each granted action twice with the engine: with the
    role's policy alone (the basic flow) and capped by the guest scope-down session
    policies Cognito passes in the enhanced flow (spec 6.6; the data is
    ``policy_eval/cognito/data/scope_down``). Reports the actions that only the basic flow
    can use. When the pool file says ``AllowClassicFlow: true`` these grants are live and
    the finding's security severity goes up.

    Why is this bad?
    ----------------
    Under the enhanced flow these permissions are dead (clients get ``AccessDenied``);
    they come alive the day someone enables the classic flow, where the guest, not
    Cognito, picks the role and no scope-down applies.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_AppUnauth_Role-policy",
     "Statement": [{"Effect": "Allow",
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-config-AbCdEf"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_AppUnauth_Role-policy",
     "Statement": [{"Effect": "Allow",
      "Action": "polly:SynthesizeSpeech", "Resource": "*"}]}
    ```

    (The policy ``Id`` names the guest role, which is how the linter knows the role when
    no trust policy or pool file is linked.)
    """

    code = "COG008"
    name = "cognito-guest-outside-scope-down"
    summary = "guest role grants actions outside the enhanced-flow scope-down"
    severity = Severity.warning
    security_severity = 5.0

    def check_guest(self, target: Target, policy: Policy,
                    facts: P.RoleFacts) -> Iterator[Finding]:
        session = _scope_down()
        if not session:
            return
        ctx = _guest_context(facts)
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            own = P.alone(policy, st)
            role_only = P.policy_set([own])
            capped = P.policy_set([own], session=list(session))
            if role_only is None or capped is None:
                continue
            cut: list[str] = []
            evidence: list[dict[str, Any]] = []
            for action in P.representatives(P.statement_actions(st), 2)[:200]:
                targets = _own_resources(st, action, ctx, policy.variables_enabled) or [
                    P.concrete_resource(action)]
                res = targets[0]
                d1 = P.decide(role_only, action, res, ctx)
                if d1 is None or not d1.allowed:
                    continue
                d2 = P.decide(capped, action, res, ctx)
                if d2 is not None and not d2.allowed:
                    cut.append(action)
                    if len(evidence) < 2:
                        evidence.append({"basic_flow": P.request_evidence(action, res, ctx, d1,
                                                                          keys=[]),
                                         "enhanced_flow": P.request_evidence(action, res, ctx,
                                                                             d2, keys=[])})
            if not cut:
                continue
            services = sorted({a.split(":")[0] for a in cut})
            classic = facts.classic_flow is True
            msg = (f"{st.label} of a guest role (known from {facts.reason}) grants "
                   f"{', '.join(sorted(cut)[:4])}{' ...' if len(cut) > 4 else ''} "
                   f"(services: {', '.join(services)}), which the enhanced-flow guest "
                   "scope-down removes: ")
            msg += ("the pool enables the classic flow, so guests can use them" if classic else
                    "dead under the enhanced flow, live if the classic flow is ever enabled")
            yield self.make(target, _stmt_ptr(target, st), msg,
                            security=7.5 if classic else None, evidence={"probes": evidence},
                            fix="remove the grants guests cannot use, or move them to the "
                                "authenticated role")


def _scope_down() -> list[Policy]:
    """The default guest scope-down session policies (from the Cognito simulator's data)."""
    try:
        from ...cognito.scope_down import scope_down_policies
        return [p.policy for p in scope_down_policies()]
    except (ImportError, OSError, PolicyEvalError, KeyError, ValueError):
        return []


# =========================================================================== pool admin

#: cognito-identity actions a client legitimately needs (public APIs of the flows).
_CLIENT_FLOW = {"cognito-identity:getid", "cognito-identity:getopenidtoken",
                "cognito-identity:getcredentialsforidentity", "cognito-identity:unlinkidentity"}
#: Reads that enumerate identities or mint tokens (lint-anchors COG009).
_MINTING_READS = {"cognito-identity:getopenidtokenfordeveloperidentity",
                  "cognito-identity:lookupdeveloperidentity", "cognito-identity:listidentities",
                  "cognito-identity:describeidentity"}


def _pool_admin_actions(actions: Iterable[str]) -> list[str]:
    out = []
    for a in actions:
        low = a.lower()
        svc = low.split(":")[0]
        if svc == "cognito-identity":
            if low in _CLIENT_FLOW:
                continue
            if low in _MINTING_READS or P.access_level(a) in ("Write", "Permissions management"):
                out.append(a)
        elif svc == "cognito-idp" and low.startswith("cognito-idp:admin"):
            out.append(a)
    return out


@register
class RoleCanAdministerPool(_CognitoRule):
    """Identity-pool role can change the pool or mint identities.

    What it does
    ------------
    For a policy of a role used through an identity pool, probes with the engine whether
    an identity of the pool may call pool administration APIs on any pool:
    ``cognito-identity:SetIdentityPoolRoles``, ``UpdateIdentityPool``,
    ``DeleteIdentityPool``, ``MergeDeveloperIdentities``, ``SetPrincipalTagAttributeMap``,
    ``GetOpenIdTokenForDeveloperIdentity``, ``ListIdentities``, ``LookupDeveloperIdentity``,
    ... (write actions from the catalogue plus the minting / enumerating reads), or
    ``cognito-idp:Admin*`` on user pools.

    Why is this bad?
    ----------------
    A user can swap the pool's roles (role swap), mint tokens for any developer identity
    (impersonation), enumerate identity ids (guest ids are bearer credentials) or delete
    the pool. The old console default ``cognito-identity:*`` on ``*`` gives all of it.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["cognito-identity:*", "cognito-sync:*"], "Resource": "*"},
     {"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG009"
    name = "cognito-role-can-administer-pool"
    summary = "identity-pool role can change the pool, mint or enumerate identities"
    severity = Severity.error
    security_severity = 9.4
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        facts = P.role_facts(target)
        if not facts.cognito:
            return
        ps = P.policy_set([policy])
        if ps is None:
            return
        ctx = P.cognito_context(guest=facts.guest)
        by_statement: dict[str, tuple[Statement, list[str], list[dict[str, Any]]]] = {}
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            for action in _pool_admin_actions(P.statement_actions(st)):
                res = P.concrete_resource(action)
                d, used = P.first_allowed(ps, action, res, P.adversarial_contexts([st], ctx))
                if d is None or not d.allowed or not d.statements:
                    continue
                decider = d.statements[0].statement
                entry = by_statement.setdefault(decider.pointer, (decider, [], []))
                if action not in entry[1]:
                    entry[1].append(action)
                    if len(entry[2]) < 3:
                        entry[2].append(P.request_evidence(action, res, used, d, keys=[],
                                                           statement=decider))
        for decider, actions, evidence in by_statement.values():
            shown = ", ".join(sorted(actions)[:5]) + (" ..." if len(actions) > 5 else "")
            yield self.make(target, _stmt_ptr(target, decider),
                            f"{decider.label} lets identities of the pool call {shown} on "
                            "any pool: role swap, identity minting or enumeration",
                            evidence={"probes": evidence},
                            fix="remove cognito-identity administration actions from "
                                "identity-pool roles; clients need none of them")


# =========================================================================== variables

def _strings_with_variables(st: Statement) -> Iterator[tuple[str, str, int | None, str]]:
    """(element, text, index, clause pointer or '') for every Resource/NotResource/condition
    string that contains ``${``."""
    for element, values in (("Resource", st.resources), ("NotResource", st.not_resources)):
        for i, text in enumerate(values or ()):
            if "${" in text:
                yield element, text, i, ""
    for clause in st.conditions:
        for i, text in enumerate(clause.values):
            if "${" in text:
                yield "Condition", text, i, clause.pointer


@register
class VariablesWithoutVersion(_CognitoRule):
    """Policy variables in a policy whose Version is 2008-10-17 or missing.

    What it does
    ------------
    Flags a policy that uses ``${...}`` (for example
    ``${cognito-identity.amazonaws.com:sub}``) while its ``Version`` is ``2008-10-17`` or
    absent (AWS then applies 2008-10-17). The engine shows an identity being refused its
    own resource, because the variable is taken as literal text.

    Why is this bad?
    ----------------
    Per-identity isolation silently breaks: an Allow matches nothing (users lose
    access), and a Deny or NotResource built on a variable never applies (fail open).

    Example
    -------
    ```json
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG010"
    name = "variables-without-2012-version"
    summary = "policy variables with Version 2008-10-17 or no Version are taken literally"
    severity = Severity.error
    security_severity = 6.0
    kinds = ("identity", "resource", "boundary", "session", "scp", "rcp")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if policy.version == VERSION_2012:
            return
        for st in policy.statements:
            found = next(_strings_with_variables(st), None)
            if found is None:
                continue
            element, text, index, cptr = found
            ptr = (P.relative(policy, cptr) if cptr else P.element_pointer(target, st, element,
                                                                           index))
            evidence = None
            if element == "Resource" and st.actions:
                acts = P.expand(st.actions[:1])
                if acts:
                    ctx = P.cognito_context()
                    res = P.instantiate(text, {k: v for k, v in ctx.items() if isinstance(v, str)})
                    ps = P.statement_set(policy, st)
                    if ps is not None and res.startswith("arn:"):
                        d = P.decide(ps, acts[0], res, ctx)
                        evidence = {"own_resource": P.request_evidence(
                            acts[0], res, ctx, d, keys=["cognito-identity.amazonaws.com:sub"])}
            version = ("Version is missing (AWS applies 2008-10-17)" if policy.version is None
                       else f"Version is {policy.version}")
            effect = ("the Deny never matches the caller's resources (fails open)"
                      if st.effect == "Deny" or element == "NotResource" else
                      "the Allow matches only the literal text, so identities lose access")
            yield self.make(target, ptr, f"{version}: {text!r} in {st.label} is not a policy "
                            f"variable under this version; {effect}",
                            severity=Severity.error,
                            security=8.0 if st.effect == "Deny" or element == "NotResource"
                            else None, evidence=evidence,
                            fix='add "Version": "2012-10-17"')


#: Variables whose values all have the same length (a prefix of one cannot be another).
_FIXED_LENGTH = {"cognito-identity.amazonaws.com:sub", "cognito-identity.amazonaws.com:aud",
                 "cognito-identity.amazonaws.com.cn:sub", "cognito-identity.amazonaws.com.cn:aud",
                 "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}


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


def _undelimited(parts: tuple[Any, ...]) -> list[Variable]:
    """Variables followed by a wildcard with no ``/`` in between."""
    out = []
    for i, part in enumerate(parts):
        if not isinstance(part, Variable):
            continue
        for nxt in parts[i + 1:]:
            if isinstance(nxt, Text):
                cut = min([p for p in (nxt.value.find("*"), nxt.value.find("?")) if p >= 0],
                          default=-1)
                head = nxt.value if cut < 0 else nxt.value[:cut]
                if "/" in head:
                    break
                if cut >= 0:
                    out.append(part)
                    break
            elif isinstance(nxt, Variable):
                continue
            else:
                if nxt.value == "/":
                    break
        # a variable at the end (exact match) or followed by "/" is delimited
    return out


@register
class UndelimitedIdentityPath(_CognitoRule):
    """Per-identity path not closed by a ``/`` before a wildcard.

    What it does
    ------------
    Flags an Allow whose Resource or ``...Like`` condition value puts a wildcard right
    after a per-identity variable (``.../${cognito-identity.amazonaws.com:sub}*``,
    ``home/${aws:username}*``, ``s3:prefix`` ``private/${sub}*``). The engine proves it:
    for variable-length values (user names, principal tags) identity ``bob`` reaches
    identity ``bobby``'s objects; for the fixed-length identity id, an identity reaches
    keys outside its folder (``private/<id>x``).

    Why is this bad?
    ----------------
    A prefix is not a folder. Without the ``/`` the pattern covers every value that starts
    with the caller's value: other users' data, or sibling keys the caller can create to
    escape the per-identity folder.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::app/home/${aws:PrincipalTag/username}*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::app/home/${aws:PrincipalTag/username}/*"}]}
    ```
    """

    code = "COG011"
    name = "undelimited-per-identity-path"
    summary = "wildcard right after a per-identity variable (no '/' delimiter)"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity", "resource", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            for element, text, index, cptr in _strings_with_variables(st):
                if element == "NotResource":
                    continue
                if cptr:
                    clause = next(c for c in st.conditions if c.pointer == cptr)
                    base = clause.parsed_operator.base
                    if not base.wildcards or base.negated:
                        continue
                parts = P.template_parts(text)
                bad = [v for v in _undelimited(parts) if _is_per_identity(v)]
                if not bad:
                    continue
                var = bad[0]
                fixed = var.folded in _FIXED_LENGTH
                evidence = self._prove(policy, st, element, text, var, fixed,
                                       clause_key=(next(c for c in st.conditions
                                                        if c.pointer == cptr).key
                                                   if cptr else None))
                ptr = (P.relative(policy, cptr) if cptr else
                       P.element_pointer(target, st, element, index))
                if fixed:
                    msg = (f"{text!r}: no '/' after ${{{var.key}}} before the wildcard, so an "
                           "identity also reaches keys outside its own folder (e.g. "
                           "'<identity-id>x')")
                    sev = 5.3
                else:
                    msg = (f"{text!r}: no '/' after ${{{var.key}}} before the wildcard, so "
                           "'bob' also reaches the data of 'bobby'")
                    sev = 7.5
                if evidence and evidence.get("decision") == "allow":
                    msg += " (proved with the engine, see evidence)"
                yield self.make(target, ptr, msg, security=sev, evidence=evidence,
                                fix="close the per-identity segment: ${...}/*")

    @staticmethod
    def _prove(policy: Policy, st: Statement, element: str, text: str, var: Variable,
               fixed: bool, clause_key: str | None) -> dict[str, Any] | None:
        a_val = _values_for(var, "A")
        b_val = a_val if fixed else a_val + "by"
        ctx_a = P.cognito_context()
        ctx_a[var.key] = a_val
        values_b = {k: v for k, v in ctx_a.items() if isinstance(v, str)}
        values_b[var.key] = b_val
        fill = "x/notes.txt" if fixed else "/notes.txt"
        reached = P.instantiate(text, values_b, fill=fill)
        ps = P.statement_set(policy, st)
        if ps is None or not st.actions:
            return None
        actions = P.expand(st.actions)
        if not actions:
            return None
        if element == "Resource":
            action, resource, ctx = actions[0], reached, ctx_a
        else:
            action = actions[0]
            own = _own_resources(st, action, ctx_a, True)
            resource = own[0] if own else P.concrete_resource(action)
            ctx = {**ctx_a, clause_key or "": reached}
        if not resource.startswith("arn:"):
            return None
        d = P.decide(ps, action, resource, ctx)
        out = P.request_evidence(action, resource, ctx, d,
                                 keys=[var.key] + ([clause_key] if clause_key else []))
        out["identity_a"] = a_val
        if not fixed:
            out["identity_b"] = b_val
        return out


_USER_POOL_CLAIM = re.compile(r"^(cognito:|custom:|cognito-idp\.)", re.IGNORECASE)
_PROVIDER_KEYS = re.compile(r"^(www\.amazon\.com|graph\.facebook\.com|accounts\.google\.com|"
                            r"appleid\.apple\.com|api\.twitter\.com):", re.IGNORECASE)


@register
class UnknownVariable(_CognitoRule):
    """Policy variable that does not exist, never resolves, or is absent for Cognito.

    What it does
    ------------
    Checks every ``${...}`` in Resource and condition values: Cognito keys must be
    ``cognito-identity.amazonaws.com:sub`` / ``:aud`` (``:amr`` is multivalued and never
    resolves); typos such as ``cognito-identity.amazon.com:sub`` or unknown keys are
    errors; user-pool claims (``cognito:username``, ``custom:...``) are not context keys;
    in a role used through an identity pool ``${aws:username}`` and provider keys
    (``${www.amazon.com:user_id}``) are never present; with a pool file, an
    ``aws:PrincipalTag/<k>`` must be one the pool maps.

    Why is this bad?
    ----------------
    A variable with no value matches nothing: the Allow grants nothing, and a Deny or
    ``NotResource`` built on it silently stops protecting.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazon.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG012"
    name = "unknown-policy-variable"
    summary = "policy variable is unknown, multivalued, a user-pool claim or absent for Cognito"
    severity = Severity.error
    kinds = ("identity", "resource", "boundary", "session", "scp", "rcp")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        cat = get_catalog()
        facts: P.RoleFacts | None = None
        tags = _mapped_tags(target.related.get("pool"))
        seen: set[tuple[str, str]] = set()
        for st in policy.statements:
            for element, text, index, cptr in _strings_with_variables(st):
                for part in P.template_parts(text):
                    if not isinstance(part, Variable):
                        continue
                    key, low = part.key, part.folded
                    ptr = (P.relative(policy, cptr) if cptr else
                           P.element_pointer(target, st, element, index))
                    if (ptr, low) in seen:
                        continue
                    seen.add((ptr, low))
                    msg, sev = None, Severity.error
                    claim = P.cognito_claim(key)
                    info = cat.condition_key(key)
                    if claim is not None and claim not in ("sub", "aud", "amr"):
                        msg = (f"${{{key}}}: Cognito sessions carry only :sub, :aud and :amr "
                               "under this prefix")
                    elif claim == "amr" or (info is not None and info.multivalued):
                        msg = (f"${{{key}}} is multivalued; only single-valued keys can be "
                               "policy variables, so it never resolves")
                    elif low.startswith("cognito-identity") and claim is None:
                        msg = (f"${{{key}}} is not a Cognito key (did you mean "
                               "cognito-identity.amazonaws.com:sub?)")
                    elif _USER_POOL_CLAIM.match(key):
                        msg = (f"${{{key}}} is a user-pool token claim, not a request context "
                               "key; map it to a principal tag and use ${aws:PrincipalTag/...}")
                    elif info is None and part.default is None:
                        msg = f"${{{key}}} is not a known condition key, so it never resolves"
                    elif low.startswith("aws:principaltag/") and tags is not None and \
                            low.split("/", 1)[1] not in tags:
                        msg = (f"${{{key}}}: the pool maps no principal tag "
                               f"{key.split('/', 1)[1]!r} (it maps: "
                               f"{', '.join(sorted(tags)) or 'none'})")
                    else:
                        if facts is None:
                            facts = P.role_facts(target)
                        if facts.cognito and low == "aws:username":
                            msg = ("${aws:username} is present only for IAM users; a role "
                                   "session from an identity pool never has it")
                            sev = Severity.warning
                        elif facts.cognito and _PROVIDER_KEYS.match(key):
                            msg = (f"${{{key}}} exists only when a client calls "
                                   "AssumeRoleWithWebIdentity with that provider's token; "
                                   "Cognito sessions use cognito-identity.amazonaws.com:sub")
                            sev = Severity.warning
                    if msg:
                        yield self.make(target, ptr, f"{st.label}: {msg}", severity=sev)


def _mapped_tags(pool: Any) -> set[str] | None:
    """Principal tag keys the pool file maps (None when unknown)."""
    if not isinstance(pool, dict) or not isinstance(pool.get("PrincipalTagAttributeMaps"), dict):
        return None
    out: set[str] = set()
    for entry in pool["PrincipalTagAttributeMaps"].values():
        if not isinstance(entry, dict):
            continue
        if entry.get("UseDefaults"):
            out.update({"username", "client"})
        tags = entry.get("PrincipalTags")
        if isinstance(tags, dict):
            out.update(k.lower() for k in tags)
    return out


# =========================================================================== S3 / DynamoDB

_S3_OBJECT = re.compile(r"^arn:[^:]+:s3:::([^/]+)/(.*)$")
_S3_BUCKET = re.compile(r"^arn:[^:]+:s3:::([^/*?]+)$")


def _per_identity_buckets(targets: Iterable[Target]) -> dict[str, str]:
    """Buckets holding per-identity data in the role's policies -> the key prefix above the
    per-identity segment (``private/``)."""
    out: dict[str, str] = {}
    for t in targets:
        pol = t.policy
        if pol is None or not pol.variables_enabled:
            continue
        for st in pol.statements:
            if st.effect != "Allow":
                continue
            for res in st.resources or ():
                m = _S3_OBJECT.match(res)
                if m and "${" not in m.group(1):
                    prefix = _prefix_before_identity(m.group(2))
                    if prefix is not None:
                        out.setdefault(m.group(1), prefix)
            for clause in st.conditions:
                if clause.folded_key != "s3:prefix":
                    continue
                for value in clause.values:
                    prefix = _prefix_before_identity(value)
                    if prefix is None:
                        continue
                    for res in st.resources or ():
                        b = _S3_BUCKET.match(res)
                        if b:
                            out.setdefault(b.group(1), prefix)
    return out


def _prefix_before_identity(text: str) -> str | None:
    parts = P.template_parts(text)
    head: list[str] = []
    for part in parts:
        if isinstance(part, Variable):
            return "".join(head) if _is_per_identity(part) else None
        head.append(part.value)
        if isinstance(part, Text) and ("*" in part.value or "?" in part.value):
            return None
    return None


@register
class ListBucketWithoutIdentityPrefix(_CognitoRule):
    """``s3:ListBucket`` on a per-identity bucket without an ``s3:prefix`` restriction.

    What it does
    ------------
    Finds buckets whose keys are per identity (``.../${cognito-identity.amazonaws.com:sub}/...``
    in this policy or the role's other policies) and probes ``s3:ListBucket`` on them with
    the engine, as identity A: without a prefix, and with the folder that holds every
    identity's folder (``private/`` with delimiter ``/``). Either one allowed is reported.

    Why is this bad?
    ----------------
    The listing returns every identity id. Guest identity ids are bearer credentials
    (``GetCredentialsForIdentity`` needs nothing else for a guest), and they name every
    other user's folder.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app"},
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app",
       "Condition": {"StringLike": {
           "s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/*"]}}},
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG013"
    name = "list-bucket-without-identity-prefix"
    summary = "s3:ListBucket on a per-identity bucket without an s3:prefix condition"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        buckets = _per_identity_buckets(P.role_policies(target))
        if not buckets:
            return
        facts = P.role_facts(target)
        ctx = P.cognito_context(guest=facts.guest)
        for st in policy.statements:
            if st.effect != "Allow" or "s3:ListBucket" not in P.statement_actions(st):
                continue
            ps = P.statement_set(policy, st)
            if ps is None:
                continue
            for bucket, prefix in buckets.items():
                res = f"arn:aws:s3:::{bucket}"
                probes = [dict(ctx)]
                probes.append({**ctx, "s3:prefix": prefix, "s3:delimiter": "/"})
                d, used = P.first_allowed(ps, "s3:ListBucket", res, probes)
                if d is None or not d.allowed:
                    continue
                listed = ("the whole bucket" if "s3:prefix" not in used
                          else f"the prefix {prefix!r} (every identity's folder)")
                yield self.make(
                    target, _stmt_ptr(target, st),
                    f"{st.label} lets any identity list {listed} of {bucket}, which holds "
                    "per-identity folders: every identity id leaks (guest ids are bearer "
                    "credentials)",
                    evidence={"probe": P.request_evidence("s3:ListBucket", res, used, d,
                                                          keys=["s3:prefix", "s3:delimiter"],
                                                          statement=st)},
                    fix='add "StringLike": {"s3:prefix": ["' + prefix
                        + '${cognito-identity.amazonaws.com:sub}/*"]}')
                break


def _leading_key_values(clause: Any, who: str) -> dict[str, str]:
    """Context for the variables in a LeadingKeys clause (identity A's or B's values)."""
    out: dict[str, str] = {}
    for value in clause.values:
        for part in P.template_parts(value):
            if isinstance(part, Variable):
                out[part.key] = _values_for(part, who)
    return out


@register
class LeadingKeysOperator(_CognitoRule):
    """``dynamodb:LeadingKeys`` tested with ``ForAnyValue:`` or without a set operator.

    What it does
    ------------
    Flags a condition on ``dynamodb:LeadingKeys`` whose operator is ``ForAnyValue:...``
    (in an Allow) or has no set qualifier. For ``ForAnyValue`` the engine shows a
    ``BatchGetItem`` by identity A that carries its own key and identity B's key being
    allowed.

    Why is this bad?
    ----------------
    ``LeadingKeys`` holds every partition key a request touches. ``ForAnyValue`` passes
    when *one* of them is the caller's, so a batch request reads or writes other users'
    items. A plain operator on this multivalued key never matches (AWS requires
    ``ForAllValues``): the grant does nothing, a Deny never applies.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAnyValue:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```
    """

    code = "COG014"
    name = "leading-keys-without-for-all-values"
    summary = "dynamodb:LeadingKeys with ForAnyValue: or a plain operator"
    severity = Severity.error
    security_severity = 9.1
    kinds = ("identity", "resource", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in policy.statements:
            for clause in st.conditions:
                if clause.folded_key != "dynamodb:leadingkeys":
                    continue
                op = clause.parsed_operator
                ptr = P.relative(policy, clause.pointer)
                if op.set_qualifier is None and op.base.family != "Null":
                    yield self.make(target, ptr, f"{st.label}: {clause.operator} on the "
                                    "multivalued dynamodb:LeadingKeys never matches; "
                                    + ("the Deny never applies" if st.effect == "Deny" else
                                       "the statement grants nothing"),
                                    security=5.0, fix=f"use ForAllValues:{op.base.name}")
                elif op.set_qualifier == "ForAnyValue" and st.effect == "Allow" \
                        and not op.base.negated:
                    yield self.make(target, ptr, f"{st.label}: ForAnyValue on "
                                    "dynamodb:LeadingKeys passes when one key is the caller's: "
                                    "a batch request reaches other identities' items",
                                    evidence=self._prove(policy, st, clause),
                                    fix=f"use ForAllValues:{op.base.name}")

    @staticmethod
    def _prove(policy: Policy, st: Statement, clause: Any) -> dict[str, Any] | None:
        actions = P.statement_actions(st)
        action = next((a for a in ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                                   "dynamodb:GetItem", "dynamodb:Query") if a in actions), None)
        if action is None:
            return None
        ctx = P.cognito_context()
        ctx.update(_leading_key_values(clause, "A"))
        own = _own_resources(st, action, ctx, policy.variables_enabled)
        ps = P.statement_set(policy, st)
        if not own or ps is None:
            return None
        keys_a = [P.instantiate(v, ctx) for v in clause.values[:1]]
        keys_b = [P.instantiate(v, {**ctx, **_leading_key_values(clause, "B")})
                  for v in clause.values[:1]]
        ctx["dynamodb:LeadingKeys"] = keys_a + [k for k in keys_b if k not in keys_a]
        d = P.decide(ps, action, own[0], ctx)
        return P.request_evidence(action, own[0], ctx, d, keys=["dynamodb:LeadingKeys"])


#: Item-level actions whose requests always carry the partition key (DynamoDB developer
#: guide, fine-grained access control; spec 5.1): they are the safe ones.
@register
class VacuousForAllValues(_CognitoRule):
    """``ForAllValues`` on ``dynamodb:LeadingKeys`` with actions that carry no keys.

    What it does
    ------------
    For an Allow that isolates identities with ``ForAllValues:... dynamodb:LeadingKeys``,
    finds the actions whose requests carry no ``LeadingKeys`` (the service reference lists
    no such key for them: ``Scan``, ``DescribeTable``, ``ListTables``...; PartiQL selects
    doing a full-table scan) and shows with the engine that identity A's ``Scan`` of the
    table is allowed.

    Why is this bad?
    ----------------
    ``ForAllValues`` is true when the key is absent. ``dynamodb:*`` or an added ``Scan``
    turns per-identity rows into a readable table. AWS's own example lists item-level
    actions only.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```
    """

    code = "COG015"
    name = "for-all-values-vacuous-for-action"
    summary = "ForAllValues LeadingKeys Allow includes actions without keys (Scan): whole table"
    severity = Severity.error
    security_severity = 9.1
    kinds = ("identity", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        cat = get_catalog()
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            clause = next((c for c in st.conditions if c.folded_key == "dynamodb:leadingkeys"
                           and c.parsed_operator.set_qualifier == "ForAllValues"
                           and not c.parsed_operator.base.negated), None)
            if clause is None:
                continue
            keyless = []
            for action in P.statement_actions(st):
                if not action.lower().startswith("dynamodb:"):
                    continue
                keys = {k.lower() for k in cat.condition_keys_for_action(action)}
                if "dynamodb:leadingkeys" not in keys or "dynamodb:fulltablescan" in keys:
                    keyless.append(action)
            if not keyless:
                continue
            ps = P.statement_set(policy, st)
            if ps is None:
                continue
            ctx = P.cognito_context()
            ctx.update(_leading_key_values(clause, "A"))
            allowed: list[str] = []
            evidence: list[dict[str, Any]] = []
            order = sorted(keyless, key=lambda a: (a != "dynamodb:Scan", a))
            for action in order:
                own = _own_resources(st, action, ctx, policy.variables_enabled) or [
                    P.concrete_resource(action)]
                probe_ctx = dict(ctx)
                if action == "dynamodb:PartiQLSelect":
                    probe_ctx["dynamodb:FullTableScan"] = True
                d = P.decide(ps, action, own[0], probe_ctx)
                if d is not None and d.allowed:
                    allowed.append(action)
                    if len(evidence) < 2:
                        evidence.append(P.request_evidence(
                            action, own[0], probe_ctx, d,
                            keys=["dynamodb:LeadingKeys", "dynamodb:FullTableScan"]))
            if not allowed:
                continue
            shown = ", ".join(allowed[:5]) + (" ..." if len(allowed) > 5 else "")
            yield self.make(target, P.relative(policy, clause.pointer),
                            f"{st.label}: ForAllValues on dynamodb:LeadingKeys is vacuously "
                            f"true for {shown}, whose requests carry no partition key: the "
                            "whole table is readable", evidence={"probes": evidence},
                            fix='list item-level actions only, or add "Null": '
                                '{"dynamodb:LeadingKeys": "false"}')


_SELECT_ACTIONS = ("dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:BatchGetItem")


@register
class AttributesWithoutSelect(_CognitoRule):
    """``dynamodb:Attributes`` allow-list without ``dynamodb:Select = SPECIFIC_ATTRIBUTES``.

    What it does
    ------------
    Flags an Allow that restricts ``dynamodb:Attributes`` for read actions (Query, Scan,
    GetItem, BatchGetItem) but has no condition pinning ``dynamodb:Select`` to
    ``SPECIFIC_ATTRIBUTES``. The engine shows a ``Query`` with
    ``Select = ALL_PROJECTED_ATTRIBUTES`` being allowed.

    Why is this bad?
    ----------------
    Without the ``Select`` condition a Query or Scan on an index returns every projected
    attribute, including the ones the allow-list meant to hide (DynamoDB developer guide,
    fine-grained access control).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": ["arn:aws:dynamodb:us-east-1:111122223333:table/Players",
                   "arn:aws:dynamodb:us-east-1:111122223333:table/Players/index/*"],
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
          "dynamodb:Attributes": ["UserId", "Score"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": ["arn:aws:dynamodb:us-east-1:111122223333:table/Players",
                   "arn:aws:dynamodb:us-east-1:111122223333:table/Players/index/*"],
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
          "dynamodb:Attributes": ["UserId", "Score"]},
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}]}
    ```
    """

    code = "COG016"
    name = "attributes-without-select"
    summary = "dynamodb:Attributes restriction without dynamodb:Select = SPECIFIC_ATTRIBUTES"
    severity = Severity.warning
    security_severity = 7.0
    kinds = ("identity", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            attrs = next((c for c in st.conditions if c.folded_key == "dynamodb:attributes"
                          and not c.parsed_operator.base.negated), None)
            if attrs is None:
                continue
            reads = [a for a in _SELECT_ACTIONS if a in P.statement_actions(st)]
            if not reads:
                continue
            select_ok = any(c.folded_key == "dynamodb:select" and not c.parsed_operator.base.negated
                            and c.parsed_operator.set_qualifier is None
                            and set(c.values) == {"SPECIFIC_ATTRIBUTES"} for c in st.conditions)
            if select_ok:
                continue
            evidence = None
            ps = P.statement_set(policy, st)
            action = "dynamodb:Query" if "dynamodb:Query" in reads else reads[0]
            ctx = P.cognito_context()
            for c in st.conditions:
                if c.folded_key == "dynamodb:leadingkeys":
                    ctx.update(_leading_key_values(c, "A"))
                    ctx["dynamodb:LeadingKeys"] = [P.instantiate(c.values[0], ctx)]
            ctx["dynamodb:Attributes"] = ([P.instantiate(attrs.values[0], ctx)]
                                          if attrs.values else [])
            ctx["dynamodb:Select"] = "ALL_PROJECTED_ATTRIBUTES"
            own = _own_resources(st, action, ctx, policy.variables_enabled)
            if ps is not None and own:
                res = next((r for r in own if "/index/" in r), own[0])
                d = P.decide(ps, action, res, ctx)
                evidence = P.request_evidence(action, res, ctx, d, keys=[
                    "dynamodb:Select", "dynamodb:Attributes", "dynamodb:LeadingKeys"])
            yield self.make(target, P.relative(policy, attrs.pointer),
                            f"{st.label} restricts dynamodb:Attributes for {', '.join(reads)} "
                            "but does not require dynamodb:Select = SPECIFIC_ATTRIBUTES: a "
                            "Query or Scan with ALL_PROJECTED_ATTRIBUTES returns the other "
                            "attributes", evidence=evidence,
                            fix='add "StringEqualsIfExists": {"dynamodb:Select": '
                                '"SPECIFIC_ATTRIBUTES"}')


# =========================================================================== isolation moot

def _isolation_probes(policy: Policy, st: Statement) -> list[tuple[str, str, dict[str, Any],
                                                                   dict[str, Any]]]:
    """(action, identity B's resource, identity A's context, what isolates) for one
    statement that isolates identities."""
    if st.effect != "Allow" or not policy.variables_enabled or st.actions is None:
        return []
    out = []
    actions = P.statement_actions(st)
    ctx_a = P.cognito_context()
    for res in st.resources or ():
        parts = P.template_parts(res)
        vars_ = [p for p in parts if isinstance(p, Variable) and _is_per_identity(p)]
        if not vars_:
            continue
        values_a = {v.key: _values_for(v, "A") for v in vars_}
        values_b = {**{k: v for k, v in ctx_a.items() if isinstance(v, str)},
                    **{v.key: _values_for(v, "B") for v in vars_}}
        res_b = P.instantiate(res, values_b, fill="probe")
        cat = get_catalog()
        for action in P.representatives(actions, 3)[:12]:
            rts = cat.resource_types_of_action(action)
            if rts and not any(cat.arn_matches_resource_type(res, rt) for rt in rts):
                continue
            out.append((action, res_b, {**ctx_a, **values_a}, {"resource": res}))
    for clause in st.conditions:
        if clause.folded_key == "dynamodb:leadingkeys" and \
                clause.parsed_operator.set_qualifier == "ForAllValues":
            values_a = _leading_key_values(clause, "A")
            values_b = _leading_key_values(clause, "B")
            if not values_a:
                continue
            key_b = P.instantiate(clause.values[0], {**ctx_a, **values_b})
            for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"):
                if action not in actions:
                    continue
                own = _own_resources(st, action, ctx_a, True)
                if own:
                    out.append((action, own[0], {**ctx_a, **values_a,
                                                 "dynamodb:LeadingKeys": [key_b]},
                                {"condition": "dynamodb:LeadingKeys"}))
        if clause.folded_key == "s3:prefix" and "s3:ListBucket" in actions:
            for value in clause.values:
                parts = P.template_parts(value)
                vars_ = [p for p in parts if isinstance(p, Variable) and _is_per_identity(p)]
                if not vars_:
                    continue
                values_b = {v.key: _values_for(v, "B") for v in vars_}
                prefix_b = P.instantiate(value, {**ctx_a, **values_b}, fill="")
                own = _own_resources(st, "s3:ListBucket", ctx_a, True)
                if own:
                    out.append(("s3:ListBucket", own[0],
                                {**ctx_a, **{v.key: _values_for(v, "A") for v in vars_},
                                 "s3:prefix": prefix_b}, {"condition": "s3:prefix"}))
                break
    return out


@register
class IsolationMadeMoot(_CognitoRule):
    """Per-identity isolation made moot by another Allow statement.

    What it does
    ------------
    Takes every statement of the role (this policy and, when known, the role's other
    permission policies) that isolates identities — a per-identity variable in the
    Resource, ``ForAllValues`` on ``dynamodb:LeadingKeys``, an ``s3:prefix`` condition —
    and asks the engine whether *another* Allow statement of this policy grants identity
    A the same action on identity B's resource. Reports that statement.

    Why is this bad?
    ----------------
    Permissions are a union: one broad statement (``s3:GetObject`` on ``bucket/*``) next to
    the careful per-identity one lets every user read every other user's data; the
    careful statement only looks like protection.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app/public/*"}]}
    ```
    """

    code = "COG017"
    name = "per-identity-isolation-made-moot"
    summary = "another Allow statement grants what a per-identity statement isolates"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        probes = []
        for t in P.role_policies(target):
            pol = t.policy
            if pol is None:
                continue
            for st in pol.statements:
                for probe in _isolation_probes(pol, st):
                    probes.append((t, st, probe))
        if not probes:
            return
        denies = [s for t in P.role_policies(target) if t.policy is not None
                  for s in t.policy.statements if s.effect == "Deny"]
        for other in policy.statements:
            if other.effect != "Allow":
                continue
            try:
                from ...document.model import parse_policy
                doc = P.statement_policy(policy, [other, *denies])
                ps = P.policy_set([parse_policy(doc, kind="identity")])
            except PolicyEvalError:
                continue
            if ps is None:
                continue
            hits: list[dict[str, Any]] = []
            actions: list[str] = []
            isolating = None
            for t, st, (action, res_b, ctx_a, what) in probes:
                if t is target and st is other:
                    continue
                if action in actions:
                    continue
                d = P.decide(ps, action, res_b, ctx_a)
                if d is not None and d.allowed:
                    actions.append(action)
                    isolating = isolating or (t, st, what)
                    if len(hits) < 2:
                        hits.append(P.request_evidence(
                            action, res_b, ctx_a, d,
                            keys=["cognito-identity.amazonaws.com:sub", "s3:prefix",
                                  "dynamodb:LeadingKeys"]))
            if not actions or isolating is None:
                continue
            t, st, what = isolating
            where = st.label if t is target else f"{st.label} of {t.path or 'another policy'}"
            yield self.make(target, _stmt_ptr(target, other),
                            f"{other.label} grants {', '.join(actions[:4])} on other identities' "
                            f"resources (identity A reaches identity B's), which makes the "
                            f"per-identity isolation of {where} moot",
                            evidence={"probes": hits, "isolating": {"statement": st.index,
                                                                    "path": t.path, **what}},
                            fix="scope this statement to shared prefixes, or add the same "
                                "per-identity restriction")


# =========================================================================== cross-document

@register
class TrustPermissionMismatch(_CognitoRule):
    """Trust and permission policies of one role disagree about Cognito.

    What it does
    ------------
    With the role's documents linked (a role bundle or pool file): flags a permission
    policy that uses ``cognito-identity.amazonaws.com`` variables or keys while the trust
    policy does not trust the Cognito principal (error), and a trust policy that trusts
    Cognito *and* another principal (warning).

    Why is this bad?
    ----------------
    The Cognito keys exist only in sessions Cognito created; for any other caller the
    per-identity statements match nothing — or, in a Deny, protect nothing. A role shared
    between app users and a service or account mixes two trust levels: whatever the
    other principal needs, every app user gets.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com",
                    "Service": "lambda.amazonaws.com"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"],
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG018"
    name = "trust-and-permissions-mismatch"
    summary = "permission policy uses Cognito keys the trust policy cannot provide, or mixed trust"
    severity = Severity.error
    security_severity = 7.0
    kinds = ("trust", "identity")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if target.kind == "trust":
            trust = P.trust_policy_of(target)
            if trust is None:
                return
            facts = P.analyse_trust(trust)
            if facts.trusts_cognito and facts.other_principals:
                st = _cognito_allows(target)[0]
                yield self.make(target, _stmt_ptr(target, st),
                                "the role trusts cognito-identity.amazonaws.com and also "
                                f"{', '.join(facts.other_principals[:3])}: app users share a "
                                "role with another kind of caller", severity=Severity.warning,
                                fix="use a separate role for each kind of caller")
            return
        role = target.related.get("role")
        if not isinstance(role, dict) or role.get("trust") is None:
            return
        trust = P.trust_policy_of(role["trust"])
        if trust is None or P.analyse_trust(trust).trusts_cognito:
            return
        if not P.policy_mentions_cognito(policy):
            return
        st = next(s for s in policy.statements if P.statement_mentions_cognito(s))
        yield self.make(target, _stmt_ptr(target, st),
                        f"{st.label} uses cognito-identity.amazonaws.com keys, but the role's "
                        "trust policy does not trust the Cognito principal: the keys are never "
                        "present, so the statement matches nothing",
                        fix="trust cognito-identity.amazonaws.com, or use keys the trusted "
                            "principal carries")


# =========================================================================== pool settings

#: OIDC standard claims (and Cognito user-pool standard attributes) a user can change
#: unless the app client's write attributes forbid it (Cognito developer guide,
#: "Role-based access control": use only claims users cannot edit).
_USER_WRITABLE_CLAIMS = {"name", "given_name", "family_name", "middle_name", "nickname",
                         "preferred_username", "profile", "picture", "website", "email",
                         "gender", "birthdate", "zoneinfo", "locale", "phone_number",
                         "address", "updated_at"}


def _writable(claim: Any) -> bool:
    return isinstance(claim, str) and (claim.lower().startswith("custom:")
                                       or claim.lower() in _USER_WRITABLE_CLAIMS)


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class _PoolView:
    """The settings COG019 reads, from a pool file, SetIdentityPoolRoles input or a
    CloudFormation template: (pointer, value) pairs."""

    def __init__(self, data: Any) -> None:
        self.pools: list[tuple[str, dict[str, Any]]] = []          # (pointer, settings)
        self.mappings: list[tuple[str, dict[str, Any]]] = []       # (pointer, RoleMapping)
        self.tag_maps: list[tuple[str, dict[str, Any]]] = []       # (pointer, {tag: claim})
        if not isinstance(data, dict):
            return
        resources = data.get("Resources")
        if isinstance(resources, dict):
            self._template(resources)
            return
        ip = data.get("IdentityPool")
        if isinstance(ip, dict):
            self.pools.append(("/IdentityPool", ip))
        elif "AllowUnauthenticatedIdentities" in data:
            self.pools.append(("", data))
        self._mappings("/RoleMappings", data.get("RoleMappings"))
        maps = data.get("PrincipalTagAttributeMaps")
        if isinstance(maps, dict):
            for provider, entry in maps.items():
                if isinstance(entry, dict) and isinstance(entry.get("PrincipalTags"), dict):
                    self.tag_maps.append((join_pointer("/PrincipalTagAttributeMaps", provider,
                                                       "PrincipalTags"), entry["PrincipalTags"]))

    def _mappings(self, pointer: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, mapping in value.items():
                if isinstance(mapping, dict):
                    self.mappings.append((join_pointer(pointer, key), mapping))

    def _template(self, resources: dict[str, Any]) -> None:
        for name, res in resources.items():
            if not isinstance(res, dict) or not isinstance(res.get("Properties"), dict):
                continue
            props, base = res["Properties"], join_pointer("/Resources", name, "Properties")
            kind = res.get("Type")
            if kind == "AWS::Cognito::IdentityPool":
                self.pools.append((base, props))
            elif kind == "AWS::Cognito::IdentityPoolRoleAttachment":
                self._mappings(join_pointer(base, "RoleMappings"), props.get("RoleMappings"))
            elif kind == "AWS::Cognito::IdentityPoolPrincipalTag" and isinstance(
                    props.get("PrincipalTags"), dict):
                self.tag_maps.append((join_pointer(base, "PrincipalTags"), props["PrincipalTags"]))


@register
class PoolRiskySettings(_CognitoRule):
    """Identity pool settings that weaken the roles' protection.

    What it does
    ------------
    On a pool file (AWS API shapes) or a CloudFormation template, flags:
    ``AllowUnauthenticatedIdentities`` together with ``AllowClassicFlow`` (guests choose
    the role and escape the scope-down); a ``Rules`` role mapping whose
    ``AmbiguousRoleResolution`` is ``AuthenticatedRole`` (users no rule matches still get
    credentials); rules on claims users can edit (``custom:*``, ``locale``, ``email``...);
    principal tags mapped from such claims.

    Why is this bad?
    ----------------
    Role selection and principal tags are only as trustworthy as the claims behind them;
    a user who can set ``custom:role = admin`` on their own profile picks the admin role.
    The classic flow lets a guest call ``AssumeRoleWithWebIdentity`` itself, with no
    scope-down session policy.

    Example
    -------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": true}}
    ```

    Use instead
    -----------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": false}}
    ```
    """

    code = "COG019"
    name = "identity-pool-risky-settings"
    summary = ("guests with the classic flow, AuthenticatedRole fallback, rules or tags on "
               "editable claims")
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("pool",)
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        view = _PoolView(target.data)
        for ptr, pool in view.pools:
            if _truthy(pool.get("AllowUnauthenticatedIdentities")) and \
                    _truthy(pool.get("AllowClassicFlow")):
                yield self.make(target, ptr + "/AllowClassicFlow",
                                "the pool allows guests and the classic (basic) flow: a guest "
                                "can call AssumeRoleWithWebIdentity on any role that trusts the "
                                "pool, with no scope-down session policy",
                                fix="set AllowClassicFlow to false")
        for ptr, mapping in view.mappings:
            rules = mapping.get("RulesConfiguration", {})
            rule_list = rules.get("Rules") if isinstance(rules, dict) else None
            if mapping.get("Type") == "Rules" and \
                    mapping.get("AmbiguousRoleResolution") == "AuthenticatedRole":
                yield self.make(target, ptr + "/AmbiguousRoleResolution",
                                "users that no rule matches get the default authenticated role "
                                "(AmbiguousRoleResolution: AuthenticatedRole); use Deny unless "
                                "that role is meant for every signed-in user",
                                security=5.0, fix='set AmbiguousRoleResolution to "Deny"')
            for i, rule in enumerate(rule_list if isinstance(rule_list, list) else []):
                if isinstance(rule, dict) and _writable(rule.get("Claim")):
                    yield self.make(target, f"{ptr}/RulesConfiguration/Rules/{i}/Claim",
                                    f"role rule on the claim {rule['Claim']!r}, which users can "
                                    "edit unless the app client's write attributes exclude it: "
                                    f"a user sets it to {rule.get('Value')!r} and gets "
                                    f"{rule.get('RoleARN')!r}",
                                    fix="map roles from claims users cannot write (cognito:groups)")
        for ptr, tags in view.tag_maps:
            for tag, claim in tags.items():
                if _writable(claim):
                    yield self.make(target, join_pointer(ptr, tag),
                                    f"principal tag {tag!r} comes from the claim {claim!r}, which "
                                    "users can edit unless the app client's write attributes "
                                    "exclude it; policies that test this tag trust the user",
                                    fix="map principal tags from immutable claims")
