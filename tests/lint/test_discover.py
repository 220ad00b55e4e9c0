"""Document kinds, nested targets with pointers, and cross-document links."""

from __future__ import annotations

from pathlib import Path

from policy_eval.document.source import load_text
from policy_eval.lint.discover import build_targets, detect_kind, find_files
from policy_eval.lint.runner import Linter, lint_document
from tests.lint.conftest import REPO, policy, write_json

TRUST = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"})
BUCKET = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
IDENTITY = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})


def test_detect_kind() -> None:
    assert detect_kind(TRUST) == "trust"
    assert detect_kind(BUCKET) == "resource"
    assert detect_kind(IDENTITY) == "identity"
    assert detect_kind(IDENTITY, "org/deny-regions.scp.json") == "scp"
    assert detect_kind(IDENTITY, "permissions-boundary.json") == "boundary"
    assert detect_kind(TRUST, "trust-authenticated-tag-session.json") == "trust"
    assert detect_kind({"IdentityPool": {}}) == "pool"
    assert detect_kind({"RoleDetailList": []}) == "role-bundle"
    assert detect_kind({"requests": []}) == "scenario"
    assert detect_kind({"name": "package"}) is None
    assert detect_kind([1, 2]) is None


def test_role_bundle_targets_and_related(tmp_path: Path) -> None:
    bundle = {"RoleDetailList": [{
        "RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
        "AssumeRolePolicyDocument": TRUST,
        "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": policy(
            {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"})}],
        "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::111122223333:policy/m"}]}],
        "Policies": [{"Arn": "arn:aws:iam::111122223333:policy/m", "PolicyVersionList": [
            {"Document": IDENTITY, "IsDefaultVersion": True}]}]}
    f = write_json(tmp_path / "auth.json", bundle)
    source = load_text(f.read_text(), str(f))
    targets = build_targets(source, base=tmp_path)
    kinds = [(t.kind, t.pointer) for t in targets]
    assert ("role-bundle", "") in kinds
    assert ("trust", "/RoleDetailList/0/AssumeRolePolicyDocument") in kinds
    assert ("identity", "/RoleDetailList/0/RolePolicyList/0/PolicyDocument") in kinds
    assert ("identity", "/Policies/0/PolicyVersionList/0/Document") in kinds
    trust = next(t for t in targets if t.kind == "trust")
    role = trust.related["role"]
    assert role["trust"] is trust and len(role["permissions"]) == 2
    assert role["arn"].endswith("role/app")
    finding = next(x for x in Linter().check_targets(targets) if x.code == "ACT002")
    assert finding.location.pointer.startswith("/RoleDetailList/0/RolePolicyList/0/")
    lines = f.read_text().splitlines()
    assert "s3:GetObjects" in lines[finding.location.line - 1]


def test_pool_file_with_policy_paths(tmp_path: Path) -> None:
    write_json(tmp_path / "roles" / "trust.json", TRUST)
    write_json(tmp_path / "roles" / "perm.json", policy(
        {"Effect": "Allow", "Action": "s4:GetObject", "Resource": "arn:aws:s3:::b/*"}))
    pool = {"IdentityPool": {"IdentityPoolId": "us-east-1:0d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                             "IdentityPoolName": "app",
                             "AllowUnauthenticatedIdentities": False},
            "Roles": {"authenticated": "arn:aws:iam::111122223333:role/Auth"},
            "IamRoles": [{"Arn": "arn:aws:iam::111122223333:role/Auth", "RoleName": "Auth",
                          "AssumeRolePolicyDocument": "roles/trust.json",
                          "RolePolicyList": [{"PolicyName": "p",
                                              "PolicyDocument": "roles/perm.json"}]}]}
    f = write_json(tmp_path / "pool.json", pool)
    source = load_text(f.read_text(), str(f))
    targets = build_targets(source, base=tmp_path)
    assert targets[0].kind == "pool"
    perm = next(t for t in targets if t.kind == "identity")
    assert perm.related["pool_role"] == "authenticated"
    assert perm.related["pool"]["IdentityPool"]["IdentityPoolName"] == "app"
    assert perm.source.path is not None and perm.source.path.endswith("roles/perm.json")
    found = Linter(select=["ACT001"]).check_targets(targets)
    assert [x.location.path.endswith("roles/perm.json") for x in found] == [True]


def test_missing_reference_is_a_finding(tmp_path: Path) -> None:
    pool = {"IdentityPool": {"IdentityPoolId": "us-east-1:1"},
            "IamRoles": [{"Arn": "arn:aws:iam::111122223333:role/A",
                          "AssumeRolePolicyDocument": "nope.json"}]}
    f = write_json(tmp_path / "pool.json", pool)
    result = Linter().lint_paths([f])
    assert any(x.code == "SYN003" and "nope.json" in (x.location.path or "")
               for x in result.findings)


def test_scenario_policies_are_linted(tmp_path: Path) -> None:
    scenario = {"policies": {"identity": [policy({"Effect": "Allow", "Action": "s3:GetObjects",
                                                  "Resource": "arn:aws:s3:::b/*"})]},
                "requests": [{"id": "r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                              "expect": "allow"}]}
    f = write_json(tmp_path / "s.json", scenario)
    found = Linter().lint_paths([f]).findings
    hit = next(x for x in found if x.code == "ACT002")
    assert hit.location.pointer == "/policies/identity/0/Statement/0/Action"


def test_folder_search_skips_non_policy_documents(tmp_path: Path) -> None:
    write_json(tmp_path / "package.json", {"name": "x", "version": "1.0.0"})
    write_json(tmp_path / "p.json", IDENTITY)
    (tmp_path / "readme.md").write_text("# hi", "utf-8")
    (tmp_path / ".hidden").mkdir()
    write_json(tmp_path / ".hidden" / "p.json", IDENTITY)
    files, _missing = find_files([tmp_path])
    assert sorted(Path(f.display).name for f in files) == ["p.json", "package.json"]
    result = Linter().lint_files(files)
    assert [Path(p).name for p in result.skipped] == ["package.json"]
    assert [Path(p).name for p in result.files] == ["p.json"]


def test_partial_policy_keeps_linting_good_statements() -> None:
    doc = policy({"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
                 {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"})
    codes = {f.code: f for f in lint_document(doc)}
    assert "SYN009" in codes and "ACT002" in codes
    assert codes["ACT002"].location.pointer == "/Statement/1/Action"


def test_yaml_policy_locations() -> None:
    text = ("Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n"
            "    Action: s3:GetObjects\n    Resource: arn:aws:s3:::b/*\n")
    found = [f for f in lint_document(text, path="p.yaml") if f.code == "ACT002"]
    assert found and found[0].location.line == 4


def test_rule_crash_becomes_internal_error_finding(monkeypatch) -> None:
    from policy_eval.lint.rules.actions import UnknownAction

    def boom(self, target, policy, statement):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(UnknownAction, "check_statement", boom)
    found = lint_document(IDENTITY)
    crash = [f for f in found if f.code == "SYN000"]
    assert crash and "ACT002" in crash[0].message and "kaboom" in crash[0].message
    assert crash[0].severity.value == "error"


def test_fixture_roots_exist() -> None:
    assert (REPO / "fixtures" / "policies").is_dir()


def test_pool_settings_and_templates_are_pool_targets(tmp_path: Path) -> None:
    """SetIdentityPoolRoles input and CloudFormation templates reach the pool rules."""
    roles = write_json(tmp_path / "roles.json", {
        "IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
        "Roles": {"authenticated": "arn:aws:iam::111122223333:role/Auth"},
        "RoleMappings": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab:7abc": {
            "Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
            "RulesConfiguration": {"Rules": [{"Claim": "custom:tier", "MatchType": "Equals",
                                              "Value": "paid",
                                              "RoleARN": "arn:aws:iam::111122223333:role/P"}]}}}})
    template = tmp_path / "stack.yaml"
    template.write_text(
        "Resources:\n"
        "  Pool:\n"
        "    Type: AWS::Cognito::IdentityPool\n"
        "    Properties:\n"
        "      AllowUnauthenticatedIdentities: true\n"
        "      AllowClassicFlow: true\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Sub '${AWS::StackName}-data'\n", encoding="utf-8")
    result = Linter().lint_paths([roles, template])
    found = {(Path(f.location.path or "").name, f.code, f.location.line)
             for f in result.findings}
    ambiguous = next(n for n, line in enumerate(roles.read_text().splitlines(), 1)
                     if "AmbiguousRoleResolution" in line)
    assert ("roles.json", "COG019", ambiguous) in found
    assert ("stack.yaml", "COG019", 6) in found      # AllowClassicFlow
