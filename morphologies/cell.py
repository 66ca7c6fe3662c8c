"""The :class:`Cell`: a neuron morphology read by MorphIO, with its soma and sections.

Definitions used throughout the package
----------------------------------------
Neurite types
    SWC structure type codes: 1 ``soma``, 2 ``axon``, 3 ``basal``, 4 ``apical``,
    5-19 ``custom5`` ... ``custom19`` (MorphIO's section types).
Soma
    Whatever its representation in the file, the soma is modelled as *one*
    isopotential sphere whose membrane area is NeuroM's soma surface area
    (:attr:`Soma.area`), centred on NeuroM's soma centre.  By representation
    (:attr:`Soma.kind`):

    ``"three_point"``
        NeuroMorpho.Org's three-point soma (SWC): samples 2 and 3 are the ends
        of two cylinders of the radius r of sample 1; area
        ``2 pi r (|p2 - p1| + |p3 - p1|)``, which is the sphere area
        ``4 pi r**2`` when the soma is in NeuroMorpho's standard form.  A soma
        within 1 % of that form (samples 2 and 3 at r from sample 1 on opposite
        sides, along any axis) loads silently; any other three-point soma,
        including one whose radii differ (then read with the first sample's r),
        loads with a :class:`~morphologies.errors.NonStandardSomaWarning`.
    ``"single_point"``
        One sample: a sphere, area ``4 pi r**2``.
    ``"contour"``
        A closed outline (Neurolucida ASC, H5): area ``4 pi R**2`` with R the
        mean distance of the outline points from their centre.
    ``"cylinders"``
        A chain of soma samples (SWC): sum of the lateral areas of the
        cylinders between consecutive samples.
Coordinates
    MorphIO stores points and diameters in single precision (float32).  For
    SWC files :attr:`Cell.points` and :attr:`Cell.diameters` are the file's own
    values in double precision (each MorphIO point is matched to the SWC sample
    it was read from), so that areas, axial resistances and path lengths are
    integrated over the reconstruction as written; NeuroM (morphometry, soma)
    works on MorphIO's float32 values, which agree to ~1e-7 relative.  ASC and
    H5 files and synthetic cells only exist in float32.
Distance to the soma
    Path length along the neurite tree, measured from the first sample of the
    neurite, i.e. from where the neurite leaves the soma (its surface, in
    NeuroMorpho files).  The stretch between the soma centre and that first
    sample is neither membrane nor distance.  The soma itself has distance 0.
    This is NeuroM's ``section_path_distances`` and brian2's ``distance``
    (a section attached to a brian2 ``Soma`` starts at distance 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import morphio
import neurom
import numpy as np
from neurom.features import section as _section_features

from .errors import MorphIOReadError, MorphologyKeyError

__all__ = ["Cell", "Soma", "SectionTable", "TYPE_CODES", "type_name", "type_code", "neurom_type"]

#: Names of the structure type codes (SWC / MorphIO section types).
TYPE_CODES = {1: "soma", 2: "axon", 3: "basal", 4: "apical"}
TYPE_CODES.update({code: f"custom{code}" for code in range(5, 20)})
_CODE_OF_NAME = {name: code for code, name in TYPE_CODES.items()}
_NEUROM_TYPE = {2: neurom.NeuriteType.axon, 3: neurom.NeuriteType.basal_dendrite,
                4: neurom.NeuriteType.apical_dendrite}
_NEUROM_TYPE.update({c: getattr(neurom.NeuriteType, f"custom{c}") for c in range(5, 20)})

_SOMA_KIND = {
    morphio.SomaType.SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS: "three_point",
    morphio.SomaType.SOMA_SINGLE_POINT: "single_point",
    morphio.SomaType.SOMA_SIMPLE_CONTOUR: "contour",
    morphio.SomaType.SOMA_CYLINDERS: "cylinders",
}


def type_name(code):
    """Return the name (``"axon"``, ``"basal"``, ...) of a structure type code."""
    return TYPE_CODES[int(code)]


def type_code(name_or_code):
    """Return the structure type code of a type name or code.

    Parameters
    ----------
    name_or_code : str or int
        ``"soma"``, ``"axon"``, ``"basal"``, ``"apical"``, ``"customN"`` or a code.

    Returns
    -------
    int
    """
    if isinstance(name_or_code, str):
        try:
            return _CODE_OF_NAME[name_or_code]
        except KeyError:
            raise MorphologyKeyError(f"unknown neurite type {name_or_code!r}; use one of "
                                     f"{sorted(_CODE_OF_NAME)}.") from None
    if (isinstance(name_or_code, (bool, np.bool_)) or not isinstance(name_or_code, (int, np.integer))
            or int(name_or_code) not in TYPE_CODES):
        raise MorphologyKeyError(f"unknown structure type code {name_or_code!r}; use one of "
                                 f"{sorted(TYPE_CODES)} or a name of {sorted(_CODE_OF_NAME)}.")
    return int(name_or_code)


def neurom_type(code):
    """Return the :class:`neurom.NeuriteType` of a structure type code."""
    return _NEUROM_TYPE[int(code)]


@dataclass(frozen=True)
class Soma:
    """The soma of a :class:`Cell` (see the module docstring for the model).

    Attributes
    ----------
    kind : str
        ``"three_point"``, ``"single_point"``, ``"contour"`` or ``"cylinders"``.
    center : numpy.ndarray, shape (3,)
        Centre in um.
    area : float
        Membrane area in um**2 (NeuroM's soma surface area).
    points : numpy.ndarray, shape (k, 3)
        The soma samples as read, in um.
    diameters : numpy.ndarray, shape (k,)
        Their diameters in um (a three-point soma whose radii differ has the
        first sample's diameter for all three; the
        :class:`~morphologies.errors.NonStandardSomaWarning` says so).
    """

    kind: str
    center: np.ndarray
    area: float
    points: np.ndarray
    diameters: np.ndarray

    @property
    def radius(self):
        """float: radius (um) of the sphere of area :attr:`area`."""
        return float(np.sqrt(self.area / (4 * np.pi)))

    @property
    def diameter(self):
        """float: diameter (um) of the sphere of area :attr:`area`."""
        return 2 * self.radius


@dataclass(frozen=True)
class SectionTable:
    """Per-section morphometry, computed by NeuroM; row ``i`` is section id ``i``.

    Attributes
    ----------
    id : numpy.ndarray of int
        MorphIO section id.
    type : numpy.ndarray of int
        Structure type code.
    parent : numpy.ndarray of int
        Parent section id, -1 for a section attached to the soma.
    branch_order : numpy.ndarray of int
        0 for a section attached to the soma, +1 at each branch point.
    length : numpy.ndarray of float
        Path length of the section, um.
    path_distance : numpy.ndarray of float
        Distance to the soma (path length, see module docstring) of the
        section's *end*, um.
    area : numpy.ndarray of float
        Lateral membrane area of the section's frusta, um**2.
    """

    id: np.ndarray
    type: np.ndarray
    parent: np.ndarray
    branch_order: np.ndarray
    length: np.ndarray
    path_distance: np.ndarray
    area: np.ndarray

    def __len__(self):
        return len(self.id)

    @property
    def start_distance(self):
        """numpy.ndarray: distance to the soma of each section's start, um."""
        return self.path_distance - self.length


class Cell:
    """A neuron morphology: a MorphIO tree with a soma, neurites and metadata.

    Do not construct directly: use :func:`morphologies.load`,
    :func:`morphologies.load_bundled` or the synthetic cell builders.

    Parameters
    ----------
    morphology : morphio.Morphology
        Immutable MorphIO morphology (with a soma).
    name : str
        Name of the cell.
    path : pathlib.Path, optional
        The file it was read from.
    samples : morphologies.swc.SWCSamples, optional
        The samples of the SWC file (double precision), for :attr:`points`
        and :attr:`diameters`.

    Attributes
    ----------
    name : str
    path : pathlib.Path or None
    """

    def __init__(self, morphology, *, name, path=None, samples=None):
        self._morphology = morphology
        self.name = name
        self.path = None if path is None else Path(path)
        self._samples = samples

    def __repr__(self):
        counts = ", ".join(f"{type_name(c)}: {n}" for c, n in zip(*np.unique(
            self.section_types, return_counts=True)))
        return (f"<Cell {self.name!r}: {self.soma.kind} soma, {len(self.section_types)} sections "
                f"({counts}), {len(self.points)} points>")

    @property
    def morphio(self):
        """morphio.Morphology: the immutable MorphIO morphology."""
        return self._morphology

    @cached_property
    def neurom(self):
        """neurom.core.Morphology: the same morphology seen by NeuroM."""
        return neurom.core.Morphology(self._morphology, name=self.name)

    @cached_property
    def _sample_row(self):
        """SWC sample row of each MorphIO point, or None (not an SWC file)."""
        if self._samples is None:
            return None
        return _sample_rows(np.asarray(self._morphology.points, dtype=np.float64),
                            np.asarray(self._morphology.diameters, dtype=np.float64),
                            self._samples)

    @cached_property
    def _precise(self):
        row = self._sample_row
        if row is None:
            return (np.asarray(self._morphology.points, dtype=np.float64),
                    np.asarray(self._morphology.diameters, dtype=np.float64))
        return self._samples.xyz[row], 2.0 * self._samples.radius[row]

    def section_samples(self):
        """SWC line and sample id of each section's first own sample.

        A section's first point repeats its parent's last one (MorphIO's
        convention), so a child section is located by its second point.

        Returns
        -------
        line, sample_id : numpy.ndarray of int, or None
            One entry per section; None when the cell was not read from an
            SWC file.
        """
        if self._sample_row is None:
            return None
        first = self.section_offsets[:-1]
        own = np.where((self.section_parents >= 0) & (np.diff(self.section_offsets) > 1),
                       first + 1, first)
        row = self._sample_row[own]
        return self._samples.line[row], self._samples.id[row]

    @property
    def points(self):
        """numpy.ndarray, shape (n, 3): all neurite points, section after section, um.

        Each section starts with the last point of its parent section (MorphIO's
        convention), so sections cover the whole tree without gaps.  For SWC
        files these are the file's values in double precision (see the module
        docstring); ``cell.morphio.points`` holds MorphIO's float32 copy.
        """
        return self._precise[0]

    @property
    def diameters(self):
        """numpy.ndarray, shape (n,): diameter at each point of :attr:`points`, um."""
        return self._precise[1]

    @cached_property
    def section_offsets(self):
        """numpy.ndarray: section ``i`` owns points ``offsets[i]:offsets[i+1]``."""
        return np.asarray(self._morphology.section_offsets, dtype=np.int64)

    @cached_property
    def section_types(self):
        """numpy.ndarray of int: structure type code of each section."""
        return np.asarray(self._morphology.section_types, dtype=np.int64)

    @cached_property
    def section_parents(self):
        """numpy.ndarray of int: parent section id of each section (-1: soma)."""
        parents = np.full(len(self.section_types), -1, dtype=np.int64)
        for parent, children in self._morphology.connectivity.items():
            parents[children] = parent
        return parents

    @cached_property
    def soma(self):
        """Soma: the soma (see the module docstring)."""
        soma = self._morphology.soma
        return Soma(
            kind=_SOMA_KIND[self._morphology.soma_type],
            center=np.asarray(self.neurom.soma.center, dtype=np.float64),
            area=float(self.neurom.soma.area),
            points=np.asarray(soma.points, dtype=np.float64),
            diameters=np.asarray(soma.diameters, dtype=np.float64),
        )

    @cached_property
    def sections(self):
        """SectionTable: per-section morphometry computed by NeuroM."""
        n = len(self.section_types)
        out = {k: np.zeros(n) for k in ("branch_order", "length", "path_distance", "area")}
        for sec in neurom.iter_sections(self.neurom):  # a loop over sections, not points
            out["branch_order"][sec.id] = _section_features.branch_order(sec)
            out["length"][sec.id] = _section_features.section_length(sec)
            out["path_distance"][sec.id] = _section_features.section_path_length(sec)
            out["area"][sec.id] = _section_features.section_area(sec)
        return SectionTable(
            id=np.arange(n), type=self.section_types, parent=self.section_parents,
            branch_order=out["branch_order"].astype(np.int64), length=out["length"],
            path_distance=out["path_distance"], area=out["area"])

    @property
    def neurite_types(self):
        """list of str: names of the neurite types present, in code order."""
        return [type_name(c) for c in np.unique(self.section_types)]

    def without_axon(self):
        """Return a copy of this cell without its axon(s).

        Returns
        -------
        Cell
            Same name and path; section ids are renumbered by MorphIO.
        """
        mutable = self._morphology.as_mutable()
        for root in list(mutable.root_sections):
            if root.type == morphio.SectionType.axon:
                mutable.delete_section(root, recursive=True)
        return Cell(mutable.as_immutable(), name=self.name, path=self.path,
                    samples=self._samples)


def _sample_rows(points, diameters, samples):
    """Row of the SWC sample each MorphIO point was read from (vectorised).

    MorphIO rounds every SWC value to float32 and copies each section's first
    point from its parent's last one, so a point is identified by its float32
    coordinates and diameter.  Samples that agree in all four float32 values
    agree in double precision to ~1e-7 relative: the first one is taken.

    Raises
    ------
    morphologies.errors.MorphIOReadError
        If a point matches no sample (MorphIO changed the geometry).
    """
    def keys(xyz, diameter):  # the four float32 values of each point as one 16-byte key
        values = np.column_stack([xyz, diameter]).astype(np.float32)
        return np.ascontiguousarray(values).view(np.dtype((np.void, 16))).ravel()

    key_file, key_read = keys(samples.xyz, 2.0 * samples.radius), keys(points, diameters)
    order = np.argsort(key_file, kind="stable")
    pos = np.minimum(np.searchsorted(key_file[order], key_read), len(order) - 1)
    row = order[pos]  # the first sample with that key
    row[key_file[row] != key_read] = -1
    if (row < 0).any():
        bad = int(np.flatnonzero(row < 0)[0])
        raise MorphIOReadError(
            f"MorphIO returned point {points[bad].tolist()} (diameter {diameters[bad]:g}) that "
            "is not a sample of the file.", path=samples.path,
            hint="please report this file; MorphIO should read SWC samples unchanged.")
    return row
