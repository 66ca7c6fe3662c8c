"""Real reconstructions shipped in ``morphologies/data/`` (see its README.md)."""

from __future__ import annotations

from pathlib import Path

from .errors import MorphologyNotFoundError
from .loading import load

__all__ = ["list_bundled", "bundled_path", "load_bundled", "DATA_DIR"]

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
    morphologies.errors.MorphologyNotFoundError
        If there is no such bundled reconstruction.
    """
    files = _files()
    if name in files:
        return files[name]
    for path in files.values():
        if name in (path.name, path.name.split(".")[0]):
            return path
    raise MorphologyNotFoundError(
        f"no bundled morphology {name!r}.", path=DATA_DIR,
        hint=f"use one of {sorted(files)}.")


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
    """
    return load(bundled_path(name), **kwargs)
