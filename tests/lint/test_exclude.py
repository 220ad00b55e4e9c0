"""``--exclude`` and the configuration's ``exclude`` are matched relative to the folder
given on the command line and to the configuration's folder (ruff's convention), never
relative to the current directory."""

from __future__ import annotations

from pathlib import Path

from policy_eval.lint.paths import Excludes, build_excludes
from tests.lint.conftest import allow, policy, write_json

BAD = policy(allow("s3:GetObjects", "arn:aws:s3:::b/*"))


def _tree(root: Path) -> None:
    for rel in ("iam/app.json", "legacy/old.json", "iam/legacy/nested.json",
                "build/synth.json"):
        write_json(root / rel, BAD)


def _files(output: str) -> set[str]:
    return {"/".join((Path.cwd() / line.split(":", 1)[0]).resolve().parts[-2:])
            for line in output.splitlines() if ": ACT002" in line}


def test_cli_exclude_is_relative_to_the_folder_given(tmp_path: Path, run_cli,
                                                     monkeypatch) -> None:
    repo = tmp_path / "repo"
    _tree(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)           # not the repository
    out = run_cli("check", str(repo), "--exclude", "legacy/**", "--no-color").output
    assert _files(out) == {"iam/app.json", "legacy/nested.json", "build/synth.json"}
    # a glob without "/" matches a name at any depth
    out = run_cli("check", str(repo), "--exclude", "legacy", "--no-color").output
    assert _files(out) == {"iam/app.json", "build/synth.json"}


def test_config_exclude_is_relative_to_the_config_folder(tmp_path: Path, run_cli,
                                                         monkeypatch) -> None:
    repo = tmp_path / "repo"
    _tree(repo)
    (repo / ".policy-eval.toml").write_text('exclude = ["legacy/**", "build"]\n', "utf-8")
    for cwd in (repo / "iam", tmp_path):
        monkeypatch.chdir(cwd)
        out = run_cli("check", str(repo), "--no-color").output
        assert _files(out) == {"iam/app.json", "legacy/nested.json"}, cwd
    # the folder given is a subfolder: the config's globs still count from the config
    monkeypatch.chdir(tmp_path)
    out = run_cli("check", str(repo / "iam"), "--no-color").output
    assert _files(out) == {"iam/app.json", "legacy/nested.json"}


def test_exclude_matching() -> None:
    base = Path("/r")
    ex = Excludes()
    ex.add(["org/scps/*.json", "*.tmp.json", "./build/"], base)
    assert ex.matches("/r/org/scps/a.json")
    assert not ex.matches("/r/x/org/scps/a.json")
    assert ex.matches("/r/x/y.tmp.json")
    assert ex.matches("/r/build/deep/p.json")
    assert not ex.matches("/elsewhere/build/p.json")
    assert not build_excludes([Path("/r")], [], [], None)
    # "**/" matches zero folders too (ruff, gitignore)
    ex = Excludes()
    ex.add(["**/generated.json", "org/**/legacy/*.json", "**/cdk.out/**"], base)
    assert ex.matches("/r/generated.json")
    assert ex.matches("/r/a/b/generated.json")
    assert not ex.matches("/r/not-generated.json")
    assert ex.matches("/r/org/legacy/p.json")
    assert ex.matches("/r/org/units/legacy/p.json")
    assert not ex.matches("/r/legacy/p.json")
    assert ex.matches("/r/cdk.out/stack.template.json")
    assert ex.matches("/r/app/cdk.out/stack.template.json")
    assert not ex.matches("/elsewhere/generated.json")
