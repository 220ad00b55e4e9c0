"""Cognito scenarios (fixtures/cognito/scenarios) and the ``simulate`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cognito_support import COGNITO, PHOTO_APP, SCENARIOS, run_cli

from policy_eval.errors import InputError
from policy_eval.scenario import load_scenario, run_scenario

SCENARIO_FILES = sorted(SCENARIOS.iterdir())

#: The AWS error code each refused-login scenario must report.
REFUSALS = {
    "basic-flow-admin-trust-rejects-google.json": "AccessDenied",
    "basic-flow-guest-refused-by-amr.json": "AccessDenied",
    "classic-flow-disabled.json": "InvalidParameterException",
    "google-wrong-audience.json": "NotAuthorizedException",
    "guests-disabled.json": "NotAuthorizedException",
    "section-6.8-bob-hr-refused.json": "NotAuthorizedException",
    "session-tag-value-bad-character.json": "ValidationError",
    "session-tag-value-too-long.json": "ValidationError",
    "staging-guests-disabled.json": "NotAuthorizedException",
    "staging-user-refused-by-aud.json": "AccessDenied",
    "tag-session-not-trusted.json": "InvalidIdentityPoolConfigurationException",
    "userpool-access-token-refused.json": "NotAuthorizedException",
    "userpool-token-ambiguous-deny.json": "NotAuthorizedException",
    "userpool-token-custom-role-not-in-token.json": "NotAuthorizedException",
}


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_scenario_expectations_hold(path: Path) -> None:
    results = run_scenario(load_scenario(path))
    assert results and all(r.expect is not None for r in results)
    assert all(r.ok for r in results), [(r.id, r.decision, r.explanation) for r in results]
    errors = {r.error for r in results}
    assert errors == {REFUSALS.get(path.name)}


def test_every_refusal_scenario_exists() -> None:
    assert set(REFUSALS) <= {p.name for p in SCENARIO_FILES}


def test_policy_eval_test_on_the_cognito_fixtures() -> None:
    code, out, _ = run_cli("test", str(COGNITO), "--no-color")
    assert code == 0, out
    assert "0 failed" in out


def test_eval_json_reports_the_error_code() -> None:
    code, out, _ = run_cli("eval", str(SCENARIOS / "section-6.8-bob-hr-refused.json"),
                           "--format", "json")
    assert code == 0
    row = json.loads(out.splitlines()[0])
    assert row["decision"] == "no_credentials"
    assert row["explanation"]["error"] == "NotAuthorizedException"


def test_mismatch_in_cognito_scenario_fails(tmp_path: Path) -> None:
    data = json.loads((SCENARIOS / "case-35-notequal-missing-claim.json").read_text())
    data["cognito"]["pool"] = str(COGNITO / "pools" / "photo-app.json")
    data["requests"][1]["expect"] = "allow"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    code, out, _ = run_cli("test", str(path), "--no-color")
    assert code == 1 and "1 failed" in out


def test_inline_pool_and_located_errors(tmp_path: Path) -> None:
    pool = json.loads((COGNITO / "pools" / "corp-docs.json").read_text())
    scenario = {"cognito": {"pool": pool, "login": {"provider": None}},
                "requests": [{"id": "handbook", "action": "s3:GetObject",
                              "resource": "arn:aws:s3:::docs-public/h.pdf", "expect": "allow"}]}
    # policy paths in an inline pool are relative to the scenario file
    (tmp_path / "policies").mkdir()
    for f in (COGNITO / "policies").iterdir():
        (tmp_path / "policies" / f.name).write_text(f.read_text())
    sub = tmp_path / "scenarios"
    sub.mkdir()
    path = sub / "inline.json"
    path.write_text(json.dumps(scenario, indent=2))
    assert all(r.ok for r in run_scenario(load_scenario(path)))
    scenario["cognito"]["pool"]["RoleMappings"]["accounts.google.com"] = {
        "Type": "Token", "AmbiguousRoleResolution": "Deny"}
    path.write_text(json.dumps(scenario, indent=2))
    with pytest.raises(InputError) as info:
        run_scenario(load_scenario(path))
    assert info.value.location.pointer == "/cognito/pool/RoleMappings/accounts.google.com"
    assert info.value.location.line is not None


POOL = str(PHOTO_APP)


@pytest.mark.parametrize(("extra", "pointer"), [
    ({"policies": {"identity": [{"Version": "2012-10-17", "Statement": []}]}},
     "/policies/identity"),
    ({"principal": "arn:aws:iam::111122223333:role/X"}, "/principal"),
    ({"cognito": {"pool": POOL, "login": {}, "scope_down": "2022"}},
     "/cognito/scope_down"),
    ({"cognito": {"pool": "missing.json", "login": {}}}, "/cognito/pool"),
    ({"cognito": {"pool": POOL, "login": {"provider": 3}}},
     "/cognito/login/provider"),
    ({"cognito": {"pool": POOL, "logins": {}}}, "/cognito"),  # missing login
])
def test_bad_cognito_scenarios(tmp_path: Path, extra: dict[str, object], pointer: str) -> None:
    scenario: dict[str, object] = {"cognito": {"pool": POOL, "login": {}},
                                   "requests": [{"action": "s3:GetObject"}]}
    scenario.update(extra)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario, indent=2))
    with pytest.raises(InputError) as info:
        run_scenario(load_scenario(path))
    assert info.value.location.pointer == pointer
    assert info.value.location.path == str(path)


def test_simulate_command_exit_codes_and_json() -> None:
    logins = COGNITO / "logins"
    code, out, _ = run_cli("simulate", str(PHOTO_APP), "--login",
                           str(logins / "alice-premium.json"))
    assert code == 0 and "role:        arn:aws:iam::111122223333:role/PhotoAppPremium" in out
    code, out, _ = run_cli("simulate", str(PHOTO_APP), "--login",
                           str(logins / "admin-ambiguous-roles.json"), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["error"] == "NotAuthorizedException" and not data["credentials"]
    code, out, _ = run_cli("simulate", str(PHOTO_APP), "--login", str(logins / "guest.json"),
                           "--format", "json", "--scope-down", "2026-05")
    data = json.loads(out)
    assert code == 0 and [p["version"] for p in data["session_policies"]] == ["2026-05"]
    assert data["context"]["cognito-identity.amazonaws.com:amr"] == ["unauthenticated"]
    code, _, err = run_cli("simulate", str(PHOTO_APP), "--login", str(logins / "guest.json"),
                           "--scope-down", "1999")
    assert code == 2 and "2024-11" in err
