"""Role paths and generated populations: every way a login reaches credentials, n
distinct identities per path, simulated exactly as ``policy-eval simulate`` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _population_support import LOGINS, NOTES_APP, PHOTO_APP

from policy_eval.cognito import IdentityPool
from policy_eval.errors import InputError
from policy_eval.population import generate_identities, load_logins
from policy_eval.population.generate import ISSUE_TIME
from policy_eval.population.paths import claims_for_rule


def test_notes_app_has_four_role_paths_with_n_distinct_identities_each():
    population = generate_identities(NOTES_APP, 7)
    assert {key: p.identities for key, p in population.paths.items()} == {
        "guest": 7, "userpool-4f6h/rule-1": 7, "userpool-4f6h/no-rule": 7,
        "developer-login.notes-app.example/default": 7}
    ids = [m.identity_id for m in population.members]
    assert len(set(ids)) == len(ids) == 28
    roles = {m.path: m.role_arn.rsplit("/", 1)[-1] for m in population.members}
    assert roles == {"guest": "NotesAppGuest", "userpool-4f6h/rule-1": "NotesAppPro",
                     "userpool-4f6h/no-rule": "NotesAppAuth",
                     "developer-login.notes-app.example/default": "NotesAppAuth"}


def test_members_are_the_identities_simulate_gives_for_their_logins():
    population = generate_identities(NOTES_APP, 2)
    pool = IdentityPool.load(NOTES_APP)
    for member in population.members:
        again = pool.simulate(member.identity.login, issue_time=ISSUE_TIME)
        assert again.to_dict() == member.identity.to_dict()


def test_photo_app_paths_cover_rules_token_roles_guests_developer_and_basic_flow():
    population = generate_identities(PHOTO_APP, 1)
    keys = set(population.paths)
    assert {"guest", "google/rule-1", "google/no-rule", "userpool-6k2r/rule-4",
            "userpool-3n5p/token-PhotoAppAdmin", "userpool-3n5p/token-none",
            "developer-login.photoapp.example/default",
            "basic/userpool-6k2r/PhotoAppAdmin"} <= keys
    refused = {p.key: p.refusal.code for p in population.refused}
    # The guest trust policy refuses authenticated tokens; the admin trust refuses Google.
    assert refused["userpool-3n5p/token-PhotoAppGuest"] == (
        "InvalidIdentityPoolConfigurationException")
    assert refused["basic/google/PhotoAppAdmin"] == "AccessDenied"
    assert population.paths["userpool-6k2r/rule-3"].role_arn.endswith("/PhotoAppModerator")


def test_rule_claims_make_the_rule_the_first_match_or_report_it_shadowed():
    from policy_eval.cognito.model import MappingRule

    arn = "arn:aws:iam::111122223333:role/R"
    rules = [MappingRule(Claim="tier", MatchType="StartsWith", Value="pro", RoleARN=arn),
             MappingRule(Claim="tier", MatchType="Equals", Value="pro", RoleARN=arn),
             MappingRule(Claim="tier", MatchType="NotEqual", Value="pro", RoleARN=arn)]
    assert claims_for_rule(rules, 0) == {"tier": "pro"}
    assert claims_for_rule(rules, 1) is None      # shadowed by StartsWith 'pro'
    assert claims_for_rule(rules, 2) == {"tier": "not-pro"}


def test_logins_file_replaces_the_generated_set():
    population = generate_identities(NOTES_APP, logins=load_logins(LOGINS))
    assert len(population) == 4
    assert sorted(p.key for p in population.paths.values()) == [
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_N0tesAp1 (enhanced) -> NotesAppAuth",
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_N0tesAp1 (enhanced) -> NotesAppPro",
        "guest (enhanced) -> NotesAppGuest",
        "login.notes-app.example (enhanced) -> NotesAppAuth"]


def test_a_json_list_of_logins_loads_like_json_lines(tmp_path: Path):
    lines = [json.loads(line) for line in LOGINS.read_text().splitlines()]
    listed = tmp_path / "logins.json"
    listed.write_text(json.dumps({"logins": lines}, indent=2))
    assert [dict(x) for x in load_logins(listed)] == [dict(x) for x in load_logins(LOGINS)]


@pytest.mark.parametrize(("text", "where"), [
    ('{"provider": null}\n{"claims": {"sub": "x"}, "flow": "sideways"}\n', ":2:"),
    ('{"provider": null}\n{not json\n', ":2:"),
])
def test_a_bad_login_line_is_located(tmp_path: Path, text: str, where: str):
    path = tmp_path / "logins.jsonl"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        load_logins(path)
    assert f"{path}{where}" in str(error.value)


def test_a_login_with_an_unknown_provider_names_its_place(tmp_path: Path):
    path = tmp_path / "logins.json"
    path.write_text('[\n  {"provider": "accounts.google.com", "claims": {"sub": "1"}}\n]\n')
    with pytest.raises(InputError) as error:
        generate_identities(NOTES_APP, logins=load_logins(path))
    assert str(path) in str(error.value) and "/0/provider" in str(error.value)
