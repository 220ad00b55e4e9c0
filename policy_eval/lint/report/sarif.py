"""SARIF 2.1.0 output for GitHub code scanning.

Each rule becomes a ``reportingDescriptor`` with its summary, its documentation as help
(text and markdown), the default level that follows its severity (error -> ``error``,
warning -> ``warning``, info -> ``note``) and, for security rules, the ``security-severity``
score GitHub maps to critical/high/medium/low. Each finding becomes a result with a
physical location and a ``partialFingerprints`` entry (:mod:`policy_eval.lint.fingerprint`:
the rule, the file and what the finding is about, not its line or the statement's index),
so alerts are not duplicated between runs when lines move or statements are inserted.

Artifact URIs are relative to ``%SRCROOT%``, the source root of the run (the repository
root, else the configuration's folder or the folder given, see
:mod:`policy_eval.lint.paths`), which ``originalUriBaseIds`` gives as an absolute
``file:`` URI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..paths import relative_inside
from ..rule import Finding, Rule, Severity
from ..runner import LintResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("policy-eval")
    except Exception:
        return "0.0.0"


def _first_paragraph(doc: str) -> str:
    lines = doc.split("\n")
    body: list[str] = []
    for line in lines[2:]:
        if not line.strip():
            if body:
                break
            continue
        body.append(line.strip())
    return " ".join(body)


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = rule.documentation()
    family = rule.code[:3]
    props: dict[str, Any] = {"tags": [family.lower(), "iam"], "precision": "high"}
    if rule.security_severity is not None:
        props["tags"].insert(0, "security")
        props["security-severity"] = f"{rule.security_severity:.1f}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(doc) or rule.summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": props,
    }


def _result(finding: Finding, index: dict[str, int], root: Path | None) -> dict[str, Any]:
    loc = finding.location
    region: dict[str, Any] = {"startLine": loc.line or 1}
    if loc.column:
        region["startColumn"] = loc.column
    if loc.end_line:
        region["endLine"] = loc.end_line
        if loc.end_column and (loc.end_line > region["startLine"]
                               or loc.end_column > region.get("startColumn", 1)):
            region["endColumn"] = loc.end_column
    text = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(loc.path, root),
            "region": region}}],
        "partialFingerprints": {"policyEvalFinding/v2": finding.fingerprint or ""},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if loc.pointer:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": loc.pointer,
                                                       "kind": "element"}]
    if loc.resource:
        # the template resource (logical id, CDK construct path, Terraform address)
        result["locations"][0].setdefault("logicalLocations", []).append(
            {"fullyQualifiedName": loc.resource, "kind": "resource"})
    props: dict[str, Any] = {}
    if finding.security_severity is not None:
        props["security-severity"] = f"{finding.security_severity:.1f}"
    if finding.evidence:
        props["evidence"] = finding.evidence
    if props:
        result["properties"] = props
    return result


def _artifact(path: str | None, root: Path | None) -> dict[str, Any]:
    """A URI relative to ``%SRCROOT%`` (percent-encoded), or absolute when outside it."""
    from urllib.parse import quote
    if not path:
        return {"uri": quote("<input>")}
    rel = relative_inside(path, root) if root is not None else None
    if rel:
        return {"uri": quote(rel), "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def to_sarif(result: LintResult, rules: list[type[Rule]]) -> dict[str, Any]:
    """The SARIF log of a lint run (``rules``: the catalogue, all of it)."""
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = result.root
    bases: dict[str, Any] = {}
    if root is not None:
        bases["%SRCROOT%"] = {"uri": root.resolve().as_uri().rstrip("/") + "/",
                              "description": {"text": "The source root of the run: the "
                                              "repository, configuration or folder checked"}}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "policy-eval",
                "version": _version(),
                "semanticVersion": _version(),
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "invocations": [{"executionSuccessful": True}],
            **({"originalUriBaseIds": bases} if bases else {}),
            "results": [_result(f, index, root) for f in result.findings],
        }],
    }
