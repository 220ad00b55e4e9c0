"""``terraform show -json`` plans and states -> CloudFormation-shaped documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.iac import read_templates, reader_for
from policy_eval.document.iac.terraform import read_show_json
from policy_eval.document.source import load_file, parse_json
from policy_eval.errors import PolicyEvalError

PLAN = Path(__file__).resolve().parents[3] / "fixtures" / "iac" / "terraform" / \
    "notes-app.plan.json"


def extraction_of(data: dict, path: str = "plan.json"):
    source = parse_json(json.dumps(data, indent=2), path)
    [extraction] = read_templates(reader_for(path, source.data), Path(path), source)
    return extraction


def test_plan_fixture_is_a_pool_with_real_identifiers() -> None:
    source = load_file(PLAN)
    assert reader_for(PLAN, source.data).name == "terraform-show"
    [extraction] = read_templates(reader_for(PLAN, source.data), PLAN, source)
    assert extraction.errors == [] and extraction.notes == [] and extraction.has_pool
    view = extraction.view.data
    assert view["IdentityPool"]["IdentityPoolId"] == \
        "us-east-1:7c0f3f0e-5b8a-4d2e-9a61-3c4b5d6e7f80"
    assert view["Roles"] == {
        "authenticated": "arn:aws:iam::111122223333:role/notes-app-dev-authenticated",
        "unauthenticated": "arn:aws:iam::111122223333:role/notes-app-dev-guest"}
    roles = {r["RoleName"]: r for r in view["IamRoles"]}
    # the role lists its aws_iam_role_policy too (as a state does): kept once
    assert [p["PolicyName"] for p in roles["notes-app-dev-editor"]["RolePolicyList"]] == \
        ["PublishPublicFiles"]
    assert roles["notes-app-dev-editor"]["AttachedManagedPolicies"] == [
        {"PolicyArn": "arn:aws:iam::111122223333:policy/notes-app-dev-user-access"}]
    mapping = view["RoleMappings"][
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E:6k2r9q5t8v3x1z4b7d0f2h4j6m"]
    assert mapping["RulesConfiguration"]["Rules"][0]["RoleARN"] == \
        "arn:aws:iam::111122223333:role/notes-app-dev-editor"
    index = list(roles).index("notes-app-dev-guest")
    loc = extraction.view.location(f"/IamRoles/{index}/RolePolicyList/0/PolicyDocument")
    assert (Path(loc.path).name, loc.resource) == ("notes-app.plan.json", "aws_iam_role.guest")
    line = PLAN.read_text().splitlines()[loc.line - 1]
    assert '"policy": "{' in line and "public/*" in line


def test_after_unknown_values_are_unknowns_located_at_after_unknown() -> None:
    plan = json.loads(PLAN.read_text())
    change = next(c for c in plan["resource_changes"]
                  if c["address"] == "aws_iam_role.authenticated")
    change["change"]["after_unknown"] = {"assume_role_policy": True}
    del next(r for r in plan["planned_values"]["root_module"]["resources"]
             if r["address"] == "aws_iam_role.authenticated")["values"]["assume_role_policy"]
    read = read_show_json(parse_json(json.dumps(plan, indent=2), "plan.json"))
    props = read.document.data["Resources"]["aws_iam_role.authenticated"]["Properties"]
    assert props["AssumeRolePolicyDocument"] == {
        "PolicyEval::Unknown": "aws_iam_role.authenticated.assume_role_policy "
                               "(known after apply)"}
    loc = read.document.location(
        "/Resources/aws_iam_role.authenticated/Properties/AssumeRolePolicyDocument")
    text = json.dumps(plan, indent=2).splitlines()
    assert text[loc.line - 1].strip().startswith('"assume_role_policy": true')


def test_state_and_child_modules() -> None:
    plan = json.loads(PLAN.read_text())
    resources = plan["planned_values"]["root_module"]["resources"]
    role = copy.deepcopy(next(r for r in resources if r["address"] == "aws_iam_role.guest"))
    role["address"] = "module.auth.aws_iam_role.guest"
    state = {"format_version": "1.0", "terraform_version": "1.9.8",
             "values": {"root_module": {"resources": [], "child_modules": [
                 {"address": "module.auth", "resources": [role]}]}}}
    extraction = extraction_of(state, "terraform.tfstate.json")
    assert extraction.labels == {"module.auth.aws_iam_role.guest":
                                 "module.auth.aws_iam_role.guest"}
    [only] = extraction.view.data["IamRoles"]
    assert only["Arn"] == "arn:aws:iam::111122223333:role/notes-app-dev-guest"


@pytest.mark.parametrize("version", ["2.0", 2, None])
def test_unknown_format_version_is_a_located_error(version: object) -> None:
    plan = {"format_version": version, "terraform_version": "9.0.0", "planned_values": {}}
    text = json.dumps(plan, indent=2)
    source = parse_json(text, "plan.json")
    read = read_show_json(source)
    assert read.document is None
    [error] = read.errors
    assert error.code == "unsupported-format-version"
    assert (error.location.path, error.location.line) == ("plan.json", 2)
    if isinstance(version, str):
        with pytest.raises(PolicyEvalError):
            read_templates(reader_for("plan.json", source.data), Path("plan.json"), source)


def test_invalid_policy_json_in_a_plan_is_a_located_error() -> None:
    plan = json.loads(PLAN.read_text())
    role = next(r for r in plan["planned_values"]["root_module"]["resources"]
                if r["address"] == "aws_iam_role.guest")
    role["values"]["assume_role_policy"] = "{not json"
    extraction = extraction_of(plan)
    [error] = [e for e in extraction.errors if e.code == "json-syntax"]
    assert "assume_role_policy is not valid JSON" in error.message
    assert error.location.line is not None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["assume_role_policy", "inline_policy", "policy", "name", "role",
                         "roles", "role_mapping", "mapping_rule", "identity_pool_id", "x"]),
        inner, max_size=4), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["aws_iam_role", "aws_iam_role_policy", "aws_cognito_identity_pool",
                        "aws_cognito_identity_pool_roles_attachment",
                        "aws_iam_role_policy_attachment", "aws_s3_bucket_policy"]),
       _JSON, _JSON)
def test_any_resource_values_give_a_document_or_located_errors(kind: str, values: object,
                                                               after_unknown: object) -> None:
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
         "values": values}]}},
        "resource_changes": [{"address": f"{kind}.x", "change": {
            "after_unknown": after_unknown}}]}
    source = parse_json(json.dumps(plan), "plan.json")
    [extraction] = read_templates(reader_for("plan.json", source.data), Path("plan.json"),
                                  source)
    for error in extraction.errors:
        assert isinstance(error, PolicyEvalError)
    json.dumps(extraction.view.data)
