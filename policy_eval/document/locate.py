"""Positions of JSON and YAML elements, keyed by JSON pointer.

The fast path reads documents with the C ``json`` module, which keeps no positions. When
an error or a finding has to name a line and column, a :class:`Locator` is built once per
document (lazily) by re-reading the text with the lark JSON grammar in
``grammars/json.lark`` (or from ruamel.yaml's marks for YAML). It maps each JSON pointer to
the span of the value and, for object members, to the span of the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Location, join_pointer
from .grammars import lark_module, load_grammar

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Span:
    """A 1-based line/column range in a text."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Locator:
    """Maps JSON pointers to spans for one document."""

    path: str | None
    values: dict[str, Span] = field(default_factory=dict)
    keys: dict[str, Span] = field(default_factory=dict)

    def span(self, pointer: str, *, key: bool = False) -> Span | None:
        """Span of the element at ``pointer`` (its key when ``key``); falls back to the
        nearest ancestor that is known."""
        table = self.keys if key else self.values
        probe = pointer
        while True:
            found = table.get(probe) or self.values.get(probe)
            if found is not None:
                return found
            if not probe:
                return None
            probe = probe.rsplit("/", 1)[0]

    def location(self, pointer: str, *, key: bool = False) -> Location:
        """A :class:`Location` for ``pointer`` in this document."""
        span = self.span(pointer, key=key)
        if span is None:
            return Location(self.path, None, None, pointer)
        return Location(self.path, span.line, span.column, pointer, span.end_line, span.end_column)


def _is_tree(node: object) -> bool:
    # duck-typed: see grammars.lark_module (classes may come from a re-imported lark)
    return hasattr(node, "data") and hasattr(node, "children")


def _span_of(node: Any) -> Span:
    if not _is_tree(node):
        return Span(node.line or 1, node.column or 1, node.end_line or 1, node.end_column or 1)
    meta = node.meta
    if getattr(meta, "empty", True):
        return Span(1, 1, 1, 1)
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def locate_json(text: str, path: str | None = None) -> Locator:
    """Build a :class:`Locator` for JSON ``text``; an unparsable text gives an empty one."""
    LarkError = lark_module().exceptions.LarkError

    locator = Locator(path)
    try:
        tree = load_grammar("json.lark", propagate_positions=True).parse(text)
    except (LarkError, RecursionError):
        return locator
    stack: list[tuple[Any, str]] = [(tree, "")]
    while stack:
        node, pointer = stack.pop()
        locator.values[pointer] = _span_of(node)
        if not _is_tree(node):
            continue
        if node.data == "object":
            for pair in node.children:
                if pair is None:
                    continue
                key_token, value = pair.children
                child = join_pointer(pointer, json.loads(key_token.value))
                # The first occurrence of a duplicated key keeps its place.
                locator.keys.setdefault(child, _span_of(key_token))
                if child not in locator.values:
                    stack.append((value, child))
        elif node.data == "array":
            for index, item in enumerate(c for c in node.children if c is not None):
                stack.append((item, join_pointer(pointer, index)))
    return locator


def duplicate_key_pointers(text: str) -> list[tuple[str, Span]]:
    """Pointers (and key spans) of every object member whose key repeats an earlier key
    of the same object, in document order. Empty if the text is not parsable."""
    LarkError = lark_module().exceptions.LarkError

    try:
        tree = load_grammar("json.lark", propagate_positions=True).parse(text)
    except (LarkError, RecursionError):
        return []
    found: list[tuple[str, Span]] = []
    stack: list[tuple[Any, str]] = [(tree, "")]
    while stack:
        node, pointer = stack.pop()
        if not _is_tree(node):
            continue
        if node.data == "object":
            seen: set[str] = set()
            for pair in node.children:
                if pair is None:
                    continue
                key_token, value = pair.children
                key = json.loads(key_token.value)
                child = join_pointer(pointer, key)
                if key in seen:
                    found.append((child, _span_of(key_token)))
                seen.add(key)
                stack.append((value, child))
        elif node.data == "array":
            for index, item in enumerate(c for c in node.children if c is not None):
                stack.append((item, join_pointer(pointer, index)))
    found.sort(key=lambda item: (item[1].line, item[1].column))
    return found
