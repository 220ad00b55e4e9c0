"""Evaluate HCL expressions of one Terraform module into located CloudFormation values.

What Terraform would know before ``apply`` is computed (literals, ``jsonencode``, heredoc
JSON, ``file``/``templatefile`` of the module's files, ``format``/``join``/``concat``,
locals, ``data "aws_iam_policy_document"`` documents). What only a deployment knows becomes
a CloudFormation intrinsic: ``var.NAME`` is ``{"Ref": "NAME"}`` (the module's variables are
the template's ``Parameters``), a resource attribute is ``Ref``/``Fn::GetAtt`` on the
resource address (:mod:`.types` says which), the caller's account, region and partition
are the pseudo parameters. Anything else (conditionals, ``for`` expressions, splats, other
functions and data sources, child modules) is ``{"PolicyEval::Unknown": "<its text>"}``:
never guessed.

String templates: ``$${x}`` is a literal ``${x}`` (how an IAM policy variable is written in
HCL), ``${expr}`` is interpolated (``Fn::Join`` when its value is not known).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ....errors import InputError, Location, PolicyEvalError
from ..located import (
    FileSpan,
    Node,
    display_name,
    from_located,
    from_plain,
    get_att,
    join,
    ref,
    shifted,
    unknown,
)
from .hcl import Attribute, Block, HclFile, Tree, is_tree, parse_expression, span_of
from .types import DATA_PSEUDO_PARAMETERS, resource_attribute

_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
#: A placeholder for an interpolation inside heredoc JSON (private-use characters, which
#: JSON strings accept and no policy contains).
_HOLE = "\ue000{}\ue001"
_HOLE_PATTERN = re.compile("\ue000(\\d+)\ue001")
_SKIP_TOKENS = ("LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COMMA", "EQ", "COLON")
#: Functions that return their (only) argument unchanged for our purposes.
_IDENTITY_FUNCTIONS = ("tolist", "toset", "tostring", "tomap", "sensitive", "nonsensitive")


def unescape(chars: str) -> str:
    """The value of an HCL quoted-string fragment (``\\n``, ``\\"``, ``\\uNNNN``)."""
    if "\\" not in chars:
        return chars

    def replace(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _SIMPLE_ESCAPES.get(m.group(3), "\\" + m.group(3))

    return _ESCAPE.sub(replace, chars)


@dataclass
class Context:
    """Where an expression is evaluated: its file, an optional span that stands for every
    node (expressions parsed out of a heredoc), and names bound by ``templatefile``."""

    file: HclFile
    span: FileSpan | None = None
    scope: dict[str, Node] = field(default_factory=dict)

    def span_of(self, node: Tree) -> FileSpan:
        return self.span if self.span is not None else span_of(node, self.file.path)

    def text_of(self, node: Tree) -> str:
        return self.file.source_of(node) if self.span is None else "<template expression>"


@dataclass
class ModuleIndex:
    """The declarations of a module that references resolve against."""

    directory: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Attribute, HclFile]] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)     # "aws_iam_role.auth"
    data: dict[str, Block] = field(default_factory=dict)          # "aws_region.current"
    #: variable values assigned in the module's ``.tfvars`` files
    values: dict[str, tuple[Attribute, HclFile]] = field(default_factory=dict)


class Evaluator:
    """Evaluates expressions of one module; errors found on the way are collected."""

    def __init__(self, index: ModuleIndex,
                 policy_document: Callable[[Block], Node]) -> None:
        self.index = index
        self.policy_document = policy_document
        self.errors: list[PolicyEvalError] = []
        self._locals: dict[str, Node] = {}
        self._documents: dict[str, Node] = {}
        self._active: list[str] = []

    # ------------------------------------------------------------------ entry points

    def attribute(self, block: Block, name: str) -> Node | None:
        """The value of ``block``'s attribute ``name`` (``None`` when not set); the node's
        key span is the attribute name."""
        attr = block.attributes.get(name)
        if attr is None:
            return None
        node = self.evaluate(attr.expression, Context(block.file))
        node.key_span = attr.key_span
        return node

    def evaluate(self, tree: Tree, ctx: Context) -> Node:
        """The located value of one expression."""
        if not is_tree(tree):
            return Node(str(tree), ctx.span_of(tree))
        handler = getattr(self, "_eval_" + tree.data, None)
        if handler is None:
            return unknown(ctx.text_of(tree), ctx.span_of(tree))
        result: Node = handler(tree, ctx)
        return result

    def error(self, message: str, span: FileSpan | None, code: str) -> None:
        loc = Location(span.path, span.line, span.column) if span else Location()
        self.errors.append(InputError(message, loc, code))

    def _guard(self, key: str, span: FileSpan, compute: Callable[[], Node]) -> Node:
        """``compute()`` unless ``key`` is already being computed (a cycle)."""
        if key in self._active:
            cycle = " -> ".join([*self._active[self._active.index(key):], key])
            self.error(f"circular reference: {cycle}", span, "circular-reference")
            return unknown(key, span)
        self._active.append(key)
        try:
            return compute()
        finally:
            self._active.pop()

    # ------------------------------------------------------------------ structure

    @staticmethod
    def _children(tree: Tree) -> list[Tree]:
        return [c for c in tree.children if is_tree(c) and c.data != "new_line_or_comment"]

    def _eval_expr_term(self, tree: Tree, ctx: Context) -> Node:
        inner = self._children(tree)
        if len(inner) == 1:
            return self.evaluate(inner[0], ctx)
        return unknown(ctx.text_of(tree), ctx.span_of(tree))

    def _eval_int_lit(self, tree: Tree, ctx: Context) -> Node:
        return Node(int(str(tree.children[0])), ctx.span_of(tree))

    def _eval_float_lit(self, tree: Tree, ctx: Context) -> Node:
        return Node(float(str(tree.children[0])), ctx.span_of(tree))

    def _eval_literal_value(self, tree: Tree, ctx: Context) -> Node:
        text = str(tree.children[0])
        return Node({"true": True, "false": False}.get(text), ctx.span_of(tree))

    def _eval_tuple(self, tree: Tree, ctx: Context) -> Node:
        return Node([self.evaluate(c, ctx) for c in self._children(tree)], ctx.span_of(tree))

    def _eval_object(self, tree: Tree, ctx: Context) -> Node:
        members: dict[str, Node] = {}
        for elem in self._children(tree):
            key_tree, value_tree = self._children(elem)
            key = self._object_key(key_tree, ctx)
            value = self.evaluate(value_tree, ctx)
            value.key_span = ctx.span_of(key_tree)
            if key is None:
                return unknown(ctx.text_of(tree), ctx.span_of(tree))
            members[key] = value
        return Node(members, ctx.span_of(tree))

    def _object_key(self, key_tree: Tree, ctx: Context) -> str | None:
        inner = self._children(key_tree)[0]
        while is_tree(inner) and inner.data == "expr_term" and len(self._children(inner)) == 1 \
                and len(inner.children) == 1:
            inner = self._children(inner)[0]
        if is_tree(inner) and inner.data in ("identifier", "keyword", "literal_value"):
            return "".join(str(t) for t in inner.children)
        value = self.evaluate(inner, ctx).value
        return value if isinstance(value, str) else None

    # ------------------------------------------------------------------ strings

    def _eval_string(self, tree: Tree, ctx: Context) -> Node:
        span = ctx.span_of(tree)
        parts: list[Node] = []
        for part in tree.children:
            if not is_tree(part):
                continue          # the quotes
            inner = part.children[0]
            if not is_tree(inner):
                kind = getattr(inner, "type", "")
                text = str(inner)
                if kind == "ESCAPED_INTERPOLATION" or kind == "ESCAPED_DIRECTIVE":
                    parts.append(Node(text[1:], span))   # $${x} is a literal ${x}
                else:
                    parts.append(Node(unescape(text), span))
            elif inner.data == "interpolation":
                expression = self._children(inner)[0]
                parts.append(self._interpolated(self.evaluate(expression, ctx), expression,
                                                ctx))
            else:
                # %{if}/%{for} directives: the value depends on the template's logic
                return unknown(ctx.text_of(tree), span)
        if len(parts) == 1 and not isinstance(parts[0].value, str):
            return Node(parts[0].value, span)     # "${x}" is x itself
        return join(parts, span)

    def _interpolated(self, node: Node, tree: Tree, ctx: Context) -> Node:
        """A value placed inside a string: scalars and intrinsics, never a whole object."""
        value = node.value
        if isinstance(value, list) or (isinstance(value, dict) and not _is_intrinsic(value)):
            return unknown(ctx.text_of(tree), node.span)
        return node

    def _eval_heredoc_template(self, tree: Tree, ctx: Context) -> Node:
        return self._heredoc(tree, ctx, trim=False)

    def _eval_heredoc_template_trim(self, tree: Tree, ctx: Context) -> Node:
        return self._heredoc(tree, ctx, trim=True)

    def _heredoc(self, tree: Tree, ctx: Context, *, trim: bool) -> Node:
        token = str(tree.children[0])
        first_newline = token.index("\n")
        body = token[first_newline + 1:]
        body = body[:body.rstrip("\r\n").rfind("\n") + 1]   # drop the closing marker line
        if trim:
            lines = body.split("\n")
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(indents, default=0)
            body = "\n".join(line[cut:] for line in lines)
        span = ctx.span_of(tree)
        body_span = FileSpan(span.line + 1, 1, span.end_line, 1, span.path)
        return self.template(body, body_span, ctx)

    def template(self, body: str, body_span: FileSpan, ctx: Context, *,
                 literal: bool = False) -> Node:
        """The value of template text (a heredoc or a ``templatefile``; ``literal`` text
        for ``file``): JSON text is decoded with the positions of its elements, other text
        is a string."""
        try:
            pieces: list[str | tuple[int, str]] = [body] if literal else \
                _template_pieces(body)
        except ValueError:
            return unknown(body.strip()[:200], body_span)
        holes: list[Node] = []
        for piece in pieces:
            if isinstance(piece, tuple):
                holes.append(self._template_expression(piece[1], body, piece[0], body_span,
                                                       ctx))
        if body.lstrip().startswith(("{", "[")):
            decoded = self._template_json(pieces, holes, body_span)
            if decoded is not None:
                return decoded
        parts: list[Node] = []
        holes_iter = iter(holes)
        for piece in pieces:
            parts.append(next(holes_iter) if isinstance(piece, tuple) else
                         Node(piece, body_span))
        node = join(parts, body_span)
        node.notes["template"] = body
        return node

    def _template_expression(self, text: str, body: str, offset: int,
                             body_span: FileSpan, ctx: Context) -> Node:
        line = body_span.line + body.count("\n", 0, offset)
        column = offset - (body.rfind("\n", 0, offset) + 1) + 1
        span = FileSpan(line, column, line, column + len(text) + 3, body_span.path)
        from lark.exceptions import LarkError

        try:
            tree = parse_expression(text)
        except LarkError:
            self.error(f"invalid template expression ${{{text}}}", span, "hcl-syntax")
            return unknown("${" + text + "}", span)
        sub = Context(ctx.file, span, ctx.scope)
        node = self.evaluate(tree, sub)
        if _is_unknown_text(node):
            return unknown("${" + text + "}", span)
        return node

    def _template_json(self, pieces: list[str | tuple[int, str]], holes: list[Node],
                       body_span: FileSpan) -> Node | None:
        """Decode template text as JSON, each interpolation standing in as a hole."""
        from ...locate import locate_json

        text_parts: list[str] = []
        in_string = False
        hole = 0
        for piece in pieces:
            if isinstance(piece, tuple):
                marker = _HOLE.format(hole)
                text_parts.append(marker if in_string else f'"{marker}"')
                hole += 1
                continue
            text_parts.append(piece)
            in_string = _ends_inside_string(piece, in_string)
        text = "".join(text_parts)
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return None
        locator = locate_json(text, body_span.path)
        node = from_located(data, locator)
        _shift(node, body_span.line - 1, body_span.path)
        return _fill_holes(node, holes)

    # ------------------------------------------------------------------ references

    def _eval_identifier(self, tree: Tree, ctx: Context) -> Node:
        return self._reference(str(tree.children[0]), [], tree, ctx)

    def _eval_get_attr_expr_term(self, tree: Tree, ctx: Context) -> Node:
        return self._traversal(tree, ctx)

    def _eval_index_expr_term(self, tree: Tree, ctx: Context) -> Node:
        return self._traversal(tree, ctx)

    def _traversal(self, tree: Tree, ctx: Context) -> Node:
        steps: list[str | int | None] = []
        node = tree
        while is_tree(node) and node.data in ("get_attr_expr_term", "index_expr_term"):
            base, accessor = node.children[0], node.children[1]
            steps.append(self._step(accessor, ctx))
            node = base
            while is_tree(node) and node.data == "expr_term" and len(node.children) == 1:
                node = node.children[0]
        steps.reverse()
        if is_tree(node) and node.data == "identifier":
            return self._reference(str(node.children[0]), steps, tree, ctx)
        return self._index(self.evaluate(node, ctx), steps, tree, ctx)

    def _step(self, accessor: Tree, ctx: Context) -> str | int | None:
        if accessor.data == "get_attr":
            return "".join(str(t) for t in accessor.children[-1].children)
        if accessor.data == "short_index":
            return int(str(accessor.children[-1]))
        inner = self._children(accessor)
        value = self.evaluate(inner[0], ctx).value if inner else None
        if isinstance(value, str):
            return IndexKey(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _index(self, node: Node, steps: list[str | int | None], tree: Tree,
               ctx: Context) -> Node:
        """``node`` followed along ``steps`` (object keys, list indexes)."""
        for step in steps:
            value = node.value
            if isinstance(value, dict) and isinstance(step, str) and step in value \
                    and not _is_intrinsic(value):
                node = value[step]
                continue
            if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
                node = value[step]
            else:
                return unknown(ctx.text_of(tree), ctx.span_of(tree))
        return node

    def _reference(self, root: str, steps: list[str | int | None], tree: Tree,
                   ctx: Context) -> Node:
        span = ctx.span_of(tree)
        text = ctx.text_of(tree)
        if root in ctx.scope:
            return self._index(ctx.scope[root], steps, tree, ctx)
        if root == "var" and steps and isinstance(steps[0], str):
            return self._variable(steps[0], steps[1:], tree, ctx)
        if root == "local" and steps and isinstance(steps[0], str):
            value = self._local(steps[0], span)
            if value is None:
                return unknown(text, span)
            return self._index(value, steps[1:], tree, ctx)
        if root == "path" and steps and steps[0] in ("module", "root"):
            return Node(str(self.index.directory), span)
        if root == "data" and len(steps) >= 3 and isinstance(steps[0], str) \
                and isinstance(steps[1], str):
            return self._data(steps[0], steps[1], _attributes(steps[2:]), text, span)
        if steps and isinstance(steps[0], str):
            address = f"{root}.{steps[0]}"
            if address in self.index.resources:
                attrs = _attributes(steps[1:])
                found = resource_attribute(root, attrs[0] if attrs else None)
                if found is not None and len(attrs) == 1:
                    kind, name = found
                    if kind == "Ref":
                        return ref(address, span)
                    if kind == "GetAtt":
                        return get_att(address, name, span)
                    return self._joined_arn(name, address, span)
        return unknown(text, span)

    def _variable(self, name: str, steps: list[str | int | None], tree: Tree,
                  ctx: Context) -> Node:
        span = ctx.span_of(tree)
        block = self.index.variables.get(name)
        if block is None:
            self.error(f"reference to undeclared input variable {name!r}", span,
                       "undeclared-variable")
            return unknown(ctx.text_of(tree), span)
        if not steps:
            return ref(name, span)
        default = self.variable_value(name)
        if default is None:
            return unknown(ctx.text_of(tree), span)
        return self._index(default, steps, tree, ctx)

    def variable_value(self, name: str) -> Node | None:
        """The value a variable has when nothing else is given: its ``.tfvars`` value
        (``terraform.tfvars``, then ``*.auto.tfvars``, as Terraform loads them), else its
        ``default``."""
        assigned = self.index.values.get(name)
        if assigned is not None:
            attr, file = assigned
            node = self.evaluate(attr.expression, Context(file))
            node.key_span = attr.key_span
            return node
        block = self.index.variables.get(name)
        return self.attribute(block, "default") if block is not None else None

    def _local(self, name: str, span: FileSpan) -> Node | None:
        if name in self._locals:
            return self._locals[name]
        found = self.index.locals.get(name)
        if found is None:
            self.error(f"reference to undeclared local value {name!r}", span,
                       "undeclared-local")
            return None
        attr, file = found
        node = self._guard("local." + name, span,
                           lambda: self.evaluate(attr.expression, Context(file)))
        self._locals[name] = node
        return node

    def _data(self, kind: str, name: str, attrs: list[str], text: str,
              span: FileSpan) -> Node:
        block = self.index.data.get(f"{kind}.{name}")
        if kind == "aws_iam_policy_document" and block is not None \
                and attrs[:1] in (["json"], ["minified_json"]) and len(attrs) == 1:
            key = f"data.{kind}.{name}"
            if key not in self._documents:
                self._documents[key] = self._guard(key, span,
                                                   lambda: self.policy_document(block))
            return self._documents[key]
        pseudo = DATA_PSEUDO_PARAMETERS.get(kind, {}).get(attrs[0] if len(attrs) == 1 else "")
        if block is not None and pseudo is not None:
            return ref(pseudo, span)
        return unknown(text, span)

    @staticmethod
    def _joined_arn(pattern: str, address: str, span: FileSpan) -> Node:
        """An ARN built from a pattern such as ``arn:{partition}:cognito-identity:{region}:
        {account}:identitypool/{ref}``."""
        names = {"partition": "AWS::Partition", "region": "AWS::Region",
                 "account": "AWS::AccountId", "ref": address}
        parts = [ref(names[piece[1:-1]], span) if piece.startswith("{") else Node(piece, span)
                 for piece in re.split(r"(\{[a-z]+\})", pattern) if piece]
        return join(parts, span)

    # ------------------------------------------------------------------ functions

    def _eval_function_call(self, tree: Tree, ctx: Context) -> Node:
        name = str(self._children(tree)[0].children[0])
        arguments = [c for c in self._children(tree) if c.data == "arguments"]
        args = self._children(arguments[0]) if arguments else []
        span = ctx.span_of(tree)
        handler = getattr(self, "_fn_" + name, None)
        if handler is None and name not in _IDENTITY_FUNCTIONS:
            return unknown(ctx.text_of(tree), span)
        values = [self.evaluate(a, ctx) for a in args]
        if handler is None:
            return values[0] if len(values) == 1 else unknown(ctx.text_of(tree), span)
        result: Node | None = handler(values, span, ctx)
        return result if result is not None else unknown(ctx.text_of(tree), span)

    def _fn_jsonencode(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if len(args) != 1:
            return None
        node = Node(args[0].value, args[0].span)
        node.notes["json"] = True
        return node

    def _fn_jsondecode(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if len(args) != 1 or not isinstance(args[0].value, str):
            return None
        try:
            return from_plain(json.loads(args[0].value), args[0].span)
        except json.JSONDecodeError as exc:
            self.error(f"jsondecode: invalid JSON: {exc.msg}", span, "json-syntax")
            return None

    def _module_file(self, node: Node, span: FileSpan) -> Path | None:
        if not isinstance(node.value, str):
            return None
        path = Path(node.value)
        if not path.is_absolute():
            path = self.index.directory / path
        if not path.is_file():
            self.error(f"file {node.value!r} not found", span, "file-not-found")
            return None
        return path

    def _fn_file(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        path = self._module_file(args[0], span) if len(args) == 1 else None
        if path is None:
            return None
        return self._read_template(path, span, ctx, {})

    def _fn_templatefile(self, args: list[Node], span: FileSpan,
                         ctx: Context) -> Node | None:
        path = self._module_file(args[0], span) if len(args) == 2 else None
        if path is None or not isinstance(args[1].value, dict) or _is_intrinsic(args[1].value):
            return None
        return self._read_template(path, span, ctx, dict(args[1].value), template=True)

    def _read_template(self, path: Path, span: FileSpan, ctx: Context,
                       scope: dict[str, Node], *, template: bool = False) -> Node | None:
        from ...source import read_text

        try:
            text = read_text(path)
        except PolicyEvalError as exc:
            self.error(exc.message, span, exc.code)
            return None
        shown = display_name(path)
        body_span = FileSpan(1, 1, text.count("\n") + 1, 1, shown)
        return self.template(text, body_span, Context(HclFile(shown, text), None, scope),
                             literal=not template)

    def _fn_format(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if not args or not isinstance(args[0].value, str):
            return None
        pieces = re.split(r"(%%|%[-+# 0]*\d*(?:\.\d+)?[sdvqtf])", args[0].value)
        parts: list[Node] = []
        rest = iter(args[1:])
        for piece in pieces:
            if piece == "%%":
                parts.append(Node("%", span))
            elif piece.startswith("%") and len(piece) > 1:
                arg = next(rest, None)
                if arg is None or piece[-1] not in "sdv":
                    return None
                parts.append(arg)
            else:
                parts.append(Node(piece, span))
        return join(parts, span)

    def _fn_join(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if len(args) != 2 or not isinstance(args[0].value, str) \
                or not isinstance(args[1].value, list):
            return None
        parts: list[Node] = []
        for i, item in enumerate(args[1].value):
            if i:
                parts.append(Node(args[0].value, span))
            parts.append(item)
        return join(parts, span)

    def _fn_concat(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if not all(isinstance(a.value, list) for a in args):
            return None
        return Node([item for a in args for item in a.value], span)

    def _fn_flatten(self, args: list[Node], span: FileSpan, ctx: Context) -> Node | None:
        if len(args) != 1 or not isinstance(args[0].value, list):
            return None
        out: list[Node] = []
        stack = list(reversed(args[0].value))
        while stack:
            item = stack.pop()
            if isinstance(item.value, list):
                stack.extend(reversed(item.value))
            else:
                out.append(item)
        return Node(out, span)


class IndexKey(str):
    """A string written as an index (``x["key"]``), not as an attribute (``x.key``): a
    ``for_each`` instance key of a resource."""


def _attributes(steps: list[str | int | None]) -> list[str]:
    """The attribute names of a resource traversal, instance keys (``[0]``, ``["a"]``)
    left out."""
    return [s for s in steps if isinstance(s, str) and not isinstance(s, IndexKey)] if all(
        s is not None for s in steps) else ["<unknown>"]


def _is_intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)) in (
        "Ref", "Fn::GetAtt", "Fn::Join", "PolicyEval::Unknown")


def _is_unknown_text(node: Node) -> bool:
    return node.is_unknown and node.value["PolicyEval::Unknown"].value == "<template expression>"


def _template_pieces(body: str) -> list[str | tuple[int, str]]:
    """Template text split into literal text and ``(offset, expression)`` interpolations;
    ``$${`` and ``%%{`` are literal. A ``%{`` directive raises ``ValueError``."""
    pieces: list[str | tuple[int, str]] = []
    literal: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        if body.startswith(("$${", "%%{"), i):
            literal.append(body[i + 1:i + 3])
            i += 3
        elif body.startswith("%{", i):
            raise ValueError("template directive")
        elif body.startswith("${", i):
            end = _closing_brace(body, i + 2)
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append((i, body[i + 2:end]))
            i = end + 1
        else:
            literal.append(body[i])
            i += 1
    if literal:
        pieces.append("".join(literal))
    return pieces


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    quote = False
    i = start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise ValueError("unclosed interpolation")


def _ends_inside_string(text: str, in_string: bool) -> bool:
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
    return in_string


def _shift(node: Node, lines: int, path: str | None) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if item.span is not None:
            item.span = shifted(item.span, lines, path)
        if item.key_span is not None:
            item.key_span = shifted(item.key_span, lines, path)
        if isinstance(item.value, dict):
            stack.extend(item.value.values())
        elif isinstance(item.value, list):
            stack.extend(item.value)


def _fill_holes(node: Node, holes: list[Node]) -> Node:
    """Put the interpolated values back where their placeholders are."""
    value = node.value
    if isinstance(value, str) and "\ue000" in value:
        pieces = _HOLE_PATTERN.split(value)
        parts = [holes[int(p)] if i % 2 else Node(p, node.span) for i, p in enumerate(pieces)]
        if len(parts) == 3 and parts[0].value == "" and parts[2].value == "":
            filled = holes[int(pieces[1])]
            return Node(filled.value, filled.span or node.span, node.key_span)
        joined = join(parts, node.span)
        joined.key_span = node.key_span
        return joined
    if isinstance(value, dict):
        node.value = {k: _fill_holes(v, holes) for k, v in value.items()}
    elif isinstance(value, list):
        node.value = [_fill_holes(v, holes) for v in value]
    return node
