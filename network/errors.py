"""Exception and warning types of the ``network`` package, and the toolkit's excepthook.

Every error the package raises on bad input is one of these, so that scripts can
catch ``network.NetworkError`` and nothing else.  Messages name the offending key,
population, value or file and say how to fix it.

brian2 replaces ``sys.excepthook`` when it is imported: every uncaught exception
then ends with "Brian 2 encountered an unexpected error. If you think this is a bug
in Brian 2..." and leaves ``brian_debug_*.log`` / ``brian_script_*.py`` in the
temporary folder.  :func:`install_error_hook` (the toolkit's one hook,
:func:`stimuli.errors.install_error_hook`, re-exported here) wraps that hook so that
an exception of the toolkit (a class defined in ``stimuli``, ``morphologies``,
``network`` or ``dendrites``) prints a plain Python traceback and lets brian2 delete
its log files at exit, while every other exception still reaches brian2's handler.
It runs whenever the package uses brian2 and whenever a :class:`NetworkError` is
created while brian2 is imported (so ``import network; import brian2`` is covered).
"""

import sys

from stimuli.errors import TOOLKIT_PACKAGES, install_error_hook, is_toolkit_error

__all__ = ["NetworkError", "UnitError", "ParameterError", "ModelKeyError", "ModelValueError",
           "RecordingError", "ModelFileError", "SimulationError", "NetworkWarning", "ModelKeyWarning",
           "TimeGridWarning",
           "TOOLKIT_PACKAGES", "is_toolkit_exception", "install_error_hook"]


class NetworkError(Exception):
    """Base class of every error raised by the ``network`` package.

    Creating one while brian2 is imported makes sure :func:`install_error_hook` has run.
    """

    def __init__(self, *args):
        super().__init__(*args)
        if "brian2" in sys.modules:
            install_error_hook()


class ModelKeyError(NetworkError, KeyError):
    """A Model key (or population name) is missing, misspelt or unknown."""

    def __str__(self):  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class UnitError(NetworkError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(NetworkError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class ModelValueError(ParameterError):
    """A Model value (or a function argument) is out of its valid range or has the wrong shape."""


class RecordingError(NetworkError, OSError):
    """A file that cannot be read or written (an HDF5 file, a JSON parameter file...), or an
    HDF5 file without the toolkit's layout."""


class ModelFileError(NetworkError, ValueError):
    """A Model parameter file that cannot be parsed (the message names the file and the line)."""


class SimulationError(NetworkError, RuntimeError):
    """A network cannot be run as asked (wrong state, or the device holds another one)."""


class NetworkWarning(UserWarning):
    """Base class of the warnings of the ``network`` package (filterable by class)."""


class ModelKeyWarning(NetworkWarning):
    """A Model key that is kept but looks like a mistake (a look-alike of a present key...)."""


class TimeGridWarning(NetworkWarning):
    """A time array was one sample short of the run's grid (``int(tstop/dt)`` rounding down)."""


def is_toolkit_exception(exc_type):
    """True if ``exc_type`` (or one of its bases) is defined in one of :data:`TOOLKIT_PACKAGES`.

    :func:`stimuli.errors.is_toolkit_error` with the default packages.
    """
    return is_toolkit_error(exc_type, TOOLKIT_PACKAGES)
