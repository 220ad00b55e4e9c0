"""Cognito guest-role rules: blast radius of the unauthenticated role and the guest scope-down."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ....document.model import Policy
from ....errors import PolicyEvalError
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _CognitoRule, _own_resources, _stmt_ptr

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
    from ....cognito.scope_down import scope_down_policies

    return [p.policy for p in scope_down_policies()]
