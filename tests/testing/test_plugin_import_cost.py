"""The pytest plugin is loaded in every test session of a project that installs
policy-eval: importing it must not load NumPy (the population search imports it on use)."""

from __future__ import annotations

import subprocess
import sys


def test_the_plugin_and_the_assertions_import_without_numpy() -> None:
    program = ("import sys, policy_eval.testing.plugin, policy_eval.testing; "
               "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
