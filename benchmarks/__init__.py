"""Benchmarks of policy-eval against the Python ceiling and peer evaluators (not timed tests)."""
