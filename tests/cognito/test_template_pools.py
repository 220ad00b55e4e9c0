"""Identity pools read from templates: the same scenarios give the same decisions whichever
format the pool was read from; unknown values never make the engine allow silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_eval.cognito import IdentityPool
from policy_eval.document.source import load_file
from policy_eval.errors import InputError
from policy_eval.scenario import run_scenario
from policy_eval.scenario.model import parse_scenario
from tests.cognito._cognito_support import REPO, run_cli

IAC = REPO / "fixtures" / "iac"
SCENARIOS = sorted((IAC / "scenarios").glob("*.json"))
#: the notes-app pool in every format it is kept in (paths relative to the scenarios)
FORMATS = {"pool-file": "../pools/notes-app.json",
           "cloudformation-yaml": "../cloudformation/notes-app.yaml",
           "cloudformation-json": "../cloudformation/notes-app.json",
           "cdk-out": "../cdk.out", "cdk-manifest": "../cdk.out/manifest.json"}
PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Lhy9QG0cQ"
CLIENT = "5sle80233d8uq71s109mt53ots"


def decisions(path: Path, pool: str, params: dict[str, str] | None = None) -> list[tuple[str, str]]:
    source = load_file(path)
    source.data["cognito"]["pool"] = pool
    results = run_scenario(parse_scenario(source, params))
    return [(r.id, r.decision) for r in results]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_same_decisions_in_every_format(path: Path) -> None:
    expected = [(r.id, r.decision) for r in run_scenario(parse_scenario(load_file(path)))]
    assert all(r.ok for r in run_scenario(parse_scenario(load_file(path))))
    for name, pool in FORMATS.items():
        assert decisions(path, pool) == expected, name


def test_identity_pool_load_reads_templates() -> None:
    pools = {name: IdentityPool.load(IAC / "scenarios" / rel) for name, rel in FORMATS.items()}
    ids = {p.id for p in pools.values()}
    assert len(ids) == 1
    for pool in pools.values():
        assert set(pool.providers) == {PROVIDER}
        editor = pool.login(PROVIDER, {"sub": "u1", "aud": CLIENT, "token_use": "id",
                                       "cognito:groups": ["editors"]})
        assert editor.role_arn.endswith(("notes-app-dev-editor", "EditorRole4F7A9D03"))
    staged = IdentityPool.load(IAC / "cloudformation" / "notes-app.yaml",
                               params={"Stage": "prod"})
    assert staged.name == "notes_app_prod"


def test_simulate_cli_with_a_template_and_params(tmp_path: Path) -> None:
    login = tmp_path / "login.json"
    login.write_text(json.dumps({"provider": PROVIDER, "claims": {
        "sub": "u1", "aud": CLIENT, "token_use": "id"}}))
    code, out, _ = run_cli("simulate", str(IAC / "cloudformation" / "notes-app.yaml"),
                           "--login", str(login), "--param", "Stage=prod", "-f", "json")
    assert code == 0, out
    assert json.loads(out)["role_arn"] == \
        "arn:aws:iam::123456789012:role/notes-app-prod-authenticated"
    code, _, err = run_cli("simulate", str(IAC / "sam" / "notes-api.yaml"), "--login",
                           str(login))
    assert code == 2 and "declares no AWS::Cognito::IdentityPool" in err


def test_eval_and_test_cli_take_params() -> None:
    scenario = IAC / "scenarios" / "user-owns-files-and-notes.json"
    code, out, _ = run_cli("test", str(IAC / "scenarios"), "--no-color")
    assert code == 0, out
    # with another stage the bucket and table names change, so the expectations fail
    code, out, _ = run_cli("eval", str(scenario), "--param", "Stage=prod", "-f", "json")
    assert code == 0
    assert json.loads(out.splitlines()[0])["decision"] == "implicit_deny"


def _pool_template(tmp_path: Path, statement: dict, extra_params: str = "") -> Path:
    """The notes-app YAML with one more statement in the guest role's policy."""
    text = (IAC / "cloudformation" / "notes-app.yaml").read_text()
    anchor = '                Resource: !Sub "${FilesBucket.Arn}/public/*"\n'
    assert text.count(anchor) == 1
    block = "              - " + json.dumps(statement) + "\n"
    text = text.replace(anchor, anchor + block)
    text = text.replace("Parameters:\n", "Parameters:\n" + extra_params, 1)
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    return path


GUEST = {"provider": None}
UNKNOWN_BUCKET = "  Archive: {Type: String}\n"


def test_allow_with_an_unknown_value_grants_nothing(tmp_path: Path) -> None:
    path = _pool_template(tmp_path, {"Effect": "Allow", "Action": "s3:GetObject",
                                     "Resource": {"Fn::Sub": "arn:aws:s3:::${Archive}/*"}},
                          UNKNOWN_BUCKET)
    guest = IdentityPool.load(path).login()
    # neither every bucket (a wildcard) nor a silent guess: the statement is left out
    assert not guest.can("s3:GetObject", "arn:aws:s3:::any-bucket/a.txt").allowed
    assert guest.can("s3:GetObject", "arn:aws:s3:::notes-app-dev-files/public/a").allowed
    known = IdentityPool.load(path, params={"Archive": "archive-bucket"}).login()
    assert known.can("s3:GetObject", "arn:aws:s3:::archive-bucket/a.txt").allowed


def test_deny_with_an_unknown_value_is_an_error(tmp_path: Path) -> None:
    path = _pool_template(tmp_path, {"Effect": "Deny", "Action": "s3:GetObject",
                                     "Resource": {"Fn::Sub": "arn:aws:s3:::${Archive}/*"}},
                          UNKNOWN_BUCKET)
    with pytest.raises(InputError, match="--param") as err:
        IdentityPool.load(path)
    assert err.value.location.path == str(path)
    assert err.value.location.line == next(
        i for i, line in enumerate(path.read_text().splitlines(), 1) if '"Deny"' in line)
    assert IdentityPool.load(path, params={"Archive": "archive-bucket"}) is not None


def test_unknown_pool_settings_are_errors(tmp_path: Path) -> None:
    text = (IAC / "cloudformation" / "notes-app.yaml").read_text().replace(
        "AllowUnauthenticatedIdentities: true", "AllowUnauthenticatedIdentities: !Ref Guests")
    text = text.replace("Parameters:\n", "Parameters:\n  Guests: {Type: String}\n", 1)
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="unknown before deployment"):
        IdentityPool.load(path)
    assert IdentityPool.load(path, params={"Guests": "false"}).config.model.IdentityPool \
        .AllowUnauthenticatedIdentities is False


def test_scenario_parameters_resolve_the_template(tmp_path: Path) -> None:
    source = load_file(IAC / "scenarios" / "user-owns-files-and-notes.json")
    source.data["cognito"]["pool"] = str(IAC / "cloudformation" / "notes-app.yaml")
    source.data["cognito"]["parameters"] = {"Stage": "prod"}
    prod = run_scenario(parse_scenario(source))
    assert prod[0].id == "read-own-file" and prod[0].decision == "implicit_deny"
    # --param (the command line) takes precedence over the scenario's parameters
    dev = run_scenario(parse_scenario(source, {"Stage": "dev"}))
    assert dev[0].decision == "allow"
