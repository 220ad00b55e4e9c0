"""Spec section 5 (DynamoDB and S3 specifics), checked on the bundled policy fixtures and inline."""

from __future__ import annotations

from typing import Any

import pytest

from ._support import ACCOUNT, OTHER_SUB, POLICIES, SUB, SUB_KEY, decide, policy, stmt

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/UserNotes"
SCORES = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/GameScores"
BUCKET = "arn:aws:s3:::example-photo-app-media"
LEADING = POLICIES / "dynamodb-leading-keys.json"
ALLOWLIST = POLICIES / "dynamodb-attribute-allowlist.json"
S3_PREFIX = POLICIES / "s3-per-identity-prefix.json"


def ddb(policy_doc: Any, action: str, resource: str = TABLE, **context: Any) -> str:
    ctx = {SUB_KEY: SUB}
    ctx.update({f"dynamodb:{k}": v for k, v in context.items()})
    return decide([str(policy_doc)] if not isinstance(policy_doc, dict) else policy_doc,
                  f"dynamodb:{action}", resource, ctx)


# --- 5.1 DynamoDB fine-grained access control ---------------------------------------------------

@pytest.mark.parametrize("action", ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"])
def test_leading_keys_own_partition(action: str) -> None:
    """5.1 pattern 1: item actions on the own partition key are allowed."""
    assert ddb(LEADING, action, LeadingKeys=[SUB]) == "allow"
    assert ddb(LEADING, action, LeadingKeys=[OTHER_SUB]) == "implicit_deny"


def test_leading_keys_batch_needs_every_key_to_be_own() -> None:
    """5.1/4.4: batch requests carry several leading keys; ForAllValues needs all to match."""
    assert ddb(LEADING, "BatchGetItem", LeadingKeys=[SUB, SUB]) == "allow"
    assert ddb(LEADING, "BatchGetItem", LeadingKeys=[SUB, OTHER_SUB]) == "implicit_deny"
    assert ddb(LEADING, "BatchWriteItem", LeadingKeys=[OTHER_SUB, SUB]) == "implicit_deny"


def test_leading_keys_fixture_null_guard_blocks_keyless_requests() -> None:
    """5.1/4.4: the fixture pairs ForAllValues with Null false, so a request without
    LeadingKeys is not vacuously allowed; Scan is not granted at all."""
    assert ddb(LEADING, "Query") == "implicit_deny"
    assert ddb(LEADING, "Scan") == "implicit_deny"


def test_canonical_leading_keys_without_guard_allows_scan_whole_table() -> None:
    """5.1/5.3: Scan carries no LeadingKeys; if Scan is granted, ForAllValues is vacuously true."""
    doc = policy(stmt("Allow", ["dynamodb:Query", "dynamodb:Scan"], TABLE, {
        "ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}))
    assert ddb(doc, "Scan") == "allow"
    assert ddb(doc, "Query", LeadingKeys=[OTHER_SUB]) == "implicit_deny"


def test_leading_keys_with_aws_userid() -> None:
    """5.1: ${aws:userid} can be the leading key (role-id:session-name)."""
    userid = "AROAEXAMPLEROLEID1234:CognitoIdentityCredentials"
    doc = policy(stmt("Allow", "dynamodb:GetItem", TABLE, {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}}))
    assert decide(doc, "dynamodb:GetItem", TABLE,
                  {"aws:userid": userid, "dynamodb:LeadingKeys": [userid]}) == "allow"
    other = {"aws:userid": userid, "dynamodb:LeadingKeys": ["AROAOTHER:x"]}
    assert decide(doc, "dynamodb:GetItem", TABLE, other) == "implicit_deny"


def test_attribute_allowlist_fixture() -> None:
    """5.1 pattern 2: listed attributes, Select SPECIFIC_ATTRIBUTES, ReturnValues NONE/UPDATED_*."""
    own = {"LeadingKeys": [SUB]}
    assert ddb(ALLOWLIST, "GetItem", SCORES, **own, Attributes=["UserId", "GameTitle", "TopScore"],
               Select="SPECIFIC_ATTRIBUTES") == "allow"
    assert ddb(ALLOWLIST, "GetItem", SCORES, **own, Attributes=["UserId", "Email"],
               Select="SPECIFIC_ATTRIBUTES") == "implicit_deny"
    assert ddb(ALLOWLIST, "Query", SCORES, **own, Attributes=["UserId"],
               Select="ALL_ATTRIBUTES") == "implicit_deny"
    assert ddb(ALLOWLIST, "UpdateItem", SCORES, **own, Attributes=["UserId", "GameTitle", "Wins"],
               ReturnValues="UPDATED_OLD") == "allow"
    assert ddb(ALLOWLIST, "UpdateItem", SCORES, **own, Attributes=["UserId", "GameTitle", "Wins"],
               ReturnValues="ALL_OLD") == "implicit_deny"
    assert ddb(ALLOWLIST, "PutItem", SCORES, **own, Attributes=["UserId"],
               ReturnValues="NONE") == "implicit_deny"


def test_block_writes_to_some_columns() -> None:
    """5.1 pattern 3: ForAllValues:StringNotLike on Attributes blocks the listed columns."""
    doc = policy(stmt("Allow", "dynamodb:UpdateItem", SCORES, {
        "ForAllValues:StringNotLike": {"dynamodb:Attributes": ["FreeGames*", "BossLevelUnlocked"]},
        "StringEquals": {"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]}}))
    assert ddb(doc, "UpdateItem", SCORES, Attributes=["UserId", "TopScore"],
               ReturnValues="NONE") == "allow"
    assert ddb(doc, "UpdateItem", SCORES, Attributes=["UserId", "FreeGamesAvailable"],
               ReturnValues="NONE") == "implicit_deny"
    assert ddb(doc, "UpdateItem", SCORES, Attributes=["UserId", "TopScore"]) == "implicit_deny"


def test_index_only_queries() -> None:
    """5.1 pattern 4: resource .../index/I with projected attributes only."""
    index = f"{SCORES}/index/TopScoreIndex"
    doc = policy(stmt("Allow", "dynamodb:Query", index, {
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["GameTitle", "TopScore", "UserId"]},
        "StringEquals": {"dynamodb:Select": ["SPECIFIC_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"]}}))
    assert ddb(doc, "Query", index, Attributes=["GameTitle", "TopScore"],
               Select="SPECIFIC_ATTRIBUTES") == "allow"
    assert ddb(doc, "Query", index, Select="ALL_PROJECTED_ATTRIBUTES") == "allow"
    assert ddb(doc, "Query", index, Select="ALL_ATTRIBUTES") == "implicit_deny"
    assert ddb(doc, "Query", SCORES, Select="SPECIFIC_ATTRIBUTES",
               Attributes=["GameTitle"]) == "implicit_deny"


# --- 5.2 S3 per-user prefixes -------------------------------------------------------------------

def s3(action: str, resource: str, docs: Any = None, **context: Any) -> str:
    ctx: dict[str, Any] = {SUB_KEY: SUB}
    ctx.update({f"s3:{k}": v for k, v in context.items()})
    return decide(docs if docs is not None else [str(S3_PREFIX)], action, resource, ctx)


def test_bucket_actions_take_bucket_arn_object_actions_object_arn() -> None:
    """5.2: ListBucket on the bucket ARN, GetObject/PutObject/DeleteObject on object ARNs."""
    own = f"private/{SUB}/"
    assert s3("s3:ListBucket", BUCKET, prefix=own) == "allow"
    assert s3("s3:ListBucket", f"{BUCKET}/{own}", prefix=own) == "implicit_deny"
    assert s3("s3:GetObject", f"{BUCKET}/{own}a.jpg") == "allow"
    assert s3("s3:GetObject", BUCKET) == "implicit_deny"


def test_prefix_absent_empty_own_other() -> None:
    """5.2/4.3: s3:prefix absent (no parameter) vs "" (console root) vs own vs other."""
    assert s3("s3:ListBucket", BUCKET) == "implicit_deny"
    assert s3("s3:ListBucket", BUCKET, prefix="") == "implicit_deny"
    assert s3("s3:ListBucket", BUCKET, prefix=f"private/{SUB}/") == "allow"
    assert s3("s3:ListBucket", BUCKET, prefix=f"private/{OTHER_SUB}/") == "implicit_deny"


def test_root_listing_with_empty_prefix_and_delimiter() -> None:
    """5.2: the walkthrough's root listing: StringEquals prefix [""] and delimiter ["/"]."""
    doc = policy(stmt("Allow", "s3:ListBucket", BUCKET,
                      {"StringEquals": {"s3:prefix": [""], "s3:delimiter": ["/"]}}))
    assert s3("s3:ListBucket", BUCKET, doc, prefix="", delimiter="/") == "allow"
    assert s3("s3:ListBucket", BUCKET, doc, delimiter="/") == "implicit_deny"
    assert s3("s3:ListBucket", BUCKET, doc, prefix="", delimiter="|") == "implicit_deny"


def test_deny_without_delimiter_fires_when_no_delimiter_sent() -> None:
    """5.2: Deny StringNotEquals {s3:delimiter: "/"} also fires when no delimiter is sent [I]."""
    docs = [policy(stmt("Allow", "s3:ListBucket", BUCKET)),
            policy(stmt("Deny", "s3:ListBucket", BUCKET,
                        {"StringNotEquals": {"s3:delimiter": "/"}}))]
    assert s3("s3:ListBucket", BUCKET, docs, delimiter="/") == "allow"
    assert s3("s3:ListBucket", BUCKET, docs, delimiter=",") == "explicit_deny"
    assert s3("s3:ListBucket", BUCKET, docs) == "explicit_deny"


def test_home_folder_username_variant_needs_iam_user() -> None:
    """5.2: the ${aws:username} home-folder variant works for IAM users, never for role sessions."""
    doc = policy(stmt("Allow", "s3:ListBucket", BUCKET,
                      {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}),
                 stmt("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
    user = f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert decide(doc, "s3:GetObject", f"{BUCKET}/home/alice/a.txt", {"aws:username": "alice"},
                  principal=user) == "allow"
    assert decide(doc, "s3:ListBucket", BUCKET, {"aws:username": "alice", "s3:prefix": "home/"},
                  principal=user) == "allow"
    assert s3("s3:GetObject", f"{BUCKET}/home/alice/a.txt", doc) == "implicit_deny"
    assert s3("s3:ListBucket", BUCKET, doc, prefix="home/alice/") == "implicit_deny"


def test_object_keys_are_decoded_in_arns() -> None:
    """5.2: ARNs carry the decoded key (`us-east-1:...`), not the URL-encoded `%3A` form."""
    encoded = SUB.replace(":", "%3A")
    assert s3("s3:GetObject", f"{BUCKET}/private/{SUB}/a.jpg") == "allow"
    assert s3("s3:GetObject", f"{BUCKET}/private/{encoded}/a.jpg") == "implicit_deny"


# --- 5.3 worked example ----------------------------------------------------------------------

def test_section_5_3_worked_example() -> None:
    """5.3: own GetItem allow; mixed BatchGetItem deny; Scan (if added) allowed, full table."""
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
               "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
    cond = {"ForAllValues:StringEquals": {
        "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}
    p1 = policy(stmt("Allow", actions, TABLE, cond))
    p1_scan = policy(stmt("Allow", [*actions, "dynamodb:Scan"], TABLE, cond))
    ctx = {SUB_KEY: "us-east-1:aa11"}
    assert decide(p1, "dynamodb:GetItem", TABLE,
                  {**ctx, "dynamodb:LeadingKeys": ["us-east-1:aa11"]}) == "allow"
    assert decide(p1, "dynamodb:BatchGetItem", TABLE,
                  {**ctx, "dynamodb:LeadingKeys": ["us-east-1:aa11", "us-east-1:bb22"]}
                  ) == "implicit_deny"
    assert decide(p1, "dynamodb:Scan", TABLE, ctx) == "implicit_deny"
    assert decide(p1_scan, "dynamodb:Scan", TABLE, ctx) == "allow"
