"""``policy-eval simulate POOL --login LOGIN.json``: one login through an identity pool.

Prints the resolved identity (identity ID, role, tags, session policies, request context,
and the steps that led there) or the refusal (AWS error code, reason, trust-policy
explanation). Exit 0 when credentials would be issued, 1 when AWS would refuse the login,
2 on unusable input (a located error message).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ..cli import EXIT_FOUND, EXIT_OK, PARAM_HELP, OutputFormat, guarded, template_params
from ..document.printable import printable
from ..errors import PolicyEvalError

_POOL = typer.Argument(..., help="Pool file (JSON or YAML, AWS API shapes), or a template "
                       "holding an identity pool (CloudFormation/SAM, CDK cdk.out).")
_LOGIN = typer.Option(..., "--login", "-l", help="Login file: {provider, claims, flow, role_arn, "
                      "identity_id} (JSON or YAML).")
_FORMAT = typer.Option(OutputFormat.text, "--format", "-f", help="text, or json (one object).")
_SCOPE_DOWN = typer.Option("default", "--scope-down", help="Guest scope-down version: default, "
                           "2023, 2024-11, 2026-05, none (spec 6.6).")


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command to the ``policy-eval`` app."""

    @app.command("simulate")
    def simulate_command(
        pool: Path = _POOL,
        login: Path = _LOGIN,
        output_format: OutputFormat = _FORMAT,
        scope_down: str = _SCOPE_DOWN,
        param: list[str] | None = typer.Option(None, "--param", help=PARAM_HELP),
    ) -> None:
        """Simulate a login through a Cognito identity pool and show the credentials AWS
        would issue (role, tags, session policies, request context) or its refusal."""
        from .identity import Refusal
        from .pool import IdentityPool
        from .scope_down import SELECTIONS

        params = template_params(param)

        def run() -> Any:
            if scope_down not in SELECTIONS:
                raise PolicyEvalError(f"--scope-down {scope_down!r} is not a scope-down version "
                                      f"(accepted: {', '.join(SELECTIONS)})")
            from ..document.source import load_file
            identity_pool = IdentityPool.load(pool, params=params, scope_down=scope_down)
            source = load_file(login)
            return identity_pool.simulate(source.data, locate=source.location)

        outcome = guarded(run)
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(outcome.to_dict(), indent=2, default=str))
        else:
            typer.echo(printable(outcome.describe()))
        raise typer.Exit(EXIT_FOUND if isinstance(outcome, Refusal) else EXIT_OK)
