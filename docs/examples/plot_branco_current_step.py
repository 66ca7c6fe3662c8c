"""
Somatic current steps on the L5 pyramidal cell with Traub HH channels
=====================================================================

Counterpart of the original ``from_papers/Branco_et_al_2010`` demo, which (despite
its name) is a somatic current step: the bundled L5 pyramidal cell (Cm 1,
Ri 100, leak 0.2 pS/um2 = 2e-5 S/cm2 at -75 mV) with Traub-style HH channels
(VT -52 mV, E_Na 50, E_K -100 mV) at 1500/200 pS/um2 (Na/K) in the soma and
0.01 pS/um2 elsewhere, 300 pA from 100 to 300 ms and from 400 to 600 ms, 800 ms
at dt 0.01 ms (reduced: dt 0.025 ms, 300 ms with the first step from 100 to
200 ms).  The dendritic sequence protocol of the paper is
``plot_branco_sequence.py``.

Key results: ``spikes_in_steps``, ``spikes_outside`` (counts at the soma).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

from dendrites import CellModel

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
dt, tstop = (0.025, 300.0) if REDUCED else (0.01, 800.0)
steps = [(100.0, 100.0)] if REDUCED else [(100.0, 200.0), (400.0, 200.0)]

model = CellModel("L5pyr", Ri=100, Cm=1, gL=2e-5, EL=-75, dt=dt)
model.insert("traub", gNabar=1e-6, gKbar=1e-6)            # 0.01 pS/um2 everywhere
model.set("gNabar_traub", 0.15, where="soma")              # 1500 pS/um2
model.set("gKbar_traub", 0.02, where="soma")               # 200 pS/um2
for start, length in steps:
    model.inject(0, 0.3, start=start, duration=length)
model.record("v", [0, 70])
t, v = model.run(tstop).trace("v")
up = np.flatnonzero((v[0][1:] >= 0) & (v[0][:-1] < 0))
spike_times = t[up + 1]
inside = np.zeros(len(spike_times), dtype=bool)
for start, length in steps:
    inside |= (spike_times >= start) & (spike_times < start + length + 5)
spikes_in_steps = int(inside.sum())
spikes_outside = int((~inside).sum())

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(t, v[0], "k", lw=0.7, label="soma")
ax.plot(t, v[1], color="#9467bd", lw=0.7, label="compartment 70")
ax.set_xlabel("t (ms)")
ax.set_ylabel("v (mV)")
ax.legend(frameon=False, fontsize=8)
ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout()
