"""The exhaustive search: which identity may act on which other identity's resource.

For a resource template (and ``--context`` templates whose values are the victim's), each
member B *owns* one value: the template filled with B's context. For every attacker A,
every action, and every victim value other than A's own, the search decides whether A
may act on it, across all role paths (a guest reaching a user's data counts). Two
request shapes are tried:

* ``single``: A's request carries B's resource and B's values of the context keys;
* ``mixed``: a multivalued context key (per the service reference, e.g.
  ``dynamodb:LeadingKeys``) holds A's own value and B's, ``[A, B]``, as ``BatchGetItem``
  sends keys of several items in one request.

Nothing is sampled: rows that no Allow statement of A's policy set can match are ruled out
by a sound filter (:mod:`.candidates`); every other row is decided by the batch core, one
call per policy group and action (:mod:`.groups`). Each reported counterexample is
re-decided by the scalar engine, which must agree. The result also holds, per member, the
decision on its own resource (to reject a vacuous check and for ``matrix``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..catalog import get_catalog
from ..engine.explain import Decision
from ..errors import InputError, Location, PolicyEvalError
from .candidates import SortedValues, StatementFilter, candidate_victims
from .generate import Population
from .groups import ContextColumns, PolicyGroup, decide_rows, member_contexts, policy_groups
from .owners import OwnerTemplate, granted_actions

Progress = Callable[[int], None]


class VacuousCheck(PolicyEvalError):
    """No identity may act on its own resource: the templates name nothing anyone owns."""


#: Candidate (attacker, victim) rows decided per batch call: bounds the memory of a search
#: the candidate filter cannot narrow (a pool granting ``private/*`` to everyone).
_CHUNK_ROWS = 1 << 18

@dataclass
class Probe:
    """One resource template with the context templates that go with it."""

    template: OwnerTemplate
    context: dict[str, OwnerTemplate] = field(default_factory=dict)   # key as written
    actions: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return self.template.source


@dataclass
class Victims:
    """The distinct owner values of a probe and the members owning each."""

    resources: list[str]
    contexts: list[dict[str, str]]          # key as written -> value
    owners: list[list[int]]
    own: list[int | None]                   # member -> its value index
    total: int                              # members that own something
    keys: tuple[str, ...] = ()              # the context keys, as written

    def __post_init__(self) -> None:
        self.resource_array = np.asarray(self.resources, dtype=object)
        self.key_values = {k: np.asarray([c[k] for c in self.contexts], dtype=object)
                           for k in self.keys}
        self.owner_counts = np.asarray([len(o) for o in self.owners], dtype=np.int64)
        self.first_owner = np.asarray([o[0] for o in self.owners], dtype=np.intp)


def victims_of(probe: Probe, contexts: Sequence[Mapping[str, Any]]) -> Victims:
    index: dict[tuple[str, tuple[str, ...]], int] = {}
    resources: list[str] = []
    ctx_values: list[dict[str, str]] = []
    owners: list[list[int]] = []
    own: list[int | None] = []
    keys = list(probe.context)
    for member, ctx in enumerate(contexts):
        resource = probe.template.resolve(ctx)
        values = [probe.context[k].resolve(ctx) for k in keys]
        if resource is None or any(v is None for v in values):
            own.append(None)
            continue
        key = (resource, tuple(v or "" for v in values))
        found = index.get(key)
        if found is None:
            found = index[key] = len(resources)
            resources.append(resource)
            ctx_values.append(dict(zip(keys, values, strict=True)))  # type: ignore[arg-type]
            owners.append([])
        owners[found].append(member)
        own.append(found)
    return Victims(resources, ctx_values, owners, own, sum(len(o) for o in owners), tuple(keys))


@dataclass
class Leak:
    """Attacker A allowed ``action`` on victim B's resource (the scalar decision)."""

    attacker: int
    victim: int
    action: str
    resource: str
    context: dict[str, Any]
    decision: Decision
    probe: int
    mode: str
    search: str = "exhaustive"


@dataclass
class SearchResult:
    """What the exhaustive search decided."""

    population: Population
    probes: list[Probe]
    checked: int = 0
    leak_count: int = 0
    leaks: list[Leak] = field(default_factory=list)
    #: (probe, action) -> per member: decision code on its own resource (-1: owns none)
    own: dict[tuple[int, str], npt.NDArray[np.int8]] = field(default_factory=dict)
    #: (probe, action) -> per member: how many other identities' resources it reaches
    reach: dict[tuple[int, str], npt.NDArray[np.int64]] = field(default_factory=dict)
    #: (probe, action) -> per member: the scalar decision on its own resource (lazy)
    own_decision: dict[tuple[int, str], Callable[[int], Decision]] = field(
        default_factory=dict)
    #: member -> index of its role path (in ``population.paths`` order)
    path_index: npt.NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, np.intp))


def multivalued_keys(keys: Sequence[str]) -> set[str]:
    """The keys the service reference types as multivalued (``ArrayOf...``)."""
    catalog = get_catalog()
    out = set()
    for key in keys:
        info = catalog.condition_key(key)
        if info is not None and info.multivalued:
            out.add(key)
    return out


def resolve_actions(probe: Probe, population: Population, victims: Victims,
                    given: Sequence[str] | None, index: int) -> tuple[str, ...]:
    if given:
        return tuple(given)
    if not victims.resources:
        return ()
    found = granted_actions((m.identity for m in population.members), victims.resources[0])
    if not found:
        raise InputError(f"no action the pool's roles grant applies to {victims.resources[0]} "
                         f"(template {probe.source!r}); name the actions with --action",
                         Location(None, None, None, f"/resource/{index}"), "no-actions")
    return found


def search_population(population: Population, probes: list[Probe], *,
                      actions: Sequence[str] | None = None, examples_per_class: int = 3,
                      progress: Progress | None = None,
                      on_total: Callable[[int], None] | None = None) -> SearchResult:
    """Decide every (attacker, victim, action) of every probe; see the module doc."""
    contexts = member_contexts(population)
    columns = ContextColumns(contexts)
    groups = policy_groups(population)
    result = SearchResult(population, probes)
    path_ids = {key: i for i, key in enumerate(population.paths)}
    result.path_index = np.asarray([path_ids[m.path] for m in population.members],
                                   dtype=np.intp)
    members = population.members
    plan: list[tuple[int, Probe, Victims]] = []
    for p, probe in enumerate(probes):
        victims = victims_of(probe, contexts)
        if not victims.resources:
            raise InputError(f"no identity owns a resource under {probe.source!r}: every "
                             "identity lacks one of its keys " +
                             ", ".join(["${" + k + "}" for k in probe.template.keys]),
                             Location(None, None, None, f"/resource/{p}"), "vacuous-check")
        probe.actions = resolve_actions(probe, population, victims, actions, p)
        plan.append((p, probe, victims))
    if on_total is not None:
        on_total(sum(len(groups) * len(probe.actions) for _, probe, _ in plan))
    per_class: dict[tuple[Any, ...], int] = {}
    for p, probe, victims in plan:
        keys = list(probe.context)
        folded = {k: k.lower() for k in keys}
        resources_index = SortedValues(victims.resources)
        keyed = {folded[k]: SortedValues([c[k] for c in victims.contexts]) for k in keys}
        multi = multivalued_keys(keys)
        modes = ["single"] + (["mixed"] if multi else [])
        victim_keys = frozenset(folded.values())
        filters: dict[int, StatementFilter] = {}
        reached: dict[tuple[int, int, str], npt.NDArray[np.intp] | None] = {}
        for action in probe.actions:
            own_codes = np.full(len(members), -1, dtype=np.int8)
            reach = np.zeros(len(members), dtype=np.int64)
            own_lookup: dict[int, tuple[Any, int]] = {}
            for group in groups:
                _own_rows(group, action, victims, columns, own_codes, own_lookup)
                statements = group.allow_statements(action)
                for st in statements:
                    if id(st) not in filters:
                        filters[id(st)] = StatementFilter(st, victim_keys)
                for mode in modes:
                    attackers: list[npt.NDArray[np.intp]] = []
                    values: list[npt.NDArray[np.intp]] = []
                    pending = 0
                    for a in group.members:
                        own = victims.own[a]
                        if mode == "mixed" and own is None:
                            continue
                        result.checked += victims.total - (
                            len(victims.owners[own]) if own is not None else 0)
                        if not statements:
                            continue
                        found = candidate_victims(
                            [_victims_of(filters[id(st)], st, a, mode, contexts[a],
                                         resources_index, keyed, reached)
                             for st in statements], len(victims.resources))
                        if own is not None:
                            found = found[found != own]
                        if len(found):
                            values.append(found)
                            attackers.append(np.full(len(found), a, dtype=np.intp))
                            pending += len(found)
                        if pending >= _CHUNK_ROWS:
                            # decided in chunks: a pool the filter cannot narrow (every
                            # pair a candidate) keeps its memory flat
                            _decide(result, group, p, action, mode, np.concatenate(attackers),
                                    np.concatenate(values), victims, columns, multi, reach,
                                    per_class, examples_per_class)
                            attackers, values, pending = [], [], 0
                    if values:
                        _decide(result, group, p, action, mode, np.concatenate(attackers),
                                np.concatenate(values), victims, columns, multi, reach,
                                per_class, examples_per_class)
                if progress is not None:
                    progress(1)
            result.own[(p, action)] = own_codes
            result.reach[(p, action)] = reach

            def lookup(member: int, table: dict[int, tuple[Any, int]] = own_lookup
                       ) -> Decision:
                batch, row = table[member]
                return batch[row]
            result.own_decision[(p, action)] = lookup
    return result


def _victims_of(filt: StatementFilter, statement: object, attacker: int, mode: str,
                ctx: Mapping[str, Any], resources: SortedValues,
                keyed: Mapping[str, SortedValues],
                cache: dict[tuple[int, int, str], npt.NDArray[np.intp] | None]
                ) -> npt.NDArray[np.intp] | None:
    """A statement's candidate victims for one attacker, computed once per probe (the
    same statement serves several actions)."""
    key = (id(statement), attacker, mode)
    if key not in cache:
        cache[key] = filt.victims(ctx, resources, keyed, mode == "mixed")
    return cache[key]


def _victim_columns(victims: Victims, attackers: npt.NDArray[np.intp],
                    values: npt.NDArray[np.intp], mode: str, multi: set[str]
                    ) -> dict[str, list[Any]]:
    """The victim's context keys of each row (folded key -> values): B's value, or
    ``(A's, B's)`` for a multivalued key in ``mixed`` mode."""
    out: dict[str, list[Any]] = {}
    for key in victims.keys:
        per_value = victims.key_values[key]
        theirs = per_value[values].tolist()
        if mode == "mixed" and key in multi:
            own = np.asarray([victims.own[a] for a in attackers.tolist()], dtype=np.intp)
            mine = per_value[own].tolist()
            out[key.lower()] = [(m, t) for m, t in zip(mine, theirs, strict=True)]
        else:
            out[key.lower()] = theirs
    return out


def _own_rows(group: PolicyGroup, action: str, victims: Victims, columns: ContextColumns,
              codes: npt.NDArray[np.int8], lookup: dict[int, tuple[Any, int]]) -> None:
    """Each member of the group on its own resource."""
    owners = np.asarray([a for a in group.members if victims.own[a] is not None],
                        dtype=np.intp)
    if not len(owners):
        return
    values = np.asarray([victims.own[a] for a in owners.tolist()], dtype=np.intp)
    context = columns.gather(owners, group.referenced_keys)
    context.update(_victim_columns(victims, owners, values, "single", set()))
    batch = decide_rows(group.policy_set, group.principal, action,
                        victims.resource_array[values].tolist(), context)
    codes[owners] = batch.codes
    for row, a in enumerate(owners.tolist()):
        lookup[a] = (batch, row)


def _decide(result: SearchResult, group: PolicyGroup, p: int, action: str, mode: str,
            attackers: npt.NDArray[np.intp], values: npt.NDArray[np.intp], victims: Victims,
            columns: ContextColumns,
            multi: set[str], reach: npt.NDArray[np.int64],
            per_class: dict[tuple[Any, ...], int], examples_per_class: int) -> None:
    members = result.population.members
    context = columns.gather(attackers, group.referenced_keys)
    context.update(_victim_columns(victims, attackers, values, mode, multi))
    batch = decide_rows(group.policy_set, group.principal, action,
                        victims.resource_array[values].tolist(), context)
    allowed = np.flatnonzero(batch.allowed)
    if not len(allowed):
        return
    # Rows never hold the attacker's own value, so every owner of the value is another
    # identity.
    counts = victims.owner_counts[values[allowed]]
    np.add.at(reach, attackers[allowed], counts)
    result.leak_count += int(counts.sum())
    victim_of = victims.first_owner[values[allowed]]
    paths = result.path_index
    classes = paths[attackers[allowed]] * len(members) + paths[victim_of]
    order = np.argsort(classes, kind="stable")
    _, starts = np.unique(classes[order], return_index=True)
    for start in starts.tolist():
        for i in order[start:start + examples_per_class].tolist():
            row = int(allowed[i])
            a, v = int(attackers[row]), int(values[row])
            b = int(victim_of[i])
            cls = (members[a].path, members[b].path, p, action, mode)
            if per_class.get(cls, 0) >= examples_per_class:
                continue
            per_class[cls] = per_class.get(cls, 0) + 1
            extra = {key: (list(val) if isinstance(val, tuple) else val)
                     for key, val in zip(victims.keys,
                                         (context[k.lower()][row] for k in victims.keys),
                                         strict=True)}
            # Reproduce with the scalar engine and the identity's whole session context.
            decision = group.policy_set.evaluate(
                members[a].identity.request(action, victims.resources[v], extra))
            if not decision.allowed:  # pragma: no cover - the engine's agreement property
                raise AssertionError(f"batch and scalar engines disagree on {decision!r}")
            result.leaks.append(Leak(a, b, action, victims.resources[v], extra, decision,
                                     p, mode))
