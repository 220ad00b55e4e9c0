"""Spec section 3 (policy variables): syntax, defaults, specials, missing/multivalued keys."""

from __future__ import annotations

from typing import Any

import pytest

from ._support import (
    OTHER_SUB,
    SUB,
    SUB_KEY,
    decide,
    policy,
    stmt,
)

TEAM = "aws:PrincipalTag/team"


def res_policy(resource: Any, action: str = "s3:GetObject", version: str | None = "2012-10-17",
               **kw: Any) -> dict[str, Any]:
    return policy(stmt("Allow", action, resource, **kw), version=version)


def get(doc: Any, key: str, context: dict[str, Any] | None = None) -> str:
    return decide(doc, "s3:GetObject", f"arn:aws:s3:::b/{key}", context or {})


# --- 3.1 syntax ---------------------------------------------------------------------------

def test_identity_id_substitution() -> None:
    """3.1/3.5: ${cognito-identity.amazonaws.com:sub} is replaced by the identity id."""
    doc = res_policy("arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*")
    assert get(doc, f"{SUB}/a.jpg", {SUB_KEY: SUB}) == "allow"
    assert get(doc, f"{OTHER_SUB}/a.jpg", {SUB_KEY: SUB}) == "implicit_deny"


def test_key_is_not_split_on_colon_or_slash() -> None:
    """3.1: keys contain ':', '.', '/'; only the first ',' separates a default."""
    doc = res_policy("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")
    assert get(doc, "red/x", {TEAM: "red"}) == "allow"


@pytest.mark.parametrize("template", [
    "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*",
    "arn:aws:s3:::b/${aws:PrincipalTag/team,'shared'}/*",
    "arn:aws:s3:::b/${ aws:PrincipalTag/team , 'shared' }/*",
])
def test_default_value_used_when_key_missing(template: str) -> None:
    """3.1: `${key, 'default'}` uses the default when the key has no value (lenient spaces [I])."""
    doc = res_policy(template)
    assert get(doc, "shared/x") == "allow"
    assert get(doc, "red/x") == "implicit_deny"
    assert get(doc, "red/x", {TEAM: "red"}) == "allow"
    assert get(doc, "shared/x", {TEAM: "red"}) == "implicit_deny"


def test_default_value_in_condition() -> None:
    """3.1/3.3: the default replaces the missing value before the condition is evaluated."""
    cond = {"StringEquals": {"s3:ExistingObjectTag/team": "${aws:PrincipalTag/team, 'shared'}"}}
    doc = res_policy("*", Condition=cond)
    assert get(doc, "x", {"s3:ExistingObjectTag/team": "shared"}) == "allow"
    assert get(doc, "x", {"s3:ExistingObjectTag/team": "red"}) == "implicit_deny"
    assert get(doc, "x", {"s3:ExistingObjectTag/team": "red", TEAM: "red"}) == "allow"


@pytest.mark.parametrize("special", ["${*}", "${?}", "${$}"])
def test_special_variables_are_not_wildcards(special: str) -> None:
    """3.1: ${*}, ${?}, ${$} stand for a literal '*', '?', '$' (not wildcards)."""
    doc = res_policy(f"arn:aws:s3:::b/a{special}z")
    assert get(doc, "abz") == "implicit_deny"
    assert get(doc, "az") == "implicit_deny"


@pytest.mark.parametrize("special,literal_key", [("${*}", "a*z"), ("${?}", "a?z"),
                                                 ("${$}", "a$z")])
def test_special_variables_match_the_literal_character(special: str, literal_key: str) -> None:
    """3.1: `a${*}z` matches the object key `a*z` (and likewise for ? and $)."""
    assert get(res_policy(f"arn:aws:s3:::b/a{special}z"), literal_key) == "allow"


def test_special_star_in_condition_like_value() -> None:
    """3.1: specials work wherever variables work, e.g. in StringLike values."""
    doc = res_policy("*", Condition={"StringLike": {"s3:prefix": "home/${*}/*"}},
                     action="s3:ListBucket")
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "home/*/docs"}) == "allow"
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::b",
                  {"s3:prefix": "home/bob/docs"}) == "implicit_deny"


def test_substituted_star_is_taken_literally_in_resource() -> None:
    """3.1: a substituted value of '*' does not become a wildcard [I]."""
    doc = res_policy("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")
    assert get(doc, "red/x", {TEAM: "*"}) == "implicit_deny"
    assert get(doc, "r/x", {TEAM: "?"}) == "implicit_deny"
    assert get(doc, "red/x", {TEAM: "r*"}) == "implicit_deny"


def test_substituted_star_matches_a_literal_star_key() -> None:
    """3.1: a tag value '*' makes the pattern match the object key `*/x` literally [I]."""
    doc = res_policy("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")
    assert get(doc, "*/x", {TEAM: "*"}) == "allow"


def test_substituted_star_is_taken_literally_in_stringlike() -> None:
    """3.1: in StringLike the substituted text is literal; only the policy's own '*' globs [I]."""
    doc = res_policy("*", action="s3:ListBucket",
                     Condition={"StringLike": {"s3:prefix": "${aws:PrincipalTag/team}/*"}})
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::b",
                  {TEAM: "*", "s3:prefix": "red/docs"}) == "implicit_deny"
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::b",
                  {TEAM: "*", "s3:prefix": "*/docs"}) == "allow"


def test_substitution_is_single_pass() -> None:
    """3.1: a substituted value that itself looks like a variable is not expanded again [I]."""
    doc = res_policy("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")
    ctx = {TEAM: "${aws:PrincipalTag/other}", "aws:PrincipalTag/other": "red"}
    assert get(doc, "red/x", ctx) == "implicit_deny"
    assert get(doc, "${aws:PrincipalTag/other}/x", ctx) == "allow"


# --- 3.2 where variables may appear ---------------------------------------------------------

def test_variable_in_action_is_literal() -> None:
    """3.2: Action is not a place where variables work; the text is literal [I]."""
    doc = res_policy("*", action="s3:${aws:PrincipalTag/action}")
    assert decide(doc, "s3:GetObject", "arn:aws:s3:::b/x",
                  {"aws:PrincipalTag/action": "GetObject"}) == "implicit_deny"


def test_variable_in_numeric_value_is_not_substituted() -> None:
    """3.2: variables in Numeric values are literal text -> no match (positive operator false)."""
    doc = res_policy("*", action="s3:ListBucket",
                     Condition={"NumericLessThanEquals": {"s3:max-keys": "${aws:PrincipalTag/n}"}})
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::b",
                  {"s3:max-keys": "10", "aws:PrincipalTag/n": "100"}) == "implicit_deny"


def test_variable_in_ip_value_is_not_substituted() -> None:
    """3.2: variables in IpAddress values are literal text -> no match."""
    doc = res_policy("*", Condition={"IpAddress": {"aws:SourceIp": "${aws:PrincipalTag/net}"}})
    assert get(doc, "x", {"aws:SourceIp": "203.0.113.5",
                          "aws:PrincipalTag/net": "203.0.113.0/24"}) == "implicit_deny"


def test_variable_in_bool_value_is_evaluated() -> None:
    """3.2 [C]: Bool values with variables are evaluated (our decision)."""
    doc = res_policy("*", Condition={"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/tls}"}})
    assert get(doc, "x", {"aws:SecureTransport": "true", "aws:PrincipalTag/tls": "true"}) == "allow"
    assert get(doc, "x", {"aws:SecureTransport": "false",
                          "aws:PrincipalTag/tls": "true"}) == "implicit_deny"


def test_variable_in_arnlike_value() -> None:
    """3.2: variables are allowed in Arn* condition values."""
    doc = res_policy("*", Condition={
        "ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:PrincipalTag/bucket}"}})
    ctx = {"aws:PrincipalTag/bucket": "uploads"}
    assert get(doc, "x", {**ctx, "aws:SourceArn": "arn:aws:s3:::uploads"}) == "allow"
    assert get(doc, "x", {**ctx, "aws:SourceArn": "arn:aws:s3:::other"}) == "implicit_deny"


def test_variable_in_condition_key_name_is_not_substituted() -> None:
    """3.2: condition key names are identifiers, not templates [I]."""
    key = "aws:PrincipalTag/${aws:PrincipalTag/k}"
    doc = res_policy("*", Condition={"StringEquals": {key: "x"}})
    assert get(doc, "x", {"aws:PrincipalTag/k": "team", TEAM: "x"}) == "implicit_deny"


# --- 3.3 missing or multivalued keys ---------------------------------------------------------

def test_missing_key_resource_entry_matches_nothing() -> None:
    """3.3: a Resource entry whose variable has no value matches no resource."""
    doc = res_policy(["arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/public/*"])
    assert get(doc, "/x") == "implicit_deny"
    assert get(doc, "${aws:PrincipalTag/team}/x") == "implicit_deny"
    assert get(doc, "public/x") == "allow"


def test_missing_key_notresource_entry_excludes_nothing() -> None:
    """3.3: in NotResource an unresolved entry excludes nothing [I]."""
    doc = policy(stmt("Allow", "s3:GetObject", None,
                      NotResource=["arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
                                   "arn:aws:s3:::b/secret/*"]))
    assert get(doc, "red/x") == "allow"
    assert get(doc, "secret/x") == "implicit_deny"
    assert get(doc, "red/x", {TEAM: "red"}) == "implicit_deny"


@pytest.mark.parametrize("operator", ["StringEquals", "StringLike", "StringEqualsIgnoreCase"])
def test_missing_key_in_positive_condition_is_false(operator: str) -> None:
    """3.3: a positive operator with an unresolved variable value does not match."""
    value = "${aws:PrincipalTag/team}"
    doc = res_policy("*", Condition={operator: {"s3:ExistingObjectTag/team": value}})
    assert get(doc, "x", {"s3:ExistingObjectTag/team": ""}) == "implicit_deny"
    assert get(doc, "x", {"s3:ExistingObjectTag/team": "red"}) == "implicit_deny"
    assert get(doc, "x", {"s3:ExistingObjectTag/team": "red", TEAM: "red"}) == "allow"


def test_missing_key_in_negated_condition_is_true_aws_example() -> None:
    """3.3: AWS's example — Deny StringNotEquals ExistingObjectTag/Team vs ${PrincipalTag/Team}
    denies callers with no Team tag (iam-simulate differs; we follow AWS)."""
    docs = [policy(stmt("Allow", "s3:GetObject", "*")),
            policy(stmt("Deny", "s3:GetObject", "*", {"StringNotEquals": {
                "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}))]
    obj_tag = {"s3:ExistingObjectTag/Team": "red"}
    assert get(docs, "x", obj_tag) == "explicit_deny"
    assert get(docs, "x", {**obj_tag, "aws:PrincipalTag/Team": "red"}) == "allow"
    assert get(docs, "x", {**obj_tag, "aws:PrincipalTag/Team": "blue"}) == "explicit_deny"


def test_multivalued_key_never_resolves_as_variable() -> None:
    """3.3: only single-valued keys can be variables; a multivalued key (amr) never resolves."""
    doc = res_policy("arn:aws:s3:::b/${cognito-identity.amazonaws.com:amr}/*")
    amr = {"cognito-identity.amazonaws.com:amr": ["authenticated"]}
    assert get(doc, "authenticated/x", amr) == "implicit_deny"


def test_empty_string_value_substitutes_as_empty() -> None:
    """3.3/4.3: a key present with "" is present; the variable becomes the empty string [I]."""
    doc = res_policy("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")
    assert get(doc, "/x", {TEAM: ""}) == "allow"
    assert get(doc, "red/x", {TEAM: ""}) == "implicit_deny"


def test_aws_username_absent_for_cognito_session() -> None:
    """3.4: a Cognito session has no aws:username; the IAM-user home folder grants nothing."""
    doc = res_policy("arn:aws:s3:::b/home/${aws:username}/*")
    assert get(doc, "home/alice/x", {SUB_KEY: SUB}) == "implicit_deny"


# --- 3.5 worked example ------------------------------------------------------------------------

def test_section_3_5_worked_example() -> None:
    """3.5: identity id substitutes; user-pool sub does not match; 2008-10-17 keeps the text."""
    ident = "us-east-1:5e1d2c3b-4a59-4687-b8c9-d0e1f2a3b4c0"
    template = "arn:aws:s3:::media/users/${cognito-identity.amazonaws.com:sub}/*"
    obj = f"arn:aws:s3:::media/users/{ident}/a.jpg"
    v12 = res_policy(template, action="s3:PutObject")
    v08 = res_policy(template, action="s3:PutObject", version="2008-10-17")
    assert decide(v12, "s3:PutObject", obj, {SUB_KEY: ident}) == "allow"
    assert decide(v12, "s3:PutObject", obj,
                  {SUB_KEY: "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70"}) == "implicit_deny"
    assert decide(v08, "s3:PutObject", obj, {SUB_KEY: ident}) == "implicit_deny"
