"""Benchmark of a dendritic simulation: the L5 pyramidal cell, passive, 100 AMPA synapses.

The cell of ``../shared/morphologies/`` (falling back on the bundled copy) with the
d_lambda rule (0.1 at 100 Hz), Ri 150 ohm cm, Rm 20000 ohm cm2, 100 AMPA synapses
(0.5 nS, 0.2/2 ms) on the dendrites driven by independent 5 Hz Poisson trains,
dt 0.025 ms, 1 s.  Each point runs in its own process (one run per point, peak
resident memory of that process) and prints seconds per second of simulated time:

* toolkit, runtime target (cython), cold (compiling) and warm (a second run with new
  weights: parameters are variables, so nothing recompiles);
* toolkit, cpp_standalone (compile + run, and the run alone as brian2 reports it);
* toolkit at full SWC resolution (runtime, warm) -- the soma-voltage reference;
* NEURON 9 with the same geometry and discretisation (:mod:`dendrites.reference`).

Soma-voltage RMS: d_lambda against full resolution, and toolkit against NEURON.

    python benchmarks/bench_dendrites.py [--duration 1000] [--active]

``--active`` adds the Hay et al. (2011) channel set (H6's library defaults) on the soma
and the apical trunk (apical, path distance < 400 um), runtime and cpp_standalone;
there is no NEURON/Arbor twin of that model yet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "morphologies" / "L5pyr-j140408b.CNG.swc"


def _model(rule, duration, active=False):
    import morphologies as M
    from dendrites import CellModel, place
    from stimuli.spikes import homogeneous_poisson

    warnings.simplefilter("ignore")
    from morphologies.bundled import bundled_path

    path = SHARED if SHARED.exists() else bundled_path("L5pyr")
    cell = M.load(path)
    disc = M.discretise(cell, rule, d_lambda=0.1, Ri=150, Cm=1)
    model = CellModel(disc, Ri=150, Rm=20000, EL=-70, dt=0.025)
    if active:  # Hay et al. (2011) channels (library defaults) at the soma and apical trunk
        from dendrites.mechanisms import HAY2011

        trunk = {"type": "apical", "max_distance": 400}
        for name in HAY2011:
            model.insert(name, where="soma")
        for name in ("NaTa_t", "SKv3_1", "Ih", "Im", "Ca_HVA", "Ca_LVAst", "SK_E2",
                     "CaDynamics_E2"):
            model.insert(name, where=trunk)
        model.set("celsius", 34.0)
    sites = place(model, 100, where="dendrite", seed=1)
    model.add_synapses("ampa", sites, name="exc", weight=0.5)
    model.set_input("exc", homogeneous_poisson(5.0, duration, 100, seed=2).unique_per_bin(0.025)[0])
    model.record("v", 0)
    return model


def _point(kind, duration, out):
    start = time.perf_counter()
    result = {"kind": kind}
    if kind == "neuron":
        from dendrites.reference import neuron_model

        model = _model("d_lambda", duration)
        ref = neuron_model(model)
        t0 = time.perf_counter()
        _, v = ref.run(duration, record=[0])
        result["run_s"] = time.perf_counter() - t0
        result["v"] = v[0].tolist()
        result["n"] = model.n
    elif kind in ("standalone", "active_standalone"):
        model = _model("d_lambda", duration, active=kind.startswith("active"))
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            res = model.run_standalone(duration, d)
            result["total_s"] = time.perf_counter() - t0
            result["run_s"] = model.standalone_run_time
        result["v"] = res.soma_v().tolist()
        result["n"] = model.n
    else:
        rule = "full" if kind == "full" else "d_lambda"
        model = _model(rule, duration, active=kind.startswith("active"))
        t0 = time.perf_counter()
        model.run(duration, target="cython")
        result["cold_s"] = time.perf_counter() - t0
        model.set_synapses("exc", weight=0.5)  # a new value: must not recompile
        t0 = time.perf_counter()
        res = model.run(duration, target="cython")
        result["run_s"] = time.perf_counter() - t0
        result["v"] = res.soma_v().tolist()
        result["n"] = model.n
    result["wall_s"] = time.perf_counter() - start
    result["peak_MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(result))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0, help="ms (1000)")
    parser.add_argument("--active", action="store_true",
                        help="also the Hay channel set on the soma and apical trunk (toolkit only)")
    parser.add_argument("--point", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.point:
        _point(args.point, args.duration, args.out)
        return 0
    results = {}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kinds = ["runtime", "standalone", "full", "neuron"]
    if args.active:
        kinds += ["active", "active_standalone"]
    for kind in kinds:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            out = f.name
        subprocess.run([sys.executable, __file__, "--point", kind, "--duration",
                        str(args.duration), "--out", out], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results[kind] = json.loads(Path(out).read_text())
        os.unlink(out)
    sim_s = args.duration / 1000
    v = {k: np.asarray(r["v"]) for k, r in results.items()}
    n = min(len(x) for x in v.values())
    rms = lambda a, b: float(np.sqrt(np.mean((v[a][:n] - v[b][:n]) ** 2)))  # noqa: E731
    print(f"L5 pyramidal cell, passive, 100 AMPA synapses at 5 Hz, dt 0.025 ms, {args.duration:g} ms")
    print(f"{'point':34s} {'compartments':>12s} {'s per s sim':>12s} {'peak MiB':>9s}")
    r = results["runtime"]
    print(f"{'toolkit runtime (cython), warm':34s} {r['n']:12d} {r['run_s'] / sim_s:12.3f} {r['peak_MiB']:9.0f}")
    print(f"{'toolkit runtime, cold (compiling)':34s} {r['n']:12d} {r['cold_s'] / sim_s:12.3f} {'':9s}")
    s = results["standalone"]
    print(f"{'toolkit cpp_standalone, run loop':34s} {s['n']:12d} {s['run_s'] / sim_s:12.3f} {s['peak_MiB']:9.0f}")
    print(f"{'toolkit cpp_standalone, build+run':34s} {s['n']:12d} {s['total_s'] / sim_s:12.3f} {'':9s}")
    f = results["full"]
    print(f"{'toolkit full SWC resolution, warm':34s} {f['n']:12d} {f['run_s'] / sim_s:12.3f} {f['peak_MiB']:9.0f}")
    nr = results["neuron"]
    print(f"{'NEURON 9, same discretisation':34s} {nr['n']:12d} {nr['run_s'] / sim_s:12.3f} {nr['peak_MiB']:9.0f}")
    if args.active:
        a, b = results["active"], results["active_standalone"]
        print(f"{'active (Hay soma+trunk), runtime warm':34s} {a['n']:12d} {a['run_s'] / sim_s:12.3f} {a['peak_MiB']:9.0f}")
        print(f"{'active, cpp_standalone loop':34s} {b['n']:12d} {b['run_s'] / sim_s:12.3f} {b['peak_MiB']:9.0f}")
        print(f"active soma RMS runtime vs cpp_standalone: {rms('active', 'active_standalone'):.2e} mV; "
              f"soma range {np.ptp(v['active']):.1f} mV")
    print(f"speed-up vs NEURON: runtime {nr['run_s'] / r['run_s']:.2f}x, "
          f"cpp_standalone loop {nr['run_s'] / s['run_s']:.2f}x")
    print(f"soma RMS d_lambda vs full resolution: {rms('runtime', 'full'):.4f} mV")
    print(f"soma RMS toolkit vs NEURON (same discretisation): {rms('runtime', 'neuron'):.4f} mV")
    print(f"soma RMS runtime vs cpp_standalone: {rms('runtime', 'standalone'):.2e} mV")
    print(f"soma depolarisation range: {np.ptp(v['runtime']):.2f} mV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
