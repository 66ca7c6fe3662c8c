"""Statistical and exact tests of :mod:`stimuli.spikes`.

Random tests use fixed seeds and tolerances derived from the sampling
distribution of the tested statistic (mostly 5 standard errors, i.e. a false
alarm probability of ~6e-7 per check for a fresh seed), so they are not tuned to
the seeds.
"""

import numpy as np
import pytest
from scipy import stats

import stimuli
from stimuli import (
    SpikeTrains,
    StimulusError,
    correlated_poisson,
    homogeneous_poisson,
    inhomogeneous_poisson,
    jittered,
    regular,
    sequence,
    synchronous_volleys,
)
from stimuli import spikes as spikes_module
from stimuli.waveforms import gaussian, time_grid

Z = 5.0  # number of standard errors allowed
METHODS = ["superposition", "cellwise"]


def bump(t):
    """Gaussian bump rate (Hz) used by several tests: 5 Hz baseline, 60 Hz peak at 250 ms."""
    return gaussian(t, 250.0, 40.0, 55.0, 5.0)


def isis(trains):
    """Pooled inter-spike intervals (ms) of all sources."""
    return np.concatenate([np.diff(train) for train in trains.trains()])


# ============================================================ inhomogeneous Poisson

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("per_source", [False, True])
def test_inhomogeneous_counts_match_rate_integral(method, per_source):
    """Total count per 5 ms bin ~ Poisson(n * integral of the rate): chi-square and z bounds."""
    dt, n = 0.5, 4000  # ~32000 spikes: the grand total is checked to +-2.8 %
    t = time_grid(500.0, dt)
    rate = bump(t)
    arg = np.tile(rate, (n, 1)) if per_source else rate
    st = inhomogeneous_poisson(arg, dt, n, seed=11, method=method)
    assert st.t_start == 0.0 and st.t_stop == pytest.approx(500.0)

    coarse = 10  # 10 fine bins of 0.5 ms = 5 ms
    expected = n * (rate * dt * 1e-3).reshape(-1, coarse).sum(axis=1)
    observed = np.histogram(st.times, bins=np.arange(expected.size + 1) * coarse * dt)[0]
    # every bin: Poisson, |O - E| < 5 sqrt(E)
    assert np.all(np.abs(observed - expected) < Z * np.sqrt(expected))
    # all bins jointly: chi-square with 100 degrees of freedom
    chi2 = np.sum((observed - expected) ** 2 / expected)
    assert stats.chi2.sf(chi2, expected.size) > 1e-6
    # grand total
    assert abs(len(st) - expected.sum()) < Z * np.sqrt(expected.sum())


@pytest.mark.parametrize("method", METHODS)
def test_inhomogeneous_psth_reproduces_gaussian_bump(method):
    """The PSTH (Hz) follows the bump within its Poisson error bar in every 10 ms bin."""
    dt, n, width = 0.1, 1000, 10.0
    t = time_grid(500.0, dt)
    st = inhomogeneous_poisson(bump(t), dt, n, seed=5, method=method)
    edges = np.arange(0.0, 500.0 + width / 2, width)
    psth = np.histogram(st.times, bins=edges)[0] / (n * width * 1e-3)
    centre = edges[:-1] + width / 2
    target = bump(t).reshape(-1, int(round(width / dt))).mean(axis=1)  # exact bin average
    sem = np.sqrt(target / (n * width * 1e-3))
    assert np.all(np.abs(psth - target) < Z * sem)
    assert centre[np.argmax(psth)] == pytest.approx(250.0, abs=2 * width)


@pytest.mark.parametrize("method", METHODS)
def test_inhomogeneous_fano_factor_is_one(method):
    """Per-source counts are Poisson: Fano factor 1 within 5 * sqrt(2/(n-1))."""
    dt, n = 0.1, 3000
    st = inhomogeneous_poisson(bump(time_grid(500.0, dt)), dt, n, seed=2, method=method)
    counts = st.counts()
    fano = counts.var(ddof=1) / counts.mean()
    assert abs(fano - 1.0) < Z * np.sqrt(2.0 / (n - 1))


@pytest.mark.parametrize("method", METHODS)
def test_inhomogeneous_constant_rate_has_exponential_isis(method):
    """Coarse bins (rate*dt = 0.5 spikes/bin) still give exponential ISIs (uniform times within bins)."""
    rate, dt = 100.0, 5.0
    st = inhomogeneous_poisson(np.full(2000, rate), dt, 10, seed=3, method=method)
    result = stats.kstest(isis(st), "expon", args=(0.0, 1e3 / rate))
    assert result.pvalue > 1e-3


@pytest.mark.parametrize("method", METHODS)
def test_inhomogeneous_per_source_rates(method):
    """Each row of a 2-D rate sets its source's count (5-sigma Poisson bound); zero rows are silent."""
    n, dt, n_t = 50, 0.5, 4000
    levels = np.linspace(0.0, 80.0, n)
    st = inhomogeneous_poisson(np.repeat(levels[:, None], n_t, axis=1), dt, n, seed=7, method=method)
    expected = levels * n_t * dt * 1e-3
    counts = st.counts()
    assert counts[0] == 0
    assert np.all(np.abs(counts[1:] - expected[1:]) < Z * np.sqrt(expected[1:]))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("per_source", [False, True])
def test_inhomogeneous_spikes_only_in_bins_with_positive_rate(method, per_source):
    """Spikes fall in their bin [t_start + k dt, t_start + (k+1) dt) and never where the rate is 0."""
    dt, t_start, n = 0.25, 100.0, 30
    rate = np.zeros((n, 4000))
    rate[:, 1000:1100] = 400.0
    rate[:, 3000:3010] = 1000.0
    if per_source:
        rate[::2] = rate[::2, ::-1]  # even sources: mirrored profile
    st = inhomogeneous_poisson(rate if per_source else rate[1], dt, n, seed=4, t_start=t_start,
                               method=method)
    bins = np.floor((st.times - t_start) / dt).astype(int)
    assert len(st) > 0 and np.all(rate[st.indices, bins] > 0)
    assert np.all(np.diff(st.times) >= 0)
    assert st.t_start == t_start and st.t_stop == t_start + rate.shape[1] * dt


def test_block_processing(monkeypatch):
    """Tiny blocks: the cellwise stream is unchanged, superposition statistics are intact."""
    dt, n = 0.1, 200
    rate2d = np.tile(bump(time_grid(500.0, dt)), (n, 1))
    reference = inhomogeneous_poisson(rate2d, dt, n, seed=9, method="cellwise")
    monkeypatch.setattr(spikes_module, "_BLOCK_CELLS", 7000)  # 1 source per block
    small = inhomogeneous_poisson(rate2d, dt, n, seed=9, method="cellwise")
    np.testing.assert_array_equal(small.times, reference.times)
    np.testing.assert_array_equal(small.indices, reference.indices)

    st = inhomogeneous_poisson(rate2d, dt, n, seed=9, method="superposition")
    expected = rate2d.sum() * dt * 1e-3
    assert abs(len(st) - expected) < Z * np.sqrt(expected)
    counts = st.counts()
    assert abs(counts.var(ddof=1) / counts.mean() - 1) < Z * np.sqrt(2.0 / (n - 1))


def test_cellwise_shared_and_tiled_rates_are_identical():
    """A shared 1-D rate is exactly the 2-D rate with identical rows (same stream)."""
    rate = bump(time_grid(100.0, 0.1))
    a = inhomogeneous_poisson(rate, 0.1, 20, seed=1, method="cellwise")
    b = inhomogeneous_poisson(np.tile(rate, (20, 1)), 0.1, 20, seed=1, method="cellwise")
    np.testing.assert_array_equal(a.times, b.times)


# ============================================================ homogeneous Poisson

def test_homogeneous_rates_and_isis():
    """Per-source rates within 5 sigma; pooled ISIs exponential (KS)."""
    rate, duration, n = 40.0, 5000.0, 20
    st = homogeneous_poisson(rate, duration, n, seed=8, t_start=-100.0)
    expected = rate * duration * 1e-3
    assert np.all(np.abs(st.counts() - expected) < Z * np.sqrt(expected))
    assert st.t_start == -100.0 and st.t_stop == 4900.0
    assert np.all((st.times >= -100.0) & (st.times <= 4900.0))
    assert stats.kstest(isis(st), "expon", args=(0.0, 1e3 / rate)).pvalue > 1e-3
    # per-source rates
    rates = np.array([0.0, 10.0, 100.0])
    counts = homogeneous_poisson(rates, duration, 3, seed=1).counts()
    assert counts[0] == 0
    assert np.all(np.abs(counts[1:] - rates[1:] * 5) < Z * np.sqrt(rates[1:] * 5))


# ============================================================ seeds

RANDOM = {
    "inhomogeneous": lambda seed: inhomogeneous_poisson(np.full(1000, 50.0), 0.1, 20, seed=seed),
    "inhomogeneous_cellwise": lambda seed: inhomogeneous_poisson(
        np.full((20, 1000), 50.0), 0.1, 20, seed=seed, method="cellwise"),
    "homogeneous": lambda seed: homogeneous_poisson(50.0, 100.0, 20, seed=seed),
    "jittered": lambda seed: jittered(50.0, 100.0, 1.0, 20, seed=seed),
    "volleys": lambda seed: synchronous_volleys([10.0, 50.0], 20, 1.0, 0.5, seed=seed),
    "sequence": lambda seed: sequence(20, 5.0, 1.0, jitter=0.3, seed=seed),
    "correlated": lambda seed: correlated_poisson(50.0, 100.0, 20, 0.3, seed=seed),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_same_seed_same_output_different_seed_different(name):
    draw = RANDOM[name]
    a, b, c = draw(123), draw(123), draw(124)
    np.testing.assert_array_equal(a.times, b.times)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert len(a) != len(c) or not np.array_equal(a.times, c.times)
    # a Generator is accepted and advanced
    rng = np.random.default_rng(123)
    first, second = draw(rng), draw(rng)
    np.testing.assert_array_equal(first.times, a.times)
    assert len(first) != len(second) or not np.array_equal(first.times, second.times)


# ============================================================ deterministic trains

def test_regular_exact_isis_and_phases():
    st = regular([10.0, 25.0, 0.0], 1000.0, 3, phase=[0.0, 7.0, 3.0], t_start=50.0)
    trains = st.trains()
    np.testing.assert_allclose(trains[0], 50.0 + np.arange(10) * 100.0, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trains[1], 57.0 + np.arange(25) * 40.0, rtol=0, atol=1e-9)
    assert trains[2].size == 0
    np.testing.assert_allclose(np.diff(trains[1]), 40.0, rtol=1e-12)
    # a phase beyond the period or negative is taken modulo the period
    np.testing.assert_allclose(regular(10.0, 1000.0, phase=-30.0).times,
                               70.0 + np.arange(10) * 100.0, atol=1e-9)
    np.testing.assert_allclose(regular(10.0, 1000.0, phase=130.0).times,
                               30.0 + np.arange(10) * 100.0, atol=1e-9)
    assert np.all(st.times < st.t_stop)


def test_jittered_recovers_jitter_sd():
    """Displacements from the regular train have mean 0 and sd = jitter (5-SE bounds)."""
    jitter, n = 2.0, 100
    base = regular(10.0, 2000.0, n, phase=50.0)
    st = jittered(10.0, 2000.0, jitter, n, seed=6, phase=50.0)
    d = np.concatenate(st.trains()) - np.concatenate(base.trains())
    assert abs(d.mean()) < Z * jitter / np.sqrt(d.size)
    assert abs(d.std(ddof=1) - jitter) < Z * jitter / np.sqrt(2 * (d.size - 1))
    # clipping keeps every spike in the window, and jitter=0 is the regular train
    wide = jittered(10.0, 100.0, 50.0, 200, seed=1)
    assert wide.times.min() >= 0.0 and wide.times.max() <= 100.0
    np.testing.assert_array_equal(jittered(10.0, 500.0, 0.0, 3, seed=1).times, regular(10.0, 500.0, 3).times)


def test_synchronous_volleys():
    volley_times = [20.0, 55.0, 90.0]
    exact = synchronous_volleys(volley_times, 8)
    assert len(exact) == 24
    np.testing.assert_array_equal(exact.times, np.repeat(volley_times, 8))
    np.testing.assert_array_equal(exact.indices, np.tile(np.arange(8), 3))
    assert (exact.t_start, exact.t_stop) == (20.0, 90.0)

    # participation ~ Binomial(n_sources * n_volleys, p); jitter sd recovered
    n, p, jitter = 500, 0.3, 1.5
    st = synchronous_volleys(volley_times, n, jitter=jitter, p_participate=p, seed=3)
    trials = n * len(volley_times)
    assert abs(len(st) - p * trials) < Z * np.sqrt(trials * p * (1 - p))
    nearest = np.asarray(volley_times)[np.argmin(np.abs(st.times[:, None] - volley_times), axis=1)]
    d = st.times - nearest
    assert abs(d.std(ddof=1) - jitter) < Z * jitter / np.sqrt(2 * (d.size - 1))
    assert np.all(st.counts() <= len(volley_times))
    # explicit window must contain every spike
    assert synchronous_volleys([5.0], 3, window=(0.0, 10.0)).t_stop == 10.0
    with pytest.raises(StimulusError, match="window"):
        synchronous_volleys([5.0], 3, jitter=10.0, seed=1, window=(4.9, 5.1))


def test_sequence_order_and_intervals():
    st = sequence(5, 10.0, 2.5)
    np.testing.assert_array_equal(st.indices, np.arange(5))
    np.testing.assert_allclose(st.times, 10.0 + 2.5 * np.arange(5))
    rev = sequence(5, 10.0, 2.5, order="reverse")
    np.testing.assert_array_equal(rev.indices, np.arange(5)[::-1])
    np.testing.assert_allclose(np.diff(rev.times), 2.5)
    custom = sequence(6, 0.0, 1.0, order=[4, 0, 2])
    np.testing.assert_array_equal(custom.indices, [4, 0, 2])
    np.testing.assert_array_equal(custom.counts(), [1, 0, 1, 0, 1, 0])
    sync = sequence(4, 3.0, 0.0)
    np.testing.assert_array_equal(sync.times, np.full(4, 3.0))
    np.testing.assert_array_equal(sync.indices, np.arange(4))  # ties ordered by index
    noisy = sequence(2000, 0.0, 0.0, jitter=0.5, seed=2)
    assert abs(noisy.times.std(ddof=1) - 0.5) < Z * 0.5 / np.sqrt(2 * 1999)


# ============================================================ correlated Poisson

@pytest.mark.parametrize("correlation", [0.0, 0.1, 0.4, 0.8])
def test_correlated_poisson_pairwise_count_correlation(correlation):
    """Count correlation across 250 ms windows matches c (Fisher-z 5-sigma bound); rate matches."""
    rate, n, window, n_windows = 40.0, 6, 250.0, 3000
    duration = window * n_windows
    st = correlated_poisson(rate, duration, n, correlation, seed=21)
    counts = np.stack([np.histogram(train, bins=n_windows, range=(0.0, duration))[0]
                       for train in st.trains()])
    r = np.corrcoef(counts)[np.triu_indices(n, 1)].mean()
    # the mean of pair estimates is no more variable than one pair: sd(z) <= 1/sqrt(N-3)
    assert abs(np.arctanh(r) - np.arctanh(correlation)) < Z / np.sqrt(n_windows - 3)
    # total count: Var = n nu T (1 + (n-1) c) because the sources are correlated
    mean = n * rate * duration * 1e-3
    assert abs(len(st) - mean) < Z * np.sqrt(mean * (1 + (n - 1) * correlation))
    assert np.all(np.abs(st.rates() - rate) < Z * np.sqrt(rate * 1e3 / duration))


def test_correlated_poisson_extremes_and_time_varying_rate():
    full = correlated_poisson(30.0, 1000.0, 4, 1.0, seed=1)
    trains = full.trains()
    assert all(np.array_equal(trains[0], other) for other in trains[1:])
    # time-varying rate on the dt grid: PSTH follows it, correlation still c
    dt, n = 0.5, 300
    t = time_grid(500.0, dt)
    st = correlated_poisson(bump(t), 500.0, n, 0.2, seed=4, dt=dt)
    assert st.t_stop == 500.0
    expected = n * bump(t).sum() * dt * 1e-3
    assert abs(len(st) - expected) < Z * np.sqrt(expected * (1 + (n - 1) * 0.2))
    with pytest.raises(StimulusError, match="duration"):
        correlated_poisson(bump(t), 400.0, n, 0.2, dt=dt)


# ============================================================ container

def test_container_methods():
    st = SpikeTrains([2, 0, 0, 1], [3.0, 1.0, 2.0, 1.0], 4, 0.0, 10.0)
    np.testing.assert_array_equal(st.times, [1.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(st.indices, [0, 1, 0, 2])  # tie at 1 ms ordered by index
    assert st.indices.dtype == np.int64 and st.times.dtype == np.float64
    assert len(st) == 4
    np.testing.assert_array_equal(st.counts(), [2, 1, 1, 0])
    np.testing.assert_allclose(st.rates(), [200.0, 100.0, 100.0, 0.0])
    trains = st.trains()
    assert len(trains) == 4 and trains[3].size == 0
    np.testing.assert_array_equal(trains[0], [1.0, 2.0])

    other = SpikeTrains([3], [12.0], 4, 5.0, 15.0)
    merged = st + other
    assert merged is not None and len(merged) == 5
    assert (merged.t_start, merged.t_stop) == (0.0, 15.0)
    np.testing.assert_array_equal(merged.counts(), [2, 1, 1, 1])
    assert merge_is_symmetric(st, other)

    shifted = st.shift(5.0)
    np.testing.assert_array_equal(shifted.times, st.times + 5.0)
    assert (shifted.t_start, shifted.t_stop) == (5.0, 15.0)

    with pytest.raises(ValueError):
        st.times[0] = 5.0  # read-only
    with pytest.raises(AttributeError):
        st.times = np.zeros(4)
    with pytest.raises(StimulusError, match="n_sources"):
        st.merge(SpikeTrains([], [], 3, 0.0, 1.0))
    with pytest.raises(StimulusError, match="window"):
        SpikeTrains([0], [0.0], 1, 0.0, 0.0).rates()


def merge_is_symmetric(a, b):
    ab, ba = a.merge(b), b.merge(a)
    return np.array_equal(ab.times, ba.times) and np.array_equal(ab.indices, ba.indices)


def test_unique_per_bin_drops_exactly_the_duplicates():
    # source 0: two spikes in bin [0, 0.1) interleaved with source 1, one on the edge of bin 1
    st = SpikeTrains([0, 1, 0, 0, 1], [0.01, 0.02, 0.03, 0.1, 0.15], 2, 0.0, 1.0)
    unique, dropped = st.unique_per_bin(0.1)
    assert dropped == 1
    np.testing.assert_array_equal(unique.indices, [0, 1, 0, 1])
    np.testing.assert_allclose(unique.times, [0.01, 0.02, 0.1, 0.15])
    with pytest.raises(StimulusError, match="unique_per_bin"):
        st.to_brian(dt_ms=0.1)
    # a dense Poisson drive: afterwards no (source, bin) pair is repeated
    dense = inhomogeneous_poisson(np.full(1000, 2000.0), 0.1, 20, seed=1)
    clean, dropped = dense.unique_per_bin(0.1)
    bins = np.floor((clean.times * 1e-3 + 1e-7) / 1e-4).astype(int)  # brian2's binning, in s
    pairs = clean.indices * 10**6 + bins
    assert dropped > 0 and len(clean) + dropped == len(dense)
    assert np.unique(pairs).size == pairs.size


def test_to_brian_feeds_spike_generator_group():
    import brian2
    st = inhomogeneous_poisson(np.full(100, 500.0), 0.1, 10, seed=2).unique_per_bin(0.1)[0]
    indices, times = st.to_brian(dt_ms=0.1)
    group = brian2.SpikeGeneratorGroup(10, indices, times, dt=0.1 * brian2.ms)
    monitor = brian2.SpikeMonitor(group)
    net = brian2.Network(group, monitor)
    previous = brian2.prefs.codegen.target
    brian2.prefs.codegen.target = "numpy"  # no compilation; restored for other test modules
    try:
        net.run(10.0 * brian2.ms)
    finally:
        brian2.prefs.codegen.target = previous
    assert monitor.num_spikes == len(st)
    np.testing.assert_array_equal(np.asarray(monitor.i), st.indices)
    with pytest.raises(StimulusError, match="shift"):
        st.shift(-5.0).to_brian()


def test_quantities_are_converted():
    import brian2
    ms, Hz = brian2.ms, brian2.Hz
    a = inhomogeneous_poisson(np.full(100, 20.0) * Hz, 0.1 * ms, 5, seed=1, t_start=2 * ms)
    b = inhomogeneous_poisson(np.full(100, 20.0), 0.1, 5, seed=1, t_start=2.0)
    np.testing.assert_allclose(a.times, b.times, rtol=1e-12)
    np.testing.assert_array_equal(
        homogeneous_poisson(20 * Hz, 1 * brian2.second, 3, seed=1).times,
        homogeneous_poisson(20.0, 1000.0, 3, seed=1).times)
    assert a.shift(1 * ms).t_start == pytest.approx(3.0)
    with pytest.raises(StimulusError, match="dt"):
        inhomogeneous_poisson(np.ones(10), 0.1 * Hz)
    with pytest.raises(StimulusError, match="rate"):
        homogeneous_poisson(5 * ms, 100.0)
    with pytest.raises(StimulusError, match="correlation"):
        correlated_poisson(5.0, 100.0, 2, 0.5 * ms)


# ============================================================ validation

BAD = [
    ("rate", lambda: inhomogeneous_poisson([1.0, -2.0], 0.1)),
    ("rate", lambda: inhomogeneous_poisson([1.0, np.nan], 0.1)),
    ("rate", lambda: inhomogeneous_poisson(np.ones((3, 4)), 0.1, 2)),
    ("rate", lambda: inhomogeneous_poisson(5.0, 0.1)),
    ("dt", lambda: inhomogeneous_poisson([1.0], 0.0)),
    ("dt", lambda: inhomogeneous_poisson([1.0], -0.1)),
    ("dt", lambda: correlated_poisson(1.0, 10.0, 2, 0.5, dt=np.inf)),
    ("n_sources", lambda: inhomogeneous_poisson([1.0], 0.1, -1)),
    ("n_sources", lambda: homogeneous_poisson(1.0, 10.0, 2.5)),
    ("n_sources", lambda: regular(1.0, 10.0, True)),
    ("t_start", lambda: homogeneous_poisson(1.0, 10.0, t_start=np.nan)),
    ("method", lambda: inhomogeneous_poisson([1.0], 0.1, method="fast")),
    ("seed", lambda: homogeneous_poisson(1.0, 10.0, seed=1.5)),
    ("seed", lambda: homogeneous_poisson(1.0, 10.0, seed=-3)),
    ("duration", lambda: homogeneous_poisson(1.0, -10.0)),
    ("duration", lambda: regular(1.0, -1.0)),
    ("duration", lambda: correlated_poisson(1.0, -1.0, 2, 0.5)),
    ("rate", lambda: homogeneous_poisson(-1.0, 10.0)),
    ("rate", lambda: homogeneous_poisson([1.0, 2.0], 10.0, 3)),
    ("rate", lambda: regular(np.inf, 10.0)),
    ("phase", lambda: regular(1.0, 10.0, 2, phase=[0.0, 1.0, 2.0])),
    ("jitter", lambda: jittered(1.0, 10.0, -1.0)),
    ("jitter", lambda: synchronous_volleys([1.0], 2, jitter=-0.5)),
    ("jitter", lambda: sequence(3, 0.0, 1.0, jitter=-0.5)),
    ("p_participate", lambda: synchronous_volleys([1.0], 2, p_participate=1.5)),
    ("p_participate", lambda: synchronous_volleys([1.0], 2, p_participate=-0.1)),
    ("times", lambda: synchronous_volleys([[1.0]], 2)),
    ("times", lambda: synchronous_volleys([np.nan], 2)),
    ("window", lambda: synchronous_volleys([], 2)),
    ("window", lambda: synchronous_volleys([1.0], 2, window=(5.0, 1.0))),
    ("window", lambda: sequence(3, 0.0, 1.0, window=(0.0, 1.0, 2.0))),
    ("interval", lambda: sequence(3, 0.0, -1.0)),
    ("order", lambda: sequence(3, 0.0, 1.0, order="backwards")),
    ("order", lambda: sequence(3, 0.0, 1.0, order=[0, 3])),
    ("order", lambda: sequence(3, 0.0, 1.0, order=[0, 0])),
    ("order", lambda: sequence(3, 0.0, 1.0, order=[0.5])),
    ("correlation", lambda: correlated_poisson(1.0, 10.0, 2, 1.5)),
    ("correlation", lambda: correlated_poisson(1.0, 10.0, 2, -0.1)),
    ("indices", lambda: SpikeTrains([0, 1], [1.0, 2.0], 1, 0.0, 5.0)),
    ("indices", lambda: SpikeTrains([0.5], [1.0], 1, 0.0, 5.0)),
    ("times", lambda: SpikeTrains([0, 0], [1.0], 1, 0.0, 5.0)),
    ("times", lambda: SpikeTrains([0], [7.0], 1, 0.0, 5.0)),
    ("t_stop", lambda: SpikeTrains([], [], 1, 5.0, 0.0)),
    ("dt_ms", lambda: SpikeTrains([], [], 1, 0.0, 1.0).unique_per_bin(0.0)),
    ("dt_ms", lambda: SpikeTrains([], [], 1, 0.0, 1.0).shift(np.inf)),
]


@pytest.mark.parametrize("name,call", BAD, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD)])
def test_validation_errors_name_the_argument(name, call):
    with pytest.raises(StimulusError, match=name) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_negative_rate_error_reports_index_and_time():
    rate = np.full((2, 10), 5.0)
    rate[1, 3] = -1.0
    with pytest.raises(StimulusError, match=r"rate\[1, 3\] = -1 Hz \(source 1, t = 10.3 ms\)"):
        inhomogeneous_poisson(rate, 0.1, 2, t_start=10.0)


def test_public_api():
    assert set(stimuli.__all__) >= {"SpikeTrains", "StimulusError", "inhomogeneous_poisson",
                                    "correlated_poisson", "gaussian", "time_grid"}
    assert issubclass(stimuli.UnitError, StimulusError) and issubclass(stimuli.UnitError, ValueError)
    assert issubclass(stimuli.ParameterError, StimulusError) and issubclass(stimuli.ParameterError, ValueError)


# ============================================================ size limits and messages

@pytest.mark.parametrize("call", [
    lambda: inhomogeneous_poisson([1e20], 0.1, seed=1),
    lambda: inhomogeneous_poisson(np.full(1000, 5e3), 0.1, n_sources=10**7, seed=1),
    lambda: homogeneous_poisson(1e12, 1000.0, seed=1),
    lambda: regular(1e12, 100.0),
    lambda: synchronous_volleys(np.arange(10**5), 10**5),
    lambda: correlated_poisson(5.0, 1000.0, 3, 1e-300, seed=1),
])
def test_absurd_sizes_are_refused_before_any_allocation(call):
    """A rate in Hz mistaken for a rate in kHz, or c -> 0 in MIP, would exhaust the memory
    (numpy raises MemoryError or 'lam value too large'): a StimulusError says why instead."""
    with pytest.raises(StimulusError, match=r"would produce about .* spikes"):
        call()


def test_volleys_are_drawn_in_blocks_from_one_stream(monkeypatch):
    """Blocks of volleys consume the generator exactly as a single (n_volleys, n_sources) draw."""
    volley_times, n, p = np.arange(0.0, 100.0, 10.0), 300, 0.4
    rng = np.random.default_rng(7)
    volleys, sources = np.nonzero(rng.random((volley_times.size, n)) < p)
    expected = np.sort(volley_times[volleys] + rng.normal(0.0, 1.0, volleys.size))
    monkeypatch.setattr(stimuli.spikes, "_BLOCK_CELLS", 2 * n + 7)  # blocks of 2 volleys
    st = synchronous_volleys(volley_times, n, jitter=1.0, p_participate=p, seed=7)
    np.testing.assert_array_equal(st.times, expected)


def test_messages_summarise_long_arrays():
    from brian2 import ms

    with pytest.raises(StimulusError, match=r"rate=<Quantity of shape \(1000,\)> has dimension 's'") as info:
        inhomogeneous_poisson(np.ones(1000) * ms, 0.1)
    assert len(str(info.value)) < 200


def test_lists_of_quantities_keep_their_units_and_non_numbers_are_unit_errors():
    """np.asarray([10*ms]) is 0.01 (seconds): a list of Quantities is converted as a Quantity;
    None, a bool or text where a number is expected is a UnitError (a ValueError)."""
    from brian2 import ms, second

    st = synchronous_volleys([10 * ms, 0.02 * second], 3, window=(0.0, 50.0))
    np.testing.assert_array_equal(np.unique(st.times), [10.0, 20.0])
    for bad in (None, True, "5", [1.0, None]):
        with pytest.raises(stimuli.UnitError, match="duration"):
            homogeneous_poisson(5.0, bad, seed=1)
    with pytest.raises(stimuli.UnitError, match="mixes"):
        synchronous_volleys([10 * ms, 20.0], 3, window=(0.0, 50.0))
