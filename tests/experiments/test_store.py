"""The experiment folder: per-run files, merged tables, manifest."""

import errno
import json
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.parquet
import pytest

from experiments.errors import RunError
from experiments.store import CONFIG_HASH_KEY, TABLES, RunStore, parquet_rows
from experiments.worker import RunOutput


def _output(key: str, value: float) -> RunOutput:
    tag = {"strategy": key.split("-")[0], "scenario": "base", "replication": int(key[-1])}
    return RunOutput(
        key=key,
        timeseries=pd.DataFrame({**tag, "day": [0, 1], "active": [value, value + 1]}),
        summary=pd.DataFrame({**tag, "profit": [value]}, index=[0]),
        cohorts=pd.DataFrame({**tag, "cohort": [0], "day": [0], "retention": [1.0]}),
    )


def test_a_written_run_is_finished_and_merges_in_the_order_asked(tmp_path):
    store = RunStore(tmp_path)
    for key, value in [("points-0", 2.0), ("baseline-0", 1.0), ("baseline-1", 3.0)]:
        store.write_run(_output(key, value))
    assert store.finished_keys() == {"points-0", "baseline-0", "baseline-1"}
    merged = store.merge_runs(["baseline-0", "baseline-1", "points-0"])
    assert list(merged) == list(TABLES)
    assert merged["summary"]["profit"].tolist() == [1.0, 3.0, 2.0]
    assert merged["timeseries"]["active"].tolist() == [1.0, 2.0, 3.0, 4.0, 2.0, 3.0]
    assert list(merged["summary"].index) == [0, 1, 2]
    assert not list(tmp_path.rglob("*.tmp"))  # written under a temporary name, then renamed


def test_merging_a_missing_run_names_how_many_and_one_of_them(tmp_path):
    store = RunStore(tmp_path)
    store.write_run(_output("baseline-0", 1.0))
    with pytest.raises(RunError, match=r"2 run\(s\) missing, e.g. baseline-1"):
        store.merge_runs(["baseline-0", "baseline-1", "points-0"])


def test_a_run_whose_tables_fail_to_write_is_not_finished(tmp_path):
    # the summary is written last: a run that dies writing its cohorts is run again on resume
    store = RunStore(tmp_path)
    broken = _output("baseline-0", 1.0)
    broken.cohorts["retention"] = pd.Series([object()], dtype=object)  # not storable
    with pytest.raises(pyarrow.ArrowException):
        store.write_run(broken)
    assert (tmp_path / "runs" / "timeseries" / "baseline-0.parquet").exists()
    assert store.finished_keys() == set()
    assert not (tmp_path / "runs" / "cohorts" / "baseline-0.parquet").exists()


def test_clear_runs_forgets_an_earlier_experiment(tmp_path):
    store = RunStore(tmp_path)
    store.write_run(_output("baseline-0", 1.0))
    store.clear_runs()
    assert store.finished_keys() == set() and not (tmp_path / "runs").exists()


def test_merged_tables_round_trip_with_optional_csv(tmp_path):
    store = RunStore(tmp_path / "exp")
    tables = _output("baseline-0", 1.0).tables()
    store.write_tables(tables, csv=True, config_sha256="abc")
    store.write_manifest({"config_sha256": "abc", "finished": "2026-01-01T00:00:00+00:00"})
    for name, frame in store.read_tables().items():
        pd.testing.assert_frame_equal(frame, tables[name])
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "exp" / f"{name}.csv"), frame)


def test_reading_a_folder_without_results_says_what_is_missing(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(RunError, match="no finished experiment here .*summary.parquet"):
        store.read_tables()
    store.write_tables({name: pd.DataFrame({"a": [1]}) for name in TABLES})
    with pytest.raises(RunError, match=r"missing manifest.json"):
        store.read_tables()


def test_manifest_round_trip_absence_and_corruption(tmp_path):
    store = RunStore(tmp_path)
    assert store.read_manifest() is None
    manifest = {"config_sha256": "abc", "resumed": ["2026-01-01"], "seeds": {"entropy": 7}}
    store.write_manifest(manifest)
    assert store.read_manifest() == manifest
    assert json.loads(store.manifest_path.read_text()) == manifest
    with pytest.raises(ValueError):  # NaN is not JSON: refused, not written as NaN
        store.write_manifest({"x": float("nan")})
    store.manifest_path.write_text("{not json")
    with pytest.raises(RunError, match="manifest.json: not valid JSON"):
        store.read_manifest()


def test_a_runs_order_log_is_written_as_an_order_frame_and_cleared_with_the_runs(tmp_path):
    from survey.orders.frame import as_order_frame, read_orders

    orders = as_order_frame(
        pd.DataFrame({"customer_id": ["7"], "date": ["2019-01-01"], "amount": [12.5]})
    )
    store = RunStore(tmp_path)
    output = _output("coupons-0", 1.0)
    output.orders = orders
    store.write_run(output)
    assert read_orders(tmp_path / "orders" / "coupons-0.parquet").equals(orders)
    store.write_run(_output("baseline-0", 1.0))  # a run without a log writes none
    assert [p.name for p in store.orders.iterdir()] == ["coupons-0.parquet"]
    store.clear_runs()
    assert not store.orders.exists()


def test_an_order_log_outside_the_schema_is_refused_before_the_run_is_finished(tmp_path):
    from survey.errors import DataError

    store = RunStore(tmp_path)
    output = _output("coupons-0", 1.0)
    output.orders = pd.DataFrame({"customer_id": ["7"], "amount": [1.0]})  # no date
    with pytest.raises(DataError, match="date"):
        store.write_run(output)
    assert store.finished_keys() == set()


def test_a_truncated_empty_or_short_run_file_is_broken_and_dropped(tmp_path):
    # issue 15: --resume counted a truncated or zero-length run file as finished
    store = RunStore(tmp_path)
    for key in ("a-0", "b-0", "c-0", "d-0"):
        store.write_run(_output(key, 1.0))
    cohorts = tmp_path / "runs" / "cohorts" / "a-0.parquet"
    cohorts.write_bytes(cohorts.read_bytes()[:-20])  # truncated: no footer
    (tmp_path / "runs" / "summary" / "b-0.parquet").write_bytes(b"")  # zero-length
    pd.DataFrame({"day": [0]}).to_parquet(tmp_path / "runs" / "timeseries" / "c-0.parquet")
    assert store.broken_keys() == ["a-0", "b-0"]
    assert store.broken_keys({"summary": 1, "timeseries": 2}) == ["a-0", "b-0", "c-0"]
    store.drop_runs(["a-0", "b-0", "c-0"])
    assert store.finished_keys() == {"d-0"}
    assert not list((tmp_path / "runs").rglob("[abc]-0.parquet"))


def test_parquet_rows_reads_the_footer_and_is_none_for_an_unreadable_file(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": range(7)}).to_parquet(path)
    assert parquet_rows(path) == 7
    (tmp_path / "text.parquet").write_text("a,b\n1,2\n")
    assert parquet_rows(tmp_path / "text.parquet") is None
    assert parquet_rows(tmp_path / "absent.parquet") is None


def test_merged_tables_carry_the_config_hash_in_their_metadata(tmp_path):
    store = RunStore(tmp_path)
    store.write_tables({"summary": pd.DataFrame({"a": [1]})}, config_sha256="f00d")
    metadata = pyarrow.parquet.read_schema(tmp_path / "summary.parquet").metadata
    assert metadata[CONFIG_HASH_KEY] == b"f00d"
    assert pd.read_parquet(tmp_path / "summary.parquet")["a"].tolist() == [1]


def _disk_full_after(monkeypatch, writes: int) -> None:
    """Make Parquet writes fail like a full disk after ``writes`` successful ones.

    The failing write leaves part of its file behind, as a real full disk does.
    """
    real, count = pyarrow.parquet.write_table, iter(range(10**6))

    def write_table(table, where, *args, **kwargs):
        if next(count) < writes:
            return real(table, where, *args, **kwargs)
        where.write(b"PAR1 half a file")  # pandas passes the open temporary file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pyarrow.parquet, "write_table", write_table)


def test_a_full_disk_is_one_line_keeps_finished_runs_and_leaves_no_temporary(tmp_path, monkeypatch):
    # the issue: a full disk gave an OSError traceback and left a .tmp file behind
    store = RunStore(tmp_path)
    store.write_run(_output("baseline-0", 1.0))
    _disk_full_after(monkeypatch, writes=1)  # the next run's timeseries, then the disk is full
    with pytest.raises(RunError) as caught:
        store.write_run(_output("baseline-1", 2.0))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "runs" / "cohorts" / "baseline-1.parquet"))
    assert "No space left on device" in message and "--resume" in message
    assert not list(tmp_path.rglob("*.tmp"))
    assert store.finished_keys() == {"baseline-0"} and store.broken_keys() == []


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        (tmp_path / "runs" / "timeseries" / ".baseline-0.parquet.tmp").write_bytes(b"PAR1")
        raise KeyboardInterrupt

    monkeypatch.setattr(pyarrow.parquet, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        RunStore(tmp_path).write_run(_output("baseline-0", 1.0))
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.fixture
def mount(tmp_path):
    """Mount a tmpfs with the given options on a folder (skipped where not permitted).

    Root ignores file modes, so a chmod 0o555 folder does not stop it; a read-only
    or a tiny file system stops everyone.
    """
    mounted = []

    def mount_tmpfs(options: str):
        folder = tmp_path / f"mount{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip("mounting a tmpfs is not permitted here")
        mounted.append(folder)
        return folder

    yield mount_tmpfs
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_read_only_folder_is_one_line_naming_the_file(mount):
    folder = mount("ro,size=1m")
    with pytest.raises(RunError) as caught:
        RunStore(folder / "study").write_manifest({"name": "x"})
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(folder / "study" / "manifest.json"))
    assert "Read-only file system" in message


def test_a_really_full_disk_keeps_the_runs_written_before(mount):
    folder = mount("size=64k")
    store = RunStore(folder)
    with pytest.raises(RunError, match="No space left on device"):
        for replication in range(10_000):
            output = _output("baseline-0", 1.0)
            output.key = f"baseline-{replication}"
            output.timeseries = pd.concat([output.timeseries] * 50, ignore_index=True)
            store.write_run(output)
    assert not list(folder.rglob("*.tmp"))
    finished = store.finished_keys()
    assert finished and store.broken_keys() == []  # every finished run reads back whole


def test_a_csv_that_cannot_be_written_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    def full(self, path, *args, **kwargs):
        Path(path).write_text("strategy,scen")  # part of the file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(RunError, match=r"comparison.csv: cannot write \(No space left on device\)"):
        RunStore(tmp_path).write_csv("comparison", pd.DataFrame({"a": [1]}))
    assert list(tmp_path.iterdir()) == []
