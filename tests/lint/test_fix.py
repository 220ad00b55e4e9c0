"""``check --fix`` / ``--diff``: fixes with one right answer, made in the text at the
element's span (the rest of the file untouched), written only with ``--fix``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from policy_eval.errors import ErrorCode, InputError
from policy_eval.lint.fix import FileFix, write_fixes
from policy_eval.lint.runner import Linter

JSON = """{
  "Statement": [
    {"Sid": "Read",   "Effect": "allow ",
     "Action": ["s3:GetObjects", "s3:Get*Objekt"],
     "Resource": "arn:aws:s3:::example-bucket/*",
     "Condition": {"stringequals": {"aws:SoureIp": "203.0.113.7/32"}}}
  ]
}
"""

YAML = """\
# team policy, reviewed 2026-10
Statement:
  - Sid: Write   # uploads
    Effect: Deny
    Action: [s3:PutObjekt, 's3:DeleteObjects']
    Resource: "arn:aws:s3:::example-bucket/*"
"""


def test_diff_previews_without_writing(tmp_path: Path, run_cli) -> None:
    f = tmp_path / "p.json"
    f.write_text(JSON, "utf-8")
    result = run_cli("check", str(f), "--diff")
    assert result.exit_code == 1
    assert f.read_text("utf-8") == JSON                     # nothing written
    out = result.output
    assert '+  "Version": "2012-10-17",' in out
    assert '+    {"Sid": "Read",   "Effect": "Allow",' in out   # spacing kept
    assert '"s3:GetObject", "s3:Get*Objekt"' in out         # no single answer: left
    assert '{"StringEquals": {"aws:SourceIp": "203.0.113.7/32"}}' in out


def test_fix_writes_in_place_and_relints(tmp_path: Path, run_cli) -> None:
    f = tmp_path / "p.json"
    f.write_text(JSON, "utf-8")
    result = run_cli("check", str(f), "--fix", "--format", "json")
    fixed = f.read_text("utf-8")
    assert fixed == JSON.replace("{\n", '{\n  "Version": "2012-10-17",\n', 1) \
        .replace('"allow "', '"Allow"').replace('"s3:GetObjects"', '"s3:GetObject"') \
        .replace('"stringequals"', '"StringEquals"').replace('"aws:SoureIp"', '"aws:SourceIp"')
    report = json.loads(result.output[result.output.index("{"):])
    codes = {x["code"] for x in report["findings"]}
    assert "ACT002" in codes                               # the pattern with no single fix
    assert not codes & {"SYN004", "SYN009", "CND013", "CND002"}
    assert result.exit_code == 1
    assert run_cli("check", str(f), "--diff").exit_code == 0    # nothing left to fix


def test_yaml_fix_keeps_comments_and_quoting(tmp_path: Path, run_cli) -> None:
    f = tmp_path / "role.yaml"
    f.write_text(YAML, "utf-8")
    run_cli("check", str(f), "--fix")
    assert f.read_text("utf-8") == YAML.replace(
        "Statement:", 'Version: "2012-10-17"\nStatement:').replace(
        "s3:PutObjekt", "s3:PutObject").replace("'s3:DeleteObjects'", "'s3:DeleteObject'")


def test_library_findings_carry_replacements() -> None:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]}
    found = [f for f in Linter(select=["ACT002"]).lint_text(json.dumps(doc), "p.json")]
    assert found[0].replacement == "s3:GetObject"


def test_fix_keeps_a_utf8_byte_order_mark(tmp_path: Path, run_cli) -> None:
    f = tmp_path / "p.json"
    f.write_bytes(b"\xef\xbb\xbf" + JSON.encode("utf-8"))
    result = run_cli("check", str(f), "--fix")
    raw = f.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf" * 2)
    assert '"Effect": "Allow"' in raw.decode("utf-8-sig"), result.output
    plain = tmp_path / "plain.json"
    plain.write_text(JSON, "utf-8")
    run_cli("check", str(plain), "--fix")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")


def test_fix_of_a_read_only_file_is_a_located_error_not_a_traceback(tmp_path: Path,
                                                                    run_cli) -> None:
    f = tmp_path / "p.json"
    f.write_text(JSON, "utf-8")
    f.chmod(0o444)
    try:
        if os.access(f, os.W_OK):
            pytest.skip("running as a user who can write a read-only file (root)")
        result = run_cli("check", str(f), "--fix")
    finally:
        f.chmod(0o644)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(f) in result.output and "cannot write the fixed file" in result.output
    assert f.read_text("utf-8") == JSON


def test_write_fixes_refusal_is_a_located_input_error(tmp_path: Path) -> None:
    """Also as root (who may write read-only files): a path that is a folder."""
    folder = tmp_path / "p.json"
    folder.mkdir()
    with pytest.raises(InputError) as err:
        write_fixes([FileFix(folder, "p.json", JSON, JSON + " ", ["SYN009"])])
    assert err.value.location.path == str(folder)
    assert err.value.code == ErrorCode.unreadable


def test_fix_that_cannot_write_exits_2_with_the_file_named(tmp_path: Path, run_cli,
                                                           monkeypatch) -> None:
    """The CLI side of a refused write, whoever runs the tests (root writes read-only
    files): exit 2 and the file named, no traceback."""
    f = tmp_path / "p.json"
    f.write_text(JSON, "utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    result = run_cli("check", str(f), "--fix")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{f}: " in result.output or str(f) in result.output
    assert "cannot write the fixed file: Permission denied" in result.output
