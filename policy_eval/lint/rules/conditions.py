"""CND: condition blocks - operators from the one operator table
(:mod:`policy_eval.document.operators`), keys and their types from the AWS service
reference, value syntax, set operators, and patterns known to be wrong (spec §4).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ...catalog import ConditionKeyInfo, get_catalog
from ...document.model import ConditionClause, Policy, Statement
from ...document.operators import OPERATORS
from ...document.values import parse_bool, parse_network
from ...document.values import value_problem as family_value_problem
from ...errors import ErrorCode, PolicyEvalError
from ..rule import Finding, Severity, Target, register
from ._base import (
    ClauseRule,
    ParseErrorRule,
    StatementRule,
    clause_values,
    did_you_mean,
    hint,
    is_allow,
    sole_suggestion,
    strip_variables,
)

#: Keys whose set-operator use the Cognito family (COG004, COG014, COG015) reports.
_COGNITO_OWNED = ("cognito-identity.amazonaws.com", "dynamodb:leadingkeys")


def _cognito_owned(key: str) -> bool:
    low = key.lower()
    return low.startswith(_COGNITO_OWNED[0]) or low == _COGNITO_OWNED[1]


def _op_pointer(clause: ConditionClause) -> str:
    return clause.pointer.rsplit("/", 1)[0]


def _key_info(key: str) -> ConditionKeyInfo | None:
    return get_catalog().condition_key(key)


def _operator_names() -> list[str]:
    names = []
    for op in OPERATORS.values():
        names.append(op.name)
        if op.family != "Null":
            names.append(op.name + "IfExists")
    return names


def _operator_token(error: PolicyEvalError) -> str:
    token = error.location.pointer.rsplit("/", 1)[-1]
    return token.replace("~1", "/").replace("~0", "~")


def _is_null_form(name: str) -> bool:
    base = name.split(":", 1)[-1].lower()
    if base.endswith("ifexists"):
        base = base[: -len("ifexists")]
    return base == "null"


#: Special-purpose ranges no request reaches AWS from (IANA IPv4/IPv6 special-purpose
#: address registries): (network, what it is, why it is never a request's public source).
_NON_PUBLIC_RANGES: tuple[tuple[str, str, str], ...] = (
    ("10.0.0.0/8", "a private range (RFC 1918)", "private addresses are translated (NAT) "
     "before a request reaches AWS"),
    ("172.16.0.0/12", "a private range (RFC 1918)", "private addresses are translated (NAT) "
     "before a request reaches AWS"),
    ("192.168.0.0/16", "a private range (RFC 1918)", "private addresses are translated (NAT) "
     "before a request reaches AWS"),
    ("100.64.0.0/10", "the shared address space for carrier-grade NAT (RFC 6598)",
     "the carrier translates it to a public address before a request reaches AWS"),
    ("127.0.0.0/8", "the loopback range (RFC 1122)", "loopback traffic never leaves the host"),
    ("169.254.0.0/16", "a link-local range (RFC 3927)",
     "link-local traffic never leaves its network link"),
    ("192.0.2.0/24", "a documentation range (RFC 5737, TEST-NET-1)",
     "documentation ranges are reserved for examples and never routed on the internet"),
    ("198.51.100.0/24", "a documentation range (RFC 5737, TEST-NET-2)",
     "documentation ranges are reserved for examples and never routed on the internet"),
    ("203.0.113.0/24", "a documentation range (RFC 5737, TEST-NET-3)",
     "documentation ranges are reserved for examples and never routed on the internet"),
    ("198.18.0.0/15", "the benchmarking range (RFC 2544)",
     "it is reserved for lab tests and never routed on the internet"),
    ("192.0.0.0/24", "the IETF protocol assignments range (RFC 6890)",
     "it is not routed on the internet"),
    ("0.0.0.0/8", "the 'this network' range (RFC 1122)", "it is never a source on the internet"),
    ("240.0.0.0/4", "the reserved range (RFC 1112)", "it is not routed on the internet"),
    ("224.0.0.0/4", "a multicast range (RFC 5771)", "a multicast address is never a source"),
    ("::1/128", "the IPv6 loopback address (RFC 4291)", "loopback traffic never leaves the host"),
    ("fe80::/10", "an IPv6 link-local range (RFC 4291)",
     "link-local traffic never leaves its network link"),
    ("fc00::/7", "an IPv6 unique-local range (RFC 4193)",
     "unique-local addresses are not routed on the internet"),
    ("2001:db8::/32", "the IPv6 documentation range (RFC 3849)",
     "documentation ranges are reserved for examples and never routed on the internet"),
    ("ff00::/8", "an IPv6 multicast range (RFC 4291)", "a multicast address is never a source"),
)


@lru_cache(maxsize=1)
def _non_public_networks() -> tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str,
                                          str], ...]:
    return tuple((ipaddress.ip_network(n), what, why) for n, what, why in _NON_PUBLIC_RANGES)


def non_public_range(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> \
        tuple[str, str] | None:
    """(what the range is, why it never holds a request's public address) when ``net``
    lies wholly inside a special-purpose range, else ``None`` (public, or wider than any
    of them, e.g. ``0.0.0.0/0``)."""
    if net.prefixlen == 0:
        return None
    for special, what, why in _non_public_networks():
        if net.version == special.version and net.subnet_of(special):  # type: ignore[arg-type]
            return what, why
    return None


@register
class UnknownOperator(ParseErrorRule):
    """What it does
    ------------
    Reports a condition operator AWS does not know (``StringEqual``, ``DateEquals``
    misspelled, ``ForAnyValues:StringLike``), with the closest real operator.

    Why is this bad?
    ----------------
    AWS refuses the policy; an evaluator that skipped the block would read it as
    unconditional.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEqual": {"aws:PrincipalTag/team": "blue"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}
    ```
    """

    code = "CND001"
    name = "unknown-operator"
    summary = "A condition operator AWS does not know"
    severity = Severity.error
    error_codes = (ErrorCode.unknown_operator,)

    def accepts(self, error: PolicyEvalError) -> bool:
        return error.code in self.error_codes and not _is_null_form(_operator_token(error))

    def check(self, target: Target) -> Iterator[Finding]:
        for error in target.errors:
            if not self.accepts(error):
                continue
            name = _operator_token(error)
            qualifier, sep, base = name.rpartition(":")
            guess = did_you_mean(base, _operator_names(), 0.6)
            if sep and qualifier.lower() not in ("forallvalues", "foranyvalue"):
                q = did_you_mean(qualifier, ["ForAllValues", "ForAnyValue"], 0.6)
                guess = f"{q}:{guess or base}" if q else None
            elif sep and guess:
                guess = f"{qualifier}:{guess}"
            yield Finding(self.code, self.name,
                          f"unknown condition operator {name!r}{hint(guess)}",
                          self.severity, error.location,
                          f"use {guess}" if guess else "use an operator from the IAM "
                          "condition operator reference", self.security_severity)


@lru_cache(maxsize=1)
def _global_keys() -> tuple[str, ...]:
    import policy_eval.catalog as catalog_pkg
    path = Path(catalog_pkg.__file__).parent / "data" / "global_condition_keys.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return tuple(k.replace("/${TagKey}", "/") for k in doc["keys"])


@lru_cache(maxsize=8192)
def _keys_of_action(action: str) -> frozenset[str]:
    return frozenset(k.lower() for k in get_catalog().condition_keys_for_action(action))


def _statement_action_names(statement: Statement) -> list[str] | None:
    """Every concrete action of the statement, or ``None`` when it cannot be listed
    (NotAction, ``*``, variables)."""
    if statement.actions is None:
        return None
    catalog = get_catalog()
    out: list[str] = []
    for pattern in statement.actions:
        text = pattern.strip()
        if text in ("*", "*:*") or "${" in text or ":" not in text:
            return None
        service = text.partition(":")[0]
        if "*" in service or "?" in service:
            return None
        if "*" in text or "?" in text:
            out.extend(catalog.expand_action_pattern(text))
        else:
            info = catalog.action(text)
            if info is not None:
                out.append(info.name)
    return out


@register
class UnknownConditionKey(ClauseRule):
    """What it does
    ------------
    Reports a condition key that is not a global key, not a key of any service in the AWS
    service reference, and not a web-identity or SAML provider key (``aws:usename``,
    ``s3:prefixes``), with the closest real key.

    Why is this bad?
    ----------------
    The key is never in the request, so the condition is false (or always true with a
    ``Not`` operator or ``IfExists``), whatever the author meant.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipleTag/team": "blue"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}
    ```
    """

    code = "CND002"
    name = "unknown-condition-key"
    summary = "A condition key that no service and no identity provider defines"
    severity = Severity.error

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        catalog = get_catalog()
        key = clause.key
        if catalog.condition_key(key) is not None:
            return
        prefix, sep, _ = key.partition(":")
        at = clause.pointer
        if not sep or not prefix:
            yield self.finding_at(target, at, f"condition key {key!r} has no prefix "
                                  "(expected prefix:name, e.g. aws:SourceIp)", key=True)
            return
        low = prefix.lower()
        cognito_like = did_you_mean(low, ["cognito-identity.amazonaws.com"], 0.8)
        if ("." in low or "/" in low) and not (cognito_like and
                                                low != "cognito-identity.amazonaws.com"):
            return  # a web-identity/OIDC provider key (token.actions...:sub)
        if low == "aws":
            guess = did_you_mean(key, _global_keys(), 0.7)
        elif cognito_like and low != "cognito-identity.amazonaws.com":
            guess = "cognito-identity.amazonaws.com:" + key.partition(":")[2]
        else:
            names = _statement_action_names(statement) or []
            candidates = {k for a in names[:200] for k in
                          catalog.condition_keys_for_action(a)}
            guess = did_you_mean(key, candidates, 0.7)
        what = "global condition key" if low == "aws" else "condition key"
        if low not in ("aws", "saml") and not catalog.service_exists(low) \
                and not cognito_like:
            what += f" (no service has the prefix {prefix!r})"
        sole = guess if guess and low == "aws" and sole_suggestion(
            key, _global_keys()) == guess else None
        yield self.finding_at(target, at, f"unknown {what} {key!r}{hint(guess)}",
                              key=True, fix=f"use {guess}" if guess else None,
                              replacement=sole)


@register
class ConditionKeyNotForActions(StatementRule):
    """What it does
    ------------
    Reports a service condition key that none of the statement's actions supports,
    according to the AWS service reference (the action's own keys and those of its
    resource types). One finding per key, not one per action.

    Why is this bad?
    ----------------
    The key is absent from those requests: the condition never matches (an Allow grants
    nothing, a Deny never applies) or, with ``IfExists``/``Not`` operators, always matches.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-bucket",
                    "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}
    ```
    """

    code = "CND003"
    name = "condition-key-not-for-actions"
    summary = "A service condition key that none of the statement's actions supports"
    severity = Severity.warning

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not statement.conditions:
            return
        names: list[str] | None = None
        for clause in statement.conditions:
            info = _key_info(clause.key)
            if info is None or info.service is None or info.is_global:
                continue
            if names is None:
                names = _statement_action_names(statement)
                if names is None or not names:
                    return
            wanted = {clause.key.lower(), info.template.lower()}
            if any(wanted & _keys_of_action(a) for a in names):
                continue
            services = sorted({a.partition(":")[0] for a in names})
            if info.service not in services:
                why = f"the statement has no {info.service} action"
            else:
                shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
                why = f"{shown} do not support it" if len(names) > 1 else \
                    f"{names[0]} does not support it"
            yield self.finding_at(target, clause.pointer,
                                  f"condition key {clause.key!r} is never present here: {why}",
                                  key=True, fix="move the condition to the statement of the "
                                                "actions that support the key")


_COMPATIBLE = {
    ("String", "String"), ("String", "ARN"), ("String", "Bool"), ("ARN", "ARN"),
    ("Numeric", "Numeric"), ("Date", "Date"), ("Bool", "Bool"), ("Binary", "Binary"),
    ("IPAddress", "IPAddress"),
}


@register
class OperatorTypeMismatch(ClauseRule):
    """What it does
    ------------
    Reports an operator whose type does not fit the key's type: ``StringEquals`` on
    ``aws:SourceIp`` (an IP address), ``NumericLessThan`` on ``aws:CurrentTime`` (a date),
    ``ArnLike`` on a string key, ``Bool`` on a number.

    Why is this bad?
    ----------------
    The values are compared as the wrong type: ``StringEquals`` on an IP key compares text,
    so ``10.0.0.0/8`` never matches an address; a date compared as a number never matches.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}}}]}
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

    code = "CND004"
    name = "operator-type-mismatch"
    summary = "Condition operator type does not fit the key type (StringEquals on an IP)"
    severity = Severity.warning

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.base.family == "Null":
            return
        info = _key_info(clause.key)
        if info is None:
            return
        key_type = info.base_type
        op_type = op.base.value_type
        if (op_type, key_type) in _COMPATIBLE or op_type == key_type:
            return
        if any(t.removeprefix("ArrayOf") == op_type for t in info.also_types):
            return
        if key_type not in ("String", "ARN", "Numeric", "Date", "Bool", "Binary",
                            "IPAddress"):
            return
        suggestion = {"ARN": "ArnLike", "IPAddress": "IpAddress", "Bool": "Bool",
                      "String": "StringEquals", "Numeric": "NumericEquals",
                      "Date": "DateLessThan", "Binary": "BinaryEquals"}[key_type]
        yield self.finding_at(target, clause.pointer,
                              f"{op.canonical} compares {clause.key} as {op_type}, but "
                              f"the key is of type {key_type}", key=True,
                              fix=f"use an operator for {key_type} values, e.g. "
                                  f"{suggestion}")


_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")
_VPCE = re.compile(r"^vpce-[0-9a-f]{8,17}$")


def value_problem(family: str, key: str, value: str, like: bool) -> str | None:
    """Why ``value`` is not a valid value for an operator of ``family`` (or ``None``).

    The family's syntax is :func:`policy_eval.document.values.value_problem`, the very
    parser the engine reads the value with; on top of it, the shape of a few well-known
    string keys (VPC and VPC endpoint ids)."""
    if "${" in value:
        return None
    problem = family_value_problem(family, value)
    if problem is not None:
        return problem
    if family == "String" and not (like and ("*" in value or "?" in value)):
        low = key.lower()
        if low == "aws:sourcevpc" and not _VPC.match(value):
            return f"{value!r} is not a VPC ID (vpc-0123456789abcdef0)"
        if low == "aws:sourcevpce" and not _VPCE.match(value):
            return f"{value!r} is not a VPC endpoint ID (vpce-0123456789abcdef0)"
    return None


@register
class MalformedConditionValue(ClauseRule):
    """What it does
    ------------
    Reports a condition value that the operator cannot read: a date that is not ISO 8601
    or epoch time (or does not exist, such as 2020-02-30), a number that is not a plain
    integer or decimal, a boolean other than true/false, an IP that is not an address or
    CIDR, an ARN pattern with fewer than six components, binary that is not base64, a VPC
    or VPC endpoint ID of the wrong shape. The evaluator reads values with the same
    parsers (``policy_eval.document.values``), so every value reported here is one the
    condition never matches.

    Why is this bad?
    ----------------
    AWS refuses the policy or the value never matches, so the condition is silently false.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"DateLessThan": {"aws:CurrentTime": "yesterday"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"}}}]}
    ```
    """

    code = "CND005"
    name = "malformed-condition-value"
    summary = "A condition value the operator cannot read (bad date, IP, number, boolean)"
    severity = Severity.error

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.base.family == "Null":
            return
        like = op.base.wildcards
        for value, pointer in clause_values(target, clause.pointer):
            problem = value_problem(op.base.family, clause.key, value, like)
            if problem:
                yield self.finding_at(target, pointer,
                                      f"{op.canonical} {clause.key}: {problem}")


@register
class WildcardWithoutLike(ClauseRule):
    """What it does
    ------------
    Reports ``*`` or ``?`` in the value of ``StringEquals``, ``StringNotEquals`` or their
    ``IgnoreCase`` forms.

    Why is this bad?
    ----------------
    These operators compare literally: ``"home/*"`` matches only the text ``home/*``.
    Use ``StringLike``/``StringNotLike`` for patterns.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-bucket",
                    "Condition": {"StringEquals": {"s3:prefix": "home/*"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-bucket",
                    "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}
    ```
    """

    code = "CND006"
    name = "wildcard-without-like"
    summary = "* or ? in a StringEquals value (compared literally)"
    severity = Severity.warning

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.base.family != "String" or op.base.wildcards:
            return
        for value, pointer in clause_values(target, clause.pointer):
            bare = strip_variables(value)
            if "*" in bare or "?" in bare:
                like = op.canonical.replace("Equals", "Like").replace("IgnoreCase", "")
                yield self.finding_at(target, pointer,
                                      f"{op.canonical} compares {value!r} literally; the "
                                      "* or ? is not a wildcard", fix=f"use {like}")


@register
class NullMisuse(ClauseRule):
    """What it does
    ------------
    Reports a ``Null`` condition whose value is not ``true`` or ``false``, and ``Null``
    with ``IfExists`` or a set qualifier (``ForAllValues:Null``), which AWS refuses.

    Why is this bad?
    ----------------
    ``Null`` tests whether a key is absent (``true``) or present (``false``); any other
    value never matches, and ``NullIfExists`` has no meaning.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"Null": {"s3:x-amz-server-side-encryption": "AES256"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}]}
    ```
    """

    code = "CND007"
    name = "null-misuse"
    summary = "Null with a value other than true/false, or with IfExists/ForAllValues"
    severity = Severity.error

    def check(self, target: Target) -> Iterator[Finding]:
        for error in target.errors:
            if error.code == "unknown-operator" and _is_null_form(_operator_token(error)):
                yield Finding(self.code, self.name,
                              f"{_operator_token(error)}: Null takes neither IfExists nor "
                              "a set qualifier", self.severity, error.location,
                              "use Null alone", None)
        yield from super().check(target)

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        if clause.parsed_operator.base.family != "Null":
            return
        for value, pointer in clause_values(target, clause.pointer):
            if parse_bool(value) is None:
                yield self.finding_at(target, pointer,
                                      f"Null {clause.key}: {value!r} is not true (key "
                                      "absent) or false (key present)",
                                      fix="use true or false; compare values with a String "
                                          "operator")


@register
class SetOperatorOnSingleValuedKey(ClauseRule):
    """What it does
    ------------
    Reports ``ForAllValues:`` or ``ForAnyValue:`` on a key that holds one value
    (``aws:SourceVpc``, ``aws:PrincipalTag/...``, ``s3:prefix``). Cognito keys are left to
    the COG rules.

    Why is this bad?
    ----------------
    ``ForAllValues`` is true when the key is absent, so an Allow matches requests that do
    not carry the key at all; ``ForAnyValue`` behaves like the plain operator and misleads
    the reader. Access Analyzer reports the ForAllValues case as a security warning.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]}
    ```
    """

    code = "CND008"
    name = "set-operator-on-single-valued-key"
    summary = "ForAllValues/ForAnyValue on a single-valued key"
    severity = Severity.warning
    security_severity = 5.0

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.set_qualifier is None or _cognito_owned(clause.key):
            return
        info = _key_info(clause.key)
        if info is None or info.multivalued:
            return
        vacuous = " (and is true when the key is absent)" \
            if op.set_qualifier == "ForAllValues" else ""
        plain = op.canonical.split(":", 1)[1]
        yield self.finding_at(target, clause.pointer,
                              f"{clause.key} holds a single value; {op.set_qualifier} "
                              f"treats it as a set{vacuous}", key=True,
                              fix=f"use {plain}")


@register
class MultivaluedKeyWithoutSetOperator(ClauseRule):
    """What it does
    ------------
    Reports a plain operator (no ``ForAnyValue:``/``ForAllValues:``) on a key that holds a
    list of values (``aws:TagKeys``, ``aws:PrincipalOrgPaths``, ``aws:CalledVia``).
    ``dynamodb:LeadingKeys`` and Cognito ``amr`` are left to the COG rules.

    Why is this bad?
    ----------------
    How a plain operator treats a list is not what readers expect; Access Analyzer refuses
    it (MISSING_QUALIFIER). Say whether all values or any value must match.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:TagKeys": ["project", "owner"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                    "Condition": {"ForAllValues:StringEquals":
                                      {"aws:TagKeys": ["project", "owner"]},
                                  "Null": {"aws:TagKeys": "false"}}}]}
    ```
    """

    code = "CND009"
    name = "multivalued-key-without-set-operator"
    summary = "A multivalued key (aws:TagKeys) used without ForAnyValue/ForAllValues"
    severity = Severity.warning

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if op.set_qualifier is not None or op.base.family == "Null" \
                or _cognito_owned(clause.key):
            return
        info = _key_info(clause.key)
        if info is None or not info.multivalued:
            return
        yield self.finding_at(target, clause.pointer,
                              f"{clause.key} holds several values; {op.canonical} without "
                              "ForAnyValue:/ForAllValues: is ambiguous", key=True,
                              fix=f"use ForAllValues:{op.canonical} (every value allowed) "
                                  f"or ForAnyValue:{op.canonical} (at least one)")


@register
class PrivateIpInSourceIp(ClauseRule):
    """What it does
    ------------
    Reports ranges in ``aws:SourceIp`` that no request from the internet can come from, and
    says which kind each one is (the IANA special-purpose registry): private (RFC 1918,
    ``10.0.0.0/8``, ``172.16.0.0/12``, ``192.168.0.0/16``), shared address space / carrier-grade
    NAT (RFC 6598, ``100.64.0.0/10``), loopback (``127.0.0.0/8``, ``::1``), link-local
    (``169.254.0.0/16``, ``fe80::/10``), documentation (RFC 5737 ``192.0.2.0/24``,
    ``198.51.100.0/24``, ``203.0.113.0/24``; RFC 3849 ``2001:db8::/32``), benchmarking (RFC 2544
    ``198.18.0.0/15``), unique-local IPv6 (RFC 4193, ``fc00::/7``), "this network"
    (``0.0.0.0/8``), reserved (``240.0.0.0/4``) and multicast.

    Why is this bad?
    ----------------
    ``aws:SourceIp`` holds the public address a request came from; requests through a VPC
    endpoint carry no public address. None of these ranges is ever the public source
    address of a request: private and CGNAT addresses are translated before they reach
    AWS, loopback and link-local never leave the host or link, documentation and
    benchmarking ranges are never routed, multicast is never a source. So the condition
    never matches (an Allow grants nothing, a ``NotIpAddress`` Deny blocks everything from
    the VPC). A documentation range is usually a placeholder copied from an example. Use
    ``aws:VpcSourceIp`` or ``aws:SourceVpc`` for traffic from a VPC.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}]}
    ```
    """

    code = "CND010"
    name = "private-ip-in-source-ip"
    summary = "A non-public IP range (private, documentation, loopback...) in aws:SourceIp"
    severity = Severity.warning

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        if clause.key.lower() != "aws:sourceip" or \
                clause.parsed_operator.base.family != "IpAddress":
            return
        for value, pointer in clause_values(target, clause.pointer):
            net = parse_network(value)
            if net is None:
                continue
            kind = non_public_range(net)
            if kind is not None:
                what, why = kind
                yield self.finding_at(target, pointer,
                                      f"{value} is {what}: {why}, so aws:SourceIp (the public "
                                      "address a request came from) never holds it",
                                      fix="use aws:VpcSourceIp or aws:SourceVpc for traffic "
                                          "from a VPC, or the real public range")


@register
class MfaAntiPattern(ClauseRule):
    """What it does
    ------------
    Reports the MFA conditions that do not enforce MFA: ``Bool`` ``aws:MultiFactorAuthPresent``
    ``false`` (the key is absent, not false, for long-term access keys), and an Allow with
    ``BoolIfExists`` ... ``true`` (true when the key is absent).

    Why is this bad?
    ----------------
    Requests signed with long-term access keys carry no ``aws:MultiFactorAuthPresent``:
    the Deny above never applies to them, and the Allow above lets them in.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
    ```
    """

    code = "CND011"
    name = "mfa-anti-pattern"
    summary = "An aws:MultiFactorAuthPresent condition that does not enforce MFA"
    severity = Severity.warning
    security_severity = 6.5

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        if clause.key.lower() != "aws:multifactorauthpresent":
            return
        op = clause.parsed_operator
        values = {v.lower() for v in clause.values}
        if op.base.family == "Bool" and not op.if_exists and "false" in values:
            yield self.finding_at(target, clause.pointer,
                                  "Bool aws:MultiFactorAuthPresent false does not match "
                                  "requests made with long-term keys (the key is absent)",
                                  key=True, fix="use BoolIfExists ... false in a Deny")
        elif op.base.family == "Bool" and op.if_exists and "true" in values \
                and is_allow(statement):
            yield self.finding_at(target, clause.pointer,
                                  "BoolIfExists aws:MultiFactorAuthPresent true in an "
                                  "Allow also allows requests without MFA information",
                                  key=True, fix="use Bool (without IfExists) in the Allow")


@register
class ConditionCaseDuplicate(StatementRule):
    """What it does
    ------------
    Reports the same condition operator, or the same key inside one operator, written
    twice with different case (``StringEquals`` and ``stringEquals``; ``aws:SourceVpc`` and
    ``aws:sourcevpc``).

    Why is this bad?
    ----------------
    Operators and keys are case-insensitive, so these are duplicate keys that JSON parsers
    do not catch; AWS refuses them (DUPLICATE_KEYS_WITH_DIFFERENT_CASE).

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d",
                                                   "aws:sourcevpc": "vpc-5e6f7a8b"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d",
                                                                     "vpc-5e6f7a8b"]}}}]}
    ```
    """

    code = "CND012"
    name = "condition-case-duplicate"
    summary = "The same operator or key twice, in different case"
    severity = Severity.error

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        ops: dict[str, str] = {}
        keys: dict[tuple[str, str], str] = {}
        reported: set[str] = set()
        for clause in statement.conditions:
            canon = clause.parsed_operator.canonical.lower()
            first = ops.setdefault(canon, clause.operator)
            op_at = _op_pointer(clause)
            if first != clause.operator and op_at not in reported:
                reported.add(op_at)
                yield self.finding_at(target, op_at,
                                      f"operator {clause.operator!r} repeats {first!r}",
                                      key=True, fix="merge the two blocks into one")
            slot = (clause.operator, clause.key.lower())
            other = keys.setdefault(slot, clause.key)
            if other != clause.key:
                yield self.finding_at(target, clause.pointer,
                                      f"key {clause.key!r} repeats {other!r} (keys are "
                                      "case-insensitive)", key=True,
                                      fix="merge the values under one key")


@register
class NonCanonicalOperator(StatementRule):
    """What it does
    ------------
    Reports a condition operator written in a case other than AWS's (``stringequals``,
    ``ForAnyvalue:StringLike``).

    Why is this bad?
    ----------------
    Operator names are matched case-insensitively by some evaluators and refused by
    AWS validators (spec §1.3 [I]); write them as documented.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"stringequals": {"aws:PrincipalTag/team": "blue"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}
    ```
    """

    code = "CND013"
    name = "non-canonical-operator"
    summary = "A condition operator not spelled as AWS documents it"
    severity = Severity.warning

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        seen: set[str] = set()
        for clause in statement.conditions:
            canon = clause.parsed_operator.canonical
            at = _op_pointer(clause)
            if clause.operator != canon and at not in seen:
                seen.add(at)
                yield self.finding_at(target, at,
                                      f"operator {clause.operator!r} is written {canon!r} "
                                      "in AWS's documentation", key=True, fix=f"use {canon}",
                                      replacement=canon)


@register
class BoolWithVariable(StatementRule):
    """What it does
    ------------
    Reports a policy variable in the value of a ``Bool`` condition.

    Why is this bad?
    ----------------
    AWS's pages disagree (spec §3.2 [C]): the operators page allows variables in Bool, the
    policy-variables page does not. policy-eval substitutes them, as iam-simulate does;
    AWS may not. Prefer a String operator, whose variable support is documented.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/tls}"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEqualsIgnoreCase":
                                      {"aws:SecureTransport": "${aws:PrincipalTag/tls}"}}}]}
    ```
    """

    code = "CND014"
    name = "bool-with-variable"
    summary = "A policy variable in a Bool condition (documented both ways, spec §3.2 [C])"
    severity = Severity.info

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        for clause in statement.conditions:
            if clause.parsed_operator.base.family == "Bool" and \
                    any("${" in v for v in clause.values):
                yield self.finding_at(target, clause.pointer,
                                      "a policy variable in a Bool value: AWS documents this "
                                      "both ways (policy-eval substitutes it)",
                                      fix="use StringEqualsIgnoreCase")


@register
class ForAllValuesAllowsAbsentKey(StatementRule):
    """What it does
    ------------
    Reports ``ForAllValues:`` in an Allow without a ``Null`` check that the key is present.
    It is a warning for request tags (``aws:TagKeys``, ``aws:RequestTag/...``), which most
    requests do not carry, and informational otherwise. ``dynamodb:LeadingKeys`` is left to
    COG015.

    Why is this bad?
    ----------------
    ``ForAllValues`` is true when the request has no values for the key ("all of nothing"),
    so the Allow also matches requests without the key: tag-less creates, or actions that
    never send it.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project"]},
                                  "Null": {"aws:TagKeys": "false"}}}]}
    ```
    """

    code = "CND015"
    name = "forallvalues-allows-absent-key"
    summary = "ForAllValues in an Allow is true when the key is absent"
    severity = Severity.warning
    security_severity = 5.0

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        if not is_allow(statement):
            return
        present = {c.key.lower() for c in statement.conditions
                   if c.parsed_operator.base.family == "Null"
                   and all(v.lower() == "false" for v in c.values)}
        for clause in statement.conditions:
            op = clause.parsed_operator
            low = clause.key.lower()
            if op.set_qualifier != "ForAllValues" or low in present or _cognito_owned(low):
                continue
            tags = low == "aws:tagkeys" or low.startswith("aws:requesttag/")
            yield self.finding_at(target, clause.pointer,
                                  f"ForAllValues on {clause.key} is also true when the request "
                                  "has no values for it", key=True,
                                  severity=None if tags else Severity.info,
                                  fix=f'add "Null": {{"{clause.key}": "false"}}')


@register
class ConditionMatchesAnything(ClauseRule):
    """What it does
    ------------
    Reports a condition in an Allow that does not restrict anything: ``StringLike``/
    ``ArnLike`` with the value ``*`` (only requires the key to be present; always true with
    ``IfExists`` or ``ForAllValues``), or ``IpAddress`` ``0.0.0.0/0``.

    Why is this bad?
    ----------------
    It looks like a guard, and tools that treat any condition as a mitigation
    (cloudsplaining, checkov) then skip the statement; the grant is unconditional in
    practice.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringLike": {"aws:UserAgent": "*"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]}
    ```
    """

    code = "CND016"
    name = "condition-matches-anything"
    summary = "A condition that restricts nothing (StringLike \"*\", 0.0.0.0/0)"
    severity = Severity.warning
    security_severity = 5.0

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        op = clause.parsed_operator
        if not is_allow(statement) or op.base.negated:
            return
        if op.base.wildcards and "*" in clause.values:
            always = op.if_exists or op.set_qualifier == "ForAllValues"
            what = "is always true" if always else \
                "only requires the key to be present"
            yield self.finding_at(target, clause.pointer,
                                  f"{op.canonical} {clause.key} \"*\" {what}", key=True,
                                  fix="compare with the values that should be allowed")
        elif op.base.family == "IpAddress" and any(
                v.strip() in ("0.0.0.0/0", "::/0") for v in clause.values):
            yield self.finding_at(target, clause.pointer,
                                  f"{op.canonical} {clause.key} 0.0.0.0/0 matches every "
                                  "address", key=True, fix="list the allowed ranges")
