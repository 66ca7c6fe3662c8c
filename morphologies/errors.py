"""Exceptions and warnings of the ``morphologies`` package.

Every error raised while reading, checking or discretising a morphology derives
from :class:`MorphologyError`.  Errors about an input file derive from
:class:`MorphologyFileError` (also a :class:`ValueError`) and carry the file
path, the 1-based line number and the SWC sample id where they are known, a
short machine-readable ``code``, and a ``hint`` saying how to fix the file.

Argument mistakes follow the categories shared by the toolkit's four packages
(``stimuli``, ``morphologies``, ``network``, ``dendrites``): :class:`UnitError` for a
brian2 Quantity of the wrong dimension or a non-numeric value, :class:`ParameterError`
for a value out of range, of the wrong shape or inconsistent (both are
:class:`ValueError`), :class:`MorphologyKeyError` (a :class:`KeyError`) for an unknown
name.

Repairable oddities are reported as warnings derived from
:class:`MorphologyWarning` (a :class:`UserWarning`), so that they can be
filtered with :func:`warnings.filterwarnings`, e.g.::

    import warnings
    from morphologies.errors import NonStandardSomaWarning
    warnings.filterwarnings("ignore", category=NonStandardSomaWarning)
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Problem",
    "MorphologyError",
    "MorphologyFileError",
    "MorphologyNotFoundError",
    "UnsupportedFormatError",
    "EmptyFileError",
    "SWCSyntaxError",
    "SampleIdError",
    "MissingParentError",
    "CycleError",
    "DisconnectedTreeError",
    "SomaError",
    "DiameterError",
    "TypeCodeError",
    "MorphIOReadError",
    "BundledCellNotFoundError",
    "MorphologyKeyError",
    "UnitError",
    "ParameterError",
    "OutputFileError",
    "TOOLKIT_PACKAGES",
    "is_toolkit_error",
    "error_line",
    "DiscretisationError",
    "install_error_hook",
    "MorphologyWarning",
    "NonStandardSomaWarning",
    "MorphIOWarning",
    "GeometryWarning",
]


class MorphologyError(Exception):
    """Base class of every error raised by :mod:`morphologies`.

    Creating one while brian2 is imported makes sure :func:`install_error_hook`
    has run, so that it is reported as a user error, not as a brian2 bug.
    """

    def __init__(self, *args):
        super().__init__(*args)
        if "brian2" in sys.modules:
            install_error_hook()


class MorphologyFileError(MorphologyError, ValueError):
    """A morphology file is malformed or cannot be read.

    Parameters
    ----------
    what : str
        What is wrong, in one sentence.
    path : str or pathlib.Path, optional
        The file.
    line : int, optional
        1-based line number in the file (SWC and ASC files).
    sample_id : int, optional
        SWC sample id concerned.
    hint : str, optional
        How to fix the file.
    code : str, optional
        Short machine-readable code of the defect (defaults to the class'
        ``default_code``).

    Attributes
    ----------
    path, line, sample_id, hint, code, what
        As given.
    """

    default_code = "file"

    def __init__(self, what, *, path=None, line=None, sample_id=None, hint=None, code=None):
        self.what = what
        self.path = None if path is None else Path(path)
        self.line = None if line is None else int(line)
        self.sample_id = None if sample_id is None else int(sample_id)
        self.hint = hint
        self.code = code or self.default_code
        super().__init__(self._format())

    def _format(self):
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.sample_id is not None:
            where.append(f"sample id {self.sample_id}")
        text = (", ".join(where) + ": " if where else "") + self.what
        if self.hint:
            text += f" Fix: {self.hint}"
        return text

    def __reduce__(self):  # keep the keyword-only constructor picklable
        return (
            _rebuild_file_error,
            (type(self), self.what, self.path, self.line, self.sample_id, self.hint, self.code),
        )


def _rebuild_file_error(cls, what, path, line, sample_id, hint, code):
    return cls(what, path=path, line=line, sample_id=sample_id, hint=hint, code=code)


class MorphologyNotFoundError(MorphologyFileError, FileNotFoundError):
    """The morphology file (or bundled morphology name) does not exist."""

    default_code = "not_found"


class UnsupportedFormatError(MorphologyFileError):
    """The file extension is not one of ``.swc``, ``.asc``, ``.h5``."""

    default_code = "format"


class EmptyFileError(MorphologyFileError):
    """The file holds no sample (empty, or only comments and blank lines)."""

    default_code = "empty"


class SWCSyntaxError(MorphologyFileError):
    """An SWC data line does not have 7 finite numeric fields."""

    default_code = "syntax"


class SampleIdError(MorphologyFileError):
    """An SWC sample id is negative, not an integer, or repeated."""

    default_code = "sample_id"


class MissingParentError(MorphologyFileError):
    """An SWC sample refers to a parent id that no sample has."""

    default_code = "missing_parent"


class CycleError(MorphologyFileError):
    """The parent links of some SWC samples form a cycle (not a tree)."""

    default_code = "cycle"


class DisconnectedTreeError(MorphologyFileError):
    """The file holds several trees (several samples with parent -1)."""

    default_code = "several_trees"


class SomaError(MorphologyFileError):
    """The soma is missing, bifurcates, or is attached to a neurite."""

    default_code = "soma"


class DiameterError(MorphologyFileError):
    """A sample has a zero or negative diameter (radius)."""

    default_code = "diameter"


class TypeCodeError(MorphologyFileError):
    """A sample has a structure type code that is not supported."""

    default_code = "type_code"


class MorphIOReadError(MorphologyFileError):
    """MorphIO refused the file for a reason not caught by the pre-checks."""

    default_code = "morphio"


class MorphologyKeyError(MorphologyError, KeyError):
    """An unknown name: a neurite type, a compartment-table column, a bundled cell.

    ``str()`` gives the message itself (a plain :class:`KeyError` quotes it).
    """

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class BundledCellNotFoundError(MorphologyNotFoundError, MorphologyKeyError):
    """No bundled reconstruction has this name (a :class:`FileNotFoundError` and a :class:`KeyError`)."""

    default_code = "unknown_bundled_cell"

    def __str__(self):
        return self._format()


class UnitError(MorphologyError, ValueError):
    """A brian2 Quantity of the wrong dimension, or a non-numeric value where a number is expected.

    Raised by :func:`morphologies.units.to_plain`; the message names the argument,
    the value received and the unit expected.
    """


class ParameterError(MorphologyError, ValueError):
    """An argument is out of its valid range, has the wrong shape or contradicts another."""


class DiscretisationError(ParameterError):
    """A morphology cannot be discretised with the requested parameters.

    Bad parameter values (an unknown rule, a negative ``d_lambda``), a cell with
    zero-length sections, or a failed area/resistance fit.
    """


class OutputFileError(MorphologyError, OSError):
    """A file (e.g. an HTML view) cannot be written.

    Parameters
    ----------
    message : str
        What cannot be written, why, and how to fix it.
    errno : int, optional
        The operating system's error number.
    """

    def __init__(self, message, errno=None):
        super().__init__(message)
        self.errno = errno

    def __str__(self):
        return str(self.args[0])


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
    return any(getattr(cls, "__module__", "").split(".")[0] in packages
               for cls in getattr(exc_type, "__mro__", ()))


def error_line(exc):
    """One line describing an exception for a command line: its message and notes.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    str
        The message (an :class:`OSError` without a toolkit message as "reason:
        file"), followed by the exception's notes, on one line.
    """
    if isinstance(exc, OSError) and not is_toolkit_error(type(exc)) and exc.strerror:
        text = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(part.strip() for part in [text, *getattr(exc, "__notes__", [])])
    return " ".join(text.split())


def _is_brian2_hook(hook):
    return getattr(hook, "__module__", "") == "brian2.utils.logger"


# The same hook as stimuli.errors.install_error_hook, which network uses: the layering
# (morphologies imports no sibling package) is why this copy exists.  Both recognise
# brian2's handler and each other's wrapper, so whichever runs first installs it once.
def install_error_hook(packages=TOOLKIT_PACKAGES):
    """Let the toolkit's own exceptions bypass brian2's "unexpected error" handler.

    brian2 replaces :data:`sys.excepthook` when it is imported: every uncaught
    exception then ends in "Brian 2 encountered an unexpected error. If you think
    this is a bug in Brian 2..." and the debug log ``brian_debug_*.log`` and the
    script copy ``brian_script_*.py`` are kept in the temporary folder.  A
    toolkit error (a user's bad input) is not a brian2 bug.  If brian2's handler
    is the current hook, this wraps it: an exception whose class (or a base
    class) is defined in one of ``packages`` is printed by Python's default hook
    (the usual traceback), and brian2's temporary files are deleted at exit as
    after a successful run; every other exception still reaches brian2's
    handler.  Any other hook (brian2 not imported, a hook of your own, a wrapper
    already installed by this function or by another toolkit package) is left
    as it is.

    ``morphologies`` calls it whenever it imports brian2, and whenever one of
    its errors is created while brian2 is imported.

    Parameters
    ----------
    packages : tuple of str, optional
        Top-level package names whose exceptions are printed normally
        (default: ``stimuli``, ``morphologies``, ``network``, ``dendrites``).

    Returns
    -------
    callable
        The hook now in :data:`sys.excepthook`.
    """
    current = sys.excepthook
    if not _is_brian2_hook(current):
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


class MorphologyWarning(UserWarning):
    """Base class of the warnings about repairable oddities of a morphology."""


class NonStandardSomaWarning(MorphologyWarning):
    """A three-point soma is not in NeuroMorpho.Org's standard form (beyond 1 %).

    It is still read as NeuroMorpho's three-point soma: two cylinders of the
    first sample's radius r from sample 1 to samples 2 and 3 (radii that differ
    are replaced by r), whose lateral area is the soma's membrane area.  The
    message gives the offsets, the radii, and the area this makes beside the
    sphere's ``4 pi r**2``.  :func:`morphologies.load` emits it once per file and
    process.
    """


class MorphIOWarning(MorphologyWarning):
    """Any other warning emitted by MorphIO while reading a file."""


class GeometryWarning(MorphologyWarning):
    """A geometric oddity found by NeuroM's checks (jumps, fat ends, ...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a morphology file.

    Attributes
    ----------
    kind : type
        The :class:`MorphologyFileError` subclass (for an error) or
        :class:`MorphologyWarning` subclass (for a warning) that reports it.
    what : str
        What is wrong.
    path : pathlib.Path or None
        The file.
    line : int or None
        1-based line number.
    sample_id : int or None
        SWC sample id.
    hint : str or None
        How to fix it.
    code : str or None
        Machine-readable code (defaults to the error class' ``default_code``).
    """

    kind: type
    what: str
    path: Path | None = None
    line: int | None = None
    sample_id: int | None = None
    hint: str | None = None
    code: str | None = None

    @property
    def is_error(self):
        """bool: True for an error, False for a warning."""
        return issubclass(self.kind, MorphologyFileError)

    @property
    def severity(self):
        """str: ``"error"`` or ``"warning"``."""
        return "error" if self.is_error else "warning"

    def exception(self):
        """Return the exception (or warning instance) describing this problem."""
        if self.is_error:
            return self.kind(
                self.what, path=self.path, line=self.line, sample_id=self.sample_id,
                hint=self.hint, code=self.code,
            )
        return self.kind(str(self))

    def warn(self, stacklevel=3):
        """Emit this problem as a warning of class :attr:`kind`."""
        warnings.warn(str(self), self.kind, stacklevel=stacklevel)

    def __str__(self):
        if self.is_error:
            return str(self.exception())
        where = [str(self.path)] if self.path is not None else []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.sample_id is not None:
            where.append(f"sample id {self.sample_id}")
        text = (", ".join(where) + ": " if where else "") + self.what
        return text + (f" Fix: {self.hint}" if self.hint else "")
