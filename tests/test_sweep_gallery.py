"""The sweeps' gallery script ``docs/examples/plot_sweep_rs_fs.py`` at reduced size.

It runs (``NND_GALLERY_REDUCED=1``: the RS-FS network at a tenth of its size, 300 ms,
a 3 x 3 grid of drive x adaptation on a LocalCluster of 2 workers) and its maps say
what its text says: rates grow with the drive, adaptation lowers them.  Run again,
it resumes from its store and runs nothing.
"""

import runpy
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "examples" / "plot_sweep_rs_fs.py"


@pytest.mark.slow
def test_plot_sweep_rs_fs(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("NND_GALLERY_REDUCED", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # its store goes to a fresh temporary folder
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    try:
        g = runpy.run_path(str(SCRIPT), run_name="__main__")
        assert len(plt.get_fignums()) == 1
    finally:
        plt.close("all")
    result = g["result"]
    assert Path(result.store).parent == tmp_path and result.complete, result.failed
    assert result.shape == (3, 3) and g["drives"] == [2.0, 4.0, 8.0] and g["adaptations"] == [0.0, 30.0, 60.0]
    exc, inh = g["rates_exc"], g["rates_inh"]
    assert np.all(np.isfinite(exc)) and np.all(np.isfinite(inh))
    # rates grow with the drive at every adaptation b (rows: drive, columns: b)
    assert np.all(np.diff(exc, axis=0) > 0) and np.all(np.diff(inh, axis=0) > 0)
    # 2 Hz leaves the network nearly silent; 8 Hz without adaptation is an asynchronous regime of a few Hz
    assert exc[0].max() < 1.0 and 2.0 < exc[2, 0] < 40.0
    # the strongest adaptation lowers the excitatory rate, and with it the inhibitory one, where they fire
    assert np.all(exc[1:, 2] < exc[1:, 0]) and np.all(inh[1:, 2] < inh[1:, 0])
    # the table printed by the script holds the same numbers
    np.testing.assert_array_equal(g["summary"]["rate_Exc"].to_numpy(), exc.ravel())
    # run again: everything is read from the store, nothing runs
    try:
        again = runpy.run_path(str(SCRIPT), run_name="__main__")
    finally:
        plt.close("all")
    assert [r["attempts"] for r in again["result"].records] == [1] * 9
    np.testing.assert_array_equal(again["rates_exc"], exc)
