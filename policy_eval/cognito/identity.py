"""What a simulated login gives: a :class:`SimulatedIdentity` with credentials, or a
:class:`Refusal` (the AWS error code and reason) when AWS would issue none.

``IdentityPool.login`` raises :class:`LoginRefused` (which carries the refusal) so that a
refused login can never be mistaken for one that got credentials; ``IdentityPool.simulate``
returns either object, for callers that report both (the CLI, scenarios).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..document.model import Policy
from ..engine.explain import Decision
from ..engine.request import Request
from ..policyset import PolicyInput, PolicySet
from .model import Login
from .scope_down import SessionPolicy

if TYPE_CHECKING:
    from .load import ResolvedRole


@dataclass(frozen=True)
class Refusal:
    """AWS would issue no credentials for this login."""

    code: str                        # AWS error code, e.g. NotAuthorizedException
    reason: str
    api: str                         # the call that fails: GetId, GetCredentialsForIdentity, ...
    login: Login
    identity_id: str | None = None
    role_arn: str | None = None
    steps: tuple[str, ...] = ()
    trust_decision: Decision | None = None

    def describe(self) -> str:
        lines = [f"refused: {self.api} fails with {self.code}: {self.reason}"]
        lines += [f"  {s}" for s in self.steps]
        if self.trust_decision is not None:
            lines.append("  trust policy evaluation:")
            lines += ["    " + line for line in self.trust_decision.explain().splitlines()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentials": False, "error": self.code, "reason": self.reason,
                               "api": self.api, "identity_id": self.identity_id,
                               "role_arn": self.role_arn, "steps": list(self.steps)}
        if self.trust_decision is not None:
            out["trust_decision"] = self.trust_decision.to_dict()
        return out


class LoginRefused(Exception):
    """Raised by ``IdentityPool.login`` when AWS would refuse the login.

    ``.code`` is the AWS error code (``NotAuthorizedException``,
    ``InvalidIdentityPoolConfigurationException``, ``AccessDenied``, ...), ``.reason`` the
    message, ``.refusal`` the whole :class:`Refusal` (steps, trust-policy decision)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"{refusal.code}: {refusal.reason}")
        self.refusal = refusal
        self.code = refusal.code
        self.reason = refusal.reason

    def __str__(self) -> str:
        return self.refusal.describe()


@dataclass
class SimulatedIdentity:
    """A Cognito identity holding credentials: its role, tags, session policies, context.

    ``context`` is the request context every request made with these credentials carries
    (spec §3.4); ``principal`` is the session ARN
    ``arn:aws:sts::<account>:assumed-role/<role>/CognitoIdentityCredentials``.
    """

    login: Login
    pool_id: str
    identity_id: str
    provider: str | None
    authenticated: bool
    flow: str
    role: ResolvedRole
    principal: str
    tags: dict[str, str]
    session_policies: tuple[SessionPolicy, ...]
    context: dict[str, Any]
    amr: tuple[str, ...]
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    _extra_sets: dict[tuple[int, ...], PolicySet] = field(default_factory=dict, repr=False)

    @property
    def role_arn(self) -> str:
        return self.role.arn

    @property
    def identity_policies(self) -> tuple[Policy, ...]:
        return self.role.identity

    @property
    def boundary(self) -> Policy | None:
        return self.role.boundary

    @cached_property
    def policy_set(self) -> PolicySet:
        """The role's policies, its boundary, and the session policies that cap it."""
        return self.policy_set_with()

    def policy_set_with(self, resource: PolicyInput | None = None,
                        scps: Sequence[Any] | None = None,
                        rcps: Sequence[Any] | None = None) -> PolicySet:
        """The identity's policy set plus a resource-based policy and organization
        policies (SCPs/RCPs as :class:`~policy_eval.PolicySet` takes them)."""
        return PolicySet(identity=list(self.role.identity), boundary=self.role.boundary,
                         session=[sp.policy for sp in self.session_policies],
                         resource=resource, scps=scps, rcps=rcps)

    def request(self, action: str, resource: str = "*",
                context: Mapping[str, Any] | None = None) -> Request:
        """A request made with these credentials (``context`` adds to the identity's)."""
        merged = dict(self.context)
        if context:
            merged.update(context)
        return Request(action, resource, self.principal, merged)

    def can(self, action: str, resource: str = "*", context: Mapping[str, Any] | None = None,
            *, resource_policy: PolicyInput | None = None) -> Decision:
        """Decide ``action`` on ``resource`` for this identity. ``context`` adds request
        keys (``s3:prefix``, ``aws:SourceIp`` ...); ``resource_policy`` adds the resource's
        own policy (a bucket policy, a key policy)."""
        request = self.request(action, resource, context)
        if resource_policy is None:
            return self.policy_set.evaluate(request)
        key = (id(resource_policy),)
        policy_set = self._extra_sets.get(key)
        if policy_set is None:
            policy_set = self._extra_sets[key] = self.policy_set_with(resource=resource_policy)
        return policy_set.evaluate(request)

    def describe(self) -> str:
        """A human-readable account of the login and what it yields."""
        who = f"guest of {self.pool_id}" if not self.authenticated else (
            f"{self.provider} user")
        lines = [f"credentials issued ({self.flow} flow) for {who}",
                 f"  identity id: {self.identity_id}",
                 f"  role:        {self.role_arn}",
                 f"  principal:   {self.principal}"]
        lines.append("  tags:        " + (", ".join(f"{k}={v}" for k, v in self.tags.items())
                                          or "none"))
        if self.session_policies:
            lines.append("  session policies (guest scope-down, their union caps the role):")
            lines += [f"    {sp.describe()}" for sp in self.session_policies]
        else:
            lines.append("  session policies: none")
        lines.append("  steps:")
        lines += [f"    {s}" for s in self.steps]
        if self.notes:
            lines.append("  notes:")
            lines += [f"    {n}" for n in self.notes]
        lines.append("  request context:")
        lines += [f"    {k} = {v!r}" for k, v in self.context.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "credentials": True,
            "flow": self.flow,
            "identity_id": self.identity_id,
            "provider": self.provider,
            "authenticated": self.authenticated,
            "role_arn": self.role_arn,
            "principal": self.principal,
            "tags": dict(self.tags),
            "session_policies": [{"name": sp.name, "arn": sp.arn, "version": sp.version,
                                  "date": sp.date, "source": sp.source}
                                 for sp in self.session_policies],
            "context": dict(self.context),
            "steps": list(self.steps),
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        return (f"SimulatedIdentity(identity_id={self.identity_id!r}, role_arn="
                f"{self.role_arn!r}, tags={self.tags!r})")
