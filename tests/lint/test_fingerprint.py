"""Fingerprints say what a finding is about, not where: they survive a statement inserted
above, lines moving and a reordered list, and still tell identical statements apart."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.lint.fingerprint import assign, item_name, subject
from policy_eval.lint.runner import Linter
from tests.lint.conftest import allow, policy, write_json

TYPO = allow("s3:GetObjects", "arn:aws:s3:::example-bucket/*")
WILD = allow("s3:*", "*", Sid="Wide")
OTHER = allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/Notes")


def test_inserting_a_statement_above_keeps_fingerprints(tmp_path: Path) -> None:
    f = write_json(tmp_path / "p.json", policy(TYPO, WILD))
    before = {f.code: f.fingerprint for f in Linter().lint_paths([f]).findings}
    write_json(f, policy(OTHER, TYPO, WILD))
    after = {f.code: f.fingerprint for f in Linter().lint_paths([f]).findings}
    # s3:* on * is reported once (SEC007; the narrower findings are folded into it)
    assert "ACT002" in before and "SEC007" in before
    for code in ("ACT002", "SEC007"):
        assert after[code] == before[code], code


def test_identical_statements_get_distinct_deterministic_fingerprints(tmp_path: Path) -> None:
    f = write_json(tmp_path / "p.json", policy(TYPO, TYPO))
    first = [x.fingerprint for x in Linter().lint_paths([f]).findings if x.code == "ACT002"]
    second = [x.fingerprint for x in Linter().lint_paths([f]).findings if x.code == "ACT002"]
    assert len(first) == 2 and len(set(first)) == 2
    assert first == second
    write_json(f, policy(OTHER, TYPO, TYPO))
    third = [x.fingerprint for x in Linter().lint_paths([f]).findings if x.code == "ACT002"]
    assert third == first


def test_fingerprints_do_not_depend_on_the_working_folder(tmp_path: Path,
                                                          monkeypatch) -> None:
    f = write_json(tmp_path / "repo" / "iam" / "p.json", policy(TYPO))
    (tmp_path / "repo" / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    here = [x.fingerprint for x in Linter().lint_paths([Path("iam")]).findings]
    monkeypatch.chdir(tmp_path)
    there = [x.fingerprint for x in Linter().lint_paths([f]).findings]
    assert here == there and all(here)


def test_subject_names_items_instead_of_indices() -> None:
    doc = policy(OTHER, dict(WILD, Action=["s3:GetObject", "s3:*"]))
    about = subject(doc, "/Statement/1/Action/1")
    assert about == "/Statement/Sid=Wide/Action/=\"s3:*\""
    unnamed = subject(doc, "/Statement/0/Resource")
    assert unnamed.startswith("/Statement/stmt:") and unnamed.endswith("/Resource")
    # a statement's identity does not depend on the order of its action list
    assert item_name(allow(["a:B", "c:D"])) == item_name(allow(["c:D", "A:b"]))


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=12))
@settings(max_examples=100)
def test_equal_keys_get_ranked_fingerprints(keys: list[str]) -> None:
    triples = [("X", "p", k) for k in keys]
    prints = assign(triples)
    assert len(set(prints)) == len(prints)
    assert assign(triples) == prints
    # the fingerprints of one key do not depend on the other keys around it
    only_a = assign([t for t in triples if t[2] == "a"])
    assert only_a == [p for p, t in zip(prints, triples, strict=True) if t[2] == "a"]


def test_json_report_carries_fingerprints(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "p.json", policy(TYPO))
    doc = json.loads(run_cli("check", str(f), "--format", "json").output)
    assert all(len(x["fingerprint"]) == 32 for x in doc["findings"])
