"""Benchmark :func:`stimuli.inhomogeneous_poisson` against a naive per-time-step loop.

Afferent drive of 400 and 4000 sources over 1.5 s at dt = 0.1 ms (15000 bins),
with a Gaussian-bump rate rising from 4 Hz to 8 Hz.  For each size the script
times (best of ``--repeat`` runs, ``time.perf_counter``) and measures the peak
traced memory (a separate run under :mod:`tracemalloc`, which sees numpy's
buffers) of:

* ``naive loop`` -- the original project's generator: a Python loop over time
  steps, one Bernoulli draw per source and step (``rng.random(n) < rate*dt``),
  then a Python loop appending each spike.  It is only an approximation of a
  Poisson process (at most one spike per bin, spikes at bin starts);
* ``superposition`` / ``cellwise`` -- the two exact methods of
  :func:`~stimuli.spikes.inhomogeneous_poisson`, with the rate shared by all
  sources (1-D) and given per source (2-D, every row identical).

The ratios are relative to the naive loop of the same size (>1 = slower/larger).

Usage::

    python benchmarks/bench_stimuli.py [--repeat 3] [--sizes 400 4000]
"""

import argparse
import platform
import time
import tracemalloc

import numpy as np

from stimuli import gaussian, inhomogeneous_poisson, time_grid

DT = 0.1  # ms
TSTOP = 1500.0  # ms


def rate_profile(t):
    """Afferent rate (Hz) on times ``t`` (ms): 4 Hz baseline plus a 4 Hz Gaussian bump at 750 ms."""
    return gaussian(t, 750.0, 150.0, 4.0, 4.0)


def naive_loop(rate, dt, n_sources, seed):
    """Per-time-step generator in the style of the original project (approximate).

    Parameters
    ----------
    rate : numpy.ndarray
        Rate in Hz on the grid ``k*dt``.
    dt : float
        Time step in ms.
    n_sources : int
        Number of sources.
    seed : int
        Random seed.

    Returns
    -------
    indices, times : numpy.ndarray
        Source index and time (ms) of each spike.
    """
    rng = np.random.default_rng(seed)
    indices, times = [], []
    for it in range(rate.size):
        for i in np.flatnonzero(rng.random(n_sources) < rate[it] * dt * 1e-3):
            indices.append(i)
            times.append(it * dt)
    return np.array(indices), np.array(times)


def measure(func, repeat):
    """Return (result, best wall time in s, peak traced memory in bytes) of ``func()``."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
        del result
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, best, peak


def main(argv=None):
    """Run the benchmark and print the table.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (best is kept)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 4000], help="numbers of sources")
    args = parser.parse_args(argv)

    t = time_grid(TSTOP, DT)
    rate = rate_profile(t)
    print(f"inhomogeneous Poisson, {t.size} bins of {DT} ms, rate {rate.min():.1f}-{rate.max():.1f} Hz; "
          f"numpy {np.__version__}, python {platform.python_version()}, {platform.machine()}")
    header = (f"{'sources':>7} | {'method':<22} | {'spikes':>7} | {'time [ms]':>9} | "
              f"{'peak mem [MB]':>13} | {'time/naive':>10} | {'mem/naive':>9}")
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        rate2d = np.tile(rate, (n, 1))  # built outside the measurements
        cases = [
            ("naive loop", lambda: naive_loop(rate, DT, n, seed=1)),
            ("superposition (1-D)", lambda: inhomogeneous_poisson(rate, DT, n, seed=1)),
            ("cellwise (1-D)", lambda: inhomogeneous_poisson(rate, DT, n, seed=1, method="cellwise")),
            ("superposition (2-D)", lambda: inhomogeneous_poisson(rate2d, DT, n, seed=1)),
            ("cellwise (2-D)", lambda: inhomogeneous_poisson(rate2d, DT, n, seed=1, method="cellwise")),
        ]
        reference = None
        for name, func in cases:
            result, seconds, peak = measure(func, args.repeat)
            n_spikes = len(result[0]) if isinstance(result, tuple) else len(result)
            reference = reference or (seconds, peak)
            print(f"{n:>7} | {name:<22} | {n_spikes:>7} | {seconds * 1e3:>9.1f} | {peak / 2**20:>13.2f} | "
                  f"{seconds / reference[0]:>10.3f} | {peak / reference[1]:>9.2f}")
        del rate2d


if __name__ == "__main__":
    main()
