"""RES: resources - ARN syntax, resource types against the AWS service reference, and
resource wildcards that reach further than they look.

A policy variable in the resource part of an ARN may hold ``:`` and ``/`` (a Cognito
identity ID is ``region:GUID``), so variables stand for any text when ARNs are compared
with resource-type formats: no false positive for ``${cognito-identity.amazonaws.com:sub}``
(lint-anchors row 51).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...catalog import get_catalog
from ...document.model import Policy, Statement
from ..rule import Finding, Severity, Target, register
from ._base import (
    BROAD_GRANT_RULES,
    PERMISSION_KINDS,
    StatementRule,
    element_values,
    is_allow,
    strip_variables,
    value_pointers,
)

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
              "aws-iso-f", "aws-eusc")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_ACCOUNT = re.compile(r"^\d{12}$")
_FIELDS = ("partition", "service", "region", "account")


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _resource_values(target: Target, statement: Statement) -> Iterator[tuple[str, str, str]]:
    return element_values(target, statement, ("Resource", "NotResource"))


def arn_fields(value: str) -> list[str] | None:
    """The six ARN fields, or ``None`` when ``value`` is not ``arn:...`` with six fields."""
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    return parts


def spanning_wildcard_field(parts: list[str]) -> int | None:
    """Index of the field whose wildcard spans the missing fields of a short ARN."""
    for i, part in enumerate(parts[1:], 1):
        if _wild(part) and (i < len(parts) - 1 or "/" not in part):
            return i
    return None


def _header_has_variable(value: str) -> bool:
    return "${" in ":".join(value.split(":", 5)[:5])


@register
class MalformedArn(StatementRule):
    """What it does
    ------------
    Reports a Resource that is not ``*`` and not a well-formed ARN: not starting with
    ``arn:``, fewer than six fields, an unknown partition or service, a service prefix in
    upper case, a malformed region or account, an empty resource part.

    Why is this bad?
    ----------------
    AWS refuses the policy, or the statement matches nothing.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:S3::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RES001"
    name = "malformed-arn"
    summary = "A Resource that is not a well-formed ARN"
    severity = Severity.error
    kinds = PERMISSION_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element, value, pointer in _resource_values(target, statement):
            problem = self.problem(value)
            if problem:
                yield self.finding_at(target, pointer, f"{element} {value!r}: {problem}",
                                      fix="write arn:partition:service:region:account:resource")

    @staticmethod
    def problem(value: str) -> str | None:
        text = value
        if text == "*" or _header_has_variable(text):
            return None
        if not text.startswith("arn:"):
            if text.lower().startswith("arn:"):
                return "the ARN prefix must be lower-case 'arn:'"
            return "not an ARN (expected arn:... or *)"
        parts = text.split(":", 5)
        if len(parts) < 6:
            if spanning_wildcard_field(parts) is not None:
                return None  # RES006: a wildcard spans the missing fields
            return f"an ARN has 6 colon-separated fields, this one has {len(parts)}"
        _, partition, service, region, account, resource = parts
        if not _wild(partition) and partition not in PARTITIONS:
            return f"unknown partition {partition!r}"
        if not _wild(service):
            if service != service.lower():
                return f"the service {service!r} must be lower-case"
            if not get_catalog().service_exists(service):
                return f"unknown service {service!r}"
        if region and not _wild(region) and not _REGION.match(region):
            return f"malformed region {region!r}"
        if account and not _wild(account) and not _ACCOUNT.match(account) \
                and account != "aws":
            return f"malformed account {account!r} (12 digits)"
        if resource == "":
            return "the resource part is empty"
        return None


def _action_patterns(statement: Statement) -> list[str]:
    return [a for a in statement.actions or () if "${" not in a and a.strip() not in ("*", "*:*")
            and ":" in a]


def _fits(catalog: Any, arn: str, rt: Any) -> bool:
    """Could ``arn`` (a Resource pattern) name a resource of type ``rt``? The catalog lets a
    placeholder stand for any text; an S3 bucket name never holds a ``/`` (S3 bucket naming
    rules), so ``arn:aws:s3:::bucket/*`` names objects, never the bucket itself."""
    if rt.service == "s3" and rt.name == "bucket" and arn.startswith("arn:") \
            and "/" in strip_variables(arn.split(":::", 1)[-1]):
        return False
    return bool(catalog.arn_matches_resource_type(arn, rt))


@register
class ResourceTypeMismatch(StatementRule):
    """What it does
    ------------
    Reports actions that none of the statement's resources can name, according to the
    resource types the AWS service reference lists for each action: ``s3:GetObject`` on a
    bucket ARN (objects are ``bucket/key``), ``s3:ListBucket`` on ``bucket/*``, or an action
    that takes no resource (only ``*``) given a specific ARN. Policy variables count as any
    text, so ``.../${cognito-identity.amazonaws.com:sub}/*`` is not a false positive.

    Why is this bad?
    ----------------
    The statement does not grant (or deny) what it seems to: the request's resource never
    matches.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RES002"
    name = "resource-type-mismatch"
    summary = "No Resource of the statement fits the resource types an action accepts"
    severity = Severity.warning
    kinds = PERMISSION_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        resources = statement.resources
        if not resources or any(r.strip() == "*" for r in resources):
            return
        arns = [r for r in resources if arn_fields(r) and not _header_has_variable(r)
                and MalformedArn.problem(r) is None]
        if len(arns) != len(resources):
            return
        if not policy.variables_enabled:
            # ${...} is literal text under 2008-10-17; compare it as such (COG rules
            # report the variable itself).
            arns = [a.replace("${", "$\x01{") for a in arns]
        catalog = get_catalog()
        unfit: list[str] = []
        star_only: list[str] = []
        for pattern in _action_patterns(statement):
            wild = _wild(pattern)
            names = catalog.expand_action_pattern(pattern) if wild else (pattern,)
            fits_any = False
            takes_resources = False
            for name in names:
                rts = catalog.resource_types_of_action(name)
                if not rts:
                    continue
                takes_resources = True
                if any(_fits(catalog, a, rt) for a in arns for rt in rts):
                    fits_any = True
                    break
            if fits_any:
                continue
            info = catalog.action(pattern) if not wild else None
            if takes_resources:
                unfit.append(pattern)
            elif info is not None and not info.has_resource_types:
                star_only.append(info.name)
        where = statement.pointer + "/Resource"
        if unfit:
            shown = ", ".join(unfit[:5]) + (" ..." if len(unfit) > 5 else "")
            types = sorted({rt.name for a in unfit[:5] for n in
                            (catalog.expand_action_pattern(a) if _wild(a) else (a,))[:20]
                            for rt in catalog.resource_types_of_action(n)})[:6]
            yield self.finding_at(target, where,
                                  f"no Resource of {statement.label} fits {shown} "
                                  f"(resource types: {', '.join(types)})",
                                  fix="name the resource type the action acts on "
                                      "(e.g. bucket/* for objects)")
        if star_only:
            shown = ", ".join(star_only[:5])
            yield self.finding_at(target, where,
                                  f"{shown} take no resource (only \"*\" matches), so "
                                  f"the ARNs of {statement.label} never match them",
                                  fix='give these actions "Resource": "*" in their own '
                                      'statement')


@register
class ResourceEffectivelyStar(StatementRule):
    """What it does
    ------------
    Reports an Allow whose Resource is a pattern that matches every resource of a service
    in every account, or every ARN: ``arn:aws:s3:::*``, ``arn:aws:dynamodb:*:*:*``,
    ``arn:*``.

    Why is this bad?
    ----------------
    It is ``"Resource": "*"`` in disguise (other linters only look for the literal ``*``),
    and reaches resources in other accounts whose policies allow it.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RES003"
    name = "resource-effectively-star"
    summary = 'A Resource pattern that matches every resource, like "*"'
    severity = Severity.warning
    security_severity = 5.0
    superseded_by = BROAD_GRANT_RULES
    kinds = ("identity", "boundary", "session", "resource")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not is_allow(statement):
            return
        for value, pointer in value_pointers(target, statement, "Resource"):
            if self.effectively_star(value):
                yield self.finding_at(target, pointer,
                                      f"{value!r} matches every resource of its service in "
                                      "every account (as broad as \"*\")",
                                      fix="name the account, region and resource")

    @staticmethod
    def effectively_star(value: str) -> bool:
        if value == "*" or not value.startswith("arn:"):
            return False
        parts = value.split(":", 5)
        if len(parts) < 6:
            return parts[-1] == "*" or (parts[-1].endswith("*") and len(parts) <= 3)
        _, _, _, region, account, resource = parts
        return resource.strip("*/") == "" and region in ("", "*") and account in ("", "*") \
            and (resource.startswith("*") or resource == "")


_SCOPED_LEVELS = ("Write", "Permissions management", "Tagging")


@register
class ResourceStarOnScopableActions(StatementRule):
    """What it does
    ------------
    Reports an Allow with ``"Resource": "*"`` for actions that accept specific resources
    (per the AWS service reference). Actions that take no resource (``s3:ListAllMyBuckets``,
    ``ec2:Describe*``) are not reported: for them ``*`` is the only choice. It is a warning
    when write, tagging or permissions-management actions are among them, else info.

    When an engine-proved rule (``SEC002``, ``COG009``, ``COG007``, ``SEC001``, ``SEC007``,
    ``SEC005``, ``SEC006``, ``SEC008``) reports the same statement, this finding is folded
    into it (``superseded_by``): one problem, one finding.

    Why is this bad?
    ----------------
    The grant reaches every resource of that type in the account, and in other accounts
    that trust it; naming the resources limits the blast radius.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::example-bucket/uploads/*"}]}
    ```
    """

    code = "RES004"
    name = "resource-star"
    summary = 'Resource "*" on actions that can be scoped to resources'
    severity = Severity.warning
    security_severity = 4.0
    superseded_by = BROAD_GRANT_RULES
    kinds = ("identity", "boundary", "session")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not is_allow(statement) or not any(r.strip() == "*" for r in statement.resources
                                               or ()):
            return
        catalog = get_catalog()
        scopable: list[str] = []
        writes = False
        for pattern in _action_patterns(statement):
            names = catalog.expand_action_pattern(pattern) if _wild(pattern) else (pattern,)
            hit = False
            for name in names:
                info = catalog.action(name)
                if info is not None and info.has_resource_types:
                    hit = True
                    if info.access_level in _SCOPED_LEVELS:
                        writes = True
            if hit:
                scopable.append(pattern)
        if not scopable:
            return
        shown = ", ".join(scopable[:5]) + (" ..." if len(scopable) > 5 else "")
        yield self.finding_at(target, statement.pointer + "/Resource",
                              f'{statement.label} allows {shown} on "*", though '
                              f"{'they accept' if len(scopable) > 1 else 'it accepts'} "
                              "specific resources",
                              severity=None if writes else Severity.info,
                              fix="name the resources (ARNs) the actions need")


@register
class NotResourceWithAllow(StatementRule):
    """What it does
    ------------
    Reports an Allow statement that uses ``NotResource``.

    Why is this bad?
    ----------------
    It allows the actions on every resource except the listed ones, in every account,
    including resources created later. Cloudsplaining does not even look at such
    statements.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "NotResource": "arn:aws:s3:::secret-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RES005"
    name = "notresource-with-allow"
    summary = "Allow with NotResource grants every other resource"
    severity = Severity.warning
    security_severity = 6.0
    kinds = ("identity", "boundary", "session", "resource")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if is_allow(statement) and statement.not_resources is not None:
            yield self.finding_at(target, statement.pointer + "/NotResource",
                                  f"{statement.label} allows its actions on every resource "
                                  "except the listed ones", key=True,
                                  fix="list the allowed resources with Resource")


@register
class WildcardSpansSegments(StatementRule):
    """What it does
    ------------
    Reports an ARN where a wildcard in the partition, service, region or account field
    also swallows the following fields because the ARN has fewer than six fields
    (``arn:aws:sqs:us-east-1:*``, ``arn:aws:dynamodb:*``).

    Why is this bad?
    ----------------
    ``*`` matches colons too: the pattern reaches every account and every resource, though
    it reads like a region or account wildcard.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"}]}
    ```
    """

    code = "RES006"
    name = "wildcard-spans-segments"
    summary = "A wildcard in one ARN field also matches the fields after it"
    severity = Severity.warning
    kinds = PERMISSION_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element, value, pointer in _resource_values(target, statement):
            if not value.startswith("arn:") or "${" in value:
                continue
            parts = value.split(":", 5)
            if len(parts) >= 6:
                continue
            i = spanning_wildcard_field(parts)
            if i is not None:
                yield self.finding_at(
                    target, pointer,
                    f"{element} {value!r}: the wildcard in the {_FIELDS[i - 1]} field "
                    f"also matches the {', '.join((*_FIELDS[i:], 'resource'))} "
                    "fields", fix="write all six ARN fields, e.g. "
                                  "arn:aws:sqs:us-east-1:111122223333:*")


def _format_fields(arn_format: str) -> tuple[str, str]:
    parts = arn_format.split(":", 5)
    return (parts[3], parts[4]) if len(parts) == 6 else ("", "")


@register
class ArnFieldNotAllowed(StatementRule):
    """What it does
    ------------
    Reports an ARN with a region or account for a service whose ARNs have none (S3
    buckets and objects, IAM), or without one where every ARN of the service has one
    (a DynamoDB table without region).

    Why is this bad?
    ----------------
    No resource has such an ARN, so the statement matches nothing.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "iam:GetRole",
                    "Resource": "arn:aws:iam:us-east-1:111122223333:role/app"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "iam:GetRole",
                    "Resource": "arn:aws:iam::111122223333:role/app"}]}
    ```
    """

    code = "RES007"
    name = "arn-field-not-allowed"
    summary = "Region/account given where the service has none, or missing where required"
    severity = Severity.error
    kinds = PERMISSION_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        catalog = get_catalog()
        for _element, value, pointer in _resource_values(target, statement):
            parts = arn_fields(value)
            if parts is None or _header_has_variable(value) or _wild(parts[2]):
                continue
            service, region, account = parts[2], parts[3], parts[4]
            formats = [rt.arn_format for rt in catalog.resource_types_of_service(service)]
            if not formats:
                continue
            fields = [_format_fields(f) for f in formats]
            for name, given, index in (("region", region, 0), ("account", account, 1)):
                if _wild(given):
                    continue
                if given and all(f[index] == "" for f in fields):
                    yield self.finding_at(target, pointer,
                                          f"{service} ARNs have no {name}; {value!r} names "
                                          f"{given!r}, so it matches nothing",
                                          fix=f"leave the {name} field empty")
                elif not given and all(f[index] != "" for f in fields):
                    yield self.finding_at(target, pointer,
                                          f"every {service} ARN has a {name}; {value!r} has "
                                          "none, so it matches nothing",
                                          fix=f"give the {name} (or * for any)")


@register
class AllowDeadUnderNotResourceDeny(StatementRule):
    """What it does
    ------------
    Reports an Allow statement that a ``Deny`` with ``NotResource`` in the same document
    makes dead: every request the Allow grants (probed with the engine, one per kind of
    action, on the resources the Allow names) is denied by the Deny, because the Allow's
    resources lie outside the Deny's ``NotResource`` list.

    Why is this bad?
    ----------------
    ``Deny`` + ``NotResource`` means "deny everything except these resources". An Allow on
    any other resource never takes effect, whatever other policy grants it: the document
    says one thing and does another, and the author usually meant the Deny to exclude the
    Allow's resources too (a missing entry in ``NotResource``, or a typo in a bucket name).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::app-data/*"},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-reports/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "Action": "s3:*",
       "NotResource": ["arn:aws:s3:::app-data/*", "arn:aws:s3:::app-reports/*"]},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-reports/*"}]}
    ```
    """

    code = "RES008"
    name = "allow-dead-under-notresource-deny"
    summary = "An Allow that a Deny with NotResource in the same document makes dead"
    severity = Severity.warning
    kinds = ("identity", "boundary", "session")
    partial_ok = False

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        from . import _probe as P  # the engine is needed only when a Deny has NotResource
        if statement.effect != "Allow" or statement.resources is None or not any(
                s.effect == "Deny" and s.not_resources is not None for s in policy.statements):
            return
        own = P.policy_set([P.parse_policy(P.statement_policy(policy, [statement]))])
        full = P.statement_set(policy, statement)
        if own is None or full is None:
            return
        ctx = dict(P.TYPICAL_CONTEXT)
        values = {k: v for k, v in ctx.items() if isinstance(v, str)}
        probed = killers = 0
        deny: Statement | None = None
        catalog = get_catalog()
        for action in P.representatives(P.statement_actions(statement), 2)[:40]:
            rts = catalog.resource_types_of_action(action)
            for pattern in statement.resources:
                if pattern != "*" and rts and not any(_fits(catalog, pattern, rt)
                                                     for rt in rts):
                    continue
                res = P.concrete_resource(action) if pattern == "*" else \
                    P.instantiate(pattern, values, enabled=policy.variables_enabled)
                d_own = P.decide(own, action, res, ctx)
                if d_own is None or not d_own.allowed:
                    continue
                probed += 1
                d_full = P.decide(full, action, res, ctx)
                if d_full is None or d_full.decision != "explicit_deny":
                    return           # some grant of the Allow stays alive
                by = [c.statement for c in d_full.statements
                      if c.statement.effect == "Deny" and c.statement.not_resources is not None]
                if not by:
                    return           # denied by another Deny: not this rule's point
                killers += 1
                # the probe set re-numbers statements: name the Deny as the document does
                deny = deny or next((s for s in policy.statements if s.effect == "Deny"
                                     and s.not_resources == by[0].not_resources
                                     and s.actions == by[0].actions
                                     and s.not_actions == by[0].not_actions), by[0])
        if probed and killers == probed and deny is not None:
            yield self.finding_at(
                target, statement.pointer,
                f"{statement.label} is dead: {deny.label} denies "
                f"{', '.join(deny.actions or ['its actions'])[:80]} on every resource outside "
                "its NotResource list, and none of this statement's resources is in that list",
                fix="add the Allow's resources to the Deny's NotResource, or remove the Allow")
