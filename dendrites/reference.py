"""The same cell in NEURON (PyPI ``neuron``): reference simulations for tests and benchmarks.

:func:`neuron_model` rebuilds a :class:`~dendrites.model.CellModel`'s passive cell
in NEURON with the *same* geometry and discretisation: one NEURON section per
brian2 section, ``nseg`` equal to its compartment count, 3D points at the
compartment boundaries with brian2's boundary diameters (so every segment has
brian2's area and axial resistance), the soma a cylinder of length = diameter
(the sphere's area) joined at its centre, and ``Exp2Syn`` synapses (peak
normalised to the weight, like the toolkit's) driven by events queued on ``NetCon(None, syn)`` (this NEURON
wheel has no ``VecStim``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["neuron_model", "NeuronReference"]


class NeuronReference:
    """A NEURON cell built by :func:`neuron_model` (keeps every NEURON object alive)."""

    def __init__(self, h, sections, soma, segments, synapses, keep):
        self.h, self.sections, self.soma = h, sections, soma
        self.segments, self.synapses, self._keep = segments, synapses, keep

    def run(self, duration, dt=0.025, record=(0,)):
        """Run with fixed-step backward Euler (``secondorder = 0``); returns (t ms, v mV (k, n_t))."""
        h = self.h
        h.dt = dt
        h.steps_per_ms = 1.0 / dt
        h.secondorder = 0
        h.cvode_active(0)
        vecs = [h.Vector().record(self.segments[c]._ref_v, dt) for c in record]
        h.finitialize(self._keep["EL"])
        for objs in self.synapses.values():  # queue the input spikes (NetCon.event)
            for _, nc, times in objs:
                for t in times:
                    nc.event(float(t))
        h.continuerun(duration)
        v = np.array([np.asarray(vec) for vec in vecs])
        return np.arange(v.shape[1]) * dt, v


def neuron_model(model, groups=None):
    """Build the passive cell of ``model`` (uniform Cm, gL, EL; Ri) in NEURON.

    Parameters
    ----------
    model : CellModel
    groups : sequence of str, optional
        Synapse groups (AMPA/GABA kinds with double exponentials, no STP) to
        rebuild as Exp2Syn with the same weights, kinetics, reversal and spikes
        (default: all).

    Returns
    -------
    NeuronReference
    """
    from neuron import h

    h.load_file("stdrun.hoc")
    disc = model.discretisation
    table = model.compartments
    Cm = float(model.get("Cm")[0])
    gL = float(model.get("gL")[0])
    EL = float(model.get("EL")[0])
    soma = h.Section(name="soma")
    d_soma = float(table.diameter[0])
    soma.L = soma.diam = d_soma
    soma.nseg = 1
    sections = {}
    segments = {0: soma(0.5)}
    # brian2 flat order: sections in pre-order, compartments in order
    order = [int(s) for s in np.unique(table.section[1:], return_index=True)[0][
        np.argsort(np.unique(table.section[1:], return_index=True)[1])]]
    first = {int(s): int(i) + 1 for s, i in zip(*np.unique(table.section[1:], return_index=True))}
    parents = disc.cell.section_parents
    for sec_id in order:
        b2 = disc.sections[sec_id]
        n = int(b2.n)
        sec = h.Section(name=f"s{sec_id}")
        starts = np.asarray(b2.start_diameter) * 1e6
        ends = np.asarray(b2.end_diameter) * 1e6
        lengths = np.asarray(b2.length) * 1e6
        x = np.concatenate([[0.0], np.cumsum(lengths)])
        d = np.concatenate([starts, ends[-1:]])
        h.pt3dclear(sec=sec)
        for xi, di in zip(x, d):
            h.pt3dadd(float(xi), 0.0, 0.0, float(di), sec=sec)
        sec.nseg = n
        parent = parents[sec_id]
        if parent < 0:
            sec.connect(soma(0.5), 0)
        else:
            sec.connect(sections[int(parent)](1), 0)
        sections[sec_id] = sec
        for k in range(n):
            segments[first[sec_id] + k] = sec((k + 0.5) / n)
    for sec in [soma] + list(sections.values()):
        sec.Ra = model.Ri
        sec.cm = Cm
        sec.insert("pas")
        for seg in sec:
            seg.pas.g = gL
            seg.pas.e = EL
    keep = {"EL": EL}
    syns = {}
    for name, g in model.synapse_groups.items():
        if groups is not None and name not in groups:
            continue
        if g.kind == "nmda" or g.stp or g.single:
            raise ValueError(f"group {name}: only double-exponential AMPA/GABA without STP.")
        idx, times = g.spikes()
        objs = []
        for k, comp in enumerate(g.sites.compartment):
            syn = h.Exp2Syn(segments[int(comp)])
            syn.tau1 = float(g.values["tau_rise"][k])
            syn.tau2 = float(g.values["tau_decay"][k])
            syn.e = float(g.values["E"])
            nc = h.NetCon(None, syn)
            nc.weight[0] = float(g.values["weight"][k]) * 1e-3  # uS
            nc.delay = 0
            objs.append((syn, nc, np.sort(times[idx == k])))
        syns[name] = objs
    return NeuronReference(h, sections, soma, segments, syns, keep)
