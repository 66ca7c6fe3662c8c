"""nnd epsp-map / sequence / clustering: CSV columns, one-line errors with exit code 2."""

import pandas as pd
import pytest

from dendrites.cli import main


def test_nnd_epsp_map_csv_and_view(tmp_path, capsys):
    out = tmp_path / "map.csv"
    view = tmp_path / "map.html"
    code = main(["epsp-map", "L23pyr", "--sites", "40", "--weight", "0.5", "--Rm", "15000",
                 "--duration", "30", "--csv", str(out), "-o", str(view)])
    assert code == 0
    f = pd.read_csv(out)
    for col in ("compartment", "section", "type", "distance_um", "x_um", "y_um", "z_um",
                "local_peak_mV", "soma_peak_mV"):
        assert col in f.columns
    assert len(f) == 40 and (f.soma_peak_mV > 0).all() and (f.local_peak_mV >= f.soma_peak_mV - 1e-5).all()
    assert view.stat().st_size > 10000
    assert "40 sites (kernel method)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["epsp-map", "L23pyr", "--weight", "-1", "--csv", "x.csv"], "weight"),
    (["epsp-map", "L23pyr", "--sites", "many", "--csv", "x.csv"], "--sites"),
    (["epsp-map", "L23pyr", "--sites", "0", "--csv", "x.csv"], "sites=0"),
    (["epsp-map", "no_such_cell", "--csv", "x.csv"], "no_such_cell"),
    (["epsp-map", "L23pyr", "--Ri", "-5", "--csv", "x.csv"], "--Ri"),
    (["sequence", "L23pyr", "--intervals", "0,-2", "--csv", "x.csv"], "intervals"),
    (["sequence", "L23pyr", "--length", "5000", "--csv", "x.csv"], "5000 um long"),
    (["clustering", "L23pyr", "--n", "500", "--csv", "x.csv"], "branches"),
])
def test_nnd_experiment_errors_are_one_line_exit_2(argv, message, capsys, tmp_path,
                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"nnd {argv[0]}: error:")
    assert message in err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.slow
def test_nnd_sequence_and_clustering_csv(tmp_path):
    seq = tmp_path / "seq.csv"
    assert main(["sequence", "--intervals", "0,4", "--nmda", "on", "--csv", str(seq),
                 "-o", str(tmp_path / "seq.png")]) == 0
    f = pd.read_csv(seq)
    assert set(f.direction) == {"IN", "OUT"} and set(f.interval_ms) == {0.0, 4.0}
    assert set(f.nmda.astype(str).str.lower()) == {"true"} and (f.soma_peak_mV > 0).all()
    clu = tmp_path / "clu.csv"
    assert main(["clustering", "--n", "3", "--nmda", "off", "--duration", "30",
                 "--csv", str(clu)]) == 0
    g = pd.read_csv(clu)
    for col in ("arrangement", "k", "nmda", "observed_mV", "expected_mV"):
        assert col in g.columns
    assert len(g) == 6 and set(g.arrangement) == {"clustered", "distributed"}
