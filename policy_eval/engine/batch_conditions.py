"""Vectorized string conditions for the batch path (spec semantics.md §4.1-4.4).

``StringEquals``, ``StringNotEquals``, ``StringLike`` and ``StringNotLike`` (case-sensitive,
with or without ``IfExists``, ``ForAllValues:`` or ``ForAnyValue:``) whose templated values
hold one variable each (``${cognito-identity.amazonaws.com:sub}``, ``${sub}/*``...): the
forms Cognito policies use on ``s3:prefix`` and ``dynamodb:LeadingKeys``. Other clauses go
to the scalar check per distinct combination of values (``batch_match.py``).

How a row is decided mirrors ``ClauseCheck`` (``conditions.py``) step by step:

* the row's value is read per *distinct* value of the key: absent, single or multi; without
  a set operator a single value is tested, a null value (absent, or multivalued with only
  empty strings) gives ``IfExists or negated`` and any other multivalued one ``False``
  (§4.3, §4.4); with a set operator empty strings are dropped, an empty set gives
  ``ForAllValues or IfExists``, else every element is tested and the results are
  reduced with ``all`` / ``any``;
* an element matches when a static value matches it (the scalar ``compile_any_match`` over
  the static values, once per distinct element) or a template resolved in the row's context
  does: the pattern is built once per distinct value of the variable with the scalar
  ``Template`` (unresolved -> no match, §3.3), then exact patterns compare by code, ``x*``
  patterns run as one NumPy ``startswith`` and other globs fall back to the scalar matcher
  once per distinct (element, variable value) pair;
* a negated operator negates each element's match (NOR over the policy values, §4.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..document.wildcard import Matcher, compile_atoms, prefix_of
from .columns import Codes, Mask, bytes_array
from .conditions import ClauseCheck, _is_null, compile_any_match
from .templates import Template, static_text

if TYPE_CHECKING:
    from .batch_match import BatchMatcher

_EXACT, _PREFIX, _GENERAL = 1, 2, 3


class VectorStringClause:
    """One string clause, evaluated over rows with NumPy."""

    __slots__ = ("for_all", "if_exists", "key", "negated", "qualified", "static", "templates")

    def __init__(self, clause: ClauseCheck, static: list[str], templates: list[Template],
                 variables_enabled: bool) -> None:
        op = clause.op
        self.key = clause.key
        self.negated = op.base.negated
        self.if_exists = op.if_exists
        self.qualified = op.set_qualifier is not None
        self.for_all = op.set_qualifier == "ForAllValues"
        self.static = (compile_any_match(op.base, tuple(static), variables_enabled)
                       if static else None)
        self.templates = templates

    @classmethod
    def build(cls, clause: ClauseCheck, variables_enabled: bool) -> VectorStringClause | None:
        """The vectorized form of ``clause``, or ``None`` when it has none."""
        base = clause.op.base
        if base.family != "String" or base.ignore_case or clause.any_match is None:
            return None
        static: list[str] = []
        templates: list[Template] = []
        for value in clause.clause.values:
            if static_text(value, variables_enabled=variables_enabled) is not None:
                static.append(value)   # compile_any_match reads it as _Values does
                continue
            template = Template(value, wildcards=base.wildcards)
            if len(template.variables) != 1:
                return None
            templates.append(template)
        return cls(clause, static, templates, variables_enabled)

    def holds(self, matcher: BatchMatcher, rows: Codes) -> Mask:
        pool = matcher.batch.pool
        key = matcher.codes(self.key)[rows]
        distinct = np.unique(key).tolist()
        size = max(distinct) + 1
        const = np.full(size, -1, dtype=np.int8)      # -1: test the elements
        elements: dict[int, tuple[str, ...]] = {}
        for c in distinct:
            value = pool[c]
            if self.qualified:
                if value is None:
                    items: tuple[str, ...] = ()
                elif type(value) is str:
                    items = (value,) if value else ()
                else:
                    items = tuple(v for v in value if v != "")
                if not items:
                    const[c] = self.for_all or self.if_exists
                    continue
            elif type(value) is str:
                items = (value,)
            else:
                const[c] = (self.if_exists or self.negated) if _is_null(value) else False
                continue
            elements[c] = items
        out = const[key] == 1
        test = np.flatnonzero(const[key] == -1)
        if test.size == 0:
            return out
        # explode the tested rows into (row, element) pairs, elements as local string ids
        strings: dict[str, int] = {}
        lengths = np.zeros(size, dtype=np.int64)
        firsts = np.zeros(size, dtype=np.int64)
        flat: list[int] = []
        for c, items in elements.items():
            firsts[c] = len(flat)
            lengths[c] = len(items)
            flat.extend(strings.setdefault(v, len(strings)) for v in items)
        flat_ids = np.array(flat, dtype=np.int64)
        tested = key[test]
        counts = lengths[tested]
        starts = np.cumsum(counts) - counts
        pair_row = np.repeat(np.arange(len(test)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(starts, counts)
        element = flat_ids[np.repeat(firsts[tested], counts) + offsets]
        texts = list(strings)
        match = np.zeros(len(element), dtype=np.bool_)
        if self.static is not None:
            static = self.static
            answers = np.fromiter((bool(static(t, {})) for t in texts), np.bool_, len(texts))
            match |= answers[element]
        for template in self.templates:
            pending = np.flatnonzero(~match)
            if pending.size == 0:
                break
            var = matcher.codes(template.variables[0][0])[rows[test]][pair_row[pending]]
            match[pending] = _template_matches(template, pool, var, element[pending], texts,
                                               strings)
        if self.negated:
            match = ~match
        reduce = np.logical_and if (self.for_all or not self.qualified) else np.logical_or
        out[test] = reduce.reduceat(match, starts) if len(match) else False
        return out


def _template_matches(template: Template, pool: list[Any], var: Codes, element: np.ndarray,
                      texts: list[str], strings: dict[str, int]) -> Mask:
    """Does element ``element[i]`` match ``template`` resolved with variable value
    ``pool[var[i]]``?"""
    _, default = template.variables[0]
    distinct = np.unique(var).tolist()
    size = max(distinct) + 1
    kinds = np.zeros(size, dtype=np.int8)
    exact = np.full(size, -1, dtype=np.int64)
    prefixes = [""] * size
    generals: dict[int, Matcher] = {}
    for c in distinct:
        value = pool[c]
        resolved = value if type(value) is str else default
        if resolved is None:
            continue     # unresolved: matches nothing (§3.3)
        if not template.wildcards:
            kinds[c] = _EXACT
            exact[c] = strings.get(template.text((resolved,)), -1)
            continue
        atoms = template.atoms((resolved,))
        if all(isinstance(a, str) for a in atoms):
            kinds[c] = _EXACT
            exact[c] = strings.get("".join(a for a in atoms if isinstance(a, str)), -1)
            continue
        prefix = prefix_of(atoms)
        if prefix is not None:
            kinds[c], prefixes[c] = _PREFIX, prefix
        else:
            kinds[c], generals[c] = _GENERAL, compile_atoms(atoms)
    kind = kinds[var]
    out = np.zeros(len(var), dtype=np.bool_)
    sel = np.flatnonzero(kind == _EXACT)
    if sel.size:
        out[sel] = element[sel] == exact[var[sel]]
    sel = np.flatnonzero(kind == _PREFIX)
    if sel.size:
        subjects, patterns = bytes_array(texts), bytes_array(prefixes)
        if subjects is not None and patterns is not None:
            out[sel] = np.strings.startswith(subjects[element[sel]], patterns[var[sel]])
        else:
            out[sel] = [texts[e].startswith(prefixes[v]) for e, v in
                        zip(element[sel].tolist(), var[sel].tolist(), strict=True)]
    sel = np.flatnonzero(kind == _GENERAL)
    if sel.size:
        # no vectorized form of a general glob: the scalar matcher per distinct pair
        seen: dict[tuple[int, int], bool] = {}
        answers = []
        for e, v in zip(element[sel].tolist(), var[sel].tolist(), strict=True):
            found = seen.get((e, v))
            if found is None:
                found = seen[(e, v)] = generals[v](texts[e])
            answers.append(found)
        out[sel] = answers
    return out
