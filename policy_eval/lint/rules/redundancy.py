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


def _literal_prefix(pattern: str) -> str:
    """The text before the first wildcard: every value ``pattern`` covers starts with it."""
    cut = len(pattern)
    for mark in "*?":
        at = pattern.find(mark)
        if at >= 0:
            cut = min(cut, at)
    return pattern[:cut]


def _buckets(text: str) -> list[str]:
    """``""`` and the prefixes of ``text`` that end at one of its first three colons
    (``s3:``; ``arn:``, ``arn:aws:``, ``arn:aws:s3:``)."""
    out = [""]
    at = text.find(":")
    while at >= 0 and len(out) < 4:
        out.append(text[:at + 1])
        at = text.find(":", at + 1)
    return out


class CoverIndex:
    """Finds the values that may cover a given value without comparing all pairs.

    Values are indexed by their text (duplicates) and, for wildcard patterns, by their
    literal prefix; a pattern can only cover values that start with its literal prefix.
    Prefixes are grouped by the longest of :func:`_buckets` they hold (the service of an
    action, the partition and service of an ARN), so a value looks up only the prefix
    lengths that occur in its own few buckets, then the glob test (:func:`_covers`)
    confirms the few candidates.
    """

    def __init__(self, fold: bool) -> None:
        self.fold = fold
        self.exact: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[int]] = {}
        self.lengths: dict[str, set[int]] = {}
        self.values: list[str] = []

    def add(self, value: str) -> int:
        """Index ``value``; returns its number (the order of ``add`` calls)."""
        number = len(self.values)
        key = value.lower() if self.fold else value
        self.values.append(value)
        self.exact.setdefault(key, []).append(number)
        if "*" in key or "?" in key:
            prefix = _literal_prefix(key)
            self.by_prefix.setdefault(prefix, []).append(number)
            self.lengths.setdefault(_buckets(prefix)[-1], set()).add(len(prefix))
        return number

    def candidates(self, value: str) -> list[int]:
        """Numbers of the indexed values that may cover ``value`` (a superset: callers
        confirm with :func:`_covers`), ascending."""
        key = value.lower() if self.fold else value
        found = self.exact.get(key, [])
        if not self.lengths:
            return found
        found = list(found)
        by_prefix = self.by_prefix
        size = len(key)
        for bucket in _buckets(key):
            for length in self.lengths.get(bucket, ()):
                if length <= size:
                    hits = by_prefix.get(key[:length])
                    if hits:
                        found.extend(hits)
        return sorted(set(found)) if len(found) > 1 else found

    def covering(self, value: str) -> list[int]:
        """Numbers of the indexed values that cover ``value``, ascending."""
        return [n for n in self.candidates(value) if _covers(self.values[n], value, self.fold)]


def _redundant(values: list[tuple[str, str]], fold: bool) -> Iterator[tuple[str, str, str]]:
    """(value, pointer, covering value) for each value covered by another one.

    The covering value reported is the first one in document order; a later duplicate is
    reported, the first occurrence is not. Each value is compared only with the values a
    :class:`CoverIndex` gives as candidates (a managed policy lists ~1,000 actions, a
    statement may list 20,000 resources: all pairs took seconds to minutes,
    benchmarks/README.md); ``tests/lint/test_redundancy_scaling.py`` holds this to the
    all-pairs definition.
    """
    index = CoverIndex(fold)
    for value, _ in values:
        index.add(value)
    for i, (value, pointer) in enumerate(values):
        key = value.lower() if fold else value
        for j in index.candidates(value):
            if j == i:
                continue
            other = values[j][0]
            if (other.lower() if fold else other) == key and j > i:
                continue
            if _covers(other, value, fold):
                yield value, pointer, other
                break


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
    """Does ``big`` cover everything ``small`` grants or denies (the definition)?"""
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


class StatementCoverIndex:
    """The statements of a policy indexed by the actions and resources they cover, so
    that the statements that may subsume one statement are found without trying every
    other statement: a subsumer must cover each of its resources and each of its actions,
    so it is in the intersection of the :class:`CoverIndex` owners of those values."""

    def __init__(self, statements: tuple[Statement, ...]) -> None:
        self.statements = statements
        self.actions = CoverIndex(fold=True)
        self.resources = CoverIndex(fold=False)
        self.action_owner: list[int] = []
        self.resource_owner: list[int] = []
        self.no_resources: set[int] = set()
        self.eligible: set[int] = set()
        self._memo: dict[tuple[bool, str], frozenset[int]] = {}
        for position, st in enumerate(statements):
            if st.not_actions or st.not_resources or st.not_principal:
                continue                       # never subsumes (see _subsumes)
            self.eligible.add(position)
            for action in st.actions or ():
                self.actions.add(action)
                self.action_owner.append(position)
            if st.resources is None:
                self.no_resources.add(position)
            for resource in st.resources or ():
                self.resources.add(resource)
                self.resource_owner.append(position)

    def _owners(self, value: str, resource: bool) -> frozenset[int]:
        memo_key = (resource, value)
        found = self._memo.get(memo_key)
        if found is None:
            index, owner = ((self.resources, self.resource_owner) if resource
                            else (self.actions, self.action_owner))
            found = frozenset(owner[n] for n in index.covering(value))
            self._memo[memo_key] = found
        return found

    def candidates(self, small: Statement) -> list[int]:
        """Positions of the statements that may subsume ``small``, ascending."""
        if small.not_actions or small.not_resources or small.not_principal \
                or small.actions is None:
            return []
        sets = [self._owners(a, False) for a in small.actions]
        if small.resources is None:
            sets.append(frozenset(self.no_resources))
        else:
            sets.extend(self._owners(r, True) for r in small.resources)
            if not small.resources:
                sets.append(frozenset(self.eligible - self.no_resources))
        if not sets:
            return sorted(self.eligible)
        sets.sort(key=len)
        found = set(sets[0])
        for other in sets[1:]:
            if not found:
                break
            found &= other
        return sorted(found)


def first_subsumer(index: StatementCoverIndex, statement: Statement) -> Statement | None:
    """The first statement in document order that subsumes ``statement`` (of two identical
    statements, only the later one is subsumed)."""
    for position in index.candidates(statement):
        other = index.statements[position]
        if _subsumes(other, statement):
            if _subsumes(statement, other) and statement.index < other.index:
                continue  # identical statements: report the later one
            return other
    return None


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

    def check(self, target: Target) -> Iterator[Finding]:
        policy = target.statements_policy
        if policy is None or len(policy.statements) < 2:
            return
        index = StatementCoverIndex(policy.statements)
        for statement in policy.statements:
            other = first_subsumer(index, statement)
            if other is not None:
                extra = " (its conditions restrict nothing)" if statement.conditions else ""
                yield self.finding_at(target, statement.pointer,
                                      f"{statement.label} is covered by {other.label}{extra}",
                                      fix="remove it, or narrow the broader statement")

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:  # pragma: no cover
        raise NotImplementedError("RED003 indexes the whole policy: see check()")


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

