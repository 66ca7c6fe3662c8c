"""Run a network: code-generation target, seeding, progress, mid-run instructions, running on.

Each network runs on its own clock in its own ``brian2.Network``
(:class:`network.Network`), so networks built in one process with different
``dt`` run in any order with the results each would give alone.  brian2's random
generator is global: it is seeded from the network's seeds at its first run, and
its state is saved at the end of every run of the network and restored before
:func:`run_on`, so another network run in between changes nothing.

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
import threading
import time
import zlib

import numpy as np

from .core import as_network, brian2, n_steps, plain
from .errors import ModelValueError, SimulationError

__all__ = ["set_code_target", "collect_and_run", "run_on", "brian_seed", "code_target", "current_code_target",
           "save_random_state", "restore_random_state", "cache_directory",
           "compiler_available"]

_TARGETS = ("runtime", "cython", "numpy", "cpp_standalone")
_state = {"target": "runtime", "directory": None, "threads": 1, "cache_dir": None, "built": False,
          "networks": 0}


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
    b2 = brian2()

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
    _state.update(target=target, directory=directory, threads=threads, cache_dir=cache_dir, built=False,
                  networks=0)


def cache_directory(*parts):
    """The toolkit's cache folder (created), e.g. for reused ``cpp_standalone`` builds.

    ``$NND_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/neural-network-dynamics``, else
    ``~/.cache/neural-network-dynamics``; ``parts`` are joined below it.
    """
    import os

    root = os.environ.get("NND_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "neural-network-dynamics")
    path = os.path.join(root, *parts)
    os.makedirs(path, exist_ok=True)
    return path


def compiler_available():
    """True if a C++ compiler (``$CXX``, else ``c++``/``g++``/``clang++``) is on the PATH."""
    import os
    import shutil

    names = [os.environ["CXX"].split()[0]] if os.environ.get("CXX") else ["c++", "g++", "clang++"]
    return any(shutil.which(n) for n in names)


def code_target():
    """The current code-generation target (see :func:`set_code_target`)."""
    return _state["target"]


def current_code_target():
    """The arguments of the last :func:`set_code_target` call, to restore it later.

    Returns
    -------
    dict
        ``{"target", "directory", "cache_dir", "threads"}``: ``set_code_target(**d)``
        chooses that target again.
    """
    return {k: _state[k] for k in ("target", "directory", "cache_dir", "threads")}


def save_random_state():
    """A copy of brian2's random-number state (runtime device), to put back with :func:`restore_random_state`.

    brian2's ``device.get_random_state()`` keeps the *address* of the Cython
    targets' buffer of random numbers, which brian2 frees when it refills it:
    restoring it after other runs frees the buffer twice (the process aborts).  This
    copy keeps numpy's generator state, the buffer indices and the *contents* of the
    partly used buffers instead.

    Returns
    -------
    dict or None
        None on the cpp_standalone device (its generator lives in the generated program).
    """
    import ctypes

    from brian2.devices.device import RuntimeDevice

    device = brian2().get_device()
    if not isinstance(device, RuntimeDevice):
        return None
    from brian2.codegen.generators.cython_generator import _BUFFER_SIZE

    state = {"numpy": np.random.get_state()}
    for name in ("rand", "randn"):
        address = int(getattr(device, f"{name}_buffer")[0])
        index = int(getattr(device, f"{name}_buffer_index")[0])
        contents = None
        if address and index:  # index 0: the next draw refills the buffer from numpy anyway
            contents = np.ctypeslib.as_array((ctypes.c_double * _BUFFER_SIZE).from_address(address)).copy()
        state[name] = (index, contents)
    return state


def restore_random_state(state):
    """Put back the random-number state taken by :func:`save_random_state` (None: nothing to do)."""
    import ctypes

    if state is None:
        return
    device = brian2().get_device()
    np.random.set_state(state["numpy"])
    for name in ("rand", "randn"):
        index, contents = state[name]
        address = int(getattr(device, f"{name}_buffer")[0])
        if contents is not None and address:
            ctypes.memmove(address, contents.ctypes.data, contents.nbytes)
            getattr(device, f"{name}_buffer_index")[0] = index
        else:
            getattr(device, f"{name}_buffer_index")[0] = 0


def claim_device_for_network():
    """Reserve the cpp_standalone device for the network being built (nothing to do on runtime).

    Raises
    ------
    SimulationError
        A network is already built for the cpp_standalone device in this process.
    """
    if _state["target"] != "cpp_standalone":
        return
    if _state.get("networks"):
        raise SimulationError(
            "a network is already built for brian2's cpp_standalone device in this process, which "
            "compiles one program for one run: run it first, then call "
            "network.set_code_target('cpp_standalone', directory=...) again before building another "
            "(or use the runtime target for several networks)."
        )
    _state["networks"] = 1


def standalone_device_used():
    """True if the cpp_standalone device is selected and has already built a network in this process."""
    return _state["target"] == "cpp_standalone" and _state["built"]


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

    ``done_s`` is the simulated time already run in earlier segments of this call
    (between intermediate instructions), ``total_s`` the time of the whole call.
    The wall-clock time shown starts at the first step of the loop: code
    generation and compilation (before it) are reported apart.
    """

    def __init__(self, total_s, show=True, width=30):
        self.total, self.done, self.width, self.show = total_s, 0.0, width, show
        self.t0 = None  # wall time of the first loop step
        self.compile = 0.0  # seconds of code preparation (before_run) over the segments
        self._segment_start = None
        self.on_first_call = None

    def segment(self, offset_s):
        self.done = offset_s
        self._segment_start = time.perf_counter()

    def __call__(self, elapsed, completed, start, duration):
        now = time.perf_counter()
        if float(completed) == 0.0 and self._segment_start is not None:
            prep = now - self._segment_start  # code generation / compilation of this segment
            self.compile += prep
            self._segment_start = None
            if self.t0 is None:
                self.t0 = now
                if self.on_first_call is not None:
                    self.on_first_call()
            else:  # the bar's clock counts loop time only
                self.t0 += prep
        if not self.show:
            return
        done = (self.done + float(completed) * float(duration)) / self.total
        n = int(round(self.width * min(done, 1.0)))
        wall = now - self.t0
        sys.stdout.flush()
        sys.stderr.write(f"\r[network] [{'#' * n}{'.' * (self.width - n)}] {100 * done:5.1f}%  {wall:6.1f} s")
        if done >= 1.0 - 1e-12:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _instructions(INTERMEDIATE_INSTRUCTIONS, t_start, t_end, dt):
    """Validated instructions, sorted by time, each time a whole number of steps in ``[t_start, t_end]``."""
    if isinstance(INTERMEDIATE_INSTRUCTIONS, dict) or not isinstance(INTERMEDIATE_INSTRUCTIONS, (list, tuple)):
        raise ModelValueError(
            f"INTERMEDIATE_INSTRUCTIONS = {INTERMEDIATE_INSTRUCTIONS!r} must be a list of dicts "
            f"[{{'time': t_ms, 'function': f}}, ...]."
        )
    out = []
    for d in INTERMEDIATE_INSTRUCTIONS:
        t = d.get("time") if isinstance(d, dict) else None
        if hasattr(t, "dim"):
            t = plain(t, "ms", "intermediate instruction time")
        ok = (isinstance(d, dict) and set(d) == {"time", "function"} and callable(d["function"])
              and isinstance(t, numbers.Real) and not isinstance(t, bool) and t_start - 1e-9 <= t <= t_end + 1e-9)
        if not ok:
            raise ModelValueError(
                f"intermediate instruction {d!r}: need {{'time': t in [{t_start:g}, tstop = {t_end:g}] ms "
                f"(a number or a Quantity), 'function': f(NTWK)}}."
            )
        if abs(t / dt - round(t / dt)) > 1e-6:
            raise ModelValueError(
                f"intermediate instruction at time {t!r} ms: the run can only stop at a time step; "
                f"give a multiple of dt = {dt:g} ms (e.g. {round(t / dt) * dt:g})."
            )
        out.append({"time": float(t), "function": d["function"]})
    return sorted(out, key=lambda d: d["time"])


def _run_steps(NTWK, n_new, INTERMEDIATE_INSTRUCTIONS, verbose, progress, report_period):
    """Run ``NTWK`` for ``n_new`` more steps, stopping at the instructions; return the timings."""
    b2 = brian2()
    standalone = NTWK.code_target == "cpp_standalone"
    dt = NTWK["dt"]
    step0 = NTWK.steps_run
    t_start, t_end = step0 * dt, (step0 + n_new) * dt
    steps = _instructions(INTERMEDIATE_INSTRUCTIONS or [], t_start, t_end, dt)
    net = NTWK.brian_network
    device = b2.get_device()
    if NTWK.random_state is None:
        b2.seed(brian_seed(NTWK))
    elif not standalone:
        device.set_random_state(NTWK.random_state)
    bar = _Progress(n_new * dt * 1e-3, show=bool(progress) and not standalone)
    timer = None
    cache_before = compiled_extensions() if verbose and not standalone else None
    if verbose and not standalone:
        # said only when code preparation takes long (a compilation, or a loaded machine)
        timer = threading.Timer(2.0, lambda: print(
            "[network] preparing brian2's code (the first run of a structure compiles it; later "
            "runs reuse it)...", flush=True))
        timer.daemon = True
        bar.on_first_call = timer.cancel
        timer.start()
    elif verbose:
        print("[network] generating the C++ program (compiled and run at the end)", flush=True)
    t0 = time.perf_counter()
    step_prev = step0
    loop = 0.0
    try:
        for d in list(steps) + [{"time": t_end, "function": None}]:
            step = int(round(d["time"] / dt))
            if step > step_prev:  # a whole number of steps: brian2 would round a fraction up
                bar.segment((step_prev - step0) * dt * 1e-3)
                if standalone:
                    report = "text" if progress else None
                    net.run((step - step_prev) * dt * b2.ms, report=report,
                            report_period=report_period * b2.second, namespace={})
                else:
                    net.run((step - step_prev) * dt * b2.ms, report=bar,
                            report_period=report_period * b2.second, namespace={})
                    loop += float(device._last_run_time)
                step_prev = step
                NTWK.steps_run = step
            if d["function"] is not None:
                d["function"](NTWK)
    finally:
        if timer is not None:
            timer.cancel()
    timing = {}
    if standalone:
        t1 = time.perf_counter()
        b2.device.build(directory=_state["directory"], compile=True, run=True, with_output=bool(verbose))
        timing["build"] = time.perf_counter() - t1
        timers = getattr(device, "timers", {})
        timing["compile"] = float(timers.get("compile", {}).get("make", 0.0) or 0.0)
        timing["loop"] = float(device._last_run_time)
        _state["built"] = True
    else:
        timing["compile"] = bar.compile
        timing["loop"] = loop
        if cache_before is not None:
            timing["compiled"] = len(compiled_extensions(cache_before))
        NTWK.random_state = device.get_random_state()
    timing["run"] = time.perf_counter() - t0
    return timing


def _prepare(NTWK, what):
    NTWK = as_network(NTWK, what)
    if NTWK.code_target != _state["target"] and "cpp_standalone" in (NTWK.code_target, _state["target"]):
        raise SimulationError(
            f"{what}: this network was built for the {NTWK.code_target!r} target but the current target "
            f"is {_state['target']!r}; build it again after network.set_code_target(...)."
        )
    if _state["target"] == "cpp_standalone" and _state["built"]:
        raise SimulationError(
            "brian2's cpp_standalone device has already run a network in this process; call "
            "network.set_code_target('cpp_standalone', directory=...) again and rebuild."
        )
    return NTWK


def collect_and_run(NTWK, verbose=False, INTERMEDIATE_INSTRUCTIONS=(), progress=None, report_period=1.0):
    """Gather every object of the network into its own ``brian2.Network`` and run it for ``tstop``.

    Parameters
    ----------
    NTWK : network.Network
        From :func:`network.build.populations` (and connections, drives).
    verbose : bool
        Print the target and the timings (code preparation apart from the loop).
    INTERMEDIATE_INSTRUCTIONS : list of dict
        ``{'time': t, 'function': f}``: the run stops at ``t`` (ms or Quantity, a
        multiple of ``dt`` in ``[0, tstop]``) and calls ``f(NTWK)`` (e.g. to change
        a current or a weight), then goes on; at ``t = 0`` before the first step, at
        ``tstop`` after the last one (``NTWK['NETWORK'].t`` is the simulated time
        when it is called).  With ``cpp_standalone`` the function may only set variables.
    progress : bool, optional
        Show a progress bar (default: ``verbose`` for the runtime targets, off for
        ``cpp_standalone``, where brian2's report times every object at every step
        and slows the loop by about 10 %).  Its clock starts at the first step:
        compilation is reported apart.
    report_period : float
        Seconds of wall time between progress updates.

    Returns
    -------
    brian2.Network
        Also stored as ``NTWK['NETWORK']`` (and ``NTWK.brian_network``).  Timings
        (s) in ``NTWK['TIMING']``: ``compile`` (runtime: code generation and
        compilation or loading, before the loop; standalone: ``make``), ``loop``
        (the simulation loop), ``build`` (standalone: generate, compile and run the
        program), ``run`` (total).

    Raises
    ------
    ModelValueError
        A malformed instruction, or an instruction time off the time grid.
    SimulationError
        If the network has already run (continue it with :func:`run_on`), or the
        standalone device has already run another network in this process.
    """
    NTWK = _prepare(NTWK, "collect_and_run()")
    b2 = brian2()
    standalone = NTWK.code_target == "cpp_standalone"
    progress = (verbose and not standalone) if progress is None else progress
    if NTWK.state == "ran":
        raise SimulationError(
            f"collect_and_run(): this network has already run ({NTWK.time:g} ms) and its recordings hold "
            f"that run. Continue it with network.run_on(NTWK, duration) (the recordings are extended), "
            f"or build the network again for a new run."
        )
    n_total = n_steps(NTWK["dt"], NTWK["tstop"])
    _instructions(INTERMEDIATE_INSTRUCTIONS or [], 0.0, n_total * NTWK["dt"], NTWK["dt"])  # before any change
    net = b2.Network(*NTWK["OBJECTS"], name=f"network{NTWK.uid}")
    NTWK.brian_network = net
    NTWK["NETWORK"] = net
    NTWK.state = "ran"  # from here on the objects belong to brian2's run
    timing = _run_steps(NTWK, n_total, INTERMEDIATE_INSTRUCTIONS, verbose, progress, report_period)
    NTWK["TIMING"] = timing
    if verbose:
        _summary(NTWK, timing, n_total)
    return net


def run_on(NTWK, duration, verbose=False, INTERMEDIATE_INSTRUCTIONS=(), progress=None, report_period=1.0):
    """Continue a network that has run, from where it stopped, for ``duration`` more.

    The state (membrane potentials, conductances, adaptation, refractoriness,
    synaptic queues, the drives' event clocks) and brian2's random generator
    continue exactly: with the same seeds, a run of ``T1`` then ``run_on(T2)``
    gives the spikes of one run of ``T1 + T2``, provided the drives' rates are the
    same (a drive's rate after the end of its ``rate_array`` stays at its last
    value; extra spikes given by times lie in the first part).  The recordings
    are extended and ``NTWK['tstop']`` becomes ``T1 + T2``.

    Only the runtime targets can run on: a ``cpp_standalone`` program is compiled
    for one run and has finished when its results are read; build the network
    with the whole duration instead (or run it in runtime mode).

    Parameters
    ----------
    NTWK : network.Network
        A network that has run (:func:`collect_and_run`).
    duration : float or Quantity
        ms, a whole number of steps ``dt``.
    verbose, INTERMEDIATE_INSTRUCTIONS, progress, report_period
        As :func:`collect_and_run` (instruction times are the network's time,
        in ``[t_now, t_now + duration]``).

    Returns
    -------
    brian2.Network

    Raises
    ------
    SimulationError
        The network has not run yet, or runs on ``cpp_standalone``.
    ModelValueError
        ``duration`` not a positive multiple of ``dt``.
    """
    NTWK = as_network(NTWK, "run_on()")
    if NTWK.state != "ran":
        raise SimulationError("run_on(): this network has not run yet; start it with network.collect_and_run(NTWK).")
    if NTWK.code_target == "cpp_standalone":
        raise SimulationError(
            "run_on(): the network ran as a cpp_standalone program, which is compiled for one run and has "
            "ended; brian2 cannot continue it. Build it again with tstop covering the whole duration, or "
            "use the runtime target to run on."
        )
    NTWK = _prepare(NTWK, "run_on()")
    duration = plain(duration, "ms", "duration")
    n_new = n_steps(NTWK["dt"], duration, "duration")
    progress = verbose if progress is None else progress
    _instructions(INTERMEDIATE_INSTRUCTIONS or [], NTWK.time, NTWK.time + n_new * NTWK["dt"], NTWK["dt"])
    timing = _run_steps(NTWK, n_new, INTERMEDIATE_INSTRUCTIONS, verbose, progress, report_period)
    NTWK["tstop"] = NTWK.steps_run * NTWK["dt"]
    NTWK["TIMING"] = timing
    if verbose:
        _summary(NTWK, timing, n_new)
    return NTWK.brian_network


def compiled_extensions(before=None):
    """Names of brian2's Cython extensions in its on-disk cache; with ``before``: those compiled since.

    With ``before`` (an earlier listing), the new files whose module is loaded in
    this process: what this process compiled (another process sharing the cache,
    e.g. a parallel test worker, may add files of its own at the same time).
    """
    from pathlib import Path

    try:
        from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir

        folder = Path(get_cython_cache_dir())
        names = {p.name for p in folder.glob("*.so")} if folder.exists() else set()
    except (ImportError, OSError):
        names = set()
    if before is None:
        return names
    return sorted(n for n in names - set(before) if n.split(".")[0] in sys.modules)


def _summary(NTWK, timing, n):
    b2 = brian2()
    if timing.get("compiled"):
        print(f"[network] compiled {timing['compiled']} brian2 code objects (first run of this "
              "structure; later runs reuse them)")
    target = NTWK.code_target
    if target == "runtime":
        target = f"runtime: {b2.prefs.codegen.target}"
    extra = (f"program build {timing['build']:.2f} s" if "build" in timing
             else f"code preparation {timing['compile']:.2f} s, loop {timing['loop']:.2f} s")
    print(f"[network] ran {n * NTWK['dt']:g} ms ({target}) in {timing['run']:.2f} s ({extra})")
