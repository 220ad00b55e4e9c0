"""The adversarial search: pairs of identities whose values are chosen to collide.

Generated identities have unrelated values, so the exhaustive search cannot see a policy
that only breaks when values are related. Here hypothesis draws a role path for the
attacker A and for the victim B, and values built from each other:

* identity IDs that are prefixes or extensions of one another;
* subjects and claims mapped to principal tags that are prefixes, extensions or case
  variants of the other's, and, for claims other than the subject (which the identity
  provider assigns), values with ``*``, ``?`` and ``/`` or equal to the other's (a user
  can set such claims, spec §6.7);
* for a multivalued context key, A's own value and B's together (``mixed``).

Both logins are simulated through the pool; A's request on B's resource is decided by
the scalar engine. A counterexample is A allowed while A's resource differs from B's.
``hypothesis.find`` shrinks it to a small one; runs are derandomised (reproducible).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from ..cognito.identity import Refusal, SimulatedIdentity
from ..cognito.model import Login
from ..errors import PolicyEvalError
from ..policyset import PolicySet
from .generate import ISSUE_TIME, Member, Population
from .owners import fold
from .search import Probe, multivalued_keys

_ID_HEX = "0123456789abcdef"
_TEXT = string.ascii_letters + string.digits + "-_.@"


@dataclass(frozen=True)
class PathTemplate:
    """A role path's representative login and the claims the search may vary."""

    key: str
    login: Login
    subject_claim: str | None
    free_claims: tuple[str, ...]      # claims mapped to principal tags (user-settable)


@dataclass
class AdversarialLeak:
    attacker: Member
    victim: Member
    action: str
    resource: str
    context: dict[str, Any]
    decision: Any
    probe: int
    mode: str
    note: str = ""


def path_templates(population: Population) -> list[PathTemplate]:
    """One template per role path of the population (its first member's login)."""
    pool = population.pool
    tag_maps = pool.config.model.PrincipalTagAttributeMaps
    out: list[PathTemplate] = []
    seen: set[str] = set()
    for member in population.members:
        if member.path in seen:
            continue
        seen.add(member.path)
        login = member.identity.login
        provider = pool.providers.get(member.identity.provider or "")
        subject = provider.subject_claim if provider is not None else None
        free: list[str] = []
        if provider is not None and provider.name in tag_maps:
            tag_map = tag_maps[provider.name]
            mapping = provider.default_tags if tag_map.UseDefaults else tag_map.PrincipalTags
            fixed = population.paths[member.path].fixed_claims
            free = [c for c in dict.fromkeys(mapping.values())
                    if c not in (subject, "aud", "iss", "token_use") and c not in fixed
                    and not c.startswith("cognito:")]
        out.append(PathTemplate(member.path, login, subject, tuple(free)))
    return out


def _related(draw: Callable[..., Any], st: Any, other: str, free: bool) -> str:
    """A value built from ``other``: a prefix, an extension, a case variant, and for
    user-settable claims a copy (the user claims another's value) or a value with
    wildcard characters or ``/``."""
    kinds = ["prefix", "extension", "case", "independent"]
    if free:
        kinds += ["copy", "wildcard", "slash"]
    kind = draw(st.sampled_from(kinds))
    if kind == "prefix" and len(other) > 1:
        return other[:draw(st.integers(1, len(other) - 1))]
    if kind == "extension":
        return other + draw(st.text(_TEXT + "/", min_size=1, max_size=3))
    if kind == "case" and other.swapcase() != other:
        return other.swapcase()
    if kind == "copy":
        return other
    if kind == "wildcard":
        return draw(st.sampled_from(["*", "?", other[:1] + "*", "?" * len(other),
                                     other + "*", "*" + other[-1:]]))
    if kind == "slash":
        return draw(st.sampled_from([other + "/", other + "/x", "x/" + other, other + "/.."]))
    return draw(st.text(_TEXT, min_size=1, max_size=8))


def _identity_ids(draw: Callable[..., Any], st: Any, region: str) -> tuple[str, str]:
    """(attacker, victim) identity IDs, often prefixes or extensions of each other."""
    victim = region + ":" + draw(st.text(_ID_HEX + "-", min_size=2, max_size=12))
    kind = draw(st.sampled_from(["prefix", "extension", "independent"]))
    cut = len(region) + 1
    if kind == "prefix" and len(victim) > cut + 1:
        return victim[:draw(st.integers(cut + 1, len(victim) - 1))], victim
    if kind == "extension":
        return victim + draw(st.text(_ID_HEX, min_size=1, max_size=3)), victim
    return region + ":" + draw(st.text(_ID_HEX + "-", min_size=1, max_size=12)), victim


def _claims(template: PathTemplate) -> list[tuple[str, bool]]:
    """The claims to draw for a path, each with whether the user can set it."""
    subject = [(template.subject_claim, False)] if template.subject_claim else []
    return subject + [(c, True) for c in template.free_claims]


def _vary(template: PathTemplate, identity_id: str, values: dict[str, str]) -> dict[str, Any]:
    login = template.login.model_dump(exclude_none=True)
    login.pop("description", None)
    login["identity_id"] = identity_id
    if template.login.provider is not None:
        login["claims"] = {**login.get("claims", {}), **values}
    return login


def adversarial_search(population: Population, probes: list[Probe], *,
                       known: Collection[tuple[str, str, str]] = (),
                       max_examples: int = 200) -> list[AdversarialLeak]:
    """At most one counterexample per probe, outside the ``known`` (attacker path,
    victim path, action) classes the exhaustive search already reported."""
    templates = path_templates(population)
    if not templates:
        return []
    pool = population.pool
    policy_sets: dict[tuple[str, tuple[str, ...]], PolicySet] = {}
    def policy_set(ident: SimulatedIdentity) -> PolicySet:
        key = (ident.role_arn, tuple(sp.name for sp in ident.session_policies))
        found = policy_sets.get(key)
        if found is None:
            found = policy_sets[key] = ident.policy_set_with()
        return found

    def simulate(login: dict[str, Any]) -> SimulatedIdentity | None:
        try:
            outcome = pool.simulate(login, issue_time=ISSUE_TIME)
        except PolicyEvalError:   # a drawn value the login format rejects
            return None
        return None if isinstance(outcome, Refusal) else outcome

    leaks: list[AdversarialLeak] = []
    for p, probe in enumerate(probes):
        leak = _search_probe(p, probe, templates, population, simulate, policy_set, known,
                             max_examples)
        if leak is not None:
            leaks.append(leak)
    return leaks


def _search_probe(p: int, probe: Probe, templates: list[PathTemplate], population: Population,
                  simulate: Callable[[dict[str, Any]], SimulatedIdentity | None],
                  policy_set: Callable[[SimulatedIdentity], PolicySet],
                  known: Collection[tuple[str, str, str]], max_examples: int
                  ) -> AdversarialLeak | None:
    """One ``hypothesis.find`` for a counterexample of one probe."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    pool = population.pool
    multi = multivalued_keys(list(probe.context))
    modes = ["single"] + (["mixed"] if multi else [])

    @st.composite
    def pairs(draw: Callable[..., Any]) -> tuple[Any, ...]:
        a_tpl = draw(st.sampled_from(templates))
        b_tpl = draw(st.sampled_from(templates))
        a_id, b_id = _identity_ids(draw, st, pool.region)
        b_values: dict[str, str] = {}
        a_values: dict[str, str] = {}
        for claim, _free in _claims(b_tpl):
            b_values[claim] = draw(st.text(_TEXT, min_size=1, max_size=8))
        for claim, free in _claims(a_tpl):
            other = b_values.get(claim) or draw(st.text(_TEXT, min_size=1, max_size=8))
            a_values[claim] = _related(draw, st, other, free)
        mode = draw(st.sampled_from(modes))
        return (a_tpl, a_id, a_values, b_tpl, b_id, b_values, mode)

    def leak_of(case: tuple[Any, ...]) -> AdversarialLeak | None:
        a_tpl, a_id, a_values, b_tpl, b_id, b_values, mode = case
        if a_id == b_id:
            return None
        a = simulate(_vary(a_tpl, a_id, a_values))
        b = simulate(_vary(b_tpl, b_id, b_values))
        if a is None or b is None:
            return None
        a_ctx, b_ctx = fold(a.context), fold(b.context)
        resource = probe.template.resolve(b_ctx)
        theirs = {k: t.resolve(b_ctx) for k, t in probe.context.items()}
        if resource is None or None in theirs.values():
            return None
        mine = {k: t.resolve(a_ctx) for k, t in probe.context.items()}
        note = ""
        if probe.template.resolve(a_ctx) == resource and mine == theirs:
            # The same resource: A's own, unless A got there by copying B's value into a
            # claim users can set (then A impersonates B, spec §6.7).
            copied = [c for c in a_tpl.free_claims
                      if c in b_values and a_values.get(c) == b_values[c]]
            if not copied:
                return None
            note = (f"A set claim {', '.join(copied)} to B's value: users can set claims "
                    "other than the subject, and the pool maps them to principal tags")
        extra: dict[str, Any] = dict(theirs)
        if mode == "mixed":
            for key in multi:
                if mine[key] is None:
                    return None
                extra[key] = [mine[key], theirs[key]]
        pset = policy_set(a)
        for action in probe.actions:
            if (a_tpl.key, b_tpl.key, action) in known:
                continue
            decision = pset.evaluate(a.request(action, resource, extra))
            if decision.allowed:
                return AdversarialLeak(Member(a_tpl.key, a), Member(b_tpl.key, b), action,
                                       resource, extra, decision, p, mode, note)
        return None

    try:
        case = find(pairs(), lambda c: leak_of(c) is not None,
                    settings=settings(max_examples=max_examples, database=None,
                                      derandomize=True, deadline=None,
                                      suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None
    return leak_of(case)
