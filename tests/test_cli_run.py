"""``nnd run MODEL``: a network from a JSON/YAML model file, its HDF5 and figure, its error exits."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from dendrites.cli import main
from network.hdf5 import load_dict_from_hdf5

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TINY_YAML = """\
# a tenth of the reduced RS-FS network, 200 ms
extends: rs-fs-small
N_Exc: 40
N_Inh: 10
tstop: 200.
Inh_tauw: 1e9          # read as a float (PyYAML alone would read a str)
drive: {afferent: AffExc, targets: [Exc, Inh], rate: 8., seed: 32}
connections: {seed: 7}
recording: {raster: true, Vm: 2}
"""


@pytest.fixture
def numpy_back():
    """Put back the code target found before the test (not 'runtime' whatever it was)."""
    import network
    from network.run import code_target

    previous = code_target()
    yield
    network.set_code_target(previous)


def _one_error_line(capsys, cmd):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"nnd {cmd}: error: "), err
    return err[0]


def test_nnd_run_writes_the_seed_api_network(tmp_path, capsys, numpy_back):
    model = tmp_path / "tiny.yaml"
    model.write_text(TINY_YAML)
    out = tmp_path / "out"
    assert main(["run", str(model), "-o", str(out), "--target", "numpy"]) == 0
    printed = capsys.readouterr().out
    assert "rate_Exc" in printed and str(out / "tiny.h5") in printed
    assert (out / "tiny.png").stat().st_size > 10_000
    data = load_dict_from_hdf5(out / "tiny.h5")
    assert data["Model"]["Inh_tauw"] == 1e9 and data["Model"]["N_Exc"] == 40
    assert data["VMS_Exc"].shape == (2, 2000) and data["tRASTER_Exc"].size > 0

    # the same network through the seed API: the same spikes, exactly
    import network as ntwk
    from network.examples import RS_FS_MODEL

    ntwk.set_code_target("numpy")
    M = dict(RS_FS_MODEL, N_Exc=40, N_Inh=10, N_AffExc=400, tstop=200.0, p_Exc_Exc=0.5, p_Exc_Inh=0.5,
             p_Inh_Exc=0.5, p_Inh_Inh=0.5, Inh_tauw=1e9)
    t = np.arange(2000) * 0.1
    NTWK = ntwk.build.populations(M, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"], with_raster=True, with_Vm=2)
    ntwk.build.recurrent_connections(NTWK, SEED=7)
    for pop in ["Exc", "Inh"]:
        ntwk.stim.construct_feedforward_input(NTWK, pop, "AffExc", t, 8.0 + 0 * t, SEED=32)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    ref = ntwk.recording.write_as_hdf5(NTWK, tmp_path / "ref.h5")
    for key in ("tRASTER_Exc", "iRASTER_Exc", "tRASTER_Inh", "VMS_Exc"):
        np.testing.assert_array_equal(data[key], ref[key])


def test_nnd_run_json_with_options(tmp_path, capsys, numpy_back):
    model = tmp_path / "cell.json"
    cell = {"N_Cell": 2, "Cell_Gl": 10.0, "Cell_Cm": 200.0, "Cell_Trefrac": 5.0, "Cell_El": -70.0,
            "Cell_Vthre": -50.0, "Cell_Vreset": -70.0, "Cell_deltaV": 0.0, "Cell_a": 0.0, "Cell_b": 0.0,
            "Cell_tauw": 1e9, "Cell_Iinj": 100.0, "dt": 0.1, "tstop": 100.0, "SEED": 1,
            "recording": {"raster": True, "Vm": 1}}
    model.write_text(json.dumps(cell))
    assert main(["run", str(model), "-o", str(tmp_path), "--no-figure", "-q", "--target", "numpy"]) == 0
    assert not (tmp_path / "cell.png").exists()
    data = load_dict_from_hdf5(tmp_path / "cell.h5")
    # a LIF under 100 pA relaxes to El + I/Gl = -60 mV, below threshold: V(100 ms) within 0.1 mV
    tau = 200.0 / 10.0
    expected = -70.0 + 10.0 * (1 - np.exp(-99.9 / tau))
    assert abs(data["VMS_Cell"][0, -1] - expected) < 0.1 and data["tRASTER_Cell"].size == 0


@pytest.mark.parametrize("name, text, message", [
    ("missing.yaml", None, "cannot read"),
    ("model.txt", "N_Exc: 1", "give a .json, .yaml or .yml"),
    ("bad.yaml", "N_Exc: 4\nN_Inh: [1, 2\n", "line 3"),
    ("bad.json", '{"N_Exc": 4,\n "N_Inh": }', "line 2, column"),
    ("list.yaml", "- 1\n- 2\n", "top level must be a mapping"),
    # a look-alike of a grammar key the Model does not have (Exc_bb beside Exc_b only warns)
    ("typo.yaml", "extends: rs-fs-small\nExc_Iinjj: 3.\n", "looks like a misspelling of 'Exc_Iinj'"),
    ("section.yaml", "extends: rs-fs-small\nrecording: {rastr: true}\n", "recording.rastr"),
    ("drive.yaml", "extends: rs-fs-small\ndrive: {afferent: AffExc}\n", "rate (required)"),
    ("extends.yaml", "extends: rs-fs-big\n", "'rs-fs' and 'rs-fs-small'"),
    # a value that is not a number: one line, not float()'s traceback (review item 2)
    ("word.yaml", "extends: rs-fs-small\ntstop: fifty\n", "Model['tstop'] = 'fifty' is not a number"),
    # a misspelt option section is not kept as a Model key (review item 3)
    ("drvie.yaml", "extends: rs-fs-small\ndrvie: {afferent: AffExc, rate: 4.}\n",
     "did you mean the option section 'drive'?"),
    ("pops.yaml", "extends: rs-fs-small\npopulatons: [Exc]\n", "did you mean the option section 'populations'?"),
])
def test_nnd_run_bad_input_is_one_line_exit_2(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "--target", "numpy"]) == 2
    line = _one_error_line(capsys, "run")
    assert message in line
    if name.startswith(("missing", "model", "bad", "list")):  # file problems name the file
        assert name in line


def test_model_file_errors_have_their_category(tmp_path):
    """Review item 12: malformed files are ModelFileError (ValueError), unreadable ones
    RecordingError (OSError), another extension ParameterError; JSON is read by
    network.model.load_json (comments dropped, the same message as a Model file)."""
    from network.errors import ModelFileError, ParameterError, RecordingError
    from network.sweeps.simulation import read_model_file

    cases = {"bad.json": '{"N_Exc": 4,\n "N_Inh": }', "bad.yaml": "N_Exc: 4\nN_Inh: [1, 2\n",
             "list.yaml": "- 1\n- 2\n", "list.json": "[1, 2]"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(ModelFileError, match=name) as info:
            read_model_file(tmp_path / name)
        assert not isinstance(info.value, OSError)
    (tmp_path / "latin1.yaml").write_bytes(b"N_Exc: 4 # \xe9\n")
    with pytest.raises(ModelFileError, match="not a UTF-8 text file"):
        read_model_file(tmp_path / "latin1.yaml")
    with pytest.raises(RecordingError, match="cannot read"):
        read_model_file(tmp_path / "missing.yaml")
    with pytest.raises(RecordingError, match="cannot read"):
        read_model_file(tmp_path / "missing.json")
    with pytest.raises(ParameterError, match=r"give a \.json, \.yaml or \.yml"):
        read_model_file(tmp_path / "model.txt")
    (tmp_path / "comment.json").write_text('{" - sizes": " ", "N_Exc": 4, "tstop": 100.0}')
    assert read_model_file(tmp_path / "comment.json") == {"N_Exc": 4, "tstop": 100.0}


def test_duplicate_yaml_key_warns(tmp_path):
    from network.errors import ModelKeyWarning
    from network.sweeps.simulation import read_model_file

    (tmp_path / "twice.yaml").write_text("N_Exc: 4\ntstop: 100.\nN_Exc: 8\n")
    with pytest.warns(ModelKeyWarning, match=r"twice.yaml, line 3: key 'N_Exc' is given twice"):
        assert read_model_file(tmp_path / "twice.yaml")["N_Exc"] == 8


def test_description_validates_the_model_and_refuses_misplaced_sections():
    """Review items 2 and 3, in the Python API: UnitError for a word, Quantities converted,
    ModelKeyError for a mapping under a name that is no option section."""
    import brian2 as b2

    from network.errors import ModelKeyError, UnitError
    from network.sweeps.simulation import network_description

    with pytest.raises(UnitError, match="tstop"):
        network_description({"extends": "rs-fs-small", "tstop": "fifty"})
    desc = network_description({"extends": "rs-fs-small", "tstop": 0.3 * b2.second})
    assert desc["Model"]["tstop"] == pytest.approx(300.0, rel=1e-12)
    for bad, hint in (({"drvie": {"afferent": "AffExc", "rate": 4.0}}, "'drive'"),
                      ({"recordings": {"raster": True}}, "'recording'"),
                      ({"drives": [{"afferent": "AffExc", "rate": 4.0}]}, "'drive'"),
                      ({"stuff": {"a": 1}}, "The option sections are")):
        with pytest.raises(ModelKeyError, match=hint):
            network_description(dict({"extends": "rs-fs-small"}, **bad))
    # lists of plain values with other names are the original project's (REC_POPS); '_' annotations pass
    desc = network_description({"extends": "rs-fs-small", "REC_POPS": ["Exc"], "_notes": {"who": "me"}})
    assert desc["Model"]["REC_POPS"] == ["Exc"] and desc["drive"][0]["afferent"] == "AffExc"


def test_nnd_run_leaves_the_code_target_as_it_was(tmp_path, capsys, numpy_back):
    """Review item 28: the target is set around the run and the previous one put back."""
    import network
    from network.run import code_target

    model = tmp_path / "tiny.yaml"
    model.write_text("extends: rs-fs-small\nN_Exc: 4\nN_Inh: 1\nN_AffExc: 20\ntstop: 20.\n")
    network.set_code_target("numpy")
    assert main(["run", str(model), "-o", str(tmp_path), "--no-figure", "-q", "--target", "runtime"]) == 0
    assert code_target() == "numpy" and (tmp_path / "tiny.h5").exists()


def test_nnd_run_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    model = tmp_path / "tiny.yaml"
    model.write_text(TINY_YAML)
    (tmp_path / "file").write_text("not a folder")
    assert main(["run", str(model), "-o", str(tmp_path / "file" / "out"), "--target", "numpy", "-q"]) == 2
    assert "cannot create the output folder" in _one_error_line(capsys, "run")


def test_nnd_run_error_has_no_traceback_in_a_real_process(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("extends: rs-fs-small\nN_Exc: -3\n")
    out = subprocess.run([sys.executable, "-c", "import sys; from dendrites.cli import main; sys.exit(main())",
                          "run", str(path)], capture_output=True, text=True, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=ROOT))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().startswith("nnd run: error: Model['N_Exc'] = -3")


def test_help_texts_have_examples(capsys):
    for cmd in ("run", "sweep"):
        with pytest.raises(SystemExit) as exit_info:
            main([cmd, "--help"])
        assert exit_info.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"nnd {cmd} " in text
