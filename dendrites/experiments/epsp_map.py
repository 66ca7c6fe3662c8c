"""EPSP against synapse location, at every site of a cell.

One synapse is activated alone (one presynaptic spike at ``t = 0``) at each of
many sites; for each site the table gives the local and somatic EPSP peak
(above rest), the attenuation ``soma / local``, the somatic latency (time of the
somatic peak after the spike), 10-90 % rise time and half-width, at the soma and
locally, against path distance, neurite type and position.

Methods
-------
``"kernel"`` (passive cells; the default for current and AMPA synapses)
    By linearity and the reciprocity of transfer impedances, the response at
    the soma to a current at site ``j`` equals the response at ``j`` to the
    same current at the soma.  brian2 integrates the passive cable with the
    implicit (backward) Euler scheme ``(C/dt + A) v[k+1] = C/dt v[k] + I[k]``,
    whose discrete impulse response ``(B^-1 C/dt)^(k-1) B^-1`` is again a
    symmetric matrix, so reciprocity holds exactly for the discretised cell,
    step by step: the somatic response to a current at site ``j`` is the
    response at ``j`` to that current at the soma.  The toolkit computes the
    z-transform of that discrete system directly, for every compartment at
    once: on the tree of compartments and branch-point nodes one elimination
    pass from the leaves and one pass back from the soma give, at every
    frequency, the soma column and the diagonal of the resolvent
    (:class:`dendrites.passive.TreeResolvent`; no dense matrix, any cell
    size), and an inverse FFT on a slightly damped circle gives the somatic
    transfer kernel and the local input kernel of every site (aliasing below
    1e-11).  The somatic EPSP of a current synapse at any site is its current
    through that kernel, all sites in one FFT: exact for current synapses (to
    the solver's precision; the tests compare with brian2 site by site and
    with NEURON), at the cost of about one simulation of the cell (the
    1351-compartment L5 cell's map in a fraction of a second: see
    ``benchmarks/bench_epsp_map.py``).

    A *conductance* synapse ``I = g(t) (E - V_site)`` is nonlinear only through
    its own site voltage.  On a passive cell, the site voltage ``u`` (above
    rest) obeys the closed equation ``u = h_loc * [g (E - V_rest - u)]`` where
    ``h_loc`` is the site's local input kernel (the diagonal of the discrete
    kernel matrix, from the same resolvent).  The linear approximation (driving force frozen at rest,
    ``correct=False``) overestimates the EPSP by about the ratio of the local
    EPSP to the driving force (measured in the tests: up to ~10 % on thin
    distal dendrites for a 1 nS AMPA synapse, < 1 % at the soma).  With
    ``correct=True`` (default) the equation is solved by Anderson-accelerated
    fixed-point iteration (FFT convolutions, all sites at once, from the
    saturating estimate ``D L / (1 + L)``; some 75 maps for the L5 cell's 1351
    sites), then the somatic EPSP is
    the corrected current convolved with the somatic kernel.  The remaining
    error is that of treating the synaptic conductance explicitly in time
    instead of brian2's implicit update (O(dt); measured < 0.5 % of the
    peak at dt = 0.025 ms).  The same equation with the Mg block handles
    AMPA+NMDA on passive cells (``method="kernel"``), as long as the
    iteration converges (it raises otherwise).

``"direct"`` (active cells, NMDA by default)
    brian2 simulation site by site: one synapse per site is built once, and
    each run drives one of them (spike inputs and weights are values, so the
    compiled code is reused); a current synapse is one point current whose
    per-compartment weights pick the site (passive and active cells alike).
    Each EPSP is its run minus one run without input (brian2's cell drifts by
    ~1e-6 mV from the computed rest).  Sites run in batches over ``workers``
    forked processes (identical results for any number; Linux and other
    platforms with ``fork``), with a progress bar (tqdm) over the sites.
    brian2's SpatialNeuron holds one cell, so independent sites cannot share
    a run.

Units of plain numbers: weights nS, times ms, voltages mV, distances um.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from stimuli.arguments import to_plain

from ..errors import (DendriteWarning, ParameterError, SimulationError, UnitError,
                      UnsupportedError)
from ..synapses import KINDS

__all__ = ["epsp_map", "EpspMap", "somatic_transfer_kernels", "local_kernels",
           "synaptic_waveform", "direct_epsp", "trace_metrics", "SYNAPSES", "MAP_COLUMNS",
           "synapse_parameters", "is_passive", "experiment_copy", "progress_bar", "codegen_target"]

#: Synapse types of the EPSP map.
SYNAPSES = ("current", "ampa", "ampa+nmda")
#: Columns of the map's table.
MAP_COLUMNS = ("compartment", "section", "type", "distance_um", "x_um", "y_um", "z_um",
               "local_peak_mV", "soma_peak_mV", "attenuation", "latency_ms", "rise_time_ms",
               "half_width_ms", "local_latency_ms", "local_rise_time_ms", "local_half_width_ms")


# --------------------------------------------------------------------------- helpers
def synaptic_waveform(t, tau_rise, tau_decay):
    """Double exponential normalised to a peak of 1 (single exponential if ``tau_rise == 0``).

    Parameters
    ----------
    t : array_like
        Times after the spike, ms (0 before).
    tau_rise, tau_decay : float
        ms.

    Returns
    -------
    numpy.ndarray
        ``s(t)``, the same normalisation as :mod:`dendrites.synapses`.
    """
    t = np.asarray(t, dtype=float)
    tp = np.where(t >= 0, t, 0.0)
    if tau_rise == 0:
        s = np.exp(-tp / tau_decay)
    else:
        t_peak = tau_rise * tau_decay / (tau_decay - tau_rise) * np.log(tau_decay / tau_rise)
        norm = 1.0 / (np.exp(-t_peak / tau_decay) - np.exp(-t_peak / tau_rise))
        s = norm * (np.exp(-tp / tau_decay) - np.exp(-tp / tau_rise))
    return np.where(t >= 0, s, 0.0)


def trace_metrics(t, traces):
    """Peak, time of peak, 10-90 % rise time and half-width of each row of ``traces``.

    Parameters
    ----------
    t : numpy.ndarray (n_t,)
        Times, ms (uniform).
    traces : numpy.ndarray (n, n_t)
        Deviations from rest (mV), positive EPSPs.

    Returns
    -------
    dict of numpy.ndarray
        ``peak``, ``t_peak``, ``rise_time``, ``half_width`` (NaN where a level
        is not crossed inside the window), all vectorised over rows.
    """
    traces = np.atleast_2d(traces)
    n, n_t = traces.shape
    k_peak = np.argmax(traces, axis=1)
    peak = traces[np.arange(n), k_peak]
    cols = np.arange(n_t)[None, :]
    before = cols <= k_peak[:, None]

    def rising(level):
        above = (traces >= level[:, None]) & before
        k = np.argmax(above, axis=1)
        k0 = np.maximum(k - 1, 0)
        v0, v1 = traces[np.arange(n), k0], traces[np.arange(n), k]
        frac = np.where(v1 > v0, (level - v0) / np.where(v1 > v0, v1 - v0, 1), 0.0)
        return np.where(k > 0, t[k0] + frac * (t[1] - t[0]), t[k])

    def falling(level):
        below = (traces < level[:, None]) & ~before
        found = below.any(axis=1)
        k = np.argmax(below, axis=1)
        k0 = np.maximum(k - 1, 0)
        v0, v1 = traces[np.arange(n), k0], traces[np.arange(n), k]
        frac = np.where(v0 > v1, (v0 - level) / np.where(v0 > v1, v0 - v1, 1), 0.0)
        return np.where(found, t[k0] + frac * (t[1] - t[0]), np.nan)

    with np.errstate(invalid="ignore"):
        rise = rising(0.9 * peak) - rising(0.1 * peak)
        half = falling(0.5 * peak) - rising(0.5 * peak)
    positive = peak > 0
    return {"peak": peak, "t_peak": t[k_peak], "rise_time": np.where(positive, rise, np.nan),
            "half_width": np.where(positive, half, np.nan)}


def _site_rows(model, sites, seed=0):
    """Compartment indices of ``sites``: "all", an int N (N sites at random), or a selection."""
    from stimuli.arguments import check_seed

    n = model.n
    if isinstance(sites, str) and sites == "all":
        return np.arange(n)
    if isinstance(sites, (int, np.integer)) and not isinstance(sites, bool):
        if not 1 <= int(sites) <= n:
            raise ParameterError(f"sites={sites}: a number of sites must lie in 1..{n} (the cell "
                                 f"has {n} compartments).")
        rng = np.random.default_rng(check_seed(seed, error=ParameterError))
        return np.sort(rng.choice(n, size=int(sites), replace=False))
    return model.select(sites)


def synapse_parameters(synapse, weight, nmda_ratio, kinetics):
    """Checked AMPA and NMDA values (dicts: weight nS, tau_rise/tau_decay ms, E mV, Mg mM)."""
    if synapse not in SYNAPSES:
        raise ParameterError(f"synapse={synapse!r} must be one of {SYNAPSES}.")
    w = float(to_plain(KINDS["ampa"]["weight"] if weight is None else weight, "nS", "weight",
                       error=UnitError))
    if not np.isfinite(w) or w < 0:
        raise ParameterError(f"weight={w:g} nS must be >= 0 (a peak conductance in nS).")
    ampa = dict(KINDS["ampa"])
    nmda = dict(KINDS["nmda"])
    for key, value in kinetics.items():
        target, name = (nmda, key[5:]) if key.startswith("nmda_") else (
            ampa, key[5:] if key.startswith("ampa_") else key)
        if name not in target or name == "weight":
            raise ParameterError(f"unknown synapse parameter {key!r}; use tau_rise, tau_decay, E "
                                 "(AMPA or current, optionally prefixed ampa_) or nmda_tau_rise, "
                                 "nmda_tau_decay, nmda_E, nmda_Mg.")
        unit = {"tau_rise": "ms", "tau_decay": "ms", "E": "mV", "Mg": "1"}[name]
        target[name] = float(to_plain(value, unit, key, error=UnitError))
    ratio = float(to_plain(nmda_ratio, "1", "nmda_ratio", error=UnitError))
    if not ratio >= 0:
        raise ParameterError(f"nmda_ratio={ratio} must be >= 0.")
    ampa["weight"], nmda["weight"] = w, w * ratio
    return ampa, nmda


def is_passive(model):
    """True if the model has no membrane mechanism (the kernel method applies)."""
    return not model.mechanisms


def _passive_copy(model, *, name):
    """A new, unbuilt CellModel with the same discretisation and passive membrane."""
    from ..model import CellModel

    new = CellModel(model.discretisation, Ri=model.Ri, Cm=model.get("Cm"), gL=model.get("gL"),
                    EL=model.get("EL"), dt=model.dt, name=name)
    return new


def experiment_copy(model, *, name):
    """The unbuilt cell an experiment adds its synapses to, ``model`` left as it is.

    A passive model (built or not) gives a new passive CellModel of the same
    discretisation and membrane; an active one its :meth:`~dendrites.CellModel.copy`
    (it must be unbuilt), with the resting state computed once on ``model`` and
    shared.

    Raises
    ------
    SimulationError
        An active model that was already built or run.
    """
    if is_passive(model):
        return _passive_copy(model, name=name)
    if getattr(model, "_built", None) is not None:
        raise SimulationError(
            f"the active model {model.name!r} was already built or run; the experiments add "
            "their own synapses to a copy, which needs the unbuilt model: describe a new "
            "CellModel (or call copy() before running this one) and pass that.")
    model.resting_state()  # cached on the model: its copies (and later calls) reuse it
    return model.copy(name=name)


# --------------------------------------------------------------------------- kernels
#: Damping of the discrete transfer functions: the response wrapped around the FFT circle
#: enters with this weight (``r**-N``), against rounding amplified by at most its square root.
_ALIAS = 1e-11


class _DampedSpectra:
    """Transfer functions of brian2's implicit-Euler passive cell on a damped circle.

    brian2 advances the passive cell by ``(C/dt + A) v[k+1] = C/dt v[k] + I[k]``,
    so the z-transform of the response is ``V(z) = T(z) I(z)`` with
    ``T(z) = (z A + (z - 1) C/dt)^-1 = R(w) / z``, ``R(w) = (A + w C)^-1`` and
    ``w = (1 - 1/z) / dt`` (the backward-Euler map).  The soma column and the
    diagonal of ``R`` at every frequency come from one vectorised pass over
    the tree (:class:`dendrites.passive.TreeResolvent`): the somatic transfer
    kernel of every site (reciprocity: ``T`` is symmetric) and every site's
    own input kernel, at the cost of about one simulation of the cell.

    The spectra are taken on the circle ``|z| = r`` with ``r**-N = _ALIAS`` for
    an FFT of ``N >= 2 n_t`` points: multiplying the sequences by ``r**-k``
    before the FFT and by ``r**k`` after makes the wrapped-around tail of every
    response (the circular aliasing of a finite FFT) smaller than ``_ALIAS``
    times its peak, so responses equal the discrete simulation to about 1e-9
    relative (brian2 itself solves the soma with a 1 m "r_length", which
    limits the agreement of any two solvers to ~1e-8).
    """

    def __init__(self, model, n_t, rows):
        from scipy import fft

        self.n_t = int(n_t)
        self.size = fft.next_fast_len(2 * self.n_t, real=True)
        dt = model.dt * 1e-3  # s
        radius = _ALIAS ** (-1.0 / self.size)
        theta = 2 * np.pi * np.arange(self.size // 2 + 1) / self.size
        z = radius * np.exp(1j * theta)
        resolvent = model.passive_system().resolvent()
        n_f = len(z)
        self.local = np.empty((len(rows), n_f), complex)
        self.soma = np.empty((len(rows), n_f), complex)
        # frequency blocks: the resolvent's four complex work arrays of vertices x block
        # hold 2e7 numbers (about 320 MB), whatever the cell's size
        block = max(1, int(2e7 // (4 * resolvent.vertices)))
        for first in range(0, n_f, block):
            zb = z[first:first + block]
            d, c = resolvent((1.0 - 1.0 / zb) / dt, rows)
            scale = 1e-6 / zb  # T = R / z; ohm -> mV/nA
            np.multiply(d, scale, out=self.local[:, first:first + block])
            np.multiply(c, scale, out=self.soma[:, first:first + block])
        k = np.arange(self.n_t)
        self.damp = radius ** (-k.astype(float))
        self.undamp = radius ** k.astype(float)

    def respond(self, spectrum, current):
        """Response (mV, rows x n_t) of the kernels ``spectrum`` to ``current`` (nA per step)."""
        from scipy import fft

        current = np.asarray(current, dtype=float)
        if current.ndim == 1:  # one waveform for every row: one FFT
            spec = fft.rfft(current * self.damp, self.size)[None, :]
        else:
            spec = fft.rfft(current * self.damp, self.size, axis=-1, workers=-1)
        out = fft.irfft(spectrum * spec, self.size, axis=-1, workers=-1)[:, :self.n_t]
        out *= self.undamp
        return out

    def kernels(self, spectrum):
        """Time-domain kernels (mV per nA applied during the first step), rows x n_t."""
        impulse = np.zeros(self.n_t)
        impulse[0] = 1.0
        h = self.respond(spectrum, impulse)
        h[:, 0] = 0.0
        return h


def _kernel_rows(model, rows):
    rows = np.arange(model.n) if rows is None else np.asarray(rows, dtype=np.int64)
    if rows.size and (rows.min() < 0 or rows.max() >= model.n):
        raise ParameterError(f"rows must lie in 0..{model.n - 1} (the cell's compartments).")
    return rows


def somatic_transfer_kernels(model, duration, *, rows=None):
    """Somatic transfer kernel of every compartment, at the cost of one simulation (reciprocity).

    Row ``j`` is the somatic voltage (above rest) after a 1 nA current applied
    during the first time step at compartment ``j`` of the passive cell, for
    brian2's own implicit-Euler discretisation (equal, by the symmetry of that
    system, to the response at ``j`` to the pulse at the soma); see
    :class:`_DampedSpectra` for the method.

    Parameters
    ----------
    model : CellModel
        Its passive membrane (Cm, gL, Ri, dt) is used; mechanisms are ignored.
    duration : float
        ms.
    rows : array of int, optional
        Compartments to return (default all).

    Returns
    -------
    t : numpy.ndarray (n_t,)
        ms, ``t[k] = k dt``.
    kernel : numpy.ndarray (len(rows), n_t)
        mV per nA applied during one step at ``t = 0``; ``kernel[:, 0] = 0``.
    """
    n_t = int(round(float(to_plain(duration, "ms", "duration", error=UnitError)) / model.dt))
    spectra = _DampedSpectra(model, n_t, _kernel_rows(model, rows))
    return np.arange(n_t) * model.dt, spectra.kernels(spectra.soma)


def local_kernels(model, rows, duration):
    """Local input kernels of compartments ``rows`` (their own response to their own input).

    The diagonal of the discrete kernel matrix, by the same method as
    :func:`somatic_transfer_kernels` (no dense matrix: any cell size).

    Returns
    -------
    numpy.ndarray (len(rows), n_t)
        mV at the site per nA applied during one step at ``t = 0`` at the same site.
    """
    n_t = int(round(float(to_plain(duration, "ms", "duration", error=UnitError)) / model.dt))
    spectra = _DampedSpectra(model, n_t, _kernel_rows(model, rows))
    return spectra.kernels(spectra.local)


# --------------------------------------------------------------------------- solvers
def _mg_block(v_mV, mg):
    return 1.0 / (1.0 + mg / 3.57 * np.exp(-0.062 * v_mV))


def _anderson(fixed_map, x, *, tolerance, max_iterations, memory=6):
    """Solve ``x = fixed_map(x)`` row by row (all rows at once) by Anderson acceleration.

    Each row (site) has its own mixing coefficients, from the least-squares
    fit of its last ``memory`` residual differences (batched normal
    equations).  The local equation of a conductance synapse is a causal
    (Volterra) equation, whose plain iteration converges but slowly where the
    local input impedance is high; Anderson mixing needs a few tens of maps.

    Raises
    ------
    SimulationError
        No convergence to ``tolerance`` (mV) within ``max_iterations`` maps.
    """
    d_x, d_f = [], []
    f_old = x_old = None
    change = np.inf
    for _ in range(max_iterations):
        f = fixed_map(x) - x
        change = float(np.max(np.abs(f)))
        if not np.isfinite(change):
            break
        if change < tolerance:
            return x + f
        if f_old is not None:
            d_x.append(x - x_old)
            d_f.append(f - f_old)
            if len(d_x) > memory:
                d_x.pop(0)
                d_f.pop(0)
        x_old, f_old = x, f
        if not d_f:
            x = x + f
            continue
        DF = np.stack(d_f, axis=1)                          # rows x m x n_t
        gram = np.einsum("imt,int->imn", DF, DF)
        rhs = np.einsum("imt,it->im", DF, f)
        scale = np.einsum("imm->im", gram).max(axis=1) + 1e-300
        gram = gram + (1e-12 * scale)[:, None, None] * np.eye(len(d_f))[None]
        gamma = np.linalg.solve(gram, rhs[..., None])[..., 0]  # rows x m
        DX = np.stack(d_x, axis=1)
        x = x + f - np.einsum("im,imt->it", gamma, DX + DF)
    raise SimulationError(
        f"the local nonlinearity correction did not converge in {max_iterations} iterations "
        f"(last change {change:.2e} mV): the synapse is too strong for the kernel method (the "
        "local voltage runs away, e.g. an NMDA spike); use method='direct'.")


def _kernel_responses(model, rows, synapse, ampa, nmda, duration, *, correct, lag=1,
                      tolerance=1e-7, max_iterations=300):
    """Local and somatic EPSPs (mV above rest, rows x n_t) by the kernel method."""
    dt = model.dt
    n_t = int(round(duration / dt))
    t = np.arange(n_t) * dt
    spectra = _DampedSpectra(model, n_t, rows)
    rest = model.resting_state()["v"][rows] * 1e3
    s_a = synaptic_waveform(t - lag * dt, ampa["tau_rise"], ampa["tau_decay"])
    g_a = s_a * ampa["weight"]
    drive_a = (ampa["E"] - rest)[:, None]  # mV
    g_n = 0.0
    if synapse == "ampa+nmda":
        g_n = synaptic_waveform(t - lag * dt, nmda["tau_rise"], nmda["tau_decay"]) * nmda["weight"]
    drive_n = (nmda["E"] - rest)[:, None]

    def current_of(u):  # nA
        i = g_a * (drive_a - u)
        if synapse == "ampa+nmda":
            i = i + g_n * _mg_block(rest[:, None] + u, nmda["Mg"]) * (drive_n - u)
        return i * 1e-3

    if synapse == "current" or (not correct and synapse == "ampa"):
        # linear: one waveform scaled per site (the driving force at rest)
        scale = (ampa["weight"] * (ampa["E"] - rest) * 1e-3)[:, None]
        local = spectra.respond(spectra.local, s_a) * scale
        soma = spectra.respond(spectra.soma, s_a) * scale
        return t, local, soma
    u = np.zeros((len(rows), n_t))
    if not correct:
        current = current_of(u)
        local = spectra.respond(spectra.local, current)
    else:
        # start from the saturating estimate u = D L / (1 + L), L the linear response per mV
        # of driving force (bounded by the driving force, unlike the linear response itself)
        g_rest = g_a + (g_n * _mg_block(rest[:, None], nmda["Mg"]) if synapse == "ampa+nmda"
                        else 0.0)
        gain = spectra.respond(spectra.local, g_rest * 1e-3)  # AMPA alone: one waveform, one FFT
        u = drive_a * gain / (1.0 + np.maximum(gain, 0.0))
        u = _anderson(lambda x: spectra.respond(spectra.local, current_of(x)), u,
                      tolerance=tolerance, max_iterations=max_iterations)
        local = u
        current = current_of(u)
    soma = spectra.respond(spectra.soma, current)
    return t, local, soma


def progress_bar(iterable, total, progress, desc):
    """``iterable`` wrapped in a tqdm bar if ``progress``."""
    if not progress:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False)


def direct_epsp(model, rows, synapse="ampa", *, weight=None, nmda_ratio=1.0, duration=50.0,
                target=None, progress=True, lag=1, workers=1, **kinetics):
    """EPSPs by brian2 simulation, one site per run, without rebuilding the model.

    A copy of the model is built once with the synapse at every site: a
    conductance synapse per site (``"ampa"``, ``"ampa+nmda"``; each run drives
    one of them with one spike at t = 0), or, for ``"current"``, one point
    current ``I = w_j s(t - lag dt)`` whose weight per compartment ``w_j`` is
    nonzero at the site of the run only
    (:meth:`~dendrites.model.CellModel.add_point_current`).  Moving the site
    changes values only (spike inputs, weights): no new brian2 objects, no
    recompilation.  Passive and active cells run the same way.

    Parameters
    ----------
    model : CellModel
        Not modified (its resting state is computed and cached).  An active
        model must be unbuilt (it is copied with
        :meth:`~dendrites.model.CellModel.copy`); of a passive model only the
        membrane (Cm, gL, EL, Ri, dt) is used.
    rows : array of int
        Compartments of the sites.
    synapse : {"current", "ampa", "ampa+nmda"}
        ``"current"``: ``I = w s(t) (E - V_rest)`` with ``V_rest`` the resting
        potential at the site (of the active cell, with its mechanisms).
    weight : float or Quantity, optional
        Peak conductance, nS.
    nmda_ratio : float
        NMDA / AMPA peak conductance (``"ampa+nmda"``).
    duration : float
        ms.
    target : str, optional
        brian2 code-generation target.
    progress : bool
        tqdm progress bar over the completed sites.
    lag : int
        Steps between the spike (t = 0) and the start of the current synapse's
        waveform (1: as the conductance synapses, whose conductance starts one
        step after the spike).
    workers : int
        Worker processes (default 1); the sites are run in batches, each worker
        using the model built and compiled here (see
        :func:`dendrites.experiments.runner.run_batches`).  Results are
        identical for any number of workers.
    **kinetics
        As :func:`epsp_map`.

    Returns
    -------
    t : numpy.ndarray (n_t,)
    local, soma : numpy.ndarray (len(rows), n_t)
        mV above rest: each run minus one run of the same cell without input
        (brian2's discrete cell drifts slightly off the computed resting state,
        ~2e-6 mV in 30 ms on a passive Y-branch; the subtraction removes that
        drift, so that current-synapse EPSPs on a passive cell are linear in the
        weight to ~1e-12 mV).

    Raises
    ------
    SimulationError
        An active model that was built already.
    ParameterError
        Bad synapse values, ``workers`` not an integer >= 1.
    """
    from .runner import check_workers, run_batches

    workers = check_workers(workers)
    rows = np.asarray(rows, dtype=np.int64)
    ampa, nmda = synapse_parameters(synapse, weight, nmda_ratio, kinetics)
    dt = model.dt
    n_t = int(round(duration / dt))
    t = np.arange(n_t) * dt
    cell = experiment_copy(model, name="epsp_direct")
    if synapse == "current":
        wave = synaptic_waveform(t - lag * dt, ampa["tau_rise"], ampa["tau_decay"])
        group = cell.add_point_current("epsp_site", wave)
    elif synapse == "ampa":
        group = cell.add_synapses("ampa", rows, name="epsp_site", weight=ampa["weight"],
                                  tau_rise=ampa["tau_rise"], tau_decay=ampa["tau_decay"],
                                  E=ampa["E"])
    else:
        group, _ = cell.add_synapses(
            "ampa+nmda", rows, name="epsp_site", weight=ampa["weight"], nmda_ratio=nmda_ratio,
            ampa_tau_rise=ampa["tau_rise"], ampa_tau_decay=ampa["tau_decay"], ampa_E=ampa["E"],
            nmda_tau_rise=nmda["tau_rise"], nmda_tau_decay=nmda["tau_decay"], nmda_E=nmda["E"],
            nmda_Mg=nmda["Mg"])
    record = np.unique(np.r_[0, rows])
    cell.record("v", record)
    job = _SiteRuns(cell, group, synapse, rows, record, ampa, n_t, duration, target)
    out = run_batches(job, [-1] + list(range(len(rows))), workers=workers, progress=progress,
                      desc="EPSP sites")
    baseline = out[0]  # the run without input: v(t) - rest, brian2's drift off the computed rest
    soma = np.array([o[0] for o in out[1:]]).reshape(len(rows), n_t) - baseline[0]
    local = np.array([o[1] for o in out[1:]]).reshape(len(rows), n_t) - baseline[1][job.pos]
    return t, local, soma


class _SiteRuns:
    """One site per call on a cell built once: the site is a value (spike input or weight)."""

    def __init__(self, cell, group, synapse, rows, record, ampa, n_t, duration, target):
        self.cell, self.group, self.synapse = cell, group, synapse
        self.rows, self.record, self.n_t = rows, record, n_t
        self.duration, self.target = duration, target
        self.pos = np.searchsorted(record, rows)
        self.rest = cell.resting_state()["v"] * 1e3
        # current synapse: I = w s(t) (E - V_rest(site)), nS * mV = pA -> nA
        self.current = ampa["weight"] * (ampa["E"] - self.rest) * 1e-3

    def __call__(self, k):
        """Site ``k``: (soma, local) mV above rest; ``k = -1``: the run without input,
        (soma, every recorded compartment)."""
        from stimuli.spikes import SpikeTrains

        cell = self.cell
        if self.synapse == "current":
            if k < 0:
                cell.set_point_current(self.group, 0.0)
            else:
                row = int(self.rows[k])
                cell.set_point_current(self.group, self.current[row], where=[row])
        else:
            cell.set_input(self.group, SpikeTrains([k] if k >= 0 else [],
                                                   [0.0] if k >= 0 else [], len(self.rows), 0.0,
                                                   self.duration))
        res = cell.run(self.n_t * cell.dt, target=self.target)
        v = res.trace("v")[1][:, :self.n_t] - self.rest[self.record][:, None]
        if k < 0:
            return v[0].copy(), v.copy()
        return v[0].copy(), v[self.pos[k]].copy()


@contextlib.contextmanager
def codegen_target(target):
    """Set brian2's code-generation target around a run, then restore it."""
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


# --------------------------------------------------------------------------- the map
class EpspMap:
    """Result of :func:`epsp_map`.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per site, columns :data:`MAP_COLUMNS` (mV above rest, ms, um).
    t : numpy.ndarray
        Times of the traces, ms.
    local, soma : numpy.ndarray (n_sites, n_t)
        EPSP traces above rest (mV) at the site and at the soma.
    discretisation : morphologies.Discretisation
    parameters : dict
        Synapse, weight, method, kinetics.
    """

    def __init__(self, frame, t, local, soma, discretisation, parameters):
        self.frame, self.t, self.local, self.soma = frame, t, local, soma
        self.discretisation = discretisation
        self.parameters = parameters

    def __len__(self):
        return len(self.frame)

    def __repr__(self):
        return (f"EpspMap({len(self)} sites, {self.parameters['synapse']} synapse, "
                f"method {self.parameters['method']})")

    def values(self, column="soma_peak_mV"):
        """One value per compartment of ``column`` (NaN where no site), for 3D views."""
        if column not in self.frame.columns:
            raise ParameterError(f"column={column!r} is not a column of the map; use one of "
                                 f"{list(self.frame.columns)}.")
        out = np.full(self.discretisation.n, np.nan)
        out[self.frame["compartment"].to_numpy()] = self.frame[column].to_numpy(dtype=float)
        return out

    def view(self, column="soma_peak_mV", **kwargs):
        """plotly 3D view of the cell coloured by a column (somatic EPSP or attenuation), colour bar."""
        from morphologies.view import plot_morphology

        label = {"soma_peak_mV": "somatic EPSP (mV)", "attenuation": "attenuation soma/local",
                 "local_peak_mV": "local EPSP (mV)"}.get(column, column)
        return plot_morphology(self.discretisation, self.values(column), color_label=label,
                               **kwargs)

    def scatter(self, column="soma_peak_mV", *, ax=None, log=False):
        """Matplotlib scatter of ``column`` against path distance, one colour per neurite type."""
        import matplotlib.pyplot as plt
        from morphologies.view import TYPE_COLORS

        if ax is None:
            fig, ax = plt.subplots(figsize=(5, 3.5))
        else:
            fig = ax.figure
        for name, part in self.frame.groupby("type"):
            ax.scatter(part["distance_um"], part[column], s=6, label=name,
                       color=TYPE_COLORS.get(name), alpha=0.8, lw=0)
        ax.set_xlabel("path distance to soma (um)")
        ax.set_ylabel(column.replace("_mV", " (mV)").replace("_ms", " (ms)").replace("_", " "))
        if log:
            ax.set_yscale("log")
        ax.legend(frameon=False, fontsize=8, markerscale=2)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return fig

    def to_dict(self):
        """Nested dict of arrays for :func:`network.hdf5.save_dict_to_hdf5`."""
        table = {c: self.frame[c].to_numpy() for c in self.frame.columns}
        table["type"] = np.array([str(x) for x in table["type"]])
        comps = self.discretisation.compartments
        return {"format": "dendrites.epsp_map", "table": table,
                "compartments": {c: np.asarray(getattr(comps, c)) for c in comps.columns},
                "t_ms": self.t, "soma_mV": self.soma, "local_mV": self.local,
                "parameters": {k: (v if not isinstance(v, dict) else
                                   {kk: float(vv) for kk, vv in v.items()})
                               for k, v in self.parameters.items()}}

    def save(self, filename):
        """Save the table, traces and compartment table through the shared HDF5 format."""
        from network.errors import RecordingError as NetworkRecordingError
        from network.hdf5 import save_dict_to_hdf5

        from ..errors import RecordingError

        try:
            save_dict_to_hdf5(self.to_dict(), filename)
        except (NetworkRecordingError, OSError) as err:
            raise RecordingError(f"cannot write the EPSP map to {filename}: {err}") from None
        return filename


def epsp_map(model, sites="all", *, synapse="current", weight=None, nmda_ratio=1.0,
             duration=50.0, method="auto", correct=True, target=None, progress=True, seed=0,
             workers=1, **kinetics):
    """EPSP of one synapse activated alone at each site: local and somatic, against location.

    Parameters
    ----------
    model : CellModel
        Not modified (copies are simulated).
    sites : "all", int or selection, optional
        Every compartment (default), ``N`` compartments drawn at random with
        ``seed``, or any selection of :mod:`dendrites.regions` (region,
        criteria dict, expression, indices).
    synapse : {"current", "ampa", "ampa+nmda"}
        ``"current"``: the current ``w s(t) (E - V_rest)`` (the AMPA conductance
        with its driving force frozen at rest: linear); ``"ampa"``: conductance;
        ``"ampa+nmda"``: AMPA + NMDA (Jahr-Stevens Mg block) at ``nmda_ratio``.
    weight : float or Quantity, optional
        Peak AMPA conductance, nS (default 0.5).
    nmda_ratio : float
        NMDA / AMPA peak conductance.
    duration : float or Quantity
        Simulated window, ms (default 50; the spike is at t = 0).
    method : {"auto", "kernel", "direct"}
        ``"auto"``: the kernel method for current and AMPA synapses on passive
        cells, direct simulation otherwise (see the module docstring).
    correct : bool
        Kernel method with conductance synapses: solve the local nonlinearity
        (default) or keep the linear approximation.
    target : str, optional
        brian2 code-generation target.
    progress : bool
        Progress bar of direct simulation.
    seed : int
        Seed of the random choice of ``sites=N``.
    workers : int
        Direct simulation: worker processes running the sites in batches
        (default 1; see :func:`direct_epsp`); the map is identical for any
        number.  Ignored by the kernel method (one simulation).
    **kinetics
        ``tau_rise``, ``tau_decay`` (ms), ``E`` (mV) of the AMPA/current
        synapse (``ampa_`` prefix optional), ``nmda_tau_rise``,
        ``nmda_tau_decay``, ``nmda_E``, ``nmda_Mg`` (mM).

    Returns
    -------
    EpspMap

    Raises
    ------
    ParameterError, RegionError, UnitError
        Unknown synapse, negative weight, a site selection that matches nothing,
        ``workers`` not an integer >= 1.
    UnsupportedError
        The kernel method on an active cell.
    """
    import pandas as pd

    from ..placement import SiteTable

    ampa, nmda = synapse_parameters(synapse, weight, nmda_ratio, kinetics)
    duration = float(to_plain(duration, "ms", "duration", error=UnitError))
    if not duration > 2 * model.dt:
        raise ParameterError(f"duration={duration} ms must be > 2 dt.")
    from .runner import check_workers

    workers = check_workers(workers)
    rows = _site_rows(model, sites, seed)
    if method not in ("auto", "kernel", "direct"):
        raise ParameterError(f"method={method!r} must be 'auto', 'kernel' or 'direct'.")
    if method == "auto":
        method = "kernel" if is_passive(model) and synapse != "ampa+nmda" else "direct"
    if method == "kernel":
        if not is_passive(model):
            raise UnsupportedError(
                f"the kernel method needs a passive cell; this one has mechanisms "
                f"{list(model.mechanisms)}: use method='direct'.")
        t, local, soma = _kernel_responses(model, rows, synapse, ampa, nmda, duration,
                                           correct=correct)
    else:
        t, local, soma = direct_epsp(model, rows, synapse, weight=ampa["weight"],
                                     nmda_ratio=nmda_ratio, duration=duration, target=target,
                                     progress=progress, workers=workers, **kinetics)
    m_soma = trace_metrics(t, soma)
    m_loc = trace_metrics(t, local)
    frame = SiteTable.from_compartments(model.compartments, rows).frame.drop(
        columns=["synapse", "offset_um"])
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = frame.assign(
            local_peak_mV=m_loc["peak"], soma_peak_mV=m_soma["peak"],
            attenuation=m_soma["peak"] / m_loc["peak"], latency_ms=m_soma["t_peak"],
            rise_time_ms=m_soma["rise_time"], half_width_ms=m_soma["half_width"],
            local_latency_ms=m_loc["t_peak"], local_rise_time_ms=m_loc["rise_time"],
            local_half_width_ms=m_loc["half_width"])
    frame = pd.DataFrame(frame)[list(MAP_COLUMNS)]
    params = {"synapse": synapse, "method": method, "weight_nS": ampa["weight"],
              "nmda_ratio": float(nmda_ratio), "duration_ms": duration,
              "correct": bool(correct), "ampa": {k: v for k, v in ampa.items()},
              "nmda": {k: v for k, v in nmda.items()}}
    if np.any(~np.isfinite(m_soma["half_width"])):
        warnings.warn(f"{int(np.sum(~np.isfinite(m_soma['half_width'])))} somatic EPSPs do not "
                      f"decay to half their peak within duration={duration} ms (half_width_ms is "
                      "NaN there); lengthen the window.", DendriteWarning, stacklevel=2)
    return EpspMap(frame, t, local, soma, model.discretisation, params)
