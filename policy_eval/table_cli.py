"""``policy-eval eval-table SCENARIO_OR_POOL REQUESTS...``: decide a table of requests.

Request tables are CSV, JSON Lines or Parquet files (a folder of Parquet files is one table,
one partition per file) with the columns ``action``, ``resource``, optional ``principal`` and
``context.<key>`` (in CSV, a multi-valued context value is written as a JSON list, e.g.
``["a","b"]``); other columns pass through. The policies are a scenario's (its ``principal``
and ``context`` fill rows that have none) or, for an identity pool, those of the login given
by ``--login FILE`` (its session ARN and request context fill the rows). The decisions are
written as Parquet or CSV (by the ``--out`` extension), CSV on stdout without ``--out``.

Without ``--dask`` the table is decided in process with pandas; ``--dask local`` starts a
small ``distributed.LocalCluster``, ``--dask tcp://host:8786`` uses a running scheduler.
Heavy imports (pandas, pyarrow, dask) happen inside the command.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import stat
import sys
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import typer

from .cli import EXIT_OK, PARAM_HELP, guarded, template_params
from .errors import ErrorCode, Location, PolicyEvalError, RequestError

_CSV, _JSONL, _PARQUET = (".csv",), (".jsonl", ".ndjson"), (".parquet", ".pq")


def _table_error(path: Path, message: str, code: str = "invalid-table") -> PolicyEvalError:
    return PolicyEvalError(message, Location(str(path)), code)


def _check_installed(dask: bool) -> None:
    """pandas and pyarrow (and, for ``--dask``, dask and distributed) must be importable."""
    import importlib.util

    needed = ["pandas", "pyarrow"] + (["dask", "distributed"] if dask else [])
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        extra = "dask" if dask else "frame"
        raise PolicyEvalError(f"eval-table needs {', '.join(missing)}: pip install "
                              f"'.[{extra}]' in the policy-eval checkout",
                              code="missing-dependency")


def _kind(path: Path) -> str:
    """The format of a request table (``csv``, ``jsonl``, ``parquet``); only regular files
    are read (a FIFO would hang the reader, ``/dev/zero`` fill memory), as
    ``document/source.read_bytes`` does for every other input, without its size cap:
    tables are meant to be big."""
    if path.is_dir():
        parts = [p for p in path.iterdir() if p.suffix in _PARQUET]
        if not parts:
            raise _table_error(path, "a folder of requests must hold Parquet files (*.parquet)")
        for part in parts:
            _regular_file(part)
        return "parquet"
    if not path.exists():
        raise _table_error(path, "no such file or directory", "file-not-found")
    _regular_file(path)
    suffix = path.suffix.lower()
    for kind, suffixes in (("csv", _CSV), ("jsonl", _JSONL), ("parquet", _PARQUET)):
        if suffix in suffixes:
            return kind
    raise _table_error(path, f"unknown request table format {suffix or '(no extension)'!r}: "
                       "expected .csv, .jsonl or .parquet (or a folder of Parquet files)")


def _regular_file(path: Path) -> None:
    if not stat.S_ISREG(path.stat().st_mode):   # follows symlinks
        raise _table_error(path, "not a regular file (a device, FIFO or socket); policy-eval "
                           "reads regular files only", ErrorCode.not_a_regular_file)


def _decode_json_lists(frame: Any) -> Any:
    """CSV context cells written as JSON lists (``["a","b"]``) as Python lists."""
    columns = [c for c in frame.columns if str(c).startswith("context.")]
    if not columns:
        return frame
    frame = frame.copy()
    for column in columns:
        frame[column] = [_json_list(v) for v in frame[column]]
    return frame


def _json_list(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith("[") and cell.endswith("]"):
        try:
            value = json.loads(cell)
        except ValueError:
            return cell
        if isinstance(value, list):
            return value
    return cell


def _read_pandas(path: Path, kind: str) -> Any:
    """One request table as a pandas DataFrame."""
    import pandas as pd

    try:
        if kind == "csv":
            return _decode_json_lists(pd.read_csv(path, dtype=str, keep_default_na=False,
                                                  na_values=[""]))
        if kind == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_parquet(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise _table_error(path, f"cannot read the {kind} table: {exc}", "unreadable") from None
    except Exception as exc:  # pyarrow's own errors (ArrowInvalid, ...)
        raise _table_error(path, f"cannot read the {kind} table: {type(exc).__name__}: {exc}",
                           "unreadable") from None


def _read_dask(path: Path, kind: str) -> Any:
    """One request table as a Dask DataFrame (a Parquet folder: one partition per file)."""
    import dask.dataframe as dd

    try:
        if kind == "csv":
            frame = dd.read_csv(str(path), dtype=str, keep_default_na=False, na_values=[""],
                                blocksize=None)
            return frame.map_partitions(_decode_json_lists, meta=frame._meta)
        if kind == "jsonl":
            return dd.read_json(str(path), lines=True, dtype=False, blocksize=None)
        return dd.read_parquet(str(path))
    except Exception as exc:
        raise _table_error(path, f"cannot read the {kind} table: {type(exc).__name__}: {exc}",
                           "unreadable") from None


def _check_columns(path: Path, columns: list[str]) -> None:
    for required in ("action", "resource"):
        if required not in columns:
            raise _table_error(path, f"missing column {required!r} (columns: "
                               f"{', '.join(map(str, columns)) or 'none'})", "invalid-column")


def _locate(path: Path, exc: PolicyEvalError) -> PolicyEvalError:
    """A request error re-reported with the table's file name and, for a CSV or JSON Lines
    table, the line where the bad row starts (the pointer ends with the row number)."""
    pointer = exc.location.pointer
    last = pointer.rsplit("/", 1)[-1]
    line = None
    if last.isdigit() and path.is_file():
        line = _row_line(path, _kind(path), int(last))
    return type(exc)(f"{exc.message}", Location(str(path), line, None, pointer), exc.code)


def _row_line(path: Path, kind: str, row: int) -> int | None:
    """The 1-based line where data row ``row`` (0-based, as pandas numbers it) starts: in a
    CSV after the header, quoted line breaks and blank lines (which pandas skips) counted;
    in JSON Lines blank lines skipped. ``None`` for Parquet or a row past the end."""
    if kind not in ("csv", "jsonl"):
        return None
    with path.open(newline="" if kind == "csv" else None, encoding="utf-8",
                   errors="replace") as fh:
        if kind == "jsonl":
            rows = (n for n, text in enumerate(fh, 1) if text.strip())
            return next(islice(rows, row, None), None)
        reader = csv.reader(fh)
        start, seen = 1, -1        # the header is row -1
        for record in reader:
            if record:
                if seen == row:
                    return start
                seen += 1
            start = reader.line_num + 1
    return None


def _target(source: Path, login: Path | None, params: dict[str, str]
            ) -> tuple[Any, str | None, dict[str, Any]]:
    """The policy set, default principal and default context of a scenario or of a login
    through a pool."""
    from .document.source import load_file

    data = load_file(source).data
    if isinstance(data, dict) and "policies" in data:
        from .scenario import build_policy_set, load_scenario

        if login is not None:
            raise PolicyEvalError("--login applies to an identity pool, not to a scenario",
                                  Location(str(source)), "invalid-option")
        scenario = load_scenario(source, params)
        if scenario.model.cognito is not None:
            raise PolicyEvalError("a scenario with a cognito section: give its pool file "
                                  "and --login FILE instead",
                                  Location(str(source), None, None, "/cognito"),
                                  "invalid-option")
        return (build_policy_set(scenario), scenario.model.principal,
                dict(scenario.model.context))
    from .cognito.identity import Refusal
    from .cognito.pool import IdentityPool

    if login is None:
        raise PolicyEvalError("an identity pool decides nothing without a login: give "
                              "--login FILE (the login whose credentials make the requests)",
                              Location(str(source)), "invalid-option")
    pool = IdentityPool.load(source, params=params)
    login_source = load_file(login)
    outcome = pool.simulate(login_source.data, locate=login_source.location)
    if isinstance(outcome, Refusal):
        raise PolicyEvalError(f"AWS would issue no credentials for this login: "
                              f"{outcome.code}: {outcome.reason}",
                              Location(str(login)), "invalid-login")
    return outcome.policy_set, outcome.principal, dict(outcome.context)


def _evaluate_pandas(tables: list[Path], policy_set: Any, principal: str | None,
                     context: Mapping[str, Any]) -> Any:
    import pandas as pd

    from .dask import evaluate_frame

    decided = []
    for path in tables:
        frame = _read_pandas(path, _kind(path))
        _check_columns(path, list(frame.columns))
        try:
            decided.append(evaluate_frame(policy_set, frame, principal=principal,
                                          context=context))
        except RequestError as exc:
            raise _locate(path, exc) from None
    return pd.concat(decided, ignore_index=True) if len(decided) > 1 else decided[0]


def _evaluate_dask(tables: list[Path], policy_set: Any, principal: str | None,
                   context: Mapping[str, Any], address: str) -> Any:
    import pandas as pd
    from distributed import Client, LocalCluster

    from .dask import evaluate_frame

    frames = []
    for path in tables:
        frame = _read_dask(path, _kind(path))
        _check_columns(path, list(frame.columns))
        frames.append((path, evaluate_frame(policy_set, frame, principal=principal,
                                            context=context)))
    if address == "local":
        cluster: Any = LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                    dashboard_address=None)
    else:
        cluster = None
    try:
        client = Client(cluster if cluster is not None else address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
        raise PolicyEvalError(f"cannot reach the Dask scheduler {address!r}: {exc}",
                              code="unreachable-scheduler") from None
    quiet = _WorkerLogsSilenced() if cluster is not None else contextlib.nullcontext()
    try:
        results = []
        for path, frame in frames:
            try:
                with quiet:
                    results.append(frame.compute())
            except RequestError as exc:
                raise _locate(path, exc) from None
        return pd.concat(results, ignore_index=True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _WorkerLogsSilenced:
    """An in-process worker (``--dask local``) logs a failed task with its traceback on our
    stderr before the client re-raises it; the bad row is reported once, by us, instead."""

    _NAMES = ("distributed.worker", "distributed.core")

    def __enter__(self) -> None:
        self._levels = [(logging.getLogger(n), logging.getLogger(n).level) for n in self._NAMES]
        for logger, _ in self._levels:
            logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        for logger, level in self._levels:
            logger.setLevel(level)


def _write(frame: Any, out: Path | None) -> None:
    if out is None:
        frame.to_csv(sys.stdout, index=False)
        return
    suffix = out.suffix.lower()
    try:
        if suffix in _PARQUET:
            frame.to_parquet(out, index=False)
        else:   # .csv: the command refused any other --out suffix before any work
            frame.to_csv(out, index=False)
    except OSError as exc:
        raise _table_error(out, f"cannot write: {exc}", "unreadable") from None


def _lists_as_json(frame: Any, *, mixed_only: bool) -> Any:
    """List cells (multi-valued context) as JSON lists, as the CSV input takes them: in
    every column (CSV), or only where a column mixes lists with single values (Parquet
    holds one type per column)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        kinds = {isinstance(v, (list, tuple)) for v in frame[column] if v is not None}
        if kinds == {True, False} or (not mixed_only and True in kinds):
            frame[column] = [json.dumps(list(v)) if isinstance(v, (list, tuple))
                             else v for v in frame[column]]
    return frame


def register(app: typer.Typer) -> None:
    """Add the ``eval-table`` command to the ``policy-eval`` app."""

    @app.command("eval-table")
    def eval_table_command(
        source: Path = typer.Argument(..., metavar="SCENARIO_OR_POOL",
                                      help="Scenario file, or identity pool file with --login."),
        requests: list[Path] = typer.Argument(..., metavar="REQUESTS...",
                                              help="Request tables: CSV, JSONL, Parquet, or "
                                                   "a folder of Parquet files."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Output file: .parquet or "
                                        ".csv (default: CSV on stdout)."),
        dask: str | None = typer.Option(None, "--dask", metavar="ADDRESS|local",
                                        help="Decide on Dask: 'local' (a local cluster) or "
                                             "a scheduler address (tcp://host:8786)."),
        login: Path | None = typer.Option(None, "--login", "-l", help="Login file (for a "
                                          "pool): whose credentials make the requests."),
        param: list[str] | None = typer.Option(None, "--param", help=PARAM_HELP),
    ) -> None:
        """Decide every request of CSV/JSONL/Parquet tables; write decision and allowed
        columns (Parquet or CSV by --out's extension, CSV on stdout by default)."""
        params = template_params(param)

        def run() -> Any:
            _check_installed(dask is not None)
            for path in requests:
                _kind(path)
            if out is not None and out.suffix.lower() not in _PARQUET + _CSV:
                raise _table_error(out, f"--out: unknown format {out.suffix or '(none)'!r}: "
                                   "expected .parquet or .csv", "invalid-option")
            policy_set, principal, context = _target(source, login, params)
            if dask is None:
                decided = _evaluate_pandas(requests, policy_set, principal, context)
            else:
                decided = _evaluate_dask(requests, policy_set, principal, context, dask)
            parquet = out is not None and out.suffix.lower() in _PARQUET
            _write(_lists_as_json(decided, mixed_only=parquet), out)

        guarded(run)
        raise typer.Exit(EXIT_OK)
