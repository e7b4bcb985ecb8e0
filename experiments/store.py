"""An experiment's folder: one small Parquet file per finished run, merged tables, manifest.

Layout of ``DIR``::

    manifest.json                 resolved config, its hash, seeds, versions, times
    runs/<table>/<run key>.parquet one file per run and table (summary written last)
    timeseries.parquet            merged: one row per run per day
    summary.parquet               merged: one row per run
    cohorts.parquet               merged: cohort retention per run and day
    orders/<run key>.parquet      with outputs.orders: each run's focal-platform order
                                  log, an order frame (survey.orders.frame) that
                                  `shoplab orders analyze` reads; one file per run,
                                  not merged, as customer ids are shopper indices
                                  within a run
    comparison.csv                per strategy x scenario x metric (see analysis)
    plots/                        PNG and SVG

A run is finished when its summary file exists; files are written to a temporary
name and renamed, so a killed experiment leaves no half-written run behind; a write
that fails (a full disk, a read-only folder) deletes its temporary file, keeps the
finished runs and is one line naming the file (:func:`writing`). A file
damaged afterwards (truncated, emptied) is found by :meth:`RunStore.broken_keys`,
which reads each file's Parquet footer. The merged tables carry the hash of the
config they were merged from (:data:`CONFIG_HASH_KEY` in their Parquet metadata),
and :meth:`RunStore.read_tables` refuses tables whose hash is not the manifest's.

Examples
--------
>>> import tempfile
>>> store = RunStore(tempfile.mkdtemp())
>>> store.finished_keys()
set()
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.errors import RunError
from experiments.worker import RunOutput
from survey.orders.frame import check_orders

#: The merged tables, in the order they are written for a run.
TABLES = ("timeseries", "cohorts", "summary")

#: Parquet metadata key of a merged table: the hash of the config it was merged from.
CONFIG_HASH_KEY = b"shoplab.config_sha256"


@contextlib.contextmanager
def writing(path: Path, temporary: Path | None = None) -> Iterator[None]:
    """Turn a failed write of ``path`` (full disk, read-only folder) into one line.

    The temporary file being written, if any, is deleted, so nothing half-written is
    left behind; files written before are kept (the finished runs), and the message
    says that ``--resume`` continues once the cause is fixed.

    Parameters
    ----------
    path : Path
        The file (or folder) being written.
    temporary : Path, optional
        Its temporary name, deleted on failure.

    Raises
    ------
    RunError
        Instead of the :class:`OSError` raised inside the block.

    Examples
    --------
    >>> import errno
    >>> with writing(Path("out/summary.parquet")):  # doctest: +ELLIPSIS
    ...     raise OSError(errno.ENOSPC, "No space left on device")
    Traceback (most recent call last):
    ...
    experiments.errors.RunError: out/summary.parquet: cannot write (No space left on device); ...
    """
    try:
        yield
    except BaseException as err:  # an interrupt or a bad table too: no temporary file left
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        if not isinstance(err, OSError):
            raise
        raise RunError(
            f"{path}: cannot write ({err.strerror or err}); the runs already finished are "
            "kept: once there is room or the folder is writable, run the same command "
            "with --resume to continue"
        ) from None


def _write_atomic(frame: pd.DataFrame, path: Path, config_sha256: str | None = None) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with writing(path, temporary):
        path.parent.mkdir(parents=True, exist_ok=True)
        if config_sha256 is None:
            frame.to_parquet(temporary, index=False)
        else:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            metadata = {**(table.schema.metadata or {}), CONFIG_HASH_KEY: config_sha256.encode()}
            pq.write_table(table.replace_schema_metadata(metadata), temporary)
        os.replace(temporary, path)


def parquet_rows(path: Path) -> int | None:
    """The row count in a Parquet file's footer, or None if the file is unreadable.

    Reads the footer only, so it is cheap whatever the file's size.

    Parameters
    ----------
    path : Path

    Returns
    -------
    int or None
        None for a missing, empty, truncated or non-Parquet file.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.parquet"
    >>> pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    >>> parquet_rows(path)
    2
    >>> _ = path.write_bytes(path.read_bytes()[:-9])  # truncated
    >>> parquet_rows(path) is None
    True
    """
    try:
        return pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return None


class RunStore:
    """Reads and writes the files of one experiment folder.

    Parameters
    ----------
    root : str or Path
        The experiment folder (created when first written).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs = self.root / "runs"

    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / "manifest.json"

    @property
    def orders(self) -> Path:
        """Folder of the runs' order logs (``outputs.orders``)."""
        return self.root / "orders"

    @property
    def plots(self) -> Path:
        """Folder of the plots."""
        return self.root / "plots"

    def finished_keys(self) -> set[str]:
        """Keys of the runs already on disk."""
        return {path.stem for path in (self.runs / "summary").glob("*.parquet")}

    def broken_keys(self, rows: dict[str, int] | None = None) -> list[str]:
        """Keys of finished runs with a file that cannot be read or is incomplete.

        Each of the run's tables (and its order log, if any) must have a readable
        Parquet footer and at least one row; ``rows`` gives exact row counts.

        Parameters
        ----------
        rows : dict, optional
            Table name -> the row count a complete run's file has.

        Returns
        -------
        list of str
            Sorted keys.

        Examples
        --------
        >>> import tempfile
        >>> RunStore(tempfile.mkdtemp()).broken_keys({"summary": 1})
        []
        """
        expected = rows or {}
        broken = []
        for key in sorted(self.finished_keys()):
            counts = {table: parquet_rows(self.runs / table / f"{key}.parquet") for table in TABLES}
            order_log = self.orders / f"{key}.parquet"
            if order_log.exists():
                counts["orders"] = parquet_rows(order_log)
            if any(
                count is None or count < 1 or count != expected.get(table, count)
                for table, count in counts.items()
            ):
                broken.append(key)
        return broken

    def drop_runs(self, keys: Sequence[str]) -> None:
        """Delete the files of the runs ``keys`` (so they run again).

        Parameters
        ----------
        keys : sequence of str
        """
        for key in keys:
            for folder in [*(self.runs / table for table in TABLES), self.orders]:
                (folder / f"{key}.parquet").unlink(missing_ok=True)

    def clear_runs(self) -> None:
        """Delete the per-run files (and order logs) of an earlier experiment in this folder."""
        shutil.rmtree(self.runs, ignore_errors=True)
        shutil.rmtree(self.orders, ignore_errors=True)

    def write_run(self, output: RunOutput) -> None:
        """Write one finished run, its order log first (if any) and its summary last.

        Parameters
        ----------
        output : RunOutput
        """
        if output.orders is not None:
            _write_atomic(check_orders(output.orders), self.orders / f"{output.key}.parquet")
        for table, frame in output.tables().items():
            _write_atomic(frame, self.runs / table / f"{output.key}.parquet")

    def merge_runs(self, keys: Sequence[str]) -> dict[str, pd.DataFrame]:
        """Merge the per-run files of ``keys`` (in that order) into one table each.

        Parameters
        ----------
        keys : sequence of str
            Run keys.

        Returns
        -------
        dict
            Table name -> DataFrame.

        Raises
        ------
        RunError
            If a run's file is missing.
        """
        missing = sorted(set(keys) - self.finished_keys())
        if missing:
            raise RunError(f"{self.runs}: {len(missing)} run(s) missing, e.g. {missing[0]}")
        return {
            table: pd.concat(
                [pd.read_parquet(self.runs / table / f"{key}.parquet") for key in keys],
                ignore_index=True,
            )
            for table in TABLES
        }

    def write_tables(
        self,
        tables: dict[str, pd.DataFrame],
        csv: bool = False,
        config_sha256: str | None = None,
    ) -> None:
        """Write merged tables as ``<name>.parquet`` (and ``<name>.csv``).

        Parameters
        ----------
        tables : dict
            Table name -> DataFrame.
        csv : bool
            Also write CSV.
        config_sha256 : str, optional
            Hash of the config the tables were merged from, stored in each Parquet
            file's metadata (:data:`CONFIG_HASH_KEY`).
        """
        for name, frame in tables.items():
            _write_atomic(frame, self.root / f"{name}.parquet", config_sha256)
            if csv:
                self.write_csv(name, frame)

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """Write ``<name>.csv`` in the folder (to a temporary name, then renamed).

        Parameters
        ----------
        name : str
            The table's name, e.g. ``"comparison"``.
        frame : pandas.DataFrame

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        RunError
            If it cannot be written (see :func:`writing`).

        Examples
        --------
        >>> import tempfile
        >>> RunStore(tempfile.mkdtemp()).write_csv("ranking", pd.DataFrame({"a": [1]})).name
        'ranking.csv'
        """
        path = self.root / f"{name}.csv"
        temporary = path.with_name(f".{path.name}.tmp")
        with writing(path, temporary):
            self.root.mkdir(parents=True, exist_ok=True)
            frame.to_csv(temporary, index=False)
            os.replace(temporary, path)
        return path

    def read_tables(self) -> dict[str, pd.DataFrame]:
        """Read the merged tables.

        Returns
        -------
        dict
            Table name -> DataFrame.

        Raises
        ------
        RunError
            If the folder holds no finished experiment, or its manifest is unfinished
            or does not match the tables (they were merged from another config).
        """
        paths = {name: self.root / f"{name}.parquet" for name in TABLES}
        absent = [str(path) for path in paths.values() if not path.exists()]
        if absent:
            missing = ", ".join(absent)
            raise RunError(f"{self.root}: no finished experiment here (missing {missing})")
        manifest = self.finished_manifest()
        expected = str(manifest.get("config_sha256"))
        for path in paths.values():
            try:
                metadata = pq.read_schema(path).metadata or {}
            except (OSError, pa.ArrowException):
                raise RunError(f"{path}: not a readable Parquet file") from None
            found = metadata.get(CONFIG_HASH_KEY, b"(none recorded)").decode(errors="replace")
            if found != expected:
                raise RunError(
                    f"{path}: merged from another config (hash {found[:12]}) than "
                    f"{self.manifest_path.name} records ({expected[:12]}); run the "
                    "experiment again with --resume to merge its runs"
                )
        return {name: pd.read_parquet(path) for name, path in paths.items()}

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write ``manifest.json`` (to a temporary name, then renamed).

        Parameters
        ----------
        manifest : dict
        """
        text = json.dumps(manifest, indent=2, sort_keys=False, allow_nan=False)
        temporary = self.manifest_path.with_name(f".{self.manifest_path.name}.tmp")
        with writing(self.manifest_path, temporary):
            self.root.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text + "\n", encoding="utf-8")
            os.replace(temporary, self.manifest_path)

    def finished_manifest(self) -> dict[str, Any]:
        """The manifest of the finished experiment in the folder.

        Returns
        -------
        dict

        Raises
        ------
        RunError
            If there is no manifest or the experiment did not finish.

        Examples
        --------
        >>> import tempfile
        >>> RunStore(tempfile.mkdtemp()).finished_manifest()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        experiments.errors.RunError: ...: no finished experiment here (missing manifest.json)
        """
        manifest = self.read_manifest()
        if manifest is None:
            raise RunError(f"{self.root}: no finished experiment here (missing manifest.json)")
        if not manifest.get("finished"):
            raise RunError(
                f"{self.manifest_path}: the experiment there did not finish; run it again "
                "with --resume to complete it"
            )
        return manifest

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if there is none.

        Returns
        -------
        dict or None
        """
        if not self.manifest_path.exists():
            return None
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise RunError(f"{self.manifest_path}: not valid JSON ({err})") from None
