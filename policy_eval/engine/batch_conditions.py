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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .batch_templates import ValueTable, match_slots
from .columns import Codes, LazyTable, Mask, bytes_array, distinct_codes
from .conditions import ClauseCheck, _is_null, _Values, compile_values_match

if TYPE_CHECKING:
    from .batch_match import BatchMatcher

class VectorStringClause:
    """One string clause, evaluated over rows with NumPy."""

    __slots__ = ("const", "consts", "elements", "flat", "for_all", "if_exists", "key",
                 "length", "lengths", "negated", "qualified", "single", "slot", "start",
                 "starts", "static", "static_table", "templates")

    def __init__(self, clause: ClauseCheck, values: _Values) -> None:
        op = clause.op
        self.key = clause.key
        self.negated = op.base.negated
        self.if_exists = op.if_exists
        self.qualified = op.set_qualifier is not None
        self.for_all = op.set_qualifier == "ForAllValues"
        self.static = (compile_values_match(op.base, values.static_only())
                       if values.static else None)
        self.templates = values.templates
        self.static_table: LazyTable | None = None
        # per key code: a slot into the cell arrays (the constant answer, or the elements
        # to test as pool codes), filled in as codes are asked about
        self.slot = np.zeros(0, dtype=np.int32)
        self.consts: list[int] = []
        self.starts: list[int] = []
        self.lengths: list[int] = []
        self.elements: list[int] = []
        self.single = True

    @classmethod
    def build(cls, clause: ClauseCheck) -> VectorStringClause | None:
        """The vectorized form of ``clause``, or ``None`` when it has none."""
        base = clause.op.base
        values = clause.values
        if (base.family != "String" or base.ignore_case or values is None
                or any(len(t.variables) != 1 for t in values.templates)):
            return None
        return cls(clause, values)   # the clause's own parsed values and templates

    def _cells(self, pool: list[Any], codes: Codes, intern: Callable[[Any], int],
               intern_all: Callable[[list[Any]], list[int]]) -> Codes:
        """The cell slot of each key code (read once per distinct value of the key)."""
        if len(self.slot) < len(pool):
            grown = np.full(len(pool), -1, dtype=np.int32)
            grown[:len(self.slot)] = self.slot
            self.slot = grown
        found = self.slot[codes]
        if not (found < 0).any():
            return found
        new = distinct_codes(codes[found < 0], len(self.slot)).tolist()
        values = list(map(pool.__getitem__, new))
        # the common case in bulk: a cell holding one string to test ("v", or ("v",)
        # under a set operator, where "" is null)
        items = ([v if type(v) is str else v[0] if type(v) is tuple and len(v) == 1 else None
                  for v in values] if self.qualified else
                 [v if type(v) is str else None for v in values])
        bulk = [k for k, item in enumerate(items)
                if type(item) is str and (item or not self.qualified)]
        if bulk:
            base = len(self.consts)
            self.slot[[new[k] for k in bulk]] = np.arange(base, base + len(bulk),
                                                          dtype=np.int32)
            self.consts.extend([-1] * len(bulk))
            self.starts.extend(range(len(self.elements), len(self.elements) + len(bulk)))
            self.lengths.extend([1] * len(bulk))
            self.elements.extend(intern_all([items[k] for k in bulk]))
        if len(bulk) < len(new):
            taken = set(bulk)
            for k, c in enumerate(new):
                if k not in taken:
                    self.slot[c] = self._add_cell(values[k], intern)
        self.const = np.array(self.consts, dtype=np.int8)
        self.start = np.array(self.starts, dtype=np.int64)
        self.length = np.array(self.lengths, dtype=np.int64)
        self.flat = np.array(self.elements, dtype=np.int32)
        return self.slot[codes]

    def _add_cell(self, value: Any, intern: Callable[[Any], int]) -> int:
        """How a cell is decided: a constant, or its elements (pool codes) to test."""
        const = -1
        items: tuple[str, ...] = ()
        if self.qualified:
            if value is None:
                items = ()
            elif type(value) is str:
                items = (value,) if value else ()
            else:
                items = tuple(v for v in value if v != "")
            if not items:
                const = int(self.for_all or self.if_exists)
        elif type(value) is str:
            items = (value,)
        elif value is None or _is_null(value):    # absent, or only empty strings (§4.3)
            const = int(self.if_exists or self.negated)
        else:
            const = 0                              # multivalued without a set operator
        if const >= 0:
            items = ()
        self.consts.append(const)
        self.starts.append(len(self.elements))
        self.lengths.append(len(items))
        self.single = self.single and len(items) <= 1
        self.elements.extend(map(intern, items))
        return len(self.consts) - 1

    def holds(self, matcher: BatchMatcher, rows: Codes) -> Mask:
        batch = matcher.batch
        pool = batch.pool
        cells = self._cells(pool, matcher.codes(self.key)[rows], batch.intern, batch.intern_all)
        const = self.const[cells]
        out = const == 1
        test = np.flatnonzero(const == -1)
        if test.size == 0:
            return out
        tested = cells[test]
        if self.single:     # one element per cell: no explosion into pairs
            element = self.flat[self.start[tested]]
            pair_row = test
            starts = None
        else:
            counts = self.length[tested]
            starts = np.cumsum(counts) - counts
            pair_row = np.repeat(test, counts)
            offsets = np.arange(int(counts.sum())) - np.repeat(starts, counts)
            element = self.flat[np.repeat(self.start[tested], counts) + offsets]
        match = np.zeros(len(element), dtype=np.bool_)
        if self.static is not None:
            if self.static_table is None or len(self.static_table.table) < len(pool):
                self.static_table = _static_table(self.static, pool, self.static_table)
            match |= self.static_table.get(element)
        for template in self.templates:
            pending = np.flatnonzero(~match)
            if pending.size == 0:
                break
            table = matcher.value_table(template, batch.intern, batch.intern_all)
            var = matcher.codes(table.key)[rows[pair_row[pending]]]
            match[pending] = _template_matches(table, pool, var, element[pending])
        if self.negated:
            match = ~match
        if starts is None:
            out[test] = match
        else:
            reduce = np.logical_and if (self.for_all or not self.qualified) else np.logical_or
            out[test] = reduce.reduceat(match, starts) if len(match) else False
        return out


def _static_table(static: Any, pool: list[Any], old: LazyTable | None) -> LazyTable:
    """Answers of the static values per element code (a pool string), grown with the
    pool: the scalar ``compile_any_match`` once per distinct element."""
    table = LazyTable(len(pool), lambda codes: np.fromiter(
        (bool(static(pool[c], {})) for c in codes.tolist()), np.bool_, len(codes)))
    if old is not None:
        table.table[:len(old.table)] = old.table
        table.done[:len(old.done)] = old.done
    return table


def _template_matches(table: ValueTable, pool: list[Any], var: Codes,
                      element: np.ndarray) -> Mask:
    """Does element ``element[i]`` (a pool code of a string) match the template resolved
    with variable value ``pool[var[i]]``?"""

    def subject_bytes(codes: Codes) -> np.ndarray | None:
        """The elements as an ``S`` array (built over their distinct values)."""
        used = distinct_codes(codes, len(pool))
        local = np.zeros(len(pool), dtype=np.int32)
        local[used] = np.arange(len(used), dtype=np.int32)
        data = bytes_array([pool[c] for c in used.tolist()])
        return None if data is None else data[local[codes]]
    return match_slots(table, table.slots(var), element, pool, subject_bytes)
