"""``nnd sweep SPEC.yaml`` and ``nnd sweep --status STORE.h5``: runs, resumes, reports, error exits."""

import os
import textwrap

import numpy as np
import pytest

from dendrites.cli import main
from network.hdf5 import save_dict_to_hdf5
from network.sweeps import load_sweep

POINTS_MODULE = '''
import numpy as np

def affine(x, y, seed, scale=1.0):
    return {"value": scale * (2 * x + y), "draw": float(np.random.default_rng(seed).uniform())}

def picky(x):
    if x < 0:
        raise RuntimeError(f"negative x = {x}")
    return {"root": float(np.sqrt(x))}
'''


def _one_error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nnd sweep: error: "), err
    return err[0]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "my_points.py").write_text(POINTS_MODULE)
    return tmp_path


@pytest.mark.slow
def test_sweep_file_runs_resumes_and_reports(folder, capsys):
    spec = folder / "affine.yaml"
    spec.write_text(textwrap.dedent("""\
        function: my_points:affine
        fixed: {scale: 3.0}
        grid:
          x: [0, 1, 2]
          y: [0.5, 1.0]
        seed: 5
        """))
    assert main(["sweep", str(spec), "--workers", "2", "-q"]) == 0
    result = load_sweep(folder / "affine.h5")  # default store: beside the file, same name
    assert result.complete and result.output("value").tolist() == [[1.5, 3.0], [7.5, 9.0], [13.5, 15.0]]
    # the points ran in the LocalCluster's worker processes, not in this one (which worker took
    # which point is the scheduler's business)
    assert all(r["worker"].startswith("tcp://") and f"(pid {os.getpid()})" not in r["worker"]
               for r in result.records)
    # run again: everything is already done, nothing runs
    assert main(["sweep", str(spec), "--scheduler", "serial", "-q"]) == 0
    assert [r["attempts"] for r in load_sweep(folder / "affine.h5").records] == [1] * 6
    capsys.readouterr()
    assert main(["sweep", "--status", str(folder / "affine.h5")]) == 0
    out = capsys.readouterr().out
    assert "6 done, 0 failed, 0 missing of 6" in out and "my_points:affine" in out


def test_failed_points_exit_1_and_are_listed(folder, capsys):
    spec = folder / "picky.yaml"
    spec.write_text("function: my_points:picky\npoints: [{x: 4.0}, {x: -1.0}, {x: 9.0}]\nstore: out/picky.h5\n")
    (folder / "out").mkdir()
    assert main(["sweep", str(spec), "--scheduler", "serial", "-q"]) == 1
    result = load_sweep(folder / "out" / "picky.h5")
    assert [r["status"] for r in result.records] == ["done", "failed", "done"]
    assert result.output("root").tolist()[::2] == [2.0, 3.0]
    capsys.readouterr()
    assert main(["sweep", "--status", str(folder / "out" / "picky.h5")]) == 0
    out = capsys.readouterr().out
    assert "2 done, 1 failed" in out and "RuntimeError: negative x = -1.0" in out


@pytest.mark.slow
def test_network_sweep_file(folder, capsys):
    spec = folder / "net.yaml"
    spec.write_text(textwrap.dedent("""\
        # the reduced RS-FS network over its drive
        model: {extends: rs-fs-small, N_Exc: 40, N_Inh: 10, tstop: 200.}
        target: numpy
        grid:
          drive.rate: [1., 10.]
        """))
    out_store = folder / "net-store.h5"
    assert main(["sweep", str(spec), "--workers", "1", "-o", str(out_store), "-q"]) == 0
    result = load_sweep(out_store)
    rates = result.output("rate_Exc")
    # 200 afferent inputs of 1 nS: 1 Hz leaves the cells silent, 10 Hz drives them (>1 Hz)
    assert result.complete and rates[0] < 0.5 < 1.0 < rates[1]
    df = result.summary()
    assert list(df.columns[:2]) == ["drive.rate", "status"] and np.isfinite(df["cv_Inh"].iloc[1])
    # the same sweep in this process: the same networks (seeds from the parameters), the same numbers
    assert main(["sweep", str(spec), "--scheduler", "serial", "-o", str(folder / "serial.h5"), "-q"]) == 0
    serial = load_sweep(folder / "serial.h5")
    np.testing.assert_equal([r["outputs"] for r in serial.records], [r["outputs"] for r in result.records])


@pytest.mark.parametrize("text, message", [
    ("function: my_points:affine\ngird: {x: [1]}\n", "'gird' (did you mean 'grid'?)"),
    ("function: my_points:affine\n", "exactly one of grid:, points: or random:"),
    ("function: my_points:affine\ngrid: {x: [1]}\npoints: [{x: 1}]\n", "exactly one of"),
    ("grid: {x: [1]}\n", "either model: (a network) or function:"),
    ("function: my_points:nothing\ngrid: {x: [1]}\n", "has no function 'nothing'"),
    ("function: no_such_module:f\ngrid: {x: [1]}\n", "cannot import 'no_such_module'"),
    ("model: rs-fs-small\ngrid: {Exc_bb: [1., 2.]}\n", "'Exc_bb' is not a Model key"),
    ("model: rs-fs-small\ngrid: {drive.rat: [1., 2.]}\n", "'drive.rat'"),
    ("model: rs-fs-small\ngrid: {Exc_b: [1., 1.]}\n", "repeats a value"),
    ("model: rs-fs-small\ntarget: gpu\ngrid: {Exc_b: [1.]}\n", "target = 'gpu'"),
    ("function: my_points:affine\nrandom: {n: 3, ranges: {x: {low: 2, high: 1}}}\n", "low < high"),
    ("function: my_points:affine\ngrid: {x: [1]\n", "line 3"),
    ("model: rs-fs-small\ngrid: {Exc_bbb: [1., 2.]}\n", "'Exc_bbb' is not a Model key of this model (did you mean"),
    ("model: rs-fs-small\nfixed: {Exc_bbb: 1.}\ngrid: {Exc_b: [1., 2.]}\n", "'Exc_bbb' is not a Model key"),
    ("model: {extends: rs-fs-small, drvie: {rate: 2.}}\ngrid: {Exc_b: [1.]}\n", "option section 'drive'"),
    ("model: {extends: rs-fs-small, tstop: fifty}\ngrid: {Exc_b: [1.]}\n", "Model['tstop'] = 'fifty'"),
])
def test_bad_sweep_files_are_one_line_exit_2(folder, capsys, text, message):
    spec = folder / "bad.yaml"
    spec.write_text(text)
    assert main(["sweep", str(spec), "--scheduler", "serial", "-q"]) == 2
    assert message in _one_error_line(capsys)


def test_bad_arguments_exit_2(folder, capsys):
    assert main(["sweep"]) == 2
    assert "give a sweep file SPEC.yaml, or --status" in _one_error_line(capsys)
    assert main(["sweep", "x.yaml", "--status", "s.h5"]) == 2
    _one_error_line(capsys)
    assert main(["sweep", "--status", str(folder / "none.h5")]) == 2
    assert "no such sweep store" in _one_error_line(capsys)
    save_dict_to_hdf5({"t": np.arange(3.0)}, folder / "data.h5")
    assert main(["sweep", "--status", str(folder / "data.h5")]) == 2
    assert "not a sweep store" in _one_error_line(capsys)
    assert main(["sweep", "--status", str(folder / "data.h5"), "--workers", "2"]) == 2
    assert "--status only reads the store" in _one_error_line(capsys)
    with pytest.raises(SystemExit) as exit_info:  # argparse: usage line and the error, exit 2
        main(["sweep", "spec.yaml", "--workers", "0"])
    assert exit_info.value.code == 2 and "give at least 1" in capsys.readouterr().err
    spec = folder / "ok.yaml"
    spec.write_text("function: my_points:picky\ngrid: {x: [1.]}\n")
    assert main(["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:9", "--workers", "2", "-q"]) == 2
    assert "only sizes the LocalCluster" in _one_error_line(capsys)
