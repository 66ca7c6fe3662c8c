"""Argument conversion and checks shared by the toolkit's packages.

This module is the one place where physical arguments are converted from brian2
Quantities to plain numbers in a documented unit, and where probabilities, counts,
seeds and index arrays are checked.  ``stimuli`` uses it for its own functions;
``network`` and ``dendrites`` import it (the layering allows both) and pass their
own exception classes through ``error=``.

Unit policy: a physical argument is either a brian2 Quantity of the right dimension
or a plain number in the documented unit.  A Quantity of another dimension raises
:class:`~stimuli.errors.UnitError` (a :class:`ValueError`); a value out of range
raises :class:`~stimuli.errors.ParameterError` (also a :class:`ValueError`).

brian2 is never imported here: a Quantity can only exist if the caller already
imported brian2, so it is looked up in ``sys.modules``.
"""

import numbers
import sys

import numpy as np

from .errors import ParameterError, UnitError

__all__ = [
    "to_plain", "check_probability", "check_count", "check_seed", "check_indices",
    "check_positive",
    "as_time", "as_positive_time", "as_nonnegative_time", "as_time_array", "as_window",
    "as_rate", "as_level", "as_count", "as_number", "as_probability", "as_indices",
    "as_rng", "per_source", "check_same_length", "check_spike_budget", "MAX_SPIKES",
]

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
    UnitError
        If ``value`` is a Quantity of another dimension, or not numeric.
    """
    exponent, factor, unit, example = _KINDS[kind]
    units = _brian_units()
    value = _quantity_list(value, name, unit, UnitError)
    if units is not None and isinstance(value, units.Quantity):
        expected = units.get_or_create_dimension(s=exponent)
        if units.get_dimensions(value) is not expected:
            raise UnitError(
                f"{name}={_short(value)} has dimension '{units.get_dimensions(value)}' but must be a "
                f"{kind}; pass a {kind} Quantity (e.g. {example}) or a plain number in {unit}."
            )
        return np.array(value, dtype=np.float64) * factor
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # None, bool, str or object arrays are not numbers
            raise TypeError
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise UnitError(
            f"{name}={_short(value)} is not numeric; pass "
            f"{'a number (or array) in ' + unit if unit else 'a plain number (or array)'}."
        ) from None



def _quantity_list(value, name, unit, error):
    """A list/tuple holding Quantities as one Quantity (np.asarray would drop their units)."""
    units = _brian_units()
    if units is not None and isinstance(value, (list, tuple)) and any(
            isinstance(v, units.Quantity) for v in value):
        try:
            return units.Quantity(value)
        except (TypeError, units.DimensionMismatchError) as exc:
            raise error(f"{name} mixes quantities of different units or with plain numbers "
                        f"({exc}); pass one Quantity array or plain numbers in {unit}.") from None
    return value

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
    ParameterError
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
        raise ParameterError(
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
        raise ParameterError(f"{name} must be a scalar time in ms, got an array of shape {arr.shape}.")
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
        raise ParameterError(f"{name} must be a {ndim}-D array of times in ms, got shape {arr.shape}.")
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
        raise ParameterError(
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
        raise ParameterError(
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
        raise ParameterError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}.")
    _check_range(arr, name, "", fix=f"pass a finite {name}")
    return float(arr) if ndim == 0 else arr


# ---------------------------------------------------------------- other concepts

def as_count(value, name):
    """Return a non-negative integer count (e.g. ``n_sources``, ``n_steps``).

    Integer-valued floats are accepted; booleans, fractional values and negative
    values raise :class:`ParameterError` (this is :func:`check_count` with minimum 0).
    """
    return check_count(value, name, minimum=0)


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
        raise ParameterError(f"{name} must be a scalar, got an array of shape {arr.shape}.")
    bounds = f"{name} must lie in [{lower:g}, {upper:g}]" if lower is not None else f"pass a finite {name}"
    _check_range(arr, name, "", lower=lower, upper=upper, fix=bounds)
    return float(arr)


def as_probability(value, name):
    """Return a scalar probability in [0, 1] (e.g. ``correlation``, ``p_participate``).

    :func:`as_number` (a finite scalar) followed by :func:`check_probability`; a
    non-numeric value is a :class:`~stimuli.errors.UnitError`.
    """
    units = _brian_units()
    if units is None or not isinstance(value, units.Quantity):
        _numeric(value, name, "a probability (a number in [0, 1])", UnitError)
    return float(check_probability(as_number(value, name), name))


def as_indices(values, n_sources, name):
    """Return integer source indices in ``0 .. n_sources-1`` as an int64 1-D array.

    A 1-D array checked by :func:`check_indices`.

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
        raise ParameterError(f"{name} must be a 1-D array of source indices, got shape {arr.shape}.")
    return check_indices(arr, n_sources, name)


def as_rng(seed):
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        None draws fresh OS entropy (not reproducible); an int in [0, 2**32)
        (:func:`check_seed`, the range of every seed of the toolkit) seeds a new
        generator; a SeedSequence seeds a new generator; a Generator is used as is
        (and advanced).

    Raises
    ------
    ParameterError
        For any other value (a negative, too large or fractional number, a bool, a str).
    """
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return np.random.default_rng(seed)
    if not isinstance(seed, (numbers.Integral, np.integer)) or isinstance(seed, (bool, np.bool_)):
        raise ParameterError(
            f"seed={seed!r} must be None, an integer seed in [0, 2**32), a "
            "numpy.random.SeedSequence or a numpy.random.Generator; pass e.g. seed=1."
        )
    return np.random.default_rng(check_seed(seed))


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
        raise ParameterError(
            f"{name} has shape {values.shape} but n_sources={n_sources}; pass a scalar "
            f"or one value per source (shape ({n_sources},))."
        )
    return values


def check_same_length(a, b, name_a, name_b):
    """Raise if the 1-D arrays ``a`` and ``b`` differ in length."""
    if len(a) != len(b):
        raise ParameterError(
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
        raise ParameterError(
            f"this draw would produce about {expected:.3g} spikes, more than the {MAX_SPIKES:.3g} "
            f"(16 GiB of spike arrays) one call may hold; {fix}."
        )


# ------------------------------------------------------- generic, for every package

def _unit_object(unit):
    """The brian2 unit named by ``unit`` (e.g. ``"ms"``, ``"ohm*cm"``, ``"uF/cm**2"``)."""
    import brian2.units as b2u  # only reached when the caller passed a Quantity

    namespace = {k: getattr(b2u, k) for k in dir(b2u) if not k.startswith("_")}
    return eval(unit, {"__builtins__": {}}, namespace)  # noqa: S307 - toolkit-internal unit names


def to_plain(value, unit, name, *, error=UnitError):
    """Return ``value`` as a float (or float64 array) in the plain unit ``unit``.

    Parameters
    ----------
    value : float, array_like or brian2 Quantity
        A plain number is taken to be in ``unit`` already and returned as float64;
        a Quantity must have the dimension of ``unit`` and is converted to it.
    unit : str
        brian2 unit expression of the plain unit, e.g. ``"ms"``, ``"mV"``, ``"nS"``,
        ``"um"``, ``"ohm*cm"``, ``"uF/cm**2"``, ``"siemens/cm**2"`` or ``"1"``
        (dimensionless).
    name : str
        Argument (or Model key) name used in error messages.
    error : type
        Exception class raised on a wrong dimension or a non-numeric value
        (default :class:`~stimuli.errors.UnitError`); ``network`` and
        ``dendrites`` pass their own ``UnitError``.

    Returns
    -------
    float or numpy.ndarray
        A Python float for scalars, a float64 array otherwise.
    """
    units = _brian_units()
    value = _quantity_list(value, name, unit, error)
    if units is not None and isinstance(value, units.Quantity):
        target = _unit_object(unit) if unit != "1" else 1.0
        target_dim = units.get_dimensions(target)
        if units.get_dimensions(value) is not target_dim:
            if unit == "1":
                raise error(f"{name}={_short(value)} has dimension '{units.get_dimensions(value)}' but "
                            f"must be dimensionless; pass a plain number.")
            raise error(
                f"{name}={_short(value)} has dimension '{units.get_dimensions(value)}' but must "
                f"be in {unit} (dimension '{target_dim}'); pass a Quantity such as "
                f"5*{unit.split('*')[0].split('/')[0]} or a plain number in {unit}."
            )
        arr = np.asarray(value / target, dtype=np.float64)
    else:
        arr = _numeric(value, name, _plain_number(unit), error)
    return float(arr) if arr.ndim == 0 else arr


def _plain_number(unit):
    """How a plain number in ``unit`` is named in messages ("a number in ms", "a dimensionless number")."""
    return "a dimensionless number" if unit == "1" else f"a number in {unit}"


def _numeric(value, name, expected, error):
    """Return the plain (non-Quantity) ``value`` as a float64 array, or raise ``error``.

    Parameters
    ----------
    value : object
        Value that must be a number or an array of numbers (bool, str, bytes,
        None and object arrays are not).
    name : str
        Argument name used in the message.
    expected : str
        What is expected, e.g. ``"a number in ms"`` or ``"a probability in [0, 1]"``.
    error : type
        Exception class raised for a non-numeric value.
    """
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise error(f"{name}={value!r} is not numeric; pass {expected}.")
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # None, bool, str or object arrays are not numbers
            raise TypeError
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise error(f"{name}={_short(value)} is not numeric; pass {expected} (or an array of them).") from None


def _unit_error_for(error, unit_error):
    """The class raised for a non-numeric value by a ``check_*`` function.

    ``unit_error`` if given; otherwise the ``UnitError`` of the package whose
    ``errors`` module defines ``error`` (so ``error=network.ModelValueError`` alone
    gives ``network.UnitError``), or :class:`~stimuli.errors.UnitError` when that
    package has none.  Looked up in :data:`sys.modules`: nothing is imported.
    """
    if unit_error is not None:
        return unit_error
    package = getattr(error, "__module__", "").split(".")[0]
    errors = sys.modules.get(f"{package}.errors")
    candidate = getattr(errors, "UnitError", None)
    if isinstance(candidate, type) and issubclass(candidate, Exception):
        return candidate
    return UnitError


def check_positive(value, name, *, strict=True, unit="", error=ParameterError, unit_error=None):
    """Check that every element of the plain number(s) ``value`` is finite and > 0 (>= 0 if not ``strict``).

    Parameters
    ----------
    value : float or numpy.ndarray
        Already-converted plain number(s).  A brian2 Quantity is refused: convert
        it with :func:`to_plain` first, so its unit is never guessed.
    name : str
        Argument name used in error messages.
    strict : bool
        Require > 0 (default) rather than >= 0.
    unit : str
        Unit printed after the value in messages.
    error : type
        Exception class raised for a value out of range (default
        :class:`~stimuli.errors.ParameterError`).
    unit_error : type, optional
        Exception class raised for a non-numeric value or a Quantity (default: the
        ``UnitError`` of ``error``'s package, :class:`~stimuli.errors.UnitError` for
        the default ``error``).

    Returns
    -------
    float or numpy.ndarray
        ``value`` unchanged.

    Raises
    ------
    UnitError
        ``unit_error`` for a non-numeric value (str, bool, None...) or a Quantity.
    ParameterError
        ``error`` for a value that is not finite or not > 0 (>= 0).
    """
    unit_error = _unit_error_for(error, unit_error)
    units = _brian_units()
    if units is not None and isinstance(value, units.Quantity):
        raise unit_error(
            f"{name}={_short(value)} is a brian2 Quantity, but check_positive takes plain numbers; "
            f"convert it first with to_plain({name}, {unit or '1'!r}, {name!r}).")
    arr = _numeric(value, name, _plain_number(unit or "1"), unit_error)
    bad = ~np.isfinite(arr) | ((arr <= 0) if strict else (arr < 0))
    if np.any(bad):
        first = arr.flat[int(np.flatnonzero(bad)[0])]
        bound = "> 0" if strict else ">= 0"
        raise error(f"{name}={first:g}{(' ' + unit) if unit else ''} must be finite and {bound}; "
                    f"pass a value {bound}.")
    return value


def check_probability(value, name, *, error=ParameterError, unit_error=None):
    """Return the probability (or array of probabilities) ``value``, checked to lie in [0, 1].

    Parameters
    ----------
    value : float or array_like
        Dimensionless probability (a dimensionless brian2 Quantity is accepted).
    name : str
        Argument name used in error messages.
    error : type
        Exception class raised for a value outside [0, 1] or not finite (default
        :class:`~stimuli.errors.ParameterError`).
    unit_error : type, optional
        Exception class raised for a non-numeric value or a Quantity with a
        dimension (default: the ``UnitError`` of ``error``'s package,
        :class:`~stimuli.errors.UnitError` for the default ``error``).

    Returns
    -------
    float or numpy.ndarray
        A Python float for a scalar, a float64 array otherwise.
    """
    unit_error = _unit_error_for(error, unit_error)
    units = _brian_units()
    if units is not None and (isinstance(value, units.Quantity) or (
            isinstance(value, (list, tuple)) and any(isinstance(v, units.Quantity) for v in value))):
        arr = to_plain(value, "1", name, error=unit_error)
    else:
        arr = _numeric(value, name, "a probability (a number in [0, 1])", unit_error)
        arr = float(arr) if arr.ndim == 0 else arr
    a = np.asarray(arr)
    bad = ~np.isfinite(a) | (a < 0) | (a > 1)
    if np.any(bad):
        first = a.flat[int(np.flatnonzero(bad)[0])]
        raise error(f"{name}={first:g} is not a probability; pass a value in [0, 1].")
    return arr


def check_count(value, name, *, minimum=0, error=ParameterError, unit_error=None):
    """Return the integer count ``value`` (integer-valued floats accepted), checked >= ``minimum``.

    Parameters
    ----------
    value : int
        Count (number of neurons, synapses, sites, steps...).
    name : str
        Argument name used in error messages.
    minimum : int
        Smallest allowed value (default 0).
    error : type
        Exception class raised for a bool, a fractional, non-finite or too small
        value (default :class:`~stimuli.errors.ParameterError`).
    unit_error : type, optional
        Exception class raised for a non-numeric value (a str, None, a list...)
        (default: the ``UnitError`` of ``error``'s package,
        :class:`~stimuli.errors.UnitError` for the default ``error``).
    """
    if not isinstance(value, (bool, np.bool_, numbers.Real, np.number)):
        if isinstance(value, (list, tuple, np.ndarray)) and np.asarray(value).dtype.kind in "iuf":
            raise error(f"{name}={_short(value)} must be a single integer >= {minimum}, got an array "
                        f"of shape {np.shape(value)}; pass e.g. {name}={max(minimum, 1)}.")
        raise _unit_error_for(error, unit_error)(
            f"{name}={_short(value)} is not numeric; pass an integer >= {minimum}, "
            f"e.g. {name}={max(minimum, 1)}.")
    if isinstance(value, (bool, np.bool_)) or not np.isfinite(value) \
            or not float(value).is_integer() or value < minimum:
        raise error(f"{name}={value!r} must be an integer >= {minimum}; pass e.g. {name}={max(minimum, 1)}.")
    return int(value)


def check_seed(value, name="seed", *, error=ParameterError):
    """Return the seed ``value`` as an int, checked to be an integer in [0, 2**32).

    Parameters
    ----------
    value : int
        Seed of a random choice.
    name : str
        Argument name used in error messages (``"seed"``, ``"SEED"``, a Model key).
    error : type
        Exception class raised (default :class:`~stimuli.errors.ParameterError`).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)) \
            or not 0 <= int(value) < 2**32:
        raise error(f"{name}={value!r} must be an integer seed in [0, 2**32); pass e.g. {name}=1.")
    return int(value)


def check_indices(values, size, name, *, error=ParameterError, unit_error=None):
    """Return integer indices into a collection of ``size`` items as an int64 1-D array.

    Parameters
    ----------
    values : int or array_like of int
        Indices (integer-valued floats accepted).
    size : int
        Number of items; indices must lie in ``0 .. size-1``.
    name : str
        Argument name used in error messages.
    error : type
        Exception class raised for a wrong shape, fractional or out-of-range
        indices (default :class:`~stimuli.errors.ParameterError`).
    unit_error : type, optional
        Exception class raised for non-numeric indices (str, bool, None, objects)
        (default: the ``UnitError`` of ``error``'s package,
        :class:`~stimuli.errors.UnitError` for the default ``error``).
    """
    arr = np.atleast_1d(np.asarray(values))
    if arr.ndim != 1:
        raise error(f"{name} must be a 1-D array of indices, got shape {arr.shape}.")
    if arr.size and arr.dtype.kind not in "iuf":
        raise _unit_error_for(error, unit_error)(
            f"{name}={_short(values)} is not numeric (dtype {arr.dtype}); pass integer indices "
            f"in 0..{size - 1}, e.g. np.asarray({name}, dtype=int).")
    if arr.size and arr.dtype.kind not in "iu":
        ok = bool(np.all(np.isfinite(arr) & (arr == np.round(arr))))
        if not ok:
            raise error(f"{name} must hold integer indices, got dtype {arr.dtype}; "
                        f"pass e.g. np.asarray({name}, dtype=int).")
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= size)
    if np.any(bad):
        raise error(f"{name} holds index {int(arr[np.flatnonzero(bad)[0]])}, outside 0..{size - 1} "
                    f"({size} items); pass indices in that range.")
    return arr
