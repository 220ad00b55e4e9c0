"""Assertions for unit tests: ``assert_allowed``, ``assert_denied``, ``assert_isolated``.

Each evaluates with the engine and, when the expectation fails, raises ``AssertionError``
whose message is the decision's explanation (which statements applied, which condition or
variable failed), so a failing test says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import get_catalog
from ..cognito.identity import Refusal, SimulatedIdentity
from ..cognito.model import Login
from ..cognito.pool import IdentityPool
from ..document.variables import Variable, VariableSyntaxError, parse_template
from ..engine.explain import Decision
from ..engine.request import Request
from ..policyset import PolicyInput, PolicySet

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

_ALIASES = {"sub": "cognito-identity.amazonaws.com:sub",
            "identity_id": "cognito-identity.amazonaws.com:sub"}


def resolve_template(template: str, identity: SimulatedIdentity) -> str:
    """``template`` with each ``${key}`` replaced by the identity's context value
    (``${sub}`` and ``${identity_id}`` abbreviate ``${cognito-identity.amazonaws.com:sub}``;
    any context key works, e.g. ``${aws:PrincipalTag/dept}``; ``${key, 'default'}`` and
    ``${*}`` are read as in a policy)."""
    folded = {k.lower(): v for k, v in identity.context.items()}
    try:
        parts = parse_template(template)
    except VariableSyntaxError as exc:
        raise ValueError(f"resource template {template!r}: {exc.message} "
                         f"(column {exc.column})") from None
    out: list[str] = []
    for part in parts:
        if not isinstance(part, Variable):
            out.append(part.value)
            continue
        found = folded.get(_ALIASES.get(part.key, part.key).lower(), part.default)
        if not isinstance(found, str):
            keys = sorted(k for k, v in identity.context.items() if isinstance(v, str))
            raise ValueError(f"resource template {template!r}: ${{{part.key}}} is not a "
                             "single-valued key of the identity's context (available: "
                             f"{', '.join(keys)})")
        out.append(found)
    return "".join(out)


def granted_actions(identities: Iterable[SimulatedIdentity], resource: str) -> tuple[str, ...]:
    """Actions the identities' roles allow somewhere that can act on ``resource``: every
    Allow statement's Action patterns expanded through the service reference (NotAction:
    the service's actions it leaves out), kept when one of the action's resource types can
    name ``resource``."""
    catalog = get_catalog()
    service = resource.split(":")[2] if resource.startswith("arn:") else ""
    found: dict[str, None] = {}
    for ident in identities:
        for policy in ident.role.identity:
            for st in policy.statements:
                if st.effect != "Allow":
                    continue
                candidates: list[str] = []
                for pattern in st.actions or ():
                    svc = pattern.split(":", 1)[0].lower()
                    if pattern == "*":
                        pattern = f"{service}:*"
                    elif svc != service and "*" not in svc and "?" not in svc:
                        continue
                    candidates.extend(catalog.expand_action_pattern(pattern))
                if st.not_actions is not None:
                    excluded = {a.lower() for p in st.not_actions
                                for a in catalog.expand_action_pattern(p)}
                    candidates.extend(a for a in catalog.actions_of_service(service)
                                      if a.lower() not in excluded)
                for action in candidates:
                    if action.split(":", 1)[0].lower() == service:
                        found.setdefault(action)
    out = []
    for action in found:
        types = catalog.resource_types_of_action(action)
        if any(catalog.arn_matches_resource_type(resource, rt) for rt in types):
            out.append(action)
    return tuple(out)


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
        first = report.leaks[0]
        lines = [f"identity A ({a.identity_id}, role {a.role_arn}) reaches identity B's "
                 f"({b.identity_id}) resources:"]
        lines += [f"  {d.request.action} on {d.request.resource}" for d in report.leaks]
        lines += ["", first.explain()]
        raise AssertionError("\n".join(lines))
    return report
