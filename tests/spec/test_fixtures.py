"""The bundled fixtures: policies are clean and least-privilege; scenarios hold their expects.

Runs each scenario through ``policy_eval.scenario`` and through the CLI (``eval`` JSON and
text output, ``test`` exit codes 0 and 1). Spec sections cited per test.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import policy_eval as pe
from policy_eval.policyset import load_policy
from policy_eval.scenario import load_scenario, run_scenario

from ._support import (
    POLICIES,
    SCENARIOS,
    invoke_cli,
    run_cli,
    scenario_files,
)

POLICY_FILES = sorted(POLICIES.glob("*.json"))
SCENARIO_FILES = scenario_files(SCENARIOS)
VAR = re.compile(r"\$\{[^}]*\}")
ITEM_ACTIONS_WITHOUT_KEYS = {"dynamodb:scan", "dynamodb:*", "*"}


def as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return as_list(doc["Statement"])


@pytest.mark.parametrize("path", POLICY_FILES, ids=[p.stem for p in POLICY_FILES])
def test_policy_fixture_is_clean(path: Path) -> None:
    """1.1/1.2/3.2/5.1: Version 2012-10-17, no wildcard action, no '*' resource, variables
    delimited by '/' (or ending the ARN), no Scan next to LeadingKeys, loads without error."""
    doc = json.loads(path.read_text())
    assert doc.get("Version") == "2012-10-17"
    trust = any("Principal" in s for s in statements(doc))
    for s in statements(doc):
        assert s["Effect"] in ("Allow", "Deny")
        assert "NotAction" not in s and "NotResource" not in s
        actions = [a.lower() for a in as_list(s["Action"])]
        if s["Effect"] == "Allow":
            assert not any(a == "*" or a.endswith(":*") for a in actions), actions
        if trust:
            assert "Resource" not in s
            assert s["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
            assert "cognito-identity.amazonaws.com:aud" in s["Condition"]["StringEquals"]
            assert "cognito-identity.amazonaws.com:amr" in s["Condition"]["ForAnyValue:StringLike"]
            continue
        for res in as_list(s["Resource"]):
            assert res != "*" and res.startswith("arn:aws:")
            for m in VAR.finditer(res):
                follow = res[m.end():m.end() + 1]
                assert follow in ("", "/"), f"{res}: variable not delimited"
        cond = s.get("Condition", {})
        leading = any("dynamodb:leadingkeys" in {k.lower() for k in block}
                      for block in cond.values())
        if leading:
            assert not ITEM_ACTIONS_WITHOUT_KEYS & set(actions), actions
            assert all(op.startswith("ForAllValues:") or op == "Null"
                       for op, block in cond.items()
                       if "dynamodb:leadingkeys" in {k.lower() for k in block})
    if trust:
        load_policy(path, kind="trust")
    else:
        pe.PolicySet(identity=[str(path)])


def test_fixture_names_cover_the_canonical_examples() -> None:
    """5.1/5.2/6.5/6.7: the canonical Cognito examples are all bundled."""
    names = {p.name for p in POLICY_FILES}
    for required in ("s3-per-identity-prefix.json", "dynamodb-leading-keys.json",
                     "dynamodb-attribute-allowlist.json", "trust-authenticated.json",
                     "trust-unauthenticated.json", "abac-principal-tag-department.json"):
        assert required in names


def test_scenarios_mix_json_and_yaml_and_expect_everything() -> None:
    """Scenario format: JSON and YAML; every request carries an expect."""
    suffixes = {p.suffix for p in SCENARIO_FILES}
    assert ".json" in suffixes and ".yaml" in suffixes
    for path in SCENARIO_FILES:
        for result in run_scenario(load_scenario(path)):
            assert result.expect in ("allow", "deny", "explicit_deny", "implicit_deny"), path


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_expectations_hold(path: Path) -> None:
    """2.3/3/4/5: each bundled scenario's requests get their expected decision."""
    results = run_scenario(load_scenario(path))
    assert len(results) >= 3
    wrong = [(r.id, r.expect, r.decision, r.explanation) for r in results if not r.ok]
    assert not wrong, wrong


def test_scenarios_show_both_outcomes() -> None:
    """Fixtures are not trivial: across the scenarios allow, implicit and explicit deny occur."""
    decisions = {r.decision for p in SCENARIO_FILES for r in run_scenario(load_scenario(p))}
    assert decisions == {"allow", "implicit_deny", "explicit_deny"}


def test_scenarios_cover_required_situations() -> None:
    """Fixture brief: own vs other objects, listing variants, batch LeadingKeys, attribute
    hits and misses, an explicit deny, and a no-Version variant."""
    ids = {r.id for p in SCENARIO_FILES for r in run_scenario(load_scenario(p))}
    for required in ("get-own-object", "get-other-identity-object", "list-own-prefix",
                     "list-other-identity-prefix", "list-without-prefix-parameter",
                     "list-with-empty-prefix", "batch-get-own-items",
                     "batch-get-mixed-own-and-other", "get-item-listed-attributes",
                     "get-item-unlisted-attribute", "own-object-over-plain-http",
                     "own-object-variable-not-substituted"):
        assert required in ids, required
    explicit = [r for p in SCENARIO_FILES for r in run_scenario(load_scenario(p))
                if r.decision == "explicit_deny"]
    assert explicit


def test_cli_test_all_scenarios_exit_0() -> None:
    """CLI: `policy-eval test DIR` exits 0 when every expect holds."""
    proc = run_cli("test", str(SCENARIOS))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_eval_json_output() -> None:
    """CLI: `eval --format json` prints one object per request with id, decision, explanation."""
    path = SCENARIOS / "s3-per-identity-prefix.json"
    code, out = invoke_cli("eval", str(path), "--format", "json")
    assert code == 0, out
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    expected = {r.id: r.decision for r in run_scenario(load_scenario(path))}
    assert [line["id"] for line in lines] == list(expected)
    for line in lines:
        assert line["decision"] == expected[line["id"]]
        assert line["explanation"], line  # text or a structured explanation object


def test_cli_eval_text_output_names_each_request(tmp_path: Path) -> None:
    """CLI: `eval` text output mentions each request id and its decision; exit 0 even on deny."""
    path = SCENARIOS / "s3-explicit-deny-insecure-transport.yaml"
    code, out = invoke_cli("eval", str(path))
    assert code == 0, out
    for result in run_scenario(load_scenario(path)):
        assert result.id in out


def test_cli_test_mismatch_exits_1(tmp_path: Path) -> None:
    """CLI: `policy-eval test` exits 1 when an expectation does not hold, naming the request."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    scen_dir = tmp_path / "scenarios"
    scen_dir.mkdir()
    data = json.loads((SCENARIOS / "s3-per-identity-prefix.json").read_text())
    data["requests"][0]["expect"] = "implicit_deny"
    broken = scen_dir / "broken.json"
    broken.write_text(json.dumps(data))
    code, out = invoke_cli("test", str(broken))
    assert code == 1, out
    assert data["requests"][0]["id"] in out


def test_deny_expectation_accepts_either_deny(tmp_path: Path) -> None:
    """Scenario format: expect "deny" holds for explicit and implicit deny alike."""
    scenario = {
        "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/locked/*"}]}]},
        "principal": "arn:aws:sts::111122223333:assumed-role/R/CognitoIdentityCredentials",
        "requests": [
            {"id": "explicit", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/locked/x",
             "expect": "deny"},
            {"id": "implicit", "action": "s3:PutObject", "resource": "arn:aws:s3:::b/x",
             "expect": "deny"},
            {"id": "allowed", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/x",
             "expect": "deny"}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario))
    results = {r.id: r for r in run_scenario(load_scenario(path))}
    assert results["explicit"].ok and results["explicit"].decision == "explicit_deny"
    assert results["implicit"].ok and results["implicit"].decision == "implicit_deny"
    assert not results["allowed"].ok


def test_policy_fixtures_lint_clean() -> None:
    """Fixture brief: the bundled policies give no lint finding above info; the same run on
    the deliberately broken no-Version variant does find an error (so the check is real)."""
    from policy_eval.lint.runner import Linter

    result = Linter().lint_paths([str(POLICIES)])
    assert sorted(Path(f).name for f in result.files) == [p.name for p in POLICY_FILES]
    loud = [(f.code, str(f.severity), f.message) for f in result.findings
            if f.severity.rank > 1]
    assert not loud, loud
    broken = Linter().lint_paths([str(SCENARIOS / "s3-per-identity-prefix-no-version.yaml")])
    assert any(f.severity.rank == 3 for f in broken.findings)
