"""Spec section 7: the worked cases that concern sections 1-5, one scenario file per case.

Cases 31 and 35 (Cognito trust / role mapping) are tested with the cognito package; case 40
(an invalid policy) lives in tests/data/invalid and is checked in test_invalid_inputs.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policy_eval.scenario import load_scenario, run_scenario

from ._support import INVALID, SPEC_CASES, invoke_cli, scenario_files

CASES = (1, 2, 4, 9, 10, 11, 13, 16, 22, 24, 25, 27, 29)
SECTIONS = ("1.4", "2.4", "3.5", "4.6", "5.3")
FILES = scenario_files(SPEC_CASES)


def test_every_listed_case_and_section_example_has_a_scenario() -> None:
    """7: cases 1, 2, 4, 9, 10, 11, 13, 16, 22, 24, 25, 27, 29 and the examples of 1.4-5.3."""
    names = [p.name for p in FILES]
    for n in CASES:
        assert any(re.match(rf"case-{n:02d}-[a-z0-9-]+\.json$", name) for name in names), n
    for sec in SECTIONS:
        assert any(name.startswith(f"section-{sec}-") for name in names), sec
    assert (INVALID / "case-40-duplicate-stringequals.json").is_file()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_spec_case_scenario(path: Path) -> None:
    """7: every request of the case gets the decision the spec gives."""
    results = run_scenario(load_scenario(path))
    assert results, "scenario has no requests"
    raw = json.loads(path.read_text())
    assert [r.id for r in results] == [q["id"] for q in raw["requests"]]
    wrong = [(r.id, r.expect, r.decision) for r in results if not r.ok]
    assert not wrong, wrong


def test_spec_cases_through_cli() -> None:
    """7: `policy-eval test fixtures/spec-cases` holds every expectation (exit 0)."""
    code, out = invoke_cli("test", str(SPEC_CASES))
    assert code == 0, out
