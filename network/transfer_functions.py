"""Transfer-function characterisation: single cells under Poisson conductance input, vectorised.

Every grid point of input rates and every seed is one independent cell of a single
brian2 ``NeuronGroup``, run once in its own ``brian2.Network`` with an explicit
``dt``: a 20 x 20 grid with 10 seeds is 4000 cells in one run, not 4000 runs.  Each
cell ``k`` receives, from every input population ``j``, independent Poisson input
of rate ``K_j nu_j(k)`` (``K_j = p_<j>_<pop> N_<j>``, times ``psyn`` if given)
through the conductance ``Q_<j>_<pop>`` of the Model: per time step its conductance
jumps by ``Q_j`` times a Poisson count of mean ``K_j nu_j dt`` (exact for Poisson
trains binned at ``dt``).  The cell is the network's conductance-based AdExp (or
LIF) cell of :mod:`network.build`, with its own adaptation dynamics; the mean
adaptation current ``W`` of each cell over the measurement window is recorded, so
that adapting cells are characterised as a function of ``(nu_e, nu_i, W)`` (di Volo
et al. 2019).  Every parameter (rates, weights, cell parameters, the discarded
transient) is a variable, never a literal in the generated code: another grid or
another cell type of the same structure reuses the compiled code.

The result is a plain data dict, stored in the toolkit's HDF5 format
(:func:`network.hdf5.save_dict_to_hdf5`) with the Model and the grid.
"""

from __future__ import annotations

import time

import numpy as np

from stimuli.arguments import check_count, check_seed, to_plain

from .errors import ModelKeyError, ParameterError, SimulationError, UnitError
from .model import cell_parameters, synaptic_parameters, validate_model

__all__ = ["characterise", "generate", "save", "load", "grid_points", "run_sim"]

_ORIGINAL_KEYS = ("NRN_KEY", "POP_STIM", "N_SEED", "filename", "RATES", "COEFFS")


def _grammar_model(Model):
    """The Model without the original project's characterisation keys (``NRN_KEY``, ``F_<pop>_array``...)."""
    out = {}
    for k, v in Model.items():
        if k in _ORIGINAL_KEYS or (isinstance(k, str) and k.startswith(("F_", "COEFFS_"))):
            continue
        out[k] = v
    return out


def grid_points(rates):
    """All combinations of the rate axes ``{pop: 1-D array (Hz)}``: ``{pop: flat array}``, shape."""
    names = list(rates)
    axes = [np.atleast_1d(np.asarray(rates[n], dtype=float)) for n in names]
    mesh = np.meshgrid(*axes, indexing="ij")
    return {n: m.ravel() for n, m in zip(names, mesh)}, tuple(a.size for a in axes)


def _check_rates(rates, inputs, pop):
    if not isinstance(rates, dict) or not rates:
        raise ParameterError(f"rates must be a dict {{input population: rates in Hz}}, e.g. "
                             f"{{'Exc': np.linspace(0, 20, 20), 'Inh': np.linspace(0, 40, 20)}}; got {rates!r}.")
    out = {}
    for name, values in rates.items():
        if name not in inputs:
            raise ModelKeyError(f"rates names {name!r}, which is not an input of {pop!r}: inputs with "
                                f"Q_<pre>_{pop} and p_<pre>_{pop} keys are {inputs}.")
        arr = np.atleast_1d(to_plain(values, "Hz", f"rates[{name!r}]", error=UnitError)).astype(float)
        if arr.ndim != 1 or arr.size == 0 or np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise ParameterError(f"rates[{name!r}] = {arr.tolist()[:5]}...: give a 1-D array of finite rates >= 0 (Hz).")
        out[name] = arr
    return out


def characterise(Model, pop, rates, n_seeds=1, t_measure=2000.0, t_discard=None, dt=None, seed=1,
                 inputs=None, product=True, verbose=False):
    """Output rate of ``pop`` cells on a grid of input rates, all cells in one brian2 run.

    Parameters
    ----------
    Model : dict
        The Model (seed units); only ``pop``'s cell parameters and the synapses onto
        ``pop`` are used (``N_<pre>``, ``p_<pre>_<pop>``, ``Q_<pre>_<pop>``, the
        synaptic time constants and reversals).
    pop : str
        The characterised population.
    rates : dict
        ``{input population: 1-D array of rates (Hz)}``: the grid is their product
        (one value for an input held constant, e.g. the external drive).  Inputs not
        named receive no input.
    n_seeds : int
        Independent cells per grid point.
    t_measure : float or Quantity
        Measurement window, ms.
    t_discard : float or Quantity, optional
        Transient discarded first, ms (default 200 ms, plus 3 ``tauw`` for adapting cells).
    dt : float or Quantity, optional
        Integration step, ms (default ``Model['dt']``, else 0.1 ms).
    seed : int
        Seed of brian2's random numbers for this run.
    inputs : list of str, optional
        Input populations (default: every population with ``Q_<pre>_<pop>`` and
        ``p_<pre>_<pop>``).
    product : bool
        The grid is the product of the rate arrays (default); with False the arrays
        have one length and list the points (e.g. measured operating points).
    verbose : bool

    Returns
    -------
    dict
        ``Model`` (the grammar keys), ``pop``, ``inputs``, ``grid`` (``{pre: axis}``),
        ``shape``, ``F_<pre>`` (the input rate of every point, Hz), ``Fout_mean``,
        ``Fout_std`` (over seeds, Hz), ``Fout`` (points x seeds), ``W_mean`` (mean
        adaptation current per point, pA), ``muV_mean`` (mean membrane potential
        between spikes is not separated: mean V, mV), timings and settings, and
        ``units``.

    Raises
    ------
    ModelKeyError
        ``pop`` or an input missing from the Model.
    ParameterError
        Empty or negative rates, a bad seed, count or duration.
    SimulationError
        brian2's device is not the runtime device (``cpp_standalone`` set globally).
    """
    import brian2 as b2

    M = _grammar_model(Model)
    pops = validate_model(M)
    if pop not in pops:
        raise ModelKeyError(f"population {pop!r} is not in the Model (no 'N_{pop}'; populations: {pops}).")
    cell = cell_parameters(M, pop)
    if "Vclamp" in cell:
        raise ParameterError(f"population {pop!r} is voltage-clamped: it does not fire.")
    if inputs is None:
        inputs = [q for q in pops if f"Q_{q}_{pop}" in M and f"p_{q}_{pop}" in M]
    for q in inputs:
        for key in (f"N_{q}", f"p_{q}_{pop}", f"Q_{q}_{pop}"):
            if key not in M:
                raise ModelKeyError(f"Missing Model key {key!r} for the input {q}->{pop}.")
    rates = _check_rates(rates, inputs, pop)
    n_seeds = check_count(n_seeds, "n_seeds", minimum=1, error=ParameterError)
    seed = check_seed(seed, error=ParameterError)
    t_measure = float(to_plain(t_measure, "ms", "t_measure", error=UnitError))
    adapting = cell["a"] != 0 or cell["b"] != 0
    if t_discard is None:
        t_discard = 200.0 + (3 * cell["tauw"] if adapting else 0.0)
    t_discard = float(to_plain(t_discard, "ms", "t_discard", error=UnitError))
    if dt is None:
        dt = float(M.get("dt", 0.1))
    dt = float(to_plain(dt, "ms", "dt", error=UnitError))
    for name, v in (("t_measure", t_measure), ("dt", dt)):
        if not v > 0:
            raise ParameterError(f"{name} = {v:g} ms must be > 0.")
    if t_discard < 0:
        raise ParameterError(f"t_discard = {t_discard:g} ms must be >= 0.")
    if b2.get_device().__class__.__name__ != "RuntimeDevice":
        raise SimulationError("the transfer-function characterisation runs on brian2's runtime device, but "
                              "another device (cpp_standalone) is set: call network.set_code_target('runtime') first.")
    if product:
        points, shape = grid_points({q: rates.get(q, np.zeros(1)) for q in inputs})
    else:
        sizes = {q: len(v) for q, v in rates.items()}
        if len(set(sizes.values())) != 1:
            raise ParameterError(f"product=False lists points: every rate array needs the same length, got {sizes}.")
        n = next(iter(sizes.values()))
        points = {q: rates[q] if q in rates else np.zeros(n) for q in inputs}
        shape = (n,)
    n_points = int(np.prod(shape))
    N = n_points * n_seeds
    syn = {q: synaptic_parameters(M, q) for q in inputs}
    K = {q: float(M[f"p_{q}_{pop}"]) * float(M[f"N_{q}"]) * float(M.get(f"psyn_{q}_{pop}", 1.0)) for q in inputs}

    lines = [f"{name} : {unit} (shared, constant)" for name, unit in (
        ("Gl", "siemens"), ("Cm", "farad"), ("El", "volt"), ("Vthre", "volt"), ("Vreset", "volt"),
        ("Vspike", "volt"), ("deltaV", "volt"), ("a", "siemens"), ("b", "amp"), ("tauw", "second"),
        ("Trefrac", "second"), ("Iinj", "amp"), ("t_discard", "second"))]
    for q in inputs:
        lines += [f"dG_{q}/dt = -G_{q}/tau_{q} : siemens", f"Q_{q} : siemens (shared, constant)",
                  f"tau_{q} : second (shared, constant)", f"E_{q} : volt (shared, constant)",
                  f"lam_{q} : 1 (constant)"]
    isyn = " + ".join(f"G_{q}*(E_{q} - V)" for q in inputs) or "0*amp"
    intrinsic = "Gl*(El - V)" + (" + Gl*deltaV*exp((V - Vthre)/deltaV)" if cell["deltaV"] > 0 else "")
    lines += [f"dV/dt = ({intrinsic} + {isyn} - w + Iinj)/Cm : volt (unless refractory)",
              "dw/dt = (a*(V - El) - w)/tauw : amp",
              "nspk : 1", "Wacc : amp*second", "Vacc : volt*second"]
    clock_dt = dt * b2.ms
    G = b2.NeuronGroup(N, "\n".join(lines), threshold="V > Vspike",
                       reset="V = Vreset\nw += b\nnspk += int(t >= t_discard)",
                       refractory="Trefrac", method="euler", dt=clock_dt, namespace={}, name="tf_cells")
    drive = "\n".join(f"G_{q} += Q_{q}*poisson(lam_{q})" for q in inputs)
    acc = "Wacc += w*dt*int(t >= t_discard)\nVacc += V*dt*int(t >= t_discard)"
    G.run_regularly(drive + "\n" + acc if drive else acc, dt=clock_dt, when="start", name="tf_inputs")
    units = {"Gl": b2.nS, "Cm": b2.pF, "El": b2.mV, "Vthre": b2.mV, "Vreset": b2.mV, "Vspike": b2.mV,
             "deltaV": b2.mV, "a": b2.nS, "b": b2.pA, "tauw": b2.ms, "Trefrac": b2.ms}
    for name, u in units.items():
        setattr(G, name, cell[name] * u)
    G.Iinj = cell.get("Iinj", 0.0) * b2.pA
    G.t_discard = t_discard * b2.ms
    for q in inputs:
        setattr(G, f"Q_{q}", float(M[f"Q_{q}_{pop}"]) * b2.nS)
        setattr(G, f"tau_{q}", syn[q][0] * b2.ms)
        setattr(G, f"E_{q}", syn[q][1] * b2.mV)
        setattr(G, f"lam_{q}", np.repeat(K[q] * points[q] * dt * 1e-3, n_seeds))
    G.V = cell["El"] * b2.mV
    net = b2.Network(G)
    from .run import restore_random_state, save_random_state

    random_state = save_random_state()  # brian2's generator is global: put it back afterwards
    b2.seed(seed)
    try:
        t0 = time.perf_counter()
        net.run((t_discard + t_measure) * b2.ms, namespace={})
        wall = time.perf_counter() - t0
    finally:
        restore_random_state(random_state)
    T = t_measure * 1e-3
    Fout = (np.asarray(G.nspk[:]) / T).reshape(n_points, n_seeds)
    W = (np.asarray(G.Wacc[:] / (b2.pA * b2.second)) / T).reshape(n_points, n_seeds)
    V = (np.asarray(G.Vacc[:] / (b2.mV * b2.second)) / T).reshape(n_points, n_seeds)
    if verbose:
        print(f"[transfer function] {pop}: {n_points} points x {n_seeds} seeds = {N} cells, "
              f"{t_discard + t_measure:g} ms in {wall:.1f} s")
    data = {"Model": M, "pop": pop, "inputs": list(inputs),
            "grid": {q: np.asarray(rates.get(q, np.zeros(1)), dtype=float) for q in inputs},
            "shape": list(shape), "n_seeds": n_seeds}
    for q in inputs:
        data[f"F_{q}"] = points[q]
    data.update({"Fout_mean": Fout.mean(axis=1), "Fout_std": Fout.std(axis=1), "Fout": Fout,
                 "W_mean": W.mean(axis=1), "V_mean": V.mean(axis=1), "K": K,
                 "t_measure": t_measure, "t_discard": t_discard, "dt": dt, "seed": seed, "wall_s": wall})
    data["units"] = {**{f"F_{q}": "Hz" for q in inputs}, "Fout_mean": "Hz", "Fout_std": "Hz", "Fout": "Hz",
                     "W_mean": "pA", "V_mean": "mV", "t_measure": "ms", "t_discard": "ms", "dt": "ms",
                     "wall_s": "s"}
    return data


def save(data, filename):
    """Write a characterisation (and its fit, if added) in the toolkit's HDF5 format."""
    from .hdf5 import save_dict_to_hdf5

    return save_dict_to_hdf5(data, filename)


def load(filename):
    """Read a characterisation written by :func:`save`."""
    from .hdf5 import load_dict_from_hdf5

    return load_dict_from_hdf5(filename)


def run_sim(Model, firing_rate_only=True, tdiscard=100.0):
    """The original single-point run: ``Model['NRN_KEY']`` cells at ``Model['RATES']`` (``{'F_<pop>': Hz}``).

    Returns ``(mean, std)`` of the output rate over ``Model['N_SEED']`` cells (Hz).
    """
    pop = Model["NRN_KEY"]
    rates = {k[2:]: [v] for k, v in Model.get("RATES", {}).items()} or {
        p: [Model[f"F_{p}"]] for p in Model["POP_STIM"]}
    data = characterise(Model, pop, rates, n_seeds=int(Model.get("N_SEED", 1)),
                        t_measure=float(Model["tstop"]) - tdiscard, t_discard=tdiscard,
                        seed=int(Model.get("SEED", 1)))
    return float(data["Fout_mean"][0]), float(data["Fout_std"][0])


def generate(Model, scale="log", filename=None, t_discard=100.0, verbose=True):
    """The original project's call: characterise ``Model['NRN_KEY']`` on the ``F_<pop>_array`` grid.

    Parameters
    ----------
    Model : dict
        The Model with the original keys ``NRN_KEY`` (the population), ``POP_STIM``
        (input populations), ``F_<pop>_array`` (rates of each, Hz), ``N_SEED`` (cells
        per point, default 1), ``tstop`` (ms per point, the first ``t_discard`` ms
        discarded) and optionally ``filename`` (an ``.h5`` file in the toolkit's
        format; the original wrote a ``.npy``).
    scale : str
        Ignored (kept for the original signature: the grid is given explicitly).
    filename : str, optional
        Overrides ``Model['filename']``.

    Returns
    -------
    dict
        As :func:`characterise`, with the original keys ``F_<pop>``, ``Fout_mean``,
        ``Fout_std`` and ``Model`` (which here holds only the Model grammar keys).
    """
    for key in ("NRN_KEY", "POP_STIM"):
        if key not in Model:
            raise ModelKeyError(f"generate(Model): Model has no {key!r} (the original characterisation keys: "
                                f"NRN_KEY, POP_STIM, F_<pop>_array, N_SEED, tstop).")
    pop = Model["NRN_KEY"]
    rates = {}
    for q in Model["POP_STIM"]:
        if f"F_{q}_array" not in Model:
            raise ModelKeyError(f"Model has no 'F_{q}_array': the scanned rates (Hz) of input {q!r}.")
        rates[q] = Model[f"F_{q}_array"]
    tstop = float(Model.get("tstop", 2000.0))
    if tstop <= t_discard:
        t_discard = 0.0
    data = characterise(Model, pop, rates, n_seeds=int(Model.get("N_SEED", 1)), t_measure=tstop - t_discard,
                        t_discard=t_discard, seed=int(Model.get("SEED", 1)), inputs=list(Model["POP_STIM"]),
                        verbose=verbose)
    filename = filename or Model.get("filename")
    if filename:
        save(data, filename)
        if verbose:
            print(f"[transfer function] data saved as {filename}")
    return data
