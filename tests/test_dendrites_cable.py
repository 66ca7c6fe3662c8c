"""Passive cable theory: the toolkit's models against analytic results (tolerances stated)."""

import os

import numpy as np
import pytest

import morphologies as M
from dendrites import CellModel


def _cable(length=1000.0, diameter=1.0, soma=0.2, max_length=2.0, n=1):
    """A (nearly) bare cable: a tiny soma (0.2 um; area < 1e-4 of the cable) with n cylinders."""
    cell = M.soma_with_cylinders(n, soma_diameter=soma, length=length, diameter=diameter)
    return M.discretise(cell, "max_length", max_length=max_length)


def test_ball_and_stick_input_resistance():
    # 20 um soma, 1000 x 1 um dendrite, Rm 10 kOhm cm2, Ri 100 Ohm cm: 360.89 MOhm (analytic)
    cell = M.ball_and_stick(soma_diameter=20, length=1000, diameter=1)
    model = CellModel(M.discretise(cell, "max_length", max_length=5), Ri=100, Rm=10000)
    rin = model.passive_system().input_resistance(0) / 1e6
    assert rin == pytest.approx(360.89, rel=2e-5)
    # analytic formula, independent of the toolkit
    lam = np.sqrt(10000 * 1e-4 / (4 * 1.0 * 1e-6 * 100 * 1e-2 * 1e-6 / 1e-6))  # sqrt(Rm d / 4 Ri)
    lam = np.sqrt(1.0 * 1e-6 * 1.0 / (4 * 1.0))  # m, with Rm=1 ohm m2, Ri=1 ohm m
    g_inf = np.pi * (1e-6) ** 2 / 4 / 1.0 / lam
    g_d = g_inf * np.tanh(1e-3 / lam)
    g_s = np.pi * (20e-6) ** 2 / 1.0
    assert rin == pytest.approx(1 / (g_d + g_s) / 1e6, rel=2e-5)


def test_ball_and_stick_simulated_steady_state(tmp_path):
    # the simulation (brian2) reaches the steady state of the exact linear system to 1e-6
    cell = M.ball_and_stick(soma_diameter=20, length=1000, diameter=1)
    model = CellModel(M.discretise(cell, "max_length", max_length=10), Ri=100, Rm=10000, EL=-70)
    model.inject(0, 0.1, start=1, duration=300)
    model.record("v", "all", dt=1.0)
    res = model.run(200, target="numpy")
    t, v = res.trace("v")
    expected = -70 + 0.1e-9 * model.passive_system().transfer_resistance(0) * 1e3
    # tau = 10 ms: after 199 ms the transient is below exp(-19.9) of the step
    np.testing.assert_allclose(v[:, -1], expected, rtol=0, atol=1e-6 * 36.1)
    assert v[0, 0] == pytest.approx(-70, abs=1e-5)  # at rest before the step (solver rounding)


def test_sealed_finite_cable_profile_and_input_resistance():
    # V(x) = I r_a lam cosh((L - x)/lam) / sinh(L/lam); R_in = r_a lam coth(L/lam)
    L, d, Ri, Rm = 500e-6, 1e-6, 1.5, 2.0  # m, m, ohm m, ohm m2
    model = CellModel(_cable(length=500, diameter=1, max_length=1), Ri=150, Rm=20000, EL=0)
    system = model.passive_system()
    lam = np.sqrt(Rm * d / (4 * Ri))
    ra = 4 * Ri / (np.pi * d**2)
    x = model.compartments.distance[1:] * 1e-6
    r = system.transfer_resistance(0)
    theory = ra * lam * np.cosh((L - x) / lam) / np.sinh(L / lam)
    # 1 um compartments, 0.2 um soma: relative error below 1e-4 everywhere
    np.testing.assert_allclose(r[1:], theory, rtol=1e-4)
    assert r[0] == pytest.approx(ra * lam / np.tanh(L / lam), rel=1e-4)


def test_infinite_cable_greens_function():
    # brief charge at the middle of a 2 x 3 mm cable; V(x, t) of the infinite cable:
    # Q / (lam Cm pi d) sqrt(tau / (4 pi t)) exp(-t/tau - tau x^2 / (4 t lam^2))
    model = CellModel(_cable(length=3000, diameter=1, max_length=6, n=2), Ri=100, Rm=10000,
                      Cm=1, EL=0, dt=0.002)
    model.inject(0, 1.0, start=0, duration=0.02)  # 1 nA for 20 us: Q = 20 fC
    far = int(np.argmin(np.abs(model.compartments.distance - 120) + 1e9 * (model.compartments.section != 0)))
    model.record("v", [0, far], dt=0.01)
    res = model.run(3, target="numpy")
    t, v = res.trace("v", [far])
    t = t * 1e-3 + 0.01e-3  # seconds, centre of the pulse
    d, Cm, tau = 1e-6, 1e-2, 10e-3
    lam = np.sqrt(1.0 * d / (4 * 1.0))
    x = model.compartments.distance[far] * 1e-6
    Q = 1e-9 * 0.02e-3
    theory = Q / (lam * Cm * np.pi * d) * np.sqrt(tau / (4 * np.pi * t)) * np.exp(
        -t / tau - tau * x**2 / (4 * t * lam**2))
    late = t > 0.5e-3
    # discretisation (6 um, 2 us) and the finite pulse: within 2 % of the peak
    err = np.max(np.abs(v[0][late] * 1e-3 - theory[late]))
    assert err < 0.02 * theory.max()


def test_rall_equivalent_cylinder():
    # a 3/2-rule tree (3 levels) is equivalent to one cylinder of the trunk diameter and
    # 3 times the trunk's electrotonic length: same input resistance and same tip voltage
    tree = M.rall_tree(3, trunk_length=100, trunk_diameter=4, soma_diameter=20)
    m_tree = CellModel(M.discretise(tree, "max_length", max_length=1), Ri=150, Rm=20000)
    stick = M.ball_and_stick(soma_diameter=20, length=300, diameter=4)
    m_stick = CellModel(M.discretise(stick, "max_length", max_length=1), Ri=150, Rm=20000)
    s_tree, s_stick = m_tree.passive_system(), m_stick.passive_system()
    assert s_tree.input_resistance() == pytest.approx(s_stick.input_resistance(), rel=1e-4)
    tips = m_tree.compartments.distance.max()
    a_tree = s_tree.attenuation()[m_tree.compartments.distance >= tips - 1e-9]
    a_stick = s_stick.attenuation()[-1]
    np.testing.assert_allclose(a_tree, a_stick, rtol=1e-3)


@pytest.mark.slow
def test_rallpack1():
    # Rallpack 1 (Bhalla et al. 1992): 1 mm x 1 um cable, Rm 40000, Ri 100, 0.1 nA at x=0,
    # reference traces of brian2's wheel; relative RMS < 0.1 %, max < 0.5 % (brian2's bounds)
    import brian2

    base = os.path.join(os.path.dirname(brian2.__file__), "tests", "rallpack_data")
    ref0 = np.loadtxt(os.path.join(base, "ref_cable.0"))
    refx = np.loadtxt(os.path.join(base, "ref_cable.x"))
    model = CellModel(_cable(length=1000, diameter=1, soma=0.05, max_length=1), Ri=100,
                      Rm=40000, EL=-65, dt=0.05)
    model.inject(0, 0.1, start=0)
    model.record("v", [0, model.n - 1], dt=0.05)
    res = model.run(250.05, target="numpy")
    t, v = res.trace("v")
    for ref, trace in ((ref0, v[0]), (refx, v[1])):
        n = min(len(ref), len(trace))
        assert np.allclose(t[:n] * 1e-3, ref[:n, 0])  # same sampling times
        sim = trace[:n]
        scale = np.ptp(ref[:, 1]) * 1e3
        diff = sim - ref[:n, 1] * 1e3
        assert np.sqrt(np.mean(diff**2)) / scale < 1e-3
        assert np.max(np.abs(diff)) / scale < 5e-3


def test_membrane_time_constant_and_peeling():
    # uniform membrane: tau_0 = Rm Cm; sealed cable of electrotonic length L:
    # tau_0 / tau_1 = 1 + (pi / L)^2 (Rall 1969)
    model = CellModel(_cable(length=1000, diameter=1, max_length=2), Ri=100, Rm=10000, EL=0,
                      dt=0.01)
    taus = model.passive_system().time_constants(2) * 1e3
    L = 1e-3 / np.sqrt(1.0 * 1e-6 / 4)
    assert taus[0] == pytest.approx(10.0, rel=1e-6)
    assert taus[1] == pytest.approx(10.0 / (1 + (np.pi / L) ** 2), rel=1e-3)
    # simulated transient after a brief pulse at x=0, peeled
    model.inject(0, 1.0, start=0, duration=0.05)
    model.record("v", 0, dt=0.05)
    t, v = model.run(60, target="numpy").trace("v", [0])
    v = v[0]
    late = (t > 30) & (t < 55)
    slope0, c0 = np.polyfit(t[late], np.log(v[late]), 1)
    assert -1 / slope0 == pytest.approx(10.0, rel=0.01)
    rest = v - np.exp(c0 + slope0 * t)
    mid = (t > 3) & (t < 8)
    slope1 = np.polyfit(t[mid], np.log(rest[mid]), 1)[0]
    assert -1 / slope1 == pytest.approx(taus[1], rel=0.05)
