"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this repository into
its own virtualenv (from PyPI, so it needs the network, as CI has) and runs the hook on a
sample repository. Skipped only when pre-commit (a test extra) or git is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.lint.conftest import REPO, policy

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                                reason="pre-commit (test extra) or git not installed")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook's virtualenv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_hook_definition() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "policy-eval")
    assert hook["entry"] == "policy-eval check"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["json", "yaml", "terraform"]
    assert hook.get("pass_filenames", True) is True


def test_pre_commit_try_repo(tmp_path: Path, pre_commit_home: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    good = policy({"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::example-bucket/*"})
    bad = policy({"Effect": "Allow", "Action": "s3:GetObjects",
                  "Resource": "arn:aws:s3:::example-bucket/*"})
    (sample / "iam").mkdir()
    (sample / "iam" / "good.json").write_text(json.dumps(good, indent=2), "utf-8")
    (sample / "iam" / "bad.json").write_text(json.dumps(bad, indent=2), "utf-8")
    (sample / "package.json").write_text('{"name": "app", "version": "1.0.0"}', "utf-8")
    (sample / "terraform").mkdir()
    weak_tf = REPO / "fixtures" / "iac" / "terraform" / "weak-trust-without-aud" / "main.tf"
    (sample / "terraform" / "main.tf").write_text(weak_tf.read_text(), "utf-8")
    (sample / "terraform" / "terraform.tfvars").write_text('region = "us-east-1"\n', "utf-8")
    iac = REPO / "fixtures" / "iac" / "cloudformation"
    (sample / "infra").mkdir()
    shutil.copy(iac / "notes-app-weak.yaml", sample / "infra" / "weak-stack.yaml")
    shutil.copy(iac / "notes-app.yaml", sample / "infra" / "stack.yaml")
    _git(sample, "init", "-q")
    _git(sample, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("PYTHONPATH", None)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pre-commit", "try-repo", str(REPO), "policy-eval", "--files",
                               *files], cwd=sample, env=env, capture_output=True, text=True,
                              timeout=900)

    failing = try_repo("iam/bad.json", "iam/good.json", "package.json")
    out = failing.stdout + failing.stderr
    assert failing.returncode == 1, out
    assert "iam/bad.json:6:17: ACT002 [error] unknown action 's3:GetObjects'" in out
    assert "Traceback" not in out
    weak = try_repo("terraform/main.tf", "terraform/terraform.tfvars", "iam/good.json")
    out = weak.stdout + weak.stderr
    assert weak.returncode == 1, out
    assert "terraform/main.tf:14:7 [aws_iam_role.authenticated]: COG001 [error]" in out
    assert "Traceback" not in out and "tfvars" not in out
    passing = try_repo("iam/good.json", "package.json")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    # a weak CloudFormation template is blocked at its own lines; the sound one passes
    weak = try_repo("infra/weak-stack.yaml", "infra/stack.yaml")
    out = weak.stdout + weak.stderr
    assert weak.returncode == 1, out
    assert "infra/weak-stack.yaml:136:13 [AuthRole]: COG001 [error]" in out
    assert "infra/weak-stack.yaml:212:27 [GuestRole]: VAR006 [error]" in out
    assert "Traceback" not in out
    sound = try_repo("infra/stack.yaml")
    assert sound.returncode == 0, sound.stdout + sound.stderr
    assert json.loads((sample / "iam" / "bad.json").read_text()) == bad   # never modified


def test_pre_commit_skips_jsonc_and_editor_files_and_blocks_a_weak_policy(
        tmp_path: Path, pre_commit_home: Path) -> None:
    """A fresh repository with a ``tsconfig.json`` with comments (JSONC) and VS Code
    settings: the hook passes on every file; adding a weak policy blocks the commit."""
    sample = tmp_path / "sample"
    (sample / ".vscode").mkdir(parents=True)
    (sample / "tsconfig.json").write_text(
        '{\n  // TypeScript settings (JSONC: comments and trailing commas)\n'
        '  "compilerOptions": {"strict": true, "target": "es2022",},\n}\n', "utf-8")
    (sample / ".vscode" / "settings.json").write_text(
        '{\n  /* editor */\n  "editor.formatOnSave": true,\n}\n', "utf-8")
    (sample / ".devcontainer.json").write_text(
        '{\n  // JSON5-style\n  name: "app",\n  image: "python:3.11",\n}\n', "utf-8")
    (sample / "iam").mkdir()
    good = policy({"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::example-bucket/*"})
    (sample / "iam" / "reader.json").write_text(json.dumps(good, indent=2), "utf-8")
    _git(sample, "init", "-q")
    _git(sample, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pre-commit", "try-repo", str(REPO), "policy-eval",
                               "--all-files"], cwd=sample, env=env, capture_output=True,
                              text=True, timeout=900)

    passing = try_repo()
    out = passing.stdout + passing.stderr
    assert passing.returncode == 0, out
    assert "SYN001" not in out and "Traceback" not in out
    weak = policy({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    (sample / "iam" / "app-role.json").write_text(json.dumps(weak, indent=2), "utf-8")
    _git(sample, "add", ".")
    failing = try_repo()
    out = failing.stdout + failing.stderr
    assert failing.returncode == 1, out
    assert "iam/app-role.json" in out and "tsconfig.json" not in out
