"""The IAM wildcard pattern language and its one matcher: ``*`` any run, ``?`` one character.

A pattern is a sequence of *atoms*: literal text, :data:`STAR` or :data:`QMARK`. Literal
text that came from a substituted policy variable or from ``${*}``/``${?}`` is never a
wildcard (spec semantics.md §3.1), so callers build atoms rather than strings.

The matcher splits the pattern at stars into fixed-length chunks and places them greedily
left to right with ``str.find`` (or a quantifier-free regex when a chunk holds ``?``):
no backtracking, so no exponential blow-up on patterns like ``a*a*a*a*b``
(DESIGN.md; peers/performance.md on regex caches). Common shapes get direct fast paths:
exact text, ``prefix*``, ``*suffix``, ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache


class _Wild:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


STAR = _Wild("STAR")
QMARK = _Wild("QMARK")

Atom = str | _Wild
Matcher = Callable[[str], bool]


def atoms_from_text(text: str) -> list[Atom]:
    """Atoms of policy text in which ``*`` and ``?`` are wildcards."""
    atoms: list[Atom] = []
    start = 0
    for i, char in enumerate(text):
        if char == "*" or char == "?":
            if i > start:
                atoms.append(text[start:i])
            atoms.append(STAR if char == "*" else QMARK)
            start = i + 1
    if start < len(text):
        atoms.append(text[start:])
    return atoms


def _always(_: str) -> bool:
    return True


class _Chunk:
    """A star-free run of literal text and ``?``: fixed length."""

    __slots__ = ("length", "regex", "text")

    def __init__(self, atoms: Sequence[Atom]) -> None:
        if any(a is QMARK for a in atoms):
            self.text: str | None = None
            self.regex: re.Pattern[str] | None = re.compile(
                "".join(re.escape(a) if isinstance(a, str) else "." for a in atoms), re.DOTALL)
            self.length = sum(len(a) if isinstance(a, str) else 1 for a in atoms)
        else:
            self.text = "".join(a for a in atoms if isinstance(a, str))
            self.regex = None
            self.length = len(self.text)

    def at(self, subject: str, pos: int) -> bool:
        if self.text is not None:
            return subject.startswith(self.text, pos)
        assert self.regex is not None
        return self.regex.match(subject, pos) is not None

    def find(self, subject: str, pos: int) -> int:
        if self.text is not None:
            return subject.find(self.text, pos)
        assert self.regex is not None
        found = self.regex.search(subject, pos)
        return -1 if found is None else found.start()


def _general(chunks: list[_Chunk]) -> Matcher:
    first, middle, last = chunks[0], chunks[1:-1], chunks[-1]
    minimum = sum(c.length for c in chunks)

    def match(subject: str) -> bool:
        n = len(subject)
        if n < minimum or not first.at(subject, 0):
            return False
        pos = first.length
        for chunk in middle:
            found = chunk.find(subject, pos)
            if found < 0:
                return False
            pos = found + chunk.length
        end = n - last.length
        return end >= pos and last.at(subject, end)

    return match


def compile_atoms(atoms: Sequence[Atom]) -> Matcher:
    """A predicate telling whether a string matches the whole pattern."""
    # Merge adjacent literals and collapse runs of stars.
    merged: list[Atom] = []
    for atom in atoms:
        if isinstance(atom, str):
            if not atom:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] = merged[-1] + atom
                continue
        elif atom is STAR and merged and merged[-1] is STAR:
            continue
        merged.append(atom)
    if not merged:
        return "".__eq__
    first = merged[0]
    if len(merged) == 1 and isinstance(first, str):
        return first.__eq__
    if merged == [STAR]:
        return _always
    stars = [i for i, a in enumerate(merged) if a is STAR]
    has_q = any(a is QMARK for a in merged)
    if not has_q and len(stars) == 1:
        prefix = "".join(a for a in merged[: stars[0]] if isinstance(a, str))
        suffix = "".join(a for a in merged[stars[0] + 1:] if isinstance(a, str))
        if not suffix:
            return lambda s: s.startswith(prefix)
        if not prefix:
            return lambda s: s.endswith(suffix)
        minimum = len(prefix) + len(suffix)
        return lambda s: len(s) >= minimum and s.startswith(prefix) and s.endswith(suffix)
    chunks: list[_Chunk] = []
    current: list[Atom] = []
    for atom in merged:
        if atom is STAR:
            chunks.append(_Chunk(current))
            current = []
        else:
            current.append(atom)
    chunks.append(_Chunk(current))
    if len(chunks) == 1:
        only = chunks[0]
        return lambda s: len(s) == only.length and only.at(s, 0)
    return _general(chunks)


def star_pieces(atoms: Sequence[Atom]) -> list[str] | None:
    """The literal pieces between the stars of a pattern with at least one ``*`` and no
    ``?`` (``a*b*`` -> ``["a", "b", ""]``), else ``None``: the shape the engine tests with
    ``startswith`` and ``find`` in order (what :func:`compile_atoms` does for it)."""
    pieces: list[str] = [""]
    for atom in atoms:
        if atom is STAR:
            pieces.append("")
        elif isinstance(atom, str):
            pieces[-1] += atom
        else:
            return None
    return pieces if len(pieces) > 1 else None


def prefix_of(atoms: Sequence[Atom]) -> str | None:
    """The literal prefix when a pattern is exactly ``<literal text>*``, else ``None``
    (callers then test ``subject.startswith(prefix)`` directly)."""
    if len(atoms) < 2 or atoms[-1] is not STAR:
        return None
    head = atoms[:-1]
    if all(isinstance(a, str) for a in head):
        return "".join(a for a in head if isinstance(a, str))
    return None


@lru_cache(maxsize=16384)
def compile_glob(pattern: str) -> Matcher:
    """Matcher for policy text where ``*`` and ``?`` are wildcards (case-sensitive; fold
    both sides first for case-insensitive use)."""
    return compile_atoms(atoms_from_text(pattern))


def glob_match(pattern: str, subject: str) -> bool:
    """Convenience: does ``subject`` match the wildcard ``pattern``?"""
    return compile_glob(pattern)(subject)


def has_wildcards(text: str) -> bool:
    return "*" in text or "?" in text
