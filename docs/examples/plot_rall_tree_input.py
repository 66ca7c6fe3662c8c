"""
Distal burst on a ball and Rall tree: local depolarisation and somatic attenuation
==================================================================================

Counterpart of the original demo ``input_on_Ball_and_RallsTree``: a soma of
10 um and a Rall tree (root 2 um x 100 um, five levels, diameters x 2^(-2/3)
per level), passive (gL 0.29 S/m2, Cm 0.91 uF/cm2, Ri 100 ohm cm, EL -75 mV),
one AMPA (1 nS, 0.5/5 ms) + NMDA (2.7 nS, 3/70 ms) synapse on a terminal
branch, five spikes at 5 ms intervals.  The NMDA Mg block here is Jahr and
Stevens (1990), ``1/(1 + [Mg]/3.57 exp(-0.062 V))``, instead of the original's
``1/(1 + 0.33 [Mg] exp(-V/12.5))``.

Key results (module variables): ``dendrite_peak_mV`` and ``soma_peak_mV``
(depolarisation above rest), ``attenuation`` (soma/dendrite).
"""
import os

import matplotlib.pyplot as plt
import numpy as np

import morphologies as M
from dendrites import CellModel
from stimuli.spikes import SpikeTrains

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
onset, tstop = (20.0, 120.0) if REDUCED else (200.0, 400.0)

cell = M.rall_tree(5, trunk_length=100, trunk_diameter=2, soma_diameter=10)
model = CellModel(M.discretise(cell, "max_length", max_length=5), Ri=100, Cm=0.91,
                  gL=0.29e-4, EL=-75, dt=0.025)
table = model.compartments
tip = int(np.argmax(table.distance))           # a compartment on a terminal branch
site = int(np.flatnonzero(table.section == table.section[tip])[2])
ampa, nmda = model.add_synapses("ampa+nmda", [site], weight=1.0, nmda_ratio=2.7,
                                ampa_tau_rise=0.5, ampa_tau_decay=5.0, nmda_tau_rise=3.0,
                                nmda_tau_decay=70.0)
model.set_input(ampa, SpikeTrains([0] * 5, onset + 5.0 * np.arange(5), 1, 0, tstop))
model.record("v", [0, site])
res = model.run(tstop)
t, v = res.trace("v")
rest = v[:, 0].copy()
dendrite_peak_mV = float(np.max(v[1] - rest[1]))
soma_peak_mV = float(np.max(v[0] - rest[0]))
attenuation = soma_peak_mV / dendrite_peak_mV

fig, axes = plt.subplots(2, 1, figsize=(6, 4), sharex=True)
axes[0].plot(t, v[1], color="#d62728")
axes[0].set_ylabel(f"dendrite (mV)\n{table.distance[site]:.0f} um")
axes[1].plot(t, v[0], color="k")
axes[1].set_ylabel("soma (mV)")
axes[1].set_xlabel("t (ms)")
for a in axes:
    a.spines[["top", "right"]].set_visible(False)
fig.suptitle(f"burst of 5 spikes: dendrite +{dendrite_peak_mV:.1f} mV, "
             f"soma +{soma_peak_mV:.2f} mV")
fig.tight_layout()
