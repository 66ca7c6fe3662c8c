"""The original project's RS-FS example: the API contract and the network's regime."""

import re
from pathlib import Path

import numpy as np
import pytest

import network as ntwk
from network import analysis
from network.examples import run_rs_fs

from plain_reference import run_plain_rs_fs

README = Path(__file__).resolve().parents[1] / "README.md"
#: the seed project's usage block, shipped with the tests (the seed README's ``import ntwk`` block)
SEED_BLOCK = Path(__file__).resolve().parent / "data" / "seed_usage_example.txt"
SEED_README = Path(__file__).resolve().parents[2] / "shared" / "seed" / "README.md"

# the reduced network keeps the in-degrees of the full one (200 Exc, 50 Inh inputs per cell)
SMALL = {"N_Exc": 1000, "N_Inh": 250, "p_Exc_Exc": 0.2, "p_Exc_Inh": 0.2, "p_Inh_Exc": 0.2,
         "p_Inh_Inh": 0.2, "tstop": 1500.0}


def _readme_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    (code,) = [b for b in blocks if "import network as ntwk" in b]
    return code


def test_readme_example_is_the_seed_example_but_for_the_import():
    seed = SEED_BLOCK.read_text()
    assert "import ntwk #" in seed
    assert _readme_example() == seed.replace("import ntwk #", "import network as ntwk #")


if SEED_README.exists():  # beside the seed project (the CI layout): the fixture is its block
    def test_seed_block_fixture_is_the_seed_readme_block():
        seed_blocks = re.findall(r"```\n(.*?)```", SEED_README.read_text(), re.S)
        (seed,) = [b for b in seed_blocks if "import ntwk" in b]
        assert SEED_BLOCK.read_text() == seed


@pytest.mark.slow
def test_readme_example_runs_unchanged(tmp_path, monkeypatch):
    """The full-size seed example (5000 cells, 1.5 s) runs and writes its file."""
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    namespace = {}
    exec(compile(_readme_example(), "README.md", "exec"), namespace)
    data = ntwk.recording.load_dict_from_hdf5(tmp_path / "RS-FS_data.h5")
    assert data["N_Exc"] == 4000 and data["Model"] == namespace["Model"]
    # each cell has exactly round(p N) recurrent inputs (fixed in-degree)
    i, j = namespace["NTWK"]["CONNECTIVITY"][("Exc", "Inh")]
    assert np.all(np.bincount(j, minlength=1000) == 200)
    # the reference: the same network written in plain brian2 gives exactly these spikes
    plain = run_plain_rs_fs(4000, 1000, 0.05)
    for pop in ("Exc", "Inh"):
        np.testing.assert_array_equal(data[f"tRASTER_{pop}"], plain[pop][0])
        np.testing.assert_array_equal(data[f"iRASTER_{pop}"], plain[pop][1])
    assert len(data["tRASTER_Exc"]) > 1000
    assert len(namespace["AX"]) >= 4
    plt.close("all")


# Regime of the reduced network, measured over the Model seeds 1..10 (window 200-1500 ms,
# run_rs_fs with connectivity seed 5 and drive seed 32, 10 runs): mean rate Exc
# 1.978 +- 0.053 Hz, Inh 7.539 +- 0.084 Hz, mean ISI CV of the Exc cells 0.655 +- 0.020,
# rate ratio bump (900-1100 ms) / baseline (300-700 ms) 2.86 +- 0.42 (mean +- sd over the
# seeds).  The tests allow 5 sd about these means.
SPREAD = {"rate_exc": (1.978, 0.053), "rate_inh": (7.539, 0.084), "cv": (0.655, 0.020), "bump": (2.86, 0.42)}


def _within(name, value):
    mean, sd = SPREAD[name]
    assert abs(value - mean) < 5 * sd, (name, value, mean, sd)


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("rsfs")
    a = run_rs_fs(out / "a", Model=SMALL, figure=True, verbose=False)
    b = run_rs_fs(out / "b", Model=SMALL, figure=False, verbose=False)
    c = run_rs_fs(out / "c", Model=dict(SMALL, SEED=4), figure=False, verbose=False)
    return a, b, c


@pytest.mark.slow
def test_small_network_equals_plain_brian2(small_runs):
    """The toolkit's reduced RS-FS network gives exactly the spikes of the same network
    written directly in brian2 (tests/plain_reference.py)."""
    plain = run_plain_rs_fs(1000, 250, 0.2)
    for pop in ("Exc", "Inh"):
        np.testing.assert_array_equal(small_runs[0][f"tRASTER_{pop}"], plain[pop][0])
        np.testing.assert_array_equal(small_runs[0][f"iRASTER_{pop}"], plain[pop][1])


@pytest.mark.slow
def test_asynchronous_irregular_regime(small_runs):
    """Low rates, Inh faster than Exc, irregular firing, weak synchrony, a response to the
    afferent bump: each within 5 sd of its spread over seeds (SPREAD)."""
    data = small_runs[0]
    window = (200.0, 1500.0)
    r_exc = analysis.mean_rate(data, "Exc", *window)
    r_inh = analysis.mean_rate(data, "Inh", *window)
    _within("rate_exc", r_exc)
    _within("rate_inh", r_inh)
    _within("cv", np.nanmean(analysis.isi_cv(data, "Exc", *window)))
    corr = analysis.spike_count_correlation(data, "Exc", 5.0, *window, n_neurons=300, seed=0)
    assert abs(corr.mean) < 0.05
    _within("bump", analysis.mean_rate(data, "Exc", 900, 1100) / analysis.mean_rate(data, "Exc", 300, 700))
    import matplotlib.image as mpimg

    img = mpimg.imread(data["files"]["figure"])
    assert img.ndim == 3 and min(img.shape[:2]) > 300
    assert (img[..., :3] < 0.5).mean() > 0.01  # something is drawn (dark pixels), not a blank canvas


@pytest.mark.slow
def test_same_seed_same_spikes_other_seed_other_spikes(small_runs):
    a, b, c = small_runs
    for key in ("tRASTER_Exc", "iRASTER_Exc", "tRASTER_Inh", "iRASTER_Inh", "VMS_Exc"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["iRASTER_Exc"][:50], c["iRASTER_Exc"][:50])


@pytest.mark.slow
def test_hdf5_round_trip_of_every_recorded_quantity(small_runs):
    data = small_runs[0]
    loaded = ntwk.recording.load_dict_from_hdf5(data["files"]["hdf5"])
    for key, value in data.items():
        if key == "files":
            continue
        if isinstance(value, np.ndarray):
            assert loaded[key].dtype == value.dtype, key
            np.testing.assert_array_equal(loaded[key], value, err_msg=key)
        else:
            assert loaded[key] == value, key
    units = loaded["units"]
    assert units["tRASTER_Exc"] == "ms" and units["VMS_Exc"] == "mV" and units["POP_ACT_Exc"] == "Hz"
    assert units["ISYNe_Exc"] == "pA" and units["Rate_AffExc_Exc"] == "Hz"
    assert loaded["iRASTER_Exc"].dtype == np.int64 and loaded["VMS_Exc"].dtype == np.float64
    assert set(loaded["versions"]) >= {"toolkit", "brian2", "numpy"}
    assert loaded["SEEDS"]["network"] == 3 and loaded["SEEDS"]["connectivity"] == 5
    # synaptic currents: excitatory positive, inhibitory negative near rest
    assert loaded["ISYNe_Exc"].mean() > 0 > loaded["ISYNi_Exc"].mean()


@pytest.mark.slow
def test_population_rate_is_consistent_with_the_raster(small_runs):
    data = small_runs[0]
    # sum over time of the population rate * dt * N = number of spikes
    n_spikes = data["POP_ACT_Exc"].sum() * data["dt"] * 1e-3 * data["N_Exc"]
    assert n_spikes == pytest.approx(len(data["tRASTER_Exc"]), abs=1e-6)


@pytest.mark.parametrize("tstop", [-1.0, 0.0])
def test_rs_fs_command_says_tstop_must_be_positive(tmp_path, capsys, tstop):
    """`nnd rs-fs --tstop -1` said "-1 ms is not a whole number (>= 1) of steps"."""
    from dendrites.cli import main

    assert main(["rs-fs", "-o", str(tmp_path), "--tstop", str(tstop), "-q", "--no-figure"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("nnd rs-fs: error: ") and "tstop must be > 0" in line
    assert "whole number" not in line


def test_run_rs_fs_checks_the_model_before_the_time_grid(tmp_path):
    with pytest.raises(ntwk.ModelValueError, match=r"Model\['tstop'\] = -1.0: .* must be > 0"):
        run_rs_fs(tmp_path / "out", Model={"tstop": -1.0}, code_target="numpy", figure=False, verbose=False)
    assert not (tmp_path / "out").exists()  # nothing written
