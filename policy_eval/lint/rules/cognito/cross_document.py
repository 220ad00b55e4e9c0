"""Cognito rule: a permission policy reading keys its role's trust policy never provides."""

from __future__ import annotations

from collections.abc import Iterator

from ....document.model import Policy
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _cognito_allows, _CognitoRule, _stmt_ptr


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
