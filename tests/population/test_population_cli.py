"""``policy-eval matrix`` and ``policy-eval isolation`` end to end: formats, exit codes,
located errors, the heatmap PNG."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from _population_support import LEADING_KEYS, LOGINS, NOTES_APP, POOLS, PRIVATE, TABLE, run_cli


def test_matrix_text_summarises_each_role_path():
    code, out, _ = run_cli("matrix", str(NOTES_APP), "--resource", PRIVATE, "-n", "2")
    assert code == 0
    assert "NotesApp: 8 identities over 4 role paths" in out
    assert "userpool-4f6h/rule-1" in out and "allowed on its own" in out


def test_matrix_csv_has_one_row_per_identity_action_resource():
    code, out, _ = run_cli("matrix", str(NOTES_APP), "-r", PRIVATE, "-r", TABLE,
                           "--action", "s3:GetObject", "-n", "2", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8 * 2   # the table resource: no ${...}, every identity owns it
    assert {r["decision"] for r in rows} == {"allow", "implicit_deny"}
    assert set(rows[0]) >= {"identity_id", "role_arn", "action", "resource", "decision",
                            "statements"}


def test_matrix_json_and_plot(tmp_path: Path):
    png = tmp_path / "matrix.png"
    code, out, _ = run_cli("matrix", str(NOTES_APP), "-r", PRIVATE, "--logins", str(LOGINS),
                           "--format", "json", "--plot", str(png))
    assert code == 0
    data = json.loads(out)
    assert len(data["rows"]) == 4 * 3 and data["templates"][PRIVATE]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_isolation_passes_on_the_good_pool():
    code, out, _ = run_cli("isolation", str(NOTES_APP), "-r", PRIVATE, "-r", TABLE,
                           "--context", LEADING_KEYS, "-n", "3", "--adversarial-examples", "20")
    assert code == 0, out
    assert "isolated:" in out


def test_isolation_json_on_a_weak_pool_exits_1():
    code, out, _ = run_cli("isolation", str(POOLS / "weak-guest-private-preview.json"),
                           "-r", PRIVATE, "-n", "2", "--format", "json",
                           "--adversarial-examples", "0")
    assert code == 1
    data = json.loads(out)
    assert data["isolated"] is False and data["checked"] == 8 * 7 * 3
    example = data["counterexamples"][0]
    assert example["attacker"]["role_arn"].endswith("/NotesAppGuest")
    assert example["statements"][0]["sid"] == "GuestPreviewOfPrivateNotes"


def test_isolation_text_names_the_counterexample():
    code, out, _ = run_cli("isolation", str(POOLS / "weak-private-wildcard.json"), "-r",
                           PRIVATE, "-n", "2", "--adversarial-examples", "0")
    assert code == 1
    assert "NOT ISOLATED" in out and "ReadWriteNotesEveryone" in out


@pytest.mark.parametrize(("args", "message"), [
    (["isolation", "missing.json", "-r", PRIVATE], "missing.json"),
    (["isolation", str(NOTES_APP), "-r", "arn:aws:s3:::other/${sub}/x", "--action",
      "s3:GetObject", "-n", "1"], "vacuous"),
    (["isolation", str(NOTES_APP), "-r", PRIVATE, "--context", "LeadingKeys"], "KEY=TEMPLATE"),
    (["matrix", str(NOTES_APP), "-r", "not-an-arn/${sub}"], "not an ARN"),
])
def test_bad_input_exits_2_with_a_message(args: list[str], message: str):
    code, _, err = run_cli(*args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_a_bad_logins_file_is_located(tmp_path: Path):
    logins = tmp_path / "logins.jsonl"
    logins.write_text('{"provider": null}\n{"flow": "sideways"}\n')
    code, _, err = run_cli("isolation", str(NOTES_APP), "-r", PRIVATE, "--logins", str(logins))
    assert code == 2
    assert f"{logins}:2:" in err


def test_progress_bar_appears_only_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    import policy_eval.population_cli as population_cli

    def run(delay: float) -> str:
        monkeypatch.setattr(population_cli, "PROGRESS_DELAY", delay)
        lines: list[str] = []
        monkeypatch.setattr("rich.progress.Progress.start", lambda bar: lines.append("start"))
        monkeypatch.setattr("rich.progress.Progress.stop", lambda bar: lines.append("stop"))
        code, _, _ = run_cli("matrix", str(NOTES_APP), "--resource", PRIVATE,
                             "--identities", "2", "--format", "json")
        assert code == 0
        return ",".join(lines)

    assert run(3600.0) == ""            # a short run shows nothing
    assert run(-1.0) == "start,stop"    # past the delay: shown, then removed

