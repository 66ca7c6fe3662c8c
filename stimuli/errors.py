"""Exception types of the ``stimuli`` package.

The same categories exist in every package of the toolkit (``stimuli``,
``morphologies``, ``network``, ``dendrites``): a root class, :class:`UnitError` for
a Quantity of the wrong dimension (or a non-numeric value), :class:`ParameterError`
for a value out of range, of the wrong shape or inconsistent.  Both are
:class:`ValueError` subclasses.  The argument checks that raise them live in
:mod:`stimuli.arguments`.
"""

__all__ = ["StimulusError", "UnitError", "ParameterError"]


class StimulusError(Exception):
    """Base class of every error raised by the ``stimuli`` package."""


class UnitError(StimulusError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(StimulusError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""
