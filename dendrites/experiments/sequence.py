"""Sequence direction: Rall (1964) on his ten-compartment cable, Branco et al. (2010) on a dendrite.

:func:`sequence_experiment` activates ``n`` synapses along one dendrite one
after the other, towards the soma (``IN``: most distal first) or away from it
(``OUT``: most proximal first), at each interval, with and without NMDA, and
returns the somatic peak of each run (:class:`SequenceResult`).  With the
defaults it is the protocol of Branco, Clark and Hausser (2010, Science 329:
1671): nine AMPA+NMDA synapses (Jahr-Stevens Mg block, 1 mM) evenly spaced
over the distal 100 um of the thinnest terminal basal dendrite
(:func:`branco_dendrite`) of the bundled layer 2/3 pyramidal cell, intervals
0 to 8 ms.

Default synapses (:data:`BRANCO_WEIGHT`, :data:`BRANCO_NMDA_RATIO`): AMPA
0.5 nS peak per synapse (rise 0.2 ms, decay 2 ms: the toolkit's AMPA), the
peak of the 0.5 nS AMPA synapse of Branco et al.'s own model (ModelDB 140828,
an alpha function of tau 2 ms), giving a unitary somatic EPSP of about 0.2 mV
on this cell; NMDA 4 times the AMPA peak, 2 nS (rise 2 ms, decay 65 ms: the
toolkit's NMDA), against the 1.6 nS effective NMDA peak (8 nS times a peak open
probability of 0.2) of their kinetic NMDA model: a little more NMDA for a
briefer AMPA conductance (1.3 nS ms of AMPA charge here, 2.7 in theirs).
Measured on ``CellModel("L23pyr", Ri=150, Rm=20000, EL=-70)`` (passive): with
NMDA, IN exceeds OUT at every interval 1-8 ms and by more than with AMPA alone
(IN - OUT 0.13 mV at 1 ms, 0.57 at 4 ms, 0.72 at 7 ms, against 0.06-0.09 mV
with AMPA alone); IN/OUT is 1.01-1.08 with NMDA (largest at 6-8 ms) and
1.04-1.07 with AMPA alone (Rall's cable asymmetry).  Weights 0.3-1 nS and NMDA
ratios 2-4, NMDA decays of 30-65 ms and rises of 2-8 ms, Mg 1-2 mM, other thin
basal branches (also of the L5 cell), whole-branch placement, Ri 300 ohm cm or
Cm 2 uF/cm2 gave no IN/OUT above 1.1 on this passive model in the scans made
to choose these defaults: with an instantaneous Mg block the NMDA conductances
of the nine synapses overlap for the whole sequence (65 ms decay), so the final
dendritic depolarisation hardly depends on the order and NMDA mostly scales the
cable's asymmetry; the larger
ratios of the paper (also found with its kinetic NMDA receptor model) are not
reproduced.  With 1 nS and ratio 2 (earlier defaults) the IN - OUT difference
at 1 ms is smaller with NMDA than with AMPA alone; with 0.6 nS and ratio 2.5,
OUT exceeds IN at 8 ms: the shape holds in a window of parameters, not
everywhere.

Speed: the default run window is the sequence plus :data:`SEQUENCE_TAIL`
(50 ms), extended while the peak lies in the window's last fifth of a tail (the
latest somatic peak of the default sweep is 36 ms after the last input); at
interval 0 the IN and OUT patterns are identical and run once per condition.

:func:`rall_sequence` is Rall's (1964) ten-compartment model: a uniform cable
of ten compartments of 0.2 length constants each, sealed ends, compartment 1
the recording site ("soma"); an excitatory conductance (``g_ratio`` times a
compartment's resting conductance, reversal 1 above rest) is switched on in
compartment pairs (2,3), (4,5), (6,7), (8,9) for 0.25 membrane time constants
each, in order A-B-C-D (away from the soma, ``"OUT"``) or D-C-B-A (towards
it, ``"IN"``).  Voltages are relative to rest in units of the synaptic
driving force, times in units of tau.

Units of plain numbers: ms, mV, nS, um.
"""

from __future__ import annotations

import numpy as np

from stimuli.arguments import to_plain

from ..errors import ParameterError, PlacementError, SimulationError, UnitError

__all__ = ["sequence_experiment", "SequenceResult", "branco_dendrite", "rall_sequence",
           "BRANCO_INTERVALS", "BRANCO_WEIGHT", "BRANCO_NMDA_RATIO", "SEQUENCE_TAIL"]

#: Largest number of times a run's window grows by ``tail`` looking for the somatic peak.
MAX_WINDOW_GROWTHS = 10
#: Intervals (ms) of the Branco protocol.
BRANCO_INTERVALS = tuple(float(x) for x in range(9))
#: AMPA peak conductance per synapse (nS) of the Branco protocol.
BRANCO_WEIGHT = 0.5
#: NMDA/AMPA peak conductance ratio of the Branco protocol.
BRANCO_NMDA_RATIO = 4.0
#: ms simulated after the last input of a sequence (the default window's tail).
SEQUENCE_TAIL = 50.0


def branco_dendrite(model, n=9, length=100.0, *, where="basal", terminal=True, seed=None):
    """Sites of the Branco protocol: ``n`` synapses evenly spaced over the distal ``length`` um of a thin branch.

    The branch is the thinnest (smallest mean diameter) section of ``where``
    at least ``length`` long, among the terminal sections (no child branch)
    if ``terminal``, as in Branco et al. (2010), where the impedance gradient of
    a thin terminal dendrite makes the response direction-selective.  The
    synapses are evenly spaced over its last ``length`` um, ending at the
    compartment nearest to the tip.

    Parameters
    ----------
    model : CellModel or object with ``compartments``, ``select`` and ``discretisation``
    n : int
    length : float or Quantity
        um.
    where : selection
    terminal : bool
    seed : ignored
        (The choice is deterministic; kept for a uniform signature.)

    Returns
    -------
    SiteTable
        Sorted by increasing path distance.

    Raises
    ------
    PlacementError
        If no (terminal) section of ``where`` is ``length`` long (the message gives the longest).
    """
    from stimuli.arguments import check_count

    from ..placement import SiteTable

    table = model.compartments
    n = check_count(n, "n", minimum=1, error=PlacementError)
    length = float(to_plain(length, "um", "length", error=UnitError))
    if not length > 0:
        raise ParameterError(f"length={length} um must be > 0.")
    rows = model.select(where)
    rows = rows[table.section[rows] >= 0]
    if not len(rows):
        raise PlacementError(f"where={where!r} has no dendritic section.")
    sec = table.section[rows]
    n_sec = int(table.section.max()) + 1
    span = np.bincount(sec, table.length[rows], n_sec)
    diam = np.bincount(sec, (table.diameter * table.length)[rows], n_sec) / np.maximum(span, 1e-12)
    candidates = np.unique(sec)
    kind = "branch"
    if terminal:
        parents = np.asarray(model.discretisation.cell.section_parents)
        has_child = np.zeros(n_sec, dtype=bool)
        has_child[parents[parents >= 0]] = True
        candidates = candidates[~has_child[candidates]]
        kind = "terminal branch"
    ok = candidates[span[candidates] >= length]
    if not len(ok):
        best = candidates[np.argmax(span[candidates])] if len(candidates) else -1
        raise PlacementError(
            f"no {kind} of {where!r} is {length:g} um long for {n} synapses (longest: section "
            f"{int(best)}, {span[best] if best >= 0 else 0:.1f} um); shorten the sequence "
            "(length), choose another region, or pass terminal=False.")
    section = int(ok[np.argmin(diam[ok])])
    comps = rows[sec == section]
    comps = comps[np.argsort(table.distance[comps])]
    edges = table.distance[comps] + table.length[comps] / 2
    tip = table.distance[comps[-1]]
    pos = tip - length + (np.linspace(0, length, n) if n > 1 else np.array([length]))
    idx = np.clip(np.searchsorted(edges, pos), 0, len(comps) - 1)
    return SiteTable.from_compartments(table, comps[idx])


class SequenceResult:
    """Somatic peaks of a sequence experiment.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``direction`` ("IN"/"OUT"), ``interval_ms``, ``nmda`` (bool),
        ``soma_peak_mV`` (above rest).
    sites : SiteTable
    traces : dict
        ``{(direction, interval, nmda): (t_ms, v_mV)}`` somatic traces above rest.
    """

    def __init__(self, frame, sites, traces):
        self.frame, self.sites, self.traces = frame, sites, traces

    def ratio(self):
        """pandas.DataFrame of IN/OUT peak ratio per interval and NMDA condition."""
        f = self.frame.pivot_table(index=["nmda", "interval_ms"], columns="direction",
                                   values="soma_peak_mV")
        f["ratio"] = f["IN"] / f["OUT"]
        return f.reset_index()

    def plot(self, ax=None):
        """The figure of Branco et al. (2010): somatic peak against interval, IN and OUT."""
        import matplotlib.pyplot as plt

        conditions = sorted(self.frame["nmda"].unique())[::-1]
        if ax is None:
            fig, axes = plt.subplots(1, len(conditions), figsize=(3.2 * len(conditions), 3),
                                     squeeze=False)
            axes = axes[0]
        else:
            axes = np.atleast_1d(ax)
            fig = axes[0].figure
        for a, nmda in zip(axes, conditions):
            part = self.frame[self.frame["nmda"] == nmda]
            for direction, colour in (("IN", "#d62728"), ("OUT", "#1f77b4")):
                d = part[part["direction"] == direction].sort_values("interval_ms")
                a.plot(d["interval_ms"], d["soma_peak_mV"], "o-", color=colour, label=direction,
                       ms=4)
            a.set_title("AMPA + NMDA" if nmda else "AMPA only", fontsize=9)
            a.set_xlabel("interval (ms)")
            a.set_ylabel("somatic peak (mV)")
            a.spines[["top", "right"]].set_visible(False)
            a.legend(frameon=False, fontsize=8)
        fig.tight_layout()
        return fig

    def save(self, filename):
        """Save the table and the site table through the shared HDF5 format."""
        from network.hdf5 import save_dict_to_hdf5

        from ..errors import RecordingError

        table = {c: self.frame[c].to_numpy() for c in self.frame.columns}
        table["direction"] = np.array([str(x) for x in table["direction"]])
        table["nmda"] = table["nmda"].astype(bool)
        try:
            save_dict_to_hdf5({"format": "dendrites.sequence", "table": table,
                               "sites": self.sites.to_dict()}, filename)
        except (OSError, ValueError) as err:
            raise RecordingError(f"cannot write the sequence result to {filename}: {err}") from None
        return filename


def sequence_experiment(model, sites=None, *, intervals=BRANCO_INTERVALS, nmda=(True, False),
                        weight=BRANCO_WEIGHT, nmda_ratio=BRANCO_NMDA_RATIO, duration=None,
                        tail=SEQUENCE_TAIL, target=None, progress=True, seed=0, workers=1,
                        **kinetics):
    """Activate synapses in order towards (IN) or away from (OUT) the soma at each interval.

    Parameters
    ----------
    model : CellModel
        Copied, not modified.
    sites : SiteTable or array of compartments, optional
        The synapses (ordered by their path distance here); default
        :func:`branco_dendrite` (nine synapses over 100 um of a thin basal branch).
    intervals : sequence of float
        ms, >= 0 (default 0, 1, ..., 8).
    nmda : sequence of bool
        Conditions (default with and without NMDA).
    weight : float
        AMPA peak conductance per synapse, nS (default :data:`BRANCO_WEIGHT`, 0.5;
        see the module notes for the reasons).
    nmda_ratio : float
        NMDA/AMPA peak conductance (default :data:`BRANCO_NMDA_RATIO`, 4).
    duration : float, optional
        ms, one fixed window for every run.  Default: a window per run, the
        sequence (``(n - 1) * interval``) plus ``tail``, extended by ``tail``
        as long as the somatic peak lies in the window's last ``tail / 5`` ms
        (so the reported peak is followed by at least ``tail / 5`` ms of
        decline; the traces are those of the final window).
    tail : float
        ms after the last input of the default window (default
        :data:`SEQUENCE_TAIL`, 50).
    progress : bool
        Progress bar over the runs.
    workers : int
        Worker processes sharing the runs (default 1; identical results for any
        number; see :func:`dendrites.experiments.runner.run_batches`).
    **kinetics
        Synapse kinetics as :func:`~dendrites.experiments.epsp_map` (``ampa_tau_rise``,
        ``nmda_tau_decay``, ``nmda_Mg``, ... in ms, mV, mM).

    Returns
    -------
    SequenceResult

    Raises
    ------
    ParameterError
        A negative interval, weight or tail.
    PlacementError
        A branch too short for the default sequence.

    Notes
    -----
    At interval 0 the IN and OUT patterns are the same (every synapse at t = 0):
    that pattern runs once per NMDA condition and its row and trace are reported
    for both directions.
    """
    import pandas as pd

    from ..placement import SiteTable
    from .runner import PatternRunner, run_batches

    intervals = np.atleast_1d(np.asarray(to_plain(intervals, "ms", "intervals", error=UnitError),
                                         dtype=float))
    if not len(intervals) or np.any(~np.isfinite(intervals)) or np.any(intervals < 0):
        raise ParameterError(f"intervals={intervals.tolist()} must be finite and >= 0 ms.")
    tail = float(to_plain(tail, "ms", "tail", error=UnitError))
    if not (np.isfinite(tail) and tail > 0):
        raise ParameterError(f"tail={tail} ms must be a finite number > 0 (ms after the last "
                             "input).")
    if sites is None:
        sites = branco_dendrite(model, seed=seed)
    elif not isinstance(sites, SiteTable):
        sites = SiteTable.from_compartments(model.compartments, model.select(
            np.atleast_1d(np.asarray(sites))))
    n = len(sites)
    if n < 2:
        raise ParameterError(f"a sequence needs at least 2 synapses (got {n}).")
    fixed = duration is not None
    runner = PatternRunner(model, sites, weight=weight, nmda_ratio=nmda_ratio,
                           duration=duration if fixed else (n - 1) * float(intervals.max()) + tail,
                           target=target, **kinetics)
    order_in = np.argsort(-sites["distance_um"], kind="stable")   # distal first
    order_out = order_in[::-1]
    jobs = [(bool(on), d, float(dt)) for on in nmda for d in ("IN", "OUT") for dt in intervals]
    def key_of(on, direction, dt):  # interval 0: IN and OUT are one pattern, run once
        return (on, dt, direction if dt > 0 else "any")

    keys = {}
    for on, direction, dt in jobs:
        keys.setdefault(key_of(on, direction, dt), direction)
    unique = list(keys)

    def run(key):
        on, dt, _ = key
        order = order_in if keys[key] == "IN" else order_out
        return _sequence_trace(runner, order, np.arange(n) * dt, on,
                               None if fixed else (n - 1) * dt + tail, tail)

    done = dict(zip(unique, run_batches(run, unique, workers=workers, progress=progress,
                                        desc="sequence runs")))
    rows, traces = [], {}
    for on, direction, dt in jobs:
        t, v = done[key_of(on, direction, dt)]
        traces[(direction, dt, on)] = (t, v)
        rows.append({"direction": direction, "interval_ms": dt, "nmda": on,
                     "soma_peak_mV": float(v.max())})
    return SequenceResult(pd.DataFrame(rows), sites, traces)


def _sequence_trace(runner, order, times, nmda, window, tail):
    """Somatic trace of one pattern; a ``window`` (ms) grown until the peak is inside it."""
    if window is None:
        return runner.trace(order, times, nmda=nmda)
    for _ in range(MAX_WINDOW_GROWTHS + 1):
        runner.duration = window
        t, v = runner.trace(order, times, nmda=nmda)
        if t[int(np.argmax(v))] <= t[-1] - tail / 5:
            return t, v
        window += tail
    raise SimulationError(
        f"the somatic voltage still rises at the end of a {window - tail:g} ms window after "
        f"{MAX_WINDOW_GROWTHS} extensions by tail={tail:g} ms (no EPSP peak: an active cell "
        "firing, or an input that never ends?); pass a fixed duration= to report the maximum "
        "within it.")


def rall_sequence(direction="IN", *, g_ratio=1.0, n_compartments=10, compartment_length=0.2,
                  pair_duration=0.25, pairs=((2, 3), (4, 5), (6, 7), (8, 9)), duration=2.5,
                  steps_per_tau=1000, tau=10.0, target=None):
    """Rall's (1964) ten-compartment cable: the soma response to a sequence in either direction.

    Parameters
    ----------
    direction : {"IN", "OUT"}
        ``"IN"``: pairs from the last (distal) to the first; ``"OUT"``: first to last.
    g_ratio : float
        Excitatory conductance of an active compartment / its resting conductance.
    n_compartments : int
        Compartments of the cable (10).
    compartment_length : float
        Length of each compartment in length constants (0.2).
    pair_duration : float
        Time each pair is active, in units of tau (0.25).
    pairs : sequence of pairs of int
        1-based compartments (Rall's numbering; compartment 1 is the soma).
    duration : float
        Simulated time in units of tau.
    steps_per_tau : int
        Time steps per tau (brian2's implicit Euler; the error is O(1/steps)).
    tau : float
        Membrane time constant in ms (the results, in units of tau, do not depend on it).

    Returns
    -------
    dict
        ``t`` (units of tau), ``v`` (n_t, n_compartments; relative to rest, in
        units of the driving force), ``soma`` (``v[:, 0]``), ``peak``,
        ``t_peak`` (tau), and the physical ``parameters``.
    """
    import brian2
    from brian2 import cm, mV, ms, ohm, siemens, uF, um

    if direction not in ("IN", "OUT"):
        raise ParameterError(f"direction={direction!r} must be 'IN' or 'OUT'.")
    pairs = [tuple(int(c) for c in p) for p in pairs]
    if any(not 1 <= c <= n_compartments for p in pairs for c in p):
        raise ParameterError(f"pairs={pairs} must be compartments 1..{n_compartments}.")
    if not g_ratio >= 0:
        raise ParameterError(f"g_ratio={g_ratio} must be >= 0.")
    Rm, Cm_, Ri, d = tau * 1000.0, 1.0, 100.0, 1.0   # ohm cm2 (tau ms with 1 uF/cm2), ohm cm, um
    lam_um = np.sqrt(Rm * d * 1e-4 / (4 * Ri)) * 1e4
    length = n_compartments * compartment_length * lam_um
    dt = tau / steps_per_tau
    order = pairs if direction == "OUT" else pairs[::-1]
    n_piece = int(np.ceil(duration / pair_duration)) + 1
    on = np.zeros((n_piece, n_compartments))
    for k, pair in enumerate(order):
        on[k, [c - 1 for c in pair]] = 1.0
    wave = brian2.TimedArray(on, dt=pair_duration * tau * ms)
    morpho = brian2.Cylinder(n=n_compartments, length=length * um, diameter=d * um)
    eqs = ("Im = gL*(EL - v) + g_ratio*gL*rall_on(t, i)*(E_syn - v) : amp/meter**2\n"
           "gL : siemens/meter**2\nEL : volt\nE_syn : volt (shared)\ng_ratio : 1 (shared)")
    neuron = brian2.SpatialNeuron(morpho, eqs, Cm=Cm_ * uF / cm**2, Ri=Ri * ohm * cm,
                                  method="exponential_euler", dt=dt * ms,
                                  namespace={"rall_on": wave}, name="rall*")
    neuron.gL = 1.0 / Rm * siemens / cm**2
    neuron.EL = 0 * mV
    neuron.E_syn = 1 * mV
    neuron.g_ratio = g_ratio
    neuron.v = 0 * mV
    mon = brian2.StateMonitor(neuron, "v", record=True, dt=dt * ms, name="rall_mon*")
    net = brian2.Network(neuron, mon)
    from .epsp_map import codegen_target

    n_t = int(round(duration * steps_per_tau))
    with codegen_target(target):
        net.run(n_t * dt * ms, namespace={})
    v = np.asarray(mon.v_[:, :n_t]).T * 1e3   # units of the driving force (1 mV)
    t = np.arange(n_t) / steps_per_tau
    k = int(np.argmax(v[:, 0]))
    return {"t": t, "v": v, "soma": v[:, 0], "peak": float(v[k, 0]), "t_peak": float(t[k]),
            "parameters": {"Rm_ohm_cm2": Rm, "Cm_uF_cm2": Cm_, "Ri_ohm_cm": Ri, "diameter_um": d,
                           "lambda_um": lam_um, "length_um": length, "tau_ms": tau,
                           "dt_ms": dt, "g_ratio": g_ratio}}
