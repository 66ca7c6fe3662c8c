"""
EPSP maps of several cells and conditions as a Dask sweep
=========================================================

**Question.** How does the somatic EPSP of one synapse decay with its path
distance to the soma in different bundled reconstructions, and how much does the
specific membrane resistance ``Rm`` change it?

**Method.** Each point of the sweep ``cell x Rm`` builds a passive
:class:`dendrites.CellModel` of a bundled reconstruction and computes its EPSP map
with :func:`dendrites.experiments.epsp_map` (current synapse, kernel method: one
brian2 run per cell gives the somatic transfer kernel of every site by
reciprocity).  The points run on the workers of a Dask LocalCluster
(``workers=2``) and are recorded in one HDF5 store (running the script again reads
them back).  The sites are drawn with a fixed seed, the same for both ``Rm``
values of a cell.

**Reduced size** (``NND_GALLERY_REDUCED=1``): two cells (``L23BPC``, ``L23pyr``),
60 sites each, 40 ms windows (full: three cells, every compartment, 80 ms).

Module-level results: ``maps`` (``{(cell, Rm): DataFrame of the map's sites}``),
``table`` (one row per cell and condition), ``result`` (the
:class:`~network.sweeps.SweepResult`).
"""

import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from network import sweeps

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

if REDUCED:
    cells, sites, duration = ["L23BPC", "L23pyr"], 60, 40.0
else:
    cells, sites, duration = ["L23BPC", "L23pyr", "L5pyr"], "all", 80.0
rms = [10000.0, 30000.0]  # ohm cm2
CELL = {"Ri": 150.0, "Cm": 1.0, "EL": -70.0, "dt": 0.1}
SYNAPSE = {"synapse": "current", "weight": 0.5, "method": "kernel"}


# %%
# The point function
# ------------------
# Returns the map's columns as arrays (mV, um, ms) and a few scalars (which go
# into the sweep's summary table).

def epsp_point(cell, Rm, sites, duration, cell_options, synapse, site_seed):
    """EPSP map of the bundled ``cell`` at ``Rm`` (ohm cm2): its columns as arrays."""
    import warnings

    from dendrites import CellModel
    from dendrites.errors import DendriteWarning
    from dendrites.experiments import epsp_map

    model = CellModel(cell, Rm=Rm, **cell_options)
    with warnings.catch_warnings():  # long EPSPs at high Rm may not halve within the window
        warnings.simplefilter("ignore", DendriteWarning)
        m = epsp_map(model, sites, duration=duration, seed=site_seed, progress=False, **synapse)
    f = m.frame
    out = {c: f[c].to_numpy() for c in ("compartment", "distance_um", "local_peak_mV", "soma_peak_mV",
                                        "attenuation", "latency_ms")}
    out["type"] = f["type"].to_numpy().astype(str)
    out.update(n_sites=len(f), n_compartments=model.n, soma_peak_max_mV=float(f["soma_peak_mV"].max()),
               soma_peak_median_mV=float(f["soma_peak_mV"].median()),
               attenuation_median=float(f["attenuation"].median()),
               max_distance_um=float(f["distance_um"].max()))
    return out


store = os.path.join(tempfile.gettempdir(), "nnd-gallery-sweep-epsp" + ("-reduced" if REDUCED else "") + ".h5")
space = sweeps.grid(cell=cells, Rm=rms)
fixed = {"sites": sites, "duration": duration, "cell_options": CELL, "synapse": SYNAPSE, "site_seed": 4}

# %%
# The sweep and the summary table
# -------------------------------

if __name__ == "__main__":  # dask's worker processes import this file again: sweep in the main one only
    result = sweeps.run_sweep(epsp_point, space, store, fixed=fixed, workers=2)
    table = result.summary()[["cell", "Rm", "status", "n_compartments", "n_sites", "soma_peak_max_mV",
                              "soma_peak_median_mV", "attenuation_median", "max_distance_um", "run_time",
                              "worker"]]
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table)
    maps = {(r["parameters"]["cell"], r["parameters"]["Rm"]): pd.DataFrame(r["outputs"])
            for r in result.records if r["status"] == "done"}

# %%
# The figure
# ----------
# Somatic EPSP peak against path distance, one panel per cell, one colour per
# ``Rm``: the peak falls with distance, and a higher ``Rm`` (larger input
# resistance, slower membrane) gives larger somatic EPSPs at every site.

if __name__ == "__main__":
    fig, axes = plt.subplots(1, len(cells), figsize=(3.3 * len(cells), 3.2), sharey=True,
                             constrained_layout=True)
    for ax, cell in zip(np.atleast_1d(axes), cells):
        for rm, col in zip(rms, ("tab:blue", "tab:red")):
            f = maps[(cell, rm)]
            ax.scatter(f["distance_um"], f["soma_peak_mV"], s=5, lw=0, alpha=0.7, color=col,
                       label=f"Rm = {rm / 1000:g} k$\\Omega$ cm$^2$")
        ax.set_yscale("log")
        ax.set_xlabel("path distance to soma (um)")
        ax.set_title(cell, fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel("somatic EPSP peak (mV)")
    np.atleast_1d(axes)[0].legend(fontsize=7, frameon=False, markerscale=2)
    plt.show()
