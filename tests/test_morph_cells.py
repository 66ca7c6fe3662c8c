"""Every reference reconstruction (the bundled copies, and ../shared/morphologies/ where
it exists) loads silently, passes `check`, is measured as NeuroM measures it,
discretises and draws.

Nothing depends on ../shared/: the bundled copies are always tested (against the
SHA-256 digests recorded in morphologies/data/README.md).  Where the shared folder
sits beside the repository, its files are added as further parametrised cases, and
each bundled copy is also compared with the shared file it was copied from; a clone
with nothing beside it just has fewer cases.
"""

import hashlib
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from neurom import NeuriteType
from neurom import features as nm_features

from morphologies import (check, discretise, list_bundled, load, load_bundled, morphometrics,
                          plot_morphology)
from morphologies.bundled import bundled_path
from morphologies.discretisation import SectionGeometry

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "morphologies"
SHARED_FILES = sorted(SHARED.glob("*.swc")) if SHARED.is_dir() else []
BUNDLED = list_bundled()
CASES = ([pytest.param(("bundled", name), id=f"bundled-{name}") for name in BUNDLED]
         + [pytest.param(("shared", path), id=f"shared-{path.stem}") for path in SHARED_FILES])
_CACHE = {}


def _cell(case):
    if case not in _CACHE:
        where, what = case
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the reference cells load without any warning
            _CACHE[case] = load_bundled(what) if where == "bundled" else load(what)
    return _CACHE[case]


def test_bundled_set():
    assert {"L5pyr", "L23pyr", "L23BC", "L23BPC"} <= set(BUNDLED)
    readme = bundled_path("L5pyr").parent / "README.md"
    text = readme.read_text()
    assert "Jiang" in text and "NeuroMorpho" in text and "../shared/morphologies/" in text
    assert "/work/" not in text


def _documented_digests():
    text = (bundled_path("L5pyr").parent / "README.md").read_text()
    return dict(re.findall(r"^\| (\S+\.swc) \| `([0-9a-f]{64})` \|$", text, re.M))


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_copy_is_the_documented_file(name):
    """Each bundled file is the unmodified NeuroMorpho download its README names; where
    ../shared/morphologies/ exists, the shared file of that name is byte-identical."""
    path = bundled_path(name)
    digests = _documented_digests()
    assert set(digests) == {bundled_path(n).name for n in BUNDLED}
    assert _sha256(path) == digests[path.name]
    if SHARED_FILES:  # a clone with the shared folder beside it
        assert (SHARED / path.name).read_bytes() == path.read_bytes()


def test_loading_a_bundled_cell_prints_nothing():
    """In a fresh process (brian2 imported, its logger active), load every bundled cell:
    nothing on stderr or stdout."""
    code = ("import brian2, morphologies as mo\n"
            "for name in mo.list_bundled():\n"
            "    mo.load_bundled(name)\n"
            "mo.load('L5pyr'); mo.discretise(mo.load_bundled('L23BPC'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""


@pytest.mark.parametrize("case", CASES)
def test_loads_and_checks(case):
    cell = _cell(case)
    assert cell.soma.kind == "three_point" and cell.soma.area > 0
    assert len(cell.section_types) > 50 and len(cell.points) > 2000
    report = check(cell.path)
    assert report.ok, str(report)
    # their three-point somata are NeuroMorpho's standard form to rounding (<= 0.13 %)
    assert "NonStandardSomaWarning" not in {p.kind.__name__ for p in report.warnings}
    assert cell.soma.area == pytest.approx(4 * np.pi * (cell.soma.diameters[0] / 2) ** 2,
                                           rel=2e-3)


@pytest.mark.parametrize("case", CASES)
def test_morphometrics_match_neurom(case):
    cell = _cell(case)
    metrics = morphometrics(cell)
    nm = cell.neurom
    for name, ntype in [("all", NeuriteType.all), ("axon", NeuriteType.axon),
                        ("basal", NeuriteType.basal_dendrite)]:
        m = metrics[name]
        assert m["total_length"] == pytest.approx(nm_features.get("total_length", nm,
                                                                  neurite_type=ntype))
        assert m["n_sections"] == nm_features.get("number_of_sections", nm, neurite_type=ntype)
        assert m["n_tips"] == nm_features.get("number_of_leaves", nm, neurite_type=ntype)
        assert m["n_branch_points"] == nm_features.get("number_of_forking_points", nm,
                                                       neurite_type=ntype)
        assert m["max_path_distance"] == pytest.approx(np.max(nm_features.get(
            "section_path_distances", nm, neurite_type=ntype)))
        np.testing.assert_array_equal(m["branch_orders"], nm_features.get(
            "section_branch_orders", nm, neurite_type=ntype))
    area = nm_features.get("total_area", nm)
    assert metrics["all"]["membrane_area"] == pytest.approx(area + cell.soma.area)
    assert cell.soma.area == pytest.approx(nm_features.get("soma_surface_area", nm))


def test_sholl_counts_match_neurom():
    cell = _cell(("bundled", "L23BPC"))
    metrics = morphometrics(cell, sholl_step=25.0)
    radii = metrics["all"]["sholl_radii"]
    for name, ntype in [("all", NeuriteType.all), ("axon", NeuriteType.axon)]:
        expected = nm_features.get("sholl_frequency", cell.neurom, neurite_type=ntype, bins=radii)
        np.testing.assert_array_equal(metrics[name]["sholl_counts"], expected)


@pytest.mark.parametrize("case", CASES)
def test_section_table_agrees_with_float64_geometry(case):
    """NeuroM's per-section lengths and path distances (float32) equal ours (float64)."""
    cell = _cell(case)
    geometry = SectionGeometry(cell)
    sections = cell.sections
    np.testing.assert_allclose(sections.length, geometry.length, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(sections.start_distance, geometry.start_distance,
                               rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(sections.area, geometry.area, rtol=1e-5, atol=1e-4)
    roots = sections.parent < 0
    assert (sections.branch_order[roots] == 0).all()
    assert (sections.branch_order[~roots]
            == sections.branch_order[sections.parent[~roots]] + 1).all()


@pytest.mark.parametrize("case", CASES)
def test_discretises_and_draws(case):
    cell = _cell(case)
    disc = discretise(cell)
    table = disc.compartments
    assert disc.n == 1 + disc.n_compartments.sum() == disc.morphology.total_compartments
    assert np.all(disc.n_compartments % 2 == 1)
    total = cell.soma.area + cell.sections.area.sum()
    assert table.area.sum() == pytest.approx(total, rel=1e-6)
    fig = plot_morphology(disc, color_by="distance")
    assert len(fig.data) <= 10  # a handful of traces, not one per segment
    fig = plot_morphology(cell)
    assert len(fig.data) <= 4 * 4 + 1
