"""The same cell in NEURON (PyPI ``neuron``): reference simulations for tests and benchmarks.

:func:`neuron_model` rebuilds a :class:`~dendrites.model.CellModel`'s passive cell
in NEURON with the *same* geometry and discretisation: one NEURON section per
brian2 section, ``nseg`` equal to its compartment count, 3D points at the
compartment boundaries with brian2's boundary diameters (so every segment has
brian2's frustum area, and each half segment brian2's frustum axial resistance
``4 Ri (l/2) / (pi a b)``), the soma a cylinder of length = diameter (the
sphere's area) joined at its centre, and ``Exp2Syn`` synapses (peak normalised
to the weight, like the toolkit's) driven by events queued on
``NetCon(None, syn)`` (this NEURON wheel has no ``VecStim``).

:meth:`NeuronReference.epsps` is the site-by-site EPSP protocol of
:func:`dendrites.experiments.epsp_map` in NEURON: one synapse alone at each
site, a current synapse (``IClamp`` whose amplitude plays the toolkit's current
``w s(t - lag dt) (E - V_rest)``) or an AMPA conductance (``Exp2Syn``).

Why the geometry must be the frusta themselves: a cylinder of the same membrane
area per segment (what a simple rebuild does) has the axial resistance
``4 Ri l / (pi d_eq**2)`` instead of ``4 Ri l / (pi a b)``.  The two agree for
nearly cylindrical compartments (dendrites of the bundled L5 cell: within 10 %,
median 0.6 %), but the thin axon collaterals have compartments whose boundary
diameters differ up to 4.4-fold (e.g. 0.26 -> 0.06 um), where the cylinder
has 41 % less resistance; that put somatic EPSPs from axonal sites up to 8 %
off.  With the 3D points at brian2's boundaries NEURON's segment areas and
half-segment resistances are brian2's, and the somatic EPSPs agree to solver
precision (measured 4e-7 relative on the L5 cell at d_lambda 0.1).

Units of plain numbers: ms, mV, nS, nA, MOhm, um**2.
"""

from __future__ import annotations

import time

import numpy as np

from stimuli.arguments import to_plain

from .errors import ParameterError, UnitError, UnsupportedError

__all__ = ["neuron_model", "NeuronReference", "NeuronEpsps"]


class NeuronEpsps:
    """Site-by-site EPSPs computed by :meth:`NeuronReference.epsps`.

    Attributes
    ----------
    t : numpy.ndarray (n_t,)
        ms, ``t[k] = k dt``.
    local, soma : numpy.ndarray (n_sites, n_t)
        mV above rest, at the site and at the soma.
    seconds_per_site : float
        Wall time of the run loop (synapse creation, initialisation, run and
        read-out of one site), s per site.
    """

    def __init__(self, t, local, soma, seconds_per_site):
        self.t, self.local, self.soma = t, local, soma
        self.seconds_per_site = seconds_per_site

    @property
    def soma_peak(self):
        """numpy.ndarray: somatic peak of each site, mV above rest."""
        return self.soma.max(axis=1)

    @property
    def local_peak(self):
        """numpy.ndarray: local peak of each site, mV above rest."""
        return self.local.max(axis=1)


class NeuronReference:
    """A NEURON cell built by :func:`neuron_model` (keeps every NEURON object alive)."""

    def __init__(self, h, sections, soma, segments, synapses, keep):
        self.h, self.sections, self.soma = h, sections, soma
        self.segments, self.synapses, self._keep = segments, synapses, keep

    @property
    def dt(self):
        """float: the model's time step, ms (the default of :meth:`run` and :meth:`epsps`)."""
        return self._keep["dt"]

    def _setup(self, dt):
        h = self.h
        dt = self.dt if dt is None else float(dt)
        h.dt = dt
        h.steps_per_ms = 1.0 / dt
        h.secondorder = 0  # backward Euler, as brian2's implicit cable update
        h.cvode_active(0)
        return dt

    def run(self, duration, dt=None, record=(0,)):
        """Run with fixed-step backward Euler (``secondorder = 0``).

        Parameters
        ----------
        duration : float
            ms.
        dt : float, optional
            ms (default: the model's dt).
        record : sequence of int
            Compartments whose voltage is recorded.

        Returns
        -------
        t : numpy.ndarray
            ms.
        v : numpy.ndarray (len(record), n_t)
            mV.
        """
        h = self.h
        dt = self._setup(dt)
        vecs = [h.Vector().record(self.segments[c]._ref_v, dt) for c in record]
        h.finitialize(self._keep["EL"])
        for objs in self.synapses.values():  # queue the input spikes (NetCon.event)
            for _, nc, times in objs:
                for t in times:
                    nc.event(float(t))
        h.continuerun(duration)
        v = np.array([np.asarray(vec) for vec in vecs])
        return np.arange(v.shape[1]) * dt, v

    def input_resistance(self, compartment=0):
        """Input resistance at a compartment, MOhm (``Impedance`` at 0 Hz)."""
        h = self.h
        seg = self.segments[int(compartment)]
        imp = h.Impedance()
        imp.loc(seg.x, sec=seg.sec)
        imp.compute(0)
        return float(imp.input(seg.x, sec=seg.sec))

    def areas(self):
        """numpy.ndarray: membrane area of each compartment's NEURON segment, um**2."""
        return np.array([self.segments[c].area() for c in range(len(self.segments))])

    def epsps(self, rows, synapse="current", *, weight=None, duration=50.0, dt=None, lag=1,
              **kinetics):
        """EPSPs of one synapse activated alone at each site, one NEURON run per site.

        The protocol of :func:`dendrites.experiments.epsp_map` and
        :func:`~dendrites.experiments.direct_epsp`, with the same time steps: the
        spike at ``t = 0``; a current synapse injects ``I[k] = w s((k - lag) dt)
        (E - V_rest)`` during the step from ``t_k`` (``s`` the double exponential
        of peak 1; an ``IClamp`` playing it), an AMPA synapse is an ``Exp2Syn``
        of peak conductance ``w`` whose event arrives at ``t = lag dt`` (brian2's
        synapse, updated after the membrane, first conducts one step after its
        spike: with ``lag = 1`` the traces equal brian2's direct simulation,
        measured to 2e-6 mV).  The model's own synapse groups stay silent.
        Backward Euler at ``dt``.

        Parameters
        ----------
        rows : array of int
            Compartments of the sites.
        synapse : {"current", "ampa"}
        weight : float or Quantity, optional
            Peak conductance, nS (default that of :data:`dendrites.synapses.KINDS`).
        duration : float or Quantity
            ms.
        dt : float or Quantity, optional
            ms (default: the model's dt).
        lag : int
            Delay of the synaptic waveform after the spike, time steps (the
            toolkit's convention: 1).
        **kinetics
            ``tau_rise``, ``tau_decay`` (ms), ``E`` (mV), optionally prefixed ``ampa_``.

        Returns
        -------
        NeuronEpsps
        """
        from .experiments.epsp_map import synapse_parameters, synaptic_waveform

        if synapse not in ("current", "ampa"):
            raise UnsupportedError(f"synapse={synapse!r}: the NEURON reference has 'current' "
                                   "and 'ampa' synapses (NMDA is not rebuilt).")
        ampa, _ = synapse_parameters(synapse, weight, 0.0, kinetics)
        rows = np.asarray(rows, dtype=np.int64).ravel()
        n = len(self.segments)
        bad = rows[(rows < 0) | (rows >= n)]
        if len(bad):
            raise ParameterError(f"rows {bad[:5].tolist()} are not compartments of the cell "
                                 f"(it has 0..{n - 1}); pass compartment indices.")
        duration = float(to_plain(duration, "ms", "duration", error=UnitError))
        if dt is not None:
            dt = float(to_plain(dt, "ms", "dt", error=UnitError))
            if not dt > 0:
                raise ParameterError(f"dt={dt} ms must be > 0.")
        if not duration > 2 * (self.dt if dt is None else dt):
            raise ParameterError(f"duration={duration} ms must be longer than 2 time steps.")
        h = self.h
        dt = self._setup(dt)
        rest = self._keep["EL"]
        n_t = int(round(duration / dt))
        t = np.arange(n_t) * dt
        if synapse == "current":
            t_play = np.arange(n_t + 2) * dt
            wave = synaptic_waveform(t_play - lag * dt, ampa["tau_rise"], ampa["tau_decay"])
            vec_i = h.Vector(wave * ampa["weight"] * (ampa["E"] - rest) * 1e-3)  # nA
            # NEURON's fixed step takes currents at mid-step, t_k + dt/2, with backward Euler
            # too: the played times are shifted by dt/2 so that the current during the step
            # from t_k is the toolkit's I[k] (linear interpolation would otherwise average
            # I[k] and I[k + 1]); continuous play costs no event per step
            vec_t = h.Vector(t_play + 0.5 * dt)
        v_soma = h.Vector().record(self.soma(0.5)._ref_v)
        local = np.empty((len(rows), n_t))
        soma = np.empty((len(rows), n_t))
        t0 = time.perf_counter()
        for k, r in enumerate(rows):
            seg = self.segments[int(r)]
            v_loc = h.Vector().record(seg._ref_v)
            if synapse == "current":
                obj = h.IClamp(seg)
                obj.delay, obj.dur = 0.0, 1e9
                vec_i.play(obj._ref_amp, vec_t, 1)
            else:
                obj = h.Exp2Syn(seg)
                obj.tau1, obj.tau2, obj.e = ampa["tau_rise"], ampa["tau_decay"], ampa["E"]
                nc = h.NetCon(None, obj)
                nc.weight[0], nc.delay = ampa["weight"] * 1e-3, 0.0  # uS
            h.finitialize(rest)
            if synapse == "ampa":
                nc.event(lag * dt)
            h.continuerun(n_t * dt)
            soma[k] = np.asarray(v_soma)[:n_t] - rest
            local[k] = np.asarray(v_loc)[:n_t] - rest
            if synapse == "current":
                vec_i.play_remove()
            else:
                del nc
            del obj, v_loc
        seconds = (time.perf_counter() - t0) / max(len(rows), 1)
        return NeuronEpsps(t, local, soma, seconds)


def neuron_model(model, groups=None):
    """Build the passive cell of ``model`` (uniform Cm, gL, EL; Ri) in NEURON.

    Parameters
    ----------
    model : CellModel
        A passive model (no mechanisms) with uniform Cm, gL and EL.
    groups : sequence of str, optional
        Synapse groups (AMPA/GABA kinds with double exponentials, no STP) to
        rebuild as Exp2Syn with the same weights, kinetics, reversal and spikes
        (default: all).

    Returns
    -------
    NeuronReference

    Raises
    ------
    UnsupportedError
        A model with mechanisms or non-uniform passive parameters, or a synapse
        group NEURON's ``Exp2Syn`` cannot stand for.
    """
    from neuron import h

    if model.mechanisms:
        raise UnsupportedError(f"the NEURON reference is passive; the model has mechanisms "
                               f"{list(model.mechanisms)}: use a passive CellModel.")
    values = {}
    for name in ("Cm", "gL", "EL"):
        vals = np.asarray(model.get(name), dtype=float)
        if np.ptp(vals) > 1e-12 * max(np.abs(vals).max(), 1e-300):
            raise UnsupportedError(f"the NEURON reference needs a uniform {name}; the model's "
                                   f"ranges over {vals.min():g}..{vals.max():g}.")
        values[name] = float(vals[0])
    h.load_file("stdrun.hoc")
    disc = model.discretisation
    table = model.compartments
    Cm, gL, EL = values["Cm"], values["gL"], values["EL"]
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
    keep = {"EL": EL, "dt": float(model.dt)}
    syns = {}
    for name, g in model.synapse_groups.items():
        if groups is not None and name not in groups:
            continue
        if g.kind == "nmda" or g.stp or g.single:
            raise UnsupportedError(f"synapse group {name!r} ({g.kind}"
                                   f"{', STP' if g.stp else ''}"
                                   f"{', single exponential' if g.single else ''}): the NEURON "
                                   "reference rebuilds only double-exponential AMPA/GABA groups "
                                   "without STP; pass groups=[...] without it.")
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
