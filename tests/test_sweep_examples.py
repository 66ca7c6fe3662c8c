"""The sweep gallery examples (transfer-function blocks, EPSP maps) at reduced size.

Each script runs on a LocalCluster of 2 workers (as written in the script) with
``NND_GALLERY_REDUCED=1``; its swept results are compared with the same computation
done directly in this process.
"""

import os
import runpy
import tempfile
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def _run(script, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("NND_GALLERY_REDUCED", "1")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a fresh store: no resume from an earlier run
    try:
        return runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    finally:
        plt.close("all")


@pytest.mark.slow
def test_sweep_transfer_function_blocks_equal_direct_characterise(tmp_path, monkeypatch):
    from network import transfer_functions as tfs

    ns = _run("plot_sweep_transfer_function.py", tmp_path, monkeypatch)
    result, data, fit = ns["result"], ns["data"], ns["fit"]
    assert result.complete and len(result.records) == len(ns["blocks"]) >= 2
    assert os.path.dirname(result.store) == str(tmp_path)
    # every block, recomputed here with the block's seed, gives exactly the same spike counts
    n_e = len(ns["nu_e"])
    for r in result.records:
        block = ns["blocks"][r["parameters"]["block"]]
        direct = tfs.characterise(ns["RS_FS_MODEL"], ns["POP"], {"Exc": ns["nu_e"], "Inh": block},
                                  n_seeds=ns["n_seeds"], t_measure=ns["t_measure"], seed=r["seed"],
                                  inputs=ns["INPUTS"])
        np.testing.assert_array_equal(np.asarray(r["outputs"]["Fout"]), direct["Fout"])
        # and the gathered grid holds them at their (nu_e, nu_i) places
        cols = [ns["nu_i"].index(v) for v in block]
        np.testing.assert_array_equal(data["Fout_mean"].reshape(n_e, -1)[:, cols],
                                      direct["Fout_mean"].reshape(n_e, len(block)))
        np.testing.assert_array_equal(data["F_Inh"].reshape(n_e, -1)[:, cols], direct["F_Inh"].reshape(n_e, -1))
    # the blocks' seeds differ (a point's seed depends on its parameters)
    assert len({r["seed"] for r in result.records}) == len(result.records)
    rates = data["Fout_mean"].reshape(n_e, len(ns["nu_i"]))
    assert rates.max() > 20.0  # the grid reaches firing
    assert np.all(np.diff(rates, axis=0) >= 0)  # rises with nu_e
    assert np.all(np.diff(rates, axis=1) <= 0)  # falls with nu_i
    assert np.all(np.diff(rates[-1]) < 0)       # strictly, at the highest excitation
    assert fit.fitted.sum() >= 10 and fit.rms_error < 5.0


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::dendrites.errors.DendriteWarning")  # long EPSPs at Rm = 30 kohm cm2
def test_sweep_epsp_maps_equal_direct_epsp_map(tmp_path, monkeypatch):
    from dendrites import CellModel
    from dendrites.experiments import epsp_map

    ns = _run("plot_sweep_epsp_maps.py", tmp_path, monkeypatch)
    result, maps, table = ns["result"], ns["maps"], ns["table"]
    assert result.complete and len(maps) == len(ns["cells"]) * len(ns["rms"]) == len(table)
    fixed = ns["fixed"]
    for (cell, rm), frame in maps.items():
        model = CellModel(cell, Rm=rm, **fixed["cell_options"])
        direct = epsp_map(model, fixed["sites"], duration=fixed["duration"], seed=fixed["site_seed"],
                          progress=False, **fixed["synapse"]).frame
        np.testing.assert_array_equal(frame["compartment"].to_numpy(), direct["compartment"].to_numpy())
        np.testing.assert_array_equal(frame["soma_peak_mV"].to_numpy(), direct["soma_peak_mV"].to_numpy())
    low, high = sorted(ns["rms"])
    for cell in ns["cells"]:
        a, b = maps[(cell, low)], maps[(cell, high)]
        np.testing.assert_array_equal(a["compartment"].to_numpy(), b["compartment"].to_numpy())
        assert np.all(b["soma_peak_mV"].to_numpy() > a["soma_peak_mV"].to_numpy())  # higher Rm, larger EPSP
        # the somatic EPSP falls with distance: sites beyond the median distance are smaller on average
        far = a["distance_um"] > a["distance_um"].median()
        assert a["soma_peak_mV"][far].mean() < a["soma_peak_mV"][~far].mean()
