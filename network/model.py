"""The Model dictionary: its grammar, units and validation.

A Model is a plain ``dict`` in the original project's unit system (ms, mV, pF, nS,
pA, Hz).  Keys follow a small grammar:

==========================  ======  ==================================================
key                         unit    meaning
==========================  ======  ==================================================
``N_<pop>``                 1       number of neurons of population ``<pop>``
``<pop>_Gl``                nS      leak conductance
``<pop>_Cm``                pF      membrane capacitance
``<pop>_Trefrac``           ms      absolute refractory period (V held at Vreset)
``<pop>_El``                mV      leak reversal potential
``<pop>_Vthre``             mV      threshold (AdExp: exponential onset)
``<pop>_Vreset``            mV      reset potential
``<pop>_deltaV``            mV      exponential slope factor (0 gives a LIF cell)
``<pop>_a``                 nS      sub-threshold adaptation
``<pop>_b``                 pA      spike-triggered adaptation increment
``<pop>_tauw``              ms      adaptation time constant
``<pop>_Vspike``            mV      optional spike-detection level (default
                                    ``Vthre + 5*deltaV``, i.e. ``Vthre`` for a LIF)
``<pop>_Iinj``              pA      optional constant injected current
``<pop>_Ioscill_amp``       pA      optional sinusoidal current amplitude
``<pop>_Ioscill_freq``      Hz      its frequency (required with the amplitude)
``<pop>_Vclamp``            mV      optional: clamp the whole population at this
                                    potential (no spikes; the holding current is
                                    recorded as ``Iclamp``)
``Q_<pre>_<post>``          nS      synaptic weight (conductance increment)
``p_<pre>_<post>``          1       connection probability
``psyn_<pre>_<post>``       1       optional release probability of each spike
``delay_<pre>_<post>``      ms      optional homogeneous transmission delay
``Tsyn_<pre>``              ms      decay time of the conductance of ``<pre>``
``Erev_<pre>``              mV      reversal potential of the conductance of ``<pre>``
``Tse``, ``Tsi``            ms      decay time of excitatory / inhibitory synapses
``Ee``, ``Ei``              mV      reversal of excitatory / inhibitory synapses
``dt``, ``tstop``           ms      integration step and duration
``SEED``                    1       seed of the network's random numbers (integer >= 0)
==========================  ======  ==================================================

``Tse``/``Ee`` apply to presynaptic populations whose name contains ``Exc``
(``Exc``, ``AffExc``...), ``Tsi``/``Ei`` to names containing ``Inh``; the
per-population keys ``Tsyn_<pre>``/``Erev_<pre>`` take precedence and are required
for any other name.  Population names may not contain ``_``.  Keys starting with
``_`` are user annotations: stored with the data, never interpreted.  Every other
key is an error, with the closest valid key suggested.
"""

from __future__ import annotations

import difflib
import math
import numbers
import zlib

import numpy as np

from .errors import ModelKeyError, ModelValueError

__all__ = [
    "CELL_PARAMETERS",
    "OPTIONAL_CELL_PARAMETERS",
    "validate_model",
    "population_names",
    "get",
    "cell_parameters",
    "synaptic_parameters",
    "n_steps",
    "check_euler_step",
    "check_seed",
    "seed_sequence",
    "plain_array",
]

# name -> (unit, meaning, constraint)
CELL_PARAMETERS = {
    "Gl": ("nS", "leak conductance", "positive"),
    "Cm": ("pF", "membrane capacitance", "positive"),
    "Trefrac": ("ms", "refractory period", "nonnegative"),
    "El": ("mV", "leak reversal potential", "finite"),
    "Vthre": ("mV", "spike threshold", "finite"),
    "Vreset": ("mV", "reset potential", "finite"),
    "deltaV": ("mV", "exponential slope factor (0 for LIF)", "nonnegative"),
    "a": ("nS", "sub-threshold adaptation conductance", "finite"),
    "b": ("pA", "spike-triggered adaptation increment", "finite"),
    "tauw": ("ms", "adaptation time constant", "positive"),
}
OPTIONAL_CELL_PARAMETERS = {
    "Vspike": ("mV", "spike-detection level", "finite"),
    "Iinj": ("pA", "constant injected current", "finite"),
    "Ioscill_amp": ("pA", "oscillatory current amplitude", "finite"),
    "Ioscill_freq": ("Hz", "oscillatory current frequency", "nonnegative"),
    "Vclamp": ("mV", "voltage-clamp holding potential", "finite"),
}
GLOBAL_KEYS = {
    "dt": ("ms", "integration time step", "positive"),
    "tstop": ("ms", "simulation duration", "positive"),
    "SEED": ("1", "seed of the network's random numbers", "count"),
    "Tse": ("ms", "excitatory synaptic decay time", "positive"),
    "Tsi": ("ms", "inhibitory synaptic decay time", "positive"),
    "Ee": ("mV", "excitatory reversal potential", "finite"),
    "Ei": ("mV", "inhibitory reversal potential", "finite"),
}
PAIR_KEYS = {
    "Q": ("nS", "synaptic weight", "nonnegative"),
    "p": ("1", "connection probability", "probability"),
    "psyn": ("1", "release probability", "probability"),
    "delay": ("ms", "transmission delay", "nonnegative"),
}
POP_KEYS = {
    "N": ("1", "number of neurons", "count"),
    "Tsyn": ("ms", "synaptic decay time", "positive"),
    "Erev": ("mV", "synaptic reversal potential", "finite"),
}


def _in(unit):
    """`` in <unit>`` for a unit, nothing for dimensionless ("1") values."""
    return "" if unit == "1" else f" in {unit}"


def _check_value(key, value, unit, meaning, constraint):
    """Raise ModelValueError if ``value`` does not satisfy ``constraint``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if hasattr(value, "dim"):  # a brian2 Quantity
            raise ModelValueError(
                f"Model[{key!r}] = {value!r}: the Model dict takes plain numbers in the "
                f"seed's unit system; give the {meaning} as a number{_in(unit)}."
            )
        raise ModelValueError(
            f"Model[{key!r}] = {value!r} is not a number; expected the {meaning}{_in(unit)}."
        )
    v = float(value)
    ok = math.isfinite(v)
    if constraint == "positive":
        ok = ok and v > 0
        need = "> 0"
    elif constraint == "nonnegative":
        ok = ok and v >= 0
        need = ">= 0"
    elif constraint == "probability":
        ok = ok and 0.0 <= v <= 1.0
        need = "in [0, 1]"
    elif constraint == "count":
        ok = ok and v == int(v) and v >= 0
        need = "a non-negative integer"
    else:
        need = "finite"
    if not ok:
        raise ModelValueError(
            f"Model[{key!r}] = {value!r}: the {meaning}{_in(unit)} must be {need}."
        )


def population_names(Model):
    """Names of all populations declared by an ``N_<pop>`` key, in Model order."""
    names = []
    for key in Model:
        if isinstance(key, str) and key.startswith("N_"):
            name = key[2:]
            if not name or "_" in name:
                raise ModelKeyError(
                    f"Model key {key!r}: population names must be non-empty and may not "
                    f"contain '_' (the separator of 'Q_<pre>_<post>' keys); rename it, "
                    f"e.g. {'N_' + name.replace('_', '')!r}."
                )
            names.append(name)
    return names


def _classify(key, pops):
    """Return (unit, meaning, constraint) for a valid key, or None if unknown."""
    if key in GLOBAL_KEYS:
        return GLOBAL_KEYS[key]
    head, _, rest = key.partition("_")
    if head in POP_KEYS and rest in pops:
        return POP_KEYS[head]
    if head in PAIR_KEYS:
        pre, _, post = rest.partition("_")
        if pre in pops and post in pops:
            return PAIR_KEYS[head]
    if head in pops:
        if rest in CELL_PARAMETERS:
            return CELL_PARAMETERS[rest]
        if rest in OPTIONAL_CELL_PARAMETERS:
            return OPTIONAL_CELL_PARAMETERS[rest]
    return None


def _all_valid_keys(pops):
    keys = list(GLOBAL_KEYS)
    for p in pops:
        keys += [f"{h}_{p}" for h in POP_KEYS]
        keys += [f"{p}_{c}" for c in list(CELL_PARAMETERS) + list(OPTIONAL_CELL_PARAMETERS)]
        keys += [f"{h}_{p}_{q}" for h in PAIR_KEYS for q in pops]
    return keys


def validate_model(Model):
    """Check every key and value of a Model dict.

    Parameters
    ----------
    Model : dict
        The Model (seed units: ms, mV, pF, nS, pA, Hz).

    Returns
    -------
    list of str
        The population names declared by ``N_<pop>`` keys.

    Raises
    ------
    ModelKeyError
        An unknown or misspelt key (the closest valid keys are suggested).
    ModelValueError
        A value that is not a plain number or is out of range (N < 0, p outside
        [0, 1], negative Q or time constant, dt <= 0, a negative SEED...), or a
        ``tstop`` that is not a whole number of steps ``dt``.
    """
    if not isinstance(Model, dict):
        raise ModelValueError(f"Model must be a dict, got {type(Model).__name__}.")
    pops = population_names(Model)
    for key, value in Model.items():
        if not isinstance(key, str):
            raise ModelKeyError(f"Model key {key!r} is not a string.")
        if key.startswith("_"):
            continue  # user annotation
        spec = _classify(key, pops)
        if spec is None:
            close = difflib.get_close_matches(key, _all_valid_keys(pops), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            pops_txt = ", ".join(pops) if pops else "none (no N_<pop> key)"
            raise ModelKeyError(
                f"Unknown Model key {key!r}.{hint} Declared populations: {pops_txt}. "
                f"See network.model for the key grammar; prefix user annotations with '_'."
            )
        _check_value(key, value, *spec)
    for p in pops:
        if f"{p}_Ioscill_amp" in Model and f"{p}_Ioscill_freq" not in Model:
            raise ModelKeyError(
                f"Model has {p + '_Ioscill_amp'!r} but no {p + '_Ioscill_freq'!r}: "
                f"give the oscillation frequency of population {p!r} in Hz."
            )
    if "dt" in Model and "tstop" in Model:
        n_steps(Model)
    return pops


def n_steps(Model):
    """Number of integration steps ``tstop / dt``, which must be a whole number >= 1.

    brian2 runs ``ceil(tstop / dt)`` steps when ``tstop`` is not a multiple of ``dt``
    while the recorded time grid has ``round(tstop / dt)`` samples: the Model must
    make the two agree.
    """
    dt, tstop = float(Model["dt"]), float(Model["tstop"])
    ratio = tstop / dt
    n = int(round(ratio))
    if n < 1 or abs(ratio - n) > 1e-9 * max(1.0, ratio):
        raise ModelValueError(
            f"Model['tstop'] = {tstop:g} ms is not a whole number (>= 1) of steps "
            f"Model['dt'] = {dt:g} ms (tstop/dt = {ratio:.10g}); make tstop a multiple of dt, "
            f"e.g. tstop = {max(n, 1) * dt:g} ms."
        )
    return n


def get(Model, key, context=""):
    """Return ``Model[key]`` as a float, or raise a ModelKeyError that says what it is.

    Parameters
    ----------
    Model : dict
    key : str
    context : str
        What needed the key (e.g. ``"population 'Exc'"``), for the message.
    """
    try:
        return float(Model[key])
    except KeyError:
        pops = population_names(Model)
        spec = _classify(key, pops) if key.split("_")[0] != "N" else POP_KEYS["N"]
        what = f"the {spec[1]}{_in(spec[0])}" if spec else "a value"
        # only keys that mean nothing else can be a typo of this one (e.g. '_Inh_tauw')
        unused = [k for k in Model if isinstance(k, str) and _classify(k, pops) is None]
        close = difflib.get_close_matches(key, unused, n=2)
        hint = f" (the Model has {' and '.join(map(repr, close))}: a typo?)" if close else ""
        ctx = f" for {context}" if context else ""
        raise ModelKeyError(
            f"Missing Model key {key!r}{ctx}: add {what}{hint}."
        ) from None


def cell_parameters(Model, pop):
    """The AdExp parameters of population ``pop`` (seed units), required ones checked.

    Returns
    -------
    dict
        Parameter name -> float, including ``Vspike`` (default ``Vthre + 5*deltaV``)
        and the optional currents that are present.
    """
    ctx = f"population {pop!r}"
    params = {name: get(Model, f"{pop}_{name}", ctx) for name in CELL_PARAMETERS}
    for name in OPTIONAL_CELL_PARAMETERS:
        if f"{pop}_{name}" in Model:
            params[name] = float(Model[f"{pop}_{name}"])
    params.setdefault("Vspike", params["Vthre"] + 5.0 * params["deltaV"])
    if params["Vspike"] < params["Vthre"]:
        raise ModelValueError(
            f"{pop}_Vspike = {params['Vspike']} mV is below {pop}_Vthre = "
            f"{params['Vthre']} mV: the spike-detection level must be above threshold."
        )
    if "Vclamp" not in params:
        if params["Vreset"] >= params["Vspike"]:
            raise ModelValueError(
                f"{pop}_Vreset = {params['Vreset']:g} mV is not below the spike-detection level "
                f"{params['Vspike']:g} mV (Vthre + 5 deltaV, or {pop}_Vspike): the cell would "
                f"fire again as soon as its refractory period ends; lower {pop}_Vreset."
            )
        check_euler_step(Model, params["Cm"] / params["Gl"], f"membrane time constant "
                         f"{pop}_Cm/{pop}_Gl")
    check_euler_step(Model, params["tauw"], f"adaptation time constant {pop}_tauw")
    return params


def check_euler_step(Model, tau, what):
    """Raise if ``Model['dt']`` is not below a time constant ``tau`` (ms) of the forward-Euler scheme.

    Forward Euler multiplies a decaying variable by ``1 - dt/tau`` per step: at
    ``dt >= tau`` it no longer decays monotonically (at ``dt > 2 tau`` it diverges).
    """
    if "dt" not in Model:
        return
    dt = float(Model["dt"])
    if dt >= tau:
        raise ModelValueError(
            f"Model['dt'] = {dt:g} ms is not below the {what} = {tau:g} ms: forward Euler "
            f"would multiply the variable by 1 - dt/tau = {1 - dt / tau:.3g} per step instead of "
            f"letting it decay; use dt <= tau/10 (relative error about dt/(2 tau) per time constant)."
        )


def synaptic_parameters(Model, pre):
    """Decay time (ms) and reversal potential (mV) of the conductance of ``pre``.

    ``Tsyn_<pre>``/``Erev_<pre>`` first; otherwise ``Tse``/``Ee`` if the name
    contains ``Exc`` and ``Tsi``/``Ei`` if it contains ``Inh``.
    """
    ctx = f"synapses from population {pre!r}"
    if "Exc" in pre:
        fallback = ("Tse", "Ee")
    elif "Inh" in pre:
        fallback = ("Tsi", "Ei")
    else:
        fallback = None
    out = []
    for specific, generic in zip((f"Tsyn_{pre}", f"Erev_{pre}"), fallback or (None, None)):
        if specific in Model:
            out.append(float(Model[specific]))
        elif generic is not None:
            out.append(get(Model, generic, ctx + f" (or give {specific!r})"))
        else:
            raise ModelKeyError(
                f"Missing Model key {specific!r} for {ctx}: the name contains neither "
                f"'Exc' nor 'Inh', so Tse/Ee or Tsi/Ei cannot apply; give its "
                f"{'decay time in ms' if specific.startswith('T') else 'reversal potential in mV'}."
            )
    check_euler_step(Model, out[0], f"synaptic decay time of {pre!r}")
    return tuple(out)


def check_seed(value, name="SEED"):
    """Return a seed as an int, or raise ModelValueError.

    Parameters
    ----------
    value : int
        A non-negative integer (an integer-valued float is accepted, as in the Model).
    name : str
        The argument's name, for the message.

    Raises
    ------
    ModelValueError
        For None, a bool, a str, a negative or a fractional number.
    """
    ok = (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
          and math.isfinite(float(value)) and float(value) == int(value) and value >= 0)
    if not ok:
        raise ModelValueError(
            f"{name} = {value!r}: a seed must be a non-negative integer (e.g. {name}=5); "
            f"every random choice of the toolkit takes one so that runs are reproducible."
        )
    return int(value)


def seed_sequence(SEED, *labels):
    """A ``numpy.random.SeedSequence`` of a seed and names (e.g. the pre and post populations).

    The stream of a projection or a drive depends only on its own seed and names,
    so adding another projection or drive never changes it.  Names enter through
    their CRC-32 (stable across Python sessions, unlike ``hash``).
    """
    return np.random.SeedSequence([check_seed(SEED)] + [zlib.crc32(str(x).encode()) for x in labels])


def _is_quantity(value):
    if hasattr(value, "dim"):
        return True
    return isinstance(value, (list, tuple)) and len(value) > 0 and hasattr(value[0], "dim")


def plain_array(value, name, unit, dtype=np.float64):
    """``value`` as a numpy array of plain numbers in the seed's unit ``unit``.

    Parameters
    ----------
    value : array_like
        Plain numbers (ms, mV, nS, pA, Hz as documented).
    name : str
        The argument's name, for the message.
    unit : str
        Its unit.
    dtype : numpy dtype

    Raises
    ------
    ModelValueError
        For a brian2 Quantity (numpy would silently turn ``10*ms`` into 0.01, the
        value in seconds) and for non-numeric input.
    """
    if _is_quantity(value):
        raise ModelValueError(
            f"{name} is a brian2 Quantity, but the network functions take plain numbers in the "
            f"seed's units (ms, mV, pF, nS, pA, Hz): give it in {unit} (divide it by brian2.{unit})."
        )
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ModelValueError(
            f"{name} must be numbers in {unit}, got {type(value).__name__} {str(value)[:60]!r}."
        ) from None
