"""GitHub Actions workflow commands: one annotation per finding on the pull request.

``::error file=iam/app.json,line=4,col=17,endLine=4,endColumn=33,title=ACT002 unknown-action::
unknown action 's3:GetObjects' (did you mean 's3:GetObject'?)``: ``error`` for errors,
``warning`` for warnings, ``notice`` for info. Paths are relative to the source root (the
repository root in CI). Data and property values are escaped as GitHub's runner does
(``%`` ``\\r`` ``\\n`` everywhere, ``:`` and ``,`` in properties too), so a message can
hold any text without ending the command.
"""

from __future__ import annotations

from pathlib import Path

from ..paths import root_relative
from ..rule import Finding, Severity
from ..runner import LintResult

COMMANDS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, root: Path | None) -> str:
    loc = finding.location
    props = [("file", root_relative(loc.path, root))]
    if loc.line is not None:
        props.append(("line", str(loc.line)))
        if loc.column:
            props.append(("col", str(loc.column)))
        if loc.end_line:
            props.append(("endLine", str(loc.end_line)))
            if loc.end_column and (loc.end_line > loc.line
                                   or loc.end_column > (loc.column or 1)):
                props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"{finding.code} {finding.name}"))
    message = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {head}::{escape_data(message)}"


def to_github(result: LintResult) -> str:
    """One workflow command per finding, then a plain summary line."""
    lines = [annotation(f, result.root) for f in result.findings]
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    summary = (f"policy-eval: {len(result.findings)} findings ("
               + ", ".join(f"{counts[s]} {s.value}" for s in Severity)
               + f") in {len(result.files)} files")
    if result.baselined:
        summary += f"; {result.baselined} in the baseline not shown"
    return "\n".join([*lines, summary])
