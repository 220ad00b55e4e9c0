"""CloudFormation/SAM/CDK templates -> the located AWS API shapes (the view)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.iac import (
    extract_template,
    read_templates,
    reader_for,
    reader_named,
)
from policy_eval.document.iac.cloudformation import TemplateExtraction
from policy_eval.document.iac.detect import is_cdk_manifest, is_cloudformation
from policy_eval.document.source import load_file, load_text
from policy_eval.errors import join_pointer

REPO = Path(__file__).resolve().parents[3]
IAC = REPO / "fixtures" / "iac"
NOTES_YAML = IAC / "cloudformation" / "notes-app.yaml"
NOTES_JSON = IAC / "cloudformation" / "notes-app.json"


def extract(path: Path, params: dict[str, str] | None = None) -> TemplateExtraction:
    source = load_file(path)
    return extract_template(source, params)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("path", [NOTES_YAML, NOTES_JSON], ids=["yaml", "json"])
def test_notes_stack_view(path: Path) -> None:
    ex = extract(path)
    assert ex.has_pool and not ex.errors and not ex.unknowns and not ex.empty
    view = ex.view.data
    roles = {r["RoleName"]: r for r in view["IamRoles"]}
    assert set(roles) == {"notes-app-dev-authenticated", "notes-app-dev-editor",
                          "notes-app-dev-guest"}
    auth = roles["notes-app-dev-authenticated"]
    assert auth["Arn"] == "arn:aws:iam::123456789012:role/notes-app-dev-authenticated"
    assert auth["AttachedManagedPolicies"] == [
        {"PolicyArn": "arn:aws:iam::123456789012:policy/notes-app-dev-user-access"}]
    assert [p["PolicyName"] for p in auth["RolePolicyList"]] == ["ReadPublicFiles"]
    # the AWS::IAM::Policy resource is an inline policy of the role it names
    assert [p["PolicyName"] for p in roles["notes-app-dev-editor"]["RolePolicyList"]] == \
        ["PublishPublicFiles"]
    trust = auth["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    assert trust["StringEquals"]["cognito-identity.amazonaws.com:aud"] == \
        view["IdentityPool"]["IdentityPoolId"]
    assert view["Roles"] == {"authenticated": auth["Arn"],
                             "unauthenticated": roles["notes-app-dev-guest"]["Arn"]}
    [(provider, mapping)] = view["RoleMappings"].items()
    assert provider.startswith("cognito-idp.us-east-1.amazonaws.com/us-east-1_")
    assert mapping["RulesConfiguration"]["Rules"][0]["RoleARN"] == \
        roles["notes-app-dev-editor"]["Arn"]
    own_files = view["ManagedPolicies"][0]["PolicyVersionList"][0]["Document"]["Statement"][1]
    assert own_files["Resource"] == \
        "arn:aws:s3:::notes-app-dev-files/private/${cognito-identity.amazonaws.com:sub}/*"
    [bucket_policy] = view["ResourcePolicies"]
    assert bucket_policy["ResourceName"] == "FilesBucketPolicy"
    assert ex.policies == 8 and ex.iam_resources == 8   # 7 IAM/Cognito + the bucket policy


@pytest.mark.parametrize("path", [NOTES_YAML, NOTES_JSON], ids=["yaml", "json"])
def test_view_locations_are_the_templates_own_lines(path: Path) -> None:
    ex = extract(path)
    loc = ex.view.location("/ManagedPolicies/0/PolicyVersionList/0/Document/Statement/1")
    assert loc.path == str(path)
    # the statement's first line: its "{" in JSON, its "- Sid:" item in YAML
    assert loc.line == (line_of(path, '"Sid": "OwnFiles"') - 1 if path.suffix == ".json"
                        else line_of(path, "Sid: OwnFiles"))
    assert loc.pointer == "/Resources/NotesUserAccess/Properties/PolicyDocument/Statement/1"
    assert loc.resource == "NotesUserAccess"
    rules = ex.view.location(join_pointer("/RoleMappings", next(iter(
        ex.view.data["RoleMappings"])), "RulesConfiguration", "Rules", 0, "Value"))
    assert rules.line == line_of(path, "editors")
    assert rules.resource == "IdentityPoolRoles"


def test_parameters_change_the_view() -> None:
    ex = extract(NOTES_YAML, {"Stage": "prod", "AWS::AccountId": "111122223333"})
    arns = [r["Arn"] for r in ex.view.data["IamRoles"]]
    assert "arn:aws:iam::111122223333:role/notes-app-prod-authenticated" in arns


def test_cdk_assembly_names_construct_paths() -> None:
    manifest = IAC / "cdk.out" / "manifest.json"
    source = load_file(manifest)
    assert is_cdk_manifest(source.data) and not is_cloudformation(source.data)
    reader = reader_for(manifest, source.data)
    assert reader is not None and reader.name == "cdk-assembly"
    [ex] = read_templates(reader, manifest, source)
    assert ex.has_pool and ex.policies == 8
    loc = ex.view.location("/IamRoles/0/AssumeRolePolicyDocument/Statement/0")
    assert loc.resource == "NotesAppStack/AuthRole/Resource"
    # the same stack read from the folder
    [again] = read_templates(reader_named("cdk-assembly"), IAC / "cdk.out", None)  # type: ignore[arg-type]
    assert again.view.data == ex.view.data


def test_cdk_paths_come_from_the_manifest_when_metadata_is_off(tmp_path: Path) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    template = load_file(IAC / "cdk.out" / "NotesAppStack.template.json").data
    for resource in template["Resources"].values():
        resource.pop("Metadata", None)
    import json
    (out / "NotesAppStack.template.json").write_text(json.dumps(template))
    (out / "manifest.json").write_text((IAC / "cdk.out" / "manifest.json").read_text())
    [ex] = read_templates(reader_named("cdk-assembly"), out, None)  # type: ignore[arg-type]
    assert ex.labels["AuthRole8C5E2F1A"] == "NotesAppStack/AuthRole/Resource"


def test_sam_function_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    from policy_eval.document.iac import sam
    monkeypatch.setattr(sam, "policy_templates", lambda: None)  # as without the sam extra
    ex = extract(IAC / "sam" / "notes-api.yaml")
    roles = {r["RoleName"]: r for r in ex.view.data["IamRoles"]}
    assert set(roles) == {"ListNotesFunctionRole", "ExportNotesFunctionRole"}
    trust = roles["ListNotesFunctionRole"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    [inline] = roles["ListNotesFunctionRole"]["RolePolicyList"]
    assert inline["PolicyDocument"]["Statement"][0]["Resource"] == \
        "arn:aws:dynamodb:us-east-1:123456789012:table/notes-app-dev-notes"
    messages = [n.message for n in ex.notes if n.not_analysed]
    assert any("AWSLambdaBasicExecutionRole" in m for m in messages)
    assert any("DynamoDBReadPolicy" in m for m in messages)
    types = {p["ResourceType"] for p in ex.view.data["ResourcePolicies"]}
    assert types == {"AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"}
    assert ex.view.data["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyName"] == \
        "ReadExports"


def test_sam_policy_templates_expand_from_the_translator_definitions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from policy_eval.document.iac import sam
    definitions = {"DynamoDBReadPolicy": {
        "Parameters": {"TableName": {}},
        "Definition": {"Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem"],
                                      "Resource": {"Fn::Sub": [
                                          "arn:${AWS::Partition}:dynamodb:${AWS::Region}:"
                                          "${AWS::AccountId}:table/${tableName}",
                                          {"tableName": {"Ref": "TableName"}}]}}]}}}
    monkeypatch.setattr(sam, "policy_templates", lambda: definitions)
    ex = extract(IAC / "sam" / "notes-api.yaml")
    role = next(r for r in ex.view.data["IamRoles"] if r["RoleName"] == "ListNotesFunctionRole")
    expanded = role["RolePolicyList"][0]["PolicyDocument"]
    assert expanded["Statement"][0]["Resource"] == \
        "arn:aws:dynamodb:us-east-1:123456789012:table/notes-app-dev-notes"
    assert ex.view.location("/IamRoles/0/RolePolicyList/0/PolicyDocument").line == \
        line_of(IAC / "sam" / "notes-api.yaml", "DynamoDBReadPolicy:")


def test_unknown_types_skipped_and_empty_templates_flagged() -> None:
    source = load_text('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {'
                       '"Topic": {"Type": "AWS::SNS::Topic"}, '
                       '"Thing": {"Type": "Custom::Thing", "Properties": {"A": 1}}}}',
                       "topics.json")
    ex = extract_template(source)
    assert ex.empty and ex.policies == 0 and not ex.errors


def test_a_template_with_only_a_resource_policy_is_checked() -> None:
    text = """\
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject",
                     Resource: !Sub "${Bucket.Arn}/*"}]
"""
    ex = extract_template(load_text(text, "site.yaml"))
    assert not ex.empty and ex.policies == 1
    assert ex.view.data["ResourcePolicies"][0]["PolicyDocument"]["Statement"][0][
        "Resource"] == "arn:aws:s3:::bucket/*"


def test_conditional_resources_follow_parameters() -> None:
    text = """\
Parameters:
  WithAdmin: {Type: String, Default: "no"}
Conditions:
  Admin: !Equals [!Ref WithAdmin, "yes"]
Resources:
  AdminPolicy:
    Type: AWS::IAM::ManagedPolicy
    Condition: Admin
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
"""
    off = extract_template(load_text(text, "t.yaml"))
    assert off.empty and "not created" in off.notes[0].message
    on = extract_template(load_text(text, "t.yaml"), {"WithAdmin": "yes"})
    assert on.policies == 1


def test_bad_templates_give_located_errors_and_keep_the_rest() -> None:
    text = """\
Resources:
  Good:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
  Bad:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Resource: !Sub "arn:aws:s3:::${Missing}/*"
            Effect: Allow
            Action: s3:GetObject
  NoType:
    Properties: {}
"""
    ex = extract_template(load_text(text, "t.yaml"))
    codes = sorted(e.code for e in ex.errors)
    assert codes == ["invalid-template", "sub-missing-variable"]
    sub = next(e for e in ex.errors if e.code == "sub-missing-variable")
    assert (sub.location.line, sub.location.resource) == (14, "Bad")
    assert ex.policies == 2 and len(ex.view.data["ManagedPolicies"]) == 1


_TYPES = st.sampled_from(["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                          "AWS::IAM::User", "AWS::IAM::Group", "AWS::Serverless::Function",
                          "AWS::S3::BucketPolicy", "AWS::KMS::Key", "AWS::Cognito::IdentityPool",
                          "AWS::Cognito::IdentityPoolRoleAttachment",
                          "AWS::Cognito::IdentityPoolPrincipalTag", "AWS::SNS::Topic"])
_VALUES = st.recursive(
    st.one_of(st.sampled_from(["A", "B", "*", "s3:GetObject", "arn:aws:s3:::b/*", "true"]),
              st.builds(lambda n: {"Ref": n}, st.sampled_from(["A", "B", "P", "AWS::NoValue"])),
              st.builds(lambda n: {"Fn::GetAtt": [n, "Arn"]}, st.sampled_from(["A", "B"])),
              st.builds(lambda t: {"Fn::Sub": t}, st.sampled_from(
                  ["${A}", "${P}/x", "${aws:username}", "${Nope}"])),
              st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from([
                                "Statement", "Effect", "Action", "Resource", "Roles",
                                "PolicyDocument", "AssumeRolePolicyDocument", "Policies",
                                "Roles", "RoleMappings", "IdentityPoolId", "ManagedPolicyArns",
                                "KeyPolicy", "PrincipalTags"]), inner, max_size=4)),
    max_leaves=10)
_PROPS = st.dictionaries(st.sampled_from([
    "PolicyDocument", "AssumeRolePolicyDocument", "Policies", "Roles", "Users", "Groups",
    "RoleName", "ManagedPolicyArns", "PermissionsBoundary", "KeyPolicy", "IdentityPoolId",
    "RoleMappings", "AllowUnauthenticatedIdentities", "PrincipalTags",
    "IdentityProviderName"]), _VALUES, max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["A", "B", "C"]), st.fixed_dictionaries(
    {"Type": _TYPES, "Properties": _PROPS}), min_size=1, max_size=3))
def test_extraction_never_crashes(resources: dict) -> None:
    """Any mix of resources and property values gives a view and located errors, never an
    exception; the view's pointers all resolve to locations."""
    import json as _json
    text = _json.dumps({"Parameters": {"P": {"Type": "String"}}, "Resources": resources})
    ex = extract_template(load_text(text, "t.json"))
    for error in ex.errors:
        assert error.location.path == "t.json"
    _json.dumps(ex.view.data)
    ex.view.location("/IamRoles/0/AssumeRolePolicyDocument")


@pytest.mark.parametrize("roles", [{"Fn::Sub": "${Nope}"}, {"Ref": "B"}])
def test_managed_policy_naming_an_unknown_role_is_a_located_error(roles: dict) -> None:
    """An unresolvable ``Roles`` of a managed policy (found by the property above)."""
    import json as _json
    text = _json.dumps({"Resources": {"A": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
        "PolicyDocument": [], "Roles": roles}}}})
    ex = extract_template(load_text(text, "t.json"))
    assert [e.location.pointer for e in ex.errors if "Roles" in e.location.pointer] == [
        "/Resources/A/Properties/Roles/" + next(iter(roles))]


def test_sam_function_with_an_empty_policy_entry_is_noted_not_a_crash() -> None:
    """``Policies: {}`` (found by the property above): a located "not analysed" note."""
    import json as _json
    text = _json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": {}}}}})
    ex = extract_template(load_text(text, "t.json"))
    assert any(n.not_analysed and n.pointer == "/Resources/Fn/Properties/Policies"
               for n in ex.notes)


def test_sam_policy_templates_expand_with_the_installed_translator() -> None:
    from policy_eval.document.iac import sam
    if sam.policy_templates() is None:
        pytest.skip("aws-sam-translator (the sam extra) is not installed")
    ex = extract(IAC / "sam" / "notes-api.yaml")
    role = next(r for r in ex.view.data["IamRoles"] if r["RoleName"] == "ListNotesFunctionRole")
    statements = [s for p in role["RolePolicyList"] for s in p["PolicyDocument"]["Statement"]]
    assert any("dynamodb:GetItem" in s["Action"] for s in statements)
    assert not any("DynamoDBReadPolicy" in n.message for n in ex.notes if n.not_analysed)
