"""Sequence direction: Rall (1964) against the exact solution, Branco et al. (2010) shape."""

import numpy as np
import pytest
from scipy.linalg import expm

from dendrites.errors import ParameterError, PlacementError


def _rall_exact(direction, g_ratio=1.0, n=10, dx=0.2, piece=0.25, pairs=((2, 3), (4, 5), (6, 7),
                                                                          (8, 9)),
                duration=2.5, samples_per_tau=100):
    """Rall's compartment equations in units of tau and of a compartment's conductances.

    dV_i/dt = -V_i + (V_{i-1} - 2 V_i + V_{i+1}) / dx**2 + g_ratio * on_i(t) * (1 - V_i),
    sealed ends (no coupling beyond compartments 1 and n); solved exactly piece by piece
    (matrix exponential of the augmented constant system), sampled every 1/samples_per_tau.
    """
    L = np.zeros((n, n))
    for i in range(n - 1):
        L[i, i] -= 1
        L[i + 1, i + 1] -= 1
        L[i, i + 1] = L[i + 1, i] = 1
    order = list(pairs) if direction == "OUT" else list(pairs)[::-1]
    h = 1.0 / samples_per_tau
    n_t = int(round(duration * samples_per_tau))
    v = np.zeros(n + 1)
    v[n] = 1.0  # constant 1 for the affine term
    out = np.zeros((n_t, n))
    for k in range(n_t):
        out[k] = v[:n]
        piece_index = int(np.floor(k * h / piece + 1e-9))
        on = np.zeros(n)
        if piece_index < len(order):
            on[[c - 1 for c in order[piece_index]]] = 1.0
        M = np.zeros((n + 1, n + 1))
        M[:n, :n] = -np.eye(n) + L / dx**2 - np.diag(g_ratio * on)
        M[:n, n] = g_ratio * on
        v = expm(M * h) @ v
    return np.arange(n_t) * h, out


@pytest.mark.slow
def test_rall_1964_ten_compartments_matches_the_exact_solution():
    # toolkit (brian2, implicit Euler, 1000 steps per tau) == exact piecewise solution within
    # 0.5 % of the peak at every sample; Rall's result: IN (towards the soma) peaks higher and
    # later than OUT
    from dendrites.experiments import rall_sequence

    peaks = {}
    for direction in ("IN", "OUT"):
        res = rall_sequence(direction, target="numpy")
        t_ex, v_ex = _rall_exact(direction)
        step = int(round(1000 / 100))
        sim = res["v"][::step][:len(t_ex)]
        assert np.allclose(res["t"][::step][:len(t_ex)], t_ex)
        assert np.max(np.abs(sim - v_ex)) < 0.005 * v_ex[:, 0].max()
        assert res["peak"] == pytest.approx(v_ex[:, 0].max(), rel=0.005)
        peaks[direction] = (res["peak"], res["t_peak"])
    assert peaks["IN"][0] > 1.5 * peaks["OUT"][0]
    assert peaks["IN"][1] > 0.75 > peaks["OUT"][1]


def test_rall_bad_input():
    from dendrites.experiments import rall_sequence

    with pytest.raises(ParameterError, match="direction"):
        rall_sequence("UP")
    with pytest.raises(ParameterError, match="pairs"):
        rall_sequence("IN", pairs=((11, 12),))


@pytest.mark.slow
def test_branco_2010_in_spirit_on_a_thin_basal_dendrite():
    # nine AMPA+NMDA synapses over the distal 100 um of the thinnest terminal basal branch of
    # the bundled L2/3 pyramidal cell (passive, Rm 20000, Ri 150): IN == OUT at 0 ms (to 1e-9
    # mV), IN > OUT at every interval > 0; with NMDA the IN-OUT difference grows with the
    # interval (2 -> 8 ms) and exceeds the AMPA-alone difference (tested at 2, 4, 8 ms to stay
    # under a minute; at 1 ms it is smaller than with AMPA alone: 0.10 vs 0.15 mV measured);
    # with AMPA alone it is small (IN/OUT < 1.12)
    from dendrites import CellModel
    from dendrites.experiments import branco_dendrite, sequence_experiment

    model = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
    sites = branco_dendrite(model)
    assert len(sites) == 9 and len(set(sites["section"])) == 1
    span = np.ptp(sites["distance_um"])
    assert 85 < span <= 100
    assert np.all(model.compartments.diameter[sites.compartment] < 1.0)
    res = sequence_experiment(model, sites, intervals=[0, 2, 4, 8], duration=90, progress=False)
    r = res.ratio().set_index(["nmda", "interval_ms"])
    diff = r["IN"] - r["OUT"]
    for nmda in (True, False):
        assert abs(diff[(nmda, 0.0)]) < 1e-9
        assert np.all(diff[nmda].drop(0.0) > 0)
    assert np.all(np.diff(diff[True].drop(0.0).to_numpy()) > 0)
    assert np.all(diff[True].drop(0.0) > diff[False].drop(0.0))
    assert np.all(r.loc[False, "ratio"] < 1.12)
    res.plot()


def test_sequence_bad_input():
    from dendrites import CellModel
    from dendrites.experiments import branco_dendrite, sequence_experiment
    import morphologies as M

    model = CellModel(M.discretise(M.ball_and_stick(length=80, diameter=1), "max_length",
                                   max_length=10))
    with pytest.raises(PlacementError, match="100 um long"):
        branco_dendrite(model)
    with pytest.raises(ParameterError, match="intervals"):
        sequence_experiment(model, [3, 5, 7], intervals=[-1, 2])
    with pytest.raises(ParameterError, match="weight"):
        sequence_experiment(model, [3, 5, 7], weight=-0.5)
