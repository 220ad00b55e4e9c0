"""Cognito rule: an identity-pool role that can administer the pool or mint identities."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ....document.model import Policy, Statement
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _CognitoRule, _stmt_ptr

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
            guess = (f" (an identity-pool role: {facts.basis})" if facts.cognito_guessed
                     else "")
            yield self.make(target, _stmt_ptr(target, decider),
                            f"{decider.label} lets identities of the pool call {shown} on "
                            f"any pool: role swap, identity minting or enumeration{guess}",
                            severity=Severity.info if facts.cognito_guessed else None,
                            evidence={"probes": evidence},
                            fix="remove cognito-identity administration actions from "
                                "identity-pool roles; clients need none of them")
