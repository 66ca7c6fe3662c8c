"""Exception and warning types of the ``dendrites`` package.

The categories are the toolkit's (the same in ``stimuli``, ``morphologies`` and
``network``):

=============================  ===============================================
class                          mistake
=============================  ===============================================
:class:`DendriteError`         root of every error raised here
:class:`UnitError`             a Quantity of the wrong dimension, or a
                               non-numeric value (a ``ValueError``)
:class:`ParameterError`        a value out of range, of the wrong shape,
                               inconsistent, or a selection that matches
                               nothing (a ``ValueError``)
:class:`RegionError`           a selection (region, section, distance range)
                               that matches no compartment (a ParameterError)
:class:`PlacementError`        a synapse placement that yields no site
                               (a ParameterError)
:class:`UnsupportedError`      a request brian2 cannot honour, e.g. a per-region
                               axial resistivity (a ParameterError)
:class:`DendriteKeyError`      an unknown name (region, mechanism, synapse
                               group, parameter), a ``KeyError`` with a
                               readable message
:class:`MechanismKeyError`     an unknown mechanism or mechanism parameter
                               (a DendriteKeyError)
:class:`RecordingError`        a file that cannot be read or written (OSError)
:class:`SimulationError`       an operation in the wrong state (RuntimeError)
:class:`DendriteWarning`       a repairable oddity (UserWarning)
=============================  ===============================================
"""

__all__ = ["DendriteError", "UnitError", "ParameterError", "RegionError", "PlacementError",
           "UnsupportedError", "DendriteKeyError", "RecordingError", "SimulationError",
           "DendriteWarning", "MechanismKeyError"]


class DendriteError(Exception):
    """Base class of every error raised by the ``dendrites`` package."""


class UnitError(DendriteError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(DendriteError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class RegionError(ParameterError):
    """A compartment selection (region, sections, distance range, mask) that matches nothing."""


class PlacementError(ParameterError):
    """A synapse placement that yields no site (empty range, zero density, short branch ...)."""


class UnsupportedError(ParameterError):
    """A request the brian2 ``SpatialNeuron`` cannot represent (e.g. per-region ``Ri``)."""


class DendriteKeyError(DendriteError, KeyError):
    """An unknown name: region, mechanism, synapse group, variable or parameter."""

    def __str__(self):  # KeyError would show the repr of the message
        return str(self.args[0]) if self.args else ""


class MechanismKeyError(DendriteKeyError):
    """An unknown membrane-mechanism name (or an unknown parameter of a mechanism)."""


class RecordingError(DendriteError, OSError):
    """A result file that cannot be read or written."""


class SimulationError(DendriteError, RuntimeError):
    """An operation in the wrong state (e.g. a structural change after the model was built)."""


class DendriteWarning(UserWarning):
    """A repairable oddity (typed and filterable)."""
