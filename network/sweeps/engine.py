"""Run a sweep on dask.distributed, record each point in the store, resume.

The client submits one task per missing point; each task runs in a worker process
(one thread per worker: brian2 is not thread-safe) and returns a record.  The client
alone writes the store, after every batch of finished points, atomically.
"""

from __future__ import annotations

import datetime
import gc
import inspect
import numbers
import os
import sys
import time
import traceback

import numpy as np

from ..errors import ParameterError, RecordingError
from .space import as_space, point_key, point_seed
from .store import append_records, check_header, new_header, read_store, write_store

__all__ = ["run_sweep", "load_sweep", "sweep_status", "SweepResult", "run_point", "function_name",
           "default_workers"]


def default_workers():
    """Number of cores this process may use (the LocalCluster's default worker count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def function_name(function):
    """``'module:qualname'`` of a point function (its identity in the store).

    An object with a ``sweep_name`` attribute (a wrapper) is named by it.
    """
    if isinstance(getattr(function, "sweep_name", None), str):
        return function.sweep_name
    module = getattr(function, "__module__", None) or "?"
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", None) or repr(function)
    return f"{module}:{name}"


def _takes_seed(function):
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


# ----------------------------------------------------------------------------- worker side
def _storable(value, where):
    """Raise ParameterError naming ``where`` for an output the HDF5 store cannot hold exactly."""
    if hasattr(value, "dim"):
        raise ParameterError(f"output {where} is a brian2 Quantity: return plain numbers (divide by the unit) "
                        f"and say the unit in the output's name or docs")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str) or "/" in k or k in ("", "."):
                raise ParameterError(f"output {where} has the key {k!r}: keys must be str without '/'")
            _storable(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _storable(v, f"{where}[{i}]")
    elif isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            raise ParameterError(f"output {where} is a numpy array of objects: give a numeric or str dtype")
    elif not (value is None or isinstance(value, (bool, numbers.Number, str, bytes, np.generic))):
        raise ParameterError(f"output {where} of type {type(value).__name__} cannot be stored: return dicts, "
                        f"numpy arrays, numbers, str, lists")


def _brian2_state():
    """A snapshot of brian2's device, preferences and default clock, and of the toolkit's
    code target (None if brian2 is not loaded)."""
    b2 = sys.modules.get("brian2")
    if b2 is None:
        return None
    device = b2.get_device()
    run = sys.modules.get(__name__.rsplit(".", 2)[0] + ".run")  # network.run, if loaded
    return {"device": device, "build_on_run": getattr(device, "build_on_run", True),
            "build_options": dict(getattr(device, "build_options", None) or {}),
            "target": run.code_target() if run is not None else None,
            "prefs": dict(b2.prefs), "dt": b2.defaultclock.dt_}


def _restore_brian2(state):
    """Put back what :func:`_brian2_state` recorded: the toolkit's code target, brian2's
    device (a standalone device a point selected is reinitialised, discarding its
    unbuilt program), preferences and default clock."""
    b2 = sys.modules.get("brian2")
    if b2 is None:
        return
    if state is None:  # brian2 was first imported by this point: its defaults are the state
        return
    run = sys.modules.get(__name__.rsplit(".", 2)[0] + ".run")
    if run is not None and state["target"] is not None and run.code_target() != state["target"]:
        run.set_code_target(state["target"])  # the prefs and device are put back below
    if b2.get_device() is not state["device"]:
        from brian2.devices.device import RuntimeDevice, reset_device

        current = b2.get_device()
        if not isinstance(current, RuntimeDevice):
            current.reinit()
        state["device"].build_on_run = state["build_on_run"]
        state["device"].build_options = state["build_options"]
        reset_device(state["device"])
    for key, value in state["prefs"].items():
        if b2.prefs[key] is not value and b2.prefs[key] != value:
            b2.prefs[key] = value
    b2.defaultclock.dt_ = state["dt"]


def _cache_files():
    """Compiled brian2 Cython modules in the cache directory (empty if brian2 is not loaded)."""
    if "brian2" not in sys.modules:
        return set()
    try:
        from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir

        directory = os.path.expanduser(get_cython_cache_dir() or "")
        return {f for f in os.listdir(directory) if f.endswith(".so") or f.endswith(".pyd")}
    except Exception:  # no Cython, no directory yet
        return set()


def _worker_name():
    if "distributed" in sys.modules:  # in a dask worker (never import distributed just for a name)
        try:
            from distributed import get_worker

            return f"{get_worker().address} (pid {os.getpid()})"
        except ValueError:  # not in a worker
            pass
    import socket

    return f"{socket.gethostname()} (pid {os.getpid()})"


def run_point(function, kwargs, collect_garbage=True):
    """Run one point and return its record fields (it never raises).

    This is what a worker executes.  It snapshots brian2's device, preferences and
    default clock, and the toolkit's code target (:func:`network.run.code_target`),
    and restores them after the point, so a point cannot change the next one's
    brian2 state; compiled code stays in brian2's caches and is reused.
    With ``collect_garbage`` it runs the garbage collector after the point (the
    points of ``scheduler='serial'`` skip it: it would scan the user's whole process).

    Returns
    -------
    dict
        ``status`` ('done' or 'failed'), ``outputs``, ``error``, ``traceback``,
        ``run_time`` (s), ``worker``, ``compiled`` (new brian2 Cython modules in the
        cache directory during the point, by any process sharing it), ``finished``.
    """
    state = _brian2_state()
    before = _cache_files()
    t0 = time.perf_counter()
    record = {"status": "done", "outputs": {}, "error": "", "traceback": ""}
    try:
        outputs = function(**kwargs)
        if not isinstance(outputs, dict):
            outputs = {"value": outputs}
        _storable(outputs, "outputs")
        record["outputs"] = outputs
    except BaseException as exc:  # noqa: BLE001 - a point's failure is data, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        hint = ""
        if isinstance(exc, ValueError) and "signal only works in main thread" in str(exc):
            hint = (" (brian2 was first imported in a dask task thread: run the sweep with "
                    "preload_brian2=True, or network.sweeps.worker.prepare_client(client))")
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}{hint}",
                      traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    record["run_time"] = time.perf_counter() - t0
    if collect_garbage:  # the point's brian2 objects (reference cycles) go before the next point
        gc.collect()
    try:
        _restore_brian2(state)
    except Exception:  # pragma: no cover - never let the bookkeeping lose the result
        pass
    record["compiled"] = len(_cache_files() - before)
    record["worker"] = _worker_name()
    record["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return record


# ----------------------------------------------------------------------------- results
class SweepResult:
    """The records of a sweep, in the order of its points, with a summary table.

    Attributes
    ----------
    store : str
        Path of the HDF5 store.
    header : dict
        The store's ``'sweep'`` group (function, fixed parameters, seed, space).
    records : list of dict
        One record per point of the space, in order; a point never run is a record
        with ``status = 'missing'``.  Extra records of the store (points of an earlier,
        larger space) follow, after the space's points.
    shape : tuple or None
        The grid's shape (None for points or random samples).
    """

    def __init__(self, store, header, records, shape=None):
        self.store, self.header, self.records, self.shape = store, header, records, shape

    @property
    def counts(self):
        """``{'done': n, 'failed': n, 'missing': n, 'total': n}``."""
        out = {s: sum(r["status"] == s for r in self.records) for s in ("done", "failed", "missing")}
        out["total"] = len(self.records)
        return out

    @property
    def failed(self):
        """Records of the failed points (with ``error`` and ``traceback``)."""
        return [r for r in self.records if r["status"] == "failed"]

    @property
    def complete(self):
        """True if every point is done."""
        return all(r["status"] == "done" for r in self.records)

    def summary(self):
        """One row per point: parameters, status, seed, run time, worker, scalar outputs, error.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        rows = []
        for r in self.records:
            row = {"index": r["index"], **r["parameters"], "status": r["status"], "seed": r["seed"],
                   "run_time": r.get("run_time", np.nan), "worker": r.get("worker", ""),
                   "attempts": r.get("attempts", 0)}
            for k, v in r.get("outputs", {}).items():
                if isinstance(v, (bool, numbers.Number, str, np.generic)) and k not in row:
                    row[k] = v.item() if isinstance(v, np.generic) else v
            row["error"] = r.get("error", "").splitlines()[-1] if r.get("error") else ""
            rows.append(row)
        return pd.DataFrame(rows).set_index("index") if rows else pd.DataFrame()

    def output(self, name):
        """One output of every point as an array: the grid's shape, NaN where not done.

        Parameters
        ----------
        name : str
            Output name (a number per point, or arrays of one shape).

        Returns
        -------
        numpy.ndarray
            Shape ``grid shape + output shape`` for a grid, ``(n_points,) + output shape``
            otherwise.

        Raises
        ------
        ModelKeyError
            No done point has this output.
        """
        from ..errors import ModelKeyError

        n = len(self.records) if self.shape is None else int(np.prod(self.shape))
        done = [r for r in self.records[:n] if r["status"] == "done" and name in r["outputs"]]
        if not done:
            names = sorted({k for r in self.records for k in r.get("outputs", {})})
            raise ModelKeyError(f"no done point has the output {name!r} (outputs: {names}).")
        example = np.asarray(done[0]["outputs"][name], dtype=float)
        out = np.full((n,) + example.shape, np.nan)
        for i, r in enumerate(self.records[:n]):
            if r["status"] == "done" and name in r["outputs"]:
                out[i] = np.asarray(r["outputs"][name], dtype=float)
        return out.reshape(self.shape + example.shape) if self.shape is not None else out

    def __repr__(self):
        c = self.counts
        return (f"<SweepResult {self.store}: {c['done']} done, {c['failed']} failed, {c['missing']} missing "
                f"of {c['total']}>")


def _ordered_records(space_points, seed, stored):
    """Records in the order of ``space_points`` (missing ones as placeholders), then the others."""
    records, seen = [], set()
    for index, p in enumerate(space_points):
        key = point_key(p)
        seen.add(key)
        r = stored.get(key)
        if r is None:
            r = {"index": index, "key": key, "parameters": dict(p), "seed": point_seed(p, seed),
                 "status": "missing", "outputs": {}, "error": "", "traceback": "", "attempts": 0}
        else:
            r = dict(r, index=index)
        records.append(r)
    extra = sorted((r for k, r in stored.items() if k not in seen), key=lambda r: r["index"])
    for j, r in enumerate(extra):
        records.append(dict(r, index=len(space_points) + j))
    return records


def _space_from_header(header):
    """The space a store was last run with (grid axes are stored; other kinds are its records)."""
    space = header.get("space", {})
    if space.get("kind") == "grid":
        return as_space({k: space["axes"][k] for k in space["names"]})
    return None


def load_sweep(store):
    """The results of a sweep from its store (no computation).

    Parameters
    ----------
    store : str or path

    Returns
    -------
    SweepResult

    Raises
    ------
    RecordingError
        The file does not exist or is not a sweep store.
    """
    header, stored = read_store(store)
    if header is None:
        raise RecordingError(f"cannot read {os.path.abspath(os.fspath(store))}: no such sweep store.")
    space = _space_from_header(header)
    if space is not None:
        records = _ordered_records(space.points, header["seed"], stored)
        return SweepResult(os.fspath(store), header, records, space.shape)
    records = sorted(stored.values(), key=lambda r: r["index"])
    return SweepResult(os.fspath(store), header, records)


def sweep_status(store):
    """How far a sweep got: counts of done / failed / missing points and the failures.

    Returns
    -------
    dict
        ``{'store', 'function', 'done', 'failed', 'missing', 'total', 'failures': [(index,
        parameters, error), ...], 'run_time': total seconds of the done points}``.
    """
    result = load_sweep(store)
    c = result.counts
    return {"store": os.path.abspath(os.fspath(store)), "function": result.header["function"], **c,
            "failures": [(r["index"], r["parameters"], r["error"]) for r in result.failed],
            "run_time": float(sum(r.get("run_time", 0.0) for r in result.records if r["status"] == "done"))}


# ----------------------------------------------------------------------------- the client
def _connect(scheduler, client, workers, quiet):
    """(client, cluster we own or None): an existing client, an address, or a new LocalCluster."""
    from distributed import Client, LocalCluster

    if client is not None:
        return client, None, False
    if scheduler is not None:
        try:
            return Client(scheduler, timeout="20s"), None, True
        except (OSError, TimeoutError) as exc:
            raise ParameterError(
                f"cannot reach the dask scheduler at {scheduler!r} ({exc}); give its address "
                f"'tcp://host:port' as printed by `dask scheduler` or dask-jobqueue.") from None
    from stimuli.arguments import check_count

    n = default_workers() if workers is None else check_count(workers, "workers", minimum=1,
                                                             error=ParameterError)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=40)
    return Client(cluster), cluster, True


def _dashboard(client):
    try:
        link = client.dashboard_link
    except Exception:
        link = None
    info = client.scheduler_info() if hasattr(client, "scheduler_info") else {}
    if link and "dashboard" in info.get("services", {}):
        import importlib.util

        if importlib.util.find_spec("bokeh") is None:  # the page then only says bokeh is missing
            return f"{link} (its plots need bokeh: pip install bokeh)"
        return link
    return None


def _progress_bar(total, initial, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc="sweep", unit="point", dynamic_ncols=True)


def run_sweep(function, space, store, *, fixed=None, seed=0, scheduler=None, client=None, workers=None,
              retry_failed=False, progress=True, preload_brian2=True):
    """Run ``function`` at every point of ``space`` on dask.distributed; record, resume.

    Parameters
    ----------
    function : callable
        ``function(**fixed, **point, seed=...)`` returns a dict of outputs (numbers,
        arrays, str, nested dicts) or one value (stored as ``{'value': value}``).  It is
        called with ``seed`` (the point's seed) if it takes a ``seed`` argument (or
        ``**kwargs``) and ``seed`` is not a parameter.  It must be importable or
        picklable (cloudpickle) and is run in worker processes.
    space : dict, list of dict, or a space
        A grid ``{name: [values]}`` (:func:`~network.sweeps.grid`), a list of points
        (:func:`~network.sweeps.points`) or :func:`~network.sweeps.random_samples`.
        Values are plain int, float, bool or str.
    store : str or path
        The HDF5 store (created, or resumed if it exists).
    fixed : dict, optional
        Keyword arguments passed to every point (stored in the store's header).
    seed : int
        Base seed: a point's seed is :func:`~network.sweeps.point_seed` of its
        parameters and this seed, the same whatever the worker count or order.
    scheduler : str, optional
        Address of a running dask scheduler (``'tcp://host:8786'``, e.g. from
        dask-jobqueue), or ``'serial'`` to run the points one by one in this process
        (debugging).  Default: a LocalCluster with ``workers`` processes.
    client : distributed.Client, optional
        An existing client (its cluster is left running).
    workers : int, optional
        Worker processes of the LocalCluster (default: the cores this process may use).
    retry_failed : bool
        Run again the points recorded as failed (default: keep and report them).
    progress : bool
        Progress bar (terminal or notebook) and the dashboard address.
    preload_brian2 : bool
        Import brian2 in every worker's main thread when it starts (dask runs tasks
        in a thread, where brian2's import fails).  Needed when the points use
        brian2; False saves a few seconds per worker for plain python points.

    Returns
    -------
    SweepResult
        Its :meth:`~SweepResult.summary` is a pandas DataFrame, one row per point.

    Raises
    ------
    ParameterError
        A bad space, a store holding another sweep (other function, fixed
        parameters or seed), a ``fixed`` name that is also swept, an unreachable
        scheduler.
    RecordingError
        The store cannot be read or written.

    Notes
    -----
    The client appends every batch of points that finished together to the store
    (atomically: a copy of the file, the new records, a rename), and rewrites it
    in point order at the end, so a sweep killed at any moment keeps every point
    already recorded;
    running it again runs only the missing points (and the failed ones with
    ``retry_failed``).  A point that raises is recorded with ``status='failed'``,
    its error and traceback; a worker that dies is recorded the same way.
    """
    from stimuli.arguments import check_seed

    space = as_space(space)
    seed = check_seed(seed, "seed", error=ParameterError)
    fixed = {} if fixed is None else dict(fixed)
    for k in fixed:
        if not isinstance(k, str):
            raise ParameterError(f"fixed parameter name {k!r}: give str names.")
    both = sorted(set(fixed) & set(space.names))
    if both:
        raise ParameterError(f"{both} are both fixed and swept: remove them from fixed= or from the space.")
    if not callable(function):
        raise ParameterError(f"function = {function!r} is not callable: give the point function.")
    if scheduler == "serial" and (client is not None or workers is not None):
        raise ParameterError("scheduler='serial' runs in this process: do not give client= or workers=.")
    if client is not None and (scheduler is not None or workers is not None):
        raise ParameterError("client= is given: do not also give scheduler= or workers=.")
    if scheduler is not None and workers is not None:
        raise ParameterError(
            f"workers = {workers!r} only sizes the LocalCluster; with scheduler = {scheduler!r} the "
            f"cluster's own workers run the points (start more workers there).")
    if scheduler is not None and not isinstance(scheduler, str):
        raise ParameterError(f"scheduler = {scheduler!r}: give an address 'tcp://host:port' or 'serial'.")
    name = function_name(function)
    store = os.fspath(store)
    header, stored = read_store(store)
    if header is not None:
        check_header(store, header, name, fixed, seed)
        header = dict(header, space=space.describe(), names=list(space.names))
    else:
        header = new_header(name, fixed, seed, space)
    records = _ordered_records(space.points, seed, stored)
    todo = [r for r in records[:len(space)] if r["status"] == "missing"
            or (retry_failed and r["status"] == "failed")]
    n_failed_kept = sum(r["status"] == "failed" for r in records) if not retry_failed else 0
    by_key = {r["key"]: r for r in records}
    if stored:  # resume: only the header changes (the space, the time)
        append_records(store, header, {})
    else:
        write_store(store, header, {})
    pass_seed = _takes_seed(function)

    def kwargs_of(r):
        kw = dict(fixed, **r["parameters"])
        if pass_seed and "seed" not in kw:
            kw["seed"] = r["seed"]
        return kw

    def accept(r, result):
        r.update(result, attempts=int(r.get("attempts", 0)) + 1)

    bar = None
    if progress and n_failed_kept:
        print(f"[sweep] {n_failed_kept} failed point(s) kept from an earlier run (retry_failed=True or "
              f"--retry-failed runs them again)", file=sys.stderr)
    appended = []

    def flush(batch):
        append_records(store, header, {r["key"]: r for r in batch})
        appended.extend(batch)

    try:
        if todo and scheduler == "serial":
            bar = _progress_bar(len(space), len(space) - len(todo), progress)
            for r in todo:
                accept(r, run_point(function, kwargs_of(r), collect_garbage=False))
                flush([r])
                if bar is not None:
                    bar.update(1)
        elif todo:
            _run_distributed(function, todo, kwargs_of, accept, scheduler, client, workers, progress,
                             lambda: _progress_bar(len(space), len(space) - len(todo), progress), flush,
                             preload_brian2)
    finally:
        if bar is not None:
            bar.close()
        if appended:  # once, at the end (also after an error or Ctrl-C): the records in point order
            write_store(store, header, {k: v for k, v in by_key.items() if v["status"] != "missing"})
    result = SweepResult(store, header, records, space.shape)
    if progress:
        c = result.counts
        print(f"[sweep] {store}: {c['done']} done, {c['failed']} failed, {c['missing']} missing of {c['total']}",
              file=sys.stderr)
    return result


def _run_distributed(function, todo, kwargs_of, accept, scheduler, client, workers, progress, new_bar, flush,
                     preload_brian2):
    """Submit the points to the cluster and record them batch by batch."""
    from distributed import as_completed

    client, cluster, own = _connect(scheduler, client, workers, not progress)
    futures, bar = {}, None
    try:
        if preload_brian2:
            from .worker import prepare_client

            prepare_client(client)
        if progress:
            link = _dashboard(client)
            print(f"[sweep] dask dashboard: {link}" if link else
                  "[sweep] dask dashboard: not available (install bokeh to watch the workers)", file=sys.stderr)
        bar = new_bar()
        for r in todo:
            fut = client.submit(run_point, function, kwargs_of(r), pure=False, priority=-r["index"],
                                key=f"sweep-point-{r['index']}-{r['key']}-{time.time_ns()}")
            futures[fut] = r
        for batch in as_completed(futures).batches():
            finished = []
            for fut in batch:
                r = futures[fut]
                try:
                    result = fut.result()
                except Exception as exc:  # the worker died (KilledWorker), or the task was lost
                    result = {"status": "failed", "outputs": {}, "error": f"{type(exc).__name__}: {exc}",
                              "traceback": "".join(traceback.format_exception(type(exc), exc,
                                                                              exc.__traceback__)),
                              "run_time": np.nan, "worker": "", "compiled": 0, "finished": ""}
                accept(r, result)
                finished.append(r)
            flush(finished)
            if bar is not None:
                bar.update(len(batch))
    finally:
        for fut in futures:
            if not fut.done():
                fut.cancel()
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
        if bar is not None:
            bar.close()
