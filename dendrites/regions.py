"""Compartment selections and per-compartment parameter values.

A *selection* (the ``where`` argument throughout the package) picks rows of a
:class:`~morphologies.compartments.CompartmentTable`:

* ``None`` or ``"all"``: every compartment;
* a region name: ``"soma"``, ``"axon"``, ``"basal"``, ``"apical"``,
  ``"dendrite"`` (basal, apical and custom types), ``"customN"``, or a name
  defined with ``CellModel.define_region``;
* a dict of criteria, all of which must hold: ``type`` (name(s) or code(s)),
  ``min_distance`` / ``max_distance`` (um or length Quantity, inclusive),
  ``sections`` (MorphIO section ids), ``compartments`` (indices);
* a boolean expression of the table's columns, e.g. ``"distance > 300"``
  (columns: distance, x, y, z, diameter, area, length, branch_order, type,
  section, index; plain numbers in um, um**2);
* an array of compartment indices, or a boolean mask of one value per
  compartment;
* a callable ``f(table) -> mask or indices``.

A *value* is a number or Quantity (one for all selected compartments, or one
per selected compartment), a callable ``f(distance_um)`` (or
``f(distance_um, table_rows)`` if it takes two arguments), or an arithmetic
expression of the same columns (``"1 + (distance > 200)"``,
``"2e-4 * exp(distance / 300)"``), whose plain results are read in the unit
the parameter documents.
"""

from __future__ import annotations

import inspect

import numpy as np

from stimuli.arguments import to_plain

from .errors import DendriteKeyError, ParameterError, RegionError, UnitError

__all__ = ["select", "evaluate", "REGIONS", "COLUMNS", "plain_unit", "si_factor"]

#: Built-in region names (besides ``customN``).
REGIONS = ("all", "soma", "axon", "basal", "apical", "dendrite")
#: Columns usable in expressions.
COLUMNS = ("index", "section", "type", "distance", "x", "y", "z", "diameter", "area", "length",
           "branch_order")
_FUNCTIONS = {name: getattr(np, name) for name in (
    "exp", "log", "log10", "sqrt", "abs", "minimum", "maximum", "where", "clip", "sin", "cos",
    "tanh", "heaviside")}
_FUNCTIONS.update(pi=np.pi, e=np.e)

_TYPE = {"soma": 1, "axon": 2, "basal": 3, "apical": 4}


def _namespace(table, rows=None):
    ns = dict(_FUNCTIONS)
    for column in COLUMNS:
        values = np.asarray(getattr(table, column))
        ns[column] = values if rows is None else values[rows]
    return ns


def _describe_table(table):
    types = sorted({int(t) for t in np.unique(table.type)})
    names = [{1: "soma", 2: "axon", 3: "basal", 4: "apical"}.get(t, f"custom{t}") for t in types]
    return (f"the cell has {len(table)} compartments of types {names}, path distances "
            f"0..{float(np.max(table.distance)):.1f} um, sections 0.."
            f"{int(np.max(table.section))}")


def select(table, where=None, *, regions=None, name="where", allow_empty=False):
    """Return the sorted compartment indices selected by ``where``.

    Parameters
    ----------
    table : CompartmentTable
    where : see the module docstring
    regions : dict, optional
        User-defined regions ``{name: where}``.
    name : str
        Argument name for messages.
    allow_empty : bool
        Return an empty array instead of raising when nothing matches.

    Returns
    -------
    numpy.ndarray of int

    Raises
    ------
    DendriteKeyError
        An unknown region name.
    RegionError
        A selection that matches no compartment.
    ParameterError, UnitError
        A malformed selection.
    """
    n = len(table)
    regions = regions or {}
    mask = _mask(table, where, regions, name, n)
    out = np.flatnonzero(mask)
    if not len(out) and not allow_empty:
        raise RegionError(f"{name}={where!r} matches no compartment; {_describe_table(table)}.")
    return out


def _mask(table, where, regions, name, n):
    if where is None:
        return np.ones(n, dtype=bool)
    if isinstance(where, str):
        if where in regions:
            return _mask(table, regions[where], {k: v for k, v in regions.items() if k != where},
                         name, n)
        if where == "all":
            return np.ones(n, dtype=bool)
        if where in _TYPE:
            return table.type == _TYPE[where]
        if where == "dendrite":
            return (table.type == 3) | (table.type == 4) | (table.type >= 5)
        if where.startswith("custom") and where[6:].isdigit():
            return table.type == int(where[6:])
        if where.isidentifier():
            raise DendriteKeyError(
                f"{name}={where!r} is not a region; use one of {list(REGIONS)}, 'customN', "
                f"{sorted(regions)} (defined with define_region), a dict of criteria or an "
                "expression such as 'distance > 200'.")
        try:
            value = eval(where, {"__builtins__": {}}, _namespace(table))  # noqa: S307
        except Exception as err:  # noqa: BLE001 - reported as a toolkit error
            raise ParameterError(f"{name}={where!r} is not a valid selection expression ({err}); "
                                 f"use the columns {COLUMNS}.") from None
        value = np.asarray(value)
        if value.dtype != bool or value.shape != (n,):
            raise ParameterError(f"{name}={where!r} must evaluate to one boolean per compartment.")
        return value
    if isinstance(where, dict):
        mask = np.ones(n, dtype=bool)
        unknown = set(where) - {"type", "min_distance", "max_distance", "sections", "compartments",
                                "region"}
        if unknown:
            raise DendriteKeyError(
                f"{name} has unknown criteria {sorted(unknown)}; use type, min_distance, "
                "max_distance, sections, compartments, region.")
        if where.get("region") is not None:
            mask &= _mask(table, where["region"], regions, name, n)
        if where.get("type") is not None:
            types = where["type"]
            types = [types] if isinstance(types, (str, int, np.integer)) else list(types)
            sub = np.zeros(n, dtype=bool)
            for t in types:
                sub |= _mask(table, t, regions, name, n) if isinstance(t, str) else table.type == int(t)
            mask &= sub
        if where.get("min_distance") is not None:
            mask &= table.distance >= to_plain(where["min_distance"], "um", "min_distance",
                                               error=UnitError)
        if where.get("max_distance") is not None:
            mask &= table.distance <= to_plain(where["max_distance"], "um", "max_distance",
                                               error=UnitError)
        if where.get("sections") is not None:
            sections = np.atleast_1d(np.asarray(where["sections"], dtype=np.int64))
            known = np.unique(table.section[table.section >= 0])
            missing = np.setdiff1d(sections, known)
            if len(missing):
                raise RegionError(f"{name}: unknown section(s) {missing[:10].tolist()}; the cell "
                                  f"has sections {int(known.min())}..{int(known.max())}.")
            mask &= np.isin(table.section, sections)
        if where.get("compartments") is not None:
            sub = np.zeros(n, dtype=bool)
            sub[_indices(where["compartments"], n, name)] = True
            mask &= sub
        return mask
    if callable(where):
        return _mask(table, np.asarray(where(table)), regions, name, n)
    arr = np.asarray(where)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ParameterError(f"{name}: a boolean mask needs {n} values, got shape {arr.shape}.")
        return arr
    mask = np.zeros(n, dtype=bool)
    mask[_indices(arr, n, name)] = True
    return mask


def _indices(values, n, name):
    arr = np.atleast_1d(np.asarray(values))
    if arr.size and arr.dtype.kind not in "iu":
        raise ParameterError(f"{name} must hold integer compartment indices, got {arr.dtype}.")
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= n)
    if np.any(bad):
        raise RegionError(f"{name} holds compartment {int(arr[bad][0])}, outside 0..{n - 1}.")
    return arr


def plain_unit(dimensions):
    """The plain unit (a brian2 unit expression) documented for a physical dimension.

    conductance densities S/cm**2, capacitance densities uF/cm**2, voltages mV,
    times ms, conductances nS, currents nA, current densities mA/cm**2,
    concentrations mM, lengths um, resistivities ohm*cm; other dimensions SI.
    """
    from brian2 import (amp, cm, farad, metre, mM, mole, ohm, second, siemens, volt)
    from brian2.units.fundamentalunits import get_dimensions

    table = [
        (siemens / metre**2, "siemens/cm**2"), (farad / metre**2, "uF/cm**2"), (volt, "mV"),
        (second, "ms"), (siemens, "nS"), (amp, "nA"), (amp / metre**2, "mA/cm**2"),
        (mole / metre**3, "mM"), (metre, "um"), (ohm * metre, "ohm*cm"),
        (ohm * metre**2, "ohm*cm**2"), (metre / second, "cm/second"), (1 / second, "Hz"),
    ]
    del cm, mM
    for unit, name in table:
        if get_dimensions(unit) is dimensions:
            return name
    if dimensions.is_dimensionless:
        return "1"
    return str(dimensions).replace(" ", "*").replace("^", "**")


def si_factor(unit):
    """The SI value of one ``unit`` (a brian2 unit expression such as ``"mV"`` or ``"siemens/cm**2"``)."""
    if unit == "1":
        return 1.0
    import brian2.units as b2u

    namespace = {k: getattr(b2u, k) for k in dir(b2u) if not k.startswith("_")}
    return float(eval(unit, {"__builtins__": {}}, namespace))  # noqa: S307


def evaluate(value, table, rows, unit, name):
    """Return ``value`` for the compartments ``rows`` as SI floats.

    Parameters
    ----------
    value : number, Quantity, array, callable or expression (module docstring)
    table : CompartmentTable
    rows : numpy.ndarray of int
    unit : str
        Plain unit of the parameter (e.g. ``"siemens/cm**2"``).
    name : str
        Parameter name for messages.

    Returns
    -------
    numpy.ndarray
        One SI value per row.

    Raises
    ------
    UnitError, ParameterError
    """
    if isinstance(value, str):
        try:
            value = eval(value, {"__builtins__": {}}, _namespace(table, rows))  # noqa: S307
        except Exception as err:  # noqa: BLE001
            raise ParameterError(f"{name}={value!r} is not a valid expression ({err}); use the "
                                 f"columns {COLUMNS} and numpy functions {sorted(_FUNCTIONS)}.") from None
    elif callable(value):
        try:
            n_args = len(inspect.signature(value).parameters)
        except (TypeError, ValueError):
            n_args = 1
        distance = np.asarray(table.distance)[rows]
        value = value(distance) if n_args < 2 else value(distance, rows)
    plain = to_plain(value, unit, name, error=UnitError)
    arr = np.asarray(plain, dtype=float)
    if arr.ndim == 0:
        arr = np.full(len(rows), float(arr))
    if arr.shape != (len(rows),):
        raise ParameterError(f"{name}: got {arr.shape[0] if arr.ndim else 1} values for "
                             f"{len(rows)} selected compartments; pass one value or one per "
                             "compartment.")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} has non-finite values; pass finite numbers in {unit}.")
    return arr * si_factor(unit)
