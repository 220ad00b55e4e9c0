"""``check --fix`` and ``--diff``: mechanical fixes with one right answer, made in the text.

Fixed: a missing ``Version`` (``"Version": "2012-10-17"`` inserted as the first element),
an ``Effect`` that is ``Allow``/``Deny`` but for case or spaces, and the findings whose rule
gives a ``Finding.replacement`` (a misspelt action, service prefix or global condition key
with a single close match, a condition operator not spelled as AWS documents it).

Each fix edits the file's text at the element's located span, so the rest of the file
(indentation, key order, comments in YAML) is untouched; the document is never
re-serialised. An edit is made only when the text at the span is the value the finding is
about (a span that does not check out is skipped). Fixing may reveal more (a valid
``Effect`` lets the action rules run), so files are re-linted and fixed again, up to
:data:`MAX_PASSES` times. Files are written only by ``--fix``; ``--diff`` prints a unified
diff of what ``--fix`` would write.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document.source import decode_bytes, load_text, read_bytes
from ..errors import ErrorCode, InputError, Location, PolicyEvalError
from .rule import Finding

if TYPE_CHECKING:
    from .runner import Linter

MAX_PASSES = 4
VERSION = "2012-10-17"
_PLAIN_END = re.compile(r"\s+#|\s*$")


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str
    code: str


def _offsets(text: str) -> list[int]:
    """Offset of the first character of each line (index 0 is line 1)."""
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def _offset(lines: list[int], line: int, column: int) -> int:
    return lines[line - 1] + column - 1


def _resolve(data: Any, pointer: str) -> tuple[Any, Any]:
    """(parent, value) at ``pointer`` (``(None, None)`` when absent)."""
    parent, node = None, data
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        parent = node
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None, None
    return parent, node


def _scalar_end(text: str, start: int, flow: bool) -> int:
    """End offset of the YAML scalar starting at ``start`` (quoted or plain)."""
    quote = text[start:start + 1]
    if quote in ("'", '"'):
        at = start + 1
        while at < len(text):
            if text[at] == "\\" and quote == '"':
                at += 2
                continue
            if text[at] == quote:
                if quote == "'" and text[at + 1:at + 2] == "'":
                    at += 2
                    continue
                return at + 1
            at += 1
        return len(text)
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    segment = text[start:line_end]
    stop = _PLAIN_END.search(segment)
    end = start + (stop.start() if stop else len(segment))
    if flow:
        for mark in (",", "]", "}"):
            at = text.find(mark, start, end)
            if at >= 0:
                end = at
    return end


def _render(old_text: str, new: str, fmt: str) -> str:
    """``new`` in the quoting style of ``old_text``."""
    if fmt == "json" or old_text.startswith('"'):
        return json.dumps(new, ensure_ascii=False)
    if old_text.startswith("'"):
        return "'" + new.replace("'", "''") + "'"
    return new


def _decoded(old_text: str, fmt: str) -> str | None:
    if fmt == "json" or old_text.startswith('"'):
        try:
            value = json.loads(old_text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    if old_text.startswith("'"):
        return old_text[1:-1].replace("''", "'")
    return old_text


def _replace_edit(text: str, lines: list[int], fmt: str, finding: Finding, old: str,
                  new: str, key: bool) -> Edit | None:
    loc = finding.location
    if loc.line is None or loc.column is None or loc.line > len(lines):
        return None
    start = _offset(lines, loc.line, loc.column)
    if fmt == "json" or (key and text[start:start + 1] not in ("'", '"')
                         and loc.end_line == loc.line and loc.end_column):
        if loc.end_line is None or loc.end_column is None:
            return None
        end = _offset(lines, loc.end_line, loc.end_column)
    else:
        before = text[lines[loc.line - 1]:start]
        end = _scalar_end(text, start, flow="[" in before or "{" in before)
    old_text = text[start:end]
    if _decoded(old_text, fmt) != old:
        return None
    return Edit(start, end, _render(old_text, new, fmt), finding.code)


def _version_edit(text: str, lines: list[int], fmt: str, source: Any,
                  finding: Finding) -> Edit | None:
    """``"Version": "2012-10-17"`` before the first element of the policy object."""
    pointer = finding.location.pointer
    _, node = _resolve(source.data, pointer)
    if not isinstance(node, dict) or "Version" in node or not node:
        return None
    prefix = pointer + "/"
    spans = [(span.line, span.column) for p, span in source.locator.keys.items()
             if p.startswith(prefix) and "/" not in p[len(prefix):]]
    if not spans:
        return None
    line, column = min(spans)
    if line > len(lines):
        return None
    start = _offset(lines, line, column)
    own_line = not text[lines[line - 1]:start].strip(" \t-")
    if fmt == "json":
        entry = f'"Version": "{VERSION}",'
    else:
        entry = f'Version: "{VERSION}"' + ("" if own_line else ",")
    indent = text[lines[line - 1]:start]
    indent = indent if not indent.strip() else " " * (column - 1)
    return Edit(start, start, entry + ("\n" + indent if own_line else " "), finding.code)


def edits_for(text: str, source: Any, findings: Iterable[Finding]) -> list[Edit]:
    """The non-overlapping edits that fix ``findings`` of one file's ``text``."""
    lines = _offsets(text)
    fmt = source.format
    out: list[Edit] = []
    for finding in findings:
        edit = None
        if finding.code == "SYN004":
            edit = _version_edit(text, lines, fmt, source, finding)
        elif finding.code == "SYN009":
            _, value = _resolve(source.data, finding.location.pointer)
            if isinstance(value, str) and value.strip().lower() in ("allow", "deny"):
                edit = _replace_edit(text, lines, fmt, finding, value,
                                     value.strip().capitalize(), key=False)
        elif finding.replacement is not None:
            parent, value = _resolve(source.data, finding.location.pointer)
            if finding.replace_key:
                name = finding.location.pointer.rsplit("/", 1)[-1]
                name = name.replace("~1", "/").replace("~0", "~")
                if isinstance(parent, dict) and finding.replacement not in parent:
                    edit = _replace_edit(text, lines, fmt, finding, name,
                                         finding.replacement, key=True)
            elif isinstance(value, str):
                edit = _replace_edit(text, lines, fmt, finding, value,
                                     finding.replacement, key=False)
        if edit is not None:
            out.append(edit)
    chosen: list[Edit] = []
    for edit in sorted(out, key=lambda e: (e.start, e.end)):
        if chosen and edit.start < chosen[-1].end:
            continue                       # overlapping: the next pass gets it
        if chosen and (edit.start, edit.end, edit.new) == \
                (chosen[-1].start, chosen[-1].end, chosen[-1].new):
            continue
        chosen.append(edit)
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.new + text[edit.end:]
    return text


@dataclass
class FileFix:
    """A file whose text the fixes change."""

    path: Path
    display: str
    before: str
    after: str
    fixed: list[str]
    #: the file starts with a UTF-8 byte order mark, written back with the fixes
    bom: bool = False

    def diff(self) -> str:
        absolute = self.display.startswith("/")
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            self.display if absolute else f"a/{self.display}",
            self.display if absolute else f"b/{self.display}"))


def fix_text(linter: Linter, text: str, display: str) -> tuple[str, list[str]]:
    """``text`` with every mechanical fix made (re-linted between passes), and the codes
    fixed."""
    fixed: list[str] = []
    for _ in range(MAX_PASSES):
        try:
            source = load_text(text, display)
        except PolicyEvalError:
            break
        findings = [f for f in linter.lint_source(source, linter.kind_for(display))
                    if f.location.path == display]
        edits = edits_for(text, source, findings)
        if not edits:
            break
        fixed.extend(e.code for e in edits)
        text = apply_edits(text, edits)
    return text, fixed


def plan_fixes(linter: Linter, findings: Sequence[Finding],
               files: dict[str, Path]) -> list[FileFix]:
    """The files that fixes would change, for the files with a fixable finding."""
    wanted = sorted({f.location.path for f in findings
                     if f.location.path in files and (f.replacement is not None
                                                      or f.code in ("SYN004", "SYN009"))})
    out: list[FileFix] = []
    for display in wanted:
        path = files[display]
        try:
            raw = read_bytes(path)
            before = decode_bytes(raw, str(path))
        except PolicyEvalError:
            continue
        after, fixed = fix_text(linter, before, display)
        if after != before:
            out.append(FileFix(path, display, before, after, fixed,
                               raw.startswith(codecs.BOM_UTF8)))
    return out


def write_fixes(fixes: Sequence[FileFix]) -> None:
    """Write the fixed files (a file's byte order mark kept); a file that cannot be
    written (read-only, gone) is an ``InputError`` located at it."""
    for fix in fixes:
        try:
            fix.path.write_text(fix.after, encoding="utf-8-sig" if fix.bom else "utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the fixed file: {exc.strerror or exc}",
                             Location(str(fix.path)), ErrorCode.unreadable) from exc
