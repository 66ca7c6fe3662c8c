"""
A drifting grating, seen by a network: modulated afferent trains
================================================================

**Question.** How does an E / I / disinhibitory network respond to the spikes of
an early visual stage looking at a drifting grating?

**Model.** 400 excitatory, 100 inhibitory and 50 disinhibitory LIF cells, as in
:ref:`sphx_glr_auto_examples_plot_02_3pop_model.py` (weights 1 / 10 nS, 3 nS from
the afferents, ``p = 0.02``). 50 afferent cells (``AffExc``) fire a 0.3 Hz Poisson
background onto every population plus "visual" spikes, mapped through a fixed
afference matrix: each afferent cell projects onto ``int(0.5 N_target)`` cells of
each population (:func:`network.stim.spikes_through_fixed_afference`).

**The visual spikes are synthetic.** The original (``visual_input.py``) computed
them with an early-vision model (Gabor receptive fields, a drifting grating of
spatial frequency 0.06-0.08 cycles per degree) that depended on datavyz, analyz,
a missing data file and an absent ``earlyVis_model``: it could not run. Here each
of the 50 afferent cells is a Poisson process whose rate follows what a simple
cell does for a drifting grating: a half-wave rectified sinusoid at the grating's
temporal frequency (2 Hz), ``r(t) = r_max [cos(2 pi f t - phi_i)]_+``, with
``r_max = 20 Hz``. The phase is set by the position ``x_i`` of the cell's
receptive field along the drift direction, ``phi_i = 2 pi k x_i``, with ``k =
0.07`` cycles per degree (the original's 0.06-0.08) and the receptive fields
spread uniformly over a 5 degree patch: the phases cover 2.2 rad. The grating
drifts from 200 ms to the end of the run. Each spike of the 50 trains reaches
its fixed targets in the network; the 0.3 Hz background alone does not make
the network fire.

**The figure.** The afferent spikes (top), then the network (whose ``input``
panel shows the 0.3 Hz background only): silent before the grating, then its rates follow the grating's 2 Hz cycle (``modulation``: the
relative amplitude ``2 |sum r(t) exp(-2 i pi f t)| / sum r(t)`` of the
population rate, over whole seconds from one cycle after the onset). For E it
is about 1.4 at 2 Hz (a half-wave rectified sinusoid has pi / 2 = 1.57; the
input, with its 2.2 rad phase spread, 1.57 sinc(1.1) = 1.27) and about 0.1 at
3, 5, 7 and 9 Hz. With phases uniform on the whole circle (this example's first
version) the 50 sinusoids cancel in the population sum, ``|mean exp(i phi)|``
~ ``1 / sqrt(50)``: the 2 Hz component was then only twice the off-harmonic
ones.

**Reduced size**: the same 550 cells, a 1 s analysis window instead of 2 s
(run of 1.7 s instead of 2.7 s).
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk
import stimuli

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"  # same network, a shorter run

POPS = ["Exc", "Inh", "DsInh"]
Model = {
    "N_Exc": 400, "N_Inh": 100, "N_DsInh": 50, "N_AffExc": 50,
    "Q_Exc_Exc": 1.0, "Q_Exc_Inh": 1.0, "Q_Inh_Exc": 10.0, "Q_Inh_Inh": 10.0, "Q_DsInh_Inh": 10.0,
    "p_Exc_Exc": 0.02, "p_Exc_Inh": 0.02, "p_Inh_Exc": 0.02, "p_Inh_Inh": 0.02, "p_DsInh_Inh": 0.02,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0,
    "dt": 0.1, "tstop": 700.0 + (1000.0 if REDUCED else 2000.0), "SEED": 3,
}
for pop, vthre in [("Exc", -50.0), ("Inh", -53.0), ("DsInh", -53.0)]:
    Model[f"Q_AffExc_{pop}"], Model[f"p_AffExc_{pop}"] = 3.0, 0.5
    Model.update({f"{pop}_Gl": 10.0, f"{pop}_Cm": 200.0, f"{pop}_Trefrac": 3.0,
                  f"{pop}_El": -60.0, f"{pop}_Vthre": vthre, f"{pop}_Vreset": -60.0,
                  f"{pop}_deltaV": 0.0, f"{pop}_a": 0.0, f"{pop}_b": 0.0, f"{pop}_tauw": 1e9})

# synthetic simple-cell responses to a drifting grating: the receptive fields lie
# in a patch of PATCH_DEG degrees, so the response phases spread over
# 2 pi K_SPATIAL PATCH_DEG = 2.2 rad (uniform phases on the whole circle would
# cancel in the population sum, |mean exp(i phi)| ~ 1/sqrt(50))
F_GRATING, K_SPATIAL, PATCH_DEG = 2.0, 0.07, 5.0  # Hz, cycles per degree, degrees
R_MAX, ONSET = 20.0, 200.0  # Hz, ms
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
rf_position = np.random.default_rng(1).uniform(0, PATCH_DEG, Model["N_AffExc"])  # degrees
phases = 2 * np.pi * K_SPATIAL * rf_position
visual_rates = R_MAX * np.clip(np.cos(2 * np.pi * F_GRATING * 1e-3 * t_array[None, :] - phases[:, None]), 0, None)
visual_rates[:, t_array < ONSET] = 0.0
# brian2 takes one spike per source and time step: drop the rare second one
# (p ~ (20 Hz x 0.1 ms)^2 / 2 per step at the peak rate: a handful per run)
visual, n_dropped = stimuli.inhomogeneous_poisson(visual_rates, Model["dt"], n_sources=Model["N_AffExc"],
                                                  seed=2).unique_per_bin(Model["dt"])

NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=3)
ntwk.build.recurrent_connections(NTWK, SEED=5)
for i, pop in enumerate(POPS):  # the 0.3 Hz background
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, 0.3 * np.ones(t_array.size), SEED=3 + i)
ntwk.stim.spikes_through_fixed_afference(NTWK, POPS, "AffExc", visual.indices, visual.times, seed=7)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)


# %%
# Rates before and during the grating, and the modulation depth of the
# population rates at the grating's temporal frequency
def modulation_depth(rate, t, f_hz):
    """Relative amplitude of the Fourier component of ``rate`` at ``f_hz``."""
    total = np.sum(rate)
    return 0.0 if total == 0 else 2 * np.abs(np.sum(rate * np.exp(-2j * np.pi * f_hz * t * 1e-3))) / total


# the analysis window starts one grating cycle after the onset (past the
# transient) and lasts a whole number of seconds (1 s reduced, 2 s full: 2 or 4
# cycles), so the Fourier components at 2 Hz and at the off-harmonic
# frequencies (whole multiples of the 1 / window resolution) are orthogonal
ANALYSIS_START = ONSET + 1e3 / F_GRATING  # ms
during = t_array >= ANALYSIS_START
OFF_HARMONIC = [3.0, 5.0, 7.0, 9.0]  # Hz, not multiples of 2 Hz
modulation = {pop: {f: modulation_depth(data[f"POP_ACT_{pop}"][during], t_array[during], f)
                    for f in [F_GRATING] + OFF_HARMONIC} for pop in POPS}
rates = {pop: {"before": ntwk.analysis.mean_rate(data, pop, t_start=50.0, t_stop=ONSET),
               "during": ntwk.analysis.mean_rate(data, pop, t_start=ONSET)} for pop in POPS}
print(rates, {pop: round(m[F_GRATING], 3) for pop, m in modulation.items()})

fig, ax = plt.subplots(figsize=(6, 1.5))
ax.plot(visual.times, visual.indices, "k.", ms=1)
ax.set(xlim=(0, Model["tstop"]), xlabel="time (ms)", ylabel="afferent cell", title="synthetic visual spikes")
fig.tight_layout()
fig2, AX = ntwk.plots.activity_plots(data, smooth_ms=10.0)
plt.show()
