"""
A ring network with a spatially local stimulus
==============================================

**Question.** In a network where cells sit on a ring and connect preferentially
to their neighbours, with delays that grow with distance, does a stimulus given
to a patch of cells stay local, and how does the activity around it respond?

**Model.** 8000 excitatory AdExp cells (``10 nS/200 pF/5 ms``, rest and reset
-70 mV, threshold -50 mV, ``deltaV = 2 mV``, ``a = 4 nS``, ``b = 40 pA``,
``tauw = 500 ms``) and 2000 inhibitory ones (``deltaV = 0.5 mV``, no adaptation)
on a ring. Each cell draws ``0.05 N_pre`` inputs with a Gaussian preference for
its neighbours (the original's ``exp(-(d/lambda)^2)`` with ``lambda`` = 400
excitatory and 100 inhibitory index units, i.e. a standard deviation of
``lambda / sqrt 2``, 3.5 % of the circumference for both), with a delay growing
linearly with ring distance up to 20 ms for opposite cells
(:func:`network.build.ring_connections`). Weights 1 nS (excitatory), 5 nS
(inhibitory). Every cell receives an independent 3 Hz drive from 400 afferents
(``p = 0.5``, 1 nS).

**The stimulus.** From 250 to 350 ms the 5 % of the excitatory cells centred on
the ring's midpoint receive an extra Poisson input of 400 Hz (1 nS), the input of
the intended "+2 Hz" on their 200 afferents, given as per-cell event lists
(:func:`network.stim.add_spikes`).

**What the original lost.** ``ring_model_with_stim.py`` used the old top-level
API (``import main``) and did not run. Its stimulus, ``faff[(t>400) & (t>500)] +=
2``, selects ``t > 500`` in a 500 ms run: it never fired; and it was not local,
since it raised the drive of all the excitatory cells. Here the stimulus fires
and is spatially local.

**The figure.** The raster with the cells in ring order: the stimulated patch
lights up during the stimulus; ``rates`` compares the patch, its neighbourhood
and the opposite side of the ring before and during the stimulus.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, probabilities
x 5 (same in-degrees; the spatial scale is a fraction of the circumference), 400 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk
import stimuli

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

Model = {
    "N_Exc": 8000 // SIZE, "N_Inh": 2000 // SIZE, "N_AffExc": 400, "N_StimExc": 1,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 5.0, "Q_Inh_Inh": 5.0,
    "Q_AffExc_Exc": 1.0, "Q_AffExc_Inh": 1.0, "Q_StimExc_Exc": 1.0,
    "p_Exc_Exc": 0.05 * PROB, "p_Exc_Inh": 0.05 * PROB, "p_Inh_Exc": 0.05 * PROB, "p_Inh_Inh": 0.05 * PROB,
    "p_AffExc_Exc": 0.5, "p_AffExc_Inh": 0.5,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 400.0 if REDUCED else 500.0, "SEED": 3,
    "Exc_Gl": 10.0, "Exc_Cm": 200.0, "Exc_Trefrac": 5.0, "Exc_El": -70.0, "Exc_Vthre": -50.0,
    "Exc_Vreset": -70.0, "Exc_deltaV": 2.0, "Exc_a": 4.0, "Exc_b": 40.0, "Exc_tauw": 500.0,
    "Inh_Gl": 10.0, "Inh_Cm": 200.0, "Inh_Trefrac": 5.0, "Inh_El": -70.0, "Inh_Vthre": -50.0,
    "Inh_Vreset": -70.0, "Inh_deltaV": 0.5, "Inh_a": 0.0, "Inh_b": 0.0, "Inh_tauw": 1e9,
}
SIGMA = 400 / np.sqrt(2) / 8000  # fraction of the circumference (the same for 100 / 2000)
NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc", "StimExc"],
                              with_raster=True, with_Vm=3)
for pre in ["Exc", "Inh"]:
    for post in ["Exc", "Inh"]:
        ntwk.build.ring_connections(NTWK, pre, post, sigma=SIGMA, SEED=5, delay_min=0.0, delay_max=20.0)

t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for i, pop in enumerate(["Exc", "Inh"]):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, 3.0 * np.ones(t_array.size),
                                          SEED=11 + i)

# the local stimulus: a patch of 5 % of the excitatory cells around the midpoint
N = Model["N_Exc"]
patch = np.arange(int(0.475 * N), int(0.525 * N))
STIM = (250.0, 350.0)
trains = stimuli.homogeneous_poisson(rate=400.0, duration=STIM[1] - STIM[0], n_sources=patch.size,
                                     seed=8, t_start=STIM[0])
trains, n_dropped = trains.unique_per_bin(Model["dt"])  # at most one event per cell and step
ntwk.stim.add_spikes(NTWK, "Exc", "StimExc", patch[trains.indices], trains.times)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Rates of three groups of excitatory cells before (150-250 ms) and during the
# stimulus: the patch, its flanks (the 5 % on either side of it) and the
# opposite side of the ring.
groups = {
    "patch": patch,
    "flanks": np.concatenate([patch - patch.size, patch + patch.size]),
    "opposite": (patch + N // 2) % N,
}
t_exc, i_exc = data["tRASTER_Exc"], data["iRASTER_Exc"]


def group_rate(cells, t0, t1):
    """Mean rate (Hz) of the given excitatory cells in [t0, t1) ms."""
    spikes = np.isin(i_exc, cells) & (t_exc >= t0) & (t_exc < t1)
    return spikes.sum() / cells.size / ((t1 - t0) * 1e-3)


rates = {name: {"before": group_rate(cells, 150.0, STIM[0]), "during": group_rate(cells, *STIM)}
         for name, cells in groups.items()}
for name, r in rates.items():
    print(f"{name}: {r['before']:.2f} Hz before, {r['during']:.2f} Hz during the stimulus")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=5.0, max_neurons=N + Model["N_Inh"])
AX[1].axvspan(*STIM, color="gold", alpha=0.2, lw=0)
plt.show()
