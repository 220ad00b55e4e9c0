"""``policy_eval.dask.evaluate_frame`` and ``policy-eval eval-table`` on Dask's local cluster:
the same decisions as the batch core, row by row, order included."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from policy_eval.cli import _register_commands, app  # noqa: E402
from policy_eval.dask import evaluate_frame  # noqa: E402
from policy_eval.engine.batch import RequestBatch  # noqa: E402
from policy_eval.errors import RequestError  # noqa: E402
from policy_eval.scenario import build_policy_set, load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "fixtures" / "scenarios" / "quickstart.json"
TABLE = ROOT / "fixtures" / "tables" / "quickstart-requests.csv"
BUCKET = "arn:aws:s3:::example-photo-app-media"
OWN, OTHER = ("us-east-1:0d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
              "us-east-1:7d3b9c1e-4f2a-4c8e-9b1d-2a6f0e5c8d41")
SUB = "context.cognito-identity.amazonaws.com:sub"

_register_commands()


@pytest.fixture(scope="module")
def policy_set():
    return build_policy_set(load_scenario(QUICKSTART))


def _requests(rows: int) -> pd.DataFrame:
    """A realistic mix: own and others' objects, listings with and without a prefix,
    multi-valued prefixes, per-row subjects."""
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
    data: dict[str, list] = {"action": [], "resource": [], SUB: [], "context.s3:prefix": []}
    for i in range(rows):
        action = actions[i % 4]
        owner = (OWN, OTHER)[i % 3 == 0]
        data["action"].append(action)
        data[SUB].append((OWN, OTHER)[i % 5 == 0])
        if action == "s3:ListBucket":
            data["resource"].append(BUCKET)
            data["context.s3:prefix"].append(
                None if i % 7 == 0 else [f"private/{OWN}/", f"private/{OTHER}/"]
                if i % 11 == 0 else f"private/{owner}/")
        else:
            data["resource"].append(f"{BUCKET}/private/{owner}/photo-{i}.jpg")
            data["context.s3:prefix"].append(None)
    return pd.DataFrame(data)


def test_evaluate_frame_agrees_with_the_batch_core_across_partitions(policy_set):
    pdf = _requests(240)
    expected = policy_set.evaluate_many(RequestBatch.from_frame(pdf)).decisions
    assert {"allow", "implicit_deny"} <= set(expected)
    frame = dd.from_pandas(pdf, npartitions=4)
    decided = evaluate_frame(policy_set, frame).compute(scheduler="sync")
    assert decided["decision"].tolist() == expected
    assert decided["allowed"].tolist() == [d == "allow" for d in expected]
    assert decided["resource"].tolist() == pdf["resource"].tolist()


def test_evaluate_frame_takes_a_pandas_frame_and_fills_request_wide_defaults(policy_set):
    pdf = _requests(20).drop(columns=[SUB])
    decided = evaluate_frame(policy_set, pdf, context={"cognito-identity.amazonaws.com:sub": OWN})
    with_sub = pdf.assign(**{SUB: [OWN] * len(pdf)})
    assert decided["decision"].tolist() == policy_set.evaluate_many(
        RequestBatch.from_frame(with_sub)).decisions


def test_a_default_context_key_fills_the_column_of_that_key_whatever_its_case(policy_set):
    pdf = _requests(20)
    upper = "context." + SUB[len("context."):].upper()
    holes = pdf.assign(**{upper: [None] * 10 + pdf[SUB].tolist()[10:]}).drop(columns=[SUB])
    decided = evaluate_frame(policy_set, holes,
                             context={"Cognito-Identity.amazonaws.com:SUB": OWN})
    filled = pdf.assign(**{SUB: [OWN] * 10 + pdf[SUB].tolist()[10:]})
    assert decided["decision"].tolist() == policy_set.evaluate_many(
        RequestBatch.from_frame(filled)).decisions


def test_evaluate_frame_names_the_partition_of_a_bad_row(policy_set):
    pdf = _requests(8)
    pdf.loc[6, "resource"] = "not-an-arn"
    frame = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(RequestError, match=r"partition 1: column 'resource', row 2"):
        evaluate_frame(policy_set, frame).compute(scheduler="sync")


def _run(*args: str):
    return CliRunner().invoke(app, ["eval-table", *map(str, args)])


def test_eval_table_csv_on_a_local_cluster(tmp_path, policy_set):
    out = tmp_path / "decisions.csv"
    result = _run(QUICKSTART, TABLE, "--out", out, "--dask", "local")
    assert result.exit_code == 0, result.output
    decided = pd.read_csv(out)
    assert dict(zip(decided["id"], decided["decision"], strict=True)) == {
        "own-photo": "allow", "list-own-folder": "allow",
        "list-two-folders": "implicit_deny", "someone-elses-photo": "implicit_deny",
        "delete-own-photo": "allow"}
    assert decided["allowed"].tolist() == [True, True, False, False, True]


def test_eval_table_parquet_folder_on_a_local_cluster(tmp_path, policy_set):
    pdf = _requests(60)  # Parquet wants one type per column: every prefix a list
    pdf["context.s3:prefix"] = [[v] if isinstance(v, str) else v
                                for v in pdf["context.s3:prefix"]]
    folder = tmp_path / "requests"
    folder.mkdir()
    for n, start in enumerate(range(0, 60, 20)):
        pdf.iloc[start:start + 20].to_parquet(folder / f"part-{n}.parquet", index=False)
    out = tmp_path / "decisions.parquet"
    result = _run(QUICKSTART, folder, "--out", out, "--dask", "local")
    assert result.exit_code == 0, result.output
    decided = pd.read_parquet(out)
    assert decided["decision"].tolist() == policy_set.evaluate_many(
        RequestBatch.from_frame(pdf)).decisions


def test_eval_table_in_process_writes_csv_to_stdout_and_reads_jsonl(tmp_path):
    jsonl = tmp_path / "requests.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in [
        {"action": "s3:GetObject", "resource": f"{BUCKET}/private/{OWN}/a.jpg"},
        {"action": "s3:ListBucket", "resource": BUCKET,
         "context.s3:prefix": f"private/{OWN}/"},
        {"action": "s3:ListBucket", "resource": BUCKET,
         "context.s3:prefix": [f"private/{OWN}/", f"private/{OTHER}/"]}]) + "\n")
    result = _run(QUICKSTART, jsonl)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["decision"] for row in rows] == ["allow", "allow", "implicit_deny"]
    assert [row["allowed"] for row in rows] == ["True", "True", "False"]
    assert json.loads(rows[2]["context.s3:prefix"]) == [f"private/{OWN}/", f"private/{OTHER}/"]


def test_eval_table_with_a_pool_needs_a_login(tmp_path):
    pool = ROOT / "fixtures" / "cognito" / "pools" / "photo-app.json"
    result = _run(pool, TABLE)
    assert result.exit_code == 2
    assert "--login" in result.output


@pytest.mark.parametrize(("content", "message"), [
    ("action,context.s3:prefix\ns3:GetObject,x\n", "missing column 'resource'"),
    (f"action,resource\ns3:GetObject,{BUCKET}/a\ns3:GetObject,not-an-arn\n",
     "bad.csv:3:1 (at /"),
    (f"action,resource\ns3:GetObject,{BUCKET}/a\ns3:GetObject,not-an-arn\n",
     "column 'resource', row 1"),
])
@pytest.mark.parametrize("dask_args", [(), ("--dask", "local")])
def test_eval_table_bad_input_exits_2_naming_file_and_place(tmp_path, content, message,
                                                            dask_args):
    table = tmp_path / "bad.csv"
    table.write_text(content)
    result = _run(QUICKSTART, table, *dask_args)
    assert result.exit_code == 2, result.output
    assert "bad.csv" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_bad_rows_are_located_at_their_line(tmp_path):
    """CSV: quoted line breaks and blank lines counted; JSON Lines: blank lines skipped."""
    csv_table = tmp_path / "bad.csv"
    csv_table.write_text(f'action,resource,context.s3:prefix\ns3:GetObject,{BUCKET}/a,"x\ny"\n'
                         "\ns3:GetObject,not-an-arn,\n")
    result = _run(QUICKSTART, csv_table)
    assert result.exit_code == 2 and "bad.csv:5:1 (at /resource/1)" in result.output
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text(json.dumps({"action": "s3:GetObject", "resource": f"{BUCKET}/a"}) + "\n\n"
                     + json.dumps({"action": "s3:GetObject", "resource": "nope"}) + "\n")
    result = _run(QUICKSTART, jsonl)
    assert result.exit_code == 2 and "bad.jsonl:3:1 (at /resource/1)" in result.output


def test_eval_table_malformed_scheduler_address_exits_2():
    result = _run(QUICKSTART, TABLE, "--dask", "notanaddress")
    assert result.exit_code == 2, result.output
    assert "cannot reach the Dask scheduler 'notanaddress'" in result.output


def test_eval_table_unreadable_table_exits_2(tmp_path):
    missing = _run(QUICKSTART, tmp_path / "nowhere.csv")
    assert missing.exit_code == 2 and "nowhere.csv" in missing.output
    broken = tmp_path / "broken.parquet"
    shutil.copy(TABLE, broken)
    result = _run(QUICKSTART, broken)
    assert result.exit_code == 2 and "broken.parquet" in result.output


def test_the_policy_set_is_one_node_of_the_graph(policy_set):
    frame = dd.from_pandas(_requests(40), npartitions=4)
    graph = dict(evaluate_frame(policy_set, frame).__dask_graph__())
    holders = [key for key, task in graph.items() if getattr(task, "value", None) is policy_set
               or task is policy_set]
    assert len(holders) == 1
    assert sum(str(key).startswith("('decide_partition") for key in graph) == 4
