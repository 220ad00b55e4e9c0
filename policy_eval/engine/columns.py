"""Dictionary-encoded columns: the storage of the batch path.

A column of hashable values becomes an ``int32`` code per row and the list of its distinct
values, in first-seen order (:class:`EncodedColumn`). The batch evaluator then decides each
distinct value once and gathers the answers back to the rows with one fancy index.

Helpers here know nothing about IAM: :func:`encode` (the column), :func:`combine` (codes of
several columns -> one code per distinct combination, with a representative row),
:func:`bytes_array` (distinct strings as a NumPy ``S`` array of UTF-8, for the vectorized
``startswith``/equality tests; ``S`` is 4-20x faster than ``U`` or ``StringDType``,
``shared/peers/performance.md``) and :class:`LazyTable` (a per-distinct-value answer computed
only for the values some rows ask about).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]


class EncodedColumn:
    """``codes[i]`` is the index in ``values`` of row ``i``'s value; :meth:`code_of` finds
    the code of a value (``-1`` when no row holds it)."""

    __slots__ = ("_bytes", "_first", "_index", "_row_code", "codes", "values")

    def __init__(self, codes: Codes, values: list[Any],
                 index: dict[Any, int] | None = None, *,
                 first: dict[Any, int] | None = None) -> None:
        self.codes = codes
        self.values = values
        self._index = index
        #: value -> a row holding it (from :func:`encode`), so that no second dictionary
        #: is built for lookups
        self._first = first
        self._bytes: np.ndarray | bool | None = False

    def __len__(self) -> int:
        return len(self.codes)

    def code_of(self, value: Any) -> int:
        if self._index is None and self._first is not None:
            row = self._first.get(value)
            return -1 if row is None else int(self.codes[row])
        return self.index.get(value, -1)

    @property
    def index(self) -> dict[Any, int]:
        """value -> code (built on first use)."""
        if self._index is None:
            self._index = dict(zip(self.values, range(len(self.values)), strict=True))
        return self._index

    def bytes(self) -> np.ndarray | None:
        """The distinct values (strings) as an ``S`` array, or ``None`` when some value
        cannot be held exactly by one (see :func:`bytes_array`)."""
        if self._bytes is False:
            self._bytes = bytes_array(self.values)
        return self._bytes  # type: ignore[return-value]


def encode(values: Sequence[Hashable]) -> EncodedColumn:
    """Dictionary-encode ``values`` (already normalised: equal values mean equal requests).

    One C-level pass: ``map(first.setdefault, values, range(n))`` gives each row the row
    where its value first occurs (about 60 ns a row, whatever the number of distinct
    values); the first-occurrence rows are then numbered in order with NumPy."""
    n = len(values)
    first: dict[Hashable, int] = {}
    raw = np.fromiter(map(first.setdefault, values, range(n)), dtype=np.int32, count=n)
    if len(first) == n:
        return EncodedColumn(np.arange(n, dtype=np.int32), list(values), first=first)
    is_first = raw == np.arange(n, dtype=np.int32)
    dense = np.cumsum(is_first, dtype=np.int32)
    dense -= 1
    return EncodedColumn(dense[raw], list(first), first=first)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while columns are built.

    Encoding allocates many small acyclic objects (a tuple per multivalued cell, ints,
    dictionaries); each allocation burst can set off a full collection that walks the
    caller's whole heap (all its raw rows) and frees nothing. On 100,000 rows that is
    30-70 ms of a ~150 ms build. Nothing cyclic is left behind; the collector runs again
    as usual afterwards (and stays off if it was off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def constant(n: int, code: int = 0) -> Codes:
    """A column of ``n`` equal codes."""
    return np.full(n, code, dtype=np.int32)


def distinct_codes(codes: Codes, size: int | None = None) -> Codes:
    """The distinct values of ``codes`` (non-negative, below ``size``), sorted: a "seen"
    table when it is small next to the column (no sort, no hash), else ``np.unique``."""
    if size is None:
        size = int(codes.max()) + 1 if codes.size else 0
    if size <= 4 * codes.size + 1024:
        seen = np.zeros(size, dtype=np.bool_)
        seen[codes] = True
        return np.flatnonzero(seen).astype(np.int32)
    return np.unique(codes).astype(np.int32)


def combine(columns: Sequence[Codes], sizes: Sequence[int]) -> tuple[Codes, Codes]:
    """Codes of the distinct combinations of several code columns (of equal length).

    Returns ``(combo, first)``: ``combo[i]`` is the combination of row ``i`` and ``first[c]``
    a row holding combination ``c``."""
    key = columns[0].astype(np.int64)
    span = int(sizes[0])
    for col, size in zip(columns[1:], sizes[1:], strict=True):
        if span * int(size) >= 2 ** 62:   # no room in an int64: unique over rows instead
            stacked = np.stack([c.astype(np.int64) for c in columns], axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True,
                                          return_inverse=True)
            return inverse.reshape(-1).astype(np.int32), first.astype(np.int32)
        key = key * int(size) + col
        span *= int(size)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int32), first.astype(np.int32)


def bytes_array(values: Sequence[Any]) -> np.ndarray | None:
    """Strings as an ``S`` array of their UTF-8 bytes; ``None`` when a value is not a
    string or holds a NUL character (``S`` drops trailing NULs, so the test would lie).

    UTF-8 keeps prefixes and equality: ``a.startswith(b)`` exactly when
    ``a.encode().startswith(b.encode())``."""
    if not values:
        return np.zeros(0, dtype="S1")
    if set(map(type, values)) != {str}:
        return None
    text = "".join(values)
    if "\x00" in text:
        return None
    if text.isascii():   # one byte per character: the width is known, no discovery pass
        width = max(1, max(map(len, values)))
        return np.fromiter(values, dtype=f"S{width}", count=len(values))
    encoded = [v.encode("utf-8", "surrogatepass") for v in values]
    return np.array(encoded, dtype="S")


class LazyTable:
    """An answer per distinct value (a code), computed on first demand.

    ``compute(codes)`` receives distinct codes not asked about before and returns their
    answers; :meth:`get` gathers the answers for a column of codes."""

    __slots__ = ("compute", "done", "table")

    def __init__(self, size: int, compute: Callable[[Codes], npt.NDArray[Any]],
                 dtype: Any = np.bool_) -> None:
        self.table = np.zeros(size, dtype=dtype)
        self.done = np.zeros(size, dtype=np.bool_)
        self.compute = compute

    def get(self, codes: Codes) -> npt.NDArray[Any]:
        if codes.size == 0:
            return self.table[codes]
        missing = codes[~self.done[codes]]
        if missing.size:
            wanted = distinct_codes(missing, len(self.table))
            self.table[wanted] = self.compute(wanted)
            self.done[wanted] = True
        return self.table[codes]
