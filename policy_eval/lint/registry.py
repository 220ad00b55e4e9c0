"""The rule catalogue: imports every family module once and answers look-ups by code.

Family modules register their rules with :func:`policy_eval.lint.rule.register` when they
are imported. The Cognito and security families are written separately and may be absent
while they are being built; a missing module is skipped, a module that fails for any other
reason is an error (a broken rule module must not silently shrink the catalogue).
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from .rule import Rule, registered_rules

#: Family modules, in catalogue order.
FAMILY_MODULES = (
    "policy_eval.lint.rules.syntax",
    "policy_eval.lint.rules.actions",
    "policy_eval.lint.rules.resources",
    "policy_eval.lint.rules.conditions",
    "policy_eval.lint.rules.variables",
    "policy_eval.lint.rules.principals",
    "policy_eval.lint.rules.redundancy",
    "policy_eval.lint.rules.cognito",
    "policy_eval.lint.rules.security",
    "policy_eval.lint.rules.suppressions",
)


@lru_cache(maxsize=1)
def load_rules() -> tuple[type[Rule], ...]:
    """Import every family module and return the registered rule classes, by code."""
    for module in FAMILY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return tuple(registered_rules())


def rule_by_code(code: str) -> type[Rule] | None:
    """The rule class with ``code`` (case-insensitive), or ``None``."""
    wanted = code.strip().upper()
    return next((r for r in load_rules() if r.code == wanted), None)


def matches(code: str, selectors: list[str] | tuple[str, ...]) -> bool:
    """Does ``code`` match any selector? A selector is a full code (``ACT002``), a prefix
    (``ACT``, ``ACT0``) or ``ALL``."""
    for sel in selectors:
        s = sel.strip().upper()
        if s == "ALL" or code.startswith(s):
            return True
    return False
