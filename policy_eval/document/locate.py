"""Positions of JSON and YAML elements, keyed by JSON pointer: the :class:`Locator`.

For YAML the loader (:mod:`policy_eval.document.source`) fills a Locator from
ruamel.yaml's marks while it reads the document.

The fast path reads documents with the C ``json`` module, which keeps no positions. When
an error or a finding has to name a line and column, a :class:`Locator` is built once per
document (lazily) by :func:`locate_json`: a scan of the text with one regular expression
(C speed) that maps each JSON pointer to the span of the value and, for object members,
to the span of the key; :func:`duplicate_key_pointers` comes from the same scan. The lark
JSON grammar (``grammars/json.lark``) is the scanner's reference and its fallback for text
the scanner does not take; tests/document/test_locate.py holds the two together.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, join_pointer
from .grammars import lark_module, load_grammar


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


_JSON_TOKEN = re.compile(r"""
    [ \t\r\n]*
    (?:
        (?P<string>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")
      | (?P<scalar>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)
      | (?P<punct>[{}\[\]:,])
    )""", re.VERBOSE)


class _Scanner:
    """A position-keeping scan of JSON text with one regular expression (C speed), the
    fast path of :func:`locate_json`; ``grammars/json.lark`` is its reference
    (tests/document/test_locate.py holds the two together)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(*self.position(start), *self.position(end))

    def scan(self) -> tuple[Locator, list[tuple[str, Span]]] | None:
        """Value and key spans, and duplicate keys; ``None`` if the text is not JSON.

        A member whose key repeats an earlier key of its object is listed as a duplicate
        and otherwise skipped: the first occurrence keeps its place.
        """
        locator = Locator(None)
        duplicates: list[tuple[str, Span]] = []
        text = self.text
        # a frame: [is_object, pointer (None inside a skipped member), start offset,
        #           next index (arrays) or the pointer of the pending member (objects),
        #           keys seen (objects)]
        stack: list[list[Any]] = []
        state = "value"          # value | value_or_close | key | key_or_close | colon | after
        pos = 0

        def child_pointer() -> str | None:
            if not stack:
                return ""
            frame = stack[-1]
            if frame[0]:
                pending: str | None = frame[3]
                return pending
            frame[3] += 1
            return None if frame[1] is None else join_pointer(frame[1], frame[3] - 1)

        while True:
            m = _JSON_TOKEN.match(text, pos)
            if m is None:
                break
            pos = m.end()
            kind = m.lastgroup or ""
            start = m.start(kind)
            token = m.group(kind)
            if state in ("key", "key_or_close") and kind == "string":
                frame = stack[-1]
                if frame[1] is None:
                    frame[3] = None
                else:
                    key = json.loads(token)
                    child = join_pointer(frame[1], key)
                    key_span = self.span(start, pos)
                    if key in frame[4]:
                        duplicates.append((child, key_span))
                        frame[3] = None
                    else:
                        frame[4].add(key)
                        locator.keys[child] = key_span
                        frame[3] = child
                state = "colon"
                continue
            if state == "colon":
                if token != ":":
                    return None
                state = "value"
                continue
            if state == "after" and token == ",":
                state = "key" if stack[-1][0] else "value"
                continue
            closing = (token == "}" and state in ("key_or_close", "after") and stack[-1][0]) or (
                token == "]" and state in ("value_or_close", "after") and not stack[-1][0])
            if closing:
                frame = stack.pop()
                if frame[1] is not None:
                    locator.values[frame[1]] = self.span(frame[2], pos)
                state = "after" if stack else "done"
                if not stack:
                    break
                continue
            if state not in ("value", "value_or_close"):
                return None
            pointer = child_pointer()
            if kind != "punct":
                if pointer is not None:
                    locator.values[pointer] = self.span(start, pos)
                state = "after" if stack else "done"
                if not stack:
                    break
            elif token in "{[":
                stack.append([token == "{", pointer, start, None if token == "{" else 0, set()])
                state = "key_or_close" if token == "{" else "value_or_close"
            else:
                return None
        if state != "done" or text[pos:].strip(" \t\r\n"):
            return None
        return locator, duplicates


def locate_json(text: str, path: str | None = None) -> Locator:
    """Build a :class:`Locator` for JSON ``text``; an unparsable text gives an empty one."""
    scanned = _Scanner(text).scan()
    if scanned is not None:
        scanned[0].path = path
        return scanned[0]
    return _locate_with_grammar(text, path)


def _locate_with_grammar(text: str, path: str | None = None) -> Locator:
    """:func:`locate_json` through ``grammars/json.lark`` (the scanner's reference)."""
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
                if child in locator.keys:
                    continue
                locator.keys[child] = _span_of(key_token)
                stack.append((value, child))
        elif node.data == "array":
            for index, item in enumerate(c for c in node.children if c is not None):
                stack.append((item, join_pointer(pointer, index)))
    return locator


def duplicate_key_pointers(text: str) -> list[tuple[str, Span]]:
    """Pointers (and key spans) of every object member whose key repeats an earlier key
    of the same object, in document order. Empty if the text is not parsable."""
    scanned = _Scanner(text).scan()
    if scanned is not None:
        return scanned[1]
    return _duplicates_with_grammar(text)


def _duplicates_with_grammar(text: str) -> list[tuple[str, Span]]:
    """:func:`duplicate_key_pointers` through ``grammars/json.lark``."""
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
