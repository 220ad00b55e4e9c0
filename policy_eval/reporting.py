"""Output of ``policy-eval test``: a results table and the explanation of each mismatch.

On a terminal the table is drawn with rich (cells may be shortened with ``…`` to fit the
width). Anywhere else — a pipe, a file, a CI log — the rows are plain aligned columns that
keep every file name and request id whole, so a log can be searched for them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .document.printable import printable

if TYPE_CHECKING:
    from .scenario import ScenarioResult


COLUMNS = ("scenario", "request", "expect", "decision", "result")


def _plain_table(rows: list[tuple[str, ...]]) -> str:
    """The rows as aligned plain-text columns under a header, nothing shortened."""
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(COLUMNS)]

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(COLUMNS)] + [line(row) for row in rows])


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
    for column in COLUMNS:
        table.add_column(column)
    passed = failed = unchecked = 0
    mismatches: list[tuple[Path, ScenarioResult]] = []
    table_rows: list[tuple[str, ...]] = []
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
            row = (cell(path), cell(result.id), cell(result.expect or "-"),
                   cell(result.decision), mark)
            table.add_row(*row)
            table_rows.append(tuple(c.plain for c in row))
    if console.is_terminal:
        console.print(table)
    else:
        console.print(_plain_table(table_rows), markup=False, crop=False, overflow="ignore")
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
