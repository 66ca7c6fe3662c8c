"""Benchmark: the all-compartment EPSP map of the L5 pyramidal cell, three ways, and the Branco sweep.

On the bundled L5 pyramidal cell (d_lambda 0.1 at 100 Hz, passive: Ri 150 ohm cm,
Cm 1 uF/cm2, Rm 20000 ohm cm2, EL -70 mV, dt 0.025 ms, 50 ms per site, current
synapse of 0.5 nS x (E - V_rest), AMPA kinetics 0.2/2 ms):

1. the toolkit's map of every compartment by the reciprocity kernel (one run);
2. the toolkit's own site-by-site direct simulation on a sample of sites,
   extrapolated to every compartment (the baseline it replaces);
3. NEURON (PyPI ``neuron``) site by site on the same sample, with the same
   geometry (:func:`dendrites.reference.neuron_model`: one NEURON segment per
   brian2 compartment, 3D points at brian2's compartment boundaries with its
   boundary diameters, so the same frustum areas and axial resistances; the soma a
   cylinder of the sphere's area) and backward Euler at the same dt, timed on the
   run loop only (:meth:`~dendrites.reference.NeuronReference.epsps`);

and prints time per site and for the whole map, the speed-up over NEURON, the
maximum difference in somatic peak between the methods on the sample, and peak
memory.  Then the Branco sweep (2 directions x 9 intervals, with and without
NMDA, on the L2/3 pyramidal cell) warm.  Targets: map >= 100x faster than
NEURON site by site, somatic peaks within 1 %; Branco sweep < 60 s warm.

Run: ``python benchmarks/bench_epsp_map.py [--sample 20]`` from the repository root.
"""

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def neuron_site_by_site(model, rows, weight, duration, repeat=1):
    """NEURON's site-by-site EPSPs (:meth:`dendrites.reference.NeuronReference.epsps`).

    The cell is built by :func:`dendrites.reference.neuron_model` (brian2's frusta as 3D
    points); the time per site is that of the run loop only (backward Euler, the model's dt).
    """
    from dendrites.reference import neuron_model

    ref = neuron_model(model)
    best = None
    for _ in range(repeat):  # best of repeats, like the toolkit's map
        res = ref.epsps(rows, "current", weight=weight, duration=duration)
        if best is None or res.seconds_per_site < best.seconds_per_site:
            best = res
    return best, ref


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=20, help="sites of the site-by-site runs")
    parser.add_argument("--skip-branco", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timings are the best of this many repeats (map and NEURON sample)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from dendrites import CellModel
    from dendrites.experiments import direct_epsp, epsp_map, sequence_experiment

    model = CellModel("L5pyr", Ri=150, Cm=1, Rm=20000, EL=-70, dt=0.025)
    n, duration, weight = model.n, 50.0, 0.5
    print(f"L5pyr, d_lambda 0.1: {n} compartments, {duration:g} ms per site, dt {model.dt} ms")
    epsp_map(model, synapse="current", weight=weight, duration=duration)  # warm (compile)
    t_map = np.inf
    for _ in range(args.repeat):  # best of repeats: the machine may be shared
        t0 = time.perf_counter()
        em = epsp_map(model, synapse="current", weight=weight, duration=duration)
        t_map = min(t_map, time.perf_counter() - t0)
    rows = np.sort(np.random.default_rng(0).choice(n, args.sample, replace=False))
    direct_epsp(model, rows[:1], "current", weight=weight, duration=duration, progress=False)
    t0 = time.perf_counter()
    _, _, soma = direct_epsp(model, rows, "current", weight=weight, duration=duration,
                             progress=False)
    t_direct = (time.perf_counter() - t0) / len(rows)
    nrn, ref = neuron_site_by_site(model, rows, weight, duration, args.repeat)
    peaks_nrn, t_nrn = nrn.soma_peak, nrn.seconds_per_site
    kernel = em.frame.soma_peak_mV.to_numpy()[rows]
    local = em.frame.local_peak_mV.to_numpy()[rows]
    print(f"{'method':44s} {'per site (ms)':>14s} {'whole map (s)':>14s}")
    print(f"{'toolkit kernel map (reciprocity, resolvent)':44s} {1e3 * t_map / n:14.3f} "
          f"{t_map:14.2f}")
    print(f"{'toolkit direct, site by site (extrapolated)':44s} {1e3 * t_direct:14.1f} "
          f"{t_direct * n:14.1f}")
    print(f"{'NEURON site by site (extrapolated)':44s} {1e3 * t_nrn:14.1f} {t_nrn * n:14.1f}")
    print(f"speed-up of the map: {t_direct * n / t_map:.0f}x over site-by-site brian2, "
          f"{t_nrn * n / t_map:.0f}x over NEURON (target >= 100x)")
    print(f"max |kernel - direct| somatic peak on {len(rows)} sites: "
          f"{np.max(np.abs(kernel - soma.max(1))):.2e} mV "
          f"({np.max(np.abs(kernel / soma.max(1) - 1)):.2e} relative)")
    rel = np.abs(kernel / peaks_nrn - 1) * 100
    rel_local = np.abs(local / nrn.local_peak - 1) * 100
    print(f"max |kernel - NEURON| / NEURON somatic peak: {rel.max():.2e} % (median "
          f"{np.median(rel):.2e} %; target < 1 %); local peak: {rel_local.max():.2e} % "
          f"(median {np.median(rel_local):.2e} %)")
    print(f"soma input resistance brian2 {model.passive_system().input_resistance(0) / 1e6:.6f} "
          f"MOhm, NEURON {ref.input_resistance(0):.6f} MOhm; membrane area brian2 "
          f"{model.compartments.area.sum():.2f} um2, NEURON {ref.areas().sum():.2f} um2")
    for r, k, p_ in zip(rows, kernel, peaks_nrn):
        print(f"  site {r:5d} ({model.compartments.type_name[r]:6s} "
              f"{model.compartments.distance[r]:6.0f} um): kernel {k:.5f} mV, NEURON {p_:.5f} mV "
              f"({100 * (k / p_ - 1):+.1e} %)")
    if not args.skip_branco:
        l23 = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
        sequence_experiment(l23, intervals=[0], nmda=(True,), progress=False)  # warm
        for workers in (1, 2):
            t0 = time.perf_counter()
            res = sequence_experiment(l23, progress=False, workers=workers)
            t_b = time.perf_counter() - t0
            shared = int(((res.frame.interval_ms == 0) & (res.frame.direction == "OUT")).sum())
            print(f"Branco sweep (2 x 9 intervals x NMDA on/off = {len(res.frame)} rows, "
                  f"{len(res.frame) - shared} runs, L23pyr {l23.n} compartments), "
                  f"workers={workers}: "
                  f"{t_b:.1f} s warm (target < 60 s)")
        r = res.ratio()
        print("IN/OUT with NMDA: " + ", ".join(f"{x.interval_ms:g} ms {x.ratio:.3f}"
                                                for x in r[r.nmda].itertuples()))
        print("IN/OUT AMPA only: " + ", ".join(f"{x.interval_ms:g} ms {x.ratio:.3f}"
                                                for x in r[~r.nmda].itertuples()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
