"""Fuzzing the command line: any bytes to ``check``, mutated scenarios to ``eval`` and
``test``, mutated pools and logins to ``simulate`` and ``check``. Every run must end with a
documented exit code (0, 1 or 2), no traceback, no internal error, within the budget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_eval.lint.discover import is_pool_file

from ._support import COGNITO, FIXTURES, HOSTILE_TEXT, dump, fuzz_settings, mutated, run_cli

POLICY_FILES = sorted((FIXTURES / "policies").glob("*.json"))
SCENARIO = json.loads((FIXTURES / "scenarios" / "s3-per-identity-prefix.json").read_text())
COGNITO_SCENARIO = json.loads(
    (COGNITO / "scenarios" / "userpool-rules-equals-premium.json").read_text())
POOL = json.loads((COGNITO / "pools" / "photo-app.json").read_text())
LOGIN = json.loads((COGNITO / "logins" / "alice-premium.json").read_text())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like ``fixtures/`` (policy paths in the documents resolve)."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "plain").mkdir()
    (root / "plain" / "policies").symlink_to(FIXTURES / "policies")
    (root / "plain" / "scenarios").mkdir()
    (root / "cognito").mkdir()
    (root / "cognito" / "policies").symlink_to(COGNITO / "policies")
    (root / "cognito" / "pools").mkdir()
    (root / "cognito" / "scenarios").mkdir()
    return root


@st.composite
def document_bytes(draw: Any) -> bytes:
    """Bytes near a policy file: a fixture with bytes replaced, inserted or cut, or noise."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=400))
    raw = bytearray(draw(st.sampled_from(POLICY_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        piece = draw(st.one_of(st.binary(max_size=8),
                               HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
        cut = draw(st.integers(0, 6))
        raw[at:at + cut] = piece
    return bytes(raw)


@fuzz_settings(60)
@given(data=document_bytes(), suffix=st.sampled_from([".json", ".yaml"]))
def test_check_survives_any_bytes(workdir: Path, data: bytes, suffix: str) -> None:
    path = workdir / f"policy{suffix}"
    path.write_bytes(data)
    run_cli("check", path, "--no-color")
    run_cli("check", path, "--format", "json")


@fuzz_settings(40)
@given(scenario=mutated(SCENARIO), suffix=st.sampled_from([".json", ".yaml"]))
def test_eval_and_test_survive_mutated_scenarios(workdir: Path, scenario: Any,
                                                 suffix: str) -> None:
    path = dump(scenario, workdir / "plain" / "scenarios" / f"scenario{suffix}")
    run_cli("eval", path)
    run_cli("eval", path, "--format", "json")
    run_cli("test", path, "--no-color")


@fuzz_settings(25)
@given(scenario=mutated(COGNITO_SCENARIO, rounds=2))
def test_cognito_scenarios_survive_mutation(workdir: Path, scenario: Any) -> None:
    (workdir / "cognito" / "pools" / "photo-app.json").write_text(json.dumps(POOL))
    path = dump(scenario, workdir / "cognito" / "scenarios" / "scenario.json")
    run_cli("test", path, "--no-color")


@fuzz_settings(30)
@given(pool=mutated(POOL, rounds=2), login=mutated(LOGIN, rounds=1))
def test_simulate_and_check_survive_mutated_pools(workdir: Path, pool: Any,
                                                  login: Any) -> None:
    pool_path = dump(pool, workdir / "cognito" / "pools" / "pool.json")
    login_path = dump(login, workdir / "cognito" / "login.json")
    simulated, out = run_cli("simulate", pool_path, "--login", login_path)
    run_cli("simulate", pool_path, "--login", login_path, "--format", "json")
    if simulated == 2 and f"error: {pool_path}" in out and isinstance(pool, dict) and \
            is_pool_file(pool):
        # one loader, one verdict: a pool file simulate refuses is never clean for check
        checked, report = run_cli("check", pool_path, "--no-color", "--select", "COG020,SYN")
        assert checked == 1, (out, report)
