"""Spec section 4 (condition operators): block logic, every operator family, missing keys, sets."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._support import cond_holds

TAG = "aws:PrincipalTag/team"
NOW = "aws:CurrentTime"
IP = "aws:SourceIp"
ARN = "aws:SourceArn"
AMR = "cognito-identity.amazonaws.com:amr"


def holds(op: str, key: str, policy_value: Any, context: dict[str, Any]) -> bool:
    return cond_holds({op: {key: policy_value}}, context)


# --- 4.1 block structure and boolean combination ------------------------------------------------

def test_operators_and_keys_are_anded() -> None:
    """4.1: several operators -> AND; several keys under one operator -> AND."""
    cond = {"StringEquals": {TAG: "red", "aws:PrincipalTag/tier": "gold"},
            "Bool": {"aws:SecureTransport": "true"}}
    full = {TAG: "red", "aws:PrincipalTag/tier": "gold", "aws:SecureTransport": "true"}
    assert cond_holds(cond, full)
    assert not cond_holds(cond, {**full, "aws:PrincipalTag/tier": "silver"})
    assert not cond_holds(cond, {**full, "aws:SecureTransport": "false"})


def test_positive_values_are_ored_negated_values_are_nored() -> None:
    """4.1: several values under a positive operator -> OR; under a negated operator -> NOR."""
    assert holds("StringEquals", TAG, ["red", "blue"], {TAG: "blue"})
    assert not holds("StringEquals", TAG, ["red", "blue"], {TAG: "green"})
    assert not holds("StringNotEquals", TAG, ["red", "blue"], {TAG: "blue"})
    assert holds("StringNotEquals", TAG, ["red", "blue"], {TAG: "green"})


def test_same_key_under_two_operators_both_must_hold() -> None:
    """4.1: the same key under StringNotLike and Null must satisfy both (S3 walkthrough)."""
    cond = {"StringNotLike": {"s3:prefix": "private/*"}, "Null": {"s3:prefix": "false"}}
    assert cond_holds(cond, {"s3:prefix": "public/"})
    assert not cond_holds(cond, {"s3:prefix": "private/x"})
    assert not cond_holds(cond, {})


# --- 4.2 operator catalogue ---------------------------------------------------------------------

@pytest.mark.parametrize("op,policy_value,request_value,expected", [
    ("StringEquals", "Red", "Red", True),
    ("StringEquals", "Red", "red", False),
    ("StringEquals", "re*", "red", False),
    ("StringEquals", "re*", "re*", True),
    ("StringNotEquals", "Red", "red", True),
    ("StringNotEquals", "Red", "Red", False),
    ("StringEqualsIgnoreCase", "Red", "rED", True),
    ("StringEqualsIgnoreCase", "Red", "blue", False),
    ("StringNotEqualsIgnoreCase", "Red", "rED", False),
    ("StringNotEqualsIgnoreCase", "Red", "blue", True),
    ("StringLike", "re*", "red", True),
    ("StringLike", "re*", "re", True),
    ("StringLike", "re*", "Red", False),
    ("StringLike", "r?d", "rod", True),
    ("StringLike", "r?d", "rd", False),
    ("StringLike", "r?d", "rood", False),
    ("StringLike", "*a*b*", "xxaxxbxx", True),
    ("StringNotLike", "re*", "red", False),
    ("StringNotLike", "re*", "blue", True),
])
def test_string_family(op: str, policy_value: str, request_value: str, expected: bool) -> None:
    """4.2 String: Equals exact and case-sensitive; IgnoreCase folds; *Like globs with * and ?."""
    assert holds(op, TAG, policy_value, {TAG: request_value}) is expected


def test_ignore_case_is_simple_lowercasing() -> None:
    """4.2 [O]: IgnoreCase uses simple lower-casing; 'ß' is not 'ss'."""
    assert not holds("StringEqualsIgnoreCase", TAG, "strasse", {TAG: "straße"})
    assert holds("StringEqualsIgnoreCase", TAG, "ÄRGER", {TAG: "ärger"})


@pytest.mark.parametrize("op,policy_value,request_value,expected", [
    ("NumericEquals", "10", "10", True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericEquals", 10, "11", False),
    ("NumericNotEquals", "10", "11", True),
    ("NumericNotEquals", "10", "10", False),
    ("NumericLessThan", "10", "9.5", True),
    ("NumericLessThan", "10", "10", False),
    ("NumericLessThanEquals", "10", "10", True),
    ("NumericLessThanEquals", "10", "11", False),
    ("NumericGreaterThan", "10", "10.01", True),
    ("NumericGreaterThan", "10", "10", False),
    ("NumericGreaterThanEquals", "-1.5", "-1.5", True),
    ("NumericGreaterThanEquals", "-1.5", "-2", False),
    ("NumericLessThan", "10", "ten", False),
    ("NumericLessThan", "ten", "5", False),
])
def test_numeric_family(op: str, policy_value: Any, request_value: str, expected: bool) -> None:
    """4.2 Numeric: integers and decimals; unparsable numbers never match [I]."""
    assert holds(op, "s3:max-keys", policy_value, {"s3:max-keys": request_value}) is expected


# 2024-06-15T12:00:00Z == epoch 1718452800
@pytest.mark.parametrize("op,policy_value,expected", [
    ("DateEquals", "2024-06-15T12:00:00Z", True),
    ("DateEquals", "2024-06-15T12:00Z", True),
    ("DateEquals", "2024-06-15T12:00:00.000Z", True),
    ("DateEquals", "2024-06-15T14:00:00+02:00", True),
    ("DateEquals", "2024-06-15T08:00-04:00", True),
    ("DateEquals", "1718452800", True),
    ("DateEquals", 1718452800, True),
    ("DateNotEquals", "2024-06-15T12:00:01Z", True),
    ("DateNotEquals", "1718452800", False),
    ("DateLessThan", "2025", True),
    ("DateLessThan", "2024", False),
    ("DateLessThan", "2024-07", True),
    ("DateLessThan", "2024-06", False),
    ("DateLessThan", "2024-06-16", True),
    ("DateLessThan", "2024-06-15", False),
    ("DateLessThanEquals", "2024-06-15T12:00:00Z", True),
    ("DateGreaterThan", "2024-06-15T11:59:59Z", True),
    ("DateGreaterThan", "1718452800", False),
    ("DateGreaterThanEquals", "1718452800", True),
    ("DateGreaterThanEquals", "2024-06-15T12:00:00.5Z", False),
    ("DateLessThan", "next tuesday", False),
    ("DateLessThan", "15/06/2030", False),
])
def test_date_family(op: str, policy_value: Any, expected: bool) -> None:
    """4.2/4.5 Date: W3C ISO-8601 profiles (YYYY ... fractional seconds, TZD) and epoch seconds."""
    assert holds(op, NOW, policy_value, {NOW: "2024-06-15T12:00:00Z"}) is expected


def test_date_request_value_as_epoch() -> None:
    """4.2: the request value may also be epoch seconds."""
    assert holds("DateEquals", NOW, "2024-06-15T12:00:00Z", {NOW: "1718452800"})


def test_epoch_time_with_numeric_operators() -> None:
    """4.2: aws:EpochTime also works with numeric operators."""
    assert holds("NumericLessThan", "aws:EpochTime", "1718452801", {"aws:EpochTime": "1718452800"})
    assert holds("DateLessThan", "aws:EpochTime", "2024-06-15T12:00:01Z",
                 {"aws:EpochTime": "1718452800"})


@pytest.mark.parametrize("policy_value,request_value,expected", [
    ("true", "true", True),
    (True, "true", True),
    ("true", True, True),
    ("true", "TRUE", True),
    ("True", "true", True),
    ("false", "false", True),
    (False, False, True),
    ("true", "false", False),
    ("false", "true", False),
    ("true", "yes", False),
])
def test_bool(policy_value: Any, request_value: Any, expected: bool) -> None:
    """4.2 Bool: "true"/"false", JSON booleans stringified, compared case-insensitively [I]."""
    assert holds("Bool", "aws:SecureTransport", policy_value,
                 {"aws:SecureTransport": request_value}) is expected


def test_binary_equals() -> None:
    """4.2 Binary: the policy value is base64; compared byte-for-byte."""
    value = base64.b64encode(b"\x00\x01secret\xff").decode()
    other = base64.b64encode(b"\x00\x01secreT\xff").decode()
    assert holds("BinaryEquals", "aws:PrincipalTag/bin", value, {"aws:PrincipalTag/bin": value})
    assert not holds("BinaryEquals", "aws:PrincipalTag/bin", value,
                     {"aws:PrincipalTag/bin": other})


@pytest.mark.parametrize("op,policy_value,request_ip,expected", [
    ("IpAddress", "203.0.113.0/24", "203.0.113.255", True),
    ("IpAddress", "203.0.113.0/24", "203.0.114.0", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "203.0.113.7", "203.0.113.8", False),
    ("IpAddress", "203.0.113.7/32", "203.0.113.7", True),
    ("IpAddress", "0.0.0.0/0", "198.51.100.1", True),
    ("IpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "203.0.113.9", True),
    ("IpAddress", "2001:db8::/32", "2001:db8:1234::1", True),
    ("IpAddress", "2001:db8::/32", "2001:db9::1", False),
    ("IpAddress", "2001:db8::1", "2001:db8::1", True),
    ("IpAddress", "2001:db8::1", "2001:db8::2", False),
    ("IpAddress", "2001:DB8:0:0::/64", "2001:db8::abcd", True),
    ("IpAddress", "203.0.113.0/24", "2001:db8::1", False),
    ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.5", False),
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.5", True),
    ("NotIpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "192.0.2.1", False),
])
def test_ip_family(op: str, policy_value: Any, request_ip: str, expected: bool) -> None:
    """4.2 IP: IPv4/IPv6 CIDR; a bare address is /32 (/128 for IPv6 [I])."""
    assert holds(op, IP, policy_value, {IP: request_ip}) is expected


AWS_ARN_PATTERN = "arn:aws:someservice:*:111122223333:finance/*"
AWS_ARN_VALUE = ("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:"
                 "finance/document.txt")


def test_arn_like_matches_per_component_aws_example() -> None:
    """2.2/4.2: AWS's example matches with StringLike but not with ArnLike."""
    ctx = {ARN: AWS_ARN_VALUE}
    assert holds("StringLike", ARN, AWS_ARN_PATTERN, ctx)
    assert not holds("ArnLike", ARN, AWS_ARN_PATTERN, ctx)
    assert not holds("ArnEquals", ARN, AWS_ARN_PATTERN, ctx)
    assert holds("ArnNotLike", ARN, AWS_ARN_PATTERN, ctx)


@pytest.mark.parametrize("op", ["ArnLike", "ArnEquals"])
@pytest.mark.parametrize("pattern,value,expected", [
    ("arn:aws:s3:::uploads-*", "arn:aws:s3:::uploads-2024", True),
    ("arn:aws:sqs:*:111122223333:orders", "arn:aws:sqs:us-east-1:111122223333:orders", True),
    ("arn:aws:sqs:*:111122223333:orders", "arn:aws:sqs:us-east-1:444455556666:orders", False),
    ("arn:aws:sns:us-east-1:111122223333:topic-?", "arn:aws:sns:us-east-1:111122223333:topic-a",
     True),
    ("arn:aws:lambda:us-east-1:111122223333:function:*",
     "arn:aws:lambda:us-east-1:111122223333:function:resize:prod", True),
    ("arn:aws:s3:::uploads", "arn:aws:s3:::Uploads", False),
    ("arn:aws:s3:::uploads", "uploads", False),
    ("arn:aws:s3:::*", "not-an-arn", False),
])
def test_arn_equals_and_like_behave_identically(op: str, pattern: str, value: str,
                                                expected: bool) -> None:
    """4.2 ARN: six components matched one by one; Equals == Like; non-ARN values never match."""
    assert holds(op, ARN, pattern, {ARN: value}) is expected


def test_arn_not_equals() -> None:
    """4.2 ARN: ArnNotEquals is the NOR form."""
    assert holds("ArnNotEquals", ARN, "arn:aws:s3:::a", {ARN: "arn:aws:s3:::b"})
    assert not holds("ArnNotEquals", ARN, ["arn:aws:s3:::a", "arn:aws:s3:::b"],
                     {ARN: "arn:aws:s3:::b"})


@pytest.mark.parametrize("policy_value,context,expected", [
    ("true", {}, True),
    ("true", {TAG: "red"}, False),
    ("true", {TAG: ""}, False),
    (True, {}, True),
    ("false", {}, False),
    ("false", {TAG: "red"}, True),
    (False, {TAG: "red"}, True),
])
def test_null(policy_value: Any, context: dict[str, Any], expected: bool) -> None:
    """4.2/4.3 Null: "true" -> key absent; "false" -> key present ("" counts as present [I])."""
    assert holds("Null", TAG, policy_value, context) is expected


# --- 4.3 missing-key semantics (single-valued keys) --------------------------------------------

POSITIVE: list[tuple[str, str, Any, Any]] = [
    ("StringEquals", TAG, "red", "red"),
    ("StringEqualsIgnoreCase", TAG, "red", "RED"),
    ("StringLike", TAG, "r*", "red"),
    ("NumericLessThan", "s3:max-keys", "10", "5"),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", "10"),
    ("DateGreaterThan", NOW, "2020-01-01", "2024-06-15T12:00:00Z"),
    ("Bool", "aws:SecureTransport", "true", "true"),
    ("BinaryEquals", "aws:PrincipalTag/bin", "AAE=", "AAE="),
    ("IpAddress", IP, "203.0.113.0/24", "203.0.113.1"),
    ("ArnLike", ARN, "arn:aws:s3:::b*", "arn:aws:s3:::bucket"),
    ("ArnEquals", ARN, "arn:aws:s3:::bucket", "arn:aws:s3:::bucket"),
]
NEGATED: list[tuple[str, str, Any, Any]] = [
    ("StringNotEquals", TAG, "red", "blue"),
    ("StringNotEqualsIgnoreCase", TAG, "red", "blue"),
    ("StringNotLike", TAG, "r*", "blue"),
    ("NumericNotEquals", "s3:max-keys", "10", "5"),
    ("DateNotEquals", NOW, "2020-01-01", "2024-06-15T12:00:00Z"),
    ("NotIpAddress", IP, "203.0.113.0/24", "198.51.100.1"),
    ("ArnNotLike", ARN, "arn:aws:s3:::b*", "arn:aws:s3:::other"),
    ("ArnNotEquals", ARN, "arn:aws:s3:::bucket", "arn:aws:s3:::other"),
]


@pytest.mark.parametrize("op,key,policy_value,matching", POSITIVE)
def test_positive_operator_absent_key_false(op: str, key: str, policy_value: Any,
                                            matching: Any) -> None:
    """4.3: positive operator, key absent -> false; present -> compare."""
    assert not holds(op, key, policy_value, {})
    assert holds(op, key, policy_value, {key: matching})


@pytest.mark.parametrize("op,key,policy_value,matching", NEGATED)
def test_negated_operator_absent_key_true(op: str, key: str, policy_value: Any,
                                          matching: Any) -> None:
    """4.3: negated operator, key absent -> true; present -> compare (NOR)."""
    assert holds(op, key, policy_value, {})
    assert holds(op, key, policy_value, {key: matching})


@pytest.mark.parametrize("op,key,policy_value,matching", POSITIVE + NEGATED)
def test_ifexists_absent_key_true_present_compares(op: str, key: str, policy_value: Any,
                                                   matching: Any) -> None:
    """4.3: <op>IfExists -> true when the key is absent, else compare as <op>."""
    assert holds(op + "IfExists", key, policy_value, {})
    assert holds(op + "IfExists", key, policy_value, {key: matching})


def test_ifexists_present_non_matching_is_false() -> None:
    """4.3: IfExists only changes the absent case."""
    assert not holds("StringEqualsIfExists", TAG, "red", {TAG: "blue"})
    assert not holds("StringNotEqualsIfExists", TAG, "red", {TAG: "red"})
    assert not holds("NumericLessThanIfExists", "s3:max-keys", "10", {"s3:max-keys": "50"})


def test_deny_with_negated_ifexists_still_denies_when_missing() -> None:
    """4.3: a Deny with a negated ...IfExists operator still denies when the key is missing."""
    from ._support import decide, policy, stmt

    docs = [policy(stmt("Allow", "s3:GetObject", "*")),
            policy(stmt("Deny", "s3:GetObject", "*",
                        {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-0abc1234"}}))]
    assert decide(docs, "s3:GetObject", "arn:aws:s3:::b/x") == "explicit_deny"
    assert decide(docs, "s3:GetObject", "arn:aws:s3:::b/x",
                  {"aws:SourceVpc": "vpc-0abc1234"}) == "allow"


def test_empty_string_is_present() -> None:
    """4.3: a key present with "" is present (S3 console root listing: prefix="")."""
    assert holds("StringEquals", "s3:prefix", [""], {"s3:prefix": ""})
    assert not holds("StringEquals", "s3:prefix", [""], {})
    assert not holds("StringNotEquals", "s3:prefix", "", {"s3:prefix": ""})


# --- 4.4 set operators and multivalued keys -----------------------------------------------------

@pytest.mark.parametrize("context,all_values,any_value", [
    ({}, True, False),
    ({"aws:TagKeys": []}, True, False),
    ({"aws:TagKeys": ["app"]}, True, True),
    ({"aws:TagKeys": ["app", "app-tier"]}, True, True),
    ({"aws:TagKeys": ["app", "owner"]}, False, True),
    ({"aws:TagKeys": ["owner"]}, False, False),
])
def test_for_all_values_and_for_any_value(context: dict[str, Any], all_values: bool,
                                          any_value: bool) -> None:
    """4.4: ForAllValues absent/empty -> true, else all; ForAnyValue absent/empty -> false."""
    assert holds("ForAllValues:StringLike", "aws:TagKeys", ["app*"], context) is all_values
    assert holds("ForAnyValue:StringLike", "aws:TagKeys", ["app*"], context) is any_value


def test_empty_string_as_the_only_value_is_an_empty_set() -> None:
    """4.3/4.4: a multivalued key that resolves to an empty string counts as an empty set:
    ForAllValues true, ForAnyValue false."""
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", ["app"], {"aws:TagKeys": [""]})
    assert not holds("ForAnyValue:StringEquals", "aws:TagKeys", [""], {"aws:TagKeys": [""]})


def test_set_operator_with_negated_base() -> None:
    """4.4: ForAllValues:StringNotLike holds when no request value matches any listed pattern."""
    op = "ForAllValues:StringNotLike"
    key = "dynamodb:Attributes"
    assert holds(op, key, ["Secret*", "IsAdmin"], {key: ["UserId", "Score"]})
    assert not holds(op, key, ["Secret*", "IsAdmin"], {key: ["UserId", "SecretNote"]})
    assert holds(op, key, ["Secret*"], {})
    assert holds("ForAnyValue:StringNotEquals", key, ["UserId"], {key: ["UserId", "Score"]})
    assert not holds("ForAnyValue:StringNotEquals", key, ["UserId"], {key: ["UserId"]})


def test_single_valued_key_with_set_operator_is_a_one_element_set() -> None:
    """4.4 [O]: a single-valued key under a set operator is a one-element set."""
    assert holds("ForAnyValue:StringEquals", TAG, ["red", "blue"], {TAG: "red"})
    assert not holds("ForAnyValue:StringEquals", TAG, ["red", "blue"], {TAG: "green"})
    assert holds("ForAllValues:StringEquals", TAG, ["red"], {TAG: "red"})
    assert holds("ForAllValues:StringEquals", TAG, ["red"], {})


def test_multivalued_key_without_set_operator_never_matches() -> None:
    """4.4 [O/I]: a multivalued key without a set operator is no-match, even for negated ops."""
    ctx = {AMR: ["authenticated", "accounts.google.com"]}
    assert not holds("StringEquals", AMR, "authenticated", ctx)
    assert not holds("StringLike", AMR, "*", ctx)
    assert not holds("StringNotEquals", AMR, "unauthenticated", ctx)
    assert holds("ForAnyValue:StringEquals", AMR, "authenticated", ctx)


def test_ifexists_with_set_operator() -> None:
    """4.4 [I]: IfExists first (absent -> true), then the set rule."""
    op = "ForAnyValue:StringEqualsIfExists"
    assert holds(op, "aws:TagKeys", ["app"], {})
    assert holds(op, "aws:TagKeys", ["app"], {"aws:TagKeys": ["app", "x"]})
    assert not holds(op, "aws:TagKeys", ["app"], {"aws:TagKeys": ["x"]})


def test_forallvalues_with_null_false_guard() -> None:
    """4.4: AWS's remedy — pair ForAllValues with Null false so an absent key does not pass."""
    cond = {"ForAllValues:StringEquals": {"aws:TagKeys": ["app"]}, "Null": {"aws:TagKeys": "false"}}
    assert not cond_holds(cond, {})
    assert cond_holds(cond, {"aws:TagKeys": ["app"]})


def test_set_operators_case_rules_follow_the_base_operator() -> None:
    """4.4: the base operator decides case sensitivity inside the set test."""
    assert not holds("ForAnyValue:StringEquals", AMR, "Authenticated", {AMR: ["authenticated"]})
    assert holds("ForAnyValue:StringEqualsIgnoreCase", AMR, "Authenticated",
                 {AMR: ["authenticated"]})


# --- 4.6 worked example --------------------------------------------------------------------------

def test_section_4_6_worked_example() -> None:
    """4.6: aud OR, amr ForAnyValue, tier NOR with absent key -> true; tier=trial -> false."""
    cond = {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": ["us-east-1:pool-A",
                                                                "us-east-1:pool-B"]},
        "ForAnyValue:StringLike": {AMR: "authenticated"},
        "StringNotEquals": {"aws:PrincipalTag/tier": ["free", "trial"]},
    }
    ctx = {"cognito-identity.amazonaws.com:aud": "us-east-1:pool-B",
           AMR: ["authenticated", "accounts.google.com"]}
    assert cond_holds(cond, ctx)
    assert not cond_holds(cond, {**ctx, "aws:PrincipalTag/tier": "trial"})


# --- 4.4 as a property ----------------------------------------------------------------------------

_VALUES = st.sampled_from(["a", "b", "c", "A", "a*"])


@settings(max_examples=60, deadline=None)
@given(request=st.lists(_VALUES, max_size=4), allowed=st.lists(_VALUES, min_size=1, max_size=3))
def test_set_operators_are_subset_and_intersection(request: list[str], allowed: list[str]) -> None:
    """4.4: ForAllValues:StringEquals holds iff R is a subset of P (vacuous when R is empty);
    ForAnyValue:StringEquals iff R and P intersect ('*' is literal for StringEquals)."""
    ctx = {"aws:TagKeys": request}
    assert holds("ForAllValues:StringEquals", "aws:TagKeys", allowed, ctx) is (
        set(request) <= set(allowed))
    assert holds("ForAnyValue:StringEquals", "aws:TagKeys", allowed, ctx) is bool(
        set(request) & set(allowed))
