"""Run spike patterns on a fixed set of AMPA+NMDA synapses without rebuilding the model,
in one process or in batches over worker processes.

Batches (:func:`run_batches`)
-----------------------------
A *job* is a callable that runs one item (a site, a spike pattern) on a model
that is built once: between items only values change (spike inputs, weights),
so the compiled code is reused.  ``workers=1`` runs the items one after the
other in this process.  ``workers=N > 1`` runs the first item here (this builds
the brian2 objects and compiles their code once), then *forks* ``N`` worker
processes (``concurrent.futures.ProcessPoolExecutor`` with the ``"fork"``
context) that inherit the built and compiled model and run chunks of the
remaining items; results are put back in item order.

Why fork and not spawn: a spawned worker would have to receive the model by
pickling, and neither brian2's ``Morphology`` nor the MorphIO cell behind a
:class:`morphologies.Discretisation` can be pickled; a forked worker shares the
parent's memory (copy on write), so it needs neither a pickle, nor a rebuild,
nor a compilation (not even a lookup of brian2's on-disk Cython cache).  It is
safe here because every run of a job restarts from the stored initial state
(``Network.restore``) and the values of its item, so a run does not depend on
what ran before it in that process, and because the pool's processes are
started before any helper thread (progress bar) of this call.  Results are
identical (bit for bit) for any number of workers.  Platforms without ``fork``
(Windows) support ``workers=1`` only.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from stimuli.arguments import check_count, to_plain

from ..errors import ParameterError, SimulationError, UnitError, UnsupportedError
from .epsp_map import experiment_copy, progress_bar, synapse_parameters

__all__ = ["PatternRunner", "run_batches", "check_workers"]

_JOBS = {}                 # token -> job, inherited by forked workers
_TOKENS = itertools.count()


def check_workers(workers):
    """Return ``workers`` as an int >= 1 (worker processes), else raise ParameterError."""
    return check_count(workers, "workers", minimum=1, error=ParameterError,
                       unit_error=ParameterError)


def _run_chunk(token, items):
    job = _JOBS[token]
    return [job(item) for item in items]


def run_batches(job, items, *, workers=1, progress=False, desc="runs", chunks_per_worker=4):
    """``[job(item) for item in items]``, the items shared among ``workers`` processes.

    Parameters
    ----------
    job : callable
        Runs one item and returns its (picklable) result; it must give the same
        result for an item whatever ran before it (e.g. each call restarts a
        model from its stored state).
    items : sequence
        Picklable items.
    workers : int
        Worker processes (default 1: everything in this process).  See the
        module docstring.
    progress : bool
        tqdm progress bar over the completed items.
    desc : str
        Label of the bar.
    chunks_per_worker : int
        Items are sent in about ``workers * chunks_per_worker`` chunks (fewer
        messages, a finer progress bar with more).

    Returns
    -------
    list
        The results in item order (identical for any ``workers``).

    Raises
    ------
    ParameterError
        ``workers`` is not an integer >= 1.
    UnsupportedError
        ``workers > 1`` on a platform without the ``fork`` start method.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    workers = check_workers(workers)
    items = list(items)
    results = [None] * len(items)
    if not items:
        return results
    if workers > 1 and len(items) > 1 and "fork" not in multiprocessing.get_all_start_methods():
        raise UnsupportedError(
            f"workers={workers} needs the 'fork' start method of multiprocessing, which this "
            "platform lacks (the built brian2 model cannot be pickled for 'spawn'); use workers=1.")
    if workers > 1 and len(items) > 1 and multiprocessing.current_process().daemon:
        raise UnsupportedError(
            f"workers={workers} cannot start worker processes from inside a daemonic process "
            f"({multiprocessing.current_process().name}, e.g. a multiprocessing.Pool or dask "
            "worker); use workers=1 there.")
    if workers == 1 or len(items) == 1:
        for k, item in enumerate(progress_bar(items, len(items), progress, desc)):
            results[k] = job(item)
        return results
    results[0] = job(items[0])  # builds and compiles once, here, before the fork
    rest = np.arange(1, len(items))
    size = max(1, math.ceil(len(rest) / (workers * chunks_per_worker)))
    chunks = [rest[i:i + size] for i in range(0, len(rest), size)]
    token = next(_TOKENS)
    _JOBS[token] = job
    bar = None
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                                 mp_context=context) as pool:
            futures = {pool.submit(_run_chunk, token, [items[k] for k in chunk]): chunk
                       for chunk in chunks}  # the processes are forked at the first submit
            if progress:
                from tqdm.auto import tqdm

                bar = tqdm(total=len(items), initial=1, desc=desc, leave=False)
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    chunk_results = future.result()
                except BrokenProcessPool as err:
                    raise SimulationError(
                        f"a worker process died while running {desc} ({err}); run with "
                        "workers=1 to see the error in this process.") from None
                for k, result in zip(chunk, chunk_results):
                    results[k] = result
                if bar is not None:
                    bar.update(len(chunk))
    finally:
        _JOBS.pop(token, None)
        if bar is not None:
            bar.close()
    return results


class PatternRunner:
    """AMPA+NMDA synapses at fixed sites of a copy of a cell, driven by spike patterns.

    The brian2 objects are built once; each :meth:`peak` changes only the spike
    inputs and the NMDA weights (values), so the compiled code is reused.
    :meth:`peaks` runs a list of patterns in one process or in batches over
    worker processes (``workers``), each worker using the runner built here.

    Parameters
    ----------
    model : CellModel
        Copied (:meth:`CellModel.copy`), not modified; it must be unbuilt.
    sites : SiteTable or array of int
    weight : float or Quantity
        AMPA peak conductance per synapse, nS.
    nmda_ratio : float
        NMDA / AMPA peak conductance when NMDA is on.
    duration : float
        Window of each run, ms.
    target : str, optional
        brian2 code-generation target.
    **kinetics
        As :func:`~dendrites.experiments.epsp_map`.
    """

    def __init__(self, model, sites, *, weight=1.0, nmda_ratio=1.0, duration=80.0, target=None,
                 **kinetics):
        self.ampa, self.nmda = synapse_parameters("ampa+nmda", weight, nmda_ratio, kinetics)
        self.duration = float(to_plain(duration, "ms", "duration", error=UnitError))
        self.target = target
        self.cell = experiment_copy(model, name="pattern_cell")
        a, n = self.ampa, self.nmda
        self.groups = self.cell.add_synapses(
            "ampa+nmda", sites, name="pattern", weight=a["weight"], nmda_ratio=nmda_ratio,
            ampa_tau_rise=a["tau_rise"], ampa_tau_decay=a["tau_decay"], ampa_E=a["E"],
            nmda_tau_rise=n["tau_rise"], nmda_tau_decay=n["tau_decay"], nmda_E=n["E"],
            nmda_Mg=n["Mg"])
        self.n = len(self.cell.sites(self.groups[0]))
        self.cell.record("v", 0)
        self.rest = float(self.cell.resting_state()["v"][0] * 1e3)
        self._nmda_on = None

    def set_nmda(self, on):
        """Switch NMDA on (weight ``nmda_ratio * weight``) or off (weight 0), no rebuild."""
        if self._nmda_on is not bool(on):
            self.cell.set_synapses(self.groups[1], weight=self.nmda["weight"] if on else 0.0)
            self._nmda_on = bool(on)

    def trace(self, synapses, times, *, nmda=True):
        """Somatic voltage above rest (mV) when ``synapses`` spike at ``times`` (ms)."""
        from stimuli.spikes import SpikeTrains

        synapses = np.asarray(synapses, dtype=np.int64)
        times = np.asarray(times, dtype=float)
        if np.any(times < 0):
            raise ParameterError("spike times must be >= 0 ms.")
        self.set_nmda(nmda)
        self.cell.set_input(self.groups[0], SpikeTrains(synapses, times, self.n, 0.0,
                                                        max(self.duration, times.max(initial=0))))
        res = self.cell.run(self.duration, target=self.target)
        t, v = res.trace("v", [0])
        return t, v[0] - self.rest

    def peak(self, synapses, times, *, nmda=True):
        """Somatic peak above rest (mV)."""
        return float(np.max(self.trace(synapses, times, nmda=nmda)[1]))

    def _peak_of(self, item):
        (synapses, times), nmda = item
        return self.peak(synapses, times, nmda=nmda)

    def _trace_of(self, item):
        (synapses, times), nmda = item
        return self.trace(synapses, times, nmda=nmda)

    def _items(self, patterns, nmda):
        patterns = list(patterns)
        if np.ndim(nmda) and np.shape(nmda) != (len(patterns),):
            raise ParameterError(f"nmda has shape {np.shape(nmda)} for {len(patterns)} patterns; "
                                 "give one bool or one per pattern.")
        flags = np.broadcast_to(np.asarray(nmda, dtype=bool), (len(patterns),))
        return [(p, bool(f)) for p, f in zip(patterns, flags)]

    def traces(self, patterns, *, nmda=True, progress=False, desc="runs", workers=1):
        """Somatic traces ``(t ms, v mV above rest)`` of a list of patterns, as :meth:`trace`.

        Parameters and batches as :meth:`peaks`; returns a list of ``(t, v)``.
        """
        return run_batches(self._trace_of, self._items(patterns, nmda), workers=workers,
                           progress=progress, desc=desc)

    def peaks(self, patterns, *, nmda=True, progress=False, desc="runs", workers=1):
        """Somatic peaks (mV above rest) of a list of ``(synapses, times)`` patterns.

        Parameters
        ----------
        patterns : sequence of (array of int, array of float)
            Synapse ids and their spike times (ms) of each run.
        nmda : bool or sequence of bool
            NMDA on or off, for all patterns or one value per pattern.
        progress : bool
            tqdm progress bar over the completed runs.
        desc : str
            Label of the bar.
        workers : int
            Worker processes (default 1); see :func:`run_batches`.  Each worker
            uses this runner as built here (no rebuild, no recompilation); the
            peaks are identical for any number of workers.

        Returns
        -------
        numpy.ndarray (len(patterns),)
        """
        return np.array(run_batches(self._peak_of, self._items(patterns, nmda), workers=workers,
                                    progress=progress, desc=desc), dtype=float)
