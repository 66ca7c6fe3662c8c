"""
Self-sustained activity: the Vogels-Abbott COBA network
=======================================================

**Question.** Can a network of conductance-based LIF cells sustain irregular
activity on its own, without any external input, once it is started from a
random state (Vogels & Abbott 2005, J Neurosci 25:10786)?

**Model.** 3200 excitatory and 800 inhibitory LIF cells (``10 nS/200 pF/3 ms``,
rest and reset -60 mV, threshold -50 mV), connection probability 0.02, weights
6 nS (excitatory, decay 5 ms, reversal 0 mV) and 67 nS (inhibitory, decay 10 ms,
reversal -80 mV). No afferent input at all. Initial conditions: V drawn from
N(-65, 5) mV, excitatory conductances from \|N(40, 15)\| nS and inhibitory ones
from \|N(200, 120)\| nS, as in the original (which followed brian2's COBAHH
example).

**The original** (``coba_LIF.py``) did not run: its keys raised a KeyError in
the library, it set the conductances through internal names (``GExcExc``) and
its plot function did not exist. Here the random initial state is one call,
:func:`network.build.initialize_to_random` with ``V=`` and ``G=`` (keyed by the
presynaptic population).

**The figure.** After the initial transient the activity sustains itself at a
few tens of Hz, asynchronous and irregular, for the whole run.

**Reduced size**: none; this network is small (the same script runs with
``NND_GALLERY_REDUCED=1``).
"""

import os

import matplotlib.pyplot as plt

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"  # same size: this network is small

Model = {
    "N_Exc": 3200, "N_Inh": 800,
    "Q_Exc_Exc": 6.0, "Q_Exc_Inh": 6.0, "Q_Inh_Exc": 67.0, "Q_Inh_Inh": 67.0,
    "Tse": 5.0, "Tsi": 10.0, "Ee": 0.0, "Ei": -80.0,
    "p_Exc_Exc": 0.02, "p_Exc_Inh": 0.02, "p_Inh_Exc": 0.02, "p_Inh_Inh": 0.02,
    "dt": 0.1, "tstop": 300.0, "SEED": 3,
}
for pop in ["Exc", "Inh"]:
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": -50.0, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], with_raster=True, with_Vm=4)
ntwk.build.recurrent_connections(NTWK, SEED=5)
ntwk.build.initialize_to_random(NTWK, seed=7, V=(-65.0, 5.0),
                                G={"Exc": (40.0, 15.0), "Inh": (200.0, 120.0)})
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Rates over the last 200 ms, long after the initial state has decayed (the
# conductances decay in 5-10 ms): the activity is self-sustained.
rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=100.0) for pop in ["Exc", "Inh"]}
late_rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=250.0) for pop in ["Exc", "Inh"]}
print("rates 100-300 ms:", rates, "250-300 ms:", late_rates)

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=5.0)
plt.show()
