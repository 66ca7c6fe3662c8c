"""
Afferent drive that recruits disinhibition (Zerlaut et al. 2019)
================================================================

**Question.** In Zerlaut et al. (2019, J Comput Neurosci), afferent input reaches
the excitatory cells and a disinhibitory population (``DsInh``) that inhibits the
inhibitory cells, but not the inhibitory cells themselves. How do the excitatory
and inhibitory rates depend on the input level?

**Model.** 4000 excitatory (``RecExc``), 1000 inhibitory (``RecInh``) and 500
disinhibitory (``DsInh``) LIF cells (``10 nS/200 pF/5 ms``, rest and reset -70 mV,
threshold -50 mV, -53 mV for ``RecInh``). Weights 2 nS (excitatory), 10 nS
(inhibitory and ``DsInh -> RecInh``), 4 nS from 100 afferent cells; recurrent
probabilities 0.05; the afferents reach ``RecExc`` (``p = 0.1``) and ``DsInh``
(``p = 0.075``) only. Input: three plateaus of 900 ms at 4, 20 and 8 Hz with
erf edges of 50 ms (as in
:ref:`sphx_glr_auto_examples_plot_04_canonical_inh_circuit.py`).

**The original** (``from_papers/Zerlaut_et_al_2019.py``) ran (27 s). Its Model
carried keys of its own (``Faff1``, ``DT``, ``rise``, ``F_AffExc``), the misspelt
``*_delta_v``, and ``p_AffExc_RecInh`` / ``Q_AffExc_RecInh`` that it never used
(only ``RecExc`` and ``DsInh`` were driven). Here the waveform parameters are
plain variables of the script and the inhibitory cells get no afferent keys.

**The figure.** Raster, Vm and rates. At 4 Hz of input the network is nearly
silent (the excitatory cells fire a few spikes). At 8 Hz it switches to an
active state in which the inhibitory cells, driven only by the recurrent
excitation, fire faster (about 27 Hz) than the excitatory ones (about 14 Hz) and
``DsInh`` hardly fires; at 20 Hz all three are active (``DsInh`` about 10 Hz,
``RecInh`` about 80 Hz). The rates of the populations that receive the input
are ordered as the input levels (``rates``).

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5, plateaus of 300 ms.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import erf

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)
PLATEAU, RISE = (300.0, 50.0) if REDUCED else (900.0, 50.0)
LEVELS = [4.0, 20.0, 8.0]  # Hz

POPS = ["RecExc", "RecInh", "DsInh"]
Model = {
    "N_RecExc": 4000 // SIZE, "N_RecInh": 1000 // SIZE, "N_DsInh": 500 // SIZE, "N_AffExc": 100,
    "Q_RecExc_RecExc": 2.0, "Q_RecExc_RecInh": 2.0, "Q_RecInh_RecExc": 10.0, "Q_RecInh_RecInh": 10.0,
    "Q_DsInh_RecInh": 10.0, "Q_AffExc_RecExc": 4.0, "Q_AffExc_DsInh": 4.0,
    "p_RecExc_RecExc": 0.05 * PROB, "p_RecExc_RecInh": 0.05 * PROB,
    "p_RecInh_RecExc": 0.05 * PROB, "p_RecInh_RecInh": 0.05 * PROB, "p_DsInh_RecInh": 0.05 * PROB,
    "p_AffExc_RecExc": 0.1, "p_AffExc_DsInh": 0.075,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "SEED": 3,
}
for pop in POPS:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 5.0,
                  f"{pop}_El": -70.0, f"{pop}_Vthre": -53.0 if pop == "RecInh" else -50.0,
                  f"{pop}_Vreset": -70.0, f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0,
                  f"{pop}_tauw": 1e9})
starts = 2 * RISE + np.arange(3) * (3 * RISE + PLATEAU)
Model["tstop"] = float(starts[-1] + PLATEAU + 3 * RISE)


def waveform(t):
    """Three plateaus with erf edges (Hz)."""
    return sum(level * (1 + erf((t - t0) / RISE)) * (1 + erf(-(t - t0 - PLATEAU) / RISE)) / 4
               for t0, level in zip(starts, LEVELS))


NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=4)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for seed, pop in [(28, "RecExc"), (29, "DsInh")]:
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, waveform(t_array), SEED=seed)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Mean rate of each population on each plateau (second half)
rates = {pop: [ntwk.analysis.mean_rate(data, pop, t_start=t0 + PLATEAU / 2, t_stop=t0 + PLATEAU)
               for t0 in starts] for pop in POPS}
for pop, r in rates.items():
    print(pop, " / ".join(f"{x:.2f}" for x in r), "Hz at", LEVELS, "Hz of input")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0)
plt.show()
