"""The ways a login reaches credentials in an identity pool: its *role paths*.

A :class:`RolePath` is one route through Cognito's role selection (spec semantics.md §6.3,
§6.4): guests (when the pool allows them), each login provider (each app client of a user
pool) with each rule of its ``Rules`` mapping, each role a ``Token`` mapping can name, the
mapping's ambiguous outcome, the default authenticated role, and the basic flow with each
role of the pool (when the pool enables it). Each path carries a login *template*: the
provider, the claims that steer Cognito down that path, the flow and the role asked for.
Whether the path really yields credentials is for the simulation to say
(:mod:`policy_eval.population.generate`): trust policies, ``AmbiguousRoleResolution:
Deny`` and disabled flows refuse logins, and those paths are reported as refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..cognito.load import Provider
from ..cognito.model import MappingRule
from ..cognito.pool import IdentityPool
from ..cognito.roles import rule_matches


@dataclass(frozen=True)
class RolePath:
    """One route to credentials: a login template and what it is meant to exercise."""

    key: str                              # short stable name, e.g. "userpool-6k2r/rule-1"
    description: str                      # what the path is, in words
    provider: Provider | None             # None for guests
    claims: dict[str, Any] = field(default_factory=dict)   # claims that steer the path
    flow: str = "enhanced"
    role_arn: str | None = None           # the role asked for (basic flow)
    client_id: str | None = None          # the token audience, when the provider has one
    fixed_claims: frozenset[str] = frozenset()  # claims the path depends on

    @property
    def guest(self) -> bool:
        return self.provider is None


def _short(text: str, size: int = 4) -> str:
    return text[:size]


def _provider_slug(provider: Provider, client_id: str | None) -> str:
    if provider.kind == "userpool":
        return f"userpool-{_short(client_id or '')}"
    if provider.kind == "social":
        return provider.name.split(".")[-2] if provider.name.count(".") >= 1 else provider.name
    if provider.kind == "saml":
        return "saml-" + provider.name.rsplit("/", 1)[-1]
    return f"{provider.kind}-{provider.name.split('/')[0]}"


def _provider_entries(pool: IdentityPool) -> list[tuple[Provider, str | None]]:
    """Each provider, and each app client of a user pool (its own role mapping key)."""
    entries: list[tuple[Provider, str | None]] = []
    for provider in pool.providers.values():
        if provider.kind == "userpool":
            entries.extend((provider, cid) for cid in provider.client_ids)
        else:
            entries.append((provider, provider.client_ids[0] if provider.client_ids else None))
    return entries


def _mapping_key(provider: Provider, client_id: str | None) -> str | None:
    if provider.kind == "developer":
        return None
    if provider.kind == "userpool":
        return f"{provider.name}:{client_id}"
    return provider.name


def _rule_candidates(rule: MappingRule) -> list[str]:
    """Claim values to try for a rule, most natural first."""
    value = rule.Value
    if rule.MatchType == "Equals":
        return [value]
    if rule.MatchType == "StartsWith":
        return [value, value + "x"]
    if rule.MatchType == "Contains":
        return [value, f"x-{value}-x"]
    return [f"not-{value}", f"{value}-other", "other"]


def claims_for_rule(rules: list[MappingRule], index: int) -> dict[str, Any] | None:
    """Claims that make ``rules[index]`` the first matching rule, or ``None`` when earlier
    rules shadow it (spec §6.4: rules are tried in order, the first match wins). Claims of
    earlier rules on other claim names are left out, so those rules do not match (a
    missing claim matches no rule; a ``NotEqual`` rule on it is skipped)."""
    rule = rules[index]
    for value in _rule_candidates(rule):
        claims = {rule.Claim: value}
        if rule_matches(rule, claims)[0] and not any(
                rule_matches(earlier, claims)[0] for earlier in rules[:index]):
            return claims
    return None


def role_paths(pool: IdentityPool) -> tuple[list[RolePath], list[str]]:
    """The role paths of ``pool`` and notes on paths that cannot be taken (a rule that
    earlier rules shadow)."""
    model = pool.config.model
    desc = model.IdentityPool
    paths: list[RolePath] = []
    notes: list[str] = []
    if desc.AllowUnauthenticatedIdentities:
        paths.append(RolePath("guest", "guest (unauthenticated), enhanced flow", None))
    roles = sorted(pool.roles)
    for provider, client_id in _provider_entries(pool):
        slug = _provider_slug(provider, client_id)
        where = provider.name + (f" (client {client_id})" if provider.kind == "userpool" else "")
        key = _mapping_key(provider, client_id)
        mapping = model.RoleMappings.get(key) if key is not None else None
        if mapping is None:
            paths.append(RolePath(f"{slug}/default", f"{where}: default authenticated role",
                                  provider, client_id=client_id))
        elif mapping.Type == "Rules":
            assert mapping.RulesConfiguration is not None
            rules = list(mapping.RulesConfiguration.Rules)
            for i, rule in enumerate(rules):
                claims = claims_for_rule(rules, i)
                text = f"{rule.Claim} {rule.MatchType} {rule.Value!r}"
                if claims is None:
                    notes.append(f"{where}: rule {i + 1} ({text}) is shadowed by earlier "
                                 "rules; no login can take it")
                    continue
                paths.append(RolePath(f"{slug}/rule-{i + 1}", f"{where}: rule {i + 1} ({text})",
                                      provider, claims, client_id=client_id,
                                      fixed_claims=frozenset(claims)))
            paths.append(RolePath(f"{slug}/no-rule", f"{where}: no rule matches "
                                  f"(AmbiguousRoleResolution {mapping.AmbiguousRoleResolution})",
                                  provider, client_id=client_id,
                                  fixed_claims=frozenset(r.Claim for r in rules)))
        else:
            for arn in roles:
                name = arn.rsplit("/", 1)[-1]
                claims = {"cognito:roles": [arn], "cognito:preferred_role": arn}
                paths.append(RolePath(f"{slug}/token-{name}", f"{where}: token role {name}",
                                      provider, claims, client_id=client_id,
                                      fixed_claims=frozenset(claims)))
            paths.append(RolePath(f"{slug}/token-none", f"{where}: token without role claims",
                                  provider, client_id=client_id))
    if desc.AllowClassicFlow:
        entries: list[tuple[Provider | None, str | None]] = [(None, None)] if (
            desc.AllowUnauthenticatedIdentities) else []
        entries += _provider_entries(pool)
        for basic_provider, client_id in entries:
            slug = ("guest" if basic_provider is None
                    else _provider_slug(basic_provider, client_id))
            where = "guest" if basic_provider is None else basic_provider.name
            for arn in roles:
                name = arn.rsplit("/", 1)[-1]
                paths.append(RolePath(f"basic/{slug}/{name}",
                                      f"basic flow: {where} assumes {name}", basic_provider,
                                      flow="basic", role_arn=arn, client_id=client_id))
    return paths, notes
