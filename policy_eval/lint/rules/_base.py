"""Shared helpers for rule families: rule base classes, parse-error rules, value access.

Rules here look at the normalised :class:`~policy_eval.document.model.Policy` when they can
(``PolicyRule``, ``StatementRule``, ``ClauseRule``) and at the raw decoded data when they
must see what the model drops (the spelling of an element, an empty array, a ``Principal``
where none belongs). ``EvidenceRule`` is the base of the engine-proved families (Cognito,
security), whose findings set their own severity and security severity.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from ...document.model import ConditionClause, Policy, Statement
from ...document.values import condition_value_text
from ...document.variables import Text, template_parts
from ...errors import ErrorCode, PolicyEvalError, join_pointer
from ..rule import Finding, Rule, Severity, Target

#: Policy kinds by role.
PERMISSION_KINDS = ("identity", "boundary", "session", "scp", "rcp", "resource")
IDENTITY_KINDS = ("identity", "boundary", "session")
PRINCIPAL_KINDS = ("resource", "trust", "rcp")

#: The engine-proved rules that report what an over-broad statement grants, strongest
#: first: a text-level finding on the same statement (``s3:*``, ``Resource: "*"``) is folded
#: into the first of them that reports it (``Rule.superseded_by``, :mod:`..supersede`).
BROAD_GRANT_RULES = ("SEC002", "COG009", "COG007", "SEC001", "SEC007", "SEC005", "SEC006",
                     "SEC008")


def stronger_than(code: str) -> tuple[str, ...]:
    """The codes of :data:`BROAD_GRANT_RULES` listed before ``code``."""
    return BROAD_GRANT_RULES[:BROAD_GRANT_RULES.index(code)]


class ParseErrorRule(Rule):
    """Reports the grammar/input errors with one of ``error_codes`` as findings."""

    error_codes: ClassVar[tuple[ErrorCode, ...]] = ()
    fix_hint: ClassVar[str | None] = None
    needs_valid_policy = False

    def accepts(self, error: PolicyEvalError) -> bool:
        return error.code in self.error_codes

    def check(self, target: Target) -> Iterator[Finding]:
        for error in target.errors:
            if self.accepts(error):
                yield Finding(self.code, self.name, error.message, self.severity,
                              error.location, self.fix_hint, self.security_severity)


class StatementRule(Rule):
    """A rule that looks at one statement at a time (runs on partial policies too)."""

    partial_ok = True

    def check(self, target: Target) -> Iterator[Finding]:
        policy = target.statements_policy
        if policy is None:
            return
        for statement in policy.statements:
            yield from self.check_statement(target, policy, statement)

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError


class ClauseRule(StatementRule):
    """A rule that looks at one condition clause at a time, in document order."""

    def check_statement(self, target: Target, policy: Policy,
                        statement: Statement) -> Iterator[Finding]:
        for clause in statement.conditions:
            yield from self.check_clause(target, statement, clause)

    def check_clause(self, target: Target, statement: Statement,
                     clause: ConditionClause) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError


class PolicyRule(Rule):
    """A rule that looks at the parsed policy as a whole (nothing when it did not parse)."""

    def check(self, target: Target) -> Iterator[Finding]:
        if target.policy is not None:
            yield from self.check_policy(target, target.policy)

    def check_policy(self, target: Target,
                     policy: Policy) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError


class EvidenceRule(PolicyRule):
    """A policy rule whose findings may set their own severity and security severity
    (the engine-proved Cognito and security families)."""

    def make(self, target: Target, pointer: str, message: str, *,
             severity: Severity | None = None, security: float | None = None,
             evidence: dict[str, Any] | None = None, fix: str | None = None) -> Finding:
        """A finding at ``pointer`` (relative to the target document)."""
        return Finding(self.code, self.name, message, severity or self.severity,
                       target.location(pointer), fix,
                       security if security is not None else self.security_severity, evidence)


def raw_statements(target: Target) -> Iterator[tuple[dict[str, Any], str]]:
    """Each statement object of the raw document with its absolute pointer."""
    data = target.data
    if not isinstance(data, dict):
        return
    raw = data.get("Statement")
    base = join_pointer(target.pointer, "Statement")
    if isinstance(raw, dict):
        yield raw, base
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            if isinstance(item, dict):
                yield item, join_pointer(base, i)


def string_items(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(string, pointer) of a raw element that is a string or an array of strings (a string
    element has no index; other items are skipped)."""
    if isinstance(value, str):
        yield value, pointer
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield item, f"{pointer}/{i}"    # join_pointer(pointer, i), without escaping


def value_pointers(target: Target, statement: Statement,
                   element: str) -> Iterator[tuple[str, str]]:
    """(value, absolute pointer) of each string of a statement element in the raw data."""
    raw = _raw_at(target, statement.pointer)
    if isinstance(raw, dict):
        # element names hold no "/" or "~": no escaping needed
        yield from string_items(raw.get(element), f"{statement.pointer}/{element}")


def element_values(target: Target, statement: Statement,
                   elements: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """(element, value, absolute pointer) of each string of several statement elements."""
    for element in elements:
        for value, pointer in value_pointers(target, statement, element):
            yield element, value, pointer


def clause_values(target: Target, pointer: str) -> Iterator[tuple[str, str]]:
    """(stringified value, absolute pointer) of each value of a condition clause."""
    raw = _raw_at(target, pointer)
    items = raw if isinstance(raw, list) else [raw]
    for i, item in enumerate(items):
        pointer_of_item = join_pointer(pointer, i) if isinstance(raw, list) else pointer
        yield condition_value_text(item), pointer_of_item


def _raw_at(target: Target, pointer: str) -> Any:
    """The raw value at an absolute pointer (``None`` if it is not there)."""
    rel = pointer[len(target.pointer):] if pointer.startswith(target.pointer) else pointer
    return resolve_pointer(target.data, rel)


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer inside ``data`` (``None`` when absent)."""
    node: Any = data
    if not pointer:
        return node
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError):
                return None
        else:
            return None
    return node


raw_at = _raw_at


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The closest candidate (case-insensitive), or ``None``."""
    pool = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(word.lower(), list(pool), n=1, cutoff=cutoff)
    return pool[hits[0]] if hits else None


def sole_suggestion(word: str, candidates: Iterable[str],
                    cutoff: float = 0.85) -> str | None:
    """The candidate when exactly one is this close to ``word`` (case-insensitive): a
    correction with one right answer, which ``check --fix`` may apply."""
    pool = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(word.lower(), list(pool), n=2, cutoff=cutoff)
    return pool[hits[0]] if len(hits) == 1 else None


def hint(suggestion: str | None) -> str:
    return f" (did you mean {suggestion!r}?)" if suggestion else ""


def is_allow(statement: Statement) -> bool:
    return statement.effect == "Allow"


def strip_variables(text: str) -> str:
    """``text`` with every ``${...}`` removed (for wildcard checks outside variables)."""
    return "".join(part.value for part in template_parts(text) if isinstance(part, Text))


class TemplateRule(Rule):
    """A rule on an infrastructure template as a whole (kind ``template``): it reads the
    extraction (:class:`~policy_eval.document.iac.cloudformation.TemplateExtraction`)."""

    kinds = ("template",)
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        extraction = target.related.get("template")
        if extraction is not None:
            yield from self.check_template(extraction)

    def check_template(self, extraction: Any) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError
