"""brian2 SpatialNeuron models built from ``morphologies``: membrane mechanisms,
synapses (AMPA, NMDA, GABA), synapse placement and synaptic-location experiments.

This package is the top of the dependency stack (it may import ``stimuli``,
``morphologies`` and ``network``); the toolkit's console command ``nnd`` lives here
for that reason (:mod:`dendrites.cli`).

The models themselves come with a later issue; for now the package holds the
command line.
"""

from .cli import main

__all__ = ["main"]
