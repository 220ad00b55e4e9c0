"""Text from the input, made safe to print on a terminal.

Every face that echoes something read from a file or given by a caller (request ids,
explanations quoting values, file names, error messages, source lines) passes it through
:func:`printable` first. Control characters (C0 but newline and tab, DEL, C1; so ANSI/OSC
escape sequences such as ``\\x1b[2J`` or a window-title change, and ``\\r`` that rewrites a
line), Unicode bidirectional overrides and isolates (which reorder what a reader sees),
line/paragraph separators and unpaired surrogates (which no encoder accepts) are written
as ``\\xNN`` / ``\\uNNNN`` escapes. Everything else is left as it is, so ordinary text costs
one regular-expression search.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_INVISIBLE = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_UNSAFE_IN_LINE = re.compile(f"[\t\n{_CONTROLS}{_INVISIBLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with every character that could act on a terminal escaped; newlines and
    tabs are kept unless ``one_line`` (a table cell, an id)."""
    pattern = _UNSAFE_IN_LINE if one_line else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)
