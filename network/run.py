"""Run a network: code-generation target, seeding, progress, mid-run instructions.

brian2 generates and compiles code for every object on first use.  Because the
toolkit keeps every parameter in variables (never as a literal in the code), the
generated code of a network depends only on its structure: a second run with other
parameter values, or the same script run again, reuses the compiled code (Cython's
cache for the runtime target, the same build directory with ``make`` for
``cpp_standalone``).
"""

from __future__ import annotations

import numbers
import sys
import time
import zlib

import numpy as np

from .errors import ModelValueError, SimulationError

__all__ = ["set_code_target", "collect_and_run", "brian_seed"]

_TARGETS = ("runtime", "cython", "numpy", "cpp_standalone")
_state = {"target": "runtime", "directory": None, "built": False}


def set_code_target(target="runtime", directory=None, cache_dir=None, threads=1):
    """Choose brian2's code-generation target; call it before building a network.

    Parameters
    ----------
    target : {'runtime', 'cython', 'numpy', 'cpp_standalone'}
        ``'runtime'`` lets brian2 pick Cython when a compiler works (it warns and
        uses numpy otherwise); ``'cython'`` insists on Cython; ``'cpp_standalone'``
        generates a C++ program built and run by :func:`collect_and_run`.
    directory : str, optional
        Build directory of ``cpp_standalone`` (default ``output/standalone``); reuse the
        same directory to reuse compiled objects.
    cache_dir : str, optional
        Cython cache directory of the runtime targets (brian2's default otherwise).
    threads : int
        OpenMP threads of the ``cpp_standalone`` program (default 1).  The random
        numbers depend on the thread count: the same seeds give the same spikes for
        the same ``threads``, not across thread counts.
    """
    import brian2 as b2

    if target not in _TARGETS:
        raise ModelValueError(f"code target {target!r}: choose one of {_TARGETS}.")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ModelValueError(f"threads = {threads!r}: give a whole number of OpenMP threads >= 1.")
    if threads > 1 and target != "cpp_standalone":
        raise ModelValueError(f"threads = {threads}: OpenMP threads apply to 'cpp_standalone' only.")
    if _state["target"] == "cpp_standalone" or b2.get_device().__class__.__name__ != "RuntimeDevice":
        b2.device.reinit()
        b2.set_device("runtime")
    if target == "cpp_standalone":
        directory = directory or "output/standalone"
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    else:
        b2.prefs.codegen.target = {"runtime": "auto", "cython": "cython", "numpy": "numpy"}[target]
        if cache_dir is not None:
            b2.prefs.codegen.runtime.cython.cache_dir = str(cache_dir)
    _state.update(target=target, directory=directory, built=False)


def brian_seed(NTWK):
    """One 31-bit seed for brian2's generator, derived from every seed in ``NTWK['SEEDS']``.

    ``SeedSequence`` of the sorted (name, value) pairs: changing any seed changes the
    stream, and the same seeds always give the same stream.
    """
    items = sorted((k, v) for k, v in NTWK["SEEDS"].items() if v is not None)
    entropy = [x for k, v in items for x in (zlib.crc32(k.encode()), int(v))]  # seeds are ints >= 0
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint32)[0] >> 1)


class _Progress:
    """A text progress bar on stderr, updated by brian2's ``report`` callback.

    ``offset_s`` is the simulated time already run (earlier segments between
    intermediate instructions), ``t0`` the wall-clock start of the whole run.
    """

    def __init__(self, total_s, offset_s, t0, width=30):
        self.total, self.offset, self.t0, self.width = total_s, offset_s, t0, width

    def __call__(self, elapsed, completed, start, duration):
        done = (self.offset + float(completed) * float(duration)) / self.total
        n = int(round(self.width * min(done, 1.0)))
        wall = time.perf_counter() - self.t0
        sys.stdout.flush()
        sys.stderr.write(f"\r[network] [{'#' * n}{'.' * (self.width - n)}] {100 * done:5.1f}%  {wall:6.1f} s")
        if done >= 1.0 - 1e-12:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _instructions(INTERMEDIATE_INSTRUCTIONS, tstop, dt):
    """Validated instructions, sorted by time, each time a whole number of steps."""
    if isinstance(INTERMEDIATE_INSTRUCTIONS, dict) or not isinstance(INTERMEDIATE_INSTRUCTIONS, (list, tuple)):
        raise ModelValueError(
            f"INTERMEDIATE_INSTRUCTIONS = {INTERMEDIATE_INSTRUCTIONS!r} must be a list of dicts "
            f"[{{'time': t_ms, 'function': f}}, ...]."
        )
    for d in INTERMEDIATE_INSTRUCTIONS:
        t = d.get("time") if isinstance(d, dict) else None
        ok = (isinstance(d, dict) and set(d) == {"time", "function"} and callable(d["function"])
              and isinstance(t, numbers.Real) and not isinstance(t, bool) and 0 <= t <= tstop)
        if not ok:
            raise ModelValueError(
                f"intermediate instruction {d!r}: need {{'time': t in [0, tstop = {tstop:g}] ms "
                f"(a number), 'function': f(NTWK)}}."
            )
        if abs(t / dt - round(t / dt)) > 1e-6:
            raise ModelValueError(
                f"intermediate instruction at time {t!r} ms: the run can only stop at a time step; "
                f"give a multiple of dt = {dt:g} ms (e.g. {round(t / dt) * dt:g})."
            )
    return sorted(INTERMEDIATE_INSTRUCTIONS, key=lambda d: d["time"])


def collect_and_run(NTWK, verbose=False, INTERMEDIATE_INSTRUCTIONS=(), progress=None, report_period=1.0):
    """Gather every object of the network into a ``brian2.Network`` and run it.

    Parameters
    ----------
    NTWK : dict
        From :func:`network.build.populations` (and connections, drives).
    verbose : bool
        Print the target and the timings.
    INTERMEDIATE_INSTRUCTIONS : list of dict
        ``{'time': t_ms, 'function': f}``: the run stops at ``t_ms`` (a multiple of
        ``dt`` in ``[0, tstop]``) and calls ``f(NTWK)`` (e.g. to change a current or a
        weight), then goes on; at ``t_ms = 0`` before the first step, at ``tstop``
        after the last one (``NTWK['NETWORK'].t`` is the simulated time when it is
        called).  With ``cpp_standalone`` the function may only set variables.
    progress : bool, optional
        Show a progress bar (default: ``verbose`` for the runtime targets, off for
        ``cpp_standalone``, where brian2's report times every object at every step
        and slows the loop by about 10 %).
    report_period : float
        Seconds of wall time between progress updates.

    Returns
    -------
    brian2.Network
        Also stored as ``NTWK['NETWORK']``.  Timings (s) are stored in
        ``NTWK['TIMING']``: ``build`` (code generation and compilation, standalone
        only), ``run`` (total).

    Raises
    ------
    ModelValueError
        A malformed instruction, or an instruction time off the time grid.
    SimulationError
        If the network has already run (brian2 objects run once: build it again),
        or the standalone device has already run another network in this process.
    """
    import brian2 as b2

    standalone = _state["target"] == "cpp_standalone"
    # brian2's standalone progress report times every object at every step
    # (a clock call each), which costs ~10 % of the loop: opt-in there
    progress = (verbose and not standalone) if progress is None else progress
    tstop, dt = NTWK["tstop"], NTWK["dt"]
    steps = _instructions(INTERMEDIATE_INSTRUCTIONS or [], tstop, dt)
    if "NETWORK" in NTWK:
        raise SimulationError(
            "this network has already run (collect_and_run was called on it before): brian2 "
            "objects run once, and its recordings hold that run. Build the network again "
            "(network.build.populations ...) for a new run, or use INTERMEDIATE_INSTRUCTIONS "
            "to change parameters during one run."
        )
    if standalone and _state["built"]:
        raise SimulationError(
            "brian2's cpp_standalone device has already run a network in this process; call "
            "network.set_code_target('cpp_standalone', directory=...) again and rebuild."
        )
    net = b2.Network(*NTWK["OBJECTS"])
    NTWK["NETWORK"] = net
    b2.seed(brian_seed(NTWK))
    if verbose:
        print("[network] " + ("generating the C++ program (compiled and run at the end)" if standalone else
              "preparing code: brian2 compiles it on first use (about a minute), then reuses it"),
              flush=True)
    t0 = time.perf_counter()
    step_prev = 0
    n_total = int(round(tstop / dt))
    for d in list(steps) + [{"time": tstop, "function": None}]:
        step = int(round(d["time"] / dt))
        if step > step_prev:  # a whole number of steps: brian2 would round a fraction up
            report = ("text" if progress else None) if standalone else (
                _Progress(n_total * dt * 1e-3, step_prev * dt * 1e-3, t0) if progress else None)
            net.run((step - step_prev) * dt * b2.ms, report=report,
                    report_period=report_period * b2.second, namespace={})
            step_prev = step
        if d["function"] is not None:
            d["function"](NTWK)
    timing = {}
    if standalone:
        t1 = time.perf_counter()
        b2.device.build(directory=_state["directory"], compile=True, run=True, with_output=bool(verbose))
        timing["build"] = time.perf_counter() - t1
        _state["built"] = True
    timing["run"] = time.perf_counter() - t0
    NTWK["TIMING"] = timing
    if verbose:
        target = _state["target"]
        if target == "runtime":
            target = f"runtime: {b2.prefs.codegen.target}"
        print(f"[network] ran {tstop:g} ms ({target}) in {timing['run']:.2f} s")
    return net
