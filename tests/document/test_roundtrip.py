"""Parse -> serialise -> parse round-trips (spec §1.4 normalisation)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.model import parse_policy
from policy_eval.document.operators import OPERATORS
from policy_eval.document.source import parse_json
from policy_eval.document.variables import parse_template, render

text = st.text(alphabet="abc:/*?-_ .", max_size=8)
variable = st.builds(lambda k, d: "${" + k + (f", '{d}'" if d is not None else "") + "}",
                     st.sampled_from(["aws:username", "cognito-identity.amazonaws.com:sub",
                                      "aws:PrincipalTag/team", "*", "?", "$"]),
                     st.one_of(st.none(), st.text(alphabet="xyz-", max_size=4)))
template = st.lists(st.one_of(text, variable), max_size=4).map("".join)

operator_names = st.sampled_from(
    [op.name for op in OPERATORS.values()]
    + [f"ForAllValues:{op.name}" for op in OPERATORS.values() if op.family != "Null"]
    + [f"ForAnyValue:{op.name}IfExists" for op in OPERATORS.values() if op.family != "Null"])
values = st.one_of(st.text(max_size=6), st.lists(st.text(max_size=6), min_size=1, max_size=3))
conditions = st.dictionaries(operator_names,
                             st.dictionaries(st.sampled_from(["aws:SourceIp", "s3:prefix",
                                                              "aws:PrincipalTag/x"]), values,
                                             min_size=1, max_size=2), max_size=2)
principal = st.one_of(st.just("*"), st.fixed_dictionaries(
    {"AWS": st.lists(st.sampled_from(["111122223333", "arn:aws:iam::111122223333:root"]),
                     min_size=1, max_size=2)}))


@st.composite
def statements(draw: st.DrawFn) -> dict:
    stmt: dict = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    if draw(st.booleans()):
        stmt["Sid"] = draw(st.text(alphabet="abc123", min_size=1, max_size=5))
    stmt[draw(st.sampled_from(["Action", "NotAction"]))] = draw(
        st.lists(st.sampled_from(["s3:GetObject", "s3:*", "*", "iam:Pass?ole"]), min_size=1,
                 max_size=3))
    stmt[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(
        st.lists(template.map(lambda t: "arn:aws:s3:::b/" + t.replace("${", "x")), min_size=1,
                 max_size=2))
    if draw(st.booleans()):
        stmt["Principal"] = draw(principal)
    cond = draw(conditions)
    if cond:
        stmt["Condition"] = cond
    return stmt


documents = st.builds(lambda v, ss: {**({"Version": v} if v else {}), "Statement": ss},
                      st.sampled_from(["2012-10-17", "2008-10-17", None]),
                      st.lists(statements(), min_size=1, max_size=3))


@given(documents)
@settings(max_examples=300)
def test_parse_serialise_parse(doc: dict) -> None:
    first = parse_policy(doc)
    second = parse_policy(first.to_json())
    assert second == first
    # and through JSON text with locations
    reread = parse_json(json.dumps(first.to_json(), indent=2), "p.json")
    assert parse_policy(reread.data, source=reread).statements == first.statements


@given(template)
def test_variable_templates_round_trip(value: str) -> None:
    assert render(parse_template(value)) == value or "${" in value
    assert parse_template(render(parse_template(value))) == parse_template(value)
