"""
Correlated external drive
=========================

**Question.** How does the correlation of the external input across cells shape
the activity of a recurrent E-I network, at the same mean input?

**Model.** 4000 excitatory and 1000 inhibitory LIF cells (as in
:ref:`sphx_glr_auto_examples_plot_02_3pop_model.py`: weights 1 / 10 nS,
``p = 0.02``). Each cell receives the spikes of 500 x 0.1 = 50 afferent cells
(3 nS), pooled into one train of 50 x 4 Hz = 200 Hz per cell. The network is run
twice with the same mean input: once with independent trains, once with trains
whose pairwise spike-count correlation is ``c = 0.1`` (a multiple-interaction
process, :func:`stimuli.correlated_poisson`: shared spikes are synchronous),
delivered as per-cell event lists (:func:`network.stim.add_spikes`).

**The original** (``with_correlated_ext_drive.py``) printed "BROKEN SCRIPT" and
called a function that did not exist (``construct_feedforward_input_correlated``);
it used 1 Hz afferents and 100 ms, too few spikes to measure a correlation. Here
the afferents fire at 4 Hz for 1 s.

**The figure.** The network under correlated drive: synchronous input events make
the cells fire together. ``correlation`` holds the mean pairwise spike-count
correlation of the excitatory cells (10 ms bins) under both drives, ``rates``
their mean rates.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5, 500 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk
import stimuli

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

POPS = ["Exc", "Inh"]
Model = {
    "N_Exc": 4000 // SIZE, "N_Inh": 1000 // SIZE, "N_AffExc": 500,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0,
    "Q_AffExc_Exc": 3.0, "Q_AffExc_Inh": 3.0,
    "p_Exc_Exc": 0.02 * PROB, "p_Exc_Inh": 0.02 * PROB, "p_Inh_Exc": 0.02 * PROB, "p_Inh_Inh": 0.02 * PROB,
    "p_AffExc_Exc": 0.1, "p_AffExc_Inh": 0.1,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 500.0 if REDUCED else 1000.0, "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})
F_AFF = 4.0  # Hz per afferent cell
K_AFF = int(Model["p_AffExc_Exc"] * Model["N_AffExc"])  # 50 afferents per cell


def run(correlation):
    """Run the network with a pooled afferent train per cell of the given correlation."""
    NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=3)
    ntwk.build.recurrent_connections(NTWK, SEED=5)
    for k, pop in enumerate(POPS):
        n = Model[f"N_{pop}"]
        if correlation > 0:
            trains = stimuli.correlated_poisson(K_AFF * F_AFF, Model["tstop"], n, correlation, seed=40 + k)
        else:
            trains = stimuli.homogeneous_poisson(K_AFF * F_AFF, Model["tstop"], n, seed=40 + k)
        trains, _ = trains.unique_per_bin(Model["dt"])  # at most one event per cell and step
        ntwk.stim.add_spikes(NTWK, pop, "AffExc", trains)
    ntwk.collect_and_run(NTWK)
    return ntwk.recording.collect(NTWK)


results = {"independent": run(0.0), "correlated": run(0.1)}
data = results["correlated"]

# %%
# Rates and spike-count correlations (10 ms bins) after the first 100 ms
rates = {name: {pop: ntwk.analysis.mean_rate(d, pop, t_start=100.0) for pop in POPS}
         for name, d in results.items()}
correlation = {name: ntwk.analysis.spike_count_correlation(d, "Exc", 10.0, t_start=100.0,
                                                           n_neurons=300, seed=1)[0]
               for name, d in results.items()}
print("rates:", rates, "\nExc spike-count correlation:", correlation)

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=2.0)
plt.show()
