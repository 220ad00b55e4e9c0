"""Peer linter driver for ``bench_lint.py``: parliament, timed in its own venv.

This file is run by the *peer's* interpreter (a venv outside the repository that has
``parliament`` installed), never imported by policy-eval, so it uses only the standard
library and parliament. It reads one JSON object on stdin::

    {"docs": [{"name": "...", "text": "..."}, ...], "repeats": 5, "community": false}

lints every document with ``parliament.analyze_policy_string`` once as a warm-up, then
``repeats`` more times, and prints one JSON object on stdout: the per-document median
time in milliseconds (in the order given), the CPU seconds of the timed passes, the
findings of the warm-up pass by severity and by issue, and the documents on which
parliament raised or reported its own ``EXCEPTION`` finding.

Run by hand::

    echo '{"docs": [{"name": "a", "text": "{}"}], "repeats": 3}' | \\
        ~/.cache/policy-eval/lint-peers-venv/bin/python benchmarks/lint_peers.py
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time
from collections import Counter
from typing import Any


def main() -> int:
    """Time parliament on the documents given on stdin; print the figures as JSON."""
    request = json.load(sys.stdin)
    docs: list[dict[str, str]] = request["docs"]
    repeats = max(1, int(request.get("repeats", 5)))
    community = bool(request.get("community", False))

    t0 = time.perf_counter()
    import parliament
    from parliament import analyze_policy_string, enhance_finding, override_config
    if community:  # as parliament's CLI does: the community auditors' finding types
        from pathlib import Path
        override_config(Path(parliament.__file__).parent / "community_auditors"
                        / "config_override.yaml")
    import_s = time.perf_counter() - t0

    by_severity: Counter[str] = Counter()
    by_issue: Counter[str] = Counter()
    crashes: list[dict[str, str]] = []

    def run_once(text: str, name: str) -> Any:
        return analyze_policy_string(text, name, include_community_auditors=community)

    # Warm-up pass: loads parliament's IAM data and auditors; its findings are reported.
    for doc in docs:
        try:
            policy = run_once(doc["text"], doc["name"])
        except Exception as exc:  # parliament raising is a crash of the peer
            crashes.append({"name": doc["name"], "error": f"{type(exc).__name__}: {exc}"})
            continue
        for finding in policy.findings:
            finding = enhance_finding(finding)
            by_severity[str(finding.severity)] += 1
            by_issue[str(finding.issue)] += 1
            if finding.issue == "EXCEPTION":
                crashes.append({"name": doc["name"], "error": str(finding.detail)[:200]})

    samples: list[list[float]] = [[] for _ in docs]
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for _ in range(repeats):
        for i, doc in enumerate(docs):
            start = time.perf_counter()
            with contextlib.suppress(Exception):
                run_once(doc["text"], doc["name"])
            samples[i].append((time.perf_counter() - start) * 1000.0)
    cpu_s = time.process_time() - cpu0
    wall_s = time.perf_counter() - wall0

    json.dump({
        "tool": "parliament",
        "version": getattr(parliament, "__version__", "?"),
        "community": community,
        "import_s": import_s,
        "repeats": repeats,
        "per_doc_ms": [statistics.median(s) for s in samples],
        "timed_cpu_s": cpu_s,
        "timed_wall_s": wall_s,
        "by_severity": dict(by_severity),
        "by_issue": dict(by_issue.most_common()),
        "crashes": crashes,
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
