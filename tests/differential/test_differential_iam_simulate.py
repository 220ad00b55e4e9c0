"""Differential test: policy-eval against iam-simulate on generated Cognito requests.

More than 10,000 deterministic requests (``diffgen``) are evaluated by policy-eval in
process and by iam-simulate (unsafe mode, one batch call to the driver; see ``conftest``).
Every disagreement must be explained by one of the documented categories in
``divergences.py`` / ``DIVERGENCES.md``; an unexplained disagreement fails the test with a
minimal printout of the case. Counts per category and the agreement rate are printed.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from diffgen import PRINCIPAL, feature_counts, generate
from divergences import (
    CATEGORIES,
    CATEGORY_NAMES,
    Case,
    PeerRunner,
    classify,
    parse_vars,
    resolve,
)

SEED = 20261126
N_SETS = 420
PER_SET = 25  # 10,500 requests
PEER_DECISIONS = {
    "Allowed": "allow",
    "ExplicitlyDenied": "explicit_deny",
    "ImplicitlyDenied": "implicit_deny",
}
DIVERGENCES_MD = Path(__file__).with_name("DIVERGENCES.md")


def _peer_line(case: Case) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": case["id"],
        "identity_policies": case["identity"],
        "request": case["request"],
    }
    if case.get("boundary"):
        line["permission_boundaries"] = [case["boundary"]]
    return line


def peer_decide(run: PeerRunner, cases: list[Case]) -> list[str]:
    out = run([_peer_line(c) for c in cases])
    decisions = []
    for case, ans in zip(cases, out, strict=True):
        assert ans["decision"] in PEER_DECISIONS, f"iam-simulate error on {case['id']}: {ans}"
        decisions.append(PEER_DECISIONS[ans["decision"]])
    return decisions


def ours_decide(cases: list[Case]) -> list[str]:
    """policy-eval's decisions, one PolicySet per distinct policy set, evaluate_many per set."""
    import policy_eval as pe

    groups: dict[tuple[int, int], list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault((id(case["identity"]), id(case.get("boundary"))), []).append(i)
    decisions: list[str] = [""] * len(cases)
    for idxs in groups.values():
        first = cases[idxs[0]]
        ps = pe.PolicySet(identity=first["identity"], boundary=first.get("boundary"))
        reqs = [
            pe.Request(
                action=cases[i]["request"]["action"],
                resource=cases[i]["request"]["resource"],
                principal=cases[i]["request"]["principal"],
                context=cases[i]["request"]["context"],
            )
            for i in idxs
        ]
        for i, d in zip(idxs, ps.evaluate_many(reqs), strict=True):
            decisions[i] = d.decision
    return decisions


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return generate(SEED, N_SETS, PER_SET)


def test_generator_is_deterministic(cases: list[Case]) -> None:
    again = generate(SEED, 3, PER_SET)
    assert json.dumps(again, sort_keys=True) == json.dumps(cases[: 3 * PER_SET], sort_keys=True)
    assert len(cases) >= 10_000
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(c["request"]["principal"] == PRINCIPAL for c in cases)


def test_generator_covers_required_features(cases: list[Case]) -> None:
    counts = feature_counts(cases)
    required = [
        "cognito-sub-in-resource",
        "cognito-sub-in-condition",
        "principal-tag",
        "not-action",
        "not-resource",
        "deny",
        "if-exists",
        "null",
        "s3-prefix-stringlike",
        "for-all-values",
        "for-any-value",
        "leading-keys-own",
        "leading-keys-other",
        "leading-keys-mixed",
        "leading-keys-empty",
        "leading-keys-absent",
        "op-Bool",
        "op-NumericLessThan",
        "op-DateLessThan",
        "op-IpAddress",
        "op-NotIpAddress",
        "op-ArnLike",
        "op-StringEqualsIgnoreCase",
    ]
    missing = [f for f in required if counts[f] < 20]
    assert not missing, f"features barely covered: {missing} ({dict(counts)})"


def test_variable_parsing_helpers() -> None:
    sub = "cognito-identity.amazonaws.com:sub"
    (v,) = parse_vars("a/${" + sub + "}/*")
    assert (v.key, v.default, v.canonical) == (sub, None, True)
    (v,) = parse_vars("${" + sub + ", 'guest'}")
    assert (v.default, v.canonical) == ("guest", True)
    (v,) = parse_vars("${" + sub + ",'guest'}")
    assert (v.key, v.default, v.canonical) == (sub, "guest", False)
    (v,) = parse_vars("a${*}b")
    assert v.key is None
    assert resolve(parse_vars("${" + sub + "}")[0], {sub: ["x"]}) is None
    assert resolve(parse_vars("${" + sub + ", 'g'}")[0], {}) == "g"
    assert resolve(parse_vars("${" + sub + "}")[0], {sub: ""}) == ""


def test_every_category_is_documented() -> None:
    text = DIVERGENCES_MD.read_text(encoding="utf-8")
    for cat in CATEGORIES:
        assert f"`{cat.name}`" in text, f"{cat.name} missing from {DIVERGENCES_MD.name}"
        assert f"§{cat.spec.split(',')[0].strip()}" in text, cat.spec


def _summary(n: int, agree: int, counts: Counter[str], elapsed: dict[str, float]) -> str:
    lines = [
        f"differential policy-eval vs iam-simulate: {n} requests, {agree} agree "
        f"({100.0 * agree / n:.2f}%), {n - agree} diverge",
    ]
    for name, k in counts.most_common():
        lines.append(f"  {k:6d}  {name}")
    lines.append("  timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in elapsed.items()))
    return "\n".join(lines)


def test_differential_against_iam_simulate(
    cases: list[Case], iam_simulate: PeerRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    elapsed: dict[str, float] = {}
    t0 = time.perf_counter()
    peer = peer_decide(iam_simulate, cases)
    elapsed["iam-simulate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = ours_decide(cases)
    elapsed["policy-eval"] = time.perf_counter() - t0

    diverging = [(c, o, p) for c, o, p in zip(cases, ours, peer, strict=True) if o != p]
    t0 = time.perf_counter()
    verdicts = classify(diverging, ours_decide, lambda cs: peer_decide(iam_simulate, cs))
    elapsed["classify"] = time.perf_counter() - t0

    counts: Counter[str] = Counter(v.category or "UNEXPLAINED" for v in verdicts)
    summary = _summary(len(cases), len(cases) - len(diverging), counts, elapsed)
    with capsys.disabled():
        print("\n" + summary)

    for v in verdicts:
        if v.category is not None:
            for name in v.category.split(" + "):
                assert name in CATEGORY_NAMES

    unexplained = [v for v in verdicts if v.category is None]
    if unexplained:
        shown = []
        for v in unexplained[:8]:
            shown.append(
                json.dumps(
                    {
                        "id": v.case["id"],
                        "policy-eval": v.ours,
                        "iam-simulate": v.peer,
                        "categories-tried": v.tried,
                        "identity": v.case["identity"],
                        "boundary": v.case.get("boundary"),
                        "request": v.case["request"],
                    },
                    indent=1,
                )
            )
        pytest.fail(
            f"{len(unexplained)} divergences not explained by a documented category:\n"
            + summary
            + "\n\nfirst ones:\n"
            + "\n".join(shown)
        )


# ---- one minimal example per category (the ones in DIVERGENCES.md) ----------------------

_SUB = "cognito-identity.amazonaws.com:sub"
_ME = "us-east-1:0d1b2c3d-aaaa-bbbb-cccc-000000000001"
_B = "arn:aws:s3:::b"


def _example(
    name: str,
    statements: list[dict[str, Any]],
    action: str,
    resource: str,
    context: dict[str, Any],
    version: bool = True,
) -> Case:
    doc: dict[str, Any] = {"Statement": statements}
    if version:
        doc = {"Version": "2012-10-17", **doc}
    return {
        "id": f"example-{name}",
        "identity": [doc],
        "boundary": None,
        "request": {
            "action": action,
            "resource": resource,
            "principal": PRINCIPAL,
            "context": context,
        },
    }


_ALLOW_GET = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{_B}/*"}

# (category, case, the answer the spec gives)
EXAMPLES: list[tuple[str, Case, str]] = [
    (
        "negated-operator-unresolved-variable",
        _example(
            "neg",
            [
                _ALLOW_GET,
                {
                    "Effect": "Deny",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {
                        "StringNotEquals": {"s3:ExistingObjectTag/owner": "${" + _SUB + "}"}
                    },
                },
            ],
            "s3:GetObject",
            f"{_B}/shared/a.txt",
            {"s3:ExistingObjectTag/owner": _ME},
        ),
        "explicit_deny",
    ),
    (
        "notresource-unresolved-variable",
        _example(
            "notres",
            [
                _ALLOW_GET,
                {
                    "Effect": "Deny",
                    "Action": "s3:GetObject",
                    "NotResource": f"{_B}/private/${{{_SUB}}}/*",
                },
            ],
            "s3:GetObject",
            f"{_B}/private/someone/f.txt",
            {},
        ),
        "explicit_deny",
    ),
    (
        "empty-string-variable-value",
        _example(
            "empty",
            [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"{_B}/private/${{{_SUB}}}/*",
                }
            ],
            "s3:GetObject",
            f"{_B}/private//photo.jpg",
            {_SUB: ""},
        ),
        "allow",
    ),
    (
        "foranyvalue-ifexists-absent-key",
        _example(
            "fav",
            [
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:Scan",
                    "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/T",
                    "Condition": {
                        "ForAnyValue:StringEqualsIfExists": {
                            "dynamodb:LeadingKeys": "${" + _SUB + "}"
                        }
                    },
                }
            ],
            "dynamodb:Scan",
            "arn:aws:dynamodb:us-east-1:123456789012:table/T",
            {_SUB: _ME},
        ),
        "allow",
    ),
    (
        "wildcard-spans-arn-colon",
        _example(
            "span",
            [
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": "arn:aws:dynamodb:*:table/UserData",
                }
            ],
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/UserData",
            {},
        ),
        "allow",
    ),
    (
        "arn-leading-segment-case",
        _example(
            "case",
            [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:AWS:s3:::b/*"}],
            "s3:GetObject",
            f"{_B}/x",
            {},
        ),
        "implicit_deny",
    ),
    (
        "escape-in-non-wildcard-string-operator",
        _example(
            "escape",
            [
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"s3:prefix": "a${*}b"}},
                }
            ],
            "s3:ListBucket",
            _B,
            {"s3:prefix": "a*b"},
        ),
        "allow",
    ),
    (
        "default-value-without-space",
        _example(
            "default",
            [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"{_B}/private/${{{_SUB},'guest'}}/*",
                }
            ],
            "s3:GetObject",
            f"{_B}/private/guest/x",
            {},
        ),
        "allow",
    ),
    (
        "date-epoch-vs-iso",
        _example(
            "date",
            [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:CurrentTime": "1780272000"}},
                }
            ],
            "s3:GetObject",
            f"{_B}/x",
            {"aws:CurrentTime": "2026-02-10T08:00:00Z"},
        ),
        "allow",
    ),
    (
        "variable-without-version-2012",
        _example(
            "version",
            [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"{_B}/private/${{{_SUB}}}/*",
                }
            ],
            "s3:GetObject",
            f"{_B}/private/{_ME}/x",
            {_SUB: _ME},
            version=False,
        ),
        "implicit_deny",
    ),
    (
        "null-on-empty-multivalued-key",
        _example(
            "null-empty",
            [
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/T",
                    "Condition": {
                        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": "${" + _SUB + "}"},
                        "Null": {"dynamodb:LeadingKeys": "false"},
                    },
                }
            ],
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/T",
            {_SUB: _ME, "dynamodb:LeadingKeys": []},
        ),
        "implicit_deny",
    ),
]


def test_examples_cover_every_category() -> None:
    assert sorted(name for name, _c, _d in EXAMPLES) == sorted(CATEGORY_NAMES)
    by_name = {c.name: c for c in CATEGORIES}
    for name, case, _d in EXAMPLES:
        applicable = [c.name for c in CATEGORIES if c.applies(case)]
        assert applicable == [name], (name, applicable)
        assert by_name[name].fix(case) != case


def test_category_examples_against_iam_simulate(iam_simulate: PeerRunner) -> None:
    """Each category's example: the peer differs from the spec, and agrees after the rewrite."""
    by_name = {c.name: c for c in CATEGORIES}
    originals = [case for _n, case, _d in EXAMPLES]
    fixed = [by_name[n].fix(case) for n, case, _d in EXAMPLES]
    before = peer_decide(iam_simulate, originals)
    after = peer_decide(iam_simulate, fixed)
    for (name, _case, spec), b, a in zip(EXAMPLES, before, after, strict=True):
        assert b != spec, f"{name}: iam-simulate already gives the spec answer {spec}"
        assert a == spec, f"{name}: after the rewrite iam-simulate says {a}, spec says {spec}"


def test_category_examples_against_policy_eval() -> None:
    """policy-eval gives the spec answer on each example, before and after the rewrite."""
    by_name = {c.name: c for c in CATEGORIES}
    originals = [case for _n, case, _d in EXAMPLES]
    fixed = [by_name[n].fix(case) for n, case, _d in EXAMPLES]
    before = ours_decide(originals)
    after = ours_decide(fixed)
    wrong = [
        (name, spec, b, a)
        for (name, _c, spec), b, a in zip(EXAMPLES, before, after, strict=True)
        if (b, a) != (spec, spec)
    ]
    assert not wrong, f"(category, spec, policy-eval, policy-eval after rewrite): {wrong}"
