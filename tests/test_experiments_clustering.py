"""Clustered versus distributed summation (Polsky, Mel and Schiller 2004): shapes with margins."""

import numpy as np
import pytest

import morphologies as M
from dendrites import CellModel
from dendrites.errors import ParameterError, PlacementError


def _cell():
    # ten thin (0.5 um x 200 um) branches on a 30 um soma, passive
    cell = M.soma_with_cylinders(10, soma_diameter=30, length=200, diameter=0.5)
    return CellModel(M.discretise(cell, "max_length", max_length=20), Ri=150, Rm=20000, EL=-70)


@pytest.mark.slow
def test_clustered_nmda_is_sigmoidal_distributed_and_ampa_are_not_supralinear():
    from dendrites.experiments import clustering_experiment

    res = clustering_experiment(_cell(), 8, length=20, weight=0.5, nmda_ratio=2.0, duration=30,
                                progress=False)
    f = res.frame
    gain = {(a, n): f[(f.arrangement == a) & (f.nmda == n)].sort_values("k").gain.to_numpy()
            for a in ("clustered", "distributed") for n in (True, False)}
    assert np.allclose([g[0] for g in gain.values()], 1.0)  # k = 1: observed == expected
    s = res.summary().set_index(["arrangement", "nmda"])
    # clustered with NMDA: below threshold near linear (gain(2) < 1.15), then supralinear
    # (k* in 2..6 at the 1.1 threshold, max gain >= 1.5), then saturating (gain falls by > 0.1
    # after its maximum): a sigmoid of observed against expected
    c = gain[("clustered", True)]
    assert c[1] < 1.15 and c.max() >= 1.5
    assert 2 <= s.loc[("clustered", True), "k_star"] <= 6
    assert c[-1] < c.max() - 0.1
    # distributed with NMDA: near linear until many branches are active (gain < 1.1 for k <= 5,
    # and always below the clustered maximum by > 0.3)
    d = gain[("distributed", True)]
    assert np.all(d[:5] < 1.1) and d.max() < c.max() - 0.3
    # without NMDA nothing is supralinear: distributed within 10 % of linear, clustered
    # sublinear (the driving force falls at the shared site), never above 1.01
    assert np.all(np.abs(gain[("distributed", False)] - 1) < 0.1)
    assert np.all(gain[("clustered", False)] <= 1.01)
    assert s.loc[("clustered", False), "k_star"] == 0
    # observed never exceeds ... the figure and the table have every k
    assert sorted(f.k.unique()) == list(range(1, 9))
    res.plot()


def test_clustering_bad_input():
    from dendrites.experiments import clustering_experiment

    model = _cell()
    with pytest.raises(PlacementError, match="branches"):
        clustering_experiment(model, 11, progress=False)
    with pytest.raises(PlacementError, match="um long"):
        clustering_experiment(model, 3, length=500, progress=False)
    with pytest.raises(ParameterError, match="weight"):
        clustering_experiment(model, 3, weight=-1, progress=False)
