"""Conversion of physical arguments (lengths, resistivities, capacitances, ...) to plain numbers.

Every physical argument of :mod:`morphologies` is either a brian2 Quantity of the
right dimension or a plain number in the unit its docstring documents: lengths
and diameters in um, axial resistivity in ohm*cm, specific capacitance in
uF/cm**2, frequency in Hz, times in ms.  :func:`to_plain` converts either to a
float (or float64 array) in that unit; a Quantity of another dimension, or a
value that is not numeric, raises :class:`~morphologies.errors.UnitError` (a
:class:`ValueError`).  This is the same policy, with the same call signature, as
``stimuli.arguments.to_plain`` (``morphologies`` imports no sibling package, so
it keeps this small converter of its own).

brian2 is not imported here: a Quantity can only exist if brian2 is already
imported, so it is looked up in :data:`sys.modules`.
"""

from __future__ import annotations

import sys

import numpy as np

from .errors import ParameterError, UnitError

__all__ = ["to_plain", "to_positive", "UNITS"]

#: The plain units of the package: unit name -> (SI value of one unit, SI base exponents
#: (m, kg, s, A)).  ``"1"`` is dimensionless.
UNITS = {
    "um": (1e-6, (1, 0, 0, 0)),
    "ohm*cm": (1e-2, (3, 1, -3, -2)),
    "uF/cm**2": (1e-2, (-4, -1, 4, 2)),
    "Hz": (1.0, (0, 0, -1, 0)),
    "ms": (1e-3, (0, 0, 1, 0)),
    "1": (1.0, (0, 0, 0, 0)),
}


def _short(value):
    """``repr(value)`` for scalars and short arrays, a shape summary for long ones."""
    if np.ndim(value) > 0 and np.size(value) > 6:
        return f"<{type(value).__name__} of shape {np.shape(value)}>"
    return repr(value)


def _expected(unit):
    if unit == "1":
        return "plain numbers (dimensionless; divide by a unit first, e.g. v / mV)"
    return f"a quantity in {unit} (or a plain number, taken as {unit})"


def to_plain(value, unit, name, *, error=UnitError):
    """Return ``value`` as a float (or float64 array) in the plain unit ``unit``.

    Parameters
    ----------
    value : float, array_like or brian2.Quantity
        A plain number is taken to be in ``unit`` already and returned as float64;
        a Quantity must have the dimension of ``unit`` and is converted to it.
    unit : {"um", "ohm*cm", "uF/cm**2", "Hz", "ms", "1"}
        The documented plain unit (``"1"``: dimensionless).
    name : str
        Argument name, used in the error message.
    error : type, optional
        Exception class raised (default :class:`~morphologies.errors.UnitError`).

    Returns
    -------
    float or numpy.ndarray
        A Python float for scalars, a float64 array otherwise.

    Raises
    ------
    morphologies.errors.UnitError
        If ``value`` is a Quantity of another dimension, or is not numeric.
    """
    scale, exponents = UNITS[unit]
    units = sys.modules.get("brian2.units.fundamentalunits")
    if units is not None and isinstance(value, (list, tuple)) and any(
            isinstance(v, units.Quantity) for v in value):
        try:  # a list of Quantities: np.asarray would silently drop their units
            value = units.Quantity(value)
        except (TypeError, units.DimensionMismatchError) as exc:
            raise error(f"argument {name!r} must be {_expected(unit)}; got a list mixing "
                        f"quantities of different units or with plain numbers ({exc}).") from None
    if units is not None and isinstance(value, units.Quantity):
        m, kg, s, a = exponents
        target = units.get_or_create_dimension(m=m, kg=kg, s=s, A=a)
        got = units.get_dimensions(value)
        if got is not target:
            raise error(f"argument {name!r} must be {_expected(unit)}; got {_short(value)}, "
                        f"of dimension '{got}'.")
        arr = np.asarray(value, dtype=np.float64) / scale
    else:
        if isinstance(value, (bool, np.bool_, str, bytes)):
            raise error(f"argument {name!r} must be {_expected(unit)}; got {value!r}, "
                        "which is not numeric.")
        try:
            raw = np.asarray(value)
            if raw.dtype.kind not in "iuf":  # None, bool, str or object arrays are not numbers
                raise TypeError
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise error(f"argument {name!r} must be {_expected(unit)}; got {_short(value)}, "
                        "which is not numeric.") from None
    return float(arr) if arr.ndim == 0 else arr


def to_positive(value, unit, name, *, strict=True):
    """:func:`to_plain`, then check that every element is finite and > 0 (>= 0 if not ``strict``).

    Parameters
    ----------
    value : float, array_like or brian2.Quantity
    unit : str
        As for :func:`to_plain`.
    name : str
        Argument name, used in the error message.
    strict : bool, optional
        Require > 0 (default) rather than >= 0.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    morphologies.errors.UnitError
        As :func:`to_plain`.
    morphologies.errors.ParameterError
        If an element is not finite or not positive.
    """
    plain = to_plain(value, unit, name)
    arr = np.asarray(plain)
    bad = ~np.isfinite(arr) | ((arr <= 0) if strict else (arr < 0))
    if bad.any():
        first = float(arr.flat[int(np.flatnonzero(bad)[0])])
        bound = "> 0" if strict else ">= 0"
        shown = "" if unit == "1" else f" {unit}"
        raise ParameterError(f"argument {name!r} = {first:g}{shown} must be finite and {bound}; "
                             f"pass a value {bound}.")
    return plain
