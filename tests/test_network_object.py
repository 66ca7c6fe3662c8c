"""The network object: its own clock and state, several networks in one process, the time
grid, running on, Quantities as arguments, and the toolkit's excepthook."""

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import network as ntwk

ROOT = Path(__file__).resolve().parents[1]


def _noisy_model(cell_model, dt, tstop=20.0):
    """A small recurrent LIF population under independent Poisson drive (random numbers matter)."""
    return cell_model(N=40, dt=dt, tstop=tstop, p_Cell_Cell=0.2, Q_Cell_Cell=2.0, Tsyn_Cell=5.0, Erev_Cell=0.0,
                      N_Aff=100, p_Aff_Cell=0.5, Q_Aff_Cell=2.0, Tsyn_Aff=5.0, Erev_Aff=0.0)


def _build(Model):
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"], with_raster=True, with_Vm=3)
    ntwk.build.recurrent_connections(NTWK, seed=2)
    t = ntwk.time_array(Model)
    ntwk.stim.construct_feedforward_input(NTWK, "Cell", "Aff", t, np.full_like(t, 60.0), seed=3)
    return NTWK


def _result(NTWK):
    d = ntwk.recording.collect(NTWK)
    return {k: d[k] for k in ("tRASTER_Cell", "iRASTER_Cell", "VMS_Cell", "POP_ACT_Cell", "t_array")}


def _assert_same(a, b):
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.mark.parametrize("order", ["AB", "BA"])
def test_networks_with_different_dt_are_independent(numpy_target, cell_model, order):
    """Build A (dt 0.1) and B (dt 0.01), run them in either order: each gives what it gives alone,
    with recordings on its own time grid."""
    MA, MB = _noisy_model(cell_model, 0.1), _noisy_model(cell_model, 0.01)
    alone = {}
    for name, M in (("A", MA), ("B", MB)):
        N = _build(M)
        ntwk.collect_and_run(N)
        alone[name] = _result(N)
    nets = {"A": _build(MA), "B": _build(MB)}  # both built before either runs
    for name in order:
        ntwk.collect_and_run(nets[name])
    for name, M in (("A", MA), ("B", MB)):
        r = _result(nets[name])
        n = int(round(M["tstop"] / M["dt"]))
        assert r["VMS_Cell"].shape == (3, n) and r["POP_ACT_Cell"].shape == (n,) and len(r["t_array"]) == n
        assert float(nets[name].clock.dt / ntwk.build._b2().ms) == pytest.approx(M["dt"])
        _assert_same(r, alone[name])
    assert len(alone["A"]["tRASTER_Cell"]) > 10  # the drive makes the cells fire: the comparison is not empty


def test_building_sets_no_brian2_global(numpy_target, cell_model):
    import brian2

    before = float(brian2.defaultclock.dt / brian2.ms)
    N = _build(_noisy_model(cell_model, 0.025))
    assert float(brian2.defaultclock.dt / brian2.ms) == before
    assert all(getattr(o, "clock", N.clock) is N.clock for o in N["OBJECTS"])


def test_run_on_two_halves_equal_one_whole_run(numpy_target, cell_model):
    """collect_and_run for T/2 then run_on(T/2) gives the spikes and traces of one run of T
    (same seeds), also when another network runs in between (the random state is the network's)."""
    whole = _build(_noisy_model(cell_model, 0.1, tstop=40.0))
    ntwk.collect_and_run(whole)
    halves = _build(_noisy_model(cell_model, 0.1, tstop=20.0))
    ntwk.collect_and_run(halves)
    other = _build(_noisy_model(cell_model, 0.05, tstop=10.0))
    ntwk.collect_and_run(other)  # draws from brian2's global generator in between
    seen = []
    ntwk.run_on(halves, 20.0, INTERMEDIATE_INSTRUCTIONS=[{"time": 30.0, "function": lambda N: seen.append(N.time)}])
    assert seen == [pytest.approx(30.0)]
    assert halves["tstop"] == pytest.approx(40.0) and len(halves.t_array) == 400
    _assert_same(_result(halves), _result(whole))
    assert len(_result(whole)["tRASTER_Cell"]) > 20
    with pytest.raises(ntwk.SimulationError, match="not run yet"):
        ntwk.run_on(_build(_noisy_model(cell_model, 0.1)), 5.0)
    with pytest.raises(ntwk.ModelValueError, match="whole number"):
        ntwk.run_on(halves, 0.05)


@pytest.mark.parametrize("tstop", [0.3, 0.7, 1.1, 2.3, 4.9, 12.3, 100.7, 0.1 * 3, 0.1 + 0.2, 1e-1 * 7])
def test_time_grid_for_non_integer_ratios(numpy_target, cell_model, tstop):
    """round(tstop/dt) steps everywhere: the grid, the recordings, the drive (also from the
    seed's int(tstop/dt) idiom, one sample short: held, with a typed warning)."""
    Model = cell_model(N=2, dt=0.1, tstop=tstop, N_Aff=10, p_Aff_Cell=0.5, Q_Aff_Cell=1.0, Tsyn_Aff=5.0,
                       Erev_Aff=0.0)
    n = int(round(tstop / 0.1))
    t = ntwk.time_array(Model)
    assert len(t) == n and t[0] == 0.0 and np.allclose(np.diff(t), 0.1)
    NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"], with_Vm=1)
    seed_idiom = np.arange(int(Model["tstop"] / Model["dt"])) * Model["dt"]
    if len(seed_idiom) == n - 1:  # int() rounded down: accepted, held, and said
        with pytest.warns(ntwk.TimeGridWarning, match="held at its last value"):
            ntwk.stim.construct_feedforward_input(NTWK, "Cell", "Aff", seed_idiom, seed_idiom * 0 + 5.0, seed=1)
    else:  # the exact grid: no warning
        assert len(seed_idiom) == n
        with warnings.catch_warnings():
            warnings.simplefilter("error", ntwk.TimeGridWarning)
            ntwk.stim.construct_feedforward_input(NTWK, "Cell", "Aff", seed_idiom, seed_idiom * 0 + 5.0, seed=1)
    ntwk.collect_and_run(NTWK)
    data = ntwk.recording.collect(NTWK)
    assert data["VMS_Cell"].shape == (1, n) and len(data["POP_ACT_Cell"]) == n
    np.testing.assert_array_equal(data["t_array"], t)


def test_quantities_and_plain_numbers_give_the_same_network(numpy_target, cell_model):
    import brian2 as b2

    def run(q):
        Model = cell_model(N=5, dt=0.1, tstop=30.0, N_Aff=10, p_Aff_Cell=0.5, Q_Aff_Cell=1.0, Tsyn_Aff=5.0,
                           Erev_Aff=0.0, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
        N = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"], with_Vm=5, with_raster=True,
                                   with_synaptic_conductances=True)
        t = ntwk.time_array(Model)
        ntwk.stim.add_spikes(N, "Cell", "Aff", [0, 1], [2.0, 5.0] * (b2.ms if q else 1))
        ntwk.build.connect(N, "Cell", "Cell", [0], [3], weights=3.0 * (b2.nS if q else 1),
                           delays=1.5 * (b2.ms if q else 1))
        ntwk.stim.current_pulses(N, "Cell", [0], 1.0 * (b2.ms if q else 1), 20.0 * (b2.ms if q else 1),
                                 600.0 * (b2.pA if q else 1))
        ntwk.stim.construct_feedforward_input(N, "Cell", "Aff", t * (b2.ms if q else 1),
                                              np.full_like(t, 10.0) * (b2.Hz if q else 1), seed=1)
        ntwk.build.initialize_to_random(N, seed=4, V=((-65.0 * b2.mV, 2.0 * b2.mV) if q else (-65.0, 2.0)))
        ntwk.collect_and_run(N, INTERMEDIATE_INSTRUCTIONS=[{"time": 10.0 * (b2.ms if q else 1),
                                                            "function": lambda N: None}])
        return _result(N)

    _assert_same(run(True), run(False))
    Model = cell_model(N=5, dt=0.1, tstop=30.0, N_Aff=10, p_Aff_Cell=0.5, Q_Aff_Cell=1.0, Tsyn_Aff=5.0,
                       Erev_Aff=0.0)
    N = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["Aff"])
    for call in (lambda: ntwk.stim.add_spikes(N, "Cell", "Aff", [0], [2.0] * b2.mV),
                 lambda: ntwk.stim.current_pulses(N, "Cell", [0], 1.0, 2.0, 5.0 * b2.nS),
                 lambda: ntwk.build.initialize_to_random(N, seed=1, G={"Aff": (1.0 * b2.ms, 0.1)})):
        with pytest.raises(ntwk.UnitError, match="dimension") as err:
            call()
        assert isinstance(err.value, ValueError)


def test_seed_and_SEED_are_one_argument(numpy_target, cell_model):
    Model = cell_model(N=20, dt=0.1, tstop=5.0, p_Cell_Cell=0.2, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
    a = ntwk.build.populations(Model, ["Cell"])
    b = ntwk.build.populations(Model, ["Cell"])
    ntwk.build.recurrent_connections(a, seed=7)
    ntwk.build.recurrent_connections(b, SEED=7)
    for x, y in zip(a["CONNECTIVITY"][("Cell", "Cell")], b["CONNECTIVITY"][("Cell", "Cell")]):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ntwk.ModelValueError, match="same argument"):
        ntwk.build.recurrent_connections(ntwk.build.populations(Model, ["Cell"]), seed=1, SEED=2)


_HOOK_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import network      # before brian2: the hook must survive brian2's import
import brian2
Model = {{"N_Cell": 1, "dt": 0.1, "tstop": 1.0, "SEED": 1}}
if sys.argv[1] == "toolkit":
    network.model.validate_model(dict(Model, N_Cell=-1))   # raised before the toolkit touches brian2
else:
    network.build._b2()
    1 / 0
"""


@pytest.mark.parametrize("kind", ["toolkit", "other"])
def test_toolkit_errors_print_a_plain_traceback_and_leave_no_brian2_files(tmp_path, kind):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(_HOOK_SCRIPT.format(root=str(ROOT))))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp))
    p = subprocess.run([sys.executable, str(script), kind], capture_output=True, text=True, env=env, timeout=120,
                       cwd=tmp_path)
    assert p.returncode == 1
    assert "Traceback (most recent call last)" in p.stderr
    leftovers = sorted(x.name for x in tmp.iterdir() if x.name.startswith("brian_"))
    if kind == "toolkit":
        assert "network.errors.ModelValueError: Model['N_Cell'] = -1" in p.stderr
        assert "Brian 2 encountered an unexpected error" not in p.stderr
        assert leftovers == []
    else:  # a genuine error still reaches brian2's handler (banner and debug log)
        assert "ZeroDivisionError" in p.stderr
        assert "Brian 2 encountered an unexpected error" in p.stderr
        assert any(x.startswith("brian_debug_") for x in leftovers)


def test_error_classes_are_recognised_by_package():
    from network.errors import is_toolkit_exception
    from stimuli.errors import UnitError as StimulusUnitError

    assert is_toolkit_exception(ntwk.ModelKeyError) and is_toolkit_exception(StimulusUnitError)
    assert not is_toolkit_exception(ZeroDivisionError) and not is_toolkit_exception(KeyError)


def test_original_connectivity_rule(numpy_target, cell_model):
    """rule='original': int(p N_pre) inputs per cell drawn with replacement (repeated pairs occur),
    no autapse in a recurrent projection; reproducible from the seed.  The sampler is
    network.connectivity.fixed_indegree_with_replacement."""
    Model = cell_model(N=200, dt=0.1, tstop=5.0, p_Cell_Cell=0.1, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
    nets = [ntwk.build.populations(Model, ["Cell"]) for _ in range(2)]
    for N in nets:
        ntwk.build.recurrent_connections(N, seed=4, rule="original")
    (i, j), (i2, j2) = (N["CONNECTIVITY"][("Cell", "Cell")] for N in nets)
    np.testing.assert_array_equal(i, i2)
    assert np.all(np.bincount(j, minlength=200) == int(0.1 * 200))
    assert not np.any(i == j)
    pairs = i * 200 + j
    # with replacement: 20 draws among 199 per cell repeat a pair with probability ~0.62
    assert len(np.unique(pairs)) < len(pairs)
