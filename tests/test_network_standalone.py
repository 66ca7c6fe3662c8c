"""The cpp_standalone target: same model, compiled as a C++ program."""

import numpy as np
import pytest

import network as ntwk


@pytest.mark.standalone
@pytest.mark.slow
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
        with pytest.raises(ntwk.SimulationError, match="one program for one run"):
            ntwk.build.populations(Model, ["Cell"])  # a second network in the same program
        ntwk.build.initialize_to_rest(NTWK)
        ntwk.collect_and_run(NTWK)
        data = ntwk.recording.collect(NTWK)
        with pytest.raises(ntwk.SimulationError, match="compiled for one run"):
            ntwk.run_on(NTWK, 10.0)  # a standalone program cannot be continued
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


def _standalone_drive_counts(tmp_path, cell_model, threads, name):
    """Afferent events per cell of a clamped population, cpp_standalone with OpenMP."""
    Model = cell_model(N=400, tstop=100.0, dt=0.1, Vclamp=-70.0, N_AffExc=100, p_AffExc_Cell=0.5,
                       Q_AffExc_Cell=1.0, Tsyn_AffExc=1e12, Erev_AffExc=0.0)
    ntwk.set_code_target("cpp_standalone", directory=str(tmp_path / name), threads=threads)
    try:
        NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"])
        t = ntwk.arange(1000) * 0.1
        ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, np.full_like(t, 20.0), SEED=2)
        ntwk.build.initialize_to_rest(NTWK)
        ntwk.collect_and_run(NTWK)
        G = np.asarray(NTWK["NEURONS"]["Cell"].Gsyn_AffExc[:] / ntwk.build._b2().nS)
    finally:
        ntwk.set_code_target("runtime")
    return G


@pytest.mark.standalone
@pytest.mark.slow
def test_openmp_threads_are_reproducible_and_poisson(tmp_path, cell_model):
    """Two threads: the same seed gives the same events; counts have the drive's mean."""
    a = _standalone_drive_counts(tmp_path, cell_model, 2, "omp_a")
    b = _standalone_drive_counts(tmp_path, cell_model, 2, "omp_b")
    np.testing.assert_array_equal(a, b)
    expected = 0.5 * 100 * 20.0 * 0.1  # p N nu T = 100 events
    assert abs(a.mean() - expected) < 5 * np.sqrt(expected / len(a))
    with pytest.raises(ntwk.ModelValueError, match="threads"):
        ntwk.set_code_target("runtime", threads=2)
