"""collect_and_run: instructions on the time grid, progress bar, seeding, one run per network."""

import numpy as np
import pytest

import network as ntwk


def _lif(cell_model, **kw):
    Model = cell_model(tstop=50.0, dt=0.1, Iinj=400.0, **kw)
    NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True, with_Vm=1)
    ntwk.build.initialize_to_rest(NTWK)
    return NTWK


def _now(NTWK):
    """Simulated time of the network (a group's clock may still show an earlier network's end)."""
    return float(NTWK["NETWORK"].t / ntwk.build._b2().ms)


def test_instructions_run_at_their_step_including_0_and_tstop(numpy_target, cell_model):
    NTWK = _lif(cell_model)
    seen = []
    instructions = [{"time": t, "function": lambda N, t=t: seen.append((t, _now(N)))} for t in (50.0, 0.0, 20.0)]
    ntwk.collect_and_run(NTWK, INTERMEDIATE_INSTRUCTIONS=instructions)
    # in time order, each when the simulation clock is exactly there
    assert seen == [(0.0, 0.0), (20.0, pytest.approx(20.0, abs=1e-9)), (50.0, pytest.approx(50.0, abs=1e-9))]
    data = ntwk.recording.collect(NTWK)
    assert data["VMS_Cell"].shape == (1, 500)  # the pieces add up to tstop / dt steps


@pytest.mark.parametrize("instructions, text", [
    ({"time": 1.0, "function": print}, "must be a list of dicts"),
    ([(1.0, print)], "need {'time'"),
    ([{"time": "1", "function": print}], "need {'time'"),
    ([{"time": 60.0, "function": print}], r"tstop = 50\] ms"),
    ([{"time": -1.0, "function": print}], "need {'time'"),
    ([{"time": 1.0, "function": 3}], "need {'time'"),
    ([{"time": 1.0, "function": print, "when": "now"}], "need {'time'"),
    ([{"time": 10.05, "function": print}], "multiple of dt = 0.1 ms"),
])
def test_bad_instructions(numpy_target, cell_model, instructions, text):
    NTWK = _lif(cell_model)
    with pytest.raises(ntwk.ModelValueError, match=text):
        ntwk.collect_and_run(NTWK, INTERMEDIATE_INSTRUCTIONS=instructions)


def test_a_network_runs_once_then_runs_on(numpy_target, cell_model):
    NTWK = _lif(cell_model)
    ntwk.collect_and_run(NTWK)
    first = ntwk.recording.collect(NTWK)
    with pytest.raises(ntwk.SimulationError, match="already run.*run_on"):
        ntwk.collect_and_run(NTWK)
    # the recordings of the first run are untouched
    np.testing.assert_array_equal(ntwk.recording.collect(NTWK)["tRASTER_Cell"], first["tRASTER_Cell"])
    assert NTWK.state == "ran" and NTWK.time == pytest.approx(50.0)


def test_progress_bar_and_summary(numpy_target, cell_model, capfd):
    NTWK = _lif(cell_model)
    ntwk.collect_and_run(NTWK, verbose=True, INTERMEDIATE_INSTRUCTIONS=[{"time": 20.0, "function": lambda N: None}])
    out, err = capfd.readouterr()
    assert "[network] ran 50 ms (numpy)" in out and "code preparation" in out
    # one bar across the two pieces: 40 % when the instruction stops the run, 100 % at the end
    assert " 40.0%" in err and "100.0%" in err and err.endswith("\n")
    assert "%" not in out  # the bar goes to stderr only


def test_brian_seed_depends_on_every_seed_and_only_on_them():
    base = {"SEEDS": {"network": 3, "connectivity": 5, "afferent_AffExc_Exc": 32}}
    s = ntwk.run.brian_seed(base)
    assert s == ntwk.run.brian_seed({"SEEDS": dict(reversed(list(base["SEEDS"].items())))})  # order-free
    for key in base["SEEDS"]:
        changed = {"SEEDS": dict(base["SEEDS"], **{key: base["SEEDS"][key] + 1})}
        assert ntwk.run.brian_seed(changed) != s, key
    # the name counts too: the same value under another drive's name is another stream
    renamed = {"SEEDS": {"network": 3, "connectivity": 5, "afferent_AffExc_Inh": 32}}
    assert ntwk.run.brian_seed(renamed) != s
    assert 0 <= s < 2**31


def test_populations_start_at_rest_and_order_of_calls_is_checked(numpy_target, cell_model):
    """Without initialize_to_rest no cell starts above threshold; changes after a run,
    recording before it, and a second recurrent_connections are clear errors."""
    import brian2

    Model = cell_model(N=20, tstop=20.0, dt=0.1, p_Cell_Cell=0.1, Q_Cell_Cell=1.0, Tsyn_Cell=5.0,
                       Erev_Cell=0.0, N_Aff=5, p_Aff_Cell=0.5, Q_Aff_Cell=1.0, Tsyn_Aff=5.0, Erev_Aff=0.0)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"], with_raster=True)
    np.testing.assert_allclose(np.asarray(NTWK["NEURONS"]["Cell"].V / brian2.mV), -70.0)
    with pytest.raises(ntwk.SimulationError, match="collect_and_run"):
        ntwk.recording.collect(NTWK)
    ntwk.build.recurrent_connections(NTWK, SEED=1)
    with pytest.raises(ntwk.SimulationError, match="already called"):
        ntwk.build.recurrent_connections(NTWK, SEED=1)
    ntwk.collect_and_run(NTWK)
    assert len(ntwk.recording.collect(NTWK)["tRASTER_Cell"]) == 0  # rest, no drive: silent
    t = ntwk.arange(200) * 0.1
    for call in (lambda: ntwk.stim.construct_feedforward_input(NTWK, "Cell", "Aff", t, t * 0 + 5, SEED=1),
                 lambda: ntwk.stim.add_spikes(NTWK, "Cell", "Aff", [0], [1.0]),
                 lambda: ntwk.build.connect(NTWK, "Cell", "Cell", [0], [1]),
                 lambda: ntwk.build.initialize_to_rest(NTWK)):
        with pytest.raises(ntwk.SimulationError, match="already run"):
            call()
