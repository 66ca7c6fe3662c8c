"""
A hand-wired microcircuit: coincidence detection and feedforward inhibition
===========================================================================

**Question.** In a microcircuit of 5 excitatory (E) and 2 inhibitory (I) cells
wired by hand, how do two inputs, A and B, combine, and what does an
optogenetic silencing of the inhibitory cells change?

**Model.** LIF cells (``10 nS/200 pF/3 ms``, rest and reset -70 mV, threshold -50
mV, -53 mV for I). Explicit pairs (:func:`network.build.connect`): 7 E -> E, 4 E -> I
and 3 I -> E synapses, the original's lists. Weights 16 nS (E and afferent), 40 nS
(I), 200 nS for the optogenetic inhibition of the I cells (``OptoInh``, reversal
-80 mV). Events (per-cell event lists, :func:`network.stim.add_spikes`):

* input A onto E0-E2 at 200, 500, 650 and 800 ms, and onto I1 3 and 5 ms later
  (feedforward inhibition);
* input B onto E3-E4 (and onto E2, 3 ms later) at 350, 500, 665 and 815 ms: B
  coincides with A at 500 ms and follows it by 15 ms at 665 and 815 ms;
* the opto light: an event every millisecond from 780 ms on, onto both I cells.

**The original** (``toy-network.py stim``) ran, but without
``initialize_to_rest`` every cell started at brian2's default V = 0 mV and spiked
at t = 0. Here cells start at rest (the toolkit's default). The other mode of the
demo, current steps, is :ref:`sphx_glr_auto_examples_plot_13_toy_network_steps.py`.

**The figure.** Raster and membrane potentials of the 7 cells. E cells fire only
when A and B coincide (500 ms) and when B follows A while the inhibitory cells are
silenced (815 ms); at 665 ms, the same A-B sequence without light, the
feedforward inhibition from I1 vetoes them.

**Reduced size**: none (7 cells).
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"  # same size: 7 cells

Model = {
    "N_Exc": 5, "N_Inh": 2, "N_AffExc": 4, "N_OptoInh": 1,
    "Q_Exc_Exc": 16.0, "Q_Exc_Inh": 16.0, "Q_Inh_Exc": 40.0, "Q_Inh_Inh": 40.0,
    "Q_AffExc_Exc": 16.0, "Q_AffExc_Inh": 16.0, "Q_OptoInh_Inh": 200.0,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 900.0, "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -70.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -70.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc", "OptoInh"],
                              with_raster=True, with_Vm={"Exc": 5, "Inh": 2})
PAIRS = {("Exc", "Exc"): [(0, 1), (0, 3), (0, 4), (1, 2), (1, 3), (2, 0), (2, 2)],
         ("Exc", "Inh"): [(3, 0), (4, 0), (2, 1), (4, 1)],
         ("Inh", "Exc"): [(0, 3), (0, 4), (1, 2)]}
for (pre, post), pairs in PAIRS.items():
    i, j = np.array(pairs).T
    ntwk.build.connect(NTWK, pre, post, i, j)

# per-cell events of the two inputs, as in the original
T0, DT, DELAY = 200.0, 150.0, 15.0
A_TIMES = T0 + np.array([0, 2 * DT, 3 * DT, 4 * DT])                  # 200, 500, 650, 800 ms
B_TIMES = T0 + np.array([DT, 2 * DT, 3 * DT + DELAY, 4 * DT + DELAY])  # 350, 500, 665, 815 ms
cells, times = [], []
for cell in (0, 1, 2):
    cells += [cell] * A_TIMES.size
    times += list(A_TIMES)
for cell, lag in ((2, 3.0), (3, 0.0), (4, 0.0)):
    cells += [cell] * B_TIMES.size
    times += list(B_TIMES + lag)
ntwk.stim.add_spikes(NTWK, "Exc", "AffExc", cells, times)
ntwk.stim.add_spikes(NTWK, "Inh", "AffExc", [1] * 8, list(A_TIMES + 3) + list(A_TIMES + 5))
OPTO_ON = 780.0
opto_times = np.arange(OPTO_ON, Model["tstop"], 1.0)
ntwk.stim.add_spikes(NTWK, "Inh", "OptoInh", np.repeat([0, 1], opto_times.size), np.tile(opto_times, 2))
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Spikes of the E cells, grouped by input event: which events made E fire?
exc_spike_times = np.sort(data["tRASTER_Exc"])
EVENTS = {"A alone (200)": 200.0, "B alone (350)": 350.0, "A+B together (500)": 500.0,
          "A then B (650/665)": 650.0, "A then B, light on (800/815)": 800.0}
exc_spikes_after = {name: int(np.sum((exc_spike_times >= t) & (exc_spike_times < t + 40.0)))
                    for name, t in EVENTS.items()}
print(exc_spikes_after)

fig, AX = ntwk.plots.activity_plots(data, tzoom=(100.0, 900.0), Vm_traces=None, smooth_ms=None)
for ax in AX:
    ax.axvspan(OPTO_ON, Model["tstop"], color="gold", alpha=0.15, lw=0)
for ax in AX:
    if ax.get_label() == "raster":  # 7 cells: larger dots
        for line in ax.lines:
            line.set_markersize(6)
plt.show()
