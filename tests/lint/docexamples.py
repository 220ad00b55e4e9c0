"""Extract the ``Example`` and ``Use instead`` blocks of a rule's documentation."""

from __future__ import annotations

import re

from policy_eval.lint.rule import Rule

_SECTION = re.compile(r"^(Example|Use instead)\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", re.M | re.S)
_BLOCK = re.compile(r"```(json|yaml)\n(.*?)```", re.S)


def examples(rule: type[Rule]) -> dict[str, list[tuple[str, str]]]:
    """``{"Example": [(lang, text), ...], "Use instead": [...]}``."""
    doc = rule.documentation()
    out: dict[str, list[tuple[str, str]]] = {"Example": [], "Use instead": []}
    for match in _SECTION.finditer(doc):
        out[match.group(1)].extend(_BLOCK.findall(match.group(2)))
    return out
