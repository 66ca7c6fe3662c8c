"""Conversion of brian2 quantities (or documented plain numbers) to floats."""

from __future__ import annotations

import numpy as np
from brian2 import Hz, Quantity, cm, ms, ohm, uF, um
from brian2.units.fundamentalunits import get_dimensions

from .errors import UnitError

#: Units in which plain numbers are read, by kind of argument.
LENGTH = (um, "um")
RESISTIVITY = (ohm * cm, "ohm*cm")
CAPACITANCE = (uF / cm**2, "uF/cm**2")
FREQUENCY = (Hz, "Hz")
TIME = (ms, "ms")
#: Plain numbers only (e.g. ``monitor.v / mV``): quantities with units are refused.
PLAIN = (Quantity(1.0), "dimensionless")


def magnitude(value, unit, name):
    """Return ``value`` expressed in ``unit`` as a float or float array.

    Parameters
    ----------
    value : brian2.Quantity or float or array_like
        A quantity, or a plain number taken to be in ``unit``.
    unit : tuple of (brian2.Quantity, str)
        The unit and its printed name, e.g. :data:`LENGTH`.
    name : str
        Argument name, used in the error message.

    Returns
    -------
    float or numpy.ndarray
        The magnitude in ``unit``.

    Raises
    ------
    UnitError
        If ``value`` has other dimensions than ``unit``, or is not numeric.
    """
    quantity, label = unit
    if isinstance(value, Quantity):
        if get_dimensions(value) != get_dimensions(quantity):
            raise UnitError(name, label, value)
        out = np.asarray(value / quantity, dtype=float)
    else:
        try:
            out = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise UnitError(name, label, value) from None
    return float(out) if out.ndim == 0 else out
