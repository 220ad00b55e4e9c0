"""The Cognito and security rules on the 38 published identity-pool policies of
``../shared/realworld`` (read in place, never copied; skipped when the folder is absent).

The folder's README judges every document ("Weakness?": **Yes**, By design, No). This test
reads that judgement from the README table itself and checks that the genuinely weak
documents get a COG/SEC finding at warning or above, that the clean ones get nothing above
info, and that nothing crashes — the policies, the CloudFormation templates and the pool
configuration included.

Role context: the README's "Kind" column says which role each identity policy belongs to
("identity policy (auth role)", "(guest role)"), as the source template's identity pool
does. Policies of the same folder and role are linked as one role's permission policies
(``Target.related["role"]``) and given the pool's role slot (``related["pool_role"]``), as
the linter does for a pool file or role bundle; that is how the livestream project's
whole-bucket read policy is seen next to the per-identity policies it defeats. (Linted
alone, a file's name is only a guess at its role: such findings are info.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from policy_eval.document.model import check_policy
from policy_eval.document.source import load_file
from policy_eval.lint.discover import detect_kind
from policy_eval.lint.rule import Finding, Rule, Severity, Target, registered_rules
from policy_eval.lint.rules import cognito, security  # noqa: F401 - registers the rules
from policy_eval.lint.rules._probe import IDENTITY_A, IDENTITY_B
from policy_eval.lint.runner import INTERNAL_ERROR_CODE, Linter
from tests.conftest import SHARED

REALWORLD = SHARED / "realworld"

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "README.md").is_file(), reason="../shared/realworld is not present"
)

_ROW = re.compile(r"^\| `(?P<file>[^`]+\.json)` \|(?P<cells>.*)\|\s*$")


def judgements() -> dict[str, tuple[str, str]]:
    """README table rows: file -> (kind column, verdict: weak | by-design | clean)."""
    out: dict[str, tuple[str, str]] = {}
    if not (REALWORLD / "README.md").is_file():
        return out
    for line in (REALWORLD / "README.md").read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if not m or "/" not in m.group("file") or m.group("file").startswith("pool-configs/"):
            continue
        cells = [c.strip() for c in m.group("cells").split("|")]
        kind, verdict = cells[4], cells[-1]
        if verdict.startswith("**Yes"):
            out[m.group("file")] = (kind, "weak")
        elif verdict.startswith("By design"):
            out[m.group("file")] = (kind, "by-design")
        elif verdict.startswith("No"):
            out[m.group("file")] = (kind, "clean")
    return out


JUDGED = judgements()
RULES: list[Rule] = [cls() for cls in registered_rules() if cls.code[:3] in ("COG", "SEC")]


def _target(path: Path) -> Target:
    source = load_file(path)
    kind = detect_kind(source.data, str(path)) or "identity"
    policy, errors = check_policy(source.data, kind=kind, source=source)  # type: ignore[arg-type]
    return Target(kind, source, "", source.data, policy, list(errors))


def _role_of(kind_column: str) -> str | None:
    m = re.search(r"\((auth|guest|admin) role", kind_column)
    return m.group(1) if m else None


def _linked_targets() -> dict[str, Target]:
    """Every judged document as a target, with the role's other policies linked."""
    targets = {name: _target(REALWORLD / name) for name in JUDGED}
    roles: dict[tuple[str, str], list[str]] = {}
    for name, (kind, _) in JUDGED.items():
        role = _role_of(kind)
        if role is not None and targets[name].kind == "identity":
            roles.setdefault((name.split("/")[0], role), []).append(name)
    slots = {"auth": "authenticated", "guest": "unauthenticated", "admin": "mapped"}
    for (_, role), members in roles.items():
        info: dict[str, Any] = {"trust": None, "permissions": [targets[n] for n in members]}
        for n in members:
            targets[n].related["role"] = info
            # which of the pool's roles it is (the source template's pool says so)
            targets[n].related["pool_role"] = slots[role]
    return targets


def _findings(target: Target) -> list[Finding]:
    return [f for rule in RULES if target.kind in rule.kinds for f in rule.check(target)]


def test_readme_judges_38_documents() -> None:
    verdicts = [v for _, v in JUDGED.values()]
    assert len(JUDGED) == 38
    assert (verdicts.count("weak"), verdicts.count("by-design"), verdicts.count("clean")) == (
        10,
        6,
        22,
    )


@pytest.fixture(scope="module")
def results() -> dict[str, list[Finding]]:
    return {name: _findings(t) for name, t in _linked_targets().items()}


@pytest.mark.parametrize("name", sorted(n for n, (_, v) in JUDGED.items() if v == "weak"))
def test_weak_documents_are_flagged(results: dict[str, list[Finding]], name: str) -> None:
    found = [f for f in results[name] if f.severity.rank >= Severity.warning.rank]
    assert found, f"{name}: a genuine weakness (README) gives no finding at warning or above"


@pytest.mark.parametrize("name", sorted(n for n, (_, v) in JUDGED.items() if v == "clean"))
def test_clean_documents_are_quiet(results: dict[str, list[Finding]], name: str) -> None:
    loud = [
        f"{f.code} {f.severity.value}: {f.message}"
        for f in results[name]
        if f.severity.rank > Severity.info.rank
    ]
    assert loud == [], f"{name}: clean per the README, but: {loud}"


def test_livestream_whole_bucket_policy_defeats_the_private_policy(
    results: dict[str, list[Finding]],
) -> None:
    """README: 'defeats the per-identity policies beside it' — proved by COG017 (identity A
    reads identity B's private object) and COG013 (listing leaks every identity id)."""
    found = {f.code: f for f in results["amplify-livestream/s3-auth-read-whole-bucket.json"]}
    assert {"COG013", "COG017"} <= set(found)
    probe = found["COG017"].evidence["probes"][0]  # type: ignore[index]
    assert probe["decision"] == "allow" and IDENTITY_B in probe["resource"]
    assert probe["context"]["cognito-identity.amazonaws.com:sub"] == IDENTITY_A
    # the per-identity policy beside it is not blamed
    assert not [
        f
        for f in results["amplify-livestream/s3-auth-private.json"]
        if f.severity.rank > Severity.info.rank
    ]


def test_trust_without_aud_is_proved_with_a_foreign_pool(results: dict[str, list[Finding]]) -> None:
    [f] = [
        f
        for f in results["serverless-auth-ref-app/trust-auth-standard-role-no-aud.json"]
        if f.code == "COG001"
    ]
    assert any(p["decision"] == "allow" for p in f.evidence["probes"])  # type: ignore[index]


def test_no_crash_on_every_file_through_the_linter() -> None:
    """The whole folder (policies, templates, pool configuration) through the runner."""
    result = Linter(select=["COG", "SEC"]).lint_paths([str(REALWORLD)])
    assert [f for f in result.findings if f.code == INTERNAL_ERROR_CODE] == []
    assert len(result.files) >= 38


@pytest.mark.parametrize(
    "name",
    [
        *sorted(
            str(p.relative_to(REALWORLD))
            for p in (REALWORLD.glob("templates/*.json") if REALWORLD.is_dir() else [])
        ),
        "templates/amplify-livestream-auth-cloudformation-template.yml",
        "pool-configs/cognito-devguide-role-mapping-rules.json",
    ],
)
def test_templates_and_pool_configuration_as_pool_targets(name: str) -> None:
    """COG019 reads CloudFormation templates and SetIdentityPoolRoles input directly."""
    source = load_file(REALWORLD / name)
    target = Target("pool", source, "", source.data)
    rule = next(r for r in RULES if r.code == "COG019")
    findings = list(rule.check(target))
    if name.startswith("pool-configs/"):
        # AmbiguousRoleResolution: AuthenticatedRole, and a rule on the editable 'locale'
        assert sorted(f.location.pointer.rsplit("/", 1)[-1] for f in findings) == [
            "AmbiguousRoleResolution",
            "Claim",
        ]
    for f in findings:
        assert f.location.line is not None


@pytest.fixture(scope="module")
def checked() -> dict[str, list[Finding]]:
    """``policy-eval check ../shared/realworld`` as a user runs it: every rule, each file
    with only what its folder says (no README role context), one finding per problem."""
    result = Linter().lint_paths([str(REALWORLD)])
    out: dict[str, list[Finding]] = {}
    root = REALWORLD.resolve()
    for f in result.findings:
        name = Path(f.location.path or "").resolve().relative_to(root).as_posix()
        out.setdefault(name, []).append(f)
    return out


@pytest.mark.parametrize("name", sorted(n for n, (_, v) in JUDGED.items() if v == "weak"))
def test_check_flags_every_weak_document(checked: dict[str, list[Finding]], name: str) -> None:
    assert [f for f in checked.get(name, []) if f.severity.rank >= Severity.warning.rank], name


@pytest.mark.parametrize("name", sorted(n for n, (_, v) in JUDGED.items() if v != "weak"))
def test_check_is_quiet_on_clean_and_by_design_documents(checked: dict[str, list[Finding]],
                                                         name: str) -> None:
    loud = [f"{f.code}: {f.message}" for f in checked.get(name, [])
            if f.severity.rank > Severity.info.rank]
    assert loud == [], name


def test_check_precision_on_the_corpus(checked: dict[str, list[Finding]]) -> None:
    every = [f for found in checked.values() for f in found]
    # public Cognito client calls are not credentials exposure
    assert not [f for f in every if f.code == "SEC005"]
    # one problem, one finding: no statement carries two findings of the folded rules
    places = [(f.location.path, f.location.pointer) for f in every
              if f.code in ("SEC006", "SEC007", "RES004", "PRN003", "SEC008")]
    assert len(places) == len(set(places))
    # the whole-bucket read is caught alone, next to the per-identity policy it defeats
    [listing] = checked["amplify-livestream/s3-auth-read-whole-bucket.json"]
    assert listing.code == "COG013" and "s3-auth-private.json" in listing.message
    # the guest tracker policy: known only by its file name, so the location read is info
    tracker = "amazon-location-samples/unauth-role-location-policy.json"
    location = {f.code: f for f in checked[tracker]}
    assert location["COG021"].severity is Severity.info and "a guess" in location["COG021"].message


def test_guest_location_read_with_role_context(results: dict[str, list[Finding]]) -> None:
    found = {f.code: f for f in results["amazon-location-samples/unauth-role-location-policy.json"]}
    assert found["COG021"].severity is Severity.warning
    assert "geo:GetDevicePositionHistory" in found["COG021"].message
