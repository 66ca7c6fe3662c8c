"""The exception of the ``stimuli`` package and the argument checks that raise it.

Every error the package raises on bad input is a :class:`StimulusError`, so that
scripts can catch ``stimuli.StimulusError`` (or ``ValueError``) and nothing else.
Messages name the offending argument and value and say how to fix it.

The private ``check_*``/``as_*`` helpers below are the only place where arguments
are validated and where brian2 Quantities are converted to plain numbers (times
to ms, rates to Hz); :mod:`stimuli.spikes` and :mod:`stimuli.waveforms` call them
and never re-implement a check.  brian2 is never imported here: a Quantity can
only exist if the caller already imported brian2, so it is looked up in
``sys.modules``.
"""

import numbers
import sys

import numpy as np

__all__ = ["StimulusError"]


class StimulusError(ValueError):
    """An argument of a ``stimuli`` function is out of range, has the wrong unit or shape."""


# --------------------------------------------------------------------------- units

#: kind -> (SI exponent of second, factor from SI to the plain unit, plain unit, example)
_KINDS = {
    "time": (1, 1e3, "ms", "5*ms"),
    "rate": (-1, 1.0, "Hz", "5*Hz"),
    "number": (0, 1.0, "", "0.5"),
}


def _brian_units():
    """Return ``brian2.units.fundamentalunits`` if brian2 is already imported, else None."""
    return sys.modules.get("brian2.units.fundamentalunits")


def _strip_units(value, name, kind):
    """Convert ``value`` to a float ndarray in the plain unit of ``kind``.

    Parameters
    ----------
    value : scalar, array_like or brian2 Quantity
        Plain numbers are taken to be in the plain unit (ms for ``"time"``, Hz for
        ``"rate"``); a Quantity must have the matching dimension.
    name : str
        Argument name used in error messages.
    kind : {"time", "rate"}
        Physical kind of the argument.

    Returns
    -------
    numpy.ndarray
        float64 array (0-d for scalars), in ms or Hz.

    Raises
    ------
    StimulusError
        If ``value`` is a Quantity of another dimension, or not numeric.
    """
    exponent, factor, unit, example = _KINDS[kind]
    units = _brian_units()
    if units is not None and isinstance(value, units.Quantity):
        expected = units.get_or_create_dimension(s=exponent)
        if units.get_dimensions(value) is not expected:
            raise StimulusError(
                f"{name}={_short(value)} has dimension '{units.get_dimensions(value)}' but must be a "
                f"{kind}; pass a {kind} Quantity (e.g. {example}) or a plain number in {unit}."
            )
        return np.array(value, dtype=np.float64) * factor
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise StimulusError(
            f"{name}={_short(value)} is not numeric; pass a number (or array) in {unit}."
        ) from None


def _short(value):
    """``repr(value)`` for scalars and short arrays, a shape summary for long ones."""
    if np.ndim(value) > 0 and np.size(value) > 6:
        return f"<{type(value).__name__} of shape {np.shape(value)}>"
    return repr(value)


def _describe(arr, flat_index):
    """Return ``'[i, j] = v'`` text locating element ``flat_index`` of ``arr``."""
    where = np.unravel_index(flat_index, arr.shape)
    value = arr.flat[flat_index]
    return (f"[{', '.join(str(int(i)) for i in where)}]" if arr.ndim else "") + f" = {value:g}"


def _check_range(arr, name, unit, *, lower=None, strict=False, upper=None, fix="", locate=None):
    """Check that every element of ``arr`` is finite and inside the given bounds.

    This is the single bound check of the package; every ``check_*`` helper calls it.

    Parameters
    ----------
    arr : numpy.ndarray
        Values to check (any shape), already converted to the plain unit.
    name : str
        Argument name used in error messages.
    unit : str
        Unit printed after the value in error messages ("" for dimensionless).
    lower : float, optional
        Lower bound (inclusive unless ``strict``).
    strict : bool
        If True, the lower bound is exclusive.
    upper : float, optional
        Inclusive upper bound.
    fix : str
        Advice appended to the message.
    locate : callable, optional
        ``locate(multi_index) -> str`` adding context (e.g. the time of a rate bin).

    Raises
    ------
    StimulusError
        Naming the first offending element.
    """
    if arr.size:  # fast path without temporaries: NaN/inf propagate to the min or the max
        low, high = arr.min(), arr.max()
        if (np.isfinite(low) and np.isfinite(high)
                and (lower is None or (low > lower if strict else low >= lower))
                and (upper is None or high <= upper)):
            return
    bad = ~np.isfinite(arr)
    problem = "is not finite"
    if not bad.any():
        if lower is not None:
            bad = arr <= lower if strict else arr < lower
            problem = f"must be {'>' if strict else '>='} {lower:g}{unit and ' ' + unit}"
        if upper is not None and not bad.any():
            bad = arr > upper
            problem = f"must be <= {upper:g}{unit and ' ' + unit}"
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        where = _describe(arr, first)
        context = f" ({locate(np.unravel_index(first, arr.shape))})" if locate else ""
        raise StimulusError(
            f"{name}{where}{unit and ' ' + unit}{context} {problem}{'; ' + fix if fix else ''}."
        )


# --------------------------------------------------------------------- times (ms)

def as_time(value, name, *, lower=None, strict=False):
    """Return a finite scalar time in ms.

    Parameters
    ----------
    value : float or brian2 Quantity
        Time in ms (plain number) or a time Quantity.
    name : str
        Argument name used in error messages.
    lower : float, optional
        Lower bound in ms (inclusive unless ``strict``).
    strict : bool
        Make ``lower`` exclusive.

    Returns
    -------
    float
        The time in ms.
    """
    arr = _strip_units(value, name, "time")
    if arr.ndim != 0:
        raise StimulusError(f"{name} must be a scalar time in ms, got an array of shape {arr.shape}.")
    _check_range(arr, name, "ms", lower=lower, strict=strict, fix=f"pass a valid {name} in ms")
    return float(arr)


def as_positive_time(value, name):
    """Return a finite time step/width in ms that is strictly > 0 (e.g. ``dt``, ``sigma``)."""
    return as_time(value, name, lower=0.0, strict=True)


def as_nonnegative_time(value, name):
    """Return a finite duration in ms that is >= 0 (e.g. ``duration``, ``jitter``)."""
    return as_time(value, name, lower=0.0)


def as_time_array(value, name, *, ndim=None):
    """Return a float64 array of finite times in ms.

    Parameters
    ----------
    value : array_like or brian2 Quantity
        Times in ms (plain numbers) or a time Quantity.
    name : str
        Argument name used in error messages.
    ndim : int, optional
        Required number of dimensions.

    Returns
    -------
    numpy.ndarray
        float64 times in ms.
    """
    arr = _strip_units(value, name, "time")
    if ndim is not None and arr.ndim != ndim:
        raise StimulusError(f"{name} must be a {ndim}-D array of times in ms, got shape {arr.shape}.")
    _check_range(arr, name, "ms", fix=f"remove NaN/inf from {name}")
    return arr


def as_window(t_start, t_stop, names=("t_start", "t_stop")):
    """Return the window ``(t_start, t_stop)`` in ms, checking ``t_stop >= t_start``.

    Parameters
    ----------
    t_start, t_stop : float or brian2 Quantity
        Window edges in ms (or time Quantities).
    names : tuple of str
        Argument names of the two edges, used in error messages.

    Returns
    -------
    tuple of float
        ``(t_start, t_stop)`` in ms.
    """
    t_start = as_time(t_start, names[0])
    t_stop = as_time(t_stop, names[1])
    if t_stop < t_start:
        raise StimulusError(
            f"{names[1]}={t_stop:g} ms is before {names[0]}={t_start:g} ms; "
            f"pass {names[1]} >= {names[0]}."
        )
    return t_start, t_stop


# ---------------------------------------------------------------------- rates (Hz)

def as_rate(value, name, *, ndim=(0,), t_start=None, dt=None):
    """Return a float64 array of finite, non-negative rates in Hz.

    Parameters
    ----------
    value : scalar, array_like or brian2 Quantity
        Rates in Hz (plain numbers) or a rate Quantity.
    name : str
        Argument name used in error messages.
    ndim : tuple of int
        Allowed numbers of dimensions.
    t_start, dt : float, optional
        Grid (ms) on which the last axis is sampled; if given, the time of the first
        offending sample is reported.

    Returns
    -------
    numpy.ndarray
        float64 rates in Hz (0-d for a scalar).
    """
    arr = _strip_units(value, name, "rate")
    if arr.ndim not in ndim:
        raise StimulusError(
            f"{name} must have {' or '.join(map(str, ndim))} dimension(s), got shape {arr.shape}."
        )

    def locate(where):
        """Describe the source and time of the sample at ``where``."""
        text = f"t = {t_start + where[-1] * dt:g} ms" if dt is not None and arr.ndim else ""
        return (f"source {where[0]}, " if arr.ndim == 2 else "") + text

    _check_range(arr, name, "Hz", lower=0.0, locate=locate if dt is not None else None,
                 fix="rates must be finite and >= 0 Hz (clip the waveform first, e.g. "
                     "oscillation(..., clip_negative=True))")
    return arr


def as_level(value, name, *, ndim=0):
    """Return a finite waveform level (amplitude/baseline) as float or float64 array.

    Parameters
    ----------
    value : float, array_like or brian2 Quantity
        A plain number in the waveform's own unit (Hz for rates) or a rate Quantity
        (converted to Hz).
    name : str
        Argument name used in error messages.
    ndim : int
        Required number of dimensions (0 for a scalar).

    Returns
    -------
    float or numpy.ndarray
    """
    arr = _strip_units(value, name, "rate")
    if arr.ndim != ndim:
        raise StimulusError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}.")
    _check_range(arr, name, "", fix=f"pass a finite {name}")
    return float(arr) if ndim == 0 else arr


# ---------------------------------------------------------------- other concepts

def as_count(value, name):
    """Return a non-negative integer count (e.g. ``n_sources``, ``n_steps``).

    Integer-valued floats are accepted; booleans, fractional values and negative
    values raise :class:`StimulusError`.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise StimulusError(f"{name}={value!r} must be a non-negative integer; pass e.g. {name}=10.")
    if not float(value).is_integer() or value < 0:
        raise StimulusError(
            f"{name}={value!r} must be a non-negative integer; pass e.g. {name}={abs(round(value))}."
            if np.isfinite(value) else f"{name}={value!r} must be a non-negative integer."
        )
    return int(value)


def as_number(value, name, *, lower=None, upper=None):
    """Return a finite dimensionless scalar, optionally inside ``[lower, upper]``.

    Parameters
    ----------
    value : float
        Plain number (a dimensionless brian2 Quantity is accepted).
    name : str
        Argument name used in error messages.
    lower, upper : float, optional
        Inclusive bounds.
    """
    arr = _strip_units(value, name, "number")
    if arr.ndim != 0:
        raise StimulusError(f"{name} must be a scalar, got an array of shape {arr.shape}.")
    bounds = f"{name} must lie in [{lower:g}, {upper:g}]" if lower is not None else f"pass a finite {name}"
    _check_range(arr, name, "", lower=lower, upper=upper, fix=bounds)
    return float(arr)


def as_probability(value, name):
    """Return a probability in [0, 1] (e.g. ``correlation``, ``p_participate``)."""
    return as_number(value, name, lower=0.0, upper=1.0)


def as_indices(values, n_sources, name):
    """Return integer source indices in ``0 .. n_sources-1`` as an int64 1-D array.

    Parameters
    ----------
    values : array_like
        Integer (or integer-valued float) indices.
    n_sources : int
        Number of sources.
    name : str
        Argument name used in error messages.
    """
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise StimulusError(f"{name} must be a 1-D array of source indices, got shape {arr.shape}.")
    if arr.dtype.kind not in "iu":
        integral = arr.dtype.kind == "f" and bool(np.all(np.isfinite(arr) & (arr == np.round(arr))))
        if not integral:
            raise StimulusError(
                f"{name} must hold integer source indices, got dtype {arr.dtype}; "
                f"pass e.g. np.asarray({name}, dtype=int)."
            )
    arr = arr.astype(np.int64)
    _check_range(arr, name, "", lower=0, upper=n_sources - 1,
                 fix=f"source indices must lie in 0..{n_sources - 1} (n_sources={n_sources})")
    return arr


def as_rng(seed):
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : None, int or numpy.random.Generator
        None draws fresh OS entropy (not reproducible); a non-negative int seeds a
        new generator; a Generator is used as is (and advanced).
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (numbers.Integral, np.integer)) and not isinstance(seed, (bool, np.bool_)) \
            and seed >= 0:
        return np.random.default_rng(int(seed))
    raise StimulusError(
        f"seed={seed!r} must be None, a non-negative int or a numpy.random.Generator; "
        "pass e.g. seed=1."
    )


def per_source(values, n_sources, name):
    """Broadcast a scalar or a length-``n_sources`` 1-D array to shape ``(n_sources,)``.

    Parameters
    ----------
    values : numpy.ndarray
        Already-converted values (0-d or 1-d).
    n_sources : int
        Number of sources.
    name : str
        Argument name used in error messages.
    """
    if values.ndim == 0:
        return np.full(n_sources, float(values))
    if values.ndim != 1 or values.shape[0] != n_sources:
        raise StimulusError(
            f"{name} has shape {values.shape} but n_sources={n_sources}; pass a scalar "
            f"or one value per source (shape ({n_sources},))."
        )
    return values


def check_same_length(a, b, name_a, name_b):
    """Raise if the 1-D arrays ``a`` and ``b`` differ in length."""
    if len(a) != len(b):
        raise StimulusError(
            f"{name_a} has {len(a)} elements but {name_b} has {len(b)}; "
            "they must have the same length (one entry each)."
        )


#: Largest expected number of spikes one call may draw: 2**30 spikes hold 16 GiB of
#: int64 indices and float64 times, beyond any machine this package targets.
MAX_SPIKES = float(1 << 30)


def check_spike_budget(expected, fix):
    """Raise if a draw is expected to produce more than :data:`MAX_SPIKES` spikes.

    Parameters
    ----------
    expected : float
        Expected number of spikes (or of mother spikes for ``correlated_poisson``).
    fix : str
        What to change, appended to the message.
    """
    if not expected <= MAX_SPIKES:
        raise StimulusError(
            f"this draw would produce about {expected:.3g} spikes, more than the {MAX_SPIKES:.3g} "
            f"(16 GiB of spike arrays) one call may hold; {fix}."
        )
