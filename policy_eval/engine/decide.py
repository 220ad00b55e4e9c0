"""Deciding a request across policy types (spec semantics.md §2.3).

``decide_reference`` is the scalar reference path::

    1. an applicable Deny in any policy (identity, boundary, session, resource, SCP, RCP)
       -> explicit deny; a resource-policy Deny with NotPrincipal denies every caller
       that has a permissions boundary, whatever NotPrincipal lists (IAM User Guide,
       "NotPrincipal"; conformance README)
    2. RCPs given: every level needs an applicable Allow     -> else implicit deny
    3. SCPs given: every level needs an applicable Allow     -> else implicit deny
    4. same account: a resource-policy Allow naming the session/user ARN, "*", or the
       calling service/provider grants on its own (not capped by boundary or session
       policies; §2.3, with "*" extended per §2.3 [I])
    5. identity Allow, or a same-account resource-policy Allow naming the role ARN;
       cross-account: identity Allow AND a resource-policy Allow of any kind
    6. a boundary is set: it must allow                      -> else implicit deny
    7. session policies given: one of them must allow (union, §2.3 [I]) -> else implicit deny

A same-account resource policy that names only the account grants nothing by itself
(§2.3 [I]). Each compiled statement is asked only about actions it covers: the statements
that apply to an action are planned once per action and cached.

``decide`` (what ``PolicySet.evaluate`` calls) runs the same procedure as Python code
generated for each plan (``engine/codegen.py``), written once the action has been asked
``generate_after`` times (the reference answers until then) and cached per policy set;
``decide_reference`` stays the reference that tests hold it to
(tests/engine/test_codegen.py) and that ``fast_paths = False`` selects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..document.variables import Variable, has_variables, parse_template
from .compile import CompiledPolicy, CompiledStatement
from .explain import Decision, new_decision
from .principals import DIRECT_KINDS, Caller, parse_caller
from .request import Context, Request

ALLOW = "allow"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"

if TYPE_CHECKING:
    from .codegen import GeneratedPlan

_PLAN_LIMIT = 65536
#: Generated functions kept per policy set (one per distinct plan, not per action).
_GENERATED_LIMIT = 1024


class ActionPlan:
    """The statements that can apply to one action, grouped by their role in §2.3."""

    __slots__ = ("boundary", "denies", "identity", "identity_only", "rcp_levels", "resource",
                 "scp_levels", "session")

    def __init__(self, engine: DecisionEngine, action_key: str) -> None:
        def allows(policies: Iterable[CompiledPolicy]) -> tuple[CompiledStatement, ...]:
            return tuple(s for p in policies for s in p.statements
                         if not s.deny and s.action_applies(action_key))

        self.denies = tuple(s for p in engine.all_policies for s in p.statements
                            if s.deny and s.action_applies(action_key))
        self.identity = allows(engine.identity)
        self.resource = allows(engine.resource)
        self.boundary = allows(engine.boundary)
        self.session = allows(engine.session)
        self.scp_levels = tuple(allows(level) for level in engine.scp_levels)
        self.rcp_levels = tuple(allows(level) for level in engine.rcp_levels)
        #: Only identity Allows can matter for this action: no Deny, no resource policy,
        #: no SCP/RCP, boundary or session policy. ``decide`` then takes a short path
        #: with the same outcome as the full procedure (tests/engine hold them together).
        self.identity_only = engine.fast_paths and not (
            self.denies or self.resource or self.scp_levels or self.rcp_levels
            or engine.has_boundary or engine.has_session)


class DecisionEngine:
    """Compiled policies of every slot, and the decision procedure over them."""

    #: Decide one request (spec §2.3) through the generated code of its action's plan;
    #: the same answers as :meth:`decide_reference` (see ``engine/codegen.py``).
    decide: Callable[[Request], Decision]
    #: Requests of an action decided by :meth:`decide_reference` before its code is
    #: generated. Writing and compiling a plan's code costs ~0.5-1 ms, the price of ~200
    #: requests through the reference, so policy sets asked a few questions (the linter's
    #: probes, a scenario) never pay it; tests set 0 to run the generated code always.
    generate_after = 128

    def __init__(self, *, identity: Sequence[CompiledPolicy] = (),
                 resource: Sequence[CompiledPolicy] = (),
                 boundary: Sequence[CompiledPolicy] = (),
                 session: Sequence[CompiledPolicy] = (),
                 scp_levels: Sequence[Sequence[CompiledPolicy]] = (),
                 rcp_levels: Sequence[Sequence[CompiledPolicy]] = (),
                 derive_principal_context: bool = True) -> None:
        self.identity = tuple(identity)
        self.resource = tuple(resource)
        self.boundary = tuple(boundary)
        self.session = tuple(session)
        self.scp_levels = tuple(tuple(level) for level in scp_levels)
        self.rcp_levels = tuple(tuple(level) for level in rcp_levels)
        self.has_boundary = bool(self.boundary)
        self.has_session = bool(self.session)
        self.derive_principal_context = derive_principal_context
        #: Whether plans may take the identity-only short path (off only in tests).
        self.fast_paths = True
        self.all_policies = (self.identity + self.boundary + self.session + self.resource
                             + tuple(p for level in self.scp_levels for p in level)
                             + tuple(p for level in self.rcp_levels for p in level))
        #: Folded context keys the policies read (condition keys, variables): only these can
        #: change a decision.
        self.referenced_keys = frozenset(_referenced_keys(self.all_policies))
        self._derive = derive_principal_context and bool(
            self.referenced_keys & {"aws:principalarn", "aws:principalaccount", "aws:principaltype",
                          "aws:username"})
        self._plans: dict[str, ActionPlan] = {}
        self._callers: dict[str | None, Caller] = {}
        self._generated: dict[tuple[Any, ...], GeneratedPlan] = {}
        self._by_action: dict[str, Callable[[Request], Decision]] = {}
        self._uses: dict[str, int] = {}
        self.decide = self._dispatcher()

    # ------------------------------------------------------------ inputs

    def plan(self, action_key: str) -> ActionPlan:
        plan = self._plans.get(action_key)
        if plan is None:
            if len(self._plans) >= _PLAN_LIMIT:
                self._plans.clear()
            plan = self._plans[action_key] = ActionPlan(self, action_key)
        return plan

    def caller(self, principal: str | None) -> Caller:
        found = self._callers.get(principal)
        if found is None:
            found = parse_caller(principal)
            if len(self._callers) >= _PLAN_LIMIT:
                self._callers.clear()
            self._callers[principal] = found
        return found

    def context_for(self, request: Request, caller: Caller) -> Context:
        """The request context plus the keys AWS derives from the principal
        (``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType``,
        ``aws:username`` for IAM users) when the request does not set them."""
        ctx: Context = request._context
        derived = caller.derived_context
        if self._derive and derived:
            for key in derived:
                if key not in ctx:
                    return {**derived, **ctx}
        return ctx

    # ------------------------------------------------------------ decision

    def _dispatcher(self) -> Callable[[Request], Decision]:
        """``decide``: the function of the request's action (see :meth:`decision_function`)."""
        functions_get = self._by_action.get
        function_for = self.decision_function

        def decide(request: Request) -> Decision:
            function = functions_get(request._action_key)
            if function is None:
                function = function_for(request._action_key)
            return function(request)
        return decide

    def decision_function(self, action_key: str) -> Callable[[Request], Decision]:
        """The function that decides requests for ``action_key`` (lower-cased): the
        generated code of its plan once the action has been asked ``generate_after``
        times, :meth:`decide_reference` before that and when ``fast_paths`` is off."""
        if not self.fast_paths:
            return self.decide_reference
        uses = self._uses.get(action_key, 0)
        if uses < self.generate_after:
            if len(self._uses) >= _PLAN_LIMIT:
                self._uses.clear()
            self._uses[action_key] = uses + 1
            return self.decide_reference
        function = self.generated_plan(action_key).function
        if len(self._by_action) >= _PLAN_LIMIT:
            self._by_action.clear()
        self._by_action[action_key] = function
        return function

    def generated_plan(self, action_key: str) -> GeneratedPlan:
        """The generated code of ``action_key``'s plan (shared by actions whose plans hold
        the same statements)."""
        from .codegen import generate_plan, plan_signature

        plan = self.plan(action_key)
        signature = plan_signature(plan)
        found = self._generated.get(signature)
        if found is None:
            if len(self._generated) >= _GENERATED_LIMIT:
                self._generated.clear()
                self._by_action.clear()
            found = self._generated[signature] = generate_plan(self, plan)
        return found

    def generated_source(self, action: str) -> str:
        """The Python source that ``decide`` runs for requests of ``action`` (for
        reading: what is inlined, what calls a compiled closure, which steps of §2.3
        were left out because no policy needs them)."""
        return self.generated_plan(action.lower()).source

    def decide_reference(self, request: Request) -> Decision:
        """Decide one request (spec §2.3) by interpreting the plan: the reference for the
        generated code of ``decide``."""
        caller = self._callers.get(request.principal)
        if caller is None:
            caller = self.caller(request.principal)
        ctx = request._context
        if self._derive:
            ctx = self.context_for(request, caller)
        plan = self._plans.get(request._action_key)
        if plan is None:
            plan = self.plan(request._action_key)
        resource = request.resource

        if plan.identity_only:
            if caller.has_identity:
                for st in plan.identity:
                    if st.applies(resource, ctx):
                        account = caller.account
                        if account is None or resource_account(resource, ctx,
                                                               account) == account:
                            return _make(_D, (ALLOW, "allow", st.alone, request, self))
                        return _make(_D, (IMPLICIT_DENY, "cross-account-resource", (),
                                          request, self))
            return _make(_D, (IMPLICIT_DENY, "no-allow", (), request, self))

        # 1. explicit deny anywhere
        for st in plan.denies:
            if st.applies(resource, ctx):
                if st.policy.slot == "resource" and st.principal_kind(caller) is None and not (
                        st.not_principal is not None and self.has_boundary):
                    continue
                return _make(_D, (EXPLICIT_DENY, "explicit-deny", st.alone, request, self))

        # 2-3. organization caps (RCPs on the resource side, SCPs on the principal side)
        for level in plan.rcp_levels:
            if not _any_applies(level, resource, ctx):
                return _make(_D, (IMPLICIT_DENY, "rcp", (), request, self))
        if caller.has_identity:
            for level in plan.scp_levels:
                if not _any_applies(level, resource, ctx):
                    return _make(_D, (IMPLICIT_DENY, "scp", (), request, self))

        # 4. resource-based policy
        rp_statement: CompiledStatement | None = None
        rp_kind: str | None = None
        for st in plan.resource:
            kind = st.principal_kind(caller)
            if kind is None or not st.applies(resource, ctx):
                continue
            if rp_kind is None or _STRENGTH[kind] > _STRENGTH[rp_kind]:
                rp_statement, rp_kind = st, kind
        if rp_kind in DIRECT_KINDS and (caller.account is None or resource_account(
                resource, ctx, caller.account) == caller.account):
            assert rp_statement is not None
            return _make(_D, (ALLOW, "resource-policy", rp_statement.alone, request, self))

        # 5. identity policies (or a same-account grant to the role ARN)
        granting: CompiledStatement | None = None
        if caller.has_identity:
            for st in plan.identity:
                if st.applies(resource, ctx):
                    granting = st
                    break
        if granting is None and rp_statement is None:
            return _make(_D, (IMPLICIT_DENY, "no-allow", (), request, self))
        account = caller.account
        if account is None or resource_account(resource, ctx, account) == account:
            if granting is None:
                if rp_kind != "role":
                    return _make(_D, (IMPLICIT_DENY, "no-allow", (), request, self))
                granting = rp_statement
        elif rp_statement is None:
            return _make(_D, (IMPLICIT_DENY, "cross-account-resource", (), request, self))
        elif granting is None:
            return _make(_D, (IMPLICIT_DENY, "cross-account-identity", (), request, self))
        assert granting is not None

        # 6-7. caps on the principal: boundary, session policies
        if self.has_boundary and not _any_applies(plan.boundary, resource, ctx):
            return _make(_D, (IMPLICIT_DENY, "boundary", (), request, self))
        if self.has_session and not _any_applies(plan.session, resource, ctx):
            return _make(_D, (IMPLICIT_DENY, "session", (), request, self))
        if rp_statement is None or rp_statement is granting:
            return _make(_D, (ALLOW, "allow", granting.alone, request, self))
        return _make(_D, (ALLOW, "allow", (granting, rp_statement), request, self))


def resource_account(resource: str, ctx: Context, default: str | None) -> str | None:
    """The account of ``resource``: the ARN's fifth field, else ``aws:ResourceAccount``,
    else ``default`` (the caller's account; spec §0)."""
    if resource != "*":
        # arn:partition:service:region:account:resource
        start = resource.find(":", resource.find(":", resource.find(":", 4) + 1) + 1) + 1
        end = resource.find(":", start)
        if end > start:
            return resource[start:end]
    given = ctx.get("aws:resourceaccount")
    if type(given) is str and given:
        return given
    return default


def _any_applies(statements: tuple[CompiledStatement, ...], resource: str, ctx: Context) -> bool:
    for st in statements:
        if st.applies(resource, ctx):
            return True
    return False


def _referenced_keys(policies: Iterable[CompiledPolicy]) -> set[str]:
    """Folded context keys that conditions or variables of ``policies`` read."""
    keys: set[str] = set()
    for policy in policies:
        for st in policy.statements:
            keys.update(c.key for c in st.clauses)
            for matcher in (st.resources, st.not_resources):
                if matcher is not None:
                    keys.update(f for t in matcher.templates for f, _ in t.variables)
            for clause in st.clauses:
                if clause.any_match is not None:
                    for value in clause.clause.values:
                        if has_variables(value):
                            with contextlib.suppress(ValueError):
                                keys.update(p.folded for p in parse_template(value)
                                            if isinstance(p, Variable))
    return keys


#: ``_make(_D, (decision, reason, statements, request, engine))`` builds a Decision
#: without a Python frame (see ``Decision``).
_make, _D = new_decision, Decision

_STRENGTH = {"account": 0, "role": 1, "federated": 2, "service": 2, "direct": 3, "wildcard": 4}
