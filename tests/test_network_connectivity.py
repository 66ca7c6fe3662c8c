"""Connectivity rules: exact in-degrees, binomial statistics, matrices, ring, Synapses."""

import numpy as np
import pytest
import scipy.sparse as sp

import network as ntwk
from network import connectivity as conn


@pytest.mark.parametrize("autapses", [True, False])
def test_fixed_indegree_is_exact_and_without_duplicates(autapses):
    N, p = 500, 0.1
    i, j = conn.fixed_indegree(N, N, p, seed=1, autapses=autapses)
    K = round(p * N)
    assert np.all(np.bincount(j, minlength=N) == K)
    pairs = i * N + j
    assert len(np.unique(pairs)) == len(pairs)
    if not autapses:
        assert not np.any(i == j)
    # presynaptic cells drawn uniformly: the out-degree of a cell sums n_targets
    # independent draws of probability q = K / n_candidates, variance n_targets q (1 - q);
    # its sample standard deviation over N cells has a standard error sigma / sqrt(2 (N - 1))
    out = np.bincount(i, minlength=N)
    assert out.sum() == N * K
    n_targets, q = (N, K / N) if autapses else (N - 1, K / (N - 1))
    sigma = np.sqrt(n_targets * q * (1 - q))
    assert abs(out.std(ddof=1) - sigma) < 5 * sigma / np.sqrt(2 * (N - 1))


def test_fixed_indegree_small_blocks_and_seed():
    a = conn.fixed_indegree(300, 200, 0.2, seed=3)
    b = conn.fixed_indegree(300, 200, 0.2, seed=3)
    c = conn.fixed_indegree(300, 200, 0.2, seed=4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])
    # the block size bounds memory without changing the law: still exact in-degree
    i, j = conn._indegree_sampler(300, 200, 60, np.random.default_rng(0), True, block_bytes=8 * 300 * 7)
    assert np.all(np.bincount(j) == 60)


@pytest.mark.parametrize("N_pre, N_post, p", [(400, 400, 0.25), (300, 500, 0.1), (100, 100, 0.29)])
def test_fixed_indegree_with_replacement_in_degree_is_int_p_N(N_pre, N_post, p):
    """The original's ``int(p * N_pre)`` partners per cell, truncated (int(0.29 * 100) = 28)."""
    recurrent = N_pre == N_post
    i, j = conn.fixed_indegree_with_replacement(N_pre, N_post, p, seed=1, autapses=not recurrent)
    K = int(p * N_pre)
    assert np.all(np.bincount(j, minlength=N_post) == K)
    assert i.dtype == j.dtype == np.int64 and i.min() >= 0 and i.max() < N_pre
    assert np.all(np.diff(j) >= 0)
    if recurrent:
        assert not np.any(i == j)
    if p == 0.29:
        assert K == 28


def test_fixed_indegree_with_replacement_multiplicities_follow_the_binomial_law():
    """Each target's K draws are uniform with replacement over the n = N - 1 other cells: the
    multiplicity of a (pre, post) pair is Binomial(K, 1/n); compared with the expectation
    (tolerance 5 standard deviations of a count) and with the original's own sampler,
    ``np.random.choice(np.delete(np.arange(N), [j]), K)`` target by target."""
    from scipy.stats import binom

    N, p = 400, 0.25
    K, n = int(p * N), N - 1
    i, j = conn.fixed_indegree_with_replacement(N, N, p, seed=7, autapses=False)
    multiplicity = np.bincount(j * N + i, minlength=N * N).reshape(N, N)
    assert np.all(np.diag(multiplicity) == 0)
    off = multiplicity[~np.eye(N, dtype=bool)]
    observed = np.bincount(off, minlength=5)[:5]
    expected = N * n * binom.pmf(np.arange(5), K, 1 / n)
    assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected) + 1), (observed, expected)
    assert observed[2] > 3000  # about 3880 doubled pairs: replacement really happens
    # distinct partners per cell: n (1 - (1 - 1/n)^K), about 88.2 of 100
    distinct = (multiplicity > 0).sum(axis=1)
    mean_distinct = n * (1 - (1 - 1 / n) ** K)
    assert abs(distinct.mean() - mean_distinct) < 5 * distinct.std(ddof=1) / np.sqrt(N)
    # presynaptic cells are equally likely: out-degrees have mean K, variance about K (1 - 1/n)
    out = np.bincount(i, minlength=N)
    assert out.mean() == K
    var = K * (1 - 1 / n)
    assert abs(out.var(ddof=1) - var) < 5 * var * np.sqrt(2 / (N - 1))
    # the original's sampler on the same sizes: same doubled-pair fraction within 5 sd
    rng = np.random.RandomState(7)
    original = np.concatenate([rng.choice(np.delete(np.arange(N), [k]), K) for k in range(N)])
    m_orig = np.bincount(np.repeat(np.arange(N), K) * N + original, minlength=N * N)
    doubled = np.array([np.mean(off >= 2), np.mean(m_orig >= 2)])
    sd = np.sqrt(binom.sf(1, K, 1 / n) * (1 - binom.sf(1, K, 1 / n)) / (N * n))
    assert abs(doubled[0] - doubled[1]) < 5 * np.sqrt(2) * sd, doubled


def test_fixed_indegree_with_replacement_seed_and_errors():
    a = conn.fixed_indegree_with_replacement(200, 300, 0.1, seed=3)
    b = conn.fixed_indegree_with_replacement(200, 300, 0.1, seed=3)
    c = conn.fixed_indegree_with_replacement(200, 300, 0.1, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    empty = conn.fixed_indegree_with_replacement(10, 10, 0.05, seed=1, autapses=False)  # int(0.5) = 0
    assert empty[0].size == empty[1].size == 0
    with pytest.raises(ntwk.ModelValueError, match="no presynaptic candidate"):
        conn.fixed_indegree_with_replacement(1, 1, 1.0, seed=1, autapses=False)
    with pytest.raises(ntwk.ModelValueError, match="autapses=False requires N_pre == N_post"):
        conn.fixed_indegree_with_replacement(10, 20, 0.5, seed=1, autapses=False)
    with pytest.raises(ntwk.ModelValueError, match="N_pre=10.5 must be an integer"):
        conn.fixed_indegree_with_replacement(10.5, 20, 0.5, seed=1)
    with pytest.raises(ntwk.ModelValueError, match="seed"):
        conn.fixed_indegree_with_replacement(10, 20, 0.5, seed=-1)


def test_bernoulli_count_and_uniformity():
    N_pre, N_post, p = 400, 300, 0.05
    i, j = conn.bernoulli(N_pre, N_post, p, seed=2)
    n = N_pre * N_post
    assert abs(len(i) - n * p) < 5 * np.sqrt(n * p * (1 - p))
    assert len(np.unique(i * N_post + j)) == len(i)
    # in-degrees binomial(N_pre, p): variance within 5 standard errors
    indeg = np.bincount(j, minlength=N_post)
    var = N_pre * p * (1 - p)
    assert abs(indeg.var(ddof=1) - var) < 5 * var * np.sqrt(2 / (N_post - 1))
    i2, j2 = conn.bernoulli(50, 50, 1.0, seed=0, autapses=False)
    assert len(i2) == 50 * 49 and not np.any(i2 == j2)


def test_from_matrix_dense_sparse_and_errors():
    rng = np.random.default_rng(0)
    M = rng.random((30, 20)) * (rng.random((30, 20)) < 0.2)
    i, j, w = conn.from_matrix(M)
    np.testing.assert_array_equal(M[i, j], w)
    assert len(i) == np.count_nonzero(M)
    i2, j2, w2 = conn.from_matrix(sp.csr_matrix(M))
    np.testing.assert_array_equal(i, i2)
    np.testing.assert_array_equal(w, w2)
    _, _, none = conn.from_matrix(M > 0)
    assert none is None
    M[3, 4] = -1.0
    with pytest.raises(ntwk.ModelValueError, match=r"\[3, 4\]"):
        conn.from_matrix(M)


def test_ring_prefers_neighbours():
    N, p, sigma = 400, 0.1, 0.05
    i, j, d = conn.ring(N, N, p, sigma, seed=5, autapses=False)
    assert np.all(np.bincount(j, minlength=N) == round(p * N))
    np.testing.assert_allclose(d, conn.ring_distance(N, N, i, j))
    # uniform choice would give a mean distance of 0.25; a Gaussian preference of
    # width sigma on 40 of 399 candidates (within about +-0.05) stays near the cell
    assert d.mean() < 0.05
    assert d.max() < 0.5


def test_synapses_follow_the_model(numpy_target, cell_model):
    Model = cell_model(N=200, tstop=10.0, dt=0.1, Vthre=0.0, p_Cell_Cell=0.1, Q_Cell_Cell=2.0,
                       Tsyn_Cell=5.0, Erev_Cell=0.0, psyn_Cell_Cell=0.5, delay_Cell_Cell=1.5)
    NTWK = ntwk.build.populations(Model, ["Cell"])
    ntwk.build.recurrent_connections(NTWK, SEED=9, autapses=False)
    S = NTWK["CONNECTIONS"][("Cell", "Cell")]
    i, j = NTWK["CONNECTIVITY"][("Cell", "Cell")]
    np.testing.assert_array_equal(np.asarray(S.i[:]), i)
    np.testing.assert_array_equal(np.asarray(S.j[:]), j)
    assert np.all(np.bincount(j, minlength=200) == 20)
    assert float(np.asarray(S.prelease[:])) == 0.5
    np.testing.assert_allclose(np.asarray(S.delay[:] / ntwk.build._b2().ms), 1.5)
    # the weight is one shared parameter of the target: changing it recompiles nothing
    assert float(NTWK["NEURONS"]["Cell"].Q_Cell / ntwk.build._b2().nS) == 2.0


def test_matrix_and_ring_connections_in_a_network(numpy_target, cell_model):
    Model = cell_model(N=100, tstop=10.0, dt=0.1, p_Cell_Cell=0.1, Q_Cell_Cell=1.0, Tsyn_Cell=5.0,
                       Erev_Cell=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"])
    M = np.zeros((100, 100))
    M[1, 2], M[5, 7] = 0.5, 3.0
    S = ntwk.build.connections_from_matrix(NTWK, "Cell", "Cell", M)
    np.testing.assert_allclose(np.asarray(S.wsyn[:] / ntwk.build._b2().nS), [0.5, 3.0])
    with pytest.raises(ntwk.ModelValueError, match="shape"):
        ntwk.build.connections_from_matrix(NTWK, "Cell", "Cell", np.zeros((10, 100)))
    NTWK2 = ntwk.build.populations(Model, ["Cell"])
    S2 = ntwk.build.ring_connections(NTWK2, "Cell", "Cell", sigma=0.1, SEED=2, delay_min=1.0, delay_max=11.0)
    i, j = NTWK2["CONNECTIVITY"][("Cell", "Cell")]
    d = conn.ring_distance(100, 100, i, j)
    np.testing.assert_allclose(np.asarray(S2.delay[:] / ntwk.build._b2().ms), 1.0 + 2 * d * 10.0)


def test_connect_errors(numpy_target, cell_model):
    Model = cell_model(N=10, N_Other=5, Other_Gl=10.0)
    NTWK = ntwk.build.populations(Model, ["Cell"])
    with pytest.raises(ntwk.ModelKeyError, match="Unknown population 'Nope'"):
        ntwk.build.connect(NTWK, "Nope", "Cell", [0], [0])
    with pytest.raises(ntwk.ModelKeyError, match="Q_Cell_Cell"):
        ntwk.build.connect(NTWK, "Cell", "Cell", [0], [1])
    with pytest.raises(ntwk.ModelValueError, match="rule"):
        ntwk.build.recurrent_connections(NTWK, rule="smallworld")
    with pytest.raises(ntwk.ModelValueError, match=r"p=1.5 is not a probability; pass a value in \[0, 1\]"):
        conn.fixed_indegree(10, 10, 1.5, seed=1)
    with pytest.raises(ntwk.ModelValueError, match="seed"):
        conn.bernoulli(10, 10, 0.5, seed=None)


def test_each_projection_has_its_own_stream(numpy_target):
    """Adding or removing a projection leaves the others' synapses unchanged; the seed matters."""
    from network.examples import RS_FS_MODEL

    M = dict(RS_FS_MODEL, N_Exc=200, N_Inh=50, N_AffExc=20, tstop=10.0)
    reduced = {k: v for k, v in M.items() if k != "p_Inh_Exc"}
    conns = []
    for Model, SEED in ((M, 5), (reduced, 5), (M, 6)):
        NTWK = ntwk.build.populations(Model, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"])
        ntwk.build.recurrent_connections(NTWK, SEED=SEED)
        conns.append(NTWK["CONNECTIVITY"])
    assert ("Inh", "Exc") in conns[0] and ("Inh", "Exc") not in conns[1]
    for pair in [("Exc", "Exc"), ("Exc", "Inh"), ("Inh", "Inh")]:
        for x, y in zip(conns[0][pair], conns[1][pair]):
            np.testing.assert_array_equal(x, y)
        assert not np.array_equal(conns[0][pair][0], conns[2][pair][0])


def test_empty_projection_builds_and_runs(numpy_target, cell_model):
    """round(p N) = 0 inputs per cell is a valid (empty) projection, not a brian2 crash."""
    Model = cell_model(N=10, tstop=5.0, dt=0.1, p_Cell_Cell=0.04, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True)
    ntwk.build.recurrent_connections(NTWK, SEED=1)
    assert len(NTWK["CONNECTIONS"][("Cell", "Cell")]) == 0
    ntwk.build.connect(NTWK, "Cell", "Cell", [], [], weights=[], delays=[])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)


@pytest.mark.parametrize("call, text", [
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0.5], [1]), "whole cell indices"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [[0]], [[1]]), "1-D array"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0, 1], [1]), "equal lengths"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0], [10]), r"indices must be in \[0, 10\)"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0, 1], [1, 2], delays=[1.0, 2.0, 3.0]), r"shape \(3,\)"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0, 1], [1, 2], weights=[1.0, -1.0]), r"weights.*element \[1\] = -1 nS"),
    (lambda N: ntwk.build.connect(N, "Cell", "Cell", [0], [1], release_probability="high"), r"in \[0, 1\]"),
    (lambda N: ntwk.build.connections_from_matrix(N, "Nope", "Cell", np.ones((10, 10))), "Unknown population 'Nope'"),
    (lambda N: ntwk.build.connections_from_matrix(N, "Cell", "Cell", np.full((10, 10), "a")), "dtype"),
    (lambda N: ntwk.build.connections_from_matrix(N, "Cell", "Cell", sp.eye(9)), r"shape \(9, 9\)"),
    (lambda N: ntwk.build.ring_connections(N, "Nope", "Cell", 0.1, SEED=1), "Unknown population 'Nope'"),
    (lambda N: ntwk.build.ring_connections(N, "Cell", "Cell", 0.1, SEED=1, delay_min=-1.0), "delay_min"),
    (lambda N: ntwk.build.initialize_to_random(N, SEED=1, V_range=(-50.0, -70.0)), "V_low <= V_high"),
])
def test_bad_connection_arguments(numpy_target, cell_model, call, text):
    Model = cell_model(N=10, tstop=5.0, dt=0.1, p_Cell_Cell=0.2, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
    with pytest.raises(ntwk.NetworkError, match=text):
        call(ntwk.build.populations(Model, ["Cell"]))
