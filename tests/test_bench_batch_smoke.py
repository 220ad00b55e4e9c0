"""Smoke test of ``benchmarks/bench_batch.py``: the batch benchmark runs end to end on a
tiny workload and its answers are right (no timing assertions)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import bench_batch  # noqa: E402
from benchmarks.workload import build  # noqa: E402

TINY_GROWTH = {"requests": [200, 400], "statements": [1, 6], "identities": [3, 30],
               "base": [300]}


@pytest.fixture(scope="module")
def doc() -> dict:
    return bench_batch.run(300, 40, repeats=1, peers=(), growth_steps=TINY_GROWTH,
                           memory_requests=None, log=lambda _msg: None)


def _rows(doc: dict) -> dict[str, dict]:
    return {v["variant"]: v for r in doc["results"] for v in r.get("variants", [])}


def test_batch_rows_agree_with_the_expected_decisions(doc: dict) -> None:
    rows = _rows(doc)
    for name in ("batch_columns", "batch_end_to_end", "evaluate"):
        assert rows[name]["agree"] == rows[name]["total"] == 300, name
        assert rows[name]["three_valued"] and rows[name]["decisions_per_s"] > 0
    if bench_batch.LIMITS.is_file():
        assert rows["ref_numpy_columns"]["agree_pct"] == 100.0
        assert doc["ratios"]["columns_over_ref_numpy"] is not None


def test_growth_points_are_correct(doc: dict) -> None:
    for axis, points in doc["growth"].items():
        assert [p["n"] for p in points] == TINY_GROWTH[axis], axis
        assert all(p["correct"] for p in points), axis


def test_report_and_main(doc: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = bench_batch.report(doc)
    assert "| policy-eval" in text and "batch_columns" in text and "| statements |" in text
    out = tmp_path / "batch.json"
    assert bench_batch.main(["--requests", "150", "--identities", "10", "--repeats", "1",
                             "--no-peers", "--no-growth", "--no-memory", "--out",
                             str(out)]) == 0
    assert json.loads(out.read_text())["meta"]["requests"] == 150
    assert "batch_end_to_end" in capsys.readouterr().out


def test_padded_policy_keeps_the_answers() -> None:
    wl = build(5, 50)
    padded = bench_batch.padded_policy(wl, 40)
    assert len(padded["Statement"]) == 40
    assert padded["Statement"][:4] == wl.policy["Statement"]


def test_memory_is_measured_in_a_fresh_process() -> None:
    result = bench_batch.memory(500)
    assert "error" not in result, result
    assert result["correct"] and result["rss_peak_mb"] >= result["rss_after_loading_columns_mb"]
