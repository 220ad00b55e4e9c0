"""VAR: policy variables (spec §3) - syntax, where they may appear, which operators
substitute them, and whether the key they name exists.

Variable syntax errors come from the variable grammar (``grammars/variables.lark``) via
the policy parser; the other checks read the raw document so that they also run on
statements the parser rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...catalog import get_catalog
from ...document.model import ConditionClause, Policy, Statement
from ...document.variables import VariableSyntaxError, parse_template, variables_in
from ...errors import ErrorCode, PolicyEvalError, join_pointer
from ..rule import Finding, Rule, Severity, Target, register
from ._base import (
    ClauseRule,
    ParseErrorRule,
    StatementRule,
    TemplateRule,
    clause_values,
    did_you_mean,
    element_values,
    hint,
    raw_statements,
    string_items,
)


def _is_default_error(error: PolicyEvalError) -> bool:
    return "default" in error.message


@register
class VariableSyntax(ParseErrorRule):
    """What it does
    ------------
    Reports a malformed policy variable: a missing closing brace, an empty ``${}``, a
    space or an unexpected character in the name, a nested ``${``.

    Why is this bad?
    ----------------
    AWS refuses the policy (MISSING_BRACE_IN_VARIABLE, EMPTY_VARIABLE, ...), or the text is
    compared literally and the per-user scoping silently breaks.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/home/${aws:username/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/home/${aws:username}/*"}]}
    ```
    """

    code = "VAR001"
    name = "variable-syntax"
    summary = "A malformed policy variable (missing brace, empty, space in the name)"
    severity = Severity.error
    error_codes = (ErrorCode.variable_syntax,)
    fix_hint = "write ${key} or ${key, 'default'}"

    def accepts(self, error: PolicyEvalError) -> bool:
        return error.code in self.error_codes and not _is_default_error(error)


@register
class DefaultValueSyntax(ParseErrorRule):
    """What it does
    ------------
    Reports a malformed default value in a policy variable: the default must follow a
    comma and be in single quotes, ``${aws:PrincipalTag/team, 'none'}``.

    Why is this bad?
    ----------------
    AWS refuses the policy, or takes the text literally.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/${aws:PrincipalTag/team, none}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/${aws:PrincipalTag/team, 'none'}/*"}]}
    ```
    """

    code = "VAR005"
    name = "default-value-syntax"
    summary = "A policy-variable default value not written as ${key, 'default'}"
    severity = Severity.error
    error_codes = (ErrorCode.variable_syntax,)
    fix_hint = "write ${key, 'default'} (comma, space, single quotes)"

    def accepts(self, error: PolicyEvalError) -> bool:
        return error.code in self.error_codes and _is_default_error(error)


def _arn_header_has_variable(value: str) -> bool:
    return "${" in ":".join(value.split(":", 5)[:5]) and value.startswith("arn:")


@register
class VariableInUnsupportedElement(Rule):
    """What it does
    ------------
    Reports ``${...}`` where AWS does not substitute variables: in ``Action``/``NotAction``,
    ``Principal``/``NotPrincipal``, ``Sid``, ``Id``, condition key names, and the first five
    fields of an ARN (partition, service, region, account).

    Why is this bad?
    ----------------
    The text is taken literally, so the element matches nothing (or the literal text
    ``${...}``); the author expected substitution.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:us-east-1:${aws:PrincipalAccount}:accesspoint/app"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:us-east-1:111122223333:accesspoint/app",
                    "Condition": {"StringEquals": {
                        "s3:DataAccessPointAccount": "${aws:PrincipalAccount}"}}}]}
    ```
    """

    code = "VAR002"
    name = "variable-in-unsupported-element"
    summary = "A policy variable where AWS does not substitute it (Action, Principal, ARN account)"
    severity = Severity.error
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        data = target.data
        if isinstance(data, dict) and isinstance(data.get("Id"), str) and "${" in data["Id"]:
            yield self.finding(target, "/Id", "variables are not substituted in Id")
        for raw, pointer in raw_statements(target):
            for element in ("Action", "NotAction", "Sid"):
                yield from self._strings(target, raw.get(element), join_pointer(pointer, element),
                                         element)
            for element in ("Principal", "NotPrincipal"):
                value = raw.get(element)
                if isinstance(value, dict):
                    for ptype, pvalue in value.items():
                        yield from self._strings(target, pvalue,
                                                 join_pointer(pointer, element, ptype),
                                                 f"{element}.{ptype}")
            for element in ("Resource", "NotResource"):
                for item, at in string_items(raw.get(element), join_pointer(pointer, element)):
                    if _arn_header_has_variable(item):
                        yield self.finding_at(target, at,
                                              f"{item!r}: variables are substituted only in the "
                                              "resource part of an ARN, not in partition, "
                                              "service, region or account",
                                              fix="write the account/region literally, or "
                                                  "compare it in a Condition")
            cond = raw.get("Condition")
            if isinstance(cond, dict):
                for op, block in cond.items():
                    if isinstance(block, dict):
                        for key in block:
                            if "${" in key:
                                yield self.finding_at(
                                    target, join_pointer(pointer, "Condition", op, key),
                                    f"condition key {key!r}: key names cannot hold variables",
                                    key=True)

    def _strings(self, target: Target, value: object, pointer: str,
                 element: str) -> Iterator[Finding]:
        for item, at in string_items(value, pointer):
            if "${" in item:
                yield self.finding_at(target, at,
                                      f"{element} {item!r}: variables are not substituted in "
                                      f"{element.split('.')[0]}",
                                      fix="write the value literally")


@register
class VariableWithNonStringOperator(ClauseRule):
    """What it does
    ------------
    Reports a policy variable in the value of a Numeric, Date, IpAddress, Binary or Null
    condition.

    Why is this bad?
    ----------------
    Only String and Arn operators (and, disputedly, Bool) substitute variables
    (INVALID_VARIABLE_FOR_OPERATOR); elsewhere ``${...}`` is literal text that never
    parses as a number, date or address.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"IpAddress": {
                        "aws:SourceIp": "${aws:PrincipalTag/office-cidr}"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}
    ```
    """

    code = "VAR003"
    name = "variable-with-non-string-operator"
    summary = "A policy variable in a Numeric/Date/IpAddress/Binary/Null condition"
    severity = Severity.error

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.base.variables:
            return
        for value, pointer in clause_values(target, clause.pointer):
            if "${" in value:
                yield self.finding_at(target, pointer,
                                      f"{op.canonical} does not substitute variables; "
                                      f"{value!r} is compared literally",
                                      fix="use a String or Arn operator, or a literal value")


_PROVIDER_KEYS = {
    "www.amazon.com": ("app_id", "user_id"),
    "graph.facebook.com": ("app_id", "id"),
    "accounts.google.com": ("aud", "sub", "oaud"),
}


@register
class UnknownVariable(StatementRule):
    """What it does
    ------------
    Reports a policy variable naming a key that does not exist (``${aws:usename}``,
    ``${aws:PrincipalTags/team}``), with the closest real key. Keys of web-identity
    providers are accepted; Cognito keys are checked by the COG rules.

    Why is this bad?
    ----------------
    A variable whose key is absent makes the whole value fail to match (an Allow grants
    nothing) unless it has a default; a typo silently breaks per-user access.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/home/${aws:usename}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/home/${aws:username}/*"}]}
    ```
    """

    code = "VAR004"
    name = "unknown-variable"
    summary = "A policy variable naming a key that does not exist (typo)"
    severity = Severity.error

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        for _element, value, pointer in element_values(target, statement,
                                                       ("Resource", "NotResource")):
            yield from self._check(target, value, pointer)
        for clause in statement.conditions:
            if clause.parsed_operator.base.variables:
                for value, pointer in clause_values(target, clause.pointer):
                    yield from self._check(target, value, pointer)

    def _check(self, target: Target, value: str, pointer: str) -> Iterator[Finding]:
        if "${" not in value:
            return
        try:
            parts = parse_template(value)
        except VariableSyntaxError:
            return
        from ._base import did_you_mean as close
        catalog = get_catalog()
        for var in variables_in(parts):
            key = var.key
            prefix, _, name = key.partition(":")
            low = prefix.lower()
            if low.startswith("cognito") or close(low, ["cognito-identity.amazonaws.com"], 0.8):
                continue  # COG012
            if low in _PROVIDER_KEYS:
                if name.lower() in _PROVIDER_KEYS[low]:
                    continue
            elif ("." in low or "/" in low) and low not in ("aws",):
                continue  # an OIDC provider key, e.g. token.actions.githubusercontent.com:sub
            elif catalog.condition_key(key) is not None:
                continue
            from .conditions import _global_keys
            guess = did_you_mean(key, [*_global_keys(), *(f"{p}:{k}" for p, ks in
                                                           _PROVIDER_KEYS.items() for k in ks)],
                                 0.7)
            if guess and guess.endswith("/") and "/" in key:
                guess = guess + key.split("/", 1)[1]
            yield self.finding_at(target, pointer,
                                  f"unknown policy variable ${{{key}}}{hint(guess)}",
                                  fix=f"use ${{{guess}}}" if guess else None)


@register
class UnescapedVariableInSub(TemplateRule):
    """What it does
    ------------
    Reports a policy variable written as ``${...}`` inside CloudFormation's ``Fn::Sub``
    (``!Sub``), such as ``${cognito-identity.amazonaws.com:sub}`` or ``${aws:username}``.

    Why is this bad?
    ----------------
    ``Fn::Sub`` reads every ``${...}`` as a template reference. CloudFormation rejects the
    template (``cognito-identity.amazonaws.com:sub`` names no parameter or resource) or,
    when a parameter of that name exists, substitutes its value: the policy then holds a
    fixed string instead of the per-identity variable, and every identity shares one
    prefix. IAM receives the variable only when it is escaped as ``${!...}``. (policy-eval
    analyses the policy as if it were escaped, as the author meant.)

    Example
    -------
    ```yaml
    Resources:
      AuthRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Statement: []}
          Policies:
            - PolicyName: own-photos
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: s3:GetObject
                    Resource: !Sub "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"
    ```

    Use instead
    -----------
    ```yaml
    Resources:
      AuthRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Statement: []}
      OwnPhotos:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: own-photos
          Roles: [!Ref AuthRole]
          PolicyDocument:
            Version: "2012-10-17"
            Statement:   # ${!...} is the escape that gives IAM the variable
              - {Effect: Allow, Action: s3:GetObject,
                 Resource: !Sub "arn:aws:s3:::photos/${!cognito-identity.amazonaws.com:sub}/*"}
    ```
    """

    code = "VAR006"
    name = "unescaped-variable-in-sub"
    summary = "A policy variable inside !Sub/Fn::Sub is not escaped as ${!...}"
    severity = Severity.error
    security_severity = 6.5

    def check_template(self, extraction: Any) -> Iterator[Finding]:
        for variable in extraction.sub_variables:
            loc = extraction.location(variable.pointer)
            what = ("CloudFormation substitutes the parameter or resource of that name, so "
                    "the policy gets a fixed value" if variable.shadowed else
                    "CloudFormation rejects the template (it names no parameter or resource)")
            yield Finding(self.code, self.name,
                          f"${{{variable.name}}} inside Fn::Sub is read as a template "
                          f"reference, not as the IAM policy variable: {what}", self.severity,
                          loc, f"write ${{!{variable.name}}} so that IAM receives "
                               f"${{{variable.name}}}", self.security_severity)
