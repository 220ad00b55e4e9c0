"""The rule catalogue: imports every family module once and answers look-ups by code.

Family modules register their rules with :func:`policy_eval.lint.rule.register` when they
are imported. :func:`load_rules` imports them by name, so a missing or broken family
module is an import error, never a silently smaller catalogue.
"""

from __future__ import annotations

from functools import lru_cache

from .rule import Rule, registered_rules


@lru_cache(maxsize=1)
def load_rules() -> tuple[type[Rule], ...]:
    """Import every family module (in catalogue order) and return the registered rule
    classes, by code. The import is deferred to the first call: ``policy-eval eval`` and
    ``test`` never pay for the rules."""
    from .rules import (  # noqa: F401  (importing a family registers its rules)
        actions,
        cognito,
        conditions,
        principals,
        redundancy,
        resources,
        security,
        suppressions,
        syntax,
        variables,
    )
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
