"""Parse Terraform's HCL into blocks and attributes that keep their positions.

The parser is python-hcl2's lark grammar (imported lazily: it costs ~0.25 s the first
time, which only a run that reads a ``.tf`` file pays). We walk lark's raw tree rather
than python-hcl2's dict output: the tree keeps every node's line and column (the dict
output has none in 8.x, see spec/iac-anchors.md) and keeps expressions as structure, so
references and function calls need no second parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ....errors import InputError, Location
from ..located import FileSpan

#: A raw lark tree node (lark.Tree or lark.Token; duck-typed, lark is imported lazily).
Tree = Any


@dataclass
class Attribute:
    """``name = expression`` in a body."""

    name: str
    expression: Tree
    span: FileSpan          # the whole attribute
    key_span: FileSpan      # its name


@dataclass
class Block:
    """``type "label" ... { body }``."""

    type: str
    labels: list[str]
    span: FileSpan          # the block's first line to its closing brace
    key_span: FileSpan      # its type keyword and labels
    file: HclFile
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]

    @property
    def header(self) -> str:
        return " ".join([self.type, *(f'"{label}"' for label in self.labels)])


@dataclass
class HclFile:
    """One parsed ``.tf`` file."""

    path: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    #: top-level attributes (a ``.tfvars`` file has nothing else)
    attributes: dict[str, Attribute] = field(default_factory=dict)

    def source_of(self, node: Tree) -> str:
        """The text a tree node was parsed from."""
        meta = node.meta if is_tree(node) else node
        start = getattr(meta, "start_pos", None)
        end = getattr(meta, "end_pos", None)
        if start is None or end is None:
            return ""
        return self.text[start:end]

    def span_of(self, node: Tree) -> FileSpan:
        return span_of(node, self.path)


def is_tree(node: Any) -> bool:
    return hasattr(node, "data") and hasattr(node, "children")


def span_of(node: Tree, path: str | None) -> FileSpan:
    """The span of a lark tree node or token in ``path``."""
    meta = node.meta if is_tree(node) else node
    line = getattr(meta, "line", None) or 1
    column = getattr(meta, "column", None) or 1
    end_line = getattr(meta, "end_line", None) or line
    end_column = getattr(meta, "end_column", None) or column
    return FileSpan(line, column, end_line, end_column, path)


def _parser() -> Any:
    from hcl2.parser import parser  # lazy: python-hcl2 and its grammar cost ~0.25 s

    return parser()


def parse_expression(text: str) -> Tree:
    """The tree of one HCL expression (used for interpolations inside heredocs);
    raises lark's errors."""
    tree = _parser().parse(f"x = {text}\n")
    attribute = next(c for c in tree.children[0].children
                     if is_tree(c) and c.data == "attribute")
    return attribute.children[-1]


def syntax_error(exc: Exception, path: str, text: str) -> InputError:
    """An :class:`InputError` for a lark parse error in ``path``."""
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    if not isinstance(line, int) or line < 1:
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
    token = getattr(exc, "token", None)
    expected = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    if token is not None and getattr(token, "type", "") == "$END":
        what = "unexpected end of file"
    elif token is not None:
        what = f"unexpected {str(token).strip()[:30]!r}"
    else:
        char = getattr(exc, "char", None)
        what = f"unexpected character {char!r}" if char else "syntax error"
    if expected:
        what += " (expected " + ", ".join(expected[:6]) + (", ..." if len(expected) > 6
                                                           else "") + ")"
    return InputError(f"invalid HCL: {what}", Location(path, line, column or 1), "hcl-syntax")


def parse_file(text: str, path: str) -> HclFile:
    """Parse ``text`` (the content of ``path``); a syntax error raises :class:`InputError`."""
    from lark.exceptions import LarkError

    try:
        tree = _parser().parse(text + "\n")
    except LarkError as exc:
        raise syntax_error(exc, path, text) from None
    except RecursionError:
        raise InputError("invalid HCL: nested too deeply", Location(path, 1, 1),
                         "too-deep") from None
    hcl = HclFile(path, text)
    hcl.attributes, hcl.blocks = _body(tree.children[0], hcl)
    return hcl


def _name(node: Tree) -> str:
    """The text of an identifier, keyword, literal or quoted label."""
    if not is_tree(node):
        return str(node)
    if node.data == "string":
        return "".join(str(part.children[0]) for part in node.children
                       if is_tree(part) and part.children and not is_tree(part.children[0]))
    return "".join(_name(c) for c in node.children)


def _body(body: Tree, hcl: HclFile) -> tuple[dict[str, Attribute], list[Block]]:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.children:
        if not is_tree(child):
            continue
        if child.data == "attribute":
            name = _name(child.children[0])
            attributes[name] = Attribute(name, child.children[-1], hcl.span_of(child),
                                         hcl.span_of(child.children[0]))
        elif child.data == "block":
            heads = [c for c in child.children if is_tree(c)
                     and c.data in ("identifier", "keyword", "literal_value", "string")]
            inner = next(c for c in child.children if is_tree(c) and c.data == "body")
            head_span = hcl.span_of(heads[0])
            last = hcl.span_of(heads[-1])
            block = Block(_name(heads[0]), [_name(h) for h in heads[1:]], hcl.span_of(child),
                          FileSpan(head_span.line, head_span.column, last.end_line,
                                   last.end_column, hcl.path), hcl)
            block.attributes, block.blocks = _body(inner, hcl)
            blocks.append(block)
    return attributes, blocks
