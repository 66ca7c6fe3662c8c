"""The :class:`CellModel`: a brian2 ``SpatialNeuron`` built from a discretised morphology.

A model is described first (membrane per region or by distance, mechanisms,
synapse groups, inputs, injections, voltage clamp, recordings) and built into
brian2 objects on the first :meth:`CellModel.run` (or :meth:`CellModel.build`).
After the build the *structure* is fixed (which mechanisms, synapse groups,
injections and recordings exist) but every *value* can change between runs
without recompiling: membrane and mechanism parameters
(:meth:`~CellModel.set`), synaptic weights and kinetics
(:meth:`~CellModel.set_synapses`), spike inputs (:meth:`~CellModel.set_input`),
weights of point currents (:meth:`~CellModel.set_point_current`).  An unbuilt
model can be duplicated with :meth:`CellModel.copy`.
``run(..., reset=True)`` (the default) restarts from t = 0 at the resting state
of the current parameters, so parameter sweeps and site-by-site activations are
cheap re-runs.

Model equations
---------------
::

    Im = gL*(EL - v) + <mechanism currents> : amp/meter**2
    Is_<group> = gs_<group>*(E_<group> - v) [* B(v)] : amp (point current)
    I_inj = inj_wave(t, inj_col) : amp (point current)              (if injections)
    I_<name> = w_<name>*pc_wave_<name>(t) : amp (point current)     (add_point_current)
    I_clamp = clamp_on*(clamp_wave(t) - v)/Rs_clamp : amp (point current)   (if clamp)

where ``gs_<group>`` is the ``(summed)`` conductance of the group's synapses in
each compartment, so several synapses in one compartment add exactly, NMDA
included (its Mg block ``B(v) = 1/(1 + [Mg]/3.57 mM exp(-0.062 v/mV))``,
Jahr and Stevens 1990, multiplies the summed conductance).  Each synapse
has its own conductance, a double exponential normalised to a peak of its
weight ``w`` (or a single exponential if ``tau_rise = 0``), optionally scaled by
Tsodyks-Markram short-term plasticity.

Units of plain numbers: Cm uF/cm**2, gL S/cm**2, Rm ohm*cm**2, EL mV, Ri ohm*cm,
weights nS, times ms, reversals mV, Mg mM, currents nA, resistances MOhm.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import numpy as np

from stimuli.arguments import check_count, to_plain

from . import synapses as _syn
from .errors import (DendriteKeyError, DendriteWarning, MechanismKeyError, ParameterError,
                     SimulationError, UnitError, UnsupportedError)
from .passive import PassiveSystem
from .placement import SiteTable
from .regions import evaluate, plain_unit, select

__all__ = ["CellModel", "load_discretisation"]

_MEMBRANE = {"Cm": "uF/cm**2", "gL": "siemens/cm**2", "EL": "mV"}


def load_discretisation(morphology, *, rule="d_lambda", d_lambda=0.1, Ri=150.0, Cm=1.0,
                        max_length=20.0):
    """Return a :class:`morphologies.Discretisation` for a Discretisation, Cell, file or bundled name.

    Parameters
    ----------
    morphology : Discretisation, Cell, str or path
        A bundled name (``"L5pyr"``) or file path is loaded; a Cell is discretised
        with ``rule`` (default d_lambda 0.1 at 100 Hz with the model's ``Ri``, ``Cm``).
    """
    import morphologies

    if isinstance(morphology, morphologies.Discretisation):
        return morphology
    if isinstance(morphology, (str, Path)):
        name = str(morphology)
        if name in morphologies.list_bundled() or (not Path(name).exists()
                                                   and not Path(name).suffix):
            cell = morphologies.load_bundled(name)
        else:
            cell = morphologies.load(name)
    elif isinstance(morphology, morphologies.Cell):
        cell = morphology
    else:
        raise ParameterError(
            f"morphology={morphology!r} is not a Discretisation, Cell, file or bundled name; "
            "pass morphologies.discretise(cell) or a name of morphologies.list_bundled().")
    return morphologies.discretise(cell, rule, d_lambda=d_lambda, Ri=Ri, Cm=Cm,
                                   max_length=max_length)


@contextlib.contextmanager
def _codegen_target(target):
    """Set brian2's runtime code-generation target around a run, then restore it."""
    import brian2

    if target is None:
        yield
        return
    old = brian2.prefs.codegen.target
    brian2.prefs.codegen.target = {"runtime": "auto", "cython": "cython", "numpy": "numpy"}[target]
    try:
        yield
    finally:
        brian2.prefs.codegen.target = old


class CellModel:
    """A compartmental model of one cell on brian2's ``SpatialNeuron``.

    Parameters
    ----------
    morphology : morphologies.Discretisation, Cell, file path or bundled name
        The discretised morphology (a Cell or file is discretised with the
        d_lambda rule at ``Ri`` and ``Cm``).
    Ri : float or Quantity, optional
        Axial resistivity, ohm*cm (default 150). brian2 allows one per neuron.
    Cm : float or Quantity, optional
        Specific capacitance, uF/cm**2 (default 1); change per region with :meth:`set`.
    Rm : float or Quantity, optional
        Specific membrane resistance, ohm*cm**2 (default 20000; ``gL = 1/Rm``).
    gL : float or Quantity, optional
        Leak conductance density, S/cm**2 (instead of ``Rm``).
    EL : float or Quantity, optional
        Leak reversal, mV (default -70).
    dt : float or Quantity, optional
        Time step, ms (default 0.025).
    method : str, optional
        brian2 integration method of the mechanism states (default
        ``"exponential_euler"``).
    name : str, optional
        Prefix of the brian2 object names.
    """

    def __init__(self, morphology, *, Ri=150.0, Cm=1.0, Rm=None, gL=None, EL=-70.0, dt=0.025,
                 method="exponential_euler", name="cell"):
        Ri_plain = float(to_plain(Ri, "ohm*cm", "Ri", error=UnitError))
        Cm_plain = to_plain(Cm, "uF/cm**2", "Cm", error=UnitError)
        self.discretisation = load_discretisation(morphology, Ri=Ri_plain,
                                                  Cm=np.mean(Cm_plain))
        self.compartments = self.discretisation.compartments
        self.n = len(self.compartments)
        self.dt = float(to_plain(dt, "ms", "dt", error=UnitError))
        if not self.dt > 0:
            raise ParameterError(f"dt={self.dt} ms must be > 0.")
        self.method = method
        self.name = name
        self._Ri = self._positive(Ri_plain, "Ri", "ohm*cm") * 0.01  # ohm*m
        self._values = {}     # parameter -> SI array (n,) or scalar (shared)
        self._units = {}      # parameter -> plain unit
        self._shared = set()
        self._regions = {}
        self._mechanisms = {}  # name -> Mechanism
        self._mechanism_options = {}
        self._groups = {}      # synapse group name -> _syn.SynapseGroup
        self._injections = []  # (compartment, values nA, dt ms)
        self._point_currents = {}  # name -> dict(wave nA-per-unit-weight samples, dt, weights)
        self._clamp = None
        self._records = []
        self._built = None
        self._rest = None      # cached resting state dict (SI arrays)
        self._has_run = False
        n = self.n
        self._values["Cm"] = np.zeros(n)
        self._units.update(_MEMBRANE)
        self.set("Cm", Cm)
        if gL is not None and Rm is not None:
            raise ParameterError("give Rm or gL, not both.")
        if gL is None:
            Rm = 20000.0 if Rm is None else Rm
            self.set("Rm", Rm)
        else:
            self.set("gL", gL)
        self.set("EL", EL)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _positive(value, name, unit):
        if not np.isfinite(value) or value <= 0:
            raise ParameterError(f"{name}={value:g} {unit} must be finite and > 0.")
        return value

    @property
    def Ri(self):
        """float: axial resistivity in ohm*cm."""
        return self._Ri * 100.0

    @property
    def table(self):
        """CompartmentTable: the compartments (row = brian2 index)."""
        return self.compartments

    def define_region(self, name, where):
        """Name a selection (see :mod:`dendrites.regions`) for later ``where=name``.

        Parameters
        ----------
        name : str
            A Python identifier that is not a built-in region.
        where : selection
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"region name {name!r} must be an identifier.")
        self.select(where)  # checks it matches something
        self._regions[name] = where

    def select(self, where=None):
        """Return the compartment indices of a selection (module :mod:`dendrites.regions`)."""
        return select(self.compartments, where, regions=self._regions)

    # ------------------------------------------------------------------ parameters
    def set(self, parameter, value, where=None):
        """Set a membrane or mechanism parameter in a selection of compartments.

        Parameters
        ----------
        parameter : str
            ``"Cm"`` (uF/cm**2), ``"gL"`` (S/cm**2), ``"Rm"`` (ohm*cm**2, sets gL = 1/Rm),
            ``"EL"`` (mV), ``"Ri"`` (ohm*cm, whole cell only), or a parameter of an
            inserted mechanism (its plain unit: S/cm**2, mV, ms, mM, ...).
        value : number, Quantity, array, callable of distance (um) or expression
            See :mod:`dendrites.regions`.
        where : selection, optional
            Default: every compartment.

        Raises
        ------
        UnsupportedError
            ``Ri`` with a ``where``: brian2's SpatialNeuron has one axial resistivity.
        DendriteKeyError, UnitError, ParameterError, RegionError
        """
        if parameter == "Ri":
            if where is not None:
                raise UnsupportedError(
                    "Ri per region is not possible: brian2's SpatialNeuron has a single axial "
                    f"resistivity per neuron (where={where!r} was given); set one Ri for the "
                    "whole cell, or scale the diameters of that region instead.")
            self._Ri = self._positive(float(to_plain(value, "ohm*cm", "Ri", error=UnitError)),
                                      "Ri", "ohm*cm") * 0.01
            self._changed()
            return
        if parameter == "Rm":
            rows = self.select(where)
            rm = evaluate(value, self.compartments, rows, "ohm*cm**2", "Rm")
            if np.any(~(rm > 0)):
                raise ParameterError("Rm must be > 0 ohm*cm**2.")
            self._values.setdefault("gL", np.zeros(self.n))[rows] = 1.0 / rm
            self._changed()
            return
        if parameter not in self._units:
            known = sorted(set(self._units) | {"Ri", "Rm"})
            raise DendriteKeyError(
                f"unknown parameter {parameter!r}; known: {known} (insert a mechanism first to "
                "set its parameters).")
        unit = self._units[parameter]
        if parameter in self._shared:
            if where is not None:
                raise UnsupportedError(f"{parameter} is one value per neuron (shared); omit where.")
            self._values[parameter] = float(evaluate(value, self.compartments, np.arange(1),
                                                     unit, parameter)[0])
        else:
            rows = self.select(where)
            vals = evaluate(value, self.compartments, rows, unit, parameter)
            if parameter in ("Cm",) and np.any(vals <= 0):
                raise ParameterError(f"{parameter} must be > 0 {unit}.")
            if parameter == "gL" and np.any(vals < 0):
                raise ParameterError("gL must be >= 0 S/cm**2.")
            self._values.setdefault(parameter, np.zeros(self.n))[rows] = vals
        self._changed()

    def get(self, parameter):
        """Return a parameter's values, plain numbers in its documented unit (array per compartment)."""
        if parameter == "Ri":
            return self.Ri
        if parameter not in self._values:
            raise DendriteKeyError(f"unknown parameter {parameter!r}; known: {sorted(self._values)}.")
        from .regions import si_factor

        return self._values[parameter] / si_factor(self._units[parameter])

    def _changed(self):
        self._rest = None
        if self._built is not None:
            self._apply_parameters()

    # ------------------------------------------------------------------ mechanisms
    def insert(self, mechanism, where=None, **parameters):
        """Insert a membrane mechanism in a selection of compartments.

        Conductance (S/m**2) and permeability (m/s) parameters of the mechanism
        take their default inside ``where`` and 0 elsewhere (the mechanism is
        absent there); other parameters take their default everywhere.  A second
        insertion of the same mechanism adds a region.

        Parameters
        ----------
        mechanism : dendrites.mechanisms.Mechanism or str
            A mechanism object or a library name (``"hh"``, ``"NaTa_t"``, ...).
        where : selection, optional
        **parameters
            Values in ``where`` (number, Quantity, callable of distance or
            expression), by full name (``gnabar_hh``) or without the suffix
            (``gnabar``).
        """
        self._structural("insert a mechanism")
        from .mechanisms import Mechanism, get_mechanism

        if isinstance(mechanism, str):
            mechanism = get_mechanism(mechanism)
        if not isinstance(mechanism, Mechanism):
            raise ParameterError(f"mechanism={mechanism!r} is not a Mechanism or a library name.")
        rows = self.select(where)
        from brian2.units.fundamentalunits import get_dimensions
        from brian2 import siemens, metre, second

        self._mechanisms[mechanism.name] = mechanism
        membrane = self._compose()
        zero_dims = {get_dimensions(siemens / metre**2), get_dimensions(metre / second)}
        for pname, default in membrane.parameters.items():
            dims = get_dimensions(default)
            self._units.setdefault(pname, plain_unit(dims))
            si = float(np.asarray(default))
            if pname == "celsius":
                self._shared.add(pname)
                self._values.setdefault(pname, si)
                continue
            own = pname in mechanism.parameters and pname not in (
                "E_Na", "E_K", "E_Ca", "cai", "cao")
            if own and dims in zero_dims:  # present in `where` (this and earlier insertions)
                arr = self._values.get(pname, np.zeros(self.n))
                arr[rows] = si
                self._values[pname] = arr
            elif pname not in self._values:
                self._values[pname] = np.full(self.n, si)
        for key, value in parameters.items():
            full = key if key in mechanism.parameters else f"{key}_{mechanism.name}"
            if full not in self._units:
                raise MechanismKeyError(
                    f"mechanism {mechanism.name!r} has no parameter {key!r}; its parameters are "
                    f"{sorted(mechanism.parameters)}.")
            self.set(full, value, where=rows if full not in self._shared else None)
        self._changed()
        return self

    def _compose(self):
        from .mechanisms import compose

        return compose(list(self._mechanisms.values()), **self._mechanism_options)

    @property
    def mechanisms(self):
        """tuple of str: names of the inserted mechanisms."""
        return tuple(self._mechanisms)

    # ------------------------------------------------------------------ synapses
    def add_synapses(self, kind, sites, *, name=None, weight=None, nmda_ratio=1.0, stp=None,
                     **kinetics):
        """Add a group of conductance synapses at ``sites``.

        Parameters
        ----------
        kind : {"ampa", "nmda", "gabaa", "gabab", "ampa+nmda"}
            Defaults of each kind in :data:`dendrites.synapses.KINDS`.
        sites : SiteTable or array of compartment indices
        name : str, optional
            Group name (default: the kind and a number). ``"ampa+nmda"`` makes two
            groups, ``<name>_ampa`` and ``<name>_nmda``, sharing the input.
        weight : float, Quantity or array, optional
            Peak conductance per synapse, nS (default of the kind).
        nmda_ratio : float, optional
            For ``"ampa+nmda"``: NMDA peak conductance / AMPA peak conductance.
        stp : dict, optional
            Tsodyks-Markram plasticity ``{"U": 0.5, "tau_rec": 800, "tau_facil": 0}`` (ms).
        **kinetics
            ``tau_rise``, ``tau_decay`` (ms; ``tau_rise=0`` single exponential), ``E``
            (mV), ``Mg`` (mM, NMDA).

        Returns
        -------
        str or tuple of str
            The group name(s).
        """
        self._structural("add synapses")
        if isinstance(sites, SiteTable):
            table = sites
        else:
            comps = np.atleast_1d(np.asarray(sites))
            self.select(comps)
            table = SiteTable.from_compartments(self.compartments, comps)
        if not len(table):
            raise ParameterError("sites is empty; place at least one synapse.")
        if kind == "ampa+nmda":
            base = name or self._new_name("ampa_nmda")
            w = _syn.KINDS["ampa"]["weight"] if weight is None else weight
            w_plain = np.asarray(to_plain(w, "nS", "weight", error=UnitError), float)
            ratio = float(to_plain(nmda_ratio, "1", "nmda_ratio", error=UnitError))
            if not ratio >= 0:
                raise ParameterError(f"nmda_ratio={ratio} must be >= 0.")
            a = self.add_synapses("ampa", table, name=f"{base}_ampa", weight=w_plain, stp=stp,
                                  **{k: v for k, v in kinetics.items() if k.startswith("ampa_")})
            n = self.add_synapses("nmda", table, name=f"{base}_nmda", weight=w_plain * ratio,
                                  stp=stp, **{k[5:]: v for k, v in kinetics.items()
                                              if k.startswith("nmda_")})
            self._groups[n].shares_input_with = a
            return a, n
        name = name or self._new_name(kind)
        if name in self._groups:
            raise ParameterError(f"a synapse group {name!r} exists; choose another name.")
        if not name.isidentifier():
            raise ParameterError(f"group name {name!r} must be an identifier.")
        kinetics = {k[len(kind) + 1:] if k.startswith(kind + "_") else k: v
                    for k, v in kinetics.items()}
        group = _syn.SynapseGroup(name, kind, table, weight=weight, stp=stp, **kinetics)
        self._groups[name] = group
        return name

    def _new_name(self, kind):
        base = kind.replace("+", "_")
        k = 0
        while f"{base}{k}" in self._groups:
            k += 1
        return f"{base}{k}"

    @property
    def synapse_groups(self):
        """dict: ``{name: SynapseGroup}``."""
        return dict(self._groups)

    def sites(self, group=None):
        """The SiteTable of a group (or of all groups, with a ``group`` column)."""
        if group is not None:
            return self._group(group).sites
        import pandas as pd

        frames = [g.sites.frame.assign(group=name) for name, g in self._groups.items()]
        return pd.concat(frames, ignore_index=True) if frames else None

    def _group(self, name):
        if name not in self._groups:
            raise DendriteKeyError(f"no synapse group {name!r}; groups are {sorted(self._groups)}.")
        return self._groups[name]

    def set_synapses(self, group, synapses=None, **values):
        """Change synaptic values of a group (weights nS, tau_rise/tau_decay ms, E mV, Mg mM, U,
        tau_rec, tau_facil) for all or some ``synapses`` (ids); no recompilation."""
        g = self._group(group)
        g.set(synapses, **values)
        if self._built is not None:
            g.apply(self._built["synapses"][group], self._built["neuron"])

    def set_input(self, group, trains, synapses=None, *, mapping=None):
        """Drive synapses with spike trains (``stimuli.SpikeTrains``).

        Parameters
        ----------
        group : str
            Group name (for ``"ampa+nmda"`` either name: both share the input).
        trains : stimuli.SpikeTrains
            ``n_sources`` equal to the number of driven synapses (one train each), or
            1 (one train shared by all), or any number with ``mapping``.
        synapses : array of int, optional
            Synapse ids driven (default all of the group).
        mapping : array of int, optional
            Train index of each driven synapse (trains shared as you like).

        Raises
        ------
        ParameterError
            More trains than synapses, a wrong mapping, spikes closer than dt.
        """
        g = self._group(group)
        if g.shares_input_with is not None:
            g = self._group(g.shares_input_with)
        g.set_input(trains, synapses, mapping, self.dt)
        if self._built is not None:
            self._apply_inputs()

    # ------------------------------------------------------------------ injections
    def inject(self, where, current, *, dt=None, start=0.0, duration=None):
        """Inject a point current (inward positive, nA) into one or more compartments.

        Parameters
        ----------
        where : int, array of int or selection
            Compartment(s) (each gets the full current).
        current : float, Quantity or array
            A constant amplitude (nA) applied from ``start`` for ``duration``, or a
            waveform (nA) sampled every ``dt`` ms from ``t = start``
            (e.g. from :mod:`stimuli.waveforms`: steps, ramps, noise).
        dt : float, optional
            Sampling step of a waveform, ms (default: the model's dt).
        start, duration : float, optional
            ms; ``duration`` for a constant amplitude (default: until the end).
        """
        self._structural("add an injection")
        rows = self.select([int(where)] if isinstance(where, (int, np.integer)) else where)
        amp = np.atleast_1d(np.asarray(to_plain(current, "nA", "current", error=UnitError), float))
        step = self.dt if dt is None else float(to_plain(dt, "ms", "dt", error=UnitError))
        start = float(to_plain(start, "ms", "start", error=UnitError))
        if start < 0 or step <= 0:
            raise ParameterError("start must be >= 0 ms and dt > 0 ms.")
        if amp.size == 1 and np.ndim(current) == 0:
            length = None if duration is None else float(to_plain(duration, "ms", "duration",
                                                                  error=UnitError))
            self._injections.append((rows, "step", float(amp[0]), start, length))
        else:
            self._injections.append((rows, "wave", amp, start, step))

    def add_point_current(self, name, waveform, *, dt=None, weights=0.0):
        """Add a point current ``I_<name> = w_<name> * waveform(t)`` with weights per compartment.

        One shared waveform (dimensionless, sampled every ``dt`` from ``t = 0``,
        0 after its last sample) times a weight per compartment (nA, inward
        positive).  The weights are *values*: change them between runs with
        :meth:`set_point_current` (e.g. to move a current synapse from site to
        site) without rebuilding or recompiling the model.  Record the current
        as ``"I_<name>"``.

        Parameters
        ----------
        name : str
            An identifier, unique among the model's point currents.
        waveform : array_like
            Samples of the shape, dimensionless (e.g. a synaptic waveform of peak 1).
        dt : float or Quantity, optional
            Sampling step of ``waveform``, ms (default: the model's dt).
        weights : float, Quantity or array (n,), optional
            nA per compartment (default 0 everywhere); see :meth:`set_point_current`.

        Raises
        ------
        SimulationError
            The model was built already (the structure is fixed).
        ParameterError
            A bad name, a waveform that is empty or not finite, ``dt <= 0``.
        """
        self._structural("add a point current")
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"point current name {name!r} must be an identifier.")
        if name in self._point_currents or name in ("inj", "clamp") or f"w_{name}" in self._values:
            raise ParameterError(f"a point current {name!r} exists (or clashes with a model "
                                 f"variable); choose another name (existing: "
                                 f"{sorted(self._point_currents)}).")
        wave = np.asarray(to_plain(waveform, "1", "waveform", error=UnitError), float).ravel()
        if not wave.size or not np.all(np.isfinite(wave)):
            raise ParameterError(f"waveform of point current {name!r} must be a non-empty array of "
                                 f"finite numbers (got {wave.size} samples).")
        step = self.dt if dt is None else float(to_plain(dt, "ms", "dt", error=UnitError))
        if not step > 0:
            raise ParameterError(f"dt={step} ms of point current {name!r} must be > 0.")
        self._point_currents[name] = {"wave": np.r_[wave, 0.0], "dt": step,
                                      "weights": np.zeros(self.n)}
        self.set_point_current(name, weights)
        return name

    def set_point_current(self, name, weights, where=None):
        """Set the weights (nA) of point current ``name``; a value change, no recompilation.

        Parameters
        ----------
        name : str
            A point current of :meth:`add_point_current`.
        weights : float, Quantity or array
            nA: one number for every compartment of ``where``, or an array with
            one value per compartment of ``where`` (of the cell without ``where``).
        where : selection, optional
            Compartments set (default all); the others are set to 0.
        """
        if name not in self._point_currents:
            raise DendriteKeyError(f"no point current {name!r}; point currents are "
                                   f"{sorted(self._point_currents)} (add_point_current first).")
        rows = np.arange(self.n) if where is None else self.select(where)
        w = np.asarray(to_plain(weights, "nA", "weights", error=UnitError), float)
        if w.ndim and w.shape != (len(rows),):
            raise ParameterError(f"weights of point current {name!r} have shape {w.shape}; give "
                                 f"one number or {len(rows)} values (one per compartment).")
        if not np.all(np.isfinite(w)):
            raise ParameterError(f"weights of point current {name!r} must be finite (nA).")
        new = np.zeros(self.n)
        new[rows] = w
        self._point_currents[name]["weights"] = new
        if self._built is not None:
            self._built["neuron"].variables[f"w_{name}"].set_value(new * 1e-9)

    @property
    def point_currents(self):
        """dict: ``{name: weights (nA, array per compartment)}`` of the point currents."""
        return {k: v["weights"].copy() for k, v in self._point_currents.items()}

    def voltage_clamp(self, level, *, dt=None, series_resistance=1.0, start=0.0, duration=None):
        """Clamp the soma voltage through a series resistance (MOhm).

        Parameters
        ----------
        level : float, Quantity or array
            Command voltage (mV): a constant from ``start`` for ``duration``, or a
            waveform sampled every ``dt`` ms from 0.  Outside the clamp window the
            clamp is off (no current).
        series_resistance : float or Quantity
            MOhm (default 1); the clamp current is ``(V_cmd - v) / R_s``.
        """
        self._structural("add a voltage clamp")
        lv = np.atleast_1d(np.asarray(to_plain(level, "mV", "level", error=UnitError), float))
        rs = float(to_plain(series_resistance, "Mohm", "series_resistance", error=UnitError))
        self._positive(rs, "series_resistance", "MOhm")
        step = self.dt if dt is None else float(to_plain(dt, "ms", "dt", error=UnitError))
        start = float(to_plain(start, "ms", "start", error=UnitError))
        length = None if duration is None else float(to_plain(duration, "ms", "duration",
                                                              error=UnitError))
        self._clamp = dict(level=lv, dt=step, rs=rs, start=start, duration=length,
                           wave=lv.size > 1 or np.ndim(level) > 0)

    # ------------------------------------------------------------------ recording
    def record(self, variables="v", where=0, *, group=None, synapses=None, dt=None):
        """Record variables during runs.

        Parameters
        ----------
        variables : str or sequence of str
            Neuron variables (``"v"``, ``"I_hh"``, ``"m_hh"``, ``"cai"``, ``"I_clamp"``,
            ``"I_inj"``, ``"Is_<group>"``, ``"gs_<group>"`` ...) or, with ``group``,
            synapse variables (``"g"`` conductance, ``"I"`` current, ``"u"``, ``"x"``).
        where : selection, optional
            Compartments (default the soma, 0; ``"all"`` for all).
        group : str, optional
            Record a synapse group instead of the neuron.
        synapses : array of int, optional
            Synapse ids of the group (default all).
        dt : float, optional
            Recording step, ms (default the model's dt).
        """
        self._structural("add a recording")
        variables = [variables] if isinstance(variables, str) else list(variables)
        step = self.dt if dt is None else float(to_plain(dt, "ms", "dt", error=UnitError))
        if group is None:
            rows = self.select(where if not np.isscalar(where) or isinstance(where, str)
                               else [int(where)])
        else:
            g = self._group(group)
            rows = (np.arange(len(g.sites)) if synapses is None
                    else np.atleast_1d(np.asarray(synapses, dtype=np.int64)))
        self._records.append(dict(variables=variables, rows=rows, group=group, dt=step))

    # ------------------------------------------------------------------ build
    def _structural(self, what):
        if self._built is not None:
            raise SimulationError(
                f"cannot {what} after the model was built (the brian2 objects exist); describe "
                "the whole model before the first run, or make a new CellModel.")

    def equations(self):
        """Return the SpatialNeuron equations (str) of the model as it is described."""
        currents = "0*amp/meter**2"
        mech = ""
        if self._mechanisms:
            membrane = self._compose()
            currents, mech = membrane.currents, membrane.equations
        lines = [f"Im = gL*(EL - v) + {currents} : amp/meter**2",
                 "gL : siemens/meter**2", "EL : volt", mech]
        for name, g in self._groups.items():
            lines.extend(g.neuron_equations())
        if self._injections:
            lines += ["I_inj = inj_wave(t, inj_col) : amp (point current)",
                      "inj_col : integer (constant)"]
        for name in self._point_currents:
            lines += [f"I_{name} = w_{name}*pc_wave_{name}(t) : amp (point current)",
                      f"w_{name} : amp"]
        if self._clamp is not None:
            lines += ["I_clamp = clamp_on*clamp_active(t)*(clamp_wave(t) - v)/Rs_clamp : amp "
                      "(point current)", "clamp_on : 1", "Rs_clamp : ohm (shared)"]
        return "\n".join(lines)

    def _timed_arrays(self):
        from brian2 import TimedArray, amp, ms, nA, mV, volt

        ns = {}
        if self._injections:
            comps = np.unique(np.concatenate([rows for rows, *_ in self._injections]))
            tmax = self.dt
            for rows, kind, a, s, x in self._injections:
                end = (s + (x if x is not None else 0)) if kind == "step" else s + len(a) * x
                tmax = max(tmax, end)
            n_t = int(np.ceil(tmax / self.dt)) + 2
            values = np.zeros((n_t, len(comps) + 1))  # column 0: no injection
            t = np.arange(n_t) * self.dt
            for rows, kind, a, s, x in self._injections:
                if kind == "step":
                    on = (t >= s - 1e-9) & ((t < s + x - 1e-9) if x is not None else True)
                    wave = np.where(on, a, 0.0)
                else:
                    idx = np.floor((t - s) / x + 1e-9).astype(np.int64)
                    wave = np.where((idx >= 0) & (idx < len(a)), a[np.clip(idx, 0, len(a) - 1)], 0)
                values[:, 1 + np.searchsorted(comps, rows)] += wave[:, None]
            ns["inj_wave"] = TimedArray(values * nA, dt=self.dt * ms)
            self._inj_comps = comps
        for name, pc in self._point_currents.items():
            ns[f"pc_wave_{name}"] = TimedArray(pc["wave"], dt=pc["dt"] * ms)
        if self._clamp is not None:
            c = self._clamp
            if c["wave"]:
                ns["clamp_wave"] = TimedArray(c["level"] * mV, dt=c["dt"] * ms)
                n_t = len(c["level"])
                active = np.ones(n_t)
                ns["clamp_active"] = TimedArray(active, dt=c["dt"] * ms)
            else:
                end = np.inf if c["duration"] is None else c["start"] + c["duration"]
                n_t = int(np.ceil((c["start"] + (0 if end == np.inf else c["duration"]))
                                  / self.dt)) + 2
                t = np.arange(n_t) * self.dt
                active = ((t >= c["start"] - 1e-9) & (t < end - 1e-9)).astype(float)
                if end == np.inf:
                    active[-1] = 1.0
                ns["clamp_wave"] = TimedArray(np.full(1, c["level"][0]) * mV, dt=self.dt * ms)
                ns["clamp_active"] = TimedArray(active, dt=self.dt * ms)
        del amp, volt
        return ns

    def build(self):
        """Create the brian2 objects (done by the first :meth:`run`); returns the Network."""
        if self._built is not None:
            return self._built["network"]
        import brian2
        from brian2 import (Network, SpatialNeuron, SpikeGeneratorGroup, StateMonitor, Synapses,
                            ms, ohm, uF, cm)

        namespace = self._timed_arrays()
        namespace.update({"mV": brian2.mV, "ms": brian2.ms})
        neuron = SpatialNeuron(self.discretisation.morphology, self.equations(),
                               Cm=1 * uF / cm**2, Ri=self._Ri * ohm * brian2.meter,
                               method=self.method, dt=self.dt * ms, namespace=namespace,
                               name=f"{self.name}_neuron*")
        objects = [neuron]
        built = {"neuron": neuron, "synapses": {}, "generators": {}, "monitors": []}
        for name, g in self._groups.items():
            if g.shares_input_with is None:
                gen = SpikeGeneratorGroup(len(g.sites), np.zeros(0, int), np.zeros(0) * ms,
                                          dt=self.dt * ms, name=f"{self.name}_{name}_in*")
                built["generators"][name] = gen
                objects.append(gen)
        for name, g in self._groups.items():
            src = built["generators"][g.shares_input_with or name]
            syn = Synapses(src, neuron, model=g.synapse_equations(), on_pre=g.on_pre(),
                           method="exact", dt=self.dt * ms, namespace={"mV": brian2.mV},
                           name=f"{self.name}_{name}*")
            syn.connect(i=np.arange(len(g.sites)), j=g.sites.compartment)
            if any(spec["group"] == name and "I" in spec["variables"] for spec in self._records):
                syn.run_regularly(g.current_code(), dt=self.dt * ms, when="before_end")
            built["synapses"][name] = syn
            objects.append(syn)
        for spec in self._records:
            target = neuron if spec["group"] is None else built["synapses"][spec["group"]]
            for var in spec["variables"]:
                if var not in target.variables:
                    raise DendriteKeyError(
                        f"cannot record {var!r}: not a variable of "
                        f"{'the neuron' if spec['group'] is None else 'group ' + spec['group']}; "
                        f"e.g. {sorted(k for k in target.variables if not k.startswith('_'))[:20]}.")
            mon = StateMonitor(target, spec["variables"], record=spec["rows"],
                               dt=spec["dt"] * ms, name=f"{self.name}_mon*")
            built["monitors"].append((spec, mon))
            objects.append(mon)
        net = Network(*objects)
        built["network"] = net
        self._built = built
        if self._injections:
            col = np.zeros(self.n, dtype=np.int64)
            col[self._inj_comps] = 1 + np.arange(len(self._inj_comps))
            neuron.inj_col = col
        if self._clamp is not None:
            on = np.zeros(self.n)
            on[0] = 1.0
            neuron.clamp_on = on
            neuron.Rs_clamp = self._clamp["rs"] * 1e6 * ohm
        self._apply_parameters()
        for name, g in self._groups.items():
            g.apply(built["synapses"][name], neuron)
        if type(brian2.get_device()).__name__ != "CPPStandaloneDevice":
            net.store("built")
        return net

    def _apply_parameters(self):
        from brian2 import ohm, meter

        neuron = self._built["neuron"]
        for pname, values in self._values.items():
            var = neuron.variables[pname]
            arr = np.asarray(values)
            if var.scalar:
                var.set_value(float(np.ravel(arr)[0]))
            else:
                var.set_value(arr if arr.ndim else np.full(self.n, float(arr)))
        neuron.variables["Ri"].set_value(self._Ri)
        for name, pc in self._point_currents.items():
            neuron.variables[f"w_{name}"].set_value(pc["weights"] * 1e-9)  # nA -> A
        del ohm, meter

    def _apply_inputs(self):
        from brian2 import ms

        for name, gen in self._built["generators"].items():
            idx, times = self._groups[name].spikes()
            gen.set_spikes(idx, times * ms)

    # ------------------------------------------------------------------ copy
    def copy(self, *, name=None):
        """Return an independent, unbuilt copy of this (unbuilt) model.

        The discretisation (morphology and compartment table) is shared, as it is
        never modified; membrane and mechanism parameters, mechanisms, named
        regions, synapse groups (sites, weights, kinetics, spike inputs),
        injections, point currents, the clamp, recordings and the cached resting
        state are copied, so changing the copy leaves this model unchanged.  Use it
        to run variants of one description, or to hand a model to worker processes.

        Parameters
        ----------
        name : str, optional
            Prefix of the copy's brian2 object names (default: this model's).

        Returns
        -------
        CellModel

        Raises
        ------
        SimulationError
            This model was built (run once): its brian2 objects cannot be copied.
            Copy the model before its first run (``build``/``run``), or describe a
            new CellModel.
        """
        import copy as _copy

        if self._built is not None:
            raise SimulationError(
                f"cannot copy CellModel {self.name!r}: it was built (its brian2 objects exist and "
                "cannot be copied); call copy() before the first run() or build(), or describe "
                "a new CellModel.")
        memo = {id(self.discretisation): self.discretisation,
                id(self.compartments): self.compartments}
        new = _copy.deepcopy(self, memo)
        if name is not None:
            new.name = name
        return new

    def __getstate__(self):
        if self._built is not None:
            raise SimulationError(
                f"cannot copy or pickle CellModel {self.name!r}: it was built (its brian2 objects "
                "exist); copy() it before the first run, or describe a new CellModel.")
        state = dict(self.__dict__)
        state.pop("_probe_cache", None)  # a brian2 SpatialNeuron, rebuilt on demand
        return state

    # ------------------------------------------------------------------ rest
    def passive_system(self, *, gL=None):
        """The linear system of the passive cell (:class:`dendrites.passive.PassiveSystem`).

        ``gL`` overrides the leak conductance density (S/m**2, per compartment);
        mechanisms are ignored.
        """
        area = np.asarray(self.compartments.area) * 1e-12
        return PassiveSystem(self.discretisation.morphology, area, self._Ri,
                             self._values["Cm"], self._values["gL"] if gL is None else gL,
                             self._values["EL"])

    def resting_state(self, *, tolerance=1e-9, max_iterations=40):
        """Compute the resting state of the whole cell with its mechanisms.

        Newton's method on the steady-state current balance of every compartment
        (membrane currents with all gating states at their steady state at the
        local voltage, plus the axial currents of brian2's discretisation);
        synapses, injections and the clamp are off.  Converged when the largest
        voltage update is below ``tolerance`` (V).

        Returns
        -------
        dict
            ``{"v": array (V), <state>: array, ...}`` (SI values).

        Raises
        ------
        SimulationError
            If Newton's method does not converge.
        """
        if self._rest is not None:
            return self._rest
        system = self.passive_system()
        if not self._mechanisms:
            self._rest = {"v": system.steady_state()}
            return self._rest
        from scipy import sparse
        from scipy.sparse import linalg as sparse_linalg

        probe, membrane = self._probe()
        area = np.asarray(self.compartments.area) * 1e-12

        dynamic_cai = "cai_rate_probe" in probe.variables
        others = [(k, e) for k, e in membrane.initial.items() if k != "cai"]

        def current(volts):
            probe.variables["v"].set_value(volts)
            for state, expression in membrane.initial.items():
                setattr(probe, state, expression)
            if dynamic_cai:  # calcium at its steady state too (local Newton on dcai/dt = 0)
                cai_var = probe.variables["cai"]
                for _ in range(3):
                    c0 = np.asarray(cai_var.get_value()).copy()
                    r0 = np.asarray(probe.cai_rate_probe[:])
                    dc = np.maximum(1e-6 * np.abs(c0), 1e-12)
                    cai_var.set_value(c0 + dc)
                    slope = (np.asarray(probe.cai_rate_probe[:]) - r0) / dc
                    new = np.where(slope < 0, c0 - r0 / np.where(slope < 0, slope, 1), c0)
                    cai_var.set_value(np.maximum(new, 1e-9))
                    for state, expression in others:
                        setattr(probe, state, expression)
            return np.asarray(probe.Im[:]) * area - system.G @ volts

        v = system.steady_state()
        h = 1e-6
        for _ in range(max_iterations):
            f = current(v)
            jac = (current(v + h) - f) / h  # diagonal: membrane terms are local
            # the axial terms cancel in the uniform shift: jac is the membrane slope
            J = sparse.diags(jac) - system.G
            step = sparse_linalg.spsolve(J.tocsc(), -f)
            step = np.clip(step, -0.01, 0.01)  # at most 10 mV per Newton step
            v = v + step
            if np.max(np.abs(step)) < tolerance:
                break
        else:
            raise SimulationError(
                f"the resting state did not converge in {max_iterations} Newton steps (last "
                f"update {np.max(np.abs(step)):.2e} V); the cell may have no stable rest with "
                "these parameters.")
        current(v)
        rest = {"v": v}
        for state in membrane.initial:
            rest[state] = np.asarray(probe.variables[state].get_value()).copy()
        self._rest = rest
        return rest

    def _probe(self):
        """A runtime SpatialNeuron with the membrane only, to evaluate currents at rest."""
        from brian2 import SpatialNeuron, ohm, meter, uF, cm

        membrane = self._compose()
        key = (tuple(self._mechanisms), tuple(sorted(self._mechanism_options.items())))
        cached = getattr(self, "_probe_cache", None)
        if cached is None or cached[0] != key:
            eqs = (f"Im = gL*(EL - v) + {membrane.currents} : amp/meter**2\n"
                   f"gL : siemens/meter**2\nEL : volt\n{membrane.equations}")
            from brian2 import Equations

            parsed = Equations(membrane.equations)
            if "cai" in parsed.diff_eq_names:
                eqs += f"\ncai_rate_probe = {parsed['cai'].expr.code} : mol/meter**3/second"
            import brian2

            probe = SpatialNeuron(self.discretisation.morphology, eqs, Cm=1 * uF / cm**2,
                                  Ri=self._Ri * ohm * meter, method=self.method,
                                  namespace={"mV": brian2.mV, "ms": brian2.ms},
                                  name=f"{self.name}_probe*")
            self._probe_cache = (key, probe)
        probe = self._probe_cache[1]
        for pname, values in self._values.items():
            if pname in probe.variables:
                var = probe.variables[pname]
                var.set_value(float(np.ravel(values)[0]) if var.scalar else values)
        return probe, membrane

    # ------------------------------------------------------------------ run
    def run(self, duration, *, reset=True, target=None, report=None):
        """Run the model for ``duration`` ms from rest (or continue with ``reset=False``).

        Parameters
        ----------
        duration : float or Quantity
            ms.
        reset : bool
            Restart at t = 0 from the resting state of the current parameters
            (default).  ``False`` continues the previous run.
        target : {None, "runtime", "cython", "numpy"}, optional
            brian2 code-generation target for this run (restored afterwards).
        report : str, optional
            brian2 progress report (e.g. ``"text"``).

        Returns
        -------
        Results
        """
        from brian2 import ms

        duration = float(to_plain(duration, "ms", "duration", error=UnitError))
        if not duration > 0:
            raise ParameterError(f"duration={duration} ms must be > 0.")
        with _codegen_target(target):
            rest = self.resting_state()
            net = self.build()
            neuron = self._built["neuron"]
            if reset:
                if self._has_run:
                    net.restore("built")
                    self._apply_parameters()
                    for name, g in self._groups.items():
                        g.apply(self._built["synapses"][name], neuron)
                for state, values in rest.items():
                    neuron.variables[state].set_value(values)
                for name, g in self._groups.items():
                    g.reset_state(self._built["synapses"][name])
                self._apply_inputs()
            net.run(duration * ms, report=report, namespace={})
        self._has_run = True
        from .recording import Results

        return Results.from_model(self)

    def run_standalone(self, duration, directory, *, threads=0):
        """Build and run the model once on brian2's cpp_standalone device.

        The device is set around the build and the run, then reset to runtime.
        The model must not have been built; the results are returned and the
        model cannot run again.
        """
        import brian2
        from brian2 import ms

        if self._built is not None:
            raise SimulationError("run_standalone needs a model that was never built or run.")
        duration = float(to_plain(duration, "ms", "duration", error=UnitError))
        rest = self.resting_state()
        brian2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
        old_threads = brian2.prefs.devices.cpp_standalone.openmp_threads
        brian2.prefs.devices.cpp_standalone.openmp_threads = threads
        try:
            net = self.build()
            neuron = self._built["neuron"]
            for state, values in rest.items():
                neuron.variables[state].set_value(values)
            for name, g in self._groups.items():
                g.reset_state(self._built["synapses"][name])
            self._apply_inputs()
            net.run(duration * ms, namespace={})
            brian2.device.build(directory=str(directory), compile=True, run=True,
                                with_output=False)
            from .recording import Results

            results = Results.from_model(self)
            #: float: wall time of the compiled simulation loop (s), as brian2 reports it
            self.standalone_run_time = float(getattr(brian2.device, "_last_run_time", np.nan))
        finally:
            brian2.prefs.devices.cpp_standalone.openmp_threads = old_threads
            brian2.device.reinit()
            brian2.device.activate()
            brian2.set_device("runtime")
        self._has_run = True
        return results
