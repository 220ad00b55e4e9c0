"""CI-facing outputs: GitHub Actions annotations and baselines."""

from __future__ import annotations

import json
from pathlib import Path

from policy_eval.lint.report.github import escape_data, escape_property
from tests.lint.conftest import allow, policy, write_json

TYPO = allow("s3:GetObjects", "arn:aws:s3:::example-bucket/*")
WILD = allow("s3:*", "*", Sid="Wide")
OTHER = allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/Notes")


def test_github_annotations(tmp_path: Path, run_cli, monkeypatch) -> None:
    f = write_json(tmp_path / "iam" / "p.json", policy(TYPO, WILD))
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "iam", "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    typo = next(line for line in lines if "ACT002" in line)
    row = next(i for i, text in enumerate(f.read_text().splitlines(), 1)
               if "s3:GetObjects" in text)
    col = f.read_text().splitlines()[row - 1].index('"s3:GetObjects"') + 1
    end = col + len('"s3:GetObjects"')
    assert typo.startswith(f"::error file=iam/p.json,line={row},col={col},endLine={row},"
                           f"endColumn={end},title=ACT002 unknown-action::"
                           "unknown action 's3:GetObjects'")
    assert "%0AFix: use s3:GetObject" in typo
    wide = next(line for line in lines if "ACT006" in line)
    assert wide.startswith("::warning file=iam/p.json,")
    assert lines[-1].startswith("policy-eval: ")
    assert all(line.startswith("::") for line in lines[:-1])


def test_github_escaping() -> None:
    assert escape_data("50% off\r\nnext: a, b") == "50%25 off%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_info_findings_are_notices(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "p.json", policy(allow(["s3:Get*", "s3:GetObject"],
                                                     "arn:aws:s3:::b/*")))
    out = run_cli("check", str(f), "--format", "github").output
    assert any(line.startswith("::notice ") and "RED001" in line for line in out.splitlines())


def test_baseline_adoption_in_one_commit(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_json(tmp_path / "iam" / "old.json", policy(TYPO, WILD))
    assert run_cli("check", "iam").exit_code == 1
    written = run_cli("check", "iam", "--write-baseline", "policy-eval-baseline.json")
    assert written.exit_code == 0, written.output
    base = json.loads((tmp_path / "policy-eval-baseline.json").read_text())
    assert base["tool"] == "policy-eval" and len(base["findings"]) >= 2
    keys = [(r["path"], r["code"], r["fingerprint"]) for r in base["findings"]]
    assert keys == sorted(keys)
    assert run_cli("check", "iam", "--baseline", "policy-eval-baseline.json").exit_code == 0
    # an edit above the old findings keeps them baselined; a new problem fails
    write_json(tmp_path / "iam" / "old.json", policy(OTHER, TYPO, WILD,
                                                     allow("s3:PutObjekt", "*")))
    result = run_cli("check", "iam", "--baseline", "policy-eval-baseline.json",
                     "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {f["message"] for f in report["findings"]
            if f["code"] == "ACT002"} == {"unknown action 's3:PutObjekt' (did you mean "
                                          "'s3:PutObject'?)"}
    assert report["summary"]["baselined"] == len(base["findings"])
    # writing it twice gives the same bytes
    first = (tmp_path / "policy-eval-baseline.json").read_bytes()
    write_json(tmp_path / "iam" / "old.json", policy(TYPO, WILD))
    run_cli("check", "iam", "--write-baseline", "policy-eval-baseline.json")
    assert (tmp_path / "policy-eval-baseline.json").read_bytes() == first


def test_bad_baseline_is_exit_2(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "p.json", policy(TYPO))
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": 3}', "utf-8")
    result = run_cli("check", str(f), "--baseline", str(bad))
    assert result.exit_code == 2 and "not a policy-eval baseline" in result.output
    bad.write_text("{", "utf-8")
    result = run_cli("check", str(f), "--baseline", str(bad))
    assert result.exit_code == 2 and "b.json:1:2" in result.output
    result = run_cli("check", str(f), "--baseline", str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and "cannot read the baseline" in result.output
