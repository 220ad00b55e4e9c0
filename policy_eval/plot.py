"""Heatmaps of an access matrix (``policy-eval matrix --plot FILE.png``).

Rows are identities grouped by role path, columns the (resource template, action) pairs.
The left panel colours each identity's decision on its own resource; the right panel
marks identities that may act on another identity's resource. matplotlib is an optional
extra (``pip install '.[plot]'`` in the policy-eval checkout), imported here only, with
the Agg backend (no display needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Location

if TYPE_CHECKING:
    from .population.matrix import AccessMatrix

#: Colours: allow, explicit deny, implicit deny, owns no such resource.
OWN_COLOURS = ("#2e9d4f", "#c62828", "#d9d9d9", "#ffffff")
REACH_COLOURS = ("#d9d9d9", "#ef6c00")


def _short(template: str, width: int = 38) -> str:
    tail = template.split(":::", 1)[-1] if ":::" in template else template.rsplit(":", 1)[-1]
    return tail if len(tail) <= width else "…" + tail[-(width - 1):]


def write_heatmap(matrix: AccessMatrix, path: str | Path) -> Path:
    """Draw ``matrix`` to a PNG at ``path``; an input error when matplotlib is missing
    or the file cannot be written."""
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise InputError("--plot needs matplotlib: pip install '.[plot]' in the policy-eval "
                         "checkout",
                         Location(str(path)), "missing-extra") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    members = matrix.population.members
    by_path = matrix.population.by_path()
    order: list[int] = []
    index_of = {id(m): i for i, m in enumerate(members)}
    bounds: list[tuple[str, int, int]] = []
    for key, group in by_path.items():
        start = len(order)
        order.extend(index_of[id(m)] for m in group)
        bounds.append((key, start, len(order)))
    columns = matrix.columns()
    own = np.full((len(order), len(columns)), 3, dtype=np.int8)
    reach = np.zeros((len(order), len(columns)), dtype=np.int8)
    for c, (p, action) in enumerate(columns):
        codes = matrix.found.own[(p, action)][order]
        own[:, c] = np.where(codes < 0, 3, codes)
        reach[:, c] = matrix.found.reach[(p, action)][order] > 0
    labels = [f"{action}\n{_short(matrix.probes[p].source)}" for p, action in columns]
    height = max(3.0, 0.28 * len(bounds) + 2.2)
    width = max(7.0, 0.55 * len(columns) * 2 + 4.5)
    fig, axes = plt.subplots(1, 2, figsize=(width, height), sharey=True,
                             gridspec_kw={"wspace": 0.05})
    panels = ((axes[0], own, OWN_COLOURS, "decision on its own resource"),
              (axes[1], reach, REACH_COLOURS, "may act on another identity's resource"))
    for ax, data, colours, title in panels:
        ax.imshow(data, aspect="auto", interpolation="nearest",
                  cmap=ListedColormap(list(colours)), vmin=0, vmax=len(colours) - 1)
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(len(columns)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=6.5)
        for _key, start, _end in bounds[1:]:
            ax.axhline(start - 0.5, color="black", linewidth=0.4)
    axes[0].set_yticks([(start + end - 1) / 2 for _k, start, end in bounds])
    axes[0].set_yticklabels([f"{k} ({end - start})" for k, start, end in bounds], fontsize=6.5)
    legend = [Patch(color=OWN_COLOURS[0], label="allow"),
              Patch(color=OWN_COLOURS[1], label="explicit deny"),
              Patch(color=OWN_COLOURS[2], label="implicit deny"),
              Patch(facecolor=OWN_COLOURS[3], edgecolor="#999999", label="owns none"),
              Patch(color=REACH_COLOURS[1], label="reaches others")]
    fig.subplots_adjust(top=1 - 0.75 / height)
    fig.legend(handles=legend, loc="upper right", ncol=5, fontsize=7, frameon=False,
               bbox_to_anchor=(0.9, 1 - 0.05 / height))
    fig.suptitle(f"{matrix.population.pool.name}: {len(members)} identities, "
                 f"{len(bounds)} role paths", y=1 - 0.05 / height, fontsize=10, x=0.02,
                 ha="left")
    target = Path(path)
    try:
        fig.savefig(target, dpi=90, bbox_inches="tight")
    except OSError as exc:
        raise InputError(f"cannot write the plot: {exc.strerror}", Location(str(target)),
                         "write-error") from None
    finally:
        plt.close(fig)
    return target
