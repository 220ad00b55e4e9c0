"""Shared pieces of the fuzz suite: hostile values, document mutations, and the in-process
CLI run that checks the contract (exit code in {0, 1, 2}, no traceback, no internal
error, within the time budget).

The suite is bounded for CI: each property runs ``FUZZ_EXAMPLES`` examples (the
``POLICY_EVAL_FUZZ_EXAMPLES`` environment variable multiplies them for a longer local
run), derandomized so that CI sees the same corpus on every run unless
``POLICY_EVAL_FUZZ_RANDOM=1``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from policy_eval.cli import _register_commands, app

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
COGNITO = FIXTURES / "cognito"
#: Seconds one example may take on the slow shared CI machine (a hang or an unbounded
#: expansion takes far longer).
BUDGET = 15.0
SCALE = int(os.environ.get("POLICY_EVAL_FUZZ_EXAMPLES", "1"))
EXIT_CODES = {0, 1, 2}


def fuzz_settings(examples: int) -> Any:
    """Bounded, derandomized settings for one property (see the module docstring)."""
    return settings(max_examples=examples * SCALE, deadline=None,
                    derandomize=os.environ.get("POLICY_EVAL_FUZZ_RANDOM") != "1",
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


def run_cli(*args: str | Path) -> tuple[int, str]:
    """``policy-eval ARGS`` in-process, checked against the contract."""
    _register_commands()
    start = time.monotonic()
    result = CliRunner().invoke(app, [str(a) for a in args])
    elapsed = time.monotonic() - start
    out = result.stdout + result.stderr
    assert result.exit_code in EXIT_CODES, (args, result.exit_code, out, result.exception)
    assert "Traceback" not in out and "internal error" not in out, (args, out)
    assert "SYN000" not in out, (args, out)  # a rule crashed on the document
    assert elapsed < BUDGET, (args, f"{elapsed:.1f}s")
    return result.exit_code, out


#: Text that breaks naive readers: controls, escapes, bidi, surrogates, YAML and JSON
#: syntax, variables, wildcards, very long runs.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "\x1b[2J", "\x1b]0;t\x07", "\r", "\u202e", "\ud800", "\x9b",
                     "${aws:username}", "${", "*", "?", "arn:aws:s3:::*", "&a", "*a",
                     "!Ref x", "NaN", "-Infinity", "1e400", "9" * 5000, "a" * 3000,
                     "s3:Get*", "cognito-identity.amazonaws.com:sub", ":", "/", "~1",
                     "2012-10-17", "true", "null", "{}", "[]", ""]),
)
HOSTILE_SCALAR = st.one_of(
    HOSTILE_TEXT, st.integers(), st.integers(min_value=10 ** 40, max_value=10 ** 60),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none())
HOSTILE_VALUE = st.recursive(
    HOSTILE_SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(HOSTILE_TEXT, inner, max_size=4)),
    max_leaves=12)


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes) into decoded JSON ``data``, the root included."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(paths_of(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(paths_of(value, (*prefix, index)))
    return out


@st.composite
def mutated(draw: Any, document: Any, rounds: int = 3) -> Any:
    """``document`` with a few mutations: a value replaced by a hostile one, a key or item
    removed, an unknown key added, a container swapped for its only element."""
    data = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(min_value=1, max_value=rounds))):
        path = draw(st.sampled_from(paths_of(data)))
        if not path:
            if draw(st.integers(0, 9)) == 0:
                data = draw(HOSTILE_VALUE)
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "wrap"]))
        if action == "replace":
            parent[last] = draw(HOSTILE_VALUE)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(HOSTILE_TEXT)] = draw(HOSTILE_VALUE)
        elif action == "wrap":
            parent[last] = [parent[last]]
    return data


def dump(data: Any, path: Path) -> Path:
    """Write ``data`` as JSON (``NaN``/``Infinity`` literals included when floats hold
    them, as a careless producer would; lone surrogates as ``\\ud800`` escapes) or YAML
    by the suffix."""
    if path.suffix in (".yaml", ".yml"):
        from io import StringIO

        from ruamel.yaml import YAML

        buffer = StringIO()
        try:
            YAML(typ="safe", pure=True).dump(data, buffer)
        except Exception:
            return dump(data, path.with_suffix(".json"))
        path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path
