"""The batch path (``PolicySet.evaluate_many``) next to the hand-specialised NumPy evaluator,
the scalar path and the peers, in one run; growth curves and peak memory.

    python benchmarks/bench_batch.py                 # 100,000 requests, peers, growth, memory
    python benchmarks/bench_batch.py --quick         # 10,000 requests, small growth steps
    python benchmarks/bench_batch.py --no-peers --no-growth --no-memory

On the shared Cognito workload (``benchmarks/workload.py``, the stream of
``shared/peers/bench/workload.py``) it times, round-robin (``bench_evaluate.settle``):

* ``batch_columns``: ``evaluate_many`` on a ``RequestBatch`` built beforehand with
  ``from_columns`` (the columns a log reader or a population generator hands over);
* ``batch_end_to_end``: columns built from the raw Python request tuples, then
  ``from_columns`` and ``evaluate_many``: what a caller with rows pays;
* ``evaluate``: the scalar path, one prebuilt ``Request`` at a time;
* ``ref_python``: ``make_ref_python`` of ``shared/peers/bench/limits.py``, the
  hand-specialised Python loop (the scalar path's ceiling);
* ``ref_numpy_columns`` / ``ref_numpy_end_to_end``: ``make_ref_numpy`` and
  ``build_columns`` of ``shared/peers/bench/limits.py``, the hand-specialised NumPy
  evaluator of this one policy (allow/deny only): the ceiling of the columnar approach;
* the peers (iam-simulate, policyuniverse + glue, moto) through ``benchmarks/peers.py``.

Then how the batch time grows with requests (10^4..10^6), statements (1..200) and
identities (10..10^5), and the peak memory of building and deciding 10^6 requests, measured
in a fresh process (``tracemalloc`` peak of the batch work, and the process's peak RSS).
Prints Markdown, writes ``benchmarks/results/batch-latest.json``.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import peers as P
from benchmarks.bench_evaluate import measure, settle
from benchmarks.workload import (
    AUD_KEY,
    BUCKET,
    POOL_ID,
    PRINCIPAL,
    SUB_KEY,
    TABLE_ARN,
    Workload,
    build,
    identity_context,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIMITS = P.SHARED_BENCH / "limits.py"
ALL_PEERS = ("iamsimulate", "policyuniverse", "moto")
TARGET_COLUMNS_RATIO = 0.4        # batch_columns / ref_numpy_columns
TARGET_END_TO_END = 1_000_000     # decisions/s from raw rows
TARGET_SCALAR_RATIO = 0.4         # evaluate / limits.py ref_python
TARGET_PEER_RATIO = 100           # batch / iam-simulate
TARGET_MEMORY_MB = 1024           # 10^6 requests


# ------------------------------------------------------------------ inputs


def columns_of(wl: Workload) -> dict[str, Any]:
    """The workload's requests as ``from_columns`` arguments (identity keys included)."""
    reqs, ids = wl.requests, wl.identities
    n = len(reqs)
    return {"action": [q[1] for q in reqs], "resource": [q[2] for q in reqs],
            "principal": PRINCIPAL,
            "context": {SUB_KEY: [ids[q[0]] for q in reqs], AUD_KEY: [POOL_ID] * n,
                        "s3:prefix": [q[3].get("s3:prefix") for q in reqs],
                        "dynamodb:LeadingKeys": [q[3].get("dynamodb:LeadingKeys")
                                                 for q in reqs]}}


def load_limits() -> Any | None:
    """``shared/peers/bench/limits.py`` (it imports the shared ``workload`` beside it)."""
    if not LIMITS.is_file():
        return None
    if str(P.SHARED_BENCH) not in sys.path:
        sys.path.insert(0, str(P.SHARED_BENCH))
    spec = importlib.util.spec_from_file_location("shared_bench_limits", LIMITS)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def padded_policy(wl: Workload, n_statements: int) -> dict[str, Any]:
    """The workload's policy grown to ``n_statements`` statements with Allows on other
    tables and prefixes that no request matches (so every answer stays the same)."""
    statements = list(wl.policy["Statement"])
    k = 0
    while len(statements) < n_statements:
        statements.append({
            "Sid": f"Filler{k}", "Effect": "Allow",
            "Action": ["s3:GetObject", "dynamodb:Query"] if k % 2 else "s3:ListBucket",
            "Resource": [f"arn:aws:s3:::{BUCKET}/archive-{k}/*", f"{TABLE_ARN}-{k}"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{k}"}}})
        k += 1
    return {**wl.policy, "Statement": statements[:n_statements]}


# ------------------------------------------------------------------ timed rows


def policy_eval_rows(wl: Workload) -> dict[str, Any]:
    import policy_eval as pe

    ps = pe.PolicySet(identity=[wl.policy])
    t0 = time.perf_counter()
    batch = pe.RequestBatch.from_columns(**columns_of(wl))
    build_s = time.perf_counter() - t0
    idctx = [identity_context(x) for x in wl.identities]
    prebuilt = [pe.Request(action=a, resource=r, principal=PRINCIPAL, context={**idctx[i], **c})
                for i, a, r, c in wl.requests]
    evaluate = ps.evaluate

    def end_to_end() -> Any:
        return ps.evaluate_many(pe.RequestBatch.from_columns(**columns_of(wl)))

    names: dict[str, Any] = {"three_valued": True, "answers": lambda d: d.decisions}
    rows = [
        measure("batch_columns", wl, lambda: ps.evaluate_many(batch),
                note=f"evaluate_many on a RequestBatch built beforehand ({build_s * 1000:.0f} ms "
                     "with from_columns)", **names),
        measure("batch_end_to_end", wl, end_to_end,
                note="columns from the raw request tuples + from_columns + evaluate_many",
                **names),
        measure("evaluate", wl, lambda: [evaluate(q).decision for q in prebuilt],
                three_valued=True, note="the scalar path, prebuilt Request objects"),
    ]
    return {"peer": "policy-eval", "version": pe.__version__, "variants": rows,
            "batch_build_s": round(build_s, 4)}


def limits_rows(wl: Workload) -> dict[str, Any]:
    limits = load_limits()
    if limits is None:
        return P._skip("limit (numpy)", f"{LIMITS} not found")
    decide = limits.make_ref_numpy(wl.identities)
    cols = limits.build_columns(wl)
    ref_python = limits.make_ref_python(wl.identities)
    reqs = wl.requests
    rows = [measure("ref_python", wl, lambda: [ref_python(i, a, r, c) for i, a, r, c in reqs],
                    three_valued=False,
                    note="limits.py make_ref_python: the hand-specialised Python loop "
                         "(allow/deny only)"),
            measure("ref_numpy_columns", wl, lambda: decide(cols), three_valued=False,
                    answers=lambda a: a.tolist(),
                    note="limits.py make_ref_numpy, columns prebuilt (allow/deny only)"),
            measure("ref_numpy_end_to_end", wl, lambda: decide(limits.build_columns(wl)),
                    three_valued=False, answers=lambda a: a.tolist(),
                    note="limits.py build_columns + make_ref_numpy")]
    import numpy as np

    return {"peer": "limit", "version": f"numpy {np.__version__}", "variants": rows}


# ------------------------------------------------------------------ growth and memory


def _time_batch(policy: dict[str, Any], wl: Workload, repeats: int) -> tuple[float, bool]:
    """Median seconds of from_columns + evaluate_many; whether every answer is right (the
    expected ones when the policy is the workload's, else the scalar path's on a sample)."""
    import policy_eval as pe

    ps = pe.PolicySet(identity=[policy])
    times, decisions = [], None
    for _ in range(repeats):
        cols = columns_of(wl)
        t0 = time.perf_counter()
        result = ps.evaluate_many(pe.RequestBatch.from_columns(**cols))
        times.append(time.perf_counter() - t0)
        decisions = result.decisions
    assert decisions is not None
    if len(policy["Statement"]) >= len(wl.policy["Statement"]):
        return statistics.median(times), decisions == wl.expected_decisions
    idctx = [identity_context(x) for x in wl.identities]
    sample = range(0, len(wl.requests), max(1, len(wl.requests) // 2000))
    want = [ps.evaluate(pe.Request(a, r, PRINCIPAL, {**idctx[i], **c})).decision
            for i, a, r, c in (wl.requests[k] for k in sample)]
    return statistics.median(times), [decisions[k] for k in sample] == want


def growth(requests: Sequence[int], statements: Sequence[int], identities: Sequence[int],
           base_requests: int, repeats: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Batch time (from_columns + evaluate_many, columns given) along each axis."""
    out: dict[str, Any] = {"requests": [], "statements": [], "identities": []}
    for n in requests:
        say(f"growth: {n:,} requests")
        wl = build(1000, n)
        s, ok = _time_batch(wl.policy, wl, repeats)
        out["requests"].append({"n": n, "median_s": round(s, 4), "per_s": round(n / s),
                                "correct": ok})
    wl = build(1000, base_requests)
    for k in statements:
        say(f"growth: {k} statements")
        s, ok = _time_batch(padded_policy(wl, k), wl, repeats)
        out["statements"].append({"n": k, "median_s": round(s, 4),
                                  "per_s": round(base_requests / s), "correct": ok})
    for n in identities:
        say(f"growth: {n:,} identities")
        wl = build(n, base_requests)
        s, ok = _time_batch(wl.policy, wl, repeats)
        out["identities"].append({"n": n, "median_s": round(s, 4),
                                  "per_s": round(base_requests / s), "correct": ok})
    return out


_MEMORY_COLUMNS = """
import pickle, sys
sys.path.insert(0, sys.argv[3])
from benchmarks.bench_batch import columns_of
from benchmarks.workload import build
wl = build(1000, int(sys.argv[1]))
with open(sys.argv[2], "wb") as fh:
    pickle.dump((wl.policy, columns_of(wl), wl.expected_decisions), fh, protocol=5)
"""

_MEMORY_BATCH = """
import json, pickle, resource, sys, time
import policy_eval as pe

def peak_mb():
    # VmHWM: this process's own peak. ru_maxrss is kept across execve on Linux, so in a
    # child of a big benchmark process it reports the parent's size, not the child's.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

with open(sys.argv[1], "rb") as fh:
    policy, columns, expected = pickle.load(fh)
ps = pe.PolicySet(identity=[policy])
loaded = peak_mb()
t0 = time.perf_counter()
result = ps.evaluate_many(pe.RequestBatch.from_columns(**columns))
seconds = time.perf_counter() - t0
peak = peak_mb()
print(json.dumps({"rss_after_loading_columns_mb": round(loaded, 1),
                  "rss_peak_mb": round(peak, 1), "batch_mb": round(peak - loaded, 1),
                  "seconds": round(seconds, 2), "correct": result.decisions == expected}))
"""


def memory(n: int) -> dict[str, Any]:
    """Peak memory of from_columns + evaluate_many on ``n`` requests, in a fresh process
    that starts from the columns (unpickled): its peak RSS, and the part above the
    columns themselves."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "columns.pickle")
        made = subprocess.run([sys.executable, "-c", _MEMORY_COLUMNS, str(n), path, str(REPO)],
                              capture_output=True, text=True, check=False, cwd=REPO)
        if made.returncode != 0:
            return {"requests": n, "error": made.stderr.strip()[-400:]}
        proc = subprocess.run([sys.executable, "-c", _MEMORY_BATCH, path],
                              capture_output=True, text=True, check=False, cwd=REPO)
    if proc.returncode != 0:
        return {"requests": n, "error": proc.stderr.strip()[-400:]}
    return {"requests": n, **json.loads(proc.stdout.strip().splitlines()[-1])}


# ------------------------------------------------------------------ run and report


def run(n_requests: int = 100_000, n_identities: int = 1000, repeats: int = 3, *,
        peers: Sequence[str] = ALL_PEERS, growth_steps: dict[str, Sequence[int]] | None = None,
        memory_requests: int | None = 1_000_000, validated_n: int = 2000,
        log: Callable[[str], None] | None = None) -> dict[str, Any]:
    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    wl = build(n_identities, n_requests)
    say(f"workload: {len(wl.requests):,} requests, {len(wl.identities):,} identities")
    results = [policy_eval_rows(wl), limits_rows(wl)]
    settle(results, repeats)
    for name in peers:
        say(f"peer {name} ...")
        if name == "iamsimulate":
            results.append(P.run_iamsimulate(wl, repeats, min(validated_n, n_requests)))
        else:
            results.append(P.run_python_peer(name, wl, repeats))
    doc: dict[str, Any] = {
        "meta": {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"), "python": platform.python_version(), "cpus": os.cpu_count(),
            "repeats": repeats, "requests": n_requests, "identities": n_identities},
        "results": results, "ratios": ratios(results)}
    if growth_steps:
        doc["growth"] = growth(growth_steps["requests"], growth_steps["statements"],
                               growth_steps["identities"], growth_steps["base"][0], repeats, say)
    if memory_requests:
        say(f"memory: {memory_requests:,} requests in a fresh process ...")
        doc["memory"] = memory(memory_requests)
    doc["meta"]["loadavg_at_end"] = list(os.getloadavg())
    return doc


def _row(results: list[dict[str, Any]], variant: str) -> dict[str, Any] | None:
    return next((v for r in results for v in r.get("variants", [])
                 if v["variant"] == variant), None)


def ratios(results: list[dict[str, Any]]) -> dict[str, float | None]:
    """The figures the issue sets targets for (wall and CPU medians of the same run)."""
    def rate(variant: str, key: str = "decisions_per_s") -> float | None:
        row = _row(results, variant)
        return row.get(key) if row else None

    out: dict[str, float | None] = {}
    for key, suffix in (("decisions_per_s", ""), ("decisions_per_cpu_s", "_cpu")):
        cols, ref = rate("batch_columns", key), rate("ref_numpy_columns", key)
        sim = rate("unsafe", key)
        out["columns_over_ref_numpy" + suffix] = round(cols / ref, 3) if cols and ref else None
        out["batch_over_iamsimulate" + suffix] = round(cols / sim, 1) if cols and sim else None
        e2e, ref_e2e = rate("batch_end_to_end", key), rate("ref_numpy_end_to_end", key)
        out["end_to_end_over_ref_numpy_end_to_end" + suffix] = (
            round(e2e / ref_e2e, 3) if e2e and ref_e2e else None)
        scalar = rate("evaluate", key)
        out["columns_over_scalar" + suffix] = round(cols / scalar, 2) if cols and scalar else None
        ref_py = rate("ref_python", key)
        out["scalar_over_ref_python" + suffix] = (
            round(scalar / ref_py, 3) if scalar and ref_py else None)
    return out


def report(doc: dict[str, Any]) -> str:
    lines = ["| engine | variant | decisions/s (wall, median) | decisions/CPU-s | agrees |",
             "|---|---|---:|---:|---:|"]
    for r in doc["results"]:
        name = f"{r['peer']} {r.get('version', '')}".strip()
        if "variants" not in r:
            lines.append(f"| {name} | - | skipped: {r.get('skipped', '?')} | | |")
            continue
        for v in r["variants"]:
            agree = f"{v.get('agree_pct', '-')}%" + (" (3-valued)" if v.get("three_valued")
                                                     else "")
            if v.get("requests") and v["requests"] != doc["meta"]["requests"]:
                agree += f" on {v['requests']:,}"
            lines.append(f"| {name} | {v['variant']} | {v.get('decisions_per_s') or 0:,} | "
                         f"{v.get('decisions_per_cpu_s') or 0:,} | {agree} |")
    parts = ["\n".join(lines), "Ratios (wall; CPU): " + ", ".join(
        f"{k} {v}" for k, v in doc["ratios"].items() if v is not None)]
    e2e = _row(doc["results"], "batch_end_to_end")
    if e2e:
        parts.append(f"End to end from raw rows: {e2e['decisions_per_s']:,}/s wall, "
                     f"{e2e['decisions_per_cpu_s']:,}/CPU-s (target {TARGET_END_TO_END:,}).")
    targets = [("columns_over_ref_numpy", TARGET_COLUMNS_RATIO),
               ("scalar_over_ref_python", TARGET_SCALAR_RATIO),
               ("batch_over_iamsimulate", TARGET_PEER_RATIO)]
    for key, target in targets:
        wall, cpu = doc["ratios"].get(key), doc["ratios"].get(key + "_cpu")
        if wall is not None:
            verdict = "met" if min(wall, cpu or wall) >= target else "NOT met"
            parts.append(f"{key}: {wall} wall, {cpu} CPU (target >= {target}: {verdict}).")
    if doc.get("growth"):
        g = ["| axis | n | median s | decisions/s | correct |", "|---|---:|---:|---:|---|"]
        for axis, points in doc["growth"].items():
            g.extend(f"| {axis} | {p['n']:,} | {p['median_s']} | {p['per_s']:,} | "
                     f"{p['correct']} |" for p in points)
        parts.append("\n".join(g))
    if doc.get("memory"):
        parts.append("Memory: " + json.dumps(doc["memory"]))
    parts.append("load average at the end: " + ", ".join(
        f"{x:.2f}" for x in doc["meta"]["loadavg_at_end"]))
    return "\n\n".join(parts)


FULL_GROWTH = {"requests": [10_000, 100_000, 1_000_000], "statements": [1, 10, 50, 200],
               "identities": [10, 1_000, 100_000], "base": [100_000]}
QUICK_GROWTH = {"requests": [1_000, 10_000], "statements": [1, 20], "identities": [10, 1_000],
                "base": [10_000]}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10,000 requests, small growth steps")
    ap.add_argument("--requests", type=int, default=None)
    ap.add_argument("--identities", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--peers", default=",".join(ALL_PEERS))
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-growth", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / "batch-latest.json"))
    args = ap.parse_args(argv)
    n = args.requests or (10_000 if args.quick else 100_000)
    doc = run(n, args.identities, args.repeats,
              peers=[] if args.no_peers else [p for p in args.peers.split(",") if p],
              growth_steps=None if args.no_growth else (QUICK_GROWTH if args.quick
                                                        else FULL_GROWTH),
              memory_requests=None if args.no_memory else (10 * n if args.quick
                                                           else 1_000_000))
    print(report(doc))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1))
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
