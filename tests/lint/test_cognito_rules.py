"""Tests of the Cognito rules (COG001-COG019): the documented examples, one more failing
and one more passing policy per rule, and the evidence the engine proves."""

from __future__ import annotations

from typing import Any

import pytest

from policy_eval.lint.rule import Finding, Severity, Target
from policy_eval.lint.rules import _probe as P
from policy_eval.lint.rules import cognito  # noqa: F401 - registers the rules
from policy_eval.lint.runner import lint_document
from tests.lint.conftest import allow, make_target, policy, rule_class, run_rule
from tests.lint.docexamples import examples

POOL = "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"
SUB = "${cognito-identity.amazonaws.com:sub}"
V = "2012-10-17"
PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab:7abc"


run = run_rule


def trust(
    conditions: dict[str, Any] | None,
    action: Any = "sts:AssumeRoleWithWebIdentity",
    principal: Any = None,
) -> dict[str, Any]:
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal or {"Federated": "cognito-identity.amazonaws.com"},
        "Action": action,
    }
    if conditions is not None:
        st["Condition"] = conditions
    return {"Version": V, "Statement": [st]}


AUD = {"StringEquals": {"cognito-identity.amazonaws.com:aud": POOL}}
AMR_AUTH = {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}
GOOD_TRUST = trust({**AUD, **AMR_AUTH})

COG_CODES = [f"COG{n:03d}" for n in range(1, 20)]


# --------------------------------------------------------------------------- documentation


@pytest.mark.parametrize("code", COG_CODES)
def test_rule_is_registered_with_docs_and_severity(code: str) -> None:
    cls = rule_class(code)
    doc = cls.documentation()
    for part in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert part in doc, f"{code} docstring lacks {part!r}"
    assert isinstance(cls.severity, Severity)
    assert cls.name and cls.summary
    if cls.security_severity is not None:
        assert 0.0 <= cls.security_severity <= 10.0


@pytest.mark.parametrize("code", COG_CODES)
def test_documented_example_triggers_and_use_instead_does_not(code: str) -> None:
    cls = rule_class(code)
    blocks = examples(cls)
    assert blocks["Example"] and blocks["Use instead"]
    for _, text in blocks["Example"]:
        assert run(code, text), f"{code}: the documented Example gives no finding"
    for _, text in blocks["Use instead"]:
        assert run(code, text) == [], f"{code}: the documented 'Use instead' is flagged"


# --------------------------------------------------------------------------- trust policy


def test_cog001_any_pool_accepted_is_proved() -> None:
    [f] = run("COG001", trust(AMR_AUTH))
    assert f.severity is Severity.error and f.security_severity and f.security_severity >= 9.0
    decisions = [p["decision"] for p in f.evidence["probes"]]  # type: ignore[index]
    assert "allow" in decisions
    assert (
        f.evidence["probes"][0]["context"]["cognito-identity.amazonaws.com:aud"]
        == P.FOREIGN_POOL_ID
    )  # type: ignore[index]


def test_cog001_deny_only_trust_and_china_variant() -> None:
    deny_only = {
        "Version": V,
        "Statement": [
            {
                "Sid": "",
                "Effect": "Deny",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
    assert run("COG001", deny_only) == []
    china = trust(
        {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com.cn:amr": "authenticated"}},
        principal={"Federated": "cognito-identity.cn-north-1.amazonaws.com.cn"},
    )
    assert [f.code for f in run("COG001", china)] == ["COG001"]
    china_ok = trust(
        {
            "StringEquals": {"cognito-identity.amazonaws.com.cn:aud": "cn-north-1:" + POOL[10:]},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com.cn:amr": "authenticated"},
        },
        principal={"Federated": "cognito-identity.cn-north-1.amazonaws.com.cn"},
    )
    assert run("COG001", china_ok) == []


def test_cog001_negated_aud_is_no_pinning() -> None:
    doc = trust({"StringNotEquals": {"cognito-identity.amazonaws.com:aud": POOL}, **AMR_AUTH})
    assert [f.code for f in run("COG001", doc)] == ["COG001"]


def test_cog002_set_operator_and_malformed_pool_id() -> None:
    doc = trust(
        {"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:aud": POOL}, **AMR_AUTH}
    )
    [f] = run("COG002", doc)
    assert "set operator" in f.message and f.severity is Severity.warning
    placeholder = trust(
        {
            "StringEquals": {
                "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-corner-cafe-123456790ab"
            },
            **AMR_AUTH,
        }
    )
    [info] = run("COG002", placeholder)
    assert info.severity is Severity.info
    assert run("COG002", GOOD_TRUST) == []


def test_cog003_both_classes_accepted() -> None:
    [f] = run("COG003", trust(AUD))
    assert "both guest and signed-in" in f.message
    assert {p["decision"] for p in f.evidence["probes"]} == {"allow"}  # type: ignore[index]
    assert (
        run(
            "COG003",
            trust(
                {
                    **AUD,
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "unauthenticated"
                    },
                }
            ),
        )
        == []
    )


def test_cog004_for_all_values_and_plain() -> None:
    doc = trust(
        {**AUD, "ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}
    )
    [f] = run("COG004", doc)
    assert "ForAllValues" in f.message
    # a real signed-in token (authenticated + provider) is refused: the engine shows it
    assert f.evidence["signed_in_token"]["decision"] == "implicit_deny"  # type: ignore[index]
    assert run("COG004", GOOD_TRUST) == []


def test_cog005_role_named_auth_accepting_guests() -> None:
    guest_trust = trust(
        {**AUD, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}
    )
    findings = run("COG005", guest_trust, path="roles/Cognito_AppAuth_Role.trust.json")
    assert [f.code for f in findings] == ["COG005"]
    assert "authenticated role" in findings[0].message
    # the same trust on the guest role is right
    assert run("COG005", guest_trust, path="roles/Cognito_AppUnauth_Role.trust.json") == []
    star = trust({**AUD, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "*"}})
    assert run("COG005", star)


def test_cog006_sts_star_and_tag_session() -> None:
    assert run("COG006", trust({**AUD, **AMR_AUTH}, action="sts:*"))
    assert (
        run(
            "COG006",
            trust({**AUD, **AMR_AUTH}, action=["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
        )
        == []
    )


# --------------------------------------------------------------------------- guest role

GUEST_ID = "Cognito_ShopUnauth_Role-policy"


def guest(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": V, "Id": GUEST_ID, "Statement": statements}


def test_cog007_guest_known_from_linked_trust_policy() -> None:
    policy = {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::shop-uploads/*"}
        ],
    }
    guest_trust = make_target(
        trust(
            {
                **AUD,
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"},
            }
        ),
        "trust",
    )
    related = {"role": {"trust": guest_trust, "permissions": []}}
    [f] = run("COG007", policy, related=related)
    assert "its trust policy" in f.message and "write access" in f.message
    assert f.severity is Severity.warning
    auth_trust = make_target(GOOD_TRUST, "trust")
    assert run("COG007", policy, related={"role": {"trust": auth_trust, "permissions": []}}) == []


def test_cog007_sensitive_service_is_an_error_and_public_read_is_fine() -> None:
    [f] = run(
        "COG007",
        guest([{"Effect": "Allow", "Action": "cognito-identity:ListIdentities", "Resource": "*"}]),
    )
    assert f.severity is Severity.error
    assert (
        run(
            "COG007",
            guest(
                [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::shop/public/*",
                    }
                ]
            ),
        )
        == []
    )


def test_cog007_condition_that_restricts_guests_out() -> None:
    doc = guest(
        [
            {
                "Effect": "Allow",
                "Action": "dynamodb:PutItem",
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"
                    }
                },
            }
        ]
    )
    assert run("COG007", doc) == []


def test_cog008_classic_flow_raises_security_severity() -> None:
    doc = guest([{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}])
    [plain] = run("COG008", doc)
    pool = {
        "IdentityPool": {
            "IdentityPoolId": POOL,
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": True,
        }
    }
    [classic] = run("COG008", doc, related={"pool": pool})
    assert (classic.security_severity or 0) > (plain.security_severity or 0)
    assert "classic flow" in classic.message
    assert plain.evidence["probes"][0]["enhanced_flow"]["decision"] == "implicit_deny"  # type: ignore[index]
    assert (
        run(
            "COG008",
            guest([{"Effect": "Allow", "Action": "translate:TranslateText", "Resource": "*"}]),
        )
        == []
    )


def test_cog009_scoped_cognito_sync_is_fine() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "cognito-identity:UpdateIdentityPool",
                "Resource": f"arn:aws:cognito-identity:us-east-1:111122223333:identitypool/{POOL}",
            },
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{SUB}/*"},
        ],
    }
    # scoped to the own pool: still pool administration by every user, but not on *any* pool
    assert run("COG009", doc) == []
    sync = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "cognito-sync:*",
                "Resource": "arn:aws:cognito-sync:us-east-1:111122223333:identitypool/"
                "${cognito-identity.amazonaws.com:aud}/identity/"
                f"{SUB}/*",
            }
        ],
    }
    assert run("COG009", sync) == []
    minting = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["cognito-identity:GetOpenIdTokenForDeveloperIdentity"],
                "Resource": "*",
            },
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{SUB}/*"},
        ],
    }
    [f] = run("COG009", minting)
    assert "GetOpenIdTokenForDeveloperIdentity" in f.message


# --------------------------------------------------------------------------- variables


def test_cog010_deny_with_variable_fails_open() -> None:
    doc = {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "s3:DeleteObject",
                "NotResource": f"arn:aws:s3:::b/{SUB}/*",
            }
        ],
    }
    [f] = run("COG010", doc)
    assert "fails open" in f.message and (f.security_severity or 0) >= 7.0
    assert (
        run(
            "COG010",
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::b/public/*",
                    }
                ]
            },
        )
        == []
    )


def test_cog010_evidence_own_resource_refused() -> None:
    [f] = run(
        "COG010",
        {
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{SUB}/*"}
            ]
        },
    )
    assert f.evidence["own_resource"]["decision"] == "implicit_deny"  # type: ignore[index]


def test_cog011_proves_cross_user_access_for_variable_length_names() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::b/home/${aws:username}*"))
    [f] = run("COG011", doc)
    ev = f.evidence
    assert ev is not None and ev["decision"] == "allow"
    assert ev["identity_b"].startswith(ev["identity_a"]) and ev["identity_b"] != ev["identity_a"]
    assert f"/home/{ev['identity_b']}/" in ev["resource"]
    assert f.security_severity == 7.5


def test_cog011_identity_id_and_s3_prefix_condition() -> None:
    doc = policy(
        allow("s3:ListBucket", "arn:aws:s3:::b", {"StringLike": {"s3:prefix": [f"private/{SUB}*"]}})
    )
    [f] = run("COG011", doc)
    assert f.security_severity == 5.3 and f.evidence["decision"] == "allow"  # type: ignore[index]
    ok = policy(
        allow("s3:ListBucket", "arn:aws:s3:::b",
              {"StringLike": {"s3:prefix": [f"private/{SUB}/*", f"private/{SUB}/"]}})
    )
    assert run("COG011", ok) == []


def test_cog012_variants() -> None:
    def one(var: str, **kw: Any) -> list[Finding]:
        return run(
            "COG012",
            {
                "Version": V,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::b/{var}/*",
                    }
                ],
            },
            **kw,
        )

    assert one("${cognito-identity.amazonaws.com:userid}")
    assert "multivalued" in one("${cognito-identity.amazonaws.com:amr}")[0].message
    assert "user-pool" in one("${cognito:username}")[0].message
    assert one("${aws:usename}")
    # aws:username in a role used through an identity pool: absent at runtime
    [w] = one("${aws:username}", related={"pool": {"IdentityPool": {"IdentityPoolId": POOL}}})
    assert w.severity is Severity.warning
    pool = {
        "IdentityPool": {"IdentityPoolId": POOL},
        "PrincipalTagAttributeMaps": {
            "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab": {
                "UseDefaults": False,
                "PrincipalTags": {"team": "custom:team"},
            }
        },
    }
    assert one("${aws:PrincipalTag/dept}", related={"pool": pool})
    assert one("${aws:PrincipalTag/team}", related={"pool": pool}) == []
    assert one(SUB) == [] and one("${aws:PrincipalTag/team}") == []


# --------------------------------------------------------------------------- S3 / DynamoDB


def test_cog013_prefix_listing_the_folder_of_all_identities() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::b",
                "Condition": {"StringLike": {"s3:prefix": ["private/*"]}},
            },
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::b/private/{SUB}/*",
            },
        ],
    }
    [f] = run("COG013", doc)
    assert f.evidence["probe"]["context"]["s3:prefix"] == "private/"  # type: ignore[index]
    assert "every identity's folder" in f.message


def _private_folder_policy() -> Target:
    """Another policy of the role: per-identity folders in bucket ``b``."""
    doc = policy(allow("s3:GetObject", f"arn:aws:s3:::b/private/{SUB}/*"))
    return make_target(doc, "identity", "private.json")


def test_cog013_uses_the_roles_other_policies() -> None:
    listing = {
        "Version": V,
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}],
    }
    private = _private_folder_policy()
    assert run("COG013", listing) == []  # alone: nothing says the bucket is per-identity
    related = {"role": {"trust": None, "permissions": [private]}}
    assert [f.code for f in run("COG013", listing, related=related)] == ["COG013"]


def test_cog014_plain_operator_and_evidence_of_batch() -> None:
    plain = policy(
        allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/T",
              {"StringEquals": {"dynamodb:LeadingKeys": SUB}})
    )
    [f] = run("COG014", plain)
    assert "never matches" in f.message
    [g] = run(
        "COG014", rule_class("COG014").__doc__ and examples(rule_class("COG014"))["Example"][0][1]
    )
    assert g.evidence["decision"] == "allow"  # type: ignore[index]
    assert len(g.evidence["context"]["dynamodb:LeadingKeys"]) == 2  # type: ignore[index]


def test_cog015_null_condition_makes_it_safe_and_dynamodb_star_is_caught() -> None:
    lk = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}}
    table = "arn:aws:dynamodb:us-east-1:111122223333:table/T"
    star = {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": table, "Condition": lk}
        ],
    }
    [f] = run("COG015", star)
    assert "dynamodb:Scan" in f.message
    scan = f.evidence["probes"][0]  # type: ignore[index]
    assert scan["action"] == "dynamodb:Scan" and scan["decision"] == "allow"
    assert "dynamodb:LeadingKeys" not in scan["context"]
    null = policy(
        allow(["dynamodb:GetItem", "dynamodb:Scan"], table,
              {**lk, "Null": {"dynamodb:LeadingKeys": "false"}})
    )
    assert run("COG015", null) == []


def test_cog016_select_under_other_operator_still_counts() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "dynamodb:Query",
                "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/T",
                "Condition": {
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["a"]},
                    "StringEquals": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            }
        ],
    }
    assert run("COG016", doc) == []
    doc["Statement"][0]["Condition"].pop("StringEquals")
    [f] = run("COG016", doc)
    assert f.evidence["decision"] == "allow"  # type: ignore[index]


def test_cog017_other_identity_request_allowed_across_the_roles_policies() -> None:
    private = _private_folder_policy()
    broad = {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
    [f] = run("COG017", broad, related={"role": {"trust": None, "permissions": [private]}})
    probe = f.evidence["probes"][0]  # type: ignore[index]
    assert probe["decision"] == "allow" and P.IDENTITY_B in probe["resource"]
    assert probe["context"]["cognito-identity.amazonaws.com:sub"] == P.IDENTITY_A
    assert f.evidence["isolating"]["path"] == "private.json"  # type: ignore[index]
    # the per-identity policy itself is not blamed
    assert run("COG017", private.data, related={"role": {"trust": None, "permissions": []}}) == []


def test_cog017_leading_keys_made_moot() -> None:
    table = "arn:aws:dynamodb:us-east-1:111122223333:table/T"
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem"],
                "Resource": table,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
            },
            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": table},
        ],
    }
    [f] = run("COG017", doc)
    assert "statement 1" in f.message


# --------------------------------------------------------------------------- cross-document


def test_cog018_permissions_use_cognito_keys_but_trust_is_lambda() -> None:
    lambda_trust = make_target(
        {
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "trust",
    )
    doc = {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{SUB}/*"}
        ],
    }
    [f] = run(
        "COG018", doc, kind="identity", related={"role": {"trust": lambda_trust, "permissions": []}}
    )
    assert f.severity is Severity.error
    cognito_trust = make_target(GOOD_TRUST, "trust")
    assert (
        run(
            "COG018",
            doc,
            kind="identity",
            related={"role": {"trust": cognito_trust, "permissions": []}},
        )
        == []
    )


def test_cog019_template_rules_on_custom_claims_and_tags() -> None:
    template = {
        "Resources": {
            "Pool": {
                "Type": "AWS::Cognito::IdentityPool",
                "Properties": {"AllowUnauthenticatedIdentities": True, "AllowClassicFlow": False},
            },
            "Attach": {
                "Type": "AWS::Cognito::IdentityPoolRoleAttachment",
                "Properties": {
                    "IdentityPoolId": {"Ref": "Pool"},
                    "RoleMappings": {
                        "up": {
                            "Type": "Rules",
                            "AmbiguousRoleResolution": "Deny",
                            "IdentityProvider": PROVIDER,
                            "RulesConfiguration": {
                                "Rules": [
                                    {
                                        "Claim": "custom:tier",
                                        "MatchType": "Equals",
                                        "Value": "admin",
                                        "RoleARN": "arn:aws:iam::111122223333:role/Admin",
                                    },
                                    {
                                        "Claim": "cognito:groups",
                                        "MatchType": "Contains",
                                        "Value": "ops",
                                        "RoleARN": "arn:aws:iam::111122223333:role/Ops",
                                    },
                                ]
                            },
                        }
                    },
                },
            },
            "Tags": {
                "Type": "AWS::Cognito::IdentityPoolPrincipalTag",
                "Properties": {
                    "IdentityPoolId": {"Ref": "Pool"},
                    "IdentityProviderName": "x",
                    "PrincipalTags": {"dept": "custom:dept", "user": "sub"},
                },
            },
        }
    }
    from policy_eval.lint.runner import lint_document
    findings = lint_document(template, select=["COG019"])   # read as a template
    pointers = sorted(f.location.pointer for f in findings)
    assert pointers == [
        "/Resources/Attach/Properties/RoleMappings/up/RulesConfiguration/Rules/0/Claim",
        "/Resources/Tags/Properties/PrincipalTags/dept",
    ]
    fallback = {
        "IdentityPoolId": POOL,
        "RoleMappings": {
            "p": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": []},
            }
        },
    }
    [f] = run("COG019", fallback, kind="pool")
    assert f.location.pointer.endswith("/AmbiguousRoleResolution")


# --------------------------------------------------------------------------- through the runner


def test_rules_run_through_the_linter_on_a_pool_file() -> None:
    """A pool file links roles, trust policies and the pool: the guest role's policy is
    recognised from the pool's Roles, and the findings carry file locations."""
    pool = {
        "IdentityPool": {
            "IdentityPoolId": POOL,
            "IdentityPoolName": "shop",
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": True,
        },
        "Roles": {
            "authenticated": "arn:aws:iam::111122223333:role/Auth",
            "unauthenticated": "arn:aws:iam::111122223333:role/Guest",
        },
        "IamRoles": [
            {
                "Arn": "arn:aws:iam::111122223333:role/Guest",
                "RoleName": "Guest",
                "AssumeRolePolicyDocument": trust(
                    {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
                        "ForAnyValue:StringLike": {
                            "cognito-identity.amazonaws.com:amr": "*authenticated"
                        },
                    }
                ),
                "RolePolicyList": [
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {
                            "Version": V,
                            "Statement": [
                                {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}
                            ],
                        },
                    }
                ],
            }
        ],
    }
    findings = lint_document(pool, path="pool.json", select=["COG"])
    codes = {f.code for f in findings}
    assert {"COG005", "COG007", "COG019"} <= codes
    guest_finding = next(f for f in findings if f.code == "COG007")
    assert guest_finding.location.pointer.startswith("/IamRoles/0/RolePolicyList/0/PolicyDocument")
    assert guest_finding.location.line is not None
