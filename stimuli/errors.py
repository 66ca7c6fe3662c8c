"""Exception types of the ``stimuli`` package.

The same categories exist in every package of the toolkit (``stimuli``,
``morphologies``, ``network``, ``dendrites``): a root class, :class:`UnitError` for
a Quantity of the wrong dimension (or a non-numeric value), :class:`ParameterError`
for a value out of range, of the wrong shape or inconsistent.  Both are
:class:`ValueError` subclasses.  The argument checks that raise them live in
:mod:`stimuli.arguments`.

A toolkit error is a user's mistake, not a brian2 bug: :func:`install_error_hook`
keeps it out of brian2's "unexpected error" handler.
"""

import sys

__all__ = ["StimulusError", "UnitError", "ParameterError", "StimulusWarning",
           "install_error_hook", "is_toolkit_error", "TOOLKIT_PACKAGES"]

#: Packages whose exceptions are user errors, not brian2 bugs (see :func:`install_error_hook`).
TOOLKIT_PACKAGES = ("stimuli", "morphologies", "network", "dendrites")


def is_toolkit_error(exc_type, packages=TOOLKIT_PACKAGES):
    """Whether an exception class (or one of its bases) is defined in one of ``packages``.

    Parameters
    ----------
    exc_type : type
        An exception class.
    packages : tuple of str, optional
        Top-level package names (default :data:`TOOLKIT_PACKAGES`).

    Returns
    -------
    bool
    """
    return any((getattr(cls, "__module__", "") or "").split(".")[0] in packages
               for cls in getattr(exc_type, "__mro__", ()))


def install_error_hook(packages=TOOLKIT_PACKAGES):
    """Let the toolkit's own exceptions bypass brian2's "unexpected error" handler.

    The toolkit's one excepthook: ``network`` uses this function
    (``network.errors.install_error_hook`` is it); ``morphologies``, which may not
    import ``stimuli``, keeps the same function in ``morphologies.errors``.  If brian2's
    handler is the current :data:`sys.excepthook`, this wraps it: an exception whose
    class (or a base class) is defined in one of ``packages`` is printed by Python's
    default hook and brian2's temporary ``brian_debug_*.log`` / ``brian_script_*.py``
    are deleted at exit, as after a successful run; every other exception still
    reaches brian2's handler ("Brian 2 encountered an unexpected error...").  Any
    other hook (brian2 not imported, a hook of your own, a wrapper already
    installed) is left as it is.  It runs whenever a :class:`StimulusError` is
    created while brian2 is imported.

    Parameters
    ----------
    packages : tuple of str, optional
        Top-level package names whose exceptions are printed normally.

    Returns
    -------
    callable
        The hook now in :data:`sys.excepthook`.
    """
    current = sys.excepthook
    if getattr(current, "__module__", "") != "brian2.utils.logger":
        return current
    packages = tuple(packages)

    def toolkit_excepthook(exc_type, exc_value, exc_tb):
        if is_toolkit_error(exc_type, packages):
            return sys.__excepthook__(exc_type, exc_value, exc_tb)
        return current(exc_type, exc_value, exc_tb)

    toolkit_excepthook.__toolkit_error_hook__ = packages
    toolkit_excepthook.__wrapped__ = current
    sys.excepthook = toolkit_excepthook
    return toolkit_excepthook


class StimulusError(Exception):
    """Base class of every error raised by the ``stimuli`` package.

    Creating one while brian2 is imported makes sure :func:`install_error_hook` has run.
    """

    def __init__(self, *args):
        super().__init__(*args)
        if "brian2" in sys.modules:
            install_error_hook()


class UnitError(StimulusError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected."""


class ParameterError(StimulusError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class StimulusWarning(UserWarning):
    """Base class of the ``stimuli`` package's warnings: a repairable oddity, not an error.

    The same category as ``morphologies.errors.MorphologyWarning``,
    ``network.errors.NetworkWarning`` and ``dendrites.errors.DendriteWarning``;
    filter them with ``warnings.filterwarnings("ignore", category=StimulusWarning)``.
    """
