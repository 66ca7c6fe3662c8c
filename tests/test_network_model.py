"""Bad Model input gets the toolkit's own errors, naming the key and the fix."""

import re
import warnings

import numpy as np
import pytest

import network as ntwk
from network import model
from network.errors import UnitError
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


@pytest.mark.parametrize("typo, meant", [
    ("Exc_Vthr", "Exc_Vthre"), ("Q_Exc_Ihn", "Q_Exc_Inh"), ("tstp", "tstop"), ("Inh_tau_w", "Inh_tauw"),
    ("exc_Trefac", "Exc_Trefrac"), ("DT", "dt"),
])
def test_misspelling_of_an_absent_key_is_an_error(typo, meant):
    M = _model(**{meant: None, typo: RS_FS_MODEL[meant]})
    with pytest.raises(ntwk.ModelKeyError, match=f"'{typo}' looks like a misspelling of '{meant}'.*does not have"):
        _build(M)


def test_errors_name_key_population_and_unit():
    with pytest.raises(ntwk.ModelKeyError, match=r"'Exc_Vthr' looks like a misspelling of 'Exc_Vthre' "
                                                 r"\(the spike threshold of population 'Exc' in mV\)"):
        model.validate_model(_model(Exc_Vthre=None, Exc_Vthr=-50.0))
    with pytest.raises(ntwk.ModelKeyError, match=r"'Q_Exc_Ihn'.*\(the synaptic weight of the projection "
                                                 r"Exc->Inh in nS\)"):
        model.validate_model(_model(Q_Exc_Inh=None, Q_Exc_Ihn=1.0))
    with pytest.raises(ntwk.ModelKeyError, match=r"Missing Model key 'N_Inh'.*number of neurons of population 'Inh'"):
        model.get(_model(N_Inh=None), "N_Inh")


@pytest.mark.parametrize("typo, meant", [
    ("Exc_Vthr", "Exc_Vthre"), ("Q_Exc_Ihn", "Q_Exc_Inh"), ("tstp", "tstop"), ("Inh_tau_w", "Inh_tauw"),
    ("Exc_delta_v", "Exc_deltaV"), ("Exc_bb", "Exc_b"), ("Inh_Gll", "Inh_Gl"), ("Exc_Cn", "Exc_Cm"),
])
def test_misspelling_of_a_present_key_warns_and_is_kept(typo, meant):
    M = _model(**{typo: 1.0})
    with pytest.warns(model.ModelKeyWarning, match=f"'{typo}' looks like a misspelling of '{meant}'.*also has"):
        plain = model.plain_model(M)
    assert plain[typo] == 1.0 and plain[meant] == RS_FS_MODEL[meant]
    # typed and filterable: an error on request, silence on request
    with warnings.catch_warnings():
        warnings.simplefilter("error", model.ModelKeyWarning)
        with pytest.raises(model.ModelKeyWarning):
            model.validate_model(M)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=model.ModelKeyWarning)
        model.validate_model(M)
    assert not caught


def _key_warnings(M):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = model.plain_model(M)
    return plain, [str(w.message) for w in caught if issubclass(w.category, model.ModelKeyWarning)]


def test_user_parameters_are_kept_silently():
    """Any key outside the grammar; a key differing from a present one only by case too (DT, dt)."""
    extra = {"Faff1": 4.0, "rise": 50.0, "F_AffExc": 10.0, "DT": 900.0, "TSTOP": 3.0, "F_Exc": 1.0, "BG-SEED": 3, "REC_POPS": ["Exc", "Inh"],
             "label": "control", "Vm_tzoom": [500, 700]}
    plain, caught = _key_warnings(_model(**extra))
    assert caught == []
    for key, value in extra.items():
        assert plain[key] == value


@pytest.mark.parametrize("key, text", [
    ("Q_Thal_Exc", r"names population\(s\) \['Thal'\] that no 'N_<pop>' key declares"),
    ("Tsyn_Thal", r"\['Thal'\]"),
    ("SpatialDecay_Exc_Exc", "does not read.*ring_connections"),
    ("Delay_Exc_Exc", "does not read.*delay_min"),
    ("V0", "does not read"),
])
def test_keys_kept_but_not_used_are_announced(key, text):
    plain, caught = _key_warnings(_model(**{key: 1.0}))
    assert plain[key] == 1.0
    assert len(caught) == 1 and re.search(text, caught[0]), caught


@pytest.mark.parametrize("key, candidates, expected", [
    ("F_AffExc", ["N_AffExc", "p_AffExc_Exc"], []),
    ("Faff1", ["dt", "tstop", "Tse", "Ee"], []),
    ("RecExc_delta_v", ["RecExc_deltaV", "RecExc_Vthre"], ["RecExc_deltaV"]),
    ("DT", ["dt", "tstop"], ["dt"]),
    ("Q_Exc_Ihn", ["Q_Exc_Inh", "Q_Inh_Exc"], ["Q_Exc_Inh"]),
    ("Exc_Trefarc", ["Exc_Trefrac"], ["Exc_Trefrac"]),
    ("Exc_Trfc", ["Exc_Trefrac"], []),
    ("PyrExc_Vthre", ["PvrExc_Vthre"], ["PvrExc_Vthre"]),
    ("Q_Exc_Exc", ["Q_Exc_Inh"], []),
])
def test_look_alike_keys(key, candidates, expected):
    assert model.look_alike_keys(key, candidates) == expected


@pytest.mark.parametrize("key, candidates, expected", [
    ("Exc_bb", ["Exc_b", "Exc_a"], ["Exc_b"]),  # one inserted character in a short part
    ("Exc_G", ["Exc_Gl"], ["Exc_Gl"]),  # one deleted character
    ("Exc_Cn", ["Exc_Cm", "Exc_Gl"], ["Exc_Cm"]),  # one substitution between 2-character parts
    ("F_AffExc", ["N_AffExc"], []),  # single-character parts are never substituted
    ("Exc_ab", ["Exc_b"], ["Exc_b"]),
    ("Exc_xyz", ["Exc_b"], []),  # two edits
])
def test_look_alike_keys_with_short_parts(key, candidates, expected):
    assert model.look_alike_keys(key, candidates, short_parts=True) == expected
    assert model.look_alike_keys(key, candidates) == []  # without short_parts: the former rule


def test_short_part_look_alike_of_an_absent_key_is_hinted_not_refused():
    """Exc_bb without Exc_b: not refused as a typo at validation (short parts only warn),
    but the missing key's error suggests it."""
    with pytest.raises(ntwk.ModelKeyError, match=r"Missing Model key 'Exc_b'.*the Model has 'Exc_bb'"):
        _build(_model(Exc_b=None, Exc_bb=1.0))

def test_missing_key_names_key_population_and_unit():
    with pytest.raises(ntwk.ModelKeyError, match=r"'Inh_tauw' for population 'Inh'.*adaptation time constant of population 'Inh' in ms"):
        _build(_model(Inh_tauw=None))
    with pytest.raises(ntwk.ModelKeyError, match="'Ei'.*'Inh'"):
        _build(_model(Ei=None))
    with pytest.raises(ntwk.ModelKeyError, match="SEED"):
        _build(_model(SEED=None))


@pytest.mark.parametrize("key, value, text", [
    ("N_Exc", -5, "non-negative integer"), ("N_Inh", 10.5, "non-negative integer"),
    ("p_Exc_Inh", 1.2, r"in \[0, 1\]"), ("Q_Inh_Exc", -4.0, ">= 0"), ("Tse", 0.0, "> 0"),
    ("Exc_tauw", -1.0, "> 0"), ("dt", 0.0, "> 0"), ("dt", -0.1, "> 0"), ("Exc_Cm", float("nan"), "> 0"),
    ("SEED", -1, "non-negative integer"), ("SEED", 2.5, "non-negative integer"),
])
def test_out_of_range_values(key, value, text):
    with pytest.raises(ntwk.ModelValueError, match=f"Model\\['{key}'\\].*{text}"):
        _build(_model(**{key: value}))


@pytest.mark.parametrize("key, value", [("Exc_Gl", "10"), ("Exc_Gl", True), ("dt", "0.1"), ("Q_Exc_Inh", [1.0, 2.0])])
def test_values_that_are_not_numbers(key, value):
    with pytest.raises((UnitError, ntwk.ModelValueError), match=f"Model\\['{key}'\\]"):
        model.validate_model(_model(**{key: value}))


def test_quantities_of_the_right_dimension_are_converted_in_the_model():
    import brian2 as b2

    M = _model(Exc_Gl=0.01 * b2.uS, Exc_Cm=200 * b2.pF, dt=100 * b2.us, tstop=1.5 * b2.second, Tse=5 * b2.ms,
               Ee=0 * b2.mV, Q_Inh_Exc=4 * b2.nS, Exc_b=0.04 * b2.nA, p_Exc_Exc=0.05 * b2.Hz / b2.Hz)
    plain = model.plain_model(M)
    for key in ("Exc_Gl", "Exc_Cm", "dt", "tstop", "Tse", "Ee", "Q_Inh_Exc", "Exc_b", "p_Exc_Exc"):
        assert isinstance(plain[key], float)
        assert plain[key] == pytest.approx(RS_FS_MODEL[key], rel=1e-12), key
    assert model.get(M, "tstop") == pytest.approx(1500.0)
    assert model.synaptic_parameters(M, "AffExc") == pytest.approx((5.0, 0.0))
    assert model.cell_parameters(M, "Exc")["Gl"] == pytest.approx(10.0)


@pytest.mark.parametrize("key, value", [("Exc_Gl", 10.0), ("dt", 0.1), ("Ee", 0.0), ("N_Exc", 4000)])
def test_quantities_of_the_wrong_dimension_are_unit_errors(key, value):
    import brian2 as b2

    wrong = value * (b2.mV if key != "Ee" else b2.ms)
    with pytest.raises(UnitError, match=f"Model\\['{key}'\\].*dimension"):
        model.validate_model(_model(**{key: wrong}))


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


def test_plain_array_converts_quantities_and_refuses_other_dimensions():
    import brian2 as b2

    np.testing.assert_allclose(model.plain_array(np.arange(3) * b2.second, "t", "ms"), [0.0, 1000.0, 2000.0])
    np.testing.assert_allclose(model.plain_array([5 * b2.ms, 6 * b2.ms], "times", "ms"), [5.0, 6.0])
    np.testing.assert_allclose(model.plain_array(2 * b2.kHz, "rate", "Hz"), 2000.0)
    np.testing.assert_array_equal(model.plain_array([1, 2], "t", "ms"), [1.0, 2.0])
    with pytest.raises(UnitError, match="times.*dimension"):
        model.plain_array([5 * b2.mV, 6 * b2.mV], "times", "ms")
    with pytest.raises(UnitError, match="mixes Quantities"):
        model.plain_array([5 * b2.ms, 6 * b2.mV], "times", "ms")
    with pytest.raises(UnitError, match="rate.*numbers in Hz"):
        model.plain_array(["a", "b"], "rate", "Hz", dtype=None)


def test_network_functions_take_quantities(numpy_target):
    """The unit policy at the build level: a Quantity is converted, not read in SI units."""
    import brian2 as b2

    NTWK = _small()[0]
    S = ntwk.build.connect(NTWK, "Exc", "Inh", [0, 1], [1, 2], weights=[1.0, 2.0] * b2.nS, delays=1.5 * b2.ms)
    np.testing.assert_allclose(np.asarray(S.delay[:] / b2.ms), 1.5)
    np.testing.assert_allclose(np.asarray(S.wsyn[:] / b2.nS), [1.0, 2.0])
    with pytest.raises(UnitError, match="dimension"):
        ntwk.build.connect(_small()[0], "Exc", "Inh", [0], [1], delays=1.5 * b2.mV)


def test_seed_helpers():
    assert model.check_seed(5) == 5 and model.check_seed(np.int64(5)) == 5 and model.check_seed(5.0) == 5
    with pytest.raises(ntwk.ModelValueError, match=r"seed=4294967296 must be an integer seed in \[0, 2\*\*32\)"):
        model.check_seed(2**32, "seed")
    a = np.random.default_rng(model.seed_sequence(3, "Exc", "Inh")).random(3)
    b = np.random.default_rng(model.seed_sequence(3, "Exc", "Inh")).random(3)
    c = np.random.default_rng(model.seed_sequence(3, "Inh", "Exc")).random(3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_model_key_warnings_point_at_the_users_line(tmp_path):
    """Whatever the depth of the toolkit's calls (plain_model, build.populations, load_json),
    the ModelKeyWarning is attributed to the caller's file, here this test file."""
    import brian2  # noqa: F401  (imported first: its import redirects warnings.showwarning to logging)

    M = _model(Exc_Vthr=1.0)
    with pytest.warns(model.ModelKeyWarning) as direct:
        model.plain_model(M)
    with pytest.warns(model.ModelKeyWarning) as built:
        _build(M)
    path = tmp_path / "twice.json"
    path.write_text('{"tstop": 10.0, "tstop": 20.0}')
    with pytest.warns(model.ModelKeyWarning, match="given twice") as loaded:
        model.load_json(path)
    for record in (direct, built, loaded):
        files = [w.filename for w in record if issubclass(w.category, model.ModelKeyWarning)]
        assert files and set(files) == {__file__}, files
