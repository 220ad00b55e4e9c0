"""Helpers that let Cognito and security rules prove a point with the engine.

A rule that claims "identity A can read identity B's files" or "this condition does not
stop privilege escalation" builds concrete requests (:class:`~policy_eval.Request`) and
asks :class:`~policy_eval.PolicySet` for the decision, then puts the requests and the
decisions in ``Finding.evidence``. This module holds what those rules share:

* probe values (condition values read with :mod:`policy_eval.document.values`, the
  engine's parsers): two Cognito identity ids, a pool id, a foreign pool id, a probe account,
  region and principal, and the context keys every signed request carries;
* :func:`concrete_resource`: a concrete ARN for an action (its documented ARN format with
  every placeholder filled), i.e. "some resource nobody scoped the policy to";
* :func:`instantiate`: a policy pattern made concrete (variables from a context, wildcards
  filled) — the resource identity B owns, for example;
* :func:`adversarial_contexts`: contexts a caller can choose (user agent, region, transport,
  the service a role is passed to, ...) that satisfy the policy's own conditions on those
  keys, so a trivially true condition (``StringLike aws:UserAgent "*"``, lint-anchors row 45)
  is not mistaken for a mitigation;
* :class:`RoleFacts` / :func:`role_facts`: what is known about the role a policy belongs to
  (does it trust Cognito, is it the guest or the authenticated role, and why we think so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...catalog import get_catalog
from ...cognito.session import (
    COGNITO_PRINCIPAL,
    key_prefix_for,
    session_context,
    token_context,
)
from ...document.model import Policy, Statement, parse_policy, statement_to_json
from ...document.operators import parse_operator
from ...document.values import is_arn, parse_bool, parse_network
from ...document.variables import Literal, Text, template_parts
from ...engine.explain import Decision
from ...engine.request import Request
from ...errors import PolicyEvalError
from ...policyset import PolicySet
from ._base import resolve_pointer

if TYPE_CHECKING:
    from ..rule import Target

# --------------------------------------------------------------------------- probe values

PROBE_ACCOUNT = "111122223333"
PROBE_REGION = "us-east-1"
PROBE_ROLE_ARN = f"arn:aws:iam::{PROBE_ACCOUNT}:role/ProbeCognitoRole"
#: The session a Cognito identity gets (enhanced flow session name, spec §3.4).
PROBE_PRINCIPAL = (f"arn:aws:sts::{PROBE_ACCOUNT}:assumed-role/ProbeCognitoRole/"
                   "CognitoIdentityCredentials")
#: Used when a policy names no pool of its own.
PROBE_POOL_ID = "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"
#: A pool in another account and region: "any identity pool" in trust-policy findings.
FOREIGN_POOL_ID = "eu-west-1:9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f"
#: Two identities of the same pool (identity ids are ``region:GUID``, spec §6.1).
IDENTITY_A = "us-east-1:0d1b2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
IDENTITY_B = "us-east-1:7d3b9c1e-4f2a-4c8e-9b1d-2a6f0e5c8d41"
#: ``amr`` of a signed-in user-pool user and of a guest (spec §6.1).
AMR_SIGNED_IN = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E",
                 "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E:CognitoSignIn:"
                 "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70"]
AMR_GUEST = ["unauthenticated"]

_COGNITO_PRINCIPAL_RE = re.compile(
    r"^cognito-identity(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$", re.IGNORECASE)
_COGNITO_KEY_RE = re.compile(
    r"^cognito-identity(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?:(?P<claim>[^:]+)$", re.IGNORECASE)

#: Keys present on every signed API call (IAM User Guide, "AWS global condition context
#: keys"), with ordinary values.
TYPICAL_CONTEXT: dict[str, Any] = {
    "aws:UserAgent": "aws-sdk-js/3.600.0 ua/2.1 os/linux lang/js",
    "aws:SourceIp": "203.0.113.7",
    "aws:SecureTransport": True,
    "aws:CurrentTime": "2026-01-15T12:00:00Z",
    "aws:EpochTime": 1768478400,
    "aws:RequestedRegion": PROBE_REGION,
    "aws:ViaAWSService": False,
    "aws:TokenIssueTime": "2026-01-15T11:55:00Z",
}

#: Keys whose value the caller chooses freely for its own request (the client, region,
#: transport, referer; the service a role is passed to). A condition only on these keys
#: never stops a caller who wants the action (lint-anchors row 45).
CALLER_CHOSEN_KEYS = frozenset({
    "aws:useragent", "aws:referer", "aws:requestedregion", "aws:securetransport",
    "iam:passedtoservice",
})


#: The same pool's id in the China partition, for trust policies that name the ``.cn``
#: principal and pin no pool (spec §3.4).
PROBE_POOL_ID_CN = "cn-north-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"


def cognito_context(identity_id: str = IDENTITY_A, *, guest: bool = False,
                    pool_id: str = PROBE_POOL_ID) -> dict[str, Any]:
    """The request context of a Cognito session (spec §3.4, built by
    :func:`policy_eval.cognito.session.session_context`, as the simulator's), on top of
    the typical keys; the pool's region picks the partition's key prefix."""
    return {**TYPICAL_CONTEXT,
            **session_context(pool_id, identity_id, AMR_GUEST if guest else AMR_SIGNED_IN)}


def is_cognito_principal(value: str) -> bool:
    """``cognito-identity.amazonaws.com`` and its regional / China-partition variants."""
    return bool(_COGNITO_PRINCIPAL_RE.match(value.strip()))


def cognito_claim(key: str) -> str | None:
    """``aud``/``amr``/``sub``/... for a ``cognito-identity.amazonaws.com:<claim>`` key."""
    m = _COGNITO_KEY_RE.match(key.strip())
    return m.group("claim").lower() if m else None


# --------------------------------------------------------------------------- patterns

def instantiate(text: str, values: Mapping[str, str] | None = None, *, fill: str = "x",
                enabled: bool = True) -> str:
    """A concrete string matched by the pattern ``text``: variables take ``values`` (keys
    folded; a missing key gives its default or ``""``), ``*`` becomes ``fill``, ``?`` one
    character of it."""
    folded = {k.lower(): v for k, v in (values or {}).items()}
    out: list[str] = []
    for part in template_parts(text, enabled):
        if isinstance(part, Text):
            out.append(part.value.replace("*", fill).replace("?", fill[:1] or "x"))
        elif isinstance(part, Literal):
            out.append(part.value)
        else:
            value = folded.get(part.folded)
            out.append(value if isinstance(value, str) else (part.default or ""))
    return "".join(out)


def _placeholder_count(arn_format: str) -> int:
    return sum(1 for part in template_parts(arn_format) if not isinstance(part, Text))


def _probe_value(placeholder: str) -> str:
    """The value a probe ARN gives a documented placeholder (``${Region}`` ...)."""
    low = placeholder.lower()
    if low == "partition":
        return "aws"
    if low == "region":
        return PROBE_REGION
    if low == "account":
        return PROBE_ACCOUNT
    return "probe-" + re.sub(r"[^a-z0-9]", "", low)


@lru_cache(maxsize=4096)
def concrete_resource(action: str) -> str:
    """A concrete ARN the action accepts, named so that no policy scopes to it by accident
    (``arn:aws:iam::111122223333:role/probe-rolename``); ``"*"`` for actions that take no
    resource."""
    cat = get_catalog()
    info = cat.action(action)
    if info is None or not info.resource_types:
        return "*"
    # The plainest type first (fewest placeholders: an S3 object before an access-point
    # object), required types before optional ones.
    types = [rt for ref in info.resource_types
             if (rt := cat.resource_type(info.service, ref.name)) is not None and rt.arn_format]
    types.sort(key=lambda rt: _placeholder_count(rt.arn_format))
    for rt in types:
        arn = "".join(part.value.replace("*", "probe") if isinstance(part, Text)
                      else part.value if isinstance(part, Literal) else _probe_value(part.key)
                      for part in template_parts(rt.arn_format))
        if is_arn(arn):
            return arn
    return "*"


# --------------------------------------------------------------------------- evaluation

def statement_policy(policy: Policy, statements: Iterable[Statement]) -> dict[str, Any]:
    """A policy document holding only ``statements`` (same Version)."""
    doc: dict[str, Any] = {}
    if policy.version is not None:
        doc["Version"] = policy.version
    doc["Statement"] = [statement_to_json(s) for s in statements]
    return doc


def as_kind(policy: Policy | dict[str, Any], kind: str) -> Policy:
    """``policy`` parsed as ``kind`` (a trust policy has no Resource and must be given to
    the engine as a parsed ``trust`` policy)."""
    if isinstance(policy, Policy):
        data = policy.to_json()
        if policy.version is None:
            data.pop("Version", None)
    else:
        data = policy
    return parse_policy(data, kind=kind)  # type: ignore[arg-type]


@lru_cache(maxsize=2048)
def alone(policy: Policy, statement: Statement, kind: str = "identity") -> Policy:
    """``statement`` with the policy's Deny statements (which still apply)."""
    keep = [statement] + [s for s in policy.statements if s.effect == "Deny" and s is not statement]
    return parse_policy(statement_policy(policy, keep), kind=kind)  # type: ignore[arg-type]


def decide(policy_set: PolicySet, action: str, resource: str, context: Mapping[str, Any],
           principal: str = PROBE_PRINCIPAL) -> Decision | None:
    """The engine's decision, or ``None`` when the probe itself is not a valid request."""
    try:
        return policy_set.evaluate(Request(action, resource, principal=principal,
                                           context=dict(context)))
    except PolicyEvalError:
        return None


def policy_set(identity: Iterable[Policy | dict[str, Any]] = (), **kw: Any) -> PolicySet | None:
    """A :class:`PolicySet`, or ``None`` when the engine refuses one of the policies."""
    try:
        return PolicySet(identity=list(identity), **kw)
    except PolicyEvalError:
        return None


def statement_set(policy: Policy, statement: Statement) -> PolicySet | None:
    """The policy set of ``statement`` alone (with the policy's Deny statements)."""
    return policy_set([alone(policy, statement)])


def describe(decision: Decision | None) -> str:
    return decision.decision if decision is not None else "not evaluated"


def request_evidence(action: str, resource: str, context: Mapping[str, Any],
                     decision: Decision | None, principal: str = PROBE_PRINCIPAL,
                     keys: Iterable[str] | None = None,
                     statement: Statement | None = None) -> dict[str, Any]:
    """A JSON-friendly record of one probe: the request and the engine's decision.
    ``keys`` limits the context shown to the keys that matter; ``statement`` names the
    linted statement the probe was about (the engine's own statement reference is only
    meaningful when the probe ran on the linted policy itself, so it is not copied)."""
    shown = dict(context)
    if keys is not None:
        wanted = {k.lower() for k in keys}
        shown = {k: v for k, v in context.items() if k.lower() in wanted}
    out: dict[str, Any] = {"action": action, "resource": resource, "principal": principal,
                           "context": shown, "decision": describe(decision)}
    if statement is not None:
        out["statement"] = {"index": statement.index, "sid": statement.sid,
                            "pointer": statement.pointer}
    return out


def _satisfying_value(operator: str, values: tuple[str, ...], base: Mapping[str, Any]
                      ) -> tuple[bool, Any]:
    """(set?, value) that makes one clause on a caller-chosen key hold."""
    op = parse_operator(operator)
    if op is None or not values:
        return False, None
    fam = op.base.family
    if fam == "Null":
        return (values[0].lower() != "true"), "probe"
    if op.base.negated:
        return True, "probe-unlisted-value"
    first = values[0]
    if fam == "IpAddress":
        network = parse_network(first)
        return (True, str(network.network_address)) if network is not None else (False, None)
    if fam == "Bool":
        flag = parse_bool(first)
        return (True, flag) if flag is not None else (False, None)
    value = instantiate(first, {k: v for k, v in base.items() if isinstance(v, str)})
    if op.set_qualifier:
        return True, [value]
    return True, value


def adversarial_contexts(statements: Iterable[Statement], base: Mapping[str, Any]
                         ) -> Iterator[dict[str, Any]]:
    """``base``, ``base`` with each caller-chosen key set to satisfy the statements' own
    conditions on it, and the empty context."""
    yield dict(base)
    chosen: dict[str, Any] = {}
    dropped: set[str] = set()
    for st in statements:
        for clause in st.conditions:
            if clause.folded_key not in CALLER_CHOSEN_KEYS:
                continue
            ok, value = _satisfying_value(clause.operator, clause.values, base)
            if ok:
                chosen[clause.key] = value
            else:
                dropped.add(clause.folded_key)
    if chosen or dropped:
        ctx = {k: v for k, v in base.items() if k.lower() not in dropped}
        ctx.update(chosen)
        yield ctx
    yield {}


def first_allowed(ps: PolicySet, action: str, resource: str,
                  contexts: Iterable[Mapping[str, Any]], principal: str = PROBE_PRINCIPAL
                  ) -> tuple[Decision | None, dict[str, Any]]:
    """The first context under which the request is allowed (else the last decision)."""
    last: Decision | None = None
    last_ctx: dict[str, Any] = {}
    for ctx in contexts:
        d = decide(ps, action, resource, ctx, principal)
        last, last_ctx = d, dict(ctx)
        if d is not None and d.allowed:
            return d, last_ctx
    return last, last_ctx


# --------------------------------------------------------------------------- actions

def expand(patterns: Iterable[str]) -> tuple[str, ...]:
    """Catalogue actions matched by action patterns (unknown names are skipped)."""
    cat = get_catalog()
    out: dict[str, None] = {}
    for p in patterns:
        for a in cat.expand_action_pattern(p):
            out[a] = None
    return tuple(out)


@lru_cache(maxsize=4096)
def statement_actions(st: Statement) -> tuple[str, ...]:
    """Actions a statement covers (NotAction: every catalogue action not excluded)."""
    if st.actions is not None:
        return expand(st.actions)
    excluded = set(expand(st.not_actions or ()))
    return tuple(a for a in expand(["*"]) if a not in excluded)


def access_level(action: str) -> str:
    info = get_catalog().action(action)
    return info.access_level if info is not None else "Unknown"


def representatives(actions: Iterable[str], limit_per_group: int = 3) -> list[str]:
    """A few actions per (service, access level): enough to probe a wildcard grant with the
    engine without deciding thousands of requests."""
    groups: dict[tuple[str, str], list[str]] = {}
    for a in actions:
        groups.setdefault((a.split(":")[0].lower(), access_level(a)), []).append(a)
    out: list[str] = []
    for members in groups.values():
        out.extend(sorted(members)[:limit_per_group])
    return out


# --------------------------------------------------------------------------- pointers

def relative(policy: Policy | None, pointer: str) -> str:
    """A statement/clause pointer relative to the linted document."""
    if policy is not None and policy.pointer and pointer.startswith(policy.pointer):
        return pointer[len(policy.pointer):]
    return pointer


def element_pointer(target: Target, st: Statement, element: str, index: int | None = None) -> str:
    """Pointer of ``element`` (or its ``index``-th entry) of a statement, relative to the
    target; a single string element has no index."""
    base = relative(target.policy, st.pointer) + "/" + element
    if index is None:
        return base
    raw = resolve_pointer(target.data, base)
    return f"{base}/{index}" if isinstance(raw, list) else base


# --------------------------------------------------------------------------- role facts

_GUEST_WORDS = re.compile(r"(unauth|guest|anonymous)", re.IGNORECASE)
_AUTH_WORDS = re.compile(r"(?<!un)auth", re.IGNORECASE)


@dataclass
class TrustFacts:
    """What a trust policy lets Cognito do, proved with the engine."""

    trusts_cognito: bool
    accepts_guest: bool = False
    accepts_signed_in: bool = False
    pool_ids: tuple[str, ...] = ()
    other_principals: tuple[str, ...] = ()


@dataclass
class RoleFacts:
    """The role a linted policy belongs to, as far as the linter can tell."""

    cognito: bool = False                  # the role is used through an identity pool
    role_class: str | None = None          # "guest" | "authenticated" | "both" | None
    reason: str = ""                       # how role_class was found
    trust: TrustFacts | None = None
    permissions: list[Target] = field(default_factory=list)   # the role's other policies
    pool: Any = None
    role_arn: str | None = None
    classic_flow: bool | None = None

    @property
    def guest(self) -> bool:
        """Do guests (unauthenticated identities) get this role?"""
        return self.role_class in ("guest", "both")

    def caller_context(self) -> dict[str, Any]:
        """The context of a request made with this role: a Cognito session (a guest's on a
        guest role) when the role is used through an identity pool, else the typical keys."""
        if self.cognito:
            return cognito_context(guest=self.guest, pool_id=self.pool_id or PROBE_POOL_ID)
        return dict(TYPICAL_CONTEXT)

    @property
    def pool_id(self) -> str | None:
        """The id of the pool the role is used through, when known (its region decides
        the partition's Cognito keys)."""
        ip, _, _ = _pool_parts(self.pool)
        value = ip.get("IdentityPoolId")
        if isinstance(value, str) and ":" in value:
            return value
        if self.trust is not None and self.trust.pool_ids:
            return self.trust.pool_ids[0]
        return None


def trust_policy_of(target: Target | None) -> Policy | None:
    if target is None or target.policy is None:
        return None
    try:
        return as_kind(target.policy, "trust")
    except PolicyEvalError:
        return None


def cognito_statements(policy: Policy) -> list[Statement]:
    """Allow statements whose Principal names the Cognito federated principal."""
    out = []
    for st in policy.statements:
        if st.effect != "Allow" or st.principal is None:
            continue
        if any(is_cognito_principal(v) for v in st.principal.values_of("Federated")):
            out.append(st)
    return out


def statement_pool_ids(st: Statement) -> tuple[str, ...]:
    """Pool ids a statement pins ``aud`` to with a positive, wildcard-free operator."""
    out: list[str] = []
    for clause in st.conditions:
        if cognito_claim(clause.key) != "aud":
            continue
        op = clause.parsed_operator
        if op.base.negated or op.base.family != "String":
            continue
        out.extend(v for v in clause.values if "*" not in v and "?" not in v and "${" not in v)
    return tuple(out)


def trust_decision(trust: Policy, *, guest: bool, pool_id: str, principal: str = COGNITO_PRINCIPAL,
                   action: str = "sts:AssumeRoleWithWebIdentity",
                   role_arn: str = PROBE_ROLE_ARN) -> tuple[Decision | None, dict[str, Any]]:
    """Would STS accept a Cognito token (guest or signed-in, of ``pool_id``) for the role?"""
    ctx = token_context(pool_id, IDENTITY_A, AMR_GUEST if guest else AMR_SIGNED_IN)
    ps = policy_set(resource=trust)
    if ps is None:
        return None, ctx
    return decide(ps, action, role_arn, ctx, principal=principal), ctx


@lru_cache(maxsize=512)
def analyse_trust(trust: Policy) -> TrustFacts:
    stmts = cognito_statements(trust)
    others = tuple(sorted({f"{t}:{v}" for st in trust.statements if st.effect == "Allow"
                           and st.principal is not None
                           for t, v in st.principal.entries
                           if not (t == "Federated" and is_cognito_principal(v))}
                          | ({"*"} if any(st.effect == "Allow" and st.principal is not None
                                          and st.principal.wildcard
                                          for st in trust.statements) else set())))
    if not stmts:
        return TrustFacts(False, other_principals=others)
    pools = tuple(dict.fromkeys(p for st in stmts for p in statement_pool_ids(st)))
    principal = next(v for v in stmts[0].principal.values_of("Federated")  # type: ignore[union-attr]
                     if is_cognito_principal(v))
    china = key_prefix_for(principal) != COGNITO_PRINCIPAL
    pool = pools[0] if pools else PROBE_POOL_ID_CN if china else PROBE_POOL_ID
    g, _ = trust_decision(trust, guest=True, pool_id=pool, principal=principal)
    s, _ = trust_decision(trust, guest=False, pool_id=pool, principal=principal)
    return TrustFacts(True, bool(g and g.allowed), bool(s and s.allowed), pools, others)


def name_class(*names: str | None) -> tuple[str | None, str]:
    """Guest/authenticated from role or file names (``Cognito_AppUnauth_Role``,
    ``unauth-role-policy.json``); the weakest signal, used only when nothing better exists."""
    for name in names:
        if not name:
            continue
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if _GUEST_WORDS.search(base):
            return "guest", f"the name {base!r}"
        if _AUTH_WORDS.search(base):
            return "authenticated", f"the name {base!r}"
    return None, ""


def _pool_parts(pool: Any) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """(IdentityPool, Roles, IamRoles) of a pool file or SetIdentityPoolRoles input."""
    if not isinstance(pool, dict):
        return {}, {}, []
    ip = pool.get("IdentityPool")
    roles = pool.get("Roles")
    iam = pool.get("IamRoles")
    return (ip if isinstance(ip, dict) else pool, roles if isinstance(roles, dict) else {},
            iam if isinstance(iam, list) else [])


def _role_arn_from_pointer(pool: Any, pointer: str) -> str | None:
    m = re.match(r"^/IamRoles/(\d+)(/|$)", pointer)
    if not m:
        return None
    _, _, iam = _pool_parts(pool)
    index = int(m.group(1))
    if index < len(iam) and isinstance(iam[index], dict):
        arn = iam[index].get("Arn")
        return arn if isinstance(arn, str) else None
    return None


def statement_mentions_cognito(st: Statement) -> bool:
    """Does the statement use ``cognito-identity.amazonaws.com`` keys or variables?"""
    for text in (st.resources or ()) + (st.not_resources or ()):
        if "${cognito-identity." in text.lower():
            return True
    for clause in st.conditions:
        if cognito_claim(clause.key) or any("${cognito-identity." in v.lower()
                                            for v in clause.values):
            return True
    return False


def policy_mentions_cognito(policy: Policy | None) -> bool:
    """Does the policy use ``cognito-identity.amazonaws.com`` keys or variables?"""
    return policy is not None and any(statement_mentions_cognito(s) for s in policy.statements)


def role_link(target: Target) -> dict[str, Any]:
    """``target.related["role"]`` (``{"trust": Target | None, "permissions": [...]}``, maybe
    ``arn``/``name``), or ``{}``."""
    role = target.related.get("role")
    return role if isinstance(role, dict) else {}


def role_facts(target: Target) -> RoleFacts:
    """Everything the linter can tell about the role a permission policy belongs to:
    from the role's trust policy (proved with the engine), the pool file, or — weakest —
    the role's or file's name."""
    facts = RoleFacts()
    role = role_link(target)
    pool = target.related.get("pool")
    if pool is None and target.kind == "pool":
        pool = target.data
    facts.pool = pool
    facts.permissions = [t for t in role.get("permissions") or [] if t is not target]
    facts.role_arn = role.get("arn") if isinstance(role.get("arn"), str) else None
    if facts.role_arn is None and pool is not None:
        facts.role_arn = _role_arn_from_pointer(pool, target.pointer)
    ip, roles, _ = _pool_parts(pool)
    if ip:
        facts.classic_flow = ip.get("AllowClassicFlow") if isinstance(
            ip.get("AllowClassicFlow"), bool) else None
    trust_policy = trust_policy_of(role.get("trust"))
    if trust_policy is not None:
        facts.trust = analyse_trust(trust_policy)
        if facts.trust.trusts_cognito:
            facts.cognito = True
            g, s = facts.trust.accepts_guest, facts.trust.accepts_signed_in
            facts.role_class = "both" if g and s else "guest" if g else (
                "authenticated" if s else None)
            facts.reason = "its trust policy (amr)"
    slot = target.related.get("pool_role")
    if facts.role_class is None and slot in ("unauthenticated", "authenticated"):
        facts.cognito = True
        facts.role_class = "guest" if slot == "unauthenticated" else "authenticated"
        facts.reason = f"the pool's {slot} role"
    if facts.role_class is None and facts.role_arn and roles:
        if roles.get("unauthenticated") == facts.role_arn:
            facts.cognito, facts.role_class = True, "guest"
            facts.reason = "the pool's unauthenticated role"
        elif roles.get("authenticated") == facts.role_arn:
            facts.cognito, facts.role_class = True, "authenticated"
            facts.reason = "the pool's authenticated role"
    if not facts.cognito and (policy_mentions_cognito(target.policy) or pool is not None):
        facts.cognito = True
    if facts.role_class is None and (facts.trust is None or facts.trust.trusts_cognito):
        cls, why = name_class(role.get("name") if isinstance(role.get("name"), str) else None,
                              facts.role_arn, target.policy.id if target.policy else None,
                              target.path)
        if cls is not None:
            facts.role_class, facts.reason = cls, why
            facts.cognito = facts.cognito or cls == "guest"
    return facts


def role_policies(target: Target) -> list[Target]:
    """The target and the other permission policies of its role."""
    return [target] + [t for t in role_facts(target).permissions if t.policy is not None]
