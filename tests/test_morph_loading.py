"""Reading and checking morphology files: every defect gives its own clear error."""

import hashlib
import re
import subprocess
import sys
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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BROKEN = DATA / "broken_swc"
VALID = DATA / "valid"

# file -> (exception type, line, sample id, words that must be in the message)
BROKEN_CASES = {
    "empty.swc": (EmptyFileError, None, None, "empty"),
    "comments_only.swc": (EmptyFileError, None, None, "only comments"),
    "non_numeric.swc": (SWCSyntaxError, 6, 5, "'zero', not a number"),
    "nan_radius.swc": (SWCSyntaxError, 6, 5, "'radius' is nan, not a finite number"),
    "huge_coordinate.swc": (SWCSyntaxError, 6, 5, "beyond the range of single precision"),
    "id_too_large.swc": (SampleIdError, 6, 5000000000, "larger than 4294967295"),
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


def test_check_runs_the_tree_checks_past_malformed_lines(tmp_path):
    """A syntax error or a repeated id does not hide a missing parent elsewhere."""
    head = "1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2\n4 3 0 30 0 1 7\n"
    cases = {
        "non_numeric.swc": ("5 3 abc 0 0 1 2\n", (SWCSyntaxError, 5)),
        "repeated.swc": ("2 3 0 40 0 1 3\n", (SampleIdError, 5)),
        "short.swc": ("5 3 0 0\n", (SWCSyntaxError, 5)),
        "bad_parent.swc": ("5 3 0 40 0 1 x\n", (SWCSyntaxError, 5)),
    }
    for name, (line5, error) in cases.items():
        path = tmp_path / name
        path.write_text(head + line5)
        report = check(path)
        found = [(p.kind, p.line) for p in report.errors]
        assert found == [(MissingParentError, 4), error], name
        assert "parent id 7 does not exist" in str(report)
        assert report.skipped and all(f"not checked: {s}" in str(report)
                                      for s in report.skipped), name
    # a child of a malformed line whose id is readable is not reported as orphaned
    path = tmp_path / "child.swc"
    path.write_text(head.replace(" 7\n", " 3\n") + "5 3 abc 0 0 1 2\n6 3 0 0 0 1 5\n")
    report = check(path)
    assert [(p.kind, p.line) for p in report.errors] == [(SWCSyntaxError, 5)]
    # the soma line malformed: no false "no soma"
    path.write_text("1 x 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 9\n")
    report = check(path)
    assert [(p.kind, p.line) for p in report.errors] == [(SWCSyntaxError, 1),
                                                          (MissingParentError, 3)]
    # a well-formed file: nothing skipped
    assert check(VALID / "y_cell.swc").skipped == []


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


def _fresh_copy(tmp_path, name, new_name=None):
    """A copy under a new path: load() warns once per file and process."""
    path = tmp_path / (new_name or name)
    path.write_bytes((VALID / name).read_bytes())
    return path


def test_nonstandard_soma_warns_with_a_filterable_type(tmp_path):
    path = _fresh_copy(tmp_path, "nonstandard_soma.swc")
    with pytest.warns(NonStandardSomaWarning, match="line 3") as record:
        cell = load(path)
    assert issubclass(record[0].category, MorphologyWarning)
    # how it was interpreted: two cylinders of radius 5 and lengths 4 and 5
    message = str(record[0].message)
    assert "samples 2 and 3 are 4 and 5 um from sample 1, not symmetric about it" in message
    assert "two cylinders of the first sample's radius 5 um" in message
    assert "lengths 4 and 5 um" in message and "membrane area 282.7 um2" in message
    assert cell.soma.area == pytest.approx(2 * np.pi * 5 * (4 + 5), rel=1e-6)
    path = _fresh_copy(tmp_path, "nonstandard_soma.swc", "second.swc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=NonStandardSomaWarning)
        load(path)
    report = check(path)
    assert report.ok and [p.kind for p in report.warnings] == [NonStandardSomaWarning]


def test_three_point_soma_with_different_radii_loads_with_a_warning(tmp_path):
    """MorphIO reads it (SomaNonConform) and NeuroM refuses it ("All radii must be the
    same"); it is still a soma: read with the first sample's radius, and said so."""
    path = _fresh_copy(tmp_path, "three_point_radii.swc")
    with pytest.warns(NonStandardSomaWarning) as record:
        cell = load(path)
    assert len(record) == 1
    message = str(record[0].message)
    assert "line 2, sample id 1" in message and "its radii differ (5, 4, 5 um)" in message
    assert "first sample's radius 5 um (used for all three samples)" in message
    assert "membrane area 314.2 um2" in message
    assert cell.soma.kind == "three_point"
    np.testing.assert_array_equal(cell.soma.diameters, [10, 10, 10])
    assert cell.soma.area == pytest.approx(4 * np.pi * 5**2, rel=1e-6)  # 2 pi r (5 + 5)
    report = check(path)
    assert report.ok and [p.kind for p in report.warnings] == [NonStandardSomaWarning]
    from morphologies import discretise

    assert discretise(cell).compartments.area[0] == pytest.approx(4 * np.pi * 25, rel=1e-6)


def _three_point_file(path, p2, p3, radii=(5, 5, 5)):
    r1, r2, r3 = radii
    path.write_text(f"1 1 0 0 0 {r1} -1\n2 1 {p2[0]} {p2[1]} {p2[2]} {r2} 1\n"
                    f"3 1 {p3[0]} {p3[1]} {p3[2]} {r3} 1\n4 3 0 0 {r1} 1 1\n5 3 0 0 40 1 4\n")
    return path


@pytest.mark.parametrize("p2, p3", [
    ((0, -5, 0), (0, 5, 0)),                                   # NeuroMorpho's exact form
    ((-5, 0, 0), (5, 0, 0)),                                   # along x
    ((-0.19, -4.996, 0), (0.19, 4.996, 0)),                    # tilted, rounded, as NeuroMorpho's
    ((0, -4.96, 0), (0, 4.96, 0)),                             # 0.8 % short: within 1 %
])
def test_standard_three_point_soma_to_rounding_loads_silently(tmp_path, p2, p3):
    path = _three_point_file(tmp_path / "soma.swc", p2, p3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cell = load(path)
    assert cell.soma.area == pytest.approx(4 * np.pi * 25, rel=0.01)
    assert check(path).warnings == []


@pytest.mark.parametrize("p2, p3, radii, words", [
    ((0, -5.1, 0), (0, 5.1, 0), (5, 5, 5), "5.1 and 5.1 um from sample 1."),   # 2 % too far
    ((0, -5, 0), (0.2, 5, 0), (5, 5, 5), "not symmetric about it"),             # bent
    ((0, -5, 0), (0, 5, 0), (5, 5.1, 5), "its radii differ (5, 5.1, 5 um)"),   # 2 % radius
])
def test_three_point_soma_beyond_one_percent_warns(tmp_path, p2, p3, radii, words):
    path = _three_point_file(tmp_path / "soma.swc", p2, p3, radii)
    with pytest.warns(NonStandardSomaWarning, match=re.escape(words)):
        load(path)


def test_a_warning_appears_once_per_file_and_process(tmp_path):
    first = _fresh_copy(tmp_path, "nonstandard_soma.swc", "a.swc")
    second = _fresh_copy(tmp_path, "nonstandard_soma.swc", "b.swc")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # not the warnings registry: the loader's own record
        for path in (first, first, second, first, second):
            load(path)
    assert [str(w.message).split(",")[0] for w in caught] == [str(first), str(second)]
    # check() still reports it every time
    assert all(check(first).warnings for _ in range(2))


def test_once_per_file_in_a_fresh_process_with_brian2(tmp_path):
    """Through brian2's logger (which captures warnings): one line per file, however often."""
    path = _fresh_copy(tmp_path, "nonstandard_soma.swc")
    code = ("import brian2, sys, morphologies as mo\n"
            "for _ in range(3):\n"
            "    mo.load(sys.argv[1])\n")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(f"{path}, line 3") == 1, result.stderr


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


def test_crlf_and_tabs_read_as_the_plain_file():
    """Windows line ends and tab separators change nothing (lines still count by \\n)."""
    plain, odd = load(VALID / "y_cell.swc"), load(VALID / "y_cell_crlf_tabs.swc")
    np.testing.assert_array_equal(odd.points, plain.points)
    np.testing.assert_array_equal(odd.diameters, plain.diameters)
    assert check(VALID / "y_cell_crlf_tabs.swc").ok
    # one more comment line than y_cell.swc: the first dendrite sample (id 4) is on line 7
    line, first_sample = odd.section_samples()
    assert line[list(first_sample).index(4)] == 7


def test_points_are_the_files_double_precision_values():
    """MorphIO keeps float32; the cell's points are the SWC text's float64 values."""
    from morphologies import load_bundled

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonStandardSomaWarning)
        cell = load_bundled("L23BPC")
    data = np.loadtxt(cell.path, comments="#")
    text_values = {tuple(row) for row in np.column_stack([data[:, 2:5], 2 * data[:, 5]])}
    ours = np.column_stack([cell.points, cell.diameters])
    assert all(tuple(row) in text_values for row in ours)  # exact, not to float32
    np.testing.assert_allclose(cell.points, cell.morphio.points, rtol=1e-6, atol=1e-4)
    assert not np.array_equal(cell.points, np.asarray(cell.morphio.points, dtype=float))
    dendrites = cell.without_axon()
    assert len(dendrites.points) < len(cell.points)
    assert all(tuple(row) in text_values
               for row in np.column_stack([dendrites.points, dendrites.diameters]))


def _odd_inputs(tmp_path):
    """Inputs that are not morphologies, each with the words its error must contain."""
    asc = (VALID / "contour.asc").read_text()
    cases = {
        "a_directory.swc": (None, MorphologyNotFoundError, "directory"),
        "empty.asc": ("", EmptyFileError, "empty"),
        "comments.asc": ("; only a comment\n\n", EmptyFileError, "only comments"),
        "unbalanced.asc": (asc.replace(")", "", 3), MorphIOReadError, "balanced parens"),
        "not_hdf5.h5": ("this is not HDF5", MorphIOReadError, "Not an HDF5 file"),
        "binary.swc": ("\x00\x01garbage\n", SWCSyntaxError, "1 fields instead of 7"),
        "header_only.swc": ("# id type x y z r parent\n", EmptyFileError, "only comments"),
    }
    for name, (text, _, _) in cases.items():
        if text is None:
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_text(text)
    import h5py

    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["data"] = [1, 2, 3]
    cases["other.h5"] = (None, MorphIOReadError, "Missing points or structure")
    return cases


def test_odd_inputs_give_toolkit_errors(tmp_path):
    for name, (_, kind, words) in _odd_inputs(tmp_path).items():
        path = tmp_path / name
        with pytest.raises(kind, match=words) as info:
            load(path)
        assert isinstance(info.value, MorphologyError) and info.value.path == path
        if kind is not MorphologyNotFoundError:
            report = check(path)  # listed, not raised
            assert [p.kind for p in report.errors] == [kind], name


def test_single_sample_neurite_is_reported_not_crashed(tmp_path):
    """NeuroM's checks index a section's second point; check() reports it instead."""
    from morphologies import discretise
    from morphologies.errors import DiscretisationError, GeometryWarning

    path = tmp_path / "stub.swc"
    path.write_text("1 1 0 0 0 5 -1\n2 3 0 -5 0 5 1\n3 3 0 5 0 5 1\n"
                    "4 3 6 0 0 1 1\n5 3 16 0 0 1 4\n6 2 -6 0 0 1 1\n")
    report = check(path)
    assert report.ok and [p.kind for p in report.warnings] == [GeometryWarning]
    assert "single point" in str(report) and "line 6, sample id 6" in str(report)
    with pytest.raises(DiscretisationError, match="zero length"):
        discretise(load(path))
    assert "delete the sample" in report.warnings[0].hint  # a terminal stub may go


def test_fork_at_the_first_sample_hint_keeps_the_children(tmp_path):
    """A neurite forking at its first sample: a one-point section with children. The
    hint must not say to delete the sample (that orphans both branches)."""
    from morphologies import discretise
    from morphologies.errors import DiscretisationError, GeometryWarning

    path = tmp_path / "fork.swc"
    path.write_text("1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\n3 3 -5 15 0 1 2\n4 3 5 15 0 1 2\n")
    report = check(path)
    assert report.ok and [p.kind for p in report.warnings] == [GeometryWarning]
    hint = report.warnings[0].hint
    assert "do not delete it" in hint and "orphan" in hint
    assert "add a sample" in hint and "has a length" in hint
    with pytest.raises(DiscretisationError, match="add a sample before the fork"):
        discretise(load(path))


def test_points_that_match_no_sample_are_an_error():
    """If MorphIO ever returned a point that is not a sample, no silent float32 fallback."""
    from morphologies.cell import _sample_rows
    from morphologies.swc import SWCSamples

    samples = SWCSamples(path=Path("x.swc"), line=np.array([1, 2]), id=np.array([1, 2]),
                         type=np.array([1, 3]), xyz=np.array([[0.0, 0, 0], [0.1, 0, 0]]),
                         radius=np.array([5.0, 0.5]), parent=np.array([-1, 1]))
    np.testing.assert_array_equal(
        _sample_rows(np.array([[0.1, 0, 0], [0.1, 0, 0]], dtype=np.float32).astype(float),
                     np.array([1.0, 1.0]), samples), [1, 1])
    with pytest.raises(MorphIOReadError, match="not a sample of the file"):
        _sample_rows(np.array([[0.2, 0.0, 0.0]]), np.array([1.0]), samples)
