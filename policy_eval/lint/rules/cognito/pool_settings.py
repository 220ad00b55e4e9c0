"""Cognito pool-settings rule: risky identity-pool settings (basic flow, user-writable claims
in role rules and principal tags)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....errors import join_pointer
from ...rule import Finding, Severity, Target, register
from ._common import _CognitoRule

#: OIDC standard claims (and Cognito user-pool standard attributes) a user can change
#: unless the app client's write attributes forbid it (Cognito developer guide,
#: "Role-based access control": use only claims users cannot edit).
_USER_WRITABLE_CLAIMS = {"name", "given_name", "family_name", "middle_name", "nickname",
                         "preferred_username", "profile", "picture", "website", "email",
                         "gender", "birthdate", "zoneinfo", "locale", "phone_number",
                         "address", "updated_at"}


def _writable(claim: Any) -> bool:
    return isinstance(claim, str) and (claim.lower().startswith("custom:")
                                       or claim.lower() in _USER_WRITABLE_CLAIMS)


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class _PoolView:
    """The settings COG019 reads, from a pool file or SetIdentityPoolRoles input (a
    template's pool arrives in the same shapes, located in the template): (pointer, value)
    pairs."""

    def __init__(self, data: Any) -> None:
        self.pools: list[tuple[str, dict[str, Any]]] = []          # (pointer, settings)
        self.mappings: list[tuple[str, dict[str, Any]]] = []       # (pointer, RoleMapping)
        self.tag_maps: list[tuple[str, dict[str, Any]]] = []       # (pointer, {tag: claim})
        if not isinstance(data, dict):
            return
        ip = data.get("IdentityPool")
        if isinstance(ip, dict):
            self.pools.append(("/IdentityPool", ip))
        elif "AllowUnauthenticatedIdentities" in data:
            self.pools.append(("", data))
        self._mappings("/RoleMappings", data.get("RoleMappings"))
        maps = data.get("PrincipalTagAttributeMaps")
        if isinstance(maps, dict):
            for provider, entry in maps.items():
                if isinstance(entry, dict) and isinstance(entry.get("PrincipalTags"), dict):
                    self.tag_maps.append((join_pointer("/PrincipalTagAttributeMaps", provider,
                                                       "PrincipalTags"), entry["PrincipalTags"]))

    def _mappings(self, pointer: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, mapping in value.items():
                if isinstance(mapping, dict):
                    self.mappings.append((join_pointer(pointer, key), mapping))


@register
class PoolRiskySettings(_CognitoRule):
    """Identity pool settings that weaken the roles' protection.

    What it does
    ------------
    On a pool file (AWS API shapes) or a template's identity pool, flags:
    ``AllowUnauthenticatedIdentities`` together with ``AllowClassicFlow`` (guests choose
    the role and escape the scope-down); a ``Rules`` role mapping whose
    ``AmbiguousRoleResolution`` is ``AuthenticatedRole`` (users no rule matches still get
    credentials); rules on claims users can edit (``custom:*``, ``locale``, ``email``...);
    principal tags mapped from such claims.

    Why is this bad?
    ----------------
    Role selection and principal tags are only as trustworthy as the claims behind them;
    a user who can set ``custom:role = admin`` on their own profile picks the admin role.
    The classic flow lets a guest call ``AssumeRoleWithWebIdentity`` itself, with no
    scope-down session policy.

    Example
    -------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": true}}
    ```

    Use instead
    -----------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": false}}
    ```
    """

    code = "COG019"
    name = "identity-pool-risky-settings"
    summary = ("guests with the classic flow, AuthenticatedRole fallback, rules or tags on "
               "editable claims")
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("pool",)
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        view = _PoolView(target.data)
        for ptr, pool in view.pools:
            if _truthy(pool.get("AllowUnauthenticatedIdentities")) and \
                    _truthy(pool.get("AllowClassicFlow")):
                yield self.make(target, ptr + "/AllowClassicFlow",
                                "the pool allows guests and the classic (basic) flow: a guest "
                                "can call AssumeRoleWithWebIdentity on any role that trusts the "
                                "pool, with no scope-down session policy",
                                fix="set AllowClassicFlow to false")
        for ptr, mapping in view.mappings:
            rules = mapping.get("RulesConfiguration", {})
            rule_list = rules.get("Rules") if isinstance(rules, dict) else None
            if mapping.get("Type") == "Rules" and \
                    mapping.get("AmbiguousRoleResolution") == "AuthenticatedRole":
                yield self.make(target, ptr + "/AmbiguousRoleResolution",
                                "users that no rule matches get the default authenticated role "
                                "(AmbiguousRoleResolution: AuthenticatedRole); use Deny unless "
                                "that role is meant for every signed-in user",
                                security=5.0, fix='set AmbiguousRoleResolution to "Deny"')
            for i, rule in enumerate(rule_list if isinstance(rule_list, list) else []):
                if isinstance(rule, dict) and _writable(rule.get("Claim")):
                    yield self.make(target, f"{ptr}/RulesConfiguration/Rules/{i}/Claim",
                                    f"role rule on the claim {rule['Claim']!r}, which users can "
                                    "edit unless the app client's write attributes exclude it: "
                                    f"a user sets it to {rule.get('Value')!r} and gets "
                                    f"{rule.get('RoleARN')!r}",
                                    fix="map roles from claims users cannot write (cognito:groups)")
        for ptr, tags in view.tag_maps:
            for tag, claim in tags.items():
                if _writable(claim):
                    yield self.make(target, join_pointer(ptr, tag),
                                    f"principal tag {tag!r} comes from the claim {claim!r}, which "
                                    "users can edit unless the app client's write attributes "
                                    "exclude it; policies that test this tag trust the user",
                                    fix="map principal tags from immutable claims")
