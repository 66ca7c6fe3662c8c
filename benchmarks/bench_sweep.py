"""Benchmark a 16-point network sweep on a 2-worker LocalCluster beside a serial loop.

The network is the RS-FS example at a tenth of its size with the same in-degrees
(``extends: rs-fs-small``: 400 + 100 AdExp cells, 200 + 50 recurrent and 200
afferent inputs per cell, 500 ms), swept over the drive (3, 4, 6, 8 Hz) x the
adaptation b of the excitatory cells (0, 20, 40, 60 pA), each point summarised by
the populations' mean rates and CVs (:func:`network.sweeps.simulation.network_point`).

Two ways, in this script:

* ``serial`` -- a plain python loop calling the point function 16 times in this
  process (the baseline: what a user writes without the sweep API);
* ``sweep``  -- :func:`network.sweeps.run_sweep` on a LocalCluster of 2 worker
  processes, with the HDF5 store written after every finished point.

Each starts from a cold brian2 Cython cache (a fresh directory each, through
``CYTHON_CACHE_DIR``), so its first point includes code generation and
compilation; that point is reported apart.  The sweep is then run once more on a
warm cache (a new store), the steady state of a user's second sweep.

Figures printed:

``first``     run time of the first point (compilation included); for the sweep
              the mean over the two workers' first points
``rest``      mean run time of the other points (inside the point function)
``wall``      wall time of the 16 points (sweep: from ``run_sweep`` to its return,
              cluster start-up excluded, reported as ``startup``)
``speed-up``  serial wall / sweep wall; ``w/o 1st``: the serial loop's mean time per
              point after its first, over the sweep's wall time per point after the
              workers' first points
``overhead``  per point: (workers x wall - sum of point run times) / points, the
              worker time not spent in the point function (scheduling, transfer,
              the client's store writes, idle workers at the end)
``RSS``       peak resident memory of this process (client + serial loop) and of
              the largest worker

Usage: ``python benchmarks/bench_sweep.py [--workers 2] [--tstop 500] [--cache-dir DIR]``.  Also
checks that the sweep's outputs equal the serial loop's (the same seeds).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

DRIVES = [3.0, 4.0, 6.0, 8.0]
ADAPTATIONS = [0.0, 20.0, 40.0, 60.0]


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tstop", type=float, default=500.0)
    parser.add_argument("--cache-dir", default=None,
                        help="folder of the two Cython caches (cache-serial, cache-sweep) and stores; "
                             "give the folder of an earlier run for warm caches (default: a fresh one)")
    args = parser.parse_args(argv)

    tmp = args.cache_dir or tempfile.mkdtemp(prefix="bench-sweep-")
    for name in ("cold.h5", "warm.h5"):  # the stores are always new: every point runs
        if os.path.exists(os.path.join(tmp, name)):
            os.unlink(os.path.join(tmp, name))
    os.environ["CYTHON_CACHE_DIR"] = os.path.join(tmp, "cache-serial")  # before brian2 is imported
    import numpy as np
    from distributed import Client, LocalCluster

    from network.sweeps import grid, point_seed, run_sweep
    from network.sweeps.simulation import network_point

    model = {"extends": "rs-fs-small", "tstop": args.tstop}
    space = grid(**{"drive.rate": DRIVES, "Exc_b": ADAPTATIONS})
    n = len(space)
    print(f"[bench] {n} points of the reduced RS-FS network ({args.tstop:g} ms each), "
          f"{args.workers} workers vs a serial loop; caches in {tmp}", flush=True)

    # --- serial loop (baseline)
    serial_times, serial_out = [], []
    t0 = time.perf_counter()
    for p in space:
        t1 = time.perf_counter()
        serial_out.append(network_point(model, seed=point_seed(p, 0), **p))
        serial_times.append(time.perf_counter() - t1)
    serial_wall = time.perf_counter() - t0
    print(f"[bench] serial: first {serial_times[0]:.1f} s, rest {np.mean(serial_times[1:]):.2f} s/point, "
          f"wall {serial_wall:.1f} s", flush=True)

    def sweep(cache, store):
        t_start = time.perf_counter()
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0",
                               silence_logs=40, env={"CYTHON_CACHE_DIR": cache})
        client = Client(cluster)
        from network.sweeps.worker import prepare_client

        prepare_client(client)
        client.run(lambda: None)
        startup = time.perf_counter() - t_start
        t1 = time.perf_counter()
        result = run_sweep(network_point, space, store, fixed={"model": model}, client=client, progress=False)
        wall = time.perf_counter() - t1
        rss = max(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
        client.close()
        cluster.close()
        return result, startup, wall, rss

    cold, startup, cold_wall, worker_rss = sweep(os.path.join(tmp, "cache-sweep"), os.path.join(tmp, "cold.h5"))
    warm, startup_warm, warm_wall, _ = sweep(os.path.join(tmp, "cache-sweep"), os.path.join(tmp, "warm.h5"))
    assert cold.complete and warm.complete, [r["error"] for r in cold.failed + warm.failed]

    def stats(result, wall):
        recs = result.records
        firsts = {}
        for r in sorted(recs, key=lambda r: r["finished"]):
            firsts.setdefault(r["worker"], r)
        first = [r["run_time"] for r in firsts.values()]
        rest = [r["run_time"] for r in recs if all(r is not f for f in firsts.values())]
        overhead = (args.workers * wall - sum(r["run_time"] for r in recs)) / n
        # wall time per point after the first points (run side by side on the workers)
        rest_wall = (wall - max(first)) / max(n - len(first), 1)
        return np.mean(first), np.mean(rest), overhead, rest_wall

    same = all(np.allclose([s[k] for s in serial_out], [r["outputs"][k] for r in cold.records], equal_nan=True)
               for k in serial_out[0])
    print()
    print(f"{'':10s} {'first':>8s} {'rest/pt':>8s} {'wall':>8s} {'startup':>8s} {'speed-up':>9s} "
          f"{'w/o 1st':>8s} {'overhead':>9s}")
    print(f"{'serial':10s} {serial_times[0]:8.2f} {np.mean(serial_times[1:]):8.3f} {serial_wall:8.2f} "
          f"{0:8.2f} {1:9.2f} {1:8.2f} {'-':>9s}")
    for name, result, wall, up in (("sweep", cold, cold_wall, startup), ("sweep warm", warm, warm_wall, startup_warm)):
        first, rest, overhead, rest_wall = stats(result, wall)
        print(f"{name:10s} {first:8.2f} {rest:8.3f} {wall:8.2f} {up:8.2f} {serial_wall / wall:9.2f} "
              f"{np.mean(serial_times[1:]) / rest_wall:8.2f} {overhead:9.3f}")
    print(f"\n[bench] outputs of the sweep == serial loop (same seeds): {same}")
    print(f"[bench] peak RSS: this process (client + serial loop) {_rss_mb():.0f} MB, "
          f"largest worker {worker_rss:.0f} MB")
    rates = cold.output("rate_Exc")
    print("[bench] rate_Exc (Hz), rows: drive " + str(DRIVES) + ", columns: b " + str(ADAPTATIONS))
    print(np.array2string(rates, precision=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
