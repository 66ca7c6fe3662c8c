"""Neuron reconstructions: loading, checking, morphometry, discretisation, 3D views.

Read SWC / Neurolucida ASC / H5 files with MorphIO (:func:`load`, :func:`check`),
measure them with NeuroM (:func:`morphometrics`), discretise them into brian2
morphologies with a compartment table (:func:`discretise`), build synthetic or
bundled cells, and draw them with plotly (:func:`plot_morphology`).

Conventions (details in :mod:`morphologies.cell`): lengths in um; distance to
the soma is the path length from where the neurite leaves the soma; the soma is
one sphere of NeuroM's soma area.  Physical arguments are brian2 Quantities or
plain numbers in their documented unit (:mod:`morphologies.units`).  Errors derive
from :class:`~morphologies.errors.MorphologyError` (a Quantity of the wrong
dimension is a :class:`~morphologies.errors.UnitError`, a value out of range a
:class:`~morphologies.errors.ParameterError`, both ValueErrors), warnings from
:class:`~morphologies.errors.MorphologyWarning`.  A bundled cell's name
(``"L5pyr"``) is accepted wherever a file is.

Names are imported on first use, so that ``import morphologies`` (and the
command line) does not import brian2 or plotly until needed.
"""

from importlib import import_module

__all__ = [
    "load", "check", "Cell",
    "list_bundled", "load_bundled",
    "morphometrics",
    "discretise", "Discretisation", "CompartmentTable",
    "ball_and_stick", "soma_with_cylinders", "rall_tree", "y_branch",
    "plot_morphology", "animate_morphology", "save_html",
    "MorphologyError", "UnitError", "ParameterError", "MorphologyWarning",
]

_WHERE = {
    "load": "loading", "check": "loading", "Cell": "cell",
    "list_bundled": "bundled", "load_bundled": "bundled",
    "morphometrics": "morphometry",
    "discretise": "discretisation", "Discretisation": "discretisation",
    "CompartmentTable": "compartments",
    "ball_and_stick": "synthetic", "soma_with_cylinders": "synthetic",
    "rall_tree": "synthetic", "y_branch": "synthetic",
    "plot_morphology": "view", "animate_morphology": "view", "save_html": "view",
    "MorphologyError": "errors", "UnitError": "errors", "ParameterError": "errors",
    "MorphologyWarning": "errors",
}


def __getattr__(name):
    if name in _WHERE:
        value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
