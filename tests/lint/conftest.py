"""Shared helpers for the linter tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from policy_eval.document.model import check_policy
from policy_eval.document.source import load_text
from policy_eval.lint.cli import register
from policy_eval.lint.rule import Finding, Rule, Target, registered_rules

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


def allow(action: Any, resource: Any = "*", condition: dict[str, Any] | None = None,
          **extra: Any) -> dict[str, Any]:
    """An Allow statement (``Condition`` only when given)."""
    st: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    if condition:
        st["Condition"] = condition
    return st


def rule_class(code: str) -> type[Rule]:
    """The registered rule class with ``code`` (its family module must be imported)."""
    return next(r for r in registered_rules() if r.code == code)


def make_target(doc: Any, kind: str, path: str = "policy.json",
                related: dict[str, Any] | None = None) -> Target:
    """A lint target of ``kind`` for a document (dict or text), parsed as the linter does."""
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
    source = load_text(text, path)
    parsed = None
    errors: list[Any] = []
    if kind != "pool":
        parsed, errors = check_policy(source.data, kind=kind, source=source)  # type: ignore[arg-type]
    return Target(kind, source, "", source.data, parsed, errors, related or {})


def run_rule(code: str, doc: Any, kind: str | None = None, **kw: Any) -> list[Finding]:
    """The findings of one rule on a document (``kind``: the rule's first kind by default)."""
    cls = rule_class(code)
    return list(cls().check(make_target(doc, kind or cls.kinds[0], **kw)))
