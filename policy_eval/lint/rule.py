"""The rule interface every lint rule implements, and the finding it reports.

A rule is a class with a stable ``code`` (family prefix + number, e.g. ``COG011``), a
``name`` (kebab-case), a default :class:`Severity`, an optional ``security_severity``
(0.0-10.0, GitHub code scanning's scale) for security findings, the document kinds it
looks at, and a docstring in ruff's four parts::

    What it does
    ------------
    ...
    Why is this bad?
    ----------------
    ...
    Example
    -------
    ```json
    {...a policy that triggers the rule...}
    ```
    Use instead
    -----------
    ```json
    {...the fixed policy...}
    ```

The ``Example`` and ``Use instead`` blocks are tested: the first must trigger the rule,
the second must not (``tests/lint/test_rule_docs.py``).

Rules register themselves with :func:`register` when their module is imported; the
family modules are listed in ``policy_eval/lint/registry.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from ..document.model import POLICY_KINDS
from ..errors import Location

if TYPE_CHECKING:
    from ..document.model import Policy
    from ..document.source import SourceDocument
    from ..errors import PolicyError


class Severity(str, Enum):
    """How bad a finding is; ``--severity`` sets the threshold for failing."""

    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


#: Document kinds the linter recognises (``unreadable``: a file that could not be decoded;
#: its ``Target.errors`` say why; ``template``: an infrastructure template as a whole, with
#: ``related["template"]`` its extraction, see :mod:`policy_eval.lint.templates`).
#: ``POLICY_KINDS`` (from ``document.model``) are the IAM policy documents.
KINDS = (*POLICY_KINDS, "pool", "role-bundle", "scenario", "template", "unreadable")


@dataclass
class Target:
    """One document under lint, with everything a rule may need.

    ``pointer`` is where the document sits inside ``source`` (``""`` for a whole-file
    policy, ``/IamRoles/0/AssumeRolePolicyDocument`` for a trust policy inside a pool
    file). ``policy`` is the parsed policy (``None`` when it has grammar errors, which
    are in ``errors``). ``related`` carries cross-document facts: for a role's policies,
    ``related["role"]`` (a dict with ``trust``: Target | None and ``permissions``:
    list[Target]) and, when a pool file is linted, ``related["pool"]`` (the pool data).

    Pointers inside ``policy`` (``Statement.pointer``, ``ConditionClause.pointer``) are
    absolute within ``source`` (they already include ``self.pointer``): report them with
    :meth:`Rule.finding_at`. When the document has grammar errors, ``policy`` is ``None``
    and ``partial`` holds the statements that did parse (rules that set
    ``Rule.partial_ok`` look at them, so one broken statement does not hide the others).
    """

    kind: str
    source: SourceDocument
    pointer: str
    data: Any
    policy: Policy | None = None
    errors: list[PolicyError] = field(default_factory=list)
    related: dict[str, Any] = field(default_factory=dict)
    partial: Policy | None = None

    @property
    def path(self) -> str | None:
        return self.source.path

    @property
    def statements_policy(self) -> Policy | None:
        """The parsed policy, or the statements that parsed when there are errors."""
        return self.policy if self.policy is not None else self.partial

    def location(self, pointer: str = "", *, key: bool = False) -> Location:
        """Location of ``pointer`` (relative to this document) in the file."""
        return self.source.location(self.pointer + pointer, key=key)


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule, at one place."""

    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    fix: str | None = None
    security_severity: float | None = None
    #: Facts a rule proved (e.g. two identities and a resource both can reach).
    evidence: dict[str, Any] | None = None
    #: What the finding is about, independent of positions (``policy_eval.lint.fingerprint``);
    #: set by the runner.
    subject: str | None = None
    #: Stable identity of the finding across edits elsewhere in the file; set by the runner.
    fingerprint: str | None = None
    #: A mechanical fix with one right answer: the new text of the element at
    #: ``location.pointer`` (its key when ``replace_key``), applied by ``check --fix``.
    replacement: str | None = None
    replace_key: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "message": self.message,
                "severity": self.severity.value, "location": self.location.to_dict(),
                "fix": self.fix, "security_severity": self.security_severity,
                "evidence": self.evidence, "fingerprint": self.fingerprint}


class Rule:
    """Base class of every lint rule (see the module docstring)."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]                      # one line, for `policy-eval rules`
    severity: ClassVar[Severity] = Severity.warning
    security_severity: ClassVar[float | None] = None
    kinds: ClassVar[tuple[str, ...]] = POLICY_KINDS
    #: Rules that can work on a document with grammar errors set this.
    needs_valid_policy: ClassVar[bool] = True
    #: Statement-local rules that may run on ``Target.partial`` (the statements that
    #: parsed) when the document has grammar errors elsewhere.
    partial_ok: ClassVar[bool] = False
    #: The document kind to lint the docstring examples as (``None``: detect it).
    example_kind: ClassVar[str | None] = None
    #: True when the docstring examples cannot be a JSON block (a binary file, a policy
    #: over the size quota, an internal error); such a rule is tested by its own test.
    examples_in_tests: ClassVar[bool] = False
    #: The codes of the rules that report the same problem with more to say (an engine
    #: proof, the Cognito angle), strongest first. When one of them runs and reports the
    #: same statement, this rule's finding is folded into that one, so one problem gives
    #: one finding (:mod:`policy_eval.lint.supersede`).
    superseded_by: ClassVar[str | tuple[str, ...] | None] = None

    def check(self, target: Target) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finding(self, target: Target, pointer: str, message: str, *, fix: str | None = None,
                key: bool = False, severity: Severity | None = None,
                evidence: dict[str, Any] | None = None) -> Finding:
        """A finding of this rule at ``pointer`` (relative to the target document)."""
        return Finding(self.code, self.name, message, severity or self.severity,
                       target.location(pointer, key=key), fix, self.security_severity,
                       evidence)

    def finding_at(self, target: Target, pointer: str, message: str, *,
                   fix: str | None = None, key: bool = False,
                   severity: Severity | None = None,
                   evidence: dict[str, Any] | None = None,
                   replacement: str | None = None) -> Finding:
        """A finding at an absolute ``pointer`` in the file (e.g. ``Statement.pointer``);
        ``replacement``: the one right new text of that element (its key when ``key``),
        which ``check --fix`` writes."""
        return Finding(self.code, self.name, message, severity or self.severity,
                       target.source.location(pointer, key=key), fix, self.security_severity,
                       evidence, replacement=replacement,
                       replace_key=key and replacement is not None)

    @classmethod
    def documentation(cls) -> str:
        import inspect
        return inspect.cleandoc(cls.__doc__ or "")


_REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the catalogue (codes must be unique)."""
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise ValueError(f"duplicate rule code {cls.code}")
    _REGISTRY[cls.code] = cls
    return cls


def registered_rules() -> Iterator[type[Rule]]:
    """Every registered rule class, by code."""
    return iter(sorted(_REGISTRY.values(), key=lambda r: r.code))
