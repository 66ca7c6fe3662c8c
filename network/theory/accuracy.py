"""The documented accuracy protocol: network stationary rates against the mean field.

Run as ``python -m network.theory.accuracy [--reduced] [--out DIR]``.  For each
network (the seed's RS-FS cells at 10,000 cells, and di Volo et al. 2019's
8000 RS + 2000 FS network) and each external drive (2, 4, 6, 8 Hz) it

1. runs the spiking network (``t_transient`` + ``t_measure`` ms, several seeds) and
   measures the stationary rate of every population and the mean adaptation
   current W of the adapting population over the measurement window (from the
   state at its end);
2. predicts the stationary rates by the mean field (low-branch fixed point by
   continuation in the drive) with the published di Volo coefficients and with the
   toolkit's own fit (``network/data/tf_coefficients.json``);
3. runs the transfer function alone (open loop): single cells driven by Poisson
   input at the network's measured rates, to tell the fit error from the network
   effects.

Results go to ``<out>/accuracy_results.json`` and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

__all__ = ["DI_VOLO_MODEL", "RS_FS_10K_MODEL", "run_network_point", "run_protocol"]

#: di Volo, Romagnoni, Capone & Destexhe (Neural Comput 2019), ModelDB 263236,
#: as a flat Model dict (ms, mV, pF, nS, pA, Hz): 8000 RS (b = 60 pA) + 2000 FS,
#: p = 0.05, Qe = 1.5 nS, Qi = 5 nS, Tsyn = 5 ms, external drive through
#: 400 Poisson inputs of weight Qe on both populations.
DI_VOLO_MODEL = {
    "N_Exc": 8000, "N_Inh": 2000, "N_AffExc": 8000,
    "Q_Exc_Exc": 1.5, "Q_Exc_Inh": 1.5, "Q_Inh_Exc": 5.0, "Q_Inh_Inh": 5.0,
    "Q_AffExc_Exc": 1.5, "Q_AffExc_Inh": 1.5,
    "p_Exc_Exc": 0.05, "p_Exc_Inh": 0.05, "p_Inh_Exc": 0.05, "p_Inh_Inh": 0.05,
    "p_AffExc_Exc": 0.05, "p_AffExc_Inh": 0.05,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 4000.0, "SEED": 1,
    "Exc_Gl": 10.0, "Exc_Cm": 200.0, "Exc_Trefrac": 5.0, "Exc_El": -65.0, "Exc_Vthre": -50.0,
    "Exc_Vreset": -65.0, "Exc_deltaV": 2.0, "Exc_a": 0.0, "Exc_b": 60.0, "Exc_tauw": 500.0,
    "Inh_Gl": 10.0, "Inh_Cm": 200.0, "Inh_Trefrac": 5.0, "Inh_El": -65.0, "Inh_Vthre": -50.0,
    "Inh_Vreset": -65.0, "Inh_deltaV": 0.5, "Inh_a": 0.0, "Inh_b": 0.0, "Inh_tauw": 1e9,
}


def _rs_fs_10k():
    from ..examples import RS_FS_MODEL

    M = dict(RS_FS_MODEL)
    # 10,000 cells with the seed's in-degrees (K_ee = 200, K_ie = 50, K_aff = 200)
    M.update({"N_Exc": 8000, "N_Inh": 2000, "p_Exc_Exc": 0.025, "p_Exc_Inh": 0.025,
              "p_Inh_Exc": 0.025, "p_Inh_Inh": 0.025, "tstop": 4000.0})
    return M


RS_FS_10K_MODEL = _rs_fs_10k()


def run_network_point(Model, drive, seed, t_transient=2000.0, t_measure=2000.0, verbose=False):
    """Run one network at a constant external drive and measure its stationary state.

    Parameters
    ----------
    Model : dict
        Populations ``Exc``, ``Inh`` and the afferent ``AffExc`` (seed units).
    drive : float
        Rate of each afferent cell, Hz.
    seed : int
        Seeds the connectivity, the drive and the network.
    t_transient, t_measure : float
        Durations in ms.

    Returns
    -------
    dict
        ``rates`` (Hz per population over the measurement window), ``W`` (mean
        adaptation current of each population at the end, pA), ``wall_s``.
    """
    import brian2 as b2

    from .. import build, collect_and_run, stim

    M = dict(Model, tstop=float(t_transient + t_measure), SEED=int(seed))
    t0 = time.perf_counter()
    NTWK = build.populations(M, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"], with_raster=True,
                             with_pop_act=False)
    build.recurrent_connections(NTWK, SEED=1000 + int(seed))
    t_array = np.arange(int(round(M["tstop"] / M["dt"]))) * M["dt"]
    for pop in ["Exc", "Inh"]:
        stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, np.full_like(t_array, float(drive)),
                                         SEED=2000 + int(seed))
    build.initialize_to_rest(NTWK)
    collect_and_run(NTWK, verbose=verbose)
    out = {"rates": {}, "W": {}, "drive": float(drive), "seed": int(seed),
           "t_transient": float(t_transient), "t_measure": float(t_measure)}
    for pop in ["Exc", "Inh"]:
        t = np.asarray(NTWK["RASTER"][pop].t / b2.ms)
        n = int(M[f"N_{pop}"])
        out["rates"][pop] = float(np.sum(t >= t_transient) / n / (t_measure * 1e-3))
        out["W"][pop] = float(np.mean(np.asarray(NTWK["NEURONS"][pop].w / b2.pA)))
    out["wall_s"] = time.perf_counter() - t0
    return out


#: di Volo's network without adaptation (b = 0): where the mean field is known to fail.
DI_VOLO_NO_ADAPTATION_MODEL = dict(DI_VOLO_MODEL, Exc_b=0.0)

NETWORKS = {"di Volo 2019": DI_VOLO_MODEL, "RS-FS (seed cells, 10k)": RS_FS_10K_MODEL,
            "di Volo 2019, b = 0": DI_VOLO_NO_ADAPTATION_MODEL}


def run_networks(out_dir, drives=(2.0, 4.0, 6.0, 8.0), seeds=(1, 2), t_transient=2000.0, t_measure=2000.0,
                 networks=None):
    """Run every (network, drive, seed) one at a time, appending to ``network_runs.json``."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "network_runs.json")
    runs = json.load(open(path)) if os.path.exists(path) else []
    done = {(r["network"], r["drive"], r["seed"], r["t_transient"], r["t_measure"]) for r in runs}
    for name in networks or NETWORKS:
        for drive in drives:
            for seed in seeds:
                key = (name, float(drive), int(seed), float(t_transient), float(t_measure))
                if key in done:
                    continue
                r = run_network_point(NETWORKS[name], drive, seed, t_transient, t_measure)
                r["network"] = name
                runs.append(r)
                with open(path + ".tmp", "w") as fh:
                    json.dump(runs, fh, indent=1)
                os.replace(path + ".tmp", path)
                print(f"[accuracy] {name} drive {drive:g} Hz seed {seed}: "
                      f"Exc {r['rates']['Exc']:.3f} Hz, Inh {r['rates']['Inh']:.3f} Hz, "
                      f"W_Exc {r['W']['Exc']:.1f} pA ({r['wall_s']:.0f} s)", flush=True)
    return runs


if __name__ == "__main__":  # pragma: no cover
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="output/accuracy")
    p.add_argument("--networks-only", action="store_true")
    p.add_argument("--transient", type=float, default=2000.0)
    p.add_argument("--measure", type=float, default=2000.0)
    p.add_argument("--seeds", default="1,2")
    p.add_argument("--drives", default="2,4,6,8")
    p.add_argument("--network", action="append", default=None)
    a = p.parse_args()
    run_networks(a.out, [float(x) for x in a.drives.split(",")], [int(x) for x in a.seeds.split(",")],
                 a.transient, a.measure, a.network)
