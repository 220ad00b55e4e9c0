"""Policy strings with variables, resolved against a request context.

A :class:`Template` holds the parsed parts of one policy string (``Resource`` entry or
condition value). Per request it resolves each variable (spec semantics.md §3.3):

* a single-valued key gives its value (the empty string included);
* an absent key, or a multivalued one (never usable as a variable), gives the default
  value when the variable has one, else the template is *unresolved* and matches nothing;
* substituted text is literal: a ``*`` in a tag value is not a wildcard (§3.1 [I]).

Matchers for resolved values are cached per tuple of values, so a million requests from a
thousand identities compile a thousand patterns, not a million.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..document.variables import Literal, Part, Text, Variable, parse_template, render
from ..document.wildcard import Atom, Matcher, atoms_from_text, compile_atoms, prefix_of

Context = dict[str, Any]

_CACHE_LIMIT = 8192


def arn_resource_only(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Keep variables only in the resource part of an ARN pattern: before the fifth ``:``
    (partition, service, region, account) ``${...}`` is literal text (spec §3.2)."""
    colons = 0
    out: list[Part] = []
    for part in parts:
        if colons >= 5:
            out.append(part)
        elif isinstance(part, Text):
            out.append(part)
            colons += part.value.count(":")
        else:
            out.append(Literal(render((part,))))
    return tuple(out)


def resolve_variable(var: Variable, ctx: Context) -> str | None:
    """The value a variable takes in ``ctx`` (``None``: unresolved)."""
    value = ctx.get(var.folded)
    if type(value) is str:
        return value
    return var.default


class Template:
    """One policy string with at least one variable."""

    __slots__ = ("_cache", "_single", "parts", "source", "variables", "wildcards")

    def __init__(self, source: str, *, wildcards: bool, arn: bool = False) -> None:
        self.source = source
        parts = parse_template(source)
        self.parts: tuple[Part, ...] = arn_resource_only(parts) if arn else parts
        self.variables = tuple((p.folded, p.default) for p in self.parts
                               if isinstance(p, Variable))
        self.wildcards = wildcards
        self._cache: dict[tuple[str, ...], Matcher] = {}
        self._single: tuple[dict[str, Matcher | str], Callable[[str], Matcher | str]] | None = None

    def values(self, ctx: Context) -> tuple[str, ...] | None:
        """Resolved values of the variables, in order; ``None`` if one is unresolved."""
        out = []
        for folded, default in self.variables:
            value = ctx.get(folded)
            if type(value) is not str:
                if default is None:
                    return None
                value = default
            out.append(value)
        return tuple(out)

    def unresolved(self, ctx: Context) -> list[Variable]:
        """The variables that have no value in ``ctx`` (for explanations)."""
        return [p for p in self.parts
                if isinstance(p, Variable) and resolve_variable(p, ctx) is None]

    def text(self, values: tuple[str, ...]) -> str:
        """The string with ``values`` substituted and escapes turned into characters."""
        out = []
        it = iter(values)
        for part in self.parts:
            if isinstance(part, Variable):
                out.append(next(it))
            else:
                out.append(part.value)
        return "".join(out)

    def atoms(self, values: tuple[str, ...]) -> list[Atom]:
        """Wildcard atoms with ``values`` substituted as literal text."""
        atoms: list[Atom] = []
        it = iter(values)
        for part in self.parts:
            if isinstance(part, Text):
                atoms.extend(atoms_from_text(part.value) if self.wildcards else [part.value])
            elif isinstance(part, Literal):
                atoms.append(part.value)
            else:
                atoms.append(next(it))
        return atoms

    def _compile(self, values: tuple[str, ...]) -> Matcher:
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        found = self._cache[values] = compile_atoms(self.atoms(values))
        return found

    def matcher(self, ctx: Context) -> Matcher | None:
        """A matcher for this template in ``ctx``; ``None`` when unresolved."""
        values = self.values(ctx)
        if values is None:
            return None
        found = self._cache.get(values)
        return found if found is not None else self._compile(values)

    def text_function(self) -> Callable[[Context], str | None]:
        """``f(ctx)``: the resolved text, or ``None`` when unresolved (hot path of the
        equality operators)."""
        if len(self.parts) == 1 and len(self.variables) == 1:
            (folded, default), = self.variables

            def whole(ctx: Context) -> str | None:
                value = ctx.get(folded)
                return value if type(value) is str else default
            return whole

        def general(ctx: Context) -> str | None:
            values = self.values(ctx)
            return None if values is None else self.text(values)
        return general

    def single_value_cache(self) -> tuple[dict[str, Matcher | str],
                                          Callable[[str], Matcher | str]]:
        """For a one-variable template: ``(by_value, compile_value)``, the per-value cache
        of matchers (keyed by the variable's value itself, no tuple per request) and the
        function that fills it. A pattern that is a plain prefix is kept as that string, to
        be tested with an inline ``startswith`` (no matcher call). Shared by
        :meth:`match_function` and the generated code of ``engine/codegen.py``."""
        if self._single is None:
            by_value: dict[str, Matcher | str] = {}
            atoms_for = self.atoms

            def compile_value(value: str) -> Matcher | str:
                if len(by_value) >= _CACHE_LIMIT:
                    by_value.clear()
                atoms = atoms_for((value,))
                prefix = prefix_of(atoms)
                found = by_value[value] = prefix if prefix is not None else compile_atoms(atoms)
                return found
            self._single = (by_value, compile_value)
        return self._single

    def match_function(self) -> Callable[[str, Context], bool]:
        """``f(subject, ctx)``: does ``subject`` match the template resolved in ``ctx``?
        Specialised for the common one-variable case (hot path)."""
        if len(self.variables) == 1:
            (folded, default), = self.variables
            by_value, compile_value = self.single_value_cache()

            def match_one(subject: str, ctx: Context) -> bool:
                value = ctx.get(folded)
                if type(value) is not str:
                    if default is None:
                        return False
                    value = default
                found = by_value.get(value)
                if found is None:
                    found = compile_value(value)
                if type(found) is str:
                    return subject.startswith(found)
                return found(subject)  # type: ignore[operator]
            return match_one

        def match_many(subject: str, ctx: Context) -> bool:
            m = self.matcher(ctx)
            return m is not None and m(subject)
        return match_many


def static_atoms(source: str, *, variables_enabled: bool,
                 arn: bool = False) -> list[Atom] | None:
    """Atoms of a policy string that needs no per-request resolution, or ``None`` when
    it holds variables that must be resolved (under 2012-10-17). ``arn``: a Resource
    pattern, where variables count only in the resource part (spec §3.2)."""
    if variables_enabled and "${" in source:
        parts = parse_template(source)
        if arn:
            parts = arn_resource_only(parts)
        if any(isinstance(p, Variable) for p in parts):
            return None
        atoms: list[Atom] = []
        for part in parts:
            if isinstance(part, Text):
                atoms.extend(atoms_from_text(part.value))
            elif isinstance(part, Literal):
                atoms.append(part.value)
        return atoms
    return atoms_from_text(source)


def static_text(source: str, *, variables_enabled: bool) -> str | None:
    """A condition value without variables as plain text (escapes resolved), or ``None``
    when it holds variables."""
    if variables_enabled and "${" in source:
        parts = parse_template(source)
        if any(isinstance(p, Variable) for p in parts):
            return None
        return "".join(p.value for p in parts if not isinstance(p, Variable))
    return source
