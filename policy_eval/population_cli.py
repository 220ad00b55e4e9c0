"""``policy-eval matrix`` and ``policy-eval isolation``: the population questions.

``matrix POOL --resource TEMPLATE...`` prints who may do what (text: a summary per role
path; csv/json: one row per identity × action × resource with the decision and the
deciding statements; ``--plot FILE.png``: a heatmap). ``isolation POOL --resource
TEMPLATE...`` searches for an identity that may act on another identity's resource: exit
0 when isolated, 1 with counterexamples, 2 on unusable input (a vacuous check included).
Heavy imports (the population package, numpy, matplotlib) happen inside the commands.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .cli import EXIT_FOUND, EXIT_OK, guarded

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from .population.isolation import IsolationResult
    from .population.matrix import AccessMatrix


class MatrixFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"


class IsolationFormat(str, Enum):
    text = "text"
    json = "json"


_POOL = typer.Argument(..., help="Pool file (JSON or YAML, AWS API shapes).")
_RESOURCE = typer.Option(..., "--resource", "-r", help="Resource template naming each "
                         "identity's own resource, e.g. arn:aws:s3:::b/private/${sub}/a.jpg "
                         "(${sub} = the identity ID; any ${context-key}). Repeat for more.")
_IDENTITIES = typer.Option(100, "--identities", "-n", min=1,
                           help="Logins per role path (distinct subjects).")
_ACTION = typer.Option(None, "--action", "-a", help="Actions to decide (default: every "
                       "action the roles grant that applies to the resource). Repeat for more.")
_LOGINS = typer.Option(None, "--logins", help="JSON/YAML list or JSON Lines file of login "
                       "objects; replaces the generated identities.")

#: Runs shorter than this show no progress bar.
PROGRESS_DELAY = 1.0


class DelayedProgress:
    """A rich progress bar on stderr that appears only once a run has lasted a second."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.started = time.monotonic()
        self.total = 0
        self.done = 0
        self.bar: Progress | None = None
        self.task: Any = None

    def set_total(self, total: int) -> None:
        """Start a new phase of ``total`` steps."""
        self.total = total
        self.done = 0
        if self.bar is not None:
            self.bar.update(self.task, total=total, completed=0)

    def phase(self, description: str) -> None:
        self.description = description
        if self.bar is not None:
            self.bar.update(self.task, description=description)

    def advance(self, steps: int) -> None:
        self.done += steps
        if self.bar is None and time.monotonic() - self.started > PROGRESS_DELAY:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total or None)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _population(pool: Path, identities: int, logins: Path | None,
                progress: DelayedProgress) -> Any:
    from .population.generate import generate_identities, load_logins

    login_list = load_logins(logins) if logins is not None else None
    progress.phase("simulating logins")
    population = generate_identities(pool, identities, logins=login_list,
                                     progress=progress.advance, on_total=progress.set_total)
    progress.phase("deciding")
    return population


def _console() -> Console:
    """Rich on stdout; piped output gets a wide page rather than rich's 80 columns, so
    that role paths and action lists stay whole in files and CI logs."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True,
                   width=None if sys.stdout.isatty() else 160)


def _role_name(arn: str | None) -> str:
    return arn.rsplit("/", 1)[-1] if arn else "-"


def _actions_cell(counts: dict[str, int], total: int) -> str:
    """``s3:GetObject, s3:PutObject (3/5)``: the actions, with a count when not all."""
    parts = [a if c == total else f"{a} ({c}/{total})" for a, c in counts.items() if c]
    return ", ".join(parts) or "-"


def print_matrix_text(matrix: AccessMatrix) -> None:
    from rich.table import Table

    console = _console()
    population = matrix.population
    console.print(f"[bold]{population.pool.name}[/]: {len(population)} identities over "
                  f"{sum(1 for p in population.paths.values() if p.refusal is None)} role "
                  "paths")
    summary = matrix.summary()
    for probe in matrix.probes:
        shared = not probe.template.has_variables
        table = Table(title=f"{probe.source} (actions: {', '.join(probe.actions)})",
                      title_justify="left")
        table.add_column("role path", no_wrap=True)
        table.add_column("role", no_wrap=True)
        table.add_column("n", justify="right")
        table.add_column("allowed on the resource" if shared else "allowed on its own")
        if not shared:
            table.add_column("allowed on others'", style="red")
        rows: dict[str, dict[str, Any]] = {}
        for entry in summary:
            if entry["template"] != probe.source:
                continue
            row = rows.setdefault(entry["role_path"], {
                "role": _role_name(entry["role_arn"]), "n": entry["identities"],
                "own": {}, "others": {}})
            row["own"][entry["action"]] = entry["own_allowed"]
            row["others"][entry["action"]] = entry["others_allowed"]
        for key, row in rows.items():
            cells = [key, row["role"], str(row["n"]), _actions_cell(row["own"], row["n"])]
            if not shared:
                cells.append(_actions_cell(row["others"], row["n"]))
            table.add_row(*cells)
        console.print(table)
    _print_refused(console, population)


def _print_refused(console: Console, population: Any) -> None:
    refused = population.refused
    if refused:
        console.print(f"{len(refused)} role path(s) get no credentials: " + ", ".join(
            f"{p.key} ({p.refusal.code})" for p in refused))


_CSV_FIELDS = ("role_path", "identity_id", "role_arn", "action", "resource", "decision",
               "statements", "others_reached")


def print_matrix_csv(matrix: AccessMatrix) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=_CSV_FIELDS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in matrix.rows():
        row["statements"] = "; ".join(f"{s['policy']} {s['sid'] or s['statement']}"
                                      for s in row["statements"])
        writer.writerow(row)


def print_isolation_text(result: IsolationResult) -> None:
    from rich.table import Table

    console = _console()
    population = result.population
    table = Table(title=f"isolation of {population.pool.name}: {', '.join(result.templates)}",
                  title_justify="left")
    table.add_column("role path")
    table.add_column("role")
    table.add_column("identities", justify="right")
    table.add_column("reaches others (pairs x actions)", justify="right")
    for path in population.paths.values():
        if path.refusal is not None:
            continue
        count = result.by_path.get(path.key, 0)
        table.add_row(path.key, _role_name(path.role_arn), str(path.identities),
                      f"[red]{count}[/]" if count else "0")
    console.print(table)
    _print_refused(console, population)
    for c in result.counterexamples[:20]:
        console.print(f"counterexample ({c.search}, {c.mode}): {c.attacker.path} "
                      f"{c.attacker.identity_id} may {c.action} on {c.resource}, owned by "
                      f"{c.victim.path} {c.victim.identity_id}"
                      + (f" with context {json.dumps(c.context)}" if c.context else "")
                      + (f" ({c.note})" if c.note else ""), markup=False)
    if len(result.counterexamples) > 20:
        console.print(f"... {len(result.counterexamples) - 20} more (--format json lists them)")
    if result.counterexamples:
        console.print("first counterexample explained:")
        console.print(result.counterexamples[0].decision.explain(), markup=False)
        console.print(f"[bold red]NOT ISOLATED[/]: {result.counterexample_count} "
                      f"counterexample(s) in {result.checked} checks")
    else:
        console.print(f"[bold green]isolated[/]: {result.checked} checks over "
                      f"{len(population)} identities, no identity reaches another's resources"
                      f" (adversarial search: {result.adversarial_examples or 'no'} examples "
                      "per template)")


def register(app: typer.Typer) -> None:
    """Add ``matrix`` and ``isolation`` to the ``policy-eval`` app."""

    @app.command("matrix")
    def matrix_command(
        pool: Path = _POOL,
        resource: list[str] = _RESOURCE,
        action: list[str] = _ACTION,
        identities: int = _IDENTITIES,
        logins: Path = _LOGINS,
        output_format: MatrixFormat = typer.Option(MatrixFormat.text, "--format", "-f",
                                                   help="text, csv or json."),
        plot: Path = typer.Option(None, "--plot", help="Write a heatmap PNG (needs "
                                  "policy-eval[plot])."),
    ) -> None:
        """Who may do what: every generated identity × action × its own resource, and
        whether it reaches other identities' resources."""
        from .population.matrix import access_matrix

        progress = DelayedProgress("deciding")

        def run() -> AccessMatrix:
            try:
                population = _population(pool, identities, logins, progress)
                return access_matrix(population, resource, actions=action or None,
                                     progress=progress.advance, on_total=progress.set_total)
            finally:
                progress.close()

        matrix = guarded(run)
        if plot is not None:
            from .plot import write_heatmap

            guarded(lambda: write_heatmap(matrix, plot))
        if output_format is MatrixFormat.json:
            typer.echo(json.dumps(matrix.to_dict(), indent=2))
        elif output_format is MatrixFormat.csv:
            print_matrix_csv(matrix)
        else:
            print_matrix_text(matrix)
        raise typer.Exit(EXIT_OK)

    @app.command("isolation")
    def isolation_command(
        pool: Path = _POOL,
        resource: list[str] = _RESOURCE,
        context: list[str] = typer.Option(None, "--context", "-c", help="KEY=TEMPLATE: put "
                                          "the victim's value in the request context, e.g. "
                                          "dynamodb:LeadingKeys='${sub}'. Repeat for more."),
        action: list[str] = _ACTION,
        identities: int = _IDENTITIES,
        logins: Path = _LOGINS,
        output_format: IsolationFormat = typer.Option(IsolationFormat.text, "--format", "-f",
                                                      help="text, or json."),
        adversarial_examples: int = typer.Option(200, "--adversarial-examples", min=0,
                                                 help="Examples the adversarial search "
                                                 "draws per template (0: skip it)."),
    ) -> None:
        """Search for identities A != B of the pool where A may act on B's resource:
        exhaustive over the generated population, then adversarial (hypothesis)."""
        from .population.isolation import check_isolation

        progress = DelayedProgress("searching")

        def run() -> IsolationResult:
            try:
                population = _population(pool, identities, logins, progress)
                return check_isolation(population, resource, context=context or None,
                                       actions=action or None, adversarial=adversarial_examples > 0,
                                       adversarial_examples=adversarial_examples,
                                       progress=progress.advance, on_total=progress.set_total)
            finally:
                progress.close()

        result = guarded(run)
        if output_format is IsolationFormat.json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
        else:
            print_isolation_text(result)
        raise typer.Exit(EXIT_OK if result.isolated else EXIT_FOUND)
