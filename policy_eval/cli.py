"""The ``policy-eval`` command line: a thin typer app over the library.

Exit codes: 0 success, 1 the check found something (a mismatch, a finding, a refused
login), 2 unusable input or usage, 3 an internal error (a bug: please report it). Errors
in the input are printed as ``file:line:col (at /json/pointer): message``, never as a
traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TypeVar

import typer

from .document.printable import printable
from .errors import PolicyEvalError

app = typer.Typer(
    name="policy-eval",
    help="Evaluate and lint AWS IAM policies exactly as AWS does, with Amazon Cognito "
         "identity pools built in.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FOUND, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

T = TypeVar("T")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def fail_input(message: str) -> typer.Exit:
    """Print an input error and give the exit for it."""
    typer.echo(printable(f"error: {message}"), err=True)
    return typer.Exit(EXIT_INPUT)


def guarded(body: Callable[[], T]) -> T:
    """Run ``body``; input errors become exit 2 with a located message, anything else
    exit 3 with a one-line report, never a traceback."""
    try:
        return body()
    except PolicyEvalError as exc:
        raise fail_input(str(exc)) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # pragma: no cover - a bug, reported without a traceback
        typer.echo(printable(f"internal error: {type(exc).__name__}: {exc} (please report "
                             "this)"), err=True)
        raise typer.Exit(EXIT_INTERNAL) from None


SCENARIO_SUFFIXES = (".json", ".yaml", ".yml")


def scenario_files(paths: list[Path]) -> list[Path]:
    """The scenario files named by ``paths``: files as given; folders searched for JSON or
    YAML files that hold a ``requests`` list (other documents in folders are skipped)."""
    from .document.source import load_file

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*") if p.suffix in SCENARIO_SUFFIXES):
                try:
                    data = load_file(candidate).data
                except PolicyEvalError:
                    data = None
                if isinstance(data, dict) and isinstance(data.get("requests"), list):
                    found.append(candidate)
        elif path.exists():
            found.append(path)
        else:
            raise fail_input(f"{path}: no such file or directory")
    return found


PARAM_HELP = ("KEY=VALUE for the parameters of a pool template (also pseudo parameters such "
              "as AWS::AccountId, and Fn::ImportValue names); repeatable.")


def template_params(items: list[str] | None) -> dict[str, str]:
    """``--param KEY=VALUE`` items as a dict (exit 2 on a malformed item)."""
    if not items:
        return {}
    from .document.iac.intrinsics import parse_params
    return guarded(lambda: parse_params(items))


@app.command("eval")
def eval_command(
    scenario: Path = typer.Argument(..., help="Scenario file (JSON or YAML)."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f",
                                               help="text, or json (one object per line)."),
    param: list[str] | None = typer.Option(None, "--param", help=PARAM_HELP),
) -> None:
    """Evaluate every request of a scenario and print each decision with its explanation."""
    from .scenario import load_scenario, run_scenario

    params = template_params(param)
    results = guarded(lambda: run_scenario(load_scenario(scenario, params)))
    for result in results:
        if output_format is OutputFormat.json:
            data = result.to_dict()
            typer.echo(json.dumps({"id": data["id"], "decision": data["decision"],
                                   "explanation": data["explanation"]}))
        else:
            typer.echo(f"{printable(result.id, one_line=True)}: {result.decision}")
            typer.echo(printable("  " + result.explanation.replace("\n", "\n  ")))


@app.command("test")
def test_command(
    paths: list[Path] = typer.Argument(..., help="Scenario files or folders holding them."),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text output."),
    param: list[str] | None = typer.Option(None, "--param", help=PARAM_HELP),
) -> None:
    """Check the expected decision of every request in the scenarios."""
    from .reporting import print_test_report
    from .scenario import ScenarioResult, load_scenario, run_scenario

    params = template_params(param)
    files = guarded(lambda: scenario_files(paths))
    if not files:
        raise fail_input("no scenario files found in " + ", ".join(map(str, paths)))
    outcome: list[tuple[Path, list[ScenarioResult]]] = []
    for file in files:
        def run(f: Path = file) -> list[ScenarioResult]:
            return run_scenario(load_scenario(f, params))
        outcome.append((file, guarded(run)))
    failed = print_test_report(outcome, color=not no_color)
    raise typer.Exit(EXIT_FOUND if failed else EXIT_OK)


def _register_commands() -> None:
    """Add the commands that live beside their stage (``simulate``; ``check``, ``rule``,
    ``rules``; ``matrix``, ``isolation``; ``eval-table``), once. Plain imports: a missing
    command module is an import error, not a command that silently disappears."""
    from .cognito.cli import register as register_cognito_commands
    from .lint.cli import register as register_lint_commands
    from .population_cli import register as register_population_commands
    from .table_cli import register as register_table_commands

    if any(c.name == "simulate" for c in app.registered_commands):
        return   # already added (the test suite calls this once per in-process run)
    register_cognito_commands(app)
    register_lint_commands(app)
    register_population_commands(app)
    register_table_commands(app)


def main() -> None:
    """Console entry point."""
    _register_commands()
    app(prog_name="policy-eval")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
