"""Afferent drive statistics, checked on the conductance it produces.

With a synaptic decay time far longer than the run, a cell's afferent conductance
divided by Q counts the input events it received: for the independent drive these
counts are Poisson with mean ``p N int(nu dt)``.  A clamped population (no spikes)
keeps the cells passive.  Tolerances are 5 standard errors of the estimates.
"""

import numpy as np
import pytest

import network as ntwk

N_CELLS = 2000


def _counting_model(cell_model, tstop=200.0, **extra):
    return cell_model(N=N_CELLS, tstop=tstop, dt=0.1, Vclamp=-70.0, N_AffExc=100, p_AffExc_Cell=0.5,
                      Q_AffExc_Cell=1.0, Tsyn_AffExc=1e12, Erev_AffExc=0.0, **extra)


def _event_counts(NTWK, pre="AffExc"):
    G = NTWK["NEURONS"]["Cell"]
    return np.asarray(getattr(G, f"Gsyn_{pre}") / ntwk.build._b2().nS) / NTWK["Model"][f"Q_{pre}_Cell"]


def _drive(cell_model, rate_fn, shared=False, SEED=7, with_Vm=0, **extra):
    Model = _counting_model(cell_model, **extra)
    t = ntwk.arange(int(Model["tstop"] / Model["dt"])) * Model["dt"]
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"], with_Vm=with_Vm,
                                  with_synaptic_conductances=with_Vm > 0)
    ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, rate_fn(t), SEED=SEED, shared=shared)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    return NTWK, t


def test_independent_drive_is_poisson_with_the_seed_rate(numpy_target, cell_model):
    """Counts ~ Poisson(p N sum(nu) dt): mean and Fano factor within 5 standard errors."""
    rate = lambda t: np.where(t < 100.0, 10.0, 30.0)  # noqa: E731  (a step in Hz)
    NTWK, t = _drive(cell_model, rate)
    counts = _event_counts(NTWK)
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)  # whole events
    expected = 0.5 * 100 * rate(t).sum() * 0.1e-3  # p N sum(nu dt) = 200
    se_mean = np.sqrt(expected / N_CELLS)
    assert abs(counts.mean() - expected) < 5 * se_mean
    fano = counts.var(ddof=1) / counts.mean()
    assert abs(fano - 1.0) < 5 * np.sqrt(2.0 / (N_CELLS - 1))
    # independent inputs: cells' counts are uncorrelated
    assert abs(np.corrcoef(counts[: N_CELLS // 2], counts[N_CELLS // 2:])[0, 1]) < 5 / np.sqrt(N_CELLS / 2)


def test_independent_drive_is_reproducible(numpy_target, cell_model):
    rate = lambda t: np.full_like(t, 20.0)  # noqa: E731
    a = _event_counts(_drive(cell_model, rate, SEED=3)[0])
    b = _event_counts(_drive(cell_model, rate, SEED=3)[0])
    c = _event_counts(_drive(cell_model, rate, SEED=4)[0])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_shared_afferents_correlate_inputs_by_their_overlap(numpy_target, cell_model):
    """Fixed in-degree K of N shared cells: count correlation = mean overlap / K = K / N."""
    rate = lambda t: np.full_like(t, 20.0)  # noqa: E731
    NTWK, t = _drive(cell_model, rate, shared=True, tstop=1000.0, with_Vm=300)
    counts = _event_counts(NTWK)
    K, N = 50, 100
    i, j = NTWK["CONNECTIVITY"][("AffExc", "Cell")]
    assert np.all(np.bincount(j, minlength=N_CELLS) == K)
    lam = 20.0 * 1.0  # events per afferent cell: 20 Hz for 1 s
    # the cells average the same N afferents: the grand mean varies like K sqrt(lam / N)
    assert abs(counts.mean() - K * lam) < 5 * K * np.sqrt(lam / N)
    # events per 20 ms bin of 300 recorded cells: cumulative counts, differenced
    G = ntwk.recording.collect(NTWK)["GSYN_AffExc_Cell"]
    binned = np.diff(G[:, ::200], axis=1)
    C = np.corrcoef(binned)
    r = C[np.triu_indices_from(C, 1)].mean()
    # 49 bins: each pair's estimate has sd ~ (1 - r^2)/sqrt(49); the mean over pairs
    # shares the afferents' noise, bounded here by 0.05 (about 2.5 pair-level sd / sqrt(6))
    assert r == pytest.approx(K / N, abs=0.05)


def test_drive_rejects_bad_rates_and_keys(numpy_target, cell_model):
    Model = _counting_model(cell_model)
    t = ntwk.arange(int(Model["tstop"] / Model["dt"])) * Model["dt"]
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"])
    bad = np.full_like(t, 5.0)
    bad[17] = -1.0
    with pytest.raises(ntwk.ModelValueError, match=r"rate_array\[17\] = -1.0"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, bad, SEED=1)
    with pytest.raises(ntwk.ModelValueError, match="equal length"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, bad[:-3], SEED=1)
    with pytest.raises(ntwk.ModelValueError, match="covers"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t[:100], bad[:100] * 0, SEED=1)
    with pytest.raises(ntwk.ModelKeyError, match="Unknown population 'AffInh'"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffInh", t, bad * 0, SEED=1)
    with pytest.raises(ntwk.ModelValueError, match="SEED"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, bad * 0)


def test_extra_spikes_are_delivered_exactly(numpy_target, cell_model):
    Model = _counting_model(cell_model, tstop=50.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"])
    idx = np.array([0, 0, 5, 1999, 5])
    ntwk.stim.add_spikes(NTWK, "Cell", "AffExc", idx, [1.0, 2.0, 3.0, 4.0, 49.0])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    counts = _event_counts(NTWK)
    np.testing.assert_allclose(counts, np.bincount(idx, minlength=N_CELLS), atol=1e-9)
    with pytest.raises(ntwk.ModelValueError, match="within one time step"):
        ntwk.stim.add_spikes(NTWK, "Cell", "AffExc", [3, 3], [10.0, 10.02])
