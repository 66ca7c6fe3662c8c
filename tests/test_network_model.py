"""Bad Model input gets the toolkit's own errors, naming the key and the fix."""

import numpy as np
import pytest

import network as ntwk
from network.examples import RS_FS_MODEL


def _model(**changes):
    M = dict(RS_FS_MODEL)
    for k, v in changes.items():
        if v is None:
            M.pop(k)
        else:
            M[k] = v
    return M


def _build(M, pops=("Exc", "Inh")):
    return ntwk.build.populations(M, list(pops), AFFERENT_POPULATIONS=["AffExc"])


@pytest.mark.parametrize("typo, suggestion", [
    ("Exc_Vthr", "Exc_Vthre"), ("Q_Exc_Ihn", "Q_Exc_Inh"), ("tstp", "tstop"), ("Inh_tau_w", "Inh_tauw"),
])
def test_misspelt_key_is_named_with_a_suggestion(typo, suggestion):
    M = _model(**{typo: 1.0})
    with pytest.raises(ntwk.ModelKeyError, match=f"Unknown Model key '{typo}'.*'{suggestion}'"):
        _build(M)


def test_missing_key_names_key_population_and_unit():
    with pytest.raises(ntwk.ModelKeyError, match=r"'Inh_tauw' for population 'Inh'.*adaptation time constant in ms"):
        _build(_model(Inh_tauw=None))
    with pytest.raises(ntwk.ModelKeyError, match="'Ei'.*'Inh'"):
        _build(_model(Ei=None))
    with pytest.raises(ntwk.ModelKeyError, match="SEED"):
        _build(_model(SEED=None))


@pytest.mark.parametrize("key, value, text", [
    ("N_Exc", -5, "non-negative integer"), ("N_Inh", 10.5, "non-negative integer"),
    ("p_Exc_Inh", 1.2, r"in \[0, 1\]"), ("Q_Inh_Exc", -4.0, ">= 0"), ("Tse", 0.0, "> 0"),
    ("Exc_tauw", -1.0, "> 0"), ("dt", 0.0, "> 0"), ("dt", -0.1, "> 0"), ("Exc_Cm", float("nan"), "> 0"),
    ("Exc_Gl", "10", "not a number"), ("SEED", -1, "non-negative integer"), ("SEED", 2.5, "non-negative integer"),
])
def test_out_of_range_values(key, value, text):
    with pytest.raises(ntwk.ModelValueError, match=f"Model\\['{key}'\\].*{text}"):
        _build(_model(**{key: value}))


def test_quantities_are_refused_in_the_model_dict():
    import brian2

    with pytest.raises(ntwk.ModelValueError, match="plain numbers.*nS"):
        _build(_model(Exc_Gl=10 * brian2.nS))


def test_unknown_population_names():
    with pytest.raises(ntwk.ModelKeyError, match="'Pyr' has no 'N_Pyr'"):
        _build(RS_FS_MODEL, pops=("Exc", "Pyr"))
    with pytest.raises(ntwk.ModelKeyError, match="may not contain '_'"):
        _build(_model(N_Aff_Exc=10))


def test_user_annotations_are_kept_not_interpreted():
    NTWK = _build(_model(_experiment="control", _date="2026-11-25"))
    assert NTWK["Model"]["_experiment"] == "control"


def test_oscillation_needs_its_frequency():
    with pytest.raises(ntwk.ModelKeyError, match="Exc_Ioscill_freq"):
        _build(_model(Exc_Ioscill_amp=20.0))


@pytest.mark.parametrize("changes, text", [
    ({"tstop": 100.05}, r"tstop'\] = 100.05 ms is not a whole number.*multiple of dt"),
    ({"tstop": 0.05}, "not a whole number"),
    ({"N_Inh": 0}, r"N_Inh'\] = 0: a simulated population needs at least one cell"),
    ({"Exc_Vreset": -40.0}, "Exc_Vreset = -40 mV is not below the spike-detection level -40 mV"),
    ({"Tse": 0.1}, r"dt'\] = 0.1 ms is not below the synaptic decay time of 'Exc'"),
    ({"Inh_tauw": 0.05}, "adaptation time constant Inh_tauw"),
    ({"Exc_Cm": 0.5}, "membrane time constant Exc_Cm/Exc_Gl = 0.05 ms"),
])
def test_values_that_break_the_integration(changes, text):
    """A run must have whole steps, cells must be able to stop firing, Euler must decay."""
    with pytest.raises(ntwk.ModelValueError, match=text):
        _build(_model(**changes))


@pytest.mark.parametrize("kwargs, error, text", [
    ({"NEURONS": ["Exc", "Exc", "Inh"]}, ntwk.ModelValueError, r"NEURONS lists \['Exc'\] more than once"),
    ({"AFFERENT_POPULATIONS": ["AffExc", "AffExc"]}, ntwk.ModelValueError, "AFFERENT_POPULATIONS lists"),
    ({"NEURONS": "Exc"}, ntwk.ModelValueError, "must be a list of population names"),
    ({"with_Vm": 1001}, ntwk.ModelValueError, r"with_Vm = 1001: give a number of cells in \[0, 1000\].*'Inh'"),
    ({"with_Vm": -2}, ntwk.ModelValueError, "with_Vm = -2"),
    ({"with_Vm": 2.5}, ntwk.ModelValueError, "with_Vm = 2.5"),
    ({"with_Vm": True}, ntwk.ModelValueError, "with_Vm = True"),
    ({"with_Vm": {"Exx": 3}}, ntwk.ModelKeyError, r"with_Vm names \['Exx'\]"),
    ({"with_Vm": {"Inh": [0, 1000]}}, ntwk.ModelValueError, r"with_Vm\['Inh'\]: cell indices must be in \[0, 1000\)"),
    ({"with_Vm": {"Inh": [0.5]}}, ntwk.ModelValueError, "whole cell indices"),
])
def test_bad_population_arguments(kwargs, error, text):
    args = dict(NEURONS=["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"])
    args.update(kwargs)
    with pytest.raises(error, match=text):
        ntwk.build.populations(dict(RS_FS_MODEL), **args)


def _small():
    M = dict(RS_FS_MODEL, N_Exc=40, N_Inh=10, N_AffExc=20, tstop=10.0)
    return ntwk.build.populations(M, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"]), np.arange(100) * 0.1


@pytest.mark.parametrize("SEED", [-1, 2.5, "5", None, True])
def test_every_seed_argument_is_checked(SEED):
    """Seeds are non-negative integers: no silent int('5'), no negative values wrapped around."""
    calls = [
        lambda N, t: ntwk.build.recurrent_connections(N, SEED=SEED),
        lambda N, t: ntwk.stim.construct_feedforward_input(N, "Exc", "AffExc", t, 4.0 + 0 * t, SEED=SEED),
        lambda N, t: ntwk.build.ring_connections(N, "Exc", "Exc", 0.1, SEED=SEED),
        lambda N, t: ntwk.build.initialize_to_random(N, SEED=SEED),
    ]
    for call in calls:
        with pytest.raises(ntwk.ModelValueError, match="SEED"):
            call(*_small())


def test_brian2_quantities_are_refused_where_numpy_would_convert_them_silently():
    """np.asarray(10*ms) is 0.01 (seconds): every network argument must be plain numbers."""
    import brian2 as b2

    t = np.arange(100) * 0.1
    calls = {
        "rate_array": lambda N: ntwk.stim.construct_feedforward_input(N, "Exc", "AffExc", t, (4 + 0 * t) * b2.Hz,
                                                                     SEED=1),
        "t_array": lambda N: ntwk.stim.construct_feedforward_input(N, "Exc", "AffExc", t * b2.ms, 4 + 0 * t,
                                                                  SEED=1),
        "times": lambda N: ntwk.stim.add_spikes(N, "Exc", "AffExc", [0, 1], [5.0 * b2.ms, 6.0 * b2.ms]),
        "weights": lambda N: ntwk.build.connect(N, "Exc", "Inh", [0], [1], weights=[1.0] * b2.nS),
        "delays": lambda N: ntwk.build.connect(N, "Exc", "Inh", [0], [1], delays=1.5 * b2.ms),
    }
    for name, call in calls.items():
        with pytest.raises(ntwk.ModelValueError, match=f"{name}( of Exc->Inh)? is a brian2 Quantity.*plain numbers"):
            call(_small()[0])
