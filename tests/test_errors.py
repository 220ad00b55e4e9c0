"""Error codes: one table (``policy_eval.errors.ErrorCode``) for what is raised and matched.

The loaders and the policy grammar raise codes from the table, the linter's rules match
codes from the table, and no module spells a code as a free string that the table lacks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from policy_eval.document.model import check_policy
from policy_eval.document.source import load_text
from policy_eval.errors import ErrorCode, InputError
from policy_eval.lint.registry import load_rules
from policy_eval.lint.rules._base import ParseErrorRule

PACKAGE = Path(__file__).resolve().parents[1] / "policy_eval"
CODES = {code.value for code in ErrorCode}
_RAISERS = {"InputError", "PolicyError", "RequestError", "PolicyEvalError", "error", "refuse"}


def test_codes_are_unique_and_print_as_their_value() -> None:
    assert len(CODES) == len(ErrorCode)
    assert f"{ErrorCode.json_syntax}" == "json-syntax" == ErrorCode.json_syntax


def test_rules_match_only_codes_of_the_table() -> None:
    for rule in load_rules():
        if issubclass(rule, ParseErrorRule):
            assert rule.error_codes, rule.code
            for code in rule.error_codes:
                assert isinstance(code, ErrorCode), (rule.code, code)


def _code_literals(path: Path) -> list[tuple[int, str]]:
    """String literals shaped like codes (``a-b``) given to an error constructor."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in _RAISERS and not name.lower().endswith("error"):
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                    and arg.value.replace("-", "").isalnum() and "-" in arg.value \
                    and arg.value == arg.value.lower() and " " not in arg.value:
                out.append((node.lineno, arg.value))
    return out


def test_every_code_spelled_in_the_package_is_in_the_table() -> None:
    unknown = [f"{path.relative_to(PACKAGE)}:{line}: {code}"
               for path in sorted(PACKAGE.rglob("*.py"))
               for line, code in _code_literals(path) if code not in CODES]
    assert not unknown, "codes missing from ErrorCode:\n" + "\n".join(unknown)


@pytest.mark.parametrize("text,expected", [
    ('{"Statement": [', ErrorCode.json_syntax),
    ('{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}',
     ErrorCode.duplicate_key),
])
def test_loader_codes(text: str, expected: ErrorCode) -> None:
    with pytest.raises(InputError) as err:
        load_text(text, "policy.json")
    assert err.value.code == expected


@pytest.mark.parametrize("statement,expected", [
    ({"Effect": "Allow", "Resource": "*"}, ErrorCode.missing_action),
    ({"Effect": "Allow", "Action": "s3:GetObject"}, ErrorCode.missing_resource),
    ({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}, ErrorCode.invalid_effect),
    ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
      "Condition": {"StringEqualz": {"aws:UserAgent": "x"}}}, ErrorCode.unknown_operator),
])
def test_grammar_codes(statement: dict[str, object], expected: ErrorCode) -> None:
    _, errors = check_policy({"Version": "2012-10-17", "Statement": [statement]},
                             kind="identity")
    assert expected in [e.code for e in errors]
