"""Load a pool file (JSON or YAML) and check it, reporting every problem with its place.

:func:`load_pool_config` validates the shapes (:mod:`.model`), then the references between
them: each ``RoleMappings`` key names a provider of the pool, each rule has a role that is
in ``IamRoles``, the default roles are in ``IamRoles``, attached managed policies and
boundaries are in ``ManagedPolicies``, each principal-tag map names a provider. Policy
documents (inline, a path relative to the pool file, or URL-encoded JSON) are parsed with
their locations. Errors are :class:`~policy_eval.errors.InputError` naming the file, the
JSON pointer, what is wrong and what would be accepted (the CLI exits 2 on them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from pydantic import ValidationError

from ..document.iac import raw_suffixes
from ..document.iac.detect import may_be_template
from ..document.locate import Locator
from ..document.model import Policy, PolicyKind, parse_policy
from ..document.source import SourceDocument, load_file, parse_json
from ..document.validation import located_validation_error
from ..errors import ErrorCode, InputError, Location, PolicyEvalError, join_pointer
from .model import IamRole, ManagedPolicy, PoolFile

ProviderKind = Literal["userpool", "social", "oidc", "saml", "developer"]

#: Public providers a pool can list in ``SupportedLoginProviders`` (spec §6.1).
SOCIAL_PROVIDERS = ("graph.facebook.com", "accounts.google.com", "www.amazon.com",
                    "appleid.apple.com", "api.twitter.com", "www.digits.com")

#: The key under which a client presents a developer-authenticated token (spec §6.1).
DEVELOPER_LOGIN_KEY = "cognito-identity.amazonaws.com"

SAML_NAMEID = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"
SAML_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"


@dataclass(frozen=True)
class Provider:
    """A login provider the pool accepts."""

    name: str                     # the Logins-map key / amr entry
    kind: ProviderKind
    client_ids: tuple[str, ...]   # accepted token audiences ('' entries: not configured)
    pointer: str                  # where the pool file declares it

    @property
    def subject_claim(self) -> str:
        """The claim naming the user at this provider (spec §6.7 per-provider defaults)."""
        if self.name == "www.amazon.com":
            return "user_id"
        if self.kind == "saml":
            return SAML_NAMEID
        return "sub"

    @property
    def default_tags(self) -> dict[str, str]:
        """``UseDefaults`` tag map: tag ``username`` <- user claim, ``client`` <- audience
        (spec §6.7 [O] for the tag names, [D] for the per-provider claims). Developer
        identities supply their tags directly, so they have no defaults."""
        if self.kind == "developer":
            return {}
        if self.kind == "saml":
            # Spec §6.7 names the two SAML attributes; which tag takes which is [I].
            return {"username": SAML_NAMEID, "client": SAML_NAME}
        return {"username": self.subject_claim, "client": "aud"}


@dataclass(frozen=True)
class ResolvedRole:
    """A role of ``IamRoles`` with its policies parsed."""

    model: IamRole
    pointer: str
    trust: Policy
    identity: tuple[Policy, ...]
    boundary: Policy | None

    @property
    def arn(self) -> str:
        return self.model.Arn

    @property
    def name(self) -> str:
        return self.model.name


@dataclass
class PoolConfig:
    """A checked pool file: the model, its providers and its roles."""

    model: PoolFile
    source: SourceDocument
    base_dir: Path
    base: str = ""
    providers: dict[str, Provider] = field(default_factory=dict)
    roles: dict[str, ResolvedRole] = field(default_factory=dict)

    @property
    def path(self) -> str | None:
        return self.source.path

    def locate(self, pointer: str) -> Location:
        return self.source.location(pointer)

    def error(self, message: str, pointer: str, code: str = "invalid-pool") -> InputError:
        return InputError(message, self.locate(self.base + pointer), code)


def _short_list(values: list[str], limit: int = 12) -> str:
    if not values:
        return "none"
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def load_pool_config(data: Any, *, source: SourceDocument, base_dir: Path,
                     base: str = "") -> PoolConfig:
    """Check decoded pool data found at pointer ``base`` of ``source`` (``""`` for a pool
    file, ``/cognito/pool`` for a scenario's inline pool)."""
    locate = source.location
    if not isinstance(data, dict):
        raise InputError("a pool file must be an object with IdentityPool, Roles, RoleMappings, "
                         "PrincipalTagAttributeMaps, IamRoles and ManagedPolicies",
                         locate(base), "invalid-pool")
    try:
        model = PoolFile.model_validate(data, strict=True)
    except ValidationError as exc:
        raise located_validation_error(exc, PoolFile, data, lambda p: locate(p), "pool file",
                                       ErrorCode.invalid_pool_file, base) from None
    config = PoolConfig(model, source, base_dir, base)
    _check_pool(config, data)
    return config


def _check_pool(cfg: PoolConfig, data: dict[str, Any]) -> None:
    m = cfg.model
    pool = m.IdentityPool
    if m.IdentityPoolId is not None and m.IdentityPoolId != pool.IdentityPoolId:
        raise cfg.error(f"IdentityPoolId {m.IdentityPoolId!r} differs from IdentityPool."
                        f"IdentityPoolId {pool.IdentityPoolId!r}", "/IdentityPoolId")
    _collect_providers(cfg)
    _collect_roles(cfg)
    known_roles = sorted(cfg.roles)
    for role_key, arn in m.Roles.items():
        if arn not in cfg.roles:
            raise cfg.error(f"role {arn!r} is not in IamRoles (add its RoleDetailList entry; "
                            f"IamRoles has: {_short_list(known_roles)})", f"/Roles/{role_key}",
                            "unknown-role")
    mapping_keys = _mapping_keys(cfg)
    for mkey, mapping in m.RoleMappings.items():
        key: str = mkey
        pointer = join_pointer("/RoleMappings", key)
        if key not in mapping_keys:
            raise cfg.error(
                f"RoleMappings key {key!r} names no provider of this pool (accepted: "
                f"{_short_list(sorted(mapping_keys))}; a user pool is keyed "
                "'<ProviderName>:<ClientId>')", pointer, "unknown-provider")
        if mapping.IdentityProvider is not None and mapping.IdentityProvider != key:
            raise cfg.error(f"IdentityProvider {mapping.IdentityProvider!r} differs from the "
                            f"mapping's key {key!r}", join_pointer(pointer, "IdentityProvider"))
        if mapping.AmbiguousRoleResolution is None:
            raise cfg.error("missing required key 'AmbiguousRoleResolution' (required for Type "
                            "Token and Rules; accepted: 'AuthenticatedRole', 'Deny')", pointer)
        if mapping.Type == "Rules" and mapping.RulesConfiguration is None:
            raise cfg.error("Type 'Rules' needs RulesConfiguration {\"Rules\": [{Claim, "
                            "MatchType, Value, RoleARN}, ...]}", pointer)
        if mapping.Type == "Token" and mapping.RulesConfiguration is not None:
            raise cfg.error("RulesConfiguration is only read for Type 'Rules'; a Token mapping "
                            "takes the role from the token (remove it or set Type 'Rules')",
                            join_pointer(pointer, "RulesConfiguration"))
        if mapping.RulesConfiguration is not None:
            for i, rule in enumerate(mapping.RulesConfiguration.Rules):
                if rule.RoleARN not in cfg.roles:
                    raise cfg.error(
                        f"rule role {rule.RoleARN!r} is not in IamRoles (IamRoles has: "
                        f"{_short_list(known_roles)})",
                        join_pointer(pointer, "RulesConfiguration", "Rules", i, "RoleARN"),
                        "unknown-role")
    tag_providers = sorted(p.name for p in cfg.providers.values())
    for tkey, tag_map in m.PrincipalTagAttributeMaps.items():
        key = tkey
        pointer = join_pointer("/PrincipalTagAttributeMaps", key)
        provider = cfg.providers.get(key)
        if provider is None:
            raise cfg.error(f"PrincipalTagAttributeMaps key {key!r} names no provider of this "
                            f"pool (accepted: {_short_list(tag_providers)})", pointer,
                            "unknown-provider")
        if tag_map.IdentityProviderName not in (None, key):
            raise cfg.error(f"IdentityProviderName {tag_map.IdentityProviderName!r} differs "
                            f"from the key {key!r}", join_pointer(pointer, "IdentityProviderName"))
        if tag_map.IdentityPoolId not in (None, pool.IdentityPoolId):
            raise cfg.error(f"IdentityPoolId {tag_map.IdentityPoolId!r} is not this pool "
                            f"({pool.IdentityPoolId!r})", join_pointer(pointer, "IdentityPoolId"))
        if tag_map.UseDefaults and tag_map.PrincipalTags and (
                tag_map.PrincipalTags != provider.default_tags):
            raise cfg.error(
                "UseDefaults is true but PrincipalTags differs from the defaults "
                f"{provider.default_tags}: AWS applies one or the other; set UseDefaults to "
                "false to use PrincipalTags", join_pointer(pointer, "PrincipalTags"))
        for tag, claim in tag_map.PrincipalTags.items():
            if not 1 <= len(tag) <= 128 or not 1 <= len(claim) <= 256:
                raise cfg.error(f"tag {tag!r} -> claim {claim!r}: tag keys take 1-128 "
                                "characters, claim names 1-256 (spec 6.7)",
                                join_pointer(pointer, "PrincipalTags", tag))


def _collect_providers(cfg: PoolConfig) -> None:
    pool = cfg.model.IdentityPool
    providers = cfg.providers
    base = "/IdentityPool"
    for name, client in pool.SupportedLoginProviders.items():
        pointer = join_pointer(base, "SupportedLoginProviders", name)
        if name not in SOCIAL_PROVIDERS:
            raise cfg.error(f"unknown public login provider {name!r} (accepted: "
                            f"{', '.join(SOCIAL_PROVIDERS)}; OIDC providers go in "
                            "OpenIdConnectProviderARNs, user pools in CognitoIdentityProviders)",
                            pointer, "unknown-provider")
        # Google accepts several client IDs separated by commas.
        ids = tuple(c.strip() for c in client.split(",") if c.strip())
        providers[name] = Provider(name, "social", ids, pointer)
    for i, cip in enumerate(pool.CognitoIdentityProviders):
        pointer = join_pointer(base, "CognitoIdentityProviders", i)
        name = cip.ProviderName
        parts = name.split("/")
        region_ok = len(parts) == 2 and parts[0].startswith("cognito-idp.") and parts[0].endswith(
            ".amazonaws.com") and "_" in parts[1]
        if not region_ok:
            raise cfg.error(f"ProviderName {name!r} is not a user pool name (expected "
                            "cognito-idp.<region>.amazonaws.com/<region>_<id>)",
                            join_pointer(pointer, "ProviderName"))
        known = providers.get(name)
        ids = (known.client_ids if known else ()) + (cip.ClientId,)
        providers[name] = Provider(name, "userpool", ids, known.pointer if known else pointer)
    for i, arn in enumerate(pool.OpenIdConnectProviderARNs):
        pointer = join_pointer(base, "OpenIdConnectProviderARNs", i)
        marker = ":oidc-provider/"
        if not arn.startswith("arn:") or marker not in arn:
            raise cfg.error(f"{arn!r} is not an IAM OIDC provider ARN (expected "
                            "arn:aws:iam::<account>:oidc-provider/<issuer host>)", pointer)
        name = arn.split(marker, 1)[1]
        providers[name] = Provider(name, "oidc", (), pointer)
    for i, arn in enumerate(pool.SamlProviderARNs):
        pointer = join_pointer(base, "SamlProviderARNs", i)
        if not arn.startswith("arn:") or ":saml-provider/" not in arn:
            raise cfg.error(f"{arn!r} is not an IAM SAML provider ARN (expected "
                            "arn:aws:iam::<account>:saml-provider/<name>)", pointer)
        providers[arn] = Provider(arn, "saml", (), pointer)
    if pool.DeveloperProviderName:
        name = pool.DeveloperProviderName
        providers[name] = Provider(name, "developer", (),
                                   join_pointer(base, "DeveloperProviderName"))


def _mapping_keys(cfg: PoolConfig) -> set[str]:
    """Keys ``RoleMappings`` accepts: ``ProviderName:ClientId`` for user pools, the provider
    name otherwise (spec §6.1); developer identities always get the default role (§6.3)."""
    keys: set[str] = set()
    for provider in cfg.providers.values():
        if provider.kind == "userpool":
            keys.update(f"{provider.name}:{cid}" for cid in provider.client_ids)
        elif provider.kind != "developer":
            keys.add(provider.name)
    return keys


def _collect_roles(cfg: PoolConfig) -> None:
    m = cfg.model
    managed: dict[str, tuple[ManagedPolicy, int]] = {}
    for i, mp in enumerate(m.ManagedPolicies):
        pointer = f"/ManagedPolicies/{i}"
        if mp.Arn in managed:
            raise cfg.error(f"managed policy {mp.Arn!r} is listed twice", pointer + "/Arn")
        defaults = [v for v in mp.PolicyVersionList if v.IsDefaultVersion]
        if len(mp.PolicyVersionList) > 1 and len(defaults) != 1:
            raise cfg.error(f"managed policy {mp.Arn!r} needs exactly one version with "
                            f"IsDefaultVersion true, found {len(defaults)}",
                            pointer + "/PolicyVersionList")
        managed[mp.Arn] = (mp, i)
    parsed_managed: dict[str, Policy] = {}

    def managed_policy(arn: str, kind: PolicyKind, pointer: str) -> Policy:
        if arn not in managed:
            raise cfg.error(f"managed policy {arn!r} is not in ManagedPolicies (add its "
                            "Policies entry from get-account-authorization-details; "
                            f"ManagedPolicies has: {_short_list(sorted(managed))})", pointer,
                            "unknown-policy")
        key = f"{kind}:{arn}"
        if key not in parsed_managed:
            mp, index = managed[arn]
            versions = mp.PolicyVersionList
            v = next((j for j, ver in enumerate(versions) if ver.IsDefaultVersion), 0)
            doc_pointer = f"/ManagedPolicies/{index}/PolicyVersionList/{v}/Document"
            parsed_managed[key] = resolve_document(
                cfg, versions[v].Document, doc_pointer, kind,
                f"{mp.PolicyName or arn.rsplit('/', 1)[-1]} ({arn})")
        return parsed_managed[key]

    for i, role in enumerate(m.IamRoles):
        pointer = f"/IamRoles/{i}"
        if role.Arn in cfg.roles:
            raise cfg.error(f"role {role.Arn!r} is listed twice in IamRoles", pointer + "/Arn")
        if role.RoleName is not None and role.RoleName != role.name:
            raise cfg.error(f"RoleName {role.RoleName!r} does not match the ARN's name "
                            f"{role.name!r}", pointer + "/RoleName")
        trust = resolve_document(cfg, role.AssumeRolePolicyDocument,
                                 pointer + "/AssumeRolePolicyDocument", "trust",
                                 f"trust policy of {role.name}")
        identity = [resolve_document(cfg, rp.PolicyDocument,
                                     f"{pointer}/RolePolicyList/{j}/PolicyDocument", "identity",
                                     f"{role.name} inline policy {rp.PolicyName}")
                    for j, rp in enumerate(role.RolePolicyList)]
        identity += [managed_policy(ap.PolicyArn, "identity",
                                    f"{pointer}/AttachedManagedPolicies/{j}/PolicyArn")
                     for j, ap in enumerate(role.AttachedManagedPolicies)]
        boundary = None
        if role.PermissionsBoundary is not None:
            boundary = managed_policy(role.PermissionsBoundary.PermissionsBoundaryArn, "boundary",
                                      pointer + "/PermissionsBoundary/PermissionsBoundaryArn")
        cfg.roles[role.Arn] = ResolvedRole(role, pointer, trust, tuple(identity), boundary)


def resolve_document(cfg: PoolConfig, doc: Any, pointer: str, kind: PolicyKind,
                     name: str) -> Policy:
    """Parse a policy given inline, as a file path, or as URL-encoded JSON text."""
    full = cfg.base + pointer
    if isinstance(doc, dict):
        try:
            return parse_policy(doc, kind=kind, source=cfg.source, pointer=full, name=name)
        except PolicyEvalError as exc:
            raise type(exc)(f"{name}: {exc.message}", exc.location, exc.code) from None
    text = doc.strip()
    if text.startswith(("{", "%7B", "%7b")):
        decoded = unquote(text) if text.startswith("%") else text
        try:
            src = parse_json(decoded, f"{cfg.path or '<pool>'}#{full}")
        except InputError as exc:
            raise InputError(f"{name}: the policy text is not valid JSON ({exc.message})",
                             cfg.locate(full), exc.code) from None
        return parse_policy(src.data, kind=kind, source=src, name=name)
    path = Path(text)
    if not path.is_absolute():
        path = Path(os.path.normpath(cfg.base_dir / path))
    try:
        src = load_file(path)
    except InputError as exc:
        if exc.code == ErrorCode.file_not_found:
            raise InputError(f"{name}: policy file {doc!r} not found (looked for {path}); a "
                             "document is an object, a path relative to the pool file, or "
                             "URL-encoded JSON", cfg.locate(full),
                             ErrorCode.file_not_found) from None
        raise
    return parse_policy(src.data, kind=kind, source=src, name=f"{name} ({doc})")


def load_pool_document(path: str | Path, params: Mapping[str, str] | None = None) -> \
        tuple[SourceDocument, Any]:
    """The decoded pool of ``path``: a pool file, or a template holding an identity pool
    (CloudFormation/SAM, a CDK ``cdk.out`` folder or manifest, or another format of the
    :mod:`policy_eval.document.iac` registry), whose pool arrives in the same shapes,
    located in the template (``params``: its ``--param`` values)."""
    file = Path(path)
    try:
        is_dir = file.is_dir()
    except (OSError, ValueError):   # a name no file system takes: load_file says so, located
        is_dir = False
    raw = is_dir or file.name.lower().endswith(raw_suffixes())
    source = None if raw else load_file(file)
    if source is None or may_be_template(source.data):
        from ..document.iac import pool_source
        found = pool_source(file, params, source)
        if found is not None:
            return found
    if source is None:
        raise InputError("is a directory, expected a pool file, a template or a CDK cdk.out "
                         "folder", Location(str(path)), ErrorCode.unreadable)
    return source, source.data


def pool_config_from_data(data: Any, base_dir: str | Path | None = None) -> PoolConfig:
    """Check a pool given as decoded data (a dict)."""
    # Round-trip through JSON text so policy documents are plain data like a file's.
    try:
        text = json.dumps(data, indent=2, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InputError(f"the pool is not plain JSON data ({exc}): give dicts, lists, "
                         "strings, finite numbers, booleans and None, with no object inside "
                         "itself", Location(None, None, None, ""), "invalid-pool-file") from None
    source = parse_json(text, None)
    source._locator = Locator(None)  # positions in generated text would mislead
    return load_pool_config(source.data, source=source,
                            base_dir=Path(base_dir) if base_dir else Path.cwd())
