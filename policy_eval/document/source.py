"""Read policy-bearing files (JSON or YAML) into plain data that remembers its positions.

:func:`load_file` / :func:`load_text` return a :class:`SourceDocument`: the decoded data
(dicts, lists, str, int, float, bool, None), the text, and a lazily built
:class:`~policy_eval.document.locate.Locator`. Every way a file can be unusable (too big,
binary, not UTF-8, bad syntax, duplicate keys, nested too deeply) raises an
:class:`~policy_eval.errors.InputError` with file, line, column and JSON pointer.

YAML is read with ruamel.yaml's round-trip loader, which never builds arbitrary objects:
CloudFormation short tags (``!Ref x``, ``!GetAtt a.b``) become data (``{"Ref": "x"}``,
``{"Fn::GetAtt": "a.b"}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, PolicyEvalError, join_pointer
from .locate import Locator, Span, duplicate_key_pointers, locate_json

#: Largest file read (bytes). IAM documents are at most a few KB (managed policies 6,144
#: characters, trust policies 4,096 by default); pool exports with inline roles stay far
#: below this. A larger file is refused rather than parsed slowly.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting accepted. A policy needs 5 levels (document, Statement, statement,
#: Condition, operator), a pool export with inline roles about 10.
MAX_DEPTH = 64

YAML_SUFFIXES = (".yaml", ".yml")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


@dataclass
class SourceDocument:
    """A decoded document with its text and (lazily) the position of every element."""

    path: str | None
    text: str
    data: Any
    format: str = "json"
    _locator: Locator | None = field(default=None, repr=False)
    #: Problems met while reading that did not stop it (a translated format's reader:
    #: an unresolvable reference, invalid JSON in one policy); each is reported.
    errors: list[PolicyEvalError] = field(default_factory=list, repr=False)

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = locate_json(self.text, self.path)
        return self._locator

    def location(self, pointer: str = "", *, key: bool = False) -> Location:
        """Where the element at ``pointer`` is (its key when ``key``)."""
        return self.locator.location(pointer, key=key)


def _line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def decode_bytes(raw: bytes, path: str | None) -> str:
    """UTF-8 text of ``raw`` (a BOM is allowed); binary or other encodings are refused."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        raise InputError("binary file (contains a NUL byte), not a JSON or YAML document",
                         Location(path, line, column), "binary-file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                         Location(path, line, column), "invalid-utf8") from None


def read_text(path: str | Path) -> str:
    """The text of ``path``, refusing missing, oversized, binary and non-UTF-8 files."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", Location(name), "file-not-found") from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(name),
                         "unreadable") from None
    if p.is_dir():
        raise InputError("is a directory, expected a file", Location(name), "unreadable")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size:,} bytes; policy-eval reads documents up to {MAX_FILE_BYTES:,} bytes",
            Location(name, 1, 1), "file-too-large")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(name),
                         "unreadable") from None
    return decode_bytes(raw, name)


def _check_depth(doc: SourceDocument) -> None:
    stack: list[tuple[Any, str, int]] = [(doc.data, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"document nests deeper than {MAX_DEPTH} levels",
                             doc.location(pointer), "too-deep")
        if isinstance(value, dict):
            stack.extend((v, join_pointer(pointer, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, join_pointer(pointer, i), depth + 1) for i, v in enumerate(value))


def _too_deep_offset(text: str) -> int:
    depth = 0
    in_string = escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return 0


def parse_json(text: str, path: str | None = None) -> SourceDocument:
    """Decode JSON ``text``; syntax errors and duplicate keys raise :class:`InputError`."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", Location(path, exc.lineno, exc.colno),
                         "json-syntax") from None
    except _DuplicateKeyError as exc:
        dups = duplicate_key_pointers(text)
        if dups:
            pointer, span = dups[0]
            loc = Location(path, span.line, span.column, pointer, span.end_line, span.end_column)
        else:
            loc = Location(path, 1, 1)
        raise InputError(
            f"duplicate key {exc.key!r}: the IAM grammar forbids repeating a key in one "
            "object (the value used would be ambiguous)", loc, "duplicate-key") from None
    except RecursionError:
        line, column = _line_col_of_offset(text, _too_deep_offset(text))
        raise InputError(f"document nests deeper than {MAX_DEPTH} levels",
                         Location(path, line, column), "too-deep") from None
    doc = SourceDocument(path, text, data, "json")
    _check_depth(doc)
    return doc


def parse_yaml(text: str, path: str | None = None) -> SourceDocument:
    """Decode YAML ``text`` with ruamel.yaml's safe round-trip loader, keeping positions."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        loaded = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "syntax error").strip()
        code = "duplicate-key" if "duplicate key" in problem else "yaml-syntax"
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        raise InputError(f"invalid YAML: {problem}", loc, code) from None
    except (YAMLError, RecursionError) as exc:
        raise InputError(f"invalid YAML: {exc}", Location(path, 1, 1), "yaml-syntax") from None
    locator = Locator(path)
    data = _plain_yaml(loaded, "", locator)
    doc = SourceDocument(path, text, data, "yaml", locator)
    _check_depth(doc)
    return doc


def _tag_key(tag: str) -> str:
    name = tag.lstrip("!")
    return name if name in ("Ref", "Condition") else f"Fn::{name}"


def _plain_yaml(node: Any, pointer: str, locator: Locator) -> Any:
    """Turn ruamel round-trip nodes into plain data, recording positions on the way.

    A tagged collection (``!If [...]``, ``!Sub [...]``) becomes ``{"Fn::If": [...]}``, so its
    items sit one level deeper (``.../Fn::If/0``) and are recorded there.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    tag = getattr(getattr(node, "tag", None), "value", None)
    tag_key = _tag_key(tag) if tag and tag.startswith("!") and not tag.startswith("!!") \
        else None
    if tag_key is not None and isinstance(node, (CommentedMap, CommentedSeq)):
        inner = join_pointer(pointer, tag_key)
        if pointer in locator.values:
            locator.values[inner] = locator.values[pointer]
        return {tag_key: _plain_collection(node, inner, locator)}
    if isinstance(node, (CommentedMap, CommentedSeq)):
        return _plain_collection(node, pointer, locator)
    if isinstance(node, TaggedScalar):
        return {_tag_key(str(node.tag.value)): str(node.value)}
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if hasattr(node, "isoformat"):
        return node.isoformat()
    return str(node)


def _plain_collection(node: Any, pointer: str, locator: Locator) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = join_pointer(pointer, str(key))
            try:
                kl, kc = node.lc.key(key)
                locator.keys[child] = Span(kl + 1, kc + 1, kl + 1, kc + 1 + len(str(key)))
                vl, vc = node.lc.value(key)
                locator.values[child] = Span(vl + 1, vc + 1, vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            out[str(key)] = _plain_yaml(value, child, locator)
        return out
    items = []
    for index, value in enumerate(node):
        child = join_pointer(pointer, index)
        try:
            il, ic = node.lc.item(index)
            locator.values[child] = Span(il + 1, ic + 1, il + 1, ic + 1)
        except (KeyError, TypeError, AttributeError):
            pass
        items.append(_plain_yaml(value, child, locator))
    return items


def load_text(text: str, path: str | None = None, fmt: str | None = None) -> SourceDocument:
    """Decode ``text`` as JSON or YAML (by ``fmt``, else by the file suffix, else JSON)."""
    if fmt is None:
        fmt = "yaml" if path and path.lower().endswith(YAML_SUFFIXES) else "json"
    return parse_yaml(text, path) if fmt == "yaml" else parse_json(text, path)


def load_file(path: str | Path) -> SourceDocument:
    """Read and decode a JSON or YAML file."""
    return load_text(read_text(path), str(path))
