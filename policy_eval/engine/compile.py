"""Compile a :class:`~policy_eval.document.model.Policy` into fast matchers.

A :class:`CompiledStatement` holds, for one statement: an action matcher (a set of exact
lower-cased actions plus wildcard matchers; actions are case-insensitive, spec §1.3), a
resource matcher (exact ARNs, static wildcard patterns, and templates with variables that
are resolved per request; ARNs are case-sensitive and ``*`` may cross ``:``, spec §2.2),
the principal element, and the compiled condition clauses.

Each part is a separate method so that the fast path (``decide``) and the explanation
(``explain``) run the very same predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..document.model import Policy, PrincipalSpec, Statement
from ..document.wildcard import Atom, Matcher, compile_atoms, compile_glob, has_wildcards
from .conditions import ClauseCheck
from .principals import Caller, principal_match
from .templates import Context, Template, static_atoms


class ActionMatcher:
    """Does a (lower-cased) action match one of the patterns?"""

    __slots__ = ("exact", "globs", "match_all")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        exact: set[str] = set()
        globs: list[Matcher] = []
        match_all = False
        for pattern in patterns:
            folded = pattern.lower()
            if folded == "*":
                match_all = True
            elif has_wildcards(folded):
                # Spec §2.1 [I]: we glob over the whole "service:action" text; a wildcard in
                # the service prefix is reported by the linter (AWS rejects it at upload).
                globs.append(compile_glob(folded))
            else:
                exact.add(folded)
        self.exact = frozenset(exact)
        self.globs = tuple(globs)
        self.match_all = match_all

    def __call__(self, action_key: str) -> bool:
        if self.match_all or action_key in self.exact:
            return True
        return any(g(action_key) for g in self.globs)


class ResourceMatcher:
    """Does a resource ARN match one of the patterns, in a given context?"""

    __slots__ = ("__call__", "exact", "glob_atoms", "globs", "match_all", "templates")

    def __init__(self, patterns: tuple[str, ...], variables_enabled: bool) -> None:
        exact: set[str] = set()
        globs: list[Matcher] = []
        glob_atoms: list[list[Atom]] = []
        templates: list[Template] = []
        match_all = False
        for pattern in patterns:
            if pattern == "*":
                match_all = True
                continue
            atoms = static_atoms(pattern, variables_enabled=variables_enabled, arn=True)
            if atoms is None:
                templates.append(Template(pattern, wildcards=True, arn=True))
            elif all(isinstance(a, str) for a in atoms):
                exact.add("".join(atoms))  # type: ignore[arg-type]
            else:
                globs.append(compile_atoms(atoms))
                glob_atoms.append(atoms)
        self.exact = frozenset(exact)
        self.globs = tuple(globs)
        #: The atoms of each of ``globs`` (``engine/codegen.py`` inlines plain prefixes).
        self.glob_atoms = tuple(glob_atoms)
        self.templates = tuple(templates)
        self.match_all = match_all
        self.__call__ = self._specialise()

    def _specialise(self) -> Callable[[str, Context], bool]:
        """The fastest predicate for this set of patterns (the hot path of ``decide``)."""
        exact, globs = self.exact, self.globs
        tmatch = tuple(t.match_function() for t in self.templates)
        if self.match_all:
            return lambda resource, ctx: True
        if not globs and not tmatch:
            return lambda resource, ctx: resource in exact
        if not exact and not globs and len(tmatch) == 1:
            return tmatch[0]
        if not exact and not tmatch and len(globs) == 1:
            only = globs[0]
            return lambda resource, ctx: only(resource)

        def match(resource: str, ctx: Context) -> bool:
            if resource in exact:
                return True
            for g in globs:
                if g(resource):
                    return True
            for t in tmatch:
                if t(resource, ctx):
                    return True
            return False
        return match

    def unresolved(self, ctx: Context) -> list[str]:
        """Patterns whose variables have no value in ``ctx`` (they match nothing)."""
        return [t.source for t in self.templates if t.values(ctx) is None]


class CompiledStatement:
    """One statement, compiled."""

    __slots__ = ("actions", "alone", "applies", "checks", "clauses", "deny", "not_actions",
                 "not_principal", "not_resources", "policy", "principal", "resources",
                 "statement")

    def __init__(self, statement: Statement, policy: CompiledPolicy) -> None:
        variables = policy.policy.variables_enabled
        self.statement = statement
        self.policy = policy
        self.deny = statement.effect == "Deny"
        self.actions = ActionMatcher(statement.actions) if statement.actions is not None else None
        self.not_actions = (ActionMatcher(statement.not_actions)
                            if statement.not_actions is not None else None)
        self.resources = (ResourceMatcher(statement.resources, variables)
                          if statement.resources is not None else None)
        self.not_resources = (ResourceMatcher(statement.not_resources, variables)
                              if statement.not_resources is not None else None)
        self.principal: PrincipalSpec | None = statement.principal
        self.not_principal: PrincipalSpec | None = statement.not_principal
        self.clauses = tuple(ClauseCheck(c, variables) for c in statement.conditions)
        self.checks = tuple(c.check for c in self.clauses)
        self.applies = self._specialise()
        #: ``(self,)``, made once: decisions name their statements without allocating.
        self.alone: tuple[CompiledStatement, ...] = (self,)

    def action_applies(self, action_key: str) -> bool:
        if self.actions is not None:
            return self.actions(action_key)
        assert self.not_actions is not None
        return not self.not_actions(action_key)

    def resource_applies(self, resource: str, ctx: Context) -> bool:
        if self.resources is not None:
            return self.resources(resource, ctx)
        if self.not_resources is not None:
            return not self.not_resources(resource, ctx)
        return True   # no Resource element: a trust policy's statement is about the role

    def principal_kind(self, caller: Caller) -> str | None:
        """How the statement's Principal/NotPrincipal lets ``caller`` in, or ``None``.
        ``NotPrincipal`` applies to everyone it does not name (kind ``wildcard``)."""
        if self.principal is not None:
            return principal_match(self.principal, caller)
        if self.not_principal is not None:
            return None if principal_match(self.not_principal, caller) else "wildcard"
        return "wildcard"

    def _specialise(self) -> Callable[[str, Context], bool]:
        """``applies(resource, ctx)``: resource part and conditions (the action part is
        settled when planning), as one closure for the hot path."""
        checks = self.checks
        if self.resources is not None:
            rmatch = self.resources.__call__
            negate = False
        elif self.not_resources is not None:
            rmatch = self.not_resources.__call__
            negate = True
        else:
            if not checks:
                return lambda resource, ctx: True
            return lambda resource, ctx: all(c(ctx) for c in checks)
        if not checks:
            if negate:
                return lambda resource, ctx: not rmatch(resource, ctx)
            return rmatch
        if len(checks) == 1 and not negate:
            only = checks[0]
            return lambda resource, ctx: rmatch(resource, ctx) and only(ctx)

        def applies(resource: str, ctx: Context) -> bool:
            if rmatch(resource, ctx) == negate:
                return False
            for check in checks:
                if not check(ctx):
                    return False
            return True
        return applies

    @property
    def label(self) -> str:
        return f"{self.policy.label} {self.statement.label}"

    def __repr__(self) -> str:
        return f"<CompiledStatement {self.label}>"


class CompiledPolicy:
    """A policy compiled for evaluation, in one slot of a policy set."""

    __slots__ = ("label", "policy", "slot", "statements")

    def __init__(self, policy: Policy, slot: str, label: str) -> None:
        self.policy = policy
        self.slot = slot
        self.label = label
        self.statements = tuple(CompiledStatement(s, self) for s in policy.statements)

    def to_dict(self) -> dict[str, Any]:
        return {"slot": self.slot, "label": self.label, "path": self.policy.path}
