"""Exception and warning types of the ``network`` package, and the toolkit's excepthook.

Every error the package raises on bad input is one of these, so that scripts can
catch ``network.NetworkError`` and nothing else.  Messages name the offending key,
population, value or file and say how to fix it.

brian2 replaces ``sys.excepthook`` when it is imported: every uncaught exception
then ends with "Brian 2 encountered an unexpected error. If you think this is a bug
in Brian 2..." and leaves ``brian_debug_*.log`` / ``brian_script_*.py`` in the
temporary folder.  :func:`install_error_hook` wraps that hook so that an exception
of the toolkit (a class defined in ``stimuli``, ``morphologies``, ``network`` or
``dendrites``) prints a plain Python traceback and lets brian2 delete its log files
at exit, while every other exception still reaches brian2's handler.
"""

import sys

__all__ = ["NetworkError", "UnitError", "ParameterError", "ModelKeyError", "ModelValueError",
           "RecordingError", "ModelFileError", "SimulationError", "NetworkWarning", "ModelKeyWarning",
           "TimeGridWarning",
           "TOOLKIT_PACKAGES", "is_toolkit_exception", "install_error_hook"]


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


#: Top-level packages whose exceptions are the toolkit's (bad input, not brian2 bugs).
TOOLKIT_PACKAGES = ("stimuli", "morphologies", "network", "dendrites")


def is_toolkit_exception(exc_type):
    """True if ``exc_type`` (or one of its bases) is defined in one of :data:`TOOLKIT_PACKAGES`."""
    for cls in getattr(exc_type, "__mro__", ()):
        if (getattr(cls, "__module__", "") or "").split(".")[0] in TOOLKIT_PACKAGES:
            return True
    return False


def _toolkit_excepthook(exc_type, exc, tb):
    if is_toolkit_exception(exc_type):
        # plain traceback; brian2's atexit clean-up deletes its log and script copy
        # because its own hook never saw the exception
        return sys.__excepthook__(exc_type, exc, tb)
    return _toolkit_excepthook.wrapped(exc_type, exc, tb)


_toolkit_excepthook.wrapped = sys.__excepthook__


class _AfterBrian2Import:
    """A meta-path finder that wraps brian2's excepthook right after brian2 is imported.

    brian2 sets ``sys.excepthook`` at the end of its import; if ``network`` was
    imported first, this puts the toolkit's hook back on top of it.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "brian2":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_then_hook(module):
            exec_module(module)
            install_error_hook()

        loader.exec_module = exec_then_hook
        return spec


def install_error_hook():
    """Wrap the current ``sys.excepthook`` (brian2's, once brian2 is imported); idempotent.

    Called by the package whenever it imports brian2 (brian2 installs its own hook
    at import, over any earlier one).  Exceptions of the toolkit's classes print a
    plain traceback; any other exception goes to the wrapped hook unchanged.

    Returns
    -------
    callable
        The installed hook.
    """
    if "brian2" not in sys.modules and not any(isinstance(f, _AfterBrian2Import) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterBrian2Import())
    current = sys.excepthook
    if current is not _toolkit_excepthook:
        _toolkit_excepthook.wrapped = current
        sys.excepthook = _toolkit_excepthook
    return _toolkit_excepthook
