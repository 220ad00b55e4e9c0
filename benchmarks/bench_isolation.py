"""Time of the isolation search over a population, against the naive all-pairs search.

    python benchmarks/bench_isolation.py                      # 4 role paths x 1,000
    python benchmarks/bench_isolation.py --identities 200 --naive-identities 20

Pool: ``fixtures/cognito/pools/notes-app.json`` (4 role paths: guests, a Rules mapping's
Pro role, its default role, developer identities). Templates: the S3 object
``private/${sub}/note.txt``, the export ``exports/${sub}/notes.zip`` and the DynamoDB
table with ``dynamodb:LeadingKeys=${sub}`` (single and mixed ``[A, B]`` keys), i.e. 12
actions. Rows:

* ``generate``: simulating ``--identities`` logins per role path;
* ``search``: the exhaustive search (``check_isolation`` without the adversarial part);
* ``adversarial``: the hypothesis search alone (200 examples per template);
* ``naive`` vs ``search`` at ``--naive-identities`` per path: every (attacker, victim,
  action, request shape) row through the batch engine, against the search; their reach
  counts must agree, and the ratio is measured in the same run.

Each timed part runs ``--repeats`` times (median wall time). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `policy_eval` importable from here
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from policy_eval.population import check_isolation, generate_identities
from policy_eval.population.generate import Population
from policy_eval.population.groups import (
    ContextColumns,
    decide_rows,
    member_contexts,
    policy_groups,
)
from policy_eval.population.probes import make_probes
from policy_eval.population.search import (
    Probe,
    _victim_columns,
    multivalued_keys,
    search_population,
    victims_of,
)

POOL = Path(__file__).resolve().parents[1] / "fixtures" / "cognito" / "pools" / "notes-app.json"
TEMPLATES = ["arn:aws:s3:::example-notes-app/private/${sub}/note.txt",
             "arn:aws:s3:::example-notes-app/exports/${sub}/notes.zip",
             "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"]
CONTEXT = {"dynamodb:LeadingKeys": "${sub}"}


def timed(repeats: int, body: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time of ``repeats`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_reach(population: Population, probes: list[Probe]) -> dict[tuple[int, str], Any]:
    """Every (attacker, victim value, action, shape) row through the batch engine."""
    contexts = member_contexts(population)
    columns = ContextColumns(contexts)
    groups = policy_groups(population)
    out: dict[tuple[int, str], Any] = {}
    for p, probe in enumerate(probes):
        victims = victims_of(probe, contexts)
        multi = multivalued_keys(list(probe.context))
        for action in probe.actions:
            reach = np.zeros(len(population.members), dtype=np.int64)
            for group in groups:
                for mode in ["single"] + (["mixed"] if multi else []):
                    pairs = [(a, v) for a in group.members for v in range(len(victims.resources))
                             if v != victims.own[a] and not (mode == "mixed"
                                                             and victims.own[a] is None)]
                    if not pairs:
                        continue
                    attackers = np.asarray([a for a, _ in pairs], dtype=np.intp)
                    values = np.asarray([v for _, v in pairs], dtype=np.intp)
                    context = columns.gather(attackers, group.referenced_keys)
                    context.update(_victim_columns(victims, attackers, values, mode, multi))
                    batch = decide_rows(group.policy_set, group.principal, action,
                                        victims.resource_array[values].tolist(), context)
                    allowed = np.flatnonzero(batch.allowed)
                    np.add.at(reach, attackers[allowed], victims.owner_counts[values[allowed]])
            out[(p, action)] = reach
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identities", type=int, default=1000)
    parser.add_argument("--naive-identities", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--adversarial-examples", type=int, default=200)
    args = parser.parse_args(argv)

    t_generate, population = timed(args.repeats,
                                   lambda: generate_identities(POOL, args.identities))
    t_search, result = timed(args.repeats, lambda: check_isolation(
        population, TEMPLATES, context=CONTEXT, adversarial=False))
    t_adversarial, adversarial = timed(1, lambda: check_isolation(
        generate_identities(POOL, 1), TEMPLATES, context=CONTEXT,
        adversarial_examples=args.adversarial_examples))

    small = generate_identities(POOL, args.naive_identities)
    probes = make_probes(TEMPLATES, CONTEXT)
    t_small, found = timed(args.repeats, lambda: search_population(small, probes))
    t_naive, naive = timed(args.repeats, lambda: naive_reach(small, probes))
    agree = all((found.reach[key] == naive[key]).all() for key in naive)

    paths = sum(1 for p in population.paths.values() if p.refusal is None)
    figures = {
        "identities": len(population), "role_paths": paths, "templates": len(TEMPLATES),
        "actions": sum(len(a) for a in result.actions.values()), "checked": result.checked,
        "isolated": result.isolated and adversarial.isolated, "generate_s": t_generate,
        "search_s": t_search, "adversarial_s": t_adversarial,
        "naive_identities": len(small), "naive_s": t_naive, "search_small_s": t_small,
        "agree": agree, "speedup": t_naive / t_small if t_small else float("inf"),
    }
    print(f"| part | identities | time (s, median of {args.repeats}) | figure |")
    print("|---|---:|---:|---|")
    print(f"| generate | {len(population):,} | {t_generate:.2f} | {paths} role paths |")
    print(f"| search | {len(population):,} | {t_search:.2f} | {result.checked:,} checks, "
          f"{result.checked / t_search:,.0f} per second, isolated: {result.isolated} |")
    print(f"| adversarial | - | {t_adversarial:.2f} | {args.adversarial_examples} examples per "
          f"template, isolated: {adversarial.isolated} |")
    print(f"| naive all pairs | {len(small):,} | {t_naive:.2f} | reach agrees: {agree} |")
    print(f"| search | {len(small):,} | {t_small:.2f} | {figures['speedup']:.1f}x faster "
          "than naive |")
    return figures


if __name__ == "__main__":
    main()
