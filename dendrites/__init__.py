"""brian2 SpatialNeuron models built from ``morphologies``: membrane mechanisms,
synapses (AMPA, NMDA, GABA), synapse placement, recording and views.

This package is the top of the dependency stack (it may import ``stimuli``,
``morphologies`` and ``network``); the toolkit's console command ``nnd`` lives here
for that reason (:mod:`dendrites.cli`).

Main entry points: :class:`CellModel` (the cell), the placement functions
(:func:`place`, :func:`place_clustered`, :func:`place_distributed`,
:func:`place_at`, all returning a :class:`SiteTable`), :class:`PassiveSystem`
(the exact linear passive model) and the mechanisms of
:mod:`dendrites.mechanisms`; the synaptic-location experiments
(:func:`epsp_map`, :func:`sequence_experiment`, :func:`clustering_experiment`) of
:mod:`dendrites.experiments`.  Names are imported on first use so that the
command line starts without importing brian2.
"""

from importlib import import_module

from .cli import main

__all__ = ["main", "CellModel", "load_discretisation", "Results", "load_results",
           "SiteTable", "place", "place_clustered", "place_distributed", "place_at",
           "PassiveSystem", "passive_properties", "Mechanism", "Membrane", "compose",
           "get_mechanism", "DendriteError",
           "epsp_map", "sequence_experiment", "clustering_experiment"]

_WHERE = {
    "CellModel": "model", "load_discretisation": "model",
    "Results": "recording", "load_results": "recording",
    "SiteTable": "placement", "place": "placement", "place_clustered": "placement",
    "place_distributed": "placement", "place_at": "placement",
    "PassiveSystem": "passive", "passive_properties": "properties",
    "Mechanism": "mechanisms", "Membrane": "mechanisms", "compose": "mechanisms",
    "get_mechanism": "mechanisms", "DendriteError": "errors",
    "epsp_map": "experiments", "sequence_experiment": "experiments",
    "clustering_experiment": "experiments",
}


def __getattr__(name):
    if name in _WHERE:
        value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
