"""Morphometry of a cell, per neurite type, computed by NeuroM.

Per-section quantities (path distance, branch order, parent, length, area)
are in :attr:`morphologies.cell.Cell.sections`.
"""

from __future__ import annotations

import numpy as np
from neurom import NeuriteType
from neurom import features as _features

from .errors import ParameterError
from .units import to_positive
from .cell import Cell, neurom_type, type_code, type_name

__all__ = ["morphometrics", "format_morphometrics", "sholl_counts", "FEATURES", "MAX_SHOLL_SPHERES"]

#: Scalar features of :func:`morphometrics`: name -> (NeuroM feature, reduction, unit).
FEATURES = {
    "n_neurites": ("number_of_neurites", None, ""),
    "n_sections": ("number_of_sections", None, ""),
    "n_branch_points": ("number_of_forking_points", None, ""),
    "n_tips": ("number_of_leaves", None, ""),
    "total_length": ("total_length", None, "um"),
    "membrane_area": ("total_area", None, "um2"),
    "max_path_distance": ("section_path_distances", np.max, "um"),
    "max_branch_order": ("section_branch_orders", np.max, ""),
    "mean_branch_order": ("section_branch_orders", np.mean, ""),
    "max_radial_distance": ("max_radial_distance", None, "um"),
}


#: Largest number of Sholl spheres :func:`morphometrics` draws.
MAX_SHOLL_SPHERES = 100_000


def _feature(morph, feature, reduce, neurite_type):
    value = _features.get(feature, morph, neurite_type=neurite_type)
    if reduce is not None:
        value = reduce(value) if np.size(value) else 0.0
    return float(value)


def morphometrics(cell, *, sholl_step=10.0):
    """Morphometry of a cell, for the whole cell and for each neurite type.

    Parameters
    ----------
    cell : Cell
    sholl_step : brian2.Quantity or float, optional
        Spacing of the Sholl spheres (plain numbers: um), default 10 um.

    Returns
    -------
    dict
        ``{"all": {...}, "axon": {...}, "basal": {...}, ...}`` (the types present).
        Each holds the scalar :data:`FEATURES` (NeuroM's ``total_length``,
        ``total_area``, ``number_of_sections``, ``number_of_forking_points``,
        ``number_of_leaves``, the maximum of ``section_path_distances`` (distance
        to the soma, see :mod:`morphologies.cell`), maximum and mean of
        ``section_branch_orders``, ``max_radial_distance``), the array
        ``branch_orders`` (one per section) and the Sholl profile
        ``sholl_radii`` (um, from the soma radius outwards) and ``sholl_counts``
        (:func:`sholl_counts`, NeuroM's definition).  ``"all"`` also has ``soma_area``; its
        ``membrane_area`` includes the soma, the per-type ones do not.

    Raises
    ------
    morphologies.errors.UnitError
        If ``sholl_step`` is a Quantity that is not a length, or not numeric.
    morphologies.errors.ParameterError
        If ``sholl_step`` is not positive and finite, or would make more than
        :data:`MAX_SHOLL_SPHERES` spheres.
    """
    if not isinstance(cell, Cell):
        raise ParameterError(f"cell must be a morphologies.Cell, got {type(cell).__name__}; load "
                             "one with morphologies.load(path or bundled name).")
    step = to_positive(sholl_step, "um", "sholl_step")
    if np.ndim(step) != 0:
        raise ParameterError(f"argument 'sholl_step' must be one spacing, got an array of shape "
                             f"{np.shape(step)}.")
    morph = cell.neurom
    reach = _feature(morph, "max_radial_distance", None, NeuriteType.all)
    if reach / step > MAX_SHOLL_SPHERES:
        raise ParameterError(
            f"argument 'sholl_step' = {step:g} um would make {reach / step:.3g} Sholl spheres "
            f"over the cell's {reach:.0f} um reach (at most {MAX_SHOLL_SPHERES:,}); pass a "
            f"step of at least {reach / MAX_SHOLL_SPHERES:.3g} um.")
    radii = np.arange(cell.soma.radius, cell.soma.radius + reach + step, step)
    out = {}
    for name, ntype in [("all", NeuriteType.all)] + [
            (type_name(c), neurom_type(c)) for c in np.unique(cell.section_types)]:
        values = {key: _feature(morph, feature, reduce, ntype)
                  for key, (feature, reduce, _) in FEATURES.items()}
        values["branch_orders"] = np.asarray(
            _features.get("section_branch_orders", morph, neurite_type=ntype), dtype=np.int64)
        values["sholl_radii"] = radii
        values["sholl_counts"] = sholl_counts(cell, radii, None if name == "all" else name)
        out[name] = values
    out["all"]["soma_area"] = cell.soma.area
    out["all"]["membrane_area"] += cell.soma.area
    return out


def sholl_counts(cell, radii, neurite_type=None):
    """Sholl crossings: segments crossing each sphere centred on the soma.

    NeuroM's ``sholl_crossings`` definition (a segment whose end points are at
    distances r0, r1 from the soma centre crosses radius R when
    ``min(r0, r1) <= R <= max(r0, r1)``), vectorised: NeuroM loops over
    segments in Python (about 2 s per call for a 12,000-point cell).  Uses
    MorphIO's float32 points, as NeuroM does; tested equal to NeuroM's
    ``sholl_frequency``.

    Parameters
    ----------
    cell : Cell
    radii : array_like
        Sphere radii, um.
    neurite_type : str, optional
        Only segments of this type (default: all neurites).

    Returns
    -------
    numpy.ndarray of int
    """
    radii2 = np.asarray(radii, dtype=np.float64) ** 2
    section = np.repeat(np.arange(len(cell.section_types)), np.diff(cell.section_offsets))
    keep = section[1:] == section[:-1]
    if neurite_type is not None:
        keep &= cell.section_types[section[1:]] == type_code(neurite_type)
    points = np.asarray(cell.morphio.points, dtype=np.float64)  # NeuroM's float32 values
    dist2 = np.sum((points - cell.soma.center) ** 2, axis=1)
    lo = np.sort(np.minimum(dist2[:-1], dist2[1:])[keep])
    hi = np.sort(np.maximum(dist2[:-1], dist2[1:])[keep])
    return (np.searchsorted(lo, radii2, side="right")
            - np.searchsorted(hi, radii2, side="left")).astype(np.int64)


def format_morphometrics(metrics, title=None):
    """Format :func:`morphometrics` as a text table (features x neurite types).

    The table ends with the Sholl peak of each type (largest number of crossings
    and its radius) and is followed by the whole Sholl profile of all neurites.

    Parameters
    ----------
    metrics : dict
        Output of :func:`morphometrics`.
    title : str, optional
        First line of the table.

    Returns
    -------
    str
    """
    columns = list(metrics)
    rows = [("feature", "unit", *columns)]
    for key, (_, _, unit) in FEATURES.items():
        rows.append((key, unit, *(_fmt(metrics[c][key]) for c in columns)))
    rows.append(("soma_area", "um2", _fmt(metrics["all"]["soma_area"]), *[""] * (len(columns) - 1)))
    radii = metrics["all"]["sholl_radii"]
    step = float(radii[1] - radii[0]) if len(radii) > 1 else float("nan")
    peaks = [int(np.argmax(metrics[c]["sholl_counts"])) for c in columns]
    rows.append(("sholl_peak_crossings", "", *(_fmt(metrics[c]["sholl_counts"][k])
                                              for c, k in zip(columns, peaks))))
    rows.append(("sholl_peak_radius", "um", *(_fmt(radii[k]) for k in peaks)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [title] if title else []
    for i, row in enumerate(rows):
        lines.append("  ".join(v.ljust(w) if j < 2 else v.rjust(w)
                               for j, (v, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    counts = " ".join(str(int(c)) for c in metrics["all"]["sholl_counts"])
    lines.append(f"Sholl crossings (all neurites) every {step:g} um from r = {radii[0]:.1f} um: "
                 f"{counts}")
    return "\n".join(lines)


def _fmt(value):
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
