"""Read policy-bearing files (JSON or YAML) into plain data that remembers its positions.

:func:`load_file` / :func:`load_text` return a :class:`SourceDocument`: the decoded data
(dicts, lists, str, int, float, bool, None), the text, and a lazily built
:class:`~policy_eval.document.locate.Locator`. Every way a file can be unusable (not a
regular file, too big, binary, not UTF-8, bad syntax, duplicate keys, nested too deeply,
``NaN``/``Infinity``, a number too long to convert, YAML aliases that contain themselves or
expand too far) raises an :class:`~policy_eval.errors.InputError` with file, line, column
and JSON pointer. :func:`read_bytes` is the one function that reads input files (policies,
scenarios, pools, logins, configuration): only regular files, with a size cap enforced
while reading.

YAML is read with ruamel.yaml's round-trip loader, which never builds arbitrary objects:
CloudFormation short tags (``!Ref x``, ``!GetAtt a.b``) become data (``{"Ref": "x"}``,
``{"Fn::GetAtt": "a.b"}``).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCode, InputError, Location, PolicyEvalError, join_pointer
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
                         Location(path, line, column), ErrorCode.binary_file)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                         Location(path, line, column), ErrorCode.invalid_utf8) from None


def _path_error(name: str, message: str, code: str) -> InputError:
    return InputError(message, Location(name), code)


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    The one reader of input files (policies, scenarios, pools, logins, configuration).
    The file is opened without blocking and checked on the open descriptor, so a device
    (``/dev/zero``, also through a symlink), a FIFO or a socket is refused instead of
    read forever or waited on; the size is enforced while reading (``st_size`` is not
    trusted: it is 0 for devices and may change under us).
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _path_error(name, "file not found", ErrorCode.file_not_found) from None
    except IsADirectoryError:
        raise _path_error(name, "is a directory, expected a file", ErrorCode.unreadable) from None
    except (ValueError, UnicodeError):
        # a NUL character, or a lone surrogate that no file system name can hold
        raise _path_error(name, "not a usable file name (it holds a NUL character or an "
                          "unpaired surrogate)", ErrorCode.invalid_path) from None
    except OSError as exc:
        raise _path_error(name, f"cannot read file: {exc.strerror}", ErrorCode.unreadable) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _path_error(name, "is a directory, expected a file", ErrorCode.unreadable)
        if not stat.S_ISREG(mode):
            raise _path_error(name, "not a regular file (a device, FIFO or socket); "
                              "policy-eval reads regular files only", ErrorCode.not_a_regular_file)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _path_error(name, f"cannot read file: {exc.strerror}", ErrorCode.unreadable) from None
    finally:
        os.close(fd)
    if total > limit:
        raise InputError(f"file is larger than {limit:,} bytes, the most policy-eval reads",
                         Location(name, 1, 1), ErrorCode.file_too_large)
    return b"".join(chunks)


def read_text(path: str | Path) -> str:
    """The text of ``path``, refusing missing, special, oversized, binary and non-UTF-8
    files (see :func:`read_bytes`)."""
    return decode_bytes(read_bytes(path), str(path))


def _check_depth(doc: SourceDocument) -> None:
    stack: list[tuple[Any, str, int]] = [(doc.data, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"document nests deeper than {MAX_DEPTH} levels",
                             doc.location(pointer), ErrorCode.too_deep)
        if isinstance(value, dict):
            stack.extend((v, join_pointer(pointer, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, join_pointer(pointer, i), depth + 1) for i, v in enumerate(value))


def _outside_strings(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, character)`` of every character of JSON ``text`` outside string literals
    (quotes excluded): one linear pass, shared by the located errors below."""
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
        else:
            yield offset, char


def _first_outside_strings(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first match of ``pattern`` that starts outside string literals (linear: the
    matches and the scan both move forward only)."""
    outside = _outside_strings(text)
    current = -1
    for match in pattern.finditer(text):
        while current < match.start():
            current = next(outside, (len(text), ""))[0]
        if current == match.start():
            return match
    return None


def _too_deep_offset(text: str) -> int:
    depth = 0
    for offset, char in _outside_strings(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return 0


class _NonFiniteError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in JSON text."""


def _reject_constant(literal: str) -> Any:
    raise _NonFiniteError(literal)


_NON_FINITE = re.compile(r"-?Infinity|NaN")


def _long_number_error(text: str, path: str | None) -> InputError:
    """The located error for an integer longer than Python converts (a ValueError of
    ``int``: ``sys.get_int_max_str_digits``); no IAM value comes near that length."""
    limit = sys.get_int_max_str_digits()
    digits = re.compile(rf"\d{{{limit + 1},}}")
    match = _first_outside_strings(text, digits)
    offset = match.start() if match else 0
    length = len(match.group()) if match else limit + 1
    line, column = _line_col_of_offset(text, offset)
    return InputError(f"a number with {length:,} digits: policy-eval reads numbers of up to "
                      f"{limit:,} digits (write a long value as a string)",
                      Location(path, line, column), ErrorCode.number_too_long)


def parse_json(text: str, path: str | None = None) -> SourceDocument:
    """Decode JSON ``text``; syntax errors, duplicate keys, ``NaN``/``Infinity`` (which
    AWS's JSON parser refuses, as RFC 8259 does) and numbers too long to convert raise
    :class:`InputError`."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", Location(path, exc.lineno, exc.colno),
                         ErrorCode.json_syntax) from None
    except _DuplicateKeyError as exc:
        dups = duplicate_key_pointers(text)
        if dups:
            pointer, span = dups[0]
            loc = Location(path, span.line, span.column, pointer, span.end_line, span.end_column)
        else:
            loc = Location(path, 1, 1)
        raise InputError(
            f"duplicate key {exc.key!r}: the IAM grammar forbids repeating a key in one "
            "object (the value used would be ambiguous)", loc, ErrorCode.duplicate_key) from None
    except _NonFiniteError as exc:
        found = _first_outside_strings(text, _NON_FINITE)
        line, column = _line_col_of_offset(text, found.start() if found else 0)
        raise InputError(f"invalid JSON: {exc} is not a JSON value (JSON has no NaN or "
                         "Infinity, and AWS refuses them)", Location(path, line, column),
                         ErrorCode.json_syntax) from None
    except ValueError:
        raise _long_number_error(text, path) from None
    except RecursionError:
        line, column = _line_col_of_offset(text, _too_deep_offset(text))
        raise InputError(f"document nests deeper than {MAX_DEPTH} levels",
                         Location(path, line, column), ErrorCode.too_deep) from None
    doc = SourceDocument(path, text, data, "json")
    _check_depth(doc)
    return doc


#: Most nodes that YAML aliases may add to a document once expanded. Aliases are rare in
#: policy files; a "billion laughs" document (aliases of aliases) would expand to billions
#: of nodes from a few hundred bytes.
MAX_ALIAS_NODES = 100_000


def _bounded_composer() -> Any:
    """A ruamel.yaml composer that refuses recursive aliases (an anchor used inside the
    node it names) and counts, while composing, the nodes the aliases add when expanded."""
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent

    class AliasLimitError(ComposerError):
        def __init__(self, problem: str, mark: Any, code: str) -> None:
            super().__init__(None, None, problem, mark)
            self.code = code

    class BoundedComposer(Composer):
        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.expanded = 0          # nodes of the document with every alias expanded
            self.added = 0             # of which added by aliases
            self.aliases = 0
            self.sizes: dict[str, int] = {}
            self.open: set[str] = set()

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent):
                anchor = event.anchor
                if anchor in self.open:
                    raise AliasLimitError(
                        f"alias *{anchor} is used inside the node &{anchor} it names: the "
                        "document would contain itself", event.start_mark,
                        ErrorCode.yaml_recursive_alias)
                node = super().compose_node(parent, index)
                size = self.sizes.get(anchor, 1)
                self.aliases += 1
                self.expanded += size
                self.added += size
                if self.added > MAX_ALIAS_NODES:
                    raise AliasLimitError(
                        f"{self.aliases:,} aliases expand to more than {MAX_ALIAS_NODES:,} "
                        "nodes (a YAML alias bomb?); write the repeated parts out",
                        event.start_mark, ErrorCode.yaml_alias_expansion)
                return node
            anchor = event.anchor
            before = self.expanded
            self.expanded += 1
            if anchor is not None:
                self.open.add(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                if anchor is not None:
                    self.open.discard(anchor)
                    self.sizes[anchor] = self.expanded - before

    return BoundedComposer


def parse_yaml(text: str, path: str | None = None) -> SourceDocument:
    """Decode YAML ``text`` with ruamel.yaml's safe round-trip loader, keeping positions.

    Aliases are bounded while composing (recursive ones refused, their expansion capped
    at :data:`MAX_ALIAS_NODES`), nesting at :data:`MAX_DEPTH`; ``.nan``/``.inf`` and
    integers too long to convert are refused with their place."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.Composer = _bounded_composer()
    yaml.max_depth = MAX_DEPTH + 1
    try:
        loaded = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "syntax error").strip()
        code = getattr(exc, "code", None) or (
            ErrorCode.duplicate_key if "duplicate key" in problem else
            ErrorCode.too_deep if "maximum depth" in problem else ErrorCode.yaml_syntax)
        if code == ErrorCode.too_deep:
            problem = f"document nests deeper than {MAX_DEPTH} levels"
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        prefix = ("" if code in (ErrorCode.too_deep, ErrorCode.yaml_alias_expansion)
                  else "invalid YAML: ")
        raise InputError(f"{prefix}{problem}", loc, code) from None
    except (YAMLError, RecursionError) as exc:
        raise InputError(f"invalid YAML: {exc}", Location(path, 1, 1),
                         ErrorCode.yaml_syntax) from None
    except ValueError:
        raise _long_number_error(text, path) from None
    locator = Locator(path)
    try:
        data = _plain_yaml(loaded, "", locator)
    except RecursionError:
        raise InputError(f"document nests deeper than {MAX_DEPTH} levels", Location(path, 1, 1),
                         ErrorCode.too_deep) from None
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
        if not math.isfinite(node):
            raise InputError(f"{node} is not a number AWS accepts (JSON has no NaN or Infinity)",
                             locator.location(pointer), ErrorCode.non_finite_number)
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
