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
    # the default protocol (nine AMPA 0.5 nS + NMDA 2 nS synapses over the distal 100 um of the
    # thinnest terminal basal branch of the bundled L2/3 pyramidal cell, passive, Rm 20000,
    # Ri 150; intervals 0..8 ms, with and without NMDA: 34 runs, ~30 s):
    # IN > OUT at every interval 1..8 ms in both conditions; with NMDA the IN-OUT difference
    # exceeds 1.3x the AMPA-alone one at every interval (measured 1.72x at 1 ms, up to 11x at
    # 7 ms) and 0.1 mV (measured 0.13-0.72 mV); AMPA alone IN/OUT < 1.1 (measured 1.04-1.07);
    # with NMDA the largest IN/OUT is > 1.06 (measured 1.08 at 7 ms) and grows from 1 to 4 ms
    from dendrites import CellModel
    from dendrites.experiments import branco_dendrite, sequence_experiment

    model = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
    sites = branco_dendrite(model)
    assert len(sites) == 9 and len(set(sites["section"])) == 1
    span = np.ptp(sites["distance_um"])
    assert 85 < span <= 100
    assert np.all(model.compartments.diameter[sites.compartment] < 1.0)
    res = sequence_experiment(model, progress=False)
    assert len(res.frame) == 36
    r = res.ratio().set_index(["nmda", "interval_ms"])
    diff = r["IN"] - r["OUT"]
    for nmda in (True, False):  # (at 0 ms IN and OUT are one pattern, one run: see below)
        assert np.all(diff[nmda].drop(0.0) > 0)
    later = diff[True].drop(0.0)
    assert np.all(later > 0.1)
    assert np.all(later > 1.3 * diff[False].drop(0.0))
    assert np.all(r.loc[False, "ratio"] < 1.1)
    assert r.loc[True, "ratio"].max() > 1.06
    assert np.all(np.diff(r.loc[True, "ratio"].loc[1.0:4.0].to_numpy()) > 0)
    res.plot()


def test_sequence_window_grows_until_the_peak_and_interval_zero_runs_once():
    # the default window (sequence + tail, grown while the peak is in its last tail/5 ms) gives
    # the same peaks (to 1e-12 mV: same time steps) as one long fixed window, also with a tail
    # (8 ms) too short, which makes the window grow; IN and OUT at 0 ms share one run
    from dendrites import CellModel
    from dendrites.experiments import sequence_experiment
    import morphologies as M

    model = CellModel(M.discretise(M.ball_and_stick(length=200, diameter=1), "max_length",
                                   max_length=20))
    sites = [4, 7, 10]
    kw = dict(intervals=[0, 3], nmda=(True,), weight=0.3, nmda_ratio=1.0, progress=False)
    long = sequence_experiment(model, sites, duration=120, **kw).frame
    windows = {}
    for tail in (50, 8):
        res = sequence_experiment(model, sites, tail=tail, **kw)
        assert np.allclose(res.frame["soma_peak_mV"], long["soma_peak_mV"], rtol=0, atol=1e-12)
        t_in, v_in = res.traces[("IN", 0.0, True)]
        assert res.traces[("OUT", 0.0, True)][1] is v_in
        windows[tail] = [len(res.traces[("IN", dt, True)][0]) * model.dt for dt in (0.0, 3.0)]
    # a window starts at 2 x interval + tail and grows by tail while the peak is in its last
    # tail/5: with the 50 ms tail none grows (50, 56 ms); with the 8 ms tail the synchronous
    # pattern's first 8 ms end before its peak, so that window grows (to 16 ms or more), while
    # the 3 ms sequence peaks inside its first 14 ms
    assert windows[50] == pytest.approx([50.0, 56.0])
    assert windows[8][0] >= 16.0 - 1e-9 and windows[8][1] == pytest.approx(14.0)
    assert long["soma_peak_mV"].iloc[1] > long["soma_peak_mV"].iloc[3] > 0   # IN > OUT at 3 ms


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
    with pytest.raises(ParameterError, match="tail"):
        sequence_experiment(model, [3, 5, 7], tail=0)


def test_nnd_sequence_defaults_are_the_protocol_defaults():
    import argparse

    from dendrites.experiment_commands import register
    from dendrites.experiments import sequence

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["sequence", "--csv", "x.csv"])
    assert args.file == "L23pyr" and args.n == 9 and args.length == 100.0
    assert args.weight == sequence.BRANCO_WEIGHT
    assert args.nmda_ratio == sequence.BRANCO_NMDA_RATIO
    assert [float(x) for x in args.intervals.split(",")] == list(sequence.BRANCO_INTERVALS)
    assert (args.Ri, args.Rm) == (150.0, 20000.0)


def test_sequence_with_two_workers_is_identical():
    # the runs shared between two forked workers give bit-equal peaks and traces
    from dendrites import CellModel
    from dendrites.experiments import sequence_experiment

    model = CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)
    one = sequence_experiment(model, intervals=[0, 3], nmda=(True,), progress=False)
    two = sequence_experiment(model, intervals=[0, 3], nmda=(True,), progress=False, workers=2)
    assert one.frame.equals(two.frame)
    for key, (t, v) in one.traces.items():
        assert np.array_equal(v, two.traces[key][1])
    with pytest.raises(ParameterError, match="workers"):
        sequence_experiment(model, intervals=[0], nmda=(True,), progress=False, workers=0)


def test_sequence_on_a_model_already_run_and_window_cap():
    # a passive model that was run is copied as a passive cell (not refused); an active model
    # that was run is refused with the reason; a window that never contains the peak raises
    # instead of growing forever (tail 0.05 ms: the EPSP peaks ms after the last input)
    import morphologies as M
    from dendrites import CellModel
    from dendrites.errors import SimulationError
    from dendrites.experiments import sequence_experiment

    def cell():
        return CellModel(M.discretise(M.ball_and_stick(), "max_length", max_length=50),
                         Ri=150, Rm=20000, EL=-70)

    model = cell()
    sites = np.arange(1, model.n)[-4:]  # the last four compartments of the stick
    model.record("v", 0)
    model.run(1.0)
    res = sequence_experiment(model, sites, intervals=[0], nmda=(False,), progress=False)
    assert res.frame.soma_peak_mV.iloc[0] > 0
    with pytest.raises(SimulationError, match="still rises"):
        sequence_experiment(model, sites, intervals=[1], nmda=(False,), tail=0.05,
                            progress=False)
    active = cell()
    active.insert("hh", where="soma")
    active.record("v", 0)
    active.run(1.0)
    with pytest.raises(SimulationError, match="already built or run"):
        sequence_experiment(active, sites, intervals=[0], nmda=(False,), progress=False)
