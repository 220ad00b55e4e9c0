"""Rich output for ``policy-eval test``: a results table and the explanation of each
mismatch."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .document.printable import printable

if TYPE_CHECKING:
    from .scenario import ScenarioResult


def print_test_report(outcome: list[tuple[Path, list[ScenarioResult]]], *,
                      color: bool = True) -> int:
    """Print the table; return the number of failed expectations."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def cell(value: object) -> Text:
        """A table cell holding input text: escaped, and never read as rich markup."""
        return Text(printable(str(value), one_line=True))

    console = Console(no_color=not color, highlight=False, soft_wrap=True,
                      force_terminal=False if not color else None)
    table = Table(title="policy-eval test", show_lines=False)
    for column in ("scenario", "request", "expect", "decision", "result"):
        table.add_column(column)
    passed = failed = unchecked = 0
    mismatches: list[tuple[Path, ScenarioResult]] = []
    for path, results in outcome:
        for result in results:
            ok = result.ok
            if ok is None:
                unchecked += 1
                mark = Text("-")
            elif ok:
                passed += 1
                mark = Text("pass", style="green")
            else:
                failed += 1
                mark = Text("FAIL", style="red")
                mismatches.append((path, result))
            table.add_row(cell(path), cell(result.id), cell(result.expect or "-"),
                          cell(result.decision), mark)
    console.print(table)
    for path, result in mismatches:
        heading = Text("\nFAIL", style="bold red")
        heading.append(printable(f" {path} :: {result.id}: expected {result.expect}, got "
                                 f"{result.decision}", one_line=True))
        console.print(heading)
        console.print(printable(result.explanation), markup=False)
    summary = f"{passed} passed, {failed} failed"
    if unchecked:
        summary += f" ({unchecked} without expect)"
    console.print(summary, markup=False)
    return failed
