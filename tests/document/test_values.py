"""Condition values: one parser per operator family, and the engine and the linter agree.

Each row of :data:`VALUES` is a policy value under an ``...Equals``-style operator, a
request value that would match it if the value were read, and whether AWS accepts the
value (``policy_eval.document.values`` cites the docs per family). The same row is checked
three ways: the family parser, the engine (the condition matches or not) and the linter
(CND005 reports the value or not).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policy_eval as pe
from policy_eval.document.model import check_policy
from policy_eval.document.source import load_text
from policy_eval.document.values import (
    condition_value_text,
    parse_date,
    parse_number,
    readable,
    value_problem,
)
from policy_eval.lint.rule import Target
from policy_eval.lint.rules.conditions import MalformedConditionValue

#: (operator, key, policy value, request value, accepted by AWS)
VALUES: list[tuple[str, str, Any, Any, bool]] = [
    # Numeric: "an integer or decimal value"
    ("NumericEquals", "s3:max-keys", "10", "10", True),
    ("NumericEquals", "s3:max-keys", "-3", "-3", True),
    ("NumericEquals", "s3:max-keys", "0.5", "0.50", True),
    ("NumericEquals", "s3:max-keys", 10, "10", True),
    ("NumericEquals", "s3:max-keys", 0.5, "0.5", True),
    ("NumericEquals", "s3:max-keys", 1e16, "10000000000000000", True),
    ("NumericEquals", "s3:max-keys", 1e-05, "0.00001", True),
    ("NumericEquals", "s3:max-keys", "1e3", "1000", False),
    ("NumericEquals", "s3:max-keys", "+5", "5", False),
    ("NumericEquals", "s3:max-keys", "1_000", "1000", False),
    ("NumericEquals", "s3:max-keys", "5.", "5", False),
    ("NumericEquals", "s3:max-keys", ".5", "0.5", False),
    ("NumericEquals", "s3:max-keys", "0x10", "16", False),
    ("NumericEquals", "s3:max-keys", "NaN", "NaN", False),
    ("NumericEquals", "s3:max-keys", "Infinity", "Infinity", False),
    ("NumericEquals", "s3:max-keys", " 5", "5", False),
    # Date: W3C ISO 8601 profiles or epoch seconds
    ("DateEquals", "aws:CurrentTime", "2026", "2026-01-01T00:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-02", "2026-02-01T00:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-01-31", "2026-01-31T00:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T10:00Z", "2026-01-31T10:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T12:00:00+02:00", "2026-01-31T10:00:00Z",
     True),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T10:00:00.5Z", "2026-01-31T10:00:00.500Z",
     True),
    ("DateEquals", "aws:CurrentTime", "2020-02-29", "2020-02-29T00:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "1768478400", "2026-01-15T12:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-13-01", "2026-13-01", False),
    ("DateEquals", "aws:CurrentTime", "2020-02-30", "2020-02-30", False),
    ("DateEquals", "aws:CurrentTime", "2021-02-29", "2021-02-29", False),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T10:00", "2026-01-31T10:00", False),
    ("DateEquals", "aws:CurrentTime", "2026-01-31 10:00:00Z", "2026-01-31 10:00:00Z", False),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T24:00:00Z", "2026-01-31T24:00:00Z", False),
    ("DateEquals", "aws:CurrentTime", "2026-01-31t10:00:00z", "2026-01-31t10:00:00z", False),
    ("DateEquals", "aws:CurrentTime", "2026-01-31T10:00:00+24:00", "2026-01-31T10:00:00Z",
     False),
    ("DateEquals", "aws:CurrentTime", "-5", "-5", False),
    ("DateEquals", "aws:CurrentTime", "1.5", "1.5", False),
    ("DateEquals", "aws:CurrentTime", "yesterday", "yesterday", False),
    # Bool: true or false
    ("Bool", "aws:SecureTransport", "true", "true", True),
    ("Bool", "aws:SecureTransport", "FALSE", "false", True),
    ("Bool", "aws:SecureTransport", True, "true", True),
    ("Bool", "aws:SecureTransport", "yes", "yes", False),
    ("Bool", "aws:SecureTransport", "1", "1", False),
    ("Bool", "aws:SecureTransport", " true", " true", False),
    # IpAddress: standard CIDR, a bare address is /32 (/128)
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.9", True),
    ("IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "aws:SourceIp", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
    ("IpAddress", "aws:SourceIp", "2001:db8::1", "2001:db8::1", True),
    ("IpAddress", "aws:SourceIp", "10.0.0.1/16", "10.0.200.1", True),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/255.255.0.0", "10.0.0.1", False),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/33", "10.0.0.1", False),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/024", "10.0.0.1", False),
    ("IpAddress", "aws:SourceIp", "010.0.0.1", "10.0.0.1", False),
    ("IpAddress", "aws:SourceIp", "fe80::1%eth0", "fe80::1", False),
    ("IpAddress", "aws:SourceIp", "10.0.0", "10.0.0.0", False),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8 ", "10.0.0.1", False),
    # Arn: six components, each globbed
    ("ArnLike", "aws:SourceArn", "*", "arn:aws:iam::111122223333:role/app", True),
    ("ArnLike", "aws:SourceArn", "arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/app",
     True),
    ("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket", True),
    ("ArnLike", "aws:SourceArn", "arn:aws:iam::*", "arn:aws:iam::111122223333:role/app", False),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3", "arn:aws:s3:::bucket", False),
    # Binary: base64
    ("BinaryEquals", "aws:PrincipalTag/blob", "QmluYXJ5", "QmluYXJ5", True),
    ("BinaryEquals", "aws:PrincipalTag/blob", "not base64!", "not base64!", False),
    ("BinaryEquals", "aws:PrincipalTag/blob", "QmluYXJ", "QmluYXJ", False),
]


def _condition_matches(operator: str, key: str, policy_value: Any, request_value: Any) -> bool:
    ps = pe.PolicySet(identity=[{
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::example-bucket/*",
                       "Condition": {operator: {key: policy_value}}}]}])
    decision = ps.evaluate(pe.Request("s3:GetObject", "arn:aws:s3:::example-bucket/photo.jpg",
                                      context={key: request_value}))
    return decision.allowed


def _linter_reports(operator: str, key: str, policy_value: Any) -> bool:
    doc = {"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                          "Resource": "arn:aws:s3:::example-bucket/*",
                          "Condition": {operator: {key: policy_value}}}]}
    source = load_text(json.dumps(doc), "policy.json")
    parsed, errors = check_policy(source.data, kind="identity", source=source)
    target = Target("identity", source, "", source.data, parsed, errors, {})
    return bool(list(MalformedConditionValue().check(target)))


_FAMILIES = {"NumericEquals": "Numeric", "DateEquals": "Date", "Bool": "Bool",
             "IpAddress": "IpAddress", "ArnLike": "Arn", "ArnEquals": "Arn",
             "BinaryEquals": "Binary"}


@pytest.mark.parametrize("operator,key,policy_value,request_value,accepted", VALUES,
                         ids=[f"{r[0]}-{r[2]!r}" for r in VALUES])
def test_engine_and_linter_read_a_value_alike(operator: str, key: str, policy_value: Any,
                                              request_value: Any, accepted: bool) -> None:
    text = condition_value_text(policy_value)
    family = _FAMILIES[operator]
    assert readable(family, text) is accepted
    assert (value_problem(family, text) is None) is accepted
    assert _condition_matches(operator, key, policy_value, request_value) is accepted
    assert _linter_reports(operator, key, policy_value) is (not accepted)


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=3))
def test_plain_decimals_read_back(value: Any) -> None:
    """Every plain decimal spelling is a number with the same value."""
    text = format(value, "f")
    assert parse_number(text) == value


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.just(timezone.utc)))
def test_w3c_seconds_form_agrees_with_epoch(moment: datetime) -> None:
    """A moment written as W3C date-time and as epoch seconds is the same date."""
    moment = moment.replace(microsecond=0)
    w3c = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    epoch = str(int(moment.timestamp()))
    assert parse_date(w3c) == parse_date(epoch)
