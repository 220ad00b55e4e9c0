"""Element positions: the regex scanner (fast path) agrees with the lark JSON grammar
(grammars/json.lark) on every JSON file of the project and on generated documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.locate import (
    _duplicates_with_grammar,
    _locate_with_grammar,
    duplicate_key_pointers,
    locate_json,
)
from tests.conftest import REPO_ROOT

FILES = sorted(p for folder in ("fixtures", "tests/data") for p in
               (REPO_ROOT / folder).rglob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO_ROOT)) for p in FILES])
def test_scanner_agrees_with_grammar_on_project_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast, slow = locate_json(text), _locate_with_grammar(text)
    assert fast.values == slow.values
    assert fast.keys == slow.keys
    assert duplicate_key_pointers(text) == _duplicates_with_grammar(text)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(alphabet='ab/~"\\ :\n\té', max_size=6))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(alphabet="ab/~ ", max_size=3), inner, max_size=4)), max_leaves=20)


@given(documents, st.sampled_from([None, 0, 2]), st.booleans())
@settings(max_examples=300)
def test_scanner_agrees_with_grammar_on_generated_json(doc: object, indent: int | None,
                                                      ascii_only: bool) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    fast, slow = locate_json(text), _locate_with_grammar(text)
    assert fast.values == slow.values
    assert fast.keys == slow.keys


@pytest.mark.parametrize("text", ['{"a": 1 "b": 2}', "[1,]", '{"a": 1,}', "1 2", '{"a" 1}',
                                  "[", '{"a": [1, {"b": null}]'])
def test_invalid_json_has_no_positions(text: str) -> None:
    assert locate_json(text).values == _locate_with_grammar(text).values == {}


def test_duplicate_keys_first_occurrence_keeps_its_place() -> None:
    text = '{"a": 1,\n "a": [2]}'
    loc = locate_json(text)
    assert (loc.values["/a"].line, loc.values["/a"].column) == (1, 7)
    dups = duplicate_key_pointers(text)
    assert [(p, s.line, s.column) for p, s in dups] == [("/a", 2, 2)]
