"""The channel set of the Hay et al. (2011) layer 5 pyramidal cell model.

Hay E, Hill S, Schürmann F, Markram H, Segev I (2011) Models of neocortical layer 5b
pyramidal cells capturing a wide range of dendritic and perisomatic active
properties. PLoS Comput Biol 7:e1002107. ModelDB accession 139653 (``mod/*.mod``);
the same mechanisms are Arbor's ``bbp_catalogue``, against which they are tested.

Units below: V is ``v`` in mV, rates in 1/ms, time constants in ms. Every gating
variable x obeys either ``dx/dt = qt*(alpha - x*(alpha + beta))`` or
``dx/dt = qt*(x_inf - x)/tau``. The temperature factor of the sources is fixed,
``qt = 2.3^((34 - 21)/10) = 2.948``: the rates were measured at 21 degC and
corrected to the model's 34 degC once and for all, so these mechanisms do NOT read
``celsius`` (Ca_HVA, SKv3_1, Ih and SK_E2 have no temperature factor at all).
The published -10 mV junction-potential shifts (K_Pst, K_Tst, Ca_LVAst) and the 6 mV
shift of NaTs2_t relative to NaTa_t are part of the constants below, as in the mod
files.

Removable singularities (``x/(1 - exp(-x/k))`` at x = 0, which the mod files guard
with ``if (v == -38) {v = v + 0.0001}`` and the like) are written with brian2's
``exprel`` (``x/(exp(x) - 1) = 1/exprel(x)``), which is exact at the limit and
changes no value elsewhere. The argument is wrapped in ``clip(x, -500, 500)`` (no
effect for |V| below ~2 V) because sympy otherwise rewrites ``exprel(a + b*v)``
with a numeric ``a`` into ``(exp(a + b*v) - 1)/(a + b*v)`` inside the
exponential-Euler update, which is 0/0 at the singular potential; see
:meth:`~dendrites.mechanisms.Mechanism.check`.

Default densities are the mod files' defaults (1e-5 S/cm2; SK_E2 1e-6 S/cm2);
set the published per-region values on the neuron (e.g. soma of Hay's cell 1:
NaTs2_t 0.983955, SKv3_1 0.303472, SK_E2 0.0441, Ca_HVA 0.000994, Ca_LVAst
0.000333 S/cm2, CaDynamics_E2 gamma 0.000609, decay 210.485 ms). Reversal
potentials of the model: E_Na = 50 mV, E_K = -85 mV, ehcn = -45 mV; E_Ca is the
Nernst potential of cai (CaDynamics_E2) against cao = 2 mM at 34 degC.
"""

from brian2 import mV, ms, mM, um, siemens, cm

from .core import Mechanism

__all__ = ["NaTa_t", "NaTs2_t", "Nap_Et2", "SKv3_1", "K_Pst", "K_Tst", "Im", "Ih", "Ca_HVA",
           "Ca_LVAst", "SK_E2", "CaDynamics_E2", "HAY2011"]

_REF = ("Hay E, Hill S, Schürmann F, Markram H, Segev I (2011) PLoS Comput Biol 7:e1002107, "
        "ModelDB 139653, mod/{}.mod")
_QT = "2.3**((34 - 21)/10)"
_NA = {"E_Na": 50 * mV}
_K = {"E_K": -85 * mV}
_CA = {"celsius": 34.0, "cao": 2.0 * mM}


def _gbar(name, value=1e-5):
    return {f"gbar_{name}": value * siemens / cm ** 2}


NaTa_t = Mechanism(
    "NaTa_t",
    f"""
    I_NaTa_t = gbar_NaTa_t*m_NaTa_t**3*h_NaTa_t*(E_Na - v) : amp/meter**2
    dm_NaTa_t/dt = qt_NaTa_t*(alpha_m_NaTa_t - m_NaTa_t*(alpha_m_NaTa_t + beta_m_NaTa_t)) : 1
    dh_NaTa_t/dt = qt_NaTa_t*(alpha_h_NaTa_t - h_NaTa_t*(alpha_h_NaTa_t + beta_h_NaTa_t)) : 1
    alpha_m_NaTa_t = 0.182*6/exprel(clip(-(v/mV + 38)/6, -500, 500))/ms : Hz
    beta_m_NaTa_t = 0.124*6/exprel(clip((v/mV + 38)/6, -500, 500))/ms : Hz
    alpha_h_NaTa_t = 0.015*6/exprel(clip((v/mV + 66)/6, -500, 500))/ms : Hz
    beta_h_NaTa_t = 0.015*6/exprel(clip(-(v/mV + 66)/6, -500, 500))/ms : Hz
    qt_NaTa_t = {_QT} : 1
    gbar_NaTa_t : siemens/meter**2
    """,
    parameters={**_gbar("NaTa_t"), **_NA},
    initial={"m_NaTa_t": "alpha_m_NaTa_t/(alpha_m_NaTa_t + beta_m_NaTa_t)",
             "h_NaTa_t": "alpha_h_NaTa_t/(alpha_h_NaTa_t + beta_h_NaTa_t)"},
    reference=_REF.format("NaTa_t") + "; kinetics of Colbert and Pan (2002) Nat Neurosci 5:533.",
    description=("Fast inactivating (transient) Na current, m^3 h: alpha_m = 0.182(V+38)/(1 - "
                 "exp(-(V+38)/6)), beta_m = 0.124(-V-38)/(1 - exp((V+38)/6)), alpha_h = "
                 "-0.015(V+66)/(1 - exp((V+66)/6)), beta_h = -0.015(-V-66)/(1 - exp(-(V+66)/6)), "
                 "qt = 2.3^((34-21)/10). Axonal (AIS) Na channel of the Hay model."),
    ions=("na",),
)

NaTs2_t = Mechanism(
    "NaTs2_t",
    f"""
    I_NaTs2_t = gbar_NaTs2_t*m_NaTs2_t**3*h_NaTs2_t*(E_Na - v) : amp/meter**2
    dm_NaTs2_t/dt = qt_NaTs2_t*(alpha_m_NaTs2_t - m_NaTs2_t*(alpha_m_NaTs2_t + beta_m_NaTs2_t)) : 1
    dh_NaTs2_t/dt = qt_NaTs2_t*(alpha_h_NaTs2_t - h_NaTs2_t*(alpha_h_NaTs2_t + beta_h_NaTs2_t)) : 1
    alpha_m_NaTs2_t = 0.182*6/exprel(clip(-(v/mV + 32)/6, -500, 500))/ms : Hz
    beta_m_NaTs2_t = 0.124*6/exprel(clip((v/mV + 32)/6, -500, 500))/ms : Hz
    alpha_h_NaTs2_t = 0.015*6/exprel(clip((v/mV + 60)/6, -500, 500))/ms : Hz
    beta_h_NaTs2_t = 0.015*6/exprel(clip(-(v/mV + 60)/6, -500, 500))/ms : Hz
    qt_NaTs2_t = {_QT} : 1
    gbar_NaTs2_t : siemens/meter**2
    """,
    parameters={**_gbar("NaTs2_t"), **_NA},
    initial={"m_NaTs2_t": "alpha_m_NaTs2_t/(alpha_m_NaTs2_t + beta_m_NaTs2_t)",
             "h_NaTs2_t": "alpha_h_NaTs2_t/(alpha_h_NaTs2_t + beta_h_NaTs2_t)"},
    reference=_REF.format("NaTs2_t") + "; Colbert and Pan (2002).",
    description=("Somatic/dendritic transient Na current, m^3 h: NaTa_t with activation and "
                 "inactivation shifted by +6 mV (half points -32 and -60 mV), qt = 2.3^((34-21)/10)."),
    ions=("na",),
)

Nap_Et2 = Mechanism(
    "Nap_Et2",
    f"""
    I_Nap_Et2 = gbar_Nap_Et2*m_Nap_Et2**3*h_Nap_Et2*(E_Na - v) : amp/meter**2
    dm_Nap_Et2/dt = qt_Nap_Et2*(m_inf_Nap_Et2 - m_Nap_Et2)*(alpha_m_Nap_Et2 + beta_m_Nap_Et2)/6 : 1
    dh_Nap_Et2/dt = qt_Nap_Et2*(h_inf_Nap_Et2 - h_Nap_Et2)*(alpha_h_Nap_Et2 + beta_h_Nap_Et2) : 1
    m_inf_Nap_Et2 = 1/(1 + exp(-(v/mV + 52.6)/4.6)) : 1
    h_inf_Nap_Et2 = 1/(1 + exp((v/mV + 48.8)/10)) : 1
    alpha_m_Nap_Et2 = 0.182*6/exprel(clip(-(v/mV + 38)/6, -500, 500))/ms : Hz
    beta_m_Nap_Et2 = 0.124*6/exprel(clip((v/mV + 38)/6, -500, 500))/ms : Hz
    alpha_h_Nap_Et2 = 2.88e-6*4.63/exprel(clip((v/mV + 17)/4.63, -500, 500))/ms : Hz
    beta_h_Nap_Et2 = 6.94e-6*2.63/exprel(clip(-(v/mV + 64.4)/2.63, -500, 500))/ms : Hz
    qt_Nap_Et2 = {_QT} : 1
    gbar_Nap_Et2 : siemens/meter**2
    """,
    parameters={**_gbar("Nap_Et2"), **_NA},
    initial={"m_Nap_Et2": "m_inf_Nap_Et2", "h_Nap_Et2": "h_inf_Nap_Et2"},
    reference=_REF.format("Nap_Et2") + "; Magistretti and Alonso (1999) J Gen Physiol 114:491.",
    description=("Persistent Na current, m^3 h: m_inf = 1/(1 + exp(-(V+52.6)/4.6)), tau_m = "
                 "6/(alpha_m + beta_m)/qt with NaTa_t's alpha_m, beta_m; h_inf = 1/(1 + "
                 "exp((V+48.8)/10)), tau_h = 1/(alpha_h + beta_h)/qt, alpha_h = -2.88e-6(V+17)/"
                 "(1 - exp((V+17)/4.63)), beta_h = 6.94e-6(V+64.4)/(1 - exp(-(V+64.4)/2.63))."),
    ions=("na",),
)

SKv3_1 = Mechanism(
    "SKv3_1",
    """
    I_SKv3_1 = gbar_SKv3_1*m_SKv3_1*(E_K - v) : amp/meter**2
    dm_SKv3_1/dt = (m_inf_SKv3_1 - m_SKv3_1)/tau_m_SKv3_1 : 1
    m_inf_SKv3_1 = 1/(1 + exp((18.7 - v/mV)/9.7)) : 1
    tau_m_SKv3_1 = 4/(1 + exp(-(v/mV + 46.56)/44.14))*ms : second
    gbar_SKv3_1 : siemens/meter**2
    """,
    parameters={**_gbar("SKv3_1"), **_K},
    initial={"m_SKv3_1": "m_inf_SKv3_1"},
    reference=_REF.format("SKv3_1") + "; Rettig et al. (1992) EMBO J 11:2473.",
    description=("Fast non-inactivating Kv3.1 K current, m: m_inf = 1/(1 + exp((18.7-V)/9.7)), "
                 "tau_m = 4/(1 + exp(-(V+46.56)/44.14)) ms; no temperature factor."),
    ions=("k",),
)

K_Pst = Mechanism(
    "K_Pst",
    f"""
    I_K_Pst = gbar_K_Pst*m_K_Pst**2*h_K_Pst*(E_K - v) : amp/meter**2
    dm_K_Pst/dt = qt_K_Pst*(m_inf_K_Pst - m_K_Pst)/tau_m_K_Pst : 1
    dh_K_Pst/dt = qt_K_Pst*(h_inf_K_Pst - h_K_Pst)/tau_h_K_Pst : 1
    m_inf_K_Pst = 1/(1 + exp(-(v/mV + 11)/12)) : 1
    h_inf_K_Pst = 1/(1 + exp((v/mV + 64)/11)) : 1
    below_K_Pst = int(v < -60*mV) : 1
    tau_m_K_Pst = (1.25 + below_K_Pst*175.03*exp((v/mV + 10)*0.026) + (1 - below_K_Pst)*13*exp(-(v/mV + 10)*0.026))*ms : second
    tau_h_K_Pst = (360 + (1010 + 24*(v/mV + 65))*exp(-((v/mV + 85)/48)**2))*ms : second
    qt_K_Pst = {_QT} : 1
    gbar_K_Pst : siemens/meter**2
    """,
    parameters={**_gbar("K_Pst"), **_K},
    initial={"m_K_Pst": "m_inf_K_Pst", "h_K_Pst": "h_inf_K_Pst"},
    reference=_REF.format("K_Pst") + "; Korngreen and Sakmann (2000) J Physiol 525:621.",
    description=("Slow persistent K current, m^2 h (shifted -10 mV): m_inf = 1/(1 + "
                 "exp(-(V+11)/12)), tau_m = 1.25 + 175.03 exp((V+10)0.026) for V < -60 mV, "
                 "1.25 + 13 exp(-(V+10)0.026) otherwise; h_inf = 1/(1 + exp((V+64)/11)), tau_h = "
                 "360 + (1010 + 24(V+65)) exp(-((V+85)/48)^2); time constants divided by qt."),
    ions=("k",),
)

K_Tst = Mechanism(
    "K_Tst",
    f"""
    I_K_Tst = gbar_K_Tst*m_K_Tst**4*h_K_Tst*(E_K - v) : amp/meter**2
    dm_K_Tst/dt = qt_K_Tst*(m_inf_K_Tst - m_K_Tst)/tau_m_K_Tst : 1
    dh_K_Tst/dt = qt_K_Tst*(h_inf_K_Tst - h_K_Tst)/tau_h_K_Tst : 1
    m_inf_K_Tst = 1/(1 + exp(-(v/mV + 10)/19)) : 1
    h_inf_K_Tst = 1/(1 + exp((v/mV + 76)/10)) : 1
    tau_m_K_Tst = (0.34 + 0.92*exp(-((v/mV + 81)/59)**2))*ms : second
    tau_h_K_Tst = (8 + 49*exp(-((v/mV + 83)/23)**2))*ms : second
    qt_K_Tst = {_QT} : 1
    gbar_K_Tst : siemens/meter**2
    """,
    parameters={**_gbar("K_Tst"), **_K},
    initial={"m_K_Tst": "m_inf_K_Tst", "h_K_Tst": "h_inf_K_Tst"},
    reference=_REF.format("K_Tst") + "; Korngreen and Sakmann (2000) J Physiol 525:621.",
    description=("Fast transient K current, m^4 h (shifted -10 mV): m_inf = 1/(1 + "
                 "exp(-(V+10)/19)), tau_m = 0.34 + 0.92 exp(-((V+81)/59)^2); h_inf = 1/(1 + "
                 "exp((V+76)/10)), tau_h = 8 + 49 exp(-((V+83)/23)^2); time constants divided by qt."),
    ions=("k",),
)

Im = Mechanism(
    "Im",
    f"""
    I_Im = gbar_Im*m_Im*(E_K - v) : amp/meter**2
    dm_Im/dt = qt_Im*(alpha_m_Im - m_Im*(alpha_m_Im + beta_m_Im)) : 1
    alpha_m_Im = 3.3e-3*exp(2.5*0.04*(v/mV + 35))/ms : Hz
    beta_m_Im = 3.3e-3*exp(-2.5*0.04*(v/mV + 35))/ms : Hz
    qt_Im = {_QT} : 1
    gbar_Im : siemens/meter**2
    """,
    parameters={**_gbar("Im"), **_K},
    initial={"m_Im": "alpha_m_Im/(alpha_m_Im + beta_m_Im)"},
    reference=_REF.format("Im") + "; Adams et al. (1982) J Physiol 330:537.",
    description=("Muscarinic (M-type) K current, m: alpha = 3.3e-3 exp(0.1(V+35)), beta = "
                 "3.3e-3 exp(-0.1(V+35)), times qt."),
    ions=("k",),
)

Ih = Mechanism(
    "Ih",
    """
    I_Ih = gbar_Ih*m_Ih*(ehcn_Ih - v) : amp/meter**2
    dm_Ih/dt = alpha_m_Ih - m_Ih*(alpha_m_Ih + beta_m_Ih) : 1
    alpha_m_Ih = 0.001*6.43*11.9/exprel(clip((v/mV + 154.9)/11.9, -500, 500))/ms : Hz
    beta_m_Ih = 0.001*193*exp(v/mV/33.1)/ms : Hz
    gbar_Ih : siemens/meter**2
    ehcn_Ih : volt
    """,
    parameters={**_gbar("Ih"), "ehcn_Ih": -45 * mV},
    initial={"m_Ih": "alpha_m_Ih/(alpha_m_Ih + beta_m_Ih)"},
    reference=_REF.format("Ih") + "; Kole, Hallermann and Stuart (2006) J Neurosci 26:1677.",
    description=("Hyperpolarisation-activated cation (HCN) current, m, reversal ehcn = -45 mV: "
                 "alpha = 0.00643(V+154.9)/(exp((V+154.9)/11.9) - 1), beta = 0.193 exp(V/33.1); "
                 "no temperature factor."),
)

Ca_HVA = Mechanism(
    "Ca_HVA",
    """
    I_Ca_HVA = gbar_Ca_HVA*m_Ca_HVA**2*h_Ca_HVA*(E_Ca - v) : amp/meter**2
    dm_Ca_HVA/dt = alpha_m_Ca_HVA - m_Ca_HVA*(alpha_m_Ca_HVA + beta_m_Ca_HVA) : 1
    dh_Ca_HVA/dt = alpha_h_Ca_HVA - h_Ca_HVA*(alpha_h_Ca_HVA + beta_h_Ca_HVA) : 1
    alpha_m_Ca_HVA = 0.055*3.8/exprel(clip(-(v/mV + 27)/3.8, -500, 500))/ms : Hz
    beta_m_Ca_HVA = 0.94*exp(-(v/mV + 75)/17)/ms : Hz
    alpha_h_Ca_HVA = 0.000457*exp(-(v/mV + 13)/50)/ms : Hz
    beta_h_Ca_HVA = 0.0065/(exp(-(v/mV + 15)/28) + 1)/ms : Hz
    gbar_Ca_HVA : siemens/meter**2
    """,
    parameters={**_gbar("Ca_HVA"), **_CA},
    initial={"m_Ca_HVA": "alpha_m_Ca_HVA/(alpha_m_Ca_HVA + beta_m_Ca_HVA)",
             "h_Ca_HVA": "alpha_h_Ca_HVA/(alpha_h_Ca_HVA + beta_h_Ca_HVA)"},
    reference=_REF.format("Ca_HVA") + "; Reuveni, Friedman, Amitai and Gutnick (1993) J Neurosci 13:4609.",
    description=("High-voltage-activated Ca current, m^2 h: alpha_m = 0.055(-27-V)/(exp((-27-V)/3.8) "
                 "- 1) (the mod file's v == -27 mV guard is the exprel limit, 0.209/ms), beta_m = "
                 "0.94 exp((-75-V)/17), alpha_h = 0.000457 exp((-13-V)/50), beta_h = 0.0065/(exp((-V-15)"
                 "/28) + 1); no temperature factor."),
    ions=("ca",),
)

Ca_LVAst = Mechanism(
    "Ca_LVAst",
    f"""
    I_Ca_LVAst = gbar_Ca_LVAst*m_Ca_LVAst**2*h_Ca_LVAst*(E_Ca - v) : amp/meter**2
    dm_Ca_LVAst/dt = qt_Ca_LVAst*(m_inf_Ca_LVAst - m_Ca_LVAst)/tau_m_Ca_LVAst : 1
    dh_Ca_LVAst/dt = qt_Ca_LVAst*(h_inf_Ca_LVAst - h_Ca_LVAst)/tau_h_Ca_LVAst : 1
    m_inf_Ca_LVAst = 1/(1 + exp(-(v/mV + 40)/6)) : 1
    h_inf_Ca_LVAst = 1/(1 + exp((v/mV + 90)/6.4)) : 1
    tau_m_Ca_LVAst = (5 + 20/(1 + exp((v/mV + 35)/5)))*ms : second
    tau_h_Ca_LVAst = (20 + 50/(1 + exp((v/mV + 50)/7)))*ms : second
    qt_Ca_LVAst = {_QT} : 1
    gbar_Ca_LVAst : siemens/meter**2
    """,
    parameters={**_gbar("Ca_LVAst"), **_CA},
    initial={"m_Ca_LVAst": "m_inf_Ca_LVAst", "h_Ca_LVAst": "h_inf_Ca_LVAst"},
    reference=_REF.format("Ca_LVAst") + "; Avery and Johnston (1996) J Neurosci 16:5567; tau from Randall (1997).",
    description=("Low-voltage-activated (T-type) Ca current, m^2 h (shifted -10 mV): m_inf = 1/(1 + "
                 "exp(-(V+40)/6)), tau_m = 5 + 20/(1 + exp((V+35)/5)); h_inf = 1/(1 + exp((V+90)/6.4)), "
                 "tau_h = 20 + 50/(1 + exp((V+50)/7)); time constants divided by qt."),
    ions=("ca",),
)

SK_E2 = Mechanism(
    "SK_E2",
    """
    I_SK_E2 = gbar_SK_E2*z_SK_E2*(E_K - v) : amp/meter**2
    dz_SK_E2/dt = (z_inf_SK_E2 - z_SK_E2)/zTau_SK_E2 : 1
    z_inf_SK_E2 = 1/(1 + (0.00043*mM/(cai + 1e-7*mM*int(cai < 1e-7*mM)))**4.8) : 1
    gbar_SK_E2 : siemens/meter**2
    zTau_SK_E2 : second
    """,
    parameters={**_gbar("SK_E2", 1e-6), "zTau_SK_E2": 1 * ms, **_K},
    initial={"z_SK_E2": "z_inf_SK_E2"},
    reference=_REF.format("SK_E2") + "; Köhler et al. (1996) Science 273:1709.",
    description=("Small-conductance Ca-activated K current, z: z_inf = 1/(1 + (0.00043 mM/cai)^4.8) "
                 "(cai below 1e-7 mM is raised by 1e-7 mM, the mod file's guard), tau = zTau = 1 ms."),
    ions=("k",),
)

CaDynamics_E2 = Mechanism(
    "CaDynamics_E2",
    """
    dcai/dt = gamma_CaDynamics_E2*I_Ca/(2*96485.3321233100184*coulomb/mole*depth_CaDynamics_E2) - (cai - minCai_CaDynamics_E2)/decay_CaDynamics_E2 : mol/meter**3
    gamma_CaDynamics_E2 : 1
    decay_CaDynamics_E2 : second
    depth_CaDynamics_E2 : meter
    minCai_CaDynamics_E2 : mol/meter**3
    initCai_CaDynamics_E2 : mol/meter**3
    """,
    parameters={"gamma_CaDynamics_E2": 0.05, "decay_CaDynamics_E2": 80 * ms,
                "depth_CaDynamics_E2": 0.1 * um, "minCai_CaDynamics_E2": 1e-4 * mM,
                "initCai_CaDynamics_E2": 5e-5 * mM, **_CA},
    initial={"cai": "initCai_CaDynamics_E2"},
    reference=_REF.format("CaDynamics_E2") + "; modified from Destexhe et al. (1994).",
    description=("Intracellular Ca2+ in a submembrane shell: dcai/dt = gamma I_Ca/(2 F depth) - "
                 "(cai - minCai)/decay, with I_Ca the inward Ca current density of Ca_HVA and "
                 "Ca_LVAst, gamma the free (unbuffered) fraction 0.05, decay 80 ms, depth 0.1 um, "
                 "minCai 1e-4 mM. cai starts at initCai = 5e-5 mM (NEURON's cai0 and Arbor's "
                 "initCai), not at its steady state, exactly as the source."),
)

#: The Hay et al. (2011) mechanisms by name.
HAY2011 = {m.name: m for m in (NaTa_t, NaTs2_t, Nap_Et2, SKv3_1, K_Pst, K_Tst, Im, Ih, Ca_HVA,
                               Ca_LVAst, SK_E2, CaDynamics_E2)}
