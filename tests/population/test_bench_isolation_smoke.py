"""Smoke test of ``benchmarks/bench_isolation.py`` on a tiny population: the search and
the naive all-pairs evaluation agree (no timing assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import bench_isolation  # noqa: E402


def test_the_isolation_benchmark_runs_and_agrees_with_the_naive_search(capsys):
    figures = bench_isolation.main(["--identities", "2", "--naive-identities", "2",
                                    "--repeats", "1", "--adversarial-examples", "10"])
    assert figures["agree"] is True and figures["isolated"] is True
    assert figures["checked"] == 8 * 7 * 12 + 8 * 7 * 12   # single and mixed shapes
    assert "naive all pairs" in capsys.readouterr().out
