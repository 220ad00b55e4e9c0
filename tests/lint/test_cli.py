"""``policy-eval check``/``rules``/``rule``: exit codes, formats, options, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.lint.conftest import REPO, policy, write_json

GOOD = policy({"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::example-bucket/*"})
TYPO = policy({"Effect": "Allow", "Action": "s3:GetObjects",
               "Resource": "arn:aws:s3:::example-bucket/*"})


def test_clean_file_exits_0(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "good.json", GOOD)
    result = run_cli("check", str(f), "--no-color")
    assert result.exit_code == 0, result.output
    assert "Found 0 findings in 1 file" in result.output


def test_finding_exits_1_with_location_snippet_and_fix(tmp_path: Path, run_cli) -> None:
    f = write_json(tmp_path / "typo.json", TYPO)
    result = run_cli("check", str(f), "--no-color")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    head = next(line for line in lines if "ACT002" in line)
    assert head.startswith(f"{f.as_posix()}:6:17: ACT002 [error] unknown action 's3:GetObjects'") \
        or ":6:17: ACT002 [error] unknown action 's3:GetObjects'" in head
    assert "did you mean 's3:GetObject'?" in head
    i = lines.index(head)
    assert lines[i + 2].startswith("6 |") and '"Action": "s3:GetObjects"' in lines[i + 2]
    assert lines[i + 3].endswith("^" * len('"s3:GetObjects"'))
    assert "= fix: use s3:GetObject" in result.output
    assert "\x1b[" not in result.output
    assert lines[-1] == "Found 1 finding (1 error) in 1 file; 1 at or above warning."


def test_severity_threshold_and_select_ignore(tmp_path: Path, run_cli) -> None:
    doc = policy({"Effect": "Allow", "Action": "s3:*",
                  "Resource": "arn:aws:s3:::*"})
    f = write_json(tmp_path / "p.json", doc)
    ours = ("--select", "SYN,ACT,RES,CND,VAR,PRN,RED")
    assert run_cli("check", str(f), *ours).exit_code == 1     # ACT006, RES003 warnings
    assert run_cli("check", str(f), *ours, "--severity", "error").exit_code == 0
    assert run_cli("check", str(f), *ours, "--ignore", "ACT006,RES").exit_code == 0
    assert run_cli("check", str(f), *ours, "--ignore", "ACT", "--ignore", "RES003"
                   ).exit_code == 0
    assert run_cli("check", str(f), "--select", "SYN,RED").exit_code == 0
    out = run_cli("check", str(f), "--select", "ACT006", "--format", "json")
    data = json.loads(out.output)
    assert {x["code"] for x in data["findings"]} == {"ACT006"}


def test_usage_errors_exit_2(tmp_path: Path, run_cli) -> None:
    assert run_cli("check", str(tmp_path / "missing.json")).exit_code == 2
    f = write_json(tmp_path / "p.json", GOOD)
    assert run_cli("check", str(f), "--select", "NOPE").exit_code == 2
    assert run_cli("check", str(f), "--severity", "fatal").exit_code == 2
    assert run_cli("rule", "XYZ999").exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("check", str(empty)).exit_code == 2


def test_emptied_or_cut_off_file_named_explicitly_is_a_located_error(tmp_path: Path,
                                                                     run_cli) -> None:
    """A pre-commit hook names files explicitly: an emptied or truncated policy must fail the
    check (SYN001 at its position), while a JSONC file with comments is still skipped."""
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "blank.yaml").write_text("  \n\n", "utf-8")
    (tmp_path / "trunc.json").write_text('{\n  "Vers', "utf-8")
    (tmp_path / "open.json").write_text('{"Version": "2012-10-17", "Statement": [\n',
                                        "utf-8")
    (tmp_path / "tsconfig.json").write_text('{\n  // "comments (JSONC)\n  "strict": true,\n}\n',
                                            "utf-8")
    for name, where in (("empty.json", ":1:1:"), ("blank.yaml", ":1:1:"),
                        ("trunc.json", ":2:3:"), ("open.json", ":")):
        result = run_cli("check", str(tmp_path / name), "--no-color")
        assert result.exit_code == 1, (name, result.output)
        head = next(line for line in result.output.splitlines() if "SYN001" in line)
        assert head.startswith(f"{(tmp_path / name).as_posix()}{where}") \
            or f"{name}{where}" in head, head
        assert "skipped" not in result.output
    result = run_cli("check", str(tmp_path / "tsconfig.json"), "--no-color")
    assert result.exit_code == 0 and "1 file skipped" in result.output, result.output


def test_parse_errors_are_findings_and_run_continues(tmp_path: Path, run_cli) -> None:
    (tmp_path / "broken.json").write_text('{"Version": "2012-10-17", "Statement": [', "utf-8")
    (tmp_path / "binary.json").write_bytes(b'{"Statement": [\x00\x01\x02binary')
    (tmp_path / "latin1.json").write_bytes('{"Sid": "caf\xe9"}'.encode("latin-1"))
    (tmp_path / "broken.yaml").write_text("Statement:\n  - Effect: Allow\n   Action: x\n", "utf-8")
    (tmp_path / "huge.json").write_text('{"Statement": [' + " " * (2 * 1024 * 1024 + 10) + "]}",
                                        "utf-8")
    # other files that do not decode and look like none of our documents: skipped
    (tmp_path / "tsconfig.json").write_text('{\n  // comments (JSONC)\n  "strict": true,\n}\n',
                                            "utf-8")
    (tmp_path / "image.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "notes.txt").write_text("not json at all", "utf-8")
    write_json(tmp_path / "typo.json", TYPO)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_cli("check", str(tmp_path), "--no-color", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    by_file = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["location"]["path"]).name, set()).add(f["code"])
    assert by_file["broken.json"] == {"SYN001"}
    assert by_file["broken.yaml"] == {"SYN001"}
    assert by_file["binary.json"] == {"SYN003"}
    assert by_file["latin1.json"] == {"SYN003"}
    assert by_file["huge.json"] == {"SYN003"}
    assert "ACT002" in by_file["typo.json"]
    assert "notes.txt" not in by_file and not any("notes.txt" in s for s in data["files"])
    assert "tsconfig.json" not in by_file and "image.json" not in by_file
    assert {Path(s).name for s in data["skipped"]} >= {"tsconfig.json", "image.json"}
    for f in data["findings"]:
        if f["code"] in ("SYN001", "SYN003"):
            assert f["location"]["line"] is not None
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert before == after, "the linter must never modify files"


def test_explicit_non_json_file_is_reported(tmp_path: Path, run_cli) -> None:
    f = tmp_path / "policy.txt"
    f.write_text('{"Version": "2012-10-17", "Statement": [}', "utf-8")
    result = run_cli("check", str(f), "--format", "json")
    data = json.loads(result.output)
    assert [x["code"] for x in data["findings"]] == ["SYN001"]


def test_exclude_glob(tmp_path: Path, run_cli) -> None:
    write_json(tmp_path / "keep" / "p.json", GOOD)
    write_json(tmp_path / "build" / "p.json", TYPO)
    assert run_cli("check", str(tmp_path)).exit_code == 1
    result = run_cli("check", str(tmp_path), "--exclude", "build", "--format", "json")
    assert result.exit_code == 0
    assert all("build" not in f for f in json.loads(result.output)["files"])


def test_rules_and_rule_commands(run_cli) -> None:
    listing = run_cli("rules", "--no-color")
    assert listing.exit_code == 0
    assert "ACT002" in listing.output and "unknown-action" in listing.output
    doc = run_cli("rule", "act002")
    assert doc.exit_code == 0
    assert doc.output.startswith("ACT002 unknown-action (error)")
    for title in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert title in doc.output


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The real entry point (as pre-commit runs it): several files, stdin not a TTY."""
    a = write_json(tmp_path / "a.json", GOOD)
    b = write_json(tmp_path / "b.json", TYPO)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "policy_eval", "check", str(a), str(b),
                           "--no-color"], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "b.json:6:17: ACT002" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
