"""
A hand-wired microcircuit: current steps at scheduled times
===========================================================

**Question.** The microcircuit of
:ref:`sphx_glr_auto_examples_plot_12_toy_network_stim.py` (5 E and 2 I cells wired
by hand): what does each cell do to the others when it alone is made to fire by a
current step?

**Model.** As in the ``stim`` mode, without the afferent events. Seven
rectangular current steps of 280 pA (20-25 ms), one every 100 ms from 130 ms, each
on one cell (in order E0, I1, E1, I0, E2, E4, E3), scheduled inside brian2 with
:func:`network.stim.current_pulses`.

**The original** (``toy-network.py steps``) set the currents with Python
callbacks at intermediate stops of the run (``INTERMEDIATE_INSTRUCTIONS``, each
written as an ``exec`` string); its plot then crashed (``tzoom=None``). Here the
steps are part of the model: no callback, no stop, and the same code works with
``cpp_standalone``.

**The figure.** Raster and membrane potentials: each pulse makes its cell fire
once. 280 pA / 10 nS = 28 mV above rest is beyond the 17 (I) or 20 (E) mV to
threshold, but with tau = 20 ms the membrane gets there only after
``t* = tau ln(I / (I - Gl (Vthre - El)))``: 18.7 ms for an I cell (20 ms pulse)
and 25.06 ms for an E cell, just past its 25 ms pulse. With brian2's forward
Euler step (0.1 ms) the E cells cross threshold on the last step of their pulse
(by 0.003 mV, at ``start + 24.9 ms``); in exact arithmetic they would miss it by
0.02 mV. After the reset a second spike would need another 3 + t* ms: one spike
per pulse. The targets show the postsynaptic potentials of the hand-wired
synapses (E0's spike depolarises E1, E3 and E4 by 15 mV, below threshold), and
no cell fires outside its own pulse.

**Reduced size**: none (7 cells).
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"  # same size: 7 cells

Model = {
    "N_Exc": 5, "N_Inh": 2,
    "Q_Exc_Exc": 16.0, "Q_Exc_Inh": 16.0, "Q_Inh_Exc": 40.0, "Q_Inh_Inh": 40.0,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 900.0, "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -70.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -70.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], with_raster=True, with_Vm={"Exc": 5, "Inh": 2})
PAIRS = {("Exc", "Exc"): [(0, 1), (0, 3), (0, 4), (1, 2), (1, 3), (2, 0), (2, 2)],
         ("Exc", "Inh"): [(3, 0), (4, 0), (2, 1), (4, 1)],
         ("Inh", "Exc"): [(0, 3), (0, 4), (1, 2)]}
for (pre, post), pairs in PAIRS.items():
    i, j = np.array(pairs).T
    ntwk.build.connect(NTWK, pre, post, i, j)

# the original's schedule: (population, cell, start, duration), 280 pA each
STEPS = [("Exc", 0, 130.0, 25.0), ("Inh", 1, 230.0, 20.0), ("Exc", 1, 330.0, 25.0),
         ("Inh", 0, 430.0, 20.0), ("Exc", 2, 530.0, 25.0), ("Exc", 4, 630.0, 25.0),
         ("Exc", 3, 730.0, 25.0)]
for pop in ["Exc", "Inh"]:
    mine = [s for s in STEPS if s[0] == pop]
    ntwk.stim.current_pulses(NTWK, pop, cells=[s[1] for s in mine], starts=[s[2] for s in mine],
                             durations=[s[3] for s in mine], amplitudes=[280.0] * len(mine))
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Spikes of each stepped cell inside and outside its own step
spikes_in_step, spikes_outside_step = {}, {}
for pop, cell, start, duration in STEPS:
    t = data[f"tRASTER_{pop}"][data[f"iRASTER_{pop}"] == cell]
    inside = (t >= start) & (t < start + duration)
    spikes_in_step[(pop, cell)] = int(inside.sum())
    spikes_outside_step[(pop, cell)] = int((~inside).sum())
print("spikes in own step:", spikes_in_step, "outside:", spikes_outside_step)

fig, AX = ntwk.plots.activity_plots(data, Vm_traces=None, smooth_ms=None)
for ax in AX:
    if ax.get_label() == "raster":  # 7 cells: larger dots
        for line in ax.lines:
            line.set_markersize(6)
plt.show()
