"""Afferent drive of the network, generated inside brian2.

Three ways to feed a population from an afferent population ``aff``:

* :func:`construct_feedforward_input` (the original project's semantics): each cell
  of the target receives its own Poisson input of rate ``p_<aff>_<target> *
  N_<aff> * nu(t)`` through the weight ``Q_<aff>_<target>``.  Inputs of different
  cells, and of different drives, are independent.  It is generated inside brian2
  by *time rescaling*: each cell integrates its input rate, ``dLambda/dt = p N
  nu(t)`` (piecewise constant over a step, so Euler is exact), and receives an event
  when ``Lambda`` reaches ``Enext ~ Exp(1)``, a brian2 custom event.  Then it
  receives ``1 + Poisson(Lambda - Enext)`` events in that step (the rest of the
  step's rescaled time), ``Lambda`` restarts at 0 and a new ``Enext ~ Exp(1)`` is
  drawn (memorylessness).  The counts per cell and step are exactly independent
  ``Poisson(p N nu dt)``, as a ``poisson()`` draw per cell and step would give, but
  random numbers are drawn only on events (about 0.3 per cell and step instead of
  1.1 here), which makes the seed example's loop 30 % faster.  The rate lives in a
  ``TimedArray`` (data, not code), so nothing recompiles when it changes.  The
  original implementation built the drive in a Python loop (about 180 s for the
  seed's 1.5 s example).
* ``shared=True``: the afferent population is simulated explicitly as a
  ``PoissonGroup`` of ``N_<aff>`` cells firing at ``nu(t)``, projecting with fixed
  in-degree ``round(p N)``: cells then share inputs and their inputs are correlated.
  The same group serves every target of the afferent population.
* :func:`add_spikes`: given spikes delivered to given target cells.

In all three, the Model's optional ``psyn_<aff>_<target>`` (release probability)
and ``delay_<aff>_<target>`` (ms) apply: for the independent drive as an exact
thinning of the Poisson input (``lambda -> psyn lambda``) and a shift of the rate
waveform by ``round(delay/dt)`` steps (no input before the delay has elapsed, as
for the explicit afferent cells, whose spikes start at t = 0).
"""

from __future__ import annotations

import numpy as np

from .build import _b2, _cell_indices, _check_pops, _synapses, check_not_run, connect
from .connectivity import fixed_indegree
from .errors import ModelKeyError, ModelValueError
from .model import check_seed, get, plain_array, seed_sequence

__all__ = ["construct_feedforward_input", "add_spikes"]


def _rate_on_grid(NTWK, t_array, rate_array, what):
    """Validate a rate waveform and return it on the simulation grid (Hz)."""
    t = plain_array(t_array, f"{what}: t_array", "ms")
    r = plain_array(rate_array, f"{what}: rate_array", "Hz")
    if t.ndim != 1 or r.shape != t.shape:
        hint = " (a constant rate is an array too: numpy.full_like(t_array, rate))" if r.ndim == 0 else ""
        raise ModelValueError(
            f"{what}: t_array and rate_array must be 1-D of equal length, got {t.shape} and "
            f"{r.shape}{hint}."
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
        step = f"{float(t[1] - t[0]):g} ms" if len(t) > 1 else "undefined"
        raise ModelValueError(
            f"{what}: t_array must be the simulation grid 0, dt, 2 dt... with dt = {dt} ms (it starts at "
            f"{float(t[0]) if len(t) else float('nan'):g} ms with step {step}); use "
            f"network.arange(int(round(tstop/dt)))*dt and sample the rate on it."
        )
    if len(t) < n:
        raise ModelValueError(
            f"{what}: rate_array has {len(t)} samples ({len(t) * dt:g} ms) but the run has {n} steps "
            f"(tstop = {tstop:g} ms); extend it to the whole run (note that int(tstop/dt) rounds down "
            f"when tstop/dt = {tstop / dt!r}: use int(round(tstop/dt)))."
        )
    return r[:n]


def _new_tag(NTWK, base):
    """``base``, or ``base_1``, ``base_2``... if a drive of that name already exists."""
    k = 0
    while f"afferent_{base}" + (f"_{k}" if k else "") in NTWK["SEEDS"]:
        k += 1
    return base + (f"_{k}" if k else "")


def _padded(values):
    """``values`` padded with its last value to the next power-of-two length.

    brian2 writes a TimedArray's length (and dt) into the generated code, so a new
    ``tstop`` would recompile the drive.  Padding makes the length change only when
    the number of steps crosses a power of two; the padding lies after ``tstop`` and
    is never read.
    """
    n = len(values)
    size = 1 << max(n - 1, 0).bit_length()
    return np.concatenate([values, np.full(size - n, values[-1] if n else 0.0)])


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
        Seed of this drive (>= 0), stored in ``NTWK['SEEDS']['afferent_<aff>_<target>']``.
        The Poisson events are drawn by brian2's generator, seeded at run time from
        all the seeds of ``NTWK['SEEDS']`` (:func:`network.run.brian_seed`): the same
        seeds give the same spikes, another SEED other spikes.  Two drives draw
        different numbers from that generator, so they are independent even with
        the same SEED.  For ``shared=True`` it also seeds the projection onto
        ``target``, through ``SeedSequence([SEED, crc32(afferent), crc32(target)])``
        (plus the crc32 of the drive's tag for a repeated drive onto one target).
    shared : bool
        Simulate the afferent cells explicitly (shared, correlated inputs).
    verbose : bool

    Returns
    -------
    brian2 object
        The ``TimedArray`` of the input rate per cell (independent drive; Hz, the
        sum of every drive onto these cells from this afferent) or the ``Synapses``
        from the ``PoissonGroup`` (``shared=True``).

    Raises
    ------
    ModelKeyError
        Unknown population, ``target`` not simulated, ``afferent`` not afferent, or
        a missing ``p_``/``Q_``/``N_`` key.
    ModelValueError
        No or a bad SEED, a rate that is negative, not finite, given as a brian2
        Quantity or not on the simulation grid; with ``shared=True``, ``nu dt > 1``.

    Notes
    -----
    Calling it twice for the same (target, afferent) adds the two drives.  The
    independent drive is exact for any rate (Poisson counts per cell and step);
    the explicit afferent cells of ``shared=True`` spike at most once per
    step (Bernoulli with probability ``nu dt``: same mean, variance lower by the
    factor ``1 - nu dt``).
    """
    b2 = _b2()
    check_not_run(NTWK, "construct_feedforward_input()")
    _check_pops(NTWK, [target, afferent], "construct_feedforward_input()")
    if target not in NTWK["NEURONS"]:
        raise ModelKeyError(f"target {target!r} is not a simulated population ({NTWK['POPULATIONS']}).")
    if afferent not in NTWK["AFFERENT_POPULATIONS"]:
        raise ModelKeyError(f"{afferent!r} is not an afferent population ({NTWK['AFFERENT_POPULATIONS']}); "
                            f"simulated populations connect through network.build.")
    if SEED is None:
        raise ModelValueError("construct_feedforward_input needs a SEED (int) for reproducibility.")
    SEED = check_seed(SEED)
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
    tag = _new_tag(NTWK, f"{afferent}_{target}")
    G = NTWK["NEURONS"][target]
    if not shared:
        # rate of input events per cell (Hz): thinned by the release probability,
        # shifted by the delay; drives onto the same cells add (superposition)
        events = p * N_aff * rate * float(Model.get(f"psyn_{afferent}_{target}", 1.0))
        shift = int(round(float(Model.get(f"delay_{afferent}_{target}", 0.0)) / dt))
        if shift:
            events = np.concatenate([np.zeros(min(shift, events.size)), events[:max(events.size - shift, 0)]])
        drives = NTWK.setdefault("DRIVE_RATES", {})
        drives[key] = drives.get(key, 0.0) + events
        NTWK["AFFERENT_RATES"][key] = NTWK["AFFERENT_RATES"].get(key, 0.0) + rate
        NTWK["SEEDS"][f"afferent_{tag}"] = SEED
        array = b2.TimedArray(_padded(drives[key]) * b2.Hz, dt=dt * b2.ms, name=f"rate_{tag}")
        G.namespace[f"rate_{afferent}"] = array
        if verbose:
            print(f"[network] {what}: independent Poisson drive, p*N = {p * N_aff:g} inputs per cell")
        return array
    if N_aff < 1:
        raise ModelValueError(f"{what}: shared=True simulates the N_{afferent} = {N_aff:g} afferent cells; "
                              f"it needs at least one.")
    if rate.max() * dt * 1e-3 > 1:
        k = int(np.argmax(rate))
        raise ModelValueError(
            f"{what}: rate_array[{k}] = {rate[k]:g} Hz gives a spike probability nu dt = "
            f"{rate[k] * dt * 1e-3:g} > 1 per step for the explicit afferent cells (brian2's "
            f"PoissonGroup draws at most one spike per step); lower the rate or dt."
        )
    groups = NTWK.setdefault("AFFERENT_GROUPS", {})
    if afferent in groups:  # one explicit population, shared by all its targets
        P, rate0 = groups[afferent]
        if not np.array_equal(rate0, rate):
            raise ModelValueError(
                f"{what}: the shared afferent population {afferent!r} already fires at another "
                f"rate; one explicit population has one rate (use another afferent name)."
            )
    else:
        nu = b2.TimedArray(_padded(rate) * b2.Hz, dt=dt * b2.ms, name=f"nu_{afferent}")
        P = b2.PoissonGroup(int(N_aff), rates=f"nu_{afferent}(t)", namespace={f"nu_{afferent}": nu},
                            name=f"aff_{afferent}")
        groups[afferent] = (P, rate)
        NTWK["OBJECTS"].append(P)
        if NTWK.get("RECORD", {}).get("raster"):  # its spikes, like the simulated populations'
            NTWK["RASTER"][afferent] = b2.SpikeMonitor(P, name=f"raster_{afferent}")
            NTWK["OBJECTS"].append(NTWK["RASTER"][afferent])
    NTWK["AFFERENT_RATES"][key] = NTWK["AFFERENT_RATES"].get(key, 0.0) + rate
    NTWK["SEEDS"][f"afferent_{tag}"] = SEED
    # the projection onto each target has its own stream: with one SEED for two
    # targets, cell k of each would otherwise receive exactly the same afferents
    # (a repeated drive onto the same target adds its tag, e.g. 'AffExc_Exc_1')
    labels = (afferent, target) if tag == f"{afferent}_{target}" else (afferent, target, tag)
    i, j = fixed_indegree(N_aff, len(G), p, np.random.default_rng(seed_sequence(SEED, *labels)))
    S = connect(NTWK, afferent, target, i, j, source=P, name=f"syn_{tag}")
    if verbose:
        print(f"[network] {what}: {int(N_aff)} shared Poisson cells, {len(i)} synapses")
    return S


def add_spikes(NTWK, target, afferent, indices, times=None):
    """Deliver given spikes to given cells of ``target`` through the ``afferent`` conductance.

    Parameters
    ----------
    NTWK : dict
    target, afferent : str
        The spike ``k`` increments ``Gsyn_<afferent>`` of cell ``indices[k]`` of
        ``target`` by ``Q_<afferent>_<target>`` at ``times[k]`` (plus
        ``delay_<afferent>_<target>``, transmitted with probability
        ``psyn_<afferent>_<target>`` when these keys are in the Model).
    indices : array_like of int, or stimuli.SpikeTrains
        Target cell of each spike, or a ``SpikeTrains`` (source ``k`` -> cell ``k``)
        with ``times=None``.
    times : array_like of float, optional
        Spike times in ms (plain numbers), in ``[0, tstop)``.

    Returns
    -------
    brian2.Synapses
        Stored in ``NTWK['CONNECTIONS'][('extra_<afferent>_<target>_<n>', target)]``.

    Raises
    ------
    ModelValueError
        Indices out of range, times outside the run or given as brian2 Quantities,
        or two spikes hitting the same cell within one time step (brian2's
        SpikeGeneratorGroup cannot represent it): merge them or use a smaller dt.
    """
    b2 = _b2()
    if times is None and hasattr(indices, "times"):
        indices, times = indices.indices, indices.times
    check_not_run(NTWK, "add_spikes()")
    _check_pops(NTWK, [target, afferent], "add_spikes()")
    if afferent not in NTWK["PRESYNAPTIC"].get(target, []):
        raise ModelKeyError(f"add_spikes: population {target!r} has no conductance for {afferent!r}; "
                            f"add 'Q_{afferent}_{target}' to the Model before building populations.")
    G = NTWK["NEURONS"][target]
    if times is None:
        raise ModelValueError("add_spikes: give the spike times (ms), or a stimuli.SpikeTrains as indices.")
    idx = _cell_indices(indices, len(G), f"add_spikes: indices (cells of {target!r})")
    t = plain_array(times, "add_spikes: times", "ms")
    if idx.shape != t.shape:
        raise ModelValueError(f"add_spikes: indices and times must be 1-D of equal length, got {idx.shape} "
                              f"and {t.shape}.")
    dt, tstop = NTWK["dt"], NTWK["tstop"]
    bad = ~np.isfinite(t) | (t < 0) | (t >= tstop)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ModelValueError(f"add_spikes: times[{k}] = {float(t[k]):g} ms is outside the run [0, {tstop:g}) ms; "
                              f"drop or shift the spikes (times are plain numbers in ms).")
    step = np.floor((t + 1e-3 * dt) / dt).astype(np.int64)  # brian2's binning
    order = np.lexsort((step, idx))
    dup = (np.diff(idx[order]) == 0) & (np.diff(step[order]) == 0)
    if dup.any():
        k = order[np.flatnonzero(dup)[0]]
        raise ModelValueError(
            f"add_spikes: two spikes for cell {idx[k]} of {target!r} within one time step "
            f"near t = {t[k]} ms; merge them (e.g. a larger weight) or use a smaller dt."
        )
    n = 0
    while (f"extra_{afferent}_{target}_{n}", target) in NTWK["CONNECTIONS"]:
        n += 1
    tag = f"extra_{afferent}_{target}_{n}"
    src = b2.SpikeGeneratorGroup(len(G), idx, t * b2.ms, name=f"gen_{tag}")
    NTWK["OBJECTS"].append(src)
    cells = np.arange(len(G))
    S = _synapses(NTWK, afferent, target, src, cells, cells, name=f"syn_{tag}")
    NTWK["CONNECTIONS"][(tag, target)] = S
    return S
