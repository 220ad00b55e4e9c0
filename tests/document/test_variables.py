"""Policy-variable templates (spec §3.1): the regex fast path agrees with the lark grammar
on every string, and malformed variables get a precise error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.variables import (
    Literal,
    Text,
    Variable,
    VariableSyntaxError,
    parse_template,
    parse_template_with_grammar,
)

pieces = st.sampled_from(["${", "}", "$", "{", ",", "'", " ", "aws:username", "x", "*", "?",
                          "${aws:PrincipalTag/team, 'a-b'}", "${*}", "${$}", ":", "/"])


def _outcome(fn, value):  # type: ignore[no-untyped-def]
    try:
        return fn(value)
    except VariableSyntaxError:
        return "error"


@given(st.lists(pieces, max_size=8).map("".join))
@settings(max_examples=2000)
def test_fast_path_agrees_with_grammar(value: str) -> None:
    parse_template.cache_clear()
    assert _outcome(parse_template, value) == _outcome(parse_template_with_grammar, value)


def test_parts() -> None:
    assert parse_template("arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*") == (
        Text("arn:aws:s3:::b/"), Variable("cognito-identity.amazonaws.com:sub", None), Text("/*"))
    assert parse_template("${aws:PrincipalTag/team, 'company-wide'}") == (
        Variable("aws:PrincipalTag/team", "company-wide"),)
    assert parse_template("a${*}b${?}${$}") == (
        Text("a"), Literal("*"), Text("b"), Literal("?"), Literal("$"))
    assert parse_template("$5 and $x") == (Text("$5 and $x"),)


@pytest.mark.parametrize(("value", "message"), [
    ("${aws:username", "missing its closing '}'"),
    ("${}", "empty policy variable"),
    ("${a, x}", "default value"),
    ("x${a${b}}", "malformed policy variable"),
])
def test_syntax_errors(value: str, message: str) -> None:
    with pytest.raises(VariableSyntaxError) as info:
        parse_template(value)
    assert message in info.value.message
