"""Connectivity rules: pure numpy, returning presynaptic/postsynaptic index arrays.

Every function returns ``(i, j)`` int64 arrays (presynaptic and postsynaptic
indices, sorted by postsynaptic index), draws from ``numpy.random.default_rng(seed)``
and gives the same result for the same seed.  None loops in Python over neurons:
rows are processed in blocks whose size bounds the memory (``block_bytes``).

Two fixed in-degree rules exist:

- :func:`fixed_indegree_with_replacement` is **the original project's rule**
  (``rule="original"`` of :func:`network.build.recurrent_connections`): each
  postsynaptic cell draws ``int(p * N_pre)`` partners uniformly *with replacement*
  (a pair may be connected twice) and, within one population, never itself.
- :func:`fixed_indegree` draws ``round(p * N_pre)`` *distinct* partners (no
  multiple synapses), autapses allowed unless ``autapses=False``.  It stays the
  toolkit's default (``rule="fixed_indegree"``): it is what this toolkit has
  always done (results and tests of existing scripts do not change), a pair has
  at most one synapse (the connection probability of a pair is exactly ``K/N_pre``
  and a weight ``Q`` is the weight of the pair), and ``round`` gives the in-degree
  nearest to ``p N`` where ``int`` truncates (``int(0.29 * 100) = 28``).  For
  ``K << N_pre`` the two laws are close: a cell has on average
  ``K (K - 1) / (2 N_pre)`` repeated draws under the original rule (about 5 of
  the 200 inputs for ``K = 200, N_pre = 4000``, the RS-FS network).
"""

from __future__ import annotations

import numpy as np

from stimuli import arguments

from .errors import ModelValueError, UnitError
from .model import check_seed

__all__ = [
    "fixed_indegree",
    "fixed_indegree_with_replacement",
    "bernoulli",
    "from_matrix",
    "ring",
    "ring_distance",
]

_BLOCK_BYTES = 64 * 2**20  # memory budget of one block of random keys


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    return np.random.default_rng(check_seed(seed, "seed"))


def _check_sizes(N_pre, N_post):
    return (arguments.check_count(N_pre, "N_pre", error=ModelValueError),
            arguments.check_count(N_post, "N_post", error=ModelValueError))


def _check_probability(p, name="p"):
    p = arguments.check_probability(p, name, error=ModelValueError)
    if np.ndim(p):
        raise ModelValueError(f"{name} must be one probability, got an array of shape {np.shape(p)}.")
    return float(p)


def _check_autapses(autapses, N_pre, N_post):
    if not autapses and N_pre != N_post:
        raise ModelValueError("autapses=False requires N_pre == N_post (a recurrent projection).")


def _top_k_per_row(keys, K):
    """Column indices of the K largest keys of each row (unordered)."""
    if K == keys.shape[1]:
        return np.broadcast_to(np.arange(K), keys.shape).copy()
    return np.argpartition(keys, keys.shape[1] - K, axis=1)[:, keys.shape[1] - K:]


def _indegree_sampler(N_pre, N_post, K, rng, autapses, weight_fn=None, block_bytes=_BLOCK_BYTES):
    """Choose K distinct presynaptic cells for every postsynaptic cell.

    Without autapses (same population, ``N_pre == N_post``), the candidates of row
    ``j`` are the ``N_pre - 1`` other cells: a column ``c`` of the reduced row maps to
    ``c + (c >= j)``.  ``weight_fn(rows, cols)`` gives sampling weights
    (Efraimidis-Spirakis keys ``log(u)/w``) for distance-dependent rules.
    """
    n_cand = N_pre if autapses else N_pre - 1
    if K > n_cand:
        raise ModelValueError(
            f"in-degree K = {K} exceeds the {n_cand} available presynaptic cells"
            + ("" if autapses else " (autapses excluded)") + "."
        )
    if K == 0 or N_post == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows_per_block = max(1, int(block_bytes // (8 * max(n_cand, 1))))
    pre = np.empty((N_post, K), np.int64)
    for start in range(0, N_post, rows_per_block):  # blocks of rows, not neurons
        rows = np.arange(start, min(N_post, start + rows_per_block))
        cols = np.broadcast_to(np.arange(n_cand), (len(rows), n_cand))
        if not autapses:
            cols = cols + (cols >= rows[:, None])
        keys = rng.random((len(rows), n_cand))
        if weight_fn is not None:
            w = weight_fn(rows[:, None], cols)
            with np.errstate(divide="ignore"):
                keys = np.where(w > 0, np.log(keys) / np.where(w > 0, w, 1.0), -np.inf)
        chosen = _top_k_per_row(keys, K)
        pre[rows] = np.take_along_axis(cols, chosen, axis=1)
        del keys, chosen  # free this block before the next one is drawn
    pre.sort(axis=1)
    return pre.ravel(), np.repeat(np.arange(N_post, dtype=np.int64), K)


def fixed_indegree(N_pre, N_post, p, seed, autapses=True):
    """Every postsynaptic cell receives exactly ``K = round(p * N_pre)`` inputs.

    The toolkit's default rule (see the module docstring): the in-degree is fixed,
    presynaptic partners are drawn uniformly *without* replacement (at most one
    synapse per pair).  The original project's rule, with replacement and
    ``int(p * N_pre)``, is :func:`fixed_indegree_with_replacement`.

    Parameters
    ----------
    N_pre, N_post : int
        Population sizes.
    p : float
        Connection probability in [0, 1].
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
    autapses : bool
        If False (only meaningful when pre and post are the same population),
        a cell never connects to itself and K is drawn from the ``N_pre - 1`` others.

    Returns
    -------
    i, j : ndarray of int64
        Presynaptic and postsynaptic indices.
    """
    N_pre, N_post = _check_sizes(N_pre, N_post)
    p = _check_probability(p)
    K = int(round(p * N_pre))
    _check_autapses(autapses, N_pre, N_post)
    return _indegree_sampler(N_pre, N_post, K, _rng(seed), autapses)


def fixed_indegree_with_replacement(N_pre, N_post, p, seed, autapses=True):
    """The original project's rule: ``K = int(p * N_pre)`` partners per cell, drawn with replacement.

    Each postsynaptic cell draws its ``K`` presynaptic partners independently and
    uniformly, as ``np.random.choice(candidates, K)`` (``replace=True``) does in the
    original ``random_connections``: a partner may be drawn more than once (the
    pair then has several synapses, whose weights add).  ``K`` is truncated as in the
    original (``int``, not ``round``).  With ``autapses=False`` (the original, for a
    population onto itself) the candidates of cell ``j`` are the ``N_pre - 1`` other
    cells.  Same law as the original, not the same numbers: it draws from
    ``numpy.random.default_rng(seed)``, vectorised (one draw of ``N_post * K``
    integers), not from ``np.random.seed`` target by target.

    Parameters
    ----------
    N_pre, N_post : int
        Population sizes.
    p : float
        Connection probability in [0, 1].
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
    autapses : bool
        False for a population onto itself (``N_pre == N_post`` required), as
        :func:`network.build.recurrent_connections` passes for ``rule="original"``.

    Returns
    -------
    i, j : ndarray of int64
        Presynaptic and postsynaptic indices, sorted by ``j`` (the ``K`` partners of
        a cell in the order drawn); every ``j`` appears exactly ``K`` times.

    Raises
    ------
    ModelValueError
        A size that is not a non-negative integer, ``p`` outside [0, 1], ``K > 0``
        with no candidate (a population of one cell without autapses), ``autapses=False``
        with ``N_pre != N_post``.
    """
    N_pre, N_post = _check_sizes(N_pre, N_post)
    p = _check_probability(p)
    _check_autapses(autapses, N_pre, N_post)
    K = int(p * N_pre)
    n_cand = N_pre if autapses else N_pre - 1
    if K == 0 or N_post == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if n_cand < 1:
        raise ModelValueError(
            f"in-degree K = int(p * N_pre) = {K} but no presynaptic candidate is left "
            f"(N_pre = {N_pre}, autapses excluded); lower p or allow autapses."
        )
    rng = _rng(seed)
    pre = rng.integers(0, n_cand, size=(N_post, K), dtype=np.int64)
    if not autapses:
        pre += pre >= np.arange(N_post, dtype=np.int64)[:, None]
    return pre.ravel(), np.repeat(np.arange(N_post, dtype=np.int64), K)


def bernoulli(N_pre, N_post, p, seed, autapses=True):
    """Each pair is connected independently with probability ``p``.

    Drawn exactly as a binomial total followed by a uniform subset of that many
    distinct pairs, which has the same law as independent coin flips and costs
    O(number of synapses) instead of O(N_pre * N_post).

    Parameters and returns as :func:`fixed_indegree`.
    """
    N_pre, N_post = _check_sizes(N_pre, N_post)
    p = _check_probability(p)
    rng = _rng(seed)
    _check_autapses(autapses, N_pre, N_post)
    n_cols = N_pre if autapses else N_pre - 1
    n_pairs = N_post * max(n_cols, 0)
    n = rng.binomial(n_pairs, p) if n_pairs else 0
    flat = np.sort(rng.choice(n_pairs, size=n, replace=False)) if n else np.zeros(0, np.int64)
    j, c = np.divmod(flat.astype(np.int64), max(n_cols, 1))
    i = c if autapses else c + (c >= j)
    return i, j


def from_matrix(matrix):
    """Connections from a user-supplied matrix ``M[i_pre, j_post]``.

    Parameters
    ----------
    matrix : array_like or scipy.sparse matrix, shape (N_pre, N_post)
        Boolean adjacency, or weights in nS (zeros mean no synapse).

    Returns
    -------
    i, j : ndarray of int64
    weights : ndarray of float64 or None
        The non-zero entries (nS), or None for a boolean matrix.
    """
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - scipy is a dependency
        sp = None
    if sp is not None and sp.issparse(matrix):
        coo = sp.coo_matrix(matrix)
        coo.sum_duplicates()
        keep = coo.data != 0
        i, j, values = coo.row[keep], coo.col[keep], coo.data[keep]
    else:
        M = np.asarray(matrix)
        if M.ndim != 2:
            raise ModelValueError(f"a connectivity matrix must be 2-D (N_pre, N_post), got shape {M.shape}.")
        i, j = np.nonzero(M)
        values = M[i, j]
    order = np.lexsort((i, j))
    i, j, values = i[order].astype(np.int64), j[order].astype(np.int64), np.asarray(values)[order]
    if values.dtype == bool:
        return i, j, None
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))[0]
        raise ModelValueError(
            f"connectivity matrix entry [{i[bad]}, {j[bad]}] = {values[bad]!r}: weights are "
            f"conductances in nS and must be finite and >= 0 (inhibition is set by the "
            f"presynaptic reversal potential, not by a negative weight)."
        )
    return i, j, values


def ring_distance(N_pre, N_post, i, j):
    """Distance along a ring of circumference 1 between pre cell ``i`` and post cell ``j``.

    Cells of each population sit at equal spacing, cell ``k`` of a population of
    size ``N`` at position ``k / N``.  The result is in [0, 0.5].
    """
    d = np.abs(np.asarray(i) / N_pre - np.asarray(j) / N_post) % 1.0
    return np.minimum(d, 1.0 - d)


def ring(N_pre, N_post, p, sigma, seed, autapses=True):
    """Distance-dependent fixed in-degree connectivity on a ring.

    Each postsynaptic cell draws ``K = round(p * N_pre)`` distinct partners with
    probabilities proportional to ``exp(-d**2 / (2 sigma**2))``, ``d`` the ring
    distance (:func:`ring_distance`, circumference 1).  Weighted sampling without
    replacement uses Efraimidis-Spirakis keys, vectorised over blocks of rows.

    Parameters
    ----------
    N_pre, N_post : int
    p : float
        Connection probability, sets the in-degree.
    sigma : float
        Spatial scale, as a fraction of the circumference (> 0).
    seed : int or numpy.random.Generator
    autapses : bool

    Returns
    -------
    i, j : ndarray of int64
    distance : ndarray of float64
        Ring distance of each synapse (fraction of the circumference), from which
        :func:`network.build.ring_connections` derives delays.
    """
    N_pre, N_post = _check_sizes(N_pre, N_post)
    p = _check_probability(p)
    sigma = arguments.to_plain(sigma, "1", "sigma", error=UnitError)
    if np.ndim(sigma) or not np.isfinite(sigma) or not sigma > 0:
        raise ModelValueError(f"sigma = {sigma!r}: the ring's spatial scale must be > 0 (fraction of the circumference).")
    K = int(round(p * N_pre))
    _check_autapses(autapses, N_pre, N_post)

    def weight(rows, cols):
        return np.exp(-ring_distance(N_pre, N_post, cols, rows) ** 2 / (2.0 * sigma**2))

    i, j = _indegree_sampler(N_pre, N_post, K, _rng(seed), autapses, weight_fn=weight)
    return i, j, ring_distance(N_pre, N_post, i, j)
