"""Synthetic cells: ball-and-stick, star, Rall tree and Y branch.

They are built with MorphIO and returned as :class:`~morphologies.cell.Cell`,
like loaded files, so they can be measured, discretised and viewed.  Every
soma is a single-point (spherical) soma at the origin; every section is a
straight cylinder (two points) starting where its parent ends, root sections
starting on the soma surface.  Lengths and diameters accept brian2
quantities; plain numbers are um.  Nothing is random.
"""

from __future__ import annotations

import morphio
import numpy as np
from brian2 import um

from .cell import Cell, type_code
from .errors import ParameterError, UnitError, install_error_hook
from .units import to_plain, to_positive

install_error_hook()  # brian2 is imported: a user's bad input must not end in its bug banner

__all__ = ["ball_and_stick", "soma_with_cylinders", "rall_tree", "y_branch"]


def _um(value, name):
    return to_positive(value, "um", name)


def _angle(value, name):
    """A finite angle in radians (a plain number or a dimensionless Quantity)."""
    angle = to_plain(value, "1", name)
    if np.ndim(angle) or not np.isfinite(angle):
        raise ParameterError(f"argument {name!r} = {value!r} must be one finite angle in radians.")
    return angle


def _count(value, name, minimum):
    """An integer count >= ``minimum`` (integer-valued floats accepted); UnitError for a non-number."""
    if not isinstance(value, (bool, np.bool_, int, float, np.number)):
        raise UnitError(f"argument {name!r} = {value!r} is not numeric; pass an integer >= {minimum}, "
                        f"e.g. {name}={max(minimum, 2)}.")
    if (isinstance(value, (bool, np.bool_))
            or not np.isfinite(value) or not float(value).is_integer() or value < minimum):
        raise ParameterError(f"argument {name!r} = {value!r} must be an integer >= {minimum}; "
                             f"pass e.g. {name}={max(minimum, 2)}.")
    return int(value)


def _new(soma_diameter):
    mutable = morphio.mut.Morphology()
    mutable.soma.points = [[0.0, 0.0, 0.0]]
    mutable.soma.diameters = [_um(soma_diameter, "soma_diameter")]
    mutable.soma.type = morphio.SomaType.SOMA_SINGLE_POINT
    return mutable


def _cylinder(start, direction, length, diameter):
    end = np.asarray(start) + length * np.asarray(direction) / np.linalg.norm(direction)
    return morphio.PointLevel([list(start), list(end)], [diameter, diameter]), end


def _section_type(neurite_type):
    code = type_code(neurite_type)
    if code == 1:
        raise ParameterError(f"neurite_type={neurite_type!r}: neurites cannot have the soma type; "
                             "pass 'basal', 'apical', 'axon' or 'customN'.")
    return morphio.SectionType(code)


def _planar(angle):
    return np.array([np.cos(angle), np.sin(angle), 0.0])


def soma_with_cylinders(n=4, *, soma_diameter=20 * um, length=200 * um, diameter=1 * um,
                        neurite_type="basal", name=None):
    """A spherical soma with ``n`` identical cylinders, evenly spread in the xy plane.

    Parameters
    ----------
    n : int, optional
        Number of cylinders (default 4).
    soma_diameter, length, diameter : brian2.Quantity or float, optional
        Soma diameter (default 20 um), and length (200 um) and diameter (1 um)
        of each cylinder.
    neurite_type : str, optional
        Type of the cylinders (default ``"basal"``).
    name : str, optional
        Cell name (default ``"soma_with_<n>_cylinders"``).

    Returns
    -------
    Cell
    """
    n = _count(n, "n", 0)
    mutable = _new(soma_diameter)
    radius = _um(soma_diameter, "soma_diameter") / 2
    for k in range(n):
        direction = _planar(2 * np.pi * k / n)
        level, _ = _cylinder(radius * direction, direction, _um(length, "length"),
                             _um(diameter, "diameter"))
        mutable.append_root_section(level, _section_type(neurite_type))
    return Cell(mutable.as_immutable(), name=name or f"soma_with_{n}_cylinders")


def ball_and_stick(*, soma_diameter=20 * um, length=500 * um, diameter=2 * um,
                   neurite_type="basal", name="ball_and_stick"):
    """A spherical soma with one cylindrical dendrite along +x.

    Its membrane area is ``pi * soma_diameter**2 + pi * diameter * length``.

    Parameters
    ----------
    soma_diameter, length, diameter : brian2.Quantity or float, optional
        Defaults 20 um, 500 um, 2 um.
    neurite_type : str, optional
        Type of the dendrite (default ``"basal"``).
    name : str, optional

    Returns
    -------
    Cell
    """
    return soma_with_cylinders(1, soma_diameter=soma_diameter, length=length, diameter=diameter,
                               neurite_type=neurite_type, name=name)


def rall_tree(levels=3, *, children=2, trunk_length=100 * um, trunk_diameter=4 * um,
              soma_diameter=20 * um, spread=np.pi / 3, neurite_type="basal", name="rall_tree"):
    """A symmetric branching tree obeying Rall's 3/2 power rule.

    At every branch point the ``children`` daughters have diameter
    ``d_parent * children**(-2/3)``, so the sum of their ``d**(3/2)`` equals the
    parent's, and length ``l_parent * sqrt(d_daughter / d_parent)``, so every
    level has the same electrotonic length and all tips end at the same
    electrotonic distance.  The tree is electrically equivalent to one cylinder
    of the trunk's diameter and of electrotonic length ``levels`` times the
    trunk's (Rall's equivalent cylinder).

    Parameters
    ----------
    levels : int, optional
        Number of section levels, trunk included (default 3).
    children : int, optional
        Daughters per branch point (default 2).
    trunk_length, trunk_diameter, soma_diameter : brian2.Quantity or float, optional
        Defaults 100 um, 4 um, 20 um.
    spread : float, optional
        Angle (radians) between the outermost daughters of a branch point (drawing only).
    neurite_type : str, optional
    name : str, optional

    Returns
    -------
    Cell
    """
    levels, children = _count(levels, "levels", 1), _count(children, "children", 1)
    mutable = _new(soma_diameter)
    ratio = float(children) ** (-2.0 / 3.0)
    length, diam = _um(trunk_length, "trunk_length"), _um(trunk_diameter, "trunk_diameter")
    radius = _um(soma_diameter, "soma_diameter") / 2
    level, end = _cylinder(radius * _planar(0), _planar(0), length, diam)
    tips = [(mutable.append_root_section(level, _section_type(neurite_type)), end, 0.0)]
    spread = _angle(spread, "spread")
    offsets = (np.linspace(-spread / 2, spread / 2, children) if children > 1 else np.zeros(1))
    for depth in range(1, levels):
        diam, length = diam * ratio, length * np.sqrt(ratio)
        new_tips = []
        for section, start, angle in tips:
            for offset in offsets / depth:
                level, end = _cylinder(start, _planar(angle + offset), length, diam)
                new_tips.append((section.append_section(level), end, angle + offset))
        tips = new_tips
    return Cell(mutable.as_immutable(), name=name)


def y_branch(*, parent_length=100 * um, parent_diameter=2 * um, child_lengths=(100 * um, 100 * um),
             child_diameters=(1.26 * um, 1.26 * um), angle=np.pi / 3, soma_diameter=20 * um,
             neurite_type="basal", name="y_branch"):
    """A soma, one trunk and two daughter cylinders (a Y).

    Parameters
    ----------
    parent_length, parent_diameter : brian2.Quantity or float, optional
        The trunk (defaults 100 um, 2 um).
    child_lengths, child_diameters : pair of brian2.Quantity or float, optional
        The two daughters (defaults 100 um each, 1.26 um each, close to the 3/2 rule).
    angle : float, optional
        Angle between the daughters, radians (default pi/3).
    soma_diameter : brian2.Quantity or float, optional
    neurite_type : str, optional
    name : str, optional

    Returns
    -------
    Cell
    """
    angle = _angle(angle, "angle")
    mutable = _new(soma_diameter)
    radius = _um(soma_diameter, "soma_diameter") / 2
    level, end = _cylinder(radius * _planar(0), _planar(0), _um(parent_length, "parent_length"),
                           _um(parent_diameter, "parent_diameter"))
    trunk = mutable.append_root_section(level, _section_type(neurite_type))
    for sign, length, diameter in zip((1, -1), child_lengths, child_diameters):
        level, _ = _cylinder(end, _planar(sign * angle / 2), _um(length, "child_lengths"),
                             _um(diameter, "child_diameters"))
        trunk.append_section(level)
    return Cell(mutable.as_immutable(), name=name)
