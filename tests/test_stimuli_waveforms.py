"""Exact-value tests of :mod:`stimuli.waveforms`."""

import numpy as np
import pytest

from stimuli import StimulusError, inhomogeneous_poisson
from stimuli.waveforms import (
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

HALF = np.sqrt(2.0 * np.log(2.0))  # half width at half maximum, in units of sigma


def test_time_grid_matches_network_formula():
    t = time_grid(1500.0, 0.1)
    assert t.size == 15000 and t.dtype == np.float64
    assert t[0] == 0.0 and t[-1] == pytest.approx(1499.9)
    np.testing.assert_array_equal(t, np.arange(int(round(1500.0 / 0.1))) * 0.1)
    shifted = time_grid(30.0, 0.3, t_start=10.0)
    np.testing.assert_array_equal(shifted, 10.0 + np.arange(int(round(20.0 / 0.3))) * 0.3)
    assert time_grid(5.0, 1.0, t_start=5.0).size == 0


def test_gaussian_peak_and_half_width():
    t0, sigma, amp, base = 100.0, 20.0, 8.0, 4.0
    t = np.array([t0, t0 - HALF * sigma, t0 + HALF * sigma, t0 + sigma, t0 + 10 * sigma])
    y = gaussian(t, t0, sigma, amp, base)
    assert y[0] == amp + base  # exactly
    np.testing.assert_allclose(y[1:3], base + amp / 2, rtol=1e-12)
    np.testing.assert_allclose(y[3], base + amp * np.exp(-0.5), rtol=1e-12)
    assert y[4] == pytest.approx(base, abs=1e-20)
    grid = time_grid(300.0, 0.01, t_start=-100.0)  # +-10 sigma
    area = (gaussian(grid, t0, sigma, amp) * 0.01).sum()
    assert area == pytest.approx(amp * sigma * np.sqrt(2 * np.pi), rel=1e-9)


def test_double_gaussian_widths():
    t0, rise, decay = 50.0, 5.0, 30.0
    t = np.array([t0 - HALF * rise, t0, t0 + HALF * decay, t0 - HALF * decay])
    y = double_gaussian(t, t0, rise, decay, 10.0, 1.0)
    np.testing.assert_allclose(y[[0, 2]], 6.0, rtol=1e-12)
    assert y[1] == 11.0
    assert y[3] < 1.0 + 1e-3 * 10  # far on the fast side
    # continuity at t0 and reduction to gaussian for equal widths
    eps = 1e-9
    left, right = double_gaussian(np.array([t0 - eps, t0 + eps]), t0, rise, decay, 10.0)
    assert abs(left - right) < 1e-9
    grid = time_grid(100.0, 0.5)
    np.testing.assert_array_equal(double_gaussian(grid, t0, 7.0, 7.0, 3.0), gaussian(grid, t0, 7.0, 3.0))


def test_heaviside_is_right_continuous_and_step_is_alias():
    y = heaviside([0.0, 9.999, 10.0, 20.0], 10.0, 5.0, baseline=2.0)
    np.testing.assert_array_equal(y, [2.0, 2.0, 7.0, 7.0])
    assert step is heaviside


def test_smooth_step_shape():
    t_on, t_off, amp, tr, td, base = 10.0, 110.0, 6.0, 5.0, 20.0, 1.0
    t = np.array([0.0, t_on, t_on + tr, t_on + 3 * tr, t_off, t_off + td, t_off + 2 * td])
    y = smooth_step(t, t_on, t_off, amp, tr, td, base)
    assert y[0] == base and y[1] == base  # causal: nothing before or at onset
    np.testing.assert_allclose(y[2], base + amp * (1 - np.exp(-1)), rtol=1e-12)
    np.testing.assert_allclose(y[3], base + amp * (1 - np.exp(-3)), rtol=1e-12)
    r_off = 1 - np.exp(-(t_off - t_on) / tr)
    np.testing.assert_allclose(y[4], base + amp * r_off, rtol=1e-12)
    np.testing.assert_allclose(y[5], base + amp * r_off * np.exp(-1), rtol=1e-12)
    np.testing.assert_allclose((y[6] - base) / (y[5] - base), np.exp(-1), rtol=1e-12)
    # continuity at the offset
    eps = 1e-9
    left, right = smooth_step(np.array([t_off - eps, t_off + eps]), t_on, t_off, amp, tr, td, base)
    assert abs(left - right) < 1e-8


def test_ramp_values():
    y = ramp(np.array([0.0, 10.0, 15.0, 20.0, 30.0]), 10.0, 20.0, 2.0, 12.0)
    np.testing.assert_allclose(y, [2.0, 2.0, 7.0, 12.0, 12.0])
    down = ramp(np.array([10.0, 12.5]), 10.0, 20.0, 8.0, 0.0)
    np.testing.assert_allclose(down, [8.0, 6.0])


def test_oscillation_values_mean_and_clipping():
    f, amp, base = 4.0, 3.0, 5.0  # period 250 ms
    y = oscillation(np.array([0.0, 62.5, 125.0, 187.5]), f, amp, base)
    np.testing.assert_allclose(y, [5.0, 8.0, 5.0, 2.0], atol=1e-12)
    shifted = oscillation(np.array([0.0]), f, amp, base, phase=np.pi / 2)
    np.testing.assert_allclose(shifted, 8.0)
    grid = time_grid(1000.0, 0.1)  # 4 whole periods
    assert oscillation(grid, f, amp, base).mean() == pytest.approx(base, abs=1e-9)
    negative = oscillation(grid, f, 10.0, 2.0)
    assert negative.min() == pytest.approx(-8.0, abs=1e-6)
    clipped = oscillation(grid, f, 10.0, 2.0, clip_negative=True)
    assert clipped.min() == 0.0
    np.testing.assert_array_equal(clipped[negative >= 0], negative[negative >= 0])
    # a rate generator refuses the unclipped waveform and names the first negative sample
    first = np.flatnonzero(negative < 0)[0]
    with pytest.raises(StimulusError, match=rf"rate\[{first}\].*t = {grid[first]:g} ms"):
        inhomogeneous_poisson(negative, 0.1)
    inhomogeneous_poisson(clipped, 0.1, seed=1)


def test_increasing_steps():
    dt = 0.5
    t = time_grid(100.0, dt)
    y = increasing_steps(t, 20.0, 15.0, 2.0, 4, baseline=1.0)
    levels, counts = np.unique(y, return_counts=True)
    np.testing.assert_array_equal(levels, [1.0, 3.0, 5.0, 7.0, 9.0])
    np.testing.assert_array_equal(counts[1:], 15.0 / dt)  # each step lasts step_duration
    assert counts[0] == t.size - 4 * 15.0 / dt
    np.testing.assert_array_equal(
        increasing_steps(np.array([19.9, 20.0, 34.9, 35.0, 79.9, 80.0]), 20.0, 15.0, 2.0, 4, 1.0),
        [1.0, 3.0, 3.0, 5.0, 9.0, 1.0])
    assert np.all(increasing_steps(t, 20.0, 15.0, 2.0, 0, 1.0) == 1.0)


def test_piecewise_levels():
    t = np.array([0.0, 4.99, 5.0, 7.0, 10.0, 100.0])
    y = piecewise_levels(t, [0.0, 5.0, 10.0], [1.0, 3.0, 0.0])
    np.testing.assert_array_equal(y, [1.0, 1.0, 3.0, 3.0, 0.0, 0.0])
    np.testing.assert_array_equal(piecewise_levels([-1.0, 2.0], [0.0], [4.0], before=7.0), [7.0, 4.0])


def test_shape_and_units():
    import brian2
    ms, Hz = brian2.ms, brian2.Hz
    t2d = time_grid(10.0, 1.0).reshape(2, 5)
    out = gaussian(t2d, 5.0, 2.0, 1.0)
    assert out.shape == (2, 5) and out.dtype == np.float64
    assert gaussian(5.0, 5.0, 1.0, 2.0).shape == ()
    plain = smooth_step(time_grid(50.0, 0.5), 10.0, 30.0, 8.0, 2.0, 3.0, 1.0)
    united = smooth_step(time_grid(50.0, 0.5) * ms, 10 * ms, 30 * ms, 8 * Hz, 2 * ms, 3 * ms, 1 * Hz)
    np.testing.assert_allclose(united, plain, rtol=1e-12)
    np.testing.assert_allclose(oscillation(np.array([62.5]), 0.004 * brian2.kHz, 3.0, 5.0), 8.0)
    np.testing.assert_array_equal(time_grid(1 * brian2.second, 0.1 * ms), time_grid(1000.0, 0.1))
    with pytest.raises(StimulusError, match="sigma"):
        gaussian(t2d, 5.0, 2.0 * Hz, 1.0)
    with pytest.raises(StimulusError, match="amplitude"):
        gaussian(t2d, 5.0, 2.0, 1.0 * ms)
    with pytest.raises(StimulusError, match="t"):
        heaviside(np.ones(3) * brian2.mV, 0.0, 1.0)


BAD = [
    ("dt", lambda: time_grid(10.0, 0.0)),
    ("tstop", lambda: time_grid(-1.0, 0.1)),
    ("sigma", lambda: gaussian([0.0], 0.0, 0.0, 1.0)),
    ("sigma_rise", lambda: double_gaussian([0.0], 0.0, -1.0, 1.0, 1.0)),
    ("sigma_decay", lambda: double_gaussian([0.0], 0.0, 1.0, np.nan, 1.0)),
    ("t0", lambda: heaviside([0.0], np.inf, 1.0)),
    ("t", lambda: heaviside([0.0, np.nan], 0.0, 1.0)),
    ("amplitude", lambda: heaviside([0.0], 0.0, np.nan)),
    ("baseline", lambda: gaussian([0.0], 0.0, 1.0, 1.0, baseline=[1.0, 2.0])),
    ("t_off", lambda: smooth_step([0.0], 10.0, 5.0, 1.0, 1.0, 1.0)),
    ("tau_rise", lambda: smooth_step([0.0], 0.0, 5.0, 1.0, 0.0, 1.0)),
    ("tau_decay", lambda: smooth_step([0.0], 0.0, 5.0, 1.0, 1.0, -2.0)),
    ("t_stop", lambda: ramp([0.0], 10.0, 10.0, 0.0, 1.0)),
    ("t_stop", lambda: ramp([0.0], 10.0, 5.0, 0.0, 1.0)),
    ("frequency_hz", lambda: oscillation([0.0], -1.0, 1.0, 1.0)),
    ("phase", lambda: oscillation([0.0], 1.0, 1.0, 1.0, phase=np.inf)),
    ("step_duration", lambda: increasing_steps([0.0], 0.0, 0.0, 1.0, 3)),
    ("n_steps", lambda: increasing_steps([0.0], 0.0, 1.0, 1.0, -1)),
    ("n_steps", lambda: increasing_steps([0.0], 0.0, 1.0, 1.0, 2.5)),
    ("levels", lambda: piecewise_levels([0.0], [0.0, 1.0], [1.0])),
    ("times", lambda: piecewise_levels([0.0], [0.0, 0.0], [1.0, 2.0])),
    ("times", lambda: piecewise_levels([0.0], [], [])),
    ("before", lambda: piecewise_levels([-1.0], [0.0], [1.0])),
]


@pytest.mark.parametrize("name,call", BAD, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD)])
def test_validation_errors_name_the_argument(name, call):
    with pytest.raises(StimulusError, match=name):
        call()
