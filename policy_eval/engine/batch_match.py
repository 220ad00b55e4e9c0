"""Statement predicates over the rows of a :class:`~policy_eval.engine.batch.RequestBatch`.

:class:`BatchMatcher` answers, for a compiled statement and an array of row numbers, which
of those rows the statement's resource part and conditions accept: the batch counterpart of
``CompiledStatement.applies`` (the action part is settled per action, as in ``decide``).
Every answer is computed once per *distinct* value and gathered back to the rows:

* static ``Resource`` patterns: once per distinct resource. Exact ARNs are looked up in the
  resource dictionary, ``prefix*`` patterns run as one NumPy ``startswith`` over the
  distinct resources; any other wildcard pattern falls back to the scalar matcher
  (``document/wildcard.py``) per distinct resource (no vectorized form of a general glob).
* ``Resource`` templates with variables (spec §3.3): the pattern is built once per distinct
  combination of the variables' values with the scalar ``Template`` (so defaults, literal
  substitution and unresolved variables behave exactly as in ``templates.py``); exact and
  ``prefix*`` results are then tested per row with NumPy (equality of codes,
  ``startswith`` over UTF-8 bytes), other patterns by the scalar matcher once per distinct
  (resource, values) pair.
* conditions: the scalar ``ClauseCheck.check`` (``conditions.py``) runs once per distinct
  combination of the context values it reads (its key and the keys of the variables in
  its values), so absent / single / multi values, ``IfExists``, ``ForAllValues`` /
  ``ForAnyValue`` and ``Null`` follow the scalar rules by construction (§4.1-4.5).
  This *is* the fallback "scalar predicate per unique value"; the vectorized part is the
  encoding and the gather.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

from ..document.variables import Variable, has_variables, parse_template
from ..document.wildcard import STAR, Atom, Matcher, compile_atoms, prefix_of, star_pieces
from .batch import RequestBatch
from .batch_conditions import VectorStringClause
from .batch_templates import ValueTable, match_slots
from .columns import Codes, LazyTable, Mask, bytes_array, combine, constant, distinct_codes
from .compile import CompiledStatement, ResourceMatcher
from .conditions import ClauseCheck
from .decide import resource_account
from .templates import Template, static_atoms

_UNRESOLVED, _EXACT, _PREFIX, _GENERAL = 0, 1, 2, 3


class _StaticResources:
    """The variable-free patterns of one ``Resource``/``NotResource`` element, sorted by
    how they can be tested over a column."""

    __slots__ = ("chunked", "exact", "globs", "prefixes")

    def __init__(self, patterns: tuple[str, ...], variables_enabled: bool) -> None:
        self.exact: list[str] = []
        self.prefixes: list[str] = []
        self.chunked: list[tuple[list[bytes], Matcher]] = []
        self.globs: list[Matcher] = []
        for pattern in patterns:
            if pattern == "*":
                continue
            atoms = static_atoms(pattern, variables_enabled=variables_enabled, arn=True)
            if atoms is None:
                continue  # a template: ResourceMatcher.templates
            if all(isinstance(a, str) for a in atoms):
                self.exact.append("".join(a for a in atoms if isinstance(a, str)))
                continue
            prefix = prefix_of(atoms)
            chunks = star_chunks(atoms)
            if prefix is not None and "\x00" not in prefix:
                self.prefixes.append(prefix)
            elif chunks is not None:
                self.chunked.append((chunks, compile_atoms(atoms)))
            else:
                self.globs.append(compile_atoms(atoms))


class BatchMatcher:
    """Resource parts and conditions of statements, over rows of one batch.

    ``derived`` gives the keys derived from the principal (pool code per distinct
    principal), filled in where the request does not set them, as
    ``DecisionEngine.context_for`` does; a column is built when a statement first reads
    its key."""

    def __init__(self, batch: RequestBatch, derived: dict[str, Codes]) -> None:
        self.batch = batch
        self.derived = derived
        self.keys: dict[str, Codes] = {}
        self.resources = batch.resource.codes
        self._static: dict[int, LazyTable] = {}
        self._templates: dict[int, dict[tuple[str, ...], tuple[int, Any]]] = {}
        self._clauses: dict[int, tuple[list[str], Any]] = {}
        self._accounts: dict[str, LazyTable] = {}
        self._values: dict[int, ValueTable] = {}

    def codes(self, key: str) -> Codes:
        """Pool codes of context ``key`` per row (derived keys filled in)."""
        found = self.keys.get(key)
        if found is None:
            found = self.batch.key_codes(key)
            fill = self.derived.get(key)
            if fill is not None:
                principal = self.batch.principal
                if len(principal.values) == 1:
                    fill = constant(len(found), int(fill[0]))
                else:
                    fill = fill[principal.codes]
                found = fill if key not in self.batch.context else np.where(
                    found == 0, fill, found).astype(np.int32)
            self.keys[key] = found
        return found

    # ------------------------------------------------------------ statements

    def applies(self, st: CompiledStatement, rows: Codes) -> Mask:
        """Rows (of ``rows``) to which the statement's resource part and conditions apply."""
        if st.resources is not None:
            mask = self.resource_match(st, st.resources, st.statement.resources or (), rows)
        elif st.not_resources is not None:
            mask = ~self.resource_match(st, st.not_resources, st.statement.not_resources or (),
                                        rows)
        else:
            mask = np.ones(len(rows), dtype=np.bool_)
        for clause in st.clauses:
            if not mask.any():
                break
            live = np.flatnonzero(mask)
            mask[live] = self.clause_holds(clause, rows[live])
        return mask

    def any_applies(self, statements: tuple[CompiledStatement, ...], rows: Codes) -> Mask:
        """Rows to which at least one of ``statements`` applies."""
        hit = np.zeros(len(rows), dtype=np.bool_)
        for st in statements:
            pending = np.flatnonzero(~hit)
            if pending.size == 0:
                break
            hit[pending] = self.applies(st, rows[pending])
        return hit

    # ------------------------------------------------------------ resources

    def resource_match(self, st: CompiledStatement, matcher: ResourceMatcher,
                       patterns: tuple[str, ...], rows: Codes) -> Mask:
        if matcher.match_all:
            return np.ones(len(rows), dtype=np.bool_)
        res = self.resources[rows]
        if matcher.exact or matcher.globs:
            table = self._static.get(id(matcher))
            if table is None:
                static = _StaticResources(patterns, st.policy.policy.variables_enabled)
                table = self._static[id(matcher)] = LazyTable(
                    len(self.batch.resource.values),
                    lambda codes: self._static_answers(static, codes))
            mask = table.get(res)
        else:
            mask = np.zeros(len(rows), dtype=np.bool_)
        for template in matcher.templates:
            pending = np.flatnonzero(~mask)
            if pending.size == 0:
                break
            mask[pending] = self.template_match(template, rows[pending])
        return mask

    def _static_answers(self, static: _StaticResources, codes: Codes) -> Mask:
        column = self.batch.resource
        out = np.zeros(len(codes), dtype=np.bool_)
        if static.exact:
            wanted = [c for c in map(column.code_of, static.exact) if c >= 0]
            if wanted:
                out |= np.isin(codes, wanted)
        values: list[str] | None = None
        if static.prefixes:
            data = column.bytes()
            if data is not None:
                subset = data[codes]
                for prefix in static.prefixes:
                    out |= np.strings.startswith(subset, prefix.encode())
            else:
                values = [column.values[c] for c in codes]
                for prefix in static.prefixes:
                    out |= np.fromiter((v.startswith(prefix) for v in values), np.bool_,
                                       len(values))
        if static.chunked:
            data = column.bytes()
            if data is not None:
                subset = data[codes]
                for chunks, _ in static.chunked:
                    out |= glob_over_bytes(chunks, subset)
            else:
                values = values or [column.values[c] for c in codes]
                for _, glob in static.chunked:
                    out |= np.fromiter(map(glob, values), np.bool_, len(values))
        if static.globs:
            # no vectorized form of a general glob: the scalar matcher per distinct resource
            values = values or [column.values[c] for c in codes]
            for glob in static.globs:
                out |= np.fromiter(map(glob, values), np.bool_, len(values))
        return out

    def template_match(self, template: Template, rows: Codes) -> Mask:
        """Rows whose resource matches ``template`` resolved in the row's context."""
        if len(template.variables) == 1:
            return self._one_variable_match(template, rows)
        pool = self.batch.pool
        columns = [self.codes(folded)[rows] for folded, _ in template.variables]
        if len(columns) == 1:
            combo = columns[0]
            distinct = np.unique(combo)

            def raw_values(c: int) -> tuple[Any, ...]:
                return (pool[c],)
        else:
            combo, first = combine(columns, [len(pool)] * len(columns))
            distinct = np.arange(len(first), dtype=np.int32)

            def raw_values(c: int) -> tuple[Any, ...]:
                return tuple(pool[col[first[c]]] for col in columns)

        size = int(distinct.max()) + 1
        kinds = np.zeros(size, dtype=np.int8)
        exact = np.full(size, -1, dtype=np.int32)
        prefixes: list[str] = [""] * size
        generals: dict[int, Matcher] = {}
        cache = self._templates.setdefault(id(template), {})
        code_of = self.batch.resource.code_of
        for c in distinct.tolist():
            resolved = _resolve(template, raw_values(c))
            if resolved is None:
                continue
            found = cache.get(resolved)
            if found is None:
                found = cache[resolved] = _classify(template, resolved)
            kind, payload = found
            kinds[c] = kind
            if kind == _EXACT:
                exact[c] = code_of(payload)
            elif kind == _PREFIX:
                prefixes[c] = payload
            else:
                generals[c] = payload
        row_kind = kinds[combo]
        res = self.resources[rows]
        out = np.zeros(len(rows), dtype=np.bool_)
        sel = np.flatnonzero(row_kind == _EXACT)
        if sel.size:
            out[sel] = res[sel] == exact[combo[sel]]
        sel = np.flatnonzero(row_kind == _PREFIX)
        if sel.size:
            data = self.batch.resource.bytes()
            patterns = bytes_array(prefixes)
            if data is not None and patterns is not None:
                out[sel] = np.strings.startswith(data[res[sel]], patterns[combo[sel]])
            else:
                names = self.batch.resource.values
                out[sel] = [names[r].startswith(prefixes[c])
                            for r, c in zip(res[sel].tolist(), combo[sel].tolist(), strict=True)]
        sel = np.flatnonzero(row_kind == _GENERAL)
        if sel.size:
            # no vectorized form of a general glob: the scalar matcher per distinct pair
            pairs, first_row = combine([res[sel], combo[sel]],
                                       [len(self.batch.resource.values), size])
            names = self.batch.resource.values
            answers = np.array([generals[int(combo[sel[f]])](names[res[sel[f]]])
                                for f in first_row.tolist()], dtype=np.bool_)
            out[sel] = answers[pairs]
        return out

    def value_table(self, template: Template, code_of: Callable[[str], int],
                    codes_of: Callable[[list[str]], list[int]] | None = None) -> ValueTable:
        """The per-value patterns of a one-variable template, kept for the evaluation."""
        table = self._values.get(id(template))
        if table is None:
            table = self._values[id(template)] = ValueTable(template, self.batch.pool, code_of,
                                                            codes_of)
        return table

    def _one_variable_match(self, template: Template, rows: Codes) -> Mask:
        """``template_match`` for one variable: the pattern of each row's value from the
        value table, then exact patterns by resource code, ``prefix*`` ones by one NumPy
        ``startswith`` and any other glob by the scalar matcher per distinct pair."""
        column = self.batch.resource
        table = self.value_table(template, column.code_of)
        slots = table.slots(self.codes(table.key)[rows])

        def subject_bytes(codes: Codes) -> np.ndarray | None:
            data = column.bytes()
            return None if data is None else data[codes]
        return match_slots(table, slots, self.resources[rows], column.values, subject_bytes)

    # ------------------------------------------------------------ conditions

    def clause_holds(self, clause: ClauseCheck, rows: Codes) -> Mask:
        """Rows whose context satisfies ``clause``: vectorized for string operators with
        variables (``batch_conditions.py``), else the scalar check once per distinct
        combination of the values it reads."""
        found = self._clauses.get(id(clause))
        pool = self.batch.pool
        if found is None:
            keys = clause_keys(clause)
            store: LazyTable | dict[tuple[int, ...], bool] | VectorStringClause
            vector = (VectorStringClause.build(clause) if len(keys) > 1
                      else None)
            if vector is not None:
                store = vector
            elif len(keys) == 1:
                key = keys[0]
                store = LazyTable(len(pool), lambda codes: np.fromiter(
                    (clause.check({key: pool[c]} if c else {}) for c in codes.tolist()),
                    np.bool_, len(codes)))
            else:
                store = {}
            found = self._clauses[id(clause)] = (keys, store)
        keys, store = found
        if isinstance(store, LazyTable):
            return store.get(self.codes(keys[0])[rows])
        if isinstance(store, VectorStringClause):
            return store.holds(self, rows)
        columns = [self.codes(k)[rows] for k in keys]
        combo, first = combine(columns, [len(pool)] * len(columns))
        answers = np.empty(len(first), dtype=np.bool_)
        for c, codes_list in enumerate(np.stack([col[first] for col in columns], 1).tolist()):
            codes = tuple(codes_list)
            ok = store.get(codes)
            if ok is None:
                ctx = {k: pool[v] for k, v in zip(keys, codes, strict=True) if v}
                ok = store[codes] = clause.check(ctx)
            answers[c] = ok
        return answers[combo]

    # ------------------------------------------------------------ accounts

    def same_account(self, rows: Codes, account: str) -> Mask:
        """Rows whose resource is in ``account`` (``decide.resource_account``: the ARN's
        account field, else ``aws:ResourceAccount``, else the caller's own account)."""
        states = self.batch.account_states(account)
        if states is not None:
            state = states[self.resources[rows]]
        else:
            table = self._accounts.get(account)
            if table is None:
                table = self._accounts[account] = LazyTable(
                    len(self.batch.resource.values),
                    lambda codes: self._arn_accounts(codes, account), dtype=np.int8)
            state = table.get(self.resources[rows])
        out = state == 1
        unknown = np.flatnonzero(state == 0)
        if unknown.size:
            pool = self.batch.pool
            given = self.codes("aws:resourceaccount")[rows[unknown]]
            distinct = distinct_codes(given)
            lookup = np.zeros(int(distinct[-1]) + 1, dtype=np.bool_)
            for c in distinct.tolist():
                value = pool[c]
                lookup[c] = value == account if type(value) is str and value else True
            out[unknown] = lookup[given]
        return out

    def _arn_accounts(self, codes: Codes, account: str) -> np.ndarray:
        """Per distinct resource: 0 no account field, 1 the field is ``account``, 2 other
        (resources an ``S`` array cannot hold: ``decide.resource_account`` per value)."""
        column = self.batch.resource
        out = np.zeros(len(codes), dtype=np.int8)
        for k, c in enumerate(codes.tolist()):
            field = resource_account(column.values[c], {}, None)
            out[k] = 0 if field is None else 1 if field == account else 2
        return out


def star_chunks(atoms: list[Atom]) -> list[bytes] | None:
    """:func:`star_pieces` as UTF-8 (for :func:`glob_over_bytes`), ``None`` when a piece
    holds a NUL (``S`` arrays drop trailing NULs)."""
    pieces = star_pieces(atoms)
    if pieces is None or any("\x00" in p for p in pieces):
        return None
    return [p.encode() for p in pieces]


def glob_over_bytes(chunks: list[bytes], data: np.ndarray) -> Mask:
    """``compile_atoms``' greedy placement (``document/wildcard.py``: first chunk at the
    start, each middle chunk at its leftmost place after the previous one, last chunk at the
    end, no overlap) as NumPy ``find`` calls over an ``S`` array. Byte offsets of UTF-8 text
    place chunks exactly where character offsets do."""
    first, middle, last = chunks[0], chunks[1:-1], chunks[-1]
    ok = np.strings.startswith(data, first) if first else np.ones(len(data), dtype=np.bool_)
    pos = np.full(len(data), len(first), dtype=np.int64)
    for chunk in middle:
        if not chunk:
            continue
        found = np.strings.find(data, chunk, pos)
        ok &= found >= 0
        pos = found + len(chunk)
    end = np.strings.str_len(data).astype(np.int64) - len(last)
    ok &= end >= pos
    if last:
        ok &= np.strings.endswith(data, last)
    return ok


def _resolve(template: Template, raw: tuple[Any, ...]) -> tuple[str, ...] | None:
    """The variables' values as ``Template.values`` resolves them (``None``: unresolved)."""
    out = []
    for (_, default), value in zip(template.variables, raw, strict=True):
        if type(value) is not str:
            if default is None:
                return None
            value = default
        out.append(value)
    return tuple(out)


def _classify(template: Template, values: tuple[str, ...]) -> tuple[int, Any]:
    atoms = template.atoms(values)
    if all(isinstance(a, str) for a in atoms):
        return _EXACT, "".join(a for a in atoms if isinstance(a, str))
    prefix = prefix_of(atoms)
    if prefix is not None and "\x00" not in prefix and atoms[-1] is STAR:
        return _PREFIX, prefix
    return _GENERAL, compile_atoms(atoms)


def clause_keys(clause: ClauseCheck) -> list[str]:
    """The folded context keys a clause reads: its key, then those of the variables in its
    values (when its operator substitutes them)."""
    keys = [clause.key]
    if clause.any_match is not None and clause.op.base.variables:
        for value in clause.clause.values:
            if has_variables(value):
                with contextlib.suppress(ValueError):
                    for part in parse_template(value):
                        if isinstance(part, Variable) and part.folded not in keys:
                            keys.append(part.folded)
    return keys
