"""
Tracking a fast, irregular input: RS-FS under a sum of Gaussians
================================================================

**Question.** How faithfully do the rates of an RS-FS network follow an afferent
rate that changes irregularly on the time scale of 100 ms?

**Model.** The RS-FS network of :ref:`sphx_glr_auto_examples_plot_01_rs_fs.py`
(4000 adapting excitatory ``RecExc`` cells, 1000 fast-spiking ``RecInh`` cells,
``p = 0.05``) with weaker adaptation (``RecExc_b = 35 pA``) and a softer inhibitory
spike onset (``RecInh_deltaV = 1 mV``), as in the original. The afferent rate is
``7 (1 + sum_k A_k exp(-(t - t_k)^2 / 2 w_k^2))`` with bumps at 550, 950, 1050,
1550 and 1850 ms (widths 100, 70, 150, 100, 100 ms; amplitudes 1, 1.5, 1, 1, 1.3).

**The original** (``time_varying_input.py``) simulated (in 361 s) but its plot
call failed with a TypeError; it meant to overlay the z-scored input on the
smoothed rates, which the figure does here.

**The figure.** Input, raster and rates; on the rate panel, the input rescaled to
each population rate's mean and standard deviation (thick, pale). ``correlation``
holds the correlation of each smoothed population rate with the input after the
initial transient.

**Reduced size** (``NND_GALLERY_REDUCED=1``): population sizes / 5, recurrent
probabilities x 5.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

POPS = ["RecExc", "RecInh"]
Model = {
    "N_RecExc": 4000 // SIZE, "N_RecInh": 1000 // SIZE, "N_AffExc": 400,
    "Q_RecExc_RecExc": 1.0, "Q_RecExc_RecInh": 1.0, "Q_AffExc_RecExc": 1.0, "Q_AffExc_RecInh": 1.0,
    "Q_RecInh_RecExc": 4.0, "Q_RecInh_RecInh": 4.0,
    "p_RecExc_RecExc": 0.05 * PROB, "p_RecExc_RecInh": 0.05 * PROB,
    "p_RecInh_RecExc": 0.05 * PROB, "p_RecInh_RecInh": 0.05 * PROB,
    "p_AffExc_RecExc": 0.5, "p_AffExc_RecInh": 0.5,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 2150.0, "SEED": 3,
    "RecExc_Gl": 10.0, "RecExc_Cm": 200.0, "RecExc_Trefrac": 5.0, "RecExc_El": -70.0,
    "RecExc_Vthre": -50.0, "RecExc_Vreset": -70.0, "RecExc_deltaV": 2.0,
    "RecExc_a": 0.0, "RecExc_b": 35.0, "RecExc_tauw": 500.0,
    "RecInh_Gl": 10.0, "RecInh_Cm": 200.0, "RecInh_Trefrac": 5.0, "RecInh_El": -70.0,
    "RecInh_Vthre": -50.0, "RecInh_Vreset": -70.0, "RecInh_deltaV": 1.0,
    "RecInh_a": 0.0, "RecInh_b": 0.0, "RecInh_tauw": 1e9,
}
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
f_aff = np.ones(t_array.size)
for t0, w, amp in zip([550, 950, 1050, 1550, 1850], [100, 70, 150, 100, 100], [1, 1.5, 1, 1, 1.3]):
    f_aff += amp * np.exp(-(t_array - t0) ** 2 / 2 / w**2)
f_aff *= 7.0

NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
for i, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, f_aff, SEED=21 + i)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Correlation of the population rates (Gaussian smoothing, 10 ms) with the
# input, after the initial transient of 270 ms
T0 = 270.0
after = t_array > T0
z_input = (f_aff[after] - f_aff[after].mean()) / f_aff[after].std()
smoothed = {pop: ntwk.analysis.smooth(data[f"POP_ACT_{pop}"], Model["dt"], 10.0)[after] for pop in POPS}
correlation = {pop: float(np.corrcoef(smoothed[pop], f_aff[after])[0, 1]) for pop in POPS}
rates = {pop: ntwk.analysis.mean_rate(data, pop, t_start=T0) for pop in POPS}
print("correlation with the input:", correlation, "rates:", rates)

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0, tzoom=(T0, Model["tstop"]))
ax = [a for a in AX if a.get_label() == "pop_act"][0]
for pop, color in zip(POPS, ["tab:green", "tab:red"]):
    ax.plot(t_array[after], smoothed[pop].mean() + z_input * smoothed[pop].std(), color=color, lw=5, alpha=0.3)
plt.show()
