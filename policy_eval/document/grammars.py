"""Find and load the lark grammars shipped with policy-eval.

The grammars live in the top-level ``grammars/`` folder of the source tree and are copied
into ``policy_eval/grammars/`` inside the wheel; both places are searched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def grammar_path(name: str) -> Path:
    """Path of the grammar file ``name`` (e.g. ``"variables.lark"``)."""
    for folder in (_PACKAGE_DIR / "grammars", _PACKAGE_DIR.parent / "grammars"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"grammar {name!r} not found next to the policy_eval package")


@cache
def lark_module() -> ModuleType:
    """The ``lark`` module the cached parsers were built with. Trees, tokens and errors
    are recognised through it (not through a fresh ``import lark``), so a test harness
    that re-imports modules (pytest's pytester) cannot split the classes in two."""
    import lark
    import lark.exceptions

    return lark


@cache
def load_grammar(name: str, **options: object) -> Lark:
    """A compiled LALR parser for the grammar file ``name`` (compiled once per process)."""
    text = grammar_path(name).read_text(encoding="utf-8")
    return lark_module().Lark(text, parser="lalr", **options)
