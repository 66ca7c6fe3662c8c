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

import warnings

import numpy as np

from .build import check_not_run, check_population, connect, make_synapses
from .connectivity import fixed_indegree
from .core import UNSET, as_network, brian2, cell_indices, n_steps, plain, resolve_seed
from .errors import ModelKeyError, ModelValueError, TimeGridWarning
from .model import get, seed_sequence

__all__ = ["construct_feedforward_input", "add_spikes", "spikes_through_fixed_afference", "current_pulses"]

_b2 = brian2
_check_pops = check_population
_cell_indices = cell_indices
_synapses = make_synapses


def _rate_on_grid(NTWK, t_array, rate_array, what):
    """Validate a rate waveform and return it on the simulation grid (Hz)."""
    t = np.asarray(plain(t_array, "ms", f"{what}: t_array"), dtype=np.float64)
    r = np.asarray(plain(rate_array, "Hz", f"{what}: rate_array"), dtype=np.float64)
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
    n = n_steps(dt, tstop)
    on_grid = len(t) >= 1 and abs(t[0]) <= 1e-9 * max(1, dt) and (
        len(t) == 1 or np.allclose(np.diff(t), dt, rtol=1e-6, atol=1e-9))
    if not on_grid:
        step = f"{float(t[1] - t[0]):g} ms" if len(t) > 1 else "undefined"
        raise ModelValueError(
            f"{what}: t_array must be the simulation grid 0, dt, 2 dt... with dt = {dt} ms (it starts at "
            f"{float(t[0]) if len(t) else float('nan'):g} ms with step {step}); use "
            f"network.time_array(Model) and sample the rate on it."
        )
    if len(t) == n - 1 and int(tstop / dt) == n - 1:
        # the seed's idiom arange(int(tstop/dt))*dt, where tstop/dt falls just below n
        warnings.warn(
            f"{what}: t_array has {len(t)} samples but the run has {n} steps (tstop/dt = {tstop / dt!r}: "
            f"int(tstop/dt) rounded down); the rate is held at its last value for the last step. Use "
            f"network.time_array(Model) for the exact grid.", TimeGridWarning, stacklevel=3)
        r = np.append(r, r[-1])
    elif len(t) < n:
        raise ModelValueError(
            f"{what}: rate_array has {len(t)} samples ({len(t) * dt:g} ms) but the run has {n} steps "
            f"(tstop = {tstop:g} ms); extend it to the whole run (network.time_array(Model) is the grid)."
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


def construct_feedforward_input(NTWK, target, afferent, t_array, rate_array, SEED=UNSET,
                                shared=False, verbose=False, seed=UNSET):
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
    t_array : array_like or Quantity
        The simulation time grid (ms), :func:`network.time_array` ``(Model)``.  The
        seed's ``arange(int(tstop/dt))*dt`` is accepted too: where ``tstop/dt``
        falls just below a whole number it is one sample short, and the rate is
        held for the last step (with a :class:`network.TimeGridWarning`).
    rate_array : array_like or Quantity
        Rate of each afferent cell (Hz) on ``t_array``.
    SEED : int
        Seed of this drive (>= 0; ``seed`` is the same argument), stored in ``NTWK['SEEDS']['afferent_<aff>_<target>']``.
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
    seed : int, optional
        Same as ``SEED`` (the toolkit's name).

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
    UnitError
        Times or rates of the wrong dimension.
    ModelValueError
        No or a bad seed, a rate that is negative, not finite or not on the
        simulation grid; with ``shared=True``, ``nu dt > 1``.

    Notes
    -----
    Calling it twice for the same (target, afferent) adds the two drives.  The
    independent drive is exact for any rate (Poisson counts per cell and step);
    the explicit afferent cells of ``shared=True`` spike at most once per
    step (Bernoulli with probability ``nu dt``: same mean, variance lower by the
    factor ``1 - nu dt``).
    """
    NTWK = as_network(NTWK, "construct_feedforward_input()")
    b2 = _b2()
    check_not_run(NTWK, "construct_feedforward_input()")
    _check_pops(NTWK, [target, afferent], "construct_feedforward_input()")
    if target not in NTWK["NEURONS"]:
        raise ModelKeyError(f"target {target!r} is not a simulated population ({NTWK['POPULATIONS']}).")
    if afferent not in NTWK["AFFERENT_POPULATIONS"]:
        raise ModelKeyError(f"{afferent!r} is not an afferent population ({NTWK['AFFERENT_POPULATIONS']}); "
                            f"simulated populations connect through network.build.")
    SEED = resolve_seed(seed, SEED, "construct_feedforward_input()")
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
        drives = NTWK.drive_rates
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
    groups = NTWK.afferent_groups
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
                            name=f"aff_{afferent}", clock=NTWK.clock)
        groups[afferent] = (P, rate)
        NTWK["OBJECTS"].append(P)
        if NTWK.record_raster:  # its spikes, like the simulated populations'
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
    times : array_like of float or Quantity, optional
        Spike times (ms), in ``[0, tstop)``.

    Returns
    -------
    brian2.Synapses
        Stored in ``NTWK['CONNECTIONS'][('extra_<afferent>_<target>_<n>', target)]``.

    Raises
    ------
    UnitError
        Times of the wrong dimension.
    ModelValueError
        Indices out of range, times outside the run, or two spikes hitting the
        same cell within one time step (brian2's SpikeGeneratorGroup cannot
        represent it): merge them or use a smaller dt.
    """
    NTWK = as_network(NTWK, "add_spikes()")
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
    t = np.atleast_1d(np.asarray(plain(times, "ms", "add_spikes: times"), dtype=np.float64))
    if idx.shape != t.shape:
        raise ModelValueError(f"add_spikes: indices and times must be 1-D of equal length, got {idx.shape} "
                              f"and {t.shape}.")
    dt, tstop = NTWK["dt"], NTWK["tstop"]
    bad = ~np.isfinite(t) | (t < 0) | (t >= tstop)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ModelValueError(f"add_spikes: times[{k}] = {float(t[k]):g} ms is outside the run [0, {tstop:g}) ms; "
                              f"drop or shift the spikes.")
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
    src = b2.SpikeGeneratorGroup(len(G), idx, t * b2.ms, name=f"gen_{tag}", clock=NTWK.clock)
    NTWK["OBJECTS"].append(src)
    cells = np.arange(len(G))
    S = _synapses(NTWK, afferent, target, src, cells, cells, name=f"syn_{tag}")
    NTWK["CONNECTIONS"][(tag, target)] = S
    return S


def _event_times(NTWK, times, what):
    """Times (ms or Quantity) as float64 ms, checked inside the run ``[0, tstop)``."""
    t = np.atleast_1d(np.asarray(plain(times, "ms", f"{what}: times"), dtype=np.float64))
    if t.ndim != 1:
        raise ModelValueError(f"{what}: times must be 1-D, got shape {t.shape}.")
    tstop = NTWK["tstop"]
    bad = ~np.isfinite(t) | (t < 0) | (t >= tstop)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ModelValueError(f"{what}: times[{k}] = {float(t[k]):g} ms is outside the run [0, {tstop:g}) ms; "
                              f"drop or shift it.")
    return t


def _steps(NTWK, t):
    """brian2's binning of event times onto the network's steps."""
    dt = NTWK["dt"]
    return np.floor((t + 1e-3 * dt) / dt).astype(np.int64)


def spikes_through_fixed_afference(NTWK, targets, afferent, indices, times, seed=UNSET, SEED=UNSET):
    """An explicit spike pattern of the afferent cells, sent through a fixed random projection.

    The ``N_<afferent>`` afferent cells fire the given spikes (``indices[k]`` at
    ``times[k]``).  Each afferent cell projects to ``int(p_<afferent>_<target> *
    N_<target>)`` distinct cells of each target population, drawn with ``seed``
    (the original project's ``build_fixed_afference`` and
    ``additional_spikes_in_terms_of_pre_pop``); a spike increments ``Gsyn_<afferent>``
    of each of its targets by ``Q_<afferent>_<target>`` (with ``psyn``/``delay``
    keys when present).  The matrix is stored in ``NTWK['CONNECTIVITY'][(afferent,
    target)]`` (added to any other projection of the pair).

    Parameters
    ----------
    NTWK : network.Network
    targets : str or list of str
        Simulated population(s) receiving the projection.
    afferent : str
        An afferent population of the network (``N_<afferent>`` sources).
    indices : array_like of int
        Source (afferent cell) of each spike, in ``[0, N_<afferent>)``.
    times : array_like of float or Quantity
        Spike times (ms), in ``[0, tstop)``.
    seed : int
        Seed of the projection; target ``<target>`` draws from
        ``SeedSequence([seed, crc32(afferent), crc32(target), crc32('fixed_afference')])``.
        ``SEED`` is the same argument.

    Returns
    -------
    dict
        ``{target: brian2.Synapses}``.

    Raises
    ------
    ModelKeyError
        Unknown population, ``afferent`` not afferent, a missing ``p_``/``Q_`` key.
    ModelValueError
        Indices out of range, times outside the run, a source firing twice within
        one time step.
    UnitError
        Times of the wrong dimension.
    """
    NTWK = as_network(NTWK, "spikes_through_fixed_afference()")
    what = "spikes_through_fixed_afference()"
    b2 = _b2()
    check_not_run(NTWK, what)
    targets = [targets] if isinstance(targets, str) else list(targets)
    check_population(NTWK, targets + [afferent], what)
    if afferent not in NTWK["AFFERENT_POPULATIONS"]:
        raise ModelKeyError(f"{what}: {afferent!r} is not an afferent population ({NTWK['AFFERENT_POPULATIONS']}).")
    Model = NTWK["Model"]
    for target in targets:
        if target not in NTWK["NEURONS"]:
            raise ModelKeyError(f"{what}: target {target!r} is not a simulated population ({NTWK['POPULATIONS']}).")
        get(Model, f"p_{afferent}_{target}", f"{what} {afferent}->{target}")
        if afferent not in NTWK["PRESYNAPTIC"][target]:
            raise ModelKeyError(f"{what}: population {target!r} has no conductance for {afferent!r}; add "
                                f"'Q_{afferent}_{target}' to the Model before building populations.")
    seed = resolve_seed(seed, SEED, what)
    N_aff = int(get(Model, f"N_{afferent}", what))
    idx = _cell_indices(np.atleast_1d(indices), N_aff, f"{what}: indices (cells of {afferent!r})")
    t = _event_times(NTWK, times, what)
    if idx.shape != t.shape:
        raise ModelValueError(f"{what}: indices and times must be 1-D of equal length, got {idx.shape} and {t.shape}.")
    step = _steps(NTWK, t)
    order = np.lexsort((step, idx))
    dup = (np.diff(idx[order]) == 0) & (np.diff(step[order]) == 0)
    if dup.any():
        k = order[np.flatnonzero(dup)[0]]
        raise ModelValueError(f"{what}: afferent cell {idx[k]} fires twice within one time step near t = "
                              f"{t[k]:g} ms; merge the spikes or use a smaller dt.")
    n = 0
    while f"fixed_afference_{afferent}_{n}" in NTWK["SEEDS"]:
        n += 1
    tag = f"fixed_afference_{afferent}_{n}"
    NTWK["SEEDS"][tag] = seed
    src = b2.SpikeGeneratorGroup(N_aff, idx, t * b2.ms, name=f"gen_{tag}", clock=NTWK.clock)
    NTWK["OBJECTS"].append(src)
    out = {}
    for target in targets:
        N_t = len(NTWK["NEURONS"][target])
        K = int(float(Model[f"p_{afferent}_{target}"]) * N_t)
        rng = np.random.default_rng(seed_sequence(seed, afferent, target, "fixed_afference"))
        # each source draws K distinct targets: fixed_indegree with the roles swapped
        tgt, source = fixed_indegree(N_t, N_aff, K / N_t if N_t else 0.0, rng)
        out[target] = connect(NTWK, afferent, target, source, tgt, source=src, name=f"syn_{tag}_{target}")
    return out


def current_pulses(NTWK, pop, cells, starts, durations, amplitudes):
    """Rectangular current steps on chosen cells at scheduled times, inside brian2.

    Pulse ``k`` adds ``amplitudes[k]`` to the injected current ``Ipulse`` of cell
    ``cells[k]`` of ``pop`` for the steps whose start lies in ``[starts[k],
    starts[k] + durations[k])`` (times rounded to the grid as brian2 bins spikes).
    Pulses may overlap (they add).  The switching is done by spike events of a
    ``SpikeGeneratorGroup`` scheduled before the state update of the step, so there
    is no Python callback and it works in ``cpp_standalone`` too.

    Parameters
    ----------
    NTWK : network.Network
    pop : str
        A simulated population.
    cells : array_like of int
        Cell of each pulse (broadcast with the other arguments).
    starts, durations : array_like of float or Quantity
        ms; a pulse ending after ``tstop`` is cut there.
    amplitudes : array_like of float or Quantity
        pA (negative: hyperpolarising).

    Returns
    -------
    brian2.Synapses
        The switching synapses (one per pulse edge).

    Raises
    ------
    ModelKeyError
        ``pop`` not simulated.
    ModelValueError
        Cells out of range, starts outside the run, negative durations, shapes that
        do not broadcast.
    UnitError
        Values of the wrong dimension.
    """
    NTWK = as_network(NTWK, "current_pulses()")
    what = "current_pulses()"
    b2 = _b2()
    check_not_run(NTWK, what)
    check_population(NTWK, [pop], what)
    if pop not in NTWK["NEURONS"]:
        raise ModelKeyError(f"{what}: {pop!r} is not a simulated population ({NTWK['POPULATIONS']}).")
    G = NTWK["NEURONS"][pop]
    starts = np.asarray(plain(starts, "ms", f"{what}: starts"), dtype=np.float64)
    durations = np.asarray(plain(durations, "ms", f"{what}: durations"), dtype=np.float64)
    amplitudes = np.asarray(plain(amplitudes, "pA", f"{what}: amplitudes"), dtype=np.float64)
    if hasattr(cells, "dim"):
        _cell_indices(cells, len(G), f"{what}: cells")
    try:
        c, s0, d, a = np.broadcast_arrays(np.atleast_1d(np.asarray(cells)), np.atleast_1d(starts),
                                          np.atleast_1d(durations), np.atleast_1d(amplitudes))
    except ValueError:
        raise ModelValueError(f"{what}: cells, starts, durations and amplitudes must broadcast to one shape, "
                              f"got {np.shape(cells)}, {starts.shape}, {durations.shape}, {amplitudes.shape}.") from None
    c = _cell_indices(c.ravel(), len(G), f"{what}: cells (of {pop!r})")
    s0, d, a = s0.ravel(), d.ravel(), a.ravel()
    _event_times(NTWK, s0, what)
    if np.any(~np.isfinite(d) | (d < 0)) or np.any(~np.isfinite(a)):
        raise ModelValueError(f"{what}: durations must be finite and >= 0 ms and amplitudes finite (pA).")
    dt, n_total = NTWK["dt"], NTWK.n_steps
    on, off = _steps(NTWK, s0), np.minimum(_steps(NTWK, s0 + d), n_total)
    keep = off > on
    c, a, on, off = c[keep], a[keep], on[keep], off[keep]
    edges_cell = np.concatenate([c, c])
    edges_step = np.concatenate([on, off])
    edges_amp = np.concatenate([a, -a])
    inside = edges_step < n_total  # a pulse running to tstop needs no switch-off
    edges_cell, edges_step, edges_amp = edges_cell[inside], edges_step[inside], edges_amp[inside]
    n = 0
    while f"gen_pulses_{pop}_{n}" in {o.name for o in NTWK["OBJECTS"]}:
        n += 1
    tag = f"pulses_{pop}_{n}"
    m = len(edges_cell)
    # one source per edge: each fires once, at the start of its step, before the state update
    src = b2.SpikeGeneratorGroup(max(m, 1), np.arange(m), edges_step * dt * b2.ms, name=f"gen_{tag}",
                                 clock=NTWK.clock, when="start", order=-2)
    S = b2.Synapses(src, G, model="dI : amp (constant)", on_pre="Ipulse_post += dI", namespace={},
                    name=f"syn_{tag}", clock=NTWK.clock)
    if m:
        S.connect(i=np.arange(m), j=edges_cell)
        S.dI = edges_amp * b2.pA
    else:
        S.connect(False)
    S.pre.when, S.pre.order = "start", -1
    NTWK["OBJECTS"] += [src, S]
    return S
