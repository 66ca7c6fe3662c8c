"""Statistics of a simulation's data dict: rates, irregularity, synchrony, Vm, currents.

Every function takes the data dict described in ``docs/guide/recording.rst``
(plain numpy arrays; times in ms, rates in Hz, Vm in mV, currents in pA) and is
vectorised over neurons and spikes.  Time windows are half-open, ``[t_start,
t_stop)``, and default to the whole simulation ``[0, tstop)``.

Times (windows, bins, widths) are plain numbers in ms or brian2 time Quantities
(converted; another dimension raises :class:`~network.errors.UnitError`).
:func:`require_key`, :func:`check_population`, :func:`time_step` and
:func:`duration` are the data-dict accessors shared with :mod:`network.plots`.

Errors: an unknown population raises :class:`~network.errors.ModelKeyError`, a
bad argument (window outside the simulation, ``bin_ms <= 0``, ...) raises
:class:`~network.errors.ModelValueError`, and a quantity that was not recorded
raises :class:`~network.errors.RecordingError`; each message names the argument
or the missing key.
"""

from collections import namedtuple

import numpy as np
from scipy.ndimage import gaussian_filter1d

from stimuli import arguments

from .errors import ModelKeyError, ModelValueError, RecordingError, UnitError

__all__ = [
    "SpikeCountCorrelation",
    "VmStats",
    "SynapticCurrents",
    "population_names",
    "check_population",
    "require_key",
    "time_step",
    "duration",
    "time_array",
    "time_window",
    "spikes_in_window",
    "recorded_cell_spikes",
    "mean_rate",
    "rates_per_neuron",
    "isi_cv",
    "spike_count_correlation",
    "vm_stats",
    "synaptic_currents",
    "smooth",
    "binned_connectivity",
]

SpikeCountCorrelation = namedtuple("SpikeCountCorrelation", ["mean", "n_pairs"])
SpikeCountCorrelation.__doc__ = """Mean pairwise spike-count correlation and the number of pairs it averages."""

VmStats = namedtuple("VmStats", ["mean", "std"])
VmStats.__doc__ = """Per-recorded-cell mean and standard deviation of Vm (mV), arrays of shape (n_rec,)."""

SynapticCurrents = namedtuple("SynapticCurrents", ["exc", "inh", "ratio"])
SynapticCurrents.__doc__ = """Mean excitatory and inhibitory synaptic currents (pA) and ``abs(inh) / abs(exc)``."""

_RECORDING_PREFIXES = ("N_", "tRASTER_", "iRASTER_", "POP_ACT_", "VMS_")


# ----------------------------------------------------------------------------
# access to the data dict (shared with network.plots)
# ----------------------------------------------------------------------------
def require_key(data, key, what):
    """``data[key]``, or a RecordingError naming the missing key and what it holds.

    Parameters
    ----------
    data : dict
    key : str
        e.g. ``'VMS_Exc'``.
    what : str
        What the key holds, for the message (``"membrane potentials of 'Exc'"``).
    """
    try:
        return data[key]
    except KeyError:
        raise RecordingError(
            f"the data has no {key!r} ({what}); record it before the run, "
            "or ask for something that was recorded"
        ) from None


def population_names(data, afferent=False):
    """Names of the recurrent (or afferent) populations present in ``data``.

    Parameters
    ----------
    data : dict
        Data dict of a run.
    afferent : bool, optional
        If True, return the afferent populations instead.

    Returns
    -------
    list of str
        ``data['POPULATIONS']`` (``data['AFFERENT_POPULATIONS']``) when present;
        otherwise the names found in the ``N_``, ``tRASTER_``, ``iRASTER_``,
        ``POP_ACT_`` and ``VMS_`` keys (recurrent) or ``[]`` (afferent).
    """
    key = "AFFERENT_POPULATIONS" if afferent else "POPULATIONS"
    if key in data:
        return [str(p) for p in data[key]]
    if afferent:
        return []
    excluded = set(population_names(data, afferent=True))
    names = []
    for k in data:
        for prefix in _RECORDING_PREFIXES:
            if k.startswith(prefix) and not k.endswith("_indices"):
                name = k[len(prefix):]
                if name not in names and name not in excluded:
                    names.append(name)
    return names


def check_population(data, pop):
    """Raise ModelKeyError unless ``pop`` is a recurrent or afferent population of ``data``."""
    known = population_names(data) + population_names(data, afferent=True)
    if pop not in known:
        raise ModelKeyError(
            f"unknown population {pop!r} (argument 'pop'); the data has populations "
            f"{', '.join(map(repr, known)) or 'none'}"
        )


def _population_size(data, pop):
    return int(require_key(data, f"N_{pop}", f"size of population {pop!r}"))


def time_step(data):
    """The integration step ``data['dt']`` in ms (RecordingError if absent)."""
    return float(require_key(data, "dt", "integration time step in ms"))


def duration(data):
    """The simulated duration in ms: ``data['tstop']``, else ``len(t_array) * dt``."""
    if "tstop" in data:
        return float(data["tstop"])
    return len(require_key(data, "t_array", "time grid in ms")) * time_step(data)


def time_array(data, n_t):
    """Time grid (ms) of a recorded signal with ``n_t`` samples.

    ``data['t_array']`` if it has ``n_t`` samples, else ``np.arange(n_t) * dt``.
    """
    t = data.get("t_array")
    if t is not None and len(t) == n_t:
        return np.asarray(t, dtype=np.float64)
    return np.arange(n_t) * time_step(data)


def time_window(data, t_start=None, t_stop=None):
    """Validated analysis window ``(t_start, t_stop)`` in ms.

    Parameters
    ----------
    data : dict
    t_start, t_stop : float or None
        Window bounds in ms; None means 0 and ``data['tstop']``.

    Returns
    -------
    tuple of float

    Raises
    ------
    ModelValueError
        If a bound is not finite, outside ``[0, tstop]``, or ``t_start >= t_stop``.
    """
    tstop = duration(data)
    tolerance = 1e-9 * max(tstop, 1.0)
    bounds = []
    for name, value, default in (("t_start", t_start, 0.0), ("t_stop", t_stop, tstop)):
        value = default if value is None else _time_ms(name, value)
        if not np.isfinite(value) or value < -tolerance or value > tstop + tolerance:
            raise ModelValueError(f"{name}={value} ms is outside the simulation [0, {tstop}] ms")
        bounds.append(value)
    t0, t1 = bounds
    if t0 >= t1:
        raise ModelValueError(f"t_start={t0} ms must be smaller than t_stop={t1} ms")
    return t0, t1


def spikes_in_window(data, pop, t_start=None, t_stop=None):
    """Spike times (ms) and neuron indices of ``pop`` in ``[t_start, t_stop)``.

    Returns
    -------
    t : ndarray of float64
    i : ndarray of int64
    """
    check_population(data, pop)
    t0, t1 = time_window(data, t_start, t_stop)
    t = np.asarray(require_key(data, f"tRASTER_{pop}", f"spike times of {pop!r}"), dtype=np.float64)
    i = np.asarray(require_key(data, f"iRASTER_{pop}", f"spike indices of {pop!r}"), dtype=np.int64)
    if t.shape != i.shape:
        raise RecordingError(
            f"'tRASTER_{pop}' and 'iRASTER_{pop}' have different shapes {t.shape} and {i.shape}"
        )
    mask = (t >= t0) & (t < t1)
    return t[mask], i[mask]


def _time_ms(name, value):
    """A scalar time in ms: a plain number in ms or a brian2 time Quantity (UnitError otherwise)."""
    number = arguments.to_plain(value, "ms", name, error=UnitError)
    if np.ndim(number):
        raise ModelValueError(f"{name} must be one time in ms, got an array of shape {np.shape(number)}")
    return float(number)


def _positive(name, value, allow_zero=False):
    """A duration in ms (number or Quantity), or a ModelValueError naming the argument if not > 0 (>= 0)."""
    number = _time_ms(name, value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ModelValueError(f"{name}={value!r} must be a finite number {bound} (ms)")
    return number


def _indices_within(i, n, key):
    if i.size and (i.min() < 0 or i.max() >= n):
        raise RecordingError(
            f"neuron indices in {key!r} span [{i.min()}, {i.max()}], outside [0, {n})"
        )


def _recorded_matrix(data, key, what):
    """A recorded (n_rec, n_t) array and its time grid."""
    values = np.asarray(require_key(data, key, what), dtype=np.float64)
    values = np.atleast_2d(values)
    return values, time_array(data, values.shape[1])


# ----------------------------------------------------------------------------
# rates and spike-train statistics
# ----------------------------------------------------------------------------
def mean_rate(data, pop, t_start=None, t_stop=None):
    """Mean firing rate of a population (Hz): spikes / N / window.

    Parameters
    ----------
    data : dict
    pop : str
        Population name (recurrent or afferent with a recorded raster).
    t_start, t_stop : float or None
        Window in ms (default: the whole run).

    Returns
    -------
    float
        Rate in Hz, averaged over all ``N_<pop>`` neurons (silent ones included).
    """
    t, _ = spikes_in_window(data, pop, t_start, t_stop)
    t0, t1 = time_window(data, t_start, t_stop)
    return t.size / _population_size(data, pop) / ((t1 - t0) * 1e-3)


def rates_per_neuron(data, pop, t_start=None, t_stop=None):
    """Firing rate of every neuron of a population (Hz).

    Returns
    -------
    ndarray of float64, shape (N_<pop>,)
        Spike count of each neuron in the window divided by the window (s).
    """
    _, i = spikes_in_window(data, pop, t_start, t_stop)
    t0, t1 = time_window(data, t_start, t_stop)
    n = _population_size(data, pop)
    _indices_within(i, n, f"iRASTER_{pop}")
    return np.bincount(i, minlength=n) / ((t1 - t0) * 1e-3)


def isi_cv(data, pop, t_start=None, t_stop=None, min_spikes=3):
    """Coefficient of variation of the inter-spike intervals of each neuron.

    Intervals are taken between consecutive spikes of the same neuron inside the
    window; CV = std / mean of a neuron's intervals, std with ``ddof=1``.

    Parameters
    ----------
    data : dict
    pop : str
    t_start, t_stop : float or None
        Window in ms.
    min_spikes : int, optional
        Neurons with fewer spikes in the window get NaN (at least 3).

    Returns
    -------
    ndarray of float64, shape (N_<pop>,)
        CV per neuron (1 for a Poisson train, 0 for a regular one), NaN when
        undefined.  ``np.nanmean`` gives the population CV.
    """
    min_spikes = arguments.check_count(min_spikes, "min_spikes", minimum=3, error=ModelValueError)
    t, i = spikes_in_window(data, pop, t_start, t_stop)
    n = _population_size(data, pop)
    _indices_within(i, n, f"iRASTER_{pop}")
    order = np.lexsort((t, i))  # by neuron, then by time
    t, i = t[order], i[order]
    same_neuron = i[1:] == i[:-1]
    isi = np.diff(t)[same_neuron]
    owner = i[1:][same_neuron]
    n_isi = np.bincount(owner, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, weights=isi, minlength=n) / n_isi
        deviation = isi - mean[owner]
        var = np.bincount(owner, weights=deviation**2, minlength=n) / (n_isi - 1)
        cv = np.sqrt(var) / mean
    cv[n_isi + 1 < min_spikes] = np.nan
    return cv


def spike_count_correlation(data, pop, bin_ms, t_start=None, t_stop=None, n_neurons=None, seed=1,
                            remove_rate_covariation=False):
    """Mean pairwise Pearson correlation of spike counts in time bins.

    The window is cut into ``floor((t_stop - t_start) / bin_ms)`` bins of
    ``bin_ms`` (a last incomplete bin is dropped).  Silent neurons (and neurons
    with the same count in every bin) have no defined correlation and are left
    out.

    Parameters
    ----------
    data : dict
    pop : str
    bin_ms : float
        Bin width in ms, > 0, at most half of the window.
    t_start, t_stop : float or None
        Window in ms.
    n_neurons : int or None, optional
        If given, use a random subset of at most this many spiking neurons (the
        count matrix is n_neurons x n_bins and the correlation matrix
        n_neurons x n_neurons: subsample large populations).
    seed : int, optional
        Seed of the subsampling (integer >= 0; the same seed picks the same neurons).
    remove_rate_covariation : bool, optional
        A rate that changes in time (a stimulus) makes counts covary even between
        independent neurons.  If True, each neuron's count in each bin is compared
        with what the population's time course predicts for it,
        ``total_i / total * population_count(bin)``, and the residuals are
        correlated: the "noise" correlation.  For independent neurons it is
        ``-1/(m-1)`` on average instead of 0 (m neurons: the residuals sum to zero).

    Returns
    -------
    SpikeCountCorrelation
        ``(mean, n_pairs)``: the mean over all ``n_pairs`` distinct pairs
        (NaN and 0 when fewer than two neurons qualify).
    """
    t0, t1 = time_window(data, t_start, t_stop)
    bin_ms = _positive("bin_ms", bin_ms)
    n_bins = int(np.floor((t1 - t0) / bin_ms + 1e-9))
    if n_bins < 2:
        raise ModelValueError(
            f"bin_ms={bin_ms} ms leaves fewer than 2 bins in the window [{t0}, {t1}] ms"
        )
    if n_neurons is not None:
        n_neurons = arguments.check_count(n_neurons, "n_neurons", minimum=2, error=ModelValueError)
    seed = arguments.check_seed(seed, "seed", error=ModelValueError)
    t, i = spikes_in_window(data, pop, t0, min(t1, t0 + n_bins * bin_ms))
    n = _population_size(data, pop)
    _indices_within(i, n, f"iRASTER_{pop}")
    chosen = np.unique(i)
    if n_neurons is not None and chosen.size > n_neurons:
        rng = np.random.default_rng(seed)
        chosen = np.sort(rng.choice(chosen, size=n_neurons, replace=False))
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[chosen] = np.arange(chosen.size)
    rows = row_of[i]
    keep = rows >= 0
    bins = np.minimum(((t[keep] - t0) // bin_ms).astype(np.int64), n_bins - 1)
    counts = np.bincount(rows[keep] * n_bins + bins, minlength=chosen.size * n_bins)
    counts = counts.reshape(chosen.size, n_bins)
    counts = counts[counts.min(axis=1) != counts.max(axis=1)]
    m = counts.shape[0]
    if m < 2:
        return SpikeCountCorrelation(np.nan, 0)
    if remove_rate_covariation:
        counts = counts.astype(np.float64)
        totals = counts.sum(axis=1, keepdims=True)
        counts = counts - totals / totals.sum() * counts.sum(axis=0, keepdims=True)
    corr = np.corrcoef(counts)
    upper = np.triu_indices(m, k=1)
    return SpikeCountCorrelation(float(corr[upper].mean()), int(upper[0].size))


# ----------------------------------------------------------------------------
# membrane potential and currents
# ----------------------------------------------------------------------------
def _exclusion_bounds(exclude_spikes_ms):
    if np.ndim(exclude_spikes_ms) == 0:
        pair = (0.0, exclude_spikes_ms)
    elif len(exclude_spikes_ms) == 2:
        pair = exclude_spikes_ms
    else:
        raise ModelValueError(
            f"exclude_spikes_ms={exclude_spikes_ms!r} must be a number or a pair (before, after) in ms"
        )
    return tuple(_positive("exclude_spikes_ms", x, allow_zero=True) for x in pair)


def recorded_cell_spikes(data, pop, t_start=None, t_stop=None):
    """Spikes of the cells whose membrane potential is recorded.

    Parameters
    ----------
    data : dict
        Needs ``VMS_<pop>_indices``, ``tRASTER_<pop>`` and ``iRASTER_<pop>``.
    pop : str
    t_start, t_stop : float or None
        Window in ms.

    Returns
    -------
    t : ndarray of float64
        Spike times (ms).
    row : ndarray of int64
        Row of ``VMS_<pop>`` (position in ``VMS_<pop>_indices``) of each spike.
    """
    recorded = np.asarray(
        require_key(data, f"VMS_{pop}_indices", f"neuron indices of the recorded Vm of {pop!r}"),
        dtype=np.int64,
    )
    t, i = spikes_in_window(data, pop, t_start, t_stop)
    row_of = np.full(int(max(recorded.max(initial=-1), i.max(initial=-1))) + 1, -1, dtype=np.int64)
    row_of[recorded] = np.arange(recorded.size)
    rows = row_of[i]
    sel = rows >= 0
    return t[sel], rows[sel]


def _spike_mask(data, pop, t, shape, before, after):
    """Boolean (n_rec, n_t) mask of the samples within [t_s - before, t_s + after] of a spike."""
    n_rec, n_t = shape
    n_indices = len(require_key(data, f"VMS_{pop}_indices", f"neuron indices of the recorded Vm of {pop!r}"))
    if n_indices != n_rec:
        raise RecordingError(f"'VMS_{pop}_indices' has {n_indices} entries but 'VMS_{pop}' has {n_rec} rows")
    ts, rows = recorded_cell_spikes(data, pop)
    start = np.searchsorted(t, ts - before, side="left")
    stop = np.searchsorted(t, ts + after, side="right")
    width = n_t + 1  # +1: a window may end after the last sample
    n_cells_samples = n_rec * width
    delta = np.bincount(rows * width + start, minlength=n_cells_samples) - np.bincount(
        rows * width + stop, minlength=n_cells_samples
    )
    return np.cumsum(delta.reshape(n_rec, width), axis=1)[:, :n_t] > 0


def vm_stats(data, pop, t_start=None, t_stop=None, exclude_spikes_ms=None):
    """Mean and standard deviation of the membrane potential of each recorded cell.

    Parameters
    ----------
    data : dict
    pop : str
    t_start, t_stop : float or None
        Window in ms.
    exclude_spikes_ms : float, (float, float) or None, optional
        Leave out the samples around each spike of the recorded cell: a number
        ``w`` excludes ``[t_s, t_s + w]`` (refractory period, reset), a pair
        ``(before, after)`` excludes ``[t_s - before, t_s + after]`` (ms).  Needs
        ``tRASTER_<pop>``, ``iRASTER_<pop>`` and ``VMS_<pop>_indices``.

    Returns
    -------
    VmStats
        ``(mean, std)`` in mV, arrays of shape (n_rec,) in the order of
        ``VMS_<pop>_indices`` (std with ``ddof=0``; NaN if no sample is left).
    """
    check_population(data, pop)
    t0, t1 = time_window(data, t_start, t_stop)
    V, t = _recorded_matrix(data, f"VMS_{pop}", f"membrane potentials of {pop!r}")
    keep = np.broadcast_to((t >= t0) & (t < t1), V.shape)
    if exclude_spikes_ms is not None:
        before, after = _exclusion_bounds(exclude_spikes_ms)
        keep = keep & ~_spike_mask(data, pop, t, V.shape, before, after)
    n = keep.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(keep, V, 0.0).sum(axis=1) / n
        std = np.sqrt(np.where(keep, (V - mean[:, None]) ** 2, 0.0).sum(axis=1) / n)
    return VmStats(mean, std)


def synaptic_currents(data, pop, t_start=None, t_stop=None, per_cell=False):
    """Mean excitatory and inhibitory synaptic currents and their ratio.

    Parameters
    ----------
    data : dict
        Needs ``ISYNe_<pop>`` and ``ISYNi_<pop>`` (pA, shape (n_rec, n_t)).
    pop : str
    t_start, t_stop : float or None
        Window in ms.
    per_cell : bool, optional
        If True, return arrays of shape (n_rec,) instead of averages over cells.

    Returns
    -------
    SynapticCurrents
        ``(exc, inh, ratio)``: time-averaged currents in pA (with the recorded
        sign convention) and ``ratio = abs(inh) / abs(exc)`` (1 = balanced).
    """
    check_population(data, pop)
    t0, t1 = time_window(data, t_start, t_stop)
    means = []
    for kind, what in (("e", "excitatory"), ("i", "inhibitory")):
        current, t = _recorded_matrix(data, f"ISYN{kind}_{pop}", f"{what} synaptic current of {pop!r}")
        window = (t >= t0) & (t < t1)
        if not window.any():
            raise ModelValueError(f"no sample of 'ISYN{kind}_{pop}' in [t_start, t_stop) = [{t0}, {t1}) ms")
        per = current[:, window].mean(axis=1)
        means.append(per if per_cell else float(per.mean()))
    exc, inh = means
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.abs(inh) / np.abs(exc)
    return SynapticCurrents(exc, inh, ratio if per_cell else float(ratio))


# ----------------------------------------------------------------------------
# signals and connectivity
# ----------------------------------------------------------------------------
def smooth(signal, dt, width_ms):
    """Gaussian smoothing of a sampled signal along its last axis.

    Parameters
    ----------
    signal : array_like
        Samples every ``dt`` ms (e.g. a population rate in Hz).
    dt : float
        Sampling step in ms, > 0.
    width_ms : float
        Standard deviation of the Gaussian kernel in ms, >= 0 (0 returns a copy).

    Returns
    -------
    ndarray of float64
        Same shape; the mean is preserved (edges are reflected).
    """
    dt = _positive("dt", dt)
    width_ms = _positive("width_ms", width_ms, allow_zero=True)
    signal = np.array(signal, dtype=np.float64)
    if width_ms == 0 or signal.size == 0:
        return signal
    return gaussian_filter1d(signal, sigma=width_ms / dt, axis=-1, mode="reflect")


def binned_connectivity(i, j, N_pre, N_post, max_bins=500):
    """Adjacency matrix of a projection, binned into at most ``max_bins`` blocks per side.

    Parameters
    ----------
    i, j : array_like of int
        Presynaptic and postsynaptic neuron index of every synapse.
    N_pre, N_post : int
        Population sizes.
    max_bins : int, optional
        Maximum number of blocks along each axis.

    Returns
    -------
    ndarray of float64, shape (min(N_pre, max_bins), min(N_post, max_bins))
        Synapses per (pre, post) pair in each block: the connection
        probability of the block (without binning: the adjacency matrix, entries
        > 1 for multiple synapses).  Neuron ``k`` falls in block ``k * bins // N``.
    """
    N_pre, N_post, max_bins = (arguments.check_count(value, name, minimum=1, error=ModelValueError)
                               for name, value in (("N_pre", N_pre), ("N_post", N_post), ("max_bins", max_bins)))
    i = np.asarray(i, dtype=np.int64).ravel()
    j = np.asarray(j, dtype=np.int64).ravel()
    if i.shape != j.shape:
        raise ModelValueError(f"i and j have different lengths ({i.size} and {j.size})")
    for name, idx, n in (("i", i, N_pre), ("j", j, N_post)):
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ModelValueError(f"indices {name} span [{idx.min()}, {idx.max()}], outside [0, {n})")
    b_pre, b_post = min(N_pre, max_bins), min(N_post, max_bins)
    block_pre = np.arange(N_pre, dtype=np.int64) * b_pre // N_pre
    block_post = np.arange(N_post, dtype=np.int64) * b_post // N_post
    counts = np.bincount(block_pre[i] * b_post + block_post[j], minlength=b_pre * b_post)
    counts = counts.reshape(b_pre, b_post)
    pairs = np.outer(np.bincount(block_pre, minlength=b_pre), np.bincount(block_post, minlength=b_post))
    return counts / pairs
