"""Suppressions where the finding is: YAML comments and Sids in the configuration; unused
or unusable suppressions are findings of their own (SUP001, SUP002)."""

from __future__ import annotations

from pathlib import Path

from policy_eval.lint.config import load_config
from policy_eval.lint.runner import Linter
from tests.lint.conftest import allow, policy, write_json

YAML = """\
Version: "2012-10-17"
Statement:
  - Effect: Allow
    Action:
      - s3:GetObjects   # policy-eval: ignore[ACT002] alias our proxy still serves
      - s3:PutObjekt
    Resource: arn:aws:s3:::example-bucket/*
  # policy-eval: ignore[ACT006, RES] reviewed with security (SEC-12)
  - Effect: Allow
    Action: dynamodb:*
    Resource: "*"
"""


def _codes(findings) -> list[tuple[str, int | None]]:
    return [(f.code, f.location.line) for f in findings]


def test_yaml_comments_suppress_on_their_line_and_the_next(tmp_path: Path) -> None:
    f = tmp_path / "role.yaml"
    f.write_text(YAML, "utf-8")
    found = _codes(Linter().lint_paths([f]).findings)
    assert ("ACT002", 6) in found              # the misspelt action without a comment
    assert ("ACT002", 5) not in found          # suppressed on its line
    assert not any(code == "ACT006" for code, _ in found)    # suppressed from the line above
    assert not any(code.startswith("SUP") for code, _ in found)


def test_unused_and_invalid_suppressions_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "role.yaml"
    f.write_text(YAML.replace("s3:GetObjects", "s3:GetObject")
                 .replace("ignore[ACT006, RES] reviewed with security (SEC-12)",
                          "ignore[ACT006]")
                 + "  - Effect: Allow   # policy-eval: ignore[XYZ999] typo\n"
                   "    Action: s3:GetObject\n    Resource: arn:aws:s3:::b/*\n", "utf-8")
    # ACT and SUP alone: with SEC007 running, dynamodb:* on * is folded into it
    found = Linter(select=["ACT", "SUP"]).lint_paths([f]).findings
    sup = {(x.code, x.location.line): x.message for x in found if x.code.startswith("SUP")}
    assert "matches no finding" in sup[("SUP001", 5)]
    assert "has no reason" in sup[("SUP002", 8)]
    assert "'XYZ999'" in sup[("SUP002", 12)]
    assert any(x.code == "ACT006" for x in found)     # a suppression without reason is void


def test_unused_suppression_of_a_rule_not_selected_says_so(tmp_path: Path) -> None:
    f = tmp_path / "role.yaml"
    f.write_text(YAML, "utf-8")
    found = Linter(select=["SUP", "ACT002"]).lint_paths([f]).findings
    messages = [x.message for x in found if x.code == "SUP001"]
    assert messages and "not selected in this run" in messages[0]


def test_json_suppression_by_sid_in_the_configuration(tmp_path: Path, run_cli) -> None:
    (tmp_path / ".policy-eval.toml").write_text(
        'select = ["ACT", "SUP"]\n'   # with SEC007 running, the wide grants are folded into it
        'ignore = [{ codes = ["ACT006"], sids = ["LegacyWide"], reason = "until Q3" },\n'
        '          { codes = ["ACT002"], sids = ["Gone"], reason = "old" }]\n', "utf-8")
    f = write_json(tmp_path / "iam" / "p.json", policy(
        allow("s3:*", "*", Sid="LegacyWide"), allow("dynamodb:*", "*", Sid="NewWide")))
    cfg = load_config(tmp_path / ".policy-eval.toml")
    found = Linter(cfg).lint_paths([f]).findings
    wide = [x for x in found if x.code == "ACT006"]
    assert len(wide) == 1 and "dynamodb" in wide[0].message
    unused = [x for x in found if x.code == "SUP001"]
    assert len(unused) == 1 and unused[0].location.path == str(tmp_path / ".policy-eval.toml")
    assert unused[0].location.line == 3 and "Gone" in unused[0].message
    # the same through the CLI, configuration found by walking up
    out = run_cli("check", str(f), "--select", "ACT006,SUP").output
    assert "dynamodb:*" in out and "'s3:*'" not in out and "SUP001" in out


def test_sids_need_a_reason_too(tmp_path: Path, run_cli) -> None:
    (tmp_path / ".policy-eval.toml").write_text(
        'select = ["ACT", "SUP"]\n'   # with SEC007 running, the wide grants are folded into it
        'ignore = [{ codes = ["ACT006"], sids = ["LegacyWide"] }]\n', "utf-8")
    f = write_json(tmp_path / "p.json", policy(allow("s3:*", "*", Sid="LegacyWide")))
    result = run_cli("check", str(f))
    assert result.exit_code == 2 and "reason" in result.output


ADMIN_YAML = """\
Version: "2012-10-17"
Statement:
  # policy-eval: ignore[SEC002] reviewed: break-glass administrator role
  - Sid: BreakGlass
    Effect: Allow
    Action: "*"
    Resource: "*"
"""


def test_suppressing_the_finding_shown_silences_the_findings_folded_into_it(
        tmp_path: Path) -> None:
    """SEC002 on Action "*"/Resource "*" also covers ACT005, SEC001...: suppressing it must
    not bring them back, and the suppression is used (no SUP001)."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(ADMIN_YAML.replace(
        "  # policy-eval: ignore[SEC002] reviewed: break-glass administrator role\n", ""),
        "utf-8")
    shown = Linter().lint_paths([plain]).findings
    survivor = next(f for f in shown if f.code == "SEC002")
    assert {"ACT005", "SEC001"} <= {a["code"] for a in survivor.evidence["also"]}
    unrelated = {f.code for f in shown} - {"SEC002"}     # PassRole rules, not folded
    f = tmp_path / "admin.yaml"
    f.write_text(ADMIN_YAML, "utf-8")
    found = Linter().lint_paths([f]).findings
    assert {x.code for x in found} == unrelated, [(x.code, x.message) for x in found]
    only = Linter(ignore=sorted(unrelated)).lint_paths([f]).findings
    assert only == []


def test_per_path_ignore_of_the_finding_shown_silences_the_findings_folded_into_it(
        tmp_path: Path) -> None:
    (tmp_path / "admin.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "BreakGlass", "Effect": "Allow", '
        '"Action": "*", "Resource": "*"}]}', "utf-8")
    (tmp_path / ".policy-eval.toml").write_text(
        'per-path-ignores = [{ paths = ["admin.json"], codes = ["SEC002", "SEC003", "SEC004"], '
        'reason = "break-glass role, reviewed" }]\n', "utf-8")
    config = load_config(tmp_path / ".policy-eval.toml")
    found = Linter(config=config).lint_paths([tmp_path / "admin.json"]).findings
    assert [(x.code, x.message) for x in found] == []
