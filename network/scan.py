"""The original project's ``ntwk.scan.run`` / ``ntwk.scan.get``, on :mod:`network.sweeps`.

::

    import network as ntwk

    def running_sim_func(Model, a=0):
        ...                                   # simulate with Model, then either
        ntwk.recording.write_as_hdf5(NTWK, filename=Model['filename'])   # (original style)
        # or: return {'rate': ...}            # (outputs stored directly)

    Model['zip_filename'] = 'data/scan.zip'   # the store becomes data/scan.h5
    ntwk.scan.run(Model, ['Exc_b', 'SEED'], [[0., 20., 40.], [1, 2]], running_sim_func,
                  running_sim_func_args={'a': 1})
    Model, PARAMS_SCAN, DATA = ntwk.scan.get(Model)

Differences from the original, all in the direction of keeping results: the points
run on dask.distributed (:func:`network.sweeps.run_sweep`), the results of every
point go into ONE HDF5 store (the file a point writes at ``Model['filename']`` is
read into the store and removed), and running the same scan again always resumes
(``fix_missing_only`` is accepted and ignored: finished points are never run
again, failed ones are retried with ``retry_failed=True``).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from .errors import ModelKeyError, ParameterError
from .sweeps.engine import function_name, load_sweep, run_sweep
from .sweeps.space import Grid

__all__ = ["run", "get", "store_path", "ScanPoint"]


def store_path(Model, filename=None):
    """The store of a scan: ``filename``, ``Model['store']``, or ``Model['zip_filename']`` as ``.h5``.

    Raises
    ------
    ModelKeyError
        None of them is given.
    """
    if filename is not None:
        path = os.fspath(filename)
    elif "store" in Model:
        path = os.fspath(Model["store"])
    elif "zip_filename" in Model:
        path = os.fspath(Model["zip_filename"])
    else:
        raise ModelKeyError(
            "the scan's store is not named: give Model['zip_filename'] (the original key, e.g. "
            "'data/scan.zip' -> data/scan.h5), Model['store'] = 'scan.h5', or store='scan.h5'."
        )
    root, ext = os.path.splitext(path)
    return root + ".h5" if ext in (".zip", "") else path


_BOOKKEEPING = ("zip_filename", "store", "filename", "PARAMS_SCAN", "data_folder")


class ScanPoint:
    """A point of an original-style scan: ``running_sim_func(Model, **args)`` for one point.

    Called with the point's values (and its seed), it runs ``function`` on a copy of
    the Model updated with them, with ``Model['filename']`` a fresh temporary file
    and ``Model['_point_seed']`` the point's seed.  Its outputs are what the function
    returns (a dict), or else the content of the file it wrote at ``Model['filename']``.
    """

    def __init__(self, Model, function, args):
        self.Model, self.function, self.args = dict(Model), function, dict(args)
        self.sweep_name = function_name(function)

    def __call__(self, seed=None, **values):
        from .hdf5 import load_dict_from_hdf5

        folder = tempfile.mkdtemp(prefix="nnd-scan-")
        try:
            M = dict(self.Model, **values)
            M["filename"] = os.path.join(folder, "point.h5")
            if seed is not None:
                M["_point_seed"] = int(seed)
            out = self.function(M, **self.args)
            if out is None and os.path.exists(M["filename"]):
                return load_dict_from_hdf5(M["filename"])
            return {} if out is None else out
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def run(Model, KEYS, VALUES, running_sim_func, running_sim_func_args=None, fix_missing_only=False,
        parallelize=True, Nmax_simultaneous_processes=None, scan_seed=10, store=None, scheduler=None,
        retry_failed=False, progress=True, preload_brian2=True):
    """Run ``running_sim_func(Model, **running_sim_func_args)`` over the grid ``KEYS x VALUES``.

    Parameters
    ----------
    Model : dict
        The base Model (seed units); each point is a copy with ``KEYS`` set to the
        point's values.  ``Model['zip_filename']`` (or ``'store'``) names the store.
    KEYS : list of str
        Model keys to scan (the first varies slowest).
    VALUES : list of sequences
        The values of each key.
    running_sim_func : callable
        ``f(Model, **running_sim_func_args)``; returns a dict of outputs, or writes an
        HDF5 file at ``Model['filename']`` (the original convention).
    running_sim_func_args : dict, optional
    fix_missing_only : bool
        Accepted for compatibility; the scan always resumes (finished points are kept).
    parallelize : bool
        False runs the points one by one in this process.
    Nmax_simultaneous_processes : int, optional
        Worker processes of the LocalCluster (default: the machine's cores).
    scan_seed : int
        Base seed of the points' seeds (``Model['_point_seed']``); the Model's own
        ``SEED`` is left as it is unless it is one of ``KEYS``.
    store : str, optional
        The store (default from ``Model``, see :func:`store_path`).
    scheduler : str, optional
        A dask scheduler address (see :func:`network.sweeps.run_sweep`).
    retry_failed, progress, preload_brian2 : bool
        See :func:`network.sweeps.run_sweep`.

    Returns
    -------
    network.sweeps.SweepResult
    """
    del fix_missing_only  # always resume: never recompute nor drop a finished point
    if isinstance(KEYS, str) or len(KEYS) != len(VALUES):
        raise ParameterError(
            f"KEYS = {KEYS!r} and VALUES (length {len(VALUES)}) must be lists of the same length: one list "
            f"of values per key."
        )
    path = store_path(Model, store)
    base = {k: v for k, v in Model.items() if k not in _BOOKKEEPING and k not in KEYS}
    point = ScanPoint(base, running_sim_func, running_sim_func_args or {})
    space = Grid(dict(zip(KEYS, [list(np.asarray(v).tolist()) if isinstance(v, np.ndarray) else list(v)
                                 for v in VALUES])))
    fixed = {"Model": base, "running_sim_func_args": dict(running_sim_func_args or {})}
    return run_sweep(_FixedCall(point), space, path, fixed=fixed, seed=scan_seed,
                     scheduler=scheduler if parallelize else "serial",
                     workers=Nmax_simultaneous_processes if parallelize and scheduler is None else None,
                     retry_failed=retry_failed, progress=progress, preload_brian2=preload_brian2)


class _FixedCall:
    """``run_sweep`` passes the fixed parameters as keywords; the ScanPoint holds them already."""

    def __init__(self, point):
        self.point, self.sweep_name = point, point.sweep_name

    def __call__(self, Model=None, running_sim_func_args=None, seed=None, **values):
        return self.point(seed=seed, **values)


def get(Model, filename=None, filenames_only=False, verbose=True):
    """Read a scan back: ``Model, PARAMS_SCAN, DATA`` as the original ``ntwk.scan.get``.

    Parameters
    ----------
    Model : dict
        Names the store (``'zip_filename'`` or ``'store'``), unless ``filename`` is given.
    filename : str, optional
        The store (a ``.zip`` name is read as the ``.h5`` store beside it).
    filenames_only : bool
        Return ``DATA = None`` (parameters only).
    verbose : bool
        Print one line per point.

    Returns
    -------
    Model : dict
        The scan's base Model, with ``'PARAMS_SCAN'``.
    PARAMS_SCAN : dict
        ``{key: numpy array of the value at each point}`` in grid order, and
        ``'STATUS'`` (``'done'``, ``'failed'``, ``'missing'``).
    DATA : list of dict or None
        The outputs of each point in grid order (None for a point not done).
    """
    result = load_sweep(store_path(Model, filename))
    fixed = result.header.get("fixed", {})
    base = dict(fixed.get("Model", {}))
    names = result.header.get("names", [])
    PARAMS_SCAN = {k: np.array([r["parameters"][k] for r in result.records]) for k in names}
    PARAMS_SCAN["STATUS"] = np.array([r["status"] for r in result.records])
    base["PARAMS_SCAN"] = PARAMS_SCAN
    if filenames_only:
        return base, PARAMS_SCAN, None
    DATA = []
    for r in result.records:
        if verbose:
            print(f"- point {r['index']}: {r['parameters']} ({r['status']})")
        DATA.append(r["outputs"] if r["status"] == "done" else None)
    return base, PARAMS_SCAN, DATA
