"""
Clustered versus distributed summation (Polsky, Mel and Schiller 2004)
======================================================================

**Question.** Do k synapses activated together on one thin branch add up
differently at the soma from k synapses spread over k branches?  Polsky, Mel
and Schiller (2004, Nat Neurosci 7: 621) found that, with NMDA receptors,
clustered input sums supralinearly (sigmoidally) while distributed input sums
near linearly.

**Method.** :func:`dendrites.experiments.clustering_experiment` with its
defaults on the bundled L2/3 pyramidal cell, passive (Ri 150 ohm cm, Rm 20000
ohm cm2, EL -70 mV): k = 1..n synapses of 0.4 nS AMPA (NMDA/AMPA 2, Mg block at
1 mM) get one spike each at t = 0, either *clustered* at random positions
within 30 um of the thinnest terminal basal branch or *distributed* over k
basal branches, with and without NMDA.  The observed somatic peak is set
against the expected arithmetic sum of the single-synapse peaks (gain =
observed / expected); ``k*`` is the smallest k whose gain reaches 1.1.  The
single peaks come from the kernel method of
:func:`~dendrites.experiments.epsp_map` (exact local nonlinearity at each site),
the co-activations from direct simulations of one model built once.

**Reading** (measured at full size, k = 1..20; the cluster sits 100-131 um from
the soma on a 0.73 um terminal basal branch).  Clustered AMPA+NMDA input is
sigmoidal: near linear up to k = 6 (gain 0.965-0.98), supralinear from
``k* = 10`` (gain 1.18), maximal at k = 16 (1.675), then saturating (1.57 at
k = 20).  Distributed input stays near linear: gain 0.993-1.0 with NMDA,
0.949-1.0 without.  Clustered AMPA alone is *sublinear* (0.85 at k = 4, 0.66 at
k = 10, 0.48 at k = 20): the k synapses share one thin, high-impedance site, the
local depolarisation approaches the AMPA reversal (0 mV) and each synapse passes
less current than alone (the driving force; see the docstring of
:mod:`dendrites.experiments.clustering`).  The full-size run takes about 30 s.

**Reduced size** (``NND_GALLERY_REDUCED=1``): k = 1..12 instead of 1..20 (the
random positions within the cluster then differ: k* = 9, gain 1.535 at k = 12).

Module-level results: ``result`` (the
:class:`~dendrites.experiments.clustering.ClusteringResult`), ``gain`` (gain
per k, arrangement and NMDA condition), ``summary`` (``k_star``, ``max_gain``,
``min_gain`` per arrangement and condition).
"""

import os

import matplotlib.pyplot as plt

from dendrites import CellModel
from dendrites.experiments import clustering_experiment

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"
n = 12 if REDUCED else 20

model = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
result = clustering_experiment(model, n, progress=False)

# %%
# Observed against expected somatic peak
# --------------------------------------
# Solid: AMPA+NMDA, dashed: AMPA alone; red: clustered, blue: distributed; grey:
# the linear sum.
fig = result.plot()

# %%
# Gain per k, and the summary
# ---------------------------
gain = result.frame.pivot_table(index="k", columns=["arrangement", "nmda"], values="gain")
summary = result.summary()
print(gain.round(3).to_string())
print(summary.round(3).to_string(index=False))

fig2, ax = plt.subplots(figsize=(4, 3))
style = {("clustered", True): ("#d62728", "-"), ("clustered", False): ("#d62728", "--"),
         ("distributed", True): ("#1f77b4", "-"), ("distributed", False): ("#1f77b4", "--")}
for (arrangement, nmda), (colour, ls) in style.items():
    ax.plot(gain.index, gain[(arrangement, nmda)], ls=ls, color=colour, marker="o", ms=3,
            label=f"{arrangement}, {'AMPA+NMDA' if nmda else 'AMPA'}")
ax.axhline(1.0, color="0.6", lw=0.8)
ax.axhline(1.1, color="0.6", lw=0.8, ls=":")
ax.set_xlabel("k (co-activated synapses)")
ax.set_ylabel("gain (observed / expected)")
ax.legend(frameon=False, fontsize=7)
ax.spines[["top", "right"]].set_visible(False)
fig2.tight_layout()
