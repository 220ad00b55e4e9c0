"""The code-quality gates the README promises, run with the suite (so ``.ci/run``, which is
the README's test command, covers them): ``ruff check .`` and ``mypy`` from the repository
root, each when installed (both are in the ``test`` extra)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool,args", [("ruff", ["check", "."]), ("mypy", [])],
                         ids=["ruff-check", "mypy"])
def test_tool_is_clean(tool: str, args: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", tool, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"{tool} {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
