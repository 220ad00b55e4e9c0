"""Run the peer evaluators on the benchmark workload, each in its own process.

The peers are never installed into this repository or its environment:

* ``@cloud-copilot/iam-simulate`` (npm, AGPL) lives in an npm folder outside the
  repo (``$PEERS_NPM``, default ``~/.cache/policy-eval/bench-npm``). It is driven
  by the shared runner ``shared/peers/bench/iamsimulate_runner.cjs``, used in
  place, fed with *this* workload written to a temporary JSON file; for the
  extended workload (which has a bucket policy) by the shared JSON Lines driver
  ``shared/peers/iam-simulate/driver.mjs``.
* policyuniverse (+ the shared naive interpreter glue) and moto live in a
  virtual environment outside the repo (``$PEERS_VENV``, default
  ``~/.cache/policy-eval/peers-venv``) and are run through the shared bench
  scripts in place, which build the same request stream from the shared
  ``workload.py``; :func:`run_python_peer` checks that by fingerprint.

Every function returns a result dict (``peer``, ``version``, ``variants``), or
``{"peer": ..., "skipped": reason}`` when the peer is not available.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.workload import ACCOUNT, PRINCIPAL, Workload, agreement, identity_context

REPO = Path(__file__).resolve().parents[1]
# The shared folder beside the checkout (CI's layout); POLICY_EVAL_SHARED points elsewhere.
SHARED = Path(os.environ.get("POLICY_EVAL_SHARED", REPO / ".." / "shared")).resolve()
SHARED_BENCH = SHARED / "peers" / "bench"
IAMSIM_DRIVER = SHARED / "peers" / "iam-simulate" / "driver.mjs"
CACHE = Path.home() / ".cache" / "policy-eval"
PEERS_NPM = Path(os.environ.get("PEERS_NPM", CACHE / "bench-npm"))
PEERS_VENV = Path(os.environ.get("PEERS_VENV", CACHE / "peers-venv"))

# shared bench script -> the peer's import name in the venv
PYTHON_PEERS = {
    "policyuniverse": "bench_policyuniverse.py",
    "moto": "bench_moto.py",
}


def _skip(peer: str, why: str) -> dict[str, Any]:
    print(f"note: skipping {peer}: {why}", file=sys.stderr)
    return {"peer": peer, "skipped": why}


def _result_line(stdout: str) -> dict[str, Any] | None:
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    return json.loads(line[len("RESULT "):]) if line else None


def _rates(n: int, median_s: float, median_cpu_s: float) -> dict[str, Any]:
    return {"decisions_per_s": round(n / median_s) if median_s else None,
            "decisions_per_cpu_s": round(n / median_cpu_s) if median_cpu_s else None}


def npm_ready() -> bool:
    """True when node and the npm folder with iam-simulate are there."""
    return bool(shutil.which("node")) and (
        PEERS_NPM / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir()


def run_iamsimulate(wl: Workload, repeats: int, validated_n: int) -> dict[str, Any]:
    """iam-simulate through the shared runner, on this workload (identity policy only)."""
    peer = "@cloud-copilot/iam-simulate"
    runner = SHARED_BENCH / "iamsimulate_runner.cjs"
    if not runner.is_file():
        return _skip(peer, f"{runner} not found")
    if not npm_ready():
        return _skip(peer, f"node or {PEERS_NPM}/node_modules/@cloud-copilot/iam-simulate missing "
                     "(see benchmarks/README.md)")
    if wl.resource_policy is not None:
        return _skip(peer, "the shared runner takes an identity policy only")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "workload.json")
        wl.dump_json(path)
        proc = subprocess.run(["node", str(runner), str(PEERS_NPM), path, str(repeats),
                               str(validated_n)], capture_output=True, text=True, check=False)
    raw = _result_line(proc.stdout) if proc.returncode == 0 else None
    if raw is None:
        return _skip(peer, f"runner failed (exit {proc.returncode}): {proc.stderr[-400:]}")
    variants = []
    for v in raw["variants"]:
        n = v["n"]
        if n == 0:
            continue
        out = {"variant": v["variant"], "requests": n, "median_s": round(v["median_s"], 6),
               "median_cpu_s": round(v["median_cpu_s"], 6),
               "runs_s": [round(s, 6) for s in v["runs_s"]],
               "runs_cpu_s": [round(s, 6) for s in v["runs_cpu_s"]],
               "setup_s": round(v["setup_s"], 4), "note": v["note"],
               **_rates(n, v["median_s"], v["median_cpu_s"])}
        out.update(agreement(wl.head(n), [c == "1" for c in v["decisions"]]))
        variants.append(out)
    return {"peer": peer, "version": raw["version"], "runtime": f"node {raw['node']}",
            "import_s": round(raw["import_s"], 4), "variants": variants}


_DRIVER_DECISION = {"Allowed": "allow", "ExplicitlyDenied": "explicit_deny",
                    "ImplicitlyDenied": "implicit_deny"}


def run_iamsimulate_driver(wl: Workload, repeats: int) -> dict[str, Any]:
    """iam-simulate on any workload (bucket policy included) through the JSONL driver.

    One case per line, each carrying its policies, so the time includes JSON
    parsing of every case; the driver's own in-loop rate (``--stats``) is
    reported beside the wall rate of the whole process.
    """
    peer = "@cloud-copilot/iam-simulate (driver.mjs)"
    if not IAMSIM_DRIVER.is_file():
        return _skip(peer, f"{IAMSIM_DRIVER} not found")
    if not npm_ready():
        return _skip(peer, "node or the iam-simulate npm folder missing")
    lines = []
    for k, (i, action, resource, ctx) in enumerate(wl.requests):
        case: dict[str, Any] = {
            "id": str(k), "identity_policies": [wl.policy],
            "request": {"action": action, "resource": resource, "resource_account": ACCOUNT,
                        "principal": PRINCIPAL,
                        "context": {**identity_context(wl.identities[i]), **ctx}}}
        if wl.resource_policy is not None:
            case["resource_policy"] = wl.resource_policy
        lines.append(json.dumps(case))
    data = "\n".join(lines) + "\n"
    env = {**os.environ, "IAM_SIMULATE_HOME": str(PEERS_NPM)}
    walls, loops, decisions = [], [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(["node", str(IAMSIM_DRIVER), "--mode=unsafe", "--stats"],
                              input=data, capture_output=True, text=True, env=env, check=False)
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            return _skip(peer, f"driver failed (exit {proc.returncode}): {proc.stderr[-400:]}")
        stats = next((json.loads(x) for x in proc.stderr.splitlines() if x.startswith("{")), {})
        loop_s = stats.get("in_loop_s")
        if isinstance(loop_s, (int, float)):
            loops.append(float(loop_s))
        if decisions is None:
            answers = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
            decisions = [_DRIVER_DECISION.get(a.get("decision"), "error") for a in answers]
    assert decisions is not None
    n = len(wl.requests)
    med = statistics.median(walls)
    out: dict[str, Any] = {
        "variant": "driver_unsafe_jsonl", "requests": n, "median_s": round(med, 6),
        "runs_s": [round(s, 6) for s in walls],
        "decisions_per_s": round(n / med), "decisions_per_cpu_s": None,
        "note": "runUnsafeSimulation per JSONL case, whole node process timed "
                "(JSON parsing of every case included)"}
    if loops:
        out["in_loop_decisions_per_s"] = round(n / statistics.median(loops))
    out.update(agreement(wl, decisions, three_valued=True))
    return {"peer": peer, "version": _npm_version(), "runtime": "node", "variants": [out]}


def _npm_version() -> str:
    pkg = PEERS_NPM / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json"
    try:
        return str(json.loads(pkg.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def venv_python() -> Path | None:
    """The peers' virtual environment interpreter, when it exists."""
    py = PEERS_VENV / "bin" / "python"
    return py if py.is_file() else None


def run_python_peer(name: str, wl: Workload, repeats: int) -> dict[str, Any]:
    """One of the shared Python peer benches (``PYTHON_PEERS``), run in place in the venv."""
    script = SHARED_BENCH / PYTHON_PEERS[name]
    py = venv_python()
    if not script.is_file():
        return _skip(name, f"{script} not found")
    if py is None:
        return _skip(name, f"no virtual environment at {PEERS_VENV} (see benchmarks/README.md)")
    check = subprocess.run([str(py), "-c", f"import {name}"], capture_output=True, check=False)
    if check.returncode != 0:
        return _skip(name, f"{name} is not installed in {PEERS_VENV}")
    env = {**os.environ, "BENCH_REQUESTS": str(len(wl.requests)),
           "BENCH_IDENTITIES": str(len(wl.identities)), "BENCH_REPEATS": str(repeats),
           "PYTHONDONTWRITEBYTECODE": "1"}
    # Same request stream? The shared workload.py must build what ours builds.
    probe = ("import json, sys, workload as W; wl = W.build(int(sys.argv[1]), int(sys.argv[2])); "
             "print(json.dumps([wl.identities, wl.requests]))")
    got = subprocess.run([str(py), "-c", probe, str(len(wl.identities)), str(len(wl.requests))],
                         cwd=SHARED_BENCH, env=env, capture_output=True, text=True, check=False)
    if got.returncode != 0 or json.loads(got.stdout) != json.loads(
            json.dumps([wl.identities, wl.requests])):
        return _skip(name, "the shared workload.py does not build the same requests as ours")
    proc = subprocess.run([str(py), str(script)], cwd=SHARED_BENCH, env=env,
                          capture_output=True, text=True, check=False)
    raw = _result_line(proc.stdout) if proc.returncode == 0 else None
    if raw is None:
        return _skip(name, f"bench failed (exit {proc.returncode}): {proc.stderr[-400:]}")
    for v in raw.get("variants", []):
        v["median_cpu_s"] = round(sorted(v["runs_cpu_s"])[len(v["runs_cpu_s"]) // 2], 6)
        v.setdefault("requests", v.get("total"))
    raw["runtime"] = "python (peers venv)"
    return raw
