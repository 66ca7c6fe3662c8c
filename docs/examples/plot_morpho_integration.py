"""
A single EPSP on a reconstructed cell, at the soma and at the synapse, and the map of all sites
===============================================================================================

Counterpart of the original demo ``morpho_integration``: the bundled L5
pyramidal cell, passive (gL 1e-4 S/cm2, EL -70 mV, Cm 1 uF/cm2, Ri 100 ohm cm),
one exponential synapse (10 nS, 5 ms) on the most distal dendritic compartment (the
original took the last compartment of its file order), one
spike at 5 ms, 60 ms at dt 0.1 ms.  Then the EPSP map of every compartment
(reciprocity kernel: one somatic injection gives the somatic EPSP of all sites)
with the classic scatter of amplitude against distance.

Key results: ``local_peak_mV``, ``soma_peak_mV`` of the single synapse,
``map_sites`` and ``map_attenuation_range`` of the map.
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from dendrites import CellModel
from dendrites.experiments import epsp_map
from stimuli.spikes import SpikeTrains

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

model = CellModel("L5pyr", Ri=100, Cm=1, Rm=10000, EL=-70, dt=0.1)
site = int(np.argmax(model.compartments.distance * (model.compartments.type != 2)))  # distal dendrite
group = model.add_synapses("ampa", [site], weight=10.0, tau_rise=0, tau_decay=5.0)
model.set_input(group, SpikeTrains([0], [5.0], 1, 0, 60))
model.record("v", [0, site])
t, v = model.run(60).trace("v")
local_peak_mV = float(np.max(v[1] - v[1, 0]))
soma_peak_mV = float(np.max(v[0] - v[0, 0]))

passive = CellModel("L5pyr", Ri=100, Cm=1, Rm=10000, EL=-70, dt=0.1)
em = epsp_map(passive, 200 if REDUCED else "all", synapse="ampa", weight=1.0, duration=60)
map_sites = len(em)
map_attenuation_range = (float(em.frame.attenuation.min()), float(em.frame.attenuation.max()))

fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].plot(t, v[1], color="#d62728", label=f"synapse ({model.compartments.distance[site]:.0f} um)")
axes[0].plot(t, v[0], color="k", label="soma")
axes[0].set_xlabel("t (ms)")
axes[0].set_ylabel("v (mV)")
axes[0].legend(frameon=False, fontsize=8)
axes[0].spines[["top", "right"]].set_visible(False)
em.scatter("soma_peak_mV", ax=axes[1])
axes[1].set_title("somatic EPSP of a 1 nS AMPA synapse, every site", fontsize=9)
fig.tight_layout()
# the 3D map (offline HTML with morphologies.save_html): em.view("attenuation")
