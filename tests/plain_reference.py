"""The seed's RS-FS network written directly against brian2: the reference of the example tests.

A careful user's script of the same model (README "Usage"): the same equations (one
conductance per presynaptic population, every parameter a shared constant), the
same fixed in-degree algorithm with the same streams (so the same synapses), the
same afferent drive by time rescaling, the same object names (brian2 orders objects
of one scheduling slot by name) and the same brian2 seed.  Built without any of the
toolkit's functions, it must give exactly the toolkit's spikes.
"""

import zlib

import numpy as np

EQS = """
Gl : siemens (shared, constant)
Cm : farad (shared, constant)
Trefrac : second (shared, constant)
El : volt (shared, constant)
Vthre : volt (shared, constant)
Vreset : volt (shared, constant)
deltaV : volt (shared, constant)
a : siemens (shared, constant)
b : amp (shared, constant)
tauw : second (shared, constant)
Vspike : volt (shared, constant)
dGsyn_Exc/dt = -Gsyn_Exc/Tsyn_Exc : siemens
Q_Exc : siemens (shared, constant)
Tsyn_Exc : second (shared, constant)
Erev_Exc : volt (shared, constant)
dGsyn_Inh/dt = -Gsyn_Inh/Tsyn_Inh : siemens
Q_Inh : siemens (shared, constant)
Tsyn_Inh : second (shared, constant)
Erev_Inh : volt (shared, constant)
dGsyn_AffExc/dt = -Gsyn_AffExc/Tsyn_AffExc : siemens
Q_AffExc : siemens (shared, constant)
Tsyn_AffExc : second (shared, constant)
Erev_AffExc : volt (shared, constant)
dLambda_AffExc/dt = rate_AffExc(t) : 1
Enext_AffExc : 1
Ie = Gsyn_Exc*(Erev_Exc - V) + Gsyn_AffExc*(Erev_AffExc - V) : amp
Ii = Gsyn_Inh*(Erev_Inh - V) : amp
Ipulse : amp
dw/dt = (a*(V - El) - w)/tauw : amp
dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV) + Ie + Ii - w + Ipulse)/Cm : volt (unless refractory)
"""


def _stream(*items):
    return np.random.SeedSequence([items[0]] + [zlib.crc32(str(x).encode()) for x in items[1:]])


def _fixed_indegree(rng, N_pre, N_post, p):
    """K = round(p N_pre) distinct inputs per cell: the K largest of N_pre uniform keys per row."""
    K = int(round(p * N_pre))
    keys = rng.random((N_post, N_pre))
    pre = np.sort(np.argpartition(keys, N_pre - K, axis=1)[:, N_pre - K:], axis=1)
    return pre.ravel(), np.repeat(np.arange(N_post, dtype=np.int64), K)


def brian_seed(seeds):
    """brian2's seed from named seeds (the same derivation as the toolkit's, written out)."""
    items = sorted(seeds.items())
    entropy = [x for k, v in items for x in (zlib.crc32(k.encode()), int(v))]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint32)[0] >> 1)


def run_plain_rs_fs(N_exc, N_inh, p, SEED=3, tstop=1500.0, dt=0.1):
    """Spikes of the RS-FS network in plain brian2: ``{'Exc': (t_ms, i), 'Inh': (t_ms, i)}``."""
    import brian2 as b2
    from brian2 import Hz, TimedArray, mV, ms, nS, pA, pF

    N = {"Exc": N_exc, "Inh": N_inh}
    clock = b2.Clock(dt=dt * ms, name="network_clock")
    cell = {"Exc": dict(deltaV=2 * mV, b=40 * pA, tauw=500 * ms),
            "Inh": dict(deltaV=0.5 * mV, b=0 * pA, tauw=1e9 * ms)}
    syn = {"Exc": (5 * ms, 0 * mV), "Inh": (5 * ms, -80 * mV), "AffExc": (5 * ms, 0 * mV)}
    Q = {"Exc": 1, "Inh": 4, "AffExc": 1}
    t_array = np.arange(int(round(tstop / dt))) * dt
    rate = 4. + 4 * np.exp(-(t_array - 1000) ** 2 / 2 / 100 ** 2)
    n_pad = 1 << (len(rate) - 1).bit_length()
    padded = np.concatenate([rate, np.full(n_pad - len(rate), rate[-1])])
    G, objects = {}, []
    for pop in ("Exc", "Inh"):
        g = b2.NeuronGroup(N[pop], EQS, method="euler", name=pop, threshold="V > Vspike",
                           reset="V = Vreset; w += b", refractory="Trefrac", clock=clock,
                           events={"input_AffExc": "Lambda_AffExc >= Enext_AffExc"},
                           namespace={"rate_AffExc": TimedArray(0.5 * 400 * padded * Hz, dt=dt * ms)})
        g.run_on_event("input_AffExc", "Gsyn_AffExc += Q_AffExc*(1 + poisson(Lambda_AffExc - Enext_AffExc))\n"
                       "Lambda_AffExc = 0\nEnext_AffExc = -log(1 - rand())")
        g.Gl, g.Cm, g.Trefrac = 10 * nS, 200 * pF, 5 * ms
        g.El, g.Vthre, g.Vreset = -70 * mV, -50 * mV, -70 * mV
        g.deltaV, g.a, g.b, g.tauw = cell[pop]["deltaV"], 0 * nS, cell[pop]["b"], cell[pop]["tauw"]
        g.Vspike = -50 * mV + 5 * cell[pop]["deltaV"]
        for pre, (tau, erev) in syn.items():
            setattr(g, f"Q_{pre}", Q[pre] * nS)
            setattr(g, f"Tsyn_{pre}", tau)
            setattr(g, f"Erev_{pre}", erev)
        g.Enext_AffExc = np.random.default_rng(_stream(SEED, "drive", "AffExc", pop)).standard_exponential(N[pop])
        g.V, g.w = -70 * mV, 0 * pA
        G[pop] = g
        objects += [g, b2.SpikeMonitor(g, name=f"raster_{pop}"), b2.PopulationRateMonitor(g, name=f"popact_{pop}")]
    for pre, post in [("Exc", "Exc"), ("Inh", "Exc"), ("Exc", "Inh"), ("Inh", "Inh")]:
        S = b2.Synapses(G[pre], G[post], on_pre=f"Gsyn_{pre}_post += Q_{pre}_post", namespace={},
                        name=f"syn_{pre}_{post}", clock=clock)
        i, j = _fixed_indegree(np.random.default_rng(_stream(5, pre, post)), N[pre], N[post], p)
        S.connect(i=i, j=j)
        objects.append(S)
    net = b2.Network(*objects)
    b2.seed(brian_seed({"network": SEED, "connectivity": 5, "afferent_AffExc_Exc": 32,
                        "afferent_AffExc_Inh": 32}))
    net.run(tstop * ms, namespace={})
    return {pop: (np.asarray(objects[3 * k + 1].t / ms), np.asarray(objects[3 * k + 1].i[:]))
            for k, pop in enumerate(("Exc", "Inh"))}
