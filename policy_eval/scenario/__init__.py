"""Scenario files: policies (or a simulated Cognito login), a context and requests with expected
decisions, and the runner that checks them. A face over the engine and the Cognito simulator,
so it sits above both (shared/DESIGN.md)."""

from .model import (
    Scenario,
    ScenarioResult,
    build_policy_set,
    evaluate_requests,
    load_scenario,
    run_scenario,
)

__all__ = ["Scenario", "ScenarioResult", "build_policy_set", "evaluate_requests",
           "load_scenario", "run_scenario"]
