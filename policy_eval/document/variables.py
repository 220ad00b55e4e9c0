"""Policy-variable templates: ``${key}``, ``${key, 'default'}``, ``${*}``, ``${?}``, ``${$}``.

A template is parsed (by ``grammars/variables.lark``) into a tuple of parts: :class:`Text`
runs, which keep ``*`` and ``?`` as wildcards, and :class:`Variable` references. The special
forms ``${*}``, ``${?}``, ``${$}`` become :class:`Literal` parts: a character that must match
itself and is never a wildcard (spec semantics.md §3.1).

Variables are substituted only under ``Version: 2012-10-17``; under 2008-10-17 or without a
Version the text is literal (spec §1.2), which is the caller's decision, not this module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .grammars import lark_module, load_grammar

if TYPE_CHECKING:
    from lark.exceptions import UnexpectedInput


@dataclass(frozen=True, slots=True)
class Text:
    """Policy text; ``*`` and ``?`` in it are wildcards where the element allows them."""

    value: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A character from ``${*}``, ``${?}`` or ``${$}``: matches itself only."""

    value: str


@dataclass(frozen=True, slots=True)
class Variable:
    """A reference to a request-context key, with an optional default value."""

    key: str            # as written
    default: str | None

    @property
    def folded(self) -> str:
        """The key folded for lookup (context keys are case-insensitive, spec §1.3)."""
        return self.key.lower()


Part = Text | Literal | Variable

_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class VariableSyntaxError(ValueError):
    """A ``${`` that does not open a well-formed variable; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def has_variables(value: str) -> bool:
    """True when ``value`` contains ``${`` (cheap pre-check before parsing)."""
    return "${" in value


# The tokens of grammars/variables.lark as one regular expression: the fast path for
# well-formed templates, so that importing lark and compiling the grammar (~0.2 s, a
# third of a pre-commit run) is paid only when a template has a syntax error and needs
# the grammar's diagnosis. tests/document/test_variables.py holds the two together on
# arbitrary strings (DESIGN.md: keep the fast path for documents that are fine).
_TOKEN = re.compile(
    r"(?P<text>(?:[^$]|\$(?!\{))+)"
    r"|\$\{[ \t]*(?P<key>[^\s},'${]+|\$)[ \t]*(?:,[ \t]*'(?P<default>[^']*)'[ \t]*)?\}")


def _scan(value: str) -> tuple[Part, ...] | None:
    """Parts of a well-formed template, or ``None`` when the grammar must diagnose it."""
    parts: list[Part] = []
    pos, end = 0, len(value)
    while pos < end:
        m = _TOKEN.match(value, pos)
        if m is None:
            return None
        text, key, default = m.group("text", "key", "default")
        if text is not None:
            _append_text(parts, text)
        elif key in _SPECIAL and default is None:
            parts.append(Literal(_SPECIAL[key]))
        else:
            parts.append(Variable(key, default))
        pos = m.end()
    return tuple(parts)


@lru_cache(maxsize=65536)
def parse_template(value: str) -> tuple[Part, ...]:
    """Parse ``value`` into parts. Raises :class:`VariableSyntaxError` on a malformed
    variable (unclosed brace, empty name, bad default)."""
    if "${" not in value:
        return (Text(value),) if value else ()
    scanned = _scan(value)
    if scanned is not None:
        return scanned
    return parse_template_with_grammar(value)


def template_parts(value: str, enabled: bool = True) -> tuple[Part, ...]:
    """Parts of a text that may hold ``${...}`` placeholders, never raising: all text when
    ``enabled`` is false (Version 2008-10-17, spec §1.2) or the template is malformed
    (the linter reports that separately). The one reading of ``${...}`` for policy
    values, the service reference's ARN formats (``${Partition}``) and user templates."""
    if not enabled or "${" not in value:
        return (Text(value),) if value else ()
    try:
        return parse_template(value)
    except VariableSyntaxError:
        return (Text(value),)


def parse_template_with_grammar(value: str) -> tuple[Part, ...]:
    """:func:`parse_template` through the lark grammar (exact syntax errors)."""
    if not value:
        return ()
    parser = load_grammar("variables.lark")
    try:
        tree = parser.parse(value)
    except lark_module().exceptions.UnexpectedInput as exc:
        raise _syntax_error(value, exc) from None
    parts: list[Part] = []
    node: Any
    for node in tree.children:
        if node.data == "text":
            token = node.children[0]
            _append_text(parts, str(token))
            continue
        tokens = [t for t in node.children if isinstance(t, str)]   # lark tokens are str
        key = str(tokens[0])
        default = str(tokens[1])[1:-1] if len(tokens) > 1 else None
        if key in _SPECIAL and default is None:
            parts.append(Literal(_SPECIAL[key]))
        else:
            parts.append(Variable(key, default))
    return tuple(parts)


def _append_text(parts: list[Part], text: str) -> None:
    if parts and isinstance(parts[-1], Text):
        parts[-1] = Text(parts[-1].value + text)
    else:
        parts.append(Text(text))


def _syntax_error(value: str, exc: UnexpectedInput) -> VariableSyntaxError:
    errors = lark_module().exceptions
    UnexpectedCharacters, UnexpectedEOF, UnexpectedToken = (
        errors.UnexpectedCharacters, errors.UnexpectedEOF, errors.UnexpectedToken)

    column = getattr(exc, "column", None) or len(value) + 1
    start = value.rfind("${", 0, max(column - 1, 0) + 1)
    if isinstance(exc, UnexpectedEOF) or (
            isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return VariableSyntaxError("policy variable is missing its closing '}'",
                                   (start + 1) if start >= 0 else column)
    if isinstance(exc, UnexpectedCharacters):
        char = value[exc.pos_in_stream] if exc.pos_in_stream < len(value) else ""
        if char == "}" and value[max(exc.pos_in_stream - 2, 0):exc.pos_in_stream] == "${":
            return VariableSyntaxError("empty policy variable '${}'", exc.pos_in_stream - 1)
        if char == "'" or (char == "," and "'" not in value[exc.pos_in_stream:]):
            return VariableSyntaxError(
                "malformed default value: write ${key, 'default'}", column)
        if char.isspace():
            return VariableSyntaxError("a policy variable name cannot contain spaces", column)
        if char == "{" or char == "$":
            return VariableSyntaxError("nested '${' inside a policy variable", column)
        return VariableSyntaxError(f"unexpected {char!r} in policy variable", column)
    if isinstance(exc, UnexpectedToken):
        token = str(exc.token)
        if token == "}" and value[max(exc.pos_in_stream - 2, 0):exc.pos_in_stream] == "${":
            return VariableSyntaxError("empty policy variable '${}'", column - 2)
        if token.strip() and not token.startswith("'") and "," in value[start:column]:
            return VariableSyntaxError(
                "malformed default value: write ${key, 'default'}", column)
        if not token.strip() or token[0].isspace():
            return VariableSyntaxError("a policy variable name cannot contain spaces", column)
    return VariableSyntaxError(
        "malformed policy variable: write ${key} or ${key, 'default'}", column)


def variables_in(parts: tuple[Part, ...]) -> tuple[Variable, ...]:
    """The variable references among ``parts``."""
    return tuple(p for p in parts if isinstance(p, Variable))


def render(parts: tuple[Part, ...]) -> str:
    """Write parts back as policy text (round-trips :func:`parse_template`)."""
    out = []
    for part in parts:
        if isinstance(part, Text):
            out.append(part.value)
        elif isinstance(part, Literal):
            out.append("${" + part.value + "}")
        elif part.default is None:
            out.append("${" + part.key + "}")
        else:
            out.append("${" + part.key + ", '" + part.default + "'}")
    return "".join(out)
