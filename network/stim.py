"""Afferent drive of the network, generated inside brian2.

Three ways to feed a population from an afferent population ``aff``:

* :func:`construct_feedforward_input` (the original project's semantics): each cell
  of the target receives its own Poisson input of rate ``p_<aff>_<target> *
  N_<aff> * nu(t)`` through the weight ``Q_<aff>_<target>``.  Inputs of different
  cells are independent.  At every step each cell gets ``poisson(lambda(t))`` events
  with ``lambda = p N nu(t) dt`` from brian2's random generator; the rate lives in a
  ``TimedArray`` (data, not code), so nothing recompiles when it changes.  The
  original implementation built this in a Python loop (about 180 s for the seed's
  1.5 s example); here it costs one vectorised operation per step.
* ``shared=True``: the afferent population is simulated explicitly as a
  ``PoissonGroup`` of ``N_<aff>`` cells firing at ``nu(t)``, projecting with fixed
  in-degree ``round(p N)``: cells then share inputs and their inputs are correlated.
* :func:`add_spikes`: given spikes delivered to given target cells.
"""

from __future__ import annotations

import numpy as np

from .build import _check_pops, connect
from .connectivity import fixed_indegree
from .errors import ModelKeyError, ModelValueError
from .model import get

__all__ = ["construct_feedforward_input", "add_spikes"]


def _rate_on_grid(NTWK, t_array, rate_array, what):
    """Validate a rate waveform and return it on the simulation grid (Hz)."""
    t = np.asarray(t_array, dtype=np.float64)
    r = np.asarray(rate_array, dtype=np.float64)
    if t.ndim != 1 or r.shape != t.shape:
        raise ModelValueError(
            f"{what}: t_array and rate_array must be 1-D of equal length, got {t.shape} and {r.shape}."
        )
    bad = ~np.isfinite(r) | (r < 0)
    if bad.any():
        k = np.flatnonzero(bad)[0]
        raise ModelValueError(
            f"{what}: rate_array[{k}] = {float(r[k])!r} Hz at t = {float(t[k]):g} ms; rates must be finite and >= 0."
        )
    dt, tstop = NTWK["dt"], NTWK["tstop"]
    n = int(round(tstop / dt))
    if len(t) < 2 or not np.allclose(np.diff(t), dt, rtol=1e-6, atol=1e-9) or abs(t[0]) > 1e-9 * max(1, dt):
        raise ModelValueError(
            f"{what}: t_array must be the simulation grid 0, dt, 2 dt... with dt = {dt} ms "
            f"(e.g. network.arange(int(tstop/dt))*dt)."
        )
    if len(t) < n:
        raise ModelValueError(
            f"{what}: rate_array covers {len(t) * dt} ms but tstop = {tstop} ms; extend it to the whole run."
        )
    return r[:n]


def construct_feedforward_input(NTWK, target, afferent, t_array, rate_array, SEED=None,
                                shared=False, verbose=False):
    """Drive population ``target`` with afferent population ``afferent`` at rate ``nu(t)``.

    Parameters
    ----------
    NTWK : dict
        From :func:`network.build.populations`.
    target : str
        Simulated population receiving the input.
    afferent : str
        Afferent population (``N_<afferent>``, ``p_<afferent>_<target>``,
        ``Q_<afferent>_<target>`` must be in the Model).
    t_array : array_like
        The simulation time grid (ms), ``arange(int(tstop/dt))*dt``.
    rate_array : array_like
        Rate of each afferent cell (Hz) on ``t_array``.
    SEED : int
        Seed of this drive.  The Poisson events are drawn by brian2's generator,
        seeded at run time from all the seeds of ``NTWK['SEEDS']``; the same seeds
        give the same spikes.  For ``shared=True`` it also seeds the projection.
    shared : bool
        Simulate the afferent cells explicitly (shared, correlated inputs).
    verbose : bool

    Notes
    -----
    Calling it twice for the same (target, afferent) adds the two drives.
    """
    b2 = __import__("brian2")
    _check_pops(NTWK, [target, afferent], "construct_feedforward_input()")
    if target not in NTWK["NEURONS"]:
        raise ModelKeyError(f"target {target!r} is not a simulated population ({NTWK['POPULATIONS']}).")
    if SEED is None:
        raise ModelValueError("construct_feedforward_input needs a SEED (int) for reproducibility.")
    Model = NTWK["Model"]
    what = f"afferent {afferent}->{target}"
    p = get(Model, f"p_{afferent}_{target}", what)
    N_aff = get(Model, f"N_{afferent}", what)
    get(Model, f"Q_{afferent}_{target}", what)
    if afferent not in NTWK["PRESYNAPTIC"][target]:
        raise ModelKeyError(f"{what}: population {target!r} has no conductance for {afferent!r}; "
                            f"add 'Q_{afferent}_{target}' before building populations.")
    rate = _rate_on_grid(NTWK, t_array, rate_array, what)
    dt = NTWK["dt"]
    key = (afferent, target)
    NTWK["AFFERENT_RATES"][key] = NTWK["AFFERENT_RATES"].get(key, 0.0) + rate
    k = sum(1 for s in NTWK["SEEDS"] if s.startswith(f"afferent_{afferent}_{target}"))
    tag = f"{afferent}_{target}" + (f"_{k}" if k else "")
    NTWK["SEEDS"][f"afferent_{tag}"] = int(SEED)
    G = NTWK["NEURONS"][target]
    if not shared:
        lam = b2.TimedArray(p * N_aff * rate * dt * 1e-3, dt=dt * b2.ms, name=f"lam_{tag}")
        G.namespace[f"lam_{tag}"] = lam
        op = G.run_regularly(f"Gsyn_{afferent} += Q_{afferent}*poisson(lam_{tag}(t))",
                             when="synapses", name=f"drive_{tag}")
        NTWK["OBJECTS"].append(op)
        if verbose:
            print(f"[network] {what}: independent Poisson drive, p*N = {p * N_aff:g} inputs per cell")
        return op
    groups = NTWK.setdefault("AFFERENT_GROUPS", {})
    if afferent in groups:  # one explicit population, shared by all its targets
        P, rate0 = groups[afferent]
        if not np.array_equal(rate0, rate):
            raise ModelValueError(
                f"{what}: the shared afferent population {afferent!r} already fires at another "
                f"rate; one explicit population has one rate (use another afferent name)."
            )
    else:
        nu = b2.TimedArray(rate * b2.Hz, dt=dt * b2.ms, name=f"nu_{afferent}")
        P = b2.PoissonGroup(int(N_aff), rates=f"nu_{afferent}(t)", namespace={f"nu_{afferent}": nu},
                            name=f"aff_{afferent}")
        groups[afferent] = (P, rate)
        NTWK["OBJECTS"].append(P)
    i, j = fixed_indegree(N_aff, len(G), p, SEED)
    S = connect(NTWK, afferent, target, i, j, source=P, name=f"syn_{tag}")
    if verbose:
        print(f"[network] {what}: {int(N_aff)} shared Poisson cells, {len(i)} synapses")
    return S


def add_spikes(NTWK, target, afferent, indices, times):
    """Deliver given spikes to given cells of ``target`` through the ``afferent`` conductance.

    Parameters
    ----------
    target, afferent : str
        The spike ``k`` increments ``Gsyn_<afferent>`` of cell ``indices[k]`` of
        ``target`` by ``Q_<afferent>_<target>`` at ``times[k]``.
    indices : array_like of int
        Target cell of each spike.
    times : array_like of float
        Spike times in ms (or a ``stimuli.SpikeTrains``-like object with
        ``.indices`` and ``.times`` passed as ``indices``, ``times=None``).

    Raises
    ------
    ModelValueError
        If two spikes hit the same cell within one time step (brian2's
        SpikeGeneratorGroup cannot represent it): merge them or use a smaller dt.
    """
    b2 = __import__("brian2")
    if times is None and hasattr(indices, "times"):
        indices, times = indices.indices, indices.times
    _check_pops(NTWK, [target, afferent], "add_spikes()")
    if afferent not in NTWK["PRESYNAPTIC"].get(target, []):
        raise ModelKeyError(f"add_spikes: population {target!r} has no conductance for {afferent!r}; "
                            f"add 'Q_{afferent}_{target}' to the Model before building populations.")
    G = NTWK["NEURONS"][target]
    idx = np.asarray(indices, dtype=np.int64)
    t = np.asarray(times, dtype=np.float64)
    if idx.shape != t.shape or idx.ndim != 1:
        raise ModelValueError("add_spikes: indices and times must be 1-D arrays of equal length.")
    if idx.size and (idx.min() < 0 or idx.max() >= len(G) or t.min() < 0 or not np.all(np.isfinite(t))):
        raise ModelValueError(f"add_spikes: indices must be in [0, {len(G)}) and times finite and >= 0 ms.")
    step = np.floor((t + 1e-3 * NTWK["dt"]) / NTWK["dt"]).astype(np.int64)  # brian2's binning
    order = np.lexsort((step, idx))
    dup = (np.diff(idx[order]) == 0) & (np.diff(step[order]) == 0)
    if dup.any():
        k = order[np.flatnonzero(dup)[0]]
        raise ModelValueError(
            f"add_spikes: two spikes for cell {idx[k]} of {target!r} within one time step "
            f"near t = {t[k]} ms; merge them (e.g. a larger weight) or use a smaller dt."
        )
    n = sum(1 for key in NTWK["CONNECTIONS"] if key[0].startswith(f"extra_{afferent}_{target}"))
    tag = f"extra_{afferent}_{target}_{n}"
    src = b2.SpikeGeneratorGroup(len(G), idx, t * b2.ms, name=f"gen_{tag}")
    NTWK["OBJECTS"].append(src)
    S = b2.Synapses(src, G, on_pre=f"Gsyn_{afferent}_post += Q_{afferent}_post", namespace={},
                    name=f"syn_{tag}")
    S.connect(j="i")
    NTWK["OBJECTS"].append(S)
    NTWK["CONNECTIONS"][(tag, target)] = S
    return S
