"""Request construction (spec §0): validation of action and resource, folding of the
context (keys case-insensitive, values str / tuple of str), and the located errors."""

from __future__ import annotations

import pytest

import policy_eval as pe
from policy_eval.errors import RequestError


@pytest.mark.parametrize("action", ["s3GetObject", "s3:Get:Object", ":GetObject", "s3:",
                                    "s3 :GetObject", 5, None])
def test_malformed_action_is_refused(action: object) -> None:
    with pytest.raises(RequestError) as info:
        pe.Request(action, "*")  # type: ignore[arg-type]
    assert info.value.location.pointer == "/action"


@pytest.mark.parametrize("resource", ["arn:aws:s3", "arn::s3:::b", "arn:aws::::x",
                                      "arn:aws:s3:::", "bucket/key", 7])
def test_malformed_resource_is_refused(resource: object) -> None:
    with pytest.raises(RequestError) as info:
        pe.Request("s3:GetObject", resource)  # type: ignore[arg-type]
    assert info.value.location.pointer == "/resource"


def test_wildcard_characters_in_an_arn_are_literal() -> None:
    """Spec §7 case 9: S3 keys may hold '*' and '?'."""
    assert pe.Request("s3:GetObject", "arn:aws:s3:::b/*x?").resource == "arn:aws:s3:::b/*x?"


def test_context_is_folded() -> None:
    req = pe.Request("s3:GetObject", "*", None,
                     {"AWS:SecureTransport": True, "s3:Max-Keys": 10,
                      "dynamodb:LeadingKeys": ["a", 1, False], "Single": ["x"]})
    assert req._context == {"aws:securetransport": "true", "s3:max-keys": "10",
                            "dynamodb:leadingkeys": ("a", "1", "false"), "single": ("x",)}
    assert req.context["AWS:SecureTransport"] is True      # as given, for explanations


@pytest.mark.parametrize("value", [{"a": 1}, [["nested"]], [{"a": 1}], object()])
def test_unusable_context_values_are_refused(value: object) -> None:
    with pytest.raises(RequestError) as info:
        pe.Request("s3:GetObject", "*", None, {"k": value})
    assert info.value.location.pointer == "/context/k"
