"""A Dask worker's statistical profiler, stopped while it runs the model.

Every Dask worker samples the stacks of its running tasks every 10 ms
(``distributed.worker.profile.interval``) for the dashboard's Profile page: its event
loop takes the GIL, reads every thread's frames and merges them into a call tree. For
a study's runs, which are long numpy loops, that costs time the run then waits for.
Measured here on one worker of a separately started loopback cluster, over four
20,000-shopper years: the worker's main thread used 3.8% of the task thread's processor
time with the sampler running and 1.4% without it. :class:`StopStackSampling`, a
worker plugin, stops the sampler (and its cycling) on every worker of the cluster a
study uses, however the workers were started; the dashboard's other pages are
unaffected. Setting ``distributed.worker.profile.enabled: false`` where the workers
start does the same from the start.

Examples
--------
>>> StopStackSampling().setup(worker=None)  # not a worker: nothing to stop
[]
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

#: The worker's periodic callbacks that run the sampler (``distributed.Worker``).
SAMPLER_CALLBACKS = ("profile", "profile-cycle")


class StopStackSampling(WorkerPlugin):
    """A Dask worker plugin: the worker stops sampling its tasks' stacks.

    Registered by :class:`experiments.executors.DaskExecutor` on the cluster it uses,
    next to :class:`experiments.malloc.MallocThresholds`.

    Examples
    --------
    >>> StopStackSampling().setup(worker=None)
    []
    """

    def setup(self, worker: Any) -> list[str]:
        """Stop the sampler's periodic callbacks; returns the names of those stopped.

        Parameters
        ----------
        worker : distributed.Worker or None
            The worker (anything without ``periodic_callbacks`` is left alone).

        Returns
        -------
        list of str
            The callbacks that were running and are now stopped.
        """
        callbacks = getattr(worker, "periodic_callbacks", {})
        stopped = []
        for name in SAMPLER_CALLBACKS:
            callback = callbacks.get(name)
            if callback is not None and callback.is_running():
                callback.stop()
                stopped.append(name)
        return stopped
