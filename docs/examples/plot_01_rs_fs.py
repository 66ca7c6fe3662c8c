"""
RS-FS: an adapting E-I network and its response to an input bump
================================================================

**Question.** An excitatory population of regular-spiking (RS, adapting) cells and
an inhibitory population of fast-spiking (FS) cells in the asynchronous regime:
how do they respond to a transient increase of their afferent input?

**Model** (the original's ``ntwk/configs/RS-FS_2017/params.json``, shipped beside
this script as ``RS-FS_params.json``): 4000 ``RecExc`` AdExp cells (``10 nS/200
pF/5 ms``, rest and reset -70 mV, threshold -50 mV, ``deltaV = 2 mV``, spike-
triggered adaptation ``b = 40 pA``, ``tauw = 500 ms``) and 1000 ``RecInh`` cells
(``deltaV = 0.5 mV``, no adaptation); recurrent probability 0.05 (in-degrees 200
and 50), weights 1 nS (E) and 4 nS (I), decay 5 ms. Each cell receives an
independent Poisson train from 0.5 x 400 afferents (1 nS) at
``4 + 4 exp(-(t - 1000)^2 / (2 x 100^2))`` Hz.

**The file.** The parameters are read with ``ntwk.model.load_json``: keys
containing a space are comments, and ``Tsyn_Exc`` / ``Erev_Exc`` apply to every
presynaptic population whose name contains ``Exc`` (``RecExc``, ``AffExc``), as in
the original.

**The original** (``RS-FS.py``) ran once ``np.string_`` was aliased, in 103 s,
mostly spent generating the Poisson input in Python; this is the README's
figure.

**The figure.** Input rate, raster and population rates. The first 350 ms are the
transient from rest (shaded); the network then fires asynchronously at a few Hz
(FS faster than RS) and both rates follow the bump.

**Reduced size** (``NND_GALLERY_REDUCED=1``): 800 / 200 cells with ``p = 0.25``
(the same in-degrees), the same afferent drive.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import network as ntwk

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
SIZE, PROB = (5, 5.0) if REDUCED else (1, 1.0)

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # run interactively
    HERE = Path.cwd()
Model = ntwk.model.load_json(str(HERE / "RS-FS_params.json"))
for pop in ["RecExc", "RecInh"]:
    Model[f"N_{pop}"] //= SIZE
    for post in ["RecExc", "RecInh"]:
        Model[f"p_{pop}_{post}"] *= PROB

POPS = ["RecExc", "RecInh"]
NTWK = ntwk.build.populations(Model, POPS, AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=4)
ntwk.build.recurrent_connections(NTWK, SEED=5)
t_array = np.arange(int(round(Model["tstop"] / Model["dt"]))) * Model["dt"]
f_aff = 4.0 + 4.0 * np.exp(-(t_array - 1000.0) ** 2 / 2 / 100.0**2)
for i, pop in enumerate(POPS):
    ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, f_aff, SEED=32 + i)
ntwk.collect_and_run(NTWK)
data = ntwk.recording.collect(NTWK)

# %%
# Rates before the bump (after the transient) and at its peak
rates = {pop: {"baseline": ntwk.analysis.mean_rate(data, pop, t_start=400.0, t_stop=800.0),
               "bump": ntwk.analysis.mean_rate(data, pop, t_start=950.0, t_stop=1050.0)} for pop in POPS}
print(rates)

fig, AX = ntwk.plots.activity_plots(data, smooth_ms=5.0)
for ax in AX:
    ax.axvspan(0, 350, color="gray", alpha=0.2, lw=0)
AX[0].annotate(" transient", (0, 0.95), xycoords="axes fraction", va="top", color="gray", fontsize=8)
plt.show()
