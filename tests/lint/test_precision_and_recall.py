"""Findings a reviewer would not dismiss, and the weak patterns real policies slipped past:
what each range in aws:SourceIp is, public Cognito client calls, DynamoDB wording for
LeadingKeys, one finding per problem, public bucket policies named by their most dangerous
actions, and the recall checks (listing next to per-identity folders, ListBucket on
objects, Cognito keys in IAM user policies, an Allow dead under a NotResource Deny, guests
reading personal or location data)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.errors import Location
from policy_eval.lint.registry import load_rules
from policy_eval.lint.rule import Finding, Severity
from policy_eval.lint.rules.cognito.personal_data import personal_data_actions
from policy_eval.lint.rules.conditions import non_public_range
from policy_eval.lint.runner import Linter, lint_document
from policy_eval.lint.supersede import (
    covered_codes,
    fold_superseded,
    place_of,
    superseding_codes,
)
from tests.lint.conftest import allow, policy, run_rule, write_json

SUB = "${cognito-identity.amazonaws.com:sub}"
load_rules()     # every family registered (run_rule looks rules up by code)


def codes(doc: Any, **kw: Any) -> list[str]:
    return sorted(f.code for f in lint_document(doc, **kw))


# ------------------------------------------------------------------ precision

def test_source_ip_ranges_say_what_they_are() -> None:
    doc = policy(allow("s3:GetObject", "arn:aws:s3:::b/*", {"IpAddress": {"aws:SourceIp": [
        "203.0.113.0/24", "10.1.0.0/16", "100.64.0.0/10", "169.254.169.254", "192.0.2.10"]}}))
    messages = [f.message for f in run_rule("CND010", doc)]
    assert "documentation range (RFC 5737, TEST-NET-3)" in messages[0]
    assert "never routed" in messages[0]
    assert "private range (RFC 1918)" in messages[1]
    assert "carrier-grade NAT (RFC 6598)" in messages[2]
    assert "link-local" in messages[3] and "TEST-NET-1" in messages[4]
    assert all("private range" not in m for m in (messages[0], messages[2], messages[4]))


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_only_special_purpose_ranges_are_reported(value: int) -> None:
    address = ipaddress.ip_address(value)
    net = ipaddress.ip_network(f"{address}/32")
    kind = non_public_range(net)
    # Python's own registry view agrees: a reported address is never globally routable
    if kind is not None:
        assert not address.is_global or address.is_multicast
    elif not (address.is_multicast or address.is_reserved):
        assert address.is_global or address in ipaddress.ip_network("192.88.99.0/24")


def test_public_cognito_client_calls_are_not_credentials_exposure() -> None:
    doc = policy(allow(["cognito-identity:GetCredentialsForIdentity",
                        "cognito-identity:GetOpenIdToken", "cognito-identity:GetId"]))
    assert run_rule("SEC005", doc) == []
    assert run_rule("SEC005", policy(allow("sts:AssumeRole")))


def test_leading_keys_findings_speak_dynamodb() -> None:
    table = "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"
    fixed = policy(allow(["dynamodb:GetItem", "dynamodb:PutItem"], table,
                         {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{SUB}*"]}}))
    # identity ids are REGION:GUID (fixed length): no other identity's key can match
    assert run_rule("COG011", fixed) == []
    tag = policy(allow(["dynamodb:GetItem"], table, {"ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": ["${aws:PrincipalTag/username}*"]}}))
    [f] = run_rule("COG011", tag)
    assert "partition key" in f.message and "folder" not in f.message


def test_one_problem_one_finding() -> None:
    found = lint_document(policy(allow("dynamodb:*", "*")))
    assert [f.code for f in found] == ["SEC007"]
    assert covered_codes(found[0]) == {"SEC007", "SEC006", "ACT006", "RES004"}
    assert "also covers ACT006, RES004, SEC006" in found[0].message
    public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}
    [f] = lint_document(public, kind="resource")
    assert f.code == "SEC008" and covered_codes(f) == {"SEC008", "PRN003"}
    assert f.severity is Severity.error        # PRN003's error level is kept
    # only when the superseding rule runs
    assert "PRN003" in codes(public, kind="resource", ignore=["SEC008"])


def test_public_bucket_names_the_most_dangerous_actions_and_the_true_count() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
           "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}
    [f] = [x for x in lint_document(doc, kind="resource") if x.code == "SEC008"]
    assert "the most dangerous first: s3:PutBucketPolicy, s3:DeleteObject" in f.message
    count = int(f.message.split("anyone can call ")[1].split(" ")[0])
    assert count > 90 and f"and {count - 4} more" in f.message


def test_name_guess_is_info_and_says_so(tmp_path: Path) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Principal": {"Federated": "cognito-identity.amazonaws.com"},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud":
                                            "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                           "ForAnyValue:StringLike": {
                               "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    path = write_json(tmp_path / "guest-users-trust.json", trust)
    found = Linter().lint_paths([path]).findings
    assert all(f.severity is Severity.info for f in found)
    assert [f for f in found if f.code == "COG005" and "a guess" in f.message]


# ------------------------------------------------------------------ recall

def test_list_bucket_beside_per_identity_policies(tmp_path: Path) -> None:
    write_json(tmp_path / "private.json",
               policy(allow("s3:GetObject", f"arn:aws:s3:::media/private/{SUB}/*")))
    whole = write_json(tmp_path / "read-all.json", policy(
        allow("s3:GetObject", "arn:aws:s3:::media/*"), allow("s3:ListBucket",
                                                             "arn:aws:s3:::media")))
    [f] = [f for f in Linter().lint_paths([whole]).findings if f.code == "COG013"]
    assert "private.json beside this file" in f.message and f.severity is Severity.warning
    scoped = write_json(tmp_path / "read-all.json", policy(
        allow("s3:ListBucket", "arn:aws:s3:::media",
              {"StringLike": {"s3:prefix": [f"private/{SUB}/*"]}})))
    assert not [f for f in Linter().lint_paths([scoped]).findings if f.code == "COG013"]


def test_list_bucket_on_objects_is_a_type_mismatch() -> None:
    assert "RES002" in codes(policy(allow("s3:ListBucket", "arn:aws:s3:::b/*")))
    assert "RES002" not in codes(policy(allow("s3:ListBucket", "arn:aws:s3:::b")))
    assert "RES002" not in codes(policy(allow("s3:ListBucket",
                                              "arn:aws:s3:::b-${aws:PrincipalTag/team}")))


def test_cognito_keys_in_user_and_group_policies(tmp_path: Path) -> None:
    inline = {"UserName": "uploader", "PolicyName": "p", "PolicyDocument": policy(
        allow("s3:PutObject", f"arn:aws:s3:::r/{SUB}/*"))}
    export = {"RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [
        {"GroupName": "staff", "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": policy(
            {"Effect": "Deny", "Action": "s3:*", "NotResource": f"arn:aws:s3:::h/{SUB}/*"})}]}],
        "Policies": []}
    result = Linter(select=["COG022"]).lint_paths([write_json(tmp_path / "u.json", inline),
                                                    write_json(tmp_path / "e.json", export)])
    by_file = {Path(f.location.path or "").name: f for f in result.findings}
    assert by_file["u.json"].severity is Severity.warning and "IAM user 'uploader'" in \
        by_file["u.json"].message
    assert by_file["e.json"].severity is Severity.error and "IAM group 'staff'" in \
        by_file["e.json"].message
    # the same statement in a role's policy is not this rule's business
    role = {"RoleName": "app", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
            "Statement": []}, "RolePolicyList": [{"PolicyName": "p",
                                                  "PolicyDocument": inline["PolicyDocument"]}]}
    assert Linter(select=["COG022"]).lint_paths([write_json(tmp_path / "r.json",
                                                            role)]).findings == []


def test_allow_dead_under_not_resource_deny() -> None:
    deny = {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::data/*"}
    [f] = run_rule("RES008", policy(deny, allow("s3:GetObject", "arn:aws:s3:::reports/*")))
    assert "statement 1 is dead: statement 0 denies s3:*" in f.message
    assert run_rule("RES008", policy(deny, allow("s3:GetObject", "arn:aws:s3:::data/*"))) == []
    # a Deny on other actions leaves the Allow alive
    other = {"Effect": "Deny", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::data/*"}
    assert run_rule("RES008", policy(other, allow("s3:GetObject", "arn:aws:s3:::x/*"))) == []


def test_guest_reads_of_personal_and_location_data() -> None:
    wanted = personal_data_actions()
    assert {"geo:getdevicepositionhistory", "geo:batchgetdeviceposition",
            "cognito-idp:listusers", "cognito-idp:admingetuser"} <= set(wanted)
    assert "geo:getmaptile" not in wanted and "cognito-idp:getuser" not in wanted
    doc = policy(allow(["geo:GetMapTile", "geo:GetDevicePositionHistory"],
                       "arn:aws:geo:us-east-1:111122223333:tracker/fleet"))
    [f] = run_rule("COG021", doc, related={"pool_role": "unauthenticated"})
    assert f.severity is Severity.warning and "device locations" in f.message
    assert run_rule("COG021", doc, related={"pool_role": "authenticated"}) == []


# ------------------------------------------------------------------ files that are not policies

def test_jsonc_and_editor_files_are_skipped_and_listed_with_verbose(tmp_path: Path,
                                                                    run_cli) -> None:
    (tmp_path / "tsconfig.json").write_text('{\n  // comment\n  "strict": true,\n}\n', "utf-8")
    (tmp_path / "devcontainer.json").write_text('{ name: "x", /* c */ }', "utf-8")
    (tmp_path / "broken-policy.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}', "utf-8")
    result = run_cli("check", str(tmp_path), "--verbose", "--no-color")
    assert result.exit_code == 1
    assert "broken-policy.json" in result.output and "SYN001" in result.output
    assert "tsconfig.json:" not in result.output
    assert "skipped (not a policy, role, pool, scenario or template):" in result.output
    assert "tsconfig.json" in result.output and "devcontainer.json" in result.output


def test_a_reference_to_a_secret_file_is_never_printed(tmp_path: Path, run_cli) -> None:
    (tmp_path / "secret.env").write_text("API_TOKEN=s3cr3t-value\n", "utf-8")
    (tmp_path / "config.json").write_text(json.dumps({"API_TOKEN": "s3cr3t-value"}), "utf-8")
    scenario = {"policies": {"identity": ["secret.env", "config.json"]},
                "requests": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}]}
    path = write_json(tmp_path / "scenario.json", scenario)
    for fmt in ("text", "json", "sarif"):
        result = run_cli("check", str(path), "--format", fmt, "--no-color")
        assert result.exit_code == 1, result.output
        assert "s3cr3t" not in result.output and "API_TOKEN" not in result.output
    text = run_cli("check", str(path), "--no-color").output
    assert "secret.env is not a policy or pool document" in text
    assert "scenario.json:" in text


_FOLD_CODES = ("ACT006", "RES004", "SEC006", "SEC007", "SEC002", "PRN003", "SEC008", "SYN004")


@settings(max_examples=150)
@given(st.lists(st.tuples(st.sampled_from(_FOLD_CODES), st.sampled_from(
    ["/Statement/0", "/Statement/0/Action", "/Statement/1/Resource/0", "/Version"]),
    st.sampled_from(list(Severity))), max_size=12))
def test_folding_keeps_every_code_and_the_highest_severity(
        raw: list[tuple[str, str, Severity]]) -> None:
    findings = [Finding(code, code.lower(), f"{code} at {ptr}", sev,
                        Location("p.json", 1, 1, ptr)) for code, ptr, sev in raw]
    out = fold_superseded(findings, Linter().rules)
    assert {c for f in out for c in covered_codes(f)} == {f.code for f in findings}
    for place in {place_of(f) for f in findings}:
        here_in = [f for f in findings if place_of(f) == place]
        here_out = [f for f in out if place_of(f) == place]
        assert max(f.severity.rank for f in here_in) == max(f.severity.rank for f in here_out)
        codes_out = {f.code for f in here_out}
        # nothing stays beside a rule that supersedes it
        for f in here_out:
            rule = next(r for r in Linter().rules if r.code == f.code)
            assert not set(superseding_codes(rule)) & codes_out
