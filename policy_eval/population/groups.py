"""Identities grouped by policy set, and the one function that evaluates their rows.

Identities that share a role and session policies share a policy set: one
:class:`~policy_eval.PolicySet` decides the rows of all of them, each row carrying its own
identity's request context (``sub``, principal tags, ``amr`` ...). Rows go through the
columnar batch core (``PolicySet.evaluate_many`` over a ``RequestBatch``), whose decisions
agree with the scalar engine row by row (a property test of the engine holds them
together); any row's scalar ``Decision``, with its explanation, is ``decisions[i]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..engine.compile import CompiledStatement
from ..policyset import PolicySet
from .generate import Population
from .owners import fold

if TYPE_CHECKING:
    from ..engine.batch import DecisionBatch


@dataclass
class PolicyGroup:
    """Members (indices into ``Population.members``) that share one policy set."""

    role_arn: str
    session: tuple[str, ...]
    policy_set: PolicySet
    principal: str
    members: list[int] = field(default_factory=list)

    @property
    def referenced_keys(self) -> frozenset[str]:
        """Context keys (folded) the policies read: condition keys and variables. Only
        these can change a decision, so rows carry only these columns."""
        return self.policy_set.engine.referenced_keys

    def allow_statements(self, action: str) -> list[CompiledStatement]:
        """Identity-policy Allow statements whose action part covers ``action``. With no
        resource-based policy in the set, a request is allowed only if one of them
        applies (spec §2.3): the search uses that to rule rows out without evaluating."""
        key = action.lower()
        return [st for pol in self.policy_set.identity for st in pol.statements
                if not st.deny and st.action_applies(key)]


def policy_groups(population: Population) -> list[PolicyGroup]:
    """The population's members grouped by (role, session policies)."""
    groups: dict[tuple[str, tuple[str, ...]], PolicyGroup] = {}
    for index, member in enumerate(population.members):
        ident = member.identity
        key = (ident.role_arn, tuple(sp.name for sp in ident.session_policies))
        group = groups.get(key)
        if group is None:
            group = groups[key] = PolicyGroup(key[0], key[1], ident.policy_set_with(),
                                              ident.principal)
        group.members.append(index)
    return list(groups.values())


def member_contexts(population: Population) -> list[dict[str, Any]]:
    """Each member's session context with lower-cased keys."""
    return [fold(m.identity.context) for m in population.members]


class ContextColumns:
    """The members' contexts as one column per key (object arrays indexed by member),
    so that the rows of many attackers are gathered without building a dict per row."""

    def __init__(self, contexts: Sequence[Mapping[str, Any]]) -> None:
        keys: dict[str, None] = {}
        for ctx in contexts:
            keys.update(dict.fromkeys(ctx))
        self.columns: dict[str, npt.NDArray[Any]] = {}
        for key in keys:
            column = np.empty(len(contexts), dtype=object)
            column[:] = [_cell(ctx.get(key)) for ctx in contexts]
            self.columns[key] = column

    def gather(self, members: npt.NDArray[np.intp], keys: frozenset[str]
               ) -> dict[str, list[Any]]:
        """The context columns named in ``keys`` of rows whose attacker is
        ``members[i]``."""
        return {key: column[members].tolist() for key, column in self.columns.items()
                if key in keys}


def _cell(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def decide_rows(policy_set: PolicySet, principal: str, action: str, resources: Sequence[str],
                context: Mapping[str, Sequence[Any]]) -> DecisionBatch:
    """Decide ``action`` on ``resources[i]`` with the context of row ``i`` (``context``:
    key -> one value per row) for every row, through the batch core (one call per policy
    group and action)."""
    from ..engine.batch import RequestBatch

    batch = RequestBatch.from_columns(action=[action] * len(resources), resource=resources,
                                      principal=principal, context=context)
    return policy_set.evaluate_many(batch)
