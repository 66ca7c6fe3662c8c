"""Results of a run: traces, saving through the shared HDF5 format, figures and 3D views."""

from __future__ import annotations

import numpy as np

from .errors import DendriteKeyError, RecordingError

__all__ = ["Results", "load_results"]

_PLAIN = {"v": ("mV", 1e3)}


def _scale(var, dims):
    from brian2 import amp, siemens, volt, meter
    from brian2.units.fundamentalunits import get_dimensions

    for unit, name, factor in ((volt, "mV", 1e3), (amp, "nA", 1e9), (siemens, "nS", 1e9),
                               (amp / meter**2, "mA/cm**2", 0.1),
                               (siemens / meter**2, "S/cm**2", 1e-4)):
        if dims is get_dimensions(unit):
            return name, factor
    from brian2 import mole

    if dims is get_dimensions(mole / meter**3):
        return "mM", 1.0
    return "1" if dims.is_dimensionless else str(dims), 1.0


class Results:
    """Recorded traces of a :class:`~dendrites.model.CellModel` run (plain numbers).

    Attributes
    ----------
    t : numpy.ndarray
        Times, ms (of the neuron recordings; each entry keeps its own ``t``).
    traces : dict
        ``{key: {"t": ms, "values": array (n_recorded, n_t), "rows": indices,
        "unit": str}}`` with keys ``"v"``, ``"I_hh"``... for neuron variables and
        ``"<group>.g"`` ... for synapse variables; ``rows`` are compartments (neuron)
        or synapse ids (groups).
    compartments : CompartmentTable
    sites : dict
        ``{group: SiteTable}``.
    """

    def __init__(self, traces, compartments, sites, discretisation=None, rest=None):
        self.traces = traces
        self.compartments = compartments
        self.sites = sites
        self.discretisation = discretisation
        self.rest = rest

    @classmethod
    def from_model(cls, model):
        traces = {}
        for spec, mon in model._built["monitors"]:
            t = np.asarray(mon.t[:]) * 1e3
            for var in spec["variables"]:
                key = var if spec["group"] is None else f"{spec['group']}.{var}"
                dims = mon.variables[var].dim
                unit, factor = _scale(var, dims)
                traces[key] = {"t": t, "values": np.asarray(getattr(mon, var + "_")) * factor,
                               "rows": np.asarray(spec["rows"]), "unit": unit}
        sites = {name: g.sites for name, g in model._groups.items()}
        return cls(traces, model.compartments, sites, model.discretisation,
                   None if model._rest is None else model._rest["v"] * 1e3)

    def __getitem__(self, key):
        return self.trace(key)

    def trace(self, key, rows=None):
        """Return ``(t_ms, values)`` of a recorded variable (values: n_rows x n_t).

        ``rows`` selects compartments (or synapse ids) among those recorded.
        """
        if key not in self.traces:
            raise DendriteKeyError(f"nothing recorded as {key!r}; recorded: {sorted(self.traces)}.")
        entry = self.traces[key]
        if rows is None:
            return entry["t"], entry["values"]
        rows = np.atleast_1d(rows)
        pos = np.searchsorted(entry["rows"], rows)
        if np.any(pos >= len(entry["rows"])) or np.any(entry["rows"][np.minimum(
                pos, len(entry["rows"]) - 1)] != rows):
            raise DendriteKeyError(f"{key}: rows {rows.tolist()} were not all recorded "
                                   f"(recorded {entry['rows'][:20].tolist()}...).")
        return entry["t"], entry["values"][pos]

    @property
    def t(self):
        """numpy.ndarray: times (ms) of the first recording."""
        return next(iter(self.traces.values()))["t"]

    def soma_v(self):
        """Soma voltage trace, mV (``record("v", 0)`` is needed)."""
        return self.trace("v", [0])[1][0]

    def to_dict(self):
        """Nested dict of numpy arrays for :func:`network.hdf5.save_dict_to_hdf5`."""
        table = {c: np.asarray(getattr(self.compartments, c)) for c in self.compartments.columns}
        data = {
            "format": "dendrites.results",
            "traces": {k.replace(".", "__"): {"t_ms": e["t"], "values": e["values"],
                                               "rows": e["rows"], "unit": e["unit"]}
                       for k, e in self.traces.items()},
            "compartments": table,
            "sites": {name: s.to_dict() for name, s in self.sites.items()},
        }
        if self.rest is not None:
            data["rest_mV"] = np.asarray(self.rest)
        return data

    def save(self, filename):
        """Save traces, the compartment table and the site tables (HDF5, network.hdf5 format)."""
        from network.errors import RecordingError as NetworkRecordingError
        from network.hdf5 import save_dict_to_hdf5

        try:
            save_dict_to_hdf5(self.to_dict(), filename)
        except (NetworkRecordingError, OSError) as err:
            raise RecordingError(f"cannot write results to {filename}: {err}") from None
        return filename

    # ------------------------------------------------------------------ figures
    def plot_traces(self, key="v", rows=None, *, ax=None, labels=None):
        """Matplotlib figure of traces at chosen compartments (or synapses)."""
        import matplotlib.pyplot as plt

        t, values = self.trace(key, rows)
        rows = self.traces[key]["rows"] if rows is None else np.atleast_1d(rows)
        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 3.5))
        else:
            fig = ax.figure
        for k, row in enumerate(rows):
            label = labels[k] if labels is not None else (
                f"comp {row} ({self.compartments.distance[row]:.0f} um)"
                if "." not in key else f"synapse {row}")
            ax.plot(t, values[k], lw=1, label=label)
        ax.set_xlabel("t (ms)")
        ax.set_ylabel(f"{key} ({self.traces[key]['unit']})")
        if len(rows) <= 10:
            ax.legend(fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return fig

    def view(self, time=None, *, animate=False, max_frames=60, markers=True, **kwargs):
        """Plotly 3D view coloured by voltage at ``time`` (ms), or animated with a slider.

        Needs ``record("v", "all")``.  Synapse sites are marked (one marker trace
        per group) unless ``markers=False``.
        """
        from morphologies.view import animate_morphology, plot_morphology

        entry = self.traces.get("v")
        if entry is None or len(entry["rows"]) != len(self.compartments):
            raise DendriteKeyError('the 3D view needs record("v", "all").')
        marks = {}
        if markers:
            for name, s in self.sites.items():
                marks[f"synapses {name}"] = {"compartments": s.compartment, "size": 3,
                                             "color": "#ff7f0e" if "gaba" not in name
                                             else "#1f77b4"}
        if animate:
            return animate_morphology(self.discretisation, entry["values"].T, entry["t"],
                                      color_label="v (mV)", max_frames=max_frames,
                                      markers=marks or None, **kwargs)
        k = -1 if time is None else int(np.argmin(np.abs(entry["t"] - float(time))))
        return plot_morphology(self.discretisation, entry["values"][:, k],
                               color_label=f"v (mV) at {entry['t'][k]:g} ms",
                               markers=marks or None, **kwargs)


def load_results(filename):
    """Load a results file written by :meth:`Results.save` as a nested dict."""
    from network.hdf5 import load_dict_from_hdf5

    try:
        return load_dict_from_hdf5(filename)
    except OSError as err:
        raise RecordingError(f"cannot read {filename}: {err}") from None
