"""Shared paths, templates and a CLI runner for the population tests."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
POOLS = REPO / "fixtures" / "cognito" / "pools"
NOTES_APP = POOLS / "notes-app.json"
PHOTO_APP = POOLS / "photo-app.json"
LOGINS = REPO / "fixtures" / "cognito" / "logins" / "notes-app-users.jsonl"
PRIVATE = "arn:aws:s3:::example-notes-app/private/${sub}/note.txt"
TAGGED = "arn:aws:s3:::example-notes-app/private/${aws:PrincipalTag/username}/note.txt"
TABLE = "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"
LEADING_KEYS = "dynamodb:LeadingKeys=${sub}"


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``policy-eval`` in-process; (exit code, stdout, stderr)."""
    from policy_eval.cli import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
