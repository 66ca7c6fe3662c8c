"""A-type K currents of Migliore et al. (1999), proximal (``kap``) and distal (``kad``).

Migliore M, Hoffman DA, Magee JC, Johnston D (1999) Role of an A-type K+ conductance
in the back-propagation of action potentials in the dendrites of hippocampal
pyramidal neurons. J Comput Neurosci 7:5-15. ModelDB accession 2796 (``kaprox.mod``,
``kadist.mod``, "K-A channel from Klee Ficker and Heinemann, modified to account
for Dax A current", M. Migliore 1997).

Both are ``I = gbar*n*l*(E_K - v)`` with (V in mV, celsius in degC)::

    zeta   = zetan + pw/(1 + exp((V - tq)/qq))
    n_inf  = 1/(1 + exp(1e-3*zeta*(V - vhalfn)*F/(R*T)))
    tau_n  = max(exp(1e-3*zeta*gmn*(V - vhalfn)*F/(R*T))/(qt*a0n*(1 + exp(...n_inf's exponent...))), nmin)
    l_inf  = 1/(1 + exp(1e-3*zetal*(V - vhalfl)*F/(R*T)))
    tau_l  = max(0.26*(V + 50), lmin)/qtl   (ms)
    qt     = q10^((celsius - 24)/10),  F/(R*T) = 9.648e4/(8.315*(273.16 + celsius))

(the mod files' own constants for F, R and 0 degC). ``kap`` (proximal, < 100 um from
the soma): vhalfn 11 mV, zetan -1.5, gmn 0.55, a0n 0.05/ms; ``kad`` (distal):
vhalfn -1 mV, zetan -1.8, gmn 0.39, a0n 0.1/ms; both vhalfl -56 mV, zetal 3,
lmin 2 ms, nmin 0.1 ms, pw -1, tq -40 mV, qq 5 mV, q10 5, qtl 1, gbar
0.008 S/cm2. Every one of these is a per-compartment parameter (``vhalfn_kap``
...), as in the mod files (their ``a0l`` and ``gml`` enter no equation and are
left out). nmin is 0.1 ms as in ModelDB 2796 and the original project; some
later distributions of kad use 0.2 ms (set ``nmin_kad``). Defaults of the shared names: E_K = -90 mV and
celsius = 34, the values of the original project's A-type currents
(``yzerlaut/neural_network_dynamics``, ``nrn/active_mechanisms.py``).
"""

from brian2 import mV, ms, siemens, cm

from .core import Mechanism

__all__ = ["kap", "kad"]


def _a_type(name, vhalfn, zetan, gmn, a0n, description):
    s = f"_{name}"
    equations = f"""
    I{s} = gbar{s}*n{s}*l{s}*(E_K - v) : amp/meter**2
    dn{s}/dt = (n_inf{s} - n{s})/tau_n{s} : 1
    dl{s}/dt = (l_inf{s} - l{s})/tau_l{s} : 1
    frt{s} = 9.648e4/(8.315*(273.16 + celsius))/volt : 1/volt
    zeta{s} = zetan{s} + pw{s}/(1 + exp((v - tq{s})/qq{s})) : 1
    a_n{s} = exp(zeta{s}*(v - vhalfn{s})*frt{s}) : 1
    b_n{s} = exp(zeta{s}*gmn{s}*(v - vhalfn{s})*frt{s}) : 1
    a_l{s} = exp(zetal{s}*(v - vhalfl{s})*frt{s}) : 1
    qt{s} = q10{s}**((celsius - 24)/10) : 1
    n_inf{s} = 1/(1 + a_n{s}) : 1
    l_inf{s} = 1/(1 + a_l{s}) : 1
    tau_n{s} = clip(b_n{s}/(qt{s}*a0n{s}*(1 + a_n{s})), nmin{s}, inf*second) : second
    tau_l{s} = clip(0.26*(v/mV + 50)*ms, lmin{s}, inf*second)/qtl{s} : second
    gbar{s} : siemens/meter**2
    vhalfn{s} : volt
    vhalfl{s} : volt
    a0n{s} : 1/second
    zetan{s} : 1
    zetal{s} : 1
    gmn{s} : 1
    pw{s} : 1
    tq{s} : volt
    qq{s} : volt
    lmin{s} : second
    nmin{s} : second
    q10{s} : 1
    qtl{s} : 1
    """
    parameters = {
        f"gbar{s}": 0.008 * siemens / cm ** 2, f"vhalfn{s}": vhalfn * mV, f"vhalfl{s}": -56 * mV,
        f"a0n{s}": a0n / ms, f"zetan{s}": zetan, f"zetal{s}": 3.0, f"gmn{s}": gmn, f"pw{s}": -1.0,
        f"tq{s}": -40 * mV, f"qq{s}": 5 * mV, f"lmin{s}": 2 * ms, f"nmin{s}": 0.1 * ms,
        f"q10{s}": 5.0, f"qtl{s}": 1.0, "E_K": -90 * mV, "celsius": 34.0,
    }
    return Mechanism(
        name, equations, parameters,
        initial={f"n{s}": f"n_inf{s}", f"l{s}": f"l_inf{s}"},
        reference=("Migliore M, Hoffman DA, Magee JC, Johnston D (1999) J Comput Neurosci 7:5-15, "
                   f"ModelDB 2796 ({'kaprox' if name == 'kap' else 'kadist'}.mod); kinetics after "
                   "Klee, Ficker and Heinemann (1995) and Hoffman et al. (1997) Nature 387:869."),
        description=description, ions=("k",))


kap = _a_type("kap", vhalfn=11.0, zetan=-1.5, gmn=0.55, a0n=0.05,
              description=("Proximal A-type K current (CA1 dendrites < 100 um from the soma), n l, "
                           "activation half point vhalfn = 11 mV."))
kad = _a_type("kad", vhalfn=-1.0, zetan=-1.8, gmn=0.39, a0n=0.1,
              description=("Distal A-type K current (CA1 dendrites > 100 um from the soma), n l, "
                           "activation half point vhalfn = -1 mV."))
