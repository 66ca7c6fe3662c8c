"""Exception types of the ``network`` package.

Every error the package raises on bad input is one of these, so that scripts can
catch ``network.NetworkError`` and nothing else.  Messages name the offending key,
population, value or file and say how to fix it.
"""

__all__ = ["NetworkError", "UnitError", "ParameterError", "ModelKeyError", "ModelValueError",
           "RecordingError", "SimulationError"]


class NetworkError(Exception):
    """Base class of every error raised by the ``network`` package."""


class ModelKeyError(NetworkError, KeyError):
    """A Model key (or population name) is missing, misspelt or unknown."""

    def __str__(self):  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class UnitError(NetworkError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(NetworkError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class ModelValueError(ParameterError):
    """A Model value (or a function argument) is out of its valid range or has the wrong unit/shape."""


class RecordingError(NetworkError, OSError):
    """An HDF5 file cannot be written, read or does not have the toolkit's layout."""


class SimulationError(NetworkError, RuntimeError):
    """A network cannot be run as asked (it has already run, or the device holds another one)."""
