"""Shared helpers for rule families: statement iteration, parse-error rules, value access.

Rules here look at the normalised :class:`~policy_eval.document.model.Policy` when they can
(``StatementRule``) and at the raw decoded data when they must see what the model drops
(the spelling of an element, an empty array, a ``Principal`` where none belongs).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from ...document.model import Policy, Statement
from ...document.operators import ParsedOperator
from ...errors import PolicyEvalError, join_pointer
from ..rule import Finding, Rule, Target

#: Policy kinds by role.
PERMISSION_KINDS = ("identity", "boundary", "session", "scp", "rcp", "resource")
IDENTITY_KINDS = ("identity", "boundary", "session")
PRINCIPAL_KINDS = ("resource", "trust", "rcp")


class ParseErrorRule(Rule):
    """Reports the grammar/input errors with one of ``error_codes`` as findings."""

    error_codes: ClassVar[tuple[str, ...]] = ()
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


def element_pointer(statement: Statement, element: str, values: Any, index: int) -> str:
    """Pointer of the ``index``-th value of ``element`` (a string element has no index)."""
    base = join_pointer(statement.pointer, element)
    return base if isinstance(values, str) else join_pointer(base, index)


def value_pointers(target: Target, statement: Statement,
                   element: str) -> Iterator[tuple[str, str]]:
    """(value, absolute pointer) of each string of a statement element in the raw data."""
    raw = _raw_at(target, statement.pointer)
    if not isinstance(raw, dict):
        return
    value = raw.get(element)
    base = join_pointer(statement.pointer, element)
    if isinstance(value, str):
        yield value, base
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield item, join_pointer(base, i)


def clause_values(target: Target, pointer: str) -> Iterator[tuple[str, str]]:
    """(stringified value, absolute pointer) of each value of a condition clause."""
    raw = _raw_at(target, pointer)
    items = raw if isinstance(raw, list) else [raw]
    for i, item in enumerate(items):
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        yield text, (join_pointer(pointer, i) if isinstance(raw, list) else pointer)


def _raw_at(target: Target, pointer: str) -> Any:
    """The raw value at an absolute pointer (``None`` if it is not there)."""
    rel = pointer[len(target.pointer):] if pointer.startswith(target.pointer) else pointer
    node: Any = target.data
    if not rel:
        return node
    for token in rel.split("/")[1:]:
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


def hint(suggestion: str | None) -> str:
    return f" (did you mean {suggestion!r}?)" if suggestion else ""


def is_allow(statement: Statement) -> bool:
    return statement.effect == "Allow"


def op_of(clause: Any) -> ParsedOperator:
    return clause.parsed_operator


def strip_variables(text: str) -> str:
    """``text`` with every ``${...}`` removed (for wildcard checks outside variables)."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith("${", i):
            end = text.find("}", i + 2)
            if end == -1:
                out.append(text[i:])
                break
            i = end + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)
