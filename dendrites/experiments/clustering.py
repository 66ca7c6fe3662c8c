"""Clustered versus distributed summation (Polsky, Mel and Schiller 2004, Nat Neurosci 7: 621).

``k = 1..n`` synapses are co-activated (one spike each at ``t = 0``) either
*clustered* within ``length`` um of one thin branch or *distributed* over ``k``
different branches.  The observed somatic peak is compared with the expected
arithmetic sum of the single-synapse peaks of the same synapses (gain =
observed / expected).

What the physics gives (measured with the defaults -- 0.4 nS AMPA per
synapse, NMDA/AMPA 2, a 30 um cluster, seed 0 -- on the bundled ``L23pyr``,
passive, Ri 150 ohm cm, Rm 20000 ohm cm2, k = 1..20; the cluster sits 100-131 um
from the soma on the thinnest terminal basal branch, 0.73 um):

* clustered AMPA+NMDA is sigmoidal: near linear up to k = 6 (gain 0.965-0.98:
  the driving force still falls), supralinear from ``k* = 10`` (gain 1.18 at
  the 1.1 threshold), maximal gain 1.68 at k = 16, then saturating (1.57 at
  k = 20);
* distributed input stays near linear: gain 0.99-1.00 with NMDA, 0.95-1.00
  without;
* clustered AMPA alone is **sublinear**, increasingly so with k: gain 0.85 at
  k = 4, 0.78 at k = 6, 0.66 at k = 10, 0.48 at k = 20.  This is the driving
  force: k synapses share one thin, high-impedance site, the local
  depolarisation approaches the AMPA reversal (0 mV) and each synapse passes
  less current than alone.  It is not a numerical artefact (on a synthetic
  cell the test matches it against NEURON, gains within 0.002, and shows it
  vanishes for input without driving force), nor a matter of the weight: the
  gain leaves the linear band [0.8, 1.05] at k = 6 with 0.4 nS, k = 5 with
  0.5 nS, k = 7 with 0.3 nS and k = 10 with 0.2 nS (where NMDA no longer
  reaches a maximal gain before k = 20).  Experiments see the same: summation on thin dendrites is linear
  to sublinear without NMDA (Polsky et al. 2004; sublinear at distal basal
  sites in Branco and Hausser 2011, Neuron 69: 885; Abrahamsson et al. 2012,
  Neuron 73: 1159).  The cluster length matters little on such a branch (at
  0.5 nS, 20 and 30 um give gains within 0.004 without NMDA, 0.021 with).
  A model without a spine area correction overestimates the branch's input
  impedance and so this sublinearity.

The single-synapse peaks come from the kernel method of
:mod:`dendrites.experiments.epsp_map` on passive cells (the local nonlinearity,
Mg block included, solved exactly at each site) and from direct simulation on
active cells; the co-activations are direct simulations of one model built
once (spike inputs and NMDA weights change between runs, nothing recompiles).

Units of plain numbers: ms, mV, nS, um.
"""

from __future__ import annotations

import numpy as np

from stimuli.arguments import check_count, to_plain

from ..errors import ParameterError, PlacementError, UnitError

__all__ = ["clustering_experiment", "ClusteringResult", "GAIN_THRESHOLD"]

#: Gain (observed / expected) above which summation is called supralinear (k*).
GAIN_THRESHOLD = 1.1


class ClusteringResult:
    """Observed against expected somatic peaks.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``arrangement`` ("clustered"/"distributed"), ``k``, ``nmda``
        (bool), ``observed_mV``, ``expected_mV``, ``gain`` (observed/expected).
    sites : dict
        ``{"clustered": SiteTable, "distributed": SiteTable}``.
    """

    def __init__(self, frame, sites):
        self.frame, self.sites = frame, sites

    def summary(self, threshold=GAIN_THRESHOLD):
        """pandas.DataFrame per arrangement and NMDA condition: ``k_star``, ``max_gain``, ``min_gain``.

        ``k_star`` is the smallest ``k`` whose gain reaches ``threshold`` (0 if
        none: no supralinearity), ``max_gain`` the largest gain over ``k`` and
        ``min_gain`` the smallest (below 1: sublinear summation).
        """
        import pandas as pd

        rows = []
        for (arrangement, nmda), part in self.frame.groupby(["arrangement", "nmda"]):
            part = part.sort_values("k")
            above = part["gain"].to_numpy() >= threshold
            rows.append({"arrangement": arrangement, "nmda": bool(nmda),
                         "k_star": int(part["k"].to_numpy()[np.argmax(above)]) if above.any()
                         else 0, "max_gain": float(part["gain"].max()),
                         "min_gain": float(part["gain"].min())})
        return pd.DataFrame(rows)

    def plot(self, ax=None):
        """Observed against expected somatic peak (Polsky et al. 2004, Fig. 2 style)."""
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(4, 3.6))
        else:
            fig = ax.figure
        style = {("clustered", True): ("#d62728", "-"), ("clustered", False): ("#d62728", "--"),
                 ("distributed", True): ("#1f77b4", "-"), ("distributed", False): ("#1f77b4", "--")}
        top = 0
        for (arrangement, nmda), part in self.frame.groupby(["arrangement", "nmda"]):
            part = part.sort_values("k")
            colour, ls = style[(arrangement, bool(nmda))]
            ax.plot(part["expected_mV"], part["observed_mV"], "o", ls=ls, color=colour, ms=3,
                    label=f"{arrangement}, {'AMPA+NMDA' if nmda else 'AMPA'}")
            top = max(top, part["expected_mV"].max(), part["observed_mV"].max())
        ax.plot([0, top], [0, top], color="0.6", lw=0.8, label="linear")
        ax.set_xlabel("expected (arithmetic sum, mV)")
        ax.set_ylabel("observed somatic peak (mV)")
        ax.legend(frameon=False, fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return fig

    def save(self, filename):
        """Save the table and both site tables through the shared HDF5 format."""
        from network.hdf5 import save_dict_to_hdf5

        from ..errors import RecordingError

        table = {c: self.frame[c].to_numpy() for c in self.frame.columns}
        table["arrangement"] = np.array([str(x) for x in table["arrangement"]])
        table["nmda"] = table["nmda"].astype(bool)
        try:
            save_dict_to_hdf5({"format": "dendrites.clustering", "table": table,
                               "sites": {k: s.to_dict() for k, s in self.sites.items()}},
                              filename)
        except (OSError, ValueError) as err:
            raise RecordingError(f"cannot write the clustering result to {filename}: "
                                 f"{err}") from None
        return filename


def clustering_experiment(model, n=20, *, length=30.0, where="basal", nmda=(True, False),
                          weight=0.4, nmda_ratio=2.0, duration=60.0, seed=0, target=None,
                          progress=True, singles="auto", workers=1, **kinetics):
    """Observed against expected somatic peaks for k = 1..n clustered or distributed synapses.

    Parameters
    ----------
    model : CellModel
        Copied, not modified.
    n : int
        Largest number of co-activated synapses (default 20).
    length : float or Quantity
        Length of branch holding the cluster, um (default 30; clusters of
        about 20-40 um as in Polsky et al. 2004 and Losonczy and Magee 2006).  The
        branch is the thinnest terminal section of ``where`` at least that
        long; the window of ``length`` um on it is chosen at random (``seed``)
        and the synapses are placed uniformly at random within it.
    where : selection
        Region of both arrangements (default ``"basal"``).
    nmda : sequence of bool
        Conditions (default with and without NMDA).
    weight : float or Quantity
        AMPA peak conductance per synapse, nS (default 0.4, within the
        0.1-0.5 nS of unitary cortical AMPA conductances).
    nmda_ratio : float
        NMDA/AMPA peak conductance (default 2; Mg block at 1 mM).
    duration : float or Quantity
        ms per run (default 60).
    seed : int
        Seeds the cluster's window and positions and the distributed branches.
    target : str, optional
        brian2 code-generation target.
    progress : bool
        Progress bar of the co-activation runs.
    workers : int
        Worker processes sharing the runs (default 1; identical results for any
        number; see :func:`dendrites.experiments.runner.run_batches`).
    singles : {"auto", "kernel", "direct"}
        How the single-synapse peaks are computed (auto: kernel on passive cells).
    **kinetics
        Synapse kinetics, as :func:`~dendrites.experiments.epsp_map`
        (``tau_rise``, ``tau_decay``, ``E``, ``nmda_tau_rise``, ...).

    Returns
    -------
    ClusteringResult

    Raises
    ------
    PlacementError
        No branch ``length`` long, or fewer than ``n`` branches for the distributed set.
    ParameterError
        A negative weight, ``n < 1``.
    """
    import pandas as pd

    from .epsp_map import epsp_map, is_passive, synapse_parameters
    from .runner import PatternRunner
    from .sequence import branco_dendrite
    from ..placement import place_distributed

    n = check_count(n, "n", minimum=1, error=ParameterError)
    synapse_parameters("ampa+nmda", weight, nmda_ratio, kinetics)  # checks them, before any run
    length = float(to_plain(length, "um", "length", error=UnitError))
    rng_seed = int(seed)
    clustered = branco_dendrite(model, n, length, where=where, seed=rng_seed)
    clustered = _randomise(model, clustered, length, where, n, rng_seed)
    try:
        distributed = place_distributed(model, n, where=where, seed=rng_seed)
    except PlacementError as err:
        raise PlacementError(f"distributed input: {err}") from None
    sites = {"clustered": clustered, "distributed": distributed}
    allsites = clustered.concat(distributed)
    duration = float(to_plain(duration, "ms", "duration", error=UnitError))
    if singles == "auto":
        singles = "kernel" if is_passive(model) else "direct"
    runner = PatternRunner(model, allsites, weight=weight, nmda_ratio=nmda_ratio,
                           duration=duration, target=target, **kinetics)
    jobs = [(bool(on), arrangement) for on in nmda for arrangement in ("clustered", "distributed")]
    singles_of, patterns, flags, slots = {}, [], [], {}
    for on, arrangement in jobs:
        ids = (0 if arrangement == "clustered" else n) + np.arange(n)
        if singles == "kernel":
            uniq, back = np.unique(allsites.compartment[ids], return_inverse=True)
            em = epsp_map(model, uniq, synapse="ampa+nmda" if on else "ampa",
                          weight=weight, nmda_ratio=nmda_ratio, duration=duration,
                          method="kernel", target=target, progress=False, **kinetics)
            singles_of[(on, arrangement)] = em.frame["soma_peak_mV"].to_numpy()[back]
            runs = []
        else:  # one run per synapse alone
            runs = [([i], [0.0]) for i in ids]
        runs += [(ids[:k], np.zeros(k)) for k in range(2, n + 1)]
        slots[(on, arrangement)] = slice(len(patterns), len(patterns) + len(runs))
        patterns += runs
        flags += [on] * len(runs)
    # every co-activation of every condition in one batch (one pool of workers)
    peaks = runner.peaks(patterns, nmda=flags, progress=progress, desc="clustering runs",
                         workers=workers)
    rows = []
    for on, arrangement in jobs:
        out = np.asarray(peaks[slots[(on, arrangement)]])
        if singles == "kernel":
            single, combined = singles_of[(on, arrangement)], out
        else:
            single, combined = out[:n], out[n:]
        observed = np.r_[single[0], combined]
        expected = np.cumsum(single)
        for k in range(1, n + 1):
            rows.append({"arrangement": arrangement, "k": k, "nmda": on,
                         "observed_mV": float(observed[k - 1]),
                         "expected_mV": float(expected[k - 1]),
                         "gain": float(observed[k - 1] / expected[k - 1])})
    return ClusteringResult(pd.DataFrame(rows), sites)


def _randomise(model, clustered, length, where, n, seed):
    """Random positions (seeded) within the chosen window instead of even spacing."""
    from ..placement import place_clustered

    section = int(clustered["section"][0])
    return place_clustered(model, n, length, where=where, section=section, spacing="random",
                           seed=seed)
