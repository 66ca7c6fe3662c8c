"""Reading (:func:`load`) and checking (:func:`check`) morphology files.

MorphIO is the only reader.  SWC files are first pre-parsed by
:func:`morphologies.swc.read_swc_samples`, which reports every defect with its
line number; ASC and H5 files are checked by MorphIO and by checks of the loaded
tree.  Input files are only ever read.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import morphio
import numpy as np
from neurom.check import morphology_checks as _neurom_checks

from .cell import Cell
from .errors import (
    DiameterError,
    EmptyFileError,
    GeometryWarning,
    MorphIOReadError,
    MorphIOWarning,
    MorphologyFileError,
    MorphologyNotFoundError,
    NonStandardSomaWarning,
    Problem,
    SomaError,
    UnsupportedFormatError,
)
from .bundled import find_bundled, list_bundled, similar_bundled
from .swc import parse_morphio_message, read_swc_samples

__all__ = ["load", "check", "CheckReport", "SUPPORTED_FORMATS", "THREE_POINT_TOLERANCE"]

SUPPORTED_FORMATS = (".swc", ".asc", ".h5")

# (file, warning class, text) of every warning load() has emitted in this process
_WARNED = set()

# NeuroM checks run by `check`: name -> what a failure means.
_GEOMETRY_CHECKS = {
    "has_all_nonzero_segment_lengths": "zero-length segment (two consecutive identical points)",
    "has_all_nonzero_section_lengths": "zero-length section (cannot be discretised)",
    "has_no_jumps": "jump of more than 30 um along z between consecutive points",
    "has_no_fat_ends": "fat end: terminal point more than twice as wide as the branch",
    "has_no_narrow_start": "narrow start: neurite much thinner at its root than after",
    "has_no_dangling_branch": "dangling branch: neurite starting far from the soma",
    "has_no_single_children": "section with a single child section (unifurcation)",
    "has_multifurcation": "branch point with more than two children",
    "has_no_overlapping_point": "two points of the tree at the same place",
    "has_no_root_node_jumps": "neurite root far outside the soma",
}


def _check_path(path):
    """The file to read: ``path`` itself, or the bundled cell of that name."""
    given = path
    path = Path(path)
    if not path.exists():
        bundled = find_bundled(given)
        if bundled is not None:
            return bundled
    if path.is_dir():
        raise MorphologyNotFoundError(
            "this is a directory, not a morphology file.", path=path,
            hint="give the path of one .swc, .asc or .h5 file (`ls` the directory).")
    if not path.is_file():
        close = similar_bundled(given)
        guess = f"did you mean the bundled cell {close[0]!r}? " if close else ""
        raise MorphologyNotFoundError(
            "no such file.", path=path,
            hint=f"{guess}check the path, or give the name of a bundled cell "
                 f"({', '.join(list_bundled())}).")
    if path.suffix.lower() not in SUPPORTED_FORMATS:
        raise UnsupportedFormatError(
            f"unsupported file type {path.suffix!r}.", path=path,
            hint="morphologies are read from SWC (.swc), Neurolucida ASC (.asc) or H5 (.h5).")
    return path


def _empty_problem(path):
    """An EmptyFileError problem for an ASC or H5 file with no content, else None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MorphologyFileError(f"cannot read the file ({exc.strerror or exc}).", path=path,
                                  hint="check the file's permissions.", code="unreadable") from None
    if path.suffix.lower() == ".asc":
        # Neurolucida comments run from ';' to the end of the line
        raw = b"\n".join(line.split(b";")[0] for line in raw.splitlines())
    if raw.strip():
        return None
    return Problem(EmptyFileError, "the file is empty." if not raw else
                   "the file holds only comments or blank lines.", path=path,
                   hint="export the reconstruction again; the file has no morphology.")


def _read_morphio(path, samples):
    """Read ``path`` with MorphIO; return (morphology or None, problems)."""
    if samples is None:
        empty = _empty_problem(path)
        if empty is not None:
            return None, [empty]
    collector = morphio.WarningHandlerCollector()
    try:
        morphology = morphio.Morphology(str(path), options=morphio.Option.no_modifier,
                                        warning_handler=collector)
    except morphio.MorphioError as exc:
        line, text = parse_morphio_message(exc)
        return None, [Problem(MorphIOReadError, f"MorphIO cannot read the file: {text}",
                              path=path, line=line,
                              hint="correct the file at this place; see MorphIO's message.")]
    problems = []
    for emission in collector.get_all():
        warning = emission.warning
        if type(warning).__name__ == "SomaNonConform":
            continue  # the toolkit judges three-point somata itself (_three_point_soma)
        line, text = parse_morphio_message(warning.msg())
        text = text.removeprefix("Warning:").strip().rstrip(":")
        problems.append(Problem(MorphIOWarning, text, path=path, line=line))
    if morphology.soma_type == morphio.SomaType.SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS:
        morphology, soma_problems = _three_point_soma(morphology, path, samples)
        problems = soma_problems + problems
    return morphology, problems


#: Relative tolerance of the standard three-point soma: samples 2 and 3 at r (1 +/- tol) from
#: sample 1, on opposite sides (|p2 + p3 - 2 p1| <= tol r), radii equal to tol.  Within it
#: the soma area 2 pi r (|p2 - p1| + |p3 - p1|) is the sphere's 4 pi r**2 to tol.
THREE_POINT_TOLERANCE = 0.01


def _three_point_soma(morphology, path, samples):
    """Judge a three-point soma; give it one radius if its radii differ.

    NeuroMorpho.Org's standard form: samples 2 and 3 at -/+ r from sample 1 along
    one axis, all three of radius r.  MorphIO accepts only exact offsets along a
    coordinate axis (its SomaNonConform warning); NeuroMorpho's own files are
    written with rounded coordinates and are often slightly off, or along a
    tilted axis.  Within :data:`THREE_POINT_TOLERANCE` the soma is standard and
    nothing is reported.  Otherwise it is still read as NeuroMorpho's soma
    (two cylinders of the first sample's radius, from sample 1 to sample 2 and
    to sample 3), with a :class:`NonStandardSomaWarning` saying so.  Different
    radii are replaced by the first sample's (NeuroMorpho's equivalent radius
    rs; NeuroM requires one radius), which the warning also says.
    """
    # MorphIO's float32 values: 1e-7 relative, far below the tolerance
    points = np.asarray(morphology.soma.points, dtype=np.float64)
    radii = np.asarray(morphology.soma.diameters, dtype=np.float64) / 2
    r = radii[0]
    tol = THREE_POINT_TOLERANCE
    lengths = np.linalg.norm(points[1:] - points[0], axis=1)
    same_radii = bool(np.all(np.abs(radii - r) <= tol * r))
    symmetric = bool(np.linalg.norm(points[1] + points[2] - 2 * points[0]) <= tol * r)
    standard_offsets = bool(np.all(np.abs(lengths - r) <= tol * r)) and symmetric
    if same_radii and standard_offsets:
        return morphology, []
    what = ["three-point soma not in NeuroMorpho.Org's standard form (samples 2 and 3 at "
            f"-/+ r = {r:g} um from sample 1 on opposite sides, all three of radius r)"]
    if not same_radii:
        what.append(f"its radii differ ({', '.join(f'{x:g}' for x in radii)} um)")
        mutable = morphology.as_mutable()
        mutable.soma.diameters = np.full(3, float(morphology.soma.diameters[0]))
        morphology = mutable.as_immutable()
    if not standard_offsets:
        what.append(f"samples 2 and 3 are {lengths[0]:g} and {lengths[1]:g} um from sample 1"
                    + ("" if symmetric else ", not symmetric about it"))
    area = 2 * np.pi * r * lengths.sum()
    text = (": ".join(what[:1]) + ": " + "; ".join(what[1:]) + ". Read as NeuroMorpho's soma: "
            f"two cylinders of the first sample's radius {r:g} um"
            + ("" if same_radii else " (used for all three samples)")
            + f" from sample 1 to samples 2 and 3 (lengths {lengths[0]:g} and {lengths[1]:g} um), "
            f"membrane area {area:.4g} um2 (a sphere of radius {r:g} um: "
            f"{4 * np.pi * r**2:.4g} um2); the soma is one isopotential compartment of that area.")
    line = sample_id = None
    if samples is not None:
        rows = np.flatnonzero(samples.type == 1)
        line, sample_id = int(samples.line[rows[0]]), int(samples.id[rows[0]])
    return morphology, [Problem(
        NonStandardSomaWarning, text, path=path, line=line, sample_id=sample_id,
        code="three_point_soma",
        hint="nothing needed; to silence this, write the soma in NeuroMorpho's standard form, "
        "or filter morphologies.errors.NonStandardSomaWarning.")]


def _check_loaded(morphology, path):
    """Checks of a MorphIO tree that apply to every file format."""
    problems = []
    if morphology.soma_type not in (
            morphio.SomaType.SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS,
            morphio.SomaType.SOMA_SINGLE_POINT, morphio.SomaType.SOMA_SIMPLE_CONTOUR,
            morphio.SomaType.SOMA_CYLINDERS):
        n = len(morphology.soma.points)
        what = "the file has no soma." if n == 0 else f"the soma of {n} points has no known form."
        problems.append(Problem(
            SomaError, what, path=path, code="no_soma" if n == 0 else "soma_form",
            hint="give the soma as one point (sphere), three points (NeuroMorpho), a chain of "
            "points (cylinders) or a closed contour (ASC/H5)."))
    diameters = np.asarray(morphology.diameters)
    offsets = np.asarray(morphology.section_offsets)
    for i in np.flatnonzero(diameters <= 0):
        section = int(np.searchsorted(offsets, i, side="right") - 1)
        problems.append(Problem(
            DiameterError, f"point {i - offsets[section]} of section {section} has diameter "
            f"{diameters[i]:g}; diameters must be positive.", path=path,
            hint="correct the diameter of this point."))
    return problems


def _where(cell, sections):
    """Text naming sections, with their SWC line and sample id when known."""
    located = cell.section_samples()
    names = [f"{s}" if located is None else
             f"{s} (from line {located[0][s]}, sample id {located[1][s]})"
             for s in sections[:10]]
    return ", ".join(names) + (f" and {len(sections) - 10} more" if len(sections) > 10 else "")


def _geometry_problems(cell):
    """NeuroM's morphology checks (and single-point sections) as GeometryWarnings."""
    single = np.flatnonzero(np.diff(cell.section_offsets) < 2)
    if len(single):
        # several NeuroM checks index a section's second point: they cannot run
        forks = [int(s) for s in single if len(cell.morphio.section(int(s)).children)]
        if forks:
            hint = (f"section(s) {forks} fork at their only sample: do not delete it (that "
                    "would orphan the child branches); add a sample between the parent and "
                    "the fork so that the section has a length, or move the fork one sample "
                    "further out. A terminal one-sample branch can be deleted or given a "
                    "second sample.")
        else:
            hint = "delete the sample, or give the branch a second sample."
        return [Problem(
            GeometryWarning, f"section(s) {_where(cell, single)} have a single point (a branch "
            "of one sample): no length, no membrane, so they cannot be discretised; NeuroM's "
            "geometry checks were not run.", path=cell.path, hint=hint,
            code="single_point_section")]
    problems = []
    for name, what in _GEOMETRY_CHECKS.items():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            result = getattr(_neurom_checks, name)(cell.neurom)
        if result.status:
            continue
        # NeuroM's info is a list of section ids or of (section id, points) pairs
        info = result.info if isinstance(result.info, list) else []
        sections = sorted({int(np.ravel(item[0] if isinstance(item, tuple) else item)[0])
                           for item in info})
        where = f" in section(s) {_where(cell, sections)}" if sections else ""
        line = sample_id = None
        located = cell.section_samples()
        if located is not None and len(sections) == 1:
            line, sample_id = int(located[0][sections[0]]), int(located[1][sections[0]])
        problems.append(Problem(GeometryWarning, f"{what} (NeuroM {name}){where}.",
                                path=cell.path, line=line, sample_id=sample_id, code=name))
    return problems


def _raise_errors(problems):
    errors = [p for p in problems if p.is_error]
    if errors:
        exc = errors[0].exception()
        if len(errors) > 1:
            exc.add_note(f"{len(errors) - 1} more error(s) in this file; "
                         f"`nnd check {errors[0].path}` lists them all.")
        raise exc


def load(path, *, remove_axon=False, name=None):
    """Read a morphology file (SWC, Neurolucida ASC or H5) with MorphIO.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (it is never modified), or the name of a bundled cell
        (:func:`morphologies.list_bundled`, e.g. ``"L5pyr"``) when no such file exists.
    remove_axon : bool, optional
        Drop every neurite of type axon (default False).
    name : str, optional
        Name of the cell (default: the file name without its extensions).

    Returns
    -------
    Cell

    Raises
    ------
    morphologies.errors.MorphologyFileError
        A subclass naming the file, the line and sample id where known, what is
        wrong and how to fix it.  The first error of the file is raised;
        :func:`check` lists them all.

    Warns
    -----
    morphologies.errors.MorphologyWarning
        For repairable oddities, e.g. :class:`~morphologies.errors.NonStandardSomaWarning`.
        Each warning is emitted once per file and process (loading the same file
        again is silent); :func:`check` lists them every time.
    """
    path = _check_path(path)
    samples, problems = (read_swc_samples(path) if path.suffix.lower() == ".swc"
                         else (None, []))
    _raise_errors(problems)
    morphology, more = _read_morphio(path, samples)
    problems += more
    _raise_errors(problems)
    problems += _check_loaded(morphology, path)
    _raise_errors(problems)
    cell = Cell(morphology, name=name or path.name.split(".")[0], path=path, samples=samples)
    cell.points  # noqa: B018 - match MorphIO's points to the samples now (may raise)
    for problem in problems:
        key = (str(path.resolve()), problem.kind, str(problem))
        if key not in _WARNED:
            _WARNED.add(key)
            problem.warn(stacklevel=3)
    return cell.without_axon() if remove_axon else cell


@dataclass
class CheckReport:
    """Every problem found in a morphology file by :func:`check`.

    Attributes
    ----------
    path : pathlib.Path
    problems : list of morphologies.errors.Problem
    skipped : list of str
        Checks that could not run (or only partly), and why; empty when every
        check ran.
    """

    path: Path
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    @property
    def errors(self):
        """list of Problem: the problems that make :func:`load` fail."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self):
        """list of Problem: repairable oddities and geometric warnings."""
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self):
        """bool: True when the file loads (warnings allowed)."""
        return not self.errors

    def grouped(self):
        """The problems with identical text merged: one entry per distinct problem.

        Problems of the same class, code, description and hint (e.g. "unknown
        structure type code 0" on 3,000 lines) form one group, in the order of
        their first occurrence.

        Returns
        -------
        list of (Problem, list of Problem)
            The first problem of each group and every problem of the group.
        """
        groups = {}
        for p in self.problems:
            groups.setdefault((p.kind, p.code, p.what, p.hint), []).append(p)
        return [(members[0], members) for members in groups.values()]

    def __str__(self):
        head = (f"{self.path}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
                + (" - OK" if self.ok else " - BROKEN"))
        rows = [head]
        for p, members in self.grouped():
            text = p.what + (f" Fix: {p.hint}" if p.hint else "")
            if len(members) == 1:
                where = f"line {p.line}" if p.line is not None else ""
                sample = f"id {p.sample_id}" if p.sample_id is not None else ""
            else:
                where, sample = f"{len(members)} times", ""
                lines = [m.line for m in members if m.line is not None]
                if lines:
                    shown = ", ".join(map(str, lines[:_SHOWN_LINES]))
                    more = (f" and {len(lines) - _SHOWN_LINES} more"
                            if len(lines) > _SHOWN_LINES else "")
                    text += f" [{len(members)} times: lines {shown}{more}]"
            rows.append(f"  {p.severity:<7} {where:<11} {sample:<9} {p.kind.__name__:<22} {text}")
        rows += [f"  not checked: {note}" for note in self.skipped]
        return "\n".join(rows)


#: Line numbers shown for a problem repeated on many lines (CheckReport's text).
_SHOWN_LINES = 5


def check(path):
    """List every problem of a morphology file, without raising.

    SWC files are pre-parsed (all syntax, id, parent, cycle, tree, soma,
    diameter and type problems with their lines); files without errors are then
    read by MorphIO (whose warnings are listed) and checked with NeuroM's
    morphology checks (zero lengths, jumps, fat ends, narrow starts, dangling
    branches, unifurcations, multifurcations, overlapping points, root jumps),
    listed as :class:`~morphologies.errors.GeometryWarning`.  Malformed SWC
    lines are reported and the parent-link checks still run on the others;
    whatever could not be checked is listed in :attr:`CheckReport.skipped`.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, or the name of a bundled cell (as for :func:`load`).

    Returns
    -------
    CheckReport

    Raises
    ------
    morphologies.errors.MorphologyNotFoundError, morphologies.errors.UnsupportedFormatError
        If the file does not exist or is not SWC, ASC or H5.
    """
    path = _check_path(path)
    report = CheckReport(path)
    samples = None
    if path.suffix.lower() == ".swc":
        samples, report.problems = read_swc_samples(path)
        if samples is not None:
            report.skipped += samples.notes
        if not report.ok:
            report.skipped.append(
                "MorphIO's reading and NeuroM's geometry checks (zero lengths, jumps, ...) "
                "need a file without errors; fix the errors above and check again.")
            return report
    morphology, problems = _read_morphio(path, samples)
    report.problems += problems
    if morphology is None:
        return report
    report.problems += _check_loaded(morphology, path)
    if not report.ok:
        report.skipped.append("NeuroM's geometry checks need a file without errors; fix the "
                              "errors above and check again.")
    else:
        cell = Cell(morphology, name=path.stem, path=path, samples=samples)
        try:
            cell.points  # noqa: B018 - MorphIO's points matched to the SWC samples
        except MorphIOReadError as exc:
            report.problems.append(Problem(MorphIOReadError, exc.what, path=path, hint=exc.hint))
            return report
        report.problems += _geometry_problems(cell)
    return report
