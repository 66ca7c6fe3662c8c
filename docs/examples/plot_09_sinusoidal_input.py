"""
An L2/3 circuit follows a 4 Hz input from L4
============================================

**Question.** How do the cells of an L2/3 circuit -- pyramidal cells and PV, SOM
and VIP interneurons -- follow an input from L4 that starts oscillating at 4 Hz?

**Model.** 4000 L2/3 pyramidal (``L23Exc``), 500 PV (``PVInh``), 500 SOM
(``SOMInh``) and 100 VIP (``VIPInh``) LIF cells (``10 nS/200 pF/3 ms``, rest and
reset -60 mV, threshold -50 mV, -53 mV for the interneurons). L2/3 pyramidal
cells excite themselves, PV and SOM (1 nS, ``p = 0.02``); PV inhibits L2/3 and PV,
SOM inhibits SOM and L2/3 (10 nS, ``p = 0.02``); VIP inhibits SOM (10 nS,
``p = 0.1``). 500 L4 cells (``L4Exc``) drive every population (3 nS, ``p = 0.1``)
at 1 Hz until 750 ms, then at ``0.8 + 0.7 (1 - cos(2 pi 4 Hz t))``.

**What the original lost.** ``sinusoidal_input.py`` raised a KeyError and passed
an invalid plot argument. It gave ``p_L23Exc_SOMInh`` without ``Q_L23Exc_SOMInh``,
so SOM cells got no input from the local pyramidal cells (and stayed below 1 Hz).
Here that projection exists (1 nS, the weight of the other L2/3 synapses).

**The figure.** After 750 ms the population rates oscillate at 4 Hz. ``modulation``
holds the depth of the modulation of each population rate at 4 Hz and at
frequencies that are not harmonics of 4 Hz.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5, 1500 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

POPS = ["L23Exc", "PVInh", "SOMInh", "VIPInh"]
Model = {
    "N_L23Exc": 4000 // SIZE, "N_PVInh": 500 // SIZE, "N_SOMInh": 500 // SIZE, "N_VIPInh": 100 // SIZE,
    "N_L4Exc": 500,
    "Q_L23Exc_L23Exc": 1.0, "Q_L23Exc_PVInh": 1.0, "Q_L23Exc_SOMInh": 1.0,
    "Q_PVInh_L23Exc": 10.0, "Q_PVInh_PVInh": 10.0,
    "Q_SOMInh_SOMInh": 10.0, "Q_SOMInh_L23Exc": 10.0, "Q_VIPInh_SOMInh": 10.0,
    "p_L23Exc_L23Exc": 0.02 * PROB, "p_L23Exc_PVInh": 0.02 * PROB, "p_L23Exc_SOMInh": 0.02 * PROB,
    "p_PVInh_L23Exc": 0.02 * PROB, "p_PVInh_PVInh": 0.02 * PROB,
    "p_SOMInh_L23Exc": 0.02 * PROB, "p_SOMInh_SOMInh": 0.02 * PROB, "p_VIPInh_SOMInh": 0.1 * PROB,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 1500.0 if REDUCED else 2000.0, "SEED": 3,
}
for pop in POPS:
    Model[f"Q_L4Exc_{pop}"], Model[f"p_L4Exc_{pop}"] = 3.0, 0.1
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": -50.0 if pop == "L23Exc" else -53.0,
                  f"{pop}_Vreset": -60.0, f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0,
                  f"{pop}_tauw": 1e9})

F_OSC, ONSET = 4.0, 750.0  # Hz, ms
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
f_L4 = np.where(t_array < ONSET, 1.0, 0.8 + 0.7 * (1 - np.cos(2 * np.pi * F_OSC * 1e-3 * t_array)))

NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["L4Exc"], with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
for i, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "L4Exc", t_array, f_L4, SEED=i)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)


# %%
# Rates before and during the oscillation, and the modulation depth of each
# population rate, ``2 |sum r(t) exp(-2i pi f t)| / sum r(t)``, after the onset
def modulation_depth(rate, t, f_hz):
    """Relative amplitude of the Fourier component of ``rate`` at ``f_hz``."""
    total = np.sum(rate)
    return 0.0 if total == 0 else 2 * np.abs(np.sum(rate * np.exp(-2j * np.pi * f_hz * t * 1e-3))) / total


after = t_array >= ONSET
OFF_HARMONIC = [6.0, 10.0, 14.0, 18.0]  # Hz, not multiples of 4 Hz
modulation = {pop: {f: modulation_depth(data[f"POP_ACT_{pop}"][after], t_array[after], f)
                    for f in [F_OSC] + OFF_HARMONIC} for pop in POPS}
rates = {pop: {"before": ntwk.analysis.mean_rate(data, pop, t_start=250.0, t_stop=ONSET),
               "during": ntwk.analysis.mean_rate(data, pop, t_start=ONSET)} for pop in POPS}
for pop in POPS:
    print(f"{pop}: {rates[pop]['before']:.2f} -> {rates[pop]['during']:.2f} Hz, modulation at 4 Hz "
          f"{modulation[pop][F_OSC]:.2f}, elsewhere {np.mean([modulation[pop][f] for f in OFF_HARMONIC]):.3f}")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0)
plt.show()
