"""Benchmark: transfer-function characterisation, vectorised against one run per point.

Characterises di Volo et al.'s FS cell (``network.theory.accuracy.DI_VOLO_MODEL``,
population ``Inh``, inputs Exc/Inh/AffExc) on a 20 x 20 grid of (nu_Exc, nu_Inh)
with 10 seeds and 2 s per point (+ 200 ms discarded): 4000 cells in ONE brian2 run
(:func:`network.transfer_functions.characterise`).  Baseline in the same script:
the original approach, one brian2 run per grid point (10 cells each), timed on a
few points and extrapolated to the 400 points.  Both warm (code compiled by a
first short run of the same structure).  Target: the whole grid under 60 s warm on
2 cores.  Peak memory is the process's maximum resident set size.

Run: ``python benchmarks/bench_transfer_function.py [--points 3] [--seconds 2]``.
"""

import argparse
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from network import transfer_functions as tfs  # noqa: E402
from network.theory.accuracy import DI_VOLO_MODEL  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=3, help="grid points run one by one (baseline)")
    p.add_argument("--seconds", type=float, default=2.0, help="measurement per point, s")
    p.add_argument("--grid", type=int, default=20)
    p.add_argument("--seeds", type=int, default=10)
    a = p.parse_args()
    grid = {"Exc": np.linspace(0.5, 20.0, a.grid), "Inh": np.linspace(0.5, 40.0, a.grid), "AffExc": [0.0]}
    T = a.seconds * 1e3
    # warm-up: the same structure, short (compiles once; later runs reuse the code)
    t0 = time.perf_counter()
    tfs.characterise(DI_VOLO_MODEL, "Inh", {"Exc": [1.0], "Inh": [1.0], "AffExc": [0.0]}, n_seeds=2,
                     t_measure=10.0, t_discard=0.0)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = tfs.characterise(DI_VOLO_MODEL, "Inh", grid, n_seeds=a.seeds, t_measure=T, t_discard=200.0)
    vec = time.perf_counter() - t0
    mem_vec = peak_mb()
    n_points = a.grid * a.grid
    # baseline: one run per point (the original protocol), a few points
    rng = np.random.default_rng(0)
    idx = rng.choice(n_points, a.points, replace=False)
    t0 = time.perf_counter()
    for k in idx:
        pt = {"Exc": [data["F_Exc"][k]], "Inh": [data["F_Inh"][k]], "AffExc": [0.0]}
        tfs.characterise(DI_VOLO_MODEL, "Inh", pt, n_seeds=a.seeds, t_measure=T, t_discard=200.0)
    per_point = (time.perf_counter() - t0) / a.points
    cells = n_points * a.seeds
    print(f"transfer-function characterisation: {a.grid} x {a.grid} grid x {a.seeds} seeds = {cells} cells, "
          f"{T / 1e3 + 0.2:g} s simulated per cell, dt = {DI_VOLO_MODEL['dt']} ms")
    print(f"{'approach':<42}{'wall (s)':>12}{'per point (s)':>15}{'peak RSS (MB)':>15}")
    print(f"{'vectorised: all cells in one run (warm)':<42}{vec:12.1f}{vec / n_points:15.3f}{mem_vec:15.0f}")
    print(f"{'baseline: one run per point (extrapolated)':<42}{per_point * n_points:12.1f}{per_point:15.3f}"
          f"{peak_mb():15.0f}")
    print(f"first (compiling) run of the structure: {warm:.1f} s; speed-up {per_point * n_points / vec:.1f}x; "
          f"target < 60 s warm: {'met' if vec < 60 else 'NOT met'}")
    print(f"mean output rate over the grid {data['Fout_mean'].mean():.2f} Hz "
          f"(range {data['Fout_mean'].min():.2f}-{data['Fout_mean'].max():.2f} Hz)")


if __name__ == "__main__":
    main()
