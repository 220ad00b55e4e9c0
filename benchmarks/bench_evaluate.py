"""Decisions per second of policy-eval, the Python ceiling and the peers, in one run.

    python benchmarks/bench_evaluate.py            # 100,000 requests, 1,000 identities
    python benchmarks/bench_evaluate.py --quick    # 10,000 requests
    python benchmarks/bench_evaluate.py --no-peers --no-extended
    python benchmarks/bench_evaluate.py --profile  # + cProfile of PolicySet.evaluate

On the same requests (``benchmarks/workload.py``), it times:

* policy-eval ``PolicySet.evaluate``, one request at a time, with the
  ``Request`` objects built beforehand (``evaluate``) and with their
  construction inside the timed loop (``evaluate_end_to_end``);
* ``PolicySet.evaluate_many`` on the prebuilt list, and end to end;
* ``ref_python``: the hand-specialised evaluator of this one policy
  (``benchmarks/reference.py``), the practical ceiling in pure Python;
* the peers available on this machine (``benchmarks/peers.py``), each skipped
  with a note when it is not installed;
* optionally the extended workload (``NotAction``, ``NotResource``, ``?``,
  absent and multi-valued ``LeadingKeys``, a bucket policy);
* cold start: ``python -c "import policy_eval"``, ``policy-eval --help`` and
  import + first decision, each in a fresh process (median of 5).

Every timed variant runs ``--repeats`` times (3); rates come from the median
wall time and, beside it, the median CPU time of the process, which is the
steadier figure on a shared machine. Correctness is the share of answers equal
to the expected ones, three-valued (allow / explicit_deny / implicit_deny)
where the evaluator says which deny it is. Prints a Markdown table and writes
``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import shutil
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
from benchmarks.reference import make_ref_python
from benchmarks.workload import (
    PRINCIPAL,
    Workload,
    agreement,
    build,
    build_extended,
    identity_context,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_SCALAR = 300_000  # decisions/s wanted from PolicySet.evaluate on this workload
ALL_PEERS = ("iamsimulate", "policyuniverse", "moto")


# ------------------------------------------------------------------ timing


def measure(variant: str, wl: Workload, fn: Callable[[], Sequence[Any]], *,
            three_valued: bool, note: str, setup_s: float | None = None,
            answers: Callable[[Sequence[Any]], list[Any]] | None = None) -> dict[str, Any]:
    """A row to be timed by :func:`settle`: ``fn`` returns one answer per request."""
    return {"variant": variant, "requests": len(wl.requests), "note": note,
            "setup_s": None if setup_s is None else round(setup_s, 4),
            "_pending": (wl, fn, three_valued, answers)}


def settle(results: list[dict[str, Any]], repeats: int) -> None:
    """Time every pending row, ``repeats`` rounds, round-robin.

    Each round runs every variant once (in rotated order), so a burst of load
    from another process on this shared machine slows all variants alike and
    the ratios between them stay meaningful. Rates come from the median wall
    and the median CPU (``time.process_time``) seconds; answers from round one.
    """
    rows = [v for r in results for v in r.get("variants", []) if "_pending" in v]
    wall: list[list[float]] = [[] for _ in rows]
    cpu: list[list[float]] = [[] for _ in rows]
    first: list[Any] = [None] * len(rows)
    for k in range(repeats):
        order = list(range(len(rows)))
        order = order[k % len(rows):] + order[:k % len(rows)] if rows else order
        for j in order:
            fn = rows[j]["_pending"][1]
            c0 = time.process_time()
            t0 = time.perf_counter()
            out = fn()
            wall[j].append(time.perf_counter() - t0)
            cpu[j].append(time.process_time() - c0)
            if k == 0:
                first[j] = out
    for j, row in enumerate(rows):
        wl, _fn, three_valued, answers = row.pop("_pending")
        n = len(wl.requests)
        med, med_cpu = statistics.median(wall[j]), statistics.median(cpu[j])
        row.update({
            "decisions_per_s": round(n / med) if med else None,
            "decisions_per_cpu_s": round(n / med_cpu) if med_cpu else None,
            "median_s": round(med, 6), "median_cpu_s": round(med_cpu, 6),
            "runs_s": [round(x, 6) for x in wall[j]], "runs_cpu_s": [round(x, 6) for x in cpu[j]],
        })
        got = answers(first[j]) if answers else list(first[j])
        row.update(agreement(wl, got, three_valued=three_valued))


def _decision_names(decisions: Sequence[Any]) -> list[str]:
    """Decision objects (or their ``decision`` values) -> strings (an enum's value)."""
    out = []
    for d in decisions:
        v = d if isinstance(d, str) else d.decision
        out.append(str(getattr(v, "value", v)))
    return out


# ------------------------------------------------------------------ policy-eval


def policy_eval_rows(wl: Workload, *, end_to_end: bool = True) -> dict[str, Any]:
    """All policy-eval variants on one workload."""
    t0 = time.perf_counter()
    import policy_eval as pe

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    resource = wl.resource_policy
    ps = pe.PolicySet(identity=[wl.policy], resource=resource)
    setup_s = time.perf_counter() - t0
    Request = pe.Request
    idctx = [identity_context(x) for x in wl.identities]
    t0 = time.perf_counter()
    prebuilt = [Request(action=a, resource=r, principal=PRINCIPAL, context={**idctx[i], **c})
                for i, a, r, c in wl.requests]
    build_s = time.perf_counter() - t0
    evaluate = ps.evaluate
    evaluate_many = ps.evaluate_many
    tuples = wl.requests

    # The scalar rows read each Decision's answer and drop the object, as a caller
    # deciding one request at a time does; `evaluate_keep` holds all 100,000 Decision
    # objects alive instead, which makes CPython's cyclic GC traverse them again and
    # again (the cost evaluate_many avoids by pausing the collector).
    def scalar() -> list[Any]:
        return [evaluate(q).decision for q in prebuilt]

    def scalar_keep() -> list[Any]:
        return [evaluate(q) for q in prebuilt]

    def scalar_e2e() -> list[Any]:
        return [evaluate(Request(action=a, resource=r, principal=PRINCIPAL,
                                 context={**idctx[i], **c})).decision
                for i, a, r, c in tuples]

    def many() -> list[Any]:
        return evaluate_many(prebuilt).decisions

    def many_e2e() -> list[Any]:
        return evaluate_many([Request(action=a, resource=r, principal=PRINCIPAL,
                                      context={**idctx[i], **c})
                              for i, a, r, c in tuples]).decisions

    common: dict[str, Any] = {"three_valued": True,
                              "answers": _decision_names}
    rows = [measure("evaluate", wl, scalar, setup_s=setup_s,
                    note="PolicySet.evaluate(q).decision per request; Request objects built "
                         f"beforehand ({build_s * 1000:.0f} ms for all of them)", **common),
            measure("evaluate_keep", wl, scalar_keep,
                    note="the same, keeping every Decision object alive (GC pressure)",
                    **common)]
    if end_to_end:
        rows.append(measure("evaluate_end_to_end", wl, scalar_e2e,
                            note="the same, with context merge and pe.Request(...) in the loop",
                            **common))
    rows.append(measure("evaluate_many", wl, many,
                        note="PolicySet.evaluate_many (the batch path) on the prebuilt list",
                        **common))
    if end_to_end:
        rows.append(measure("evaluate_many_end_to_end", wl, many_e2e,
                            note="Request list built, then evaluate_many", **common))
    version = getattr(pe, "__version__", None)
    if version is None:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as dist_version

        try:
            version = dist_version("policy-eval")
        except PackageNotFoundError:
            version = "?"
    return {"peer": "policy-eval", "version": version,
            "runtime": f"python {platform.python_version()}",
            "import_s": round(import_s, 4), "request_build_s": round(build_s, 4),
            "variants": rows}


def profile_evaluate(wl: Workload, top: int = 25) -> str:
    """cProfile of one pass of PolicySet.evaluate over the prebuilt requests."""
    import policy_eval as pe

    ps = pe.PolicySet(identity=[wl.policy], resource=wl.resource_policy)
    idctx = [identity_context(x) for x in wl.identities]
    reqs = [pe.Request(action=a, resource=r, principal=PRINCIPAL, context={**idctx[i], **c})
            for i, a, r, c in wl.requests]
    evaluate = ps.evaluate
    for q in reqs[:1000]:  # warm caches outside the profile
        evaluate(q)
    prof = cProfile.Profile()
    prof.enable()
    for q in reqs:
        evaluate(q)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    buf.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


# ------------------------------------------------------------------ the ceiling


def reference_rows(wl: Workload) -> dict[str, Any]:
    """The hand-specialised Python evaluator of the base policy."""
    decide = make_ref_python(wl.identities)
    reqs = wl.requests
    row = measure("ref_python", wl, lambda: [decide(i, a, r, c) for i, a, r, c in reqs],
                  three_valued=True,
                  note="hand-specialised function for this one policy (benchmarks/reference.py)")
    return {"peer": "limit", "version": "-", "runtime": f"python {platform.python_version()}",
            "variants": [row]}


# ------------------------------------------------------------------ cold start


def _policy_eval_cli() -> tuple[list[str], str]:
    exe = shutil.which("policy-eval")
    if exe:
        return [exe, "--help"], "policy-eval --help"
    return ([sys.executable, "-c", "import sys; from policy_eval.cli import main; "
             "sys.argv[0] = 'policy-eval'; main()", "--help"],
            "policy-eval --help (no console script on PATH: policy_eval.cli.main)")


def cold_start(runs: int = 5) -> list[dict[str, Any]]:
    """Fresh-process wall times, median of ``runs``; policy_eval is imported from this repo."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    policy = json.dumps(json.dumps(build(2, 1).policy))
    first = ("import json, policy_eval as pe; "
             f"ps = pe.PolicySet(identity=[json.loads({policy})]); "
             "ps.evaluate(pe.Request(action='s3:GetObject', resource='arn:aws:s3:::b/k', "
             f"principal={PRINCIPAL!r}, context={{}}))")
    cli, cli_name = _policy_eval_cli()
    cases = [("python -c pass", [sys.executable, "-c", "pass"]),
             ('python -c "import policy_eval"', [sys.executable, "-c", "import policy_eval"]),
             (cli_name, cli),
             ("import + PolicySet + first evaluate", [sys.executable, "-c", first])]
    rows = []
    for name, cmd in cases:
        times, error = [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True,
                                  check=False)
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                error = f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
                break
        rows.append({"what": name, "median_s": round(statistics.median(times), 4),
                     "runs_s": [round(x, 4) for x in times], "error": error})
    return rows


# ------------------------------------------------------------------ report


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    r = a / b
    return f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


def add_ratios(section: dict[str, Any]) -> None:
    """For every row: policy-eval ``evaluate`` rate ÷ this row's rate (wall and CPU)."""
    base = next((v for r in section["results"] if r.get("peer") == "policy-eval"
                 for v in r.get("variants", []) if v["variant"] == "evaluate"), None)
    for r in section["results"]:
        for v in r.get("variants", []):
            if base is None:
                continue
            for key, out in (("decisions_per_s", "pe_over_this_wall"),
                             ("decisions_per_cpu_s", "pe_over_this_cpu")):
                if base.get(key) and v.get(key):
                    v[out] = round(base[key] / v[key], 4)


def table(section: dict[str, Any]) -> str:
    """One Markdown table for one workload."""
    wl = section["workload"]
    rows = [f"### {wl['name']}: {wl['requests']:,} requests, {wl['identities']:,} identities "
            f"(fingerprint {wl['fingerprint']})", "",
            "| engine | variant | decisions/s (wall, median) | decisions/CPU-s | agrees | "
            "policy-eval evaluate ÷ this (wall / CPU) |",
            "|---|---|---:|---:|---:|---:|"]
    for r in section["results"]:
        name = f"{r['peer']} {r.get('version', '')}".strip()
        if "variants" not in r:
            rows.append(f"| {name} | - | skipped: {r.get('skipped', '?')} | | | |")
            continue
        for v in r["variants"]:
            agree = f"{v['agree_pct']}%" + (" (3-valued)" if v.get("three_valued") else "")
            if v.get("requests") and v["requests"] != wl["requests"]:
                agree += f" on {v['requests']:,} requests"
            ratio = (f"{_ratio(v.get('pe_over_this_wall'), 1)} / "
                     f"{_ratio(v.get('pe_over_this_cpu'), 1)}")
            rows.append(f"| {name} | {v['variant']} | {_fmt(v.get('decisions_per_s'))} | "
                        f"{_fmt(v.get('decisions_per_cpu_s'))} | {agree} | {ratio} |")
    notes = []
    for r in section["results"]:
        for v in r.get("variants", []):
            if v.get("disagreements"):
                notes.append(f"- {r['peer']} / {v['variant']} disagrees on: "
                             + ", ".join(f"{c} {m}" for c, m in v["disagreements"].items()))
    return "\n".join(rows + (["", *notes] if notes else []))


def _section(wl: Workload, results: list[dict[str, Any]], build_s: float) -> dict[str, Any]:
    section = {"workload": {"name": wl.name, "requests": len(wl.requests),
                            "identities": len(wl.identities), "fingerprint": wl.fingerprint(),
                            "build_s": round(build_s, 3), "mix": wl.mix()},
               "results": results}
    add_ratios(section)
    return section


def _commit() -> str | None:
    """The repository's HEAD commit (the engine changes fast; say which one was timed)."""
    proc = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def run(n_requests: int = 100_000, n_identities: int = 1000, repeats: int = 3, *,
        peers: Sequence[str] = ALL_PEERS, extended: bool = True, cold: bool = True,
        validated_n: int = 2000, driver_n: int = 5000, end_to_end: bool = True,
        log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the benchmark; return the results document (what latest.json holds)."""
    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    wl = build(n_identities, n_requests)
    build_s = time.perf_counter() - t0
    say(f"workload built: {len(wl.requests):,} requests in {build_s:.2f}s")
    results = []
    say("policy-eval and ref_python, round-robin ...")
    results.append(policy_eval_rows(wl, end_to_end=end_to_end))
    results.append(reference_rows(wl))
    settle(results, repeats)
    for name in peers:
        say(f"peer {name} ...")
        if name == "iamsimulate":
            results.append(P.run_iamsimulate(wl, repeats, min(validated_n, n_requests)))
        elif name in P.PYTHON_PEERS:
            results.append(P.run_python_peer(name, wl, repeats))
        else:
            raise ValueError(f"unknown peer {name!r}; choose from {ALL_PEERS}")
    sections = [_section(wl, results, build_s)]
    if extended:
        t0 = time.perf_counter()
        ext = build_extended(n_identities, n_requests)
        ext_s = time.perf_counter() - t0
        say("extended workload: policy-eval ...")
        ext_results = [policy_eval_rows(ext, end_to_end=False)]
        settle(ext_results, repeats)
        if "iamsimulate" in peers and driver_n:
            say("extended workload: iam-simulate driver ...")
            ext_results.append(P.run_iamsimulate_driver(ext.head(min(driver_n, n_requests)), 1))
        sections.append(_section(ext, ext_results, ext_s))
    doc: dict[str, Any] = {
        "meta": {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                 "python": platform.python_version(), "machine": platform.machine(),
                 "cpus": os.cpu_count(), "repeats": repeats, "commit": _commit(),
                 "target_scalar_decisions_per_s": TARGET_SCALAR},
        "sections": sections,
    }
    if cold:
        say("cold start ...")
        doc["cold_start"] = cold_start()
    doc["meta"]["loadavg_at_end"] = list(os.getloadavg())
    return doc


def report(doc: dict[str, Any]) -> str:
    """The Markdown printed at the end of a run."""
    parts = [table(s) for s in doc["sections"]]
    base = doc["sections"][0]
    pe_row = next((v for r in base["results"] if r.get("peer") == "policy-eval"
                   for v in r["variants"] if v["variant"] == "evaluate"), None)
    if pe_row:
        rate = max(pe_row["decisions_per_s"] or 0, pe_row["decisions_per_cpu_s"] or 0)
        verdict = "met" if rate >= TARGET_SCALAR and pe_row["agree_pct"] == 100.0 else "NOT met"
        parts.append(f"Target for the scalar path: {TARGET_SCALAR:,} decisions/s at 100%: "
                     f"{verdict} ({pe_row['decisions_per_s']:,}/s wall, "
                     f"{pe_row['decisions_per_cpu_s']:,}/CPU-s, {pe_row['agree_pct']}%).")
    if doc.get("cold_start"):
        parts.append("\n".join(
            f"- cold start, {c['what']}: {c['median_s'] * 1000:.0f} ms (median of "
            f"{len(c['runs_s'])})" + (f" FAILED {c['error']}" if c.get("error") else "")
            for c in doc["cold_start"]))
    load = ", ".join(f"{x:.2f}" for x in doc["meta"]["loadavg_at_end"])
    parts.append(f"load average at the end: {load}")
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10,000 requests instead of 100,000")
    ap.add_argument("--requests", type=int, default=None, help="number of requests")
    ap.add_argument("--identities", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--peers", default=",".join(ALL_PEERS),
                    help=f"comma-separated subset of {','.join(ALL_PEERS)}")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-extended", action="store_true")
    ap.add_argument("--no-cold-start", action="store_true")
    ap.add_argument("--profile", action="store_true",
                    help="also print a cProfile of PolicySet.evaluate (not timed)")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = ap.parse_args(argv)
    n = args.requests or (10_000 if args.quick else 100_000)
    peers = [] if args.no_peers else [p for p in args.peers.split(",") if p]
    doc = run(n, args.identities, args.repeats, peers=peers, extended=not args.no_extended,
              cold=not args.no_cold_start)
    print(report(doc))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1))
    print(f"\nwrote {out}", file=sys.stderr)
    if args.profile:
        text = profile_evaluate(build(args.identities, n))
        (out.parent / "profile.txt").write_text(text)
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
