"""Hand-specialised evaluators of the benchmark policy: the practical ceiling in Python.

``make_ref_python`` is what a perfect policy compiler could emit for the base
workload's four-statement policy (``workload.POLICY``) and nothing else: one
function that branches on the action and tests prefixes with ``str.startswith``.
It is the row-wise "physical limit" of ``peers/performance.md`` (the idea is
``ref_python`` in ``shared/peers/bench/limits.py``), written again here and
returning the three-valued decision, so that it does the same job as
``PolicySet.evaluate`` minus everything general. It knows the policy by heart;
it is a yardstick, not an evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.workload import (
    ALLOW,
    BUCKET,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    TABLE_ARN,
)

_OBJ = f"arn:aws:s3:::{BUCKET}/"
_BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
_GET, _PUT, _LIST = "s3:GetObject", "s3:PutObject", "s3:ListBucket"
_DDB = frozenset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"])

Decide = Callable[[int, str, str, dict[str, Any]], str]


def make_ref_python(identities: Sequence[str]) -> Decide:
    """decide(identity_index, action, resource, context) -> decision, for ``workload.POLICY``."""
    obj_pfx = [f"{_OBJ}{x}/" for x in identities]
    list_pfx = [f"{x}/" for x in identities]
    ids = list(identities)
    n_obj = len(_OBJ)

    def decide(i: int, a: str, r: str, c: dict[str, Any]) -> str:
        if a in (_GET, _PUT):
            # NoWritesToReadonly: arn:aws:s3:::BUCKET/*/readonly/*
            if a == _PUT and r.startswith(_OBJ) and r.find("/readonly/", n_obj) >= n_obj:
                return EXPLICIT_DENY
            return ALLOW if r.startswith(obj_pfx[i]) else IMPLICIT_DENY
        if a == _LIST:
            p = c.get("s3:prefix")
            ok = r == _BUCKET_ARN and isinstance(p, str) and p.startswith(list_pfx[i])
            return ALLOW if ok else IMPLICIT_DENY
        if a in _DDB:
            own = ids[i]
            ok = r == TABLE_ARN and all(k == own for k in c.get("dynamodb:LeadingKeys", ()))
            return ALLOW if ok else IMPLICIT_DENY
        return IMPLICIT_DENY

    return decide
