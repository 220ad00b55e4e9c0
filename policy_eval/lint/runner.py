"""Run the rules over lint targets and apply the configuration.

The :class:`Linter` picks the rules (``select`` minus ``ignore``, from
:func:`~policy_eval.lint.registry.load_rules`), runs each rule on the targets of the kinds
it looks at (a rule that needs a valid policy skips a document with grammar errors unless
it can work on the partial parse), turns a rule that crashes into a ``SYN000``
``internal-error`` finding (never a traceback; the other rules and files go on), applies
per-rule severity overrides and per-path ignores, and drops duplicate findings (a policy
file referenced from a pool file and also checked on its own is reported once) and
findings superseded by a rule that reports the same place with more to say
(``Rule.superseded_by``). Files are found and turned into targets by
:mod:`policy_eval.lint.discover`.

Library use::

    from policy_eval.lint.runner import lint_document
    findings = lint_document({"Version": "2012-10-17", "Statement": [...]})
"""

from __future__ import annotations

import dataclasses
import gc
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document.source import SourceDocument, load_text
from ..errors import ErrorCode, Location, PolicyEvalError
from .discover import (
    FileInput,
    build_targets,
    find_files,
    is_excluded,
    load_targets,
    unreadable_target,
)
from .fingerprint import assign, subject
from .paths import build_excludes, root_relative, source_root
from .registry import load_rules, matches
from .rule import Finding, Rule, Severity, Target
from .supersede import covered_codes, fold_superseded
from .suppress import (
    SidSuppression,
    apply_suppressions,
    sid_suppressions,
    sids_of,
    unused_sid_findings,
)

if TYPE_CHECKING:
    from .config import LintConfig

INTERNAL_ERROR_CODE = "SYN000"


@dataclass(frozen=True)
class DefaultConfig:
    """The settings used when no configuration file is found (same fields as
    :class:`~policy_eval.lint.config.LintConfig`, without importing pydantic)."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[Any, ...] = ()
    severity: str = "warning"
    exclude: tuple[str, ...] = ()
    per_path_ignores: tuple[Any, ...] = ()
    rule_severity: dict[str, str] = field(default_factory=dict)
    kinds: tuple[Any, ...] = ()
    path: str | None = None
    root: Path | None = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the rules with Python's cyclic garbage collector paused.

    Each full collection walks every live object; the rules of a large document create
    many short-lived ones, so collections come often and each walks a bigger heap: time
    grew faster than the document (4,000 statements: 19.6 s with the collector, 7.6 s
    without, on the project machine). Reference counting still frees what the rules drop;
    the collector resumes (and catches up) when the document is done.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class FileOutcome:
    """What linting one file gave: its name, how many documents it held, their findings
    (before :meth:`Linter.finish`), and its share of the run's accounting (read or
    skipped, templates, notes) in a :class:`LintResult` of its own."""

    display: str
    targets: int
    findings: list[Finding]
    accounting: LintResult


@dataclass
class LintResult:
    """The findings of a run and what was read."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    targets: int = 0
    #: Findings left out because the baseline has them (``check --baseline``).
    baselined: int = 0
    #: The folder report paths are relative to (SARIF ``%SRCROOT%``).
    root: Path | None = None
    #: templates read, and the policy documents found in them
    templates: int = 0
    template_policies: int = 0
    #: templates with no IAM or Cognito resource (nothing checked: not counted as clean)
    empty_templates: list[str] = field(default_factory=list)
    #: (path, message) of what was read and what was not analysed, for ``--verbose``
    notes: list[tuple[str, str]] = field(default_factory=list)

    def failing(self, threshold: Severity) -> list[Finding]:
        """Findings at or above ``threshold``."""
        return [f for f in self.findings if f.severity.rank >= threshold.rank]


def _relative_to(path: str, root: Path | None) -> str:
    if root is None:
        return path
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


class Linter:
    """The rules chosen by a configuration, ready to run."""

    def __init__(self, config: LintConfig | DefaultConfig | None = None, *,
                 select: Sequence[str] | None = None,
                 ignore: Sequence[str] | None = None,
                 params: dict[str, str] | None = None) -> None:
        self.config: Any = config or DefaultConfig()
        #: ``--param KEY=VALUE`` values for templates (parameters, pseudo parameters)
        self.params = dict(params or {})
        chosen = list(select) if select else self.config.select
        dropped = list(ignore or ())
        for entry in self.config.ignore:
            if not getattr(entry, "sids", None):   # with sids: one statement's findings
                dropped.extend(entry.codes)
        self.rules: list[Rule] = [cls() for cls in load_rules()
                                  if matches(cls.code, chosen) and not matches(cls.code, dropped)]
        self._by_kind: dict[str, list[Rule]] = {}
        #: The folder fingerprints are relative to (set by :meth:`lint_paths`).
        self.root: Path | None = None

    def rules_for(self, kind: str) -> list[Rule]:
        rules = self._by_kind.get(kind)
        if rules is None:
            rules = [r for r in self.rules if kind in r.kinds or (
                kind == "unreadable" and not r.needs_valid_policy)]
            self._by_kind[kind] = rules
        return rules

    # -------------------------------------------------------------- running

    def check_target(self, target: Target) -> list[Finding]:
        """Every finding of the selected rules on one target."""
        out: list[Finding] = []
        for rule in self.rules_for(target.kind):
            if rule.needs_valid_policy and target.errors and not (
                    rule.partial_ok and target.partial is not None):
                continue
            try:
                out.extend(rule.check(target))
            except Exception as exc:
                out.append(_internal_error(rule, target, exc))
        unknown = target.related.get("unknown_pointers")
        if unknown:
            out = [f for f in out if not _at_unknown(f, unknown)]
        elsewhere = target.related.get("reported_elsewhere")
        if elsewhere:
            out = [f for f in out if f.location.path not in elsewhere]
        return out

    def collect(self, targets: Sequence[Target],
                sid_rules: Sequence[SidSuppression] = ()) -> list[Finding]:
        """The raw findings of ``targets``: every rule run, each finding's subject set
        (for fingerprints), and the suppressions written in the files applied."""
        found: list[Finding] = []
        with collector_paused():
            for target in targets:
                found.extend(self.check_target(target))
        sources: dict[str, SourceDocument] = {}
        for target in targets:
            if target.source.path is not None:
                sources.setdefault(target.source.path, target.source)
        found = [dataclasses.replace(f, subject=subject(
            sources[f.location.path].data if f.location.path in sources else None,
            f.location.pointer)) for f in found]
        # fold first: a suppression of the finding the user sees silences what it covers
        return apply_suppressions(self._folded(found), sources, sid_rules,
                                  self.running_codes)

    def check_targets(self, targets: Iterable[Target]) -> list[Finding]:
        """Findings of many targets, configured, suppressed, de-duplicated and sorted."""
        return self.finish(self.collect(list(targets), sid_suppressions(self.config)))

    @property
    def running_codes(self) -> set[str]:
        return {r.code for r in self.rules}

    def _folded(self, findings: list[Finding]) -> list[Finding]:
        """Severity overrides applied, duplicates and superseded findings dropped (the
        same result when run again on its own output)."""
        overrides = {k.upper(): Severity(v) for k, v in self.config.rule_severity.items()}
        seen: set[tuple[Any, ...]] = set()
        out: list[Finding] = []
        for f in findings:
            if f.code in overrides and f.code != INTERNAL_ERROR_CODE:
                f = dataclasses.replace(f, severity=overrides[f.code])
            key = (f.code, f.location.path, f.location.line, f.location.column,
                   f.location.pointer, f.message)
            if key in seen:
                continue
            seen.add(key)
            out.append(f)
        return self._drop_superseded(out)

    def finish(self, findings: list[Finding]) -> list[Finding]:
        """Severity overrides, duplicates and superseded findings dropped, then per-path
        ignores (of a finding or of any finding folded into it), sorted by place,
        fingerprints assigned."""
        root = self.config.root
        out = [f for f in self._folded(findings)
               if not (f.location.path and self.config.per_path_ignores
                       and self._path_ignored(f, f.location.path, root))]
        out.sort(key=lambda f: (f.location.path or "", f.location.line or 0,
                                f.location.column or 0, f.code, f.message))
        prints = assign((f.code, root_relative(f.location.path, self.root),
                         f.subject if f.subject is not None else f.location.pointer)
                        for f in out)
        return [dataclasses.replace(f, fingerprint=p) for f, p in zip(out, prints, strict=True)]

    def _path_ignored(self, finding: Finding, path: str, root: Path | None) -> bool:
        rel = _relative_to(path, root)
        sids = sids_of(finding.subject)
        codes = covered_codes(finding)
        return any(any(matches(code, e.codes) for code in codes)
                   and (is_excluded(rel, e.paths) or is_excluded(path, e.paths))
                   and (not e.sids or any(s in e.sids for s in sids))
                   for e in self.config.per_path_ignores)

    def _drop_superseded(self, findings: list[Finding]) -> list[Finding]:
        """Fold a finding into the rule that supersedes it (``Rule.superseded_by``) when
        that rule runs too and reports the same statement (:mod:`.supersede`)."""
        return fold_superseded(findings, self.rules)

    def kind_for(self, display: str) -> str | None:
        root = self.config.root
        rel = _relative_to(display, root)
        for entry in self.config.kinds:
            if is_excluded(rel, entry.paths) or is_excluded(display, entry.paths):
                return entry.kind
        return None

    def lint_file(self, item: FileInput,
                  sid_rules: Sequence[SidSuppression] = ()) -> FileOutcome:
        """Read one file, build its targets and collect their findings (unfinished:
        :meth:`finish` runs once over every file's findings)."""
        try:
            targets = load_targets(item, self.kind_for(item.display), self.params)
        except Exception as exc:
            targets = [unreadable_target(PolicyEvalError(
                f"could not read the document: {type(exc).__name__}: {exc}",
                Location(item.display), ErrorCode.unreadable), item.display)]
        part = LintResult()
        if not _count_templates(part, targets, item.display):
            (part.files if targets else part.skipped).append(item.display)
        findings = self.collect(targets, sid_rules) if targets else []
        return FileOutcome(item.display, len(targets), findings, part)

    def lint_files(self, files: Iterable[FileInput], *, jobs: int | None = 1) -> LintResult:
        """Lint files already found (see :func:`~policy_eval.lint.discover.find_files`).

        ``jobs``: worker processes (``None``: one per core); a pool is only started when
        there are enough files to pay for it (:mod:`policy_eval.lint.parallel`). The
        result is the same, in the same order, whatever ``jobs`` is."""
        files = list(files)
        sid_rules = sid_suppressions(self.config)
        outcomes: list[FileOutcome] | None = None
        if jobs != 1 and len(files) > 1:
            from .parallel import lint_in_pool
            outcomes = lint_in_pool(self, files, jobs, sid_rules)
        if outcomes is None:
            outcomes = [self.lint_file(item, sid_rules) for item in files]
        result = LintResult()
        for outcome in outcomes:
            part = outcome.accounting
            result.files.extend(part.files)
            result.skipped.extend(part.skipped)
            result.templates += part.templates
            result.template_policies += part.template_policies
            result.empty_templates.extend(part.empty_templates)
            result.notes.extend(part.notes)
            result.targets += outcome.targets
        raw = [f for outcome in outcomes for f in outcome.findings]
        raw.extend(unused_sid_findings(sid_rules, self.config, self.running_codes))
        result.findings = self.finish(raw)
        result.root = self.root
        return result

    def lint_paths(self, paths: Sequence[str | Path], exclude: Sequence[str] = (), *,
                   jobs: int | None = 1) -> LintResult:
        """Find and lint the files under ``paths``; missing paths raise ``InputError``.

        ``exclude`` globs are relative to the folders in ``paths``, the configuration's
        ``exclude`` to the configuration's folder (:mod:`policy_eval.lint.paths`)."""
        from ..errors import InputError
        given = [Path(p) for p in paths]
        root = self.config.root
        excludes = build_excludes(given, list(exclude), list(self.config.exclude), root)
        files, missing = find_files(given, excludes)
        if missing:
            raise InputError("no such file or directory", Location(missing[0]),
                             ErrorCode.file_not_found)
        self.root = source_root(given, root)
        return self.lint_files(files, jobs=jobs)

    def lint_source(self, source: SourceDocument, kind: str | None = None) -> list[Finding]:
        base = Path(source.path).parent if source.path else None
        return self.check_targets(build_targets(source, kind=kind, base=base,
                                                params=self.params))

    def lint_text(self, text: str, path: str | None = None,
                  kind: str | None = None) -> list[Finding]:
        """Lint a document given as text (JSON, or YAML when ``path`` ends in .yaml)."""
        try:
            source = load_text(text, path)
        except PolicyEvalError as exc:
            return self.check_targets([unreadable_target(exc, path, text)])
        return self.lint_source(source, kind)


#: Rules whose findings stand for an unknown value (never dropped by :func:`_at_unknown`).
NOT_ANALYSED_CODES = ("SYN022",)


def _at_unknown(finding: Finding, unknown: tuple[str, ...]) -> bool:
    """Is ``finding`` about an unknown value of a template (its placeholder, not the real
    value)? See :mod:`policy_eval.document.iac.unknown`."""
    if finding.code in NOT_ANALYSED_CODES:
        return False
    pointer = finding.location.pointer
    return any(pointer == u or pointer.startswith(u + "/") for u in unknown)


def _count_templates(result: LintResult, targets: list[Target], display: str) -> bool:
    """Account for the templates among ``targets``; True when the file was a template."""
    wholes = [t for t in targets if t.kind == "template"]
    if not wholes:
        return False
    checked = False
    for target in wholes:
        extraction = target.related["template"]
        result.templates += 1
        result.template_policies += extraction.policies
        shown = target.path or display
        if extraction.empty:
            result.empty_templates.append(shown)
            result.notes.append((shown, "template with no IAM or Cognito resources: "
                                        "nothing to check"))
            continue
        checked = True
        result.notes.append((shown, f"template: {extraction.policies} "
                                    f"polic{'y' if extraction.policies == 1 else 'ies'} in "
                                    f"{extraction.iam_resources} IAM/Cognito resources"))
        for note in extraction.notes:
            where = extraction.source.location(note.pointer)
            result.notes.append((f"{shown}:{where.line or 1}", note.message))
        for pointer, unknown in extraction.unknowns.items():
            line = extraction.source.location(pointer).line or 1
            result.notes.append((f"{shown}:{line}", f"not analysed: {unknown.describe()}"))
    if checked:
        result.files.append(display)
    return True


def _internal_error(rule: Rule, target: Target, exc: Exception) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return Finding(INTERNAL_ERROR_CODE, "internal-error",
                   f"rule {rule.code} ({rule.name}) crashed on this document: "
                   f"{type(exc).__name__}: {exc}{where}; the other rules ran. Please report this.",
                   Severity.error, target.location(""), None, None,
                   {"rule": rule.code, "exception": type(exc).__name__})


def lint_document(document: dict[str, Any] | str, *, kind: str | None = None,
                  path: str | None = None, select: Sequence[str] | None = None,
                  ignore: Sequence[str] | None = None,
                  config: LintConfig | None = None) -> list[Finding]:
    """Lint one document: a decoded dict, or JSON/YAML text."""
    linter = Linter(config, select=select, ignore=ignore)
    if isinstance(document, str):
        return linter.lint_text(document, path, kind)
    import json
    try:
        text = json.dumps(document, indent=2, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        from ..errors import InputError
        raise InputError(f"the document is not plain JSON data ({exc})", Location(path),
                         "invalid-input") from None
    source = SourceDocument(path, text, document)
    return linter.lint_source(source, kind)
