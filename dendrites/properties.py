"""Passive properties of a cell model: input resistance, time constants, electrotonic lengths."""

from __future__ import annotations

import numpy as np

from morphologies.cell import type_name

__all__ = ["passive_properties", "electrotonic_distance"]


def electrotonic_distance(model):
    """Return the DC electrotonic distance from the soma of every compartment's centre.

    ``X = integral dx / lambda``, ``lambda = sqrt(d / (4 Ri gL))`` per compartment,
    along the path from the soma (dimensionless; 0 at the soma).
    """
    table = model.compartments
    disc = model.discretisation
    d = np.asarray(table.diameter) * 1e-6
    gL = np.asarray(model._values["gL"])
    length = np.asarray(table.length) * 1e-6
    with np.errstate(divide="ignore"):
        lam = np.sqrt(d / (4 * model._Ri * gL))
    dx = np.where(table.section >= 0, length / lam, 0.0)
    sec = np.asarray(table.section)
    n_sec = len(disc.cell.section_parents)
    neurite = sec >= 0
    # within a section: cumulative, compartments ordered by distance
    order = np.lexsort((table.distance, sec))
    order = order[neurite[order]]
    csum = np.cumsum(dx[order])
    sec_o = sec[order]
    first = np.r_[0, np.flatnonzero(np.diff(sec_o)) + 1]
    base = np.repeat(csum[first] - dx[order][first], np.diff(np.r_[first, len(order)]))
    within = csum - base - dx[order] / 2  # to the compartment centre
    total = np.bincount(sec_o, dx[order], n_sec)
    start = np.zeros(n_sec)
    parents = disc.cell.section_parents
    for s in range(n_sec):  # sections are numbered parents first in MorphIO
        if parents[s] >= 0:
            start[s] = start[parents[s]] + total[parents[s]]
    X = np.zeros(len(table))
    X[order] = start[sec_o] + within
    ends = start + total
    return X, ends


def passive_properties(model, compartment=0):
    """Passive properties of a :class:`~dendrites.model.CellModel` (mechanisms ignored).

    Returns
    -------
    dict
        ``input_resistance_MOhm`` (at ``compartment``), ``tau_m_ms`` (slowest
        time constant of the discretised cell), ``tau_1_ms`` (first equalising
        time constant), ``n_compartments``, ``electrotonic_length`` (per neurite,
        keyed ``"<type> <root section>"``: the largest DC electrotonic distance
        of its tips), and ``attenuation`` (array: steady-state ``V_i / V_soma``
        for a current at the soma).
    """
    system = model.passive_system()
    taus = system.time_constants(2) * 1e3
    _, ends = electrotonic_distance(model)
    cell = model.discretisation.cell
    parents = np.asarray(cell.section_parents)
    root = np.arange(len(parents))
    # root section of every section
    while True:  # climb to the root section, all sections at once
        p = parents[root]
        if np.all(p < 0):
            break
        root = np.where(p >= 0, p, root)
    lengths = {}
    for r in np.flatnonzero(parents < 0):
        lengths[f"{type_name(cell.section_types[r])} {int(r)}"] = float(np.max(ends[root == r]))
    return {
        "input_resistance_MOhm": system.input_resistance(compartment) / 1e6,
        "tau_m_ms": float(taus[0]),
        "tau_1_ms": float(taus[1]) if len(taus) > 1 else float("nan"),
        "n_compartments": int(model.n),
        "electrotonic_length": lengths,
        "attenuation": system.attenuation(compartment),
    }
