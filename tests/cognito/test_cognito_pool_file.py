"""Pool files: the AWS shapes load (JSON, YAML, inline data, URL-encoded documents), and
every kind of bad input is an error naming file, JSON pointer, what is wrong and what
would be accepted (CLI exit 2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from _cognito_support import PHOTO_APP, POOLS, USER_POOL, WEB, role, run_cli, user

from policy_eval.cognito import IdentityPool, parse_login
from policy_eval.errors import InputError, PolicyError

RULES_KEY = f"{USER_POOL}:{WEB}"


def photo_app_data() -> dict[str, Any]:
    """The photo-app pool as data, with policy paths made absolute."""
    data = json.loads(PHOTO_APP.read_text())

    def absolute(value: Any) -> Any:
        return str((POOLS / value).resolve()) if isinstance(value, str) else value
    for r in data["IamRoles"]:
        r["AssumeRolePolicyDocument"] = absolute(r["AssumeRolePolicyDocument"])
        for p in r["RolePolicyList"]:
            p["PolicyDocument"] = absolute(p["PolicyDocument"])
    for mp in data["ManagedPolicies"]:
        for v in mp["PolicyVersionList"]:
            v["Document"] = absolute(v["Document"])
    return data


@pytest.mark.parametrize("path", sorted(POOLS.iterdir()), ids=lambda p: p.name)
def test_fixture_pools_load(path: Path) -> None:
    pool = IdentityPool.load(path)
    assert pool.roles and pool.id.startswith(pool.region + ":")
    for resolved in pool.roles.values():
        assert resolved.trust.kind == "trust"
        assert resolved.identity, f"{resolved.name} has no permissions"


def test_yaml_pool_and_providers() -> None:
    pool = IdentityPool.load(POOLS / "photo-app-staging.yaml")
    assert pool.name == "PhotoAppStaging"
    assert [p.kind for p in pool.providers.values()] == ["userpool"]


def test_pool_from_dict_matches_file() -> None:
    from_file = IdentityPool.load(PHOTO_APP)
    from_dict = IdentityPool.from_dict(photo_app_data())
    login = {"provider": USER_POOL, "claims": user(custom_tier="premium")}
    a, b = from_file.simulate(login), from_dict.simulate(login)
    assert a.to_dict() | {"context": None} == b.to_dict() | {"context": None}  # type: ignore[union-attr]


def test_url_encoded_and_inline_documents() -> None:
    data = photo_app_data()
    guest = next(r for r in data["IamRoles"] if r["RoleName"] == "PhotoAppGuest")
    trust = json.loads(Path(guest["AssumeRolePolicyDocument"]).read_text())
    guest["AssumeRolePolicyDocument"] = quote(json.dumps(trust))      # raw IAM API form
    guest["RolePolicyList"][0]["PolicyDocument"] = json.loads(
        Path(guest["RolePolicyList"][0]["PolicyDocument"]).read_text())  # AWS CLI form
    pool = IdentityPool.from_dict(data)
    ident = pool.login()
    assert ident.role_arn == role("PhotoAppGuest")
    assert ident.can("s3:GetObject", "arn:aws:s3:::example-photo-app-media/public/a.jpg").allowed


def _mutations() -> list[tuple[str, Any, str, list[str]]]:
    """(id, mutate(data), expected pointer, fragments of the message)."""
    def unknown_provider(d: dict[str, Any]) -> None:
        d["RoleMappings"]["graph.facebook.com"] = d["RoleMappings"].pop("accounts.google.com")

    def rule_without_role(d: dict[str, Any]) -> None:
        del d["RoleMappings"][RULES_KEY]["RulesConfiguration"]["Rules"][1]["RoleARN"]

    def rule_role_not_in_iam(d: dict[str, Any]) -> None:
        d["RoleMappings"][RULES_KEY]["RulesConfiguration"]["Rules"][0]["RoleARN"] = role("Gone")

    def default_role_not_in_iam(d: dict[str, Any]) -> None:
        d["Roles"]["unauthenticated"] = role("Missing")

    def bad_match_type(d: dict[str, Any]) -> None:
        d["RoleMappings"][RULES_KEY]["RulesConfiguration"]["Rules"][0]["MatchType"] = "Regex"

    def typo_key(d: dict[str, Any]) -> None:
        d["IamRoles"][0]["AttachedManagedPolicy"] = []

    def string_bool(d: dict[str, Any]) -> None:
        d["IdentityPool"]["AllowClassicFlow"] = "false"

    def no_ambiguous(d: dict[str, Any]) -> None:
        del d["RoleMappings"][RULES_KEY]["AmbiguousRoleResolution"]

    def unknown_managed(d: dict[str, Any]) -> None:
        d["ManagedPolicies"].pop(0)

    def bad_tag_provider(d: dict[str, Any]) -> None:
        d["PrincipalTagAttributeMaps"]["www.amazon.com"] = {"UseDefaults": True}

    def bad_pool_id(d: dict[str, Any]) -> None:
        d["IdentityPool"]["IdentityPoolId"] = "us-east-1:pool-1"

    def missing_policy_file(d: dict[str, Any]) -> None:
        d["IamRoles"][1]["RolePolicyList"][0]["PolicyDocument"] = "nope/missing.json"

    def bad_policy(d: dict[str, Any]) -> None:
        d["IamRoles"][1]["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [
            {"Effect": "allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
             "Action": "sts:AssumeRoleWithWebIdentity"}]}

    rules = f"/RoleMappings/{RULES_KEY.replace('/', '~1')}/RulesConfiguration/Rules"
    return [
        ("unknown-provider", unknown_provider, "/RoleMappings/graph.facebook.com",
         ["names no provider", "accepted", RULES_KEY]),
        ("rule-without-rolearn", rule_without_role, f"{rules}/1",
         ["missing required key 'RoleARN'", "Claim, MatchType, Value, RoleARN"]),
        ("rule-role-not-in-iamroles", rule_role_not_in_iam, f"{rules}/0/RoleARN",
         ["not in IamRoles", role("PhotoAppAuth")]),
        ("default-role-not-in-iamroles", default_role_not_in_iam, "/Roles/unauthenticated",
         ["not in IamRoles"]),
        ("bad-match-type", bad_match_type, f"{rules}/0/MatchType",
         ["'Regex'", "'Equals', 'Contains', 'StartsWith' or 'NotEqual'"]),
        ("unknown-key", typo_key, "/IamRoles/0/AttachedManagedPolicy",
         ["unknown key 'AttachedManagedPolicy'", "AttachedManagedPolicies"]),
        ("string-for-boolean", string_bool, "/IdentityPool/AllowClassicFlow",
         ["boolean", "'false'"]),
        ("missing-ambiguous-resolution", no_ambiguous,
         f"/RoleMappings/{RULES_KEY.replace('/', '~1')}",
         ["AmbiguousRoleResolution", "'AuthenticatedRole', 'Deny'"]),
        ("managed-policy-not-listed", unknown_managed,
         "/IamRoles/2/AttachedManagedPolicies/0/PolicyArn",
         ["not in ManagedPolicies"]),
        ("tag-map-unknown-provider", bad_tag_provider, "/PrincipalTagAttributeMaps/www.amazon.com",
         ["names no provider", "accounts.google.com"]),
        ("pool-id-shape", bad_pool_id, "/IdentityPool/IdentityPoolId", ["REGION:GUID"]),
        ("policy-file-missing", missing_policy_file, "/IamRoles/1/RolePolicyList/0/PolicyDocument",
         ["not found", "relative to the pool file"]),
        ("policy-grammar", bad_policy, "/IamRoles/1/AssumeRolePolicyDocument/Statement/0/Effect",
         ["Effect must be exactly"]),
    ]


@pytest.mark.parametrize(("mutate", "pointer", "fragments"),
                         [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()])
def test_bad_pool_is_located_error(tmp_path: Path, mutate: Any, pointer: str,
                                   fragments: list[str]) -> None:
    data = copy.deepcopy(photo_app_data())
    mutate(data)
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(data, indent=2))
    with pytest.raises((InputError, PolicyError)) as info:
        IdentityPool.load(path)
    err = info.value
    assert err.location.pointer == pointer
    assert err.location.path == str(path)
    assert err.location.line is not None
    for fragment in fragments:
        assert fragment in err.message
    login = tmp_path / "login.json"
    login.write_text("{}")
    code, _, stderr = run_cli("simulate", str(path), "--login", str(login))
    assert code == 2
    assert f"{path}:{err.location.line}" in stderr and pointer in stderr


@pytest.mark.parametrize(("login", "pointer", "fragment"), [
    ({"provider": "graph.facebook.com", "claims": {"sub": "1"}}, "/provider",
     "accepted: 'accounts.google.com'"),
    ({"provider": USER_POOL, "claims": {"sub": "1", "address": {"street": "x"}}},
     "/claims/address", "an object"),
    ({"provider": USER_POOL, "claims": {"sub": "1", "nick": None}}, "/claims/nick", "null"),
    ({"provider": USER_POOL, "claims": {"aud": WEB}}, "/claims", "claims need 'sub'"),
    ({"provider": None, "claims": {"sub": "1"}}, "/claims", "a guest presents no token"),
    ({"provider": None, "flow": "classic"}, "/flow", "'enhanced' or 'basic'"),
    ({"provider": None, "flow": "basic"}, "/role_arn", "give role_arn"),
    ({"provider": None, "flow": "basic", "role_arn": role("Nope")}, "/role_arn",
     "not in the pool file's IamRoles"),
    ({"provider": None, "identity_id": "not-an-id"}, "/identity_id", "REGION:GUID"),
    ({"provider": None, "secret": 1}, "/secret", "unknown key 'secret'"),
    ({"provider": USER_POOL, "claims": user(client="3n5p7r9t1v3x5z7b9d1f3h5j7l",
                                            cognito_preferred_role=role("Ghost"))},
     "/claims", "not in the pool file's IamRoles"),
])
def test_bad_login_is_located_error(tmp_path: Path, login: dict[str, Any], pointer: str,
                                    fragment: str) -> None:
    path = tmp_path / "login.json"
    path.write_text(json.dumps(login, indent=2))
    pool = IdentityPool.load(PHOTO_APP)
    with pytest.raises(InputError) as info:
        from policy_eval.document.source import load_file
        source = load_file(path)
        pool.simulate(parse_login(source.data, locate=source.location), locate=source.location)
    assert info.value.location.pointer == pointer
    assert fragment in info.value.message
    code, _, stderr = run_cli("simulate", str(PHOTO_APP), "--login", str(path))
    assert code == 2 and pointer in stderr and str(path) in stderr


def test_login_without_aud_uses_the_only_client_and_says_so() -> None:
    pool = IdentityPool.load(POOLS / "corp-docs.json")
    ident = pool.login(provider="cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
                       claims={"sub": "a1", "custom:dept": "legal"})
    assert ident.role_arn == role("LegalRole")
    assert any("took the pool's client ID" in n for n in ident.notes)


def test_login_without_aud_with_several_clients_is_an_error() -> None:
    pool = IdentityPool.load(PHOTO_APP)
    with pytest.raises(InputError, match="claims need 'aud'"):
        pool.login(provider=USER_POOL, claims={"sub": "a1"})


def test_use_defaults_conflicting_with_tags(tmp_path: Path) -> None:
    data = photo_app_data()
    data["PrincipalTagAttributeMaps"]["accounts.google.com"]["PrincipalTags"] = {"x": "email"}
    with pytest.raises(InputError, match="UseDefaults is true but PrincipalTags differs"):
        IdentityPool.from_dict(data)


def test_options_are_checked() -> None:
    with pytest.raises(InputError, match="accepted: default, 2023"):
        IdentityPool.load(PHOTO_APP, scope_down="2022")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_pool_given_as_data_with_non_finite_numbers_is_an_input_error(bad: float) -> None:
    data = json.loads(PHOTO_APP.read_text())
    data["IdentityPool"]["Extra"] = bad
    with pytest.raises(InputError, match="not plain JSON data"):
        IdentityPool.from_dict(data)

