"""``access_matrix``: who may do what, for a whole population.

For each identity, each resource template (filled with the identity's own values) and
each action: the decision on its own resource, the deciding statements, and how many other
identities' resources the identity reaches (from the exhaustive search of
:mod:`.search`, so "others" means every other identity of the population).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..cognito.model import Login
from ..engine.batch import DECISION_NAMES
from ..engine.explain import statement_ref
from .generate import Population
from .probes import PoolInput, make_probes, population_of
from .search import Probe, Progress, SearchResult, search_population


@dataclass
class AccessMatrix:
    """Decisions per identity × action × resource, and reach into others' resources."""

    population: Population
    probes: list[Probe]
    found: SearchResult

    @property
    def templates(self) -> list[str]:
        return [p.source for p in self.probes]

    def columns(self) -> list[tuple[int, str]]:
        """(probe index, action) pairs, in template then action order."""
        return [(p, a) for p, probe in enumerate(self.probes) for a in probe.actions]

    def decision(self, member: int, probe: int, action: str) -> str | None:
        """The decision of ``member`` on its own resource (``None``: it owns none)."""
        code = int(self.found.own[(probe, action)][member])
        return None if code < 0 else DECISION_NAMES[code]

    def reach(self, member: int, probe: int, action: str) -> int:
        """How many other identities' resources ``member`` may act on."""
        return int(self.found.reach[(probe, action)][member])

    def rows(self, *, statements: bool = True) -> Iterator[dict[str, Any]]:
        """One row per identity × action × resource (the identity's own)."""
        members = self.population.members
        contexts = [m.identity.context for m in members]
        for p, action in self.columns():
            probe = self.probes[p]
            lookup = self.found.own_decision[(p, action)]
            for index, member in enumerate(members):
                name = self.decision(index, p, action)
                if name is None:
                    continue
                row: dict[str, Any] = {
                    "role_path": member.path, "identity_id": member.identity_id,
                    "role_arn": member.role_arn, "action": action,
                    "resource": probe.template.resolve({k.lower(): v for k, v in
                                                        contexts[index].items()}),
                    "template": probe.source, "decision": name,
                    "others_reached": self.reach(index, p, action)}
                if statements:
                    row["statements"] = [statement_ref(st) for st in lookup(index).statements]
                yield row

    def summary(self) -> list[dict[str, Any]]:
        """Per role path × template × action: identities, how many may act on their own
        resource, how many reach other identities' resources."""
        by_path = self.population.by_path()
        index_of = {id(m): i for i, m in enumerate(self.population.members)}
        out = []
        for key, path in self.population.paths.items():
            if path.refusal is not None:
                continue
            indices = [index_of[id(m)] for m in by_path.get(key, [])]
            for p, action in self.columns():
                own = self.found.own[(p, action)][indices]
                reach = self.found.reach[(p, action)][indices]
                out.append({"role_path": key, "role_arn": path.role_arn,
                            "identities": len(indices), "template": self.probes[p].source,
                            "action": action, "owning": int((own >= 0).sum()),
                            "own_allowed": int((own == 0).sum()),
                            "others_allowed": int((reach > 0).sum()),
                            "shared": not self.probes[p].template.has_variables})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"templates": {p.source: list(p.actions) for p in self.probes},
                "summary": self.summary(), "rows": list(self.rows())}


def access_matrix(pool: PoolInput, templates: str | Sequence[str], *,
                  actions: Sequence[str] | None = None, n: int = 100,
                  logins: Sequence[Login | Mapping[str, Any]] | None = None,
                  progress: Progress | None = None, on_total: Any = None) -> AccessMatrix:
    """The access matrix of ``pool``'s population (``n`` identities per role path, or the
    given ``logins``) over the resource templates; ``actions`` default to every action
    the roles grant that applies to each resource."""
    population = population_of(pool, n, logins)
    probes = make_probes(templates)
    found = search_population(population, probes, actions=actions, examples_per_class=0,
                              progress=progress, on_total=on_total)
    return AccessMatrix(population, probes, found)
