"""Sweeps described in a YAML (or JSON) file: what ``nnd sweep SPEC.yaml`` runs.

::

    # sweep of the reduced RS-FS network over the drive and the adaptation b
    model: rs-fs-small            # a bundled network ('rs-fs', 'rs-fs-small'), a model file
                                  # (path relative to this file) or an inline mapping
    # function: mypackage.points:simulate   # or any importable point function instead
    fixed:                        # passed to every point (model: Model keys or dotted options)
      tstop: 300.
    grid:                         # or points: [{...}, ...]
      drive.rate: [2., 4., 6.]    #   or random: {n: 8, seed: 1, ranges: {Exc_b: {low: 0., high: 60.}}}
      Exc_b: [0., 20., 40.]
    seed: 0                       # base seed of the points' seeds
    per_point_seeds: true         # model: derive every network seed from the point's seed
    traces: false                 # model: also store the population rates over time
    target: runtime               # model: brian2 target (runtime, cython, numpy)
    store: rs-fs-sweep.h5         # default: this file's name with .h5, beside it
    workers: 2                    # LocalCluster size (default: the machine's cores)
    scheduler: tcp://host:8786    # or a running dask scheduler (default: a LocalCluster)
    retry_failed: false

The point function of ``function:`` is called with the fixed and swept parameters as
keywords (and ``seed`` if it takes one) and returns a dict of outputs.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field

from ..errors import ModelKeyError, ParameterError
from .space import Grid, Points, RandomSamples

__all__ = ["SweepSpec", "read_sweep_spec", "SPEC_KEYS"]

SPEC_KEYS = ("model", "function", "fixed", "grid", "points", "random", "seed", "per_point_seeds", "traces",
             "target", "store", "workers", "scheduler", "retry_failed")
"""The keys of a sweep file."""


@dataclass
class SweepSpec:
    """A sweep read from a file: the arguments of :func:`network.sweeps.run_sweep`."""

    function: object
    space: object
    store: str
    fixed: dict = field(default_factory=dict)
    seed: int = 0
    workers: int | None = None
    scheduler: str | None = None
    retry_failed: bool = False

    def run(self, progress=True, **overrides):
        """Run the sweep (keyword arguments override the file's, e.g. ``workers=2``)."""
        from .engine import run_sweep

        scheduler = overrides.get("scheduler") or self.scheduler
        workers = overrides.get("workers")
        if workers is None and overrides.get("scheduler") is None:
            workers = self.workers  # a scheduler given now replaces the file's LocalCluster size
        retry = overrides.get("retry_failed") or self.retry_failed
        return run_sweep(self.function, self.space, overrides.get("store") or self.store, fixed=self.fixed,
                         seed=self.seed, workers=workers, scheduler=scheduler, retry_failed=retry,
                         progress=progress)


def _import_function(text, where, folder):
    if not isinstance(text, str) or ":" not in text:
        raise ParameterError(f"{where}: function = {text!r}: give 'package.module:function'.")
    module_name, _, attr = text.partition(":")
    if folder not in sys.path:  # a module beside the spec (LocalCluster workers inherit sys.path)
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelKeyError(f"{where}: function = {text!r}: cannot import {module_name!r} ({exc}).") from None
    function = module
    for part in attr.split("."):
        function = getattr(function, part, None)
    if not callable(function):
        raise ModelKeyError(f"{where}: function = {text!r}: {module_name!r} has no function {attr!r}.")
    return function


def _space(data, where):
    given = [k for k in ("grid", "points", "random") if k in data]
    if len(given) != 1:
        raise ParameterError(f"{where}: give exactly one of grid:, points: or random: (got {given or 'none'}).")
    kind = given[0]
    try:
        if kind == "grid":
            return Grid(data["grid"])
        if kind == "points":
            return Points(data["points"])
        spec = data["random"]
        if not isinstance(spec, dict) or set(spec) - {"n", "seed", "ranges"} or not {"n", "ranges"} <= set(spec):
            raise ParameterError("random: give {n: count, seed: int, ranges: {name: {low, high[, log]} or [choices]}}.")
        return RandomSamples(spec["ranges"], spec["n"], spec.get("seed", 0))
    except (ParameterError, ModelKeyError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


def read_sweep_spec(path):
    """Read a sweep file (``.yaml``, ``.yml`` or ``.json``) into a :class:`SweepSpec`.

    Raises
    ------
    RecordingError
        Missing or unreadable file.
    ModelFileError
        Malformed file (with the line).
    ModelKeyError
        An unknown key, an unknown bundled network or point function, a swept name
        that is not a key of the model.
    ParameterError
        Another extension, both or neither of ``model:`` / ``function:``, not exactly
        one space, bad values.
    """
    from .simulation import bundled_model, check_names, network_point, read_model_file

    path = os.fspath(path)
    if not path.lower().endswith((".yaml", ".yml", ".json")):
        raise ParameterError(f"{path}: give a .yaml, .yml or .json sweep file.")
    data = read_model_file(path)
    where = os.path.basename(path)
    unknown = sorted(set(data) - set(SPEC_KEYS))
    if unknown:
        import difflib

        hints = {k: difflib.get_close_matches(k, SPEC_KEYS, n=1) for k in unknown}
        hint = "; ".join(f"{k!r} (did you mean {h[0]!r}?)" if h else repr(k) for k, h in hints.items())
        raise ModelKeyError(f"{where}: unknown key(s) {hint}; the keys are {', '.join(SPEC_KEYS)}.")
    folder = os.path.dirname(os.path.abspath(path))
    if ("model" in data) == ("function" in data):
        raise ParameterError(f"{where}: give either model: (a network) or function: (a point function).")
    space = _space(data, where)
    fixed = data.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise ParameterError(f"{where}: fixed = {fixed!r}: give a mapping {{name: value}}.")
    if "model" in data:
        model = data["model"]
        if isinstance(model, str) and model in ("rs-fs", "rs-fs-small"):
            model = {"extends": model}
        elif isinstance(model, str):
            model = read_model_file(model if os.path.isabs(model) else os.path.join(folder, model))
        elif not isinstance(model, dict):
            raise ParameterError(f"{where}: model = {model!r}: give 'rs-fs', 'rs-fs-small', a model file or a mapping.")
        if "extends" in model:
            bundled_model(model["extends"])  # a readable error for an unknown name
        for flag in ("per_point_seeds", "traces"):
            if not isinstance(data.get(flag, True), bool):
                raise ParameterError(f"{where}: {flag} = {data[flag]!r}: give true or false.")
        check_names(model, list(space.names), fixed=fixed)
        function = network_point
        target = data.get("target")
        if target not in (None, "runtime", "cython", "numpy"):
            raise ParameterError(f"{where}: target = {target!r}: choose runtime, cython or numpy.")
        fixed = dict(fixed, model=model, per_point_seeds=data.get("per_point_seeds", True),
                     traces=data.get("traces", False))
        if target is not None:
            fixed["code_target"] = target
    else:
        for flag in ("per_point_seeds", "traces", "target"):
            if flag in data:
                raise ParameterError(f"{where}: {flag}: applies to model: sweeps only.")
        function = _import_function(data["function"], where, folder)
    store = data.get("store") or os.path.splitext(os.path.basename(path))[0] + ".h5"
    if not isinstance(store, str):
        raise ParameterError(f"{where}: store = {store!r}: give a file name.")
    store = store if os.path.isabs(store) else os.path.join(folder, store)
    seed = data.get("seed", 0)
    workers = data.get("workers")
    retry = data.get("retry_failed", False)
    if not isinstance(retry, bool):
        raise ParameterError(f"{where}: retry_failed = {retry!r}: give true or false.")
    scheduler = data.get("scheduler")
    if scheduler is not None and not isinstance(scheduler, str):
        raise ParameterError(f"{where}: scheduler = {scheduler!r}: give an address 'tcp://host:port'.")
    return SweepSpec(function=function, space=space, store=store, fixed=fixed, seed=seed, workers=workers,
                     scheduler=scheduler, retry_failed=retry)
