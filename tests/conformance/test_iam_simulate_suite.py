"""Conformance: the iam-simulate end-to-end corpus, re-encoded as scenario files.

The corpus lives in ``../shared/conformance/iam-simulate`` beside the repository (AGPL test
data of the iam-simulate project: it is read in place and never copied here). Its
``index.json`` lists every upstream case with the scenario file it was converted to, whether
the case is in scope for policy-eval and whether upstream's answer is a documented
divergence from AWS (``known_divergence``). Every in-scope case without a known divergence
is run through :func:`policy_eval.scenario.load_scenario` and
:func:`policy_eval.scenario.run_scenario`, one test per case; a handful also go through the
CLI (``policy-eval eval FILE --format json``) so the JSON output is exercised end to end.

The whole module skips, with the reason, when the shared folder is absent (a checkout
without ``shared/`` beside it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT / ".." / "shared" / "conformance" / "iam-simulate"
INDEX = CORPUS / "index.json"

DECISIONS = {"allow", "explicit_deny", "implicit_deny"}

# Engine bugs found by this suite, xfailed (strict) so the suite stays green while the
# engine owner fixes them. Key: "<category>/<name>", value: the reason. Empty = none known.
ENGINE_BUGS: dict[str, str] = {}


def _load_index() -> dict[str, Any] | None:
    if not INDEX.is_file():
        return None
    with INDEX.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


_INDEX = _load_index()
_SKIP_REASON = (
    f"iam-simulate conformance corpus not found at {INDEX} "
    "(expects the shared/ folder beside the repository)"
)


def _checked_cases() -> list[dict[str, Any]]:
    if _INDEX is None:
        return []
    return [
        case for case in _INDEX["cases"] if case["in_scope"] and not case.get("known_divergence")
    ]


def _case_id(case: dict[str, Any]) -> str:
    # Case names repeat across upstream files; the category makes them unique.
    return f"{case['category']}/{case['name']}"


def _params() -> list[Any]:
    cases = _checked_cases()
    if not cases:
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=_SKIP_REASON))]
    params = []
    for case in cases:
        cid = _case_id(case)
        marks = []
        if cid in ENGINE_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=ENGINE_BUGS[cid]))
        params.append(pytest.param(case, id=cid, marks=marks))
    return params


def matches(decision: str, expect: str) -> bool:
    """Whether an engine decision satisfies a scenario ``expect`` (``deny`` = either deny)."""
    if expect == "deny":
        return decision in ("explicit_deny", "implicit_deny")
    return decision == expect


def test_matches_helper() -> None:
    assert matches("explicit_deny", "deny")
    assert matches("implicit_deny", "deny")
    assert not matches("allow", "deny")
    assert matches("allow", "allow")
    assert not matches("implicit_deny", "explicit_deny")


def test_index_counts_are_consistent() -> None:
    if _INDEX is None:
        pytest.skip(_SKIP_REASON)
    cases = _checked_cases()
    assert len(cases) == _INDEX["counts"]["checked"]
    for case in cases:
        assert (CORPUS / case["file"]).is_file(), case["file"]
        assert case["expect"] in DECISIONS | {"deny"}


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any]) -> None:
    from policy_eval.scenario import load_scenario, run_scenario

    path = CORPUS / case["file"]
    results = run_scenario(load_scenario(path))
    assert len(results) == 1, f"{path}: one request per corpus file, got {len(results)}"
    result = results[0]
    assert result.decision in DECISIONS
    assert result.expect == case["expect"]
    assert matches(result.decision, case["expect"]), (
        f"{_case_id(case)}: got {result.decision}, upstream expects {case['expect']}\n"
        f"features: {json.dumps(case['features'], sort_keys=True)}\n"
        f"notes: {case.get('conversion_notes')}\n"
        f"explanation:\n{result.explanation}"
    )
    assert result.ok == matches(result.decision, case["expect"])


def _cli_command() -> list[str]:
    exe = shutil.which("policy-eval")
    if exe:
        return [exe]
    # Not installed as a console script (plain checkout): call the same entry point.
    return [
        sys.executable,
        "-c",
        "import sys; from policy_eval.cli import main; "
        "sys.argv = ['policy-eval', *sys.argv[1:]]; main()",
    ]


def _cli_sample() -> list[dict[str, Any]]:
    """A few cases with varied answers and policy types, picked deterministically."""
    cases = [c for c in _checked_cases() if _case_id(c) not in ENGINE_BUGS]
    picked: list[dict[str, Any]] = []
    wanted = [
        ("allow", "identity"),
        ("explicit_deny", "identity"),
        ("implicit_deny", "identity"),
        ("allow", "resource"),
        ("implicit_deny", "boundary"),
        ("explicit_deny", "scp"),
    ]
    for expect, policy_type in wanted:
        for case in cases:
            if (
                case["expect"] == expect
                and policy_type in case["features"]["policy_types"]
                and case not in picked
            ):
                picked.append(case)
                break
    return picked


def test_cli_json_output() -> None:
    if _INDEX is None:
        pytest.skip(_SKIP_REASON)
    sample = _cli_sample()
    assert len(sample) >= 4
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    for case in sample:
        path = (CORPUS / case["file"]).resolve()
        proc = subprocess.run(
            [*_cli_command(), "eval", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, f"{_case_id(case)}: exit {proc.returncode}\n{proc.stderr}"
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, proc.stdout
        obj = json.loads(lines[0])
        assert {"id", "decision", "explanation"} <= set(obj)
        assert obj["id"] == case["name"]
        assert obj["explanation"], "explanation must not be empty"
        assert matches(obj["decision"], case["expect"]), (
            f"{_case_id(case)}: CLI said {obj['decision']}, expected {case['expect']}"
        )


def _divergent_params() -> list[Any]:
    if _INDEX is None:
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=_SKIP_REASON))]
    cases = [c for c in _INDEX["cases"] if c["in_scope"] and c.get("known_divergence")]
    return [pytest.param(c, id=_case_id(c)) for c in cases]


@pytest.mark.parametrize("case", _divergent_params())
def test_known_divergence_follows_aws(case: dict[str, Any]) -> None:
    """Cases where upstream differs from the AWS documentation: we give AWS's answer."""
    from policy_eval.scenario import load_scenario, run_scenario

    (result,) = run_scenario(load_scenario(CORPUS / case["file"]))
    assert result.decision == case["aws_documented_decision"], case["known_divergence"]
    assert not matches(result.decision, case["expect"]), "upstream's answer is the divergent one"
