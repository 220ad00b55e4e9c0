"""pytest plugin (entry point ``pytest11: policy_eval``): fixtures for identity pools.

Fixtures:

* ``identity_pool`` — the pool named by the closest ``@pytest.mark.identity_pool(path,
  **options)`` marker (path relative to the test file), else by the ``policy_eval_pool``
  ini option (relative to the ini file / rootdir);
* ``cognito_login`` — a factory: ``cognito_login(provider=..., claims=..., flow=...,
  role_arn=..., identity_id=...)`` signs in through ``identity_pool`` and returns a
  :class:`~policy_eval.cognito.SimulatedIdentity` (raises ``LoginRefused`` when AWS would
  refuse);
* ``load_identity_pool`` — a factory loading any pool file (cached per session).

The assertions live in :mod:`policy_eval.testing`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..cognito import IdentityPool, SimulatedIdentity

INI_POOL = "policy_eval_pool"
MARKER = "identity_pool"

_CACHE_KEY = pytest.StashKey[dict[tuple[str, tuple[tuple[str, Any], ...]], IdentityPool]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_POOL, "identity pool file the identity_pool fixture loads (relative to "
                  "the ini file)", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(path, **options): the identity pool file "
                            "(relative to the test file) for the identity_pool fixture; "
                            "options as for policy_eval.IdentityPool.load")
    config.stash[_CACHE_KEY] = {}


def _load(config: pytest.Config, path: Path, options: dict[str, Any]) -> IdentityPool:
    cache = config.stash[_CACHE_KEY]
    key = (str(path.resolve()), tuple(sorted(options.items())))
    if key not in cache:
        cache[key] = IdentityPool.load(path, **options)
    return cache[key]


@pytest.fixture
def load_identity_pool(request: pytest.FixtureRequest) -> Callable[..., IdentityPool]:
    """Load a pool file (relative paths: to the test file), cached for the session."""
    base = Path(str(request.path)).parent

    def load(path: str | Path, **options: Any) -> IdentityPool:
        p = Path(path)
        return _load(request.config, p if p.is_absolute() else base / p, options)
    return load


@pytest.fixture
def identity_pool(request: pytest.FixtureRequest) -> IdentityPool:
    """The pool of the closest ``identity_pool`` marker, else of the ini option."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) != 1:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes one pool file path")
        path = Path(marker.args[0])
        if not path.is_absolute():
            path = Path(str(request.path)).parent / path
        return _load(request.config, path, dict(marker.kwargs))
    configured = request.config.getini(INI_POOL)
    if not configured:
        raise pytest.UsageError(f"the identity_pool fixture needs @pytest.mark.{MARKER}"
                                f"(\"pool.json\") or the ini option {INI_POOL}")
    path = Path(str(configured))
    if not path.is_absolute():
        root = request.config.inipath.parent if request.config.inipath else request.config.rootpath
        path = root / path
    return _load(request.config, path, {})


@pytest.fixture
def cognito_login(identity_pool: IdentityPool) -> Callable[..., SimulatedIdentity]:
    """``cognito_login(provider=..., claims=..., flow=..., role_arn=..., identity_id=...)``:
    a simulated sign-in through ``identity_pool``."""
    return identity_pool.login
