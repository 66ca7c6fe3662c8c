"""Membrane mechanisms for ``SpatialNeuron`` models, and their composition.

Each mechanism is brian2 equation text that defines a current density
``I_<name>`` (amp/meter**2, positive inward, the sign of brian2's ``Im``), its states
and auxiliaries suffixed ``_<name>``, and its parameters declared as plain
per-compartment variables, so new values never recompile. :func:`compose` joins
mechanisms into a :class:`Membrane` with the shared ion bookkeeping (reversal
potentials, calcium current and concentration, temperature).

Library
-------
``leak``
    Passive leak (NEURON's ``pas``).
``hh``
    Hodgkin and Huxley (1952), exactly NEURON's built-in ``hh``.
``traub``
    Traub and Miles (1991) Na/K with threshold shift VT, the original project's HH.
``NaTa_t``, ``NaTs2_t``, ``Nap_Et2``, ``SKv3_1``, ``K_Pst``, ``K_Tst``, ``Im``, ``Ih``, ``Ca_HVA``, ``Ca_LVAst``, ``SK_E2``, ``CaDynamics_E2``
    The channels and calcium dynamics of Hay et al. (2011), ModelDB 139653
    (:data:`HAY2011`; :mod:`dendrites.mechanisms.hay2011`).
``kap``, ``kad``
    Proximal and distal A-type K currents of Migliore et al. (1999)
    (:mod:`dendrites.mechanisms.migliore1999`).

Writing a mechanism
-------------------
A user writes a mechanism exactly the way the library does. NEURON's ``hh`` is::

    hh = Mechanism(
        "hh",
        '''
        I_hh = gnabar_hh*m_hh**3*h_hh*(E_Na - v) + gkbar_hh*n_hh**4*(E_K - v) + gl_hh*(el_hh - v) : amp/meter**2
        dm_hh/dt = q10_hh*(alpha_m_hh - m_hh*(alpha_m_hh + beta_m_hh)) : 1
        ...                                  (h_hh, n_hh likewise)
        alpha_m_hh = 1/exprel(clip(-(v/mV + 40)/10, -500, 500))/ms : Hz
        ...                                  (the other five rates)
        q10_hh = 3**((celsius - 6.3)/10) : 1
        gnabar_hh : siemens/meter**2
        gkbar_hh : siemens/meter**2
        gl_hh : siemens/meter**2
        el_hh : volt
        ''',
        parameters={"gnabar_hh": 0.12*siemens/cm**2, "gkbar_hh": 0.036*siemens/cm**2,
                    "gl_hh": 0.0003*siemens/cm**2, "el_hh": -54.3*mV,
                    "E_Na": 50*mV, "E_K": -77*mV, "celsius": 6.3},
        initial={"m_hh": "alpha_m_hh/(alpha_m_hh + beta_m_hh)", ...},
        reference="Hodgkin and Huxley (1952) J Physiol 117:500", description="...",
        ions=("na", "k"))

Rules: (1) the current density is ``I_<name>``, inward positive; (2) everything the
mechanism defines ends with ``_<name>``; (3) numbers the user may change are
declared parameters with a default in ``parameters``; (4) the shared names ``v``,
``E_Na``, ``E_K``, ``E_Ca``, ``cai``, ``cao``, ``I_Ca``, ``celsius`` are read without
being declared (``compose`` declares them), and the mechanism's source values of the
ones it reads go into ``parameters``; (5) ``initial`` gives each state's steady state
at the current ``v``; (6) ``ions`` names the ion carrying the current (``"ca"``
makes it part of ``I_Ca``); (7) a rate with a removable singularity is written
``k/exprel(clip(x, -500, 500))`` (sympy would expand ``exprel`` of an argument with
a numeric offset into 0/0 at the singular potential; :class:`Mechanism` refuses
it); (8) every state equation must be linear in its own state, as brian2's
exponential Euler requires (:meth:`Mechanism.check`).

Using a membrane in a SpatialNeuron::

    membrane = compose([leak, hh])
    eqs = membrane.equations + f"Im = {membrane.currents} : amp/meter**2\\n"
    neuron = SpatialNeuron(morpho, eqs, Cm=1*uF/cm**2, Ri=100*ohm*cm,
                           method="exponential_euler")
    for name, value in membrane.parameters.items():
        setattr(neuron, name, value)
    neuron.v = -65*mV
    for state, expression in membrane.initial.items():
        setattr(neuron, state, expression)
"""

from .core import SHARED_NAMES, Mechanism, Membrane, compose, lookup_mechanism, plain_unit
from .passive import leak
from .hodgkin_huxley import hh, traub
from .hay2011 import (HAY2011, NaTa_t, NaTs2_t, Nap_Et2, SKv3_1, K_Pst, K_Tst, Im, Ih, Ca_HVA,
                      Ca_LVAst, SK_E2, CaDynamics_E2)
from .migliore1999 import kap, kad

#: Every library mechanism by name.
LIBRARY = {m.name: m for m in (leak, hh, traub, *HAY2011.values(), kap, kad)}


def get_mechanism(name):
    """Return the library mechanism called ``name``.

    Parameters
    ----------
    name : str
        One of :data:`LIBRARY`'s keys (e.g. ``"hh"``, ``"NaTa_t"``).

    Returns
    -------
    Mechanism

    Raises
    ------
    MechanismKeyError
        Unknown name (the message lists the library and close matches).
    """
    return lookup_mechanism(LIBRARY, name)


__all__ = ["Mechanism", "Membrane", "compose", "get_mechanism", "LIBRARY", "HAY2011",
           "SHARED_NAMES", "plain_unit", "leak", "hh", "traub", "NaTa_t", "NaTs2_t", "Nap_Et2",
           "SKv3_1", "K_Pst", "K_Tst", "Im", "Ih", "Ca_HVA", "Ca_LVAst", "SK_E2", "CaDynamics_E2",
           "kap", "kad"]
