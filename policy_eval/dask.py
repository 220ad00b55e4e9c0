"""Scale-out on Dask: the batch core (``PolicySet.evaluate_many``) over DataFrame partitions.

:func:`evaluate_frame` takes a ``dask.dataframe.DataFrame`` (or a pandas DataFrame) with the
columns of :meth:`RequestBatch.from_frame <policy_eval.engine.batch.RequestBatch.from_frame>`
(``action``, ``resource``, optional ``principal``, ``context.<key>``) and returns it with a
``decision`` column (``allow``/``explicit_deny``/``implicit_deny``) and a boolean ``allowed``
column. Each partition becomes one :class:`RequestBatch`; the policy set is one
``dask.delayed`` node of the graph, so a distributed scheduler ships it once per worker,
not once per partition. Other columns (an ``id``, say) pass through untouched.

Dask and pandas are imported inside the functions: importing ``policy_eval`` never imports
them (optional extra ``policy-eval[dask]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .engine.batch import RequestBatch, is_missing
from .errors import Location, RequestError

if TYPE_CHECKING:
    import pandas as pd

    from .engine.policyset import PolicySet

#: The columns :func:`evaluate_frame` adds.
DECISION_COLUMN, ALLOWED_COLUMN = "decision", "allowed"
_CONTEXT = "context."


def with_defaults(frame: pd.DataFrame, principal: str | None = None,
                  context: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """``frame`` with a request-wide principal and context filled in where a row has none
    (a scenario's ``principal`` and ``context``, a simulated login's session ARN and
    request context); a row's own value wins, as in a scenario's requests."""
    if principal is None and not context:
        return frame
    frame = frame.copy()
    defaults = {"principal": principal} if principal is not None else {}
    # context keys are case-insensitive (spec §1.3): a default fills the table's own column
    # of that key, whatever its case
    existing = {str(c)[len(_CONTEXT):].lower(): str(c) for c in frame.columns
                if str(c).startswith(_CONTEXT)}
    defaults.update({existing.get(k.lower(), _CONTEXT + k): v
                     for k, v in (context or {}).items()})
    for column, value in defaults.items():
        if column in frame.columns:
            frame[column] = [value if is_missing(cell) else cell for cell in frame[column]]
        else:
            frame[column] = [value] * len(frame)
    return frame


def decide_partition(frame: pd.DataFrame, policy_set: PolicySet,
                     principal: str | None = None,
                     context: Mapping[str, Any] | None = None,
                     partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    """One pandas partition with its ``decision`` and ``allowed`` columns (the batch core).
    A bad row raises a :class:`RequestError` naming the partition (under Dask) and the
    row within it."""
    filled = with_defaults(frame, principal, context)
    try:
        batch = RequestBatch.from_frame(filled, extra_columns="ignore")
    except RequestError as exc:
        if partition_info is None:
            raise
        number = partition_info.get("number")
        raise RequestError(f"partition {number}: {exc.message}",
                           Location(None, None, None,
                                    f"/partitions/{number}{exc.location.pointer or ''}"),
                           exc.code) from None
    decided = policy_set.evaluate_many(batch)
    out = frame.copy()
    out[DECISION_COLUMN] = decided.decisions
    out[ALLOWED_COLUMN] = decided.allowed
    return out


def evaluate_frame(policy_set: PolicySet, frame: Any, *, principal: str | None = None,
                   context: Mapping[str, Any] | None = None) -> Any:
    """``frame`` with ``decision`` and ``allowed`` columns.

    ``frame``: a ``dask.dataframe.DataFrame`` (lazy: the result is a Dask DataFrame, one
    ``evaluate_many`` per partition) or a pandas DataFrame (evaluated at once).
    ``principal`` and ``context`` fill rows that have none (see :func:`with_defaults`)."""
    module = type(frame).__module__.split(".")[0]
    if module == "pandas":
        return decide_partition(frame, policy_set, principal, context)
    if module not in ("dask", "dask_expr"):
        raise RequestError(f"evaluate_frame takes a Dask or pandas DataFrame, found "
                           f"{type(frame).__name__}", Location(None, None, None, "/"),
                           "invalid-frame")
    import dask
    import pandas as pd

    for required in ("action", "resource"):
        if required not in frame.columns:
            raise RequestError(f"missing column {required!r}",
                               Location(None, None, None, f"/{required}"), "invalid-column")
    meta = frame._meta.assign(**{DECISION_COLUMN: pd.Series([], dtype=object),
                                 ALLOWED_COLUMN: pd.Series([], dtype=bool)})
    # one graph node holding the compiled policy set: shipped once per worker
    shared = dask.delayed(policy_set, pure=True)
    return frame.map_partitions(decide_partition, shared, principal,
                                dict(context) if context else None, meta=meta)
