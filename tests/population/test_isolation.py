"""check_isolation: the good pool passes, each weak pool yields its counterexample, and
the exhaustive search agrees with a brute-force scalar evaluation of every pair."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _population_support import LEADING_KEYS, NOTES_APP, POOLS, PRIVATE, TABLE, TAGGED
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.cognito import IdentityPool
from policy_eval.errors import InputError
from policy_eval.population import VacuousCheck, check_isolation, generate_identities
from policy_eval.population.owners import OwnerTemplate, fold
from policy_eval.population.probes import make_probes, parse_context_options
from policy_eval.population.search import multivalued_keys, search_population


def test_the_notes_app_pool_is_isolated_for_s3_and_dynamodb():
    result = check_isolation(NOTES_APP, [PRIVATE, TABLE], context=[LEADING_KEYS], n=8,
                             adversarial_examples=60)
    assert result.isolated and result.counterexamples == []
    # 32 identities, 9 actions, single and mixed LeadingKeys: every ordered pair decided.
    assert result.checked == 32 * 31 * 9 * 2
    assert result.to_dict()["isolated"] is True


def test_private_wildcard_lets_every_user_read_every_identity():
    result = check_isolation(POOLS / "weak-private-wildcard.json", [PRIVATE], n=4,
                             adversarial=False)
    assert not result.isolated
    attackers = {c.attacker.path for c in result.counterexamples}
    victims = {c.victim.path for c in result.counterexamples}
    assert attackers == {"userpool-4f6h/rule-1", "userpool-4f6h/no-rule",
                         "developer-login.notes-app.example/default"}
    assert "guest" in victims
    # users reach the 15 others' resources for GetObject, PutObject and DeleteObject
    assert result.counterexample_count == 12 * 15 * 3


def test_rows_decided_in_chunks_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool the candidate filter cannot narrow is decided in bounded chunks."""
    import policy_eval.population.search as search

    def run() -> Any:
        result = check_isolation(POOLS / "weak-private-wildcard.json", [PRIVATE], n=6,
                                 adversarial=False)
        return result.counterexample_count, result.by_path, result.checked

    whole = run()
    monkeypatch.setattr(search, "_CHUNK_ROWS", 7)
    assert run() == whole and whole[0] > 7


def test_a_guest_reaching_private_objects_is_a_counterexample():
    result = check_isolation(POOLS / "weak-guest-private-preview.json", [PRIVATE], n=3,
                             adversarial=False)
    assert {c.attacker.path for c in result.counterexamples} == {"guest"}
    first = result.counterexamples[0]
    assert first.action == "s3:GetObject"
    assert first.decision.statements[0].statement.sid == "GuestPreviewOfPrivateNotes"


def test_for_any_value_leading_keys_leaks_when_a_batch_mixes_keys():
    result = check_isolation(POOLS / "weak-leading-keys-any-value.json", [TABLE],
                             context=[LEADING_KEYS], n=3, adversarial=False)
    assert not result.isolated
    assert {c.mode for c in result.counterexamples} == {"mixed"}
    leak = result.counterexamples[0]
    own = leak.attacker.identity_id
    assert leak.context["dynamodb:LeadingKeys"] == [own, leak.victim.identity_id]


def test_a_tag_from_a_claim_users_set_is_found_by_the_adversarial_search():
    result = check_isolation(POOLS / "weak-tag-from-user-claim.json", [TAGGED], n=3,
                             adversarial_examples=200)
    assert [c.search for c in result.counterexamples] == ["adversarial"]
    leak = result.counterexamples[0]
    claims_a = leak.attacker.identity.login.claims
    claims_b = leak.victim.identity.login.claims
    assert claims_a["preferred_username"] == claims_b["preferred_username"]
    assert leak.attacker.identity_id != leak.victim.identity_id
    assert "preferred_username" in leak.note
    assert result.by_path == {leak.attacker.path: 1}   # counted on the attacker's path


def test_counterexamples_reproduce_with_the_identity_itself():
    result = check_isolation(POOLS / "weak-leading-keys-any-value.json", [PRIVATE, TABLE],
                             context=[LEADING_KEYS], n=2, adversarial=False)
    for leak in result.counterexamples:
        assert leak.attacker.identity.can(leak.action, leak.resource, leak.context).allowed
    data = json.loads(json.dumps(result.to_dict()))
    example = data["counterexamples"][0]
    assert set(example) >= {"attacker", "victim", "action", "resource", "context",
                            "statements"}
    assert {"identity_id", "role_arn", "provider"} <= set(example["attacker"])


def test_a_vacuous_check_is_refused():
    with pytest.raises(VacuousCheck, match="vacuous"):
        check_isolation(NOTES_APP, ["arn:aws:s3:::another-bucket/${sub}/x"],
                        actions=["s3:GetObject"], n=2, adversarial=False)


def test_a_template_every_identity_shares_is_refused():
    with pytest.raises(InputError, match=r"no \$\{\.\.\.\}"):
        check_isolation(NOTES_APP, ["arn:aws:s3:::example-notes-app/public/a.txt"], n=2)


@pytest.mark.parametrize("option", ["LeadingKeys", "=${sub}", "dynamodb:LeadingKeys"])
def test_malformed_context_options_are_input_errors(option: str):
    with pytest.raises(InputError, match="KEY=TEMPLATE"):
        parse_context_options([option])


# ------------------------------------------------------------------ exactness

BUCKET = "arn:aws:s3:::example-notes-app"
SUB = "${cognito-identity.amazonaws.com:sub}"
RESOURCES = [f"{BUCKET}/private/{SUB}/*", f"{BUCKET}/private/*", f"{BUCKET}/private/{SUB}*",
             f"{BUCKET}/private/us-east-1:?*", f"{BUCKET}/*/note.txt", "*", TABLE,
             f"{BUCKET}/private/${{aws:PrincipalTag/username}}/*", f"{BUCKET}/PRIVATE/*"]
OPERATORS = ["StringEquals", "StringLike", "ForAllValues:StringEquals",
             "ForAnyValue:StringLike", "StringNotEquals", "StringEqualsIgnoreCase",
             "ForAllValues:StringLikeIfExists", "StringNotLike"]
VALUES = [SUB, "us-east-1:*", "*", f"{SUB}*", "US-EAST-1:*"]


@st.composite
def statements(draw: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"])),
        "Action": ["s3:GetObject", "dynamodb:BatchGetItem"]}
    key = "NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"
    statement[key] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    if draw(st.booleans()):
        operator = draw(st.sampled_from(OPERATORS))
        values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=2))
        statement["Condition"] = {operator: {"dynamodb:LeadingKeys": values}}
    return statement


def brute_force(population: Any, template: str, context: dict[str, str],
                actions: list[str]) -> dict[tuple[str, int], int]:
    """Every (attacker, victim, action, mode) decided by the scalar engine."""
    probe = make_probes([template], context)[0]
    multi = multivalued_keys(list(context))
    owned = []
    for member in population.members:
        ctx = fold(member.identity.context)
        resource = probe.template.resolve(ctx)
        values = {k: OwnerTemplate(v).resolve(ctx) for k, v in context.items()}
        owned.append(None if resource is None or None in values.values()
                     else (resource, values))
    sets: dict[str, Any] = {}
    reach: dict[tuple[str, int], int] = {}
    for a, attacker in enumerate(population.members):
        ident = attacker.identity
        pset = sets.setdefault(ident.role_arn + str(ident.session_policies),
                               ident.policy_set_with())
        for action in actions:
            count = 0
            for mode in ["single"] + (["mixed"] if multi else []):
                if mode == "mixed" and owned[a] is None:
                    continue
                for b, value in enumerate(owned):
                    if value is None or b == a or value == owned[a]:
                        continue
                    extra: dict[str, Any] = dict(value[1])
                    if mode == "mixed":
                        for key in multi:
                            extra[key] = [owned[a][1][key], value[1][key]]  # type: ignore[index]
                    if pset.evaluate(ident.request(action, value[0], extra)).allowed:
                        count += 1
            reach[(action, a)] = count
    return reach


@settings(max_examples=12)
@given(st.lists(statements(), min_size=1, max_size=4), st.sampled_from([PRIVATE, TABLE]))
def test_the_search_reaches_exactly_what_brute_force_does(policy: list[dict[str, Any]],
                                                          template: str):
    data = json.loads(NOTES_APP.read_text())
    data["PrincipalTagAttributeMaps"] = {}
    for role in data["IamRoles"]:
        if role["RoleName"] == "NotesAppAuth":
            role["RolePolicyList"] = [{"PolicyName": "Generated", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": policy}}]
    pool = IdentityPool.from_dict(data, base_dir=POOLS)
    population = generate_identities(pool, 2)
    context = {"dynamodb:LeadingKeys": "${sub}"}
    actions = ["s3:GetObject", "dynamodb:BatchGetItem"]
    probes = make_probes([template], context)
    found = search_population(population, probes, actions=actions)
    expected = brute_force(population, template, context, actions)
    for action in actions:
        got = found.reach[(0, action)].tolist()
        assert got == [expected[(action, a)] for a in range(len(population.members))]
