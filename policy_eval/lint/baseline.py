"""Baselines: adopt the linter on a large repository in one commit.

``check --write-baseline FILE`` records every current finding by fingerprint
(:mod:`policy_eval.lint.fingerprint`); ``check --baseline FILE`` then reports only the
findings whose fingerprint is not in it, so new problems fail the build while the old
ones are fixed at their own pace. Fingerprints do not depend on line numbers or on the
position of a statement, so edits elsewhere in a file keep its baselined findings quiet.

The file is JSON in a stable order (by path, code, fingerprint), so it diffs well::

    {"tool": "policy-eval", "format": 1, "findings": [
      {"fingerprint": "...", "code": "ACT006", "path": "iam/app.json",
       "message": "'s3:*' allows every s3 action ..."}]}

``path`` and ``message`` are there for the reader; only ``fingerprint`` is compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import ErrorCode, InputError, Location
from .paths import root_relative
from .rule import Finding

FORMAT = 1


def read_baseline(path: Path) -> set[str]:
    """The fingerprints of a baseline file; a file that is not one is an ``InputError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the baseline: {exc.strerror}", Location(str(path)),
                         ErrorCode.baseline_unreadable) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the baseline is not JSON: {exc.msg}",
                         Location(str(path), exc.lineno, exc.colno), ErrorCode.baseline_invalid) \
            from None
    items = doc.get("findings") if isinstance(doc, dict) and doc.get("tool") == "policy-eval" \
        else None
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("fingerprint"), str) for i in items):
        raise InputError("not a policy-eval baseline (write one with --write-baseline)",
                         Location(str(path), pointer="/findings"), ErrorCode.baseline_invalid)
    return {item["fingerprint"] for item in items}


def baseline_document(findings: Sequence[Finding], root: Path | None) -> str:
    """The baseline of ``findings`` as JSON text (stable order, one finding a line)."""
    rows = sorted(({"fingerprint": f.fingerprint or "", "code": f.code,
                    "path": root_relative(f.location.path, root), "message": f.message}
                   for f in findings),
                  key=lambda r: (r["path"], r["code"], r["fingerprint"]))
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
    body = ",\n    ".join(lines)
    inner = f"\n    {body}\n  " if lines else ""
    return f'{{\n  "tool": "policy-eval",\n  "format": {FORMAT},\n  "findings": [{inner}]\n}}\n'


def write_baseline(path: Path, findings: Sequence[Finding], root: Path | None) -> None:
    try:
        path.write_text(baseline_document(findings, root), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the baseline: {exc.strerror}", Location(str(path)),
                         ErrorCode.baseline_unwritable) from None


def without_baselined(findings: list[Finding], known: set[str]) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were left out."""
    kept = [f for f in findings if f.fingerprint not in known]
    return kept, len(findings) - len(kept)
