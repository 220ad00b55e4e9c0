"""SARIF 2.1.0 output: valid against the published schema, rules with help, physical
locations, stable fingerprints, security-severity, levels that follow severity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_eval.lint.registry import load_rules
from tests.lint.conftest import policy, write_json

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

DOC = policy({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
             {"Effect": "Allow", "Action": ["s3:GetObjects", "s3:Get*"],
              "Resource": "arn:aws:s3:::b/*"})


def _sarif(run_cli, *paths: Path) -> dict:
    result = run_cli("check", *map(str, paths), "--format", "sarif")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


def test_sarif_validates_against_schema(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "p.json", DOC)
    (tmp_path / "broken.json").write_text("{", "utf-8")
    log = _sarif(run_cli, f, tmp_path / "broken.json")
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_content(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "p.json", DOC)
    log = _sarif(run_cli, f)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(load_rules())
    by_id = {r["id"]: r for r in rules}
    admin = by_id["ACT005"]
    assert admin["help"]["text"].startswith("What it does")
    assert admin["defaultConfiguration"]["level"] == "error"
    assert admin["properties"]["security-severity"] == "9.8"
    assert "security" in admin["properties"]["tags"]
    assert by_id["RED001"]["defaultConfiguration"]["level"] == "note"
    results = {r["ruleId"]: r for r in run["results"]}
    assert {"SEC002", "ACT002", "RED001"} <= set(results)
    assert "ACT005" not in results  # superseded by SEC002 at the same statement
    typo = results["ACT002"]
    assert typo["level"] == "error"
    region = typo["locations"][0]["physicalLocation"]["region"]
    line = f.read_text().splitlines()[region["startLine"] - 1]
    assert "s3:GetObjects" in line[region["startColumn"] - 1:]
    assert run["tool"]["driver"]["rules"][typo["ruleIndex"]]["id"] == "ACT002"
    assert typo["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("p.json")
    assert results["RED001"]["level"] == "note"


def test_fingerprints_stable_across_runs_and_line_moves(tmp_path: Path, run_cli,
                                                        monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    f = write_json(tmp_path / "p.json", DOC)
    first = _sarif(run_cli, Path("p.json"))["runs"][0]["results"]
    second = _sarif(run_cli, Path("p.json"))["runs"][0]["results"]
    f.write_text("\n\n\n" + f.read_text(), "utf-8")          # every line moves down
    moved = _sarif(run_cli, Path("p.json"))["runs"][0]["results"]

    def prints(results: list) -> list:
        return [(r["ruleId"], r["partialFingerprints"]["policyEvalFinding/v2"]) for r in results]

    assert prints(first) == prints(second) == prints(moved)
    assert len({p for _, p in prints(first)}) == len(first)
    assert first[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p.json"


def test_uris_relative_to_the_source_root_named_in_original_uri_base_ids(
        tmp_path: Path, run_cli, monkeypatch) -> None:
    """Absolute paths given from another folder still come out relative to %SRCROOT%."""
    repo = tmp_path / "repo"
    f = write_json(repo / "iam" / "p.json", DOC)
    (repo / ".git").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run = _sarif(run_cli, f.resolve())["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.resolve().as_uri() + "/"
    for result in run["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "iam/p.json", "uriBaseId": "%SRCROOT%"}
    monkeypatch.chdir(repo)
    again = _sarif(run_cli, Path("iam"))["runs"][0]
    assert again["originalUriBaseIds"]["%SRCROOT%"]["uri"] == base
    assert [r["partialFingerprints"] for r in again["results"]] == \
        [r["partialFingerprints"] for r in run["results"]]
