"""One problem, one finding: fold findings into the rule that says the same with more.

A rule names the rules that supersede it (``Rule.superseded_by``, a code or a tuple of
codes, strongest first). When a superseding rule runs and reports the *same place* - the
same statement of the same file (any element inside it), or the same pointer for findings
outside statements - the superseded finding is folded into it: it is not reported on its
own, the surviving finding keeps the higher of the two severities, its message ends with
the codes it also covers, and ``evidence["also"]`` keeps the folded findings' code,
message and pointer, so nothing a reviewer needs is lost.

Chains fold to their end (``ACT006`` → ``SEC006`` → ``SEC007``); a cycle keeps every
finding of the cycle.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .rule import Finding, Rule

_STATEMENT = re.compile(r"^(.*?/Statement(?:/\d+)?)(?=/|$)")


def superseding_codes(rule: type[Rule] | Rule) -> tuple[str, ...]:
    """The codes of the rules that supersede ``rule``, strongest first."""
    value = rule.superseded_by
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def place_of(finding: Finding) -> tuple[str | None, str]:
    """(file, statement pointer) of a finding inside a statement, else (file, pointer)."""
    pointer = finding.location.pointer or ""
    match = _STATEMENT.match(pointer)
    return finding.location.path, match.group(1) if match else pointer


def fold_superseded(findings: Sequence[Finding], rules: Iterable[Rule]) -> list[Finding]:
    """``findings`` with every superseded finding folded into its survivor (order kept)."""
    running = list(rules)
    running_codes = {r.code for r in running}
    supersede = {r.code: tuple(c for c in superseding_codes(r) if c in running_codes)
                 for r in running}
    supersede = {code: codes for code, codes in supersede.items() if codes}
    if not supersede:
        return list(findings)
    by_place: dict[tuple[str | None, str], dict[str, int]] = {}
    for i, f in enumerate(findings):
        by_place.setdefault(place_of(f), {}).setdefault(f.code, i)

    def survivor(index: int) -> int | None:
        """Index of the finding ``findings[index]`` folds into (``None``: it stays)."""
        seen = {index}
        current = index
        while True:
            present = by_place[place_of(findings[current])]
            nxt = next((present[c] for c in supersede.get(findings[current].code, ())
                        if c in present), None)
            if nxt is None:
                return None if current == index else current
            if nxt in seen:            # a cycle: nobody folds
                return None
            seen.add(nxt)
            current = nxt

    folded: dict[int, list[Finding]] = {}
    dropped: set[int] = set()
    for i, f in enumerate(findings):
        if f.code not in supersede:
            continue
        target = survivor(i)
        if target is not None:
            dropped.add(i)
            folded.setdefault(target, []).append(f)
    out: list[Finding] = []
    for i, f in enumerate(findings):
        if i in dropped:
            continue
        extra = folded.get(i)
        out.append(_absorb(f, extra) if extra else f)
    return out


def _absorb(finding: Finding, others: list[Finding]) -> Finding:
    codes = sorted({o.code for o in others})
    severity = max([finding.severity, *(o.severity for o in others)], key=lambda s: s.rank)
    evidence: dict[str, Any] = dict(finding.evidence or {})
    evidence["also"] = [{"code": o.code, "message": o.message,
                         "pointer": o.location.pointer} for o in others]
    return dataclasses.replace(finding, severity=severity, evidence=evidence,
                               message=f"{finding.message} (also covers {', '.join(codes)})")


def covered_codes(finding: Finding) -> set[str]:
    """The finding's code and the codes of the findings folded into it."""
    also = (finding.evidence or {}).get("also") or []
    return {finding.code, *(item["code"] for item in also if isinstance(item, dict))}
