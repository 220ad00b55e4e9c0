"""Spec section 1 (policy grammar): document shape, Version, case rules, normalisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_eval.errors import PolicyEvalError

from ._support import SUB, SUB_KEY, V2012, decide, policy, stmt

OBJ = "arn:aws:s3:::photos/x.jpg"


def rejects(identity: Any, **kw: Any) -> PolicyEvalError:
    """Building and evaluating the policy set raises a located PolicyEvalError."""
    with pytest.raises(PolicyEvalError) as info:
        decide(identity, resource=OBJ, **kw)
    return info.value


# --- 1.1 document shape -------------------------------------------------------------------

def test_statement_may_be_a_single_object() -> None:
    """1.1: Statement is a single object or an array of objects; normalised to a list."""
    single = {"Version": V2012, "Statement": stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/*")}
    assert decide(single, resource=OBJ) == "allow"
    assert decide(policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/*")),
                  resource=OBJ) == "allow"


def test_action_and_resource_may_be_string_or_array() -> None:
    """1.1: Action/Resource are a string or an array of strings."""
    doc = policy(stmt("Allow", ["s3:PutObject", "s3:GetObject"],
                      ["arn:aws:s3:::other/*", "arn:aws:s3:::photos/*"]))
    assert decide(doc, resource=OBJ) == "allow"


def test_elements_in_any_order() -> None:
    """1.1: elements may appear in any order inside a document or statement."""
    doc = {"Statement": [{"Resource": "arn:aws:s3:::photos/*", "Action": "s3:GetObject",
                          "Effect": "Allow", "Sid": "ReadPhotos"}], "Version": V2012}
    assert decide(doc, resource=OBJ) == "allow"


@pytest.mark.parametrize("effect", ["allow", "ALLOW", "Allow ", "deny", 3, True, None])
def test_effect_is_case_sensitive_and_must_be_allow_or_deny(effect: Any) -> None:
    """1.1/1.3: Effect is exactly "Allow" or "Deny" (case-sensitive); anything else is invalid."""
    rejects(policy({"Effect": effect, "Action": "s3:GetObject", "Resource": "*"}))


def test_missing_effect_is_invalid() -> None:
    """1.1: Effect is required."""
    rejects(policy({"Action": "s3:GetObject", "Resource": "*"}))


def test_action_and_notaction_together_are_invalid() -> None:
    """1.1: exactly one of Action / NotAction."""
    rejects(policy({"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "iam:*",
                    "Resource": "*"}))


def test_missing_action_is_invalid() -> None:
    """1.1: exactly one of Action / NotAction is required."""
    rejects(policy({"Effect": "Allow", "Resource": "*"}))


def test_resource_and_notresource_together_are_invalid() -> None:
    """1.1: exactly one of Resource / NotResource in identity policies."""
    rejects(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                    "NotResource": "arn:aws:s3:::secret/*"}))


def test_missing_statement_is_invalid() -> None:
    """1.1: Statement is required."""
    rejects({"Version": V2012})


def test_principal_in_identity_policy_is_left_to_the_linter() -> None:
    """1.1: Principal is forbidden in identity policies; AWS rejects it at upload, so the
    evaluator (by design, see document/model.py) still answers and the linter reports it."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/*", Principal={"AWS": "*"}))
    assert decide(doc, resource=OBJ) in ("allow", "implicit_deny")


def test_unknown_element_name_is_invalid() -> None:
    """1.3: element names need their exact spelling; unknown names are errors."""
    rejects(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resources": "*"}))
    rejects(policy({"effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))


@pytest.mark.parametrize("version", ["2012-10-18", "2012-10-17 ", "2012/10/17", 2012])
def test_version_must_be_one_of_the_two_exact_strings(version: Any) -> None:
    """1.1/1.3: Version is exactly "2012-10-17" or "2008-10-17"."""
    rejects({"Version": version, "Statement": [stmt("Allow", "s3:GetObject", "*")]})


def test_duplicate_keys_in_a_policy_file_are_invalid(tmp_path: Path) -> None:
    """1.1: the same key twice in one JSON object is an error, not "last one wins"."""
    path = tmp_path / "dup.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",\n'
                    ' "Action": "s3:GetObject", "Resource": "*", "Effect": "Allow"}]}\n')
    err = rejects([str(path)])
    assert err.location.path is not None and err.location.path.endswith("dup.json")
    assert err.location.line == 2
    assert "Effect" in str(err)


def test_policy_file_path_and_dict_are_equivalent(tmp_path: Path) -> None:
    """1.1: a policy may be given as a file; it is the same document as the dict."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/*"))
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    assert decide([str(path)], resource=OBJ) == decide(doc, resource=OBJ) == "allow"


def test_sid_and_id_do_not_change_the_decision() -> None:
    """1.1: Sid (and Id) have no evaluation effect."""
    base = stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/*")
    with_sid = dict(base, Sid="ReadPhotos")
    assert decide(policy(with_sid), resource=OBJ) == decide(policy(base), resource=OBJ)


def test_condition_values_numbers_and_booleans_are_stringified() -> None:
    """1.1/4.5: condition values may be JSON numbers or booleans; compared as strings."""
    doc = policy(stmt("Allow", "s3:ListBucket", "arn:aws:s3:::photos", {
        "NumericLessThanEquals": {"s3:max-keys": 10},
        "Bool": {"aws:SecureTransport": True},
    }))
    ok = {"s3:max-keys": "10", "aws:SecureTransport": "true"}
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::photos", ok) == "allow"
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::photos",
                  {"s3:max-keys": "11", "aws:SecureTransport": "true"}) == "implicit_deny"


def test_star_action_and_star_resource() -> None:
    """1.1: "*" alone in Action is every action, in Resource every resource."""
    doc = policy(stmt("Allow", "*", "*"))
    assert decide(doc, "dynamodb:Scan",
                  "arn:aws:dynamodb:us-east-1:111122223333:table/T") == "allow"
    assert decide(doc, "sts:GetCallerIdentity", "*") == "allow"


# --- 1.2 Version semantics ---------------------------------------------------------------

def test_no_version_means_variables_are_literal() -> None:
    """1.2: with no Version (= 2008-10-17) ${...} is plain text."""
    res = "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"
    ctx = {SUB_KEY: SUB}
    assert decide(policy(stmt("Allow", "s3:GetObject", res), version=None),
                  resource=f"arn:aws:s3:::photos/{SUB}/a.jpg", context=ctx) == "implicit_deny"
    assert decide(policy(stmt("Allow", "s3:GetObject", res), version=None),
                  resource="arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/a.jpg",
                  context=ctx) == "allow"
    assert decide(policy(stmt("Allow", "s3:GetObject", res), version="2008-10-17"),
                  resource=f"arn:aws:s3:::photos/{SUB}/a.jpg", context=ctx) == "implicit_deny"
    assert decide(policy(stmt("Allow", "s3:GetObject", res)),
                  resource=f"arn:aws:s3:::photos/{SUB}/a.jpg", context=ctx) == "allow"


def test_no_version_keeps_wildcards() -> None:
    """1.2: '*' and '?' still work without Version (they predate variables) [I]."""
    doc = policy(stmt("Allow", "s3:Get?bject", "arn:aws:s3:::photos/*"), version=None)
    assert decide(doc, resource=OBJ) == "allow"


def test_no_version_variable_in_condition_is_literal() -> None:
    """1.2: under 2008-10-17 a variable in a condition value is compared literally too."""
    cond = {"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner}"}}
    ctx = {"aws:PrincipalTag/team": "red", "aws:PrincipalTag/owner": "red"}
    doc = policy(stmt("Allow", "s3:GetObject", "*", cond), version=None)
    assert decide(doc, resource=OBJ, context=ctx) == "implicit_deny"
    literal = {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner}"}
    assert decide(doc, resource=OBJ, context=literal) == "allow"
    assert decide(policy(stmt("Allow", "s3:GetObject", "*", cond)), resource=OBJ,
                  context=ctx) == "allow"


# --- 1.3 case sensitivity ----------------------------------------------------------------

@pytest.mark.parametrize("pattern,request_action", [
    ("iam:ListAccessKeys", "IAM:listaccesskeys"),
    ("IAM:listaccesskeys", "iam:ListAccessKeys"),
    ("S3:getobject", "s3:GetObject"),
    ("s3:get*", "S3:GETOBJECT"),
])
def test_actions_case_insensitive(pattern: str, request_action: str) -> None:
    """1.3: action service prefix and name are case-insensitive."""
    assert decide(policy(stmt("Allow", pattern, "*")), request_action, "*") == "allow"


def test_resource_arn_case_sensitive() -> None:
    """1.3/2.2: resource ARNs compare case-sensitively (the resource part at least)."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::photos/Alice/*"))
    assert decide(doc, resource="arn:aws:s3:::photos/Alice/x") == "allow"
    assert decide(doc, resource="arn:aws:s3:::photos/alice/x") == "implicit_deny"
    assert decide(doc, resource="arn:aws:s3:::Photos/Alice/x") == "implicit_deny"


def test_condition_key_names_case_insensitive_including_tag_key() -> None:
    """1.3: condition key names, including the tag-key part, are case-insensitive."""
    doc = policy(stmt("Allow", "s3:GetObject", "*",
                      {"StringEquals": {"aws:PrincipalTag/Department": "legal"}}))
    for key in ("aws:PrincipalTag/Department", "AWS:principaltag/department",
                "aws:principaltag/DEPARTMENT"):
        assert decide(doc, resource=OBJ, context={key: "legal"}) == "allow", key
    assert decide(doc, resource=OBJ,
                  context={"aws:PrincipalTag/Department": "Legal"}) == "implicit_deny"


def test_condition_operator_names_evaluated_case_insensitively() -> None:
    """1.3: operator names are evaluated case-insensitively [I] (the linter flags the spelling)."""
    doc = policy(stmt("Allow", "s3:GetObject", "*",
                      {"stringequals": {"aws:PrincipalTag/team": "red"}}))
    assert decide(doc, resource=OBJ, context={"aws:PrincipalTag/team": "red"}) == "allow"
    assert decide(doc, resource=OBJ, context={"aws:PrincipalTag/team": "blue"}) == "implicit_deny"


def test_variable_key_names_case_insensitive() -> None:
    """1.3/3.1: the key inside ${...} is matched case-insensitively."""
    ctx = {SUB_KEY: SUB}
    for var in ("${cognito-identity.amazonaws.com:sub}", "${COGNITO-IDENTITY.amazonaws.com:SUB}"):
        doc = policy(stmt("Allow", "s3:GetObject", f"arn:aws:s3:::photos/{var}/*"))
        assert decide(doc, resource=f"arn:aws:s3:::photos/{SUB}/x", context=ctx) == "allow", var


# --- 1.4 worked example --------------------------------------------------------------------

def test_section_1_4_worked_example() -> None:
    """1.4: no Version -> variables disabled; 'S3:getobject' matches; Bool true -> "true"."""
    doc = {"Statement": {"Effect": "Allow", "Action": "S3:getobject",
                         "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*",
                         "Condition": {"Bool": {"aws:SecureTransport": True}}}}
    literal = "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/x.jpg"
    tls = {SUB_KEY: SUB, "aws:SecureTransport": "true"}
    assert decide(doc, "s3:GetObject", f"arn:aws:s3:::photos/{SUB}/x.jpg", tls) == "implicit_deny"
    assert decide(doc, "s3:GetObject", literal, tls) == "allow"
    assert decide(doc, "s3:GetObject", literal, {"aws:SecureTransport": True}) == "allow"
    assert decide(doc, "s3:GetObject", literal, {"aws:SecureTransport": "false"}) == "implicit_deny"
