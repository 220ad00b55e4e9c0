"""Tests of the security rules (SEC001-SEC008): the documented examples, a failing and a
passing policy per rule, and conditions evaluated rather than trusted (lint-anchors row 45)."""

from __future__ import annotations

from typing import Any

import pytest

from policy_eval.lint.rule import Finding, Severity
from policy_eval.lint.rules import security
from tests.lint.conftest import allow, policy, rule_class, run_rule
from tests.lint.docexamples import examples

V = "2012-10-17"
SEC_CODES = [f"SEC{n:03d}" for n in range(1, 9)]


def run(code: str, doc: Any, kind: str | None = None, path: str = "policy.json") -> list[Finding]:
    return run_rule(code, doc, kind, path=path)


@pytest.mark.parametrize("code", SEC_CODES)
def test_rule_docs_and_security_severity(code: str) -> None:
    cls = rule_class(code)
    doc = cls.documentation()
    for part in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert part in doc
    assert cls.security_severity is not None and 0 < cls.security_severity <= 10


@pytest.mark.parametrize("code", SEC_CODES)
def test_documented_example_triggers_and_use_instead_does_not(code: str) -> None:
    blocks = examples(rule_class(code))
    for _, text in blocks["Example"]:
        assert run(code, text), f"{code}: documented Example gives no finding"
    for _, text in blocks["Use instead"]:
        assert run(code, text) == [], f"{code}: documented 'Use instead' is flagged"


def test_escalation_methods_name_known_actions() -> None:
    from policy_eval.catalog import get_catalog

    cat = get_catalog()
    for name, actions, _ in security.ESCALATION_METHODS:
        for action in actions:
            assert cat.action(action) is not None, f"{name}: unknown action {action}"


# --------------------------------------------------------------------------- SEC001


def test_sec001_trivially_true_condition_is_not_a_mitigation() -> None:
    doc = policy(
        allow(
            ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            condition={
                "StringLike": {"aws:UserAgent": "*"},
                "IpAddress": {"aws:SourceIp": "0.0.0.0/0"},
            },
        )
    )
    [f] = run("SEC001", doc)
    methods = [m["method"] for m in f.evidence["methods"]]  # type: ignore[index]
    assert "PassExistingRoleToNewLambdaThenInvoke" in methods
    assert all(m["decision"] == "allow" for m in f.evidence["methods"])  # type: ignore[index]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalTag/team": "platform-admins"}},
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    ],
)
def test_sec001_restricting_condition_is_a_mitigation(condition: dict[str, Any]) -> None:
    assert run("SEC001", policy(allow("iam:AttachRolePolicy", condition=condition))) == []


def test_sec001_passed_to_service_blocks_only_the_other_services() -> None:
    only_glue = {"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}
    doc = policy(
        allow("iam:PassRole", condition=only_glue),
        allow(["ec2:RunInstances", "glue:CreateDevEndpoint"]),
    )
    [f] = run("SEC001", doc)
    methods = {m["method"] for m in f.evidence["methods"]}  # type: ignore[index]
    assert "PassExistingRoleToNewGlueDevEndpoint" in methods
    assert "CreateEC2WithExistingIP" not in methods


def test_sec001_notaction_notresource_and_explicit_deny() -> None:
    doc = policy({"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::x"})
    [f] = run("SEC001", doc)
    assert "statement 0" in f.message
    denied = policy(
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": ["lambda:UpdateFunctionCode", "glue:UpdateDevEndpoint"],
            "Resource": "*",
        },
    )
    assert run("SEC001", denied) == []


def test_sec001_scoped_to_own_resources_is_not_reported() -> None:
    doc = policy(
        allow("iam:PutRolePolicy", "arn:aws:iam::111122223333:role/app-${aws:PrincipalTag/app}-*")
    )
    assert run("SEC001", doc) == []


# --------------------------------------------------------------------------- SEC002


def test_sec002_admin_on_identity_pool_role_is_critical() -> None:
    doc = policy(
        allow("*"), allow("s3:GetObject", "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*")
    )
    [f] = run("SEC002", doc)
    assert f.security_severity == 10.0 and "identity pool" in f.message
    assert run("SEC002", policy(allow("s3:*"))) == []


# --------------------------------------------------------------------------- SEC003 / SEC004


def test_sec003_wildcard_account_role_pattern() -> None:
    assert run("SEC003", policy(allow("iam:PassRole", "arn:aws:iam::*:role/*")))
    assert (
        run("SEC003", policy(allow("iam:PassRole", "arn:aws:iam::111122223333:role/app-*"))) == []
    )


def test_sec004_condition_on_other_key_does_not_restrict_the_service() -> None:
    role = "arn:aws:iam::111122223333:role/app"
    unrelated = {"StringLike": {"aws:UserAgent": "*"}}
    [f] = run("SEC004", policy(allow("iam:PassRole", role, unrelated)))
    assert [p["decision"] for p in f.evidence["probes"]] == ["allow"] * 3  # type: ignore[index]
    like = {"StringLike": {"iam:PassedToService": "lambda.*"}}
    assert run("SEC004", policy(allow("iam:PassRole", role, like))) == []


# --------------------------------------------------------------------------- SEC005-SEC007


def test_sec005_cognito_star_exposes_developer_tokens() -> None:
    [f] = run("SEC005", policy(allow("cognito-identity:*")))
    assert "GetOpenIdTokenForDeveloperIdentity" in f.message
    assert (
        run("SEC005", policy(allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/reader")))
        == []
    )


def test_sec006_source_vpce_condition_restricts() -> None:
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}
    assert run("SEC006", policy(allow("secretsmanager:GetSecretValue", condition=vpce))) == []
    assert run("SEC006", policy(allow("secretsmanager:GetSecretValue")))


def test_sec007_uses_catalog_access_levels() -> None:
    [f] = run("SEC007", policy(allow("s3:Put*")))
    from policy_eval.catalog import get_catalog

    named = [w.strip(",") for w in f.message.split(": ", 1)[1].split() if w.startswith("s3:")]
    assert named and all(
        get_catalog().action(a).access_level == "Permissions management"  # type: ignore[union-attr]
        for a in named
    )
    assert run("SEC007", policy(allow("s3:PutObject"))) == []
    scoped = policy(allow("s3:PutBucketPolicy", "arn:aws:s3:::my-bucket"))
    assert run("SEC007", scoped) == []


# --------------------------------------------------------------------------- SEC008


def test_sec008_trust_policy_open_to_everyone_is_an_error() -> None:
    everyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    [f] = run("SEC008", policy(everyone), kind="trust")
    assert f.severity is Severity.error
    org = {**everyone, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3"}}}
    assert run("SEC008", policy(org), kind="trust") == []


def test_sec008_named_principal_is_not_public() -> None:
    named = allow("s3:GetObject", "arn:aws:s3:::b/*",
                  Principal={"AWS": "arn:aws:iam::444455556666:root"})
    assert run("SEC008", policy(named), kind="resource") == []
