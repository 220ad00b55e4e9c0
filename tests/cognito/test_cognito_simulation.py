"""Login simulation: identity IDs, role selection (spec 6.4), trust (6.5), scope-down (6.6),
principal tags (6.7), the request context (3.4) and refusals with AWS error codes."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

import pytest
from _cognito_support import (
    ADMIN,
    AMR_KEY,
    AUD_KEY,
    GOOGLE,
    PHOTO_APP,
    POOL_ID,
    POOLS,
    SHARED,
    SUB_KEY,
    USER_POOL,
    obj,
    role,
    user,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import policy_eval as pe
from policy_eval.catalog import get_catalog
from policy_eval.cognito import IdentityPool, LoginRefused, Refusal, identity_id_for
from policy_eval.cognito.model import MappingRule
from policy_eval.cognito.roles import rule_matches
from policy_eval.cognito.scope_down import DATA_DIR, SELECTIONS, scope_down_policies

ID_SHAPE = re.compile(r"^[\w-]+:[0-9a-f-]+$")


@pytest.fixture(scope="module")
def pool() -> IdentityPool:
    return IdentityPool.load(PHOTO_APP)


def test_lazy_reexports() -> None:
    assert pe.IdentityPool is IdentityPool
    assert pe.SimulatedIdentity.__name__ == "SimulatedIdentity"


# ------------------------------------------------------------------ identity ids

@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_identity_id_shape_and_stability(sub_a: str, sub_b: str) -> None:
    a = identity_id_for(POOL_ID, USER_POOL, sub_a)
    assert ID_SHAPE.match(a) and a.startswith("us-east-1:")
    assert a == identity_id_for(POOL_ID, USER_POOL, sub_a)
    assert (a == identity_id_for(POOL_ID, USER_POOL, sub_b)) == (sub_a == sub_b)
    assert a != identity_id_for(POOL_ID, "accounts.google.com", sub_a)


def test_same_user_same_identity_across_logins(pool: IdentityPool) -> None:
    first = pool.login(provider=USER_POOL, claims=user(custom_tier="free"))
    again = pool.login(provider=USER_POOL, claims=user(custom_tier="premium"))
    assert first.identity_id == again.identity_id
    assert first.role_arn != again.role_arn


def test_fixed_identity_id_and_wrong_region(pool: IdentityPool) -> None:
    fixed = "us-east-1:0d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert pool.login(identity_id=fixed).identity_id == fixed
    with pytest.raises(LoginRefused) as info:
        pool.login(identity_id="eu-west-1:0d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    assert info.value.code == "ResourceNotFoundException"


# ------------------------------------------------------------------ role selection

@pytest.mark.parametrize(("claims", "expected"), [
    (user(custom_tier="premium"), "PhotoAppPremium"),                 # rule 1 Equals
    (user(custom_tier="premium-annual"), "PhotoAppPremium"),          # rule 2 StartsWith
    (user(cognito_groups=["a", "moderators"]), "PhotoAppModerator"),  # rule 3 Contains (array)
    (user(custom_tier="business"), "PhotoAppPremium"),                # rule 4 NotEqual
    (user(custom_tier="free"), "PhotoAppAuth"),                       # no match -> default
    (user(), "PhotoAppAuth"),                                         # case 35
    (user(custom_tier="Premium"), "PhotoAppPremium"),                 # NotEqual: case-sensitive
    (user(custom_tier="premium", cognito_groups=["moderators"]), "PhotoAppPremium"),  # first wins
])
def test_rules_mapping(pool: IdentityPool, claims: dict[str, Any], expected: str) -> None:
    assert pool.login(provider=USER_POOL, claims=claims).role_arn == role(expected)


@pytest.mark.parametrize(("match_type", "value", "claim", "expected"), [
    ("Equals", "a", "a", True), ("Equals", "a", "A", False), ("Equals", "1", 1, True),
    ("Equals", "true", True, True), ("Contains", "mod", "moderators", True),
    ("Contains", "x", ["ab", "cx"], True), ("StartsWith", "pre", "premium", True),
    ("StartsWith", "pre", ["ab", "re"], False), ("NotEqual", "free", "paid", True),
    ("NotEqual", "free", "free", False), ("NotEqual", "free", ["paid", "free"], False),
    ("NotEqual", "free", None, False), ("Equals", "a", None, False),
])
def test_rule_matching(match_type: str, value: str, claim: Any, expected: bool) -> None:
    rule = MappingRule(Claim="c", MatchType=match_type, Value=value,  # type: ignore[arg-type]
                       RoleARN=role("R"))
    claims = {} if claim is None else {"c": claim}
    ok, why = rule_matches(rule, claims)
    assert ok is expected
    if claim is None and match_type == "NotEqual":
        assert "skipped" in why


ADMIN_ROLES = [role("PhotoAppAdmin"), role("PhotoAppModerator")]


@pytest.mark.parametrize(("claims", "role_arn", "expected"), [
    (user(client=ADMIN, cognito_roles=ADMIN_ROLES, cognito_preferred_role=role("PhotoAppAdmin")),
     None, "PhotoAppAdmin"),
    (user(client=ADMIN, cognito_roles=ADMIN_ROLES, cognito_preferred_role=role("PhotoAppAdmin")),
     role("PhotoAppModerator"), "PhotoAppModerator"),
    (user(client=ADMIN, cognito_roles=",".join(ADMIN_ROLES)), role("PhotoAppAdmin"),
     "PhotoAppAdmin"),                                        # comma-separated cognito:roles
    (user(client=ADMIN), None, "PhotoAppAuth"),               # no role claims [I]
    (user(client=ADMIN, cognito_roles=ADMIN_ROLES), None, "NotAuthorizedException"),
    (user(client=ADMIN, cognito_roles=[role("PhotoAppModerator")]), role("PhotoAppAdmin"),
     "NotAuthorizedException"),
])
def test_token_mapping(pool: IdentityPool, claims: dict[str, Any], role_arn: str | None,
                       expected: str) -> None:
    outcome = pool.simulate(provider=USER_POOL, claims=claims, role_arn=role_arn)
    if isinstance(outcome, Refusal):
        assert outcome.code == expected
        assert outcome.api == "GetCredentialsForIdentity"
    else:
        assert outcome.role_arn == role(expected)


def test_token_without_roles_switch() -> None:
    strict = IdentityPool.load(PHOTO_APP, token_without_roles="ambiguous")
    with pytest.raises(LoginRefused) as info:
        strict.login(provider=USER_POOL, claims=user(client=ADMIN))
    assert "ambiguous" in info.value.reason


def test_custom_role_arn_with_rules_mapping(pool: IdentityPool) -> None:
    both = user(custom_tier="premium", cognito_groups=["moderators"])
    ident = pool.login(provider=USER_POOL, claims=both, role_arn=role("PhotoAppModerator"))
    assert ident.role_arn == role("PhotoAppModerator")        # a matching rule's role [I]
    with pytest.raises(LoginRefused) as info:
        pool.login(provider=USER_POOL, claims=user(custom_tier="premium"),
                   role_arn=role("PhotoAppModerator"))
    assert info.value.code == "NotAuthorizedException"
    with pytest.raises(LoginRefused) as info:
        pool.login(role_arn=role("PhotoAppAuth"))             # guests cannot choose
    assert info.value.code == "InvalidParameterException"


def test_developer_identity_gets_default_role(pool: IdentityPool) -> None:
    for provider in ("login.photoapp.example", "cognito-identity.amazonaws.com"):
        ident = pool.login(provider=provider, claims={"sub": "u-1", "custom:tier": "premium"})
        assert ident.role_arn == role("PhotoAppAuth")
        assert ident.tags == {}
        assert ident.context[AMR_KEY] == [
            "authenticated", "login.photoapp.example", f"login.photoapp.example:{POOL_ID}:u-1"]


# ------------------------------------------------------------------ context (spec 3.4)

def test_authenticated_context(pool: IdentityPool) -> None:
    when = datetime(2026, 11, 26, 8, 30, tzinfo=timezone.utc)
    ident = pool.login(provider=USER_POOL, claims=user(custom_tier="premium"), issue_time=when)
    ctx = ident.context
    assert ctx[AUD_KEY] == POOL_ID
    assert ctx[SUB_KEY] == ident.identity_id
    assert ctx[AMR_KEY] == ["authenticated", USER_POOL,
                            f"{USER_POOL}:CognitoSignIn:3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70"]
    assert ctx["aws:userid"] == "AROA2EXAMPLEPHOTOPRM1:CognitoIdentityCredentials"
    assert ctx["aws:PrincipalArn"] == role("PhotoAppPremium")
    assert ctx["aws:PrincipalType"] == "AssumedRole"
    assert ctx["aws:FederatedProvider"] == "cognito-identity.amazonaws.com"
    assert ctx["aws:TokenIssueTime"] == "2026-11-26T08:30:00Z"
    assert ctx["aws:PrincipalTag/tier"] == "premium"
    assert "aws:username" not in ctx
    assert ident.principal == ("arn:aws:sts::111122223333:assumed-role/PhotoAppPremium/"
                               "CognitoIdentityCredentials")


def test_guest_context_and_switch(pool: IdentityPool) -> None:
    guest = pool.login()
    assert guest.context[AMR_KEY] == ["unauthenticated"]
    assert guest.context[SUB_KEY] == guest.identity_id
    assert not any(k.startswith("aws:PrincipalTag/") for k in guest.context)
    quiet = IdentityPool.load(PHOTO_APP, guest_identity_keys=False).login()
    assert SUB_KEY not in quiet.context and AUD_KEY not in quiet.context


def test_google_default_tags(pool: IdentityPool) -> None:
    ident = pool.login(provider="accounts.google.com", claims={"sub": "1089", "aud": GOOGLE})
    assert ident.tags == {"username": "1089", "client": GOOGLE}
    assert ident.role_arn == role("PhotoAppAuth")


def test_missing_and_array_claims_set_no_tag(pool: IdentityPool) -> None:
    ident = pool.login(provider=USER_POOL, claims=user())
    assert ident.tags == {"username": "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70"}
    assert any("no claim 'custom:tier'" in n for n in ident.notes)


def test_role_id_placeholder_is_noted(tmp_path: Any) -> None:
    data = json.loads((POOLS / "corp-docs.json").read_text())
    for r in data["IamRoles"]:
        del r["RoleId"]
    pool = IdentityPool.from_dict(data, base_dir=POOLS)
    ident = pool.login()
    assert re.match(r"^AROA[A-Z2-7]{17}:CognitoIdentityCredentials$", ident.context["aws:userid"])
    assert any("placeholder" in n for n in ident.notes)


def test_china_partition_names() -> None:
    data = json.loads((POOLS / "corp-docs.json").read_text())
    data["IdentityPool"]["IdentityPoolId"] = "cn-north-1:0c1f2a3b-4d5e-4f70-8a9b-0c1d2e3f4a5b"
    for r in data["IamRoles"]:
        r["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.cn-north-1.amazonaws.com.cn"},
            "Condition": {"StringEquals": {
                "cognito-identity.amazonaws.com.cn:aud": data["IdentityPool"]["IdentityPoolId"]}}}]}
    guest = IdentityPool.from_dict(data, base_dir=POOLS).login()
    assert guest.context["cognito-identity.amazonaws.com.cn:amr"] == ["unauthenticated"]
    assert guest.context["aws:FederatedProvider"] == "cognito-identity.cn-north-1.amazonaws.com.cn"


# ------------------------------------------------------------------ trust and refusals

def test_trust_refusal_carries_the_explanation(pool: IdentityPool) -> None:
    refusal = pool.simulate(flow="basic", role_arn=role("PhotoAppAuth"))
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.api) == ("AccessDenied", "AssumeRoleWithWebIdentity")
    assert refusal.trust_decision is not None
    assert "amr" in refusal.trust_decision.explain()
    assert refusal.to_dict()["credentials"] is False


def test_enhanced_flow_trust_failure_is_configuration_error() -> None:
    pool = IdentityPool.load(POOLS / "internal-tools.json")
    with pytest.raises(LoginRefused) as info:
        pool.login(provider="cognito-idp.eu-west-1.amazonaws.com/eu-west-1_T00lsPool",
                   claims={"sub": "x"})
    assert info.value.code == "InvalidIdentityPoolConfigurationException"
    assert "sts:TagSession" in info.value.reason
    assert "TagSession -> implicit_deny" in str(info.value)


@pytest.mark.parametrize(("kwargs", "code", "api"), [
    ({"provider": "accounts.google.com", "claims": {"sub": "1", "aud": "other"}},
     "NotAuthorizedException", "GetId"),
    ({"provider": USER_POOL, "claims": {**user(), "iss": "https://evil.example"}},
     "NotAuthorizedException", "GetId"),
    ({"provider": USER_POOL, "claims": {**user(), "token_use": "access"}},
     "NotAuthorizedException", "GetId"),
])
def test_token_refusals(pool: IdentityPool, kwargs: dict[str, Any], code: str, api: str) -> None:
    refusal = pool.simulate(**kwargs)
    assert isinstance(refusal, Refusal) and (refusal.code, refusal.api) == (code, api)


def test_no_role_configured() -> None:
    data = json.loads((POOLS / "corp-docs.json").read_text())
    del data["Roles"]["unauthenticated"]
    refusal = IdentityPool.from_dict(data, base_dir=POOLS).simulate()
    assert isinstance(refusal, Refusal)
    assert refusal.code == "InvalidIdentityPoolConfigurationException"


# ------------------------------------------------------------------ scope-down (spec 6.6)

def test_scope_down_applies_to_guests_in_enhanced_flow_only(pool: IdentityPool) -> None:
    evidently = "arn:aws:evidently:us-east-1:111122223333:project/photo-app"
    guest = pool.login()
    assert [sp.name for sp in guest.session_policies] == [
        "CognitoGuestInlineSessionPolicy-2023", "AmazonCognitoUnauthenticatedIdentities",
        "AmazonCognitoUnAuthedIdentitiesSessionPolicy"]
    assert guest.can("evidently:PutProjectEvents", evidently).reason == "session"
    basic = pool.login(flow="basic", role_arn=role("PhotoAppGuest"))
    assert basic.session_policies == ()
    assert basic.can("evidently:PutProjectEvents", evidently).allowed
    user_ident = pool.login(provider=USER_POOL, claims=user())
    assert user_ident.session_policies == ()


def test_scope_down_versions_differ_where_documented() -> None:
    def allows(version: str, action: str) -> bool:
        ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
            session=[sp.policy for sp in scope_down_policies(version)])
        return ps.evaluate(pe.Request(action, "*")).allowed
    assert allows("2026-05", "geo:ListMaps") and not allows("2024-11", "geo:ListMaps")
    assert allows("2023", "s3:GetObject") and not allows("2026-05", "s3:GetObject")
    assert allows("default", "s3:GetObject") and allows("default", "geo:ListMaps")
    assert not allows("default", "evidently:PutProjectEvents")
    assert allows("2023", "sagemaker:InvokeEndpoint")
    assert not allows("2023", "sagemaker:CreateEndpoint")


def test_scope_down_none_applies_nothing() -> None:
    assert scope_down_policies("none") == ()
    guest = IdentityPool.load(PHOTO_APP, scope_down="none").login()
    assert guest.can("evidently:PutProjectEvents",
                     "arn:aws:evidently:us-east-1:111122223333:project/photo-app").allowed


#: Services the 2023 list names that AWS has since retired (no longer in the reference).
RETIRED = {"sumerian"}


def test_scope_down_data_names_real_actions() -> None:
    catalog = get_catalog()
    for version in {v for versions in SELECTIONS.values() for v in versions}:
        for sp in scope_down_policies(version):
            assert sp.source and sp.date
            for statement in sp.policy.statements:
                for pattern in statement.actions or ():
                    if pattern.split(":")[0] in RETIRED:
                        assert not catalog.service_exists(pattern.split(":")[0])
                        continue
                    assert catalog.expand_action_pattern(pattern), f"{version}: {pattern}"


def test_scope_down_managed_policies_match_shared_data() -> None:
    shared = SHARED / "data" / "cognito-guest-session-policies.json"
    if not shared.exists():
        pytest.skip("../shared/data not present")
    published = json.loads(shared.read_text())["policies"]
    ours = json.loads((DATA_DIR / "2026-05.json").read_text())["policies"][0]
    assert ours["document"] == published[ours["name"]]["document"]
    assert ours["versionId"] == published[ours["name"]]["versionId"]
    rum = json.loads((DATA_DIR / "2023.json").read_text())["policies"][1]
    assert rum["document"] == published["AmazonCognitoUnauthenticatedIdentities"]["document"]


# ------------------------------------------------------------------ can()

def test_can_with_resource_policy(pool: IdentityPool) -> None:
    ident = pool.login(provider=USER_POOL, claims=user())
    own = obj(f"private/{ident.identity_id}/a.jpg")
    bucket_policy = json.loads((POOLS.parent / "policies" /
                                "photo-app-media-bucket-policy.json").read_text())
    assert ident.can("s3:GetObject", own, {"aws:SecureTransport": True},
                     resource_policy=bucket_policy).allowed
    denied = ident.can("s3:GetObject", own, {"aws:SecureTransport": False},
                       resource_policy=bucket_policy)
    assert denied.decision == "explicit_deny"
    assert ident.can("s3:GetObject", own, {"aws:SecureTransport": False}).allowed


_scalars = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(),
                     st.sampled_from(["premium", "free", "moderators", role("PhotoAppAdmin")]))
_claims = st.dictionaries(
    st.sampled_from(["sub", "aud", "custom:tier", "cognito:groups", "cognito:roles",
                     "cognito:preferred_role", "iss", "token_use", "hd", "x"]),
    st.one_of(_scalars, st.lists(_scalars, max_size=3), st.dictionaries(st.text(max_size=3),
                                                                        _scalars, max_size=1)),
    max_size=6)


@settings(max_examples=60, deadline=None)
@given(provider=st.sampled_from([None, USER_POOL, "accounts.google.com",
                                 "login.photoapp.example", "graph.facebook.com"]),
       claims=_claims, flow=st.sampled_from(["enhanced", "basic"]),
       role_arn=st.sampled_from([None, role("PhotoAppAuth"), role("PhotoAppAdmin")]))
def test_any_login_gives_identity_refusal_or_located_error(
        pool: IdentityPool, provider: str | None, claims: dict[str, Any], flow: str,
        role_arn: str | None) -> None:
    """No login crashes: it yields credentials, an AWS refusal, or a located input error."""
    from policy_eval.errors import InputError
    try:
        outcome = pool.simulate(provider=provider, claims=claims, flow=flow, role_arn=role_arn)
    except InputError as exc:
        assert exc.location.pointer.startswith(("/provider", "/claims", "/role_arn"))
        return
    if isinstance(outcome, Refusal):
        assert outcome.code and outcome.reason
    else:
        assert outcome.role_arn in pool.roles
        assert outcome.context["aws:PrincipalArn"] == outcome.role_arn
        if flow == "basic":
            assert outcome.role_arn == role_arn
