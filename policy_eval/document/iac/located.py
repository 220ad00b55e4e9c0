"""Values that know where they were written, for readers that translate a source format.

The Terraform and account-export readers translate what they read into CloudFormation's
shape (the shape the IaC resolver understands). Each translated value is built as a
:class:`Node`: the value and the span, in its own file, of the text it came from. When the
translation is done, :func:`emit` turns the nodes into plain data and fills a
:class:`FileLocator`, a :class:`~policy_eval.document.locate.Locator` whose spans carry
their file, so one document can point into several files (the ``.tf`` files of a module).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import Location, join_pointer
from ..locate import Locator, Span

#: The pseudo-intrinsic for a value the reader could not translate: ``{"PolicyEval::Unknown":
#: "<source text>"}``. The resolver treats it as an explicit unknown.
UNKNOWN = "PolicyEval::Unknown"
#: Resource metadata key naming where a resource came from (``aws_iam_role.auth``).
ADDRESS_KEY = "policy-eval:address"
#: Resource metadata key holding the real ``Ref``/``Fn::GetAtt`` values of a deployed
#: resource (see :data:`policy_eval.document.iac.intrinsics.DEPLOYED_ATTRIBUTES`).
ATTRIBUTES_KEY = "policy-eval:attributes"


@dataclass(frozen=True)
class FileSpan(Span):
    """A span in a named file."""

    path: str | None = None


@dataclass
class FileLocator(Locator):
    """A :class:`Locator` whose spans may each name their own file."""

    def location(self, pointer: str, *, key: bool = False) -> Location:
        span = self.span(pointer, key=key)
        if span is None:
            return Location(self.path, None, None, pointer)
        path = span.path if isinstance(span, FileSpan) and span.path else self.path
        return Location(path, span.line, span.column, pointer, span.end_line, span.end_column)


@dataclass
class Node:
    """A translated value (scalar, ``list[Node]`` or ``dict[str, Node]``) and its spans."""

    value: Any
    span: FileSpan | None = None
    key_span: FileSpan | None = None
    #: Set on the node of a string that only stands for an unknown value.
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_unknown(self) -> bool:
        return isinstance(self.value, dict) and UNKNOWN in self.value

    def get(self, key: str) -> Node | None:
        """The member ``key`` of an object node."""
        return self.value.get(key) if isinstance(self.value, dict) else None


def unknown(text: str, span: FileSpan | None) -> Node:
    """``{"PolicyEval::Unknown": text}``: a value that could not be translated."""
    return Node({UNKNOWN: Node(" ".join(text.split()), span)}, span)


def ref(target: str, span: FileSpan | None) -> Node:
    return Node({"Ref": Node(target, span)}, span)


def get_att(target: str, attribute: str, span: FileSpan | None) -> Node:
    return Node({"Fn::GetAtt": Node([Node(target, span), Node(attribute, span)], span)}, span)


def join(parts: list[Node], span: FileSpan | None) -> Node:
    """The concatenation of ``parts``: a string when every part is a known scalar, else
    ``{"Fn::Join": ["", [...]]}`` with adjacent literal parts merged."""
    merged: list[Node] = []
    for part in parts:
        value = part.value
        if isinstance(value, bool):
            part = Node("true" if value else "false", part.span)
        elif isinstance(value, (int, float)):
            part = Node(str(value), part.span)
        if isinstance(part.value, str) and merged and isinstance(merged[-1].value, str):
            merged[-1] = Node(merged[-1].value + part.value, merged[-1].span)
        elif not (isinstance(part.value, str) and part.value == ""):
            merged.append(part)
    if not merged:
        return Node("", span)
    if len(merged) == 1 and isinstance(merged[0].value, str):
        return Node(merged[0].value, span)
    return Node({"Fn::Join": Node([Node("", span), Node(merged, span)], span)}, span)


def from_plain(value: Any, span: FileSpan | None) -> Node:
    """A node tree for plain data, every element at ``span``."""
    if isinstance(value, dict):
        return Node({str(k): from_plain(v, span) for k, v in value.items()}, span)
    if isinstance(value, list):
        return Node([from_plain(v, span) for v in value], span)
    return Node(value, span)


def from_located(value: Any, locator: Locator, pointer: str = "",
                 fallback: FileSpan | None = None) -> Node:
    """A node tree for ``value`` whose spans are read from ``locator`` (``value`` being the
    element at ``pointer`` of the document ``locator`` describes)."""
    found = locator.values.get(pointer)
    span = _file_span(found, locator.path) if found is not None else fallback
    if isinstance(value, dict):
        members: dict[str, Node] = {}
        for key, item in value.items():
            child = join_pointer(pointer, key)
            node = from_located(item, locator, child, span)
            key_found = locator.keys.get(child)
            node.key_span = _file_span(key_found, locator.path) if key_found else None
            members[str(key)] = node
        return Node(members, span)
    if isinstance(value, list):
        return Node([from_located(item, locator, join_pointer(pointer, i), span)
                     for i, item in enumerate(value)], span)
    return Node(value, span)


def _file_span(span: Span, path: str | None) -> FileSpan:
    if isinstance(span, FileSpan):
        return span
    return FileSpan(span.line, span.column, span.end_line, span.end_column, path)


def shifted(span: Span, lines: int, path: str | None) -> FileSpan:
    """``span`` moved down by ``lines`` lines, in ``path``."""
    return FileSpan(span.line + lines, span.column, span.end_line + lines, span.end_column, path)


def emit(node: Node, locator: Locator, pointer: str = "") -> Any:
    """Plain data for ``node``; the span of every element is recorded in ``locator``."""
    if node.span is not None:
        locator.values[pointer] = node.span
    value = node.value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            at = join_pointer(pointer, key)
            if child.key_span is not None:
                locator.keys[at] = child.key_span
            out[key] = emit(child, locator, at)
        return out
    if isinstance(value, list):
        return [emit(child, locator, join_pointer(pointer, i)) for i, child in enumerate(value)]
    return value


def plain(node: Node) -> Any:
    """Plain data for ``node`` (no locations)."""
    value = node.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def display_name(path: str | Path) -> str:
    """How a file is named in locations: relative to the working folder when inside it
    (as the linter names the files it is given), normalised."""
    p = Path(os.path.normpath(path))
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()
