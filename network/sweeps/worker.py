"""What the dask workers of a sweep need: brian2 imported in their main thread.

Kept apart from :mod:`network.sweeps.engine` because it imports ``distributed``
at module level (a worker plugin is a subclass of its ``WorkerPlugin``).
"""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["Brian2Preload", "prepare_client"]


class Brian2Preload(WorkerPlugin):
    """Import brian2 in the worker's main thread when the worker starts (and ``gc.freeze()``).

    Dask runs tasks in a thread, and importing brian2 installs a signal handler,
    which only the main thread may do: a point importing brian2 first would fail
    with ``ValueError: signal only works in main thread``.
    """

    name = "network.sweeps.brian2-preload"
    idempotent = True

    def setup(self, worker=None):
        import gc

        try:
            import brian2  # noqa: F401

            import network.analysis  # noqa: F401 - what a network point uses, loaded once
            import network.recording  # noqa: F401
        except ImportError:  # a cluster without brian2 still runs plain point functions
            pass
        # the modules loaded so far live as long as the worker: keep them out of the
        # garbage collector's scans, so the collection after each point takes ms, not 0.4 s
        gc.freeze()


def prepare_client(client):
    """Register :class:`Brian2Preload` on a client's workers (also the ones that join later)."""
    client.register_plugin(Brian2Preload(), name=Brian2Preload.name)
