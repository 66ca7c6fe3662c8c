"""Sweeps on dask.distributed: complete and ordered records, failures, resume after a kill,
results independent of the worker count, compiled code reused, the ntwk.scan facade."""

import itertools
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from network import scan
from network.errors import ModelKeyError, ModelValueError, ParameterError, RecordingError, UnitError
from network.hdf5 import load_dict_from_hdf5, save_dict_to_hdf5
from network.sweeps import (grid, load_sweep, point_key, point_seed, points, random_samples, run_sweep,
                            sweep_status)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --------------------------------------------------------------------------- point functions
def product_point(x, y, seed, sleep=0.0):
    """x*10 + y exactly, and five normal numbers from the point's seed."""
    time.sleep(sleep * (3 - x))  # early grid points finish last: completion order != grid order
    return {"z": x * 10 + y, "noise": np.random.default_rng(seed).normal(size=5), "label": f"{x}-{y}"}


def failing_point(x, marker):
    if x == 2 and not os.path.exists(marker):
        raise ValueError(f"x = {x} is refused until {marker} exists")
    return {"x2": x * x}


def lif_point(I, tau, seed):
    """A LIF membrane relaxing to I: v(T) = I (1 - exp(-T/tau)), exact integration, Cython."""
    import brian2 as b2
    from brian2.codegen.runtime.cython_rt import CythonCodeObject

    G = b2.NeuronGroup(3, "dv/dt = (I_drive - v)/tau_m : 1\nI_drive : 1\ntau_m : second", method="exact",
                       dt=0.1 * b2.ms, codeobj_class=CythonCodeObject)
    G.I_drive = I
    G.tau_m = tau * b2.ms
    net = b2.Network(G)
    net.run(20 * b2.ms, namespace={})
    return {"v": np.asarray(G.v[:])}


# --------------------------------------------------------------------------- clusters
@pytest.fixture(scope="module")
def client2():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=40)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _worker_addresses(client):
    return set(client.scheduler_info()["workers"])


def _records(store):
    data = load_dict_from_hdf5(store)  # the shared HDF5 format reads it back
    return data["sweep"], list(data["points"].values())


# --------------------------------------------------------------------------- tests
def test_grid_complete_and_in_grid_order(client2, tmp_path):
    store = tmp_path / "grid.h5"
    xs, ys = [0, 1, 2], [0.5, 1.5, 2.5, 3.5]
    result = run_sweep(product_point, grid(x=xs, y=ys), store, fixed={"sleep": 0.02}, client=client2,
                       progress=False, preload_brian2=False)
    header, recs = _records(store)
    expected = list(itertools.product(xs, ys))
    assert [(r["parameters"]["x"], r["parameters"]["y"]) for r in recs] == expected
    assert [r["index"] for r in recs] == list(range(12))
    assert all(r["status"] == "done" for r in recs)
    for r, (x, y) in zip(recs, expected):
        assert r["outputs"]["z"] == x * 10 + y  # exact: the outputs are the point's own
        assert r["outputs"]["label"] == f"{x}-{y}"
        assert r["seed"] == point_seed({"x": x, "y": y}, 0)
        np.testing.assert_array_equal(r["outputs"]["noise"], np.random.default_rng(r["seed"]).normal(size=5))
        assert np.isfinite(r["run_time"]) and r["attempts"] == 1 and r["traceback"] == ""
    # every point ran in one of the cluster's worker processes (which ones is the scheduler's business)
    assert {r["worker"].split()[0] for r in recs} <= _worker_addresses(client2)
    assert header["function"].endswith(":product_point") and header["fixed"] == {"sleep": 0.02}
    z = result.output("z")
    assert z.shape == (3, 4)
    np.testing.assert_array_equal(z, np.add.outer(np.array(xs) * 10, ys))
    df = result.summary()
    assert list(df.index) == list(range(12)) and list(df["status"].unique()) == ["done"]
    np.testing.assert_array_equal(df["z"].to_numpy(), [x * 10 + y for x, y in expected])
    assert sweep_status(store)["done"] == 12 and sweep_status(store)["missing"] == 0


def test_failed_point_recorded_kept_and_retried(client2, tmp_path):
    store, marker = tmp_path / "fail.h5", str(tmp_path / "allow")
    space = grid(x=[1, 2, 3])
    result = run_sweep(failing_point, space, store, fixed={"marker": marker}, client=client2,
                       progress=False, preload_brian2=False)
    assert [r["status"] for r in result.records] == ["done", "failed", "done"]
    bad = result.failed[0]
    assert bad["parameters"] == {"x": 2} and bad["error"].startswith("ValueError: x = 2 is refused")
    assert "failing_point" in bad["traceback"] and "raise ValueError" in bad["traceback"]
    assert result.summary().loc[1, "error"].startswith("ValueError")
    assert np.isnan(result.output("x2")[1]) and result.output("x2")[2] == 9
    # run again: the failure is kept and reported, not run again, not dropped
    again = run_sweep(failing_point, space, store, fixed={"marker": marker}, client=client2,
                       progress=False, preload_brian2=False)
    assert again.records[1]["status"] == "failed" and again.records[1]["attempts"] == 1
    status = sweep_status(store)
    assert (status["done"], status["failed"]) == (2, 1) and status["failures"][0][1] == {"x": 2}
    # retry on request
    open(marker, "w").close()
    retried = run_sweep(failing_point, space, store, fixed={"marker": marker}, client=client2,
                        retry_failed=True, progress=False, preload_brian2=False)
    assert retried.complete and retried.records[1]["attempts"] == 2 and retried.records[0]["attempts"] == 1
    assert load_sweep(store).records[1]["outputs"] == {"x2": 4}


_KILL_SCRIPT = """
import os, sys, time
sys.path.insert(0, {root!r})
from network.sweeps import grid, run_sweep

def slow_point(i, log):
    with open(log, "a") as fh:
        fh.write(f"{{i}}\\n")
    time.sleep(0.4)
    return {{"square": i * i}}

if __name__ == "__main__":
    result = run_sweep(slow_point, grid(i=list(range(12))), sys.argv[1], fixed={{"log": sys.argv[2]}},
                       workers=2, progress=False, preload_brian2=False)
    print("complete", result.complete)
"""


@pytest.mark.slow
def test_killed_client_resumes_only_missing_points(tmp_path):
    script = tmp_path / "sweep_script.py"
    script.write_text(_KILL_SCRIPT.format(root=ROOT))
    store, log = str(tmp_path / "killed.h5"), str(tmp_path / "calls.log")
    proc = subprocess.Popen([sys.executable, str(script), store, log], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done_at_kill = 0
    deadline = time.time() + 50
    try:
        while time.time() < deadline and done_at_kill < 3:
            time.sleep(0.1)
            if os.path.exists(store):
                try:
                    done_at_kill = sweep_status(store)["done"]
                except RecordingError:  # never happens with atomic writes; fail below if it does
                    raise
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its LocalCluster, mid-sweep
        proc.wait()
    assert 3 <= done_at_kill < 12, "the sweep should be killed mid-way"
    before = load_sweep(store)
    done_before = {r["parameters"]["i"]: r["finished"] for r in before.records if r["status"] == "done"}
    assert len(done_before) < 12
    with open(log) as fh:
        calls_before = len(fh.read().split())
    out = subprocess.run([sys.executable, str(script), store, log], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "complete True" in out.stdout, out.stderr[-2000:]
    with open(log) as fh:
        calls_after = len(fh.read().split())
    after = load_sweep(store)
    assert after.complete and [r["outputs"]["square"] for r in after.records] == [i * i for i in range(12)]
    # only the missing points ran again; the recorded ones are untouched
    assert calls_after - calls_before == 12 - len(done_before)
    for r in after.records:
        if r["parameters"]["i"] in done_before:
            assert r["finished"] == done_before[r["parameters"]["i"]] and r["attempts"] == 1


def test_same_results_on_one_and_two_workers(client2, tmp_path):
    from distributed import Client, LocalCluster

    space = random_samples({"x": (0.0, 3.0), "y": [0.5, 1.5, 2.5]}, n=8, seed=4)
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0", silence_logs=40) as c1, \
            Client(c1) as client1:
        one = run_sweep(product_point, space, tmp_path / "one.h5", client=client1, seed=11, progress=False,
                        preload_brian2=False)
        one_workers = _worker_addresses(client1)
    two = run_sweep(product_point, space, tmp_path / "two.h5", client=client2, seed=11, progress=False,
                    preload_brian2=False)
    serial = run_sweep(product_point, space, tmp_path / "serial.h5", scheduler="serial", seed=11, progress=False)
    assert {r["worker"].split()[0] for r in one.records} <= one_workers
    assert {r["worker"].split()[0] for r in two.records} <= _worker_addresses(client2)
    for a, b, c in zip(one.records, two.records, serial.records):
        assert a["parameters"] == b["parameters"] == c["parameters"] and a["seed"] == b["seed"] == c["seed"]
        np.testing.assert_array_equal(a["outputs"]["noise"], b["outputs"]["noise"])
        np.testing.assert_array_equal(a["outputs"]["noise"], c["outputs"]["noise"])
    # another base seed gives other noise, the same seed the same
    other = run_sweep(product_point, space, tmp_path / "other.h5", scheduler="serial", seed=12, progress=False)
    assert all(not np.array_equal(a["outputs"]["noise"], o["outputs"]["noise"])
               for a, o in zip(one.records, other.records))


@pytest.mark.slow
def test_compiled_code_is_reused_across_points(tmp_path):
    """A fresh brian2 Cython cache: the first point compiles, no later point adds a module."""
    from distributed import Client, LocalCluster

    cache = tmp_path / "cython-cache"
    env = {"CYTHON_CACHE_DIR": str(cache)}
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=40, env=env) as c, \
            Client(c) as client:
        first = run_sweep(lif_point, grid(I=[1.0], tau=[5.0]), tmp_path / "lif.h5", client=client, progress=False)
        modules = sorted(p.name for p in (cache / "brian_extensions").glob("*.so"))
        assert first.complete, first.records[0]["traceback"]
        assert len(modules) >= 1 and first.records[0]["compiled"] == len(modules)
        more = run_sweep(lif_point, grid(I=[1.0, 2.0, 0.5], tau=[5.0, 10.0]), tmp_path / "lif.h5", client=client,
                         progress=False)
        workers = _worker_addresses(client)
    assert more.complete and {r["worker"].split()[0] for r in more.records} <= workers
    assert sorted(p.name for p in (cache / "brian_extensions").glob("*.so")) == modules
    assert more.records[0]["compiled"] == len(modules)  # the first sweep's point, resumed
    assert [r["compiled"] for r in more.records[1:]] == [0] * 5
    for r in more.records:
        I, tau = r["parameters"]["I"], r["parameters"]["tau"]
        np.testing.assert_allclose(r["outputs"]["v"], I * (1 - np.exp(-20.0 / tau)), rtol=1e-9)


def test_random_samples_are_seeded_and_within_ranges():
    ranges = {"a": (1.0, 2.0), "b": ("log", 0.1, 10.0), "c": ["u", "v", "w"], "d": {"low": 0, "high": 1}}
    s1, s2, s3 = (random_samples(ranges, 200, seed) for seed in (3, 3, 4))
    assert s1.points == s2.points and s1.points != s3.points
    a = np.array([p["a"] for p in s1]); b = np.array([p["b"] for p in s1])
    assert a.min() >= 1.0 and a.max() < 2.0 and b.min() >= 0.1 and b.max() < 10.0
    # log-uniform: log10(b) uniform on [-1, 1], mean 0 within 4 standard errors (sd 1/sqrt(3))
    assert abs(np.log10(b).mean()) < 4 / np.sqrt(3) / np.sqrt(200)
    assert {p["c"] for p in s1} == {"u", "v", "w"}
    with pytest.raises(ParameterError, match="low < high"):
        random_samples({"a": (2.0, 1.0)}, 3, 0)
    with pytest.raises(ParameterError, match="list of choices"):
        random_samples({"a": 5}, 3, 0)


def test_point_seed_is_stable_across_sessions():
    point = {"drive": 4.0, "Exc_b": 20, "label": "x"}
    code = ("from network.sweeps import point_seed, point_key; "
            "print(point_seed({'label': 'x', 'Exc_b': 20, 'drive': 4.0}, 7), point_key({'drive': 4.0, 'Exc_b': 20, "
            "'label': 'x'}))")
    for hashseed in ("0", "123"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                             env=dict(os.environ, PYTHONHASHSEED=hashseed, PYTHONPATH=ROOT), check=True)
        assert out.stdout.split() == [str(point_seed(point, 7)), point_key(point)]
    assert point_seed(point, 7) != point_seed(point, 8) != point_seed(dict(point, drive=4.5), 8)
    assert point_key({"x": 1}) != point_key({"x": 1.0})  # an int and a float are different points


def test_bad_inputs_raise_toolkit_errors(tmp_path):
    store = tmp_path / "s.h5"
    run_sweep(failing_point, grid(x=[1]), store, fixed={"marker": "m"}, scheduler="serial", progress=False)
    with pytest.raises(ParameterError, match="holds another sweep.*fixed parameters"):
        run_sweep(failing_point, grid(x=[1]), store, fixed={"marker": "other"}, scheduler="serial", progress=False)
    with pytest.raises(ParameterError, match="holds another sweep.*function"):
        run_sweep(product_point, grid(x=[1], y=[1]), store, scheduler="serial", progress=False)
    save_dict_to_hdf5({"a": 1}, tmp_path / "data.h5")
    with pytest.raises(RecordingError, match="not a sweep store"):
        run_sweep(failing_point, grid(x=[1]), tmp_path / "data.h5", fixed={"marker": "m"}, scheduler="serial")
    with pytest.raises(ParameterError, match="both fixed and swept"):
        run_sweep(failing_point, grid(x=[1]), tmp_path / "t.h5", fixed={"x": 1}, scheduler="serial")
    with pytest.raises(ParameterError, match="repeats a value"):
        grid(x=[1, 1])
    with pytest.raises(ParameterError, match="Quantity"):
        import brian2

        grid(x=[1 * brian2.ms])
    with pytest.raises(ModelKeyError, match="same names"):
        points([{"x": 1}, {"y": 2}])
    with pytest.raises(ParameterError, match="only sizes the LocalCluster"):
        run_sweep(failing_point, grid(x=[1]), tmp_path / "u.h5", fixed={"marker": "m"},
                  scheduler="tcp://127.0.0.1:1", workers=2)
    # a point returning something the store cannot hold fails with a clear error, recorded
    r = run_sweep(lambda x: {"q": object()}, grid(x=[1]), tmp_path / "v.h5", scheduler="serial", progress=False)
    assert r.records[0]["status"] == "failed" and "cannot be stored" in r.records[0]["error"]
    # ... and it is the toolkit's ParameterError, not a builtin TypeError (review item 15)
    assert r.records[0]["error"].startswith("ParameterError: output outputs['q'] of type object")


def original_style(Model, offset=0.0):
    """The original convention: write an HDF5 file at Model['filename']."""
    save_dict_to_hdf5({"rate": Model["Exc_b"] * 2 + Model["SEED"] + offset, "SEED": Model["SEED"]},
                      Model["filename"])


def test_original_scan_run_and_get(client2, tmp_path):
    Model = {"N_Exc": 10, "Exc_b": 0.0, "SEED": 3, "zip_filename": str(tmp_path / "scan.zip"),
             "data_folder": str(tmp_path)}
    result = scan.run(Model, ["Exc_b", "SEED"], [np.array([0.0, 20.0, 40.0]), [1, 2]], original_style,
                      running_sim_func_args={"offset": 0.5}, scheduler=client2.scheduler.address, progress=False,
                      preload_brian2=False)
    assert result.complete and result.store == str(tmp_path / "scan.h5")
    M, PARAMS_SCAN, DATA = scan.get(Model, verbose=False)
    np.testing.assert_array_equal(PARAMS_SCAN["Exc_b"], [0, 0, 20, 20, 40, 40])
    np.testing.assert_array_equal(PARAMS_SCAN["SEED"], [1, 2, 1, 2, 1, 2])
    assert [d["rate"] for d in DATA] == [b * 2 + s + 0.5 for b, s in itertools.product([0, 20, 40], [1, 2])]
    assert M["N_Exc"] == 10 and "PARAMS_SCAN" in M
    assert os.listdir(tmp_path) == ["scan.h5"]  # one store; the points' own files are gone
    # serial, resumed: nothing runs again
    again = scan.run(Model, ["Exc_b", "SEED"], [[0.0, 20.0, 40.0], [1, 2]], original_style,
                     running_sim_func_args={"offset": 0.5}, parallelize=False, progress=False)
    assert [r["attempts"] for r in again.records] == [1] * 6
    with pytest.raises(ModelKeyError, match="zip_filename"):
        scan.get({"SEED": 1})


def test_progress_bar_and_dashboard_address(client2, tmp_path, capsys):
    run_sweep(product_point, grid(x=[0, 1], y=[0.5]), tmp_path / "p.h5", client=client2, preload_brian2=False)
    err = capsys.readouterr().err
    assert "[sweep] dask dashboard: http://" in err and client2.dashboard_link in err
    assert "sweep: 100%" in err and "2/2" in err and "2 done, 0 failed, 0 missing of 2" in err


def brian2_state_point(dt):
    """Report brian2's default clock and target as found, then change both (as a careless point would)."""
    import brian2 as b2

    found = {"dt": float(b2.defaultclock.dt / b2.ms), "target": str(b2.prefs.codegen.target)}
    b2.defaultclock.dt = dt * b2.ms
    b2.prefs.codegen.target = "numpy"
    return found


def test_each_point_starts_from_the_same_brian2_state(tmp_path):
    import brian2 as b2

    dt0, target0 = float(b2.defaultclock.dt / b2.ms), str(b2.prefs.codegen.target)
    result = run_sweep(brian2_state_point, grid(dt=[0.05, 0.2, 0.3]), tmp_path / "b.h5", scheduler="serial",
                       progress=False)
    assert [r["outputs"] for r in result.records] == [{"dt": dt0, "target": target0}] * 3
    assert float(b2.defaultclock.dt / b2.ms) == dt0 and str(b2.prefs.codegen.target) == target0


def brian2_device_point(directory):
    """Report the device and toolkit target found, then select cpp_standalone (as a careless point would)."""
    import brian2 as b2

    import network
    from network.run import code_target

    found = {"device": type(b2.get_device()).__name__, "target": code_target()}
    network.set_code_target("cpp_standalone", directory=directory)
    return found


def test_each_point_starts_from_the_same_brian2_device(tmp_path):
    """Review item 30: the device (and the toolkit's target) a point selects is put back after it."""
    import brian2 as b2

    from network.run import code_target

    device0, target0 = b2.get_device(), code_target()
    result = run_sweep(brian2_device_point, grid(directory=[str(tmp_path / "a"), str(tmp_path / "b")]),
                       tmp_path / "d.h5", scheduler="serial", progress=False)
    assert result.complete, result.failed
    assert [r["outputs"] for r in result.records] == [{"device": type(device0).__name__, "target": target0}] * 2
    assert b2.get_device() is device0 and code_target() == target0


def test_check_names_refuses_names_the_model_does_not_have():
    """Review items 4 and 5: an unknown flat name is a ModelKeyError (a KeyError), with the look-alike."""
    from network.sweeps.simulation import check_names

    model = {"extends": "rs-fs-small"}
    for name in ("Exc_bbb", "Exc_bb", "Exc_V0"):
        with pytest.raises(ModelKeyError, match=f"sweep parameter '{name}' is not a Model key") as info:
            check_names(model, [name])
        assert isinstance(info.value, KeyError)
    with pytest.raises(ModelKeyError, match=r"did you mean 'Exc_b'\?"):
        check_names(model, ["Exc_bbb"])
    with pytest.raises(ModelKeyError, match="Exc_bbb"):  # a fixed name too
        check_names(model, ["Exc_b"], fixed={"Exc_bbb": 2.0})
    with pytest.raises(ModelKeyError, match="'drive.rat'"):
        check_names(model, ["drive.rat"])
    with pytest.raises(ModelValueError, match="tstop"):  # a fixed value is checked as the file's are
        check_names(model, ["Exc_b"], fixed={"tstop": -2.0})
    # keys of the model, grammar keys of its populations and option paths pass
    assert check_names(model, ["Exc_b", "N_Exc", "Inh_a", "p_Exc_Inh", "drive.rate", "connections.seed"]) is None
    assert check_names(dict(model, _mine=1.0), ["_mine"]) is None


def test_network_point_refuses_an_unknown_name_and_restores_the_target(tmp_path):
    """Review items 4 and 28: network_point itself refuses an unknown flat name; the code target
    it sets around the run is put back to the one found before (not to 'runtime')."""
    import network
    from network.run import code_target
    from network.sweeps.simulation import network_point

    model = {"extends": "rs-fs-small", "N_Exc": 4, "N_Inh": 1, "N_AffExc": 20, "tstop": 20.0}
    previous = code_target()
    try:
        network.set_code_target("numpy")
        with pytest.raises(ModelKeyError, match="Exc_bbb"):
            network_point(model, seed=1, Exc_bbb=3.0)
        out = network_point(model, seed=1, code_target="numpy", Exc_b=10.0)
        assert code_target() == "numpy"
        assert set(out) == {"rate_Exc", "cv_Exc", "rate_Inh", "cv_Inh"} and out["rate_Exc"] >= 0
        with pytest.raises(UnitError, match="Exc_b"):  # a swept value is checked as the file's are
            network_point(model, seed=1, Exc_b="twenty")
    finally:
        network.set_code_target(previous)
