"""
A sweep on Dask: the RS-FS network over drive and adaptation
============================================================

**Question.** How do the firing rates of the RS-FS network depend on the afferent
drive and on the spike-triggered adaptation ``b`` of its excitatory (regular
spiking) cells?

**Model.** The RS-FS example (4000 excitatory AdExp cells with adaptation, 1000
fast-spiking inhibitory cells, recurrent in-degree 200 excitatory + 50 inhibitory
inputs per cell, ``Q = 1 / 4 nS``) driven by 200 independent Poisson afferents per
cell at a *constant* rate ``nu`` (no bump), for 1 s. Every point of the grid
``nu x b`` is a separate simulation: its seeds derive from its parameters, so the
map is the same whatever the number of workers.

**The sweep** runs on a Dask LocalCluster (sized to the machine; pass
``scheduler='tcp://host:8786'`` to use a cluster started e.g. with dask-jobqueue)
and records every point in one HDF5 store. Running this script again resumes:
finished points are read from the store, not recomputed.

**The figure** shows the mean rates (after a 200 ms transient) of both
populations as heat maps: rates grow with the drive, and adaptation lowers the
excitatory rate (and with it the inhibitory one).

**Reduced size** (``NND_GALLERY_REDUCED=1``): the RS-FS network at a tenth of its
size with the same in-degrees (``extends: rs-fs-small``), 300 ms, a 3 x 3 grid.
"""

import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np

from network import sweeps
from network.sweeps.simulation import network_point

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

if REDUCED:
    model = {"extends": "rs-fs-small", "tstop": 300.0, "analysis": {"t_start": 100.0}}
    drives, adaptations = [2.0, 4.0, 8.0], [0.0, 30.0, 60.0]
else:
    model = {"extends": "rs-fs", "tstop": 1000.0, "analysis": {"t_start": 200.0},
             "drive": {"afferent": "AffExc", "targets": ["Exc", "Inh"], "rate": 4.0, "seed": 32},
             "recording": {"raster": True, "Vm": 0}}
    drives, adaptations = [2.0, 3.0, 4.0, 6.0, 8.0], [0.0, 15.0, 30.0, 45.0, 60.0]

# %%
# The sweep
# ---------
# The point function :func:`~network.sweeps.simulation.network_point` builds the
# network of ``model`` with the point's values (``drive.rate`` is the rate of the
# model's drive, ``Exc_b`` a Model key), runs it and returns the mean rate and ISI
# CV of each population. ``workers=2`` sizes the LocalCluster; leave it out to use
# every core.

store = os.path.join(tempfile.gettempdir(), "nnd-gallery-sweep-rs-fs" + ("-reduced" if REDUCED else "") + ".h5")
space = sweeps.grid(**{"drive.rate": drives, "Exc_b": adaptations})

if __name__ == "__main__":  # dask's worker processes import this file again: sweep in the main one only
    result = sweeps.run_sweep(network_point, space, store, fixed={"model": model}, workers=2)
    summary = result.summary()
    print(summary[["drive.rate", "Exc_b", "status", "rate_Exc", "rate_Inh", "run_time", "worker"]])

# %%
# The maps
# --------
# :meth:`~network.sweeps.SweepResult.output` gives each output on the grid's shape
# (drive x b), NaN where a point is not done.

if __name__ == "__main__":
    rates_exc, rates_inh = result.output("rate_Exc"), result.output("rate_Inh")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    for ax, rates, pop, cmap in ((axes[0], rates_exc, "Exc (RS)", "Greens"), (axes[1], rates_inh, "Inh (FS)", "Reds")):
        im = ax.imshow(rates.T, origin="lower", cmap=cmap, aspect="auto")
        ax.set_xticks(range(len(drives)), [f"{d:g}" for d in drives])
        ax.set_yticks(range(len(adaptations)), [f"{b:g}" for b in adaptations])
        ax.set_xlabel("afferent drive (Hz)")
        ax.set_ylabel("adaptation b of Exc (pA)")
        ax.set_title(f"{pop} mean rate")
        for i in range(len(drives)):
            for j in range(len(adaptations)):
                ax.text(i, j, f"{rates[i, j]:.1f}", ha="center", va="center", fontsize=8,
                        color="white" if rates[i, j] > np.nanmax(rates) * 0.6 else "black")
        fig.colorbar(im, ax=ax, label="rate (Hz)")
    plt.show()
