"""The cpp_standalone target: same model, compiled as a C++ program."""

import numpy as np

import network as ntwk


def test_lif_period_in_cpp_standalone(tmp_path, cell_model):
    """The analytic LIF period holds in the standalone build as in runtime mode."""
    Model = cell_model(N=3, tstop=200.0, Iinj=400.0)
    ntwk.set_code_target("cpp_standalone", directory=str(tmp_path / "build"))
    try:
        NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True, with_Vm=1)
        ntwk.build.initialize_to_rest(NTWK)
        ntwk.collect_and_run(NTWK)
        data = ntwk.recording.collect(NTWK)
    finally:
        ntwk.set_code_target("runtime")
    T = 5.0 + 20.0 * np.log(40.0 / 20.0)
    t = data["tRASTER_Cell"][data["iRASTER_Cell"] == 0]
    np.testing.assert_allclose(np.diff(t), T, atol=2 * Model["dt"])
    assert data["VMS_Cell"].shape == (1, int(round(200.0 / Model["dt"])))
    assert NTWK["TIMING"]["build"] > 0
