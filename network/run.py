"""Run a network: code-generation target, seeding, progress, mid-run instructions.

brian2 generates and compiles code for every object on first use.  Because the
toolkit keeps every parameter in variables (never as a literal in the code), the
generated code of a network depends only on its structure: a second run with other
parameter values, or the same script run again, reuses the compiled code (Cython's
cache for the runtime target, the same build directory with ``make`` for
``cpp_standalone``).
"""

from __future__ import annotations

import sys
import time
import zlib

import numpy as np

from .errors import ModelValueError

__all__ = ["set_code_target", "collect_and_run", "brian_seed"]

_TARGETS = ("runtime", "cython", "numpy", "cpp_standalone")
_state = {"target": "runtime", "directory": None, "built": False}


def set_code_target(target="runtime", directory=None, cache_dir=None):
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
    """
    import brian2 as b2

    if target not in _TARGETS:
        raise ModelValueError(f"code target {target!r}: choose one of {_TARGETS}.")
    if _state["target"] == "cpp_standalone" or b2.get_device().__class__.__name__ != "RuntimeDevice":
        b2.device.reinit()
        b2.set_device("runtime")
    if target == "cpp_standalone":
        directory = directory or "output/standalone"
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
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
    entropy = [x for k, v in items for x in (zlib.crc32(k.encode()), int(v) & 0xFFFFFFFF)]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint32)[0] >> 1)


class _Progress:
    """A text progress bar on stderr, updated by brian2's ``report`` callback."""

    def __init__(self, total_s, offset_s, width=30):
        self.total, self.offset, self.width = total_s, offset_s, width
        self.t0 = time.perf_counter()

    def __call__(self, elapsed, completed, start, duration):
        done = (self.offset + float(completed) * float(duration)) / self.total
        n = int(round(self.width * min(done, 1.0)))
        wall = time.perf_counter() - self.t0
        sys.stderr.write(f"\r[network] [{'#' * n}{'.' * (self.width - n)}] {100 * done:5.1f}%  {wall:6.1f} s")
        if done >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()


def collect_and_run(NTWK, verbose=False, INTERMEDIATE_INSTRUCTIONS=(), progress=None, report_period=1.0):
    """Gather every object of the network into a ``brian2.Network`` and run it.

    Parameters
    ----------
    NTWK : dict
        From :func:`network.build.populations` (and connections, drives).
    verbose : bool
        Print the target and the timings.
    INTERMEDIATE_INSTRUCTIONS : list of dict
        ``{'time': t_ms, 'function': f}``: the run stops at ``t_ms`` and calls
        ``f(NTWK)`` (e.g. to change a current or a weight), then goes on.  With
        ``cpp_standalone`` the function may only set variables.
    progress : bool, optional
        Show a progress bar (default: ``verbose``).
    report_period : float
        Seconds of wall time between progress updates.

    Returns
    -------
    brian2.Network
        Timings (s) are stored in ``NTWK['TIMING']``: ``build`` (code generation
        and compilation, standalone only), ``run`` (total).
    """
    import brian2 as b2

    progress = verbose if progress is None else progress
    tstop = NTWK["tstop"]
    steps = sorted(INTERMEDIATE_INSTRUCTIONS or (), key=lambda d: d["time"])
    for d in steps:
        if set(d) - {"time", "function"} or not callable(d.get("function")) or not 0 <= d.get("time", -1) <= tstop:
            raise ModelValueError(
                f"intermediate instruction {d!r}: need {{'time': t in [0, tstop] ms, 'function': f(NTWK)}}."
            )
    net = b2.Network(*NTWK["OBJECTS"])
    b2.seed(brian_seed(NTWK))
    standalone = _state["target"] == "cpp_standalone"
    t0 = time.perf_counter()
    t_prev = 0.0
    for d in list(steps) + [{"time": tstop, "function": None}]:
        span = d["time"] - t_prev
        if span > 0:
            report = ("text" if progress else None) if standalone else (
                _Progress(tstop * 1e-3, t_prev * 1e-3) if progress else None)
            net.run(span * b2.ms, report=report, report_period=report_period * b2.second, namespace={})
            t_prev = d["time"]
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
    NTWK["NETWORK"] = net
    if verbose:
        target = _state["target"] if standalone else b2.prefs.codegen.target
        print(f"[network] ran {tstop:g} ms ({target}) in {timing['run']:.2f} s")
    return net
