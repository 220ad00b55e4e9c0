"""Suppressions where the finding is, and the findings about suppressions themselves.

Two ways to silence one finding (whole rules are switched off with ``ignore`` entries that
have no ``sids``, see :mod:`policy_eval.lint.config`):

* a YAML (CloudFormation, SAM, pool file ...) comment on the line of the element, or on
  its own on the line above, where it covers the whole element that starts on the next
  line (a statement, a role ...)::

      Action: s3:GetObjects   # policy-eval: ignore[ACT002] the bucket's old API alias
      # policy-eval: ignore[RES004,SEC008] public website bucket, reviewed (SEC-123)
      - Effect: Allow

  several codes (or prefixes) comma-separated, and a reason, which is required;
* for JSON, which has no comments, by statement ``Sid`` in the configuration:
  ``ignore = [{ codes = ["ACT006"], sids = ["LegacyAdmin"], reason = "..." }]``.

A suppression that silences nothing is reported (``SUP001``), and so is a comment that
cannot be used: no reason, or a code that matches no rule (``SUP002``). Neither takes
effect without a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location
from .registry import load_rules, matches
from .rule import Finding, Severity
from .supersede import covered_codes

if TYPE_CHECKING:
    from ..document.locate import Locator
    from ..document.source import SourceDocument

UNUSED_CODE, INVALID_CODE = "SUP001", "SUP002"
SUPPRESSION_CODES = (UNUSED_CODE, INVALID_CODE)
#: ``# policy-eval: ignore[CODES] reason`` (the ``#`` starts the line or follows a space).
COMMENT = re.compile(r"(?:^|\s)#\s*policy-eval\s*:\s*ignore\s*(\[[^\]\n]*\]?)?[ \t]*(.*)$")


@dataclass
class CommentSuppression:
    """One ``# policy-eval: ignore[...]`` comment."""

    path: str | None
    line: int
    column: int
    end_column: int
    codes: list[str]
    reason: str
    own_line: bool
    used: set[str] = field(default_factory=set)
    #: For a comment on its own line: the pointer of the element starting on the next line.
    element: str | None = None

    def covers(self, finding: Finding) -> bool:
        loc = finding.location
        if loc.path != self.path or not covers_code(finding, self.codes):
            return False
        if loc.line == self.line or (self.own_line and loc.line == self.line + 1):
            return True
        pointer = loc.pointer
        return self.element is not None and loc.line is not None and loc.line > self.line \
            and (pointer == self.element or pointer.startswith(self.element + "/"))

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column, "", self.line, self.end_column)


def covers_code(finding: Finding, selectors: list[str] | tuple[str, ...]) -> bool:
    """Does a selector match the finding's code or a code folded into it
    (:func:`~policy_eval.lint.supersede.covered_codes`)? Suppressing the finding shown
    silences what it covers."""
    return any(matches(code, selectors) for code in covered_codes(finding))


def _known(code: str) -> bool:
    return any(matches(rule.code, [code]) for rule in load_rules())


def comment_suppressions(path: str | None, text: str,
                         problems: list[Finding]) -> list[CommentSuppression]:
    """The usable suppression comments of a YAML text; unusable ones become ``SUP002``
    findings in ``problems``."""
    out: list[CommentSuppression] = []
    if "policy-eval" not in text:
        return out
    for number, line in enumerate(text.splitlines(), 1):
        if "policy-eval" not in line:
            continue
        match = COMMENT.search(line)
        if match is None:
            continue
        start = line.index("#", match.start())
        where = Location(path, number, start + 1, "", number, len(line.rstrip()) + 1)
        bracket = match.group(1) or ""
        reason = match.group(2).strip()
        codes = [c.strip().upper() for c in bracket.strip("[]").split(",") if c.strip()]
        problem = None
        if not bracket.endswith("]") or not codes:
            problem = ("suppression comment names no rule: write "
                       "'# policy-eval: ignore[CODE] reason'")
        elif unknown := [c for c in codes if not _known(c)]:
            problem = (f"suppression comment names {', '.join(map(repr, unknown))}, which "
                       "matches no rule code (see `policy-eval rules`)")
        elif not reason:
            problem = (f"suppression of {', '.join(codes)} has no reason: say why after "
                       "the brackets; it suppresses nothing until it does")
        if problem is not None:
            problems.append(_finding(INVALID_CODE, "invalid-suppression", problem, where))
            continue
        out.append(CommentSuppression(path, number, start + 1, where.end_column or start + 2,
                                      codes, reason, not line[:start].strip()))
    return out


@dataclass
class SidSuppression:
    """An ``ignore`` entry of the configuration with ``sids``."""

    index: int
    codes: list[str]
    sids: set[str]
    reason: str
    used: bool = False


def sid_suppressions(config: Any) -> list[SidSuppression]:
    return [SidSuppression(i, list(e.codes), set(e.sids), e.reason)
            for i, e in enumerate(getattr(config, "ignore", ())) if getattr(e, "sids", None)]


def sids_of(subject: str | None) -> list[str]:
    """The statement Sids named in a finding's subject (see :mod:`.fingerprint`)."""
    if not subject or "Sid=" not in subject:
        return []
    return [token[4:].replace("~1", "/").replace("~0", "~")
            for token in subject.split("/") if token.startswith("Sid=")]


def _finding(code: str, name: str, message: str, where: Location) -> Finding:
    return Finding(code, name, message, Severity.warning, where)


def _element_starting_on(locator: Locator, line: int) -> str | None:
    """The outermost element whose key or value starts on ``line``."""
    found = [p for table in (locator.keys, locator.values)
             for p, span in table.items() if span.line == line and p]
    return min(found, key=lambda p: (p.count("/"), p)) if found else None


def apply_suppressions(findings: list[Finding], sources: dict[str, SourceDocument],
                       sid_rules: Sequence[SidSuppression],
                       running: Iterable[str]) -> list[Finding]:
    """``findings`` without the suppressed ones, plus ``SUP001``/``SUP002`` for the
    comments of the YAML ``sources`` (by path) when those rules are running.
    ``sid_rules`` are marked ``used``; their unused ones are reported by
    :func:`unused_sid_findings` at the end of the run."""
    running = set(running)
    problems: list[Finding] = []
    comments: list[CommentSuppression] = []
    for path, source in sources.items():
        if source.format != "yaml":
            continue
        for comment in comment_suppressions(path, source.text, problems):
            if comment.own_line:
                comment.element = _element_starting_on(source.locator, comment.line + 1)
            comments.append(comment)
    by_path: dict[str | None, list[CommentSuppression]] = {}
    for comment in comments:
        by_path.setdefault(comment.path, []).append(comment)
    kept: list[Finding] = []
    for finding in findings:
        if finding.code in SUPPRESSION_CODES:
            kept.append(finding)
            continue
        hit = next((c for c in by_path.get(finding.location.path, ()) if c.covers(finding)),
                   None)
        if hit is not None:
            hit.used.add(finding.code)
            continue
        sids = sids_of(finding.subject)
        rule = next((r for r in sid_rules if covers_code(finding, r.codes)
                     and any(s in r.sids for s in sids)), None) if sids else None
        if rule is not None:
            rule.used = True
            continue
        kept.append(finding)
    if UNUSED_CODE in running:
        for comment in comments:
            if not comment.used:
                kept.append(_finding(UNUSED_CODE, "unused-suppression",
                                     f"suppression of {', '.join(comment.codes)} matches no "
                                     "finding on its line or in the element below it: "
                                     "remove it"
                                     + _not_running(comment.codes, running),
                                     comment.location))
    if INVALID_CODE in running:
        kept.extend(problems)
    return kept


def _not_running(codes: list[str], running: set[str]) -> str:
    idle = [c for c in codes if not any(matches(r, [c]) for r in running)]
    return f" ({', '.join(idle)} not selected in this run)" if idle else ""


def unused_sid_findings(sid_rules: Sequence[SidSuppression], config: Any,
                        running: Iterable[str]) -> list[Finding]:
    """``SUP001`` for each configuration ``ignore`` entry with ``sids`` that silenced
    nothing in the whole run, located at the entry in the configuration file."""
    running = set(running)
    if UNUSED_CODE not in running:
        return []
    path = getattr(config, "path", None)
    text = ""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            text = ""
    out: list[Finding] = []
    for rule in sid_rules:
        if rule.used:
            continue
        line = _config_line(text, sorted(rule.sids))
        where = Location(path, line, 1 if line else None, f"/ignore/{rule.index}")
        out.append(_finding(UNUSED_CODE, "unused-suppression",
                            f"ignore entry for {', '.join(rule.codes)} in statements "
                            f"{', '.join(sorted(rule.sids))} matches no finding: remove it"
                            + _not_running(rule.codes, running), where))
    return out


def _config_line(text: str, sids: list[str]) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if "sids" in line and any(f'"{s}"' in line or f"'{s}'" in line for s in sids):
            return number
    return None
