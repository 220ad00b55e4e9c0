"""STS's limits in the login simulation: session tags (count, lengths, characters, packed
size), the cross-account basic flow's aud+amr requirement, and guests that each get an
identity of their own."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import pytest
from _cognito_support import GOOGLE, PHOTO_APP, POOL_ID, POOLS, SCENARIOS, USER_POOL, run_cli, user

from policy_eval.cognito import IdentityPool, LoginRefused
from policy_eval.cognito.sts_limits import (
    MAX_SESSION_TAGS,
    PACKED_SIZE_BYTES,
    packed_size,
    packed_size_refusal,
    session_tag_refusal,
)

PARTNER = "444455556666"


def photo_app() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PHOTO_APP.read_text())
    return data


# ------------------------------------------------------------------ session tags

@pytest.mark.parametrize(("tags", "fragment"), [
    ({f"t{i}": "v" for i in range(MAX_SESSION_TAGS + 1)}, "less than or equal to 50"),
    ({"k" * 129: "v"}, "between 1 and 128"),
    ({"": "v"}, "between 1 and 128"),
    ({"team!": "v"}, "tags.1.member.key"),
    ({"ok": "v" * 257}, "less than or equal to 256"),
    ({"ok": "O'Brien"}, "tags.1.member.value"),
    ({"a": "1", "b": "tab\tin value"}, "tags.2.member.value"),
])
def test_session_tags_over_a_limit_are_a_validation_error(tags: dict[str, str],
                                                          fragment: str) -> None:
    refusal = session_tag_refusal(tags)
    assert refusal is not None
    code, reason = refusal
    assert code == "ValidationError" and fragment in reason


@pytest.mark.parametrize("tags", [
    {},
    {f"t{i}": "v" for i in range(MAX_SESSION_TAGS)},
    {"k" * 128: "v" * 256},
    {"dept": ""},
    {"email": "carol@example.com", "path": "a/b:c=d+e_f.g-h", "name": "Zoë Ødegård 東京 ٣"},
])
def test_session_tags_within_the_limits_pass(tags: dict[str, str]) -> None:
    assert session_tag_refusal(tags) is None


def test_packed_size_grows_with_incompressible_tags() -> None:
    rng = random.Random(7)
    small = {"username": "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70", "client": GOOGLE}
    assert packed_size(small) < PACKED_SIZE_BYTES // 4
    assert packed_size_refusal(small) is None
    big = {f"tag{i}": "".join(rng.choices(string.ascii_letters, k=256)) for i in range(20)}
    refusal = packed_size_refusal(big)
    assert refusal is not None and refusal[0] == "PackedPolicyTooLarge"
    assert "Packed size of session tags consumes" in refusal[1]


def test_a_claim_with_a_character_sts_refuses_gets_no_credentials() -> None:
    pool = IdentityPool.load(PHOTO_APP)
    with pytest.raises(LoginRefused) as refused:
        pool.login(USER_POOL, user(custom_tier="gold; DROP TABLE"))
    assert refused.value.code == "ValidationError"
    assert refused.value.refusal.api == "AssumeRoleWithWebIdentity"
    assert "tags.2.member.value" in refused.value.reason
    assert pool.login(USER_POOL, user(custom_tier="gold")).tags["tier"] == "gold"


def test_many_long_tags_exceed_the_packed_size() -> None:
    rng = random.Random(11)
    data = photo_app()
    claims = {f"custom:a{i}": "".join(rng.choices(string.ascii_letters + string.digits, k=250))
              for i in range(12)}
    data["PrincipalTagAttributeMaps"][USER_POOL]["PrincipalTags"] = {
        f"a{i}": f"custom:a{i}" for i in range(12)}
    pool = IdentityPool.from_dict(data, base_dir=POOLS)
    with pytest.raises(LoginRefused) as refused:
        pool.login(USER_POOL, {**user(), **claims})
    assert refused.value.code == "PackedPolicyTooLarge"


def test_tag_scenarios_run_from_the_cli() -> None:
    files = sorted(str(p) for p in SCENARIOS.glob("session-tag-value-*.json"))
    assert len(files) == 2
    code, out, _ = run_cli("test", "--no-color", *files)
    assert code == 0, out
    code, out, _ = run_cli("eval", files[0])
    assert "ValidationError" in out and "tags.2.member.value" in out


# ------------------------------------------------------------------ cross-account basic flow

def partner_role(name: str, conditions: dict[str, Any]) -> dict[str, Any]:
    return {"Arn": f"arn:aws:iam::{PARTNER}:role/{name}", "AssumeRolePolicyDocument": {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            "Condition": conditions}]}}


def partner_pool() -> IdentityPool:
    data = photo_app()
    aud = {"StringEquals": {"cognito-identity.amazonaws.com:aud": POOL_ID}}
    amr = {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}
    data["IamRoles"] += [partner_role("PartnerAudOnly", aud),
                         partner_role("PartnerAudAndAmr", {**aud, **amr})]
    return IdentityPool.from_dict(data, base_dir=POOLS)


def google_user() -> dict[str, Any]:
    return {"sub": "108936461473129985674", "aud": GOOGLE}


def test_cross_account_basic_flow_needs_aud_and_amr_in_the_trust_policy() -> None:
    pool = partner_pool()
    with pytest.raises(LoginRefused) as refused:
        pool.login("accounts.google.com", google_user(), flow="basic",
                   role_arn=f"arn:aws:iam::{PARTNER}:role/PartnerAudOnly")
    assert refused.value.code == "AccessDenied"
    assert "another account" in refused.value.reason
    ok = pool.login("accounts.google.com", google_user(), flow="basic",
                    role_arn=f"arn:aws:iam::{PARTNER}:role/PartnerAudAndAmr")
    assert ok.role_arn.endswith("PartnerAudAndAmr")


def test_same_account_basic_flow_keeps_the_trust_policy_verdict() -> None:
    pool = partner_pool()
    same = pool.login("accounts.google.com", google_user(), flow="basic",
                      role_arn="arn:aws:iam::111122223333:role/PhotoAppAuth")
    assert same.flow == "basic"


# ------------------------------------------------------------------ guests

def test_each_guest_gets_its_own_identity_reproducibly() -> None:
    first_run = IdentityPool.load(PHOTO_APP)
    a, b = first_run.login(), first_run.login()
    assert a.identity_id != b.identity_id
    assert first_run.guests_created == 2
    replay = IdentityPool.load(PHOTO_APP)
    assert [replay.login().identity_id, replay.login().identity_id] == [a.identity_id,
                                                                        b.identity_id]
    replay.guests_created = 1
    assert replay.login().identity_id == b.identity_id
    other = IdentityPool.load(PHOTO_APP, guest_seed="run-2")
    assert other.login().identity_id not in (a.identity_id, b.identity_id)
    fixed = first_run.login(identity_id=a.identity_id)
    assert fixed.identity_id == a.identity_id and first_run.guests_created == 2


def test_guests_can_be_told_apart_by_their_own_prefix() -> None:
    pool = IdentityPool.load(PHOTO_APP)
    a, b = pool.login(), pool.login()
    own = f"arn:aws:s3:::example-photo-app-media/private/{a.identity_id}/x.jpg"
    assert a.context["cognito-identity.amazonaws.com:sub"] != \
        b.context["cognito-identity.amazonaws.com:sub"]
    assert a.can("s3:GetObject", own).decision == b.can("s3:GetObject", own).decision or \
        not b.can("s3:GetObject", own).allowed


def test_guest_seed_must_be_text_or_a_number() -> None:
    from policy_eval.errors import InputError
    with pytest.raises(InputError):
        IdentityPool.load(PHOTO_APP, guest_seed=[1])
