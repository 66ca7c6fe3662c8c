"""Synapse placement on a discretised cell: every function returns a :class:`SiteTable`.

A site is a compartment (brian2 compartment index) with the position of its
centre; several synapses may share a compartment.  Every random choice takes
``seed`` (the same seed gives the same sites).

* :func:`place`: ``n`` synapses, or a ``density`` per um of dendrite or per
  um**2 of membrane, on a selection (neurite type, path-distance range,
  sections ...), uniform along the length or weighted by membrane area;
* :func:`place_clustered`: ``n`` synapses within ``length`` um of one branch;
* :func:`place_distributed`: ``n`` synapses on ``n`` different branches;
* :func:`place_at`: the compartments nearest to explicit coordinates (the
  distance to the compartment centre is reported).
"""

from __future__ import annotations

import numpy as np

from stimuli.arguments import check_count, check_seed, to_plain

from .errors import PlacementError, ParameterError, UnitError
from .regions import select

__all__ = ["SiteTable", "place", "place_clustered", "place_distributed", "place_at",
           "SITE_COLUMNS"]

#: Columns of every site table.
SITE_COLUMNS = ("synapse", "compartment", "section", "type", "distance_um", "x_um", "y_um",
                "z_um", "offset_um")

_TYPE_NAMES = {1: "soma", 2: "axon", 3: "basal", 4: "apical"}


def _type_name(code):
    return _TYPE_NAMES.get(int(code), f"custom{int(code)}")


class SiteTable:
    """Synapse sites: one row per synapse (a wrapper of a :class:`pandas.DataFrame`).

    Columns (:data:`SITE_COLUMNS`): ``synapse`` (id, 0..n-1), ``compartment``
    (brian2 index), ``section`` (MorphIO id, -1 soma), ``type`` (neurite type
    name), ``distance_um`` (path distance of the compartment centre),
    ``x_um, y_um, z_um`` (compartment centre), ``offset_um`` (distance from the
    requested point for :func:`place_at`, else 0).

    Parameters
    ----------
    frame : pandas.DataFrame
        With the columns above.
    """

    def __init__(self, frame):
        missing = [c for c in SITE_COLUMNS if c not in frame.columns]
        if missing:
            raise ParameterError(f"a site table needs the columns {missing}.")
        self.frame = frame.reset_index(drop=True)

    @classmethod
    def from_compartments(cls, table, compartments, offset=None):
        """Sites at the given compartments of a :class:`CompartmentTable`."""
        import pandas as pd

        c = np.asarray(compartments, dtype=np.int64)
        frame = pd.DataFrame({
            "synapse": np.arange(len(c)), "compartment": c,
            "section": np.asarray(table.section)[c],
            "type": [_type_name(t) for t in np.asarray(table.type)[c]],
            "distance_um": np.asarray(table.distance)[c], "x_um": np.asarray(table.x)[c],
            "y_um": np.asarray(table.y)[c], "z_um": np.asarray(table.z)[c],
            "offset_um": np.zeros(len(c)) if offset is None else np.asarray(offset, float)})
        return cls(frame)

    def __len__(self):
        return len(self.frame)

    def __repr__(self):
        return f"SiteTable({len(self)} synapses)\n{self.frame!r}"

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.frame[key].to_numpy()
        rows = np.arange(len(self))[key]
        return SiteTable(self.frame.iloc[np.atleast_1d(rows)].assign(
            synapse=np.arange(len(np.atleast_1d(rows)))))

    @property
    def compartment(self):
        """numpy.ndarray of int: compartment of each synapse."""
        return self.frame["compartment"].to_numpy(dtype=np.int64)

    @property
    def position(self):
        """numpy.ndarray (n, 3): compartment centres, um."""
        return self.frame[["x_um", "y_um", "z_um"]].to_numpy(dtype=float)

    def concat(self, *others):
        """Return this table followed by ``others``, synapses renumbered."""
        import pandas as pd

        frame = pd.concat([self.frame] + [o.frame for o in others], ignore_index=True)
        frame["synapse"] = np.arange(len(frame))
        return SiteTable(frame)

    def to_dict(self):
        """Plain dict of numpy arrays (for :func:`network.hdf5.save_dict_to_hdf5`)."""
        out = {c: self.frame[c].to_numpy() for c in SITE_COLUMNS}
        out["type"] = np.asarray(out["type"], dtype=str).astype(object)
        out["type"] = np.array([str(t) for t in out["type"]])
        return out


def _table(discretisation):
    table = getattr(discretisation, "compartments", None)
    if table is None:
        raise ParameterError(f"expected a morphologies.Discretisation (or a CellModel), got "
                             f"{type(discretisation).__name__}; call morphologies.discretise(cell).")
    return table


def _candidates(table, where, min_distance, max_distance, sections):
    criteria = {"region": where, "min_distance": min_distance, "max_distance": max_distance,
                "sections": sections}
    try:
        return select(table, criteria, name="placement")
    except PlacementError:
        raise
    except ParameterError as err:
        raise PlacementError(f"no compartment for the synapses: {err}") from None


def place(discretisation, n=None, *, density=None, per="length", where="dendrite",
          min_distance=None, max_distance=None, sections=None, weighting="length", seed=0):
    """Place synapses at random on a selection of compartments.

    Parameters
    ----------
    discretisation : morphologies.Discretisation or CellModel
    n : int, optional
        Number of synapses (give ``n`` or ``density``).
    density : float, optional
        Synapses per um of dendrite (``per="length"``) or per um**2 of membrane
        (``per="area"``); the count is ``round(density * total)``.
    per : {"length", "area"}
    where : selection, optional
        Region, dict or expression (see :mod:`dendrites.regions`); default
        ``"dendrite"``.
    min_distance, max_distance : float or Quantity, optional
        Path-distance range (um), inclusive.
    sections : sequence of int, optional
        Restrict to these MorphIO sections.
    weighting : {"length", "area"}
        Choose compartments with probability proportional to their length
        (uniform along the dendrite) or membrane area.
    seed : int

    Returns
    -------
    SiteTable

    Raises
    ------
    PlacementError
        If no compartment matches or the density yields no synapse.
    """
    table = _table(getattr(discretisation, "discretisation", discretisation))
    seed = check_seed(seed, error=ParameterError)
    rows = _candidates(table, where, min_distance, max_distance, sections)
    if weighting not in ("length", "area") or per not in ("length", "area"):
        raise ParameterError(f"weighting={weighting!r} and per={per!r} must be 'length' or 'area'.")
    if (n is None) == (density is None):
        raise ParameterError("give exactly one of n (a count) or density.")
    if density is not None:
        d = to_plain(density, "1", "density", error=UnitError)
        if not np.isfinite(d) or d < 0:
            raise ParameterError(f"density={d} must be >= 0 (synapses per um or per um**2).")
        total = float(np.sum(np.asarray(table[per])[rows]))
        n = int(round(d * total))
        if n == 0:
            raise PlacementError(
                f"density={d:g} per um{'**2' if per == 'area' else ''} on {total:.1f} "
                f"um{'**2' if per == 'area' else ''} of the selected membrane gives 0 synapses; "
                "raise the density or widen the selection.")
    n = check_count(n, "n", minimum=1, error=PlacementError)
    w = np.asarray(table[weighting], dtype=float)[rows]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(rows, size=n, replace=True, p=w / w.sum())
    return SiteTable.from_compartments(table, np.sort(chosen, kind="stable"))


def _section_spans(table, rows):
    """Per section among ``rows``: compartments sorted by distance, start and end distance."""
    sec = table.section[rows]
    order = np.lexsort((table.distance[rows], sec))
    rows = rows[order]
    sec = sec[order]
    uniq, first = np.unique(sec, return_index=True)
    last = np.append(first[1:], len(rows)) - 1
    start = table.distance[rows[first]] - table.length[rows[first]] / 2
    end = table.distance[rows[last]] + table.length[rows[last]] / 2
    return rows, sec, uniq, first, last, start, end


def place_clustered(discretisation, n, length, *, where="dendrite", section=None,
                    min_distance=None, max_distance=None, spacing="random", seed=0):
    """Place ``n`` synapses within ``length`` um of one branch (a section).

    Parameters
    ----------
    discretisation : morphologies.Discretisation or CellModel
    n : int
    length : float or Quantity
        Length of dendrite holding the cluster (um).
    where, min_distance, max_distance : selection, optional
        Candidate compartments (default any dendrite).
    section : int, optional
        The branch (MorphIO section id); default a random section among those
        at least ``length`` long in the selection.
    spacing : {"random", "even"}
        Positions uniform at random in the window, or evenly spaced (in order
        of increasing path distance, useful for sequences).
    seed : int

    Returns
    -------
    SiteTable
        Sorted by increasing path distance.
    """
    table = _table(getattr(discretisation, "discretisation", discretisation))
    seed = check_seed(seed, error=ParameterError)
    n = check_count(n, "n", minimum=1, error=PlacementError)
    length = to_plain(length, "um", "length", error=UnitError)
    if not length >= 0:
        raise ParameterError(f"length={length} must be >= 0 um.")
    rows = _candidates(table, where, min_distance, max_distance,
                       None if section is None else [section])
    rows, sec, uniq, first, last, start, end = _section_spans(table, rows)
    span = end - start
    ok = np.flatnonzero(span >= length)
    if not len(ok):
        raise PlacementError(
            f"no branch of the selection is {length:g} um long (longest {span.max():.1f} um, "
            f"section {int(uniq[np.argmax(span)])}); shorten the cluster or widen the selection.")
    rng = np.random.default_rng(seed)
    k = ok[rng.integers(len(ok))] if section is None else ok[0]
    lo = start[k] + rng.uniform(0, span[k] - length)
    if spacing == "even":
        pos = lo + (np.linspace(0, length, n) if n > 1 else np.array([length / 2]))
    elif spacing == "random":
        pos = np.sort(lo + rng.uniform(0, length, n))
    else:
        raise ParameterError(f"spacing={spacing!r} must be 'random' or 'even'.")
    comps = rows[first[k]:last[k] + 1]
    edges = table.distance[comps] + table.length[comps] / 2
    idx = np.clip(np.searchsorted(edges, pos), 0, len(comps) - 1)
    return SiteTable.from_compartments(table, comps[idx])


def place_distributed(discretisation, n, *, where="dendrite", min_distance=None,
                      max_distance=None, seed=0):
    """Place ``n`` synapses on ``n`` different branches (one per section, random compartment).

    Raises
    ------
    PlacementError
        If the selection has fewer than ``n`` sections.
    """
    table = _table(getattr(discretisation, "discretisation", discretisation))
    seed = check_seed(seed, error=ParameterError)
    n = check_count(n, "n", minimum=1, error=PlacementError)
    rows = _candidates(table, where, min_distance, max_distance, None)
    rows, sec, uniq, first, last, _, _ = _section_spans(table, rows)
    if len(uniq) < n:
        raise PlacementError(f"{n} distributed synapses need {n} branches but the selection has "
                             f"{len(uniq)}; lower n or widen the selection.")
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(uniq), size=n, replace=False))
    comp = rows[first[pick] + (rng.random(n) * (last[pick] - first[pick] + 1)).astype(np.int64)]
    return SiteTable.from_compartments(table, comp)


def place_at(discretisation, coordinates, *, where=None):
    """Sites at the compartments nearest to explicit coordinates.

    Parameters
    ----------
    coordinates : array_like (k, 3) or Quantity
        Points in um.
    where : selection, optional
        Only consider these compartments.

    Returns
    -------
    SiteTable
        ``offset_um`` is the distance from each point to its compartment centre.
    """
    table = _table(getattr(discretisation, "discretisation", discretisation))
    xyz = np.asarray(to_plain(coordinates, "um", "coordinates", error=UnitError),
                     dtype=float).reshape(-1, 3)
    if not len(xyz):
        raise PlacementError("coordinates is empty; pass at least one (x, y, z) point in um.")
    rows = select(table, where, name="where")
    from scipy.spatial import cKDTree

    dist, idx = cKDTree(table.position[rows]).query(xyz)
    return SiteTable.from_compartments(table, rows[idx], offset=dist)
