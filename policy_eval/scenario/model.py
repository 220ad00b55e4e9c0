"""Scenario files: policies, a principal, a context and requests with expected decisions.

A scenario (JSON or YAML; paths relative to the file)::

    {"policies": {"identity": [{...}, "roles/auth.json"], "boundary": null,
                  "session": [], "resource": null, "scp": [], "rcp": []},
     "principal": "arn:aws:sts::111122223333:assumed-role/Cognito_Auth/CognitoIdentityCredentials",
     "context": {"cognito-identity.amazonaws.com:sub": "us-east-1:0d1b..."},
     "requests": [{"id": "own", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/...",
                   "context": {}, "expect": "allow"}]}

The top-level ``context`` applies to every request; a request's own ``context`` adds to or
overrides it. ``expect`` is ``allow``, ``deny`` (either deny), ``explicit_deny``,
``implicit_deny`` or ``no_credentials`` (Cognito scenarios whose login AWS refuses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..document.model import Policy, PolicyKind, parse_policy
from ..document.source import SourceDocument, load_file
from ..document.validation import located_validation_error
from ..engine.explain import Decision
from ..engine.request import Request
from ..errors import ErrorCode, InputError, Location, PolicyEvalError, join_pointer
from ..policyset import PolicySet

Expectation = Literal["allow", "deny", "explicit_deny", "implicit_deny", "no_credentials"]
PolicyRef = dict[str, Any] | str


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScenarioPolicies(_Model):
    identity: list[PolicyRef] = Field(default_factory=list)
    resource: PolicyRef | None = None
    boundary: PolicyRef | None = None
    session: list[PolicyRef] = Field(default_factory=list)
    scp: list[PolicyRef] | list[list[PolicyRef]] = Field(default_factory=list)
    rcp: list[PolicyRef] | list[list[PolicyRef]] = Field(default_factory=list)


class ScenarioRequest(_Model):
    id: str | None = None
    action: str
    resource: str = "*"
    principal: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    expect: Expectation | None = None
    description: str | None = None


class ScenarioModel(_Model):
    description: str | None = None
    policies: ScenarioPolicies = Field(default_factory=ScenarioPolicies)
    principal: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    cognito: dict[str, Any] | None = None
    requests: list[ScenarioRequest]


@dataclass
class Scenario:
    """A loaded scenario: its model, where it came from, and its policy set."""

    model: ScenarioModel
    source: SourceDocument
    path: Path | None
    #: ``--param KEY=VALUE`` values for a pool read from a template
    params: dict[str, str] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


@dataclass
class ScenarioResult:
    """One request of a scenario, evaluated."""

    id: str
    request: ScenarioRequest
    decision: str
    expect: str | None
    outcome: Decision | None = None
    error: str | None = None          # AWS error code when no credentials were issued
    detail: str | None = None

    @property
    def ok(self) -> bool | None:
        """Whether the decision meets the expectation (``None`` without one)."""
        if self.expect is None:
            return None
        if self.expect == "deny":
            return self.decision in ("explicit_deny", "implicit_deny")
        return self.decision == self.expect

    @property
    def explanation(self) -> str:
        if self.outcome is not None:
            return self.outcome.explain()
        return self.detail or self.decision

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "decision": self.decision}
        if self.expect is not None:
            out["expect"] = self.expect
            out["ok"] = self.ok
        if self.outcome is not None:
            out["explanation"] = self.outcome.to_dict()
        else:
            out["explanation"] = {"decision": self.decision, "error": self.error,
                                  "summary": self.detail}
        return out


def parse_scenario(source: SourceDocument, params: dict[str, str] | None = None) -> Scenario:
    """Validate decoded scenario data (``params``: ``--param`` values for templates)."""
    if not isinstance(source.data, dict):
        raise InputError("a scenario must be an object with 'policies' and 'requests'",
                         source.location(""), ErrorCode.invalid_scenario)
    try:
        model = ScenarioModel.model_validate(source.data)
    except ValidationError as exc:
        raise located_validation_error(exc, ScenarioModel, source.data, source.location,
                                       "scenario", ErrorCode.invalid_scenario) from None
    return Scenario(model, source, Path(source.path) if source.path else None,
                    dict(params or {}))


def load_scenario(path: str | Path, params: dict[str, str] | None = None) -> Scenario:
    """Read and validate a scenario file (policies are loaded when it runs; ``params``
    resolve the parameters of a pool template)."""
    return parse_scenario(load_file(path), params)


def _policy(scenario: Scenario, ref: PolicyRef, kind: PolicyKind, pointer: str) -> Policy:
    if isinstance(ref, str):
        path = Path(ref)
        if not path.is_absolute():
            path = scenario.base_dir / path
        try:
            src = load_file(path)
        except InputError as exc:
            if exc.code == ErrorCode.file_not_found:
                raise InputError(f"policy file {ref!r} not found (looked for {path})",
                                 scenario.source.location(pointer),
                                 ErrorCode.file_not_found) from None
            raise
        return parse_policy(src.data, kind=kind, source=src, name=str(ref))
    return parse_policy(ref, kind=kind, source=scenario.source, pointer=pointer,
                        name=f"{scenario.path or 'scenario'}#{pointer}")


def build_policy_set(scenario: Scenario) -> PolicySet:
    """The scenario's policies as a :class:`PolicySet`."""
    pols = scenario.model.policies
    base = "/policies"

    def many(refs: list[Any], kind: PolicyKind, name: str) -> list[Policy]:
        return [_policy(scenario, r, kind, join_pointer(base, name, i)) for i, r in enumerate(refs)]

    def levels(refs: list[Any], kind: PolicyKind, name: str) -> list[list[Policy]]:
        if refs and all(isinstance(r, list) for r in refs):
            return [[_policy(scenario, r, kind, join_pointer(base, name, n, i))
                     for i, r in enumerate(level)] for n, level in enumerate(refs)]
        return [many(refs, kind, name)] if refs else []

    return PolicySet(
        identity=many(pols.identity, "identity", "identity"),
        resource=_policy(scenario, pols.resource, "resource", base + "/resource")
        if pols.resource is not None else None,
        boundary=_policy(scenario, pols.boundary, "boundary", base + "/boundary")
        if pols.boundary is not None else None,
        session=many(pols.session, "session", "session"),
        scps=levels(pols.scp, "scp", "scp"),
        rcps=levels(pols.rcp, "rcp", "rcp"),
    )


def _relocate(exc: PolicyEvalError, scenario: Scenario, pointer: str) -> PolicyEvalError:
    """A request error re-reported at its place in the scenario file."""
    inner = exc.location.pointer or ""
    full = pointer + inner if inner.startswith("/") else pointer
    loc = scenario.source.location(full)
    if loc.line is None:
        loc = Location(loc.path, None, None, full)
    return type(exc)(exc.message, loc, exc.code)


def run_scenario(scenario: Scenario) -> list[ScenarioResult]:
    """Evaluate every request of ``scenario``."""
    if scenario.model.cognito is not None:
        from .cognito import run_cognito_scenario
        return run_cognito_scenario(scenario)
    policy_set = build_policy_set(scenario)
    return evaluate_requests(scenario, policy_set, scenario.model.principal,
                             scenario.model.context)


def evaluate_requests(scenario: Scenario, policy_set: PolicySet, principal: str | None,
                      context: dict[str, Any]) -> list[ScenarioResult]:
    """Evaluate the scenario's requests with ``policy_set`` for ``principal``."""
    results = []
    for index, req in enumerate(scenario.model.requests):
        pointer = f"/requests/{index}"
        try:
            request = Request(req.action, req.resource, req.principal or principal,
                              {**context, **req.context})
            decision = policy_set.evaluate(request)
        except PolicyEvalError as exc:
            raise _relocate(exc, scenario, pointer) from None
        results.append(ScenarioResult(req.id or f"request-{index}", req, decision.decision,
                                      req.expect, decision))
    return results
