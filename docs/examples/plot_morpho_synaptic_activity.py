"""
Distributed excitatory and inhibitory Poisson input: soma and dendrite voltage
==============================================================================

Counterpart of the original demo ``morphology_with_synaptic_act``: the bundled
L2/3 pyramidal cell (Cm 1, Ri 150, leak 1e-4 S/cm2 at -75 mV), excitatory
AMPA (2.5 nS) + NMDA (6.75 nS, 100 ms decay) synapses at 0.5 per 100 um2 of
dendritic membrane driven at 2.5 Hz each, and GABA-A (4 nS, 0.5/5 ms) at 0.15
per 100 um2 at 5 Hz.  The original's calcium channels (HVA, T, M, KCa with
calcium dynamics) had Na and K at zero and changed calcium by < 1 nM; the
toolkit's mechanism library has no such channels yet, so this counterpart is
passive (stated).  The toolkit's NMDA conductance is normalised to its peak
(6.75 nS), the original's was not, so the depolarisation here is much larger than
the original's (-79 ... -68 mV at the soma).  The reduced run is 100 ms.

Key results: ``soma_range_mV`` and ``dendrite_range_mV`` (min, max), ``n_exc``, ``n_inh``.
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from dendrites import CellModel, place
from stimuli.spikes import homogeneous_poisson

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
tstop = 100.0 if REDUCED else 430.0

model = CellModel("L23pyr", Ri=150, Cm=1, gL=1e-4, EL=-75, dt=0.025)
exc = place(model, density=0.5 / 100, per="area", where="dendrite", weighting="area", seed=1)
inh = place(model, density=0.15 / 100, per="area", where="dendrite", weighting="area", seed=2)
n_exc, n_inh = len(exc), len(inh)
a, _ = model.add_synapses("ampa+nmda", exc, weight=2.5, nmda_ratio=6.75 / 2.5,
                          nmda_tau_decay=100.0)
g = model.add_synapses("gabaa", inh, weight=4.0, tau_rise=0.5, tau_decay=5.0)
model.set_input(a, homogeneous_poisson(2.5, tstop, n_exc, seed=3).unique_per_bin(model.dt)[0])
model.set_input(g, homogeneous_poisson(5.0, tstop, n_inh, seed=4).unique_per_bin(model.dt)[0])
dend = int(np.argmax(model.compartments.distance * (model.compartments.type == 3)))
model.record("v", [0, dend])
t, v = model.run(tstop).trace("v")
soma_range_mV = (float(v[0].min()), float(v[0].max()))
dendrite_range_mV = (float(v[1].min()), float(v[1].max()))

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(t, v[1], color="#d62728", lw=0.8, label="distal basal dendrite")
ax.plot(t, v[0], color="k", lw=0.8, label="soma")
ax.set_xlabel("t (ms)")
ax.set_ylabel("v (mV)")
ax.legend(frameon=False, fontsize=8)
ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout()
