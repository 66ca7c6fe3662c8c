"""The compartment table: one row per compartment of a discretised cell."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .cell import type_code, type_name
from .errors import MorphologyKeyError
from .units import to_plain

__all__ = ["CompartmentTable"]


@dataclass(frozen=True)
class CompartmentTable:
    """One row per compartment of a brian2 morphology built by :func:`discretise`.

    Row ``i`` is brian2's flat compartment index ``i`` (``neuron.v[i]`` of a
    ``SpatialNeuron``); row 0 is the soma.  Lengths are in um, areas in um**2.

    Attributes
    ----------
    index : numpy.ndarray of int
        brian2 flat compartment index (equal to the row number).
    section : numpy.ndarray of int
        MorphIO section id of the compartment, -1 for the soma.
    type : numpy.ndarray of int
        Structure type code (1 soma, 2 axon, 3 basal, 4 apical, 5-19 custom).
    distance : numpy.ndarray of float
        Distance to the soma of the compartment centre (path length from the
        neurite's first sample; 0 for the soma).
    x, y, z : numpy.ndarray of float
        Compartment centre: the point of the reconstructed 3D path at the
        middle of the compartment (soma: its centre).
    diameter : numpy.ndarray of float
        brian2's diameter of the compartment (at its middle; soma: the sphere's).
    area : numpy.ndarray of float
        brian2's membrane area of the compartment.
    length : numpy.ndarray of float
        brian2's compartment length (soma: its diameter, as in brian2).
    branch_order : numpy.ndarray of int
        NeuroM branch order of the section (0 for the soma and root sections).
    """

    index: np.ndarray
    section: np.ndarray
    type: np.ndarray
    distance: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    diameter: np.ndarray
    area: np.ndarray
    length: np.ndarray
    branch_order: np.ndarray

    @property
    def columns(self):
        """tuple of str: the column names."""
        return tuple(f.name for f in fields(self))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, column):
        """Return a column by name."""
        if column not in self.columns:
            raise MorphologyKeyError(f"no column {column!r}; columns are {self.columns}.")
        return getattr(self, column)

    @property
    def position(self):
        """numpy.ndarray, shape (n, 3): compartment centres, um."""
        return np.column_stack([self.x, self.y, self.z])

    @property
    def type_name(self):
        """numpy.ndarray of str: neurite type name of each compartment."""
        names = np.array([type_name(c) for c in range(1, 20)])
        return names[self.type - 1]

    def select(self, type=None, min_distance=None, max_distance=None):
        """Return the indices of the compartments matching all given criteria.

        Parameters
        ----------
        type : str or int or sequence, optional
            Neurite type name(s) or code(s), e.g. ``"apical"`` or ``("basal", "apical")``.
        min_distance, max_distance : brian2.Quantity or float, optional
            Bounds (inclusive) on :attr:`distance`: lengths, e.g. ``200 * um``;
            plain numbers are read in um.

        Returns
        -------
        numpy.ndarray of int

        Raises
        ------
        morphologies.errors.UnitError
            If a bound is a quantity that is not a length, or not a number.
        """
        keep = np.ones(len(self), dtype=bool)
        if type is not None:
            types = [type] if isinstance(type, (str, int, np.integer)) else list(type)
            keep &= np.isin(self.type, [type_code(t) for t in types])
        if min_distance is not None:
            keep &= self.distance >= to_plain(min_distance, "um", "min_distance")
        if max_distance is not None:
            keep &= self.distance <= to_plain(max_distance, "um", "max_distance")
        return self.index[keep]

    def to_dataframe(self):
        """Return the table as a :class:`pandas.DataFrame` (pandas is optional).

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError(
                "CompartmentTable.to_dataframe needs pandas, which is not a dependency of "
                "the toolkit: `pip install pandas`, or use the numpy columns directly."
            ) from err

        data = {name: getattr(self, name) for name in self.columns}
        data["type_name"] = self.type_name
        return pd.DataFrame(data).set_index("index")
