"""Role selection in the enhanced flow (spec §6.4).

::

    guest                      -> the pool's unauthenticated role
    developer-authenticated    -> the pool's authenticated role (§6.3)
    no mapping for the provider-> the pool's authenticated role
    Token mapping              -> CustomRoleArn if it is in cognito:roles (else refused),
                                  cognito:preferred_role, else ambiguous when cognito:roles
                                  holds roles, else the authenticated role [I]
    Rules mapping              -> the first rule that matches the claims, else ambiguous
    ambiguous                  -> AmbiguousRoleResolution: AuthenticatedRole | Deny

:func:`select_role` returns a :class:`RoleChoice`: the role ARN, or the refusal (AWS error
code and reason), and the steps that led there, for explanations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .model import MappingRule, RoleMapping

#: What a Token mapping does when the token carries no role claim at all. Spec §6.4 reads
#: it as "the default authenticated role" [I, low confidence] and asks for a switch.
TokenWithoutRoles = Literal["authenticated", "ambiguous"]

NOT_AUTHORIZED = "NotAuthorizedException"
INVALID_CONFIG = "InvalidIdentityPoolConfigurationException"
INVALID_PARAMETER = "InvalidParameterException"


@dataclass
class RoleChoice:
    """The outcome of role selection."""

    role_arn: str | None = None
    code: str | None = None          # AWS error code when refused
    reason: str | None = None
    steps: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.code is not None


def claim_values(value: Any) -> list[str] | None:
    """A claim as the list of strings rules compare (``None`` when absent). Numbers and
    booleans compare as their JSON text; arrays element by element (§6.4 [I])."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (int, float, str)):
        return [str(value)]
    if isinstance(value, list):
        return [claim_values(v)[0] for v in value if v is not None]  # type: ignore[index]
    return None


def rule_matches(rule: MappingRule, claims: dict[str, Any]) -> tuple[bool, str]:
    """Whether ``rule`` matches ``claims``, with a sentence saying why.

    Comparisons are case-sensitive (§6.4 [I]). A missing claim: ``NotEqual`` rules are
    skipped [D cog-rbac], other rules do not match [I]. An array claim: ``Equals`` /
    ``Contains`` / ``StartsWith`` hold when any element does, ``NotEqual`` when no element
    equals the value (§6.4 [I, low confidence])."""
    values = claim_values(claims.get(rule.Claim))
    text = f"{rule.Claim} {rule.MatchType} {rule.Value!r}"
    if values is None:
        if rule.MatchType == "NotEqual":
            return False, f"{text}: claim missing, rule skipped (NotEqual is not evaluated)"
        return False, f"{text}: claim missing, no match"
    shown = values[0] if len(values) == 1 else values
    if rule.MatchType == "Equals":
        ok = any(v == rule.Value for v in values)
    elif rule.MatchType == "Contains":
        ok = any(rule.Value in v for v in values)
    elif rule.MatchType == "StartsWith":
        ok = any(v.startswith(rule.Value) for v in values)
    else:
        ok = all(v != rule.Value for v in values)
    return ok, f"{text}: claim is {shown!r}, {'match' if ok else 'no match'}"


def token_roles(claims: dict[str, Any]) -> list[str]:
    """``cognito:roles`` as a list: an array, or comma-separated text (§6.4)."""
    raw = claims.get("cognito:roles")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [r.strip() for r in raw.split(",") if r.strip()]
    return [str(r) for r in raw]


def _ambiguous(mapping: RoleMapping, default_role: str | None, choice: RoleChoice,
               why: str) -> RoleChoice:
    if mapping.AmbiguousRoleResolution == "Deny":
        choice.steps.append(f"{why}; AmbiguousRoleResolution is Deny")
        choice.code = NOT_AUTHORIZED
        # Message as AWS words it [O amplify-js#8644]; the error code is [I].
        choice.reason = "The ambiguous role mapping rules denied this request."
        return choice
    choice.steps.append(f"{why}; AmbiguousRoleResolution is AuthenticatedRole")
    return _default(default_role, choice, "authenticated")


def _default(role: str | None, choice: RoleChoice, kind: str) -> RoleChoice:
    if role is None:
        choice.code = INVALID_CONFIG
        choice.reason = (f"Invalid identity pool configuration. Check assigned IAM roles for "
                         f"this pool. (the pool has no {kind} role)")
        choice.steps.append(f"no default {kind} role is configured")
        return choice
    choice.role_arn = role
    choice.steps.append(f"default {kind} role {role}")
    return choice


def select_role(*, authenticated: bool, developer: bool, mapping: RoleMapping | None,
                mapping_key: str | None, claims: dict[str, Any], custom_role_arn: str | None,
                roles: dict[str, str], token_without_roles: TokenWithoutRoles = "authenticated",
                ) -> RoleChoice:
    """Choose the role of an enhanced-flow login (spec §6.4)."""
    choice = RoleChoice()
    auth_role = roles.get("authenticated")
    if not authenticated:
        chosen = _default(roles.get("unauthenticated"), choice, "unauthenticated")
        return _check_custom(chosen, custom_role_arn, "guests")
    if developer:
        choice.steps.append("developer-authenticated identity: always the default "
                            "authenticated role (spec 6.3)")
        return _check_custom(_default(auth_role, choice, "authenticated"), custom_role_arn,
                             "developer-authenticated identities")
    if mapping is None:
        choice.steps.append(f"no role mapping for {mapping_key}")
        return _check_custom(_default(auth_role, choice, "authenticated"), custom_role_arn,
                             "providers without a role mapping")
    if mapping.Type == "Token":
        roles_claim = token_roles(claims)
        choice.steps.append(f"Token mapping for {mapping_key}: cognito:roles = {roles_claim}")
        if custom_role_arn is not None:
            if custom_role_arn in roles_claim:
                choice.role_arn = custom_role_arn
                choice.steps.append(f"CustomRoleArn {custom_role_arn} is in cognito:roles")
                return choice
            choice.code = NOT_AUTHORIZED
            # [D cog-rbac]: a CustomRoleArn outside cognito:roles is denied; code [I].
            choice.reason = (f"CustomRoleArn {custom_role_arn} is not one of the roles in the "
                             "token's cognito:roles claim")
            choice.steps.append("CustomRoleArn not in cognito:roles: access denied")
            return choice
        preferred = claims.get("cognito:preferred_role")
        if isinstance(preferred, str) and preferred:
            choice.role_arn = preferred
            choice.steps.append(f"cognito:preferred_role {preferred}")
            return choice
        if roles_claim:
            return _ambiguous(mapping, auth_role, choice,
                              "cognito:roles holds roles but no cognito:preferred_role")
        if token_without_roles == "ambiguous":
            return _ambiguous(mapping, auth_role, choice, "the token has no role claims")
        choice.steps.append("the token has no role claims: default authenticated role "
                            "(spec 6.4 [I], switch token_without_roles)")
        return _default(auth_role, choice, "authenticated")
    assert mapping.RulesConfiguration is not None
    choice.steps.append(f"Rules mapping for {mapping_key}")
    matching: list[str] = []
    for index, rule in enumerate(mapping.RulesConfiguration.Rules, start=1):
        ok, why = rule_matches(rule, claims)
        choice.steps.append(f"  rule {index}: {why}")
        if ok:
            if custom_role_arn is None:
                choice.role_arn = rule.RoleARN
                choice.steps.append(f"rule {index} is the first match: {rule.RoleARN}")
                return choice
            matching.append(rule.RoleARN)
    if custom_role_arn is not None:
        # A CustomRoleArn naming the role of any matching rule is honoured (spec 6.4 [I]).
        if custom_role_arn in matching:
            choice.role_arn = custom_role_arn
            choice.steps.append(f"CustomRoleArn {custom_role_arn} is the role of a matching rule")
            return choice
        if not matching and mapping.AmbiguousRoleResolution == "AuthenticatedRole" and (
                custom_role_arn == auth_role):
            choice.role_arn = custom_role_arn
            choice.steps.append("no rule matches; CustomRoleArn is the default authenticated role")
            return choice
        choice.code = NOT_AUTHORIZED
        choice.reason = (f"CustomRoleArn {custom_role_arn} is not the role of a rule that "
                         f"matches the token (matching rules give: {matching or 'none'})")
        choice.steps.append("CustomRoleArn names no matching rule's role: access denied [I]")
        return choice
    return _ambiguous(mapping, auth_role, choice, "no rule matches")


def _check_custom(choice: RoleChoice, custom_role_arn: str | None, who: str) -> RoleChoice:
    """A CustomRoleArn only chooses among mapped roles; asking another role than the default
    one is refused rather than ignored (spec 6.4 [I])."""
    if choice.refused or custom_role_arn is None or custom_role_arn == choice.role_arn:
        return choice
    choice.code = INVALID_PARAMETER
    choice.reason = (f"CustomRoleArn {custom_role_arn} cannot be used for {who}: they always get "
                     f"{choice.role_arn}; CustomRoleArn picks among roles of a Token or Rules "
                     "mapping")
    choice.role_arn = None
    choice.steps.append("CustomRoleArn differs from the role this login must get: refused [I]")
    return choice
