"""Fixtures for the differential tests: iam-simulate as an out-of-process oracle.

iam-simulate (npm ``@cloud-copilot/iam-simulate``, AGPL-3.0-or-later) is installed with npm
into a cache folder **outside** the repository (``$IAM_SIMULATE_HOME``, default
``~/.cache/policy-eval/iam-simulate``) and driven through our JSON Lines driver
``../shared/peers/iam-simulate/driver.mjs`` in one batch process call. Nothing of the package
is imported, vendored or copied: it is only a separate process whose answers we read.

Tests using the fixture skip when ``node`` is missing or when the shared folder with the
driver is absent; a failing npm install is an error (CI has registry access).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from divergences import PeerRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
DRIVER = REPO_ROOT / ".." / "shared" / "peers" / "iam-simulate" / "driver.mjs"
PACKAGE = "@cloud-copilot/iam-simulate"
VERSION = "0.1.173"


def _home() -> Path:
    env = os.environ.get("IAM_SIMULATE_HOME")
    home = Path(env) if env else Path.home() / ".cache" / "policy-eval" / "iam-simulate"
    home = home.expanduser().resolve()
    repo = REPO_ROOT.resolve()
    if home == repo or repo in home.parents:
        raise pytest.UsageError(f"IAM_SIMULATE_HOME must be outside the repository: {home}")
    return home


def _installed_version(home: Path) -> str | None:
    pkg = home / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json"
    if not pkg.is_file():
        return None
    version: str = json.loads(pkg.read_text(encoding="utf-8")).get("version", "")
    return version


def _ensure_installed(home: Path) -> None:
    if _installed_version(home) == VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"npm not found; cannot install {PACKAGE}@{VERSION} into {home}")
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "package.json").is_file():
        (home / "package.json").write_text(
            json.dumps({"name": "iam-simulate-oracle", "private": True}) + "\n", encoding="utf-8"
        )
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", f"{PACKAGE}@{VERSION}"],
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or _installed_version(home) != VERSION:
        pytest.fail(f"npm install {PACKAGE}@{VERSION} in {home} failed:\n{proc.stderr[-3000:]}")


@pytest.fixture(scope="session")
def iam_simulate() -> PeerRunner:
    """A function: list of driver input objects -> list of driver output objects (same order)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the iam-simulate differential test needs Node.js")
    if not DRIVER.is_file():
        pytest.skip(f"iam-simulate driver not found at {DRIVER} (shared/ folder absent)")
    home = _home()
    _ensure_installed(home)
    env = dict(os.environ, IAM_SIMULATE_HOME=str(home))

    def run(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not lines:
            return []
        payload = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
        proc = subprocess.run(
            [node, str(DRIVER), "--mode=unsafe"],
            input=payload,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert proc.returncode == 0, f"driver exited {proc.returncode}:\n{proc.stderr[-3000:]}"
        out = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
        assert len(out) == len(lines), f"driver answered {len(out)} of {len(lines)} lines"
        for sent, got in zip(lines, out, strict=True):
            assert got["id"] == sent["id"], (sent["id"], got["id"])
        return out

    return run
