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


#: the toolkit's own fit used for each network (network/data/tf_coefficients.json)
OWN_FIT = {"di Volo 2019": "toolkit:diVolo2019", "RS-FS (seed cells, 10k)": "toolkit:RS-FS",
           "di Volo 2019, b = 0": "toolkit:diVolo2019"}


def _network_stats(runs):
    table = {}
    for r in runs:
        key = (r["network"], r["drive"])
        table.setdefault(key, []).append(r)
    out = {}
    for key, rs in table.items():
        out[key] = {"n_seeds": len(rs), "seeds": [r["seed"] for r in rs],
                    "t_transient": rs[0]["t_transient"], "t_measure": rs[0]["t_measure"]}
        for pop in ("Exc", "Inh"):
            v = np.array([r["rates"][pop] for r in rs])
            out[key][pop] = (float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else float("nan"))
        w = np.array([r["W"]["Exc"] for r in rs])
        out[key]["W_Exc"] = (float(w.mean()), float(w.std(ddof=1)) if len(w) > 1 else float("nan"))
    return out


def mean_field_predictions(networks=None, drives=(2.0, 4.0, 6.0, 8.0)):
    """Low-branch fixed points (first order with published and own coefficients, second order published)."""
    import warnings

    from .mean_field import MeanField, MeanFieldWarning

    out = {}
    for name in networks or NETWORKS:
        Model = NETWORKS[name]
        for label, coeffs, order in (("MF1 published", "published", 1), ("MF1 own fit", OWN_FIT[name], 1),
                                     ("MF2 published", "published", 2)):
            mf = MeanField(Model, coefficients=coeffs, order=order)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MeanFieldWarning)
                fps = mf.continuation([0.0] + list(drives))[1:]
            for d, fp in zip(drives, fps):
                out[(name, float(d), label)] = {"Exc": fp.rates["Exc"], "Inh": fp.rates["Inh"],
                                                "W_Exc": fp.W.get("Exc", 0.0), "branch": fp.branch,
                                                "stable": fp.stable, "note": fp.note}
    return out


def open_loop(stats, n_cells=100, t_measure=2000.0, seed=11):
    """Single cells driven at the network's measured operating point, against the transfer functions.

    For each network and population, one characterisation run whose points are the
    measured (nu_Exc, nu_Inh, drive) of every drive; returns the cells' rates and the
    published / own-fit transfer functions there (with the measured W for the RS cells).
    """
    from .. import transfer_functions as tfs
    from .tf import TransferFunction

    out = {}
    for name in sorted({k[0] for k in stats}):
        Model = NETWORKS[name]
        keys = sorted(k for k in stats if k[0] == name)
        pts = {"Exc": np.array([stats[k]["Exc"][0] for k in keys]), "Inh": np.array([stats[k]["Inh"][0] for k in keys]),
               "AffExc": np.array([k[1] for k in keys])}
        for pop in ("Exc", "Inh"):
            data = tfs.characterise(Model, pop, pts, n_seeds=n_cells, t_measure=t_measure, seed=seed,
                                    inputs=["Exc", "Inh", "AffExc"], product=False)
            W = data["W_mean"]
            pub = TransferFunction(Model, pop, "published")(pts, W=W)
            from .tf import load_coefficients

            own = TransferFunction(Model, pop, load_coefficients(OWN_FIT[name], [pop])[pop])(pts, W=W)
            for i, k in enumerate(keys):
                se = data["Fout_std"][i] / np.sqrt(n_cells)
                out[(name, k[1], pop)] = {"cells": float(data["Fout_mean"][i]), "cells_se": float(se),
                                          "W_cells": float(W[i]), "TF published": float(pub[i]),
                                          "TF own fit": float(own[i])}
    return out


def _pct(a, b):
    return 100.0 * (a - b) / b if b > 0 else float("nan")


def summarise(out_dir, open_loop_cells=100):
    """Network statistics, mean-field predictions and the open loop; write JSON, return the markdown tables."""
    runs = json.load(open(os.path.join(out_dir, "network_runs.json")))
    stats = _network_stats(runs)
    nets = [n for n in NETWORKS if any(k[0] == n for k in stats)]
    drives = sorted({k[1] for k in stats})
    mf = mean_field_predictions(nets, drives)
    ol = open_loop(stats, n_cells=open_loop_cells)
    lines = ["| network | drive (Hz) | pop | network (mean ± sd over seeds) | MF1 published | err | "
             "MF1 own fit | err | MF2 published | err |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name in nets:
        for d in drives:
            st = stats.get((name, d))
            if st is None:
                continue
            for pop in ("Exc", "Inh"):
                m, sd = st[pop]
                row = f"| {name} | {d:g} | {pop} | {m:.3f} ± {sd:.3f} (n={st['n_seeds']}) |"
                for label in ("MF1 published", "MF1 own fit", "MF2 published"):
                    p = mf[(name, d, label)]
                    flag = "" if p["branch"] == "low" else f" ({p['branch']})"
                    row += f" {p[pop]:.3f}{flag} | {_pct(p[pop], m):+.1f} % |"
                lines.append(row)
    ol_lines = ["| network | drive (Hz) | pop | network | single cells at the network's point (± se) | "
                "TF published | err vs cells | TF own fit | err vs cells |",
                "|---|---|---|---|---|---|---|---|---|"]
    for (name, d, pop), v in sorted(ol.items()):
        net = stats[(name, d)][pop][0]
        ol_lines.append(f"| {name} | {d:g} | {pop} | {net:.3f} | {v['cells']:.3f} ± {v['cells_se']:.3f} | "
                        f"{v['TF published']:.3f} | {_pct(v['TF published'], v['cells']):+.1f} % | "
                        f"{v['TF own fit']:.3f} | {_pct(v['TF own fit'], v['cells']):+.1f} % |")
    w_lines = ["| network | drive (Hz) | network W_Exc (pA) | MF1 published | MF1 own fit |", "|---|---|---|---|---|"]
    for name in nets:
        for d in drives:
            st = stats.get((name, d))
            if st is None or NETWORKS[name]["Exc_b"] == 0:
                continue
            w_lines.append(f"| {name} | {d:g} | {st['W_Exc'][0]:.1f} ± {st['W_Exc'][1]:.1f} | "
                           f"{mf[(name, d, 'MF1 published')]['W_Exc']:.1f} | {mf[(name, d, 'MF1 own fit')]['W_Exc']:.1f} |")
    notes = sorted({f"{k[0]}, {k[2]}: {v['note']}" for k, v in mf.items() if v["note"]})
    result = {"network": {f"{k[0]} @ {k[1]:g} Hz": v for k, v in stats.items()},
              "mean_field": {f"{k[0]} @ {k[1]:g} Hz / {k[2]}": v for k, v in mf.items()},
              "open_loop": {f"{k[0]} @ {k[1]:g} Hz / {k[2]}": v for k, v in ol.items()}, "notes": notes}
    with open(os.path.join(out_dir, "accuracy_results.json"), "w") as fh:
        json.dump(result, fh, indent=1)
    text = ("### Closed loop: stationary rates (Hz)\n\n" + "\n".join(lines) +
            "\n\n### Adaptation current\n\n" + "\n".join(w_lines) +
            "\n\n### Open loop: the transfer function alone (Hz)\n\n" + "\n".join(ol_lines) +
            "\n\n### Notes of the continuation\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    with open(os.path.join(out_dir, "accuracy_tables.md"), "w") as fh:
        fh.write(text)
    return text


def figure(out_dir, filename):
    """Stationary rates against the drive: networks (markers) and mean fields (lines), one panel per network."""
    import warnings

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .mean_field import MeanField, MeanFieldWarning
    from .plots import rates_vs_drive

    stats = _network_stats(json.load(open(os.path.join(out_dir, "network_runs.json"))))
    nets = [n for n in NETWORKS if any(k[0] == n for k in stats)]
    fig, axes = plt.subplots(1, len(nets), figsize=(4.2 * len(nets), 3.4))
    grid = np.linspace(0.0, 10.0, 41)
    for ax, name in zip(np.atleast_1d(axes), nets):
        drives = sorted(k[1] for k in stats if k[0] == name)
        network = {p: (np.array([stats[(name, d)][p][0] for d in drives]),
                       np.array([stats[(name, d)][p][1] for d in drives])) for p in ("Exc", "Inh")}
        preds = {}
        for label, coeffs in (("MF published", "published"), ("MF own fit", OWN_FIT[name])):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MeanFieldWarning)
                fps = MeanField(NETWORKS[name], coefficients=coeffs).continuation(grid)
            preds[label] = (grid, {p: np.array([fp.rates[p] for fp in fps]) for p in ("Exc", "Inh")})
        rates_vs_drive(drives, network, preds, ax=ax)
        ax.set_title(name, fontsize=9)
        ax.set_yscale("log")
        ax.set_ylim(1e-3, 100)
    fig.tight_layout()
    fig.savefig(filename, dpi=110)
    plt.close(fig)
    return filename


if __name__ == "__main__":  # pragma: no cover
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="output/accuracy")
    p.add_argument("--networks-only", action="store_true")
    p.add_argument("--transient", type=float, default=2000.0)
    p.add_argument("--measure", type=float, default=2000.0)
    p.add_argument("--seeds", default="1,2")
    p.add_argument("--drives", default="2,4,6,8")
    p.add_argument("--network", action="append", default=None)
    p.add_argument("--summarise", action="store_true", help="only the mean field, open loop and tables")
    p.add_argument("--open-loop-cells", type=int, default=100)
    p.add_argument("--figure", default=None, help="also draw rates against drive into this PNG")
    a = p.parse_args()
    if not a.summarise:
        run_networks(a.out, [float(x) for x in a.drives.split(",")], [int(x) for x in a.seeds.split(",")],
                     a.transient, a.measure, a.network)
    if not a.networks_only:
        print(summarise(a.out, a.open_loop_cells))
    if a.figure:
        figure(a.out, a.figure)
