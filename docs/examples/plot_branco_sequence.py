"""
Sequence direction on a thin basal dendrite (Branco, Clark and Hausser 2010)
============================================================================

The protocol of the paper, in spirit: nine AMPA+NMDA synapses (AMPA 0.5 nS,
NMDA 2 nS peak per synapse, Jahr-Stevens Mg block) evenly spaced over the
distal 100 um of the thinnest terminal basal branch of the bundled L2/3
pyramidal cell (passive), activated towards the soma (IN) or away from it
(OUT) at intervals of 0-8 ms, with and without NMDA; the somatic peak against
the interval in both directions (the paper's figure), and Rall's (1964)
ten-compartment result beside it.

IN equals OUT at 0 ms and exceeds it at every longer interval; with NMDA the
difference is 1.7 to 11 times the AMPA-alone one (about 0.1 mV at 1 ms to 0.7 mV
at 7 ms, against under 0.1 mV), but the IN/OUT ratio stays small in this
passive model (at most about 1.08 with NMDA, 1.07 with AMPA alone): the paper's
larger ratios are not reproduced (see :mod:`dendrites.experiments.sequence`).

Key results: ``ratio`` (IN/OUT per interval and condition), ``rall_peaks``
(IN and OUT peaks of Rall's cable, in units of the driving force).
"""
import os

import matplotlib.pyplot as plt

from dendrites import CellModel
from dendrites.experiments import rall_sequence, sequence_experiment

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
intervals = [0, 2, 4] if REDUCED else list(range(9))

model = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
result = sequence_experiment(model, intervals=intervals, progress=False)
ratio = result.ratio()
fig = result.plot()

rall = {d: rall_sequence(d, steps_per_tau=200 if REDUCED else 1000) for d in ("IN", "OUT")}
rall_peaks = {d: r["peak"] for d, r in rall.items()}
fig2, ax = plt.subplots(figsize=(4, 3))
for d, colour in (("IN", "#d62728"), ("OUT", "#1f77b4")):
    ax.plot(rall[d]["t"], rall[d]["soma"], color=colour, label=f"{d}")
ax.set_xlabel("t / tau")
ax.set_ylabel("V1 / driving force")
ax.set_title("Rall (1964), ten compartments", fontsize=9)
ax.legend(frameon=False)
ax.spines[["top", "right"]].set_visible(False)
fig2.tight_layout()
