"""Text report via rich: ``path:line:col CODE message``, the offending lines with a
caret under the element, and the fix hint. ``color=False`` gives plain text."""

from __future__ import annotations

import sys
from typing import IO

from ...document.printable import printable
from ...document.source import read_bytes
from ...errors import PolicyEvalError
from ..rule import Finding, Severity
from ..runner import LintResult

_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}


class _Sources:
    """File texts for snippets, read once (never written)."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str | None) -> list[str] | None:
        if path is None:
            return None
        if path not in self._lines:
            try:
                raw = read_bytes(path)
                self._lines[path] = None if b"\x00" in raw[:65536] \
                    else raw.decode("utf-8", errors="replace").splitlines()
            except PolicyEvalError:
                self._lines[path] = None
        return self._lines[path]


def _snippet(finding: Finding, sources: _Sources) -> list[tuple[str, str]]:
    """(gutter, text) rows: the line before, the line(s) of the finding, the caret."""
    loc = finding.location
    lines = sources.lines(loc.path)
    if not lines or loc.line is None or loc.line > len(lines):
        return []
    start = max(loc.line - 1, 1)
    end = min(loc.end_line or loc.line, loc.line + 2, len(lines))
    width = len(str(end))
    rows = []
    for number in range(start, end + 1):
        text = lines[number - 1].rstrip()
        if len(text) > 160:
            text = text[:157] + "..."
        rows.append((f"{number:>{width}} |", text))
        if number == loc.line:
            col = max((loc.column or 1) - 1, 0)
            stop = loc.end_column if loc.end_line == loc.line and loc.end_column else col + 2
            carets = "^" * max(1, min((stop or col + 2) - 1 - col, 120))
            rows.append((" " * width + " |", " " * col + carets))
    return rows


def _summary(result: LintResult, threshold: Severity) -> tuple[str, int]:
    """The closing line, and how many findings are at or above the threshold."""
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    failing = len(result.failing(threshold))
    files = len(result.files)
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s.value != 'info' else ''}"
             for s in (Severity.error, Severity.warning, Severity.info) if counts[s]]
    text = (f"Found {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}"
            + (f" ({', '.join(parts)})" if parts else "")
            + f" in {files} file{'s' if files != 1 else ''}")
    if result.templates:
        count = result.template_policies
        text += (f" ({count} polic{'y' if count == 1 else 'ies'} found in {result.templates} "
                 f"template{'s' if result.templates != 1 else ''})")
    if result.empty_templates:
        n = len(result.empty_templates)
        text += (f"; {n} template{'s' if n != 1 else ''} without IAM or Cognito resources "
                 "(nothing checked)")
    if result.skipped:
        text += f"; {len(result.skipped)} file{'s' if len(result.skipped) != 1 else ''} " \
                "skipped (not policy documents)"
    if result.baselined:
        text += f"; {result.baselined} in the baseline not shown"
    text += f"; {failing} at or above {threshold.value}."
    return text, failing


def print_report(result: LintResult, threshold: Severity, *, color: bool = True,
                 file: IO[str] | None = None, show_source: bool = True,
                 verbose: bool = False) -> None:
    summary, failing = _summary(result, threshold)
    if verbose:
        for where, note in result.notes:
            print(f"{where}: {note}", file=file or sys.stdout)
    if not result.findings:
        # nothing to render: skip importing rich (~50 ms of a pre-commit run)
        print(printable(summary), file=file or sys.stdout)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file, no_color=not color, color_system="auto" if color else None,
                      highlight=False, soft_wrap=True, emoji=False)
    sources = _Sources()
    for f in result.findings:
        loc = f.location
        where = loc.path or "<input>"
        if loc.line is not None:
            where += f":{loc.line}:{loc.column or 1}"
        if loc.resource:
            where += f" [{loc.resource}]"
        line = Text()
        line.append(printable(where, one_line=True), style="bold")
        line.append(": ")
        line.append(f.code, style=_STYLE[f.severity])
        line.append(f" [{f.severity.value}] ", style=_STYLE[f.severity])
        line.append(printable(f.message))
        console.print(line)
        if show_source:
            for gutter, text in _snippet(f, sources):
                row = Text()
                row.append(gutter, style="blue")
                row.append(" " + printable(text),
                           style="red" if set(text.strip()) == {"^"} else "")
                console.print(row)
        if f.fix:
            fix = Text("  = fix: ", style="green")
            fix.append(printable(f.fix))
            console.print(fix)
        if show_source:
            console.print()
    console.print(Text(summary, style="bold" if failing else "green"))
