"""Every rule is documented in ruff's four parts, and its examples are tested: the
``Example`` blocks must trigger the rule, the ``Use instead`` blocks must not."""

from __future__ import annotations

import re

import pytest

from policy_eval.lint.registry import load_rules
from policy_eval.lint.rule import Rule, Severity
from policy_eval.lint.runner import Linter
from tests.lint.docexamples import examples

RULES = load_rules()
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


def test_catalogue_size_and_unique_codes() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    own = [c for c in codes if not c.startswith(("COG", "SEC"))]
    assert len(own) >= 45
    own_names = [r.name for r in RULES if not r.code.startswith(("COG", "SEC"))]
    assert len(own_names) == len(set(own_names)), "rule names must be unique"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_metadata(rule: type[Rule]) -> None:
    assert re.fullmatch(r"[A-Z]{3}\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary and "\n" not in rule.summary
    assert isinstance(rule.severity, Severity)
    if rule.security_severity is not None:
        assert 0.0 <= rule.security_severity <= 10.0
    doc = rule.documentation()
    for title in SECTIONS:
        assert re.search(rf"^{re.escape(title)}\n-+$", doc, re.M), f"{rule.code}: {title}"


EXAMPLE_RULES = [r for r in RULES if not r.examples_in_tests]


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda r: r.code)
def test_rule_examples(rule: type[Rule]) -> None:
    blocks = examples(rule)
    assert blocks["Example"] and blocks["Use instead"], "json/yaml examples missing"
    linter = Linter(select=[rule.code])
    for lang, text in blocks["Example"]:
        codes = [f.code for f in linter.lint_text(text, f"example.{lang}", rule.example_kind)]
        assert rule.code in codes, f"Example does not trigger {rule.code}: {codes}"
    for lang, text in blocks["Use instead"]:
        found = [f for f in linter.lint_text(text, f"example.{lang}", rule.example_kind)
                 if f.code == rule.code]
        assert not found, f"Use instead triggers {rule.code}: {found[0].message}"
