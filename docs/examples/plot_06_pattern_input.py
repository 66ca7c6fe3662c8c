"""
Synchronous afferent volleys through a fixed afference matrix
=============================================================

**Question.** How does a small E-I network respond to repeated synchronous volleys
of an afferent population, on top of a Poisson background?

**Model.** 400 excitatory and 100 inhibitory LIF cells (as in
:ref:`sphx_glr_auto_examples_plot_02_3pop_model.py`; weights 1 and 10 nS,
``p = 0.02``). Two afferent populations of 50 cells, with weight 3 nS and
``p = 0.1``: ``AffExcBG`` is a 1 Hz Poisson background (each cell gets its own
train, in-degree 5), ``AffExcTV`` is an explicit spike pattern -- all 50 sources
fire together at 30, 60 and 90 ms -- mapped through a fixed source -> target
matrix in which every source projects onto ``int(0.1 x 400) = 40`` excitatory and
10 inhibitory cells (:func:`network.stim.spikes_through_fixed_afference`, the
original's ``build_fixed_afference`` + ``additional_spikes_in_terms_of_pre_pop``).

**The original** (``pattern_input.py``) did not run (a KeyError; its plot
function did not exist). With the keys renamed each volley recruited about 40 %
of the excitatory cells.

**The figure.** The stimulus pattern (top), then the network: each volley
recruits a large fraction of the excitatory cells within a few milliseconds;
between the volleys the network is nearly silent.

**Reduced size**: none needed (500 cells, 100 ms).
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"  # same size: this network is small

Model = {
    "N_Exc": 400, "N_Inh": 100, "N_AffExcTV": 50, "N_AffExcBG": 50,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0,
    "Q_AffExcTV_Exc": 3.0, "Q_AffExcTV_Inh": 3.0, "Q_AffExcBG_Exc": 3.0, "Q_AffExcBG_Inh": 3.0,
    "p_Exc_Exc": 0.02, "p_Exc_Inh": 0.02, "p_Inh_Exc": 0.02, "p_Inh_Inh": 0.02,
    "p_AffExcBG_Exc": 0.1, "p_AffExcBG_Inh": 0.1, "p_AffExcTV_Exc": 0.1, "p_AffExcTV_Inh": 0.1,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 100.0, "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0)]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

VOLLEYS = [30.0, 60.0, 90.0]  # ms
pattern_indices = np.tile(np.arange(Model["N_AffExcTV"]), len(VOLLEYS))
pattern_times = np.repeat(VOLLEYS, Model["N_AffExcTV"])

NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExcBG", "AffExcTV"],
                              with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for pop in ["Exc", "Inh"]:
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExcBG", t_array, np.ones(t_array.size), SEED=3)
ntwk.stim.spikes_through_fixed_afference(NTWK, ["Exc", "Inh"], "AffExcTV",
                                         pattern_indices, pattern_times, seed=3)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Fraction of the excitatory cells that fire within 10 ms after each volley, and
# in the 10 ms windows just before each volley
t_exc, i_exc = data["tRASTER_Exc"], data["iRASTER_Exc"]


def fraction_active(t0, t1):
    """Fraction of the excitatory cells with at least one spike in [t0, t1)."""
    return np.unique(i_exc[(t_exc >= t0) & (t_exc < t1)]).size / Model["N_Exc"]


recruited = [fraction_active(tv, tv + 10.0) for tv in VOLLEYS]
between = [fraction_active(tv - 10.0, tv) for tv in VOLLEYS]
print("recruited after each volley:", np.round(recruited, 3), "before:", np.round(between, 3))

fig, ax = plt.subplots(figsize=(6, 1.5))
ax.plot(pattern_times, pattern_indices, "k.", ms=2)
ax.set(xlim=(0, Model["tstop"]), xlabel="time (ms)", ylabel="AffExcTV source", title="stimulus pattern")
fig.tight_layout()
fig2, AX = ntwk.plots.activity_plots(data, smooth_ms=1.0)
plt.show()
