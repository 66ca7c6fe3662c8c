"""Synapse placement, recording to HDF5, figures, 3D view and ``nnd passive``."""

import json

import numpy as np
import pytest

import morphologies as M
from dendrites import (CellModel, SiteTable, load_results, place, place_at, place_clustered,
                       place_distributed)
from dendrites.cli import main
from dendrites.errors import PlacementError, RegionError
from stimuli.spikes import homogeneous_poisson


@pytest.fixture(scope="module")
def l23():
    return M.discretise(M.load_bundled("L23pyr"), "d_lambda", d_lambda=0.1)


def test_place_by_type_distance_count_density(l23):
    t = l23.compartments
    a = place(l23, 200, where="apical", min_distance=100, max_distance=300, seed=3)
    assert isinstance(a, SiteTable) and len(a) == 200
    assert set(a["type"]) == {"apical"}
    assert a["distance_um"].min() >= 100 and a["distance_um"].max() <= 300
    assert list(a.frame.columns[:8]) == ["synapse", "compartment", "section", "type",
                                         "distance_um", "x_um", "y_um", "z_um"]
    b = place(l23, 200, where="apical", min_distance=100, max_distance=300, seed=3)
    assert np.array_equal(a.compartment, b.compartment)  # seeded
    # density per um: round(density * total length)
    rows = t.select(type="basal")
    d = place(l23, density=0.05, where="basal", seed=1)
    assert len(d) == round(0.05 * t.length[rows].sum())
    d2 = place(l23, density=0.01, per="area", where="basal", weighting="area", seed=1)
    assert len(d2) == round(0.01 * t.area[rows].sum())
    # uniform along the length: counts per compartment ~ length (chi-square-ish bound)
    many = place(l23, 20000, where="basal", seed=5)
    counts = np.bincount(many.compartment, minlength=len(t))[rows]
    expected = 20000 * t.length[rows] / t.length[rows].sum()
    assert abs(counts.sum() - expected.sum()) < 1e-9
    z = (counts - expected) / np.sqrt(expected)
    assert np.mean(z**2) < 1.5  # ~1 for multinomial counts


def test_clustered_distributed_and_coordinates(l23):
    c = place_clustered(l23, 9, 100, where="basal", spacing="even", seed=2)
    assert len(set(c["section"])) == 1
    assert np.ptp(c["distance_um"]) <= 100 + l23.compartments.length.max()
    assert np.all(np.diff(c["distance_um"]) >= 0)
    d = place_distributed(l23, 10, where="basal", seed=2)
    assert len(set(d["section"])) == 10
    xyz = l23.compartments.position[[5, 50, 500]] + 0.3
    p = place_at(l23, xyz)
    assert np.array_equal(p.compartment, [5, 50, 500])
    np.testing.assert_allclose(p["offset_um"], np.sqrt(3) * 0.3, rtol=1e-6)


def test_placement_bad_input(l23):
    with pytest.raises(PlacementError, match="matches no compartment"):
        place(l23, 5, where="apical", min_distance=1e5)
    with pytest.raises(PlacementError, match="unknown section"):
        place(l23, 5, sections=[99999])
    with pytest.raises(PlacementError, match="gives 0 synapses"):
        place(l23, density=1e-9, where="basal")
    n_basal_sections = len(set(l23.compartments.section[l23.compartments.type == 3]))
    with pytest.raises(PlacementError, match=f"has {n_basal_sections}"):
        place_distributed(l23, 10000, where="basal")
    with pytest.raises(PlacementError, match="no branch"):
        place_clustered(l23, 5, 1e5, where="basal")
    with pytest.raises(RegionError):
        CellModel(l23).set("Cm", 2, where={"sections": [-5]})
    with pytest.raises(Exception, match="Discretisation"):
        place(M.load_bundled("L23pyr"), 5)


def test_record_save_view_and_figure(tmp_path, l23):
    model = CellModel(l23, Ri=150, Rm=20000, EL=-70)
    sites = place(model, 30, where="apical", seed=1)
    model.add_synapses("ampa", sites, name="exc", weight=1.0)
    model.set_input("exc", homogeneous_poisson(20.0, 50.0, 30, seed=1))
    model.record("v", "all", dt=1.0)
    model.record(["g", "I"], group="exc")
    res = model.run(50, target="numpy")
    path = res.save(tmp_path / "r.h5")
    data = load_results(path)
    assert data["compartments"]["distance"].shape == (model.n,)
    assert np.array_equal(data["sites"]["exc"]["compartment"], sites.compartment)
    np.testing.assert_array_equal(data["traces"]["v"]["values"], res.traces["v"]["values"])
    assert data["traces"]["exc__g"]["values"].shape[0] == 30
    t, v = res.trace("v")
    _, g = res.trace("exc.g")
    _, i = res.trace("exc.I")
    assert np.abs(i).max() > 0
    fig = res.plot_traces("v", [0, int(sites.compartment[0])])
    fig.savefig(tmp_path / "traces.png")
    view = res.view(animate=True, max_frames=5)
    assert len(view.frames) == 5
    assert any(tr.name == "synapses exc" for tr in view.data)
    still = res.view(time=20)
    assert "at 20 ms" in str(still.to_dict()["data"])  # the colour bar names the time
    from morphologies.view import save_html

    save_html(view, tmp_path / "v.html")
    assert (tmp_path / "v.html").stat().st_size > 1e5


def test_nnd_passive(tmp_path, capsys):
    out = tmp_path / "p.json"
    html = tmp_path / "p.html"
    assert main(["passive", "L23pyr", "--Rm", "15000", "--json", str(out), "-o", str(html)]) == 0
    data = json.loads(out.read_text())
    assert {"input_resistance_MOhm", "tau_m_ms", "n_compartments"} <= set(data)
    assert data["tau_m_ms"] == pytest.approx(15.0, rel=1e-5)  # uniform membrane: Rm Cm
    disc = M.discretise(M.load_bundled("L23pyr"), "d_lambda", d_lambda=0.1)
    assert data["n_compartments"] == disc.n
    model = CellModel(disc, Rm=15000)
    assert data["input_resistance_MOhm"] == pytest.approx(
        model.passive_system().input_resistance() / 1e6, rel=1e-12)
    assert html.stat().st_size > 1e5
    assert main(["passive", "nosuch_cell"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nnd passive: error:")
    assert main(["passive", "L23pyr", "--Cm", "-1"]) == 2
    assert main(["passive", str(tmp_path / "missing.swc")]) == 2
