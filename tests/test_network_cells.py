"""Single-cell physics of the AdExp/LIF populations against analytic results.

Integration is forward Euler; with dt = 0.01 ms the discretisation error of a
spike time is below one step, which sets the tolerances stated in each test.
"""

import numpy as np
import pytest

import network as ntwk


def _run(Model, with_Vm=0, **kw):
    NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True, with_Vm=with_Vm, **kw)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    return NTWK, ntwk.recording.collect(NTWK)


@pytest.mark.parametrize("I", [250.0, 400.0, 800.0])
def test_lif_period_under_constant_current(numpy_target, cell_model, I):
    """T = Tref + tau ln((Vinf - Vreset)/(Vinf - Vthre)), Vinf = El + I/Gl."""
    Model = cell_model(tstop=300.0, Iinj=I)
    _, data = _run(Model)
    t = data["tRASTER_Cell"]
    tau, Vinf = 200.0 / 10.0, -70.0 + I / 10.0
    T = 5.0 + tau * np.log((Vinf + 70.0) / (Vinf + 50.0))
    isi = np.diff(t)
    assert len(isi) >= 5
    # threshold crossing detected up to one step late, reset exact: |error| <= 2 dt
    np.testing.assert_allclose(isi, T, atol=2 * Model["dt"])
    # first spike: no refractory period before it
    assert abs(t[0] - (T - 5.0)) <= 2 * Model["dt"]


def test_subthreshold_steady_state_with_adaptation(numpy_target, cell_model):
    """With a > 0: V - El = I/(Gl + a) and w = a (V - El) at steady state."""
    Model = cell_model(tstop=1500.0, dt=0.1, Vthre=0.0, a=4.0, tauw=100.0, Iinj=150.0)
    NTWK, data = _run(Model, with_Vm=1)
    V = data["VMS_Cell"][0, -1]
    assert len(data["tRASTER_Cell"]) == 0
    np.testing.assert_allclose(V, -70.0 + 150.0 / (10.0 + 4.0), rtol=1e-6)
    w = float(NTWK["NEURONS"]["Cell"].w[0] / ntwk.build._b2().pA)
    np.testing.assert_allclose(w, 4.0 * (V + 70.0), rtol=1e-6)


@pytest.mark.parametrize("factor, fires", [(0.95, False), (1.05, True)])
def test_adexp_rheobase(numpy_target, cell_model, factor, fires):
    """AdExp (a = b = 0) fires repetitively iff I > Gl (Vthre - El - deltaV)."""
    dV = 2.0
    I_rh = 10.0 * (-50.0 - (-70.0) - dV)
    Model = cell_model(tstop=3000.0, dt=0.05, deltaV=dV, Iinj=factor * I_rh)
    _, data = _run(Model)
    assert (len(data["tRASTER_Cell"]) > 2) == fires


def test_spike_triggered_adaptation_sums_exponentials(numpy_target, cell_model):
    """a = 0: w(T) = b sum_k exp(-(T - t_k)/tauw) over the spike times t_k."""
    Model = cell_model(tstop=500.0, deltaV=2.0, b=30.0, tauw=150.0, Iinj=600.0)
    NTWK, data = _run(Model)
    t = data["tRASTER_Cell"]
    assert len(t) > 5
    T = Model["tstop"]
    expected = 30.0 * np.exp(-(T - t) / 150.0).sum()
    w = float(NTWK["NEURONS"]["Cell"].w[0] / ntwk.build._b2().pA)
    # Euler decay (1 - dt/tauw)^n vs exp: relative error < n dt^2 / (2 tauw^2) ~ 1e-5
    np.testing.assert_allclose(w, expected, rtol=1e-3)
    # adaptation slows firing: inter-spike intervals increase
    assert np.all(np.diff(np.diff(t)) > -2 * Model["dt"])


def test_oscillatory_current_rc_response(numpy_target, cell_model):
    """Sub-threshold response to I0 sin(2 pi f t): amplitude I0 / sqrt(Gl^2 + (2 pi f Cm)^2)."""
    f, I0 = 10.0, 50.0
    Model = cell_model(tstop=600.0, dt=0.02, Vthre=0.0, Ioscill_amp=I0, Ioscill_freq=f)
    _, data = _run(Model, with_Vm=1)
    t, V = data["t_array"], data["VMS_Cell"][0]
    keep = t > 200.0  # after 10 membrane time constants
    omega = 2 * np.pi * f * 1e-3  # rad/ms
    A = np.column_stack([np.sin(omega * t[keep]), np.cos(omega * t[keep]), np.ones(keep.sum())])
    coef, *_ = np.linalg.lstsq(A, V[keep], rcond=None)
    amplitude = np.hypot(coef[0], coef[1])
    expected = I0 / np.hypot(10.0, omega * 200.0)  # pA / nS = mV (omega in 1/ms, C in pF)
    np.testing.assert_allclose(amplitude, expected, rtol=2e-3)
    np.testing.assert_allclose(coef[2], -70.0, atol=1e-3)


def test_synaptic_conductance_jump_and_decay(numpy_target, cell_model):
    """A spike adds Q to the conductance, which then decays with Tsyn."""
    # Vthre = -20 mV keeps the cell sub-threshold (at most 2 nS * 70 mV / 10 nS = 14 mV of
    # depolarisation) while the reversal 0 mV stays above it: an excitatory input
    Model = cell_model(tstop=40.0, Vthre=-20.0, N_Aff=1, Q_Aff_Cell=2.0, Tsyn_Aff=5.0, Erev_Aff=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"], with_Vm=1,
                                  with_synaptic_conductances=True, with_synaptic_currents=True)
    ntwk.stim.add_spikes(NTWK, "Cell", "Aff", [0], [10.0])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    t, G = data["t_array"], data["GSYN_Aff_Cell"][0]
    after = t >= 10.0 + 0.5 * Model["dt"]
    assert np.all(G[t < 10.0 - 0.5 * Model["dt"]] == 0)
    # monitors record at the start of a step: the first sample after the spike step
    # shows the full increment Q, then forward-Euler decay (1 - dt/tau)^n exactly ...
    n = np.arange(after.sum())
    np.testing.assert_allclose(G[after], 2.0 * (1 - Model["dt"] / 5.0) ** n, rtol=1e-9)
    # ... which is exp(-n dt/tau) to within n (dt/tau)^2 / 2 relative
    bound = n * (Model["dt"] / 5.0) ** 2 / 2 * 1.01 + 1e-12
    assert np.all(np.abs(G[after] / (2.0 * np.exp(-n * Model["dt"] / 5.0)) - 1) <= bound)
    # conservation: the charge-carrying integral sum(G dt) is exactly Q tau (1 - (1 - dt/tau)^m)
    # after m steps, i.e. Q tau for a full decay, as for the exact exponential
    m = after.sum()
    np.testing.assert_allclose(G[after].sum() * Model["dt"], 2.0 * 5.0 * (1 - (1 - Model["dt"] / 5.0) ** m),
                               rtol=1e-9)
    # recorded current is the conductance times the driving force
    np.testing.assert_allclose(data["ISYNe_Cell"][0], G * (0.0 - data["VMS_Cell"][0]), rtol=1e-9, atol=1e-12)
    assert np.all(data["ISYNi_Cell"] == 0)


def test_voltage_clamp_current_balances_membrane_currents(numpy_target, cell_model):
    """Perfect clamp: Iclamp = -(Gl (El - Vc) + Ie + Ii) at every step, and V stays at Vc."""
    Model = cell_model(tstop=40.0, Vclamp=-60.0, N_Aff=1, N_Inh=1, Q_Aff_Cell=2.0, Q_Inh_Cell=3.0,
                       Tsyn_Aff=5.0, Erev_Aff=0.0, Tsi=10.0, Ei=-80.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff", "Inh"], with_Vm=1,
                                  with_synaptic_currents=True)
    ntwk.stim.add_spikes(NTWK, "Cell", "Aff", [0, 0], [5.0, 20.0])
    ntwk.stim.add_spikes(NTWK, "Cell", "Inh", [0], [12.0])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    assert np.all(data["VMS_Cell"] == -60.0)
    leak = 10.0 * (-70.0 - (-60.0))
    np.testing.assert_allclose(data["ICLAMP_Cell"], -(leak + data["ISYNe_Cell"] + data["ISYNi_Cell"]),
                               rtol=1e-12, atol=1e-9)
    first = data["t_array"] < 19.0  # before the second excitatory spike
    assert data["ISYNe_Cell"][0, first].max() == pytest.approx(2.0 * 60.0, rel=1e-12)  # 2 nS * 60 mV
    assert data["ISYNi_Cell"].min() == pytest.approx(-3.0 * 20.0, rel=1e-12)  # 3 nS * -20 mV
    assert "tRASTER_Cell" not in data  # a clamped population cannot spike


def test_intermediate_instruction_switches_current_on(numpy_target, cell_model):
    """A mid-run instruction changes Iinj: no spike before, the analytic period after."""
    Model = cell_model(tstop=300.0, Iinj=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True)
    ntwk.build.initialize_to_rest(NTWK)

    def switch_on(N):
        N["NEURONS"]["Cell"].Iinj = 400.0 * ntwk.build._b2().pA

    ntwk.collect_and_run(NTWK, INTERMEDIATE_INSTRUCTIONS=[{"time": 100.0, "function": switch_on}])
    t = ntwk.recording.collect(NTWK)["tRASTER_Cell"]
    T = 5.0 + 20.0 * np.log(40.0 / 20.0)
    assert t.min() == pytest.approx(100.0 + T - 5.0, abs=2 * Model["dt"])
    np.testing.assert_allclose(np.diff(t), T, atol=2 * Model["dt"])


def test_recording_chosen_cells(numpy_target, cell_model):
    Model = cell_model(N=10, tstop=5.0, Iinj=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], with_Vm={"Cell": [7, 2]})
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    np.testing.assert_array_equal(data["VMS_Cell_indices"], [2, 7])
    assert data["VMS_Cell"].shape == (2, 500)
    with pytest.raises(ntwk.ModelValueError, match=r"\[0, 10\)"):
        ntwk.build.populations(Model, ["Cell"], with_Vm=[3, 10])


def _adexp_reference(P, T):
    """Spike times of one AdExp cell from scipy's solve_ivp (rtol 1e-10), event-driven.

    An independent implementation of the model: V and w integrated with an adaptive
    Runge-Kutta scheme between spikes, the threshold crossing located by root
    finding, the reset applied exactly, V held at Vreset for Trefrac while w evolves.
    """
    from scipy.integrate import solve_ivp

    Gl, Cm, El, VT, dV, a, b, tw, I = (P[k] for k in "Gl Cm El Vthre deltaV a b tauw Iinj".split())

    def free(t, y):
        V, w = y
        return [(Gl * (El - V) + Gl * dV * np.exp((V - VT) / dV) - w + I) / Cm, (a * (V - El) - w) / tw]

    def refractory(t, y):
        return [0.0, (a * (P["Vreset"] - El) - y[1]) / tw]

    def crossing(t, y):
        return y[0] - (VT + 5 * dV)

    crossing.terminal, crossing.direction = True, 1
    t, y, spikes = 0.0, [El, 0.0], []
    while t < T:  # one iteration per spike of a single cell
        sol = solve_ivp(free, (t, T), y, events=crossing, rtol=1e-10, atol=1e-10, max_step=0.5)
        if sol.status != 1:
            break
        ts = sol.t_events[0][0]
        spikes.append(ts)
        hold = solve_ivp(refractory, (ts, min(ts + P["Trefrac"], T)), [P["Vreset"], sol.y_events[0][0][1] + b],
                         rtol=1e-10, atol=1e-10)
        t, y = hold.t[-1], hold.y[:, -1]
    return np.array(spikes)


def test_adexp_spike_times_converge_to_an_independent_integration(numpy_target, cell_model):
    """Exponential term, sub-threshold and spike-triggered adaptation, reset and refractoriness.

    Forward Euler is first order: the spike-time error halves with dt (ratio 2 within
    25 %), and at dt = 0.01 ms it stays below 0.2 ms after 14 spikes (each spike
    time is detected up to one step late, and the Euler phase error accumulates).
    """
    P = dict(Gl=10.0, Cm=200.0, Trefrac=5.0, El=-70.0, Vthre=-50.0, Vreset=-55.0, deltaV=2.0,
             a=4.0, b=40.0, tauw=100.0, Iinj=500.0)
    T = 300.0
    reference = _adexp_reference(P, T)
    assert len(reference) == 14  # an adapting train: growing inter-spike intervals
    assert np.all(np.diff(np.diff(reference)) > 0)
    errors = {}
    for dt in (0.02, 0.01):
        _, data = _run(cell_model(tstop=T, dt=dt, **P))
        t = data["tRASTER_Cell"]
        assert len(t) == len(reference)
        errors[dt] = np.abs(t - reference).max()
    assert errors[0.01] < 0.2
    assert 1.5 < errors[0.02] / errors[0.01] < 2.5


def test_currents_are_excitatory_when_the_reversal_is_above_threshold(numpy_target, cell_model):
    """Ie holds conductances reversing above Vthre, Ii the others, shunting ones included.

    A GABA-A-like conductance reversing at -60 mV, between rest (-70) and threshold
    (-50), depolarises the cell from rest but can never make it fire: it is inhibitory.
    """
    Model = cell_model(tstop=30.0, dt=0.1, N_Glu=1, N_Gaba=1, N_Inh=1, Q_Glu_Cell=3.0, Q_Gaba_Cell=5.0,
                       Q_Inh_Cell=4.0, Tsyn_Glu=5.0, Erev_Glu=0.0, Tsyn_Gaba=5.0, Erev_Gaba=-60.0,
                       Tsi=5.0, Ei=-80.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Glu", "Gaba", "Inh"], with_Vm=1,
                                  with_synaptic_currents=True, with_synaptic_conductances=True)
    for k, pre in enumerate(["Gaba", "Glu", "Inh"]):  # Gaba first, from rest
        ntwk.stim.add_spikes(NTWK, "Cell", pre, [0], [2.0 + 5.0 * k])
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    V = data["VMS_Cell"][0]
    G = {pre: data[f"GSYN_{pre}_Cell"][0] for pre in ["Glu", "Gaba", "Inh"]}
    assert all(g.max() > 0 for g in G.values())
    np.testing.assert_allclose(data["ISYNe_Cell"][0], G["Glu"] * (0.0 - V), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(data["ISYNi_Cell"][0], G["Gaba"] * (-60.0 - V) + G["Inh"] * (-80.0 - V),
                               rtol=1e-12, atol=1e-12)
    # the shunting conductance depolarises from rest (a positive current in Ii)
    assert data["ISYNi_Cell"][0, data["t_array"] < 6.9].max() > 0.5 * 5.0 * 10.0
