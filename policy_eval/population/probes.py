"""Parse the population questions' inputs: resource templates and ``KEY=TEMPLATE``
context options, and the population itself (a pool, or a ready population)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..cognito.model import Login
from ..cognito.pool import IdentityPool
from ..errors import InputError, Location
from .generate import Population, generate_identities
from .owners import OwnerTemplate
from .search import Probe

PoolInput = IdentityPool | Population | str | Path


def parse_context_options(options: Sequence[str] | Mapping[str, str] | None
                          ) -> dict[str, str]:
    """``["dynamodb:LeadingKeys=${sub}"]`` (or a mapping) as ``{key: template}``."""
    if options is None:
        return {}
    if isinstance(options, Mapping):
        return dict(options)
    out: dict[str, str] = {}
    for i, option in enumerate(options):
        key, sep, template = option.partition("=")
        if not sep or not key.strip() or ":" not in key:
            raise InputError(f"--context {option!r}: expected KEY=TEMPLATE with a condition "
                             "key such as dynamodb:LeadingKeys='${sub}'",
                             Location(None, None, None, f"/context/{i}"), "invalid-context")
        out[key.strip()] = template
    return out


def make_probes(templates: str | Sequence[str], context: Mapping[str, str] | None = None
                ) -> list[Probe]:
    """One probe per resource template, each with the context templates."""
    if isinstance(templates, str):
        templates = [templates]
    if not templates:
        raise InputError("give at least one resource template (--resource)",
                         Location(None, None, None, "/resource"), "invalid-option")
    ctx = {key: OwnerTemplate(value, where=Location(None, None, None, f"/context/{key}"))
           for key, value in (context or {}).items()}
    probes = []
    for i, source in enumerate(templates):
        where = Location(None, None, None, f"/resource/{i}")
        if not source.startswith("arn:") and source != "*":
            raise InputError(f"resource template {source!r} is not an ARN (arn:partition:"
                             "service:region:account:resource)", where, "invalid-template")
        probes.append(Probe(OwnerTemplate(source, where=where), ctx))
    return probes


def population_of(pool: PoolInput, n: int, logins: Sequence[Login | Mapping[str, Any]] | None,
                  ) -> Population:
    if isinstance(pool, Population):
        return pool
    return generate_identities(pool, n, logins=logins)
