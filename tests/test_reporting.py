"""``policy-eval test`` output in a CI log: whole file names and request ids, no ``…``.

Run as CI runs it: a fresh process whose stdout is a pipe, not a terminal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _policy_eval(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policy_eval", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_piped_output_keeps_whole_names_and_ids() -> None:
    folder = "fixtures/cognito/scenarios"
    done = _policy_eval("test", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "…" not in done.stdout
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["scenario", "request", "expect", "decision", "result"]
    for path in sorted((REPO / folder).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = f"{folder}/{path.name}"
        for request in data["requests"]:
            wanted = [name, request["id"]]
            assert any(line.split()[:2] == wanted for line in lines), (name, request["id"])
    assert lines[-1].endswith("0 failed")
