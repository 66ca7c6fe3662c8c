"""Benchmark of the connectivity samplers against the original project's per-target loop.

For the RS-FS sizes (4000 excitatory, 1000 inhibitory cells, p = 0.05) and a 4x
larger network, times :func:`network.connectivity.fixed_indegree_with_replacement`
(the original rule, vectorised), :func:`network.connectivity.fixed_indegree` (the
toolkit's default, without replacement) and, as the baseline in the same process,
the original project's sampler: one ``np.random.choice(np.delete(np.arange(N), [j]), K)``
per target cell.  Each figure is the median of ``--repeat`` runs, then one more
run under :mod:`tracemalloc` for the peak Python memory.  Prints a table.

    PYTHONPATH=. python benchmarks/bench_connectivity.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from network import connectivity


def _original_loop(N_pre, N_post, p, seed, same):
    """The original ``random_connections`` draw (its algorithm, for timing only)."""
    rng = np.random.RandomState(seed)
    K = int(p * N_pre)
    if same:
        pre = [rng.choice(np.delete(np.arange(N_pre), [j]), K) for j in range(N_post)]
    else:
        pre = [rng.choice(np.arange(N_pre), K) for _ in range(N_post)]
    return np.concatenate(pre), np.repeat(np.arange(N_post), K)


def _measure(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'projection':<26} {'sampler':<34} {'time (s)':>9} {'peak MiB':>9} {'synapses':>10}")
    for N_pre, N_post, p in ((4000, 4000, 0.05), (1000, 4000, 0.05), (16000, 16000, 0.05)):
        same = N_pre == N_post
        label = f"{N_pre}->{N_post}, p={p}"
        runs = {
            "original rule, vectorised": lambda: connectivity.fixed_indegree_with_replacement(
                N_pre, N_post, p, seed=1, autapses=not same),
            "fixed_indegree (no replacement)": lambda: connectivity.fixed_indegree(
                N_pre, N_post, p, seed=1, autapses=not same),
            "baseline: original per-target loop": lambda: _original_loop(N_pre, N_post, p, 1, same),
        }
        for name, func in runs.items():
            seconds, peak = _measure(func, args.repeat)
            print(f"{label:<26} {name:<34} {seconds:>9.3f} {peak:>9.1f} {N_post * int(p * N_pre):>10}")


if __name__ == "__main__":
    main()
