"""`nnd rs-fs`: bad output folders, non-integer tstop, the compile message only when compiling."""

import numpy as np
import pytest

from dendrites.cli import main


def test_unwritable_output_is_one_line_and_exit_2(capsys):
    assert main(["rs-fs", "-o", "/proc/foo", "--tstop", "1", "-q", "--no-figure"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnd rs-fs: error: cannot write the outputs to '/proc/foo'") and "-o/--output" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_non_integer_tstop_runs_and_warm_runs_do_not_announce_compilation(tmp_path, capsys):
    """--tstop 0.3 (0.3/0.1 = 2.9999999999999996) runs 3 steps; a second run of the same
    structure reuses the compiled code and says nothing about compiling; the summary reports
    the code preparation apart from the loop."""
    from network.recording import load_dict_from_hdf5

    for k in range(2):
        assert main(["rs-fs", "-o", str(tmp_path / str(k)), "--tstop", "0.3", "--no-figure",
                     "--target", "runtime"]) == 0
        out = capsys.readouterr().out
    data = load_dict_from_hdf5(tmp_path / "1" / "RS-FS_data.h5")
    np.testing.assert_allclose(data["t_array"], [0.0, 0.1, 0.2])
    assert data["VMS_Exc"].shape == (4, 3)
    assert "compiled" not in out and "code preparation" in out and "loop" in out


def _nnd(*args, env=None):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = "import sys; from dendrites.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=600)


@pytest.mark.slow
@pytest.mark.standalone
def test_default_standalone_build_is_reused_across_outputs_and_values(tmp_path):
    """nnd rs-fs (one process per run, as a user runs it) builds a C++ program in the user
    cache; another output folder and another tstop (on the same power-of-two padding of the
    drive's TimedArray) reuse it: no code object is compiled again (their object files keep
    their times), and nothing is built in the output folders."""
    from network.recording import load_dict_from_hdf5

    env = {"NND_CACHE_DIR": str(tmp_path / "cache")}
    p = _nnd("rs-fs", "-o", str(tmp_path / "a"), "--tstop", "20", "--no-figure", "-q", env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    build = next((tmp_path / "cache" / "standalone").iterdir())
    objects = {p: p.stat().st_mtime_ns for p in (build / "code_objects").glob("*.o")}
    assert len(objects) > 20
    p = _nnd("rs-fs", "-o", str(tmp_path / "b"), "--tstop", "25", "--no-figure", "-q", env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in objects} == objects
    assert sorted((build / "code_objects").glob("*.o")) == sorted(objects)
    b = load_dict_from_hdf5(tmp_path / "b" / "RS-FS_data.h5")
    assert b["VMS_Exc"].shape == (4, 250) and sorted(x.name for x in (tmp_path / "b").iterdir()) == ["RS-FS_data.h5"]
