"""The cpp_standalone target: same model, compiled as a C++ program."""

import numpy as np
import pytest

import network as ntwk


def test_lif_period_in_cpp_standalone(tmp_path, cell_model):
    """The analytic LIF period holds in the standalone build as in runtime mode.

    Then, in the same process: a second standalone network without resetting the
    device is a clear error, and a runtime (numpy) network after the standalone one
    gives the same spike times.
    """
    Model = cell_model(N=3, tstop=200.0, Iinj=400.0)
    ntwk.set_code_target("cpp_standalone", directory=str(tmp_path / "build"))
    try:
        NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True, with_Vm=1)
        ntwk.build.initialize_to_rest(NTWK)
        ntwk.collect_and_run(NTWK)
        data = ntwk.recording.collect(NTWK)
        with pytest.raises(ntwk.SimulationError, match="set_code_target"):
            ntwk.build.populations(Model, ["Cell"])
    finally:
        ntwk.set_code_target("runtime")
    ntwk.set_code_target("numpy")
    try:
        runtime = ntwk.build.populations(Model, ["Cell"], with_raster=True)
        ntwk.build.initialize_to_rest(runtime)
        ntwk.collect_and_run(runtime)
        t_runtime = ntwk.recording.collect(runtime)["tRASTER_Cell"]
    finally:
        ntwk.set_code_target("runtime")
    # same Euler arithmetic in C++ and numpy: identical steps, up to rounding of the last bit
    np.testing.assert_allclose(t_runtime, data["tRASTER_Cell"], atol=1e-9)
    np.testing.assert_array_equal(ntwk.recording.collect(runtime)["iRASTER_Cell"], data["iRASTER_Cell"])
    T = 5.0 + 20.0 * np.log(40.0 / 20.0)
    t = data["tRASTER_Cell"][data["iRASTER_Cell"] == 0]
    np.testing.assert_allclose(np.diff(t), T, atol=2 * Model["dt"])
    assert data["VMS_Cell"].shape == (1, int(round(200.0 / Model["dt"])))
    assert NTWK["TIMING"]["build"] > 0
