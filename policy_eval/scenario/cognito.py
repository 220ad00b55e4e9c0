"""Scenarios with a ``cognito`` section: the identity comes from a simulated login.

::

    {"cognito": {"pool": "pools/photo-app.json" | "template.yaml" | "cdk.out" | {...pool...},
                 "parameters": {"Stage": "prod"},
                 "login": {"provider": ..., "claims": {...}, "flow": "enhanced"},
                 "scope_down": "default"},
     "policies": {"resource": "bucket-policy.json", "scp": [...]},
     "context": {"aws:SecureTransport": true},
     "requests": [{"id": "...", "action": "...", "resource": "...", "expect": "allow"}]}

A pool given as a path may be a template holding an identity pool (CloudFormation/SAM, a
CDK ``cdk.out``); ``parameters`` (and the ``--param`` values of the command, which take
precedence) resolve its parameters.

The role's identity policies, its boundary, the session policies, the principal and the
context come from the simulation; the scenario may add a resource policy, SCPs/RCPs and
context keys (which override the simulated ones). When AWS would issue no credentials,
every request is decided ``no_credentials`` with the AWS error code.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..cognito.identity import Refusal
from ..cognito.pool import IdentityPool
from ..cognito.scope_down import DEFAULT_SCOPE_DOWN
from ..document.validation import located_validation_error
from ..errors import ErrorCode, InputError
from .model import Scenario, ScenarioResult, _policy, evaluate_requests

BASE = "/cognito"


class CognitoSection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pool: dict[str, Any] | str
    parameters: dict[str, str] = {}
    login: dict[str, Any]
    scope_down: str = DEFAULT_SCOPE_DOWN
    guest_identity_keys: bool = True
    token_without_roles: str = "authenticated"


def load_section(scenario: Scenario) -> tuple[IdentityPool, CognitoSection]:
    """The scenario's pool (from a file or inline) and its ``cognito`` section."""
    data = scenario.model.cognito
    source = scenario.source
    try:
        section = CognitoSection.model_validate(data, strict=True)
    except ValidationError as exc:
        raise located_validation_error(exc, CognitoSection, data, source.location,
                                       "cognito section", ErrorCode.invalid_cognito_section,
                                       BASE) from None
    options: dict[str, Any] = {"scope_down": section.scope_down,
                               "guest_identity_keys": section.guest_identity_keys,
                               "token_without_roles": section.token_without_roles}
    try:
        if isinstance(section.pool, str):
            path = scenario.base_dir / section.pool
            if not path.exists():
                raise InputError(f"pool file {section.pool!r} not found (looked for {path})",
                                 source.location(BASE + "/pool"), ErrorCode.file_not_found)
            pool = IdentityPool.load(path, params={**section.parameters, **scenario.params},
                                     **options)
        else:
            pool = IdentityPool.from_source(section.pool, source, BASE + "/pool",
                                            scenario.base_dir, **options)
    except InputError as exc:
        if exc.code in (ErrorCode.invalid_scope_down, ErrorCode.invalid_option):
            field = "scope_down" if exc.code == "invalid-scope-down" else "token_without_roles"
            raise InputError(exc.message, source.location(f"{BASE}/{field}"), exc.code) from None
        raise
    return pool, section


def run_cognito_scenario(scenario: Scenario) -> list[ScenarioResult]:
    """Simulate the scenario's login, then evaluate its requests with that identity."""
    model = scenario.model
    pols = model.policies
    for name in ("identity", "session"):
        if getattr(pols, name):
            raise InputError(f"policies.{name} comes from the pool's role when a scenario has a "
                             "cognito section (keep resource, scp and rcp only)",
                             scenario.source.location(f"/policies/{name}"),
                             ErrorCode.invalid_scenario)
    if pols.boundary is not None:
        raise InputError("policies.boundary comes from the role in the pool file when a "
                         "scenario has a cognito section",
                         scenario.source.location("/policies/boundary"), ErrorCode.invalid_scenario)
    if model.principal is not None:
        raise InputError("principal comes from the simulated login when a scenario has a "
                         "cognito section", scenario.source.location("/principal"),
                         ErrorCode.invalid_scenario)
    for index, req in enumerate(model.requests):
        if req.principal is not None:
            raise InputError("a request's principal comes from the simulated login when a "
                             "scenario has a cognito section",
                             scenario.source.location(f"/requests/{index}/principal"),
                             ErrorCode.invalid_scenario)
    pool, section = load_section(scenario)
    outcome = pool.simulate(section.login, locate=scenario.source.location, base=BASE + "/login")
    if isinstance(outcome, Refusal):
        return [ScenarioResult(req.id or f"request-{index}", req, "no_credentials", req.expect,
                               None, outcome.code, f"no credentials: {outcome.describe()}")
                for index, req in enumerate(model.requests)]
    resource = (_policy(scenario, pols.resource, "resource", "/policies/resource")
                if pols.resource is not None else None)

    def levels(refs: list[Any], kind: Any, name: str) -> list[list[Any]]:
        if refs and all(isinstance(r, list) for r in refs):
            return [[_policy(scenario, r, kind, f"/policies/{name}/{n}/{i}")
                     for i, r in enumerate(level)] for n, level in enumerate(refs)]
        return [[_policy(scenario, r, kind, f"/policies/{name}/{i}")
                 for i, r in enumerate(refs)]] if refs else []

    policy_set = outcome.policy_set_with(resource=resource, scps=levels(pols.scp, "scp", "scp"),
                                         rcps=levels(pols.rcp, "rcp", "rcp"))
    return evaluate_requests(scenario, policy_set, outcome.principal,
                             {**outcome.context, **model.context})
