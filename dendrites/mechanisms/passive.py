"""The passive leak current.

``leak``: :math:`I_{leak} = g_{leak}\\,(E_{leak} - v)`, NEURON's ``pas``
mechanism (defaults ``g_pas = 0.001 S/cm2``, ``e_pas = -70 mV``).
"""

from brian2 import mV, siemens, cm

from .core import Mechanism

__all__ = ["leak"]

leak = Mechanism(
    "leak",
    """
    I_leak = g_leak*(E_leak - v) : amp/meter**2
    g_leak : siemens/meter**2
    E_leak : volt
    """,
    parameters={"g_leak": 0.001 * siemens / cm ** 2, "E_leak": -70 * mV},
    initial={},
    reference="NEURON's built-in passive mechanism 'pas' (Hines and Carnevale 1997).",
    description=("Passive leak: I_leak = g_leak*(E_leak - v), g_leak in S/m2 (default "
                 "0.001 S/cm2 = 1 mS/cm2), E_leak in V (default -70 mV), as NEURON's pas."),
)
