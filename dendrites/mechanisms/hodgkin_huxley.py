"""Hodgkin-Huxley type Na/K spike mechanisms.

``hh``
    Hodgkin and Huxley (1952) squid-axon Na, K and leak currents exactly as
    NEURON's built-in ``hh`` mechanism (``src/nrnoc/hh.mod``)::

        I_hh = gnabar*m^3*h*(E_Na - v) + gkbar*n^4*(E_K - v) + gl*(el - v)
        dx/dt = q10*(alpha_x - x*(alpha_x + beta_x)),  x in {m, h, n}
        q10 = 3^((celsius - 6.3)/10)
        alpha_m = 0.1*(V + 40)/(1 - exp(-(V + 40)/10))   beta_m = 4*exp(-(V + 65)/18)
        alpha_h = 0.07*exp(-(V + 65)/20)                 beta_h = 1/(1 + exp(-(V + 35)/10))
        alpha_n = 0.01*(V + 55)/(1 - exp(-(V + 55)/10))  beta_n = 0.125*exp(-(V + 65)/80)

    (V in mV, rates in 1/ms). The removable singularities of alpha_m at -40 mV
    and alpha_n at -55 mV are evaluated through brian2's ``exprel``
    (``x/(exp(x) - 1) = 1/exprel(x)``, argument wrapped in ``clip(x, -500, 500)``
    so that sympy keeps ``exprel`` in the state update, see
    :meth:`~dendrites.mechanisms.Mechanism.check`), which is exact at and near the
    limit (NEURON's ``vtrap`` uses a first-order expansion there).

``traub``
    The Traub and Miles (1991) Na/K spike currents in the form of Destexhe and
    Paré (1999) used by the original project (``nrn/active_mechanisms.py``,
    ``HodgkinHuxleyCurrent``), with the threshold shift ``VT``::

        I_traub = gNabar*m^3*h*(E_Na - v) + gKbar*n^4*(E_K - v)
        u = V - VT
        alpha_m = 0.32*(13 - u)/(exp((13 - u)/4) - 1)    beta_m = 0.28*(u - 40)/(exp((u - 40)/5) - 1)
        alpha_h = 0.128*exp((17 - u)/18)                 beta_h = 4/(1 + exp((40 - u)/5))
        alpha_n = 0.032*(15 - u)/(exp((15 - u)/5) - 1)   beta_n = 0.5*exp((10 - u)/40)
        dx/dt = tadj*(alpha_x*(1 - x) - beta_x*x),  tadj = 3^((celsius - 36)/10)

    Defaults: VT = -52 mV, E_Na = 50 mV, E_K = -100 mV, celsius = 34 (the
    original's fixed tadj = 3^((34 - 36)/10)).
"""

from brian2 import mV, siemens, cm

from .core import Mechanism

__all__ = ["hh", "traub"]

hh = Mechanism(
    "hh",
    """
    I_hh = gnabar_hh*m_hh**3*h_hh*(E_Na - v) + gkbar_hh*n_hh**4*(E_K - v) + gl_hh*(el_hh - v) : amp/meter**2
    dm_hh/dt = q10_hh*(alpha_m_hh - m_hh*(alpha_m_hh + beta_m_hh)) : 1
    dh_hh/dt = q10_hh*(alpha_h_hh - h_hh*(alpha_h_hh + beta_h_hh)) : 1
    dn_hh/dt = q10_hh*(alpha_n_hh - n_hh*(alpha_n_hh + beta_n_hh)) : 1
    alpha_m_hh = 1/exprel(clip(-(v/mV + 40)/10, -500, 500))/ms : Hz
    beta_m_hh = 4*exp(-(v/mV + 65)/18)/ms : Hz
    alpha_h_hh = 0.07*exp(-(v/mV + 65)/20)/ms : Hz
    beta_h_hh = 1/(1 + exp(-(v/mV + 35)/10))/ms : Hz
    alpha_n_hh = 0.1/exprel(clip(-(v/mV + 55)/10, -500, 500))/ms : Hz
    beta_n_hh = 0.125*exp(-(v/mV + 65)/80)/ms : Hz
    q10_hh = 3**((celsius - 6.3)/10) : 1
    gnabar_hh : siemens/meter**2
    gkbar_hh : siemens/meter**2
    gl_hh : siemens/meter**2
    el_hh : volt
    """,
    parameters={
        "gnabar_hh": 0.12 * siemens / cm ** 2,
        "gkbar_hh": 0.036 * siemens / cm ** 2,
        "gl_hh": 0.0003 * siemens / cm ** 2,
        "el_hh": -54.3 * mV,
        "E_Na": 50 * mV,
        "E_K": -77 * mV,
        "celsius": 6.3,
    },
    initial={
        "m_hh": "alpha_m_hh/(alpha_m_hh + beta_m_hh)",
        "h_hh": "alpha_h_hh/(alpha_h_hh + beta_h_hh)",
        "n_hh": "alpha_n_hh/(alpha_n_hh + beta_n_hh)",
    },
    reference=("Hodgkin AL, Huxley AF (1952) J Physiol 117:500-544; as NEURON's built-in hh "
               "mechanism (hh.mod), rates for the modern sign convention (rest near -65 mV)."),
    description=("Hodgkin-Huxley Na (m^3 h), K (n^4) and leak currents of the squid giant axon, "
                 "rates scaled by q10 = 3^((celsius - 6.3)/10)."),
    ions=("na", "k"),
)

traub = Mechanism(
    "traub",
    """
    I_traub = gNabar_traub*m_traub**3*h_traub*(E_Na - v) + gKbar_traub*n_traub**4*(E_K - v) : amp/meter**2
    dm_traub/dt = tadj_traub*(alpha_m_traub*(1 - m_traub) - beta_m_traub*m_traub) : 1
    dh_traub/dt = tadj_traub*(alpha_h_traub*(1 - h_traub) - beta_h_traub*h_traub) : 1
    dn_traub/dt = tadj_traub*(alpha_n_traub*(1 - n_traub) - beta_n_traub*n_traub) : 1
    u_traub = (v - VT_traub)/mV : 1
    alpha_m_traub = 1.28/exprel(clip((13 - u_traub)/4, -500, 500))/ms : Hz
    beta_m_traub = 1.4/exprel(clip((u_traub - 40)/5, -500, 500))/ms : Hz
    alpha_h_traub = 0.128*exp((17 - u_traub)/18)/ms : Hz
    beta_h_traub = 4/(1 + exp((40 - u_traub)/5))/ms : Hz
    alpha_n_traub = 0.16/exprel(clip((15 - u_traub)/5, -500, 500))/ms : Hz
    beta_n_traub = 0.5*exp((10 - u_traub)/40)/ms : Hz
    tadj_traub = 3**((celsius - 36)/10) : 1
    gNabar_traub : siemens/meter**2
    gKbar_traub : siemens/meter**2
    VT_traub : volt
    """,
    parameters={
        "gNabar_traub": 0.05 * siemens / cm ** 2,
        "gKbar_traub": 0.005 * siemens / cm ** 2,
        "VT_traub": -52 * mV,
        "E_Na": 50 * mV,
        "E_K": -100 * mV,
        "celsius": 34.0,
    },
    initial={
        "m_traub": "alpha_m_traub/(alpha_m_traub + beta_m_traub)",
        "h_traub": "alpha_h_traub/(alpha_h_traub + beta_h_traub)",
        "n_traub": "alpha_n_traub/(alpha_n_traub + beta_n_traub)",
    },
    reference=("Traub RD, Miles R (1991) Neuronal Networks of the Hippocampus, Cambridge UP; "
               "Destexhe A, Pare D (1999) J Neurophysiol 81:1531-1547; as the original "
               "project's HodgkinHuxleyCurrent (yzerlaut/neural_network_dynamics, "
               "nrn/active_mechanisms.py: VT -52 mV, E_Na 50 mV, E_K -100 mV)."),
    description=("Traub-style spike Na (m^3 h) and K (n^4) currents with threshold shift VT, "
                 "rates scaled by tadj = 3^((celsius - 36)/10). Default densities "
                 "(0.05 / 0.005 S/cm2) are those of brian2's COBAHH example; the original "
                 "project set them per region (e.g. 1500/200 pS/um2 at the soma)."),
    ions=("na", "k"),
)
