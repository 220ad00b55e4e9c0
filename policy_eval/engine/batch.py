"""Requests and decisions as columns: :class:`RequestBatch` and :class:`DecisionBatch`.

A :class:`RequestBatch` holds many requests column by column, dictionary-encoded
(``engine/columns.py``): the action, the resource, the principal (one value or a column)
and one column per context key. A context column keeps *absent* (``None``), *single*
(``"v"``) and *multi* (``["a", "b"]``) values distinct, as the scalar ``Request`` does
(spec semantics.md §4.3-4.4); values are normalised exactly as ``engine/request.py`` does
(numbers and booleans to text, lists to tuples, key names folded).

Every column is checked before any work: equal lengths, supported value types, well-formed
actions, ARNs and principals (each distinct value once). The first problem raises one
:class:`~policy_eval.errors.RequestError` naming the column and the row.

``PolicySet.evaluate_many`` turns a batch into a :class:`DecisionBatch`
(``engine/batch_decide.py``): the decisions as a NumPy array, with the scalar
:class:`~policy_eval.engine.explain.Decision` (and its explanation) of any row computed on
demand by the scalar reference path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import filterfalse
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from ..errors import Location, RequestError
from .columns import Codes, EncodedColumn, collection_paused, constant, encode
from .principals import parse_caller
from .request import Request, _value, check_action, check_resource

if TYPE_CHECKING:
    from .decide import DecisionEngine
    from .explain import Decision

#: Decision codes of a :class:`DecisionBatch`, in this order.
DECISION_NAMES = ("allow", "explicit_deny", "implicit_deny")
ALLOW_CODE, EXPLICIT_DENY_CODE, IMPLICIT_DENY_CODE = 0, 1, 2

_CONTEXT_PREFIX = "context."


def _row_error(column: str, row: int, message: str, code: str) -> RequestError:
    return RequestError(f"column {column!r}, row {row}: {message}",
                        Location(None, None, None, f"/{column}/{row}"), code)


def _as_list(column: str, values: Any) -> list[Any]:
    """A column given as a list, tuple, NumPy array or other sequence, as a list."""
    if type(values) is list:
        return values
    if isinstance(values, np.ndarray):
        return values.tolist()
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise RequestError(f"column {column!r} must be a sequence of values, found "
                           f"{type(values).__name__}", Location(None, None, None, f"/{column}"),
                           "invalid-column")
    return list(values)


def _encode_checked(column: str, values: list[Any], check: Callable[[Any], object],
                    bulk: Callable[[np.ndarray], npt.NDArray[np.bool_]] | None = None,
                    ) -> EncodedColumn:
    """Encode a column and run ``check`` on each distinct value (errors name the row).
    ``bulk`` vets the distinct values at once (as an ``S`` array); ``check`` then runs only
    on those it does not pass."""
    try:
        encoded = encode(values)
    except TypeError:  # an unhashable cell (a list or a dict where a string belongs)
        row = next(i for i, v in enumerate(values) if not _hashable(v))
        raise _row_error(column, row, f"unsupported value {values[row]!r} "
                         f"({type(values[row]).__name__})", "invalid-column") from None
    suspects = encoded.values
    data = encoded.bytes() if bulk is not None else None
    if bulk is not None and data is not None:
        suspects = [encoded.values[k] for k in np.flatnonzero(~bulk(data)).tolist()]
    for value in suspects:
        try:
            check(value)
        except RequestError as exc:
            raise _row_error(column, values.index(value), exc.message, exc.code) from None
    return encoded


Colons = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp],
               npt.NDArray[np.intp]]


def _arn_colons(data: np.ndarray) -> Colons:
    """Where the first four ``:`` after ``arn:`` sit in each value (``-1``: missing), with
    ``str.find``'s arithmetic, as ``check_resource`` and ``decide.resource_account`` read
    them."""
    colon, find = b":", np.strings.find
    p1 = find(data, colon, 4)
    p2 = find(data, colon, p1 + 1)
    p3 = find(data, colon, p2 + 1)
    return p1, p2, p3, find(data, colon, p3 + 1)


def _arn_shaped(data: np.ndarray, colons: Colons) -> npt.NDArray[np.bool_]:
    """``check_resource``'s test (``*``, or ``arn:[^:]+:[^:]+:[^:]*:[^:]*:.``) over UTF-8
    bytes: a value it passes is valid; the others go through ``check_resource``."""
    p1, p2, p3, p4 = colons
    ok = np.strings.startswith(data, b"arn:") & (p1 > 4)
    ok &= p2 > p1 + 1
    ok &= p3 >= 0
    ok &= (p4 >= 0) & (np.strings.str_len(data) > p4 + 1)
    ok &= ~np.strings.startswith(data, b"\n", np.maximum(p4 + 1, 0))
    return ok | (data == b"*")


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _check_principal(value: Any) -> None:
    if value is not None:
        parse_caller(value)


def _normalise_cell(column: str, key: str, row: int, value: Any) -> Any:
    """One context cell as the scalar ``Request`` folds it: ``None`` (absent), ``str`` or
    ``tuple[str, ...]``."""
    if value is None or type(value) is str:
        return value
    try:
        return _value(key, value)
    except RequestError as exc:
        raise _row_error(column, row, exc.message, exc.code) from None


_TEXT_KINDS = {str, type(None)}
_CELL_KINDS = {str, type(None), tuple}


def _all_text(distinct: list[Any]) -> bool:
    """Whether distinct context cells are all normalised already: ``None``, ``str`` or a
    tuple of ``str``."""
    kinds = set(map(type, distinct))
    return kinds <= _TEXT_KINDS or (kinds <= _CELL_KINDS and all(
        type(x) is str for v in distinct if type(v) is tuple for x in v))


class RequestBatch:
    """Requests as columns. Build one with :meth:`from_requests`, :meth:`from_columns` or
    :meth:`from_frame`."""

    __slots__ = ("_account_fields", "_colons", "_context_keys", "_raw_context", "_requests",
                 "action", "context", "pool", "pool_index", "principal", "resource", "size")

    def __init__(self, *, action: EncodedColumn, resource: EncodedColumn,
                 principal: EncodedColumn, context: Mapping[str, tuple[str, str, list[Any]]],
                 requests: list[Request] | None = None,
                 raw_context: Mapping[str, list[Any]] | None = None) -> None:
        """Use the ``from_*`` constructors; this one takes checked action, resource and
        principal columns and the context columns still to normalise and encode
        (``context``: folded key -> (column name, key as given, one value per row))."""
        self.size = len(action)
        self.action = action
        self.resource = resource
        self.principal = principal
        #: Context values of every key share one dictionary, so that a value of one key
        #: and a value of another compare by code. Code 0 is "absent".
        self.pool: list[Any] = [None]
        self.pool_index: dict[Any, int] = {None: 0}
        self.context: dict[str, Codes] = {}
        for folded, (name, key, values) in context.items():
            self.context[folded] = self._context_codes(name, key, values)
        self._requests = requests
        self._raw_context = raw_context
        self._context_keys: dict[str, Codes] = {}
        self._account_fields: Any = False
        self._colons: Colons | None = None

    # ------------------------------------------------------------ constructors

    @classmethod
    def from_requests(cls, requests: Iterable[Request]) -> RequestBatch:
        """A batch of ready :class:`~policy_eval.engine.request.Request` objects."""
        reqs = list(requests)
        for row, req in enumerate(reqs):
            if not isinstance(req, Request):
                raise RequestError(f"row {row}: expected a Request, found {type(req).__name__}",
                                   Location(None, None, None, f"/{row}"), "invalid-request")
        n = len(reqs)
        context: dict[str, list[Any]] = {}
        for row, req in enumerate(reqs):
            for key, value in req._context.items():
                column = context.get(key)
                if column is None:
                    column = context[key] = [None] * n
                column[row] = value
        principal = _encode_checked("principal", [r.principal for r in reqs], _check_principal)
        return cls(action=encode([r.action for r in reqs]),
                   resource=encode([r.resource for r in reqs]), principal=principal,
                   context={k: (_CONTEXT_PREFIX + k, k, v) for k, v in context.items()},
                   requests=reqs)

    @classmethod
    def from_columns(cls, *, action: Sequence[str], resource: Sequence[str],
                     principal: str | Sequence[str | None] | None = None,
                     context: Mapping[str, Sequence[Any]] | None = None) -> RequestBatch:
        """A batch from columns: ``action`` and ``resource`` (one value per row),
        ``principal`` (one value for every row, or a column) and ``context`` (key -> one
        value per row: ``None`` absent, a string, a number or boolean, or a list)."""
        with collection_paused():
            return cls._from_columns(action, resource, principal, context or {})

    @classmethod
    def _from_columns(cls, action: Sequence[str], resource: Sequence[str],
                      principal: str | Sequence[str | None] | None,
                      context: Mapping[str, Sequence[Any]]) -> RequestBatch:
        actions = _as_list("action", action)
        n = len(actions)
        resources = _as_list("resource", resource)
        columns: dict[str, list[Any]] = {"resource": resources}
        if principal is None or isinstance(principal, str):
            principals: list[Any] | None = None
        else:
            principals = columns["principal"] = _as_list("principal", principal)
        raw: dict[str, list[Any]] = {}
        for key, values in context.items():
            if type(key) is not str:
                raise RequestError(f"context key {key!r} must be a string",
                                   Location(None, None, None, "/context"), "invalid-context")
            raw[key] = columns[_CONTEXT_PREFIX + key] = _as_list(_CONTEXT_PREFIX + key, values)
        for name, values in columns.items():
            if len(values) != n:
                raise _row_error(name, min(len(values), n),
                                 f"the column has {len(values)} rows, 'action' has {n}",
                                 "ragged-columns")
        action_col = _encode_checked("action", actions, check_action)
        colons: list[Colons] = []

        def arn_shaped(data: np.ndarray) -> npt.NDArray[np.bool_]:
            colons.append(_arn_colons(data))   # kept: account fields read them too
            return _arn_shaped(data, colons[-1])

        resource_col = _encode_checked("resource", resources, check_resource,
                                       bulk=arn_shaped)
        if principals is None:
            _encode_checked("principal", [principal], _check_principal)
            principal_col = EncodedColumn(constant(n), [principal], {principal: 0})
        else:
            principal_col = _encode_checked("principal", principals, _check_principal)
        folded: dict[str, tuple[str, str, list[Any]]] = {}
        for key, values in raw.items():
            name = _CONTEXT_PREFIX + key
            low = key.lower()
            if low in folded:
                raise RequestError(f"context columns {folded[low][0]!r} and {name!r} name "
                                   "the same key (context keys are case-insensitive)",
                                   Location(None, None, None, f"/{name}"), "invalid-context")
            folded[low] = (name, key, values)
        batch = cls(action=action_col, resource=resource_col, principal=principal_col,
                    context=folded, raw_context=raw)
        batch._colons = colons[0] if colons else None
        return batch

    @classmethod
    def from_frame(cls, frame: Any, *, extra_columns: str = "error") -> RequestBatch:
        """A batch from a pandas ``DataFrame`` or a pyarrow ``Table`` with the columns
        ``action``, ``resource``, optional ``principal`` and ``context.<key>`` columns.
        Missing cells (``None``, ``NaN``, ``NA``) are absent keys; list cells are
        multivalued. ``extra_columns``: ``"error"`` (default) or ``"ignore"`` for any
        other column."""
        names, get = _frame_columns(frame)
        unknown = [c for c in names if c not in ("action", "resource", "principal")
                   and not c.startswith(_CONTEXT_PREFIX)]
        if unknown and extra_columns != "ignore":
            raise RequestError(f"unknown column {unknown[0]!r}: expected 'action', 'resource', "
                               "'principal' or 'context.<key>'",
                               Location(None, None, None, f"/{unknown[0]}"), "invalid-column")
        for required in ("action", "resource"):
            if required not in names:
                raise RequestError(f"missing column {required!r}",
                                   Location(None, None, None, f"/{required}"), "invalid-column")
        principal: Any = None
        if "principal" in names:
            principal = _cells(get("principal"))
        context = {c[len(_CONTEXT_PREFIX):]: _cells(get(c))
                   for c in names if c.startswith(_CONTEXT_PREFIX)}
        return cls.from_columns(action=_cells(get("action")), resource=_cells(get("resource")),
                                principal=principal, context=context)

    # ------------------------------------------------------------ access

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return (f"<RequestBatch {self.size} rows, {len(self.action.values)} actions, "
                f"{len(self.resource.values)} resources, context keys {sorted(self.context)}>")

    def _context_codes(self, name: str, key: str, values: list[Any]) -> Codes:
        """Pool codes of one context column, each cell normalised as the scalar ``Request``
        folds it (``None``, ``str`` or ``tuple[str, ...]``; spec §4.3-4.4).

        C-level passes only in the common cases (``count``, one ``encode`` pass), and a
        check of each *distinct* cell: text and absent cells need nothing; list
        cells go through :meth:`_list_codes`; when some distinct cell is not text (a
        number, a boolean) every row is normalised on its own. Cells of different types
        that compare equal (``1``, ``1.0`` and ``True``) are never text, so whichever of
        them the encoding keeps sends the column down the per-row path."""
        n = len(values)
        if n == 0:
            return np.zeros(0, dtype=np.int32)
        first = values[0]
        if ((first is None or type(first) is str) and values[-1] == first == values[n // 2]
                and values.count(first) == n):       # one text (or absent) in every row
            return constant(n, self.intern(first))
        try:
            column = encode(values)
        except TypeError:         # a list (or another unhashable cell) somewhere
            return self._list_codes(name, key, values)
        if _all_text(column.values):
            return self._pooled(column)
        return self._normalised_codes(name, key, values)

    def _list_codes(self, name: str, key: str, values: list[Any]) -> Codes:
        """``_context_codes`` of a column holding lists (multivalued cells): every list
        becomes a tuple (one comprehension: on 100,000 rows it beats finding the list rows
        with C-level passes, each of which must touch every cell)."""
        cells = [tuple(v) if type(v) is list else v for v in values]
        try:
            column = encode(cells)
        except TypeError:         # a list inside a list, a dict...
            return self._normalised_codes(name, key, values)
        if not _all_text(column.values):
            return self._normalised_codes(name, key, values)
        return self._pooled(column)

    def _normalised_codes(self, name: str, key: str, values: list[Any]) -> Codes:
        """``_context_codes`` the slow way: every row normalised on its own (numbers and
        booleans to text, lists to tuples), the first bad cell named."""
        cells = [_normalise_cell(name, key, row, v) for row, v in enumerate(values)]
        return self._pooled(encode(cells))

    def _pooled(self, column: EncodedColumn) -> Codes:
        """Pool codes of an encoded column of normalised cells."""
        remap = np.array(self.intern_all(column.values), dtype=np.int32)
        return remap[column.codes] if len(remap) else column.codes

    def intern_all(self, values: Iterable[Any]) -> list[int]:
        """:meth:`intern` of many values (C-level passes)."""
        values = list(values)
        index = self.pool_index
        new = list(dict.fromkeys(filterfalse(index.__contains__, values)))
        index.update(zip(new, range(len(self.pool), len(self.pool) + len(new)), strict=True))
        self.pool.extend(new)
        return list(map(index.__getitem__, values))

    def intern(self, value: Any) -> int:
        """The pool code of a normalised context value (added when new)."""
        code = self.pool_index.get(value)
        if code is None:
            code = self.pool_index[value] = len(self.pool)
            self.pool.append(value)
        return code

    def key_codes(self, key: str) -> Codes:
        """Pool codes of the folded context ``key`` per row (all 0, absent, when the batch
        has no such column)."""
        found = self.context.get(key)
        if found is None:
            found = self._context_keys.get(key)
            if found is None:
                found = self._context_keys[key] = constant(self.size)
        return found

    def account_states(self, account: str) -> npt.NDArray[np.int8] | None:
        """Per distinct resource, how its ARN's account field (``decide.resource_account``:
        the text between the fourth and fifth ``:``) compares with ``account``: 0 no
        field, 1 equal, 2 another account. NumPy over the ``S`` array of the resources,
        once per batch and account; ``None`` when the resources cannot be held by one."""
        if self._account_fields is False:
            data = self.resource.bytes()
            if data is None:
                self._account_fields = None
            else:
                _, _, p3, end = self._colons or _arn_colons(data)
                start = p3 + 1
                self._account_fields = (data, start, end, (end > start) & (data != b"*"), {})
        if self._account_fields is None:
            return None
        data, start, end, has, states = self._account_fields
        found = states.get(account)
        if found is None:
            want = account.encode()
            equal = has & (end - start == len(want)) & np.strings.startswith(data, want, start)
            found = states[account] = np.where(equal, 1, np.where(has, 2, 0)).astype(np.int8)
        return found

    def request(self, row: int) -> Request:
        """Row ``row`` as a scalar :class:`Request`."""
        if self._requests is not None:
            return self._requests[row]
        context = {}
        for key, values in (self._raw_context or {}).items():
            if values[row] is not None:
                context[key] = values[row]
        return Request(self.action.values[self.action.codes[row]],
                       self.resource.values[self.resource.codes[row]],
                       self.principal.values[self.principal.codes[row]], context)


def _cells(values: list[Any]) -> list[Any]:
    """:func:`_cell` of each value of a column, skipped when every value is text (C-level
    test), so that a missing action or resource reads as missing, not as ``nan``."""
    return values if set(map(type, values)) <= {str} else [_cell(v) for v in values]


def is_missing(value: Any) -> bool:
    """Whether a frame cell is missing: ``None``, ``NaN``, pandas ``NA`` or ``NaT``."""
    return (value is None or (isinstance(value, float) and math.isnan(value))
            or type(value).__name__ in ("NAType", "NaTType"))


def _cell(value: Any) -> Any:
    """A frame cell as a batch value: missing -> ``None``, arrays -> lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    return None if is_missing(value) else value


def _frame_columns(frame: Any) -> tuple[list[str], Callable[[str], list[Any]]]:
    """Column names and a getter (as Python lists) of a pandas DataFrame or pyarrow Table."""
    module = type(frame).__module__.split(".")[0]
    if module == "pyarrow":
        return [str(c) for c in frame.column_names], lambda c: frame.column(c).to_pylist()
    if module == "pandas":
        for c in frame.columns:
            if not isinstance(c, str):
                raise RequestError(f"column names must be strings, found {c!r}",
                                   Location(None, None, None, "/"), "invalid-column")
        return [str(c) for c in frame.columns], lambda c: frame[c].tolist()
    raise RequestError(f"from_frame takes a pandas DataFrame or a pyarrow Table, found "
                       f"{type(frame).__name__}", Location(None, None, None, "/"),
                       "invalid-frame")


class DecisionBatch:
    """The decisions of a :class:`RequestBatch`, in input order.

    ``len()``, ``.decisions`` (``"allow"`` / ``"explicit_deny"`` / ``"implicit_deny"``),
    ``.allowed`` (a NumPy bool array), ``.counts()``; ``batch[i]`` (and iteration) gives the
    scalar :class:`~policy_eval.engine.explain.Decision` of row ``i``, with its
    explanation, computed on demand by the scalar path."""

    __slots__ = ("_decisions", "batch", "codes", "engine")

    def __init__(self, codes: npt.NDArray[np.int8], batch: RequestBatch,
                 engine: DecisionEngine) -> None:
        self.codes = codes
        self.batch = batch
        self.engine = engine
        self._decisions: list[str] | None = None

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def decisions(self) -> list[str]:
        if self._decisions is None:
            names = np.array(DECISION_NAMES, dtype=object)
            self._decisions = names[self.codes].tolist()
        return self._decisions

    @property
    def allowed(self) -> npt.NDArray[np.bool_]:
        return self.codes == ALLOW_CODE

    def counts(self) -> dict[str, int]:
        """How many rows got each decision."""
        counts = np.bincount(self.codes, minlength=len(DECISION_NAMES))
        return {name: int(c) for name, c in zip(DECISION_NAMES, counts, strict=True)}

    @overload
    def __getitem__(self, row: int) -> Decision: ...

    @overload
    def __getitem__(self, row: slice) -> list[Decision]: ...

    def __getitem__(self, row: int | slice) -> Decision | list[Decision]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        n = len(self)
        if not -n <= row < n:
            raise IndexError(f"row {row} out of range for {n} decisions")
        return self.engine.decide(self.batch.request(row % n))

    def __iter__(self) -> Iterator[Decision]:
        for row in range(len(self)):
            yield self[row]

    def __repr__(self) -> str:
        return f"<DecisionBatch {len(self)} rows {self.counts()}>"
