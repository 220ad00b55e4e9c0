"""Shared helpers for the spec tests: fixture paths, one-shot decisions, the CLI runner.

Tests call :func:`decide` with inline policy documents so each rule of the spec is checked
on its own; scenario files under ``fixtures/`` are run through ``policy_eval.scenario``
and through the CLI.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import policy_eval as pe

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
POLICIES = FIXTURES / "policies"
SCENARIOS = FIXTURES / "scenarios"
SPEC_CASES = FIXTURES / "spec-cases"
INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ROLE = "Cognito_PhotoAppAuth_Role"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/CognitoIdentityCredentials"
SUB = "us-east-1:7d3b9c1e-4f2a-4c8e-9b1d-2a6f0e5c8d41"
OTHER_SUB = "us-east-1:c2e8a5f0-91b7-4d63-8a2e-5f4b7c9d0e13"
SUB_KEY = "cognito-identity.amazonaws.com:sub"
V2012 = "2012-10-17"


def policy(*statements: dict[str, Any], version: str | None = V2012) -> dict[str, Any]:
    """A policy document with the given statements (``version=None`` leaves it out)."""
    doc: dict[str, Any] = {}
    if version is not None:
        doc["Version"] = version
    doc["Statement"] = list(statements)
    return doc


def stmt(effect: str = "Allow", action: Any = "s3:GetObject", resource: Any = "*",
         condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """One statement; ``extra`` may give NotAction/NotResource/Principal (``Not_*`` style)."""
    s: dict[str, Any] = {"Effect": effect}
    if "NotAction" in extra:
        s["NotAction"] = extra.pop("NotAction")
    elif action is not None:
        s["Action"] = action
    if "NotResource" in extra:
        s["NotResource"] = extra.pop("NotResource")
    elif resource is not None:
        s["Resource"] = resource
    s.update(extra)
    if condition is not None:
        s["Condition"] = condition
    return s


def allow_if(condition: dict[str, Any], action: str = "s3:GetObject",
             resource: str = "*", version: str | None = V2012) -> dict[str, Any]:
    """A one-statement Allow policy guarded by ``condition``."""
    return policy(stmt("Allow", action, resource, condition), version=version)


def decide(identity: Sequence[Any] | dict[str, Any] | None, action: str = "s3:GetObject",
           resource: str = "*", context: dict[str, Any] | None = None,
           principal: str = SESSION_ARN, resource_policy: dict[str, Any] | None = None,
           **policy_set: Any) -> str:
    """The decision string for one request against one policy set.

    ``resource`` is the request's resource; the resource-based policy is ``resource_policy``;
    other keywords (boundary, session, scps, rcps) go to :class:`policy_eval.PolicySet`.
    """
    if isinstance(identity, dict):
        identity = [identity]
    if resource_policy is not None:
        policy_set["resource"] = resource_policy
    ps = pe.PolicySet(identity=list(identity or []), **policy_set)
    d = ps.evaluate(pe.Request(action=action, resource=resource, principal=principal,
                               context=context or {}))
    return str(d.decision)


def cond_holds(condition: dict[str, Any], context: dict[str, Any],
               version: str | None = V2012) -> bool:
    """True when an Allow guarded by ``condition`` allows a request with ``context``."""
    result = decide(allow_if(condition, version=version), context=context)
    assert result in ("allow", "implicit_deny"), result
    return result == "allow"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m policy_eval ARGS`` in a subprocess (the real entry point)."""
    return subprocess.run([sys.executable, "-m", "policy_eval", *args], capture_output=True,
                          text=True, cwd=cwd or REPO, timeout=60)


def scenario_files(folder: Path) -> list[Path]:
    """Scenario files (JSON and YAML) directly inside ``folder``, sorted."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix in (".json", ".yaml", ".yml"))


def invoke_cli(*args: str) -> tuple[int, str]:
    """Run the typer app in-process (fast); returns the exit code and stdout+stderr."""
    from typer.testing import CliRunner

    from policy_eval.cli import app

    result = CliRunner().invoke(app, list(args))
    out = result.stdout
    with contextlib.suppress(ValueError):  # older click mixes stderr into stdout
        out += result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, out

