"""Spike-train generators and the :class:`SpikeTrains` container.

All times are in **ms** and all rates in **Hz** (brian2 Quantities are accepted
and converted).  Every random generator takes ``seed`` (None, an int in
[0, 2**32), a :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`;
see :func:`stimuli.arguments.as_rng`); the same int seed always gives identical
output.  A Quantity of the wrong dimension raises :class:`~stimuli.errors.UnitError`,
a value out of range :class:`~stimuli.errors.ParameterError` (both ValueErrors).  Nothing here loops in Python over time steps, sources or spikes: large
problems are processed in blocks of about ``2**22`` (source, bin) cells to bound
the temporary memory.
"""

import numpy as np

from .errors import ParameterError
from .arguments import (
    as_count,
    as_indices,
    as_nonnegative_time,
    as_positive_time,
    as_probability,
    as_rate,
    as_rng,
    as_time,
    as_time_array,
    as_window,
    check_same_length,
    check_spike_budget,
    per_source,
)

__all__ = [
    "SpikeTrains",
    "inhomogeneous_poisson",
    "homogeneous_poisson",
    "regular",
    "jittered",
    "synchronous_volleys",
    "sequence",
    "correlated_poisson",
]

#: Number of (source, bin) cells -- or (mother spike, source) pairs -- handled per
#: vectorised block; bounds temporary memory (~32 MB of float64) for any problem size.
_BLOCK_CELLS = 1 << 22


# ============================================================================ container

class SpikeTrains:
    """Spikes of ``n_sources`` sources on the window ``[t_start, t_stop]`` (ms).

    The container is immutable: its arrays are read-only and every method returns
    a new object.  Spikes are sorted by time, ties by source index, which is the
    order brian2's :class:`~brian2.input.spikegeneratorgroup.SpikeGeneratorGroup`
    uses.

    Parameters
    ----------
    indices : array_like of int
        Source index of each spike, in ``0 .. n_sources-1``.
    times : array_like of float or brian2 Quantity
        Spike times in ms, inside ``[t_start, t_stop]``; any order (they are sorted).
    n_sources : int
        Number of sources (sources without spikes count).
    t_start, t_stop : float or brian2 Quantity
        Window (ms) on which the trains were drawn; used by :meth:`rates`.

    Attributes
    ----------
    indices : numpy.ndarray
        int64 source index of each spike.
    times : numpy.ndarray
        float64 spike times in ms, ascending (ties ordered by index).
    n_sources : int
        Number of sources.
    t_start, t_stop : float
        Window in ms.

    Raises
    ------
    ParameterError
        On mismatched lengths, out-of-range indices, non-finite times or times
        outside the window.
    """

    __slots__ = ("_indices", "_times", "_n_sources", "_t_start", "_t_stop")

    def __init__(self, indices, times, n_sources, t_start, t_stop):
        n_sources = as_count(n_sources, "n_sources")
        t_start, t_stop = as_window(t_start, t_stop)
        indices = as_indices(indices, n_sources, "indices")
        times = as_time_array(times, "times", ndim=1)
        check_same_length(indices, times, "indices", "times")
        _check_in_window(indices, times, t_start, t_stop, "(t_start, t_stop)")
        self._set(indices, times, n_sources, t_start, t_stop, presorted=False)

    @classmethod
    def _build(cls, indices, times, n_sources, t_start, t_stop, *, presorted=False):
        """Create trains from already-validated, freshly allocated arrays (no checks)."""
        self = object.__new__(cls)
        self._set(np.asarray(indices, dtype=np.int64), np.asarray(times, dtype=np.float64),
                  int(n_sources), float(t_start), float(t_stop), presorted=presorted)
        return self

    def _set(self, indices, times, n_sources, t_start, t_stop, presorted):
        """Store the arrays (sorted by time, then index, unless ``presorted``) read-only."""
        if not presorted:
            order = np.lexsort((indices, times))
            indices, times = indices[order], times[order]
        indices.setflags(write=False)
        times.setflags(write=False)
        self._indices, self._times = indices, times
        self._n_sources, self._t_start, self._t_stop = n_sources, t_start, t_stop

    # ------------------------------------------------------------------ attributes
    @property
    def indices(self):
        """numpy.ndarray : int64 source index of each spike (read-only)."""
        return self._indices

    @property
    def times(self):
        """numpy.ndarray : float64 spike times in ms, ascending (read-only)."""
        return self._times

    @property
    def n_sources(self):
        """int : number of sources."""
        return self._n_sources

    @property
    def t_start(self):
        """float : start of the window, in ms."""
        return self._t_start

    @property
    def t_stop(self):
        """float : end of the window, in ms."""
        return self._t_stop

    @property
    def duration(self):
        """float : window length ``t_stop - t_start``, in ms."""
        return self._t_stop - self._t_start

    def __len__(self):
        """Return the total number of spikes."""
        return self._times.size

    def __repr__(self):
        """Return a one-line summary (sources, spikes, window in ms)."""
        return (f"SpikeTrains(n_sources={self._n_sources}, n_spikes={len(self)}, "
                f"window=[{self._t_start:g}, {self._t_stop:g}] ms)")

    # ------------------------------------------------------------------ statistics
    def counts(self):
        """Return the number of spikes of each source.

        Returns
        -------
        numpy.ndarray
            int64 array of shape ``(n_sources,)``.
        """
        return np.bincount(self._indices, minlength=self._n_sources)

    def rates(self):
        """Return the mean rate of each source over the window.

        Returns
        -------
        numpy.ndarray
            float64 array of shape ``(n_sources,)``, in Hz.

        Raises
        ------
        ParameterError
            If the window has zero length.
        """
        if self.duration <= 0:
            raise ParameterError(
                f"rates() needs a window of positive length, got [{self._t_start:g}, "
                f"{self._t_stop:g}] ms; build the trains with t_stop > t_start."
            )
        return self.counts() / (self.duration * 1e-3)

    def trains(self):
        """Return the spike times of each source.

        Returns
        -------
        list of numpy.ndarray
            ``n_sources`` float64 arrays of ascending times in ms.
        """
        order = np.argsort(self._indices, kind="stable")
        return np.split(self._times[order], np.cumsum(self.counts())[:-1])

    # ------------------------------------------------------------------ transforms
    def merge(self, other):
        """Return the union of the spikes of ``self`` and ``other``.

        Parameters
        ----------
        other : SpikeTrains
            Trains with the same ``n_sources``.

        Returns
        -------
        SpikeTrains
            All spikes of both, on the smallest window containing both windows.
        """
        if not isinstance(other, SpikeTrains):
            raise ParameterError(f"other={other!r} must be a SpikeTrains to be merged.")
        if other.n_sources != self._n_sources:
            raise ParameterError(
                f"other has n_sources={other.n_sources} but self has n_sources={self._n_sources}; "
                "only trains over the same sources can be merged."
            )
        return SpikeTrains._build(
            np.concatenate([self._indices, other.indices]),
            np.concatenate([self._times, other.times]),
            self._n_sources, min(self._t_start, other.t_start), max(self._t_stop, other.t_stop),
        )

    def __add__(self, other):
        """Return ``self.merge(other)`` (``trains_a + trains_b``)."""
        if not isinstance(other, SpikeTrains):
            return NotImplemented
        return self.merge(other)

    def shift(self, dt_ms):
        """Return the trains delayed by ``dt_ms`` (spikes and window).

        Parameters
        ----------
        dt_ms : float or brian2 Quantity
            Delay in ms (negative values advance the trains).

        Returns
        -------
        SpikeTrains
        """
        dt_ms = as_time(dt_ms, "dt_ms")
        return SpikeTrains._build(self._indices, self._times + dt_ms, self._n_sources,
                                  self._t_start + dt_ms, self._t_stop + dt_ms, presorted=True)

    def unique_per_bin(self, dt_ms):
        """Keep only the first spike of each source in each simulation time step.

        brian2's ``SpikeGeneratorGroup`` refuses two spikes of one source in the
        same ``dt`` bin (and only detects them when they are adjacent in time).
        This drops every spike that falls in an already occupied (source, bin)
        pair, keeping the earliest.  Bins are computed exactly as brian2 does:
        ``int((t + 1e-3*dt) / dt)`` in seconds.

        Parameters
        ----------
        dt_ms : float or brian2 Quantity
            Simulation time step in ms (> 0).

        Returns
        -------
        trains : SpikeTrains
            Trains with at most one spike per source and bin.
        n_dropped : int
            Number of spikes removed.
        """
        dt_s = as_positive_time(dt_ms, "dt_ms") * 1e-3
        bins = np.floor((self._times * 1e-3 + 1e-3 * dt_s) / dt_s).astype(np.int64)
        order = np.lexsort((self._times, bins, self._indices))
        duplicate = np.zeros(len(self), dtype=bool)
        duplicate[order[1:]] = (np.diff(self._indices[order]) == 0) & (np.diff(bins[order]) == 0)
        keep = ~duplicate
        trains = SpikeTrains._build(self._indices[keep], self._times[keep], self._n_sources,
                                    self._t_start, self._t_stop, presorted=True)
        return trains, int(duplicate.sum())

    def to_brian(self, dt_ms=None):
        """Return ``(indices, times)`` for :class:`brian2.SpikeGeneratorGroup`.

        Parameters
        ----------
        dt_ms : float or brian2 Quantity, optional
            If given, the simulation time step (ms): raise instead of letting brian2
            fail when a source spikes twice in one step.

        Returns
        -------
        indices : numpy.ndarray
            int64 source indices (a writable copy).
        times : brian2 Quantity
            Spike times (``times * ms``).

        Raises
        ------
        ParameterError
            If a spike time is negative (brian2 refuses them), or if ``dt_ms`` is
            given and a source spikes twice in one step.
        """
        if len(self) and self._times[0] < 0:
            raise ParameterError(
                f"spike times must be >= 0 ms for brian2 but the first is at {self._times[0]:g} ms; "
                f"use .shift({-self._times[0]:g}) or draw the trains with t_start >= 0."
            )
        if dt_ms is not None:
            _, n_dropped = self.unique_per_bin(dt_ms)
            if n_dropped:
                raise ParameterError(
                    f"{n_dropped} spike(s) share a dt_ms={as_time(dt_ms, 'dt_ms'):g} ms bin with an "
                    "earlier spike of the same source, which brian2 refuses; call "
                    ".unique_per_bin(dt_ms) first or use a smaller dt_ms."
                )
        from brian2 import ms

        return self._indices.copy(), self._times.copy() * ms


# ============================================================================ helpers

def _check_in_window(sources, times, t_start, t_stop, name):
    """Raise if a spike time lies outside ``[t_start, t_stop]`` (ms); ``name`` names the window."""
    outside = np.flatnonzero((times < t_start) | (times > t_stop))
    if outside.size:
        i = outside[0]
        raise ParameterError(
            f"{name}=({t_start:g}, {t_stop:g}) ms excludes spike times[{i}] = {times[i]:g} ms "
            f"(source {sources[i]}); widen the window or drop/shift the spike."
        )


def _blocks(n_rows, row_cells):
    """Yield ``(start, stop)`` row ranges holding about ``_BLOCK_CELLS`` cells each."""
    rows = max(1, _BLOCK_CELLS // max(1, row_cells))
    for start in range(0, n_rows, rows):
        yield start, min(n_rows, start + rows)


def _concat(parts, n_arrays):
    """Concatenate a list of equal-length tuples of int64 arrays, column-wise."""
    if not parts:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(n_arrays))
    return tuple(np.concatenate(column).astype(np.int64, copy=False) for column in zip(*parts))


def _cells_superposition(rate, n_sources, dt_s, rng):
    """Draw (source, bin) of every spike by superposition of Poisson processes.

    For a rate shared by all sources, the total count of a bin is
    Poisson(``n_sources*rate*dt``) and each spike belongs to a uniformly chosen
    source (so the per-source counts are independent Poisson(``rate*dt``)).  For
    per-source rates, the (source, bin) cells are laid end to end and a single
    Poisson process with the cumulative intensity of the cells is drawn: the count
    of each cell is then independent Poisson(``rate*dt``).  Cost:
    O(n_bins + n_spikes) for shared rates, O(n_cells) cumsum for per-source rates.
    """
    n_t = rate.shape[-1]
    if rate.ndim == 1:
        counts = rng.poisson(rate * (dt_s * n_sources))
        bins = np.repeat(np.arange(n_t), counts)
        sources = rng.integers(0, max(n_sources, 1), size=bins.size)
        return sources, bins
    parts = []
    buffer = np.empty(min(n_sources, max(1, _BLOCK_CELLS // max(1, n_t))) * n_t)
    for r0, r1 in _blocks(n_sources, n_t):
        cumulative = np.cumsum(rate[r0:r1], out=buffer[:(r1 - r0) * n_t])  # in Hz * bins
        total = cumulative[-1] if cumulative.size else 0.0
        n_spikes = rng.poisson(total * dt_s)
        if not n_spikes:
            continue
        cells = np.searchsorted(cumulative, rng.random(n_spikes) * total, side="right")
        # u*total may round up to total: map it to the last cell of positive intensity
        np.minimum(cells, np.searchsorted(cumulative, total, side="left"), out=cells)
        parts.append((r0 + cells // n_t, cells % n_t))
    return _concat(parts, 2)


def _cells_cellwise(rate, n_sources, dt_s, rng):
    """Draw (source, bin) of every spike with one Poisson variate per cell.

    ``rng.poisson`` is called on the whole ``(n_sources, n_bins)`` array of expected
    counts (in row blocks, which consume the random stream exactly as a single call
    would).  Cost: O(n_sources*n_bins) Poisson variates.
    """
    n_t = rate.shape[-1]
    parts = []
    for r0, r1 in _blocks(n_sources, n_t):
        expected = (rate if rate.ndim == 1 else rate[r0:r1]) * dt_s
        counts = rng.poisson(expected, size=(r1 - r0, n_t))
        sources, bins = np.nonzero(counts)
        repeats = counts[sources, bins]
        parts.append((np.repeat(r0 + sources, repeats), np.repeat(bins, repeats)))
    return _concat(parts, 2)


_METHODS = {"superposition": _cells_superposition, "cellwise": _cells_cellwise}


def _event_trains(sources, spike_times, n_sources, nominal, window):
    """Build trains of scheduled events (volleys, sequences) on their window.

    Parameters
    ----------
    sources : numpy.ndarray
        Source of each spike.
    spike_times : numpy.ndarray
        Spike times in ms (nominal time plus jitter).
    n_sources : int
        Number of sources.
    nominal : numpy.ndarray
        Scheduled event times in ms.
    window : None or (float, float)
        Window in ms.  None: the smallest interval containing every scheduled
        time and every spike.  Given: every spike must lie inside it.
    """
    if window is None:
        everything = np.concatenate([nominal, spike_times])
        if not everything.size:
            raise ParameterError("there are no events and window=None; pass window=(t_start, t_stop) in ms.")
        t_start, t_stop = everything.min(), everything.max()
    else:
        edges = as_time_array(window, "window", ndim=1)
        if edges.size != 2:
            raise ParameterError(f"window must be a pair (t_start, t_stop) in ms, got {edges.size} values.")
        t_start, t_stop = as_window(edges[0], edges[1], names=("window[0]", "window[1]"))
        _check_in_window(sources, spike_times, t_start, t_stop, "window")
    return SpikeTrains._build(sources, spike_times, n_sources, t_start, t_stop)


# ============================================================================ generators

def inhomogeneous_poisson(rate, dt, n_sources=1, seed=None, t_start=0.0, *, method="superposition"):
    """Draw Poisson spike trains with a time-varying, piecewise-constant rate.

    The rate is sampled on the grid ``t_start + k*dt`` (k = 0 .. n_t-1) and is
    constant over each bin ``[t_start + k*dt, t_start + (k+1)*dt)``.  The draw is
    exact: the number of spikes of each (source, bin) is independent
    Poisson(``rate*dt/1000``) and spike times are uniform within the bin (so a
    source may spike more than once per bin, see
    :meth:`SpikeTrains.unique_per_bin`).

    Parameters
    ----------
    rate : array_like or brian2 Quantity
        Rates in Hz, finite and >= 0: shape ``(n_t,)`` shared by all sources, or
        ``(n_sources, n_t)`` one row per source.
    dt : float or brian2 Quantity
        Bin width in ms (> 0).
    n_sources : int
        Number of sources (must equal ``rate.shape[0]`` for a 2-D rate).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed; the same int seed gives identical trains.
    t_start : float or brian2 Quantity
        Start of the grid in ms.
    method : {"superposition", "cellwise"}
        Sampling algorithm; both are exact, with different random streams.
        ``"superposition"`` (default) draws one Poisson variate per bin (shared rate)
        or one per block of cells (per-source rates) and is fastest;
        ``"cellwise"`` draws one Poisson variate per (source, bin) cell.

    Returns
    -------
    SpikeTrains
        On the window ``[t_start, t_start + n_t*dt]``.

    Raises
    ------
    ParameterError
        If a rate is negative or non-finite (the first offending sample and its time
        are reported), ``dt <= 0``, ``n_sources`` is not a non-negative integer, a 2-D
        rate has ``rate.shape[0] != n_sources`` or ``method`` is unknown.
    """
    dt = as_positive_time(dt, "dt")
    t_start = as_time(t_start, "t_start")
    n_sources = as_count(n_sources, "n_sources")
    rate = as_rate(rate, "rate", ndim=(1, 2), t_start=t_start, dt=dt)
    if rate.ndim == 2 and rate.shape[0] != n_sources:
        raise ParameterError(
            f"rate has shape {rate.shape}: {rate.shape[0]} rows but n_sources={n_sources}; "
            f"pass n_sources={rate.shape[0]} or one row per source."
        )
    if method not in _METHODS:
        raise ParameterError(f"method={method!r} is unknown; use one of {sorted(_METHODS)}.")
    check_spike_budget(rate.sum() * dt * 1e-3 * (n_sources if rate.ndim == 1 else 1),
                       "lower the rate, the duration or n_sources (rates are in Hz, times in ms)")
    rng = as_rng(seed)
    sources, bins = _METHODS[method](rate, n_sources, dt * 1e-3, rng)
    times = t_start + (bins + rng.random(bins.size)) * dt
    return SpikeTrains._build(sources, times, n_sources, t_start, t_start + rate.shape[-1] * dt)


def homogeneous_poisson(rate, duration, n_sources=1, seed=None, t_start=0.0):
    """Draw Poisson spike trains with a constant rate.

    Exact: each source's count is Poisson(``rate*duration/1000``) and, given the
    count, its spike times are uniform on the window.

    Parameters
    ----------
    rate : float, array_like or brian2 Quantity
        Rate in Hz (>= 0), scalar or one per source (shape ``(n_sources,)``).
    duration : float or brian2 Quantity
        Window length in ms (>= 0).
    n_sources : int
        Number of sources.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed.
    t_start : float or brian2 Quantity
        Start of the window in ms.

    Returns
    -------
    SpikeTrains
        On the window ``[t_start, t_start + duration]``.
    """
    duration = as_nonnegative_time(duration, "duration")
    t_start = as_time(t_start, "t_start")
    n_sources = as_count(n_sources, "n_sources")
    rate = per_source(as_rate(rate, "rate", ndim=(0, 1)), n_sources, "rate")
    check_spike_budget(rate.sum() * duration * 1e-3,
                       "lower the rate, the duration or n_sources (rates are in Hz, times in ms)")
    rng = as_rng(seed)
    sources = np.repeat(np.arange(n_sources), rng.poisson(rate * (duration * 1e-3)))
    times = t_start + rng.random(sources.size) * duration
    return SpikeTrains._build(sources, times, n_sources, t_start, t_start + duration)


def regular(rate, duration, n_sources=1, phase=0.0, t_start=0.0):
    """Return periodic spike trains.

    Source ``i`` spikes at ``t_start + phase[i] + k*1000/rate[i]`` for every integer
    ``k`` such that the time lies in ``[t_start, t_start + duration)``.  A source
    with rate 0 is silent.

    Parameters
    ----------
    rate : float, array_like or brian2 Quantity
        Rate in Hz (>= 0), scalar or one per source.
    duration : float or brian2 Quantity
        Window length in ms (>= 0).
    n_sources : int
        Number of sources.
    phase : float, array_like or brian2 Quantity
        Time of the first spike after ``t_start`` in ms, scalar or one per source
        (taken modulo the period).
    t_start : float or brian2 Quantity
        Start of the window in ms.

    Returns
    -------
    SpikeTrains
        On the window ``[t_start, t_start + duration]``.
    """
    duration = as_nonnegative_time(duration, "duration")
    t_start = as_time(t_start, "t_start")
    n_sources = as_count(n_sources, "n_sources")
    rate = per_source(as_rate(rate, "rate", ndim=(0, 1)), n_sources, "rate")
    phase = per_source(as_time_array(phase, "phase"), n_sources, "phase")
    check_spike_budget(rate.sum() * duration * 1e-3,
                       "lower the rate, the duration or n_sources (rates are in Hz, times in ms)")

    active = rate > 0
    period = np.divide(1e3, rate, out=np.ones_like(rate), where=active)
    k_first = np.where(active, np.ceil(-phase / period), 0.0)
    k_end = np.where(active, np.ceil((duration - phase) / period), 0.0)
    n_spikes = np.maximum(k_end - k_first, 0).astype(np.int64)
    sources = np.repeat(np.arange(n_sources), n_spikes)
    rank = np.arange(sources.size) - np.repeat(np.cumsum(n_spikes) - n_spikes, n_spikes)
    offsets = phase[sources] + (k_first[sources] + rank) * period[sources]
    keep = (offsets >= 0) & (offsets < duration)  # guards against rounding at the edges
    return SpikeTrains._build(sources[keep], t_start + offsets[keep], n_sources,
                              t_start, t_start + duration)


def jittered(rate, duration, jitter, n_sources=1, seed=None, t_start=0.0, *, phase=0.0):
    """Return periodic spike trains with independent Gaussian jitter on each spike.

    The spikes of :func:`regular` are displaced by independent N(0, ``jitter``\\ :sup:`2`)
    shifts and then clipped to the window ``[t_start, t_start + duration]`` (so
    spikes jittered across an edge pile up on it; use a ``phase`` of a few
    ``jitter`` to avoid this).

    Parameters
    ----------
    rate : float, array_like or brian2 Quantity
        Rate in Hz (>= 0), scalar or one per source.
    duration : float or brian2 Quantity
        Window length in ms (>= 0).
    jitter : float or brian2 Quantity
        Standard deviation of the jitter in ms (>= 0).
    n_sources : int
        Number of sources.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed.
    t_start : float or brian2 Quantity
        Start of the window in ms.
    phase : float, array_like or brian2 Quantity
        Phase of the underlying regular trains in ms (see :func:`regular`).

    Returns
    -------
    SpikeTrains
    """
    jitter = as_nonnegative_time(jitter, "jitter")
    base = regular(rate, duration, n_sources, phase=phase, t_start=t_start)
    rng = as_rng(seed)
    times = np.clip(base.times + rng.normal(0.0, jitter, len(base)), base.t_start, base.t_stop)
    return SpikeTrains._build(base.indices, times, base.n_sources, base.t_start, base.t_stop)


def synchronous_volleys(times, n_sources, jitter=0.0, p_participate=1.0, seed=None, *, window=None):
    """Return volleys of near-synchronous spikes across sources.

    At each volley time every source independently takes part with probability
    ``p_participate`` and then spikes at the volley time plus N(0, ``jitter``\\ :sup:`2`).

    Parameters
    ----------
    times : array_like or brian2 Quantity
        Volley times in ms (1-D, any order).
    n_sources : int
        Number of sources.
    jitter : float or brian2 Quantity
        Standard deviation of the spike-time jitter in ms (>= 0).
    p_participate : float
        Probability in [0, 1] that a source spikes in a given volley.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed.
    window : None or (float, float)
        Window ``(t_start, t_stop)`` in ms.  None: the smallest window holding every
        volley time and every spike; otherwise every spike must lie inside it.

    Returns
    -------
    SpikeTrains
    """
    volley_times = as_time_array(times, "times", ndim=1)
    n_sources = as_count(n_sources, "n_sources")
    jitter = as_nonnegative_time(jitter, "jitter")
    p_participate = as_probability(p_participate, "p_participate")
    check_spike_budget(volley_times.size * n_sources * p_participate, "use fewer volleys or sources")
    rng = as_rng(seed)
    parts = []  # blocks of volleys: the same random stream as one (n_volleys, n_sources) draw
    for v0, v1 in _blocks(volley_times.size, n_sources):
        volleys, sources = np.nonzero(rng.random((v1 - v0, n_sources)) < p_participate)
        parts.append((v0 + volleys, sources))
    volleys, sources = _concat(parts, 2)
    spike_times = volley_times[volleys] + rng.normal(0.0, jitter, volleys.size)
    return _event_trains(sources, spike_times, n_sources, volley_times, window)


def sequence(n_sources, t_start, interval, order=None, jitter=0.0, seed=None, *, window=None):
    """Return an ordered activation: each listed source fires once, in turn.

    Source ``order[k]`` spikes at ``t_start + k*interval`` plus N(0, ``jitter``\\ :sup:`2`).
    Sources absent from ``order`` stay silent.

    Parameters
    ----------
    n_sources : int
        Number of sources.
    t_start : float or brian2 Quantity
        Time of the first activation in ms.
    interval : float or brian2 Quantity
        Delay between successive activations in ms (>= 0; 0 gives a synchronous volley).
    order : None, "reverse" or array_like of int
        Activation order: None for ``0, 1, ..., n_sources-1``, ``"reverse"`` for the
        opposite, or distinct source indices.
    jitter : float or brian2 Quantity
        Standard deviation of the spike-time jitter in ms (>= 0).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed (used only for the jitter).
    window : None or (float, float)
        Window ``(t_start, t_stop)`` in ms; see :func:`synchronous_volleys`.

    Returns
    -------
    SpikeTrains
    """
    n_sources = as_count(n_sources, "n_sources")
    t_start = as_time(t_start, "t_start")
    interval = as_nonnegative_time(interval, "interval")
    jitter = as_nonnegative_time(jitter, "jitter")
    rng = as_rng(seed)
    if order is None:
        order = np.arange(n_sources)
    elif isinstance(order, str):
        if order != "reverse":
            raise ParameterError(
                f"order={order!r} is unknown; use None, 'reverse' or an array of source indices."
            )
        order = np.arange(n_sources)[::-1]
    else:
        order = as_indices(order, n_sources, "order")
        if np.unique(order).size != order.size:
            raise ParameterError(
                f"order={order.tolist()} lists a source more than once; each source fires once, "
                "so pass distinct indices."
            )
    nominal = t_start + np.arange(order.size) * interval
    spike_times = nominal + rng.normal(0.0, jitter, order.size)
    return _event_trains(order, spike_times, n_sources, nominal, window)


def correlated_poisson(rate, duration, n_sources, correlation, seed=None, t_start=0.0, dt=0.1):
    """Draw Poisson trains with a given pairwise spike-count correlation (MIP model).

    Multiple-interaction-process construction (Kuhn, Aertsen & Rotter 2003,
    Neural Comput. 15:67): a *mother* Poisson train of rate ``rate/correlation``
    is drawn, and each of its spikes is copied into each source independently with
    probability ``correlation``.  Each source is then a thinned Poisson process, i.e.
    Poisson of rate ``rate``, and for the counts ``N_i, N_j`` of two sources in any
    window of length T (with ``c = correlation``, ``nu = rate``)::

        Cov(N_i, N_j) = c**2 * Var(M) = c**2 * (nu/c) * T = c * nu * T
        Var(N_i) = nu * T   =>   corr(N_i, N_j) = c

    exactly, for every window.  Shared spikes are exactly synchronous.
    ``correlation = 0`` gives independent Poisson trains (the limit c -> 0) and
    ``correlation = 1`` identical trains.

    Parameters
    ----------
    rate : float, array_like or brian2 Quantity
        Rate of each source in Hz (>= 0): a scalar, or a 1-D array sampled on the grid
        ``t_start + k*dt`` (then ``len(rate)*dt`` must equal ``duration``).
    duration : float or brian2 Quantity
        Window length in ms (>= 0).
    n_sources : int
        Number of sources.
    correlation : float
        Pairwise count correlation in [0, 1].
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Random seed.
    t_start : float or brian2 Quantity
        Start of the window in ms.
    dt : float or brian2 Quantity
        Sampling step (ms, > 0) of an array ``rate``; unused for a scalar rate.

    Returns
    -------
    SpikeTrains
        On the window ``[t_start, t_start + duration]``.
    """
    duration = as_nonnegative_time(duration, "duration")
    n_sources = as_count(n_sources, "n_sources")
    correlation = as_probability(correlation, "correlation")
    t_start = as_time(t_start, "t_start")
    dt = as_positive_time(dt, "dt")
    rate = as_rate(rate, "rate", ndim=(0, 1), t_start=t_start, dt=dt)
    if rate.ndim == 1 and not np.isclose(rate.size * dt, duration, rtol=1e-9, atol=1e-9):
        raise ParameterError(
            f"rate has {rate.size} samples of dt={dt:g} ms ({rate.size * dt:g} ms) but "
            f"duration={duration:g} ms; sample rate on time_grid(t_start + duration, dt, t_start)."
        )
    rng = as_rng(seed)

    def poisson(scaled_rate, n):
        """Draw ``n`` independent Poisson trains of rate ``scaled_rate`` on the window."""
        if scaled_rate.ndim == 0:
            return homogeneous_poisson(scaled_rate, duration, n, rng, t_start)
        return inhomogeneous_poisson(scaled_rate, dt, n, rng, t_start)

    if correlation == 0.0:
        return poisson(rate, n_sources)
    check_spike_budget(float(np.mean(rate)) / correlation * duration * 1e-3,
                       f"the mother train runs at rate/correlation: raise the correlation "
                       f"({correlation:g}) or lower the rate or the duration")
    mother = poisson(rate / correlation, 1)
    parts = []
    for m0, m1 in _blocks(len(mother), n_sources):
        spikes, sources = np.nonzero(rng.random((m1 - m0, n_sources)) < correlation)
        parts.append((m0 + spikes, sources))
    spikes, sources = _concat(parts, 2)
    # mother times ascending and sources ascending within a spike: already sorted
    return SpikeTrains._build(sources, mother.times[spikes], n_sources,
                              mother.t_start, mother.t_stop, presorted=True)
