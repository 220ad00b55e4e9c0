"""Assertions for unit tests: ``assert_allowed``, ``assert_denied``, ``assert_isolated``,
``assert_population_isolated``.

Each evaluates with the engine and, when the expectation fails, raises ``AssertionError``
whose message is the decision's explanation (which statements applied, which condition or
variable failed), so a failing test says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cognito.identity import Refusal, SimulatedIdentity
from ..cognito.model import Login
from ..cognito.pool import IdentityPool
from ..engine.explain import Decision
from ..engine.request import Request
from ..errors import InputError
from ..policyset import PolicyInput, PolicySet
from ..population.owners import OwnerTemplate, granted_actions

if TYPE_CHECKING:
    from ..population.isolation import IsolationResult

Subject = SimulatedIdentity | PolicySet
LoginInput = Mapping[str, Any] | Login | SimulatedIdentity


def decide(subject: Subject, action: str, resource: str = "*",
           context: Mapping[str, Any] | None = None, *, principal: str | None = None,
           resource_policy: PolicyInput | None = None) -> Decision:
    """The decision for ``subject`` (a simulated identity, or a policy set with
    ``principal``) on one request."""
    if isinstance(subject, SimulatedIdentity):
        if principal is not None:
            raise TypeError("principal comes from the identity; pass it only with a PolicySet")
        return subject.can(action, resource, context, resource_policy=resource_policy)
    if isinstance(subject, PolicySet):
        if resource_policy is not None:
            raise TypeError("resource_policy is for identities; build the PolicySet with it")
        return subject.evaluate(Request(action, resource, principal, context))
    raise TypeError(f"expected a SimulatedIdentity or a PolicySet, got {type(subject).__name__}")


def assert_allowed(subject: Subject, action: str, resource: str = "*",
                   context: Mapping[str, Any] | None = None, *, principal: str | None = None,
                   resource_policy: PolicyInput | None = None) -> Decision:
    """Fail unless the request is allowed; the failure message is the explanation."""
    decision = decide(subject, action, resource, context, principal=principal,
                      resource_policy=resource_policy)
    if not decision.allowed:
        raise AssertionError(decision.explain())
    return decision


def assert_denied(subject: Subject, action: str, resource: str = "*",
                  context: Mapping[str, Any] | None = None, *, explicit: bool | None = None,
                  principal: str | None = None,
                  resource_policy: PolicyInput | None = None) -> Decision:
    """Fail unless the request is denied (``explicit=True``: by an explicit Deny;
    ``explicit=False``: implicitly); the failure message is the explanation."""
    decision = decide(subject, action, resource, context, principal=principal,
                      resource_policy=resource_policy)
    wanted = {None: ("explicit_deny", "implicit_deny"), True: ("explicit_deny",),
              False: ("implicit_deny",)}[explicit]
    if decision.decision not in wanted:
        raise AssertionError(f"expected {' or '.join(wanted)}:\n{decision.explain()}")
    return decision


# ---------------------------------------------------------------- isolation

def resolve_template(template: str, identity: SimulatedIdentity) -> str:
    """``template`` with each ``${key}`` replaced by the identity's context value
    (``${sub}`` and ``${identity_id}`` abbreviate ``${cognito-identity.amazonaws.com:sub}``;
    any context key works, e.g. ``${aws:PrincipalTag/dept}``; ``${key, 'default'}`` and
    ``${*}`` are read as in a policy)."""
    try:
        owner = OwnerTemplate(template)
    except InputError as exc:
        raise ValueError(f"resource {exc.message}") from None
    return owner.resolve_for(identity)


@dataclass
class IsolationReport:
    """What ``assert_isolated`` checked."""

    identity_a: SimulatedIdentity
    identity_b: SimulatedIdentity
    resources: list[str]
    actions: dict[str, tuple[str, ...]] = field(default_factory=dict)   # resource -> actions
    b_allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what B itself may do
    leaks: list[Decision] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(len(a) for a in self.actions.values())


def _identity(pool: IdentityPool, login: LoginInput, label: str) -> SimulatedIdentity:
    if isinstance(login, SimulatedIdentity):
        return login
    outcome = pool.simulate(login if isinstance(login, Login) else dict(login))
    if isinstance(outcome, Refusal):
        raise AssertionError(f"login {label} gets no credentials, so isolation cannot be "
                             f"checked:\n{outcome.describe()}")
    return outcome


def assert_isolated(pool: IdentityPool | str | Path, login_a: LoginInput, login_b: LoginInput,
                    resource_template: str | Sequence[str], *,
                    actions: Sequence[str] | None = None,
                    context: Mapping[str, Any] | None = None) -> IsolationReport:
    """Fail if identity A can reach any of identity B's resources.

    ``resource_template`` (one or several) names B's resources with ``${...}`` keys of B's
    context, e.g. ``"arn:aws:s3:::photos/private/${sub}/photo.jpg"``. Every action the
    roles grant that applies to such a resource (or the given ``actions``) must be denied
    for A. The check must not be vacuous: B itself must be allowed at least one of those
    actions on each resource, else the template names nothing B owns and the test fails.
    """
    if not isinstance(pool, IdentityPool):
        pool = IdentityPool.load(pool)
    a = _identity(pool, login_a, "A")
    b = _identity(pool, login_b, "B")
    if a.identity_id == b.identity_id:
        raise AssertionError(f"logins A and B are the same identity ({a.identity_id})")
    templates = [resource_template] if isinstance(resource_template, str) else list(
        resource_template)
    report = IsolationReport(a, b, [resolve_template(t, b) for t in templates])
    for resource in report.resources:
        checked = tuple(actions) if actions is not None else granted_actions((a, b), resource)
        report.actions[resource] = checked
        report.b_allowed[resource] = tuple(x for x in checked
                                           if b.can(x, resource, context).allowed)
        if not report.b_allowed[resource]:
            raise AssertionError(
                f"vacuous isolation check: identity B ({b.identity_id}, role {b.role_arn}) may "
                f"not use any of {len(checked)} action(s) on {resource} itself; the resource "
                "template should name a resource B owns")
        for x in checked:
            decision = a.can(x, resource, context)
            if decision.allowed:
                report.leaks.append(decision)
    if report.leaks:
        raise AssertionError(_leak_message(a, b, report.leaks))
    return report


def _leak_message(a: SimulatedIdentity, b: SimulatedIdentity, leaks: Sequence[Decision],
                  note: str = "") -> str:
    """Identity A reaches identity B's resources: the requests, then the first one
    explained."""
    lines = [f"identity A ({a.identity_id}, role {a.role_arn}) reaches identity B's "
             f"({b.identity_id}) resources:"]
    lines += [f"  {d.request.action} on {d.request.resource}" for d in leaks]
    if note:
        lines.append(f"  ({note})")
    lines += ["", leaks[0].explain()]
    return "\n".join(lines)


def assert_population_isolated(pool: IdentityPool | str | Path,
                               templates: str | Sequence[str], *, n: int = 20,
                               context: Mapping[str, str] | Sequence[str] | None = None,
                               actions: Sequence[str] | None = None,
                               logins: Sequence[Mapping[str, Any]] | None = None,
                               adversarial_examples: int = 100) -> IsolationResult:
    """Fail if any identity of the pool's population reaches another identity's
    resources: ``n`` generated logins per role path (or ``logins``), every ordered pair,
    every action the roles grant on the templates' resources (or ``actions``), then an
    adversarial search (see :func:`policy_eval.population.check_isolation`). A vacuous
    check (no identity may act on its own resource) fails too."""
    # imported here: the population search loads NumPy, and the pytest plugin imports
    # this module in every test session of a project that installs policy-eval
    from ..population.isolation import check_isolation
    from ..population.search import VacuousCheck

    try:
        result = check_isolation(pool, templates, context=context, actions=actions, n=n,
                                 logins=logins, adversarial_examples=adversarial_examples)
    except VacuousCheck as exc:
        raise AssertionError(exc.message) from None
    if result.counterexamples:
        first = result.counterexamples[0]
        message = _leak_message(first.attacker.identity, first.victim.identity,
                                [first.decision], first.note)
        raise AssertionError(
            f"{result.counterexample_count} counterexample(s) in {result.checked} checks "
            f"({first.search} search, attacker path {first.attacker.path}, victim path "
            f"{first.victim.path}); the first:\n{message}")
    return result
