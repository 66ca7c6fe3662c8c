"""Clustered versus distributed summation (Polsky, Mel and Schiller 2004, Nat Neurosci 7: 621).

``k = 1..n`` synapses are co-activated (one spike each at ``t = 0``) either
*clustered* within ``length`` um of one thin branch or *distributed* over ``k``
different branches.  The observed somatic peak is compared with the expected
arithmetic sum of the single-synapse peaks of the same synapses.  Clustered
AMPA+NMDA input on a thin branch sums sigmoidally (supralinear past a threshold
``k*``, when the local depolarisation relieves the Mg block); distributed input
sums nearly linearly, and without NMDA both are near linear (slightly
sublinear when clustered, as the driving force falls).

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
        """pandas.DataFrame per arrangement and NMDA condition: ``k_star`` and ``max_gain``.

        ``k_star`` is the smallest ``k`` whose gain reaches ``threshold`` (0 if
        none: no supralinearity), ``max_gain`` the largest gain over ``k``.
        """
        import pandas as pd

        rows = []
        for (arrangement, nmda), part in self.frame.groupby(["arrangement", "nmda"]):
            part = part.sort_values("k")
            above = part["gain"].to_numpy() >= threshold
            rows.append({"arrangement": arrangement, "nmda": bool(nmda),
                         "k_star": int(part["k"].to_numpy()[np.argmax(above)]) if above.any()
                         else 0, "max_gain": float(part["gain"].max())})
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


def clustering_experiment(model, n=20, *, length=20.0, where="basal", nmda=(True, False),
                          weight=0.5, nmda_ratio=2.0, duration=60.0, seed=0, target=None,
                          progress=True, singles="auto", **kinetics):
    """Observed against expected somatic peaks for k = 1..n clustered or distributed synapses.

    Parameters
    ----------
    model : CellModel
        Copied, not modified.
    n : int
        Largest number of co-activated synapses (default 20).
    length : float or Quantity
        Length of branch holding the cluster, um (default 20).  The branch is
        the thinnest section of ``where`` at least that long.
    where : selection
        Region of both arrangements (default ``"basal"``).
    nmda : sequence of bool
        Conditions (default with and without NMDA).
    weight : float
        AMPA peak conductance per synapse, nS (default 0.5).
    nmda_ratio : float
        NMDA/AMPA peak conductance (default 2).
    duration : float
        ms per run.
    singles : {"auto", "kernel", "direct"}
        How the single-synapse peaks are computed (auto: kernel on passive cells).

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

    from .epsp_map import is_passive, progress_bar, synapse_parameters, epsp_map
    from .runner import PatternRunner
    from .sequence import branco_dendrite
    from ..placement import place_distributed

    n = check_count(n, "n", minimum=1, error=ParameterError)
    ampa, _ = synapse_parameters("ampa+nmda", weight, nmda_ratio, kinetics)
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
    rows = []
    jobs = [(on, arrangement) for on in nmda for arrangement in ("clustered", "distributed")]
    for on, arrangement in jobs:
        offset = 0 if arrangement == "clustered" else n
        ids = offset + np.arange(n)
        if singles == "kernel":
            uniq, back = np.unique(allsites.compartment[ids], return_inverse=True)
            em = epsp_map(model, uniq, synapse="ampa+nmda" if on else "ampa",
                          weight=weight, nmda_ratio=nmda_ratio, duration=duration,
                          method="kernel", target=target, progress=False, **kinetics)
            single = em.frame["soma_peak_mV"].to_numpy()[back]  # synapses sharing a compartment
        else:
            single = runner.peaks([([i], [0.0]) for i in ids], nmda=bool(on))
        combos = [(ids[:k], np.zeros(k)) for k in range(2, n + 1)]
        observed = np.r_[single[0], runner.peaks(combos, nmda=bool(on), progress=progress,
                                                 desc=f"{arrangement} k=2..{n}")]
        expected = np.cumsum(single)
        for k in range(1, n + 1):
            rows.append({"arrangement": arrangement, "k": k, "nmda": bool(on),
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
