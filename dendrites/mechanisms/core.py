"""Membrane mechanisms as brian2 equation text, and their composition into a membrane.

A :class:`Mechanism` is a piece of brian2 equation text for a ``SpatialNeuron``
that defines one current density ``I_<name>`` (amp/meter**2, positive = inward =
depolarising, the sign convention of brian2's ``Im``), its gating states and
auxiliary variables (all suffixed ``_<name>``), and its per-compartment
parameters, declared as plain parameters (``gbar_<name> : siemens/meter**2``) so
that values are variables of the compiled code, never literals.

:func:`compose` joins mechanisms into a :class:`Membrane`: the equations of all
mechanisms plus the ion bookkeeping they share (reversal potentials, the calcium
current density, the calcium concentration), the sum of their currents, their
parameter defaults and the expressions of their initial (steady-state) values.

Shared (ion-level) names
------------------------
A mechanism may read, without declaring them, the following names; :func:`compose`
declares each one that is used, once:

============ ==================== =====================================================
name         unit                 meaning
============ ==================== =====================================================
``v``        volt                 membrane potential (the SpatialNeuron's ``v``)
``E_Na``     volt                 sodium reversal potential (per compartment)
``E_K``      volt                 potassium reversal potential (per compartment)
``E_Ca``     volt                 calcium reversal potential: Nernst from ``cai`` and
                                  ``cao`` at ``celsius`` when a mechanism makes the
                                  calcium concentration dynamic (as NEURON does when a
                                  mechanism writes ``cai``), otherwise a fixed
                                  per-compartment parameter
``cai``      mol/meter**3 (mM)    intracellular calcium concentration: a state if a
                                  concentration mechanism (``CaDynamics_E2``) defines
                                  ``dcai/dt``, otherwise a fixed parameter
``cao``      mol/meter**3 (mM)    extracellular calcium concentration
``I_Ca``     amp/meter**2         the summed calcium current density of the mechanisms
                                  whose ``ions`` contain ``"ca"`` (inward positive)
``celsius``  1 (degrees Celsius)  temperature, one shared value per neuron
============ ==================== =====================================================

A mechanism gives its source's value of these names in its ``parameters``
(e.g. ``hh`` has ``E_Na = 50 mV``, ``E_K = -77 mV``, ``celsius = 6.3``); when
mechanisms disagree, :func:`compose` requires the value as an option.

Plain numbers
-------------
Wherever a parameter value is given (a :class:`Mechanism`'s ``parameters``, the
options of :func:`compose`), a brian2 Quantity of the declared dimension or a plain
number in NEURON's unit for that dimension is accepted: mV, ms, 1/ms, S/cm**2,
mA/cm**2, mM, um; dimensionless values (``celsius`` in degrees Celsius, exponents,
factors) are plain numbers.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections import OrderedDict

import numpy as np

from ..errors import MechanismKeyError, ParameterError, UnitError

__all__ = ["Mechanism", "Membrane", "compose", "SHARED_NAMES", "plain_unit", "as_quantity",
           "lookup_mechanism"]

#: name -> (brian2 unit of the declaration, plain unit) of the names shared by mechanisms
SHARED_NAMES = OrderedDict([
    ("v", ("volt", "mV")),
    ("E_Na", ("volt", "mV")),
    ("E_K", ("volt", "mV")),
    ("E_Ca", ("volt", "mV")),
    ("cai", ("mol/meter**3", "mM")),
    ("cao", ("mol/meter**3", "mM")),
    ("I_Ca", ("amp/meter**2", "mA/cm**2")),
    ("celsius", ("1", "1")),
])

#: Defaults of the shared names when no mechanism gives one (NEURON's defaults).
_SHARED_DEFAULTS = {"cai": ("5e-5", "mM"), "cao": ("2.0", "mM"), "E_Ca": ("132.457934", "mV")}

#: Nernst potential of Ca2+ (valence 2) with the 2019 SI values of R and F (the values
#: of NEURON 9 and Arbor); celsius in degrees Celsius.
_NERNST_CA = ("E_Ca = 8.31446261815324*joule/(mole*kelvin)*(celsius + 273.15)*kelvin"
              "/(2*96485.3321233100184*coulomb/mole)*log(cao/cai) : volt (constant over dt)")

_IONS = ("na", "k", "ca")
_ION_REVERSAL = {"na": "E_Na", "k": "E_K", "ca": "E_Ca"}


def _brian2():
    import brian2

    return brian2


def plain_unit(dimensions):
    """Return the plain (NEURON) unit of a brian2 dimension as a brian2 unit string.

    Parameters
    ----------
    dimensions : brian2 Dimension
        The dimension of a declared variable.

    Returns
    -------
    str or None
        ``"mV"``, ``"ms"``, ``"1/ms"``, ``"siemens/cm**2"``, ``"mA/cm**2"``, ``"mM"``,
        ``"um"``, ``"1"``, or None when plain numbers are not accepted for that
        dimension (a Quantity is then required).
    """
    b2 = _brian2()
    table = [
        ("1", 1.0), ("mV", b2.mV), ("ms", b2.ms), ("1/ms", 1 / b2.ms),
        ("siemens/cm**2", b2.siemens / b2.cm ** 2), ("mA/cm**2", b2.mA / b2.cm ** 2),
        ("mM", b2.mM), ("um", b2.um),
    ]
    for name, unit in table:
        if b2.get_dimensions(unit) is dimensions:
            return name
    return None


def _unit_value(unit_name):
    b2 = _brian2()
    if unit_name == "1":
        return 1.0
    return eval(unit_name, {k: getattr(b2, k) for k in ("mV", "ms", "siemens", "cm", "mA", "mM", "um")})


def as_quantity(value, dimensions, name, where):
    """Convert a parameter value (Quantity or plain number) to a Quantity of ``dimensions``.

    Parameters
    ----------
    value : float or brian2 Quantity
        A plain number is taken in NEURON's unit of the dimension (see
        :func:`plain_unit`); a Quantity must have the dimension.
    dimensions : brian2 Dimension
        The declared dimension of the variable.
    name : str
        Variable name for messages.
    where : str
        Who asks (e.g. ``"compose"``), for messages.

    Returns
    -------
    brian2 Quantity or float
        A float for dimensionless variables.

    Raises
    ------
    UnitError
        Wrong dimension, not a number, or a plain number for a dimension without
        plain unit.
    ParameterError
        A non-scalar value.
    """
    from stimuli.arguments import to_plain

    b2 = _brian2()
    plain = plain_unit(dimensions)
    if np.ndim(value) != 0:
        raise ParameterError(f"{where}: {name}={value!r} must be a scalar default value.")
    if plain is None:
        if isinstance(value, b2.Quantity) and b2.get_dimensions(value) is dimensions:
            return value
        raise UnitError(
            f"{where}: {name}={value!r} must be a brian2 Quantity of dimension '{dimensions}' "
            f"(no plain unit is defined for it).")
    number = to_plain(value, plain, f"{where}: {name}", error=UnitError)
    if plain == "1":
        return float(number)
    return float(number) * _unit_value(plain)


def _format_quantity(q):
    b2 = _brian2()
    if not isinstance(q, b2.Quantity) or b2.get_dimensions(q) is b2.units.fundamentalunits.DIMENSIONLESS:
        return f"{float(q):g}"
    plain = plain_unit(b2.get_dimensions(q))
    if plain is None:
        return repr(q)
    return f"{float(q / _unit_value(plain)):g} {plain}"


class Mechanism:
    """One membrane mechanism: brian2 equation text and its documentation.

    Parameters
    ----------
    name : str
        Python identifier; every variable the equations define ends with
        ``_<name>`` (the current density is ``I_<name>``).
    equations : str
        brian2 equation text for a ``SpatialNeuron``. It defines
        ``I_<name> : amp/meter**2`` (positive = inward = depolarising), unless the
        mechanism is a concentration mechanism that defines ``dcai/dt`` instead
        (``CaDynamics_E2``). Parameters are declared plain
        (``gbar_<name> : siemens/meter**2``); the shared names of
        :data:`SHARED_NAMES` (``v``, ``E_Na``, ``E_K``, ``E_Ca``, ``cai``, ``cao``,
        ``I_Ca``, ``celsius``) are read without being declared.
    parameters : dict
        ``{variable: default}`` for every parameter the equations declare, plus the
        source's values of any shared name it reads (``E_K``, ``celsius``, ...).
        A default is a brian2 Quantity or a plain number in NEURON's unit of its
        dimension (mV, ms, S/cm**2, mM, ...).
    initial : dict
        ``{state: expression}``: for every state variable (differential equation)
        a brian2 expression of its initial value, the steady state at the current
        ``v`` (and ``cai``) for a gating variable.
    reference : str
        Source of the model (paper, ModelDB accession, file).
    description : str
        What the mechanism is, with its equations in words.
    ions : tuple of str
        Ions whose current ``I_<name>`` is (a subset of ``"na"``, ``"k"``,
        ``"ca"``). A mechanism with ``"ca"`` contributes ``I_<name>`` to ``I_Ca``,
        the current that drives calcium concentration dynamics.

    Raises
    ------
    ParameterError
        Malformed equations, a variable without the ``_<name>`` suffix, an
        undeclared identifier, a parameter without default, an initial value for
        something that is not a state (or a state without one).
    UnitError
        A default of the wrong dimension.

    Examples
    --------
    A user-defined mechanism, written the way the library writes its own (here a
    non-inactivating potassium current with one gate)::

        from brian2 import mV, ms, siemens, cm
        from dendrites.mechanisms import Mechanism, compose

        kdr = Mechanism(
            "kdr",
            '''
            I_kdr = gbar_kdr*n_kdr**4*(E_K - v) : amp/meter**2
            dn_kdr/dt = (n_inf_kdr - n_kdr)/tau_n_kdr : 1
            n_inf_kdr = 1/(1 + exp(-(v - vhalf_kdr)/(10*mV))) : 1
            tau_n_kdr = 5*ms : second
            gbar_kdr : siemens/meter**2
            vhalf_kdr : volt
            ''',
            parameters={"gbar_kdr": 0.01*siemens/cm**2, "vhalf_kdr": -30*mV,
                        "E_K": -90*mV},
            initial={"n_kdr": "n_inf_kdr"},
            reference="an example", description="Delayed rectifier, one gate.",
            ions=("k",))
        membrane = compose([kdr])
    """

    def __init__(self, name, equations, parameters, initial, reference, description, ions=()):
        b2 = _brian2()
        where = f"Mechanism {name!r}"
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ParameterError(f"Mechanism name={name!r} must be a Python identifier (e.g. 'NaTa_t').")
        if name in SHARED_NAMES or f"I_{name}" in SHARED_NAMES:
            raise ParameterError(f"{where}: the name clashes with the shared name I_{name}; choose another.")
        if not isinstance(equations, str):
            raise ParameterError(f"{where}: equations must be brian2 equation text (a str), got {type(equations).__name__}.")
        try:
            eqs = b2.Equations(equations)
        except Exception as exc:  # brian2 raises several types for malformed text
            raise ParameterError(f"{where}: the equations are not valid brian2 equations: {exc}") from None
        suffix = f"_{name}"
        self.name = name
        self.equations = "\n".join(line.strip() for line in equations.strip().splitlines() if line.strip())
        self.reference = str(reference)
        self.description = str(description)

        ions = tuple(ions)
        unknown = [ion for ion in ions if ion not in _IONS]
        if unknown:
            raise ParameterError(f"{where}: ions={ions!r} contains {unknown!r}; allowed are {_IONS}.")
        self.ions = ions

        defined = set(eqs.names)
        concentration = "cai" in eqs.diff_eq_names
        for var in sorted(defined):
            if var == "cai" and concentration:
                continue
            if var in SHARED_NAMES:
                raise ParameterError(
                    f"{where}: the equations declare the shared name {var!r}; shared names "
                    f"({', '.join(SHARED_NAMES)}) are declared by compose(), read them without declaring.")
            if not var.endswith(suffix):
                raise ParameterError(
                    f"{where}: variable {var!r} does not end with {suffix!r}; every variable a "
                    f"mechanism defines carries its suffix (rename it {var}{suffix}).")
        current = f"I_{name}"
        if current in defined:
            if eqs[current].type == b2.equations.equations.DIFFERENTIAL_EQUATION or \
                    eqs[current].dim is not b2.get_dimensions(b2.amp / b2.meter ** 2):
                raise ParameterError(f"{where}: {current} must be a current density expression "
                                     f"(': amp/meter**2'), got {eqs[current]}.")
        elif not concentration:
            raise ParameterError(f"{where}: the equations must define the current density "
                                 f"'{current} = ... : amp/meter**2' (or 'dcai/dt' for a concentration mechanism).")
        self.is_current = current in defined
        self.is_concentration = concentration

        known = set(b2.core.namespace.DEFAULT_UNITS) | set(b2.core.namespace.DEFAULT_FUNCTIONS) \
            | set(b2.core.namespace.DEFAULT_CONSTANTS) | {"t", "dt", "i", "xi"}
        external = sorted(set(eqs.identifiers) - known - defined)
        undeclared = [x for x in external if x not in SHARED_NAMES]
        if undeclared:
            raise ParameterError(
                f"{where}: the equations use {undeclared} without defining them; declare each as a "
                f"parameter ('{undeclared[0]} : <unit>') with a default in parameters, or use a shared "
                f"name ({', '.join(SHARED_NAMES)}).")
        self.shared = tuple(x for x in SHARED_NAMES if x in external)
        if concentration:
            self.shared = tuple(x for x in SHARED_NAMES if x in external or x == "cai")
        for ion, rev in _ION_REVERSAL.items():
            if rev in self.shared and ion not in ions:
                raise ParameterError(f"{where}: the equations read {rev} but ions={ions!r} does not "
                                     f"contain {ion!r}; add it (ions=({ion!r},)).")
        if "ca" in ions and not self.is_current:
            raise ParameterError(f"{where}: ions contains 'ca' but the mechanism defines no current.")

        if not isinstance(parameters, dict):
            raise ParameterError(f"{where}: parameters must be a dict {{name: default}}, got {type(parameters).__name__}.")
        declared = [p for p in eqs.parameter_names]
        missing = [p for p in declared if p not in parameters]
        if missing:
            raise ParameterError(f"{where}: parameters has no default for {missing}; add e.g. "
                                 f"parameters[{missing[0]!r}] = <value>.")
        self.parameters = OrderedDict()
        for key, value in parameters.items():
            if key in declared:
                dim = eqs[key].dim
            elif key in SHARED_NAMES and key not in ("v", "I_Ca") and (
                    key in self.shared
                    or (key in ("celsius", "cao") and ("E_Ca" in self.shared or concentration))):
                # celsius and cao enter E_Ca when it is a Nernst potential
                dim = b2.get_dimensions(_unit_value(SHARED_NAMES[key][1])) if SHARED_NAMES[key][1] != "1" \
                    else b2.units.fundamentalunits.DIMENSIONLESS
            else:
                raise ParameterError(
                    f"{where}: parameters has {key!r}, which the equations neither declare as a "
                    f"parameter nor read as a shared name; declared parameters are {declared}.")
            self.parameters[key] = as_quantity(value, dim, key, where)

        if not isinstance(initial, dict):
            raise ParameterError(f"{where}: initial must be a dict {{state: expression}}.")
        states = sorted(eqs.diff_eq_names,
                        key=lambda s: re.search(rf"\bd{s}\s*/\s*dt", equations).start())
        extra = [k for k in initial if k not in states]
        if extra:
            raise ParameterError(f"{where}: initial has {extra}, which are not states; states are {states}.")
        lacking = [s for s in states if s not in initial]
        if lacking:
            raise ParameterError(f"{where}: initial has no expression for the states {lacking}.")
        self.initial = OrderedDict((s, str(initial[s])) for s in states)
        self.states = tuple(states)
        self._check_exprel()

    def __repr__(self):
        return f"Mechanism({self.name!r}, states={list(self.states)}, parameters={list(self.parameters)})"

    def check(self):
        """Check that brian2's exponential Euler integrates the mechanism as written.

        A ``SpatialNeuron`` integrates the channel states with
        ``method="exponential_euler"``, which needs every state's equation to be
        linear in that state. The check also catches a sympy trap: ``exprel(x)``
        whose argument contains a numeric constant (``exprel(-(v/mV + 40)/10)``) is
        rewritten into ``(exp(x) - 1)/x`` in the update code, 0/0 at the singular
        potential; write ``exprel(clip(x, -500, 500))`` (``clip`` is opaque to sympy
        and the bounds change nothing for |V| < 2 V), as the library does.

        Raises
        ------
        ParameterError
            The equations are not exponential-Euler integrable, or an ``exprel``
            disappears from the update code.
        """
        b2 = _brian2()
        from brian2.stateupdaters.exponential_euler import exponential_euler

        declarations = {"v": "v : volt", "E_Na": "E_Na : volt", "E_K": "E_K : volt",
                        "E_Ca": "E_Ca : volt", "cai": "cai : mol/meter**3",
                        "cao": "cao : mol/meter**3", "I_Ca": "I_Ca : amp/meter**2",
                        "celsius": "celsius : 1"}
        extra = [declarations[x] for x in self.shared if not (x == "cai" and self.is_concentration)]
        eqs = b2.Equations(self.equations + "\n" + "\n".join(extra))
        where = f"Mechanism {self.name!r}"
        if not self.states:
            return
        try:
            code = exponential_euler(eqs)
        except Exception as exc:
            raise ParameterError(f"{where}: brian2's exponential Euler cannot integrate the states "
                                 f"(each state's equation must be linear in that state): {exc}") from None
        self._check_exprel()

    def _check_exprel(self):
        """Raise ParameterError for an ``exprel`` call that sympy would expand."""
        from brian2.core.functions import DEFAULT_FUNCTIONS
        from brian2.parsing.sympytools import str_to_sympy

        where = f"Mechanism {self.name!r}"
        exprel = DEFAULT_FUNCTIONS["exprel"].sympy_func
        for argument in _call_arguments(self.equations, "exprel"):
            if not str_to_sympy(f"exprel({argument})").has(exprel):
                raise ParameterError(
                    f"{where}: sympy rewrites exprel({argument}) into (exp(x) - 1)/x in the state "
                    f"update, which is 0/0 at the singular potential; write "
                    f"exprel(clip({argument}, -500, 500)).")

    def summary(self):
        """Return a readable multi-line description: reference, parameters with defaults, equations.

        Returns
        -------
        str
        """
        lines = [f"{self.name}: {self.description}", f"  reference: {self.reference}",
                 "  parameters:"]
        for k, v in self.parameters.items():
            lines.append(f"    {k} = {_format_quantity(v)}")
        lines.append("  equations:")
        lines.extend("    " + line for line in self.equations.strip().splitlines())
        return "\n".join(lines)


class Membrane:
    """The composition of mechanisms, ready to go into a ``SpatialNeuron``.

    Attributes
    ----------
    equations : str
        All mechanism equations plus the ion bookkeeping (declarations of the
        shared names used: reversal potentials fixed or Nernst, ``I_Ca``, ``cai``,
        ``cao``, ``celsius``), WITHOUT the ``Im`` line.
    currents : str
        The summed current density, e.g. ``"I_NaTa_t + I_Ih"``
        (``"0*amp/meter**2"`` when no mechanism carries a current); the caller
        writes ``Im = <currents> + ... : amp/meter**2``.
    parameters : dict
        ``{variable: default}`` for every parameter of ``equations``; assign them
        to the neuron (``setattr(neuron, name, value)``) and override per region.
    initial : dict
        ``{state: expression}`` in the order to apply them (``cai`` first, since
        calcium-dependent gates read it), after ``v`` has been set.
    mechanisms : tuple of Mechanism
    calcium_reversal : {"nernst", "fixed", None}
        How ``E_Ca`` is computed (None if no mechanism uses calcium).
    """

    def __init__(self, equations, currents, parameters, initial, mechanisms, calcium_reversal):
        self.equations = equations
        self.currents = currents
        self.parameters = parameters
        self.initial = initial
        self.mechanisms = mechanisms
        self.calcium_reversal = calcium_reversal

    @property
    def names(self):
        """Names of the composed mechanisms, in order."""
        return tuple(m.name for m in self.mechanisms)

    @property
    def states(self):
        """All state variables of the membrane (without ``v``)."""
        return tuple(self.initial)

    def __repr__(self):
        return f"Membrane({list(self.names)}, currents={self.currents!r})"


def compose(mechanisms, **options):
    """Join mechanisms into one :class:`Membrane`.

    Parameters
    ----------
    mechanisms : sequence of Mechanism
        Distinct mechanisms (by name).
    calcium_reversal : {"nernst", "fixed"}, optional
        ``E_Ca`` from the Nernst equation of ``cai``/``cao`` at ``celsius``, or a
        fixed per-compartment parameter. Default: Nernst if a mechanism makes
        ``cai`` dynamic (NEURON's rule when a mechanism writes ``cai``), fixed
        otherwise.
    **options
        Default values overriding the mechanisms' ones, by variable name: any
        parameter (``gbar_NaTa_t=0.02*siemens/cm**2``) or shared name (``celsius=34``,
        ``E_K=-85*mV``, ``cao=2*mM``). Quantities or plain numbers in NEURON's units
        (mV, ms, S/cm**2, mM). A shared name whose default differs between
        mechanisms must be given here.

    Returns
    -------
    Membrane

    Raises
    ------
    ParameterError
        Not Mechanism objects, duplicated names, conflicting defaults of a shared
        name without an option, an option that names no parameter, an unknown
        ``calcium_reversal``.
    UnitError
        An option of the wrong dimension.
    """
    b2 = _brian2()
    if isinstance(mechanisms, Mechanism):
        mechanisms = [mechanisms]
    try:
        mechanisms = tuple(mechanisms)
    except TypeError:
        raise ParameterError(f"compose: mechanisms must be a sequence of Mechanism, got {mechanisms!r}.") from None
    for m in mechanisms:
        if not isinstance(m, Mechanism):
            raise ParameterError(f"compose: {m!r} is not a Mechanism; pass objects such as "
                                 f"dendrites.mechanisms.hh or Mechanism(...).")
    names = [m.name for m in mechanisms]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParameterError(f"compose: mechanisms {dup} are given more than once; give each once.")
    concentration = [m for m in mechanisms if m.is_concentration]
    if len(concentration) > 1:
        raise ParameterError(f"compose: {[m.name for m in concentration]} all define dcai/dt; keep one.")

    calcium_reversal = options.pop("calcium_reversal", None)
    used = set()
    for m in mechanisms:
        used.update(m.shared)
    if "E_Ca" in used or concentration:
        used.update({"E_Ca", "I_Ca"} if concentration else {"E_Ca"})
    uses_calcium = bool({"E_Ca", "cai", "I_Ca"} & used)
    if calcium_reversal is None:
        calcium_reversal = ("nernst" if concentration else "fixed") if uses_calcium else None
    elif calcium_reversal not in ("nernst", "fixed"):
        raise ParameterError(f"compose: calcium_reversal={calcium_reversal!r}; use 'nernst' or 'fixed'.")
    elif not uses_calcium:
        calcium_reversal = None
    if calcium_reversal == "nernst":
        used.update({"cai", "cao", "celsius"})

    # -- parameters: mechanism-specific ones, then shared ones (checked for conflicts)
    parameters = OrderedDict()
    shared_values = OrderedDict()
    for m in mechanisms:
        for key, value in m.parameters.items():
            if key in SHARED_NAMES:
                shared_values.setdefault(key, []).append((m.name, value))
            else:
                parameters[key] = value
    for key in [k for k in SHARED_NAMES if k in used and k not in ("v", "I_Ca")]:
        if key == "E_Ca" and calcium_reversal == "nernst":
            continue
        if key == "cai" and concentration:
            continue
        unit, plain = SHARED_NAMES[key]
        dim = b2.units.fundamentalunits.DIMENSIONLESS if plain == "1" else b2.get_dimensions(_unit_value(plain))
        if key in options:
            parameters[key] = as_quantity(options.pop(key), dim, key, "compose")
            continue
        given = shared_values.get(key, [])
        distinct = []
        for src, value in given:
            if not any(np.allclose(np.asarray(value), np.asarray(d)) for d in distinct):
                distinct.append(value)
        if len(distinct) > 1:
            listing = ", ".join(f"{src}: {_format_quantity(v)}" for src, v in given)
            raise ParameterError(
                f"compose: the mechanisms give different defaults for {key} ({listing}); "
                f"choose one with compose(..., {key}=<value>).")
        if distinct:
            parameters[key] = distinct[0]
        elif key in _SHARED_DEFAULTS:
            number, u = _SHARED_DEFAULTS[key]
            parameters[key] = float(number) * _unit_value(u)
        else:
            raise ParameterError(
                f"compose: no mechanism gives a default for {key}; pass compose(..., {key}=<value>).")
    for key in list(options):
        if key in parameters:
            value = options.pop(key)
            old = parameters[key]
            dim = b2.get_dimensions(old) if isinstance(old, b2.Quantity) else b2.units.fundamentalunits.DIMENSIONLESS
            parameters[key] = as_quantity(value, dim, key, "compose")
    if options:
        bad = sorted(options)
        hints = {k: difflib.get_close_matches(k, list(parameters), n=1) for k in bad}
        hint = "; ".join(f"{k}: did you mean {h[0]!r}?" for k, h in hints.items() if h)
        raise ParameterError(
            f"compose: options {bad} name no parameter of the mechanisms {names}"
            + (f" ({hint})" if hint else "") + f"; parameters are {list(parameters)}.")

    # -- equations
    blocks = [m.equations.strip() for m in mechanisms]
    declarations = []
    if "E_Na" in used:
        declarations.append("E_Na : volt")
    if "E_K" in used:
        declarations.append("E_K : volt")
    if uses_calcium:
        carriers = [f"I_{m.name}" for m in mechanisms if "ca" in m.ions]
        if "I_Ca" in used or concentration:
            declarations.append("I_Ca = " + (" + ".join(carriers) if carriers else "0*amp/meter**2")
                                + " : amp/meter**2")
        if calcium_reversal == "nernst":
            declarations.append(_NERNST_CA)
        else:
            declarations.append("E_Ca : volt")
        if not concentration and "cai" in used:
            declarations.append("cai : mol/meter**3")
        if "cao" in used:
            declarations.append("cao : mol/meter**3")
    if "celsius" in used:
        declarations.append("celsius : 1 (shared)")
    equations = "\n".join(blocks + declarations) + "\n"
    try:
        b2.Equations(equations)
    except Exception as exc:
        raise ParameterError(f"compose: the mechanisms {names} do not combine into valid equations: {exc}") from None

    currents = " + ".join(f"I_{m.name}" for m in mechanisms if m.is_current) or "0*amp/meter**2"
    initial = OrderedDict()
    for m in concentration:
        initial.update(m.initial)
    for m in mechanisms:
        if not m.is_concentration:
            initial.update(m.initial)
    ordered = OrderedDict()
    for key in parameters:
        ordered[key] = parameters[key]
    return Membrane(equations, currents, ordered, initial, mechanisms, calcium_reversal)


def _call_arguments(text, function):
    """The argument strings of every call ``function(...)`` in ``text``."""
    arguments = []
    for match in re.finditer(rf"\b{function}\(", text):
        start = match.end()
        depth, pos = 1, start
        while depth and pos < len(text):
            depth += {"(": 1, ")": -1}.get(text[pos], 0)
            pos += 1
        arguments.append(text[start:pos - 1])
    return arguments


def lookup_mechanism(registry, name):
    """Return ``registry[name]`` or raise :class:`MechanismKeyError` naming close matches.

    Parameters
    ----------
    registry : dict
        ``{name: Mechanism}``.
    name : str

    Returns
    -------
    Mechanism
    """
    try:
        return registry[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), list(registry), n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise MechanismKeyError(
            f"unknown mechanism {name!r}; the library has {', '.join(registry)}.{hint}") from None
