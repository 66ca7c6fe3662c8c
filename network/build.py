"""Build AdExp populations and their connections as brian2 objects.

The network is a :class:`network.Network` (``NTWK``): a ``dict`` with the original
project's keys, which also owns its clock (the Model's ``dt``), its state
(``NTWK.state``: ``'built'`` then ``'ran'``) and its brian2 Network.  No brian2
global (``defaultclock``, preferences, device) is set when a network is built, so
any number of networks with different ``dt`` can be built and run in one process.
Its documented keys:

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
``NTWK['dt']``, ``NTWK['tstop']``  step and duration (ms; ``tstop`` grows with :func:`network.run_on`)
``NTWK['NETWORK']``               the brian2 Network, after the first run
``NTWK['TIMING']``                wall-clock timings of the last run (s)

Cell model (one ``NeuronGroup`` per population), conductance-based AdExp::

    Cm dV/dt = Gl (El - V) + Gl deltaV exp((V - Vthre)/deltaV)
               + sum_pre Gsyn_pre (Erev_pre - V) - w + Iinj + Ioscill_amp sin(2 pi f t)
    tauw dw/dt = a (V - El) - w
    dGsyn_pre/dt = -Gsyn_pre / Tsyn_pre
    spike when V > Vspike: V <- Vreset, w <- w + b, V held at Vreset for Trefrac

With ``deltaV = 0`` the exponential term is dropped (LIF).  During the refractory
period V is held at ``Vreset`` while ``w`` and the conductances go on evolving.
Every parameter is a shared constant variable of the group, never a literal in
generated code, so that changing a value does not recompile anything.  A
presynaptic conductance counts as excitatory in the recorded currents ``Ie``/``Ii``
when its reversal potential is above the postsynaptic threshold ``Vthre`` (it can
by itself bring the cell to fire), inhibitory otherwise (hyperpolarising or
shunting, e.g. a GABA-A reversal between rest and threshold).
"""

from __future__ import annotations

import numpy as np

import numbers

from stimuli.arguments import check_probability

from . import connectivity as conn
from . import model as _model_grammar
from .core import UNSET, Network, as_network, brian2, cell_indices, plain, resolve_seed
from .errors import ModelKeyError, ModelValueError, SimulationError, UnitError
from .model import (CELL_PARAMETERS, OPTIONAL_CELL_PARAMETERS, cell_parameters, check_seed, get,
                    seed_sequence, synaptic_parameters, validate_model)

__all__ = [
    "populations",
    "recurrent_connections",
    "connect",
    "connections_from_matrix",
    "ring_connections",
    "initialize_to_rest",
    "initialize_to_random",
    "check_population",
    "check_not_run",
    "make_synapses",
]

# parameter -> brian2 unit name (seed units), from the Model grammar
_UNITS = {name: spec[0] for name, spec in {**CELL_PARAMETERS, **OPTIONAL_CELL_PARAMETERS}.items()}
_DIM = {"nS": "siemens", "pF": "farad", "ms": "second", "mV": "volt", "pA": "amp", "Hz": "hertz"}


_b2 = brian2  # the seed API's tests and scripts reach brian2 through network.build._b2()


def _quantity(value, unit):
    b2 = _b2()
    return value * getattr(b2, unit)


def _equations(params, presyn, driven=()):
    """Equation string of one population.

    Parameters
    ----------
    params : dict
        Cell parameters (which optional currents exist, LIF or AdExp, clamp).
    presyn : list of (pre, excitatory)
        One conductance per presynaptic population; ``excitatory`` puts its current
        in ``Ie`` (reversal above ``Vthre``), else in ``Ii``.
    driven : list of str
        Afferent populations that may drive the cells with independent Poisson
        input (:mod:`network.stim`): each gets the time-rescaled event clock
        ``Lambda_<aff>`` (integrated rate, dimensionless) and ``Enext_<aff>`` (the
        next event's rescaled time).
    """
    clamped = "Vclamp" in params
    lines = []
    for name in list(CELL_PARAMETERS) + [k for k in OPTIONAL_CELL_PARAMETERS if k in params or k == "Vspike"]:
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
    for pre in driven:
        lines += [f"dLambda_{pre}/dt = rate_{pre}(t) : 1", f"Enext_{pre} : 1"]
    lines.append("Ie = " + (" + ".join(f"Gsyn_{p}*(Erev_{p} - V)" for p in exc) or "0*amp") + " : amp")
    lines.append("Ii = " + (" + ".join(f"Gsyn_{p}*(Erev_{p} - V)" for p in inh) or "0*amp") + " : amp")
    intrinsic = "Gl*(El - V)"
    if params["deltaV"] > 0:
        intrinsic += " + Gl*deltaV*exp((V - Vthre)/deltaV)"
    # Ipulse: the rectangular steps of network.stim.current_pulses (0 unless scheduled)
    lines.append("Ipulse : amp")
    drive = "Ie + Ii - w + Ipulse"
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


def check_population(NTWK, pops, what):
    """Raise :class:`network.ModelKeyError` unless every name in ``pops`` is a population of ``NTWK``."""
    if isinstance(pops, str):
        pops = [pops]
    known = NTWK["POPULATIONS"] + NTWK["AFFERENT_POPULATIONS"]
    for p in pops:
        if p not in known:
            raise ModelKeyError(
                f"Unknown population {p!r} in {what}; this network has "
                f"populations {NTWK['POPULATIONS']} and afferents {NTWK['AFFERENT_POPULATIONS']}."
            )


_check_pops = check_population


_cell_indices = cell_indices


def _recorded_cells(with_Vm, pop, N):
    """Indices of the cells of ``pop`` whose membrane potential is recorded."""
    spec = with_Vm.get(pop, 0) if isinstance(with_Vm, dict) else with_Vm
    what = f"with_Vm[{pop!r}]" if isinstance(with_Vm, dict) else "with_Vm"
    if np.ndim(spec) == 0 and not isinstance(spec, str):
        if isinstance(spec, (bool, np.bool_)) or not isinstance(spec, numbers.Integral) or not 0 <= spec <= N:
            raise ModelValueError(
                f"{what} = {spec!r}: give a number of cells in [0, {N}] (population {pop!r} has "
                f"N = {N}), a list of cell indices, or a dict {{population: indices}}."
            )
        return np.arange(int(spec))
    return np.unique(_cell_indices(spec, N, what))


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
        Record every spike (also of explicit afferent populations created later
        with ``construct_feedforward_input(..., shared=True)``).
    with_Vm : int, sequence of int, or dict
        Record the membrane potential of the first ``with_Vm`` cells of each
        population (an int in ``[0, N]`` for every population), of the given cell
        indices, or ``{pop: number or indices}`` per population.
    with_pop_act : bool
        Record the population rate at every time step.
    with_synaptic_currents, with_synaptic_conductances : bool
        Also record ``Ie``, ``Ii`` (pA) and every ``Gsyn_<pre>`` (nS) of the
        ``with_Vm`` recorded cells.
    verbose : bool

    Returns
    -------
    network.Network
        The network (``NTWK``): a dict with the keys of the module docstring, and
        its own clock (the Model's ``dt``; no brian2 global is changed), its state
        and, after the run, its brian2 Network (see :class:`network.Network`).

    Raises
    ------
    ModelKeyError
        A missing, misspelt or unknown Model key, a population without ``N_<pop>``.
    ModelValueError
        A value out of range (see :func:`network.model.validate_model`), a population
        listed twice, ``N = 0`` for a simulated population, a bad ``with_Vm``.
    SimulationError
        The ``cpp_standalone`` device has already run a network in this process.
    """
    b2 = _b2()
    from .run import standalone_device_used

    if standalone_device_used():
        raise SimulationError(
            "brian2's cpp_standalone device has already built and run a network in this process; "
            "call network.set_code_target('cpp_standalone', directory=...) again before building "
            "another one (the data of the first network stays readable)."
        )
    Model = _model_grammar.plain_model(Model)  # validates (raises and warns as validate_model), Quantities -> seed units
    pops_in_model = _model_grammar.population_names(Model)
    for arg, names in (("NEURONS", NEURONS), ("AFFERENT_POPULATIONS", AFFERENT_POPULATIONS)):
        if isinstance(names, str) or not all(isinstance(p, str) for p in names):
            raise ModelValueError(f"{arg} = {names!r} must be a list of population names, e.g. ['Exc', 'Inh'].")
        twice = sorted({p for p in names if list(names).count(p) > 1})
        if twice:
            raise ModelValueError(f"{arg} lists {twice} more than once; give each population once.")
    NEURONS, AFFERENT_POPULATIONS = list(NEURONS), list(AFFERENT_POPULATIONS)
    for p in NEURONS + AFFERENT_POPULATIONS:
        if p not in pops_in_model:
            raise ModelKeyError(
                f"Population {p!r} has no 'N_{p}' key in the Model (declared: {pops_in_model})."
            )
    if set(NEURONS) & set(AFFERENT_POPULATIONS):
        raise ModelValueError(f"{sorted(set(NEURONS) & set(AFFERENT_POPULATIONS))} listed both as simulated and afferent.")
    if isinstance(with_Vm, dict) and set(with_Vm) - set(NEURONS):
        raise ModelKeyError(f"with_Vm names {sorted(set(with_Vm) - set(NEURONS))}, which are not simulated "
                            f"populations ({NEURONS}).")
    dt = get(Model, "dt", "the integration step")
    tstop = get(Model, "tstop", "the simulation duration")
    if "SEED" not in Model:
        raise ModelKeyError("Missing Model key 'SEED': the seed of the network's random numbers (int).")
    seed = check_seed(Model["SEED"], "Model['SEED']")
    # every check before the first brian2 object: a failed build leaves nothing behind
    spec = {}
    for pop in NEURONS:
        N = int(get(Model, f"N_{pop}", f"population {pop!r}"))
        if N < 1:
            raise ModelValueError(f"Model['N_{pop}'] = 0: a simulated population needs at least one "
                                  f"cell (remove {pop!r} from the simulated populations instead).")
        presyn = [pre for pre in NEURONS + AFFERENT_POPULATIONS if f"Q_{pre}_{pop}" in Model]
        spec[pop] = (N, cell_parameters(Model, pop), presyn,
                     {pre: synaptic_parameters(Model, pre) for pre in presyn},
                     _recorded_cells(with_Vm, pop, N))
    # the network's own clock: no brian2 global (defaultclock) is set
    from .run import claim_device_for_network, code_target

    claim_device_for_network()
    NTWK = Network(Model, NEURONS, AFFERENT_POPULATIONS, dt, tstop, seed, with_raster, code_target())
    clock = NTWK.clock
    for pop in NEURONS:
        N, params, presyn, syn, record = spec[pop]
        driven = [pre for pre in presyn if pre in AFFERENT_POPULATIONS]
        eqs = _equations(params, [(pre, syn[pre][1] > params["Vthre"]) for pre in presyn], driven)
        clamped = "Vclamp" in params
        G = b2.NeuronGroup(
            N, eqs, method="euler", name=f"{pop}", clock=clock,
            threshold=None if clamped else "V > Vspike",
            reset=None if clamped else "V = Vreset; w += b",
            refractory=False if clamped else "Trefrac",
            events={f"input_{pre}": f"Lambda_{pre} >= Enext_{pre}" for pre in driven},
            namespace={f"rate_{pre}": b2.TimedArray(np.zeros(1) * b2.Hz, dt=dt * b2.ms,
                                                    name=f"rate_{pre}_{pop}_none") for pre in driven},
        )
        for pre in driven:  # see network.stim: independent Poisson input by time rescaling
            G.run_on_event(f"input_{pre}", f"Gsyn_{pre} += Q_{pre}*(1 + poisson(Lambda_{pre} - Enext_{pre}))\n"
                           f"Lambda_{pre} = 0\nEnext_{pre} = -log(1 - rand())")
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
        if len(record):
            variables = ["V"]
            if with_synaptic_currents:
                variables += ["Ie", "Ii"]
            if with_synaptic_conductances:
                variables += [f"Gsyn_{pre}" for pre in presyn]
            if clamped:
                variables.append("Iclamp")
            NTWK["VMS"][pop] = b2.StateMonitor(G, variables, record=record, name=f"vms_{pop}", clock=clock)
        NTWK["OBJECTS"] += [m[pop] for m in (NTWK["RASTER"], NTWK["POP_ACT"], NTWK["VMS"]) if pop in m]
        if verbose:
            kind = "LIF" if params["deltaV"] == 0 else "AdExp"
            print(f"[network] {pop}: {N} {kind} cells, conductances from {presyn or 'nobody'}")
    initialize_to_rest(NTWK)  # brian2 would start V at 0 mV, above every spike level
    return NTWK


def _per_synapse(values, n, name, unit):
    """A scalar or one finite value >= 0 per synapse (plain numbers in ``unit``)."""
    arr = np.asarray(plain(values, unit, name), dtype=np.float64)
    if arr.shape not in ((), (n,)):
        raise ModelValueError(f"{name} has shape {arr.shape}: give one value (in {unit}) or one per "
                              f"synapse, shape ({n},).")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        k = int(np.flatnonzero(bad.ravel())[0])
        raise ModelValueError(f"{name}: element [{k}] = {float(arr.ravel()[k]):g} {unit}; values must be "
                              f"finite and >= 0.")
    return arr


def make_synapses(NTWK, pre, post, source, i, j, weights=None, delays=None, release_probability=None,
                  name=None):
    """Create (and register in ``NTWK['OBJECTS']``) brian2 Synapses from validated indices.

    The one place that builds synapses, shared by :func:`connect` and
    :mod:`network.stim`: ``on_pre`` increments ``Gsyn_<pre>`` of the target by
    ``Q_<pre>_<post>`` (or per-synapse ``wsyn``), optionally gated by the release
    probability (Model key ``psyn_<pre>_<post>`` by default) and delayed
    (``delay_<pre>_<post>``).  The synapses run on the network's clock.

    Parameters
    ----------
    NTWK : network.Network
    pre, post : str
        Presynaptic (simulated or afferent) and postsynaptic population.
    source : brian2 group
        The presynaptic group.
    i, j : numpy.ndarray of int64
        Validated presynaptic and postsynaptic indices.
    weights : float, array_like or Quantity, optional
        nS, one or one per synapse.
    delays : float, array_like or Quantity, optional
        ms, one or one per synapse.
    release_probability : float, optional
    name : str, optional

    Returns
    -------
    brian2.Synapses
    """
    check_not_run(NTWK, f"synapses {pre}->{post}")
    b2 = _b2()
    Model = NTWK["Model"]
    if release_probability is None and f"psyn_{pre}_{post}" in Model:
        release_probability = float(Model[f"psyn_{pre}_{post}"])
    if delays is None and f"delay_{pre}_{post}" in Model:
        delays = float(Model[f"delay_{pre}_{post}"])
    model, increment = "", f"Q_{pre}_post"
    if weights is not None:
        weights = _per_synapse(weights, i.size, f"weights of {pre}->{post}", "nS")
        model, increment = "wsyn : siemens (constant)", "wsyn"
    if delays is not None:
        delays = _per_synapse(delays, i.size, f"delays of {pre}->{post}", "ms")
    on_pre = f"Gsyn_{pre}_post += {increment}"
    if release_probability is not None:
        if isinstance(release_probability, (bool, np.bool_, str, bytes)):
            raise UnitError(f"release probability {release_probability!r} for {pre}->{post} must be a "
                            f"number in [0, 1].")
        if np.ndim(release_probability) != 0:
            raise ModelValueError(f"release probability {release_probability!r} for {pre}->{post} must be a "
                                  f"number in [0, 1].")
        release_probability = float(check_probability(
            release_probability, f"release probability of {pre}->{post}", error=ModelValueError))
        model += "\nprelease : 1 (shared, constant)"
        on_pre = f"Gsyn_{pre}_post += {increment}*int(rand() < prelease)"
    names = {o.name for o in NTWK["OBJECTS"]}
    base = name or f"syn_{pre}_{post}"
    name, n = base, 1
    while name in names:  # a second projection between the same populations adds to the first
        name, n = f"{base}_{n}", n + 1
    S = b2.Synapses(source, NTWK["NEURONS"][post], model=model, on_pre=on_pre, namespace={}, name=name,
                    clock=NTWK.clock)
    if i.size:
        _connect_arrays(S, i, j)
    else:  # brian2 cannot take empty index arrays; an empty projection is legitimate (K = 0)
        S.connect(False)
    if weights is not None:
        S.wsyn = weights * b2.nS
    if release_probability is not None:
        S.prelease = float(release_probability)
    if delays is not None:
        S.delay = delays * b2.ms
    NTWK["OBJECTS"].append(S)
    return S


_synapses = make_synapses


def _connect_arrays(S, i, j):
    """``S.connect(i=i, j=j)``; in runtime mode through brian2's numpy template.

    The Cython target would generate and compile one synapse-creation module per
    Synapses object (their variable names differ), about 5 s each on a cold cache,
    for a step that runs once; numpy's template is vectorised and compiles nothing.
    The run itself still uses the chosen target.
    """
    b2 = _b2()
    if b2.get_device().__class__.__name__ != "RuntimeDevice":
        S.connect(i=i, j=j)
        return
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    previous = S.codeobj_class
    S.codeobj_class = NumpyCodeObject
    try:
        S.connect(i=i, j=j)
    finally:
        S.codeobj_class = previous


def connect(NTWK, pre, post, i, j, weights=None, delays=None, release_probability=None, name=None,
            source=None):
    """Create the synapses ``pre -> post`` from index arrays.

    Parameters
    ----------
    NTWK : network.Network
    pre, post : str
        Presynaptic population (simulated or afferent) and postsynaptic population.
    i, j : array_like of int
        Presynaptic and postsynaptic indices (an empty projection is allowed).
    weights : float, array_like or Quantity, optional
        Conductance increments in nS (one, or one per synapse); by default every
        synapse uses the population weight ``Q_<pre>_<post>`` (a shared parameter of
        ``post``).
    delays : float, array_like or Quantity, optional
        Transmission delays in ms (one, or one per synapse; default:
        ``delay_<pre>_<post>`` if in the Model, else none).
    release_probability : float, optional
        Each presynaptic spike is transmitted with this probability (default:
        ``psyn_<pre>_<post>`` if in the Model, else 1).
    name : str, optional
        Name of the brian2 object (default ``syn_<pre>_<post>``, then
        ``syn_<pre>_<post>_1``... for further projections between the same populations).
    source : brian2 group, optional
        The presynaptic group when ``pre`` is an afferent population simulated as
        spike sources (see :mod:`network.stim`).

    Returns
    -------
    brian2.Synapses
        Stored in ``NTWK['CONNECTIONS'][(pre, post)]`` (further projections between the
        same populations under ``(pre + '_1', post)``...); their synapses add up.
        ``NTWK['CONNECTIVITY'][(pre, post)]`` holds the ``(i, j)`` of all of them.

    Raises
    ------
    ModelKeyError
        Unknown population, or no ``Q_<pre>_<post>`` conductance in ``post``.
    UnitError
        Weights or delays given as Quantities of another dimension.
    ModelValueError
        Indices out of range or not whole numbers, weights/delays of the wrong
        shape or negative, a release probability outside [0, 1].
    """
    NTWK = as_network(NTWK, "connect()")
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
    i = _cell_indices(i, len(source), f"presynaptic indices i of {pre}->{post}")
    j = _cell_indices(j, len(NTWK["NEURONS"][post]), f"postsynaptic indices j of {pre}->{post}")
    if i.shape != j.shape:
        raise ModelValueError(f"i and j of {pre}->{post} must have equal lengths, got {i.size} and {j.size}.")
    S = _synapses(NTWK, pre, post, source, i, j, weights, delays, release_probability, name)
    key, n = (pre, post), 1
    while key in NTWK["CONNECTIONS"]:
        key, n = (f"{pre}_{n}", post), n + 1
    NTWK["CONNECTIONS"][key] = S
    if (pre, post) in NTWK["CONNECTIVITY"]:
        i0, j0 = NTWK["CONNECTIVITY"][(pre, post)]
        i, j = np.concatenate([i0, i]), np.concatenate([j0, j])
    NTWK["CONNECTIVITY"][(pre, post)] = (i, j)
    return S


def _pairs(NTWK):
    """Recurrent (pre, post) pairs that have a probability key in the Model."""
    pops = NTWK["POPULATIONS"]
    return [(pre, post) for post in pops for pre in pops if f"p_{pre}_{post}" in NTWK["Model"]]


def recurrent_connections(NTWK, seed=UNSET, rule="fixed_indegree", autapses=True, verbose=False, SEED=UNSET):
    """Connect the simulated populations with each other, as the Model says.

    For every pair with a ``p_<pre>_<post>`` key, synapses of weight
    ``Q_<pre>_<post>`` are drawn with ``rule``.  A pair with a ``Q_`` but no ``p_``
    key gets its conductance but no synapses here (connect it with
    :func:`connect`, :func:`connections_from_matrix` or :func:`ring_connections`).

    Parameters
    ----------
    NTWK : network.Network
    seed : int
        Seed of the connectivity (>= 0; default 1, as in the original API).  Pair
        ``(pre, post)`` draws from its own stream, ``SeedSequence([seed,
        crc32(pre), crc32(post)])``: adding or removing another pair leaves it
        unchanged.  ``SEED`` is the original API's name of the same argument.
    rule : {'fixed_indegree', 'bernoulli', 'original'}
        ``'fixed_indegree'`` (default): each cell draws exactly ``round(p N_pre)``
        *distinct* partners, autapses allowed unless ``autapses=False``;
        ``'bernoulli'``: independent coin flips; ``'original'``: the original
        project's rule, ``int(p N_pre)`` partners drawn *with replacement* (a pair
        may be connected twice) and no autapses in a recurrent projection
        (:func:`network.connectivity.fixed_indegree_with_replacement`).
    autapses : bool
        Allow a cell to connect to itself in recurrent projections (rules
        ``'fixed_indegree'`` and ``'bernoulli'``; the original rule has none).
    verbose : bool
    SEED : int, optional
        Alias of ``seed``.
    """
    NTWK = as_network(NTWK, "recurrent_connections()")
    rules = {"fixed_indegree": conn.fixed_indegree, "bernoulli": conn.bernoulli, "original": None}
    if rule not in rules:
        raise ModelValueError(f"rule = {rule!r}: choose one of {sorted(rules)}.")
    seed = resolve_seed(seed, SEED, "recurrent_connections()", default=1)
    check_not_run(NTWK, "recurrent_connections()")
    if NTWK.connected:
        raise SimulationError(
            "recurrent_connections() was already called on this network: a second call would "
            "add a second set of synapses to every pair (e.g. when a notebook cell runs "
            "twice). Build the populations again for another connectivity, or add extra "
            "synapses explicitly with network.build.connect()."
        )
    NTWK.connected = True
    NTWK["SEEDS"]["connectivity"] = seed
    Model = NTWK["Model"]
    for pre, post in _pairs(NTWK):
        same = pre == post
        rng = np.random.default_rng(seed_sequence(seed, pre, post))
        N_pre, N_post, p = Model[f"N_{pre}"], Model[f"N_{post}"], Model[f"p_{pre}_{post}"]
        if rule == "original":
            i, j = _original_rule(N_pre, N_post, p, rng, same)
        else:
            i, j = rules[rule](N_pre, N_post, p, rng, autapses=autapses or not same)
        connect(NTWK, pre, post, i, j)
        if verbose:
            print(f"[network] {pre} -> {post}: {len(i)} synapses ({rule})")


def _original_rule(N_pre, N_post, p, rng, recurrent):
    """The original project's sampler (network.connectivity), without autapses in a recurrent pair."""
    i, j = conn.fixed_indegree_with_replacement(N_pre, N_post, p, rng, autapses=not recurrent)
    return np.asarray(i, np.int64), np.asarray(j, np.int64)


def _population_size(NTWK, pop, what):
    _check_pops(NTWK, [pop], what)
    return int(NTWK["Model"][f"N_{pop}"])


def connections_from_matrix(NTWK, pre, post, matrix, delays=None, verbose=False):
    """Connect ``pre -> post`` from a user matrix (dense or scipy.sparse, shape (N_pre, N_post)).

    A boolean matrix uses the population weight ``Q_<pre>_<post>``; a numeric
    matrix gives each synapse its own weight in nS (zeros: no synapse), or a
    brian2 Quantity array of conductances.  ``delays`` as in :func:`connect` (ms or
    Quantity).
    """
    NTWK = as_network(NTWK, "connections_from_matrix()")
    shape = (_population_size(NTWK, pre, "connections_from_matrix()"),
             _population_size(NTWK, post, "connections_from_matrix()"))
    if _is_sparse(matrix):
        got = matrix.shape
    else:
        if hasattr(matrix, "dim"):
            matrix = plain(matrix, "nS", f"matrix of {pre}->{post}")
        try:
            matrix = np.asarray(matrix)
        except (TypeError, ValueError):
            raise UnitError(f"matrix of {pre}->{post} must be numbers (nS) or booleans.") from None
        if matrix.dtype.kind not in "biuf":
            raise UnitError(f"matrix of {pre}->{post} has dtype {matrix.dtype}: give booleans "
                            f"(connected or not) or weights in nS.")
        got = matrix.shape
    if got != shape:
        raise ModelValueError(f"matrix for {pre}->{post} has shape {got}, expected {shape} (N_pre, N_post).")
    i, j, w = conn.from_matrix(matrix)
    S = connect(NTWK, pre, post, i, j, weights=w, delays=delays)
    if verbose:
        print(f"[network] {pre} -> {post}: {len(i)} synapses (matrix)")
    return S


def _is_sparse(matrix):
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - scipy is a dependency
        return False
    return sp.issparse(matrix)


def ring_connections(NTWK, pre, post, sigma, seed=UNSET, delay_min=0.0, delay_max=0.0, autapses=False,
                     verbose=False, SEED=UNSET):
    """Distance-dependent connectivity on a ring, with distance-dependent delays.

    Each cell of ``post`` draws ``round(p_<pre>_<post> * N_pre)`` inputs with a
    Gaussian preference of width ``sigma`` (fraction of the circumference, see
    :func:`network.connectivity.ring`).  The delay grows linearly with ring distance
    ``d`` in [0, 0.5]: ``delay_min + 2 d (delay_max - delay_min)`` (ms or Quantity),
    i.e. ``delay_max`` for diametrically opposite cells.  The draw uses the stream
    ``SeedSequence([seed, crc32(pre), crc32(post)])`` (``SEED``: alias of ``seed``).
    """
    NTWK = as_network(NTWK, "ring_connections()")
    N_pre = _population_size(NTWK, pre, "ring_connections()")
    N_post = _population_size(NTWK, post, "ring_connections()")
    p = get(NTWK["Model"], f"p_{pre}_{post}", f"ring connections {pre}->{post}")
    seed = resolve_seed(seed, SEED, "ring_connections()")
    delay_min = plain(delay_min, "ms", "delay_min")
    delay_max = plain(delay_max, "ms", "delay_max")
    sigma = plain(sigma, "1", "sigma")
    if not 0 <= delay_min <= delay_max:
        raise ModelValueError(f"need 0 <= delay_min <= delay_max (ms), got {delay_min}, {delay_max}.")
    i, j, d = conn.ring(N_pre, N_post, p, sigma, np.random.default_rng(seed_sequence(seed, pre, post)),
                        autapses=autapses or pre != post)
    NTWK["SEEDS"][f"ring_{pre}_{post}"] = seed
    S = connect(NTWK, pre, post, i, j, delays=delay_min + 2.0 * d * (delay_max - delay_min))
    if verbose:
        print(f"[network] {pre} -> {post}: {len(i)} synapses (ring, sigma={sigma})")
    return S


def check_not_run(NTWK, what):
    """Raise SimulationError if ``NTWK`` has already run: its structure can no longer change."""
    as_network(NTWK, what).check_not_run(what)


def initialize_to_rest(NTWK):
    """Set V to the leak reversal (or the clamp level), w and all conductances to 0.

    :func:`populations` already leaves every population in this state; call it again
    to undo :func:`initialize_to_random` or other changes before the run.
    """
    check_not_run(NTWK, "initialize_to_rest()")
    b2 = _b2()
    seed = NTWK["SEEDS"]["network"]
    for pop, G in NTWK["NEURONS"].items():  # event clocks of the independent drives
        for pre in NTWK["PRESYNAPTIC"][pop]:
            if f"Enext_{pre}" in G.variables:
                rng = np.random.default_rng(seed_sequence(seed, "drive", pre, pop))
                setattr(G, f"Lambda_{pre}", 0.0)
                setattr(G, f"Enext_{pre}", rng.standard_exponential(len(G)))
    for pop, G in NTWK["NEURONS"].items():
        G.V = G.Vclamp if "Vclamp" in G.variables else G.El
        G.w = 0 * b2.pA
        G.Ipulse = 0 * b2.pA
        for pre in NTWK["PRESYNAPTIC"][pop]:
            setattr(G, f"Gsyn_{pre}", 0 * b2.nS)


def _mean_sd(value, unit, name):
    """``(mean, sd)`` in ``unit`` from a pair of numbers or Quantities, sd >= 0."""
    if hasattr(value, "dim") or np.ndim(value) != 1 or len(value) != 2:
        raise ModelValueError(f"{name} = {value!r}: give (mean, standard deviation) in {unit}.")
    mean, sd = (plain(v, unit, name) for v in value)
    if not (np.isfinite(mean) and np.isfinite(sd) and sd >= 0):
        raise ModelValueError(f"{name} = ({mean:g}, {sd:g}) {unit}: need a finite mean and a standard "
                              f"deviation >= 0.")
    return float(mean), float(sd)


def initialize_to_random(NTWK, seed=UNSET, V=None, G=None, V_range=None, SEED=UNSET):
    """Random initial membrane potentials and synaptic conductances.

    Every population first goes back to rest (:func:`initialize_to_rest`); then

    * ``V``: each non-clamped cell draws its V from a normal law ``(mean, sd)`` (mV
      or Quantities), one pair for all populations or a dict ``{pop: (mean, sd)}``
      (populations not in the dict stay at rest); the original API's form;
    * ``G``: ``{presynaptic population: (mean, sd)}`` (nS or Quantities): every
      cell with a conductance from that population gets ``|normal(mean, sd)|``
      (the absolute value: a conductance is never negative);
    * ``V_range``: ``(low, high)`` (mV): V uniform in that interval instead of
      ``V``; with neither ``V`` nor ``V_range``, V is uniform in ``[El, Vthre]``
      of each population.

    Parameters
    ----------
    NTWK : network.Network
    seed : int
        Seed of the draws (recorded as ``NTWK['SEEDS']['initial']``); ``SEED`` is
        the original API's name.  Each population and variable draws from its own
        stream ``SeedSequence([seed, crc32('V' or 'G_<pre>'), crc32(pop)])``.
    V : tuple or dict, optional
    G : dict, optional
    V_range : tuple, optional
    SEED : int, optional

    Raises
    ------
    ModelValueError
        A malformed pair, a negative sd, both ``V`` and ``V_range``, an unknown
        population or presynaptic population.
    UnitError
        Values of the wrong dimension.
    """
    NTWK = as_network(NTWK, "initialize_to_random()")
    seed = resolve_seed(seed, SEED, "initialize_to_random()")
    b2 = _b2()
    if V is not None and V_range is not None:
        raise ModelValueError("initialize_to_random: give V=(mean, sd) or V_range=(low, high), not both.")
    if V_range is not None:
        V_range = np.asarray(plain(V_range, "mV", "V_range"), dtype=np.float64)
        if V_range.shape != (2,) or not np.all(np.isfinite(V_range)) or V_range[0] > V_range[1]:
            raise ModelValueError(f"V_range = {V_range.tolist()}: give (V_low, V_high) in mV with V_low <= V_high.")
    pops = NTWK["POPULATIONS"]
    if isinstance(V, dict):
        check_population(NTWK, list(V), "initialize_to_random(V=...)")
        V_spec = {pop: _mean_sd(v, "mV", f"V[{pop!r}]") for pop, v in V.items()}
    elif V is not None:
        pair = _mean_sd(V, "mV", "V")
        V_spec = {pop: pair for pop in pops}
    else:
        V_spec = None
    G_spec = {}
    if G is not None:
        if not isinstance(G, dict):
            raise ModelValueError(f"G = {G!r}: give {{presynaptic population: (mean, sd) in nS}}.")
        check_population(NTWK, list(G), "initialize_to_random(G=...)")
        for pre, v in G.items():
            if not any(pre in NTWK["PRESYNAPTIC"][pop] for pop in pops):
                raise ModelKeyError(f"initialize_to_random: G[{pre!r}]: no population receives a conductance "
                                    f"from {pre!r} (no Q_{pre}_<pop> key).")
            G_spec[pre] = _mean_sd(v, "nS", f"G[{pre!r}]")
    NTWK["SEEDS"]["initial"] = seed
    initialize_to_rest(NTWK)
    for pop, grp in NTWK["NEURONS"].items():
        if "Vclamp" not in grp.variables:
            rng = np.random.default_rng(seed_sequence(seed, "V", pop))
            if V_spec is not None:
                if pop in V_spec:
                    mean, sd = V_spec[pop]
                    grp.V = rng.normal(mean, sd, len(grp)) * b2.mV
            else:
                lo, hi = V_range if V_range is not None else (float(grp.El / b2.mV), float(grp.Vthre / b2.mV))
                grp.V = rng.uniform(lo, hi, len(grp)) * b2.mV
        for pre, (mean, sd) in G_spec.items():
            if pre in NTWK["PRESYNAPTIC"][pop]:
                rng = np.random.default_rng(seed_sequence(seed, f"G_{pre}", pop))
                setattr(grp, f"Gsyn_{pre}", np.abs(rng.normal(mean, sd, len(grp))) * b2.nS)
