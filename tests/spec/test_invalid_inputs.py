"""Unusable inputs are rejected with exit 2 and a located message, never evaluated.

Spec 1.1 (grammar, duplicate keys), 2.3 ("errors abort evaluation"; an invalid policy is
never silently allowed), 3.1 (variable syntax) and 7 case 40. Each file in tests/data/invalid
is a scenario that ``policy-eval eval`` and ``policy-eval test`` must refuse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policy_eval.errors import PolicyEvalError
from policy_eval.scenario import load_scenario, run_scenario

from ._support import INVALID, invoke_cli, run_cli, scenario_files

FILES = scenario_files(INVALID)
LOCATED = re.compile(r"(?P<path>[^\s:]+\.(?:json|ya?ml)):(?P<line>\d+):(?P<col>\d+)")

# file -> (file named in the message, line or None, words the message must contain)
EXPECTED: dict[str, tuple[str, set[int] | None, tuple[str, ...]]] = {
    "case-40-duplicate-stringequals.json": ("case-40-duplicate-stringequals.json", {13},
                                            ("StringEquals",)),
    "duplicate-effect-in-policy-file.json": ("duplicate-effect.json", {8}, ("Effect",)),
    "malformed-json-scenario.json": ("malformed-json-scenario.json", {5, 6}, ()),
    "malformed-json-in-policy-file.json": ("malformed-json.json", {5, 6}, ()),
    "effect-lowercase-trailing-space.json": ("effect-lowercase-trailing-space.json", {8},
                                             ("Effect",)),
    "effect-number.json": ("effect-number.json", {8}, ("Effect",)),
    "unknown-condition-operator.json": ("unknown-condition-operator.json", {12},
                                        ("StringEqualz",)),
    "malformed-arn-in-request.json": ("malformed-arn-in-request.json", {6, 7},
                                      ("arn:aws:s3:example-photo-app-media",)),
    "variable-unclosed-brace.json": ("variable-unclosed-brace.json", {10}, ()),
    "deeply-nested-2000-levels.json": ("deeply-nested-2000-levels.json", {4}, ()),
    "missing-policy-file.json": ("missing-policy-file.json", None, ("does-not-exist.json",)),
}


def test_every_invalid_fixture_has_an_expectation() -> None:
    """Each committed invalid input is checked below; no stray files."""
    assert sorted(p.name for p in FILES) == sorted(EXPECTED)


def check_message(name: str, message: str) -> None:
    named, lines, words = EXPECTED[name]
    assert "Traceback" not in message
    for word in words:
        assert word in message, (word, message)
    if lines is None:
        assert named in message, message
        return
    located = [m for m in LOCATED.finditer(message) if m.group("path").endswith(named)]
    assert located, f"no {named}:line:col in {message!r}"
    assert any(int(m.group("line")) in lines for m in located), message


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_library_raises_located_error(path: Path) -> None:
    """1.1/2.3: loading or running the scenario raises PolicyEvalError with a location."""
    with pytest.raises(PolicyEvalError) as info:
        run_scenario(load_scenario(path))
    err = info.value
    assert err.location.path is not None
    check_message(path.name, str(err))


@pytest.mark.parametrize("command", ["eval", "test"])
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_cli_exit_2_with_located_message(path: Path, command: str) -> None:
    """CLI: `eval` and `test` exit 2 on unusable input, printing file:line:col and the reason."""
    code, out = invoke_cli(command, str(path))
    assert code == 2, out
    check_message(path.name, out)


def test_case_40_duplicate_condition_operator_real_entry_point() -> None:
    """7 case 40: duplicate "StringEquals" keys -> policy invalid; exit 2 from `python -m`."""
    proc = run_cli("eval", str(INVALID / "case-40-duplicate-stringequals.json"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "" or "any-request" not in proc.stdout
    check_message("case-40-duplicate-stringequals.json", proc.stderr + proc.stdout)


def test_ten_megabyte_scenario_is_refused(tmp_path: Path) -> None:
    """Input limits: a 10 MB file is refused with exit 2 instead of being parsed slowly."""
    big = tmp_path / "huge.json"
    padding = "x" * (10 * 1024 * 1024)
    big.write_text(json.dumps({
        "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]},
        "principal": "arn:aws:sts::111122223333:assumed-role/R/CognitoIdentityCredentials",
        "context": {"aws:PrincipalTag/padding": padding},
        "requests": [{"id": "r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/x",
                      "expect": "allow"}]}))
    assert big.stat().st_size > 10 * 1024 * 1024
    code, out = invoke_cli("eval", str(big))
    assert code == 2, out[:500]
    assert "huge.json" in out and "Traceback" not in out


def test_ten_megabyte_policy_file_is_refused(tmp_path: Path) -> None:
    """Input limits: a referenced 10 MB policy file is refused too (exit 2, file named)."""
    statements = [{"Sid": f"S{i}", "Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::bucket-{i}/*"} for i in range(120_000)]
    pol = tmp_path / "big-policy.json"
    pol.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    assert pol.stat().st_size > 10 * 1024 * 1024
    scen = tmp_path / "s.json"
    scen.write_text(json.dumps({
        "policies": {"identity": ["big-policy.json"]},
        "principal": "arn:aws:sts::111122223333:assumed-role/R/CognitoIdentityCredentials",
        "requests": [{"id": "r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/x",
                      "expect": "implicit_deny"}]}))
    code, out = invoke_cli("eval", str(scen))
    assert code == 2, out[:500]
    assert "big-policy.json" in out


def test_not_utf8_policy_is_refused(tmp_path: Path) -> None:
    """Input: a policy file that is not UTF-8 text is refused with exit 2."""
    pol = tmp_path / "latin1.json"
    pol.write_bytes('{"Version": "2012-10-17", "Statement": [{"Sid": "Caf\u00e9"}]}'
                    .encode("latin-1"))
    scen = tmp_path / "s.json"
    scen.write_text(json.dumps({
        "policies": {"identity": ["latin1.json"]},
        "principal": "arn:aws:sts::111122223333:assumed-role/R/CognitoIdentityCredentials",
        "requests": [{"id": "r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/x",
                      "expect": "implicit_deny"}]}))
    code, out = invoke_cli("eval", str(scen))
    assert code == 2, out
    assert "latin1.json" in out


def test_one_bad_file_among_good_ones_gives_exit_2(tmp_path: Path) -> None:
    """CLI: `test` over several inputs exits 2 when any input is unusable."""
    good = INVALID.parent / "spec-cases" / "case-10-action-case-insensitive.json"
    code, out = invoke_cli("test", str(INVALID / "effect-number.json"), str(good))
    assert code == 2, out
