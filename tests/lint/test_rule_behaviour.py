"""Rules whose examples cannot be a docstring block, and behaviour the examples do not
show: no false positives for variables holding ':' or '/', canonical fixtures quiet,
the lint-anchors section (e) policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_eval.lint.runner import Linter, lint_document
from policy_eval.lint.supersede import covered_codes
from tests.lint.conftest import REPO, policy

FIXTURES = sorted((REPO / "fixtures" / "policies").glob("*.json"))


def codes(doc, **kw) -> set[str]:
    return {c for f in lint_document(doc, **kw) for c in covered_codes(f)}


def test_policy_size_quota() -> None:
    actions = [f"s3:GetObjectVersion{i:04d}" for i in range(300)]
    big = policy({"Effect": "Allow", "Action": actions, "Resource": "arn:aws:s3:::b/*"})
    found = [f for f in lint_document(big, select=["SYN019"])]
    assert found and "quota is 6,144" in found[0].message
    assert not lint_document(policy({"Effect": "Allow", "Action": actions[:10],
                                     "Resource": "arn:aws:s3:::b/*"}), select=["SYN019"])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_canonical_fixtures_have_nothing_above_info(path: Path) -> None:
    result = Linter().lint_paths([path])
    loud = [f"{f.code} {f.message}" for f in result.findings if f.severity.rank > 1]
    assert not loud


def test_cognito_variable_in_arn_is_not_a_resource_mismatch() -> None:
    doc = policy({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                  "Resource": "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*"},
                 {"Effect": "Allow", "Action": "dynamodb:GetItem",
                  "Resource":
                      "arn:aws:dynamodb:us-east-1:111122223333:table/${aws:PrincipalTag/t}"})
    assert not codes(doc) & {"RES001", "RES002", "RES006", "RES007", "VAR002", "VAR004"}


def test_real_mismatch_and_star_only_actions() -> None:
    # (s3:ListBucket on bucket/* is not caught yet: the catalogue lets a ${BucketName}
    # placeholder hold '/', so "b/*" could be a bucket name.)
    doc = policy({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b"},
                 {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::b"})
    found = [f for f in lint_document(doc, select=["RES002"])]
    assert {f.location.pointer for f in found} == {"/Statement/0/Resource",
                                                   "/Statement/1/Resource"}


def test_anchor_p10_five_issues() -> None:
    doc = policy(
        {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObjects",
         "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"},
                       "StringEquals": {"aws:SourceIp": "203.0.113.0/24"},
                       "DateGreaterThan": {"aws:CurrentTime": "yesterday"}}})
    assert {"SYN016", "ACT002", "CND011", "CND004", "CND005"} <= codes(doc)


@pytest.mark.parametrize("operator", ["ForAnyValue:StringEquals", "ForAllValues:StringEquals"])
def test_anchor_p11_p12_set_operator_on_single_valued_key(operator: str) -> None:
    doc = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
                 {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                  "Condition": {operator: {"aws:SourceVpc": "vpc-1a2b3c4d"}}})
    assert "CND008" in codes(doc)


def test_anchor_admin_and_notaction_notresource() -> None:
    admin = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert "ACT005" in codes(admin, select=["ACT"])
    # SEC002 reports the same statement with the engine's proof: one finding, not two.
    assert {"SEC002"} == {f.code for f in lint_document(admin)} & {"ACT005", "SEC002"}
    assert "ACT005" in codes(admin, kind="session")
    doc = policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/*"})
    assert {"ACT007", "RES005"} <= codes(doc)
    assert "RES003" in codes(policy({"Effect": "Allow", "Action": "s3:GetObject",
                                     "Resource": "arn:aws:s3:::*/*"}))


def test_trivially_true_condition_is_not_a_mitigation() -> None:
    doc = policy({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                  "Condition": {"StringLike": {"aws:UserAgent": "*"}}})
    assert "CND016" in codes(doc)


def test_unknown_variable_typo_has_suggestion() -> None:
    doc = policy({"Effect": "Allow", "Action": "s3:GetObject",
                  "Resource": "arn:aws:s3:::b/${aws:PrincipalTags/team}/*"})
    found = [f for f in lint_document(doc, select=["VAR004"])]
    assert found and "aws:PrincipalTag/team" in found[0].message


def test_trust_policy_kinds() -> None:
    trust = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/a*"},
                    "Action": "sts:AssumeRoleWithSAML", "Resource": "*"})
    found = codes(trust, kind="trust")
    assert {"PRN005", "PRN006", "SYN013"} <= found
