"""Rich output for ``policy-eval test``: a results table and the explanation of each
mismatch."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import ScenarioResult


def print_test_report(outcome: list[tuple[Path, list[ScenarioResult]]], *,
                      color: bool = True) -> int:
    """Print the table; return the number of failed expectations."""
    from rich.console import Console
    from rich.table import Table

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
                mark = "-"
            elif ok:
                passed += 1
                mark = "[green]pass[/green]"
            else:
                failed += 1
                mark = "[red]FAIL[/red]"
                mismatches.append((path, result))
            table.add_row(str(path), result.id, result.expect or "-", result.decision, mark)
    console.print(table)
    for path, result in mismatches:
        console.print(f"\n[bold red]FAIL[/bold red] {path} :: {result.id}: expected "
                      f"{result.expect}, got {result.decision}")
        console.print(result.explanation, markup=False)
    summary = f"{passed} passed, {failed} failed"
    if unchecked:
        summary += f" ({unchecked} without expect)"
    console.print(summary, markup=False)
    return failed
