"""CellModel: regions and distance rules, rest with channels, HH spike, synapses, re-runs."""

import numpy as np
import pytest

import morphologies as M
from dendrites import CellModel, place
from dendrites.errors import (DendriteKeyError, ParameterError, RegionError, SimulationError,
                              UnitError, UnsupportedError, MechanismKeyError)
from stimuli.spikes import SpikeTrains
from brian_code import generated_code


def _stick(length=300, diameter=1, max_length=10, **kw):
    cell = M.ball_and_stick(soma_diameter=20, length=length, diameter=diameter)
    return CellModel(M.discretise(cell, "max_length", max_length=max_length), **kw)


def test_parameters_per_region_and_distance():
    model = _stick(Ri=100, Rm=10000, Cm=1)
    model.set("Cm", 2.0, where={"min_distance": 100})
    model.set("gL", "1e-4 * (1 + (distance > 200))", where="dendrite")
    model.set("EL", lambda d: -70 + 0.01 * d)
    table = model.compartments
    cm = model.get("Cm")
    assert np.all(cm[table.distance >= 100] == 2.0) and np.all(cm[table.distance < 100] == 1.0)
    gl = model.get("gL")
    assert gl[0] == pytest.approx(1e-4)  # soma kept 1/Rm
    assert np.allclose(gl[table.distance > 200], 2e-4)
    assert np.allclose(model.get("EL"), -70 + 0.01 * table.distance)
    # a Quantity of the right dimension is converted, of the wrong one refused
    from brian2 import uF, cm as b2cm, mV

    model.set("Cm", 0.5 * uF / b2cm**2, where="soma")
    assert model.get("Cm")[0] == pytest.approx(0.5)
    with pytest.raises(UnitError):
        model.set("Cm", 3 * mV)
    with pytest.raises(UnsupportedError, match="single axial resistivity"):
        model.set("Ri", 200, where="apical")
    with pytest.raises(DendriteKeyError, match="not a region"):
        model.set("Cm", 1, where="tuft")
    with pytest.raises(RegionError, match="matches no compartment"):
        model.set("Cm", 1, where={"min_distance": 5000})
    with pytest.raises(DendriteKeyError, match="unknown parameter"):
        model.set("gbar_hh", 1)


def test_rest_with_channels_is_a_steady_state():
    # HH at the soma, a different leak reversal in the dendrite: the computed rest is not EL,
    # and after initialisation dv/dt ~ 0 everywhere (|dv| < 1 uV over 5 ms)
    model = _stick(length=400, Ri=100, Rm=20000, EL=-60)
    model.insert("hh", where="soma")
    model.record("v", "all")
    rest = model.resting_state()["v"] * 1e3
    assert np.ptp(rest) > 0.5  # a real gradient between soma and dendrite
    t, v = model.run(5, target="numpy").trace("v")
    assert np.max(np.abs(v - rest[:, None])) < 1e-3


def test_hh_action_potential():
    # NEURON's hh in a soma (6.3 C): overshoot to ~+35 mV, amplitude ~100 mV, half-width ~1.5-2.5 ms
    model = _stick(length=200, diameter=1, Ri=100, Rm=20000, EL=-65)
    model.insert("hh", where="soma")
    model.inject(0, 0.5, start=5, duration=1)
    model.record("v", 0, dt=0.01)
    t, v = model.run(25, target="numpy").trace("v", [0])
    v = v[0]
    v0 = v[0]
    assert -66 < v0 < -64
    peak = v.max()
    assert 25 < peak < 45
    assert 90 < peak - v0 < 110
    above = t[v > (peak + v0) / 2]
    assert 1.0 < above.max() - above.min() < 3.0


def test_nmda_synapses_in_one_compartment_sum_exactly():
    # N NMDA (and AMPA) synapses in one compartment == one synapse of weight N w (to 1e-9 mV)
    model = _stick(Ri=100, Rm=20000, EL=-70)
    comp = 20
    model.add_synapses("ampa+nmda", [comp] * 5, name="many", weight=1.0, nmda_ratio=2.0)
    model.record("v", [0, comp])
    model.set_input("many_ampa", SpikeTrains([0], [2.0], 1, 0, 50))  # shared by the 5
    v_many = model.run(50, target="numpy").trace("v", [comp])[1][0]
    assert v_many.max() > -40  # NMDA-dominated, nonlinear regime
    model.set_synapses("many_ampa", weight=[5.0, 0, 0, 0, 0])
    model.set_synapses("many_nmda", weight=[10.0, 0, 0, 0, 0])
    v_one = model.run(50, target="numpy").trace("v", [comp])[1][0]
    assert np.max(np.abs(v_many - v_one)) < 1e-9


def test_tsodyks_markram_depression():
    # single exponential conductance: the jump at the 2nd spike is w (1 - U exp(-dt/tau_rec))
    model = _stick(Ri=100, Rm=20000)
    model.add_synapses("ampa", [10], name="d", weight=2.0, tau_rise=0, tau_decay=1.0,
                       stp={"U": 0.4, "tau_rec": 100.0})
    model.record("g", group="d", dt=0.025)
    model.set_input("d", SpikeTrains([0, 0], [5.0, 25.0], 1, 0, 60))
    t, g = model.run(40, target="numpy").trace("d.g")
    g = g[0]
    i1, i2 = np.searchsorted(t, [5.0, 25.0])
    jump1 = g[i1 + 1] - g[i1] * np.exp(-0.025)
    jump2 = g[i2 + 1] - g[i2] * np.exp(-0.025)
    assert jump1 == pytest.approx(2.0, rel=0.03)  # the first spike: the weight
    assert jump2 / jump1 == pytest.approx(1 - 0.4 * np.exp(-20 / 100), rel=1e-6)


def test_rerun_with_new_values_reuses_the_code():
    # new weights, kinetics, gL, reversal, spikes: the generated code is identical (so brian2's
    # compiled-code cache is hit: values are variables, never literals in the code)
    model = _stick(Ri=100, Rm=20000)
    sites = place(model, 3, seed=1)
    model.add_synapses("nmda", sites, name="n")
    model.record("v", 0)
    model.set_input("n", SpikeTrains([0, 1, 2], [1.0, 2.0, 3.0], 3, 0, 20))
    v1 = model.run(10, target="numpy").soma_v()
    code1 = generated_code(model._built["network"])
    model.set_synapses("n", weight=2.0, tau_decay=30.0, E=-5.0, Mg=2.0)
    model.set("gL", 1e-4, where="dendrite")
    model.set("Ri", 200)
    model.set_input("n", SpikeTrains([0], [1.0], 3, 0, 20))
    v2 = model.run(10, target="numpy").soma_v()
    assert generated_code(model._built["network"]) == code1
    assert len(code1) > 5
    assert not np.allclose(v1, v2)
    # and the values were used: Ri changed the input resistance the solver sees
    assert model.passive_system().input_resistance() > 0


def test_voltage_clamp_holds_the_soma():
    model = _stick(Ri=100, Rm=20000, EL=-70)
    model.voltage_clamp(-50, start=2, duration=20, series_resistance=0.1)
    model.record(["v", "I_clamp"], 0)
    res = model.run(30, target="numpy")
    t, v = res.trace("v", [0])
    _, i = res.trace("I_clamp", [0])
    during = (t > 10) & (t < 20)
    assert np.all(np.abs(v[0][during] + 50) < 0.05)
    # the holding current equals 20 mV over the input resistance (within 1 %)
    rin = model.passive_system().input_resistance() / 1e6
    assert i[0][during].mean() == pytest.approx(20 / rin, rel=0.01)
    after = t > 23
    assert np.all(i[0][after] == 0)  # released: no clamp current
    assert np.all(np.diff(v[0][after]) < 0)  # relaxing towards rest


def test_structure_is_fixed_after_build_and_bad_inputs():
    model = _stick()
    model.add_synapses("ampa", [3, 4], name="a")
    with pytest.raises(ParameterError, match="3 spike trains for 2 synapses"):
        model.set_input("a", SpikeTrains([0], [1.0], 3, 0, 10))
    with pytest.raises(DendriteKeyError, match="no synapse group"):
        model.set_input("b", SpikeTrains([0], [1.0], 1, 0, 10))
    with pytest.raises(DendriteKeyError, match="unknown synapse kind"):
        model.add_synapses("kainate", [3])
    with pytest.raises(UnitError):
        model.add_synapses("ampa", [3], weight=1.0 * __import__("brian2").mV)
    with pytest.raises(MechanismKeyError):
        model.insert("hh", gnabar_x=1)
    with pytest.raises(UnitError):
        from brian2 import mV

        model.insert("hh", where="soma", gnabar=3 * mV)
    with pytest.raises(DendriteKeyError):
        model.insert("hh", where="spine")
    model.record("v", 0)
    model.run(1, target="numpy")
    with pytest.raises(SimulationError, match="after the model was built"):
        model.add_synapses("ampa", [3])
    with pytest.raises(ParameterError):
        CellModel(object())
    with pytest.raises(ParameterError, match="not a Discretisation"):
        CellModel(M.ball_and_stick().sections)


@pytest.mark.slow
def test_rest_with_calcium_dynamics_is_a_steady_state():
    # Hay et al. (2011) calcium channels, SK and CaDynamics_E2 at the soma, Ih in the dendrite:
    # the rest solves for v, every gate and cai; after it nothing drifts (|dv| < 1e-3 mV,
    # relative cai change < 1e-6 over 10 ms)
    cell = M.ball_and_stick(soma_diameter=20, length=300, diameter=2, neurite_type="apical")
    model = CellModel(M.discretise(cell, "max_length", max_length=30), Ri=100, Rm=15000,
                      EL=-90)
    for name in ("NaTs2_t", "Ca_HVA", "Ca_LVAst", "SK_E2", "CaDynamics_E2"):
        model.insert(name, where="soma")
    model.insert("Ih", where="apical")
    rest = model.resting_state()
    assert rest["v"][0] * 1e3 != pytest.approx(-90, abs=0.05)  # channels move the rest
    model.record(["v", "cai"], [0, model.n - 1])
    res = model.run(10, target="numpy")
    _, v = res.trace("v")
    _, c = res.trace("cai")
    assert np.abs(v - rest["v"][[0, model.n - 1], None] * 1e3).max() < 1e-3
    assert np.abs(c / c[:, :1] - 1).max() < 1e-6


def test_mechanism_in_two_regions_and_by_distance():
    # conductances are the default (or the given value) inside each insertion, 0 elsewhere
    model = _stick(length=300)
    model.insert("hh", where="soma")
    model.insert("hh", where={"min_distance": 200}, gnabar=lambda d: 0.01 + 1e-4 * d)
    table = model.compartments
    g = model.get("gnabar_hh")
    assert g[0] == pytest.approx(0.12)
    far = table.distance >= 200
    np.testing.assert_allclose(g[far], 0.01 + 1e-4 * table.distance[far])
    assert np.all(g[(table.distance > 0) & ~far] == 0)
    assert np.all(model.get("gkbar_hh")[far] == pytest.approx(0.036))
    model.inject("soma", 0.2, start=1, duration=1)
    model.record("I_hh", "all")
    _, i = model.run(3, target="numpy").trace("I_hh")
    middle = (table.distance > 0) & ~far
    assert np.all(i[middle] == 0) and np.abs(i[0]).max() > 0


@pytest.mark.slow
@pytest.mark.standalone
def test_cpp_standalone_equals_runtime(tmp_path):
    # the same model on cpp_standalone (device set around the run, then reset): soma voltage
    # equal to the runtime (numpy) run to 1e-5 mV (measured 5e-7: numpy vs C++ exp)
    def make():
        model = _stick(length=200, Ri=100, Rm=20000, EL=-65)
        model.insert("hh", where="soma")
        model.add_synapses("ampa", [5, 15], name="a", weight=3.0)
        model.set_input("a", SpikeTrains([0, 1], [2.0, 4.0], 2, 0, 20))
        model.record("v", 0)
        return model

    v_rt = make().run(15, target="numpy").soma_v()
    standalone = make()
    v_sa = standalone.run_standalone(15, tmp_path).soma_v()
    assert np.ptp(v_rt) > 5
    np.testing.assert_allclose(v_sa, v_rt, rtol=0, atol=1e-5)
    import brian2

    assert type(brian2.get_device()).__name__ == "RuntimeDevice"
    with pytest.raises(SimulationError):
        standalone.run_standalone(5, tmp_path)


def test_waveform_injection_equals_step_and_sums_at_a_compartment():
    # a waveform sampled every 0.5 ms equals the same step given as amplitude/duration;
    # two injections at one compartment add (linear cell: twice the deflection)
    def run(kind):
        model = _stick(Ri=100, Rm=20000, EL=-70)
        if kind == "wave":
            model.inject(0, np.full(100, 0.1), dt=0.5, start=5)
        elif kind == "step":
            model.inject(0, 0.1, start=5, duration=50)
        else:
            model.inject("soma", 0.1, start=5, duration=50)
            model.inject([0], 0.1, start=5, duration=50)
        model.record("v", 0)
        return model.run(80, target="numpy").soma_v()

    wave, step, double = run("wave"), run("step"), run("double")
    assert np.ptp(step) > 1
    np.testing.assert_allclose(wave, step, rtol=0, atol=1e-9)
    np.testing.assert_allclose(double + 70, 2 * (step + 70), rtol=1e-9, atol=1e-4)  # rest rounding ~1e-6 mV
