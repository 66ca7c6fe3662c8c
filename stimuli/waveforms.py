"""Rate waveforms used to drive the networks and synapses.

Every waveform takes ``t``, times in **ms** (plain numbers or a brian2 time
Quantity), and returns a float64 array of the same shape.  Levels (``amplitude``,
``baseline``, ``levels``...) are in the unit the caller wants out: Hz when the
waveform is a rate (brian2 rate Quantities are converted to Hz).  Other
parameters are times in ms, except ``frequency_hz`` (Hz) and ``phase`` of
:func:`oscillation` (radians).

Rates must be >= 0 to feed :func:`stimuli.spikes.inhomogeneous_poisson`, which
raises on negative values; only :func:`oscillation` (``clip_negative``) clips.
"""

import numpy as np

from .errors import ParameterError
from .arguments import (
    as_count,
    as_level,
    as_number,
    as_positive_time,
    as_rate,
    as_time,
    as_time_array,
    as_window,
    check_same_length,
)

__all__ = [
    "time_grid",
    "gaussian",
    "double_gaussian",
    "heaviside",
    "step",
    "smooth_step",
    "ramp",
    "oscillation",
    "increasing_steps",
    "piecewise_levels",
]


def time_grid(tstop, dt, t_start=0.0):
    """Return the simulation time grid ``t_start + k*dt``, k = 0 .. n-1.

    ``n = int(round((tstop - t_start) / dt))``, the grid the ``network`` package
    samples afferent rates on.

    Parameters
    ----------
    tstop : float or brian2 Quantity
        End of the simulation in ms (>= ``t_start``; excluded from the grid).
    dt : float or brian2 Quantity
        Time step in ms (> 0).
    t_start : float or brian2 Quantity
        Start of the grid in ms.

    Returns
    -------
    numpy.ndarray
        float64 times in ms.
    """
    dt = as_positive_time(dt, "dt")
    t_start, tstop = as_window(t_start, tstop, names=("t_start", "tstop"))
    return t_start + np.arange(int(round((tstop - t_start) / dt))) * dt


def gaussian(t, t0, sigma, amplitude, baseline=0.0):
    """Gaussian bump ``baseline + amplitude * exp(-(t - t0)**2 / (2 sigma**2))``.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t0 : float or brian2 Quantity
        Time of the peak in ms; the value there is ``baseline + amplitude``.
    sigma : float or brian2 Quantity
        Standard deviation in ms (> 0); the full width at half maximum is
        ``2*sqrt(2*ln 2)*sigma``.
    amplitude : float or brian2 Quantity
        Height of the bump above the baseline (Hz for a rate).
    baseline : float or brian2 Quantity
        Value far from ``t0`` (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    return double_gaussian(t, t0, sigma, sigma, amplitude, baseline)


def double_gaussian(t, t0, sigma_rise, sigma_decay, amplitude, baseline=0.0):
    """Asymmetric Gaussian bump: width ``sigma_rise`` before ``t0``, ``sigma_decay`` after.

    ``baseline + amplitude * exp(-(t - t0)**2 / (2 s**2))`` with ``s = sigma_rise``
    for ``t < t0`` and ``s = sigma_decay`` for ``t >= t0``; continuous, peak
    ``baseline + amplitude`` at ``t0``.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t0 : float or brian2 Quantity
        Time of the peak in ms.
    sigma_rise, sigma_decay : float or brian2 Quantity
        Widths (standard deviations) of the rising and decaying halves in ms (> 0).
    amplitude : float or brian2 Quantity
        Height of the bump above the baseline (Hz for a rate).
    baseline : float or brian2 Quantity
        Value far from ``t0`` (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    t0 = as_time(t0, "t0")
    sigma = np.where(t < t0, as_positive_time(sigma_rise, "sigma_rise"),
                     as_positive_time(sigma_decay, "sigma_decay"))
    amplitude, baseline = as_level(amplitude, "amplitude"), as_level(baseline, "baseline")
    return baseline + amplitude * np.exp(-0.5 * ((t - t0) / sigma) ** 2)


def heaviside(t, t0, amplitude, baseline=0.0):
    """Step from ``baseline`` to ``baseline + amplitude`` at ``t0`` (right-continuous).

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t0 : float or brian2 Quantity
        Step time in ms; the value at ``t0`` is already ``baseline + amplitude``.
    amplitude : float or brian2 Quantity
        Size of the step (Hz for a rate).
    baseline : float or brian2 Quantity
        Value before ``t0`` (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    t0 = as_time(t0, "t0")
    amplitude, baseline = as_level(amplitude, "amplitude"), as_level(baseline, "baseline")
    return np.where(t >= t0, baseline + amplitude, baseline)


#: Alias of :func:`heaviside`.
step = heaviside


def smooth_step(t, t_on, t_off, amplitude, tau_rise, tau_decay, baseline=0.0):
    """Square pulse with exponential edges (a first-order low-pass filtered pulse).

    With ``A = amplitude`` and ``b = baseline``::

        b                                              for t < t_on
        b + A * (1 - exp(-(t - t_on) / tau_rise))      for t_on <= t < t_off
        b + A * r_off * exp(-(t - t_off) / tau_decay)   for t >= t_off

    where ``r_off = 1 - exp(-(t_off - t_on) / tau_rise)`` is the level reached at
    ``t_off``; the curve is continuous, causal (exactly ``b`` before ``t_on``),
    reaches ``1 - 1/e`` of the amplitude ``tau_rise`` after onset and decays
    by ``1/e`` per ``tau_decay`` after offset.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t_on, t_off : float or brian2 Quantity
        Onset and offset of the pulse in ms (``t_off >= t_on``).
    amplitude : float or brian2 Quantity
        Plateau height above the baseline (Hz for a rate).
    tau_rise, tau_decay : float or brian2 Quantity
        Time constants of the rising and decaying edges in ms (> 0).
    baseline : float or brian2 Quantity
        Value before the pulse (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    t_on, t_off = as_window(t_on, t_off, names=("t_on", "t_off"))
    tau_rise, tau_decay = as_positive_time(tau_rise, "tau_rise"), as_positive_time(tau_decay, "tau_decay")
    amplitude, baseline = as_level(amplitude, "amplitude"), as_level(baseline, "baseline")
    rise = -np.expm1(-np.clip(np.minimum(t, t_off) - t_on, 0.0, None) / tau_rise)
    decay = np.exp(-np.clip(t - t_off, 0.0, None) / tau_decay)
    return baseline + amplitude * rise * decay


def ramp(t, t_start, t_stop, start_value, end_value):
    """Linear ramp from ``start_value`` at ``t_start`` to ``end_value`` at ``t_stop``.

    Constant ``start_value`` before ``t_start`` and ``end_value`` after ``t_stop``.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t_start, t_stop : float or brian2 Quantity
        Start and end of the ramp in ms (``t_stop > t_start``).
    start_value, end_value : float or brian2 Quantity
        Levels before and after the ramp (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    t_start, t_stop = as_window(t_start, t_stop)
    if t_stop == t_start:
        raise ParameterError(
            f"t_stop = t_start = {t_start:g} ms gives a ramp of zero length; pass t_stop > t_start "
            "(or use heaviside for an instantaneous step)."
        )
    start_value, end_value = as_level(start_value, "start_value"), as_level(end_value, "end_value")
    fraction = np.clip((t - t_start) / (t_stop - t_start), 0.0, 1.0)
    return start_value + fraction * (end_value - start_value)


def oscillation(t, frequency_hz, amplitude, baseline, phase=0.0, *, clip_negative=False):
    """Sinusoid ``baseline + amplitude * sin(2 pi frequency_hz t / 1000 + phase)``.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    frequency_hz : float or brian2 Quantity
        Frequency in Hz (>= 0).
    amplitude : float or brian2 Quantity
        Amplitude of the sinusoid (Hz for a rate).
    baseline : float or brian2 Quantity
        Mean value (Hz for a rate).
    phase : float
        Phase at ``t = 0`` in radians.
    clip_negative : bool
        If True, replace negative values by 0 (needed when ``amplitude > baseline``
        and the result is used as a rate; rate generators raise on negative rates).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    frequency_hz = float(as_rate(frequency_hz, "frequency_hz"))
    amplitude, baseline = as_level(amplitude, "amplitude"), as_level(baseline, "baseline")
    phase = as_number(phase, "phase")
    value = baseline + amplitude * np.sin(2.0 * np.pi * frequency_hz * t * 1e-3 + phase)
    return np.maximum(value, 0.0) if clip_negative else value


def increasing_steps(t, t_start, step_duration, step_amplitude, n_steps, baseline=0.0):
    """Staircase of ``n_steps`` steps of equal height and duration, then back to baseline.

    The value is ``baseline + (k + 1) * step_amplitude`` on
    ``[t_start + k*step_duration, t_start + (k+1)*step_duration)`` for
    ``k = 0 .. n_steps-1``, and ``baseline`` before ``t_start`` and from
    ``t_start + n_steps*step_duration`` on.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    t_start : float or brian2 Quantity
        Onset of the first step in ms.
    step_duration : float or brian2 Quantity
        Duration of each step in ms (> 0).
    step_amplitude : float or brian2 Quantity
        Increment of each step (Hz for a rate).
    n_steps : int
        Number of steps (>= 0).
    baseline : float or brian2 Quantity
        Level outside the staircase (Hz for a rate).

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.
    """
    t = as_time_array(t, "t")
    t_start = as_time(t_start, "t_start")
    step_duration = as_positive_time(step_duration, "step_duration")
    n_steps = as_count(n_steps, "n_steps")
    step_amplitude, baseline = as_level(step_amplitude, "step_amplitude"), as_level(baseline, "baseline")
    edges = t_start + np.arange(n_steps + 1) * step_duration
    k = np.searchsorted(edges, t, side="right")  # k-th step (1-based) holds on [edges[k-1], edges[k])
    return baseline + np.where(k <= n_steps, k, 0) * step_amplitude


def piecewise_levels(t, times, levels, *, before=None):
    """Piecewise-constant signal: ``levels[k]`` on ``[times[k], times[k+1])``.

    The last level holds from ``times[-1]`` on.

    Parameters
    ----------
    t : array_like or brian2 Quantity
        Times in ms.
    times : array_like or brian2 Quantity
        Strictly increasing onsets of the levels in ms (1-D, non-empty).
    levels : array_like or brian2 Quantity
        One level per onset (Hz for a rate).
    before : float or brian2 Quantity, optional
        Level before ``times[0]``; required if some ``t < times[0]``.

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.

    Raises
    ------
    ParameterError
        If ``times`` and ``levels`` differ in length, ``times`` is empty or not
        strictly increasing, or ``t`` starts before ``times[0]`` and ``before`` is None.
    """
    t = as_time_array(t, "t")
    times = as_time_array(times, "times", ndim=1)
    levels = as_level(levels, "levels", ndim=1)
    check_same_length(times, levels, "times", "levels")
    if times.size == 0:
        raise ParameterError("times is empty; pass at least one onset (e.g. times=[0.0]).")
    steps = np.diff(times)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0])
        raise ParameterError(
            f"times must be strictly increasing but times[{i + 1}] = {times[i + 1]:g} ms <= "
            f"times[{i}] = {times[i]:g} ms; sort the onsets and merge repeated ones."
        )
    k = np.searchsorted(times, t, side="right") - 1
    early = k < 0
    if early.any() and before is None:
        first = t[early].min()
        raise ParameterError(
            f"t = {first:g} ms is before times[0] = {times[0]:g} ms and before=None; pass "
            "before=<level> or start times at or before t.min()."
        )
    fill = 0.0 if before is None else as_level(before, "before")
    return np.where(early, fill, levels[np.maximum(k, 0)])
