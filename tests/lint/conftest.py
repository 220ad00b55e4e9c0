"""Shared helpers for the linter tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from policy_eval.lint.cli import register

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"


@pytest.fixture(scope="session")
def lint_app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture()
def run_cli(lint_app: typer.Typer):
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(lint_app, list(args))

    return run


def write_json(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version:
        doc = {"Version": version, **doc}
    return doc
