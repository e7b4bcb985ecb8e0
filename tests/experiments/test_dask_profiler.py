"""StopStackSampling stops exactly the sampler's callbacks of a worker."""

from types import SimpleNamespace

from experiments.dask_profiler import StopStackSampling


class _Callback:
    def __init__(self, running: bool) -> None:
        self.running = running

    def is_running(self) -> bool:
        return self.running

    def stop(self) -> None:
        self.running = False


def test_the_sampler_stops_and_the_heartbeat_runs_on():
    callbacks = {
        "profile": _Callback(True),
        "profile-cycle": _Callback(True),
        "heartbeat": _Callback(True),
    }
    stopped = StopStackSampling().setup(SimpleNamespace(periodic_callbacks=callbacks))
    assert stopped == ["profile", "profile-cycle"]
    assert not callbacks["profile"].running and not callbacks["profile-cycle"].running
    assert callbacks["heartbeat"].running


def test_a_worker_without_a_sampler_is_left_alone():
    # distributed.worker.profile.enabled: false leaves no sampler callbacks
    callbacks = {"heartbeat": _Callback(True)}
    assert StopStackSampling().setup(SimpleNamespace(periodic_callbacks=callbacks)) == []
    assert callbacks["heartbeat"].running
