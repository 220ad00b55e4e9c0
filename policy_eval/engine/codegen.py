"""Generated Python for the decision procedure of one action plan (spec semantics.md §2.3).

``DecisionEngine.decide_reference`` interprets an :class:`~policy_eval.engine.decide.ActionPlan`:
it loops over statement tuples and calls a closure per statement, per resource pattern and
per condition clause, each call costing ~60-100 ns. This module writes, for one plan, the
same seven steps as straight-line Python source, compiles it with :func:`compile` and runs
it with :func:`exec` in a namespace of constants (the statements, their ``alone`` tuples,
exact-ARN sets, matcher functions, per-value caches). Plans with the same statements share
one generated function (``DecisionEngine`` caches them per policy set, bounded).

What is written inline (no call):

* the resource test: ``match_all``, exact ARNs (``==`` or a frozenset), wildcard patterns
  that are a literal prefix (``str.startswith``), one-variable templates through the
  template's own per-value cache (:meth:`Template.single_value_cache`) with an inline
  ``startswith`` when the resolved pattern is a prefix; ``NotResource`` negated;
* ``String`` conditions (``StringEquals``/``StringNotEquals``/``StringLike``/
  ``StringNotLike``, ``IfExists``, ``ForAllValues``/``ForAnyValue``) whose values are
  static or one variable, ``Bool`` with static values, and ``Null``;
* the account check (§0): when every ``Resource`` pattern of the deciding statement fixes
  the first five ARN fields literally, the account of any resource it matches is known now,
  so ``resource_account`` (three ``str.find``) becomes a constant comparison;
* dead steps: no Deny -> no step 1, no SCP/RCP -> no steps 2-3, no resource policy -> no
  step 4, no boundary/session -> no steps 6-7.

What is *not* specialised calls the existing closure, held as a constant, and the
generated code says so in a comment: other condition families (Numeric, Date, Binary,
IpAddress, Arn; Bool with a variable in its values), ``IgnoreCase`` string operators,
values with several variables or text around a variable in equality operators, templates
with several variables, wildcard patterns with ``?`` or text after the last ``*``,
principal matching of resource-policy statements (cached per request principal), and
the account of a resource matched by a pattern that leaves it open.

``DecisionEngine.generated_source(action)`` shows the source of an action's function; the
source is also registered with :mod:`linecache`, so tracebacks through it show the code.
tests/engine/test_codegen.py holds the generated path and the reference together.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from functools import partial
from itertools import count
from typing import TYPE_CHECKING, Any

from ..document.variables import Literal, Text, Variable
from ..document.wildcard import Atom, atoms_from_text, compile_atoms, star_pieces
from .compile import CompiledStatement, ResourceMatcher
from .conditions import ClauseCheck
from .explain import Decision, new_decision
from .principals import DIRECT_KINDS, Caller
from .templates import Template, static_atoms

if TYPE_CHECKING:
    from .decide import ActionPlan, DecisionEngine
    from .request import Request

#: A statement's test as nested steps: (setup lines, each ``(relative indent, text)``;
#: condition expression). ``None`` in place of the list: the statement never applies.
Step = tuple[list[tuple[int, str]], str]

_SERIAL = count()
_UNSET: Any = object()
_KIND_CACHE_LIMIT = 4096


class GeneratedPlan:
    """One generated decision function and its source."""

    __slots__ = ("function", "source")

    def __init__(self, function: Callable[[Request], Decision], source: str) -> None:
        self.function = function
        self.source = source


def plan_signature(plan: ActionPlan) -> tuple[Any, ...]:
    """Plans with equal signatures decide alike (same statements in each role)."""
    return (plan.identity_only, plan.denies, plan.identity, plan.resource, plan.boundary,
            plan.session, plan.scp_levels, plan.rcp_levels)


def generate_plan(engine: DecisionEngine, plan: ActionPlan) -> GeneratedPlan:
    """Write, compile and load the decision function of ``plan``."""
    writer = _PlanWriter(engine)
    writer.write(plan)
    source = "\n".join(writer.lines) + "\n"
    filename = f"<policy-eval generated plan {next(_SERIAL)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(writer.consts)
    exec(compile(source, filename, "exec"), namespace)  # our own source, written above
    return GeneratedPlan(namespace["decide"], source)


def known_account(matcher: ResourceMatcher) -> str | None:
    """The account field of every resource ``matcher`` can match, when each of its
    patterns fixes the first five ARN fields literally (no wildcard or variable before the
    fifth ``:``); ``None`` when unknown or when the patterns disagree."""
    if matcher.match_all:
        return None
    prefixes = [*matcher.exact, *(_literal_prefix(a) for a in matcher.glob_atoms),
                *(_template_prefix(t) for t in matcher.templates)]
    accounts = set()
    for prefix in prefixes:
        fields = prefix.split(":", 5)
        if len(fields) < 6 or fields[0] != "arn":
            return None
        accounts.add(fields[4])
    return accounts.pop() if len(accounts) == 1 else None


def _literal_prefix(atoms: list[Atom]) -> str:
    out = []
    for atom in atoms:
        if not isinstance(atom, str):
            break
        out.append(atom)
    return "".join(out)


def _template_prefix(template: Template) -> str:
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, Variable):
            break
        if isinstance(part, Literal):
            out.append(part.value)
            continue
        assert isinstance(part, Text)
        atoms: list[Atom] = atoms_from_text(part.value) if template.wildcards else [part.value]
        head = _literal_prefix(atoms)
        out.append(head)
        if len(head) < len(part.value):
            break
    return "".join(out)


class _PlanWriter:
    """Source lines and constants of one generated function."""

    def __init__(self, engine: DecisionEngine) -> None:
        from . import decide as d

        self.engine = engine
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {
            "MAKE": new_decision, "D": Decision, "ENGINE": engine,
            "CALLERS_GET": engine._callers.get, "CALLER": engine.caller,
            "CONTEXT_FOR": engine.context_for, "RESOURCE_ACCOUNT": d.resource_account,
            "STRENGTH": d._STRENGTH, "DIRECT_KINDS": DIRECT_KINDS, "UNSET": _UNSET}
        self._names: dict[int, str] = {}
        self._serial = count()

    # ------------------------------------------------------------ helpers

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def const(self, value: Any, stem: str) -> str:
        """A name for ``value`` in the generated namespace (one per object)."""
        name = self._names.get(id(value))
        if name is None:
            name = self._names[id(value)] = f"{stem}{next(self._serial)}"
            self.consts[name] = value
        return name

    def fresh(self, stem: str) -> str:
        return f"{stem}{next(self._serial)}"

    def statement(self, st: CompiledStatement) -> str:
        return self.const(st, "ST")

    def decision(self, decision: str, reason: str, statements: str = "()") -> str:
        return f"MAKE(D, ({decision!r}, {reason!r}, {statements}, request, ENGINE))"

    def nest(self, indent: int, st: CompiledStatement, body: Callable[[int], None]) -> None:
        """Emit ``st``'s test as nested ``if``s, with ``body`` where it applies."""
        steps = self.steps(st)
        label = " ".join(st.label.split())
        if steps is None:
            self.emit(indent, f"pass  # {label}: never applies (NotResource \"*\")")
            return
        self.emit(indent, f"# {label}")
        for setup, condition in steps:
            for rel, text in setup:
                self.emit(indent + rel, text)
            if condition != "True":
                self.emit(indent, f"if {condition}:")
                indent += 1
        body(indent)

    def any_applies(self, indent: int, statements: tuple[CompiledStatement, ...],
                    reason: str) -> None:
        """Return an implicit deny for ``reason`` unless one of ``statements`` applies."""
        found = self.fresh("found")
        self.emit(indent, f"{found} = False")
        for i, st in enumerate(statements):
            inner = indent
            if i:
                self.emit(indent, f"if not {found}:")
                inner += 1
            self.nest(inner, st, lambda at: self.emit(at, f"{found} = True"))
        self.emit(indent, f"if not {found}:")
        self.emit(indent + 1, "return " + self.decision("implicit_deny", reason))

    # ------------------------------------------------------------ statement tests

    def steps(self, st: CompiledStatement) -> list[Step] | None:
        out: list[Step] = []
        if st.resources is not None:
            out.append(([], self.resource_test(st.resources)))
        elif st.not_resources is not None:
            if st.not_resources.match_all:
                return None
            out.append(([], f"not {self.resource_test(st.not_resources)}"))
        for clause in st.clauses:
            out.append(self.clause_test(clause))
        return [s for s in out if s != ([], "True")]

    def resource_test(self, matcher: ResourceMatcher) -> str:
        if matcher.match_all:
            return "True"
        alternatives: list[str] = []
        if len(matcher.exact) == 1:
            alternatives.append(f"resource == {next(iter(matcher.exact))!r}")
        elif matcher.exact:
            alternatives.append(f"resource in {self.const(matcher.exact, 'EXACT')}")
        for atoms, glob in zip(matcher.glob_atoms, matcher.globs, strict=True):
            inline = self.star_test(atoms, "resource")
            # not specialised (a call): patterns with ``?`` or text after the last ``*``
            alternatives.append(inline or f"{self.const(glob, 'GLOB')}(resource)")
        for template in matcher.templates:
            alternatives.append(self.template_test(template, "resource"))
        return "(" + " or ".join(alternatives) + ")" if alternatives else "False"

    def star_test(self, atoms: list[Atom], subject: str) -> str | None:
        """An inline test for a pattern ``text*text*...*`` (no ``?``, ending in ``*``):
        a prefix, then each piece found in order (what the wildcard matcher does);
        ``None`` for other patterns."""
        pieces = star_pieces(atoms)
        if pieces is None or pieces[-1]:
            return None
        head, middle = pieces[0], [p for p in pieces[1:-1] if p]
        tests = [f"{subject}.startswith({head!r})"] if head else []
        at: str | int = len(head)
        for i, piece in enumerate(middle):
            if i == len(middle) - 1:
                tests.append(f"{subject}.find({piece!r}, {at}) >= 0")
            else:
                p = self.fresh("p")
                tests.append(f"({p} := {subject}.find({piece!r}, {at})) >= 0")
                at = f"{p} + {len(piece)}"
        return "(" + " and ".join(tests) + ")" if tests else "True"

    def template_test(self, template: Template, subject: str) -> str:
        """``subject`` matches ``template`` resolved in ``ctx`` (an expression)."""
        if len(template.variables) != 1:   # not specialised: several variables
            return f"{self.const(template.match_function(), 'TMATCH')}({subject}, ctx)"
        (folded, default), = template.variables
        cache, compile_value = template.single_value_cache()
        get, make = self.const(cache.get, "CACHE_GET"), self.const(compile_value, "COMPILE")
        v, f = self.fresh("v"), self.fresh("f")
        if default is None:
            value = f"{v} := ctx.get({folded!r})"
            return (f"(type({value}) is str and ({subject}.startswith({f}) if type({f} := "
                    f"({get}({v}) or {make}({v}))) is str else {f}({subject})))")
        w = self.fresh("w")
        value = f"{w} := ({v} if type({v} := ctx.get({folded!r})) is str else {default!r})"
        return (f"({subject}.startswith({f}) if type({f} := ({get}({value}) or {make}({w})))"
                f" is str else {f}({subject}))")

    def clause_test(self, clause: ClauseCheck) -> Step:
        key = clause.key
        base = clause.op.base
        if base.family == "Null":
            return [], self.null_test(clause)
        one = (self.string_element(clause) if base.family == "String"
               else self.bool_element(clause) if base.family == "Bool" else None)
        if one is None:
            note = " ".join(clause.clause.operator.split())
            return [(0, f"# not specialised: {note}, the compiled clause")], (
                f"{self.const(clause.check, 'CHECK')}(ctx)")
        setup, element = one
        if clause.op.set_qualifier is None:
            # §4.3: absent -> IfExists or negated; multivalued without a set operator: false
            x = self.fresh("x")
            test = element(x)
            if clause.op.if_exists or base.negated:
                return setup, (f"({test} if type({x} := ctx.get({key!r})) is str "
                               f"else ({x} is None or not any({x})))")
            return setup, f"(type({x} := ctx.get({key!r})) is str and {test})"
        # §4.4: a set; empty strings are null; absent or empty -> ForAllValues or IfExists
        for_all = clause.op.set_qualifier == "ForAllValues"
        x, r, ok = self.fresh("x"), self.fresh("r"), self.fresh("ok")
        empty = for_all or clause.op.if_exists
        setup += [(0, f"{x} = ctx.get({key!r})"),
                  (0, f"if type({x}) is str:"), (1, f"{x} = ({x},)"),
                  (0, f"elif {x} is None:"), (1, f"{x} = ()"),
                  (0, f"{ok} = {empty!r}"),
                  (0, f"for {r} in {x}:"), (1, f"if {r}:")]
        if for_all:
            setup += [(2, f"if not {element(r)}:"), (3, f"{ok} = False"), (3, "break"),
                      (2, f"{ok} = True")]
        else:
            setup += [(2, f"if {element(r)}:"), (3, f"{ok} = True"), (3, "break"),
                      (2, f"{ok} = False")]
        return setup, ok

    def null_test(self, clause: ClauseCheck) -> str:
        from ..document.values import parse_bool

        wanted = {parse_bool(v) for v in clause.clause.values} - {None}
        if len(wanted) != 1:
            return "True" if wanted else "False"
        x = self.fresh("x")
        is_null = (f"(({x} := ctx.get({clause.key!r})) is None "
                   f"or (type({x}) is tuple and not any({x})))")
        return is_null if True in wanted else f"not {is_null}"

    def string_element(self, clause: ClauseCheck
                       ) -> tuple[list[tuple[int, str]], Callable[[str], str]] | None:
        """Setup lines and ``element(name)``: the expression "the request value ``name``
        satisfies the operator" (negation included), for the String operators this
        module inlines; ``None`` for the others."""
        base, vals = clause.op.base, clause.values
        if vals is None or base.ignore_case:
            return None
        setup: list[tuple[int, str]] = []
        parts: list[Callable[[str], str]] = []
        if base.comparison == "like":
            for value in vals.static:
                atoms = (static_atoms(value, variables_enabled=vals.variables_enabled)
                         or atoms_from_text(value))
                parts.append(self.like_static(atoms))
            for template in vals.templates:
                if len(template.variables) != 1:
                    return None
                part = self.like_template(template, setup)
                parts.append(part)
        else:
            if vals.static:
                exact = frozenset(vals.static)
                if len(exact) == 1:
                    text = next(iter(exact))
                    parts.append(lambda n: f"{n} == {text!r}")
                else:
                    name = self.const(exact, "VALUES")
                    parts.append(lambda n: f"{n} in {name}")
            for template in vals.templates:
                if len(template.parts) != 1 or len(template.variables) != 1:
                    return None
                (folded, default), = template.variables
                t = self.fresh("t")
                setup.append((0, f"{t} = ctx.get({folded!r})"))
                setup += [(0, f"if type({t}) is not str:"), (1, f"{t} = {default!r}")]
                parts.append(lambda n, t=t: f"{n} == {t}")   # type: ignore[misc]
        if not parts:
            return setup, lambda n: "True" if base.negated else "False"

        def element(name: str) -> str:
            test = " or ".join(p(name) for p in parts)
            return f"(not ({test}))" if base.negated else f"({test})"
        return setup, element

    def bool_element(self, clause: ClauseCheck
                     ) -> tuple[list[tuple[int, str]], Callable[[str], str]] | None:
        """``Bool`` with static values: the request value read as ``document/values.py``'s
        ``parse_bool`` does (``true``/``false`` in any case; anything else matches nothing,
        negated or not)."""
        from ..document.values import parse_bool

        vals = clause.values
        if vals is None or vals.templates:
            return None
        wanted = {parse_bool(v) for v in vals.static}
        texts = tuple(text for text, value in (("false", False), ("true", True))
                      if value in wanted)
        negated = clause.op.base.negated

        def element(name: str) -> str:
            if negated:
                return (f"({name}.lower() in ('true', 'false') and "
                        f"{name}.lower() not in {texts!r})")
            return f"({name}.lower() in {texts!r})"
        return [], element

    def like_static(self, atoms: list[Atom]) -> Callable[[str], str]:
        if all(isinstance(a, str) for a in atoms):
            text = "".join(a for a in atoms if isinstance(a, str))
            return lambda n: f"{n} == {text!r}"
        if self.star_test(atoms, "n") is not None:
            return lambda n: self.star_test(atoms, n) or "True"
        name = self.const(compile_atoms(atoms), "LIKE")
        return lambda n: f"{name}({n})"

    def like_template(self, template: Template,
                      setup: list[tuple[int, str]]) -> Callable[[str], str]:
        (folded, default), = template.variables
        cache, compile_value = template.single_value_cache()
        get, make = self.const(cache.get, "CACHE_GET"), self.const(compile_value, "COMPILE")
        f = self.fresh("f")
        setup.append((0, f"{f} = ctx.get({folded!r})"))
        if default is None:
            setup.append((0, f"{f} = ({get}({f}) or {make}({f})) if type({f}) is str else None"))
        else:
            setup += [(0, f"if type({f}) is not str:"), (1, f"{f} = {default!r}"),
                      (0, f"{f} = {get}({f}) or {make}({f})")]
        return lambda n: (f"({f} is not None and ({n}.startswith({f}) if type({f}) is str "
                          f"else {f}({n})))")

    def same_account(self, st: CompiledStatement) -> str:
        """``account`` (the caller's, not None) is the account of ``resource``, which
        ``st`` matched (spec §0: the ARN's field, else aws:ResourceAccount, else the
        caller's own)."""
        known = known_account(st.resources) if st.resources is not None else None
        if known is None:
            return "RESOURCE_ACCOUNT(resource, ctx, account) == account"
        if known:
            return f"account == {known!r}"
        g = self.fresh("g")
        return (f"(type({g} := ctx.get('aws:resourceaccount')) is not str or not {g} "
                f"or {g} == account)")

    # ------------------------------------------------------------ the procedure

    def write(self, plan: ActionPlan) -> None:
        engine = self.engine
        self.emit(0, "def decide(request):")
        self.emit(1, "caller = CALLERS_GET(request.principal)")
        self.emit(1, "if caller is None:")
        self.emit(2, "caller = CALLER(request.principal)")
        if plan.identity_only:
            self.emit(1, "# identity policies only: the short path of decide_reference")
            self.emit(1, "if caller.has_identity:")
            self.prelude(2)
            for st in plan.identity:
                self.nest(2, st, partial(self.identity_only_allow, st=st))
            self.emit(1, "return " + self.decision("implicit_deny", "no-allow"))
            return
        self.prelude(1)
        if plan.denies:
            self.emit(1, "# 1. explicit deny anywhere")
            for st in plan.denies:
                self.nest(1, st, partial(self.deny, st=st))
        for level in plan.rcp_levels:
            self.emit(1, "# 2. an RCP level")
            self.any_applies(1, level, "rcp")
        if plan.scp_levels:
            self.emit(1, "# 3. SCP levels")
            self.emit(1, "if caller.has_identity:")
            for level in plan.scp_levels:
                self.any_applies(2, level, "scp")
        has_rp = bool(plan.resource)
        if has_rp:
            self.resource_step(plan.resource)
        self.emit(1, "# 5. identity policies (or a same-account grant to the role ARN)")
        self.emit(1, "account = caller.account")
        self.emit(1, "granting = None")
        if plan.identity:
            self.emit(1, "if caller.has_identity:")
            for i, st in enumerate(plan.identity):
                indent = 2
                if i:
                    self.emit(2, "if granting is None:")
                    indent = 3
                self.nest(indent, st, partial(self.grant, st=st))
        self.emit(1, "if granting is None:")
        if has_rp:
            self.emit(2, "if rp_st is None:")
            self.emit(3, "return " + self.decision("implicit_deny", "no-allow"))
            self.emit(2, "if account is None or RESOURCE_ACCOUNT(resource, ctx, account) "
                         "== account:")
            self.emit(3, "if rp_kind != 'role':")
            self.emit(4, "return " + self.decision("implicit_deny", "no-allow"))
            self.emit(3, "granting = rp_st")
            self.emit(2, "else:")
            self.emit(3, "return " + self.decision("implicit_deny", "cross-account-identity"))
        else:
            self.emit(2, "return " + self.decision("implicit_deny", "no-allow"))
        if plan.identity:
            self.emit(1, "elif not same:")
            if has_rp:
                self.emit(2, "if rp_st is None:")
                self.emit(3, "return " + self.decision("implicit_deny",
                                                       "cross-account-resource"))
            else:
                self.emit(2, "return " + self.decision("implicit_deny",
                                                       "cross-account-resource"))
        if engine.has_boundary:
            self.emit(1, "# 6. the permissions boundary")
            self.any_applies(1, plan.boundary, "boundary")
        if engine.has_session:
            self.emit(1, "# 7. session policies")
            self.any_applies(1, plan.session, "session")
        if has_rp:
            self.emit(1, "if rp_st is not None and rp_st is not granting:")
            self.emit(2, "return " + self.decision("allow", "allow", "(granting, rp_st)"))
        self.emit(1, "return " + self.decision("allow", "allow", "granting.alone"))

    def prelude(self, indent: int) -> None:
        self.emit(indent, "resource = request.resource")
        self.emit(indent, "ctx = request._context")
        if self.engine._derive:
            self.emit(indent, "ctx = CONTEXT_FOR(request, caller)")

    def identity_only_allow(self, indent: int, st: CompiledStatement) -> None:
        self.emit(indent, "account = caller.account")
        self.emit(indent, f"if account is None or {self.same_account(st)}:")
        alone = self.const(st.alone, "ALONE")
        self.emit(indent + 1, "return " + self.decision("allow", "allow", alone))
        self.emit(indent, "return " + self.decision("implicit_deny", "cross-account-resource"))

    def deny(self, indent: int, st: CompiledStatement) -> None:
        ret = "return " + self.decision("explicit_deny", "explicit-deny",
                                        self.const(st.alone, "ALONE"))
        if st.policy.slot == "resource" and not (st.not_principal is not None
                                                 and self.engine.has_boundary):
            # a resource-policy Deny binds only the principals it names (§2.3)
            self.emit(indent, f"if {self.principal_kind(st)} is not None:")
            indent += 1
        self.emit(indent, ret)

    def resource_step(self, statements: tuple[CompiledStatement, ...]) -> None:
        self.emit(1, "# 4. resource-based policy: the strongest principal kind that applies")
        self.emit(1, "rp_st = rp_kind = None")
        self.emit(1, "rp_rank = -1")
        for st in statements:
            self.emit(1, "# not specialised: principal matching (cached per request principal)")
            self.emit(1, f"kind = {self.principal_kind(st)}")
            self.emit(1, "if kind is not None and STRENGTH[kind] > rp_rank:")
            self.nest(2, st, partial(self.strongest, st=st))
        self.emit(1, "if rp_kind in DIRECT_KINDS and (caller.account is None or "
                     "RESOURCE_ACCOUNT(resource, ctx, caller.account) == caller.account):")
        self.emit(2, "return " + self.decision("allow", "resource-policy", "rp_st.alone"))

    def principal_kind(self, st: CompiledStatement) -> str:
        """``st.principal_kind(caller)``, cached per request principal (the caller is a
        function of it: ``DecisionEngine.caller``)."""
        kinds: dict[str | None, str | None] = {}
        principal_kind = st.principal_kind

        def fill(caller: Caller, principal: str | None) -> str | None:
            if len(kinds) >= _KIND_CACHE_LIMIT:
                kinds.clear()
            found = kinds[principal] = principal_kind(caller)
            return found
        get, fill_name = self.const(kinds.get, "KINDS_GET"), self.const(fill, "KIND_OF")
        k = self.fresh("k")
        return (f"({k} if ({k} := {get}(request.principal, UNSET)) is not UNSET "
                f"else {fill_name}(caller, request.principal))")

    def strongest(self, indent: int, st: CompiledStatement) -> None:
        self.emit(indent, f"rp_st, rp_kind, rp_rank = {self.statement(st)}, kind, STRENGTH[kind]")

    def grant(self, indent: int, st: CompiledStatement) -> None:
        self.emit(indent, f"granting = {self.statement(st)}")
        self.emit(indent, f"same = account is None or {self.same_account(st)}")
