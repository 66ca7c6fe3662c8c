"""Benchmark the toolkit's seed RS-FS example against the same model in plain brian2.

The model (README "Usage"): 4000 AdExp excitatory and 1000 inhibitory cells,
fixed in-degree 5 % (1.25 million synapses), each cell driven by its own Poisson
input of 0.5*400 afferents at 4 + 4 exp(-(t-1000)^2 / 2 / 100^2) Hz, dt = 0.1 ms,
1.5 s, with spike, population-rate and Vm (4 cells) recorders.

Two implementations:

* ``toolkit`` -- the README's Usage code path, call for call
  (``ntwk.build.populations``, ``recurrent_connections``,
  ``construct_feedforward_input`` x2, ``initialize_to_rest``, ``collect_and_run``,
  all with ``verbose=True``), then ``recording.write_as_hdf5`` timed separately;
* ``plain`` -- the same model written directly against brian2: the same equations
  (one conductance per presynaptic population, every parameter a shared constant),
  the same vectorised fixed in-degree algorithm and seeds (so the same synapses),
  the same afferent drive (``run_regularly`` + ``poisson()`` + ``TimedArray``),
  the same monitors, the same object names (brian2 orders objects of one
  scheduling slot by name) and the same brian2 seed.  With identical code the two
  should produce identical spikes.

Two targets, ``runtime`` (Cython) and ``cpp_standalone``, each with a cold
compile cache (a fresh, empty Cython cache directory / standalone build
directory) and a warm one (the same directory used again).  Every configuration
runs in its own interpreter (this script re-invoked with ``--worker``), so each
measurement starts from scratch; brian2's default Cython cache
(``~/.cython/brian_extensions``) is never used.

Per configuration (warm: median over ``--repeats`` runs, metric by metric):

``import``   interpreter start (the parent's launch time) to the end of the imports
``build``    object creation, connectivity, afferent drive, initialisation
``run``      runtime: ``Network.run``; standalone: ``Network.run`` (recording
             only) + ``device.build`` (code generation, ``make``, binary)
``compile``  runtime: ``Network.run`` minus its loop (code generation and Cython
             compilation, in ``before_run``); standalone: ``device.build`` minus
             ``make`` and the binary (code generation, writing the project)
``make``     standalone: brian2's ``device.timers['compile']['make']``
``binary``   standalone: ``device.timers['run_binary']`` (process, incl. loading
             static arrays and writing results)
``loop``     the simulation loop as brian2 reports it (``device._last_run_time``:
             wall time for runtime; for standalone the binary's ``std::clock()``
             CPU time, or ``omp_get_wtime()`` wall time with OpenMP threads)
``example``  interpreter start to the end of the run (what a user waits for,
             without the HDF5 file)
``wall``     the worker process, as seen by the parent (incl. HDF5 and exit)
``h5``       ``write_as_hdf5`` (toolkit only)
``RSS``      peak resident memory of the worker (``ru_maxrss``, RUSAGE_SELF)
``RSSch``    largest child process (compiler or standalone binary, RUSAGE_CHILDREN).
             Linux charges a child the pages of the process that spawned it, so
             this is max(worker RSS when it spawned, child's own peak): it tells
             something only when it exceeds ``RSS``
``others``   CPU seconds used by other processes of the machine during the
             worker (/proc/stat minus our own): a gauge of contention, not a cost

Targets of the project (informational; the script exits 0 unless a worker fails):

1. the toolkit adds at most 10 % to plain brian2 (``example`` time);
2. with a warm cache the whole example takes under 6 s (``example``);
3. the cpp_standalone simulation loop runs at <= 0.6 s per second of network time.

``--command`` measures instead what a user waits for with the README's main job,
``nnd rs-fs -o DIR`` (figure included), cold (an empty HOME and cache folder: nothing
compiled) and warm (the same cache, a new output folder), side by side with the same
command on the runtime target (its Cython cache in the same empty HOME): wall time,
CPU time of the command and its compilers (user + sys), and the CPU other processes of
the machine used meanwhile (on a shared machine wall time is noise; CPU time is not).

Usage::

    python benchmarks/bench_network.py [--repeats 3] [--quick] [--workdir DIR] [--keep]
    python benchmarks/bench_network.py --command [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib

IMPLS = ("toolkit", "plain")
TARGETS = ("runtime", "cpp_standalone", "cpp_standalone_omp2")
# cpp_standalone_omp2: the same program with 2 OpenMP threads (set_code_target(threads=2))
THREADS = {"runtime": 1, "cpp_standalone": 1, "cpp_standalone_omp2": 2}
MARKER = "BENCH_RESULT "
NETWORK_TIME_S = 1.5


# ----------------------------------------------------------------------------- workers

def _dirs(workdir):
    """Cython cache and standalone build directory of one configuration."""
    return os.path.join(workdir, "cython_cache"), os.path.join(workdir, "standalone")


def worker_toolkit(target, workdir, t_launch):
    """The README's Usage block (without the figure)."""
    res = {}
    import numpy as np

    import network as ntwk  # THIS MODULE
    t_ntwk = time.time()
    import brian2  # the toolkit imports it lazily, at the first build call; count it here
    res["import"] = time.time() - t_launch
    res["import_brian2"] = time.time() - t_ntwk

    cache, build_dir = _dirs(workdir)
    t0 = time.perf_counter()
    # never touch ~/.cython, also in standalone mode (set_code_target ignores cache_dir there)
    brian2.prefs.codegen.runtime.cython.cache_dir = cache
    if target == "runtime":
        ntwk.set_code_target("runtime", cache_dir=cache)
    else:
        ntwk.set_code_target("cpp_standalone", directory=build_dir, threads=THREADS[target])

    from network.examples import RS_FS_MODEL
    Model = dict(RS_FS_MODEL)  # the README's Model dict, verbatim

    t_array = ntwk.arange(int(Model['tstop']/Model['dt']))*Model['dt']  # the README's idiom
    NTWK = ntwk.build.populations(Model, ['Exc', 'Inh'],
                                  AFFERENT_POPULATIONS=['AffExc'],
                                  with_raster=True, with_Vm=4,
                                  verbose=True)
    ntwk.build.recurrent_connections(NTWK, SEED=5, verbose=True)
    Faff_array = 4.+4*np.exp(-(t_array-1000)**2/2/100**2)  # afferent input
    for i, tpop in enumerate(['Exc', 'Inh']):
        ntwk.stim.construct_feedforward_input(NTWK, tpop, 'AffExc',
                                              t_array, Faff_array,
                                              verbose=True, SEED=32)
    ntwk.build.initialize_to_rest(NTWK)
    t1 = time.perf_counter()
    res["build"] = t1 - t0
    ntwk.collect_and_run(NTWK, verbose=True)
    t2 = time.perf_counter()
    res["example"] = time.time() - t_launch
    res["run"] = t2 - t1
    _device_timings(brian2, target, res)
    res["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res["toolkit_timing"] = dict(NTWK["TIMING"])
    res["spikes"] = [int(NTWK["RASTER"][p].num_spikes) for p in ("Exc", "Inh")]
    t3 = time.perf_counter()
    ntwk.recording.write_as_hdf5(NTWK, filename=os.path.join(workdir, "RS-FS_data.h5"))
    res["h5"] = time.perf_counter() - t3
    return res


def _fixed_indegree(rng, N_pre, N_post, p, block_rows=2000):
    """Vectorised fixed in-degree: K = round(p N_pre) distinct random inputs per cell.

    Each row keeps the K largest of N_pre uniform keys (in blocks of rows to bound
    memory), i.e. the toolkit's algorithm; with the same generator it gives the
    same synapses.
    """
    import numpy as np

    K = int(round(p * N_pre))
    pre = np.empty((N_post, K), np.int64)
    for s in range(0, N_post, block_rows):
        keys = rng.random((min(N_post, s + block_rows) - s, N_pre))
        pre[s:s + len(keys)] = np.argpartition(keys, N_pre - K, axis=1)[:, N_pre - K:]
    pre.sort(axis=1)
    return pre.ravel(), np.repeat(np.arange(N_post, dtype=np.int64), K)


PLAIN_EQS = """
Gl : siemens (shared, constant)
Cm : farad (shared, constant)
Trefrac : second (shared, constant)
El : volt (shared, constant)
Vthre : volt (shared, constant)
Vreset : volt (shared, constant)
deltaV : volt (shared, constant)
a : siemens (shared, constant)
b : amp (shared, constant)
tauw : second (shared, constant)
Vspike : volt (shared, constant)
dGsyn_Exc/dt = -Gsyn_Exc/Tsyn_Exc : siemens
Q_Exc : siemens (shared, constant)
Tsyn_Exc : second (shared, constant)
Erev_Exc : volt (shared, constant)
dGsyn_Inh/dt = -Gsyn_Inh/Tsyn_Inh : siemens
Q_Inh : siemens (shared, constant)
Tsyn_Inh : second (shared, constant)
Erev_Inh : volt (shared, constant)
dGsyn_AffExc/dt = -Gsyn_AffExc/Tsyn_AffExc : siemens
Q_AffExc : siemens (shared, constant)
Tsyn_AffExc : second (shared, constant)
Erev_AffExc : volt (shared, constant)
dLambda_AffExc/dt = rate_AffExc(t) : 1
Enext_AffExc : 1
Ie = Gsyn_Exc*(Erev_Exc - V) + Gsyn_AffExc*(Erev_AffExc - V) : amp
Ii = Gsyn_Inh*(Erev_Inh - V) : amp
Ipulse : amp
dw/dt = (a*(V - El) - w)/tauw : amp
dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV) + Ie + Ii - w + Ipulse)/Cm : volt (unless refractory)
"""


def worker_plain(target, workdir, t_launch):
    """The same network written directly with brian2 (a careful user's script)."""
    res = {}
    import numpy as np
    import brian2 as b2
    from brian2 import TimedArray, ms, mV, nS, pA, pF
    res["import"] = time.time() - t_launch

    cache, build_dir = _dirs(workdir)
    t0 = time.perf_counter()
    b2.prefs.codegen.runtime.cython.cache_dir = cache
    if target == "runtime":
        b2.prefs.codegen.target = "cython"
    else:
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = THREADS[target] if THREADS[target] > 1 else 0
    b2.defaultclock.dt = 0.1 * ms  # plain brian2 as users write it (the toolkit uses its own clock)
    tstop, dt = 1500.0, 0.1
    N = {"Exc": 4000, "Inh": 1000}
    N_aff, p_aff = 400, 0.5
    cell = {"Exc": dict(deltaV=2 * mV, b=40 * pA, tauw=500 * ms),
            "Inh": dict(deltaV=0.5 * mV, b=0 * pA, tauw=1e9 * ms)}
    syn = {"Exc": (5 * ms, 0 * mV), "Inh": (5 * ms, -80 * mV), "AffExc": (5 * ms, 0 * mV)}
    Q = {("Exc", "Exc"): 1, ("Exc", "Inh"): 1, ("Inh", "Exc"): 4, ("Inh", "Inh"): 4,
         ("AffExc", "Exc"): 1, ("AffExc", "Inh"): 1}
    G, monitors = {}, []
    for pop in ("Exc", "Inh"):
        g = b2.NeuronGroup(N[pop], PLAIN_EQS, method="euler", name=pop, threshold="V > Vspike",
                           reset="V = Vreset; w += b", refractory="Trefrac", namespace={},
                           events={"input_AffExc": "Lambda_AffExc >= Enext_AffExc"})
        g.Gl, g.Cm, g.Trefrac = 10 * nS, 200 * pF, 5 * ms
        g.El, g.Vthre, g.Vreset = -70 * mV, -50 * mV, -70 * mV
        g.deltaV, g.a, g.b, g.tauw = cell[pop]["deltaV"], 0 * nS, cell[pop]["b"], cell[pop]["tauw"]
        g.Vspike = -50 * mV + 5 * cell[pop]["deltaV"]  # Vthre + 5 deltaV
        for pre, (tau, erev) in syn.items():
            setattr(g, f"Q_{pre}", Q[(pre, pop)] * nS)
            setattr(g, f"Tsyn_{pre}", tau)
            setattr(g, f"Erev_{pre}", erev)
        G[pop] = g
        monitors += [b2.SpikeMonitor(g, name=f"raster_{pop}"),
                     b2.PopulationRateMonitor(g, name=f"popact_{pop}"),
                     b2.StateMonitor(g, ["V"], record=np.arange(4), name=f"vms_{pop}")]
    synapses = []
    pairs = [("Exc", "Exc"), ("Inh", "Exc"), ("Exc", "Inh"), ("Inh", "Inh")]
    for pre, post in pairs:
        # the toolkit's stream of a projection: SeedSequence of the seed and the names' CRC-32
        stream = np.random.SeedSequence([5, zlib.crc32(pre.encode()), zlib.crc32(post.encode())])
        S = b2.Synapses(G[pre], G[post], on_pre=f"Gsyn_{pre}_post += Q_{pre}_post",
                        namespace={}, name=f"syn_{pre}_{post}")
        i, j = _fixed_indegree(np.random.default_rng(stream), N[pre], N[post], 0.05)
        S.connect(i=i, j=j)
        synapses.append(S)
    t_array = np.arange(int(tstop / dt)) * dt
    rate = 4. + 4 * np.exp(-(t_array - 1000) ** 2 / 2 / 100 ** 2)
    drives = []
    # independent Poisson input by time rescaling (the toolkit's drive, network.stim):
    # each cell integrates its input rate and gets 1 + Poisson(Lambda - Enext) events
    # when Lambda reaches Enext ~ Exp(1); same seeds as the toolkit's
    n_pad = 1 << (len(rate) - 1).bit_length()
    padded = np.concatenate([rate, np.full(n_pad - len(rate), rate[-1])])
    for pop in ("Exc", "Inh"):
        G[pop].namespace["rate_AffExc"] = TimedArray(p_aff * N_aff * padded * b2.Hz, dt=dt * ms,
                                                     name=f"rate_AffExc_{pop}")
        G[pop].run_on_event("input_AffExc", "Gsyn_AffExc += Q_AffExc*(1 + poisson(Lambda_AffExc - Enext_AffExc))\n"
                            "Lambda_AffExc = 0\nEnext_AffExc = -log(1 - rand())")
        stream = np.random.SeedSequence([3, zlib.crc32(b"drive"), zlib.crc32(b"AffExc"), zlib.crc32(pop.encode())])
        G[pop].Enext_AffExc = np.random.default_rng(stream).standard_exponential(N[pop])
        G[pop].Lambda_AffExc = 0
    for g in G.values():
        g.V = -70 * mV
        g.w = 0 * pA
        g.Gsyn_Exc = g.Gsyn_Inh = g.Gsyn_AffExc = 0 * nS
    t1 = time.perf_counter()
    res["build"] = t1 - t0
    # brian2's magic run() does not collect objects held in containers: explicit Network
    net = b2.Network(*G.values(), *monitors, *synapses, *drives)
    b2.seed(259527270)  # the value the toolkit derives from its seeds (network.run.brian_seed)
    net.run(tstop * ms, namespace={})
    if target != "runtime":
        b2.device.build(directory=build_dir, compile=True, run=True, with_output=False)
    t2 = time.perf_counter()
    res["example"] = time.time() - t_launch
    res["run"] = t2 - t1
    _device_timings(b2, target, res)
    res["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res["spikes"] = [int(monitors[0].num_spikes), int(monitors[3].num_spikes)]
    return res


def _device_timings(b2, target, res):
    """Split ``res['run']`` with what brian2 records."""
    dev = b2.get_device()
    res["loop"] = float(dev._last_run_time)
    if target != "runtime":
        res["make"] = float(dev.timers["compile"]["make"])
        res["binary"] = float(dev.timers["run_binary"])
        res["compile"] = res["run"] - res["make"] - res["binary"]
    else:
        res["compile"] = res["run"] - res["loop"]


def worker_main(impl, target, cache, workdir, t_launch):
    cython_cache, build_dir = _dirs(workdir)
    if cache == "cold":
        for d in (cython_cache, build_dir):
            if os.path.exists(d) and os.listdir(d):
                raise SystemExit(f"cold run but {d} is not empty")
    os.makedirs(workdir, exist_ok=True)
    fn = {"toolkit": worker_toolkit, "plain": worker_plain}[impl]
    res = fn(target, workdir, t_launch)
    res["rss_children_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # every compiled Cython extension this process loaded must come from its own cache
    cache = os.path.realpath(_dirs(workdir)[0])
    res["foreign_extensions"] = sorted(
        name for name, m in list(sys.modules.items())
        if name.startswith("_cython_magic") and not os.path.realpath(getattr(m, "__file__", "") or "").startswith(cache))
    res["rates"] = [n / N / NETWORK_TIME_S for n, N in zip(res["spikes"], (4000, 1000))]
    sys.stdout.flush()
    print(MARKER + json.dumps(res), flush=True)


# ----------------------------------------------------------------------------- driver

def run_worker(impl, target, cache, workdir, log):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", impl, target, cache, workdir,
           "--launched-at", repr(time.time())]
    busy0, ours0 = _cpu_busy(), _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    busy1, ours1 = _cpu_busy(), _children_cpu()
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{proc.stdout}\n--- stderr ---\n{proc.stderr}\n")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(f"worker {impl} {target} {cache} failed (exit {proc.returncode}); "
                         f"last output:\n{proc.stderr[-3000:]}\n")
        raise SystemExit(1)
    res = json.loads(lines[-1][len(MARKER):])
    res["wall"] = wall
    if busy0 is not None and busy1 is not None:
        # CPU time the rest of the machine used meanwhile (other users' jobs): a noise gauge
        res["others_cpu"] = max(0.0, (busy1 - busy0) - (ours1 - ours0))
    if res["foreign_extensions"]:
        sys.stderr.write(f"warning: {impl} {target} {cache} loaded Cython extensions from outside "
                         f"its cache: {res['foreign_extensions'][:3]}\n")
    return res


def _cpu_busy():
    """Busy CPU seconds of the whole machine since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


COLUMNS = [  # key, header, format
    ("import", "import", "{:6.2f}"), ("build", "build", "{:6.2f}"), ("run", "run", "{:6.2f}"),
    ("compile", "compile", "{:7.2f}"), ("make", "make", "{:6.2f}"), ("binary", "binary", "{:6.2f}"),
    ("loop", "loop", "{:6.2f}"), ("example", "example", "{:7.2f}"), ("wall", "wall", "{:6.2f}"),
    ("h5", "h5", "{:5.2f}"), ("rss_mb", "RSS MB", "{:6.0f}"), ("rss_children_mb", "RSSch MB", "{:8.0f}"),
    ("others_cpu", "others", "{:6.1f}"),
]


def summarise(runs):
    """Median of every numeric metric over the runs of one configuration."""
    out = {}
    for k in set().union(*runs):
        vals = [r[k] for r in runs if k in r]
        if vals and all(isinstance(v, (int, float)) for v in vals):
            out[k] = statistics.median(vals)
        elif all(isinstance(v, list) for v in vals):
            out[k] = [statistics.median(x) for x in zip(*vals)]
    out["rss_mb"] = out["rss_kb"] / 1024
    out["rss_children_mb"] = out["rss_children_kb"] / 1024
    out["n"] = len(runs)
    return out


def fmt_row(label, s):
    cells = [label, str(s["n"])]
    for key, head, f in COLUMNS:
        cells.append(f.format(s[key]).strip() if key in s else "-")
    return cells


def print_table(rows, headers):
    widths = [max(len(str(r[c])) for r in rows + [headers]) for c in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(v).rjust(w) if i > 0 else str(v).ljust(w)  # noqa: E731
                                       for i, (v, w) in enumerate(zip(r, widths))) + " |"
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def machine_info():
    from importlib.metadata import version

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc = "?"
    return (f"nproc {os.cpu_count()}, CPU {cpu}; Python {platform.python_version()}, "
            f"brian2 {version('brian2')}, numpy {version('numpy')}, Cython {version('Cython')}; {cc}")


def run_command(target, home, out):
    """``nnd rs-fs -o out`` in a fresh interpreter with HOME=home; wall, CPU and others' CPU."""
    env = dict(os.environ, HOME=home, NND_CACHE_DIR=os.path.join(home, ".cache", "neural-network-dynamics"))
    env.pop("XDG_CACHE_HOME", None)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = [sys.executable, "-c", "import sys; from dendrites.cli import main; sys.exit(main(sys.argv[1:]))",
           "rs-fs", "-o", out, "-q"] + (["--target", target] if target else [])
    busy0, ours0 = _cpu_busy(), _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root)
    wall = time.perf_counter() - t0
    busy1, ours1 = _cpu_busy(), _children_cpu()
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(1)
    others = max(0.0, (busy1 - busy0) - (ours1 - ours0)) if busy0 is not None else float("nan")
    return {"wall": wall, "cpu": ours1 - ours0, "others": others}


def command_main(repeats):
    print(f"# bench_network --command: nnd rs-fs -o DIR (5000 cells, 1.5 s, figure), cold then warm")
    print(f"# machine: {machine_info()}")
    rows = []
    for label, target in (("cpp_standalone (default)", None), ("runtime (Cython)", "runtime")):
        home = tempfile.mkdtemp(prefix="bench_nnd_home_")
        try:
            for k in range(1 + repeats):
                r = run_command(target, home, os.path.join(home, f"out{k}"))
                rows.append([label, "cold" if k == 0 else "warm", f"{r['wall']:.1f}", f"{r['cpu']:.1f}",
                             f"{r['others']:.1f}"])
                print("  " + "  ".join(rows[-1]), flush=True)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print()
    print_table(rows, ["command", "cache", "wall s", "CPU s (ours)", "CPU s (others)"])
    print("\nOn 2 otherwise idle cores the wall time is about max(CPU / 2 for the compile, serial parts);"
          " 'others' > 0 means the machine was shared and wall times are inflated.")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--command", action="store_true", help="time `nnd rs-fs` cold and warm (see the docstring)")
    ap.add_argument("--repeats", type=int, default=3, help="warm runs per configuration (median)")
    ap.add_argument("--quick", action="store_true", help="one warm run per configuration, no cold runs")
    ap.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    ap.add_argument("--workdir", help="caches and build directories (default: a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    ap.add_argument("--worker", nargs=4, metavar=("IMPL", "TARGET", "CACHE", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--launched-at", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.command:
        return command_main(1 if args.quick else max(1, args.repeats))
    if args.worker:
        impl, target, cache, workdir = args.worker
        worker_main(impl, target, cache, workdir, args.launched_at or time.time())
        return 0

    repeats = 1 if args.quick else max(1, args.repeats)
    root = args.workdir or tempfile.mkdtemp(prefix="bench_network_")
    os.makedirs(root, exist_ok=True)
    log = os.path.join(root, "workers.log")
    home_cache = os.path.expanduser("~/.cython/brian_extensions")
    home_before = sorted(os.listdir(home_cache)) if os.path.isdir(home_cache) else None
    print(f"# bench_network: {' '.join(sys.argv[1:]) or '(defaults)'}")
    print(f"# machine: {machine_info()}")
    print(f"# work directory: {root} (worker output in {log})")
    configs = [(impl, target) for target in args.targets for impl in IMPLS]
    results = {}
    t_all = time.perf_counter()

    def go(impl, target, cache):
        d = os.path.join(root, f"{impl}-{target}")
        r = run_worker(impl, target, cache, d, log)
        results.setdefault((impl, target, cache), []).append(r)
        print(f"  {impl:7s} {target:14s} {cache:4s}  example {r['example']:6.2f} s  loop {r['loop']:5.2f} s  "
              f"rates {r['rates'][0]:.2f}/{r['rates'][1]:.2f} Hz", flush=True)

    for impl, target in configs:  # cold: fresh, empty cache / build directory
        d = os.path.join(root, f"{impl}-{target}")
        if args.quick:
            if not os.path.isdir(d):  # prime the cache, not reported
                print(f"  {impl:7s} {target:14s} prime (not reported)", flush=True)
                run_worker(impl, target, "cold", d, log)
        else:
            shutil.rmtree(d, ignore_errors=True)
            go(impl, target, "cold")
    for _ in range(repeats):  # warm, interleaved so that drifts hit every configuration
        for impl, target in configs:
            go(impl, target, "warm")

    S = {k: summarise(v) for k, v in results.items()}
    keys = [(i, t, c) for t in args.targets for c in ("cold", "warm") for i in IMPLS if (i, t, c) in S]
    print(f"\nTimes in s (warm: median of {repeats}); network time {NETWORK_TIME_S} s; "
          f"benchmark took {time.perf_counter() - t_all:.0f} s\n")
    headers = ["configuration", "n"] + [h for _, h, _ in COLUMNS]
    print_table([fmt_row(f"{i} {t} {c}", S[(i, t, c)]) for i, t, c in keys], headers)

    print("\nPhysics (mean rates, Hz; total spikes):\n")
    print_table([[f"{i} {t} {c}", f"{S[(i, t, c)]['rates'][0]:.3f}", f"{S[(i, t, c)]['rates'][1]:.3f}",
                  "/".join(str(int(x)) for x in S[(i, t, c)]["spikes"])] for i, t, c in keys],
                ["configuration", "Exc", "Inh", "spikes Exc/Inh"])
    for t in args.targets:
        for c in ("cold", "warm"):
            if ("toolkit", t, c) in S and ("plain", t, c) in S:
                a, b = S[("toolkit", t, c)]["spikes"], S[("plain", t, c)]["spikes"]
                print(f"  {t} {c}: toolkit and plain spikes {'identical' if a == b else 'DIFFER'}")

    print("\nRatios toolkit / plain:\n")
    rk = [("import", "import"), ("build", "build"), ("run", "run"), ("loop", "loop"),
          ("example", "example"), ("rss_mb", "RSS")]
    rows = []
    for t in args.targets:
        for c in ("cold", "warm"):
            if ("toolkit", t, c) in S and ("plain", t, c) in S:
                a, b = S[("toolkit", t, c)], S[("plain", t, c)]
                rows.append([f"{t} {c}"] + [f"{a[k] / b[k]:.2f}" for k, _ in rk])
    print_table(rows, ["target cache"] + [h for _, h in rk])

    print("\nTargets of the project (informational):\n")
    for t in args.targets:
        for c in ("cold", "warm"):
            if ("toolkit", t, c) in S and ("plain", t, c) in S:
                r = S[("toolkit", t, c)]["example"] / S[("plain", t, c)]["example"]
                print(f"  (1) toolkit adds <= 10 % to plain brian2, {t} {c}: "
                      f"{100 * (r - 1):+.1f} %  {'PASS' if r <= 1.10 else 'MISS'}")
    for t in args.targets:
        if ("toolkit", t, "warm") in S:
            e = S[("toolkit", t, "warm")]["example"]
            print(f"  (2) warm example < 6 s (from interpreter start), {t}: {e:.2f} s  "
                  f"{'PASS' if e < 6 else 'MISS'}  (original project: about 190 s)")
    for t in [t for t in args.targets if t != "runtime"]:
        for impl in IMPLS:
            if (impl, t, "warm") in S:
                x = S[(impl, t, "warm")]["loop"] / NETWORK_TIME_S
                print(f"  (3) {t} loop <= 0.6 s per s of network time, {impl}: {x:.2f}  "
                      f"{'PASS' if x <= 0.6 else 'MISS'}")

    home_after = sorted(os.listdir(home_cache)) if os.path.isdir(home_cache) else None
    foreign = sum(len(r["foreign_extensions"]) for v in results.values() for r in v)
    print(f"\nCython extensions loaded from outside the run's own cache: {foreign}; "
          f"~/.cython/brian_extensions {'unchanged' if home_after == home_before else 'changed (by another process: no worker loaded from it)' if not foreign else 'CHANGED'}")
    others = max((r.get("others_cpu", 0.0) for v in results.values() for r in v), default=0.0)
    print(f"CPU used by other processes during a worker: at most {others:.1f} s"
          + ("  (the machine was shared: timings are noisy)" if others > 1.0 else ""))
    if not (args.workdir or args.keep):
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
