"""Condition operators (spec semantics.md §4): compile a clause into a fast predicate.

Each :class:`ClauseCheck` answers "does this ``operator: {key: values}`` hold in this
request context?" following:

* §4.1 several values: OR for positive operators, NOR for negated ones;
* §4.3 missing keys: positive -> false, negated -> true, ``IfExists`` -> true,
  ``Null`` tests presence;
* §4.4 set operators: ``ForAllValues`` is true for an absent or empty key,
  ``ForAnyValue`` false; a single-valued key is a one-element set; a multivalued key
  without a set operator never matches (spec §4.4, adopting iam-simulate's reading [O]);
  ``IfExists`` with a set operator is applied first (absent -> true) [I];
* §3.3 variables in values: an unresolved value can match nothing, so a negated operator
  still holds for it (AWS's documented example; iam-simulate differs, see
  tests/differential/DIVERGENCES.md);
* §4.5 values: read by the one parser per family in ``document/values.py`` (the linter
  reads them with the same functions); anything unparsable is a non-match.

Context values are ``str`` (single-valued) or ``tuple[str, ...]`` (multivalued), keyed by
folded key name; see ``engine/request.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..document.model import ConditionClause
from ..document.operators import OperatorInfo, ParsedOperator
from ..document.values import (
    is_arn,
    parse_binary,
    parse_bool,
    parse_date,
    parse_ip_address,
    parse_network,
    parse_number,
)
from ..document.wildcard import STAR, Atom, Matcher, atoms_from_text, compile_atoms
from .templates import Context, Template, static_atoms, static_text

#: Compare one request value with the policy values: True (some value matches), False
#: (none does) or None (the request value cannot be read as the operator's type).
AnyMatch = Callable[[str, Context], "bool | None"]


# ---------------------------------------------------------------- ARN components

def split_arn_atoms(atoms: list[Atom]) -> list[list[Atom]] | None:
    """Split pattern atoms at the first five ``:`` into the six ARN components."""
    components: list[list[Atom]] = [[]]
    for atom in atoms:
        if isinstance(atom, str) and ":" in atom and len(components) < 6:
            pieces = atom.split(":", 6 - len(components))
            components[-1].append(pieces[0])
            for piece in pieces[1:]:
                components.append([piece] if piece else [])
        else:
            components[-1].append(atom)
    if len(components) != 6:
        return None
    return components


def compile_arn_pattern(atoms: list[Atom]) -> Matcher:
    """ArnLike/ArnEquals: each of the six components is globbed on its own, so ``*``
    never spans a ``:`` between components (spec §2.2, AWS's own example)."""
    if atoms == [STAR]:
        return is_arn
    components = split_arn_atoms(atoms)
    if components is None:
        return lambda value: False
    matchers = [compile_atoms(c) for c in components]

    def match(value: str) -> bool:
        parts = value.split(":", 5)
        if len(parts) != 6:
            return False
        return all(m(p) for m, p in zip(matchers, parts, strict=True))

    return match


# ---------------------------------------------------------------- families

class _Values:
    """The policy values of one clause: static ones prepared once, templated ones
    resolved per request."""

    def __init__(self, op: OperatorInfo, values: tuple[str, ...], variables_enabled: bool):
        self.static: list[str] = []
        self.templates: list[Template] = []
        for value in values:
            if op.variables:
                text = static_text(value, variables_enabled=variables_enabled)
                if text is None:
                    self.templates.append(Template(value, wildcards=op.wildcards))
                    continue
                if op.wildcards:
                    # keep raw text; atoms are built by the family (escapes honoured)
                    self.static.append(value)
                else:
                    self.static.append(text)
            else:
                self.static.append(value)
        self.variables_enabled = variables_enabled

    def static_only(self) -> _Values:
        """The same values without the templated ones (the batch path resolves those per
        distinct value itself)."""
        copy = object.__new__(_Values)
        copy.static, copy.templates = self.static, []
        copy.variables_enabled = self.variables_enabled
        return copy

    def resolved_texts(self, ctx: Context) -> list[str]:
        out = []
        for template in self.templates:
            values = template.values(ctx)
            if values is not None:
                out.append(template.text(values))
        return out


def _string_family(op: OperatorInfo, vals: _Values) -> AnyMatch:
    if op.comparison == "like":
        static = [compile_atoms(a) for a in
                  (static_atoms(v, variables_enabled=vals.variables_enabled) or atoms_from_text(v)
                   for v in vals.static)]
        templates = vals.templates

        def like(r: str, ctx: Context) -> bool:
            for m in static:
                if m(r):
                    return True
            for t in templates:
                tm = t.matcher(ctx)
                if tm is not None and tm(r):
                    return True
            return False
        return like
    if op.ignore_case:
        lowered = frozenset(v.lower() for v in vals.static)
        if not vals.templates:
            return lambda r, ctx: r.lower() in lowered
        return lambda r, ctx: (r.lower() in lowered
                               or r.lower() in {v.lower() for v in vals.resolved_texts(ctx)})
    exact = frozenset(vals.static)
    if not vals.templates:
        return lambda r, ctx: r in exact
    texts = tuple(t.text_function() for t in vals.templates)
    if len(texts) == 1:
        only = texts[0]
        if not exact:
            return lambda r, ctx: r == only(ctx)
        return lambda r, ctx: r in exact or r == only(ctx)

    def equals(r: str, ctx: Context) -> bool:
        if r in exact:
            return True
        return any(r == t(ctx) for t in texts)
    return equals


def _ordered(parse: Callable[[str], Any], comparison: str, vals: _Values) -> AnyMatch:
    parsed = [p for p in (parse(v) for v in vals.static) if p is not None]
    compare: Callable[[Any, Any], bool] = {
        "equals": lambda a, b: a == b, "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
    }[comparison]

    def test(r: str, ctx: Context) -> bool | None:
        value = parse(r)
        if value is None:
            return None
        return any(compare(value, p) for p in parsed)
    return test


def _bool_family(vals: _Values) -> AnyMatch:
    static = {parse_bool(v) for v in vals.static} - {None}

    def test(r: str, ctx: Context) -> bool | None:
        value = parse_bool(r)
        if value is None:
            return None
        if value in static:
            return True
        return any(parse_bool(t) == value for t in vals.resolved_texts(ctx))
    return test


def _binary_family(vals: _Values) -> AnyMatch:
    static = {b for b in (parse_binary(v) for v in vals.static) if b is not None}

    def test(r: str, ctx: Context) -> bool | None:
        value = parse_binary(r)
        if value is None:
            return None
        return value in static
    return test


def _ip_family(vals: _Values) -> AnyMatch:
    networks = [n for n in (parse_network(v) for v in vals.static) if n is not None]

    def test(r: str, ctx: Context) -> bool | None:
        address = parse_ip_address(r)
        if address is None:
            return None
        return any(address.version == n.version and address in n for n in networks)
    return test


def _arn_family(vals: _Values) -> AnyMatch:
    static = [compile_arn_pattern(static_atoms(v, variables_enabled=vals.variables_enabled)
                                  or atoms_from_text(v)) for v in vals.static]
    templates = vals.templates

    def test(r: str, ctx: Context) -> bool | None:
        if not is_arn(r):
            return None
        if any(m(r) for m in static):
            return True
        for t in templates:
            values = t.values(ctx)
            if values is not None and compile_arn_pattern(t.atoms(values))(r):
                return True
        return False
    return test


def compile_any_match(op: OperatorInfo, values: tuple[str, ...],
                      variables_enabled: bool) -> AnyMatch:
    """``m(r, P)`` before negation: does request value ``r`` match some policy value?"""
    return compile_values_match(op, _Values(op, values, variables_enabled))


def compile_values_match(op: OperatorInfo, vals: _Values) -> AnyMatch:
    """:func:`compile_any_match` over values already prepared."""
    family = op.family
    if family == "String":
        return _string_family(op, vals)
    if family == "Numeric":
        return _ordered(parse_number, op.comparison, vals)
    if family == "Date":
        return _ordered(parse_date, op.comparison, vals)
    if family == "Bool":
        return _bool_family(vals)
    if family == "Binary":
        return _binary_family(vals)
    if family == "IpAddress":
        return _ip_family(vals)
    if family == "Arn":
        return _arn_family(vals)
    raise ValueError(f"no comparison for operator family {family}")


# ---------------------------------------------------------------- clauses

_MISSING: Any = object()


def _is_null(value: Any) -> bool:
    """Whether a context value counts as "no value": absent, or a multivalued key whose
    values are all empty. Empty request values of multivalued keys behave as null
    (spec §4.3, [D iam-condition]) and an empty set is treated like a missing key by the
    set operators (§4.4 [D]); we apply the same reading to ``Null`` and ``IfExists`` so
    that "exists" means one thing everywhere [I]. A single-valued ``""`` is present
    (§4.3, the S3 console's empty prefix)."""
    if value is _MISSING:
        return True
    if type(value) is tuple:
        return all(v == "" for v in value)
    return False


class ClauseCheck:
    """One compiled ``operator: {key: values}`` clause."""

    __slots__ = ("any_match", "check", "clause", "key", "op", "values")

    def __init__(self, clause: ConditionClause, variables_enabled: bool) -> None:
        self.clause = clause
        self.op: ParsedOperator = clause.parsed_operator
        self.key = clause.folded_key
        base = self.op.base
        #: The policy values, prepared (``None`` for ``Null``); ``engine/codegen.py`` reads
        #: them to inline the common string comparisons.
        self.values: _Values | None = None
        if base.family == "Null":
            self.any_match = None
            self.check = self._null_check(clause.values)
            return
        self.values = _Values(base, clause.values, variables_enabled)
        self.any_match = compile_values_match(base, self.values)
        self.check = self._build()

    @staticmethod
    def _present(value: Any) -> bool:
        return not _is_null(value)

    def _null_check(self, values: tuple[str, ...]) -> Callable[[Context], bool]:
        key = self.key
        wanted = {parse_bool(v) for v in values} - {None}
        present = self._present

        def check(ctx: Context) -> bool:
            is_null = not present(ctx.get(key, _MISSING))
            return is_null in wanted
        return check

    def _build(self) -> Callable[[Context], bool]:
        key = self.key
        op = self.op
        negated = op.base.negated
        if_exists = op.if_exists
        any_match = self.any_match
        assert any_match is not None

        def one(r: str, ctx: Context) -> bool:
            result = any_match(r, ctx)
            if result is None:
                return False
            return not result if negated else result

        if op.set_qualifier is None:
            absent_result = if_exists or negated

            def check(ctx: Context) -> bool:
                value = ctx.get(key, _MISSING)
                if type(value) is str:
                    return one(value, ctx)
                if _is_null(value):
                    return absent_result
                return False     # multivalued key without a set operator (§4.4)
            return check

        for_all = op.set_qualifier == "ForAllValues"

        def check_set(ctx: Context) -> bool:
            value = ctx.get(key, _MISSING)
            if type(value) is str:
                values: tuple[str, ...] = (value,) if value else ()
            elif value is _MISSING:
                values = ()
            else:
                # empty strings in a set are null (§4.3, §4.4 [D])
                values = tuple(v for v in value if v != "") if "" in value else value
            if not values:
                # absent, or an empty set such as an empty string (§4.4 [D]); IfExists
                # first (§4.4 [I])
                return for_all or if_exists
            if for_all:
                return all(one(r, ctx) for r in values)
            return any(one(r, ctx) for r in values)
        return check_set

    def describe(self, ctx: Context) -> str:
        """Why the clause holds or not, in words (for explanations)."""
        value = ctx.get(self.key, _MISSING)
        name = f"{self.clause.operator} {self.clause.key}"
        wanted = list(self.clause.values)
        if value is _MISSING:
            shown = "absent from the request"
        elif type(value) is str:
            shown = f"= {value!r}"
        else:
            shown = f"= {list(value)!r} (multivalued)"
        note = ""
        if self.any_match is not None:
            unresolved = [v for t in _Values(self.op.base, self.clause.values,
                                             True).templates for v in t.unresolved(ctx)]
            if unresolved:
                note = "; unresolved variable " + ", ".join("${" + v.key + "}" for v in unresolved)
            if value is not _MISSING and type(value) is not str and self.op.set_qualifier is None:
                note += ("; a multivalued key needs ForAllValues: or ForAnyValue: "
                         "(spec §4.4)")
        return f"{name} {wanted!r}: key {shown}{note}"
