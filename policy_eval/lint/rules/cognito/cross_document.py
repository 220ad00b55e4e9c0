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


@register
class CognitoKeysInUserPolicy(_CognitoRule):
    """Cognito variable or key in a policy of an IAM user or group.

    What it does
    ------------
    Flags a statement that uses ``${cognito-identity.amazonaws.com:...}`` variables or
    ``cognito-identity.amazonaws.com:*`` condition keys in a policy known to belong to an
    IAM user or group: an inline policy of ``UserDetailList`` / ``GroupDetailList`` in an
    account export (``aws iam get-account-authorization-details``), a managed policy
    attached only to users or groups there, or the output of ``aws iam get-user-policy`` /
    ``get-group-policy`` saved as a file.

    Why is this bad?
    ----------------
    The Cognito keys exist only in sessions that Cognito created for an identity-pool role.
    A request signed with an IAM user's keys never carries them, so the variable never
    resolves (spec 3.3): a Resource built on it matches nothing (the Allow grants nothing),
    a ``NotResource`` entry excludes nothing, a positive condition is false and a negated
    one true — a Deny built on it silently stops protecting. The policy was written for a
    role and attached to the wrong principal.

    Example
    -------
    ```json
    {"UserName": "report-uploader", "PolicyName": "own-folder",
     "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
       "Action": "s3:PutObject",
       "Resource": "arn:aws:s3:::reports/${cognito-identity.amazonaws.com:sub}/*"}]}}
    ```

    Use instead
    -----------
    ```json
    {"UserName": "report-uploader", "PolicyName": "own-folder",
     "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
       "Action": "s3:PutObject", "Resource": "arn:aws:s3:::reports/${aws:username}/*"}]}}
    ```
    """

    code = "COG022"
    name = "cognito-keys-in-user-policy"
    summary = "Cognito variable or key in a policy of an IAM user or group (never resolves)"
    severity = Severity.warning
    security_severity = 6.0
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        owners = target.related.get("principals")
        if not isinstance(owners, list) or not owners:
            return
        if any(o.get("type") == "role" for o in owners if isinstance(o, dict)):
            return          # also a role's policy: the keys may be present there
        who = ", ".join(f"IAM {o.get('type')} {o.get('name')!r}" for o in owners[:3]
                        if isinstance(o, dict))
        for st in policy.statements:
            if not P.statement_mentions_cognito(st):
                continue
            deny = st.effect == "Deny"
            effect = ("the Deny does not do what it seems to (in Resource it denies nothing, "
                      "in NotResource it denies everything, a negated condition on it is "
                      "always true)" if deny else "the statement never grants what it seems to")
            yield self.make(
                target, _stmt_ptr(target, st),
                f"{st.label} uses cognito-identity.amazonaws.com keys, but the policy belongs "
                f"to {who}: requests signed with an IAM user's keys never carry them, so they "
                f"never resolve and {effect}",
                severity=Severity.error if deny else None,
                fix="attach the policy to the identity-pool role, or use ${aws:username} "
                    "for per-user paths")
