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
    # two cells sharing o of their K afferents have count correlation o / K (any bin:
    # their counts are sums of the same Poisson trains); fixed in-degree gives E[o] = K^2/N
    A = np.zeros((N, N_CELLS))
    A[i, j] = 1
    O = A[:, :300].T @ A[:, :300]
    upper = np.triu_indices(300, 1)
    predicted = (O[upper] / K).mean()
    # overlap ~ hypergeometric, sd 0.05 per pair in o/K; over the pairs of 300 cells ~0.004
    assert predicted == pytest.approx(K / N, abs=0.02)
    # events per 1 ms bin of the 300 recorded cells: cumulative counts, differenced
    G = ntwk.recording.collect(NTWK)["GSYN_AffExc_Cell"]
    C = np.corrcoef(np.diff(G[:, ::10], axis=1))
    # measured over 8 seeds: C[upper].mean() - predicted = -0.004 +- 0.012 (sd): 5 sd
    assert C[upper].mean() == pytest.approx(predicted, abs=0.06)


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
    with pytest.raises(ntwk.ModelValueError, match="rate_array has 100 samples.*2000 steps"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t[:100], bad[:100] * 0, SEED=1)
    with pytest.raises(ntwk.ModelKeyError, match="Unknown population 'AffInh'"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffInh", t, bad * 0, SEED=1)
    with pytest.raises(ntwk.ModelValueError, match="SEED"):
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, bad * 0)


def test_extra_spikes_are_delivered_exactly(numpy_target, cell_model):
    Model = _counting_model(cell_model, tstop=50.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"])
    idx = np.array([0, 0, 5, 1999, 5])
    with pytest.raises(ntwk.ModelValueError, match="within one time step"):
        ntwk.stim.add_spikes(NTWK, "Cell", "AffExc", [3, 3], [10.0, 10.02])
    ntwk.stim.add_spikes(NTWK, "Cell", "AffExc", idx, [1.0, 2.0, 3.0, 4.0, 49.0])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    counts = _event_counts(NTWK)
    np.testing.assert_allclose(counts, np.bincount(idx, minlength=N_CELLS), atol=1e-9)


def _step_counts(NTWK, pre="AffExc"):
    """Events received by each recorded cell in each step, from its recorded conductance.

    The monitor samples the start of every step and a drive adds its events at step k
    after the state update, so they show between samples k and k+1.
    """
    G = ntwk.recording.collect(NTWK)[f"GSYN_{pre}_Cell"]
    return np.diff(G, axis=1) / NTWK["Model"][f"Q_{pre}_Cell"]


@pytest.mark.parametrize("extra, first_step, scale", [({}, 100, 1.0),
                                                       ({"delay_AffExc_Cell": 2.0, "psyn_AffExc_Cell": 0.25}, 120, 0.25)])
def test_drive_follows_the_rate_step_by_step(numpy_target, cell_model, extra, first_step, scale):
    """A rate non-zero on steps [100, 110) only: events on exactly those steps (shifted by
    round(delay/dt) with a delay), p N nu dt of them per cell and step (times psyn)."""
    Model = _counting_model(cell_model, tstop=20.0, **extra)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"], with_Vm=500,
                                  with_synaptic_conductances=True)
    t = ntwk.arange(200) * 0.1
    rate = np.where((t >= 10.0 - 1e-9) & (t < 11.0 - 1e-9), 2000.0, 0.0)  # steps 100..109
    ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, rate, SEED=5)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    counts = _step_counts(NTWK)
    active = np.zeros(counts.shape[1], bool)
    active[first_step:first_step + 10] = True
    # outside the active steps the conductance only decays (Tsyn = 1e12 ms): no event at all
    assert np.abs(counts[:, ~active]).max() < 1e-6
    lam = scale * 0.5 * 100 * 2000.0 * 0.1e-3  # p N nu dt psyn = 10 or 2.5 events per step
    events = counts[:, active]
    np.testing.assert_allclose(events, np.round(events), atol=1e-6)
    assert abs(events.mean() - lam) < 5 * np.sqrt(lam / events.size)
    assert abs(events.var() / events.mean() - 1) < 5 * np.sqrt(2 / (events.size - 1))  # Poisson


def _twin_model(cell_model, N, tstop, **extra):
    """Two identical clamped populations 'Cell' and 'Twin', both fed by 'AffExc'."""
    Model = _counting_model(cell_model, tstop=tstop, **extra)
    Model["N_Cell"] = N
    Model.update({"Twin" + k[4:]: v for k, v in Model.items() if k.startswith("Cell_")})
    Model.update(N_Twin=N, p_AffExc_Twin=0.5, Q_AffExc_Twin=1.0)
    return Model


def test_two_drives_with_one_seed_are_independent(numpy_target, cell_model):
    """As in the seed example (SEED=32 for both targets): cell k of one target and cell k
    of the other receive uncorrelated inputs (|r| < 5/sqrt(N))."""
    N = 2000
    Model = _twin_model(cell_model, N, 200.0)
    NTWK = ntwk.build.populations(Model, ["Cell", "Twin"], AFFERENT_POPULATIONS=["AffExc"])
    t = ntwk.arange(2000) * 0.1
    for target in ("Cell", "Twin"):
        ntwk.stim.construct_feedforward_input(NTWK, target, "AffExc", t, np.full_like(t, 20.0), SEED=32)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    a = np.asarray(NTWK["NEURONS"]["Cell"].Gsyn_AffExc / ntwk.build._b2().nS)
    b = np.asarray(NTWK["NEURONS"]["Twin"].Gsyn_AffExc / ntwk.build._b2().nS)
    expected = 0.5 * 100 * 20.0 * 200.0e-3  # p N nu T = 200 events
    for x in (a, b):
        assert abs(x.mean() - expected) < 5 * np.sqrt(expected / N)
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(N)


def test_shared_afferents_are_shared_across_targets(numpy_target, cell_model):
    """One PoissonGroup feeds both targets, each through its own projection: two cells of
    different targets share on average K^2/N afferents and their input counts correlate
    by K/N = 0.5, never by 1 (which identical projections, one SEED for both, would give)."""
    N_cells, K, N_aff = 300, 50, 100
    Model = _twin_model(cell_model, N_cells, 1000.0)
    NTWK = ntwk.build.populations(Model, ["Cell", "Twin"], AFFERENT_POPULATIONS=["AffExc"], with_Vm=N_cells,
                                  with_synaptic_conductances=True)
    t = ntwk.arange(10000) * 0.1
    for target in ("Cell", "Twin"):
        ntwk.stim.construct_feedforward_input(NTWK, target, "AffExc", t, np.full_like(t, 20.0), SEED=32,
                                              shared=True)
    assert sum(isinstance(o, ntwk.build._b2().PoissonGroup) for o in NTWK["OBJECTS"]) == 1
    (i1, j1), (i2, j2) = NTWK["CONNECTIVITY"][("AffExc", "Cell")], NTWK["CONNECTIVITY"][("AffExc", "Twin")]
    A = np.zeros((N_cells, N_aff), bool)
    B = np.zeros((N_cells, N_aff), bool)
    A[j1, i1] = B[j2, i2] = True
    overlap = (A & B).sum(axis=1)
    assert np.all(overlap < K)  # never the same afferents
    assert abs(overlap.mean() - K**2 / N_aff) < 5 * np.sqrt(K**2 / N_aff / N_cells)  # hypergeometric, var < mean
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    binned = [np.diff(data[f"GSYN_AffExc_{p}"][:, ::10], axis=1) for p in ("Cell", "Twin")]
    r = np.mean([np.corrcoef(x, y)[0, 1] for x, y in zip(*binned)])
    # cell k of each target: correlation overlap_k / K (see the test above); measured
    # over 6 seeds r - overlap.mean()/K = -0.004 +- 0.015 (sd): 5 sd
    assert r == pytest.approx(overlap.mean() / K, abs=0.075)
    assert r < 0.8  # identical projections would give 1


def test_extra_spikes_follow_the_model_release_probability_and_delay(numpy_target, cell_model):
    Model = _counting_model(cell_model, tstop=20.0, psyn_AffExc_Cell=0.5, delay_AffExc_Cell=3.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"], with_Vm=N_CELLS,
                                  with_synaptic_conductances=True)
    ntwk.stim.add_spikes(NTWK, "Cell", "AffExc", np.arange(N_CELLS), np.full(N_CELLS, 5.0))
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    counts = _step_counts(NTWK)
    step = int(round((5.0 + 3.0) / 0.1))
    assert np.abs(np.delete(counts, step, axis=1)).max() < 1e-6  # delivered 3 ms late, only then
    delivered = np.round(counts[:, step])
    assert set(np.unique(delivered)) <= {0.0, 1.0}
    assert abs(delivered.mean() - 0.5) < 5 * np.sqrt(0.25 / N_CELLS)  # Binomial(N, psyn)


def test_time_rescaled_drive_has_poisson_counts_per_step(numpy_target, cell_model):
    """The event-clock drive gives, per cell and step, independent Poisson(lambda)
    counts, multiple events included: pmf of 0..3 events within 5 standard errors of
    Poisson(0.5), mean and variance equal, no correlation between successive steps."""
    lam = 0.5  # events per cell and step: p N nu dt = 0.5 * 100 * 100 Hz * 0.1 ms
    Model = _counting_model(cell_model, tstop=100.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"], with_Vm=200,
                                  with_synaptic_conductances=True)
    t = ntwk.arange(1000) * 0.1
    ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, np.full_like(t, 100.0), SEED=5)
    ntwk.collect_and_run(NTWK)
    counts = np.round(_step_counts(NTWK)).astype(int)  # (200 cells, 999 steps)
    n = counts.size
    from scipy.stats import poisson

    for k in range(4):
        p = poisson.pmf(k, lam)
        assert abs(np.mean(counts == k) - p) < 5 * np.sqrt(p * (1 - p) / n), k
    assert abs(counts.mean() - lam) < 5 * np.sqrt(lam / n)
    assert abs(counts.var() - lam) < 5 * np.sqrt((lam + 2 * lam**2) / n)  # sd of a Poisson sample variance
    lag1 = np.corrcoef(counts[:, :-1].ravel(), counts[:, 1:].ravel())[0, 1]
    assert abs(lag1) < 5 / np.sqrt(n)


def test_shared_afferent_spikes_are_recorded_and_conserved(numpy_target, cell_model):
    """With with_raster, the explicit afferent cells' spikes are recorded, and every
    target cell receives exactly the spikes of its presynaptic afferents (conservation)."""
    Model = _counting_model(cell_model, tstop=200.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"], with_raster=True)
    t = ntwk.arange(2000) * 0.1
    ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, np.full_like(t, 30.0), SEED=4,
                                          shared=True)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    spikes = np.bincount(data["iRASTER_AffExc"], minlength=100)
    assert spikes.sum() > 0 and data["units"]["tRASTER_AffExc"] == "ms"
    i, j = NTWK["CONNECTIVITY"][("AffExc", "Cell")]
    expected = np.bincount(j, weights=spikes[i], minlength=N_CELLS)
    np.testing.assert_allclose(_event_counts(NTWK), expected, atol=1e-6)
    from network import analysis

    assert analysis.mean_rate(data, "AffExc") == pytest.approx(30.0, rel=5 / np.sqrt(spikes.sum()))


def test_spikes_through_fixed_afference_deliver_what_the_matrix_predicts(numpy_target, cell_model):
    """Every target cell receives exactly sum over its afferents of their spikes; each
    afferent projects to int(p N_target) distinct cells of each target."""
    N_aff = 100
    Model = _twin_model(cell_model, 300, 50.0)
    Model["p_AffExc_Twin"] = 0.123
    NTWK = ntwk.build.populations(Model, ["Cell", "Twin"], AFFERENT_POPULATIONS=["AffExc"])
    rng = np.random.default_rng(0)
    idx = rng.integers(0, N_aff, 400)
    times = np.round(rng.uniform(0, 49.0, 400), 1)
    keep = np.unique(np.stack([idx, np.round(times / 0.1)]), axis=1, return_index=True)[1]
    idx, times = idx[keep], times[keep]
    out = ntwk.stim.spikes_through_fixed_afference(NTWK, ["Cell", "Twin"], "AffExc", idx, times, seed=3)
    assert set(out) == {"Cell", "Twin"}
    ntwk.collect_and_run(NTWK)
    spikes = np.bincount(idx, minlength=N_aff)
    for target, p in (("Cell", 0.5), ("Twin", 0.123)):
        i, j = NTWK["CONNECTIVITY"][("AffExc", target)]
        assert np.all(np.bincount(i, minlength=N_aff) == int(p * 300))  # out-degree of each source
        assert len(np.unique(i * 300 + j)) == len(i)  # distinct targets
        G = np.asarray(getattr(NTWK["NEURONS"][target], "Gsyn_AffExc") / ntwk.build._b2().nS)
        np.testing.assert_allclose(G, np.bincount(j, weights=spikes[i], minlength=300), atol=1e-6)
    # same seed, same matrix; the two targets draw different streams
    again = ntwk.build.populations(Model, ["Cell", "Twin"], AFFERENT_POPULATIONS=["AffExc"])
    ntwk.stim.spikes_through_fixed_afference(again, "Cell", "AffExc", idx, times, SEED=3)
    np.testing.assert_array_equal(again["CONNECTIVITY"][("AffExc", "Cell")][1], NTWK["CONNECTIVITY"][("AffExc", "Cell")][1])
    with pytest.raises(ntwk.ModelValueError, match="fires twice within one time step"):
        ntwk.stim.spikes_through_fixed_afference(again, "Cell", "AffExc", [1, 1], [5.0, 5.02], seed=1)


def test_current_pulses_follow_the_euler_solution_of_the_rc_membrane(numpy_target, cell_model):
    """A step of I on [5, 25) ms into a passive LIF cell: V_k = El + I/Gl (1 - (1 - dt/tau)^(k - 50))
    during the pulse, geometric decay after it (forward Euler, exact to rounding); a second cell
    with two overlapping pulses gets their sum; an untouched cell stays at rest."""
    Model = cell_model(N=3, tstop=40.0, dt=0.1, Vthre=100.0, Vreset=-70.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], with_Vm=3)
    ntwk.stim.current_pulses(NTWK, "Cell", [0, 1, 1], [5.0, 5.0, 15.0], [20.0, 20.0, 10.0], [100.0, 100.0, 50.0])
    ntwk.collect_and_run(NTWK)
    V = ntwk.recording.collect(NTWK)["VMS_Cell"]
    k = np.arange(400)
    q = 1 - 0.1 / 20.0
    on = np.clip(k - 50, 0, 200)
    expected = -70.0 + 10.0 * (1 - q**on) * q**np.clip(k - 250, 0, None)
    np.testing.assert_allclose(V[0], expected, atol=1e-9)
    assert np.abs(V[2] + 70.0).max() < 1e-12
    # superposition of linear responses: cell 1 = cell 0 + the response to 50 pA on [15, 25)
    on2 = np.clip(k - 150, 0, 100)
    extra = 5.0 * (1 - q**on2) * q**np.clip(k - 250, 0, None)
    np.testing.assert_allclose(V[1], expected + extra, atol=1e-9)


def test_initialize_to_random_draws_V_and_conductances(numpy_target, cell_model):
    """V ~ normal(mean, sd) per population, G = |normal(mean, sd)| per presynaptic population:
    sample moments within 5 standard errors; the same seed gives the same values."""
    N = 4000
    Model = _twin_model(cell_model, N, 5.0)
    for pop in ("Cell", "Twin"):
        Model.pop(f"{pop}_Vclamp")
    b2 = ntwk.build._b2()

    def draw(seed):
        NTWK = ntwk.build.populations(Model, ["Cell", "Twin"], AFFERENT_POPULATIONS=["AffExc"])
        ntwk.build.initialize_to_random(NTWK, seed=seed, V={"Cell": (-60.0, 4.0)}, G={"AffExc": (0.0, 2.0)})
        return ({p: np.asarray(NTWK["NEURONS"][p].V / b2.mV) for p in ("Cell", "Twin")},
                {p: np.asarray(NTWK["NEURONS"][p].Gsyn_AffExc / b2.nS) for p in ("Cell", "Twin")})

    V, G = draw(1)
    assert abs(V["Cell"].mean() + 60.0) < 5 * 4.0 / np.sqrt(N)
    assert abs(V["Cell"].std() - 4.0) < 5 * 4.0 / np.sqrt(2 * N)
    np.testing.assert_array_equal(V["Twin"], -70.0)  # not in the dict: at rest
    for g in G.values():  # half-normal: mean sd sqrt(2/pi), never negative
        assert g.min() >= 0 and abs(g.mean() - 2.0 * np.sqrt(2 / np.pi)) < 5 * 2.0 * np.sqrt(1 - 2 / np.pi) / np.sqrt(N)
    V2, G2 = draw(1)
    np.testing.assert_array_equal(V["Cell"], V2["Cell"])
    np.testing.assert_array_equal(G["Twin"], G2["Twin"])
    assert not np.array_equal(V["Cell"], draw(2)[0]["Cell"])
