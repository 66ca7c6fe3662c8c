"""
Four populations: a thalamic relay drives the cortex
====================================================

**Question.** Can a thalamic population (``Thal``), itself driven by an afferent
train, relay its activity to a cortical network of excitatory (``Exc``),
inhibitory (``Inh``) and disinhibitory (``DsInh``) cells?

**Model.** The cortex of :ref:`sphx_glr_auto_examples_plot_02_3pop_model.py`
(4000 / 1000 / 500 LIF cells, ``p = 0.02``) without its own afferent drive, and 500
thalamic LIF cells (same parameters as ``Exc``) receiving 500 afferent cells at
1 Hz (weight 2 nS, ``p = 0.1``). Thalamus projects onto the three cortical
populations with ``p = 0.1`` (in-degree 50).

**What the original lost.** ``4pop_model.py`` gives ``p_Thal_Exc``,
``p_Thal_Inh`` and ``p_Thal_DsInh`` but no ``Q_Thal_*`` weight. The original
library builds a projection only when both keys exist, so the thalamus was never
connected to the cortex, and the cortex stayed silent. Here the weights are set
to 2 nS (the weight of the afferent drive onto the thalamus; the original gives
no value) and the thalamo-cortical projections exist. The original's plot
function, ``raster_and_Vm_plot``, did not exist either. The thalamic drive is
raised from 1 Hz to 2 Hz: at 1 Hz (an afferent conductance of 0.5 nS on average
against a leak of 10 nS) the thalamus does not fire at all, and neither does the
cortex.

**The figure.** The thalamus fires sparsely (a few Hz); the cortex, whose only
input is the thalamus, fires in its wake, a few milliseconds behind it
(``cortex_lag_ms``, the peak of the cross-correlation of the population rates).

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
and thalamo-cortical probabilities x 5, 500 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

CORTEX = ["Exc", "Inh", "DsInh"]
Model = {
    "N_Thal": 500 // SIZE, "N_Exc": 4000 // SIZE, "N_Inh": 1000 // SIZE, "N_DsInh": 500 // SIZE,
    "N_AffExc": 500,
    "Q_AffExc_Thal": 2.0, "p_AffExc_Thal": 0.1,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0, "Q_DsInh_Inh": 10.0,
    "p_Exc_Exc": 0.02 * PROB, "p_Exc_Inh": 0.02 * PROB, "p_Inh_Exc": 0.02 * PROB,
    "p_Inh_Inh": 0.02 * PROB, "p_DsInh_Inh": 0.02 * PROB,
    # the thalamo-cortical projections the original lost (it had p_ but no Q_)
    "Q_Thal_Exc": 2.0, "Q_Thal_Inh": 2.0, "Q_Thal_DsInh": 2.0,
    "p_Thal_Exc": 0.1 * PROB, "p_Thal_Inh": 0.1 * PROB, "p_Thal_DsInh": 0.1 * PROB,
    # Thal has neither 'Exc' nor 'Inh' in its name: its synapses are given explicitly
    "Tsyn_Thal": 5.0, "Erev_Thal": 0.0,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 500.0 if REDUCED else 1000.0, "SEED": 3,
}
for pop, vthre in [("Thal", -50.0), ("Exc", -50.0), ("Inh", -53.0), ("DsInh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

NTWK = ntwk.build.populations(Model, ["Thal"] + CORTEX, AFFERENT_POPULATIONS=["AffExc"],
                              with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
F_THAL = 2.0  # Hz; the original's 1 Hz leaves the thalamus silent
ntwk.stim.construct_feedforward_input(NTWK, "Thal", "AffExc", t_array, F_THAL * np.ones(t_array.size),
                                      SEED=38)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Rates after 100 ms, and the lag of the cortex behind the thalamus: the peak of
# the cross-correlation of the population rates.
rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=100.0) for pop in ["Thal"] + CORTEX}
thal = data["POP_ACT_Thal"] - data["POP_ACT_Thal"].mean()
exc = data["POP_ACT_Exc"] - data["POP_ACT_Exc"].mean()
lags = np.arange(-200, 201)  # steps of dt
xcorr = np.array([np.dot(thal[max(0, -k):thal.size - max(0, k)], exc[max(0, k):exc.size - max(0, -k)])
                  for k in lags])
cortex_lag_ms = float(lags[np.argmax(xcorr)] * Model["dt"])
print({k: round(v, 2) for k, v in rates.items()}, f"cortex lags thalamus by {cortex_lag_ms:.1f} ms")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=5.0)
plt.show()
