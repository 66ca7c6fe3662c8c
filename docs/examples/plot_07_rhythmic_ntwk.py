"""
A pacemaker population entrains an E-I network
==============================================

**Question.** Does a small population of cells driven by an oscillating current
(a pacemaker at 3 Hz) impose its rhythm on a recurrent E-I network?

**Model.** 4000 excitatory (``Exc``), 1000 inhibitory (``Inh``) and 500 pacemaker
(``oscillExc``) LIF cells (``10 nS/200 pF/3 ms``, rest and reset -70 mV, threshold
-50 mV). The pacemaker cells receive an oscillating current of amplitude 300 pA at
3 Hz (``oscillExc_Ioscill_amp``, ``oscillExc_Ioscill_freq``). Weights 1 nS
(excitatory), 10 nS (inhibitory) and 3 nS from 500 afferent cells firing at
0.5 Hz onto every population (``p = 0.1``); the pacemaker projects onto ``Exc``
(``p = 0.1``, 2 nS) and ``Inh`` (``p = 0.05``, 1 nS) and receives no recurrent
input. Recurrent probabilities 0.05.

**What the original lost.** ``rhythmic_ntwk.py`` imported the old top-level API
(``import main``) and did not run. Worse, it gave ``p_`` without ``Q_`` for every
pair with the pacemaker as source or target except ``oscillExc -> Inh``
(``oscillExc -> Exc``, ``oscillExc -> oscillExc``, ``Exc -> oscillExc``,
``Inh -> oscillExc``), so the original library built none of them: the pacemaker
reached the excitatory cells only through the inhibitory ones. Here the
pacemaker drives the excitatory cells too (``oscillExc -> Exc``, 2 nS,
``p = 0.1``), and its weight onto ``Inh`` is an excitatory one (1 nS instead of
the original's 10 nS, with which the pacemaker-locked inhibition silenced the
excitatory cells completely in a test run). The pacemaker stays an autonomous clock: the projections onto it
are left out (a first version with them, 10 nS from ``Inh``, had the
synchronised inhibition silence the pacemaker, and ``Exc`` stayed silent). The
original's ``p_Inh_Exc = 0.001`` (one inhibitory input per excitatory cell) left
the recurrent excitation unopposed: once the pacemaker reached the excitatory
cells they ran away to 300 Hz. It is 0.05 here, as for the other pairs. The original's 200 pA brings a pacemaker cell exactly to its
threshold at the peak of the current (200 pA / 10 nS = 20 mV above rest), and
with the weak 0.5 Hz afferent drive the pacemaker hardly fired (0.3 Hz in a test
run); the amplitude is 300 pA here.

**The figure.** The pacemaker fires in bursts at each cycle of its current; the
excitatory and inhibitory populations follow at 3 Hz. ``modulation`` holds the
depth of each population rate's modulation at 3 Hz and, for comparison, at
frequencies that are not harmonics of 3 Hz.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

POPS = ["Exc", "Inh", "oscillExc"]
Model = {
    "N_Exc": 4000 // SIZE, "N_Inh": 1000 // SIZE, "N_oscillExc": 500 // SIZE, "N_AffExc": 500,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0,
    "Q_oscillExc_Exc": 2.0, "Q_oscillExc_Inh": 1.0,
    "Q_AffExc_Exc": 3.0, "Q_AffExc_Inh": 3.0, "Q_AffExc_oscillExc": 3.0,
    "p_Exc_Exc": 0.05 * PROB, "p_Exc_Inh": 0.05 * PROB, "p_Inh_Exc": 0.05 * PROB, "p_Inh_Inh": 0.05 * PROB,
    "p_oscillExc_Exc": 0.1 * PROB, "p_oscillExc_Inh": 0.05 * PROB,
    "p_AffExc_Exc": 0.1, "p_AffExc_Inh": 0.1, "p_AffExc_oscillExc": 0.1,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "oscillExc_Ioscill_amp": 300.0, "oscillExc_Ioscill_freq": 3.0,
    "dt": 0.1, "tstop": 1000.0, "SEED": 3,
}
for pop in POPS:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -70.0, f"{pop}_Vthre": -50.0, f"{pop}_Vreset": -70.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for i, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, 0.5 * np.ones(t_array.size),
                                          SEED=18 + i)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)


# %%
# Modulation depth of a population rate at frequency f: ``2 |sum r(t) exp(-2i pi f t)| / sum r(t)``
# over 200-1000 ms (1 for a rate proportional to 1 + cos(2 pi f t), about
# ``2 / sqrt(number of spikes)`` for a rate without rhythm).
def modulation_depth(rate, t, f_hz):
    """Relative amplitude of the Fourier component of ``rate`` at ``f_hz``."""
    total = np.sum(rate)
    if total == 0:  # a silent population has no modulation
        return 0.0
    return 2 * np.abs(np.sum(rate * np.exp(-2j * np.pi * f_hz * t * 1e-3))) / total


window = t_array >= 200.0
OFF_HARMONIC = [4.5, 7.5, 10.5, 13.5]  # Hz, not multiples of 3 Hz
modulation = {pop: {f: modulation_depth(data[f"POP_ACT_{pop}"][window], t_array[window], f)
                    for f in [3.0] + OFF_HARMONIC} for pop in POPS}
rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=200.0) for pop in POPS}
for pop in POPS:
    print(f"{pop}: {rates[pop]:.2f} Hz, modulation at 3 Hz {modulation[pop][3.0]:.2f}, "
          f"elsewhere {np.mean([modulation[pop][f] for f in OFF_HARMONIC]):.3f}")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0)
plt.show()
