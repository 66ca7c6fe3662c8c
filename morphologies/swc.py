"""Vectorised pre-parse and validation of SWC files.

MorphIO is the only reader of morphologies in this package, but it accepts some
malformed SWC files silently (cycles, empty files, several trees, negative
diameters, extra columns) and reports others tersely.  :func:`read_swc_samples`
parses the SWC text with numpy, keeping the line number of every sample, and
lists *every* problem as a :class:`~morphologies.errors.Problem` before the file
is handed to MorphIO.

An SWC data line is ``id type x y z radius parent``; ``#`` starts a comment;
lines are counted by ``\\n`` (as MorphIO, ``grep -n`` and editors do).
Supported type codes are 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite
and 5-19 custom (MorphIO's ``custom5`` ... ``custom19``).  Roots have parent
``-1``.  Sample ids need not be contiguous nor sorted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import (
    CycleError,
    DiameterError,
    DisconnectedTreeError,
    EmptyFileError,
    MissingParentError,
    MorphologyFileError,
    MorphologyNotFoundError,
    Problem,
    SampleIdError,
    SomaError,
    SWCSyntaxError,
    TypeCodeError,
)

__all__ = ["SWCSamples", "read_swc_samples", "SWC_FIELDS", "MAX_TYPE_CODE"]

SWC_FIELDS = ("id", "type", "x", "y", "z", "radius", "parent")
#: Largest structure type code MorphIO supports (``custom19``).
MAX_TYPE_CODE = 19
_SOMA = 1
_LINE_FORMAT = "each SWC data line must be 'id type x y z radius parent' (7 numbers)."
_WHITESPACE = np.array([9, 11, 12, 13, 32], dtype=np.uint8)
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_MAX_ID = 2**32 - 1


@dataclass(frozen=True)
class SWCSamples:
    """The samples of an SWC file, one entry per data line.

    Attributes
    ----------
    path : pathlib.Path
    line : numpy.ndarray of int
        1-based line number of each sample.
    id, type, parent : numpy.ndarray of int
    xyz : numpy.ndarray of float, shape (n, 3)
        Coordinates in um.
    radius : numpy.ndarray of float
        Radii in um.
    notes : tuple of str
        What the checks could not look at because of malformed lines (empty
        for a well-formed file).
    """

    path: Path
    line: np.ndarray
    id: np.ndarray
    type: np.ndarray
    xyz: np.ndarray
    radius: np.ndarray
    parent: np.ndarray
    notes: tuple = ()

    def soma_lines(self):
        """Return the line numbers of the soma samples."""
        return self.line[self.type == _SOMA]


def _problem(kind, what, path, line=None, sample_id=None, hint=None, code=None):
    return Problem(kind, what, path=path, line=line, sample_id=sample_id, hint=hint, code=code)


def _data_lines(text):
    """Return (line numbers, stripped text) of the non-blank, non-comment lines."""
    string = np.dtypes.StringDType()
    lines = np.array(text.split("\n"), dtype=string)
    code = np.strings.strip(np.strings.partition(lines, np.array("#", dtype=string))[0])
    keep = np.strings.str_len(code) > 0
    return np.flatnonzero(keep) + 1, code[keep]


def _token_lines(joined, n_lines):
    """Vectorised count of whitespace-separated tokens per line of ``joined``.

    Returns the number of tokens of each line and the line index of each token.
    """
    b = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    newline = b == 10
    blank = np.isin(b, _WHITESPACE) | newline
    start = ~blank
    start[1:] &= blank[:-1]
    line_of_byte = np.cumsum(newline)
    token_line = line_of_byte[start]
    return np.bincount(token_line, minlength=n_lines), token_line


def _id_of(fields):
    """The sample id of a data line's fields when its first field is an integer, else None."""
    try:
        value = float(fields[0])
    except ValueError:
        return None
    return int(value) if np.isfinite(value) and value == int(value) else None


def _is_number(token):
    try:
        float(token)
    except ValueError:
        return False
    return True


def read_swc_samples(path):
    """Parse and validate an SWC file without building the morphology.

    Parameters
    ----------
    path : str or pathlib.Path
        The SWC file. It is only read.

    Returns
    -------
    samples : SWCSamples or None
        The parsed samples, or None when the file could not be parsed at all.
    problems : list of morphologies.errors.Problem
        Every problem found, in file order within each kind of check. Empty
        for a valid file.

    Raises
    ------
    morphologies.errors.MorphologyNotFoundError
        If the file does not exist.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MorphologyNotFoundError("no such file.", path=path, hint="check the path.") from None
    except OSError as exc:
        raise MorphologyFileError(f"cannot read the file ({exc.strerror or exc}).", path=path,
                                  hint="check the path and the file's permissions.",
                                  code="unreadable") from None
    text = raw.decode("utf-8", errors="replace")
    line_no, code = _data_lines(text)
    if len(line_no) == 0:
        what = "the file is empty." if not text.strip() else (
            "the file has no data line, only comments and blank lines.")
        return None, [_problem(EmptyFileError, what, path, hint=_LINE_FORMAT)]

    all_line_no, all_code = line_no, code
    joined = "\n".join(code.tolist())
    counts, token_line = _token_lines(joined, len(line_no))
    problems = []
    for i in np.flatnonzero(counts != len(SWC_FIELDS)):
        problems.append(_problem(
            SWCSyntaxError, f"line has {counts[i]} fields instead of 7.", path, line_no[i],
            hint=_LINE_FORMAT, code="field_count"))

    tokens = np.array(joined.split(), dtype=np.dtypes.StringDType())
    good_line = counts == len(SWC_FIELDS)
    tokens = tokens[good_line[token_line]].reshape(-1, len(SWC_FIELDS))
    line_no = line_no[good_line]
    try:
        values = tokens.astype(np.float64)
    except ValueError:
        numeric = np.vectorize(_is_number, otypes=[bool])(tokens)  # error path only
        for i, j in zip(*np.nonzero(~numeric)):
            problems.append(_problem(
                SWCSyntaxError, f"field {SWC_FIELDS[j]!r} is {str(tokens[i, j])!r}, not a number.",
                path, line_no[i], sample_id=_id_of(tokens[i]), hint=_LINE_FORMAT,
                code="non_numeric"))
        values = np.where(numeric, tokens, "nan").astype(np.float64)
        line_no = line_no[numeric.all(axis=1)]
        values = values[numeric.all(axis=1)]

    finite = np.isfinite(values)
    for i, j in zip(*np.nonzero(~finite)):
        problems.append(_problem(
            SWCSyntaxError, f"field {SWC_FIELDS[j]!r} is {values[i, j]}, not a finite number.",
            path, line_no[i], sample_id=_id_of(values[i]), hint=_LINE_FORMAT, code="non_finite"))
    # MorphIO stores coordinates and diameters in single precision
    too_big = finite & (np.abs(values) > _FLOAT32_MAX)
    too_big[:, [0, 1, 6]] = False  # ids, types and parents are checked as integers
    for i, j in zip(*np.nonzero(too_big)):
        problems.append(_problem(
            SWCSyntaxError, f"field {SWC_FIELDS[j]!r} is {values[i, j]:g}, beyond the range of "
            f"single precision ({_FLOAT32_MAX:.2g}) in which MorphIO stores it.", path,
            line_no[i], sample_id=_id_of(values[i]),
            hint="coordinates and radii are in um; correct the value.", code="out_of_range"))
    # MorphIO reads ids and parents as unsigned 32-bit integers
    id_too_big = finite[:, [0, 6]] & (np.abs(values[:, [0, 6]]) > _MAX_ID)
    for i, j in zip(*np.nonzero(id_too_big)):
        problems.append(_problem(
            SampleIdError if j == 0 else MissingParentError,
            f"{('id', 'parent')[j]} {values[i, 6 * j]:.0f} is larger than {_MAX_ID}, the largest "
            "id MorphIO reads.", path, line_no[i], sample_id=int(values[i, 0]),
            hint="renumber the samples (ids and parents) from 1.", code="out_of_range"))
    finite &= ~too_big
    finite[:, [0, 6]] &= ~id_too_big
    rows = finite.all(axis=1)
    values, line_no = values[rows], line_no[rows]
    n_syntax = len(problems)

    ids, types, parents = values[:, 0], values[:, 1], values[:, 6]
    problems += _check_integers(path, line_no, ids, types, parents)
    problems += _check_values(path, line_no, values)
    # The tree checks run on every sample whose id is known, malformed lines included
    # (their parent link and type are used when readable), so that one bad field does
    # not hide a missing parent elsewhere; see _tree_rows.
    tree, notes = _tree_rows(all_line_no, all_code, line_no, values)
    if len(tree[0]):
        problems += _check_tree(path, *tree)
    else:
        notes = ["no line has a readable sample id: the parent-link checks (missing parents, "
                 "cycles, trees, soma) were not run."]
    problems.sort(key=lambda p: p.line or 0)  # stable: file order, file-wide problems first
    samples = SWCSamples(
        path=path, line=line_no, id=np.round(ids).astype(np.int64),
        type=np.round(types).astype(np.int64), xyz=values[:, 2:5], radius=values[:, 5],
        parent=np.round(parents).astype(np.int64), notes=tuple(notes))
    return samples, problems


def _integer_field(token, low, high):
    """The integer value of an SWC field in [low, high], else None."""
    try:
        value = float(token)
    except ValueError:
        return None
    if not np.isfinite(value) or value != int(value) or not low <= value <= high:
        return None
    return int(value)


def _tree_rows(all_line_no, all_code, line_no, values):
    """Samples for the parent-link checks, and notes on what those checks left out.

    Well-formed lines are used as they are.  A line with a non-integer id, or a
    later line repeating an id, is left out.  A malformed line (syntax error,
    non-integer type or parent) whose id is readable stays in the tree, with its
    type and parent when readable (type and parent -2, "unreadable", otherwise):
    its children then do not look orphaned, and an unknown parent is not reported
    as missing.
    """
    ids, types, parents, radius = values[:, 0], values[:, 1], values[:, 6], values[:, 5]
    notes = []
    integral_id = ids == np.round(ids)
    order = np.argsort(ids, kind="stable")
    repeat = np.zeros(len(ids), dtype=bool)
    repeat[order[1:][ids[order][1:] == ids[order][:-1]]] = True
    keep = integral_id & ~repeat
    t_type = np.where(types == np.round(types), types, -2)
    t_parent = np.where(parents == np.round(parents), parents, -2)
    rows = [(line_no[keep], ids[keep], t_type[keep], t_parent[keep], radius[keep])]
    if (~integral_id).any():
        notes.append(f"{int((~integral_id).sum())} line(s) with a non-integer id were left "
                     "out of the parent-link checks (missing parents, cycles, trees, soma).")
    if repeat.any():
        notes.append(f"{int(repeat.sum())} line(s) repeating an id were left out of the "
                     "parent-link checks, which use the first sample with each id.")
    known = set(ids[keep].astype(np.int64).tolist())
    parsed = set(line_no.tolist())
    extra = []
    unreadable = 0
    for ln, text in zip(all_line_no.tolist(), all_code.tolist()):
        if ln in parsed:
            continue
        fields = text.split()
        sample_id = _integer_field(fields[0], 0, _MAX_ID)
        if sample_id is None or sample_id in known:
            unreadable += 1
            continue
        known.add(sample_id)
        if len(fields) == len(SWC_FIELDS):
            typ = _integer_field(fields[1], 1, MAX_TYPE_CODE)
            parent = _integer_field(fields[6], -1, _MAX_ID)
        else:
            typ = parent = None
        extra.append((ln, sample_id, -2 if typ is None else typ,
                      -2 if parent is None else parent))
    if extra:
        e = np.array(extra, dtype=np.int64)
        rows.append((e[:, 0], e[:, 1], e[:, 2], e[:, 3], np.full(len(e), np.nan)))
        unknown = int(((e[:, 2] == -2) | (e[:, 3] == -2)).sum())
        if unknown:
            notes.append(f"{unknown} malformed line(s) have an unreadable type or parent: "
                         "their own parent link, and the type and soma checks that need "
                         "their type, were not checked.")
    if unreadable:
        notes.append(f"{unreadable} malformed line(s) have no readable id of their own and "
                     "were left out of the parent-link checks; a sample whose parent is one of "
                     "them is reported as having a missing parent.")
    line, sid, typ, par, rad = (np.concatenate(c) for c in zip(*rows))
    sort = np.argsort(line, kind="stable")
    return ((line[sort], sid[sort].astype(np.int64), typ[sort].astype(np.int64),
             par[sort].astype(np.int64), rad[sort]), notes)


def _check_integers(path, line_no, ids, types, parents):
    problems = []
    for col, values, kind in (("id", ids, SampleIdError), ("type", types, TypeCodeError),
                              ("parent", parents, MissingParentError)):
        for i in np.flatnonzero(values != np.round(values)):
            problems.append(_problem(
                kind, f"{col} {values[i]:g} is not an integer.", path, line_no[i],
                hint=f"the {col} field must be an integer.", code="not_integer"))
    return problems


def _check_values(path, line_no, values):
    """Checks of single samples: ids, type codes, radii, parent field."""
    ids, types, radius, parents = values[:, 0], values[:, 1], values[:, 5], values[:, 6]
    problems = []
    for i in np.flatnonzero(ids < 0):
        problems.append(_problem(
            SampleIdError, f"sample id {ids[i]:g} is negative.", path, line_no[i],
            sample_id=int(ids[i]),
            hint="sample ids must be non-negative integers; renumber the samples.",
            code="negative_id"))
    order = np.argsort(ids, kind="stable")
    dup = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    for k in dup:
        first, again = order[k], order[k + 1]
        problems.append(_problem(
            SampleIdError,
            f"sample id {ids[again]:g} is repeated (first used on line {line_no[first]}).",
            path, line_no[again], sample_id=int(ids[again]),
            hint="every sample needs its own id; renumber the samples (the parent-link "
            "checks use the first sample with this id and leave this line out).",
            code="repeated_id"))
    bad_type = (types < 1) | (types > MAX_TYPE_CODE)
    for i in np.flatnonzero(bad_type):
        problems.append(_problem(
            TypeCodeError, f"unknown structure type code {types[i]:g}.", path, line_no[i],
            sample_id=int(ids[i]),
            hint=("use 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite or a custom code "
                  f"5-{MAX_TYPE_CODE} (0 'undefined' is not accepted)."),
            code="unknown_type"))
    for i in np.flatnonzero(radius.astype(np.float32) <= 0):  # as MorphIO stores it
        problems.append(_problem(
            DiameterError, f"radius is {radius[i]:g}; diameters must be positive"
            + (" (it is 0 in single precision, as MorphIO stores it)." if radius[i] > 0 else "."),
            path,
            line_no[i], sample_id=int(ids[i]),
            hint="correct the radius (the 6th field) of this sample.",
            code="negative_diameter" if radius[i] < 0 else "zero_diameter"))
    for i in np.flatnonzero(parents < -1):
        problems.append(_problem(
            MissingParentError, f"parent id {parents[i]:g} is invalid.", path, line_no[i],
            sample_id=int(ids[i]), hint="a root sample has parent -1; others the id of a sample.",
            code="negative_parent"))
    return problems


def _jump(pointer, steps):
    """Apply ``pointer`` ``2**steps`` times (vectorised pointer jumping)."""
    for _ in range(steps):
        pointer = pointer[pointer]
    return pointer


def _describe(ids, line_no, rows, limit=8):
    shown = ", ".join(f"{ids[r]} (line {line_no[r]})" for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _check_tree(path, line_no, ids, types, parents, radius):
    """Checks of the parent links: missing parents, cycles, trees and soma."""
    n = len(ids)
    problems = []
    order = np.argsort(ids)
    pos = np.clip(np.searchsorted(ids[order], parents), 0, n - 1)
    has_row = ids[order][pos] == parents
    prow = np.where(has_row, order[pos], -1)
    root = parents == -1
    missing = ~root & ~has_row  # parents < -1 are reported by _check_values
    self_parent = prow == np.arange(n)
    for i in np.flatnonzero(missing & (parents >= 0)):
        problems.append(_problem(
            MissingParentError, f"parent id {parents[i]} does not exist.", path, line_no[i],
            sample_id=int(ids[i]),
            hint="set the 7th field to the id of an existing sample, or -1 for the root.",
            code="missing_parent"))
    for i in np.flatnonzero(self_parent):
        problems.append(_problem(
            CycleError, "sample is its own parent.", path, line_no[i], sample_id=int(ids[i]),
            hint="set the parent to the previous sample of the branch.", code="self_parent"))

    # Pointer jumping: terminal samples point to themselves; after 2**k >= n jumps
    # every sample points to its terminal, or into a cycle.
    terminal = root | missing | self_parent
    pointer = np.where(terminal, np.arange(n), prow)
    steps = max(1, int(np.ceil(np.log2(n))) + 1)
    end = _jump(pointer, steps)
    in_cycle = np.zeros(n, dtype=bool)
    in_cycle[end[~terminal[end]]] = True
    if in_cycle.any():
        # label each cycle by its smallest row (min-propagation by doubling)
        label = np.where(in_cycle, np.arange(n), n)
        hop = pointer
        for _ in range(steps):
            label = np.minimum(label, label[hop])
            hop = hop[hop]
        for lab in np.unique(label[in_cycle]):
            rows = np.flatnonzero(in_cycle & (label == lab))
            rows = rows[np.argsort(line_no[rows])]
            problems.append(_problem(
                CycleError, f"the parent links of samples {_describe(ids, line_no, rows)} "
                "form a cycle.", path, line_no[rows[0]], sample_id=int(ids[rows[0]]),
                hint="break the cycle: the first sample of the tree must have parent -1 and "
                "every parent must be closer to the root.", code="cycle"))

    # Trees: samples reaching each root
    roots = np.flatnonzero(root)
    size = np.bincount(end[terminal[end]], minlength=n)
    soma_rows = np.flatnonzero(types == _SOMA)
    if len(roots) > 1:
        main = roots[np.argmax(types[roots] == _SOMA)]
        for r in roots[roots != main]:
            problems.append(_problem(
                DisconnectedTreeError,
                f"sample starts a second tree ({size[r]} samples, type {types[r]}) not "
                f"connected to the tree of sample {ids[main]} (line {line_no[main]}).",
                path, line_no[r], sample_id=int(ids[r]),
                hint="attach it to the soma (set its parent to a soma sample id) or delete it.",
                code="several_trees"))
    if len(soma_rows) == 0 and not (types == -2).any():  # -2: unreadable type (_tree_rows)
        problems.append(_problem(
            SomaError, "the file has no soma sample (type 1).", path,
            hint="add the soma as type-1 samples at the root of the tree (NeuroMorpho: "
            "three samples, or one sample for a spherical soma).", code="no_soma"))
    if len(soma_rows) == 0:
        return problems

    has_parent = prow >= 0
    n_children = np.bincount(prow[has_parent], minlength=n)
    parent_type = np.where(has_parent, types[np.maximum(prow, 0)], -1)
    known = (types >= 1) & (types <= MAX_TYPE_CODE)
    changed = (has_parent & known & (types != _SOMA) & (parent_type != _SOMA)
               & (parent_type >= 1) & (parent_type <= MAX_TYPE_CODE) & (types != parent_type))
    for i in np.flatnonzero(changed & (n_children[np.maximum(prow, 0)] == 1)):
        problems.append(_problem(
            TypeCodeError, f"the type changes from {parent_type[i]} to {types[i]} in the middle "
            "of an unbranched stretch.", path, line_no[i], sample_id=int(ids[i]),
            hint="give the whole branch one type code, or change it only at a branch point.",
            code="type_change"))

    soma = types == _SOMA
    neurite_parent = soma & (prow >= 0) & ~soma[np.maximum(prow, 0)]
    for i in np.flatnonzero(neurite_parent):
        problems.append(_problem(
            SomaError, f"soma sample has a neurite sample (id {parents[i]}) as parent.", path,
            line_no[i], sample_id=int(ids[i]),
            hint="the soma must be at the root: soma samples may only have soma parents.",
            code="soma_neurite_parent"))
    child_of_soma = soma & (prow >= 0) & ~neurite_parent
    n_soma_children = np.bincount(prow[child_of_soma], minlength=n)
    soma_rows = np.flatnonzero(soma & ~neurite_parent)
    three_point = len(soma_rows) == 3
    allowed = np.where(root & three_point, 2, 1)
    for i in np.flatnonzero(soma & (n_soma_children > allowed)):
        kids = np.flatnonzero(child_of_soma & (prow == i))
        problems.append(_problem(
            SomaError, f"the soma bifurcates at this sample: soma samples "
            f"{_describe(ids, line_no, kids)} all have it as parent.", path, line_no[i],
            sample_id=int(ids[i]),
            hint="a soma is a single chain of type-1 samples (or NeuroMorpho's three-point soma "
            "with two children of the first sample); chain the soma samples or retype them.",
            code="soma_bifurcation"))
    return problems


_MORPHIO_LOCATION = re.compile(r"^(?P<uri>.*?):(?P<line>\d+):(?P<level>error|warning)\s*$", re.M)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def parse_morphio_message(message):
    """Split a MorphIO message into (line number or None, cleaned text).

    MorphIO formats its messages as ``"<file>:<line>:error\\n\\n<text>"`` with
    ANSI colour codes; line 0 means "no line".
    """
    text = _ANSI.sub("", str(message)).strip()
    match = _MORPHIO_LOCATION.search(text)
    line = None
    if match:
        line = int(match.group("line")) or None
        text = (text[: match.start()] + text[match.end():]).strip()
    text = " ".join(text.split())
    return line, text
