"""The notes-app stack gives the same decisions and the same findings whichever format it
is read from: CloudFormation (the scenarios' own pool), Terraform source, a Terraform plan
and, for the findings, an account export of the deployed stack.

The scenarios of ``fixtures/iac/scenarios`` are run against each format's pool. Generated
identifiers differ between formats (a template's user pool and app client ids are
placeholders derived from its resource names, a plan has the real ones), so each scenario's
login is rewritten to name the same user pool and client *of the pool under test*, and its
ARNs to name that pool's account; identity ids are given by the scenarios.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from policy_eval.document.iac import pool_source
from policy_eval.lint.runner import Linter
from policy_eval.scenario import load_scenario, run_scenario

IAC = Path(__file__).resolve().parents[3] / "fixtures" / "iac"
SCENARIOS = sorted((IAC / "scenarios").glob("*.json"))
CLOUDFORMATION = IAC / "cloudformation" / "notes-app.yaml"
POOLS = {
    "cloudformation": CLOUDFORMATION,
    "terraform": IAC / "terraform" / "notes-app" / "cognito.tf",
    "terraform-plan": IAC / "terraform" / "notes-app.plan.json",
}
#: What the weak variant of each format adds to the findings of its good twin. VAR006 (an
#: unescaped variable in Fn::Sub) is a CloudFormation-only way to get a variable wrong.
WEAK = {
    "cloudformation": (CLOUDFORMATION, IAC / "cloudformation" / "notes-app-weak.yaml"),
    "terraform": (IAC / "terraform" / "notes-app", IAC / "terraform" / "notes-app-weak"),
    "account-export": (IAC / "export" / "notes-app.json", IAC / "export" / "notes-app-weak.json"),
}
# one finding per problem: the wide cognito-identity grant is COG009 alone (ACT006 and RES004
# are folded into it), and the public client calls are no SEC005
WEAK_CODES = Counter({"COG001": 1, "COG009": 1})


def _facts(pool: Path) -> dict[str, str]:
    """The user pool provider, app client and account of a pool in any format."""
    _, data = pool_source(pool)
    provider = data["IdentityPool"]["CognitoIdentityProviders"][0]
    return {"provider": provider["ProviderName"], "client": provider["ClientId"],
            "account": data["Roles"]["authenticated"].split(":")[4]}


def _rewritten(scenario: Path, pool: Path, tmp_path: Path) -> Path:
    here, there = _facts(CLOUDFORMATION), _facts(pool)
    text = scenario.read_text()
    for key in ("provider", "client", "account"):
        text = text.replace(here[key], there[key])
    data: dict[str, Any] = json.loads(text)
    data["cognito"]["pool"] = str(pool)
    out = tmp_path / scenario.name
    out.write_text(json.dumps(data, indent=2))
    return out


def _decisions(path: Path) -> list[tuple[str, str, bool]]:
    return [(r.id, r.decision, bool(r.ok)) for r in run_scenario(load_scenario(path))]


@pytest.mark.parametrize("fmt", sorted(POOLS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_scenarios_decide_the_same_from_every_format(fmt: str, scenario: Path,
                                                     tmp_path: Path) -> None:
    expected = _decisions(scenario)
    assert expected and all(passed for _, _, passed in expected), expected
    assert _decisions(_rewritten(scenario, POOLS[fmt], tmp_path)) == expected


def _codes(path: Path) -> Counter[str]:
    return Counter(f.code for f in Linter().lint_paths([path]).findings)


@pytest.mark.parametrize("fmt", sorted(WEAK))
def test_weak_variants_get_the_same_findings_in_every_format(fmt: str) -> None:
    good, weak = WEAK[fmt]
    added = _codes(weak) - _codes(good)
    added.pop("VAR006", None)
    assert added == WEAK_CODES
