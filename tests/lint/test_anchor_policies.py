"""The survey policies of lint-anchors.md section (e) give the findings listed there as real
issues, and nothing above info where it lists none.

The policies are written here from the survey's descriptions (our own research notes):
p01-p12 plus the three extra ones. The Cognito and security families are checked by code;
for the generic issues of p10-p12 (other families) the test checks that *some* rule
reports at the offending element, so the test states the survey's expectation without
tying it to another family's code numbers.
"""

from __future__ import annotations

from typing import Any

import pytest

from policy_eval.lint.rule import Finding, Severity
from policy_eval.lint.runner import lint_document
from policy_eval.lint.supersede import covered_codes
from tests.lint.conftest import allow, policy

V = "2012-10-17"
SUB = "${cognito-identity.amazonaws.com:sub}"
POOL = "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"
TABLE = "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"
COGNITO = {"Federated": "cognito-identity.amazonaws.com"}


def lint(doc: dict[str, Any], kind: str = "identity", path: str = "policy.json") -> list[Finding]:
    return lint_document(doc, kind=kind, path=path)


def codes(findings: list[Finding], at_least: Severity = Severity.warning) -> set[str]:
    """Codes at or above ``at_least``, with the codes folded into a finding (one problem,
    one finding: ``policy_eval.lint.supersede``)."""
    return {c for f in findings if f.severity.rank >= at_least.rank for c in covered_codes(f)}


def ours(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code[:3] in ("COG", "SEC")
            or any(c[:3] in ("COG", "SEC") for c in covered_codes(f))]


P01 = {
    "Version": V,
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::photos",
            "Condition": {"StringLike": {"s3:prefix": [f"private/{SUB}/", f"private/{SUB}/*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"arn:aws:s3:::photos/private/{SUB}/*",
        },
    ],
}

P04 = {
    "Version": V,
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
            "Resource": TABLE,
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
        }
    ],
}

P07 = {
    "Version": V,
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": COGNITO,
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    ],
}


@pytest.mark.parametrize(
    ("name", "doc", "kind"),
    [("p01", P01, "identity"), ("p04", P04, "identity"), ("p07", P07, "trust")],
)
def test_policies_without_real_issues_are_quiet(name: str, doc: dict[str, Any], kind: str) -> None:
    """p01 (parliament's false positive), p04 and p07 (parliament: MALFORMED): no issue."""
    loud = [
        f"{f.code}: {f.message}" for f in lint(doc, kind) if f.severity.rank > Severity.info.rank
    ]
    assert loud == []


def test_p02_undelimited_identity_prefix() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::photos/private/{SUB}*",
            }
        ],
    }
    [f] = [f for f in lint(doc) if f.code == "COG011"]
    assert f.evidence is not None and f.evidence["decision"] == "allow"
    assert f.location.pointer == "/Statement/0/Resource"


def test_p03_version_2008_with_variable() -> None:
    doc = {**P01, "Version": "2008-10-17"}
    found = [f for f in lint(doc) if f.code == "COG010"]
    assert found and all(f.severity is Severity.error for f in found)


def test_p05_dynamodb_star_with_for_any_value_leading_keys() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "dynamodb:*",
                "Resource": TABLE,
                "Condition": {"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
            }
        ],
    }
    findings = lint(doc)
    [f] = [f for f in findings if f.code == "COG014"]
    assert f.severity is Severity.error and f.evidence["decision"] == "allow"  # type: ignore[index]
    # one finding for the operator, not one per expanded action (parliament gave 60)
    assert sum(1 for g in findings if g.code == "COG014") == 1


def test_p06_cognito_trust_without_conditions() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Principal": COGNITO, "Action": "sts:AssumeRoleWithWebIdentity"}
        ],
    }
    assert {"COG001", "COG003"} <= codes(lint(doc, "trust"))


def test_p08_broad_guest_role() -> None:
    doc = {
        "Version": V,
        "Id": "Cognito_PhotosUnauth_Role-policy",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:*", "dynamodb:*", "iam:PassRole", "cognito-identity:*"],
                "Resource": "*",
            }
        ],
    }
    found = codes(ours(lint(doc)), Severity.info)
    assert {"COG007", "COG009", "SEC003", "SEC006", "SEC007"} <= found
    # only the policy Id says "Unauth": a guess lowers confidence, it never makes an error
    [guest] = [f for f in lint(doc) if f.code == "COG007"]
    assert guest.severity is Severity.info and "a guess from the name" in guest.message


def test_p09_escalation_and_notaction_notresource() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:InvokeFunction",
                    "iam:CreatePolicyVersion",
                ],
                "Resource": "*",
            },
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::audit-logs/*"},
        ],
    }
    findings = ours(lint(doc))
    escalation = [f for f in findings if f.code == "SEC001"]
    methods = {m["method"] for f in escalation for m in f.evidence["methods"]}  # type: ignore[index]
    assert {"CreateNewPolicyVersion", "PassExistingRoleToNewLambdaThenInvoke"} <= methods
    # the NotAction/NotResource statement is not invisible (cloudsplaining ignores it)
    assert any(
        f.location.pointer == "/Statement/1" and covered_codes(f) & {"SEC006", "SEC007"}
        for f in findings
    )


def test_p10_five_generic_issues_are_each_reported() -> None:
    doc = {
        "Version": V,
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:GetObjects",
                "Resource": "arn:aws:s3:::b/*",
            },
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "false"},
                    "StringEquals": {"aws:SourceIp": "203.0.113.0/24"},
                    "DateGreaterThan": {"aws:CurrentTime": "yesterday"},
                },
            },
        ],
    }
    findings = lint(doc)
    pointers = {f.location.pointer for f in findings if f.severity.rank >= Severity.warning.rank}

    def hit(prefix: str) -> bool:
        return any(p.startswith(prefix) for p in pointers)

    assert hit("/Statement/1/Sid"), "duplicate Sid"
    assert hit("/Statement/0/Action"), "s3:GetObjects typo"
    assert hit("/Statement/1/Condition/Bool"), "MFA false anti-pattern"
    assert hit("/Statement/1/Condition/StringEquals"), "StringEquals on aws:SourceIp"
    assert hit("/Statement/1/Condition/DateGreaterThan"), "malformed date"


@pytest.mark.parametrize("with_preceding", [False, True])
def test_p11_p12_for_any_value_on_single_valued_source_vpc(with_preceding: bool) -> None:
    statements: list[dict[str, Any]] = []
    if with_preceding:
        statements.append(
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
        )
    statements.append(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}},
        }
    )
    index = len(statements) - 1
    findings = lint({"Version": V, "Statement": statements})
    assert any(
        f.location.pointer.startswith(f"/Statement/{index}/Condition/ForAnyValue")
        and f.severity.rank >= Severity.warning.rank
        for f in findings
    )


def test_extra_full_admin() -> None:
    findings = lint(
        {"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    assert {"SEC001", "SEC002"} <= codes(findings, Severity.error)


def test_extra_no_version_with_username_variable() -> None:
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/home/${aws:username}/*",
            }
        ]
    }
    assert "COG010" in codes(lint(doc), Severity.error)


def test_extra_username_prefix_reaches_other_user() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::b/home/${aws:username}*"))
    [f] = [f for f in lint(doc) if f.code == "COG011"]
    ev = f.evidence
    assert ev is not None and ev["decision"] == "allow" and ev["identity_b"] != ev["identity_a"]
