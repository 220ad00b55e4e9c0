"""``check_isolation``: can any identity of a pool reach another identity's resources?

The exhaustive search (:mod:`.search`) decides every ordered pair of the generated
population, across role paths, for every action the roles grant on the templates'
resources; the adversarial search (:mod:`.adversarial`) then looks for pairs whose values
collide. A check where no identity may act on its own resource is vacuous and refused
(as ``assert_isolated`` does): the templates would name nothing anyone owns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cognito.model import Login
from ..engine.explain import Decision, statement_ref
from ..errors import InputError, Location
from .adversarial import adversarial_search
from .generate import Member, PathSummary, Population
from .probes import PoolInput, make_probes, parse_context_options, population_of
from .search import Progress, VacuousCheck, search_population


@dataclass
class Counterexample:
    """Attacker A allowed ``action`` on victim B's ``resource``."""

    attacker: Member
    victim: Member
    action: str
    resource: str
    context: dict[str, Any]
    decision: Decision
    template: str
    search: str          # "exhaustive" or "adversarial"
    mode: str            # "single" or "mixed" (A's and B's values in a multivalued key)
    note: str = ""       # how the adversarial search got there, when it is not obvious

    def to_dict(self) -> dict[str, Any]:
        return {"attacker": self.attacker.to_dict(), "victim": self.victim.to_dict(),
                "action": self.action, "resource": self.resource, "context": self.context,
                "statements": [statement_ref(st) for st in self.decision.statements],
                "template": self.template, "search": self.search, "mode": self.mode,
                "note": self.note}


@dataclass
class IsolationResult:
    """The outcome of :func:`check_isolation`."""

    population: Population
    templates: list[str]
    actions: dict[str, tuple[str, ...]]
    checked: int
    counterexamples: list[Counterexample]
    counterexample_count: int
    #: attacker role path -> number of (attacker, victim, action) pairs allowed
    by_path: dict[str, int] = field(default_factory=dict)
    adversarial_examples: int = 0

    @property
    def isolated(self) -> bool:
        return not self.counterexamples

    def to_dict(self) -> dict[str, Any]:
        return {
            "isolated": self.isolated,
            "checked": self.checked,
            "counterexamples": [c.to_dict() for c in self.counterexamples],
            "counterexample_count": self.counterexample_count,
            "templates": {t: list(a) for t, a in self.actions.items()},
            "role_paths": [path_dict(p, self.by_path.get(p.key, 0))
                           for p in self.population.paths.values()],
            "adversarial_examples": self.adversarial_examples,
        }


def path_dict(path: PathSummary, leaks: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": path.key, "description": path.description,
                           "role_arn": path.role_arn, "identities": path.identities}
    if path.refusal is not None:
        out["refused"] = {"error": path.refusal.code, "reason": path.refusal.reason}
    if leaks is not None:
        out["counterexamples"] = leaks
    return out


def check_isolation(pool: PoolInput, templates: str | Sequence[str], *,
                    context: Sequence[str] | Mapping[str, str] | None = None,
                    actions: Sequence[str] | None = None, n: int = 100,
                    logins: Sequence[Login | Mapping[str, Any]] | None = None,
                    adversarial: bool = True, adversarial_examples: int = 200,
                    examples_per_class: int = 1, progress: Progress | None = None,
                    on_total: Any = None) -> IsolationResult:
    """Search for identities A != B of ``pool`` where A may act on B's resource.

    ``templates`` name each identity's resources (``${sub}`` = its identity ID, any
    ``${context-key}``); ``context`` (``["dynamodb:LeadingKeys=${sub}"]`` or a mapping)
    puts the victim's values in the attacker's request context. ``actions`` default to
    every action the roles grant that applies to the resource. ``n`` identities per role
    path, or the given ``logins``. Counterexamples are listed up to
    ``examples_per_class`` per (attacker path, victim path, template, action, mode);
    ``counterexample_count`` counts them all. Raises
    :class:`~policy_eval.population.search.VacuousCheck` when no identity may act on its
    own resource.
    """
    population = population_of(pool, n, logins)
    probes = make_probes(templates, parse_context_options(context))
    for p, probe in enumerate(probes):
        if not probe.template.has_variables and not probe.context:
            raise InputError(
                f"resource template {probe.source!r} has no ${{...}} and no --context names "
                "the victim's value: every identity would own the same resource, so there is "
                "no other identity's resource to reach (use e.g. ${sub})",
                Location(None, None, None, f"/resource/{p}"), "invalid-template")
    found = search_population(population, probes, actions=actions,
                              examples_per_class=examples_per_class, progress=progress,
                              on_total=on_total)
    for p, probe in enumerate(probes):
        if not any((found.own[(p, a)] == 0).any() for a in probe.actions):
            raise VacuousCheck(
                f"vacuous isolation check: no identity may use any of {len(probe.actions)} "
                f"action(s) ({', '.join(probe.actions)}) on its own resource "
                f"{probe.source!r}; the template should name a resource its identity owns",
                Location(None, None, None, f"/resource/{p}"), "vacuous-check")
    members = population.members
    examples = [Counterexample(members[leak.attacker], members[leak.victim], leak.action,
                               leak.resource, leak.context, leak.decision,
                               probes[leak.probe].source, leak.search, leak.mode)
                for leak in found.leaks]
    by_path: dict[str, int] = {}
    for (_p, _action), reach in found.reach.items():
        for index in reach.nonzero()[0].tolist():
            path = members[index].path
            by_path[path] = by_path.get(path, 0) + int(reach[index])
    total = found.leak_count
    if adversarial and adversarial_examples > 0 and members:
        known = {(e.attacker.path, e.victim.path, e.action) for e in examples}
        for leak in adversarial_search(population, probes, known=known,
                                       max_examples=adversarial_examples):
            examples.append(Counterexample(leak.attacker, leak.victim, leak.action,
                                           leak.resource, leak.context, leak.decision,
                                           probes[leak.probe].source, "adversarial",
                                           leak.mode, leak.note))
            by_path[leak.attacker.path] = by_path.get(leak.attacker.path, 0) + 1
            total += 1
    return IsolationResult(population, [p.source for p in probes],
                           {p.source: p.actions for p in probes}, found.checked, examples,
                           total, by_path,
                           adversarial_examples if adversarial else 0)
