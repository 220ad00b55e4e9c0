"""PRN: principals in resource-based and role trust policies - syntax, public access,
NotPrincipal, and whether a trust policy's action fits the kind of principal it trusts.

The Cognito principal (``cognito-identity.amazonaws.com``) is the COG family's business;
these rules cover AWS accounts and roles, services, SAML and other OIDC providers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...catalog import glob_match
from ...document.model import Policy, Statement
from ...errors import ErrorCode, join_pointer
from ..rule import Finding, Severity, Target, register
from ._base import PRINCIPAL_KINDS, ParseErrorRule, StatementRule, raw_at, string_items

_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws):(root|user/.+|role/.+|"
                      r"assumed-role/[^/]+/.+|federated-user/.+|group/.+)$")
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$|^[a-z0-9-]+\.amazon\.com$")
_SAML = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/[\w+=,.@-]+$")
_OIDC = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/.+$")
_WEB_IDENTITY = ("cognito-identity.amazonaws.com", "cognito-identity.amazonaws.com.cn",
                 "www.amazon.com", "graph.facebook.com", "accounts.google.com")
_CANONICAL = re.compile(r"^[0-9a-f]{64}$")
_UNIQUE_ID = re.compile(r"^(AIDA|AROA|AIPA|ANPA|ANVA|ASIA|AGPA|AKIA)[A-Z0-9]{12,}$")


def principal_values(target: Target, statement: Statement,
                     element: str = "Principal") -> Iterator[tuple[str, str, str]]:
    """(type, value, pointer) of every principal of a statement; type ``*`` for ``"*"``."""
    raw = raw_at(target, join_pointer(statement.pointer, element))
    base = join_pointer(statement.pointer, element)
    if raw == "*":
        yield "*", "*", base
    elif isinstance(raw, dict):
        for ptype, value in raw.items():
            for item, at in string_items(value, join_pointer(base, ptype)):
                yield ptype, item, at


def principal_problem(ptype: str, value: str) -> str | None:
    """Why a principal value is malformed (``None`` when it is fine)."""
    if value == "*" or "${" in value:
        return None if ptype in ("*", "AWS") or "${" in value else \
            f'"*" is only valid as the whole Principal or as {{"AWS": "*"}}, not in {ptype}'
    if "*" in value or "?" in value:
        return None  # PRN005
    if ptype == "AWS":
        if _ACCOUNT.match(value) or _IAM_ARN.match(value) or _UNIQUE_ID.match(value):
            return None
        return f"{value!r} is not an account ID or an IAM user/role ARN"
    if ptype == "Service":
        return None if _SERVICE.match(value) else \
            f"{value!r} is not a service principal (name.amazonaws.com)"
    if ptype == "Federated":
        if value in _WEB_IDENTITY or _SAML.match(value) or _OIDC.match(value):
            return None
        return f"{value!r} is not a SAML/OIDC provider ARN or a known web identity provider"
    if ptype == "CanonicalUser":
        return None if _CANONICAL.match(value) else \
            f"{value!r} is not a canonical user ID (64 hex characters)"
    return None


@register
class InvalidPrincipal(ParseErrorRule, StatementRule):
    """What it does
    ------------
    Reports a malformed Principal: a bare string other than ``"*"``, an unknown principal
    type, an AWS principal that is not an account ID or IAM ARN, a service principal that
    is not ``name.amazonaws.com``, a Federated value that is not a provider ARN or a known
    web identity provider.

    Why is this bad?
    ----------------
    AWS refuses the policy (INVALID_PRINCIPAL_FORMAT and related codes), or the principal
    matches nobody.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda"},
                    "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "PRN001"
    name = "invalid-principal"
    summary = "A malformed Principal (bad type, account, ARN or service name)"
    severity = Severity.error
    kinds = PRINCIPAL_KINDS
    error_codes = (ErrorCode.invalid_principal,)
    needs_valid_policy = False
    partial_ok = True
    fix_hint = 'write {"AWS": "arn:aws:iam::111122223333:role/name"}, {"Service": ' \
               '"name.amazonaws.com"} or {"Federated": "<provider>"}'

    def check(self, target: Target) -> Iterator[Finding]:
        yield from ParseErrorRule.check(self, target)
        yield from StatementRule.check(self, target)

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element in ("Principal", "NotPrincipal"):
            for ptype, value, pointer in principal_values(target, statement, element):
                problem = principal_problem(ptype, value)
                if problem:
                    yield self.finding_at(target, pointer, problem, fix=self.fix_hint)


@register
class MissingPrincipal(ParseErrorRule):
    """What it does
    ------------
    Reports a statement without ``Principal``/``NotPrincipal`` in a resource-based policy
    or a role trust policy.

    Why is this bad?
    ----------------
    AWS refuses the policy: these policies must say whom they apply to.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "PRN002"
    name = "missing-principal"
    summary = "A resource or trust policy statement without Principal"
    severity = Severity.error
    kinds = PRINCIPAL_KINDS
    error_codes = (ErrorCode.missing_principal,)
    example_kind = "trust"
    fix_hint = "add the Principal the statement applies to"


def _is_public(target: Target, statement: Statement) -> bool:
    return any(ptype in ("*", "AWS") and value == "*"
               for ptype, value, _ in principal_values(target, statement))


@register
class PublicPrincipal(StatementRule):
    """What it does
    ------------
    Reports an Allow to ``"Principal": "*"`` (or ``{"AWS": "*"}``) without any condition,
    in a resource-based policy or a role trust policy.

    Why is this bad?
    ----------------
    Everyone, including anonymous callers and every AWS account, gets the access; in a
    trust policy anyone can assume the role.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    ```
    """

    code = "PRN003"
    name = "public-principal"
    summary = 'Allow to Principal "*" without a condition (public access)'
    severity = Severity.error
    security_severity = 9.0
    kinds = ("resource", "trust")
    example_kind = "resource"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect == "Allow" and not statement.conditions \
                and _is_public(target, statement):
            what = "anyone can assume this role" if target.kind == "trust" else \
                "anyone, including anonymous callers, gets this access"
            yield self.finding_at(target, statement.pointer + "/Principal",
                                  f"{statement.label} allows Principal \"*\": {what}",
                                  fix="name the principals, or restrict with aws:PrincipalOrgID "
                                      "/ aws:SourceAccount")


@register
class NotPrincipalWithAllow(StatementRule):
    """What it does
    ------------
    Reports an Allow statement that uses ``NotPrincipal``.

    Why is this bad?
    ----------------
    It allows every principal except the listed ones, anonymous callers included.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "PRN004"
    name = "notprincipal-with-allow"
    summary = "Allow with NotPrincipal grants everyone else"
    severity = Severity.error
    security_severity = 8.0
    kinds = ("resource",)
    example_kind = "resource"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect == "Allow" and statement.not_principal is not None:
            yield self.finding_at(target, statement.pointer + "/NotPrincipal",
                                  f"{statement.label} allows every principal except the "
                                  "listed ones", key=True,
                                  fix="name the allowed principals with Principal")


@register
class PartialWildcardPrincipal(StatementRule):
    """What it does
    ------------
    Reports ``*`` or ``?`` inside a principal value (``arn:aws:iam::111122223333:role/app-*``).

    Why is this bad?
    ----------------
    Principals take no wildcards except a whole ``"*"``: AWS refuses the policy or the
    value matches nothing. Use a condition on ``aws:PrincipalArn`` with ``ArnLike``.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"},
                    "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"ArnLike": {
                        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}]}
    ```
    """

    code = "PRN005"
    name = "partial-wildcard-principal"
    summary = "A wildcard inside a principal value (not supported)"
    severity = Severity.error
    kinds = PRINCIPAL_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element in ("Principal", "NotPrincipal"):
            for ptype, value, pointer in principal_values(target, statement, element):
                if value != "*" and ("*" in value or "?" in value):
                    yield self.finding_at(target, pointer,
                                          f"{ptype} principal {value!r}: wildcards are not "
                                          "supported inside a principal",
                                          fix="trust the account and add ArnLike on "
                                              "aws:PrincipalArn")


def _federation(value: str) -> str | None:
    if _SAML.match(value):
        return "saml"
    if value.startswith("cognito-identity.amazonaws.com"):
        return "cognito"
    if _OIDC.match(value) or value in _WEB_IDENTITY:
        return "oidc"
    return None


_KIND_NAMES = {"saml": "SAML", "oidc": "web identity", "aws": "AWS or service"}
_NEEDED = {"saml": "sts:AssumeRoleWithSAML", "oidc": "sts:AssumeRoleWithWebIdentity",
           "aws": "sts:AssumeRole"}


def _grants(actions: tuple[str, ...], needed: str) -> bool:
    return any(glob_match(a.strip().lower(), needed.lower()) for a in actions)


@register
class TrustActionMismatch(StatementRule):
    """What it does
    ------------
    Reports a trust-policy statement whose action does not fit its principal: a SAML
    provider needs ``sts:AssumeRoleWithSAML``, an OIDC/web identity provider
    ``sts:AssumeRoleWithWebIdentity``, AWS and service principals ``sts:AssumeRole``.
    (The Cognito principal is checked by COG006.)

    Why is this bad?
    ----------------
    STS calls the action that fits the principal; a statement with another action never
    matches, so the role cannot be assumed (or a leftover statement misleads reviewers).

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}
    ```
    """

    code = "PRN006"
    name = "trust-action-mismatch"
    summary = "Trust action does not fit the principal (SAML, OIDC, AWS, service)"
    severity = Severity.error
    kinds = ("trust",)
    example_kind = "trust"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect != "Allow" or not statement.actions:
            return
        kinds: set[str] = set()
        for ptype, value, _ in principal_values(target, statement):
            if ptype == "Federated":
                fed = _federation(value)
                if fed and fed != "cognito":
                    kinds.add(fed)
            elif ptype in ("AWS", "Service"):
                kinds.add("aws")
        for kind in sorted(kinds):
            needed = _NEEDED[kind]
            if not _grants(statement.actions, needed):
                yield self.finding_at(target, statement.pointer + "/Action",
                                      f"{statement.label} trusts a "
                                      f"{_KIND_NAMES[kind]} "
                                      f"principal but does not allow {needed}",
                                      fix=f"use {needed}")


def _condition_keys(statement: Statement) -> set[str]:
    return {c.key.lower() for c in statement.conditions}


@register
class OidcWithoutConditions(StatementRule):
    """What it does
    ------------
    Reports a trust policy that trusts an OIDC or web identity provider (GitHub Actions,
    EKS, Google, Facebook, Amazon, any ``oidc-provider``) without a condition on the
    provider's ``aud`` or ``sub`` claim. (The Cognito principal is checked by COG001.)

    Why is this bad?
    ----------------
    Every token the provider issues can assume the role: for GitHub Actions that means any
    repository on GitHub.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"Federated":
                        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"Federated":
                        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                        "StringLike": {
                            "token.actions.githubusercontent.com:sub": "repo:example-org/app:*"}
                    }}]}
    ```
    """

    code = "PRN007"
    name = "oidc-without-conditions"
    summary = "An OIDC/web identity provider trusted without aud/sub conditions"
    severity = Severity.error
    security_severity = 8.5
    kinds = ("trust",)
    example_kind = "trust"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect != "Allow":
            return
        keys = _condition_keys(statement)
        for ptype, value, pointer in principal_values(target, statement):
            if ptype != "Federated" or _federation(value) != "oidc":
                continue
            host = value.split("oidc-provider/", 1)[-1].lower()
            github = host.startswith("token.actions.githubusercontent.com")
            wanted = ("sub",) if github else ("aud", "sub", "oaud", "app_id", "id", "user_id")
            if not any(k.startswith(host + ":") and k.rsplit(":", 1)[1] in wanted
                       for k in keys):
                claim = "sub (the repository)" if github else "aud or sub"
                yield self.finding_at(target, pointer,
                                      f"trusts {value!r} without a condition on its {claim} "
                                      "claim: any token from the provider can assume the role",
                                      fix=f"add StringEquals/StringLike on {host}:"
                                          f"{'sub' if github else 'aud'}")


def _account_of(value: str) -> str | None:
    if _ACCOUNT.match(value):
        return value
    m = _IAM_ARN.match(value)
    return m.group(2) if m else None


@register
class CrossAccountPrincipal(StatementRule):
    """What it does
    ------------
    Reports an Allow to a whole AWS account (``"123456789012"`` or ``...:root``), and, when
    the role's own ARN is known (role bundles, pool files), a principal in another account.

    Why is this bad?
    ----------------
    Trusting an account delegates the decision to that account's administrators: any
    principal they allow can use the grant. It is informational: often intended, always
    worth a look.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                    "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::444455556666:role/deployer"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "PRN008"
    name = "cross-account-principal"
    summary = "Access delegated to a whole account or another account"
    severity = Severity.info
    kinds = ("resource", "trust")
    example_kind = "trust"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect != "Allow":
            return
        own = None
        role: Any = target.related.get("role")
        if isinstance(role, dict) and isinstance(role.get("arn"), str):
            own = _account_of(role["arn"])
        for ptype, value, pointer in principal_values(target, statement):
            if ptype != "AWS":
                continue
            account = _account_of(value)
            if account is None:
                continue
            whole = _ACCOUNT.match(value) or value.endswith(":root")
            if own and account != own:
                yield self.finding_at(target, pointer, f"principal {value!r} is in account "
                                      f"{account}, not this role's account {own}")
            elif whole:
                yield self.finding_at(target, pointer,
                                      f"trusts every principal of account {account} that its "
                                      "administrators allow", fix="name the role or user")


_SOURCE_KEYS = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths")


@register
class ServicePrincipalWithoutSource(StatementRule):
    """What it does
    ------------
    Reports a resource-based policy that allows a service principal without
    ``aws:SourceArn``, ``aws:SourceAccount`` or ``aws:SourceOrgID``.

    Why is this bad?
    ----------------
    The service acts for every AWS customer: without a source condition another account
    can make the service use your resource (the confused-deputy problem).

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:111122223333:orders",
                    "Condition": {"ArnEquals": {
                        "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:events"}}}]}
    ```
    """

    code = "PRN009"
    name = "service-principal-without-source"
    summary = "A service principal allowed without aws:SourceArn/SourceAccount (confused deputy)"
    severity = Severity.warning
    security_severity = 5.5
    kinds = ("resource",)
    example_kind = "resource"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if statement.effect != "Allow" or _condition_keys(statement) & set(_SOURCE_KEYS):
            return
        for ptype, value, pointer in principal_values(target, statement):
            if ptype == "Service":
                yield self.finding_at(target, pointer,
                                      f"{value} is allowed for every source account and ARN",
                                      fix="add aws:SourceArn or aws:SourceAccount")


@register
class UniqueIdPrincipal(StatementRule):
    """What it does
    ------------
    Reports a principal written as an IAM unique ID (``AROA...``, ``AIDA...``).

    Why is this bad?
    ----------------
    AWS shows a unique ID in place of an ARN when the principal was deleted: the statement
    trusts nobody now, and a new principal with the same name is not trusted either.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"},
                    "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:role/deployer"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "PRN010"
    name = "unique-id-principal"
    summary = "A principal given as a unique ID (the principal was deleted)"
    severity = Severity.warning
    kinds = PRINCIPAL_KINDS
    example_kind = "trust"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for ptype, value, pointer in principal_values(target, statement):
            if ptype == "AWS" and _UNIQUE_ID.match(value):
                yield self.finding_at(target, pointer,
                                      f"{value!r} is a unique ID: the principal it named was "
                                      "deleted", fix="trust the principal's current ARN")
