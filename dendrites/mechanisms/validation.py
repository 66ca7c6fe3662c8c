"""Single-compartment protocols for checking mechanisms, in brian2 and in reference simulators.

The brian2 runners take a :class:`~dendrites.mechanisms.Membrane`; the reference
runners build the same single compartment in NEURON (built-in mechanisms such as
``hh``) or Arbor (its compiled ``bbp_catalogue``, the mod files of Hay et al. 2011,
and its ``default_catalogue``). NEURON and Arbor are imported only when their
runner is called (they are in the toolkit's test extra).

Conventions: times in ms, potentials in mV, the returned current densities in
A/m**2 *inward positive* (the sign of brian2's ``Im``; NEURON and Arbor report
outward currents, which the runners negate), concentrations in mM.

Voltage clamp: every runner starts with the states at their steady state at
``v_hold`` and then holds ``v`` at ``v_step``; sample ``k`` (time ``k*dt``) is the
state after ``k`` updates at ``v_step``. Current clamp: a sphere-equivalent
compartment (a cylinder of length = diameter, whose lateral area equals the
sphere's) receives a current step.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..errors import ParameterError

__all__ = ["brian2_voltage_clamp", "brian2_current_clamp", "arbor_voltage_clamp",
           "arbor_current_clamp", "neuron_voltage_clamp", "neuron_current_clamp",
           "spike_times"]


@contextlib.contextmanager
def _codegen_target(target):
    """Set brian2's codegen target for the duration of a run, and restore it."""
    import brian2

    old = brian2.prefs.codegen.target
    brian2.prefs.codegen.target = target
    try:
        yield
    finally:
        brian2.prefs.codegen.target = old


def _assign(group, membrane, overrides):
    import brian2

    from .core import as_quantity

    values = dict(membrane.parameters)
    for key, value in (overrides or {}).items():
        if key not in values:
            raise ParameterError(f"parameter override {key!r} is not a parameter of {membrane!r}; "
                                 f"parameters are {list(values)}.")
        default = values[key]
        dim = brian2.get_dimensions(default) if isinstance(default, brian2.Quantity) \
            else brian2.units.fundamentalunits.DIMENSIONLESS
        values[key] = as_quantity(value, dim, key, "parameters")
    for key, value in values.items():
        setattr(group, key, value)
    return values


def brian2_voltage_clamp(membrane, v_hold, v_step, duration, dt, variables, *, parameters=None,
                         target="numpy"):
    """Hold single compartments at ``v_step`` after steady state at ``v_hold``.

    Several protocols run at once, one compartment each (a ``NeuronGroup`` with
    ``v`` as a parameter).

    Parameters
    ----------
    membrane : Membrane
    v_hold, v_step : float or array_like
        Holding and step potentials, mV (broadcast against each other).
    duration : float
        Length of the step, ms.
    dt : float
        Time step, ms.
    variables : sequence of str
        Membrane variables to record (states, currents, ``cai``, ...).
    parameters : dict, optional
        ``{parameter: value}`` overriding the membrane's defaults.
    target : str
        brian2 runtime codegen target (set around the run and restored).

    Returns
    -------
    dict
        ``"t"`` (ms) and, per variable, an array of shape (protocols, samples) (or
        (samples,) when both potentials are scalars) in brian2's SI base units
        (current densities in A/m**2, inward positive; ``cai`` in mol/m**3 = mM).
    """
    from brian2 import NeuronGroup, StateMonitor, Network, mV, ms

    scalar = np.ndim(v_hold) == 0 and np.ndim(v_step) == 0
    v_hold, v_step = np.broadcast_arrays(np.atleast_1d(np.asarray(v_hold, float)),
                                         np.atleast_1d(np.asarray(v_step, float)))
    eqs = membrane.equations + "v : volt\n"
    with _codegen_target(target):
        group = NeuronGroup(len(v_hold), eqs, method="exponential_euler", dt=dt * ms,
                            name="clamped*")
        _assign(group, membrane, parameters)
        group.v = v_hold * mV
        for state, expression in membrane.initial.items():
            setattr(group, state, expression)
        group.v = v_step * mV
        monitor = StateMonitor(group, list(variables), record=True, dt=dt * ms)
        net = Network(group, monitor)
        net.run(duration * ms, namespace={})
    out = {"t": np.asarray(monitor.t / ms)}
    for var in variables:
        values = np.asarray(getattr(monitor, var))
        out[var] = values[0] if scalar else values
    return out


def brian2_current_clamp(membrane, amplitude, onset, width, tstop, dt, *, diameter=20.0, v_init=-65.0,
                         Cm=1.0, parameters=None, variables=(), target="numpy"):
    """Inject a current step into one compartment of area ``pi*diameter**2``.

    Parameters
    ----------
    membrane : Membrane
    amplitude : float
        Step amplitude, nA.
    onset, width, tstop, dt : float
        Step onset and width, simulated time and time step, ms.
    diameter : float
        Compartment diameter, um (area pi*diameter**2, a sphere or a cylinder of
        length = diameter).
    v_init : float
        Initial potential, mV; the states start at their steady state there.
    Cm : float
        Specific capacitance, uF/cm**2.
    parameters : dict, optional
        Overrides of the membrane's defaults.
    variables : sequence of str
        Further variables to record beside ``v``.
    target : str
        brian2 runtime codegen target (set around the run and restored).

    Returns
    -------
    dict
        ``"t"`` (ms), ``"v"`` (mV) and the requested variables (SI).
    """
    from brian2 import (SpatialNeuron, Soma, StateMonitor, Network, um, mV, ms, nA, uF, cm, ohm)

    eqs = (membrane.equations
           + f"Im = {membrane.currents} : amp/meter**2\n"
           + "I_inj = I_amp*int(t >= t_on)*int(t < t_off) : amp (point current)\n"
           + "I_amp : amp (shared)\nt_on : second (shared)\nt_off : second (shared)\n")
    with _codegen_target(target):
        neuron = SpatialNeuron(Soma(diameter=diameter * um), eqs, Cm=Cm * uF / cm ** 2,
                               Ri=100 * ohm * cm, method="exponential_euler", dt=dt * ms,
                               name="clamped*")
        _assign(neuron, membrane, parameters)
        neuron.I_amp = amplitude * nA
        neuron.t_on = onset * ms
        neuron.t_off = (onset + width) * ms
        neuron.v = v_init * mV
        for state, expression in membrane.initial.items():
            setattr(neuron, state, expression)
        monitor = StateMonitor(neuron, ["v"] + list(variables), record=0, dt=dt * ms)
        net = Network(neuron, monitor)
        net.run(tstop * ms, namespace={})
    out = {"t": np.asarray(monitor.t / ms), "v": np.asarray(monitor.v[0] / mV)}
    for var in variables:
        out[var] = np.asarray(getattr(monitor, var)[0])
    return out


def spike_times(t, v, threshold=0.0):
    """Upward crossings of ``threshold`` by ``v``, linearly interpolated.

    Parameters
    ----------
    t, v : array_like
        Times (ms) and potentials (mV).
    threshold : float
        mV.

    Returns
    -------
    numpy.ndarray
        Crossing times, ms.
    """
    t = np.asarray(t, float)
    v = np.asarray(v, float)
    idx = np.flatnonzero((v[:-1] < threshold) & (v[1:] >= threshold))
    frac = (threshold - v[idx]) / (v[idx + 1] - v[idx])
    return t[idx] + frac * (t[idx + 1] - t[idx])


# ------------------------------------------------------------------------ Arbor

def _arbor_cell(mechanisms, *, diameter, v_init, Cm, ions, celsius, clamp=None, stimulus=None):
    import arbor as A

    U = A.units
    r = diameter / 2.0
    tree = A.segment_tree()
    tree.append(A.mnpos, A.mpoint(-r, 0, 0, r), A.mpoint(r, 0, 0, r), tag=1)
    decor = A.decor()
    decor.set_property(Vm=v_init * U.mV, cm=Cm * 0.01 * U.F / U.m2, rL=100 * U.Ohm * U.cm,
                       tempK=(celsius + 273.15) * U.Kelvin)
    for ion, settings in ions.items():
        kwargs = {}
        if "rev_pot" in settings:
            kwargs["rev_pot"] = settings["rev_pot"] * U.mV
        if "int_con" in settings:
            kwargs["int_con"] = settings["int_con"] * U.mM
        if "ext_con" in settings:
            kwargs["ext_con"] = settings["ext_con"] * U.mM
        if "method" in settings:
            kwargs["method"] = settings["method"]
        decor.set_ion(ion, **kwargs)
    for name, params in mechanisms:
        decor.paint("(all)", A.density(name, params))
    if clamp is not None:
        decor.paint("(all)", A.voltage_process(f"v_clamp/v0={clamp}"))
    if stimulus is not None:
        onset, width, amplitude = stimulus
        decor.place('"c"', A.i_clamp(onset * U.ms, width * U.ms, amplitude * U.nA))
    labels = A.label_dict({"c": "(location 0 0.5)"})
    return A.cable_cell(tree, decor, labels, discretization=A.cv_policy_single())


def _arbor_run(cell, probes, tstop, dt, times=None):
    import arbor as A

    U = A.units

    class _Recipe(A.recipe):
        def __init__(self):
            A.recipe.__init__(self)
            self.props = A.neuron_cable_properties()
            self.props.catalogue.extend(A.bbp_catalogue(), "")

        def num_cells(self):
            return 1

        def cell_kind(self, gid):
            return A.cell_kind.cable

        def cell_description(self, gid):
            return cell

        def global_properties(self, kind):
            return self.props

        def probes(self, gid):
            return [p for _, p in probes]

    sim = A.simulation(_Recipe())
    schedule = (A.regular_schedule(dt * U.ms) if times is None
                else A.explicit_schedule([float(x) * U.ms for x in times]))
    handles = [sim.sample((0, tag), schedule) for tag, _ in probes]
    sim.run(tstop * U.ms, dt * U.ms)
    out = {}
    for (tag, _), handle in zip(probes, handles):
        data, _meta = sim.samples(handle)[0]
        out["t"] = np.asarray(data[:, 0])
        out[tag] = np.asarray(data[:, 1])
    return out


def _arbor_probes(records):
    """records: list of (tag, kind, args) -> arbor probes."""
    import arbor as A

    probes = []
    for tag, kind, arg in records:
        if kind == "v":
            probes.append((tag, A.cable_probe_membrane_voltage('"c"', tag)))
        elif kind == "state":
            mech, state = arg
            probes.append((tag, A.cable_probe_density_state('"c"', mech, state, tag)))
        elif kind == "ion_current":
            probes.append((tag, A.cable_probe_ion_current_density('"c"', arg, tag)))
        elif kind == "total_ion_current":
            probes.append((tag, A.cable_probe_total_ion_current_density('"c"', tag)))
        elif kind == "int_con":
            probes.append((tag, A.cable_probe_ion_int_concentration('"c"', arg, tag)))
        elif kind == "rev_pot":
            probes.append((tag, A.cable_probe_ion_reversal_potential('"c"', arg, tag)))
        else:
            raise ParameterError(f"unknown Arbor record kind {kind!r}.")
    return probes


def arbor_voltage_clamp(mechanisms, v_hold, v_step, duration, dt, records, *, ions=None,
                        celsius=34.0, diameter=20.0, substeps=1):
    """Arbor's single CV held at ``v_step`` after initialisation at ``v_hold``.

    Parameters
    ----------
    mechanisms : list of (str, dict)
        Arbor density mechanisms (``bbp_catalogue`` and ``default_catalogue``
        names) with parameter values in Arbor's (NEURON's) units.
    v_hold, v_step, duration, dt : float
        mV, mV, ms, ms (``dt`` is the sampling interval).
    records : list of (tag, kind, arg)
        ``kind`` is ``"state"`` (``arg=(mechanism, state)``), ``"ion_current"``
        (``arg=ion``), ``"total_ion_current"`` (all mechanism currents; both in
        A/m**2 outward, as Arbor reports them), ``"int_con"`` (``arg=ion``; mM),
        ``"rev_pot"`` or ``"v"``.
    ions : dict, optional
        ``{ion: {"rev_pot": mV, "int_con": mM, "ext_con": mM, "method": ...}}``.
    celsius : float
        Temperature, degrees Celsius (Arbor's default is 6.3).
    diameter : float
        um.
    substeps : int
        Arbor integrates with ``dt/substeps``. Arbor's ``cnexp`` advances a
        linear gate with the (1,1) Pade approximant of the exponential (error
        O(dt**2) per unit time), where brian2 and NEURON use the exact exponential;
        substeps make Arbor's integration error small beside the tolerance.

    Returns
    -------
    dict
        ``"t"`` and one array per tag, sample ``k`` being the state after ``k*dt``
        at ``v_step``. Arbor applies the voltage process after its first state
        update (taken at ``v_hold``), so its samples are read one Arbor step
        later. The clamp is ideal: the capacitance is 1e6 uF/cm**2, so the
        mechanisms' currents cannot move v (Arbor's state update sees the
        potential of its cable solve, before the voltage process resets it).
    """
    step = dt / substeps
    cell = _arbor_cell(mechanisms, diameter=diameter, v_init=v_hold, Cm=1e6, ions=ions or {},
                       celsius=celsius, clamp=v_step)
    n = int(round(duration / dt))
    times = np.arange(n) * dt + 1.5 * step  # mid-step: robust to rounding of sample times
    out = _arbor_run(cell, _arbor_probes(records), duration + 2 * dt, step, times=times)
    aligned = {"t": np.arange(n) * dt}
    for tag, _kind, _arg in records:
        aligned[tag] = out[tag][:n]
    return aligned


def arbor_current_clamp(mechanisms, amplitude, onset, width, tstop, dt, *, ions=None, celsius=34.0,
                        diameter=20.0, v_init=-65.0, Cm=1.0, records=()):
    """Arbor's single CV (cylinder of length = diameter) under a current step.

    Parameters are those of :func:`arbor_voltage_clamp` and
    :func:`brian2_current_clamp` (nA, ms, mV, um, uF/cm**2).

    Returns
    -------
    dict
        ``"t"`` (ms), ``"v"`` (mV) and one array per extra record.
    """
    cell = _arbor_cell(mechanisms, diameter=diameter, v_init=v_init, Cm=Cm, ions=ions or {},
                       celsius=celsius, stimulus=(onset, width, amplitude))
    return _arbor_run(cell, _arbor_probes([("v", "v", None)] + list(records)), tstop, dt)


# ------------------------------------------------------------------------ NEURON

def _neuron_section(h, mechanism, params, diameter, celsius, ions):
    """One segment (L = diam) with ``mechanism`` (a name, or a list of (name, params))."""
    sec = h.Section(name="soma")
    sec.L = diameter
    sec.diam = diameter
    sec.nseg = 1
    inserted = [(mechanism, params)] if isinstance(mechanism, str) else list(mechanism)
    for name, values in inserted:
        sec.insert(name)
        for key, value in values.items():
            setattr(sec(0.5), f"{key}_{name}", value)
        # NEURON's hh tabulates its rates on a 1 mV grid (usetable_hh = 1); compare
        # against the exact rate functions.
        if hasattr(h, f"usetable_{name}"):
            setattr(h, f"usetable_{name}", 0)
    for key, value in ions.items():
        setattr(sec, key, value)
    h.celsius = celsius
    return sec


def neuron_voltage_clamp(mechanism, params, v_hold, v_step, duration, dt, records, *, celsius=6.3,
                         ions=None, diameter=20.0):
    """NEURON's built-in ``mechanism`` in one segment held at ``v_step``.

    The clamp is ideal: the segment's capacitance is made so large (1e9 uF/cm**2)
    that the mechanism's own current cannot move ``v`` within the run.

    Parameters
    ----------
    mechanism : str or list of (str, dict)
        NEURON density mechanism (e.g. ``"hh"``), built in or loaded with
        ``neuron.load_mechanisms``; or several as (name, range parameters).
    params : dict
        Range parameters of a single ``mechanism`` without suffix
        (``{"gnabar": 0.12}``), NEURON units.
    v_hold, v_step, duration, dt : float
        mV, mV, ms, ms.
    records : dict
        ``{tag: range variable name}``, e.g. ``{"m": "m_hh", "ina": "ina"}``.
    celsius : float
        degrees Celsius.
    ions : dict, optional
        Section-level ion values, e.g. ``{"ena": 50, "ek": -77}``.

    Returns
    -------
    dict
        ``"t"`` and one array per tag; sample ``k`` is the value after ``k``
        steps at ``v_step`` (currents as NEURON reports them, mA/cm**2 outward).
    """
    from neuron import h

    h.load_file("stdrun.hoc")
    sec = _neuron_section(h, mechanism, params, diameter, celsius, ions or {})
    sec.cm = 1e9
    h.dt = dt
    h.finitialize(v_hold)
    seg = sec(0.5)
    seg.v = v_step
    n = int(round(duration / dt))
    out = {tag: np.empty(n) for tag in records}
    for k in range(n):
        for tag, name in records.items():
            out[tag][k] = getattr(seg, name)
        h.fadvance()
    out["t"] = np.arange(n) * dt
    return out


def neuron_current_clamp(mechanism, params, amplitude, onset, width, tstop, dt, *, celsius=6.3,
                         ions=None, diameter=20.0, v_init=-65.0, Cm=1.0):
    """NEURON's built-in ``mechanism`` in one segment (L = diam) under an IClamp step.

    Returns
    -------
    dict
        ``"t"`` (ms) and ``"v"`` (mV), sampled every ``dt``; ``"_keep"`` holds the
        NEURON section and stimulus (they vanish when no Python reference remains).
    """
    from neuron import h

    h.load_file("stdrun.hoc")
    sec = _neuron_section(h, mechanism, params, diameter, celsius, ions or {})
    sec.cm = Cm
    stim = h.IClamp(sec(0.5))
    stim.delay = onset
    stim.dur = width
    stim.amp = amplitude
    tv = h.Vector().record(h._ref_t)
    vv = h.Vector().record(sec(0.5)._ref_v)
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.finitialize(v_init)
    h.continuerun(tstop)
    return {"t": np.array(tv), "v": np.array(vv), "_keep": (sec, stim)}
