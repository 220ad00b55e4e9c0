"""CloudFormation intrinsics: values resolved with documented placeholders, parameters and
--param overrides; unresolvable values kept as explicit unknowns; located errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.iac.intrinsics import (
    NO_VALUE,
    Resolver,
    TemplateError,
    is_policy_variable,
    parse_params,
)
from policy_eval.document.iac.placeholders import PSEUDO_PARAMETERS
from policy_eval.document.iac.unknown import Unknown
from policy_eval.document.source import load_text
from policy_eval.errors import InputError

TEMPLATE = """\
Parameters:
  Stage: {Type: String, Default: dev}
  Bucket: {Type: String}
  Actions: {Type: CommaDelimitedList, Default: "s3:GetObject,s3:PutObject"}
Mappings:
  Regions:
    us-east-1: {Suffix: use1}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  HasBucket: !Not [!Equals [!Ref Bucket, ""]]
Resources:
  Files:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "notes-${Stage}-files"}
  Unnamed:
    Type: AWS::S3::Bucket
  AuthRole:
    Type: AWS::IAM::Role
    Properties: {RoleName: !Sub "${AWS::StackName}-auth", Path: /app/}
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties: {AllowUnauthenticatedIdentities: false}
  Table:
    Type: AWS::DynamoDB::Table
  Queue:
    Type: AWS::SQS::Queue
  Widget:
    Type: Custom::Widget
"""


def resolver(params: dict[str, str] | None = None, text: str = TEMPLATE) -> Resolver:
    source = load_text(text, "template.yaml")
    return Resolver(source.data, source.location, params)


def value(node: Any, params: dict[str, str] | None = None) -> Any:
    return resolver(params).value(node, "/Resources/X")


def test_pseudo_parameters_have_documented_placeholders() -> None:
    assert value({"Ref": "AWS::AccountId"}) == "123456789012"
    assert value({"Ref": "AWS::Region"}) == "us-east-1"
    assert value({"Ref": "AWS::Partition"}) == "aws"
    assert value({"Ref": "AWS::AccountId"}, {"AWS::AccountId": "111122223333"}) == \
        "111122223333"
    assert set(PSEUDO_PARAMETERS) >= {"AWS::StackName", "AWS::StackId", "AWS::URLSuffix"}


def test_parameters_take_default_then_param_override() -> None:
    assert value({"Ref": "Stage"}) == "dev"
    assert value({"Ref": "Stage"}, {"Stage": "prod"}) == "prod"
    assert value({"Ref": "Actions"}) == ["s3:GetObject", "s3:PutObject"]
    missing = value({"Ref": "Bucket"})
    assert isinstance(missing, Unknown) and "--param Bucket=VALUE" in missing.reason
    assert value({"Ref": "Bucket"}, {"Bucket": "b1"}) == "b1"


def test_resource_references_use_names_or_logical_ids() -> None:
    assert value({"Ref": "Files"}) == "notes-dev-files"
    assert value({"Fn::GetAtt": ["Files", "Arn"]}) == "arn:aws:s3:::notes-dev-files"
    assert value({"Fn::GetAtt": "Unnamed.Arn"}) == "arn:aws:s3:::unnamed"
    assert value({"Fn::GetAtt": ["AuthRole", "Arn"]}) == \
        "arn:aws:iam::123456789012:role/app/policy-eval-stack-auth"
    assert value({"Fn::GetAtt": ["Table", "Arn"]}) == \
        "arn:aws:dynamodb:us-east-1:123456789012:table/Table"
    assert value({"Ref": "Queue"}) == "https://sqs.us-east-1.amazonaws.com/123456789012/Queue"
    pool = value({"Ref": "Pool"})
    assert pool.startswith("us-east-1:") and pool == value({"Ref": "Pool"})   # stable


def test_unknown_types_and_attributes_are_unknown_not_guessed() -> None:
    assert isinstance(value({"Ref": "Widget"}), Unknown)
    assert isinstance(value({"Fn::GetAtt": ["Files", "NoSuchAttribute"]}), Unknown)
    assert isinstance(value({"Fn::ImportValue": "shared-bucket-arn"}), Unknown)
    assert value({"Fn::ImportValue": "shared-bucket-arn"},
                 {"shared-bucket-arn": "arn:aws:s3:::shared"}) == "arn:aws:s3:::shared"
    assert isinstance(value("{{resolve:ssm:/app/bucket}}"), Unknown)
    assert value({"PolicyEval::Unknown": "var.bucket"}) == Unknown("var.bucket",
                                                                   "known only after apply")


def test_sub_join_split_select_findinmap_if() -> None:
    assert value({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Files}/${!literal}"}) == \
        "arn:aws:s3:::notes-dev-files/${literal}"
    assert value({"Fn::Sub": ["${A}-${Files.Arn}", {"A": "x"}]}) == \
        "x-arn:aws:s3:::notes-dev-files"
    assert value({"Fn::Join": [":", ["a", {"Ref": "Stage"}]]}) == "a:dev"
    assert value({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert value({"Fn::Select": [1, {"Ref": "Actions"}]}) == "s3:PutObject"
    assert value({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Suffix"]}) == "use1"
    assert value({"Fn::If": ["IsProd", "p", "d"]}) == "d"
    assert value({"Fn::If": ["IsProd", "p", "d"]}, {"Stage": "prod"}) == "p"
    assert value([1, {"Fn::If": ["IsProd", 2, {"Ref": "AWS::NoValue"}]}]) == [1]
    assert value({"Ref": "AWS::NoValue"}) is NO_VALUE
    unknown_if = value({"Fn::If": ["HasBucket", "a", "b"]})
    assert isinstance(unknown_if, Unknown) and "Bucket" in unknown_if.reason
    assert isinstance(value({"Fn::Join": ["", ["x", {"Ref": "Bucket"}]]}), Unknown)


def test_sub_policy_variables_are_recorded_and_kept_literal() -> None:
    r = resolver()
    out = r.value({"Fn::Sub": "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"},
                  "/Resources/P/Properties/PolicyDocument")
    assert out == "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"
    assert [v.name for v in r.sub_variables] == ["cognito-identity.amazonaws.com:sub"]
    assert r.sub_variables[0].pointer == "/Resources/P/Properties/PolicyDocument/Fn::Sub"
    assert is_policy_variable("aws:username") and is_policy_variable("SAML:sub")
    assert not is_policy_variable("AWS::Partition") and not is_policy_variable("Files.Arn")


def test_errors_are_located_in_the_template() -> None:
    text = TEMPLATE + """\
  Broken:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Resource: !Sub "arn:aws:s3:::${NoSuchThing}/*"
"""
    source = load_text(text, "template.yaml")
    r = Resolver(source.data, source.location)
    ptr = "/Resources/Broken/Properties/PolicyDocument/Statement/0/Resource"
    with pytest.raises(TemplateError) as err:
        r.value(source.data["Resources"]["Broken"]["Properties"]["PolicyDocument"]
                ["Statement"][0]["Resource"], ptr)
    assert err.value.code == "sub-missing-variable"
    assert (err.value.location.line, err.value.location.path) == (len(text.splitlines()),
                                                                  "template.yaml")
    with pytest.raises(TemplateError, match="names no parameter"):
        r.value({"Ref": "Nope"}, "/Resources/X")
    with pytest.raises(TemplateError, match="out of range"):
        r.value({"Fn::Select": [5, ["a"]]}, "/Resources/X")
    with pytest.raises(TemplateError, match="condition functions"):
        r.value({"Fn::Equals": ["a", "b"]}, "/Resources/X")


def test_circular_references_are_errors() -> None:
    text = """\
Resources:
  A: {Type: AWS::IAM::Role, Properties: {RoleName: !Ref B}}
  B: {Type: AWS::IAM::Role, Properties: {RoleName: !GetAtt A.Arn}}
Conditions:
  C1: !Condition C2
  C2: !Condition C1
"""
    r = resolver(text=text)
    with pytest.raises(TemplateError, match="circular reference: A -> B -> A") as err:
        r.value({"Ref": "A"}, "/Outputs/X")
    assert err.value.code == "circular-reference"
    with pytest.raises(TemplateError, match="circular reference"):
        r.value({"Fn::If": ["C1", 1, 2]}, "/Outputs/X")


def test_param_items() -> None:
    assert parse_params(["Stage=prod", "AWS::Region=eu-west-1", "A=b=c"]) == \
        {"Stage": "prod", "AWS::Region": "eu-west-1", "A": "b=c"}
    with pytest.raises(InputError, match="KEY=VALUE"):
        parse_params(["Stage"])


_NAMES = st.sampled_from(["Ref", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split",
                          "Fn::GetAtt", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64",
                          "Fn::Equals", "Fn::Length", "Fn::ToJsonString", "Condition"])
_LEAVES = st.one_of(st.sampled_from(["Stage", "Files", "Files.Arn", "IsProd", "Bucket",
                                     "${Stage}", "${Nope}", "AWS::NoValue", ","]),
                    st.integers(-2, 3), st.none(), st.booleans())
_NODES = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.builds(lambda k, v: {k: v}, _NAMES, inner)), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_NODES)
def test_resolution_never_crashes(node: Any) -> None:
    """Any nesting of intrinsics resolves, or raises a located TemplateError."""
    try:
        out = resolver().value(node, "/Resources/X")
    except TemplateError as exc:
        assert exc.location.path == "template.yaml"
    else:
        json.dumps(out, default=str)
