"""``aws iam get-account-authorization-details`` -> CloudFormation-shaped documents."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.iac import read_templates, reader_for
from policy_eval.document.iac.account_export import logical_id, read_account_export
from policy_eval.document.source import load_file, parse_json

EXPORT = Path(__file__).resolve().parents[3] / "fixtures" / "iac" / "export" / \
    "notes-app.json"


def extract(path: Path = EXPORT, text: str | None = None):
    source = load_file(path) if text is None else parse_json(text, str(path))
    reader = reader_for(path, source.data)
    assert reader is not None and reader.name == "account-export"
    [extraction] = read_templates(reader, path, source)
    return extraction


def test_the_whole_export_is_read_with_real_arns() -> None:
    extraction = extract()
    view = extraction.view.data
    roles = {r["RoleName"]: r for r in view["IamRoles"]}
    assert set(roles) == {"notes-app-dev-authenticated", "notes-app-dev-editor",
                          "notes-app-dev-guest", "notes-api"}
    assert roles["notes-api"]["Arn"] == "arn:aws:iam::111122223333:role/service/notes-api"
    assert roles["notes-app-dev-editor"]["AttachedManagedPolicies"] == [
        {"PolicyArn": "arn:aws:iam::111122223333:policy/notes-app-dev-user-access"}]
    assert roles["notes-api"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == \
        "arn:aws:iam::111122223333:policy/notes-service-boundary"
    [user] = view["UserDetailList"]
    assert user["UserPolicyList"][0]["PolicyName"] == "pass-notes-roles"
    [group] = view["GroupDetailList"]
    assert group["AttachedManagedPolicies"] == [
        {"PolicyArn": "arn:aws:iam::111122223333:policy/notes-operators"}]


def test_only_the_default_version_of_a_managed_policy_is_read() -> None:
    view = extract().view.data
    operators = next(p for p in view["ManagedPolicies"]
                     if p["Arn"].endswith("policy/notes-operators"))
    [version] = operators["PolicyVersionList"]
    assert version["Document"]["Statement"][0]["Sid"] == "OperateNotes"


def test_aws_managed_policies_missing_from_the_export_are_not_analysed() -> None:
    extraction = extract()
    messages = [note.message for note in extraction.notes]
    assert any("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in m
               and "not analysed" in m for m in messages)
    source = extraction.source.data["Resources"]["role:notes-api"]["Properties"]
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in \
        source["ManagedPolicyArns"]


def test_elements_are_located_in_the_export_and_named_by_arn() -> None:
    extraction = extract()
    lines = EXPORT.read_text().splitlines()
    loc = extraction.view.location("/IamRoles/0/AssumeRolePolicyDocument/Statement/0/Condition")
    assert loc.resource == "arn:aws:iam::111122223333:role/notes-app-dev-authenticated"
    assert lines[loc.line - 1].strip().startswith('"Condition"')
    assert Path(loc.path).name == EXPORT.name


def test_url_encoded_documents_and_bad_shapes() -> None:
    data = json.loads(EXPORT.read_text())
    role = data["RoleDetailList"][0]
    role["AssumeRolePolicyDocument"] = urllib.parse.quote(
        json.dumps(role["AssumeRolePolicyDocument"]))
    data["RoleDetailList"][1]["RolePolicyList"] = [
        {"PolicyName": "broken", "PolicyDocument": "%7Bnot json"}]
    extraction = extract(Path("export.json"), json.dumps(data, indent=2))
    assert extraction.view.data["IamRoles"][0]["AssumeRolePolicyDocument"]["Version"] == \
        "2012-10-17"
    [error] = [e for e in extraction.errors if e.code == "json-syntax"]
    assert error.location.line is not None
    document, errors = read_account_export(parse_json('{"RoleDetailList": {}, "Policies": []}',
                                                      "x.json"))
    assert document is None and errors[0].code == "invalid-export"


def test_logical_ids() -> None:
    assert logical_id("arn:aws:iam::111122223333:role/service/notes-api") == "role:notes-api"
    assert logical_id("arn:aws:iam::aws:policy/ReadOnlyAccess") == "aws-policy:ReadOnlyAccess"
    assert logical_id("arn:aws:iam::111122223333:policy/a/b/p") == "policy:p"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["Arn", "RoleName", "AssumeRolePolicyDocument", "RolePolicyList",
                         "PolicyDocument", "AttachedManagedPolicies", "PolicyArn",
                         "PermissionsBoundary", "PolicyVersionList", "Document",
                         "IsDefaultVersion", "GroupList"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(_JSON, max_size=3), st.lists(_JSON, max_size=2), st.lists(_JSON, max_size=2))
def test_any_export_gives_a_document_or_located_errors(roles: list, users: list,
                                                       policies: list) -> None:
    text = json.dumps({"RoleDetailList": roles, "UserDetailList": users,
                       "GroupDetailList": [], "Policies": policies})
    extraction = extract(Path("export.json"), text)
    json.dumps(extraction.view.data)
