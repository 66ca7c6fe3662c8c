"""Build AdExp populations and their connections as brian2 objects.

The network is held in a plain ``dict`` (``NTWK``), as in the original project:

``NTWK['Model']``                 the validated Model dict (seed units)
``NTWK['POPULATIONS']``           simulated populations, e.g. ``['Exc', 'Inh']``
``NTWK['AFFERENT_POPULATIONS']``  afferent (input) populations, e.g. ``['AffExc']``
``NTWK['NEURONS']``               ``{pop: brian2.NeuronGroup}``
``NTWK['PRESYNAPTIC']``           ``{post: [pre, ...]}``, one conductance each
``NTWK['CONNECTIONS']``           ``{(pre, post): brian2.Synapses}``
``NTWK['CONNECTIVITY']``          ``{(pre, post): (i, j)}`` index arrays
``NTWK['AFFERENT_RATES']``        ``{(afferent, target): rate array (Hz)}``
``NTWK['RASTER']``, ``['POP_ACT']``, ``['VMS']``   the monitors
``NTWK['SEEDS']``                 every seed used, by name
``NTWK['OBJECTS']``               every brian2 object, for :func:`network.collect_and_run`

Cell model (one ``NeuronGroup`` per population), conductance-based AdExp::

    Cm dV/dt = Gl (El - V) + Gl deltaV exp((V - Vthre)/deltaV)
               + sum_pre Gsyn_pre (Erev_pre - V) - w + Iinj + Ioscill_amp sin(2 pi f t)
    tauw dw/dt = a (V - El) - w
    dGsyn_pre/dt = -Gsyn_pre / Tsyn_pre
    spike when V > Vspike: V <- Vreset, w <- w + b, V held at Vreset for Trefrac

With ``deltaV = 0`` the exponential term is dropped (LIF).  Every parameter is a
shared constant variable of the group, never a literal in generated code, so that
changing a value does not recompile anything.  A presynaptic conductance counts as
excitatory in the recorded currents ``Ie``/``Ii`` when its reversal potential is
above the postsynaptic leak reversal ``El`` (depolarising), inhibitory otherwise.
"""

from __future__ import annotations

import numpy as np

from . import connectivity as conn
from .errors import ModelKeyError, ModelValueError
from .model import cell_parameters, get, synaptic_parameters, validate_model

__all__ = [
    "populations",
    "recurrent_connections",
    "connect",
    "connections_from_matrix",
    "ring_connections",
    "initialize_to_rest",
    "initialize_to_random",
]

# parameter -> brian2 unit name (seed units)
_UNITS = {
    "Gl": "nS", "Cm": "pF", "Trefrac": "ms", "El": "mV", "Vthre": "mV", "Vreset": "mV",
    "deltaV": "mV", "a": "nS", "b": "pA", "tauw": "ms", "Vspike": "mV", "Iinj": "pA",
    "Ioscill_amp": "pA", "Ioscill_freq": "Hz", "Vclamp": "mV",
}
_DIM = {"nS": "siemens", "pF": "farad", "ms": "second", "mV": "volt", "pA": "amp", "Hz": "hertz"}


def _b2():
    import brian2

    return brian2


def _quantity(value, unit):
    b2 = _b2()
    return value * getattr(b2, unit)


def _equations(params, presyn):
    """Equation string of one population.

    Parameters
    ----------
    params : dict
        Cell parameters (which optional currents exist, LIF or AdExp, clamp).
    presyn : list of (pre, excitatory)
        One conductance per presynaptic population.
    """
    clamped = "Vclamp" in params
    lines = []
    for name in ["Gl", "Cm", "Trefrac", "El", "Vthre", "Vreset", "deltaV", "a", "b", "tauw", "Vspike"] + [
        k for k in ("Iinj", "Ioscill_amp", "Ioscill_freq", "Vclamp") if k in params
    ]:
        lines.append(f"{name} : {_DIM[_UNITS[name]]} (shared, constant)")
    exc = [p for p, e in presyn if e]
    inh = [p for p, e in presyn if not e]
    for pre, _ in presyn:
        lines += [
            f"dGsyn_{pre}/dt = -Gsyn_{pre}/Tsyn_{pre} : siemens",
            f"Q_{pre} : siemens (shared, constant)",
            f"Tsyn_{pre} : second (shared, constant)",
            f"Erev_{pre} : volt (shared, constant)",
        ]
    lines.append("Ie = " + (" + ".join(f"Gsyn_{p}*(Erev_{p} - V)" for p in exc) or "0*amp") + " : amp")
    lines.append("Ii = " + (" + ".join(f"Gsyn_{p}*(Erev_{p} - V)" for p in inh) or "0*amp") + " : amp")
    intrinsic = "Gl*(El - V)"
    if params["deltaV"] > 0:
        intrinsic += " + Gl*deltaV*exp((V - Vthre)/deltaV)"
    drive = "Ie + Ii - w"
    if "Iinj" in params:
        drive += " + Iinj"
    if "Ioscill_amp" in params:
        drive += " + Ioscill_amp*sin(2*pi*Ioscill_freq*t)"
    lines.append("dw/dt = (a*(V - El) - w)/tauw : amp")
    if clamped:
        lines.append("V : volt")
        lines.append(f"Iclamp = -({intrinsic} + {drive}) : amp")
    else:
        lines.append(f"dV/dt = ({intrinsic} + {drive})/Cm : volt (unless refractory)")
    return "\n".join(lines)


def _check_pops(NTWK, pops, what):
    known = NTWK["POPULATIONS"] + NTWK["AFFERENT_POPULATIONS"]
    for p in pops:
        if p not in known:
            raise ModelKeyError(
                f"Unknown population {p!r} in {what}; this network has "
                f"populations {NTWK['POPULATIONS']} and afferents {NTWK['AFFERENT_POPULATIONS']}."
            )


def _recorded_cells(with_Vm, pop, N):
    """Indices of the cells of ``pop`` whose membrane potential is recorded."""
    spec = with_Vm.get(pop, 0) if isinstance(with_Vm, dict) else with_Vm
    if np.ndim(spec) == 0:
        return np.arange(min(int(spec), N))
    idx = np.unique(np.asarray(spec, dtype=np.int64))
    if idx.size and (idx[0] < 0 or idx[-1] >= N):
        raise ModelValueError(f"with_Vm for {pop!r}: cell indices must be in [0, {N}), got {idx[0]}..{idx[-1]}.")
    return idx


def populations(Model, NEURONS, AFFERENT_POPULATIONS=(), with_raster=False, with_Vm=0,
                with_pop_act=True, with_synaptic_currents=False, with_synaptic_conductances=False,
                verbose=False):
    """Create the neuron groups and their recorders.

    Parameters
    ----------
    Model : dict
        The Model (seed units, see :mod:`network.model`); validated entirely here.
    NEURONS : list of str
        Populations to simulate, each declared by ``N_<pop>`` and ``<pop>_...`` keys.
    AFFERENT_POPULATIONS : list of str
        Input populations (``N_<aff>`` keys); they project through ``Q_<aff>_<pop>``.
    with_raster : bool
        Record every spike.
    with_Vm : int, sequence of int, or dict
        Record the membrane potential of the first ``with_Vm`` cells of each
        population, of the given cell indices, or ``{pop: indices}`` per population.
    with_pop_act : bool
        Record the population rate at every time step.
    with_synaptic_currents, with_synaptic_conductances : bool
        Also record ``Ie``, ``Ii`` (pA) and every ``Gsyn_<pre>`` (nS) of the
        ``with_Vm`` recorded cells.
    verbose : bool

    Returns
    -------
    dict
        The network (``NTWK``), see the module docstring.
    """
    b2 = _b2()
    pops_in_model = validate_model(Model)
    NEURONS, AFFERENT_POPULATIONS = list(NEURONS), list(AFFERENT_POPULATIONS)
    for p in NEURONS + AFFERENT_POPULATIONS:
        if p not in pops_in_model:
            raise ModelKeyError(
                f"Population {p!r} has no 'N_{p}' key in the Model (declared: {pops_in_model})."
            )
    if set(NEURONS) & set(AFFERENT_POPULATIONS):
        raise ModelValueError(f"{sorted(set(NEURONS) & set(AFFERENT_POPULATIONS))} listed both as simulated and afferent.")
    dt = get(Model, "dt", "the integration step")
    tstop = get(Model, "tstop", "the simulation duration")
    b2.defaultclock.dt = dt * b2.ms
    NTWK = {
        "Model": dict(Model), "POPULATIONS": NEURONS, "AFFERENT_POPULATIONS": AFFERENT_POPULATIONS,
        "dt": dt, "tstop": tstop, "NEURONS": {}, "PRESYNAPTIC": {}, "CONNECTIONS": {},
        "CONNECTIVITY": {}, "AFFERENT_RATES": {}, "RASTER": {}, "POP_ACT": {}, "VMS": {},
        "SEEDS": {"network": int(Model["SEED"]) if "SEED" in Model else None},
        "OBJECTS": [],
    }
    if NTWK["SEEDS"]["network"] is None:
        raise ModelKeyError("Missing Model key 'SEED': the seed of the network's random numbers (int).")
    for pop in NEURONS:
        N = int(get(Model, f"N_{pop}", f"population {pop!r}"))
        params = cell_parameters(Model, pop)
        presyn = [pre for pre in NEURONS + AFFERENT_POPULATIONS if f"Q_{pre}_{pop}" in Model]
        syn = {pre: synaptic_parameters(Model, pre) for pre in presyn}
        eqs = _equations(params, [(pre, syn[pre][1] > params["El"]) for pre in presyn])
        clamped = "Vclamp" in params
        G = b2.NeuronGroup(
            N, eqs, method="euler", name=f"{pop}",
            threshold=None if clamped else "V > Vspike",
            reset=None if clamped else "V = Vreset; w += b",
            refractory=False if clamped else "Trefrac",
            namespace={},
        )
        for name, value in params.items():
            setattr(G, name, _quantity(value, _UNITS[name]))
        for pre in presyn:
            setattr(G, f"Q_{pre}", _quantity(get(Model, f"Q_{pre}_{pop}"), "nS"))
            setattr(G, f"Tsyn_{pre}", _quantity(syn[pre][0], "ms"))
            setattr(G, f"Erev_{pre}", _quantity(syn[pre][1], "mV"))
        NTWK["NEURONS"][pop] = G
        NTWK["PRESYNAPTIC"][pop] = presyn
        NTWK["OBJECTS"].append(G)
        if with_raster and not clamped:
            NTWK["RASTER"][pop] = b2.SpikeMonitor(G, name=f"raster_{pop}")
        if with_pop_act and not clamped:
            NTWK["POP_ACT"][pop] = b2.PopulationRateMonitor(G, name=f"popact_{pop}")
        record = _recorded_cells(with_Vm, pop, N)
        if len(record):
            variables = ["V"]
            if with_synaptic_currents:
                variables += ["Ie", "Ii"]
            if with_synaptic_conductances:
                variables += [f"Gsyn_{pre}" for pre in presyn]
            if clamped:
                variables.append("Iclamp")
            NTWK["VMS"][pop] = b2.StateMonitor(G, variables, record=record, name=f"vms_{pop}")
        NTWK["OBJECTS"] += [m[pop] for m in (NTWK["RASTER"], NTWK["POP_ACT"], NTWK["VMS"]) if pop in m]
        if verbose:
            kind = "LIF" if params["deltaV"] == 0 else "AdExp"
            print(f"[network] {pop}: {N} {kind} cells, conductances from {presyn or 'nobody'}")
    return NTWK


def connect(NTWK, pre, post, i, j, weights=None, delays=None, release_probability=None, name=None,
            source=None):
    """Create the synapses ``pre -> post`` from index arrays (the one place that does).

    Parameters
    ----------
    NTWK : dict
    pre, post : str
        Presynaptic population (simulated or afferent) and postsynaptic population.
    i, j : array_like of int
        Presynaptic and postsynaptic indices.
    weights : array_like, optional
        Per-synapse conductance increments in nS; by default every synapse uses the
        population weight ``Q_<pre>_<post>`` (a shared parameter of ``post``).
    delays : float or array_like, optional
        Transmission delays in ms (default: ``delay_<pre>_<post>`` if in the Model,
        else none).
    release_probability : float, optional
        Each presynaptic spike is transmitted with this probability (default:
        ``psyn_<pre>_<post>`` if in the Model, else 1).
    source : brian2 group, optional
        The presynaptic group when ``pre`` is an afferent population simulated as
        spike sources (see :mod:`network.stim`).

    Returns
    -------
    brian2.Synapses
    """
    b2 = _b2()
    _check_pops(NTWK, [pre, post], "connect()")
    if post not in NTWK["NEURONS"]:
        raise ModelKeyError(f"Postsynaptic population {post!r} is not simulated (afferents receive no synapses).")
    if pre not in NTWK["PRESYNAPTIC"][post]:
        raise ModelKeyError(
            f"Missing Model key 'Q_{pre}_{post}': population {post!r} has no conductance "
            f"for inputs from {pre!r}; add the synaptic weight in nS before building populations."
        )
    if source is None:
        if pre not in NTWK["NEURONS"]:
            raise ModelValueError(f"{pre!r} is an afferent population: connect it through network.stim.")
        source = NTWK["NEURONS"][pre]
    target = NTWK["NEURONS"][post]
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if i.shape != j.shape or i.ndim != 1:
        raise ModelValueError(f"i and j must be 1-D arrays of equal length, got {i.shape} and {j.shape}.")
    for arr, n, what in ((i, len(source), "presynaptic"), (j, len(target), "postsynaptic")):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise ModelValueError(f"{what} index out of range [0, {n}) for {pre}->{post}.")
    Model = NTWK["Model"]
    if release_probability is None and f"psyn_{pre}_{post}" in Model:
        release_probability = float(Model[f"psyn_{pre}_{post}"])
    if delays is None and f"delay_{pre}_{post}" in Model:
        delays = float(Model[f"delay_{pre}_{post}"])
    model, increment = "", f"Q_{pre}_post"
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape not in ((), i.shape) or np.any(~np.isfinite(weights)) or np.any(weights < 0):
            raise ModelValueError(f"weights for {pre}->{post} must be finite, >= 0 (nS), one per synapse.")
        model, increment = "wsyn : siemens (constant)", "wsyn"
    on_pre = f"Gsyn_{pre}_post += {increment}"
    if release_probability is not None:
        if not 0 <= release_probability <= 1:
            raise ModelValueError(f"release probability {release_probability!r} for {pre}->{post} must be in [0, 1].")
        model += "\nprelease : 1 (shared, constant)"
        on_pre = f"Gsyn_{pre}_post += {increment}*int(rand() < prelease)"
    S = b2.Synapses(source, target, model=model, on_pre=on_pre, namespace={},
                    name=name or f"syn_{pre}_{post}")
    S.connect(i=i, j=j)
    if weights is not None:
        S.wsyn = weights * b2.nS
    if release_probability is not None:
        S.prelease = release_probability
    if delays is not None:
        d = np.asarray(delays, dtype=np.float64)
        if np.any(d < 0) or np.any(~np.isfinite(d)):
            raise ModelValueError(f"delays for {pre}->{post} must be finite and >= 0 ms.")
        S.delay = d * b2.ms
    NTWK["CONNECTIONS"][(pre, post)] = S
    NTWK["CONNECTIVITY"][(pre, post)] = (i, j)
    NTWK["OBJECTS"].append(S)
    return S


def _pairs(NTWK):
    """Recurrent (pre, post) pairs that have a probability key in the Model."""
    pops = NTWK["POPULATIONS"]
    return [(pre, post) for post in pops for pre in pops if f"p_{pre}_{post}" in NTWK["Model"]]


def recurrent_connections(NTWK, SEED=1, rule="fixed_indegree", autapses=True, verbose=False):
    """Connect the simulated populations with each other, as the Model says.

    For every pair with a ``p_<pre>_<post>`` key, synapses of weight
    ``Q_<pre>_<post>`` are drawn with ``rule``.

    Parameters
    ----------
    NTWK : dict
    SEED : int
        Seed of the connectivity; pair ``k`` draws from an independent stream
        ``numpy.random.SeedSequence(SEED).spawn``, so adding a pair leaves the others unchanged.
    rule : {'fixed_indegree', 'bernoulli'}
        Fixed in-degree ``round(p * N_pre)`` per cell (the original project's rule) or
        independent coin flips.
    autapses : bool
        Allow a cell to connect to itself in recurrent projections.
    verbose : bool
    """
    rules = {"fixed_indegree": conn.fixed_indegree, "bernoulli": conn.bernoulli}
    if rule not in rules:
        raise ModelValueError(f"rule = {rule!r}: choose one of {sorted(rules)}.")
    pairs = _pairs(NTWK)
    streams = np.random.SeedSequence(int(SEED)).spawn(len(pairs))
    NTWK["SEEDS"]["connectivity"] = int(SEED)
    for (pre, post), stream in zip(pairs, streams):
        Model = NTWK["Model"]
        same = pre == post
        i, j = rules[rule](Model[f"N_{pre}"], Model[f"N_{post}"], Model[f"p_{pre}_{post}"],
                           np.random.default_rng(stream), autapses=autapses or not same)
        connect(NTWK, pre, post, i, j)
        if verbose:
            print(f"[network] {pre} -> {post}: {len(i)} synapses ({rule})")


def connections_from_matrix(NTWK, pre, post, matrix, delays=None, verbose=False):
    """Connect ``pre -> post`` from a user matrix (dense or scipy.sparse, shape (N_pre, N_post)).

    A boolean matrix uses the population weight ``Q_<pre>_<post>``; a numeric
    matrix gives each synapse its own weight in nS.
    """
    i, j, w = conn.from_matrix(matrix)
    shape = (int(NTWK["Model"][f"N_{pre}"]), int(NTWK["Model"][f"N_{post}"]))
    if np.shape(matrix) != shape:
        raise ModelValueError(f"matrix for {pre}->{post} has shape {np.shape(matrix)}, expected {shape} (N_pre, N_post).")
    S = connect(NTWK, pre, post, i, j, weights=w, delays=delays)
    if verbose:
        print(f"[network] {pre} -> {post}: {len(i)} synapses (matrix)")
    return S


def ring_connections(NTWK, pre, post, sigma, SEED, delay_min=0.0, delay_max=0.0, autapses=False,
                     verbose=False):
    """Distance-dependent connectivity on a ring, with distance-dependent delays.

    Each cell of ``post`` draws ``round(p_<pre>_<post> * N_pre)`` inputs with a
    Gaussian preference of width ``sigma`` (fraction of the circumference, see
    :func:`network.connectivity.ring`).  The delay grows linearly with ring distance
    ``d`` in [0, 0.5]: ``delay_min + 2 d (delay_max - delay_min)`` (ms), i.e.
    ``delay_max`` for diametrically opposite cells.
    """
    Model = NTWK["Model"]
    p = get(Model, f"p_{pre}_{post}", f"ring connections {pre}->{post}")
    i, j, d = conn.ring(Model[f"N_{pre}"], Model[f"N_{post}"], p, sigma, SEED,
                        autapses=autapses or pre != post)
    if delay_max < delay_min or delay_min < 0:
        raise ModelValueError(f"need 0 <= delay_min <= delay_max (ms), got {delay_min}, {delay_max}.")
    NTWK["SEEDS"][f"ring_{pre}_{post}"] = int(SEED)
    S = connect(NTWK, pre, post, i, j, delays=delay_min + 2.0 * d * (delay_max - delay_min))
    if verbose:
        print(f"[network] {pre} -> {post}: {len(i)} synapses (ring, sigma={sigma})")
    return S


def initialize_to_rest(NTWK):
    """Set V to the leak reversal (or the clamp level), w and all conductances to 0."""
    for pop, G in NTWK["NEURONS"].items():
        G.V = G.Vclamp if "Vclamp" in G.variables else G.El
        G.w = 0 * _b2().pA
        for pre in NTWK["PRESYNAPTIC"][pop]:
            setattr(G, f"Gsyn_{pre}", 0 * _b2().nS)


def initialize_to_random(NTWK, SEED, V_range=None):
    """Set V uniformly at random in ``V_range`` (mV; default [El, Vthre]) per population.

    Drawn with numpy from ``SEED`` (recorded in ``NTWK['SEEDS']['initial']``).
    """
    rng = np.random.default_rng(SEED)
    NTWK["SEEDS"]["initial"] = int(SEED)
    initialize_to_rest(NTWK)
    for pop, G in NTWK["NEURONS"].items():
        if "Vclamp" in G.variables:
            continue
        lo, hi = V_range if V_range is not None else (float(G.El / _b2().mV), float(G.Vthre / _b2().mV))
        G.V = rng.uniform(lo, hi, len(G)) * _b2().mV
