"""``policy-eval check``, ``policy-eval rules`` and ``policy-eval rule CODE``.

``check`` exits 0 when no finding is at or above the ``--severity`` threshold (default
from the configuration, else ``warning``), 1 when some are, 2 for unusable input or usage
(a path that does not exist, a bad configuration, an unknown rule code). A file that
cannot be parsed is a finding (SYN001-SYN003), not an exit 2: the run goes on with the
other files. The linter writes to the files it checks only with ``--fix`` (``--diff``
shows what it would write, and exits 1 when that is something).
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..document.printable import printable

EXIT_OK, EXIT_FOUND, EXIT_INPUT = 0, 1, 2
_TOOL_TABLE = re.compile(r'^\s*\[\s*tool\s*\.\s*(policy-eval|"policy-eval")\s*[.\]]', re.M)


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class Threshold(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _split_codes(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip().upper() for v in value.split(",") if v.strip())
    return out


def _config_file_near(start: Path) -> Path | None:
    """The nearest config file walking up (cheap: no TOML or pydantic unless found)."""
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / ".policy-eval.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            from ..document.source import read_text
            from ..errors import PolicyEvalError
            try:
                text = read_text(pyproject)
            except PolicyEvalError:
                return pyproject  # discover_config reports why it cannot be read
            if _TOOL_TABLE.search(text):
                return pyproject
    return None


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param KEY=VALUE`` items as a dict (a malformed item is an input error)."""
    if not items:
        return {}
    from ..document.iac.intrinsics import parse_params as parse
    return parse(items)


def _load_config(config: Path | None, paths: list[Path]) -> Any:
    """The configuration to use; pydantic is imported only when there is a file."""
    if config is not None:
        from .config import load_config
        return load_config(config)
    start = paths[0] if paths else Path.cwd()
    if _config_file_near(start) is None:
        return None
    from .config import discover_config
    return discover_config(start)


def check_command(
    paths: Annotated[list[Path], typer.Argument(
        help="Policy, role, pool or scenario files, or folders to search.")],
    output_format: Annotated[Format, typer.Option(
        "--format", "-f",
        help="text, json, sarif, or github (GitHub Actions annotations).")] = Format.text,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Rule codes or prefixes to run (repeat or comma-separate).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Rule codes or prefixes to skip.")] = None,
    severity: Annotated[Threshold | None, typer.Option(
        "--severity", help="Fail on findings at or above this level (default: warning).")
    ] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Configuration file (default: the nearest .policy-eval.toml or "
                         "pyproject.toml).")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Plain text output.")] = False,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Glob of paths to skip, relative to the folders given "
                          "(repeatable).")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Report only the findings not in this baseline file.")] = None,
    write_baseline: Annotated[Path | None, typer.Option(
        "--write-baseline", help="Write every current finding to this baseline file "
                                 "and exit 0.")] = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Fix what has one right answer (missing Version, Effect case, a "
                      "misspelt action or key), in place, then lint again.")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Print the unified diff --fix would write; exit 1 if it would "
                       "change something.")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for many files (default: one per "
                                    "core).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="KEY=VALUE for template parameters, pseudo parameters "
                        "(AWS::AccountId) and Fn::ImportValue names (repeatable).")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="List the files checked and the files skipped (not policy "
                                "documents) on stderr, and what each template held and what "
                                "was not analysed.")] = False,
) -> None:
    """Lint IAM policies, role bundles, Cognito pool files, scenarios and infrastructure
    templates (CloudFormation, SAM, CDK cdk.out)."""
    from ..errors import PolicyEvalError
    from .registry import load_rules, matches
    from .rule import Severity
    from .runner import Linter

    try:
        cfg = _load_config(config, paths)
        params = parse_params(param)
    except PolicyEvalError as exc:
        typer.echo(printable(f"error: {exc}"), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    selected = _split_codes(select)
    ignored = _split_codes(ignore)
    rules = load_rules()
    for code in selected + ignored:
        if code != "ALL" and not any(matches(r.code, [code]) for r in rules):
            typer.echo(printable(f"error: {code!r} matches no rule code (see `policy-eval "
                                 "rules`)"), err=True)
            raise typer.Exit(EXIT_INPUT)
    linter = Linter(cfg, select=selected or None, ignore=ignored or None, params=params)
    threshold = Severity(severity.value if severity else linter.config.severity)
    try:
        result = linter.lint_paths(paths, exclude or (), jobs=jobs)
        if fix or diff:
            from .fix import plan_fixes, write_fixes
            plan = plan_fixes(linter, result.findings, {d: Path(d) for d in result.files})
            if diff:
                typer.echo("".join(f.diff() for f in plan), nl=False)
                raise typer.Exit(EXIT_FOUND if plan else EXIT_OK)
            write_fixes(plan)
            count = sum(len(f.fixed) for f in plan)
            typer.echo(f"fixed {count} finding{'s' if count != 1 else ''} in {len(plan)} "
                       f"file{'s' if len(plan) != 1 else ''}", err=True)
            if plan:
                result = linter.lint_paths(paths, exclude or (), jobs=jobs)
        if write_baseline is not None:
            from .baseline import write_baseline as write
            write(write_baseline, result.findings, result.root)
            typer.echo(f"wrote {len(result.findings)} findings to {write_baseline}", err=True)
            raise typer.Exit(EXIT_OK)
        if baseline is not None:
            from .baseline import read_baseline, without_baselined
            result.findings, result.baselined = without_baselined(
                result.findings, read_baseline(baseline))
    except PolicyEvalError as exc:
        typer.echo(printable(f"error: {exc}"), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    if not result.files and not result.skipped and not result.empty_templates:
        typer.echo(printable("error: no JSON or YAML files found in "
                             + ", ".join(map(str, paths))), err=True)
        raise typer.Exit(EXIT_INPUT)
    if verbose:
        _list_files(result)
    _report(result, output_format, threshold, rules, no_color, verbose)
    raise typer.Exit(EXIT_FOUND if result.failing(threshold) else EXIT_OK)


def _report(result: Any, output_format: Format, threshold: Any, rules: Any,
            no_color: bool, verbose: bool) -> None:
    if output_format is Format.json:
        from .report.json_format import to_json
        typer.echo(to_json(result, threshold))
    elif output_format is Format.sarif:
        import json

        from .report.sarif import to_sarif
        typer.echo(json.dumps(to_sarif(result, list(rules)), indent=2))
    elif output_format is Format.github:
        from .report.github import to_github
        typer.echo(to_github(result))
    else:
        from .report.text import print_report
        print_report(result, threshold, color=not no_color, verbose=verbose)


def _list_files(result: Any) -> None:
    """``--verbose``: every file read, and every file skipped because it is not one of the
    documents the linter reads (a JSONC ``tsconfig.json``, a ``package.json``), on stderr so
    that JSON and SARIF output stay clean."""
    from ..document.printable import printable
    for name in result.files:
        typer.echo(printable(f"checked: {name}"), err=True)
    for name in result.skipped:
        typer.echo(printable(f"skipped (not a policy, role, pool, scenario or template): "
                             f"{name}"), err=True)


def rules_command(
    no_color: Annotated[bool, typer.Option("--no-color", help="Plain text output.")] = False,
) -> None:
    """List the rule catalogue: code, name, severity and what each rule checks."""
    from rich.console import Console
    from rich.table import Table

    from .registry import load_rules

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("Code", "Name", "Severity", "Checks"):
        table.add_column(column, overflow="fold")
    for rule in load_rules():
        table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
    Console(no_color=no_color, color_system=None if no_color else "auto", highlight=False,
            width=200).print(table)


def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code, e.g. ACT002.")],
) -> None:
    """Print the documentation of one rule."""
    from .registry import rule_by_code

    rule = rule_by_code(code)
    if rule is None:
        typer.echo(printable(f"error: unknown rule code {code!r} (see `policy-eval rules`)"),
                   err=True)
        raise typer.Exit(EXIT_INPUT)
    header = f"{rule.code} {rule.name} ({rule.severity.value}"
    if rule.security_severity is not None:
        header += f", security-severity {rule.security_severity:.1f}"
    header += ")"
    typer.echo(header)
    typer.echo(rule.summary)
    typer.echo("")
    typer.echo(rule.documentation())


def register(app: typer.Typer) -> None:
    """Add the lint commands to the ``policy-eval`` app."""
    app.command("check")(check_command)
    app.command("rules")(rules_command)
    app.command("rule")(rule_command)
