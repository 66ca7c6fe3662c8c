"""Reading and checking morphology files: every defect gives its own clear error."""

import hashlib
import warnings
from pathlib import Path

import morphio
import numpy as np
import pytest

from morphologies import check, load
from morphologies.errors import (
    CycleError,
    DiameterError,
    DisconnectedTreeError,
    EmptyFileError,
    MissingParentError,
    MorphIOReadError,
    MorphologyError,
    MorphologyFileError,
    MorphologyNotFoundError,
    MorphologyWarning,
    NonStandardSomaWarning,
    SampleIdError,
    SomaError,
    SWCSyntaxError,
    TypeCodeError,
    UnsupportedFormatError,
)

DATA = Path(__file__).resolve().parent / "data"
BROKEN = DATA / "broken_swc"
VALID = DATA / "valid"

# file -> (exception type, line, sample id, words that must be in the message)
BROKEN_CASES = {
    "empty.swc": (EmptyFileError, None, None, "empty"),
    "comments_only.swc": (EmptyFileError, None, None, "only comments"),
    "non_numeric.swc": (SWCSyntaxError, 6, None, "'zero', not a number"),
    "missing_field.swc": (SWCSyntaxError, 6, None, "6 fields instead of 7"),
    "extra_field.swc": (SWCSyntaxError, 6, None, "8 fields instead of 7"),
    "non_integer_id.swc": (SampleIdError, 6, None, "5.5 is not an integer"),
    "negative_id.swc": (SampleIdError, 6, -5, "negative"),
    "repeated_id.swc": (SampleIdError, 6, 4, "repeated (first used on line 5)"),
    "missing_parent.swc": (MissingParentError, 6, 5, "parent id 40 does not exist"),
    "negative_parent.swc": (MissingParentError, 6, 5, "parent id -3 is invalid"),
    "self_parent.swc": (CycleError, 6, 5, "its own parent"),
    "cycle.swc": (CycleError, 5, 4, "samples 4 (line 5), 5 (line 6), 6 (line 7) form a cycle"),
    "two_trees.swc": (DisconnectedTreeError, 6, 5, "second tree"),
    "no_soma.swc": (SomaError, None, None, "no soma"),
    "zero_diameter.swc": (DiameterError, 6, 5, "radius is 0"),
    "negative_diameter.swc": (DiameterError, 7, 6, "radius is -0.5"),
    "unknown_type.swc": (TypeCodeError, 7, 6, "unknown structure type code 25"),
    "type_zero.swc": (TypeCodeError, 7, 6, "unknown structure type code 0"),
    "type_change.swc": (TypeCodeError, 6, 5, "type changes from 3 to 4"),
    "bifurcating_soma.swc": (SomaError, 3, 2, "soma bifurcates"),
    "soma_neurite_parent.swc": (SomaError, 7, 6, "neurite sample (id 5) as parent"),
    "three_point_radii.swc": (SomaError, 2, 1, "different radii"),
}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_every_broken_file_has_a_case():
    assert sorted(BROKEN_CASES) == sorted(p.name for p in BROKEN.glob("*.swc")
                                          if p.name != "multiple_defects.swc")


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_file_gives_its_own_error(name):
    kind, line, sample_id, words = BROKEN_CASES[name]
    path = BROKEN / name
    before = _digest(path)
    with pytest.raises(kind) as info:
        load(path)
    error = info.value
    assert isinstance(error, MorphologyFileError) and isinstance(error, ValueError)
    assert isinstance(error, MorphologyError)
    assert error.path == path
    assert error.line == line and error.sample_id == sample_id
    message = str(error)
    assert str(path) in message and words in message and "Fix:" in message
    if line is not None:
        assert f"line {line}" in message
    if sample_id is not None:
        assert f"sample id {sample_id}" in message
    assert _digest(path) == before  # never modified
    # check() reports the same error, without raising
    report = check(path)
    assert not report.ok and report.errors[0].kind is kind and report.errors[0].line == line


def test_check_lists_every_problem():
    report = check(BROKEN / "multiple_defects.swc")
    found = [(p.kind, p.line) for p in report.errors]
    assert found == [(DiameterError, 5), (TypeCodeError, 7), (DiameterError, 8),
                     (SWCSyntaxError, 9)]
    text = str(report)
    assert "4 error(s)" in text and "BROKEN" in text
    with pytest.raises(DiameterError) as info:
        load(BROKEN / "multiple_defects.swc")
    assert "3 more error(s)" in info.value.__notes__[0]


def test_morphio_accepts_what_the_precheck_refuses():
    """MorphIO alone reads some broken files silently: the pre-check is needed."""
    handler = morphio.WarningHandlerCollector()
    cyc = morphio.Morphology(str(BROKEN / "cycle.swc"), warning_handler=handler)
    assert len(cyc.sections) == 0  # the cycle and its subtree silently vanish
    neg = morphio.Morphology(str(BROKEN / "negative_diameter.swc"), warning_handler=handler)
    assert (neg.diameters < 0).any()


def test_valid_swc_three_point_soma():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a standard file gives no warning
        cell = load(VALID / "y_cell.swc")
    assert cell.soma.kind == "three_point"
    # NeuroMorpho's three-point soma: two cylinders of radius r, i.e. 4 pi r^2
    assert cell.soma.area == pytest.approx(4 * np.pi * 5**2, rel=1e-6)
    assert cell.neurite_types == ["axon", "basal"]
    assert len(cell.section_types) == 4


def test_nonstandard_soma_warns_with_a_filterable_type():
    path = VALID / "nonstandard_soma.swc"
    with pytest.warns(NonStandardSomaWarning, match="line 3") as record:
        cell = load(path)
    assert issubclass(record[0].category, MorphologyWarning)
    # two cylinders of radius 5 and lengths 4 and 5
    assert cell.soma.area == pytest.approx(2 * np.pi * 5 * (4 + 5), rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=NonStandardSomaWarning)
        load(path)
    report = check(path)
    assert report.ok and [p.kind for p in report.warnings] == [NonStandardSomaWarning]


def test_asc_contour_soma():
    from morphologies import discretise, plot_morphology

    cell = load(VALID / "contour.asc")
    disc = discretise(cell)
    assert disc.compartments.area.sum() == pytest.approx(
        cell.soma.area + cell.sections.area.sum(), rel=1e-6)
    assert len(plot_morphology(disc, color_by="distance").data) <= 5
    assert cell.soma.kind == "contour"
    radius = np.mean(np.linalg.norm(cell.soma.points - cell.soma.points.mean(0), axis=1))
    assert cell.soma.area == pytest.approx(4 * np.pi * radius**2, rel=1e-5)
    assert len(cell.section_types) == 3
    assert check(VALID / "contour.asc").ok


def test_h5_written_by_morphio(tmp_path):
    path = tmp_path / "contour.h5"
    morphio.mut.Morphology(str(VALID / "contour.asc")).write(str(path))
    cell = load(path)
    assert cell.soma.kind == "contour"
    np.testing.assert_allclose(cell.points, load(VALID / "contour.asc").points)


def test_broken_asc_reports_morphio_line(tmp_path):
    path = tmp_path / "broken.asc"
    text = (VALID / "contour.asc").read_text()
    path.write_text(text[: text.rindex("|")])  # cut in the middle of the branch
    with pytest.raises(MorphIOReadError) as info:
        load(path)
    assert info.value.line is not None and "MorphIO cannot read" in str(info.value)
    assert "\x1b" not in str(info.value)  # colour codes stripped


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(MorphologyNotFoundError) as info:
        load(tmp_path / "nope.swc")
    assert isinstance(info.value, FileNotFoundError)
    other = tmp_path / "cell.txt"
    other.write_text("1 1 0 0 0 5 -1\n")
    with pytest.raises(UnsupportedFormatError, match="SWC"):
        load(other)


def test_remove_axon_and_name():
    cell = load(VALID / "y_cell.swc", remove_axon=True, name="y")
    assert cell.name == "y" and cell.neurite_types == ["basal"]
    assert cell.soma.kind == "three_point"


def test_error_pickles():
    import pickle

    with pytest.raises(CycleError) as info:
        load(BROKEN / "cycle.swc")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is CycleError and again.line == 5 and str(again) == str(info.value)


def test_geometry_oddities_are_check_warnings():
    from morphologies import discretise
    from morphologies.errors import GeometryWarning

    path = VALID / "odd_geometry.swc"
    report = check(path)
    assert report.ok
    codes = {p.code for p in report.warnings}
    assert {p.kind for p in report.warnings} == {GeometryWarning}
    assert {"has_all_nonzero_segment_lengths", "has_no_fat_ends"} <= codes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cell = load(path)  # loading does not repeat NeuroM's geometry checks
    for rule in ("d_lambda", "full"):  # the zero-length step's annulus is kept too
        disc = discretise(cell, rule)
        assert disc.compartments.area.sum() == pytest.approx(
            cell.soma.area + cell.sections.area.sum(), rel=1e-6)
