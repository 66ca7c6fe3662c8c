"""Bad Model input gets the toolkit's own errors, naming the key and the fix."""

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
    ("Exc_Gl", "10", "not a number"),
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
