"""The Dask path against a real cluster: a ``dask scheduler`` and two ``dask worker``
processes started separately on loopback, as on a cluster, not an in-process
``LocalCluster``."""

from collections.abc import Iterator

import pandas as pd
import pytest

from benchmarks.dask_cluster import loopback_cluster
from experiments.cli import main
from experiments.config import ExperimentConfig
from experiments.executors import LocalExecutor
from experiments.runner import run_experiment


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, all on 127.0.0.1."""
    with loopback_cluster(workers=2) as address:
        yield address


def test_a_separately_started_cluster_gives_the_local_processes_summary(
    cluster, tiny, tiny_config, tmp_path
):
    run_experiment(
        ExperimentConfig.model_validate(tiny),
        tmp_path / "local",
        progress=False,
        executor=LocalExecutor(2),
    )
    out = tmp_path / "cluster"
    args = ["run", str(tiny_config), "--out", str(out), "--no-progress", "--scheduler", cluster]
    assert main(args) == 0
    local = pd.read_parquet(tmp_path / "local" / "summary.parquet")
    remote = pd.read_parquet(out / "summary.parquet")
    pd.testing.assert_frame_equal(local, remote)
    assert (tmp_path / "local" / "summary.parquet").read_bytes() == (
        out / "summary.parquet"
    ).read_bytes()


def test_both_cluster_workers_take_runs_with_the_allocator_and_sampler_plugins(
    cluster, tiny, tmp_path
):
    from distributed import Client

    from experiments.executors import DaskExecutor

    with DaskExecutor(scheduler=cluster) as executor:
        run_experiment(
            ExperimentConfig.model_validate(tiny), tmp_path, progress=False, executor=executor
        )
        with Client(cluster) as client:
            # a lambda travels by value (the test module is not importable on workers)
            reports = client.run(
                lambda dask_worker: (
                    dask_worker.state.transition_counter,
                    "shoplab-malloc" in dask_worker.plugins,
                    "shoplab-no-sampling" in dask_worker.plugins,
                    dask_worker.periodic_callbacks["profile"].is_running(),
                )
            )
    assert len(reports) == 2
    for transitions, malloc, no_sampling, sampling in reports.values():
        assert transitions > 0 and malloc and no_sampling and not sampling
