"""
A transfer-function grid split over Dask workers
================================================

**Question.** What is the output rate of the seed's fast-spiking (``Inh``) cell of
the RS-FS network as a function of its excitatory and inhibitory input rates
``(nu_e, nu_i)``, and how well does the semi-analytical transfer function
(Zerlaut et al. 2016) fitted to it follow the simulated points?

**Method.** :func:`network.transfer_functions.characterise` simulates every point
of a grid (times its seeds) as one cell of a single brian2 group, in one run.
Here the grid is cut into blocks of ``nu_i`` values and every block is one point of
a sweep (:func:`network.sweeps.run_sweep`): the blocks run in parallel on the
workers of a Dask LocalCluster (``workers=2``; pass ``scheduler='tcp://host:8786'``
to use a cluster started by dask-jobqueue), each with its own seed derived from the
block's parameters (so the result does not depend on the number of workers), and
are recorded in one HDF5 store (running the script again reads them back instead of
recomputing them).  The client gathers the blocks into one characterisation dict,
in grid order, and fits the 10 coefficients with
:func:`network.theory.fitting.fit_coefficients`.

Inputs: ``K_e = p_Exc_Inh N_Exc = 200`` excitatory synapses of ``Q = 1 nS`` and
``K_i = 50`` inhibitory ones of ``4 nS`` (the RS-FS Model), Poisson at ``nu_e`` and
``nu_i``; no external drive.

**Reduced size** (``NND_GALLERY_REDUCED=1``): 8 x 4 points in 2 blocks, 2 seeds,
1 s of measurement (full: 16 x 8 points in 4 blocks, 4 seeds, 4 s).

Module-level results: ``data`` (the gathered characterisation), ``fit``
(:class:`~network.theory.fitting.FitResult`), ``result`` (the
:class:`~network.sweeps.SweepResult`), ``summary`` (its table).
"""

import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np

from network import sweeps
from network import transfer_functions as tfs
from network.examples import RS_FS_MODEL
from network.theory import fitting
from network.theory.tf import TransferFunction

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

POP, INPUTS = "Inh", ["Exc", "Inh"]
if REDUCED:
    nu_e, nu_i, n_blocks, n_seeds, t_measure = np.linspace(1.0, 20.0, 8), [2.0, 6.0, 12.0, 20.0], 2, 2, 1000.0
else:
    nu_e, nu_i, n_blocks, n_seeds, t_measure = (np.linspace(0.5, 20.0, 16), [1.0, 2.5, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0],
                                                4, 4, 4000.0)
nu_e = [float(x) for x in nu_e]
blocks = [list(b) for b in np.array_split(np.asarray(nu_i, dtype=float), n_blocks)]


# %%
# The point function
# ------------------
# One point = one block of ``nu_i`` values times the whole ``nu_e`` axis,
# characterised in one brian2 run.  Its ``seed`` is the point's seed (from the block
# index and the sweep's base seed).  Outputs are plain arrays (Hz, pA, mV).

def tf_block(Model, pop, inputs, nu_e, blocks, block, n_seeds, t_measure, seed):
    """Characterise ``pop`` on ``nu_e x blocks[block]`` (one brian2 run)."""
    d = tfs.characterise(Model, pop, {"Exc": nu_e, "Inh": blocks[block]}, n_seeds=n_seeds, t_measure=t_measure,
                         seed=seed, inputs=inputs)
    return {"F_Exc": d["F_Exc"], "F_Inh": d["F_Inh"], "Fout": d["Fout"], "Fout_mean": d["Fout_mean"],
            "Fout_std": d["Fout_std"], "W_mean": d["W_mean"], "V_mean": d["V_mean"], "wall_s": d["wall_s"],
            "n_cells": int(d["Fout"].size)}


def gather(result, Model, pop, inputs):
    """One characterisation dict (as ``characterise`` returns) from the blocks, in grid order (nu_e, nu_i)."""
    recs = sorted((r for r in result.records if r["status"] == "done"), key=lambda r: r["parameters"]["block"])
    if len(recs) != len(blocks):
        raise RuntimeError(f"{len(blocks) - len(recs)} blocks are not done: {result!r}")
    cat = {k: np.concatenate([np.asarray(r["outputs"][k]).reshape(len(nu_e), -1, *np.shape(r["outputs"][k])[1:])
                              for r in recs], axis=1).reshape(-1, *np.shape(recs[0]["outputs"][k])[1:])
           for k in ("F_Exc", "F_Inh", "Fout", "Fout_mean", "Fout_std", "W_mean", "V_mean")}
    return {"Model": dict(Model), "pop": pop, "inputs": list(inputs),
            "grid": {"Exc": np.asarray(nu_e), "Inh": np.asarray(nu_i, dtype=float)},
            "shape": [len(nu_e), len(nu_i)], "n_seeds": n_seeds, **cat,
            "seeds": [int(r["seed"]) for r in recs]}


store = os.path.join(tempfile.gettempdir(), "nnd-gallery-sweep-tf" + ("-reduced" if REDUCED else "") + ".h5")
space = sweeps.grid(block=list(range(n_blocks)))
fixed = {"Model": dict(RS_FS_MODEL), "pop": POP, "inputs": INPUTS, "nu_e": nu_e, "blocks": blocks,
         "n_seeds": n_seeds, "t_measure": t_measure}

# %%
# The sweep, the gathered grid and the fit
# ----------------------------------------
# ``run_sweep`` starts a LocalCluster of 2 workers (the points run brian2: it is
# imported in every worker's main thread first).  The summary table has one row per
# block: its seed, run time and worker.

if __name__ == "__main__":  # dask's worker processes import this file again: sweep in the main one only
    result = sweeps.run_sweep(tf_block, space, store, fixed=fixed, seed=11, workers=2)
    summary = result.summary()
    print(summary[["block", "status", "seed", "n_cells", "wall_s", "run_time", "worker"]])
    data = gather(result, RS_FS_MODEL, POP, INPUTS)
    fit = fitting.fit_coefficients(data, Fout_max=150.0)
    tf = TransferFunction(RS_FS_MODEL, POP, fit.coefficients)
    print(f"{data['Fout'].size} cells in {len(blocks)} blocks; fit on {int(fit.fitted.sum())} of {fit.fitted.size} "
          f"points, rms error {fit.rms_error:.2f} Hz, median relative error {100 * fit.median_relative_error:.1f} %")

# %%
# The figure
# ----------
# Output rate against ``nu_e``, one colour per ``nu_i``: the simulated points
# (mean +- sd over the seeds) and the fitted transfer function (lines).  The rate
# rises with excitation and falls with inhibition.

if __name__ == "__main__":
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(nu_i)))
    fine = np.linspace(min(nu_e), max(nu_e), 200)
    mean = data["Fout_mean"].reshape(len(nu_e), len(nu_i))
    std = data["Fout_std"].reshape(len(nu_e), len(nu_i))
    for ax, logy in ((axes[0], False), (axes[1], True)):
        for j, (col, vi) in enumerate(zip(colors, nu_i)):
            ax.errorbar(nu_e, mean[:, j], yerr=std[:, j], fmt="o", ms=3.5, color=col, lw=0.8,
                        label=f"{vi:g} Hz")
            ax.plot(fine, np.asarray(tf({"Exc": fine, "Inh": np.full_like(fine, vi), "AffExc": np.zeros_like(fine)})), "-", color=col, lw=1)
        ax.set_xlabel(r"$\nu_e$ (Hz)")
        ax.set_ylabel(r"$\nu_{out}$ of the FS cell (Hz)")
        if logy:
            ax.set_yscale("log")
            ax.set_ylim(0.1, 300)
    axes[0].legend(title=r"$\nu_i$", fontsize=7, title_fontsize=8, frameon=False, ncol=2)
    axes[0].set_title(f"{len(blocks)} blocks on 2 workers: simulated (markers), fit (lines)", fontsize=8)
    axes[1].set_title(f"fit rms error {fit.rms_error:.1f} Hz over {int(fit.fitted.sum())} points", fontsize=8)
    plt.show()
