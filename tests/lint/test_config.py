"""Configuration: discovery by walking up, required reasons, per-path ignores, severity
overrides, kind overrides, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_eval.errors import InputError
from policy_eval.lint.config import discover_config, load_config, parse_config
from policy_eval.lint.runner import Linter
from policy_eval.lint.supersede import covered_codes
from tests.lint.conftest import policy, write_json

WILD = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})


def test_pyproject_found_walking_up(tmp_path: Path, run_cli) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.policy-eval]\nseverity = "error"\n'
        'ignore = [{ codes = ["SYN004"], reason = "legacy files" }]\n', "utf-8")
    f = write_json(tmp_path / "iam" / "deep" / "p.json", WILD)
    cfg = discover_config(f)
    assert cfg is not None and cfg.severity == "error"
    assert cfg.ignore[0].codes == ["SYN004"]
    ours = ("--select", "ACT,RES")
    assert run_cli("check", str(f), *ours).exit_code == 0       # warnings below the threshold
    assert run_cli("check", str(f), *ours, "--severity", "warning").exit_code == 1


def test_policy_eval_toml_wins_and_per_path_ignores(tmp_path: Path, run_cli) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.policy-eval]\nseverity = "info"\n', "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".policy-eval.toml").write_text(
        'per-path-ignores = [{ paths = ["legacy/**"], codes = ["ACT"], reason = "frozen" }]\n'
        '[rule-severity]\nRED001 = "error"\n', "utf-8")
    legacy = write_json(tmp_path / "sub" / "legacy" / "p.json", WILD)
    fresh = write_json(tmp_path / "sub" / "new" / "p.json", WILD)
    cfg = discover_config(legacy)
    assert cfg is not None and cfg.path and cfg.path.endswith(".policy-eval.toml")
    linter = Linter(cfg)
    legacy_codes = {c for f in linter.lint_paths([legacy]).findings for c in covered_codes(f)}
    fresh_codes = {c for f in linter.lint_paths([fresh]).findings for c in covered_codes(f)}
    assert "ACT006" in fresh_codes and "ACT006" not in legacy_codes
    dup = policy({"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"],
                  "Resource": "arn:aws:s3:::b/*"})
    f = write_json(tmp_path / "sub" / "new" / "dup.json", dup)
    red = [x for x in linter.lint_paths([f]).findings if x.code == "RED001"]
    assert red and red[0].severity.value == "error"


def test_ignore_without_reason_is_a_located_error(tmp_path: Path, run_cli) -> None:
    cfg = tmp_path / ".policy-eval.toml"
    cfg.write_text('severity = "warning"\nignore = ["ACT006"]\n', "utf-8")
    with pytest.raises(InputError) as err:
        load_config(cfg)
    assert "has no reason" in err.value.message
    assert err.value.location.line == 2
    cfg.write_text('ignore = [{ codes = ["ACT006"], reason = "  " }]\n', "utf-8")
    with pytest.raises(InputError, match="reason"):
        load_config(cfg)
    f = write_json(tmp_path / "p.json", WILD)
    result = run_cli("check", str(f))
    assert result.exit_code == 2
    assert ".policy-eval.toml" in result.output


def test_unknown_key_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="serverity"):
        parse_config('serverity = "error"\n', str(tmp_path / ".policy-eval.toml"))
    with pytest.raises(InputError) as err:
        parse_config('severity = \n', str(tmp_path / ".policy-eval.toml"))
    assert err.value.location.line == 1


def test_explicit_config_and_kind_override(tmp_path: Path, run_cli) -> None:
    scp = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    f = write_json(tmp_path / "org" / "guard.json", scp)
    assert "ACT005" in run_cli("check", str(f), "--select", "ACT", "--format", "json").output
    cfg = tmp_path / "lint.toml"
    cfg.write_text('kinds = [{ paths = ["org/*.json"], kind = "scp" }]\n', "utf-8")
    out = run_cli("check", str(f), "--config", str(cfg), "--select", "ACT", "--format", "json")
    codes = {x["code"] for x in json.loads(out.output)["findings"]}
    assert "ACT005" not in codes
