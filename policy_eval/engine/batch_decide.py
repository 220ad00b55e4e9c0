"""Deciding a whole :class:`~policy_eval.engine.batch.RequestBatch` (spec semantics.md §2.3).

The batch counterpart of ``DecisionEngine.decide``, step for step (see ``decide.py``'s
docstring for the seven steps). Rows are grouped by action and by what the principal
changes in the procedure (whether identity policies apply to it, its account, how each
resource-policy statement names it); within a group every step is a mask over the rows
still undecided, and each statement is asked only about the rows that reach it, through
``BatchMatcher`` (``batch_match.py``). The action plans (``ActionPlan``) and the compiled
statements are the scalar engine's own.

The keys AWS derives from the principal (``aws:PrincipalArn`` ...) are filled into the
context columns where a row does not set them, as ``DecisionEngine.context_for`` does.
"""

from __future__ import annotations

import numpy as np

from .batch import (
    ALLOW_CODE,
    EXPLICIT_DENY_CODE,
    IMPLICIT_DENY_CODE,
    DecisionBatch,
    RequestBatch,
)
from .batch_match import BatchMatcher
from .columns import Codes, combine
from .decide import _STRENGTH, ActionPlan, DecisionEngine
from .principals import DIRECT_KINDS, Caller

_DIRECT = np.array(sorted({_STRENGTH[k] for k in DIRECT_KINDS}), dtype=np.int8)
_ROLE = _STRENGTH["role"]
# The strongest kind wins (decide step 4): every kind stronger than a direct one is direct.
assert all(s in _DIRECT for s in _STRENGTH.values() if s >= _DIRECT.min())


def decide_batch(engine: DecisionEngine, batch: RequestBatch) -> DecisionBatch:
    """The decision of every row of ``batch``, in order."""
    out = np.full(batch.size, IMPLICIT_DENY_CODE, dtype=np.int8)
    if batch.size == 0:
        return DecisionBatch(out, batch, engine)
    callers = [engine.caller(p) for p in batch.principal.values]
    matcher = BatchMatcher(batch, _derived_columns(engine, batch, callers))

    resource_statements = [st for p in engine.resource for st in p.statements]
    signatures: dict[tuple[object, ...], int] = {}
    representative: list[Caller] = []
    caller_group = np.empty(len(callers), dtype=np.int32)
    for k, caller in enumerate(callers):
        sig = (caller.has_identity, caller.account,
               tuple(st.principal_kind(caller) for st in resource_statements))
        found = signatures.get(sig)
        if found is None:
            found = signatures[sig] = len(representative)
            representative.append(caller)
        caller_group[k] = found

    actions = batch.action
    if len(representative) == 1:
        group, n_groups = actions.codes, len(actions.values)
    else:
        group, first = combine([actions.codes, caller_group[batch.principal.codes]],
                               [len(actions.values), len(representative)])
        n_groups = len(first)
    for rows in _split(group, n_groups):
        row = int(rows[0])
        caller = representative[int(caller_group[batch.principal.codes[row]])]
        plan = engine.plan(actions.values[actions.codes[row]].lower())
        _decide_group(engine, plan, caller, matcher, rows, out)
    return DecisionBatch(out, batch, engine)


def _split(group: Codes, n_groups: int) -> list[Codes]:
    """The rows of each group (codes ``0..n_groups-1``), in row order, empty groups left
    out: one comparison per group when there are few, else one stable sort."""
    if n_groups <= 16:
        found = (np.flatnonzero(group == g).astype(np.int32) for g in range(n_groups))
        return [rows for rows in found if rows.size]
    order = np.argsort(group.astype(np.uint16) if n_groups < 65536 else group,
                       kind="stable").astype(np.int32)
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    return [rows for rows in np.split(order, bounds) if rows.size]


def _derived_columns(engine: DecisionEngine, batch: RequestBatch,
                     callers: list[Caller]) -> dict[str, Codes]:
    """Per principal-derived key, its pool code for each distinct principal (0: none); the
    matcher fills them into the rows that do not set the key, when a statement reads it."""
    if not engine._derive:
        return {}
    keys = sorted({k for c in callers for k in c.derived_context})
    return {key: np.array([batch.intern(c.derived_context[key]) if key in c.derived_context
                           else 0 for c in callers], dtype=np.int32) for key in keys}


def _decide_group(engine: DecisionEngine, plan: ActionPlan, caller: Caller,
                  matcher: BatchMatcher, rows: Codes, out: np.ndarray) -> None:
    """decide.py's procedure over ``rows`` (one action, one kind of caller)."""
    if plan.identity_only:
        if caller.has_identity:
            granted = rows[matcher.any_applies(plan.identity, rows)]
            if caller.account is not None:
                granted = granted[matcher.same_account(granted, caller.account)]
            out[granted] = ALLOW_CODE
        return

    # 1. explicit deny anywhere
    live = rows
    for st in plan.denies:
        if st.policy.slot == "resource" and st.principal_kind(caller) is None and not (
                st.not_principal is not None and engine.has_boundary):
            continue
        hit = matcher.applies(st, live)
        out[live[hit]] = EXPLICIT_DENY_CODE
        live = live[~hit]

    # 2-3. organization caps (a level without an applicable Allow: implicit deny)
    for level in plan.rcp_levels:
        live = live[matcher.any_applies(level, live)]
    if caller.has_identity:
        for level in plan.scp_levels:
            live = live[matcher.any_applies(level, live)]
    if live.size == 0:
        return

    # 4. resource-based policy: the strongest way an applicable Allow names the caller
    strength = np.full(len(live), -1, dtype=np.int8)
    for st in plan.resource:
        kind = st.principal_kind(caller)
        if kind is None:
            continue
        hit = matcher.applies(st, live)
        strength[hit] = np.maximum(strength[hit], _STRENGTH[kind])
    same = (np.ones(len(live), dtype=np.bool_) if caller.account is None
            else matcher.same_account(live, caller.account))
    direct = np.isin(strength, _DIRECT) & same
    out[live[direct]] = ALLOW_CODE

    # 5. identity policies (or a same-account grant to the role ARN); cross-account:
    #    identity Allow AND a resource-policy Allow
    rest = np.flatnonzero(~direct)
    ident = np.zeros(len(live), dtype=np.bool_)
    if caller.has_identity and rest.size:
        ident[rest] = matcher.any_applies(plan.identity, live[rest])
    go = ~direct & np.where(same, ident | (strength == _ROLE), ident & (strength >= 0))
    granted = live[go]

    # 6-7. caps on the principal: boundary, session policies (their union)
    if engine.has_boundary:
        granted = granted[matcher.any_applies(plan.boundary, granted)]
    if engine.has_session:
        granted = granted[matcher.any_applies(plan.session, granted)]
    out[granted] = ALLOW_CODE
