"""``policy-eval check`` on infrastructure templates: CloudFormation (YAML, JSON), SAM,
CDK ``cdk.out``; findings at the template's lines naming the resource; unknowns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policy_eval.lint.runner import Linter, lint_document
from policy_eval.lint.supersede import covered_codes
from tests.lint.conftest import REPO, SHARED

IAC = REPO / "fixtures" / "iac"
CFN = IAC / "cloudformation"
WEAK = {"yaml": CFN / "notes-app-weak.yaml", "json": CFN / "notes-app-weak.json",
        "cdk": IAC / "cdk-weak.out" / "manifest.json"}
GOOD = {"yaml": CFN / "notes-app.yaml", "json": CFN / "notes-app.json",
        "cdk": IAC / "cdk.out", "sam": IAC / "sam" / "notes-api.yaml"}


def codes(path: Path, **kwargs: object) -> list[str]:
    """The codes found, with the codes folded into a finding (one problem, one finding)."""
    result = Linter(**kwargs).lint_paths([path])  # type: ignore[arg-type]
    return sorted(c for f in result.findings for c in covered_codes(f))


@pytest.mark.parametrize("name", GOOD)
def test_good_stacks_have_no_warnings(name: str) -> None:
    result = Linter().lint_paths([GOOD[name]])
    assert not [f for f in result.findings if f.severity.value != "info"], result.findings
    assert result.templates == 1 and result.template_policies >= 5


def test_weak_variants_get_the_same_codes_in_every_format() -> None:
    found = {name: set(codes(path)) for name, path in WEAK.items()}
    expected = {"COG001", "COG009", "SEC005", "ACT006", "RES004"}
    assert found["cdk"] == expected
    assert found["yaml"] == found["json"] == expected | {"VAR006"}


def test_findings_point_at_template_lines_and_name_resources() -> None:
    result = Linter().lint_paths([WEAK["yaml"]])
    lines = WEAK["yaml"].read_text().splitlines()
    cog001 = next(f for f in result.findings if f.code == "COG001")
    assert cog001.location.resource == "AuthRole"
    assert lines[cog001.location.line - 1].strip() == "- Effect: Allow"   # type: ignore[operator]
    assert cog001.location.pointer == \
        "/Resources/AuthRole/Properties/AssumeRolePolicyDocument/Statement/0"
    var006 = next(f for f in result.findings if f.code == "VAR006")
    assert "${cognito-identity.amazonaws.com:sub}" in lines[var006.location.line - 1]  # type: ignore[operator]
    assert var006.fix == ("write ${!cognito-identity.amazonaws.com:sub} so that IAM receives "
                          "${cognito-identity.amazonaws.com:sub}")
    cdk = Linter().lint_paths([WEAK["cdk"]])
    assert {f.location.resource for f in cdk.findings if f.code == "COG009"} == \
        {"NotesAppWeakStack/NotesUserAccess/Resource"}
    assert all(f.location.path and f.location.path.endswith("NotesAppWeakStack.template.json")
               for f in cdk.findings)


def test_check_cli_text_json_sarif(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli("check", str(WEAK["yaml"]), "--no-color")
    assert text.exit_code == 1
    assert "[AuthRole]: COG001 [error]" in text.output
    assert "(8 policies found in 1 template)" in text.output.splitlines()[-1]
    data = json.loads(run_cli("check", str(WEAK["yaml"]), "-f", "json").output)
    assert data["summary"]["template_policies"] == 8
    assert {f["location"]["resource"] for f in data["findings"]} >= {"AuthRole", "GuestRole"}
    sarif = json.loads(run_cli("check", str(WEAK["yaml"]), "-f", "sarif").output)
    logical = [loc for r in sarif["runs"][0]["results"]
               for loc in r["locations"][0].get("logicalLocations", [])
               if loc["kind"] == "resource"]
    assert {"fullyQualifiedName": "AuthRole", "kind": "resource"} in logical


def test_empty_templates_are_reported_not_counted_clean(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "topics.yaml"
    empty.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
                     "  Topic:\n    Type: AWS::SNS::Topic\n")
    out = run_cli("check", str(empty), "--verbose", "--no-color")
    assert out.exit_code == 0
    assert "template with no IAM or Cognito resources: nothing to check" in out.output
    assert out.output.splitlines()[-1].startswith("Found 0 findings in 0 files")
    assert "1 template without IAM or Cognito resources" in out.output


def test_unknown_values_are_not_analysed_not_guessed() -> None:
    """An unknown bucket name neither widens (a wildcard would add findings) nor hides: the
    finding on the placeholder is dropped and SYN022 says what to supply."""
    template = {"Parameters": {"Bucket": {"Type": "String"}},
                "Resources": {"Read": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": ["s3:GetObject", "cognito-identity:*"],
                        "Resource": {"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}}]}}}}}
    found = lint_document(template)
    by_code = {f.code: f for f in found}
    assert "SYN022" in by_code and "--param" in (by_code["SYN022"].fix or "")
    assert by_code["SYN022"].location.pointer.endswith("/Statement/0/Resource")
    assert not [f for f in found if f.location.pointer.endswith("/Resource")
                and f.code != "SYN022"]
    # the known parts are still checked
    assert "ACT006" in by_code
    resolved = Linter(params={"Bucket": "example-bucket"}).lint_text(json.dumps(template))
    assert "SYN022" not in {f.code for f in resolved}


def test_bad_templates_are_located_findings_and_other_files_go_on(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "syntax.yaml").write_text("Resources:\n  A: [\n")
    (tmp_path / "cycle.yaml").write_text(
        "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      RoleName: !Ref B\n      AssumeRolePolicyDocument: {}\n"
        "  B:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !GetAtt A.Arn\n"
        "      AssumeRolePolicyDocument: {}\n")
    shutil.copy(WEAK["yaml"], tmp_path / "weak.yaml")
    out = run_cli("check", str(tmp_path), "--no-color")
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "syntax.yaml:3:1: SYN001" in out.output
    assert "cycle.yaml" in out.output and "SYN021 [error] circular reference" in out.output
    assert "weak.yaml" in out.output and "COG001" in out.output


def test_param_option(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = run_cli("check", str(GOOD["yaml"]), "--param", "Stage")
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output
    ok = run_cli("check", str(GOOD["yaml"]), "--param", "Stage=prod")
    assert ok.exit_code == 0


@pytest.mark.skipif(not (SHARED / "realworld" / "templates").is_dir(),
                    reason="../shared/realworld not present")
def test_realworld_templates() -> None:
    """The templates of issue 9: COG001 on the Spacefinder roles, COG009 on the SST stack,
    at template lines."""
    folder = SHARED / "realworld" / "templates"
    result = Linter().lint_paths([folder])
    spacefinder = folder / "spacefinder-cloudformation.json"
    text = spacefinder.read_text().splitlines()
    cog001 = {f.location.resource: f for f in result.findings if f.code == "COG001"}
    assert set(cog001) == {"CognitoIdentityPoolAuthStandardRole",
                           "CognitoIdentityPoolAuthAdminRole", "CognitoIdentityPoolUnAuthRole"}
    for finding in cog001.values():
        assert finding.location.path and finding.location.path.endswith(spacefinder.name)
        assert text[finding.location.line - 1].strip() == "{"      # type: ignore[operator]
        assert '"Effect": "Allow"' in text[finding.location.line]  # type: ignore[index]
    [cog009] = [f for f in result.findings if f.code == "COG009"]
    assert cog009.location.path and cog009.location.path.endswith(
        "sst-notes-ext-infra-cognito.template.json")
    assert cog009.location.line == 128
    assert "amplify-livestream-s3-cloudformation-template.json" in \
        " ".join(result.empty_templates)


def test_plain_policies_never_import_the_iac_package() -> None:
    import subprocess
    import sys

    from policy_eval.document.iac.detect import TEMPLATE_KEYS
    from policy_eval.lint import discover
    assert discover.TEMPLATE_KEYS == TEMPLATE_KEYS
    policy = str(REPO / "fixtures" / "policies" / "dynamodb-leading-keys.json")
    code = ("import sys; from policy_eval.lint.runner import Linter; "
            f"Linter().lint_paths([{policy!r}]); "
            "print('policy_eval.document.iac' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_sarif_of_templates_validates(run_cli) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "tests" / "lint" / "data" / "sarif-schema-2.1.0.json")
                        .read_text())
    out = run_cli("check", str(WEAK["yaml"]), str(WEAK["cdk"]), "-f", "sarif")
    log = json.loads(out.output)
    jsonschema.Draft4Validator(schema).validate(log)
    regions = [r["locations"][0]["physicalLocation"]["region"]["startLine"]
               for r in log["runs"][0]["results"]]
    assert 136 in regions and all(line > 1 for line in regions)


def test_managed_policy_attached_to_a_template_user_knows_its_user() -> None:
    """An in-template AWS::IAM::ManagedPolicy attached to a user (ManagedPolicyArns: !Ref)
    is that user's policy: its Cognito identity keys never resolve (COG022), as in the
    user's inline policy."""
    result = Linter(select=["COG022"]).lint_paths([CFN / "uploader-users.yaml"])
    by_resource = {f.location.resource: f for f in result.findings}
    assert set(by_resource) == {"UploadsPolicy", "InlineUploader"}, result.findings
    assert "IAM user 'uploader'" in by_resource["UploadsPolicy"].message
    assert by_resource["UploadsPolicy"].location.line == 18
    assert "IAM user 'inline-uploader'" in by_resource["InlineUploader"].message
