"""Real reconstructions shipped in ``morphologies/data/`` (see its README.md).

A bundled cell's name (``"L5pyr"``) is accepted wherever a morphology file is:
:func:`morphologies.load`, :func:`morphologies.check` and ``nnd check|info|view``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .errors import BundledCellNotFoundError

__all__ = ["list_bundled", "bundled_path", "find_bundled", "similar_bundled", "load_bundled", "DATA_DIR"]

#: Folder of the bundled files.
DATA_DIR = Path(__file__).resolve().parent / "data"


def _files():
    return {path.name.split("-")[0]: path for path in sorted(DATA_DIR.glob("*.swc"))}


def list_bundled():
    """Return the names of the bundled reconstructions (e.g. ``"L5pyr"``).

    Returns
    -------
    list of str
    """
    return sorted(_files())


def find_bundled(name):
    """Return the file of the bundled reconstruction called ``name``, or None.

    Parameters
    ----------
    name : str or os.PathLike
        A name of :func:`list_bundled` (``"L5pyr"``), or the file name with or
        without its extensions (``"L5pyr-j140408b.CNG.swc"``).  Anything with a
        folder in it is not a bundled name.

    Returns
    -------
    pathlib.Path or None
    """
    text = str(name)
    if not text or Path(text).name != text:
        return None
    files = _files()
    if text in files:
        return files[text]
    for path in files.values():
        if text in (path.name, path.name.split(".")[0]):
            return path
    return None


def similar_bundled(name):
    """Return the bundled names that look like ``name`` (a misspelling), closest first.

    Parameters
    ----------
    name : str or os.PathLike
        A name that is not a bundled cell (e.g. ``"L5pyrr"``).  Only a bare name
        (no folder) is compared, without its extensions; case is ignored.

    Returns
    -------
    list of str
        Names of :func:`list_bundled` (possibly empty).
    """
    text = str(name)
    if not text or Path(text).name != text:
        return []
    stem = text.split(".")[0].lower()
    names = list_bundled()
    by_lower = {n.lower(): n for n in names}
    return [by_lower[n] for n in difflib.get_close_matches(stem, list(by_lower), n=3, cutoff=0.6)]


def _suggestion(name):
    """``"did you mean 'L5pyr'? "`` (the closest name) for a misspelt bundled name, else ``""``."""
    close = similar_bundled(name)
    return f"did you mean {close[0]!r}? " if close else ""


def bundled_path(name):
    """Return the file of a bundled reconstruction.

    Parameters
    ----------
    name : str
        A name of :func:`list_bundled` or the file name.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    morphologies.errors.BundledCellNotFoundError
        If there is no such bundled reconstruction (a :class:`KeyError` and a
        :class:`FileNotFoundError`).
    """
    path = find_bundled(name)
    if path is None:
        raise BundledCellNotFoundError(
            f"no bundled morphology {name!r}.", path=DATA_DIR,
            hint=f"{_suggestion(name)}use one of {list_bundled()}.")
    return path


def load_bundled(name, **kwargs):
    """Load a bundled reconstruction by name.

    Parameters
    ----------
    name : str
        A name of :func:`list_bundled` (``"L5pyr"``, ``"L23pyr"``, ``"L23BC"``,
        ``"L23BPC"``) or its file name.
    **kwargs
        Passed to :func:`morphologies.load` (e.g. ``remove_axon=True``).

    Returns
    -------
    Cell

    Raises
    ------
    morphologies.errors.BundledCellNotFoundError
        If there is no such bundled reconstruction.
    """
    from .loading import load

    return load(bundled_path(name), **kwargs)
