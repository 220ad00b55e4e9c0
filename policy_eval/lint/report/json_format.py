"""The JSON report: one object with every finding, the files read and a summary."""

from __future__ import annotations

import json
from typing import Any

from ..rule import Severity
from ..runner import LintResult


def summary(result: LintResult, threshold: Severity) -> dict[str, Any]:
    counts = {s.value: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    return {"findings": len(result.findings), "by_severity": counts,
            "failing": len(result.failing(threshold)), "threshold": threshold.value,
            "files": len(result.files), "skipped": len(result.skipped),
            "baselined": result.baselined,
            "templates": result.templates, "template_policies": result.template_policies,
            "empty_templates": len(result.empty_templates)}


def to_json(result: LintResult, threshold: Severity) -> str:
    doc = {"tool": "policy-eval", "format": 1,
           "findings": [f.to_dict() for f in result.findings],
           "files": result.files, "skipped": result.skipped,
           "empty_templates": result.empty_templates,
           "summary": summary(result, threshold)}
    return json.dumps(doc, indent=2)
