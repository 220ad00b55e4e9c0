"""``check`` over many files uses a process pool, with the same report in the same order
as one process; one file never loads the pool machinery."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from policy_eval.lint import parallel
from policy_eval.lint.runner import Linter
from tests.lint.conftest import REPO, allow, policy, write_json


def _corpus(root: Path, n: int) -> None:
    for i in range(n):
        statements = [allow(f"s3:GetObject{'s' if i % 3 == 0 else ''}",
                            f"arn:aws:s3:::bucket-{i}/*", Sid=f"S{i}")]
        if i % 4 == 0:
            statements.append(allow("dynamodb:*", "*"))
        write_json(root / f"team{i % 5}" / f"p{i:03}.json", policy(*statements))
    (root / "notes.json").write_text('{"not": "a policy"}', "utf-8")
    (root / "broken.json").write_text('{"Statement": [', "utf-8")


def test_pool_gives_the_sequential_report(tmp_path: Path) -> None:
    _corpus(tmp_path, parallel.MIN_FILES + 20)
    one = Linter().lint_paths([tmp_path], jobs=1)
    two = Linter().lint_paths([tmp_path], jobs=2)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    assert two.files == one.files and two.skipped == one.skipped
    assert two.targets == one.targets and one.findings


def test_few_files_stay_in_process(tmp_path: Path, monkeypatch) -> None:
    _corpus(tmp_path, 3)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", None)   # would fail if used
    assert Linter().lint_paths([tmp_path], jobs=4).findings


def test_cli_jobs_option(tmp_path: Path, run_cli) -> None:
    _corpus(tmp_path, parallel.MIN_FILES + 2)
    outputs = [run_cli("check", str(tmp_path), "--format", "json", "--jobs", jobs)
               for jobs in ("1", "2")]
    assert outputs[0].exit_code == outputs[1].exit_code == 1
    assert json.loads(outputs[0].output) == json.loads(outputs[1].output)
    assert run_cli("check", str(tmp_path), "--jobs", "0").exit_code == 2


def test_one_file_does_not_import_multiprocessing() -> None:
    code = ("import sys, atexit\n"
            "atexit.register(lambda: print('MP' if 'multiprocessing' in sys.modules "
            "or 'concurrent.futures' in sys.modules else 'NO-MP'))\n"
            "from policy_eval.cli import main\n"
            "sys.argv = ['policy-eval', 'check', 'fixtures/policies/s3-per-identity-prefix.json']\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "NO-MP", proc.stdout + proc.stderr
