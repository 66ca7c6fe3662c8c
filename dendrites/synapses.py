"""Conductance synapses: kinds, their equations, and one group of synapses of a kind.

Each synapse has a conductance ``g`` (nS), a double exponential normalised so
that one presynaptic spike gives a peak of ``w``::

    dA/dt = -A/tau_rise,  dB/dt = -B/tau_decay,  g = B - A
    on a spike: A += w*norm*r,  B += w*norm*r,
    norm = 1/(exp(-t_peak/tau_decay) - exp(-t_peak/tau_rise)),
    t_peak = tau_rise*tau_decay/(tau_decay - tau_rise)*log(tau_decay/tau_rise)

(single exponential ``dB/dt = -B/tau_decay, g = B`` if ``tau_rise = 0``).  The
group's conductances are summed per compartment into the neuron's
``gs_<group>`` (brian2 ``(summed)``), and the current is
``gs_<group>*(E - v)``, times the Jahr-Stevens (1990) Mg block
``1/(1 + Mg/3.57 mM * exp(-0.062 v/mV))`` for NMDA.

``r`` is 1 without plasticity; with Tsodyks-Markram short-term plasticity
(``stp={"U":..., "tau_rec":..., "tau_facil":...}``) it is the released
fraction relative to the first spike, ``u*x/U``: between spikes ``x`` recovers
to 1 with ``tau_rec`` and ``u`` relaxes to ``U`` with ``tau_facil``; at a spike
``r = u*x/U``, then ``x -= u*x`` and ``u += U*(1 - u)`` (Tsodyks and Markram
1997; Markram et al. 1998).  ``tau_facil = 0`` means no facilitation.

Defaults (:data:`KINDS`; weights nS, times ms, reversals mV, Mg mM):

========  ======  ========  =========  =====  ====
kind      weight  tau_rise  tau_decay  E      Mg
========  ======  ========  =========  =====  ====
ampa      0.5     0.2       2.0        0
nmda      0.5     2.0       65.0       0      1.0
gabaa     1.0     0.5       5.0        -80
gabab     0.3     30.0      150.0      -95
========  ======  ========  =========  =====  ====

(AMPA and NMDA as in Branco et al. 2010's model family; GABA-B as a slow
double exponential, not the G-protein cascade of Destexhe et al. 1994.)
"""

from __future__ import annotations

import numpy as np

from stimuli.arguments import to_plain

from .errors import DendriteKeyError, ParameterError, UnitError

__all__ = ["KINDS", "SynapseGroup", "STP_DEFAULTS"]

KINDS = {
    "ampa": dict(weight=0.5, tau_rise=0.2, tau_decay=2.0, E=0.0),
    "nmda": dict(weight=0.5, tau_rise=2.0, tau_decay=65.0, E=0.0, Mg=1.0),
    "gabaa": dict(weight=1.0, tau_rise=0.5, tau_decay=5.0, E=-80.0),
    "gabab": dict(weight=0.3, tau_rise=30.0, tau_decay=150.0, E=-95.0),
}
#: Default Tsodyks-Markram parameters (U, ms, ms): depressing.
STP_DEFAULTS = dict(U=0.5, tau_rec=800.0, tau_facil=0.0)
_UNITS = dict(weight="nS", tau_rise="ms", tau_decay="ms", E="mV", Mg="1", U="1", tau_rec="ms",
              tau_facil="ms")
_SI = dict(weight=1e-9, tau_rise=1e-3, tau_decay=1e-3, E=1e-3, Mg=1.0, U=1.0, tau_rec=1e-3,
           tau_facil=1e-3)
_PER_SYNAPSE = ("weight", "tau_rise", "tau_decay", "U", "tau_rec", "tau_facil")


class SynapseGroup:
    """Synapses of one kind at a :class:`~dendrites.placement.SiteTable` of sites.

    Parameters
    ----------
    name : str
    kind : {"ampa", "nmda", "gabaa", "gabab"}
    sites : SiteTable
    weight : float, Quantity or array, optional
        nS per synapse.
    stp : dict or bool, optional
        Tsodyks-Markram parameters (True: :data:`STP_DEFAULTS`).
    **values
        tau_rise, tau_decay (ms), E (mV), Mg (mM).
    """

    def __init__(self, name, kind, sites, *, weight=None, stp=None, **values):
        if kind not in KINDS:
            raise DendriteKeyError(f"unknown synapse kind {kind!r}; use one of "
                                   f"{sorted(KINDS) + ['ampa+nmda']}.")
        self.name, self.kind, self.sites = name, kind, sites
        self.n = len(sites)
        self.stp = stp is not None and stp is not False
        self.shares_input_with = None
        self.values = {}
        defaults = dict(KINDS[kind])
        if self.stp:
            defaults.update(STP_DEFAULTS)
            if isinstance(stp, dict):
                unknown = set(stp) - set(STP_DEFAULTS)
                if unknown:
                    raise DendriteKeyError(f"unknown stp parameter(s) {sorted(unknown)}; use "
                                           f"{sorted(STP_DEFAULTS)}.")
                values.update(stp)
        unknown = set(values) - set(defaults)
        if unknown:
            raise DendriteKeyError(f"unknown parameter(s) {sorted(unknown)} for a {kind} synapse; "
                                   f"use {sorted(defaults)}.")
        if weight is not None:
            values["weight"] = weight
        for key, default in defaults.items():
            self.values[key] = (np.full(self.n, float(default)) if key in _PER_SYNAPSE
                                else float(default))
        self.set(None, **values)
        self.single = bool(np.all(self.values["tau_rise"] == 0))
        if not self.single and np.any(self.values["tau_rise"] == 0):
            raise ParameterError(f"group {name}: tau_rise must be 0 for all synapses or none.")
        self._input = (np.zeros(0, np.int64), np.zeros(0))

    def set(self, synapses=None, **values):
        """Set values (plain units: nS, ms, mV, mM) of all or some synapses."""
        rows = (slice(None) if synapses is None
                else np.atleast_1d(np.asarray(synapses, dtype=np.int64)))
        if synapses is not None and (np.any(rows < 0) or np.any(rows >= self.n)):
            raise ParameterError(f"synapses must be ids in 0..{self.n - 1} of group {self.name}.")
        for key, value in values.items():
            if key not in self.values:
                raise DendriteKeyError(f"group {self.name} ({self.kind}) has no value {key!r}; "
                                       f"use {sorted(self.values)}.")
            plain = np.asarray(to_plain(value, _UNITS[key], key, error=UnitError), float)
            if key in _PER_SYNAPSE:
                if key in ("weight", "tau_rise", "tau_facil") and np.any(plain < 0):
                    raise ParameterError(f"{key} must be >= 0 {_UNITS[key]} (got {plain.min():g}).")
                if key in ("tau_decay", "tau_rec") and np.any(plain <= 0):
                    raise ParameterError(f"{key} must be > 0 ms (got {plain.min():g}).")
                if key == "U" and np.any((plain <= 0) | (plain > 1)):
                    raise ParameterError("U must lie in (0, 1].")
                arr = self.values[key]
                try:
                    arr[rows] = plain
                except ValueError:
                    raise ParameterError(f"{key}: {plain.size} values for "
                                         f"{len(arr[rows])} synapses.") from None
            else:
                if synapses is not None or plain.ndim:
                    raise ParameterError(f"{key} is one value per group ({self.name}).")
                if key == "Mg" and plain < 0:
                    raise ParameterError("Mg must be >= 0 mM.")
                self.values[key] = float(plain)
        if "tau_rise" in values or "tau_decay" in values:
            tr, td = self.values["tau_rise"], self.values["tau_decay"]
            if np.any((tr > 0) & (tr >= td)):
                raise ParameterError(f"group {self.name}: tau_rise must be < tau_decay.")
            if getattr(self, "single", None) is not None and bool(np.all(tr == 0)) != self.single:
                raise ParameterError(f"group {self.name}: cannot switch between single and "
                                     "double exponential after creation.")

    # --- equations
    def neuron_equations(self):
        """Lines added to the SpatialNeuron equations."""
        n = self.name
        block = (f"/(1 + Mg_{n}/3.57*exp(-0.062*v/mV))" if self.kind == "nmda" else "")
        lines = [f"gs_{n} : siemens", f"E_{n} : volt (shared)",
                 f"Is_{n} = gs_{n}*(E_{n} - v){block} : amp (point current)"]
        if self.kind == "nmda":
            lines.append(f"Mg_{n} : 1 (shared)")
        return lines

    def synapse_equations(self):
        """Equations of the brian2 Synapses object."""
        n = self.name
        block = (f"/(1 + Mg_{n}_post/3.57*exp(-0.062*v_post/mV))" if self.kind == "nmda" else "")
        if self.single:
            eqs = ["dB/dt = -B/tau_decay : siemens (clock-driven)", "g = B : siemens",
                   f"gs_{n}_post = B : siemens (summed)", "norm = 1 : 1"]
        else:
            eqs = ["dA/dt = -A/tau_rise : siemens (clock-driven)",
                   "dB/dt = -B/tau_decay : siemens (clock-driven)", "g = B - A : siemens",
                   f"gs_{n}_post = B - A : siemens (summed)",
                   "t_peak = tau_rise*tau_decay/(tau_decay - tau_rise)*log(tau_decay/tau_rise)"
                   " : second",
                   "norm = 1/(exp(-t_peak/tau_decay) - exp(-t_peak/tau_rise)) : 1",
                   "tau_rise : second"]
        eqs += ["w : siemens", "tau_decay : second", "I : amp"]
        if self.stp:
            eqs += ["U : 1", "tau_rec : second", "tau_facil : second", "u : 1", "x : 1",
                    "tlast : second"]
        return "\n".join(eqs)

    def current_code(self):
        """Code that computes each synapse's current ``I`` (run every step when recorded)."""
        n = self.name
        block = (f"/(1 + Mg_{n}_post/3.57*exp(-0.062*v_post/mV))" if self.kind == "nmda" else "")
        return f"I = g*(E_{n}_post - v_post){block}"

    def on_pre(self):
        """The on-spike code."""
        lines = []
        r = "1"
        if self.stp:
            lines += ["u = U + (u - U)*exp(-(t - tlast)/(tau_facil + 1e-12*ms))",
                      "x = 1 + (x - 1)*exp(-(t - tlast)/tau_rec)",
                      "r_stp = u*x/U", "x = x - u*x", "u = u + U*(1 - u)", "tlast = t"]
            r = "r_stp"
        lines.append(f"B += w*norm*{r}")
        if not self.single:
            lines.append(f"A += w*norm*{r}")
        return "\n".join(lines)

    # --- values into brian2
    def apply(self, syn, neuron):
        """Write the group's values into its brian2 Synapses and neuron variables."""
        for key in _PER_SYNAPSE:
            if key == "tau_rise" and self.single:
                continue
            if key in ("U", "tau_rec", "tau_facil") and not self.stp:
                continue
            brian = "w" if key == "weight" else key
            syn.variables[brian].set_value(self.values[key] * _SI[key])
        neuron.variables[f"E_{self.name}"].set_value(self.values["E"] * 1e-3)
        if self.kind == "nmda":
            neuron.variables[f"Mg_{self.name}"].set_value(self.values["Mg"])

    def reset_state(self, syn):
        """Zero the conductances and reset the plasticity states (start of a run)."""
        syn.variables["B"].set_value(np.zeros(self.n))
        if not self.single:
            syn.variables["A"].set_value(np.zeros(self.n))
        if self.stp:
            syn.variables["u"].set_value(self.values["U"].copy())
            syn.variables["x"].set_value(np.ones(self.n))
            syn.variables["tlast"].set_value(np.full(self.n, -1e4))

    # --- inputs
    def set_input(self, trains, synapses, mapping, dt_ms):
        """Store the spikes (one source per synapse) that drive the group."""
        from stimuli.spikes import SpikeTrains

        if not isinstance(trains, SpikeTrains):
            raise ParameterError(f"trains must be stimuli.SpikeTrains, got {type(trains).__name__}.")
        rows = (np.arange(self.n) if synapses is None
                else np.atleast_1d(np.asarray(synapses, dtype=np.int64)))
        if np.any(rows < 0) or np.any(rows >= self.n):
            raise ParameterError(f"synapses must be ids in 0..{self.n - 1} of group {self.name}.")
        n_src = trains.n_sources
        if mapping is None:
            if n_src == len(rows):
                mapping = np.arange(len(rows))
            elif n_src == 1:
                mapping = np.zeros(len(rows), dtype=np.int64)
            else:
                raise ParameterError(
                    f"{n_src} spike trains for {len(rows)} synapses of group {self.name}: give one "
                    "train per synapse, one shared train, or a mapping (train index per synapse).")
        mapping = np.atleast_1d(np.asarray(mapping, dtype=np.int64))
        if mapping.shape != rows.shape or np.any(mapping < 0) or np.any(mapping >= n_src):
            raise ParameterError(f"mapping must give a train index in 0..{n_src - 1} for each of "
                                 f"the {len(rows)} synapses.")
        if len(trains) and trains.times[0] < 0:
            raise ParameterError("spike times must be >= 0 ms.")
        # expand: spikes of train k go to every synapse mapped to k (vectorised)
        order = np.argsort(mapping, kind="stable")
        counts = np.bincount(mapping, minlength=n_src)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        per_spike = counts[trains.indices]
        spike_rep = np.repeat(np.arange(len(trains)), per_spike)
        offset = np.arange(len(spike_rep)) - np.repeat(np.cumsum(per_spike) - per_spike, per_spike)
        syn = rows[order[starts[trains.indices[spike_rep]] + offset]]
        times = trains.times[spike_rep]
        bins = np.round(times / dt_ms).astype(np.int64)
        key = syn * (bins.max(initial=0) + 2) + bins
        if len(np.unique(key)) != len(key):
            raise ParameterError(
                f"two spikes of one synapse of group {self.name} fall in one dt={dt_ms:g} ms step, "
                "which brian2 cannot deliver; use trains.unique_per_bin(dt) first.")
        keep = ~np.isin(self._input[0], rows)
        self._input = (np.concatenate([self._input[0][keep], syn]),
                       np.concatenate([self._input[1][keep], times]))

    def spikes(self):
        """(synapse ids, times ms) of the stored input."""
        return self._input
