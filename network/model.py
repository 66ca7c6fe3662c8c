"""The Model dictionary: its grammar, units, key policy and validation.

A Model is a plain ``dict`` in the original project's unit system (ms, mV, pF, nS,
pA, Hz).  Values are plain numbers in these units, or brian2 Quantities of the
right dimension (converted to them by :func:`plain_model`; a Quantity of another
dimension raises :class:`~network.errors.UnitError`).  Keys follow a small grammar:

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
``<pop>_Ioscill_amp``       pA      optional oscillatory current amplitude
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
``Tsyn_Exc``, ``Erev_Exc``  ms, mV  the same for every ``<pre>`` whose name contains
                                    ``Exc`` (the original project's rule)
``Tsyn_Inh``, ``Erev_Inh``  ms, mV  likewise for names containing ``Inh``
``Tse``, ``Tsi``            ms      the README's excitatory / inhibitory decay times
``Ee``, ``Ei``              mV      the README's excitatory / inhibitory reversals
``dt``, ``tstop``           ms      integration step and duration
``SEED``                    1       seed of the network's random numbers (integer >= 0)
==========================  ======  ==================================================

Synaptic decay and reversal of a presynaptic population ``<pre>``
(:func:`synaptic_keys`), first match wins:

1. ``Tsyn_<pre>`` / ``Erev_<pre>`` (exact name);
2. if the name contains ``Exc``: ``Tsyn_Exc`` / ``Erev_Exc`` (the original
   project's keys), else ``Tse`` / ``Ee`` (the README's keys);
3. else if the name contains ``Inh``: ``Tsyn_Inh`` / ``Erev_Inh``, else ``Tsi`` / ``Ei``.

``Exc`` is tested before ``Inh``, as in the original project.  Decay and reversal
are looked up independently (``Tsyn_AffExc`` with ``Erev_Exc`` is fine).  A name
containing neither needs its own ``Tsyn_<pre>``/``Erev_<pre>`` (the original fell
back to the excitatory values with a printed note; this toolkit raises).  When
both an original and a README key could apply and their values differ
(``Tsyn_Exc = 5`` and ``Tse = 10``), the original key is used and a
:class:`ModelKeyWarning` says so.

Key policy.  Population names may not contain ``_``.  Every key of the grammar
is checked (value, unit, range).  Any other key is *kept with the data and never
interpreted*: the original project's dicts carry their user's own parameters
(``Faff1``, ``DT``, ``rise``, ``F_AffExc``) and leftovers.  Typos are still caught:

- a required key that is missing raises :class:`~network.errors.ModelKeyError`
  naming the key, the population and the unit (with the look-alike key of the
  Model, if any);
- a key that looks like a misspelling of a grammar key that is **absent**
  (``Exc_Vthr`` without ``Exc_Vthre``, ``Q_Exc_Ihn`` without ``Q_Exc_Inh``) raises
  :class:`~network.errors.ModelKeyError`;
- a key that looks like a misspelling of a grammar key that is **present**
  (``RecExc_delta_v`` beside ``RecExc_deltaV``) is kept and gets a
  :class:`ModelKeyWarning`, unless the two differ only by letter case (``DT``, the
  original's plateau duration, beside ``dt``: taken as a deliberate name);
- a grammar-shaped key naming an undeclared population (``Q_Thal_Exc`` without
  ``N_Thal``) and the original project's keys this toolkit does not read
  (``SpatialDecay_``, ``Delay_``, ``alpha_``, ``V0``) get a :class:`ModelKeyWarning`.

"Looks like a misspelling" (:func:`look_alike_keys`): equal once case, ``_`` and
``-`` are ignored (``Inh_tau_w``, ``DT``), or the same ``_``-separated parts but one,
which differs by one edit (two for parts of 6 characters or more; insertion,
deletion, substitution or transposition) and has at least 3 characters (so that
``F_AffExc`` is not a misspelling of ``N_AffExc``).  A key whose differing part is
shorter (``Exc_bb`` beside a present ``Exc_b``: one inserted or deleted character,
or one substitution between 2-character parts) gets the warning only, never the
error, and single-character parts are never substituted.  Keys starting with ``_`` are
user annotations: never interpreted, never checked.  Silence the warnings with
``warnings.filterwarnings('ignore', category=network.model.ModelKeyWarning)``.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
import warnings
import zlib

import numpy as np

from stimuli import arguments

from .errors import ModelFileError, ModelKeyError, ModelKeyWarning, ModelValueError, NetworkError, UnitError

__all__ = [
    "CELL_PARAMETERS",
    "OPTIONAL_CELL_PARAMETERS",
    "ModelKeyWarning",
    "ModelFileError",
    "validate_model",
    "plain_model",
    "load_json",
    "population_names",
    "look_alike_keys",
    "get",
    "cell_parameters",
    "synaptic_keys",
    "synaptic_parameters",
    "projection_parameters",
    "n_steps",
    "unit_of",
    "check_euler_step",
    "check_seed",
    "seed_sequence",
    "plain_array",
    "user_stacklevel",
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
#: The original project's keys for every population whose name contains Exc / Inh.
CLASS_KEYS = {
    "Tsyn_Exc": ("ms", "synaptic decay time of populations named *Exc*", "positive"),
    "Tsyn_Inh": ("ms", "synaptic decay time of populations named *Inh*", "positive"),
    "Erev_Exc": ("mV", "synaptic reversal potential of populations named *Exc*", "finite"),
    "Erev_Inh": ("mV", "synaptic reversal potential of populations named *Inh*", "finite"),
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
#: Keys of the original project that this toolkit does not read, and what to use.
ORIGINAL_UNREAD = {
    "SpatialDecay": "ring geometry: use network.build.ring_connections(NTWK, pre, post, sigma, ...)",
    "Delay": "delays per index unit of the ring: use ring_connections(..., delay_min=, delay_max=)",
    "alpha": "conductance/current mixtures are not implemented: every synapse is conductance-based",
    "V0": "conductance/current mixtures are not implemented: every synapse is conductance-based",
}

# --------------------------------------------------------------------------- helpers


def _in(unit):
    """`` in <unit>`` for a unit, nothing for dimensionless ("1") values."""
    return "" if unit == "1" else f" in {unit}"


def _is_quantity(value):
    units = sys.modules.get("brian2.units.fundamentalunits")
    if units is None:
        return False
    if isinstance(value, units.Quantity):
        return True
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and isinstance(value[0], units.Quantity))


def _plain_value(key, value, unit, meaning):
    """``value`` as a float in ``unit`` (Quantities converted), or UnitError."""
    if isinstance(value, (bool, np.bool_)) or (
            not _is_quantity(value) and not isinstance(value, (numbers.Real, np.ndarray))):
        raise UnitError(
            f"Model[{key!r}] = {value!r} is not a number; expected the {meaning}{_in(unit)} "
            f"(a plain number, or a brian2 Quantity of that dimension)."
        )
    plain = arguments.to_plain(value, unit, f"Model[{key!r}]", error=UnitError)
    if np.ndim(plain) != 0:
        raise ModelValueError(
            f"Model[{key!r}] has shape {np.shape(plain)}: the {meaning} is one number{_in(unit)}."
        )
    return float(plain)


def _check_value(key, value, unit, meaning, constraint):
    """Return the plain value of a grammar key, or raise if it is out of range."""
    v = _plain_value(key, value, unit, meaning)
    ok = math.isfinite(v)
    if constraint == "positive":
        ok, need = ok and v > 0, "> 0"
    elif constraint == "nonnegative":
        ok, need = ok and v >= 0, ">= 0"
    elif constraint == "probability":
        ok, need = ok and 0.0 <= v <= 1.0, "in [0, 1]"
    elif constraint == "count":
        ok, need = ok and v == int(v) and v >= 0, "a non-negative integer"
    else:
        need = "finite"
    if not ok:
        raise ModelValueError(
            f"Model[{key!r}] = {value!r}: the {meaning}{_in(unit)} must be {need}."
        )
    if constraint == "count":
        return int(v)
    return v


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
    """Return (unit, meaning, constraint) for a grammar key, or None."""
    if key in GLOBAL_KEYS:
        return GLOBAL_KEYS[key]
    if key in CLASS_KEYS:
        return CLASS_KEYS[key]
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


def unit_of(key, pops):
    """The seed unit of the Model key ``key`` (``'ms'``, ``'mV'``, ``'nS'``, ``'1'``...), or None.

    Parameters
    ----------
    key : str
        A Model key.
    pops : sequence of str
        The population names of the Model (:func:`population_names`).

    Returns
    -------
    str or None
        The brian2 unit name of the key's plain numbers, or None for a key the grammar
        does not define (a user's own parameter).
    """
    spec = POP_KEYS["N"] if key.startswith("N_") and key[2:] in pops else _classify(key, pops)
    return None if spec is None else spec[0]


def _describe(key, pops):
    """What a grammar key holds, with its population(s) and unit, for messages."""
    spec = _classify(key, pops) if not key.startswith("N_") else POP_KEYS["N"]
    if spec is None:
        return "a value"
    unit, meaning = spec[0], spec[1]
    head, _, rest = key.partition("_")
    if key in GLOBAL_KEYS or key in CLASS_KEYS:
        where = ""
    elif head in PAIR_KEYS and "_" in rest:
        where = f" of the projection {rest.replace('_', '->', 1)}"
    elif head in POP_KEYS:
        where = f" of population {rest!r}"
    else:
        where = f" of population {head!r}"
    return f"the {meaning}{where}{_in(unit)}"


def _grammar_keys(pops):
    """Every key the grammar defines for populations ``pops``."""
    keys = list(GLOBAL_KEYS) + list(CLASS_KEYS)
    for p in pops:
        keys += [f"{h}_{p}" for h in POP_KEYS]
        keys += [f"{p}_{c}" for c in list(CELL_PARAMETERS) + list(OPTIONAL_CELL_PARAMETERS)]
        keys += [f"{h}_{p}_{q}" for h in PAIR_KEYS for q in pops]
    return list(dict.fromkeys(keys))


def _edit_distance(a, b):
    """Optimal-string-alignment distance (insertions, deletions, substitutions, transpositions)."""
    d = np.arange(len(b) + 1)
    previous = None
    for i in range(1, len(a) + 1):
        row = np.empty_like(d)
        row[0] = i
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(d[j] + 1, row[j - 1] + 1, d[j - 1] + cost)
            if previous is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous[j - 2] + 1)
        previous, d = d, row
    return int(d[-1])


def _normalised(key):
    return key.lower().replace("_", "").replace("-", "")


def look_alike_keys(key, candidates, short_parts=False):
    """Keys of ``candidates`` that ``key`` looks like a misspelling of.

    Parameters
    ----------
    key : str
    candidates : iterable of str
    short_parts : bool
        Also match when the differing part is shorter than 3 characters in one of
        the keys, by one inserted or deleted character (``Exc_bb``, ``Exc_b``), or
        by one substituted character between two 2-character parts (``Exc_Gk``,
        ``Exc_Gl``); single-character parts are never substituted (``F_AffExc`` is
        not ``N_AffExc``).  Used for the keys the Model *has* (a warning, never an
        error) and for the hints of missing keys.

    Returns
    -------
    list of str
        Candidates equal to ``key`` once case, ``_`` and ``-`` are ignored, or
        with the same ``_``-separated parts but one, that one differing by a single
        edit (two edits for parts of 6 characters or more) and at least 3
        characters long in both keys (parts are compared ignoring case), or (with
        ``short_parts``) the short-part edits above.
    """
    parts = key.split("_")
    norm = _normalised(key)
    out = []
    for cand in candidates:
        if cand == key:
            continue
        if _normalised(cand) == norm:
            out.append(cand)
            continue
        cparts = cand.split("_")
        if len(cparts) != len(parts):
            continue
        differ = [(a, b) for a, b in zip(parts, cparts) if a.lower() != b.lower()]
        if len(differ) != 1:
            continue
        a, b = differ[0]
        if min(len(a), len(b)) < 3:
            la, lb = len(a), len(b)
            if short_parts and min(la, lb) >= 1 and (abs(la - lb) == 1 or la == lb == 2) \
                    and _edit_distance(a.lower(), b.lower()) == 1:
                out.append(cand)
            continue
        if abs(len(a) - len(b)) > 2:
            continue
        if _edit_distance(a, b) <= (1 if max(len(a), len(b)) < 6 else 2):
            out.append(cand)
    return out


#: the toolkit's package folders: a warning points at the first frame outside them
_TOOLKIT_DIRS = tuple(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), name) + os.sep
                      for name in ("network", "stimuli", "morphologies", "dendrites"))


def user_stacklevel(skip_modules=()):
    """The ``stacklevel`` that makes a warning raised by the caller point at the user's line.

    Call it in the function that calls :func:`warnings.warn`:
    ``warnings.warn(msg, Category, stacklevel=user_stacklevel())``.  The level is that
    of the first frame (from the caller outwards) whose file is outside the toolkit's
    packages (``network``, ``stimuli``, ``morphologies``, ``dendrites``), whatever the
    depth of the toolkit's own calls.

    Parameters
    ----------
    skip_modules : tuple of str
        Other modules whose frames are skipped too (e.g. ``("json",)`` for a hook
        that the standard library's decoder calls).

    Returns
    -------
    int
    """
    frame = sys._getframe(1)  # the function that will call warnings.warn: stacklevel 1
    level = 1
    while frame is not None and (
            os.path.abspath(frame.f_code.co_filename).startswith(_TOOLKIT_DIRS)
            or frame.f_globals.get("__name__", "").partition(".")[0] in skip_modules):
        frame = frame.f_back
        level += 1
    return level


def _warn(message):
    warnings.warn(message, ModelKeyWarning, stacklevel=user_stacklevel(("json",)))


def _check_extra_key(Model, key, pops, grammar):
    """Apply the key policy to a key outside the grammar (see the module docstring)."""
    head, _, rest = key.partition("_")
    if head in ORIGINAL_UNREAD or key in ORIGINAL_UNREAD:
        _warn(f"Model key {key!r} is an original-project key that this toolkit does not read "
              f"({ORIGINAL_UNREAD.get(head, ORIGINAL_UNREAD.get(key))}); it is kept with the data only.")
        return
    alike = look_alike_keys(key, grammar)
    absent = [k for k in alike if k not in Model]
    if absent:
        raise ModelKeyError(
            f"Model key {key!r} looks like a misspelling of {' or '.join(map(repr, absent))} "
            f"({_describe(absent[0], pops)}), which the Model does not have: rename it. If "
            f"{key!r} is a parameter of your own, give it a name that is not one edit away "
            f"from a Model key, or start it with '_' (user annotations are never interpreted)."
        )
    alike = [k for k in alike if k.lower() != key.lower()]  # DT beside dt: a deliberate name
    # a short part one edit away from a key the Model has (Exc_bb beside Exc_b): a warning only
    alike += [k for k in look_alike_keys(key, grammar, short_parts=True) if k in Model and k not in alike
              and k.lower() != key.lower()]
    if alike:
        _warn(f"Model key {key!r} looks like a misspelling of {' and '.join(map(repr, alike))}, "
              f"which the Model also has ({', '.join(f'{k} = {Model[k]!r}' for k in alike)}): "
              f"{key!r} is kept with the data but not used; remove it if it is a leftover, rename it "
              f"(or start it with '_') if it is a parameter of your own.")
        return
    if head in PAIR_KEYS or head in ("Tsyn", "Erev"):
        named = [p for p in rest.split("_") if p not in pops]
        if named:
            _warn(f"Model key {key!r} names population(s) {named} that no 'N_<pop>' key declares "
                  f"(declared: {pops}); it is kept with the data but not used.")


def validate_model(Model):
    """Check every key and value of a Model dict (see the module docstring for the policy).

    Parameters
    ----------
    Model : dict
        The Model (seed units: ms, mV, pF, nS, pA, Hz; brian2 Quantities accepted).

    Returns
    -------
    list of str
        The population names declared by ``N_<pop>`` keys.

    Raises
    ------
    ModelKeyError
        A key that looks like a misspelling of an absent Model key, a population name
        with ``_``, an oscillation amplitude without its frequency.
    UnitError
        A value that is not a number, or a Quantity of the wrong dimension.
    ModelValueError
        A value out of range (N < 0, p outside [0, 1], negative Q or time constant,
        dt <= 0, a negative SEED...), or a ``tstop`` that is not a whole number of
        steps ``dt``.

    Warns
    -----
    ModelKeyWarning
        A key kept with the data that looks like a misspelling of a present key,
        names an undeclared population, or is an original-project key not read here.
    """
    plain_model(Model)
    return population_names(Model)


def plain_model(Model):
    """Validate a Model and return a copy whose grammar keys hold plain numbers.

    brian2 Quantities are converted to the seed's units (``10*ms`` -> 10.0); counts
    (``N_<pop>``, ``SEED``) become ints; keys outside the grammar are copied as they
    are.  Raises and warns as :func:`validate_model`.

    Parameters
    ----------
    Model : dict

    Returns
    -------
    dict
    """
    if not isinstance(Model, dict):
        raise ModelValueError(f"Model must be a dict, got {type(Model).__name__}.")
    pops = population_names(Model)
    grammar = _grammar_keys(pops)
    out = {}
    for key, value in Model.items():
        if not isinstance(key, str):
            raise ModelKeyError(f"Model key {key!r} is not a string; Model keys are names such as 'N_Exc'.")
        spec = None if key.startswith("_") else _classify(key, pops)
        if spec is None:
            if not key.startswith("_"):
                _check_extra_key(Model, key, pops, grammar)
            out[key] = value
            continue
        plain = _check_value(key, value, *spec)
        out[key] = plain if _is_quantity(value) or spec[2] == "count" else value
    for p in pops:
        if f"{p}_Ioscill_amp" in Model and f"{p}_Ioscill_freq" not in Model:
            raise ModelKeyError(
                f"Model has {p + '_Ioscill_amp'!r} but no {p + '_Ioscill_freq'!r}: "
                f"give the oscillation frequency of population {p!r} in Hz."
            )
    if "dt" in out and "tstop" in out:
        n_steps(out)
    return out


def load_json(path):
    """Read a Model from a JSON parameter file, as the original project's ``params.load``.

    Keys containing a space are comments and are dropped (``" - synaptic weights": " "``);
    every other key is kept as it is (lists such as ``"REC_POPS"`` included).  The
    result is not validated here: :func:`network.build.populations` does it.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    dict

    Raises
    ------
    ModelFileError
        The file is not valid JSON (the message names the file, line and column) or
        does not hold one JSON object.
    RecordingError
        The file cannot be read.

    Warns
    -----
    ModelKeyWarning
        A non-comment key given twice (the last value is used, as by ``json``).
    """
    from .errors import RecordingError

    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise RecordingError(f"cannot read the Model file {path!r}: {error.strerror or error}.") from None
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{path}: not a UTF-8 text file ({error.reason} at byte {error.start}); "
                             f"a Model file is JSON text.") from None

    def pairs(items):
        seen = {}
        for key, value in items:
            if " " in key:
                continue  # a comment
            if key in seen:
                warnings.warn(f"{path}: key {key!r} is given twice; the last value ({value!r}) is used.",
                              ModelKeyWarning, stacklevel=user_stacklevel(("json",)))
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        line = text.splitlines()[error.lineno - 1] if 0 < error.lineno <= len(text.splitlines()) else ""
        raise ModelFileError(
            f"{path}, line {error.lineno}, column {error.colno}: {error.msg} "
            f"(the line reads {line.strip()!r}); a Model file is one JSON object "
            f"{{\"key\": value, ...}} with double-quoted keys and no trailing comma."
        ) from None
    if not isinstance(data, dict):
        raise ModelFileError(f"{path}: holds a JSON {type(data).__name__}, not an object "
                             f"{{\"N_Exc\": 4000, ...}}; a Model file is one JSON object.")
    return data


def n_steps(Model):
    """Number of integration steps ``tstop / dt``, which must be a whole number >= 1.

    brian2 runs ``ceil(tstop / dt)`` steps when ``tstop`` is not a multiple of ``dt``
    while the recorded time grid has ``round(tstop / dt)`` samples: the Model must
    make the two agree.
    """
    dt = _plain_value("dt", Model["dt"], "ms", "integration time step")
    tstop = _plain_value("tstop", Model["tstop"], "ms", "simulation duration")
    ratio = tstop / dt
    n = int(round(ratio))
    if n < 1 or abs(ratio - n) > 1e-9 * max(1.0, ratio):
        raise ModelValueError(
            f"Model['tstop'] = {tstop:g} ms is not a whole number (>= 1) of steps "
            f"Model['dt'] = {dt:g} ms (tstop/dt = {ratio:.10g}); make tstop a multiple of dt, "
            f"e.g. tstop = {max(n, 1) * dt:g} ms."
        )
    return n


def _spec_of(Model, key):
    pops = population_names(Model)
    if key.startswith("N_"):
        return POP_KEYS["N"]
    return _classify(key, pops)


def get(Model, key, context=""):
    """Return ``Model[key]`` as a float in the seed's unit, or raise a ModelKeyError that says what it is.

    Parameters
    ----------
    Model : dict
    key : str
    context : str
        What needed the key (e.g. ``"population 'Exc'"``), for the message.

    Raises
    ------
    ModelKeyError
        The key is missing (its meaning and unit, the context and a look-alike key
        of the Model are named).
    UnitError
        The value is not a number or a Quantity of the wrong dimension.
    """
    spec = _spec_of(Model, key)
    if key in Model:
        if spec is None:
            return float(arguments.to_plain(Model[key], "1", f"Model[{key!r}]", error=UnitError))
        return _plain_value(key, Model[key], spec[0], spec[1])
    pops = population_names(Model)
    what = _describe(key, pops)
    unused = [k for k in Model if isinstance(k, str) and _classify(k, pops) is None]
    close = look_alike_keys(key, unused, short_parts=True)
    hint = f" (the Model has {' and '.join(map(repr, close))}: a typo?)" if close else ""
    ctx = f" for {context}" if context else ""
    raise ModelKeyError(f"Missing Model key {key!r}{ctx}: add {what}{hint}.")


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
            params[name] = get(Model, f"{pop}_{name}", ctx)
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
    dt = _plain_value("dt", Model["dt"], "ms", "integration time step")
    if dt >= tau:
        raise ModelValueError(
            f"Model['dt'] = {dt:g} ms is not below the {what} = {tau:g} ms: forward Euler "
            f"would multiply the variable by 1 - dt/tau = {1 - dt / tau:.3g} per step instead of "
            f"letting it decay; use dt <= tau/10 (relative error about dt/(2 tau) per time constant)."
        )


def synaptic_keys(Model, pre):
    """The Model keys that give the decay time and the reversal of the conductance of ``pre``.

    Precedence (first present key wins, decay and reversal independently):
    ``Tsyn_<pre>``; then, for a name containing ``Exc``, ``Tsyn_Exc`` then ``Tse``; for a
    name containing ``Inh`` (and not ``Exc``), ``Tsyn_Inh`` then ``Tsi``.  Likewise
    ``Erev_<pre>``, ``Erev_Exc``/``Ee``, ``Erev_Inh``/``Ei``.

    Parameters
    ----------
    Model : dict
    pre : str
        Presynaptic population name.

    Returns
    -------
    (str, str)
        The decay-time key and the reversal key.

    Raises
    ------
    ModelKeyError
        Neither key is given (naming the keys that would do, the population and the unit).

    Warns
    -----
    ModelKeyWarning
        An original key (``Tsyn_Exc``) and a README key (``Tse``) both apply and differ.
    """
    if "Exc" in pre:
        kind, fallbacks = "Exc", (("Tsyn_Exc", "Tse"), ("Erev_Exc", "Ee"))
    elif "Inh" in pre:
        kind, fallbacks = "Inh", (("Tsyn_Inh", "Tsi"), ("Erev_Inh", "Ei"))
    else:
        kind, fallbacks = None, ((), ())
    keys = []
    for specific, generic, what in ((f"Tsyn_{pre}", fallbacks[0], "decay time in ms"),
                                    (f"Erev_{pre}", fallbacks[1], "reversal potential in mV")):
        options = [specific] + [k for k in generic if k != specific]
        present = [k for k in options if k in Model]
        if not present:
            if kind is None:
                raise ModelKeyError(
                    f"Missing Model key {specific!r} for synapses from population {pre!r}: its name "
                    f"contains neither 'Exc' nor 'Inh', so no shared key applies; give its {what}."
                )
            raise ModelKeyError(
                f"Missing Model key {specific!r} for synapses from population {pre!r}: give its "
                f"{what} as {' or '.join(map(repr, options))} (the keys shared by every population "
                f"whose name contains {kind!r}: {generic[0]!r} as in the original project, "
                f"{generic[1]!r} as in the README)."
            )
        chosen = present[0]
        if chosen != specific and len(present) > 1:
            unit = "ms" if what.endswith("ms") else "mV"
            a, b = (_plain_value(k, Model[k], unit, what) for k in present[:2])
            if a != b:
                _warn(f"synapses from {pre!r}: both {present[0]!r} = {a:g} and {present[1]!r} = {b:g} "
                      f"apply; {present[0]!r} (the original project's key) is used.")
        keys.append(chosen)
    return tuple(keys)


def synaptic_parameters(Model, pre):
    """Decay time (ms) and reversal potential (mV) of the conductance of ``pre``.

    The keys are chosen by :func:`synaptic_keys` (``Tsyn_<pre>``, then
    ``Tsyn_Exc``/``Tse`` for names containing ``Exc``, ``Tsyn_Inh``/``Tsi`` for
    names containing ``Inh``; likewise for ``Erev``).  ``dt`` must be below the decay.
    """
    tsyn_key, erev_key = synaptic_keys(Model, pre)
    ctx = f"synapses from population {pre!r}"
    tsyn = get(Model, tsyn_key, ctx)
    erev = get(Model, erev_key, ctx)
    check_euler_step(Model, tsyn, f"synaptic decay time of {pre!r}")
    return tsyn, erev


def projection_parameters(Model, pre, post):
    """Everything the Model says about the projection ``pre -> post``.

    Parameters
    ----------
    Model : dict
    pre, post : str

    Returns
    -------
    dict or None
        None without ``Q_<pre>_<post>`` (no conductance, no synapses), else
        ``{'Q': nS, 'p': probability or None (no random connections), 'psyn': release
        probability (1 by default), 'delay': ms or None, 'Tsyn': ms, 'Erev': mV,
        'keys': (decay key, reversal key)}``.
    """
    if f"Q_{pre}_{post}" not in Model:
        return None
    ctx = f"projection {pre}->{post}"
    tsyn, erev = synaptic_parameters(Model, pre)
    optional = {name: (get(Model, f"{name}_{pre}_{post}", ctx) if f"{name}_{pre}_{post}" in Model else None)
                for name in ("p", "psyn", "delay")}
    return {"Q": get(Model, f"Q_{pre}_{post}", ctx), "p": optional["p"],
            "psyn": 1.0 if optional["psyn"] is None else optional["psyn"], "delay": optional["delay"],
            "Tsyn": tsyn, "Erev": erev, "keys": synaptic_keys(Model, pre)}


# ------------------------------------------------------------- shared argument checks


def check_seed(value, name="SEED"):
    """Return a seed as an int, or raise ModelValueError.

    A thin wrapper of :func:`stimuli.arguments.check_seed` (integer in
    ``[0, 2**32)``) that also accepts an integer-valued float, as the Model's ``SEED``
    (e.g. read back from a file) may be.

    Parameters
    ----------
    value : int
    name : str
        The argument's name, for the message (``"SEED"`` in the seed API, ``"seed"``
        in new functions).

    Raises
    ------
    ModelValueError
        For None, a bool, a str, a negative or a fractional number.
    """
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    return arguments.check_seed(value, name, error=ModelValueError)


def seed_sequence(SEED, *labels):
    """A ``numpy.random.SeedSequence`` of a seed and names (e.g. the pre and post populations).

    The stream of a projection or a drive depends only on its own seed and names,
    so adding another projection or drive never changes it.  Names enter through
    their CRC-32 (stable across Python sessions, unlike ``hash``).
    """
    return np.random.SeedSequence([check_seed(SEED)] + [zlib.crc32(str(x).encode()) for x in labels])


def plain_array(value, name, unit, dtype=np.float64):
    """``value`` as a numpy array of plain numbers in the seed's unit ``unit``.

    Parameters
    ----------
    value : array_like or brian2 Quantity
        Plain numbers in ``unit``, or a Quantity (or a list of Quantities) of its
        dimension, converted to ``unit``.
    name : str
        The argument's name, for the message.
    unit : str
        Its unit (``"ms"``, ``"mV"``, ``"nS"``, ``"pA"``, ``"Hz"``, ``"1"``).
    dtype : numpy dtype or None
        None keeps the dtype numpy infers (booleans, integers) for plain input.

    Raises
    ------
    UnitError
        For a Quantity of another dimension, and for non-numeric input.
    """
    if _is_quantity(value):
        if isinstance(value, (list, tuple)):
            units = sys.modules["brian2.units.fundamentalunits"]
            try:
                value = units.Quantity(value)
            except Exception:  # brian2 raises DimensionMismatchError for mixed dimensions
                raise UnitError(f"{name} mixes Quantities of different dimensions; give them all in {unit}.") \
                    from None
        plain = np.asarray(arguments.to_plain(value, unit, name, error=UnitError))
        return plain if dtype is None else plain.astype(dtype)
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise UnitError(
            f"{name} must be numbers in {unit}, got {type(value).__name__} {str(value)[:60]!r}."
        ) from None
    if dtype is None and arr.dtype.kind not in "biuf":
        raise UnitError(f"{name} must be numbers in {unit}, got dtype {arr.dtype}: values {str(value)[:60]!r}.")
    return arr
