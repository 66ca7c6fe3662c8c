"""Exception types of the ``dendrites`` package.

The same categories exist in every package of the toolkit (``stimuli``,
``morphologies``, ``network``, ``dendrites``): a root class, :class:`UnitError` for
a Quantity of the wrong dimension (or a non-numeric value), :class:`ParameterError`
for a value out of range, of the wrong shape or inconsistent, and a
:class:`KeyError` subclass for an unknown name.
"""

__all__ = ["DendriteError", "UnitError", "ParameterError", "MechanismKeyError"]


class DendriteError(Exception):
    """Base class of every error raised by the ``dendrites`` package."""


class UnitError(DendriteError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(DendriteError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class MechanismKeyError(DendriteError, KeyError):
    """An unknown membrane-mechanism name (or an unknown parameter of a mechanism)."""

    def __str__(self):
        # KeyError's default __str__ shows the repr of the message; show it plainly.
        return str(self.args[0]) if self.args else ""
