"""Which victims' resources could an attacker's statement possibly reach? A sound filter.

For attacker A and a resource template, the victims are the distinct *owner values*
(B's resource, and B's values of the ``--context`` keys). Evaluating A against every
victim is quadratic; but a request is allowed only if an identity-policy Allow statement
applies (spec §2.3, no resource-based policy in a pool's policy sets), and a statement
applies only if its resource pattern matches and its conditions hold. So for each Allow
statement we compute, from A's context, a *superset* of the victims it can apply to:

* a ``Resource`` pattern, with A's values substituted (taken literally, spec §3.1 [I];
  an unresolved variable matches nothing, §3.3), matches only resources that start with
  its text up to the first wildcard: a range of the victims' resources sorted by
  case-folded text (folding only widens the range);
* a positive ``String*``/``Arn*`` condition on a key whose value is B's (``--context``)
  holds only if B's value starts with one of the clause's literal prefixes, when B's
  value alone decides it: the key holds B's value alone (plain operator, ``ForAnyValue``,
  ``ForAllValues``), or A's and B's values together under ``ForAllValues``;
* anything else (``NotResource``, ``*``, negated or other operators) filters nothing.

The union over statements of the intersections is exact enough to skip the rows no
statement can allow; the rows left are decided by the batch core, so every reported
counterexample is a real decision of the engine.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..document.variables import Literal, Part, Text, Variable, parse_template
from ..engine.compile import CompiledStatement
from ..engine.templates import arn_resource_only

ALL = None   # "every victim": no filter


class SortedValues:
    """Victim values sorted by case-folded text, for prefix lookups: a prefix selects a
    range of sorted positions; ``rank[v]`` is the position of victim ``v``."""

    def __init__(self, values: Sequence[str]) -> None:
        pairs = sorted((v.casefold(), i) for i, v in enumerate(values))
        self.keys = [k for k, _ in pairs]
        self.indices = np.asarray([i for _, i in pairs], dtype=np.intp)
        self.rank = np.empty(len(values), dtype=np.intp)
        self.rank[self.indices] = np.arange(len(values), dtype=np.intp)

    def range_of(self, prefix: str) -> tuple[int, int]:
        """Sorted positions of the values that start with ``prefix`` (case-folded)."""
        folded = prefix.casefold()
        keys = self.keys
        lo = bisect.bisect_left(keys, folded)
        hi = bisect.bisect_left(keys, folded + "\U0010ffff", lo)
        while hi < len(keys) and keys[hi].startswith(folded):
            hi += 1
        return lo, hi


@dataclass(frozen=True)
class Ranges:
    """Victims selected by one filter: ranges of sorted positions in one index."""

    index: SortedValues
    spans: tuple[tuple[int, int], ...]

    @property
    def size(self) -> int:
        return sum(hi - lo for lo, hi in self.spans)

    def members(self) -> npt.NDArray[np.intp]:
        if not self.spans:
            return np.zeros(0, dtype=np.intp)
        return np.concatenate([self.index.indices[lo:hi] for lo, hi in self.spans])

    def contains(self, victims: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        rank = self.index.rank[victims]
        keep = np.zeros(len(victims), dtype=bool)
        for lo, hi in self.spans:
            keep |= (rank >= lo) & (rank < hi)
        return keep


def _parts(text: str, variables: bool, arn: bool) -> tuple[Part, ...]:
    if not variables or "${" not in text:
        return (Text(text),)
    try:
        parts = parse_template(text)
    except ValueError:
        return (Text(text),)
    return arn_resource_only(parts) if arn else parts


def _uses(parts: tuple[Part, ...], keys: frozenset[str]) -> bool:
    return any(isinstance(p, Variable) and p.folded in keys for p in parts)


def literal_prefix(parts: tuple[Part, ...], ctx: Mapping[str, Any], wildcards: bool
                   ) -> str | None:
    """The text a match must start with, for A's context; ``None`` when a variable is
    unresolved (the pattern matches nothing, spec §3.3)."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, Variable):
            value = ctx.get(part.folded)
            if type(value) is not str:
                value = part.default
            if value is None:
                return None
            out.append(value)
        elif isinstance(part, Literal):
            out.append(part.value)
        else:
            text = part.value
            if wildcards:
                cut = min((i for i in (text.find("*"), text.find("?")) if i >= 0), default=-1)
                if cut >= 0:
                    out.append(text[:cut])
                    return "".join(out)
            out.append(text)
    return "".join(out)


@dataclass(frozen=True)
class _ConditionFilter:
    key: str                                   # folded context key (a victim key)
    values: tuple[tuple[Part, ...], ...]       # parsed policy values
    wildcards: bool
    mixed_ok: bool                             # still a filter when A's value is mixed in


class StatementFilter:
    """The victims one Allow statement can apply to, as a function of A's context."""

    def __init__(self, statement: CompiledStatement, victim_keys: frozenset[str]) -> None:
        st = statement.statement
        variables = statement.policy.policy.variables_enabled
        self.resources: tuple[tuple[Part, ...], ...] | None = None
        if st.resources is not None and "*" not in st.resources:
            parsed = tuple(_parts(p, variables, arn=True) for p in st.resources)
            if not any(_uses(parts, victim_keys) for parts in parsed):
                self.resources = parsed
        conditions: list[_ConditionFilter] = []
        for clause in st.conditions:
            if clause.folded_key not in victim_keys:
                continue
            op = clause.parsed_operator
            base = op.base
            if base.family not in ("String", "Arn") or base.negated:
                continue
            if base.comparison not in ("equals", "like"):
                continue
            values = tuple(_parts(v, variables and base.variables, arn=False)
                           for v in clause.values)
            if any(_uses(parts, victim_keys) for parts in values):
                continue   # the policy value itself would be B's: no filter
            conditions.append(_ConditionFilter(clause.folded_key, values, base.wildcards,
                                               op.set_qualifier == "ForAllValues"))
        self.conditions = tuple(conditions)

    def victims(self, ctx: Mapping[str, Any], resources: SortedValues,
                keyed: Mapping[str, SortedValues], mixed: bool
                ) -> npt.NDArray[np.intp] | None:
        """Victim indices the statement may apply to for attacker context ``ctx``
        (``None``: all of them): the smallest filter enumerated, the others tested."""
        selections: list[Ranges] = []
        if self.resources is not None:
            spans = []
            for parts in self.resources:
                prefix = literal_prefix(parts, ctx, wildcards=True)
                if prefix is not None:
                    spans.append(resources.range_of(prefix))
            selections.append(Ranges(resources, tuple(spans)))
        for cond in self.conditions:
            if mixed and not cond.mixed_ok:
                continue
            index = keyed[cond.key]
            spans = []
            for parts in cond.values:
                prefix = literal_prefix(parts, ctx, cond.wildcards)
                if prefix is not None:
                    spans.append(index.range_of(prefix))
            selections.append(Ranges(index, tuple(spans)))
        if not selections:
            return ALL
        selections.sort(key=lambda r: r.size)
        found = selections[0].members()
        if len(selections[0].spans) > 1:
            found = np.unique(found)
        for other in selections[1:]:
            if not len(found):
                break
            found = found[other.contains(found)]
        return found


def candidate_victims(found: Sequence[npt.NDArray[np.intp] | None], total: int
                      ) -> npt.NDArray[np.intp]:
    """The union of the statements' victims (all of them when one cannot say)."""
    if any(f is None for f in found):
        return np.arange(total, dtype=np.intp)
    arrays = [f for f in found if f is not None and len(f)]
    if not arrays:
        return np.zeros(0, dtype=np.intp)
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
