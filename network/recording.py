"""Turn a network's recorders into the data dict, and store it in HDF5.

The data dict layout (keys, units) is described in ``docs/guide/recording.rst``;
:func:`load_dict_from_hdf5` gives back the same keys the plots and the analysis use.
"""

from __future__ import annotations

import platform

import numpy as np

from . import model as _model_grammar
from .core import as_network, brian2 as _brian2
from .errors import SimulationError
from .hdf5 import load_dict_from_hdf5, save_dict_to_hdf5

__all__ = ["collect", "write_as_hdf5", "load_dict_from_hdf5", "model_units"]


def model_units(Model):
    """``{key: unit}`` of every numeric value of a Model, from the Model grammar.

    Units are brian2 unit names of the seed's system (``'ms'``, ``'mV'``, ``'nS'``,
    ``'pA'``, ``'pF'``, ``'Hz'``, ``'1'``); a number the grammar does not define (a
    user's own key) gets ``'unknown'``.
    """
    pops = _model_grammar.population_names(Model)
    out = {}
    for key, value in Model.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            continue
        unit = _model_grammar.unit_of(key, pops) if isinstance(key, str) else None
        out[key] = unit if unit is not None else "unknown"
    return out


def _versions():
    brian2 = _brian2()

    from . import __version__

    return {"toolkit": __version__, "brian2": brian2.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


def collect(NTWK, with_connectivity=False):
    """The recorded activity of a network that has run, as a plain data dict.

    Parameters
    ----------
    NTWK : dict
        A network after :func:`network.collect_and_run`.
    with_connectivity : bool
        Include the synapses' index arrays as ``CONN_<pre>_<post>``.

    Returns
    -------
    dict
        Arrays in the seed's units (ms, mV, nS, pA, Hz) at full precision, with a
        ``'units'`` entry naming the unit of every number: ``units[key]`` for a
        top-level entry, ``units['Model/<key>']`` for a Model value (from the Model
        grammar, :func:`model_units`), ``units['SEEDS/<name>']``,
        ``units['timing/<name>']`` (s).
    """
    NTWK = as_network(NTWK, "collect()")
    b2 = _brian2()
    if NTWK.state != "ran":
        raise SimulationError(
            "this network has not run yet, so there is nothing recorded: call "
            "network.collect_and_run(NTWK) first."
        )

    dt, tstop = NTWK["dt"], NTWK["tstop"]
    t_array = NTWK.t_array  # the one time grid; recordings have one sample per step
    n_t = len(t_array)
    data = {
        "Model": dict(NTWK["Model"]), "POPULATIONS": list(NTWK["POPULATIONS"]),
        "AFFERENT_POPULATIONS": list(NTWK["AFFERENT_POPULATIONS"]), "dt": float(dt),
        "tstop": float(tstop), "t_array": t_array,
        "SEEDS": {k: int(v) for k, v in NTWK["SEEDS"].items() if v is not None},
        "versions": _versions(), "timing": dict(NTWK.get("TIMING", {})),
    }
    units = {"t_array": "ms", "dt": "ms", "tstop": "ms"}
    units.update({f"Model/{k}": u for k, u in model_units(data["Model"]).items()})
    units.update({f"SEEDS/{k}": "1" for k in data["SEEDS"]})
    units.update({f"timing/{k}": "s" for k, v in data["timing"].items() if isinstance(v, (int, float))})
    for pop in NTWK["POPULATIONS"] + NTWK["AFFERENT_POPULATIONS"]:
        data[f"N_{pop}"] = int(NTWK["Model"][f"N_{pop}"])
        units[f"N_{pop}"] = "1"
    for pop, M in NTWK["RASTER"].items():
        data[f"tRASTER_{pop}"] = np.asarray(M.t / b2.ms, dtype=np.float64)
        data[f"iRASTER_{pop}"] = np.asarray(M.i[:], dtype=np.int64)
        units[f"tRASTER_{pop}"], units[f"iRASTER_{pop}"] = "ms", "1"
    for pop, M in NTWK["POP_ACT"].items():
        rate = np.asarray(M.rate / b2.Hz, dtype=np.float64)
        data[f"POP_ACT_{pop}"] = rate[:n_t]
        units[f"POP_ACT_{pop}"] = "Hz"
    for pop, M in NTWK["VMS"].items():
        data[f"VMS_{pop}"] = np.asarray(M.V / b2.mV, dtype=np.float64)
        data[f"VMS_{pop}_indices"] = np.asarray(M.record, dtype=np.int64)
        units[f"VMS_{pop}"], units[f"VMS_{pop}_indices"] = "mV", "1"
        recorded = M.record_variables
        for var, key in (("Ie", f"ISYNe_{pop}"), ("Ii", f"ISYNi_{pop}"), ("Iclamp", f"ICLAMP_{pop}")):
            if var in recorded:
                data[key] = np.asarray(getattr(M, var) / b2.pA, dtype=np.float64)
                units[key] = "pA"
        for pre in NTWK["PRESYNAPTIC"][pop]:
            if f"Gsyn_{pre}" in recorded:
                data[f"GSYN_{pre}_{pop}"] = np.asarray(getattr(M, f"Gsyn_{pre}") / b2.nS, dtype=np.float64)
                units[f"GSYN_{pre}_{pop}"] = "nS"
    for (aff, target), rate in NTWK["AFFERENT_RATES"].items():
        data[f"Rate_{aff}_{target}"] = np.asarray(rate, dtype=np.float64)
        units[f"Rate_{aff}_{target}"] = "Hz"
    if with_connectivity:
        for (pre, post), (i, j) in NTWK["CONNECTIVITY"].items():
            data[f"CONN_{pre}_{post}"] = {"i": np.asarray(i, np.int64), "j": np.asarray(j, np.int64)}
            units[f"CONN_{pre}_{post}/i"] = units[f"CONN_{pre}_{post}/j"] = "1"
    data["units"] = units
    return data


def write_as_hdf5(NTWK, filename, with_connectivity=False):
    """Write the recorded activity of ``NTWK`` to ``filename`` (HDF5).

    The file is written to a temporary file next to it and renamed, so a crash
    never leaves a corrupt or half-overwritten file.  It holds the full Model, the
    seeds and the toolkit/brian2 versions, and each array's unit as an attribute.

    Parameters
    ----------
    NTWK : dict
    filename : str or path
    with_connectivity : bool
        Also store the synapses' index arrays (``CONN_<pre>_<post>``).

    Returns
    -------
    dict
        The data dict that was written.
    """
    data = collect(NTWK, with_connectivity=with_connectivity)
    save_dict_to_hdf5(data, filename)
    return data
