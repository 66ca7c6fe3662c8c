"""CellModel.copy, point currents whose site is a value, and direct simulation in batches.

Physics references: reciprocity and linearity of the passive cable (exact for brian2's
implicit scheme), and an independent quasi-active linearisation of a Hodgkin-Huxley soma
(numpy rates, scipy matrix exponential) for a tiny current synapse on an active cell.
"""

import numpy as np
import pytest
from scipy.linalg import expm

import morphologies as M
from dendrites import CellModel
from dendrites.errors import DendriteKeyError, ParameterError, SimulationError
from dendrites.experiments import direct_epsp, epsp_map
from dendrites.experiments.epsp_map import synaptic_waveform
from dendrites.experiments.runner import PatternRunner
from dendrites.passive import axial_conductance_matrix
from dendrites.synapses import KINDS
from brian_code import generated_code


def _ybranch(thin=1.0, hh=None):
    cell = M.y_branch(child_diameters=(thin, thin))
    model = CellModel(M.discretise(cell, "max_length", max_length=10), Ri=150, Rm=20000,
                      EL=-70, dt=0.025)
    if hh is not None:
        model.insert("hh", where=hh)
    return model


# ----------------------------------------------------------------------------- copy
def test_copy_is_independent_unbuilt_and_runs_identically():
    from stimuli.spikes import SpikeTrains

    model = _ybranch(hh="soma")
    group = model.add_synapses("ampa", [5, 20], weight=0.5)
    model.set_input(group, SpikeTrains([0, 1], [1.0, 2.0], 2, 0, 10))
    model.record("v", [0, 20])
    rest = model.resting_state()
    twin = model.copy(name="twin")
    assert twin.discretisation is model.discretisation and twin.name == "twin"
    assert np.array_equal(twin.resting_state()["v"], rest["v"])
    # values copied, not shared
    twin.set("gnabar_hh", 0.2, where="soma")
    twin.set_synapses(group, weight=2.0)
    assert model.get("gnabar_hh")[0] == pytest.approx(0.12)
    assert np.allclose(model.synapse_groups[group].values["weight"], 0.5)
    assert np.allclose(twin.synapse_groups[group].values["weight"], 2.0)
    other = model.copy()
    v_model = model.run(10, target="numpy").trace("v")[1]
    v_other = other.run(10, target="numpy").trace("v")[1]
    assert np.array_equal(v_model, v_other)  # same description, bit-equal runs
    v_twin = twin.run(10, target="numpy").trace("v")[1]
    assert np.max(v_twin[1] - v_model[1]) > 0.1  # 4x the weight: a larger local EPSP
    with pytest.raises(SimulationError, match=r"copy\(\) before the first run"):
        model.copy()


# ----------------------------------------------------------------------------- point currents
def test_point_current_site_is_a_value_reciprocal_and_linear():
    # a one-step 1 nA pulse through a point current whose weights pick the site: moving the
    # site between runs keeps the brian2 objects and the generated code; minus the run
    # without input, responses are reciprocal (soma<-j equals j<-soma) and linear to 1e-9 mV
    model = _ybranch(thin=0.5)
    wave = np.zeros(400)
    wave[1] = 1.0
    model.add_point_current("probe", wave)
    model.record("v", "all")

    def run(weights):
        model.set_point_current("probe", weights)
        return model.run(10, target="numpy").trace("v")[1][:, :400]

    base = run(0.0)
    from_soma = run(np.eye(model.n)[0]) - base
    net = model.build()
    objects, code = {id(o) for o in net.objects}, generated_code(net)
    for j in (7, 15, 30):
        to_soma = run(1.0 * (np.arange(model.n) == j)) - base
        model.set_point_current("probe", 2.0, where=[j])  # the others are set to 0
        double = model.run(10, target="numpy").trace("v")[1][:, :400] - base
        assert np.max(np.abs(to_soma[0] - from_soma[j])) < 1e-9   # mV, peaks ~0.5-2 mV
        assert np.max(np.abs(double - 2 * to_soma)) < 1e-9
        assert to_soma[0].max() > 0.1
    assert {id(o) for o in model.build().objects} == objects and generated_code(net) == code
    assert model.point_currents["probe"][30] == 2.0 and model.point_currents["probe"].sum() == 2.0


def test_point_current_on_active_cell_moves_without_recompiling():
    # HH everywhere: moving the current synapse (weights) changes no brian2 object and no
    # generated code; the EPSP of the moved site differs
    model = _ybranch(hh=None)
    model.insert("hh")
    model.add_point_current("syn", synaptic_waveform(np.arange(200) * 0.025 - 0.025, 0.2, 2.0))
    model.record("v", [0, 25])
    model.set_point_current("syn", 0.01, where=[25])
    v1 = model.run(5, target="numpy").trace("v")[1]
    net = model.build()
    objects, code = {id(o) for o in net.objects}, generated_code(net)
    model.set_point_current("syn", 0.01, where=[0])
    v2 = model.run(5, target="numpy").trace("v")[1]
    assert model.build() is net and {id(o) for o in net.objects} == objects
    assert generated_code(net) == code and len(code) == 3  # monitor, state update, v solver
    assert np.all(np.isfinite(v2)) and np.max(np.abs(v1[0] - v2[0])) > 1e-3


def test_point_current_bad_input():
    model = _ybranch()
    with pytest.raises(ParameterError, match="identifier"):
        model.add_point_current("not a name", [1.0])
    with pytest.raises(ParameterError, match="finite"):
        model.add_point_current("p", [np.nan])
    model.add_point_current("p", [0.0, 1.0])
    with pytest.raises(ParameterError, match="exists"):
        model.add_point_current("p", [1.0])
    with pytest.raises(ParameterError, match="shape"):
        model.set_point_current("p", [1.0, 2.0])
    with pytest.raises(DendriteKeyError, match="no point current 'q'"):
        model.set_point_current("q", 1.0)
    model.build()
    with pytest.raises(SimulationError, match="point current"):
        model.add_point_current("r", [1.0])


# ----------------------------------------------------------------------------- direct EPSP
def test_direct_current_epsp_on_passive_cell_equals_the_reciprocity_kernel():
    # the somatic EPSP of a current synapse at site j, simulated site by site, equals the
    # convolution of its current with the response at j to a one-step pulse at the soma
    # (reciprocity; the kernel method's principle), to 1e-6 mV on EPSPs of ~1-6 mV
    model = _ybranch(thin=0.5)
    sites = np.array([0, 9, 20, 30])
    n_t = 800
    t, _, soma = direct_epsp(model, sites, "current", weight=1.0, duration=n_t * 0.025,
                                 target="numpy", progress=False)
    ref = _ybranch(thin=0.5)
    pulse = np.zeros(n_t)
    pulse[0] = 1.0  # 1 nA during step 0
    ref.add_point_current("pulse", pulse)
    ref.record("v", "all")
    base = ref.run(n_t * 0.025, target="numpy").trace("v")[1][:, :n_t]
    ref.set_point_current("pulse", 1.0, where=[0])
    kernel = ref.run(n_t * 0.025, target="numpy").trace("v")[1][:, :n_t] - base  # mV per nA
    a = KINDS["ampa"]
    current = synaptic_waveform(t - 0.025, a["tau_rise"], a["tau_decay"]) * (a["E"] + 70) * 1e-3
    expected = np.array([np.convolve(kernel[j], current)[:n_t] for j in sites])
    assert soma.max() > 1.0
    assert np.max(np.abs(soma - expected)) < 1e-6


def _hh_rates(v):
    """HH rates (1/ms) at v (mV), 6.3 degC, independent of the toolkit's mechanism code."""
    return (0.1 * (v + 40) / (1 - np.exp(-(v + 40) / 10)), 4 * np.exp(-(v + 65) / 18),
            0.07 * np.exp(-(v + 65) / 20), 1 / (1 + np.exp(-(v + 35) / 10)),
            0.01 * (v + 55) / (1 - np.exp(-(v + 55) / 10)), 0.125 * np.exp(-(v + 65) / 80))


def _quasi_active(model, rest_v, rows, weight, n_t):
    """Response (mV) of the cable linearised at rest, HH gates included (exact exponential)."""
    n, dt = model.n, model.dt
    area = np.asarray(model.compartments.area) * 1e-12
    C = model.get("Cm") * 1e-2 * area
    G = axial_conductance_matrix(model.discretisation.morphology, model.Ri * 0.01).toarray()
    hh = np.flatnonzero(model.get("gnabar_hh") > 0)
    gna, gk, gl = (model.get(p)[hh] * 1e4 for p in ("gnabar_hh", "gkbar_hh", "gl_hh"))
    v = rest_v[hh] * 1e3
    am, bm, ah, bh, an, bn = _hh_rates(v)
    d = [(hi - lo) / 2e-4 for lo, hi in zip(_hh_rates(v - 1e-4), _hh_rates(v + 1e-4))]
    m, h, nn = am / (am + bm), ah / (ah + bh), an / (an + bn)
    k = len(hh)
    A = np.zeros((n + 3 * k, n + 3 * k))
    A[:n, :n] = -G / C[:, None] - np.diag(model.get("gL") * 1e4 * area / C)
    a = area[hh] / C[hh]
    A[hh, hh] -= a * (gna * m**3 * h + gk * nn**4 + gl)
    gates = [n + i * k + np.arange(k) for i in range(3)]
    A[hh, gates[0]] = a * gna * 3 * m**2 * h * (50 - v) * 1e-3
    A[hh, gates[1]] = a * gna * m**3 * (50 - v) * 1e-3
    A[hh, gates[2]] = a * gk * 4 * nn**3 * (-77 - v) * 1e-3
    for g, al, be, dal, dbe, x in zip(gates, (am, ah, an), (bm, bh, bn), d[0::2], d[1::2],
                                      (m, h, nn)):
        A[g, g] = -(al + be) * 1e3
        A[g, hh] = (dal * (1 - x) - dbe * x) * 1e6
    Phi = expm(A * dt * 1e-3)
    Gam = np.linalg.solve(A, Phi - np.eye(len(A)))  # zero-order hold of the input
    syn = KINDS["ampa"]
    s = synaptic_waveform(np.arange(n_t) * dt - dt, syn["tau_rise"], syn["tau_decay"])
    local, soma = np.zeros((len(rows), n_t)), np.zeros((len(rows), n_t))
    for r, row in enumerate(rows):
        gb = Gam[:, row] / C[row]
        amps = weight * 1e-9 * (syn["E"] - rest_v[row] * 1e3) * 1e-3 * s
        x = np.zeros(len(A))
        for step in range(n_t):
            soma[r, step], local[r, step] = x[0] * 1e3, x[row] * 1e3
            x = Phi @ x + gb * amps[step]
    return local, soma


@pytest.mark.slow
def test_current_synapse_on_active_cell_follows_the_quasi_active_linearisation():
    # HH soma (rest -65.4 mV) on a Y-branch; a 0.01 nS current synapse (EPSP ~0.03 mV) at
    # three sites: the direct simulation is within 1 % in peak and 2 % of the peak over the
    # trace of the exactly integrated linearisation at rest (gates included; remaining error:
    # brian2's O(dt) scheme and the tiny nonlinearity). The frozen-gate passive cell is 30 %
    # off, so the active membrane matters and the test would see it missing.
    model = _ybranch(hh="soma")
    rows = [0, 12, 25]
    rest = model.resting_state()
    t, local, soma = direct_epsp(model, rows, "current", weight=0.01, duration=15,
                                 target="numpy", progress=False)
    q_local, q_soma = _quasi_active(model, rest["v"], rows, 0.01, len(t))
    assert np.all(np.isfinite(soma)) and np.all(soma.max(1) > 0.02)
    assert np.all(np.abs(soma.max(1) / q_soma.max(1) - 1) < 0.01)
    assert np.all(np.max(np.abs(soma - q_soma), 1) < 0.02 * q_soma.max(1))
    assert np.all(np.max(np.abs(local - q_local), 1) < 0.02 * q_local.max(1))
    frozen = CellModel(model.discretisation, Ri=150, EL=rest["v"] * 1e3, dt=0.025,
                       gL=model.get("gL") + model.get("gl_hh")
                       + model.get("gnabar_hh") * rest["m_hh"] ** 3 * rest["h_hh"]
                       + model.get("gkbar_hh") * rest["n_hh"] ** 4)
    _, _, f_soma = direct_epsp(frozen, rows, "current", weight=0.01, duration=15,
                               target="numpy", progress=False)
    assert np.all(np.abs(f_soma.max(1) / q_soma.max(1) - 1) > 0.1)


# ----------------------------------------------------------------------------- batches
@pytest.mark.slow
def test_workers_give_bit_equal_results():
    # direct simulation (AMPA on an active cell) and spike patterns of the runner: workers=2
    # forks two processes that run chunks on the model built here; results identical
    model = _ybranch(hh="soma")
    rows = [0, 5, 12, 20, 25, 30]
    one = direct_epsp(model, rows, "ampa", weight=0.5, duration=8, target="numpy",
                      progress=False, workers=1)
    two = direct_epsp(model, rows, "ampa", weight=0.5, duration=8, target="numpy",
                      progress=True, workers=2)
    assert all(np.array_equal(a, b) for a, b in zip(one, two))
    assert np.all(one[2].max(1) > 0)
    runner = PatternRunner(_ybranch(), [3, 10, 20], weight=0.5, duration=8, target="numpy")
    patterns = [([0], [0.0]), ([1, 2], [0.0, 1.0]), ([0, 1, 2], [0.0, 0.0, 0.0]),
                ([2], [0.5]), ([0, 2], [1.0, 0.0])]
    flags = [True, False, True, True, False]
    p1 = runner.peaks(patterns, nmda=flags, workers=1)
    p2 = runner.peaks(patterns, nmda=flags, workers=2, progress=True)
    assert np.array_equal(p1, p2) and len(set(p1)) == len(p1)
    assert p1[0] == runner.peak([0], [0.0], nmda=True)
    t2 = runner.traces(patterns[:3], nmda=flags[:3], workers=2)
    assert all(np.array_equal(v.max(), p) for (_, v), p in zip(t2, p1[:3]))


def test_bad_workers_values():
    model = _ybranch()
    runner = PatternRunner(model, [3], duration=5, target="numpy")
    for bad in (0, -1, 2.5, "x", True, None):
        with pytest.raises(ParameterError, match="workers"):
            epsp_map(model, [0], synapse="ampa+nmda", workers=bad)
        with pytest.raises(ParameterError, match="workers"):
            direct_epsp(model, [0], "ampa", workers=bad)
        with pytest.raises(ParameterError, match="workers"):
            runner.peaks([([0], [0.0])], workers=bad)
    with pytest.raises(ParameterError, match="nmda"):
        runner.peaks([([0], [0.0])], nmda=[True, False])


def test_workers_inside_a_daemonic_process_is_refused(monkeypatch):
    # a daemonic process (a multiprocessing.Pool or dask worker) cannot have children: the
    # toolkit says so in its own error instead of multiprocessing's AssertionError
    import multiprocessing

    from dendrites.errors import UnsupportedError
    from dendrites.experiments.runner import run_batches

    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    with pytest.raises(UnsupportedError, match="daemonic"):
        run_batches(abs, [-1, -2, -3], workers=2)
    assert run_batches(abs, [-1, -2, -3], workers=1) == [1, 2, 3]
