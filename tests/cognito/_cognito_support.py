"""Shared paths, logins and a CLI runner for the Cognito tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
COGNITO = REPO / "fixtures" / "cognito"
POOLS = COGNITO / "pools"
PHOTO_APP = POOLS / "photo-app.json"
SCENARIOS = COGNITO / "scenarios"

ACCOUNT = "111122223333"
POOL_ID = "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"
USER_POOL = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E"
WEB = "6k2r9q5t8v3x1z4b7d0f2h4j6m"
ADMIN = "3n5p7r9t1v3x5z7b9d1f3h5j7l"
GOOGLE = "480726311455-photoapp.apps.googleusercontent.com"
BUCKET = "example-photo-app-media"
SUB_KEY = "cognito-identity.amazonaws.com:sub"
AMR_KEY = "cognito-identity.amazonaws.com:amr"
AUD_KEY = "cognito-identity.amazonaws.com:aud"


def role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def user(sub: str = "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70", client: str = WEB,
         **claims: Any) -> dict[str, Any]:
    """Claims of a user-pool ID token (``custom_tier=`` for ``custom:tier``)."""
    out: dict[str, Any] = {"sub": sub, "aud": client}
    for key, value in claims.items():
        out[key.replace("custom_", "custom:").replace("cognito_", "cognito:")] = value
    return out


def obj(key: str) -> str:
    return f"arn:aws:s3:::{BUCKET}/{key}"


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``policy-eval`` in-process; (exit code, stdout, stderr)."""
    from policy_eval.cli import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
