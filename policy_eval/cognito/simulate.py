"""Simulate one login through an identity pool, step by step (spec §6).

1. the login is checked against the pool: a provider the pool supports (else an input
   error naming the accepted ones), claims that are plain JSON values, the subject claim
   present; guests must be allowed, the basic flow must be enabled (else refused);
2. the token is checked as Cognito would: its audience is one of the configured client
   IDs, a user-pool token is an ID token from that pool;
3. the identity ID: ``<region>:<uuid5(pool id, provider, subject)>``, stable for the same
   provider and subject (or the ``identity_id`` the login fixes); each guest login gets a
   new one (GetId creates an identity), numbered by the pool (``IdentityPool.guest_seed``,
   ``guests_created``) so that a run can be replayed;
4. the role: chosen by Cognito in the enhanced flow (:mod:`.roles`), by the caller in the
   basic flow (spec §6.3: role mappings decide nothing there);
5. principal tags from the provider's attribute map (spec §6.7; guests get none);
6. STS's limits on session tags (count, length, characters, packed size) and, for a
   cross-account role in the basic flow, its ``aud``+``amr`` requirement (:mod:`.sts_limits`);
   the role's trust policy, evaluated by the engine for ``sts:AssumeRoleWithWebIdentity``
   and, when tags are set, ``sts:TagSession``, with Cognito's token keys ``aud``, ``sub``,
   ``amr`` (spec §6.5);
7. the guest scope-down session policies, enhanced flow only (spec §6.6);
8. the request context of the session (spec §3.4).

Every refusal carries the AWS error code and the reason.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..engine.explain import Decision
from ..engine.request import Request
from ..errors import InputError, Location, join_pointer
from ..policyset import PolicySet
from .identity import Refusal, SimulatedIdentity
from .load import DEVELOPER_LOGIN_KEY, PoolConfig, Provider, ResolvedRole
from .model import Login
from .roles import INVALID_CONFIG, INVALID_PARAMETER, NOT_AUTHORIZED, select_role
from .scope_down import SessionPolicy, scope_down_policies
from .session import cognito_names, session_context, token_context
from .sts_limits import cross_account_trust_refusal, packed_size_refusal, session_tag_refusal

if TYPE_CHECKING:
    from .pool import IdentityPool

#: Namespace of the identity IDs we derive (uuid5 of "pool|provider|subject").
IDENTITY_NAMESPACE = uuid.UUID("6f1c2e3a-4b5d-4e6f-8a7b-9c0d1e2f3a4b")
#: The session name Cognito gives enhanced-flow sessions (spec §3.4 [O gh-caller-identity]).
SESSION_NAME = "CognitoIdentityCredentials"

Locate = Callable[[str], Location]


def identity_id_for(pool_id: str, provider: str | None, subject: str) -> str:
    """The identity ID we give a provider+subject in a pool (stable; spec §6.1 shape)."""
    region = pool_id.split(":", 1)[0]
    guid = uuid.uuid5(IDENTITY_NAMESPACE, f"{pool_id}|{provider or 'unauthenticated'}|{subject}")
    return f"{region}:{guid}"


def placeholder_role_id(role_arn: str) -> str:
    """A stable ``AROA...`` role ID when the pool file does not give ``RoleId``."""
    digest = hashlib.sha256(role_arn.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "AROA" + "".join(alphabet[b % 32] for b in digest[:17])


_CLAIM_SCALARS = (str, int, float, bool)


def check_claims(claims: dict[str, Any], locate: Locate, base: str) -> None:
    """Claims are JSON scalars or arrays of scalars; anything else is an input error."""
    for key, value in claims.items():
        pointer = join_pointer(base, "claims", key)
        if not key:
            raise InputError("claim names cannot be empty", locate(pointer), "invalid-claims")
        if isinstance(value, _CLAIM_SCALARS):
            continue
        if isinstance(value, list) and all(isinstance(v, _CLAIM_SCALARS) for v in value):
            continue
        kind = {type(None): "null", dict: "an object"}.get(type(value), type(value).__name__)
        raise InputError(f"claim {key!r} is {kind}; a claim value is a string, a number, a "
                         "boolean or an array of those (leave out claims the token does not "
                         "carry)", locate(pointer), "invalid-claims")


class _Run:
    """One simulation: the pool, the login and the steps recorded so far."""

    def __init__(self, pool: IdentityPool, login: Login, locate: Locate, base: str,
                 issue_time: datetime | None) -> None:
        self.pool = pool
        self.login = login
        self.locate = locate
        self.base = base
        self.steps: list[str] = []
        self.notes: list[str] = []
        self.claims = dict(login.claims)
        self.issue_time = issue_time or datetime.now(timezone.utc).replace(microsecond=0)
        self.identity_id: str | None = None
        self.model = pool.config.model.IdentityPool

    def error(self, message: str, field: str, code: str = "invalid-login") -> InputError:
        return InputError(message, self.locate(join_pointer(self.base, *field.split("/"))
                                               if field else self.base), code)

    def refuse(self, code: str, reason: str, api: str, role_arn: str | None = None,
               decision: Decision | None = None) -> Refusal:
        return Refusal(code, reason, api, self.login, self.identity_id, role_arn,
                       tuple(self.steps), decision)

    # ------------------------------------------------------------ provider and token

    def provider(self) -> Provider | None:
        name = self.login.provider
        if name is None:
            return None
        providers = self.pool.config.providers
        if name == DEVELOPER_LOGIN_KEY and self.model.DeveloperProviderName:
            name = self.model.DeveloperProviderName
        found = providers.get(name)
        if found is None:
            accepted = sorted(providers) + (
                [DEVELOPER_LOGIN_KEY] if self.model.DeveloperProviderName else [])
            raise self.error(f"provider {name!r} is not a login provider of identity pool "
                             f"{self.model.IdentityPoolId} (accepted: "
                             f"{', '.join(map(repr, accepted)) or 'none'}; null for a guest)",
                             "provider", "unknown-provider")
        return found

    def subject(self, provider: Provider) -> str:
        claim = provider.subject_claim
        value = self.claims.get(claim)
        if not isinstance(value, (str, int)) or isinstance(value, bool) or value == "":
            what = ("the developer user identifier" if provider.kind == "developer"
                    else f"the user's ID at {provider.name}")
            raise self.error(f"claims need {claim!r} ({what}) as a non-empty string",
                             "claims", "invalid-claims")
        return str(value)

    def audience(self, provider: Provider) -> str | Refusal | None:
        """The token's audience, checked against the configured client IDs."""
        if not provider.client_ids:
            aud = self.claims.get("aud")
            return aud if isinstance(aud, str) else None
        raw = self.claims.get("aud")
        if raw is None:
            if len(provider.client_ids) == 1:
                aud = provider.client_ids[0]
                self.claims["aud"] = aud
                self.notes.append(f"claims had no 'aud': took the pool's client ID {aud!r} for "
                                  f"{provider.name}")
                return aud
            raise self.error(f"claims need 'aud' (the app client ID the token was issued to; "
                             f"this pool accepts {', '.join(map(repr, provider.client_ids))} "
                             f"for {provider.name})", "claims", "invalid-claims")
        auds = raw if isinstance(raw, list) else [raw]
        for aud in auds:
            if str(aud) in provider.client_ids:
                return str(aud)
        self.steps.append(f"token audience {raw!r} is not a client ID configured for "
                          f"{provider.name} ({', '.join(provider.client_ids)})")
        return self.refuse(NOT_AUTHORIZED, "Invalid login token. Incorrect token audience.",
                           "GetId")

    def token_checks(self, provider: Provider) -> Refusal | None:
        if provider.kind not in ("userpool", "oidc"):
            return None
        iss = self.claims.get("iss")
        if iss is not None and str(iss).split("://", 1)[-1].rstrip("/") != provider.name:
            self.steps.append(f"token issuer {iss!r} is not https://{provider.name}")
            return self.refuse(NOT_AUTHORIZED, "Invalid login token. Issuer doesn't match "
                               "providerName", "GetId")
        if provider.kind == "userpool" and self.claims.get("token_use", "id") != "id":
            self.steps.append(f"token_use is {self.claims.get('token_use')!r}: identity pools "
                              "take user-pool ID tokens, not access tokens")
            return self.refuse(NOT_AUTHORIZED, "Invalid login token. Not a valid OpenId Connect "
                               "identity token.", "GetId")
        return None

    # ------------------------------------------------------------ the whole login

    def run(self) -> SimulatedIdentity | Refusal:
        login, pool_model, m = self.login, self.model, self.pool.config.model
        check_claims(self.claims, self.locate, self.base)
        provider = self.provider()
        authenticated = provider is not None
        basic = login.flow == "basic"
        role_arn_asked = login.role_arn
        if role_arn_asked is not None and role_arn_asked not in self.pool.config.roles:
            raise self.error(f"role_arn {role_arn_asked!r} is not in the pool file's IamRoles "
                             f"(known: {', '.join(sorted(self.pool.config.roles)) or 'none'})",
                             "role_arn", "unknown-role")
        if basic and role_arn_asked is None:
            raise self.error("the basic flow assumes the role the caller names: give role_arn "
                             f"(one of {', '.join(sorted(self.pool.config.roles)) or 'none'})",
                             "role_arn", "missing-role")
        pool_id = pool_model.IdentityPoolId

        # 1-3. who is this?
        if provider is None:
            if self.claims:
                raise self.error("a guest presents no token: leave claims empty (or name the "
                                 "provider that issued them)", "claims", "invalid-claims")
            self.steps.append("guest (unauthenticated) login")
            if not pool_model.AllowUnauthenticatedIdentities:
                return self.refuse(NOT_AUTHORIZED, "Unauthenticated access is not supported for "
                                   "this identity pool.", "GetId")
            subject = "guest"
            if login.identity_id is None:
                # each GetId of a guest creates a new identity (spec 6.2)
                subject = self.pool.next_guest_subject()
        else:
            subject = self.subject(provider)
            self.steps.append(f"{provider.kind} provider {provider.name}, subject {subject!r}")
            refusal = self.token_checks(provider)
            if refusal is not None:
                return refusal
            aud = self.audience(provider)
            if isinstance(aud, Refusal):
                return aud
        if login.identity_id is not None:
            if login.identity_id.split(":", 1)[0] != pool_model.region:
                return self.refuse("ResourceNotFoundException",
                                   f"Identity '{login.identity_id}' not found (it is not in the "
                                   f"pool's region {pool_model.region}).", "GetId")
            self.identity_id = login.identity_id
            self.steps.append(f"identity id {self.identity_id} (given by the login)")
        else:
            self.identity_id = identity_id_for(pool_id, provider.name if provider else None,
                                               subject)
            self.steps.append(f"identity id {self.identity_id} (derived from pool, provider "
                              "and subject)")
        if basic and not pool_model.AllowClassicFlow:
            return self.refuse(INVALID_PARAMETER, "Basic (classic) flow is not enabled for this "
                               "identity pool (AllowClassicFlow is false).", "GetOpenIdToken")

        # 4. the role
        if basic:
            assert role_arn_asked is not None
            role_arn = role_arn_asked
            self.steps.append(f"basic flow: the caller assumes {role_arn} itself; role mappings "
                              "decide nothing (spec 6.3)")
        else:
            mapping_key = None
            mapping = None
            if provider is not None and provider.kind != "developer":
                mapping_key = provider.name
                if provider.kind == "userpool":
                    mapping_key = f"{provider.name}:{self.claims['aud']}"
                mapping = m.RoleMappings.get(mapping_key)
            choice = select_role(
                authenticated=authenticated,
                developer=provider is not None and provider.kind == "developer",
                mapping=mapping, mapping_key=mapping_key, claims=self.claims,
                custom_role_arn=role_arn_asked, roles={str(k): v for k, v in m.Roles.items()},
                token_without_roles=self.pool.token_without_roles)
            self.steps.extend(choice.steps)
            if choice.refused:
                assert choice.code is not None and choice.reason is not None
                return self.refuse(choice.code, choice.reason, "GetCredentialsForIdentity")
            assert choice.role_arn is not None
            role_arn = choice.role_arn
            if role_arn not in self.pool.config.roles:
                # Only a token claim can name such a role: the pool's own are checked on load.
                raise self.error(f"the token names role {role_arn!r}, which is not in the pool "
                                 "file's IamRoles (known: "
                                 f"{', '.join(sorted(self.pool.config.roles))})",
                                 "claims", "unknown-role")
        role = self.pool.config.roles[role_arn]

        # 5. principal tags (none for guests, spec 6.7 [I])
        tags = self.principal_tags(provider) if provider is not None else {}

        # 6. STS checks the session tags, then the trust policy
        if tags:
            sts_refusal = session_tag_refusal(tags) or packed_size_refusal(tags)
            if sts_refusal is not None:
                self.steps.append("STS refuses the session tags Cognito passes to "
                                  "AssumeRoleWithWebIdentity")
                return self.refuse(*sts_refusal, "AssumeRoleWithWebIdentity", role.arn)
        _, federated = cognito_names(pool_model.region)
        amr = self.amr(provider, subject)
        token_ctx = token_context(pool_id, self.identity_id, amr)
        refusal = self.assume(role, federated, token_ctx, tags, basic)
        if refusal is not None:
            return refusal

        # 7. the guest scope-down
        session: tuple[SessionPolicy, ...] = ()
        if not authenticated and not basic:
            session = scope_down_policies(self.pool.scope_down)
            self.steps.append(f"guest scope-down {self.pool.scope_down!r}: "
                              + ", ".join(sp.name for sp in session))
        elif not authenticated:
            self.steps.append("basic flow: Cognito applies no scope-down (spec 6.6)")

        # 8. the session's request context (spec 3.4)
        role_id = role.model.RoleId
        if role_id is None:
            role_id = placeholder_role_id(role.arn)
            self.notes.append(f"{role.name} has no RoleId in the pool file: aws:userid uses the "
                              f"placeholder {role_id}")
        principal = (f"arn:{role.model.partition}:sts::{role.model.account}:assumed-role/"
                     f"{role.name}/{SESSION_NAME}")
        context = session_context(
            pool_id, self.identity_id, amr,
            identity_keys=authenticated or self.pool.guest_identity_keys,
            role_keys={"aws:userid": f"{role_id}:{SESSION_NAME}",
                       "aws:PrincipalArn": role.arn,
                       "aws:PrincipalAccount": role.model.account,
                       "aws:PrincipalType": "AssumedRole",
                       "aws:PrincipalIsAWSService": "false"},
            issue_time=self.issue_time.strftime("%Y-%m-%dT%H:%M:%SZ"), tags=tags)
        return SimulatedIdentity(
            login=login, pool_id=pool_id, identity_id=self.identity_id,
            provider=provider.name if provider else None, authenticated=authenticated,
            flow=login.flow, role=role, principal=principal, tags=tags,
            session_policies=tuple(session), context=context, amr=amr,
            steps=tuple(self.steps), notes=tuple(self.notes))

    def amr(self, provider: Provider | None, subject: str) -> tuple[str, ...]:
        """``amr`` of the Cognito token (spec §6.1): guests ``unauthenticated``; users
        ``authenticated`` and the provider, plus the observed user-pool
        ``...:CognitoSignIn:<sub>`` and developer ``<dev>:<pool id>:<user>`` entries [O]."""
        if provider is None:
            return ("unauthenticated",)
        out = ["authenticated", provider.name]
        if provider.kind == "userpool":
            out.append(f"{provider.name}:CognitoSignIn:{subject}")
        elif provider.kind == "developer":
            out.append(f"{provider.name}:{self.model.IdentityPoolId}:{subject}")
        return tuple(out)

    def principal_tags(self, provider: Provider) -> dict[str, str]:
        tag_map = self.pool.config.model.PrincipalTagAttributeMaps.get(provider.name)
        if tag_map is None:
            return {}
        mapping = provider.default_tags if tag_map.UseDefaults else dict(tag_map.PrincipalTags)
        tags: dict[str, str] = {}
        for tag, claim in mapping.items():
            value = self.claims.get(claim)
            if value is None:
                self.notes.append(f"tag {tag!r}: the token has no claim {claim!r}, tag not set")
                continue
            if isinstance(value, list):
                # A session tag holds one string; AWS does not say how it maps an array
                # claim (spec 6.7), so we set no tag and say so.
                self.notes.append(f"tag {tag!r}: claim {claim!r} is an array, tag not set")
                continue
            tags[tag] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        source = "defaults" if tag_map.UseDefaults else "PrincipalTags"
        self.steps.append(f"principal tags from {provider.name} ({source}): "
                          + (", ".join(f"{k}={v}" for k, v in tags.items()) or "none"))
        return tags

    def cross_account(self, role: ResolvedRole, decision: Decision) -> Refusal | None:
        """The basic flow into a role of another account needs both ``aud`` and ``amr``
        conditions in the trust statement that allows it (see :mod:`.sts_limits`)."""
        account = pool_account(self.pool.config)
        if account is None or account == role.model.account:
            return None
        prefix, _ = cognito_names(self.model.region)
        refusal = cross_account_trust_refusal((s.statement for s in decision.statements),
                                              prefix)
        if refusal is None:
            return None
        self.steps.append(f"{role.name} is in account {role.model.account}, the pool in "
                          f"{account}: a cross-account basic-flow login")
        return self.refuse(*refusal, "AssumeRoleWithWebIdentity", role.arn, decision)

    def assume(self, role: ResolvedRole, federated: str, token_ctx: dict[str, Any],
               tags: dict[str, str], basic: bool) -> Refusal | None:
        """Evaluate the trust policy for AssumeRoleWithWebIdentity (+ TagSession)."""
        trust = PolicySet(resource=role.trust)
        actions: list[tuple[str, dict[str, Any]]] = [("sts:AssumeRoleWithWebIdentity", {})]
        if tags:
            tag_ctx: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
            tag_ctx["aws:TagKeys"] = list(tags)
            actions.append(("sts:TagSession", tag_ctx))
        for action, extra in actions:
            decision = trust.evaluate(Request(action, role.arn, federated,
                                              {**token_ctx, **extra}))
            self.steps.append(f"trust policy of {role.name}: {action} -> {decision.decision}")
            if decision.allowed and basic and action == "sts:AssumeRoleWithWebIdentity":
                refusal = self.cross_account(role, decision)
                if refusal is not None:
                    return refusal
            if decision.allowed:
                continue
            if basic:
                reason = f"Not authorized to perform {action}"
                return self.refuse("AccessDenied", reason, "AssumeRoleWithWebIdentity",
                                   role.arn, decision)
            what = ("the role's trust policy does not allow sts:TagSession, needed because "
                    "principal tags are mapped (spec 6.7)" if action == "sts:TagSession"
                    else "the role's trust policy does not accept Cognito's token (STS "
                    "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity)")
            return self.refuse(INVALID_CONFIG, "Invalid identity pool configuration. Check "
                               f"assigned IAM roles for this pool. ({what})",
                               "GetCredentialsForIdentity", role.arn, decision)
        return None


def pool_account(config: PoolConfig) -> str | None:
    """The account the identity pool lives in, read from the IAM resources the pool names
    (its OIDC and SAML provider ARNs, else its default roles); ``None`` when unknown."""
    pool = config.model.IdentityPool
    for arn in (*pool.OpenIdConnectProviderARNs, *pool.SamlProviderARNs,
                *config.model.Roles.values()):
        parts = arn.split(":")
        if len(parts) > 4 and parts[4].isdigit():
            return parts[4]
    return None


def simulate_login(pool: IdentityPool, login: Login, *, locate: Locate | None = None,
                   base: str = "", issue_time: datetime | None = None,
                   ) -> SimulatedIdentity | Refusal:
    """Simulate ``login``; input errors are located with ``locate`` under ``base``."""
    def no_file(pointer: str) -> Location:
        return Location(None, None, None, pointer)
    return _Run(pool, login, locate or no_file, base, issue_time).run()
