"""Smoke test of ``benchmarks/``: the harness runs end to end on a tiny workload.

Runs the benchmark code with 300 requests, no peers and no cold-start
subprocesses, and checks what it measured rather than how fast: policy-eval
must agree 100% (three-valued) with the decisions the workloads were built
with, on the base and the extended workload, through both ``evaluate`` and
``evaluate_many``. It also holds the workloads themselves together: the base
request stream equals the shared peer workload's (so peer figures are
comparable), and the hand-specialised reference evaluator agrees with the
construction-time answers on any seed. No timing assertions.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_WORKLOAD = REPO_ROOT / ".." / "shared" / "peers" / "bench" / "workload.py"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import bench_evaluate  # noqa: E402
from benchmarks.reference import make_ref_python  # noqa: E402
from benchmarks.workload import (  # noqa: E402
    ALLOW,
    CATEGORIES,
    EXPLICIT_DENY,
    EXT_CATEGORIES,
    IMPLICIT_DENY,
    build,
    build_extended,
)

N_REQUESTS = 300
N_IDENTITIES = 40


@pytest.fixture(scope="module")
def doc() -> dict:
    return bench_evaluate.run(N_REQUESTS, N_IDENTITIES, repeats=1, peers=(), extended=True,
                              cold=False, log=lambda _msg: None)


def _rows(section: dict, peer: str) -> dict[str, dict]:
    return {v["variant"]: v for r in section["results"] if r["peer"] == peer
            for v in r["variants"]}


def test_policy_eval_agrees_on_base_workload(doc: dict) -> None:
    base = doc["sections"][0]
    assert base["workload"]["name"] == "cognito"
    assert base["workload"]["requests"] == N_REQUESTS
    rows = _rows(base, "policy-eval")
    assert set(rows) == {"evaluate", "evaluate_keep", "evaluate_end_to_end", "evaluate_many",
                         "evaluate_many_end_to_end"}
    for name, row in rows.items():
        assert row["three_valued"], name
        assert row["disagreements"] == {}, (name, row["disagreements"])
        assert row["agree"] == row["total"] == N_REQUESTS, name
        assert row["decisions_per_s"] > 0 and row["median_s"] > 0


def test_policy_eval_agrees_on_extended_workload(doc: dict) -> None:
    ext = doc["sections"][1]
    assert ext["workload"]["name"] == "cognito_extended"
    rows = _rows(ext, "policy-eval")
    assert {"evaluate", "evaluate_many"} <= set(rows)
    for name, row in rows.items():
        assert row["disagreements"] == {}, (name, row["disagreements"])
        assert row["agree_pct"] == 100.0


def test_reference_row_and_ratios(doc: dict) -> None:
    base = doc["sections"][0]
    ref = _rows(base, "limit")["ref_python"]
    assert ref["agree_pct"] == 100.0 and ref["three_valued"]
    pe_row = _rows(base, "policy-eval")["evaluate"]
    assert pe_row["pe_over_this_wall"] == 1.0
    assert ref["pe_over_this_wall"] == pytest.approx(
        pe_row["decisions_per_s"] / ref["decisions_per_s"], rel=1e-3)


def test_report_renders_a_table_per_workload(doc: dict) -> None:
    text = bench_evaluate.report(doc)
    assert text.count("| engine | variant |") == 2
    assert "| policy-eval" in text and "| ref_python |" in text
    assert "Target for the scalar path" in text


def test_main_writes_results_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "latest.json"
    code = bench_evaluate.main(["--requests", "120", "--identities", "10", "--repeats", "1",
                                "--no-peers", "--no-extended", "--no-cold-start",
                                "--out", str(out)])
    assert code == 0
    saved = json.loads(out.read_text())
    assert saved["sections"][0]["workload"]["requests"] == 120
    assert "| policy-eval" in capsys.readouterr().out


def test_workloads_cover_every_category_with_known_answers() -> None:
    base = build(50, 3000)
    assert set(base.mix()) == set(CATEGORIES)
    # the only per-request refinement: PutObject into another identity's readonly/ folder
    refined = {(c, d) for c, d in zip(base.categories, base.expected_decisions, strict=True)
               if d != CATEGORIES[c][1]}
    assert refined <= {("s3_obj_other", EXPLICIT_DENY)}
    ext = build_extended(50, 3000)
    assert set(EXT_CATEGORIES) <= set(ext.mix())
    assert {ALLOW, EXPLICIT_DENY, IMPLICIT_DENY} == set(ext.expected_decisions)


@pytest.mark.skipif(not SHARED_WORKLOAD.is_file(), reason="shared/ folder not beside the repo")
def test_base_workload_is_the_shared_peer_workload() -> None:
    spec = importlib.util.spec_from_file_location("shared_bench_workload", SHARED_WORKLOAD)
    assert spec and spec.loader
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    theirs = shared.build(30, 2000)
    ours = build(30, 2000)
    assert ours.identities == theirs.identities
    assert ours.requests == theirs.requests
    assert ours.expected == theirs.expected
    assert ours.categories == theirs.categories


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), n_id=st.integers(min_value=2, max_value=30))
def test_reference_evaluator_matches_construction(seed: int, n_id: int) -> None:
    wl = build(n_id, 400, seed=seed)
    decide = make_ref_python(wl.identities)
    got = [decide(i, a, r, c) for i, a, r, c in wl.requests]
    assert got == wl.expected_decisions
