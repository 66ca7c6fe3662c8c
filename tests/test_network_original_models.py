"""The original project's Model dicts and JSON files build as they are (issue 6, section 7).

The fixtures under ``tests/data/original_models/`` are the dict literals of the
original ``demo/3pop_model.py`` and ``demo/from_papers/Zerlaut_et_al_2019.py`` and
two of its JSON parameter files, copied as data (see the README there).
"""

import json
import pathlib
import warnings

import numpy as np
import pytest

import network as ntwk
from network import model
from network.errors import RecordingError

DATA = pathlib.Path(__file__).parent / "data" / "original_models"


def _load(name):
    with open(DATA / f"{name}.json") as f:
        return json.load(f)


def _key_warnings(M):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = model.plain_model(M)
    return plain, sorted(str(w.message).split("'")[1] for w in caught
                         if issubclass(w.category, model.ModelKeyWarning))


def _reduced(M, factor=10):
    """Population sizes / factor, probabilities x factor (same in-degrees), a short run."""
    R = dict(M)
    for key, value in M.items():
        if key.startswith("N_"):
            R[key] = value // factor
        elif key.startswith("p_"):
            R[key] = min(1.0, value * factor)
    R["tstop"] = 20.0
    return R


def test_3pop_model_validates_silently_with_the_original_inference():
    M = _load("3pop_model")
    plain, caught = _key_warnings(M)
    assert caught == []
    assert plain == M
    # source populations of every kind: the exact key (Exc, Inh are populations),
    # and the class keys for AffExc and DsInh (names containing Exc / Inh)
    expected = {
        ("Exc", "Inh"): (1.0, 0.02, 5.0, 0.0, ("Tsyn_Exc", "Erev_Exc")),
        ("Inh", "Exc"): (10.0, 0.02, 5.0, -80.0, ("Tsyn_Inh", "Erev_Inh")),
        ("DsInh", "Inh"): (10.0, 0.02, 5.0, -80.0, ("Tsyn_Inh", "Erev_Inh")),
        ("AffExc", "DsInh"): (3.0, 0.1, 5.0, 0.0, ("Tsyn_Exc", "Erev_Exc")),
    }
    for (pre, post), (Q, p, tsyn, erev, keys) in expected.items():
        got = model.projection_parameters(M, pre, post)
        assert (got["Q"], got["p"], got["Tsyn"], got["Erev"], got["keys"]) == (Q, p, tsyn, erev, keys)
        assert got["psyn"] == 1.0 and got["delay"] is None
    # pairs without Q have no conductance at all, as in the original
    assert model.projection_parameters(M, "Exc", "DsInh") is None
    assert model.projection_parameters(M, "DsInh", "Exc") is None


def test_zerlaut_2019_validates_keeping_user_parameters_and_flagging_leftovers():
    M = _load("Zerlaut_et_al_2019")
    plain, caught = _key_warnings(M)
    # the leftovers *_delta_v beside *_deltaV: kept, announced; DT (the plateau duration,
    # beside the step dt) is a deliberate name: kept silently
    assert caught == ["DsInh_delta_v", "RecExc_delta_v", "RecInh_delta_v"]
    for key in ("Faff1", "Faff2", "Faff3", "DT", "rise", "F_AffExc", "RecExc_delta_v"):
        assert plain[key] == M[key]
    assert model.population_names(M) == ["RecExc", "RecInh", "AffExc", "DsInh"]
    expected = {
        ("RecExc", "RecInh"): (2.0, 0.05, 0.0), ("RecInh", "RecExc"): (10.0, 0.05, -80.0),
        ("AffExc", "RecExc"): (4.0, 0.1, 0.0), ("AffExc", "DsInh"): (4.0, 0.075, 0.0),
        ("DsInh", "RecInh"): (10.0, 0.05, -80.0),
    }
    for (pre, post), (Q, p, erev) in expected.items():
        got = model.projection_parameters(M, pre, post)
        assert (got["Q"], got["p"], got["Tsyn"], got["Erev"]) == (Q, p, 5.0, erev), (pre, post)
    assert model.synaptic_keys(M, "RecExc") == ("Tsyn_Exc", "Erev_Exc")
    assert model.synaptic_keys(M, "DsInh") == ("Tsyn_Inh", "Erev_Inh")
    # the cells are LIF (deltaV 0), RecInh with its own threshold
    assert model.cell_parameters(M, "RecInh")["Vthre"] == -53.0
    assert model.cell_parameters(M, "RecExc")["deltaV"] == 0.0


@pytest.mark.parametrize("name, pops, afferents", [
    ("3pop_model", ["Exc", "Inh", "DsInh"], ["AffExc"]),
    ("Zerlaut_et_al_2019", ["RecExc", "RecInh", "DsInh"], ["AffExc"]),
])
def test_original_dicts_build_with_the_inferred_conductances(numpy_target, name, pops, afferents):
    import brian2 as b2

    M = _reduced(_load(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", model.ModelKeyWarning)
        NTWK = ntwk.build.populations(M, pops, AFFERENT_POPULATIONS=afferents)
        ntwk.build.recurrent_connections(NTWK, SEED=5)
    for post in pops:
        G = NTWK["NEURONS"][post]
        for pre in NTWK["PRESYNAPTIC"][post]:
            tsyn, erev = model.synaptic_parameters(M, pre)
            assert float(getattr(G, f"Tsyn_{pre}") / b2.ms) == pytest.approx(tsyn)
            assert float(getattr(G, f"Erev_{pre}") / b2.mV) == pytest.approx(erev)
            assert float(getattr(G, f"Q_{pre}") / b2.nS) == M[f"Q_{pre}_{post}"]
    # every recurrent pair with p and Q is connected with its in-degree
    for (pre, post), (i, j) in NTWK["CONNECTIVITY"].items():
        K = round(M[f"p_{pre}_{post}"] * M[f"N_{pre}"])
        assert np.all(np.bincount(j, minlength=M[f"N_{post}"]) == K)


@pytest.mark.filterwarnings("ignore::network.model.ModelKeyWarning")
def test_typos_in_original_dicts_are_still_caught():
    M = _load("Zerlaut_et_al_2019")
    typo = dict(M)
    typo["RecInh_Vthr"] = typo.pop("RecInh_Vthre")
    with pytest.raises(ntwk.ModelKeyError, match="'RecInh_Vthr' looks like a misspelling of 'RecInh_Vthre'"):
        model.validate_model(typo)
    missing = {k: v for k, v in M.items() if k != "Erev_Inh"}
    with pytest.raises(ntwk.ModelKeyError, match="'Erev_DsInh' for synapses from population 'DsInh'.*in mV.*'Erev_Inh'"):
        model.synaptic_parameters(missing, "DsInh")
    no_class = {k: v for k, v in M.items() if k not in ("Tsyn_Exc",)}
    no_class["N_Thal"] = 10
    with pytest.raises(ntwk.ModelKeyError, match="'Tsyn_Thal'.*neither 'Exc' nor 'Inh'.*ms"):
        model.synaptic_parameters(no_class, "Thal")


def test_precedence_of_the_synaptic_keys():
    base = {"N_AffExc": 10, "N_ExcInh": 10, "N_DsInh": 10}
    cases = [
        ({"Tsyn_AffExc": 3.0, "Tsyn_Exc": 5.0, "Tse": 7.0, "Erev_Exc": 0.0}, "AffExc", (3.0, 0.0)),
        ({"Tsyn_Exc": 5.0, "Erev_Exc": 0.0}, "AffExc", (5.0, 0.0)),
        ({"Tse": 7.0, "Ee": -5.0}, "AffExc", (7.0, -5.0)),
        ({"Tsyn_Exc": 5.0, "Ee": -5.0}, "AffExc", (5.0, -5.0)),  # decay and reversal independently
        ({"Tsyn_Inh": 10.0, "Ei": -75.0, "Tsyn_Exc": 5.0, "Ee": 0.0}, "DsInh", (10.0, -75.0)),
        ({"Tsyn_Inh": 10.0, "Ei": -75.0, "Tsyn_Exc": 5.0, "Ee": 0.0}, "ExcInh", (5.0, 0.0)),  # Exc first
    ]
    for extra, pre, expected in cases:
        assert model.synaptic_parameters({**base, **extra}, pre) == expected, (extra, pre)
    with pytest.warns(model.ModelKeyWarning, match="both 'Tsyn_Exc' = 5 and 'Tse' = 7 apply; 'Tsyn_Exc'"):
        assert model.synaptic_parameters({**base, "Tsyn_Exc": 5.0, "Tse": 7.0, "Ee": 0.0}, "AffExc") == (5.0, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.synaptic_parameters({**base, "Tsyn_Exc": 5.0, "Tse": 5.0, "Ee": 0.0}, "AffExc")  # agree: silent


# ----------------------------------------------------------------------------- JSON


def test_load_json_of_the_original_rs_fs_file():
    M = model.load_json(DATA / "RS-FS_2017_params.json")
    assert not any(" " in key for key in M)
    assert M["REC_POPS"] == ["RecExc", "RecInh"] and M["AFF_POPS"] == ["AffExc"]
    assert M["N_RecExc"] == 4000 and M["RecInh_tauw"] == 1e9 and M["F_AffExc"] == 5.0
    with open(DATA / "RS-FS_2017_params.json") as f:
        raw = json.load(f)
    assert M == {k: v for k, v in raw.items() if " " not in k}
    plain, caught = _key_warnings(M)
    assert caught == []
    assert model.synaptic_parameters(M, "RecInh") == (5.0, -80.0)
    assert model.synaptic_parameters(M, "AffExc") == (5.0, 0.0)
    # the file with repeated comment keys and a comment beside a value on one line
    F = model.load_json(str(DATA / "fixed-point-basis.json"))
    assert F["N_AffExc"] == 3200 and F["Tsyn_Inh"] == 10.0 and F["F_Exc_max"] == 35.0
    assert not any(" " in key for key in F)
    model.validate_model(F)


def test_load_json_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "N_Exc": 10,\n  "N_Inh": 5,\n}\n')
    with pytest.raises(model.ModelFileError, match=r"bad.json, line 4, column 1: .*the line reads '}'"):
        model.load_json(bad)
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    with pytest.raises(model.ModelFileError, match="holds a JSON list, not an object"):
        model.load_json(listing)
    with pytest.raises(RecordingError, match="cannot read the Model file"):
        model.load_json(tmp_path / "absent.json")
    twice = tmp_path / "twice.json"
    twice.write_text('{"N_Exc": 10, " a comment": 0, " a comment": 1, "N_Exc": 20}')
    with pytest.warns(model.ModelKeyWarning, match="'N_Exc' is given twice; the last value \\(20\\)"):
        assert model.load_json(twice) == {"N_Exc": 20}
    assert issubclass(model.ModelFileError, ValueError) and issubclass(model.ModelFileError, ntwk.NetworkError)
