"""The original project's RS-FS example: the API contract and the network's regime."""

import re
from pathlib import Path

import numpy as np
import pytest

import network as ntwk
from network import analysis
from network.examples import run_rs_fs

README = Path(__file__).resolve().parents[1] / "README.md"
SEED_README = Path(__file__).resolve().parents[2] / "shared" / "seed" / "README.md"

# the reduced network keeps the in-degrees of the full one (200 Exc, 50 Inh inputs per cell)
SMALL = {"N_Exc": 1000, "N_Inh": 250, "p_Exc_Exc": 0.2, "p_Exc_Inh": 0.2, "p_Inh_Exc": 0.2,
         "p_Inh_Inh": 0.2, "tstop": 1500.0}


def _readme_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    (code,) = [b for b in blocks if "import network as ntwk" in b]
    return code


def test_readme_example_is_the_seed_example_but_for_the_import():
    if not SEED_README.exists():
        pytest.fail(f"{SEED_README} not found: the CI layout puts ../shared beside the clone")
    seed_blocks = re.findall(r"```\n(.*?)```", SEED_README.read_text(), re.S)
    (seed,) = [b for b in seed_blocks if "import ntwk" in b]
    assert _readme_example() == seed.replace("import ntwk #", "import network as ntwk #")


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
    rate_exc, rate_inh = analysis.mean_rate(data, "Exc"), analysis.mean_rate(data, "Inh")
    assert 0.5 < rate_exc < 10.0 and rate_exc < rate_inh < 30.0
    assert len(namespace["AX"]) >= 4
    plt.close("all")


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("rsfs")
    a = run_rs_fs(out / "a", Model=SMALL, figure=True, verbose=False)
    b = run_rs_fs(out / "b", Model=SMALL, figure=False, verbose=False)
    c = run_rs_fs(out / "c", Model=dict(SMALL, SEED=4), figure=False, verbose=False)
    return a, b, c


def test_asynchronous_irregular_regime(small_runs):
    """Low rates, Inh faster than Exc, irregular firing, weak synchrony."""
    data = small_runs[0]
    window = (200.0, 1500.0)
    r_exc = analysis.mean_rate(data, "Exc", *window)
    r_inh = analysis.mean_rate(data, "Inh", *window)
    assert 0.5 < r_exc < 10.0, r_exc
    assert r_exc < r_inh < 30.0, r_inh
    cv = analysis.isi_cv(data, "Exc", *window)
    assert 0.5 < np.nanmean(cv) < 1.5
    corr = analysis.spike_count_correlation(data, "Exc", 5.0, *window, n_neurons=300, seed=0)
    assert abs(corr.mean) < 0.05
    # the afferent bump at 1 s raises the rates
    assert analysis.mean_rate(data, "Exc", 900, 1100) > 1.5 * analysis.mean_rate(data, "Exc", 300, 700)
    assert Path(data["files"]["figure"]).stat().st_size > 10_000


def test_same_seed_same_spikes_other_seed_other_spikes(small_runs):
    a, b, c = small_runs
    for key in ("tRASTER_Exc", "iRASTER_Exc", "tRASTER_Inh", "iRASTER_Inh", "VMS_Exc"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["iRASTER_Exc"][:50], c["iRASTER_Exc"][:50])


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


def test_population_rate_is_consistent_with_the_raster(small_runs):
    data = small_runs[0]
    # sum over time of the population rate * dt * N = number of spikes
    n_spikes = data["POP_ACT_Exc"].sum() * data["dt"] * 1e-3 * data["N_Exc"]
    assert n_spikes == pytest.approx(len(data["tRASTER_Exc"]), abs=1e-6)
