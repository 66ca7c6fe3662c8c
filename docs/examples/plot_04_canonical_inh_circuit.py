"""
The canonical inhibitory circuit: Pyr, PV, SST and VIP cells
============================================================

**Question.** How do pyramidal cells and three classes of interneurons (PV, SST,
VIP) respond to three successive plateaus of afferent input (4, 20 and 8 Hz)?

**Model.** 4000 pyramidal (``PyrExc``), 600 PV (``PvInh``), 400 SST (``SstInh``) and
400 VIP (``VipInh``) LIF cells (``10 nS/200 pF/5 ms``, rest and reset -70 mV,
threshold -50 mV, -53 mV for PV and SST). Pyramidal cells excite Pyr, PV and SST
(2 nS); PV and SST cells inhibit Pyr, PV and SST (10 nS); VIP cells inhibit SST
(10 nS, ``p = 0.125``): the disinhibitory loop VIP -| SST -| Pyr. Recurrent
probabilities 0.05. 100 afferent cells drive every population (4 nS, ``p = 0.1``)
with three plateaus of 900 ms with erf edges of 50 ms.

**What the original lost.** ``canonical-inh-circuit.py`` gives ``p_VipInh_SstInh
= 0.125`` but no ``Q_VipInh_SstInh``; the original library silently skipped the
projection, so VIP cells inhibited nothing. Here it exists (10 nS, the weight of
the other inhibitory synapses): the circuit's disinhibitory loop is closed.
Its misspelt cell key ``*_delta_v`` (the library reads ``deltaV``) is written
``deltaV = 0`` (LIF cells, as the original meant).

**The figure.** Raster, Vm and rates of the four populations: every population's
rate follows the plateau level (4 < 8 < 20 Hz). At 4 Hz the circuit is nearly
silent; at 8 Hz it fires at a few to 15 Hz; at 20 Hz it saturates in large,
slow (about 7 Hz) oscillations in which pyramidal, PV and SST cells reach
150-200 Hz (the 5 ms refractory period allows 200 Hz) -- the model as the
original wrote it, with strong recurrent excitation (in-degree 200 at 2 nS).

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

POPS = ["PyrExc", "PvInh", "SstInh", "VipInh"]
Model = {
    "N_PyrExc": 4000 // SIZE, "N_PvInh": 600 // SIZE, "N_SstInh": 400 // SIZE,
    "N_VipInh": 400 // SIZE, "N_AffExc": 100,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "SEED": 3,
}
for post in ["PyrExc", "PvInh", "SstInh"]:
    Model[f"Q_PyrExc_{post}"], Model[f"p_PyrExc_{post}"] = 2.0, 0.05 * PROB
    for pre in ["PvInh", "SstInh"]:
        Model[f"Q_{pre}_{post}"], Model[f"p_{pre}_{post}"] = 10.0, 0.05 * PROB
# the VIP -> SST projection the original lost (it had p_ but no Q_)
Model["Q_VipInh_SstInh"], Model["p_VipInh_SstInh"] = 10.0, 0.125 * PROB
for post in POPS:
    Model[f"Q_AffExc_{post}"], Model[f"p_AffExc_{post}"] = 4.0, 0.1
for pop in POPS:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 5.0,
                  f"{pop}_El": -70.0, f"{pop}_Vthre": -53.0 if pop in ("PvInh", "SstInh") else -50.0,
                  f"{pop}_Vreset": -70.0, f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0,
                  f"{pop}_tauw": 1e9})

# plateau k starts at 2 rise + k (3 rise + plateau), as in the original
starts = 2 * RISE + np.arange(3) * (3 * RISE + PLATEAU)
Model["tstop"] = float(starts[-1] + PLATEAU + 3 * RISE)


def waveform(t):
    """Three plateaus with erf edges (Hz)."""
    return sum(level * (1 + erf((t - t0) / RISE)) * (1 + erf(-(t - t0 - PLATEAU) / RISE)) / 4
               for t0, level in zip(starts, LEVELS))


NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=4)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
for seed, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, waveform(t_array), SEED=28 + seed)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK, with_connectivity=True)

# %%
# Mean rate of each population on each plateau (its second half, after the transient)
rates = {pop: [ntwk.analysis.mean_rate(data, pop, t_start=t0 + PLATEAU / 2, t_stop=t0 + PLATEAU)
               for t0 in starts] for pop in POPS}
n_vip_sst_synapses = len(data["CONN_VipInh_SstInh"]["i"])  # the projection the original lost
print(n_vip_sst_synapses, "VIP -> SST synapses")
for pop, r in rates.items():
    print(pop, " / ".join(f"{x:.2f}" for x in r), "Hz at", LEVELS, "Hz of input")

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0)
plt.show()
