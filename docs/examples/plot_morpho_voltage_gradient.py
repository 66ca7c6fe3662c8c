"""
The voltage map of a cell after three strong NMDA inputs
========================================================

Counterpart of the original demo ``voltage_gradient_in_morpho``: the bundled
L2/3 pyramidal cell, passive (Cm 1, Ri 150, leak 1e-4 S/cm2 at -75 mV), three
AMPA (12 nS) + NMDA (32.4 nS) synapses on basal and apical dendrites, spikes at
10 ms (and 11 ms at the second), 60 ms at dt 0.025 ms; the cell coloured by
the final voltage (-75 ... -40 mV).  The original's compartments 400, 1000 and
2250 belong to its 12,418-compartment discretisation; here the three sites are
drawn with a seed at the same relative positions in the dendrites.

Key results: ``final_range_mV`` (min, max of the final map), ``site_final_mV``
(at the three sites), ``soma_final_mV``.
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from dendrites import CellModel, place
from stimuli.spikes import SpikeTrains

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

model = CellModel("L23pyr", Ri=150, Cm=1, gL=1e-4, EL=-75, dt=0.025)
sites = place(model, 3, where="dendrite", min_distance=50, seed=7)
a, _ = model.add_synapses("ampa+nmda", sites, weight=12.0, nmda_ratio=32.4 / 12.0)
model.set_input(a, SpikeTrains([0, 1, 1, 2], [10.0, 10.0, 11.0, 10.0], 3, 0, 60))
model.record("v", "all", dt=0.5 if REDUCED else 0.025)  # the map is sampled every 0.5 ms when reduced
res = model.run(60)
t, v = res.trace("v")
final = v[:, -1]
final_range_mV = (float(final.min()), float(final.max()))
site_final_mV = final[sites.compartment]
soma_final_mV = float(final[0])

fig3d = res.view(time=60.0, cmin=-75, cmax=-40, colorscale="Hot")  # plotly, offline HTML
fig, ax = plt.subplots(figsize=(4.5, 4.5))
table = model.compartments
keep = table.type != 2
sc = ax.scatter(table.x[keep], table.y[keep], c=final[keep], s=4, cmap="copper", vmin=-75,
                vmax=-40)
ax.plot(table.x[sites.compartment], table.y[sites.compartment], "o", mfc="none", mec="r")
fig.colorbar(sc, ax=ax, label="v at 60 ms (mV)")
ax.set_aspect("equal")
ax.set_axis_off()
fig.tight_layout()
