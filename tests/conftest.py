"""Test-suite settings shared by every test: a hypothesis profile that suits a noisy
2-core CI machine (no per-example deadline, no too-slow health check), the location
of the shared research folder that some tests read in place, and the engine's generated
decision code from an action's first request (so that every test that evaluates runs it;
``DecisionEngine.generate_after``)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

from policy_eval.engine.decide import DecisionEngine

#: CI runs the properties derandomised (the same examples on every run, so a red build is
#: reproducible); locally each run draws new examples and may find new counterexamples.
settings.register_profile("policy-eval", deadline=None,
                          derandomize=bool(os.environ.get("CI")),
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.load_profile("policy-eval")

DecisionEngine.generate_after = 0

REPO_ROOT = Path(__file__).resolve().parents[1]
#: ``shared/`` beside the checkout (CI's layout); ``POLICY_EVAL_SHARED`` points elsewhere
#: (a git worktree kept in another folder).
SHARED = Path(os.environ.get("POLICY_EVAL_SHARED") or REPO_ROOT.parent / "shared")
