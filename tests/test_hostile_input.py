"""Hostile input gets a documented exit code, a located message, no traceback, no hang and
bounded memory, from every command (``check``, ``eval``, ``test``, ``simulate``) and the
library.

One test per class of hostile input: YAML alias bombs and self-containing documents,
devices and FIFOs in place of files, numbers too long to convert, ``NaN``/``Infinity``,
NUL and lone surrogates in referenced paths, a login that is not an object, terminal
escapes and lone surrogates in what is echoed, pool files that ``simulate`` refuses, and
wrong types given to the library. ``check`` reports an unreadable file as a finding
(SYN001/SYN003, exit 1: the run goes on with the other files); the other commands exit 2.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import policy_eval as pe
from policy_eval.errors import InputError, PolicyEvalError, RequestError
from tests.fuzz._support import run_cli

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "data" / "hostile"
POOLS = REPO / "fixtures" / "cognito" / "pools"
PHOTO_APP = POOLS / "photo-app.json"
ALICE = REPO / "fixtures" / "cognito" / "logins" / "alice-premium.json"
#: What a terminal would act on: ESC, CSI (C1), BEL, CR, bidi overrides, lone surrogates.
RAW_CONTROL = re.compile("[\x07\x0d\x1b\x9b\u202e\ud800-\udfff]")


def cli(*args: str | Path) -> tuple[int, str]:
    """``policy-eval ARGS`` in-process, held to the contract: exit 0, 1 or 2, no traceback,
    no internal error, within the budget."""
    return run_cli(*args)


def scenario(tmp_path: Path, policy_ref: str, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"policies": {"identity": [policy_ref]}, "requests": [
        {"id": "read", "action": "s3:GetObject", "resource": "*", "expect": "allow"}]}))
    return path


def assert_located(out: str, name: str, code: str | None = None) -> None:
    assert re.search(rf"{re.escape(name)}:\d+:\d+", out), out
    if code:
        assert code in out, out


# ------------------------------------------------------------------ YAML aliases

@pytest.mark.parametrize(("policy", "scenario", "words"), [
    ("alias-bomb-policy.yaml", "alias-bomb-scenario.yaml",
     "aliases expand to more than 100,000 nodes"),
    ("self-containing-mapping.yaml", "self-containing-scenario.yaml", "contain itself"),
], ids=["alias-bomb", "self-containing"])
def test_yaml_aliases_are_bounded_while_loading(policy: str, scenario: str,
                                                words: str) -> None:
    code, out = cli("check", HOSTILE / policy, "--no-color")
    assert code == 1
    assert_located(out, policy, "SYN003")
    assert words in out
    code, out = cli("eval", HOSTILE / scenario)
    assert code == 2 and words in out
    assert_located(out, scenario)


# ------------------------------------------------------------------ special files

@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("needs a POSIX system with /dev/zero and FIFOs")
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    return {"zero": zero, "fifo": fifo, "device": Path("/dev/zero")}


@pytest.mark.parametrize("kind", ["zero", "fifo", "device"])
def test_devices_and_fifos_are_refused_without_reading(specials: dict[str, Path], kind: str,
                                                       tmp_path: Path) -> None:
    target = specials[kind]
    code, out = cli("check", target, "--no-color")
    assert code == 1 and "SYN003" in out and "not a regular file" in out
    code, out = cli("eval", scenario(tmp_path, str(target)))
    assert code == 2 and "not a regular file" in out
    code, out = cli("simulate", PHOTO_APP, "--login", target)
    assert code == 2 and "not a regular file" in out
    with pytest.raises(InputError, match="not a regular file"):
        pe.IdentityPool.load(target)


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_request_tables_that_are_not_regular_files_are_refused(specials: dict[str, Path],
                                                               kind: str,
                                                               tmp_path: Path) -> None:
    """``eval-table`` reads tables with pandas, not ``read_bytes``: the same refusal."""
    table = tmp_path / f"{kind}.csv"
    table.symlink_to(specials[kind])
    quickstart = REPO / "fixtures" / "scenarios" / "quickstart.json"
    code, out = cli("eval-table", quickstart, table)
    assert code == 2 and f"{kind}.csv" in out and "not a regular file" in out
    folder = tmp_path / "partitions"
    folder.mkdir()
    (folder / "part-0.parquet").symlink_to(specials[kind])
    code, out = cli("eval-table", quickstart, folder)
    assert code == 2 and "part-0.parquet" in out and "not a regular file" in out


def test_the_size_cap_does_not_trust_st_size(tmp_path: Path) -> None:
    from policy_eval.document.source import read_bytes

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    assert len(read_bytes(big, limit=2048)) == 2048
    with pytest.raises(InputError, match="larger than 1,024 bytes") as error:
        read_bytes(big, limit=1024)
    assert error.value.code == "file-too-large"


# ------------------------------------------------------------------ values Python refuses

def refused_at(tmp_path: Path, policy: str, place: str, words: str) -> None:
    """``check`` reports ``policy`` at ``place`` (exit 1); ``eval`` of a scenario that uses
    it exits 2 with the same place."""
    code, out = cli("check", HOSTILE / policy, "--no-color")
    assert code == 1 and f"{policy}:{place}" in out and words in out, out
    code, out = cli("eval", scenario(tmp_path, str(HOSTILE / policy)))
    assert code == 2 and f"{policy}:{place}" in out and words in out, out


def test_a_5000_digit_integer_is_a_located_error(tmp_path: Path) -> None:
    refused_at(tmp_path, "integer-5000-digits-policy.json", "8:", "5,000 digits")
    yaml = tmp_path / "long.yaml"
    yaml.write_text("Version: '2012-10-17'\nStatement: []\nx: " + "7" * 5000 + "\n")
    code, out = cli("check", yaml, "--no-color")
    assert code == 1 and "long.yaml:3:4" in out


def test_nan_and_infinity_are_refused_as_aws_does(tmp_path: Path) -> None:
    refused_at(tmp_path, "nan-in-condition-policy.json", "8:56", "NaN")
    refused_at(tmp_path, "infinity-in-condition-policy.yaml", "8:", "inf")
    from policy_eval.document.source import parse_json

    for literal in ("Infinity", "-Infinity"):
        with pytest.raises(InputError, match=literal) as error:
            parse_json(f'{{"a": "NaN inside a string",\n "b": {literal}}}', "inline.json")
        assert (error.value.location.line, error.value.location.column) == (2, 7)


def test_locating_a_nan_after_many_nan_strings_is_linear() -> None:
    """The locator scans the text once: 20,000 ``"NaN"`` strings before the real ``NaN``
    took minutes when each candidate rescanned the text from the start."""
    from policy_eval.document.source import parse_json

    text = '{"a": [' + ",".join(['"NaN"'] * 20_000) + '],\n "b": NaN}'
    with pytest.raises(InputError, match="NaN") as error:
        parse_json(text, "many.json")
    assert (error.value.location.line, error.value.location.column) == (2, 7)


@pytest.mark.parametrize("name", ["policy\x00.json", "policy\ud800.json"])
def test_nul_or_lone_surrogate_in_a_referenced_path(tmp_path: Path, name: str) -> None:
    path = scenario(tmp_path, name)
    code, out = cli("eval", path)
    assert code == 2 and "not a usable file name" in out
    assert not RAW_CONTROL.search(out)
    code, out = cli("test", path, "--no-color")
    assert code == 2
    code, out = cli("check", path, "--no-color")
    assert code == 1 and "SYN003" in out


def test_a_login_that_is_not_an_object() -> None:
    code, out = cli("simulate", PHOTO_APP, "--login", HOSTILE / "login-top-level-list.json")
    assert code == 2
    assert_located(out, "login-top-level-list.json")
    pool = pe.IdentityPool.load(PHOTO_APP)
    for bad in ([1, 2], "alice", 5):
        with pytest.raises(InputError):
            pool.simulate(bad)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        pool.login("accounts.google.com", claims=[("sub", "1")])  # type: ignore[arg-type]


# ------------------------------------------------------------------ what is echoed

@pytest.mark.parametrize("fixture", ["request-id-terminal-escapes.json",
                                     "request-id-lone-surrogate.json"])
def test_echoed_input_is_escaped(fixture: str) -> None:
    path = HOSTILE / fixture
    for args in (("eval", path), ("eval", path, "--format", "json"),
                 ("test", path, "--no-color"), ("test", path)):
        code, out = cli(*args)
        assert code == 0, out
        assert not RAW_CONTROL.search(out), (args, out)
    code, out = cli("eval", path)
    expected = r"\x1b[2J" if "escapes" in fixture else r"\ud800"
    assert expected in out


def test_findings_echo_input_escaped(tmp_path: Path) -> None:
    policy = tmp_path / "escapes.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "A", "Effect": "Allow", "Action": "s3:Get\u001b]0;owned\u0007Object",
        "Resource": "*"}]}))
    code, out = cli("check", policy, "--no-color")
    assert code == 1 and r"\x1b]0;owned\x07" in out
    assert not RAW_CONTROL.search(out)


def test_simulate_escapes_claims_it_echoes(tmp_path: Path) -> None:
    login = tmp_path / "login.json"
    login.write_text(json.dumps({"provider": "accounts.google.com", "claims": {
        "sub": "1089\u001b[2J\r", "aud": "480726311455-photoapp.apps.googleusercontent.com"}}))
    code, out = cli("simulate", PHOTO_APP, "--login", login)
    assert code == 1 and "ValidationError" in out  # the username tag breaks STS's pattern
    assert not RAW_CONTROL.search(out), out
    assert r"1089\x1b[2J\x0d" in out


def test_printable_keeps_ordinary_text() -> None:
    from policy_eval.document.printable import printable

    text = "Zoë's 東京 policy\n\tline two"
    assert printable(text) is text
    assert printable("a\nb", one_line=True) == r"a\x0ab"
    assert printable("\u202egnp.exe") == r"\u202egnp.exe"


# ------------------------------------------------------------------ pool files

def pool_variant(tmp_path: Path, mutate: Any) -> Path:
    data = json.loads(PHOTO_APP.read_text())
    mutate(data)
    text = json.dumps(data, indent=2).replace('"../policies/', f'"{POOLS.parent}/policies/')
    path = tmp_path / "pool.json"
    path.write_text(text)
    return path


def _rules_regex(data: dict[str, Any]) -> None:
    mapping = next(iter(data["RoleMappings"].values()))
    mapping["Type"] = "Rules"
    mapping["RulesConfiguration"] = {"Rules": [{
        "Claim": "custom:tier", "MatchType": "Regex", "Value": "premium.*",
        "RoleARN": "arn:aws:iam::111122223333:role/PhotoAppPremium"}]}


@pytest.mark.parametrize(("mutate", "message"), [
    (_rules_regex, "found a string 'Regex'"),
    (lambda d: next(iter(d["RoleMappings"].values())).update(Type="Magic"),
     "found a string 'Magic'"),
    (lambda d: d.pop("IdentityPool"), "missing required key 'IdentityPool'"),
], ids=["match-type-regex", "mapping-type-magic", "missing-identity-pool"])
def test_check_reports_what_simulate_refuses(tmp_path: Path, mutate: Any,
                                             message: str) -> None:
    pool = pool_variant(tmp_path, mutate)
    code, simulated = cli("simulate", pool, "--login", ALICE)
    assert code == 2 and message in simulated
    code, checked = cli("check", pool, "--no-color", "--select", "COG020")
    assert code == 1 and "COG020" in checked and message in checked
    where = re.search(r"pool\.json:(\d+:\d+)", simulated)
    assert where and f"pool.json:{where.group(1)}" in checked


# ------------------------------------------------------------------ the library

@pytest.mark.parametrize("kwargs", [
    {"principal": ["arn:aws:iam::111122223333:user/alice"]},
    {"principal": 5},
    {"context": [("aws:SourceIp", "1.2.3.4")]},
    {"context": "aws:SourceIp=1.2.3.4"},
    {"context": {1: "x"}},
    {"context": {"k": 10 ** 5000}},
    {"resource": ["arn:aws:s3:::b"]},
    {"action": ["s3:GetObject"]},
    {"action": None},
])
def test_request_refuses_wrong_types_at_construction(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"action": "s3:GetObject", "resource": "*", **kwargs}
    with pytest.raises(RequestError):
        pe.Request(**args)


def test_library_errors_are_the_projects() -> None:
    with pytest.raises(PolicyEvalError):
        pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": "nope"}])
    with pytest.raises(PolicyEvalError):
        pe.IdentityPool.load(HOSTILE / "alias-bomb-policy.yaml")
