"""One-variable templates resolved once per distinct value of their variable (batch path).

A ``Resource`` entry such as ``arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*``
or a condition value such as ``${aws:username}/*`` holds one variable. Its substituted text
is literal (spec semantics.md §3.1 [I]), so whether the resolved pattern is an exact text,
a ``prefix*`` or a general glob depends only on the static text around the variable; this
module reads that *shape* once from the parsed template and then builds each value's
pattern by string concatenation (``head + value + tail``), exactly the text
``Template.atoms`` would give, without re-parsing anything per value. General globs
compile ``Template.atoms`` per value (the scalar matcher: no vectorized form of a general
glob).

:class:`ValueTable` keeps, per context pool code, a slot in compact per-value arrays (the
kind of pattern, its text, its code for exact comparisons, its ``S`` bytes for NumPy
``startswith``), filled in for the codes the rows ask about and reused by every later
group and statement of the same evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

import numpy as np

from ..document.variables import Literal, Part, Text, Variable
from ..document.wildcard import STAR, Atom, Matcher, atoms_from_text, compile_atoms
from .columns import Codes, Mask, bytes_array, combine, distinct_codes
from .templates import Template

UNRESOLVED, EXACT, PREFIX, GENERAL = 0, 1, 2, 3


def _static_atoms(template: Template, parts: tuple[Part, ...]) -> list[Atom]:
    """``Template.atoms`` of variable-free parts."""
    atoms: list[Atom] = []
    for part in parts:
        if isinstance(part, Text) and template.wildcards:
            atoms.extend(atoms_from_text(part.value))
        elif isinstance(part, (Text, Literal)):
            atoms.append(part.value)
    return atoms


class ValueTable:
    """Patterns of a one-variable ``template``, one per distinct value of its variable.

    ``code_of(text)`` turns an exact pattern into the code it is compared by (a resource
    code, or a context pool code), ``-1`` when nothing can equal it."""

    __slots__ = ("_bytes", "code_of", "codes_of", "default", "exact", "exact_code", "head",
                 "key", "kind", "kinds", "matchers", "pool", "shape", "slot", "tail", "template",
                 "texts")

    def __init__(self, template: Template, pool: list[Any],
                 code_of: Callable[[str], int],
                 codes_of: Callable[[list[str]], list[int]] | None = None) -> None:
        ((self.key, self.default),) = template.variables
        self.template = template
        self.pool = pool
        self.code_of = code_of
        #: ``code_of`` of many texts at once
        self.codes_of = codes_of or (lambda texts: list(map(code_of, texts)))
        at = next(k for k, p in enumerate(template.parts) if isinstance(p, Variable))
        before = _static_atoms(template, template.parts[:at])
        after = _static_atoms(template, template.parts[at + 1:])
        literal_before = all(isinstance(a, str) for a in before)
        self.head = "".join(a for a in before if isinstance(a, str))
        if literal_before and all(isinstance(a, str) for a in after):
            self.shape = EXACT
            self.tail = "".join(a for a in after if isinstance(a, str))
        elif (literal_before and after and after[-1] is STAR
              and all(isinstance(a, str) for a in after[:-1])):
            self.shape = PREFIX
            self.tail = "".join(a for a in after[:-1] if isinstance(a, str))
        else:
            self.shape, self.tail = GENERAL, ""
        if self.shape == PREFIX and "\x00" in self.head + self.tail:
            self.shape = GENERAL   # S arrays drop NULs: the scalar matcher instead
        self.slot = np.full(len(pool), -1, dtype=np.int32)
        self.kinds: list[int] = []
        self.texts: list[str] = []
        self.exact: list[int] = []
        self.matchers: dict[int, Matcher] = {}
        self.kind = np.zeros(0, dtype=np.int8)
        self.exact_code = np.zeros(0, dtype=np.int32)
        self._bytes: np.ndarray | bool | None = False

    def slots(self, codes: Codes) -> Codes:
        """The slot of each code's pattern (computed for codes not seen before)."""
        if len(self.slot) < len(self.pool):
            grown = np.full(len(self.pool), -1, dtype=np.int32)
            grown[:len(self.slot)] = self.slot
            self.slot = grown
        found = self.slot[codes]
        if (found < 0).any():
            new = distinct_codes(codes[found < 0], len(self.slot))
            values = list(map(self.pool.__getitem__, new.tolist()))
            if (self.shape != GENERAL and set(map(type, values)) == {str}
                    and "\x00" not in "".join(values)):
                self._add_texts(new, values)
            else:
                for c, value in zip(new.tolist(), values, strict=True):
                    self.slot[c] = self._add(value)
            self.kind = np.array(self.kinds, dtype=np.int8)
            self.exact_code = np.array(self.exact, dtype=np.int32)
            self._bytes = False
            found = self.slot[codes]
        return found

    def _add_texts(self, codes: Codes, values: list[str]) -> None:
        """``_add`` for many string values of an exact or prefix shape at once: each
        pattern is ``head + value + tail``."""
        base = len(self.kinds)
        self.slot[codes] = np.arange(base, base + len(values), dtype=np.int32)
        texts = list(map("".join, zip(repeat(self.head), values, repeat(self.tail))))
        self.kinds.extend([self.shape] * len(values))
        self.texts.extend(texts)
        if self.shape == EXACT:
            self.exact.extend(self.codes_of(texts))
        else:
            self.exact.extend([-1] * len(values))

    def _add(self, value: Any) -> int:
        if type(value) is not str:
            value = self.default        # absent or multivalued: the default, if any (§3.3)
        kind, text, code = UNRESOLVED, "", -1
        if value is not None:
            kind = self.shape
            if kind == PREFIX and "\x00" in value:
                kind = GENERAL
            if kind == EXACT:
                text = self.head + value + self.tail
                code = self.code_of(text)
            elif kind == PREFIX:
                text = self.head + value + self.tail
            else:
                self.matchers[len(self.kinds)] = compile_atoms(self.template.atoms((value,)))
        self.kinds.append(kind)
        self.texts.append(text)
        self.exact.append(code)
        return len(self.kinds) - 1

    def prefix_bytes(self) -> np.ndarray | None:
        """The prefixes (``""`` for other slots) as an ``S`` array, or ``None``."""
        if self._bytes is False:
            self._bytes = bytes_array(self.texts)
        return self._bytes  # type: ignore[return-value]


def match_slots(table: ValueTable, slots: Codes, subjects: Codes, names: list[Any],
                subject_bytes: Callable[[Codes], np.ndarray | None]) -> Mask:
    """Does subject ``subjects[i]`` (a code: ``names[code]`` is its text, and exact
    patterns compare by code) match the pattern of slot ``slots[i]``? Exact patterns by
    code, ``prefix*`` ones by one NumPy ``startswith`` over UTF-8 bytes
    (``subject_bytes(codes)``: the subjects' ``S`` array, or ``None``), any other glob by
    the scalar matcher once per distinct (subject, slot) pair: no vectorized form of a
    general glob."""
    if table.shape == EXACT:     # every resolved value is exact, or unresolved
        return subjects == table.exact_code[slots]
    kind = table.kind[slots]
    out = np.zeros(len(slots), dtype=np.bool_)
    sel = np.flatnonzero(kind == EXACT)
    if sel.size:
        out[sel] = subjects[sel] == table.exact_code[slots[sel]]
    sel = np.flatnonzero(kind == PREFIX)
    if sel.size:
        data, patterns = subject_bytes(subjects[sel]), table.prefix_bytes()
        if data is not None and patterns is not None:
            out[sel] = np.strings.startswith(data, patterns[slots[sel]])
        else:
            out[sel] = np.fromiter(map(str.startswith, map(names.__getitem__,
                                                           subjects[sel].tolist()),
                                       map(table.texts.__getitem__, slots[sel].tolist())),
                                   np.bool_, sel.size)
    sel = np.flatnonzero(kind == GENERAL)
    if sel.size:
        pairs, first_row = combine([subjects[sel], slots[sel]],
                                   [len(names), len(table.kinds)])
        answers = np.array([table.matchers[int(slots[sel[f]])](names[subjects[sel[f]]])
                            for f in first_row.tolist()], dtype=np.bool_)
        out[sel] = answers[pairs]
    return out
