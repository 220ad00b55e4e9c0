"""The rule catalogue and the command table are complete or fail loudly.

A family module or a command module that cannot be imported is an import error, never a
smaller catalogue or a missing command (each case runs in a fresh interpreter with the
module blocked in ``sys.modules``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from policy_eval.lint.registry import load_rules

FAMILIES = ("SYN", "ACT", "RES", "CND", "VAR", "PRN", "RED", "COG", "SEC", "SUP")


def test_every_family_is_in_the_catalogue() -> None:
    prefixes = {rule.code[:3] for rule in load_rules()}
    assert prefixes == set(FAMILIES)


def _run_blocked(module: str, code: str) -> subprocess.CompletedProcess[str]:
    program = f"import sys; sys.modules[{module!r}] = None\n{code}"
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("module", ["policy_eval.lint.rules.security",
                                    "policy_eval.lint.rules.cognito"])
def test_missing_rule_family_is_an_import_error(module: str) -> None:
    done = _run_blocked(module, "from policy_eval.lint.registry import load_rules\n"
                                "load_rules()")
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and module in done.stderr


@pytest.mark.parametrize("module", ["policy_eval.lint.cli", "policy_eval.cognito.cli"])
def test_missing_command_module_is_an_import_error(module: str) -> None:
    done = _run_blocked(module, "import sys; sys.argv = ['policy-eval', '--help']\n"
                                "from policy_eval.cli import main\nmain()")
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr and module in done.stderr
