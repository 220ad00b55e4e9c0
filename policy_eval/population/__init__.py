"""Many identities at once: the population questions over an identity pool.

    >>> from policy_eval.population import generate_identities, access_matrix, check_isolation
    >>> population = generate_identities("fixtures/cognito/pools/photo-app.json", n=100)
    >>> photo = "arn:aws:s3:::example-photo-app-media/private/${sub}/a.jpg"
    >>> result = check_isolation(population, [photo])
    >>> result.isolated, result.checked, result.counterexamples[:1]

:mod:`.paths` lists the ways a login reaches credentials, :mod:`.generate` simulates
``n`` logins per path through :mod:`policy_eval.cognito`, :mod:`.groups` evaluates rows
through the batch core per policy group, :mod:`.candidates` and :mod:`.search` decide
every (attacker, victim, action), :mod:`.adversarial` searches colliding values with
hypothesis, :mod:`.matrix` and :mod:`.isolation` answer the two questions.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "generate_identities": "generate", "load_logins": "generate", "Population": "generate",
    "Member": "generate", "access_matrix": "matrix", "AccessMatrix": "matrix",
    "check_isolation": "isolation", "IsolationResult": "isolation",
    "Counterexample": "isolation", "VacuousCheck": "search", "role_paths": "paths",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = sorted(_EXPORTS)
