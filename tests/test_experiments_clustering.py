"""Clustered versus distributed summation (Polsky, Mel and Schiller 2004): shapes with margins.

The defaults (0.4 nS AMPA, NMDA/AMPA 2, 30 um cluster) on a small synthetic cell, k = 1..8.
Without NMDA the clustered input is sublinear (driving force at the shared thin site): the
test states by how much, matches it against NEURON, and shows it vanishes without driving
force.
"""

import numpy as np
import pytest

import morphologies as M
from dendrites import CellModel
from dendrites.errors import ParameterError, PlacementError

N = 8


def _cell():
    # ten thin (0.5 um x 200 um) branches on a 30 um soma, passive
    cell = M.soma_with_cylinders(10, soma_diameter=30, length=200, diameter=0.5)
    return CellModel(M.discretise(cell, "max_length", max_length=20), Ri=150, Rm=20000, EL=-70)


@pytest.fixture(scope="module")
def result():
    from dendrites.experiments import clustering_experiment

    return clustering_experiment(_cell(), N, duration=30, progress=False)


def _gains(res):
    f = res.frame
    return {(a, n): f[(f.arrangement == a) & (f.nmda == n)].sort_values("k").gain.to_numpy()
            for a in ("clustered", "distributed") for n in (True, False)}


@pytest.mark.slow
def test_clustered_nmda_is_sigmoidal_distributed_near_linear_ampa_clustered_sublinear(result):
    # measured (seed 0): clustered AMPA+NMDA 1.00 1.04 1.17 1.44 1.76 1.80 1.70 1.57;
    # distributed AMPA+NMDA 1.00 .. 1.09; distributed AMPA 1.00 .. 0.956;
    # clustered AMPA 1.00 0.90 0.82 0.76 0.70 0.64 0.60 0.56
    gain = _gains(result)
    f = result.frame
    assert sorted(f.k.unique()) == list(range(1, N + 1))  # the figure and the table have every k
    assert np.allclose([g[0] for g in gain.values()], 1.0)  # k = 1: observed == expected
    s = result.summary().set_index(["arrangement", "nmda"])
    # clustered with NMDA: below threshold near linear (gain(2) < 1.15), then supralinear
    # (k* in 2..5 at the 1.1 threshold, max gain >= 1.5), then saturating (gain falls by > 0.1
    # after its maximum): a sigmoid of observed against expected
    c = gain[("clustered", True)]
    assert c[1] < 1.15 and c.max() >= 1.5
    assert 2 <= s.loc[("clustered", True), "k_star"] <= 5
    assert s.loc[("clustered", True), "max_gain"] == pytest.approx(c.max())
    assert c[-1] < c.max() - 0.1 and 3 <= np.argmax(c) <= N - 2
    # distributed with NMDA: near linear (|gain - 1| < 0.1 for every k <= 8; on this small cell
    # the whole tree depolarises by > 9 mV at k = 8, which starts to relieve the Mg block
    # everywhere), far below the clustered maximum (by > 0.5)
    d = gain[("distributed", True)]
    assert np.all(np.abs(d - 1) < 0.1) and d.max() < c.max() - 0.5
    # without NMDA nothing is supralinear: distributed within 0.95..1.0 (measured >= 0.956)
    assert np.all((gain[("distributed", False)] > 0.95) & (gain[("distributed", False)] <= 1.001))
    # clustered AMPA alone is sublinear, increasingly with k (the local depolarisation approaches
    # the AMPA reversal): within the linear band [0.8, 1.05] for k <= 2 only, below 0.8 from
    # k = 4, between 0.5 and 0.65 at k = 8; never supralinear
    a = gain[("clustered", False)]
    assert np.all(np.diff(a) < 0) and a[1] >= 0.8 and np.all(a[3:] < 0.8)
    assert 0.5 < a[-1] < 0.65
    assert s.loc[("clustered", False), "k_star"] == 0
    assert s.loc[("clustered", False), "min_gain"] == pytest.approx(a[-1])
    result.plot()


@pytest.mark.slow
def test_ampa_sublinearity_is_the_driving_force_as_in_neuron(result):
    # the same cell, sites and AMPA synapses (Exp2Syn 0.2/2 ms, 0 mV, 0.4 nS) in NEURON: the
    # gains of both arrangements agree with the toolkit's within 0.01 (measured < 0.002); with
    # the driving force removed (reversal at +1e5 mV, weight scaled to the same resting current)
    # the clustered gain is 1 within 0.002: the sublinearity is the driving force alone
    from stimuli.spikes import SpikeTrains

    from dendrites.reference import neuron_model

    gain = _gains(result)
    model = _cell()  # one NEURON cell holding both arrangements, only one active at a time
    for arrangement in ("clustered", "distributed"):
        model.add_synapses("ampa", result.sites[arrangement], name=arrangement, weight=0.4)
        model.set_input(arrangement, SpikeTrains(np.arange(N), np.zeros(N), N, 0.0, 30.0))
    ref = neuron_model(model)
    objs = {name: list(ref.synapses[name]) for name in ref.synapses}

    def gains(arrangement):
        out = []
        for active in [[i] for i in range(N)] + [list(range(k)) for k in range(2, N + 1)]:
            for name, group in objs.items():
                ref.synapses[name] = [
                    (syn, nc, np.zeros(1) if name == arrangement and i in active else np.zeros(0))
                    for i, (syn, nc, _) in enumerate(group)]
            out.append(np.max(ref.run(30)[1][0]) + 70.0)
        single, multi = np.array(out[:N]), np.array(out[N:])
        return np.r_[1.0, multi / np.cumsum(single)[1:]]

    for arrangement in ("clustered", "distributed"):
        reference = gains(arrangement)
        np.testing.assert_allclose(gain[(arrangement, False)], reference, rtol=0, atol=0.01)
    assert reference[-1] > 0.95  # distributed: near linear in NEURON too
    reference = gains("clustered")
    assert reference[-1] < 0.65  # NEURON has the same sublinearity
    for syn, nc, _ in objs["clustered"]:
        syn.e = 1e5
        nc.weight[0] *= 70.0 / (1e5 + 70.0)
    assert np.all(np.abs(gains("clustered") - 1) < 0.002)


def test_clustering_bad_input():
    from dendrites.experiments import clustering_experiment

    model = _cell()
    with pytest.raises(PlacementError, match="branches"):
        clustering_experiment(model, 11, progress=False)
    with pytest.raises(PlacementError, match="um long"):
        clustering_experiment(model, 3, length=500, progress=False)
    with pytest.raises(ParameterError, match="weight"):
        clustering_experiment(model, 3, weight=-1, progress=False)
