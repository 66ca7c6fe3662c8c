"""
Three populations: excitation, inhibition and disinhibition
===========================================================

**Question.** How does an excitatory-inhibitory network behave when a third,
disinhibitory population (``DsInh``) inhibits the inhibitory cells, all under a
weak constant afferent drive?

**Model.** 4000 excitatory (``Exc``), 1000 inhibitory (``Inh``) and 500
disinhibitory (``DsInh``) leaky integrate-and-fire cells
(``Gl/Cm/Trefrac = 10 nS/200 pF/3 ms``, ``El = Vreset = -60 mV``, threshold
-50 mV for ``Exc`` and -53 mV for the two inhibitory populations). Conductance
jumps of 1 nS (excitatory), 10 nS (inhibitory), 10 nS for ``DsInh -> Inh`` and
3 nS for the 500 afferent cells (``AffExc``), which fire at 1 Hz onto every
population with in-degree 50 (``p = 0.1``). Recurrent connection probability 0.02
(in-degree 80 from ``Exc``, 20 from ``Inh``, 10 from ``DsInh``). ``DsInh`` receives
only the afferent drive and projects only onto ``Inh``.

**The original** (``3pop_model.py``) ran as written once ``np.string_`` was aliased;
its figure had no population-rate panel because rates were not recorded. Here
they are.

**The figure.** The input rate, the raster of the three populations, the
membrane potential of a few cells and the population rates. At full size the
excitatory and inhibitory cells fire at 8-10 Hz in irregular, partly synchronous
waves (the E-I loop oscillates at about 15 Hz), while ``DsInh``, driven by the
afferents alone, fires steadily at about 7 Hz.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5 (same in-degrees), 500 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

Model = {
    "N_Exc": 4000 // SIZE, "N_Inh": 1000 // SIZE, "N_DsInh": 500 // SIZE, "N_AffExc": 500,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0,
    "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0, "Q_DsInh_Inh": 10.0,
    "Q_AffExc_Exc": 3.0, "Q_AffExc_Inh": 3.0, "Q_AffExc_DsInh": 3.0,
    "p_Exc_Exc": 0.02 * PROB, "p_Exc_Inh": 0.02 * PROB,
    "p_Inh_Exc": 0.02 * PROB, "p_Inh_Inh": 0.02 * PROB, "p_DsInh_Inh": 0.02 * PROB,
    "p_AffExc_Exc": 0.1, "p_AffExc_Inh": 0.1, "p_AffExc_DsInh": 0.1,
    # decay and reversal, inferred from the presynaptic name (Exc / Inh in it)
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 500.0 if REDUCED else 1000.0, "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0), ("DsInh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

POPS = ["Exc", "Inh", "DsInh"]
NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"],
                              with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for i, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, np.ones(t_array.size),
                                          SEED=10 + i)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Rates after the first 200 ms
t0 = 200.0
rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=t0) for pop in POPS}
for pop, r in rates.items():
    print(f"{pop}: {r:.2f} Hz")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=5.0)
plt.show()
