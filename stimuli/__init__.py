"""Spike trains and rate waveforms: the afferent drive of ``network`` and the
synaptic input of ``dendrites``.

Plain numbers are times in ms and rates in Hz; brian2 Quantities are accepted and
converted.  Bad arguments raise a :class:`StimulusError`: :class:`UnitError` for a
Quantity of the wrong dimension or a non-numeric value, :class:`ParameterError` for a
value out of range, of the wrong shape or inconsistent (both are ValueErrors, as
the same categories of ``morphologies``, ``network`` and ``dendrites``).  Every random
generator takes ``seed``.  This package imports no
sibling package.
"""

from . import arguments
from .errors import ParameterError, StimulusError, StimulusWarning, UnitError
from .spikes import (
    SpikeTrains,
    correlated_poisson,
    homogeneous_poisson,
    inhomogeneous_poisson,
    jittered,
    regular,
    sequence,
    synchronous_volleys,
)
from .waveforms import (
    double_gaussian,
    gaussian,
    heaviside,
    increasing_steps,
    oscillation,
    piecewise_levels,
    ramp,
    smooth_step,
    step,
    time_grid,
)

__all__ = [
    "StimulusError", "UnitError", "ParameterError", "StimulusWarning", "arguments",
    "SpikeTrains",
    "inhomogeneous_poisson", "homogeneous_poisson", "regular", "jittered",
    "synchronous_volleys", "sequence", "correlated_poisson",
    "time_grid", "gaussian", "double_gaussian", "heaviside", "step", "smooth_step",
    "ramp", "oscillation", "increasing_steps", "piecewise_levels",
]
