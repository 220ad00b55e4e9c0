"""Lint many files on every core: a process pool over the files, results in file order.

Imported only when a run has several files (``check`` on one file never loads
``multiprocessing``). The pool is started only when there are enough files to pay for
it (:data:`MIN_FILES`); on Linux the workers are forked after the rule catalogue and the
service reference are loaded, so each starts warm and shares them. Every worker runs
:meth:`Linter.lint_file` on a slice of the files; the parent puts the outcomes back in
the order of the files, so the report is the same as a sequential run's.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .discover import FileInput
    from .runner import FileOutcome, Linter
    from .suppress import SidSuppression

#: Fewer files than this are linted in the calling process (a pool costs ~0.1 s).
MIN_FILES = 24
#: Files per worker task: small enough to balance a few very large policies.
CHUNK = 8

_WORKER: tuple[Linter, Sequence[SidSuppression]] | None = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _init(linter: Linter, sid_rules: Sequence[SidSuppression]) -> None:
    global _WORKER
    _WORKER = (linter, sid_rules)


def _lint(items: list[FileInput]) -> tuple[list[FileOutcome], list[int]]:
    """Outcomes of a slice of files, and the ``ignore`` entries (by index) they used."""
    assert _WORKER is not None
    linter, sid_rules = _WORKER
    outcomes = [linter.lint_file(item, sid_rules) for item in items]
    return outcomes, [rule.index for rule in sid_rules if rule.used]


def lint_in_pool(linter: Linter, files: Sequence[FileInput], jobs: int | None,
                 sid_rules: Sequence[SidSuppression]) -> list[FileOutcome] | None:
    """The outcome of every file, in order; ``None`` when a pool would not pay (few files,
    one core) and the caller should lint in process."""
    workers = min(jobs or default_jobs(), -(-len(files) // CHUNK))
    if workers < 2 or len(files) < MIN_FILES:
        return None
    from ..catalog import get_catalog
    get_catalog()                     # loaded once, before the fork, shared by the workers
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    slices = [list(files[i:i + CHUNK]) for i in range(0, len(files), CHUNK)]
    outcomes: list[FileOutcome] = []
    used: set[int] = set()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                             initargs=(linter, sid_rules)) as pool:
        for part, part_used in pool.map(_lint, slices):
            outcomes.extend(part)
            used.update(part_used)
    for rule in sid_rules:
        rule.used = rule.used or rule.index in used
    return outcomes
