"""Run spike patterns on a fixed set of AMPA+NMDA synapses without rebuilding the model."""

from __future__ import annotations

import numpy as np

from stimuli.arguments import to_plain

from ..errors import ParameterError, UnitError
from .epsp_map import model_copy, progress_bar, synapse_parameters

__all__ = ["PatternRunner"]


class PatternRunner:
    """AMPA+NMDA synapses at fixed sites of a copy of a cell, driven by spike patterns.

    The brian2 objects are built once; each :meth:`peak` changes only the spike
    inputs and the NMDA weights (values), so the compiled code is reused.

    Parameters
    ----------
    model : CellModel
        Copied, not modified.
    sites : SiteTable or array of int
    weight : float or Quantity
        AMPA peak conductance per synapse, nS.
    nmda_ratio : float
        NMDA / AMPA peak conductance when NMDA is on.
    duration : float
        Window of each run, ms.
    target : str, optional
        brian2 code-generation target.
    **kinetics
        As :func:`~dendrites.experiments.epsp_map`.
    """

    def __init__(self, model, sites, *, weight=1.0, nmda_ratio=1.0, duration=80.0, target=None,
                 **kinetics):
        self.ampa, self.nmda = synapse_parameters("ampa+nmda", weight, nmda_ratio, kinetics)
        self.duration = float(to_plain(duration, "ms", "duration", error=UnitError))
        self.target = target
        self.cell = model_copy(model)
        a, n = self.ampa, self.nmda
        self.groups = self.cell.add_synapses(
            "ampa+nmda", sites, name="pattern", weight=a["weight"], nmda_ratio=nmda_ratio,
            ampa_tau_rise=a["tau_rise"], ampa_tau_decay=a["tau_decay"], ampa_E=a["E"],
            nmda_tau_rise=n["tau_rise"], nmda_tau_decay=n["tau_decay"], nmda_E=n["E"],
            nmda_Mg=n["Mg"])
        self.n = len(self.cell.sites(self.groups[0]))
        self.cell.record("v", 0)
        self.rest = float(self.cell.resting_state()["v"][0] * 1e3)
        self._nmda_on = None

    def set_nmda(self, on):
        """Switch NMDA on (weight ``nmda_ratio * weight``) or off (weight 0), no rebuild."""
        if self._nmda_on is not bool(on):
            self.cell.set_synapses(self.groups[1], weight=self.nmda["weight"] if on else 0.0)
            self._nmda_on = bool(on)

    def trace(self, synapses, times, *, nmda=True):
        """Somatic voltage above rest (mV) when ``synapses`` spike at ``times`` (ms)."""
        from stimuli.spikes import SpikeTrains

        synapses = np.asarray(synapses, dtype=np.int64)
        times = np.asarray(times, dtype=float)
        if np.any(times < 0):
            raise ParameterError("spike times must be >= 0 ms.")
        self.set_nmda(nmda)
        self.cell.set_input(self.groups[0], SpikeTrains(synapses, times, self.n, 0.0,
                                                        max(self.duration, times.max(initial=0))))
        res = self.cell.run(self.duration, target=self.target)
        t, v = res.trace("v", [0])
        return t, v[0] - self.rest

    def peak(self, synapses, times, *, nmda=True):
        """Somatic peak above rest (mV)."""
        return float(np.max(self.trace(synapses, times, nmda=nmda)[1]))

    def peaks(self, patterns, *, nmda=True, progress=False, desc="runs"):
        """Somatic peaks of a list of ``(synapses, times)`` patterns."""
        return np.array([self.peak(s, t, nmda=nmda) for s, t in
                         progress_bar(patterns, len(patterns), progress, desc)])
