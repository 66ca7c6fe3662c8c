"""Synaptic-location experiments on a :class:`~dendrites.model.CellModel`.

* :func:`epsp_map`: the EPSP of one synapse at every site (reciprocity kernel
  for passive cells, direct simulation for active cells and NMDA);
* :func:`sequence_experiment`, :func:`rall_sequence`: sequence direction (Rall
  1964; Branco, Clark and Hausser 2010);
* :func:`clustering_experiment`: clustered versus distributed summation
  (Polsky, Mel and Schiller 2004).

Each returns a table (pandas DataFrame), draws its figure and saves through the
shared HDF5 format.  Names are imported on first use.
"""

from importlib import import_module

# The submodule ``epsp_map`` shares its name with its main function: import it now (it
# imports neither brian2 nor pandas at module level), so that the package attribute is the
# function whatever imports the submodule later.
from .epsp_map import (EpspMap, direct_epsp, epsp_map, local_kernels,  # noqa: E402
                       somatic_transfer_kernels)

__all__ = ["epsp_map", "EpspMap", "direct_epsp", "somatic_transfer_kernels", "local_kernels",
           "sequence_experiment", "SequenceResult", "rall_sequence", "branco_dendrite",
           "clustering_experiment", "ClusteringResult"]

_WHERE = {"epsp_map": "epsp_map", "EpspMap": "epsp_map", "direct_epsp": "epsp_map",
          "somatic_transfer_kernels": "epsp_map", "local_kernels": "epsp_map",
          "sequence_experiment": "sequence", "SequenceResult": "sequence",
          "rall_sequence": "sequence", "branco_dendrite": "sequence",
          "clustering_experiment": "clustering", "ClusteringResult": "clustering"}


def __getattr__(name):
    if name in _WHERE:
        module = import_module(f"{__name__}.{_WHERE[name]}")
        # the submodule epsp_map shares its name with its function: bind every name of the
        # module now, so that the function (not the module) is the package attribute
        for other, where in _WHERE.items():
            if where == _WHERE[name]:
                globals()[other] = getattr(module, other)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
