"""RED: redundancy - actions, resources, statements and condition values that add
nothing because something else in the same policy already covers them.

Containment is decided with the catalogue's glob matcher: ``s3:GetObject`` is covered by
``s3:Get*`` (actions case-insensitive), ``arn:aws:s3:::b/k`` by ``arn:aws:s3:::b/*``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ...catalog import glob_match
from ...document.model import ConditionClause, Policy, Statement
from ..rule import Finding, Severity, Target, register
from ._base import ClauseRule, StatementRule, clause_values, value_pointers


def _covers(pattern: str, value: str, fold: bool) -> bool:
    """Does ``pattern`` match every string ``value`` matches (``value`` literal or equal)?"""
    if fold:
        pattern, value = pattern.lower(), value.lower()
    if pattern == value:
        return True
    if "${" in pattern or "${" in value:
        return False
    if "*" in value or "?" in value:
        return pattern == "*" or (pattern.endswith("*") and "?" not in pattern
                                  and "*" not in pattern[:-1]
                                  and value.startswith(pattern[:-1]))
    return glob_match(pattern, value)


def _bucket(text: str, fold: bool) -> str | None:
    """The part of ``text`` every value a pattern covers must share with the pattern:
    the service of an action (``s3``), the partition and service of an ARN
    (``arn:aws:s3``), or ``None`` when the literal prefix is too short to tell."""
    cut = len(text)
    for mark in "*?":
        at = text.find(mark)
        if at >= 0:
            cut = min(cut, at)
    fields = text[:cut].split(":")
    if fold:
        return fields[0].lower() if len(fields) > 1 else None
    return ":".join(fields[:3]) if len(fields) > 3 else None


def _redundant(values: list[tuple[str, str]], fold: bool) -> Iterator[tuple[str, str, str]]:
    """(value, pointer, covering value) for each value covered by another one.

    The covering value reported is the first one in document order; a later duplicate is
    reported, the first occurrence is not. Only an earlier duplicate or a wildcard
    pattern of the same service can cover a value, so each value is compared with those
    alone (a managed policy lists up to a thousand actions; comparing all pairs took
    seconds, benchmarks/README.md).
    """
    first_seen: dict[str, int] = {}
    patterns: dict[str | None, list[int]] = {}
    for index, (value, _) in enumerate(values):
        first_seen.setdefault(value.lower() if fold else value, index)
        if "*" in value or "?" in value:
            patterns.setdefault(_bucket(value, fold), []).append(index)
    for i, (value, pointer) in enumerate(values):
        key = value.lower() if fold else value
        best = first_seen[key] if first_seen[key] < i else None
        bucket = _bucket(value, fold)
        for group in {bucket, None}:
            for j in patterns.get(group, ()):
                if best is not None and j >= best:
                    break
                other = values[j][0]
                if j == i or ((other.lower() if fold else other) == key and j > i):
                    continue
                if _covers(other, value, fold):
                    best = j
                    break
        if best is not None:
            yield value, pointer, values[best][0]


class _RedundantValue(StatementRule):
    """Reports a value of ``elements`` covered by another value of the same element."""

    elements: ClassVar[tuple[str, ...]] = ()
    #: Actions compare case-insensitively, resources case-sensitively.
    case_sensitive: ClassVar[bool] = True

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for element in self.elements:
            values = list(value_pointers(target, statement, element))
            for value, pointer, other in _redundant(values, not self.case_sensitive):
                yield self.finding_at(target, pointer,
                                      f"{value!r} is already covered by {other!r}",
                                      fix=f"remove {value!r}")


@register
class RedundantAction(_RedundantValue):
    """What it does
    ------------
    Reports an action already matched by another action of the same statement
    (``s3:GetObject`` next to ``s3:Get*``), or listed twice.

    Why is this bad?
    ----------------
    It adds nothing, makes the policy longer (closer to the size quota) and suggests the
    author did not see the wildcard.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"],
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RED001"
    name = "redundant-action"
    summary = "An action already covered by another action of the statement"
    severity = Severity.info

    elements = ("Action", "NotAction")
    case_sensitive = False


@register
class RedundantResource(_RedundantValue):
    """What it does
    ------------
    Reports a resource already matched by another resource of the same statement
    (``arn:aws:s3:::b/private/x`` next to ``arn:aws:s3:::b/*``), or listed twice.

    Why is this bad?
    ----------------
    It adds nothing, and often shows that a wildcard grants more than the specific ARN
    next to it was meant to.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": ["arn:aws:s3:::example-bucket/*",
                                 "arn:aws:s3:::example-bucket/reports/2026.csv"]}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": ["arn:aws:s3:::example-bucket/*"]}]}
    ```
    """

    code = "RED002"
    name = "redundant-resource"
    summary = "A resource already covered by another resource of the statement"
    severity = Severity.info

    elements = ("Resource", "NotResource")
    case_sensitive = True


def _all_covered(mine: tuple[str, ...] | None, theirs: tuple[str, ...] | None,
                 fold: bool) -> bool:
    if mine is None or theirs is None:
        return False
    return all(any(_covers(t, m, fold) for t in theirs) for m in mine)


def _subsumes(big: Statement, small: Statement) -> bool:
    if big.effect != small.effect or big.index == small.index:
        return False
    if big.not_actions or small.not_actions or big.not_resources or small.not_resources:
        return False
    if big.principal != small.principal or big.not_principal or small.not_principal:
        return False
    big_conds = {(c.operator, c.key.lower(), c.values) for c in big.conditions}
    small_conds = {(c.operator, c.key.lower(), c.values) for c in small.conditions}
    if not big_conds <= small_conds:
        return False
    if not _all_covered(small.actions, big.actions, True):
        return False
    if big.resources is None and small.resources is None:
        return True  # trust policies: the role is the resource
    return _all_covered(small.resources, big.resources, False)


@register
class RedundantStatement(StatementRule):
    """What it does
    ------------
    Reports a statement whose every action and resource another statement with the same
    effect already covers, with no extra conditions on the covering statement.

    Why is this bad?
    ----------------
    It changes nothing. When it carries conditions the other statement lacks, those
    conditions protect nothing: a reader trusts a restriction that the broader statement
    voids.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "s3:*",
                    "Resource": "arn:aws:s3:::example-bucket/*"},
                   {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/reports/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "s3:*",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "RED003"
    name = "redundant-statement"
    summary = "A statement fully covered by another statement with the same effect"
    severity = Severity.info

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for other in policy.statements:
            if _subsumes(other, statement):
                if _subsumes(statement, other) and statement.index < other.index:
                    continue  # identical statements: report the later one
                extra = " (its conditions restrict nothing)" if statement.conditions else ""
                yield self.finding_at(target, statement.pointer,
                                      f"{statement.label} is covered by {other.label}{extra}",
                                      fix="remove it, or narrow the broader statement")
                break


@register
class DuplicateConditionValue(ClauseRule):
    """What it does
    ------------
    Reports a value listed twice for one condition key.

    Why is this bad?
    ----------------
    It adds nothing and is often a copy-paste slip where a different value was meant.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue", "blue"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]}}}]}
    ```
    """

    code = "RED004"
    name = "duplicate-condition-value"
    summary = "The same value twice for one condition key"
    severity = Severity.info

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterator[Finding]:
        seen: set[str] = set()
        for value, pointer in clause_values(target, clause.pointer):
            if value in seen:
                yield self.finding_at(target, pointer,
                                      f"{clause.key}: {value!r} is listed twice",
                                      fix="remove the duplicate")
            seen.add(value)

