"""Figures of a simulation's data dict (matplotlib; nothing here calls ``plt.show``).

:func:`activity_plots` draws the activity figure of the original project: stacked
panels sharing the time axis, from top to bottom

1. afferent input rates (``Rate_<afferent>_<target>``),
2. raster of the recurrent populations,
3. one panel of membrane potential traces per population with recorded ``VMS``
   (spikes of the recorded cells drawn as vertical bars),
4. population rates (``POP_ACT_<pop>``), optionally Gaussian-smoothed.

Panels whose data are absent are left out.  Each panel is also available alone
(:func:`input_rate_plot`, :func:`raster_plot`, :func:`vm_plot`,
:func:`pop_act_plot`); :func:`connectivity_matrix_plot` draws an adjacency
matrix.  Colours: excitatory green, inhibitory red, afferent grey, other
populations from a colour cycle (:func:`population_colors`).
"""

import functools
import itertools
import numbers

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np

from .analysis import (
    _check_pop,
    _dt,
    _require,
    _tstop,
    binned_connectivity,
    population_names,
    recorded_cell_spikes,
    smooth,
    spikes_in_window,
    time_array,
)
from .errors import ModelValueError, RecordingError

__all__ = [
    "EXC_COLOR",
    "INH_COLOR",
    "AFFERENT_COLOR",
    "population_colors",
    "activity_plots",
    "input_rate_plot",
    "current_plot",
    "raster_plot",
    "vm_plot",
    "pop_act_plot",
    "connectivity_matrix_plot",
]

EXC_COLOR = "#2ca02c"
"""Colour of the excitatory population (green)."""
INH_COLOR = "#d62728"
"""Colour of the inhibitory population (red)."""
AFFERENT_COLOR = "#7f7f7f"
"""Colour of the (first) afferent population (grey)."""

_AFFERENT_COLORS = (AFFERENT_COLOR, "#3a3a3a", "#b0b0b0")
_OTHER_COLORS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")

_STYLE = {
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.titlesize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.linewidth": 0.8,
    "xtick.major.width": 0.8,
    "ytick.major.width": 0.8,
    "xtick.major.size": 3,
    "ytick.major.size": 3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
}

_TIME_LABEL = "time (ms)"


def _styled(function):
    """Draw inside the module's rc style, leaving the global rcParams untouched."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with plt.rc_context(_STYLE):
            return function(*args, **kwargs)

    return wrapper


def _new_axes(ax, figsize=(6.0, 2.5)):
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _despine(ax):
    ax.spines[["top", "right"]].set_visible(False)


# ----------------------------------------------------------------------------
# colours and selections
# ----------------------------------------------------------------------------
def population_colors(data):
    """Colour of every population of ``data``.

    Parameters
    ----------
    data : dict
        Data dict (or any dict with ``POPULATIONS`` / ``AFFERENT_POPULATIONS``).

    Returns
    -------
    dict
        Population name → matplotlib colour: the excitatory population (named
        ``'Exc'``, else the first name containing ``'exc'``, else the first whose
        ``Erev_<pop>`` is above its ``<pop>_Vthre``) green, the inhibitory one red
        (likewise), other recurrent ones from a cycle, afferent ones grey.
    """
    recurrent = population_names(data)
    colors = {}
    for tag, color in (("exc", EXC_COLOR), ("inh", INH_COLOR)):
        candidates = [p for p in recurrent if p.lower() == tag] or [
            p for p in recurrent if tag in p.lower() and p not in colors
        ]
        if candidates and candidates[0] not in colors:
            colors[candidates[0]] = color
    # names that say nothing (e.g. 'Pyr', 'PV'): the Model's reversal potentials do,
    # excitatory when above the population's own threshold (as network.build's Ie/Ii)
    Model = data.get("Model", {}) if isinstance(data.get("Model"), dict) else {}
    for pop in recurrent:
        erev, vthre = Model.get(f"Erev_{pop}"), Model.get(f"{pop}_Vthre")
        if pop in colors or erev is None or vthre is None:
            continue
        color = EXC_COLOR if erev > vthre else INH_COLOR
        if color not in colors.values():
            colors[pop] = color
    others = itertools.cycle(_OTHER_COLORS)
    for pop in recurrent:
        if pop not in colors:
            colors[pop] = next(others)
    for k, pop in enumerate(population_names(data, afferent=True)):
        colors[pop] = _AFFERENT_COLORS[k % len(_AFFERENT_COLORS)]
    return colors


def _selected_pops(data, pops):
    """Validated list of populations (default: the recurrent ones)."""
    if pops is None:
        return population_names(data)
    pops = [pops] if isinstance(pops, str) else list(pops)
    for pop in pops:
        _check_pop(data, pop)
    return pops


def _zoom(data, tzoom):
    """Time range to show, clipped to the simulation: ``(t0, t1)`` in ms."""
    tstop = _tstop(data)
    if tzoom is None:
        return 0.0, tstop
    if len(tzoom) != 2:
        raise ModelValueError(f"tzoom={tzoom!r} must be a pair (t_start, t_stop) in ms")
    if float(tzoom[0]) >= float(tzoom[1]):
        raise ModelValueError(f"tzoom={tzoom!r}: give (t_start, t_stop) in ms with t_start < t_stop")
    t0, t1 = max(float(tzoom[0]), 0.0), min(float(tzoom[1]), tstop)
    if not t0 < t1:
        raise ModelValueError(f"tzoom={tzoom!r} ms does not overlap the simulation [0, {tstop}] ms")
    return t0, t1


def _time_slice(t, t0, t1):
    """Slice of a sorted time grid inside ``[t0, t1]``."""
    return slice(np.searchsorted(t, t0, side="left"), np.searchsorted(t, t1, side="right"))


def _shades(color, n):
    """``n`` shades of ``color``, from the colour itself towards darker ones."""
    rgb = np.array(mcolors.to_rgb(color))
    factors = np.linspace(1.0, 0.55, n) if n > 1 else np.ones(1)
    return [tuple(rgb * f) for f in factors]


def _raster_size(data, pop):
    """Number of raster rows of ``pop``: ``N_<pop>``, else the largest recorded index + 1."""
    if f"N_{pop}" in data:
        return int(data[f"N_{pop}"])
    i = np.asarray(_require(data, f"iRASTER_{pop}", f"spike indices of {pop!r}"))
    return int(i.max()) + 1 if i.size else 1


def _raster_rows(sizes, max_neurons):
    """Rows shown per population: all if they fit, else a floor plus a proportional share.

    Each population keeps at least ``max_neurons // (4 * n_pops)`` rows (so that a
    small population stays visible), the rest is shared in proportion to sizes.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if sizes.sum() <= max_neurons:
        return sizes.tolist()
    floor = np.minimum(sizes, max_neurons // (4 * sizes.size))
    remaining = max_neurons - floor.sum()
    extra = (remaining * (sizes - floor)) // (sizes - floor).sum()
    return np.maximum(floor + extra, 1).tolist()


def _rate_ylim(ax):
    """Rates from 0 (a silent trace gets a 0-1 Hz axis, not matplotlib's +-0.05 around 0)."""
    top = max((float(np.max(line.get_ydata(), initial=0.0)) for line in ax.get_lines()), default=0.0)
    ax.set_ylim(0.0, None if top > 0 else 1.0)


def _rate_keys(data):
    """``{afferent: [(target, key), ...]}`` of the ``Rate_<afferent>_<target>`` keys."""
    afferents = population_names(data, afferent=True)
    out = {}
    for key in data:
        if not key.startswith("Rate_"):
            continue
        rest = key[len("Rate_"):]
        matches = [a for a in afferents if rest.startswith(a + "_")]
        afferent = max(matches, key=len) if matches else rest.split("_", 1)[0]
        target = rest[len(afferent) + 1:]
        out.setdefault(afferent, []).append((target, key))
    return out


# ----------------------------------------------------------------------------
# panels
# ----------------------------------------------------------------------------
@_styled
def input_rate_plot(data, tzoom=None, ax=None):
    """Afferent input rates (``Rate_<afferent>_<target>``) against time.

    Targets driven by the same waveform of an afferent share one line, labelled
    ``afferent → target1, target2``.

    Parameters
    ----------
    data : dict
    tzoom : (float, float) or None
        Time range in ms (clipped to the simulation).
    ax : matplotlib Axes or None
        Axes to draw on (a new figure if None).

    Returns
    -------
    matplotlib Axes
    """
    groups = _rate_keys(data)
    if not groups:
        raise RecordingError("the data has no 'Rate_<afferent>_<target>' key (afferent rate waveform)")
    t0, t1 = _zoom(data, tzoom)
    ax = _new_axes(ax)
    colors = population_colors(data)
    for k, (afferent, targets) in enumerate(groups.items()):
        lines = []  # [(waveform, [targets])], identical waveforms merged
        for target, key in targets:
            rate = np.asarray(data[key], dtype=np.float64)
            for waveform, names in lines:
                if np.array_equal(waveform, rate):
                    names.append(target)
                    break
            else:
                lines.append((rate, [target]))
        color = colors.get(afferent, _AFFERENT_COLORS[k % len(_AFFERENT_COLORS)])
        for m, (rate, names) in enumerate(lines):
            t = time_array(data, rate.size)
            window = _time_slice(t, t0, t1)
            ax.plot(t[window], rate[window], color=color, lw=1.2, ls=("-", "--", ":")[m % 3],
                    label=f"{afferent} \u2192 {', '.join(names)}")
    ax.set_ylabel("input (Hz)")
    ax.set_xlabel(_TIME_LABEL)
    ax.set_xlim(t0, t1)
    _rate_ylim(ax)
    ax.legend(loc="upper left", handlelength=1.2)
    _despine(ax)
    return ax


@_styled
def raster_plot(data, pops=None, tzoom=None, ax=None, max_neurons=2000, markersize=1.5):
    """Spike raster of one or several populations, stacked vertically.

    Populations are stacked from the bottom in the order of ``pops`` and labelled
    in their colour.  If the populations have more than ``max_neurons`` neurons
    in total, only the first neurons of each population are shown (each keeps at
    least ``max_neurons // (4 * len(pops))`` rows, the rest is shared in
    proportion to the sizes), so that the raster stays readable and fast.

    Parameters
    ----------
    data : dict
    pops : str or list of str or None
        Populations (default: the recurrent ones).
    tzoom : (float, float) or None
        Time range in ms.
    ax : matplotlib Axes or None
    max_neurons : int, optional
        Maximum number of neuron rows.
    markersize : float, optional
        Dot size in points.

    Returns
    -------
    matplotlib Axes
        One ``Line2D`` per population, labelled with its name, whose points are
        the spikes drawn.
    """
    pops = _selected_pops(data, pops)
    if not isinstance(max_neurons, numbers.Integral) or max_neurons < 1:
        raise ModelValueError(f"max_neurons={max_neurons!r} must be a positive integer")
    t0, t1 = _zoom(data, tzoom)
    ax = _new_axes(ax)
    colors = population_colors(data)
    sizes = [_raster_size(data, pop) for pop in pops]
    shown = _raster_rows(sizes, max_neurons)
    offset, ticks, labels = 0, [], []
    for pop, n, n_shown in zip(pops, sizes, shown):
        t, i = spikes_in_window(data, pop, t0, t1)
        keep = i < n_shown
        ax.plot(t[keep], offset + i[keep], ls="none", marker=".", ms=markersize, mew=0,
                color=colors.get(pop), label=pop, rasterized=bool(keep.sum() > 20000))
        ticks.append(offset + n_shown / 2)
        labels.append(pop if n_shown == n else f"{pop}\n({n_shown}/{n})")
        offset += n_shown
    ax.set_yticks(ticks, labels)
    for label, pop in zip(ax.get_yticklabels(), pops):
        label.set_color(colors.get(pop))
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.5, offset - 0.5)
    ax.set_xlim(t0, t1)
    ax.set_ylabel("neuron")
    ax.set_xlabel(_TIME_LABEL)
    _despine(ax)
    return ax


@_styled
def vm_plot(data, pop, tzoom=None, n_traces=3, spike_peak=0.0, ax=None):
    """Membrane potential of the recorded cells of a population.

    Parameters
    ----------
    data : dict
        Needs ``VMS_<pop>``; spikes are drawn if ``VMS_<pop>_indices``,
        ``tRASTER_<pop>`` and ``iRASTER_<pop>`` are present.
    pop : str
    tzoom : (float, float) or None
        Time range in ms.
    n_traces : int or None, optional
        Number of recorded cells shown (the first ones; None for all).
    spike_peak : float or None, optional
        Spikes of the shown cells are drawn as vertical bars from Vm at the
        spike time up to ``spike_peak`` mV (None: no bars).
    ax : matplotlib Axes or None

    Returns
    -------
    matplotlib Axes
    """
    _check_pop(data, pop)
    V = np.atleast_2d(np.asarray(_require(data, f"VMS_{pop}", f"membrane potentials of {pop!r}")))
    if n_traces is not None:
        if not isinstance(n_traces, numbers.Integral) or n_traces < 1:
            raise ModelValueError(f"n_traces={n_traces!r} must be a positive integer or None")
        V = V[:n_traces]
    t0, t1 = _zoom(data, tzoom)
    t = time_array(data, V.shape[1])
    window = _time_slice(t, t0, t1)
    ax = _new_axes(ax)
    color = population_colors(data).get(pop, _OTHER_COLORS[0])
    shades = _shades(color, V.shape[0])
    for v, shade in zip(V, shades):
        ax.plot(t[window], v[window], color=shade, lw=0.8)
    keys = (f"VMS_{pop}_indices", f"tRASTER_{pop}", f"iRASTER_{pop}")
    if spike_peak is not None and all(k in data for k in keys):
        ts, rows = recorded_cell_spikes(data, pop, t0, t1)
        shown = rows < V.shape[0]
        ts, rows = ts[shown], rows[shown]
        # Vm sampled at the spike time step (before the reset)
        sample = np.clip(np.searchsorted(t, ts - 0.5 * _dt(data)), 0, t.size - 1)
        ax.vlines(ts, V[rows, sample], spike_peak, colors=np.asarray(shades)[rows], lw=0.8)
    ax.set_xlim(t0, t1)
    ax.set_ylabel("$V_m$ (mV)")
    ax.set_xlabel(_TIME_LABEL)
    ax.annotate(pop, (1.0, 0.5), xycoords="axes fraction", xytext=(4, 0), textcoords="offset points",
                color=color, va="center", ha="left")
    _despine(ax)
    return ax


@_styled
def current_plot(data, pop, tzoom=None, ax=None):
    """Excitatory and inhibitory synaptic currents of a population's recorded cells.

    Draws the mean over the recorded cells of ``ISYNe_<pop>`` (green) and
    ``ISYNi_<pop>`` (red), in pA, and their sum (black): the excitation/inhibition
    balance.  Needs a run with ``with_synaptic_currents=True``.

    Parameters
    ----------
    data : dict
    pop : str
    tzoom : (float, float) or None
        Time range in ms.
    ax : matplotlib Axes or None

    Returns
    -------
    matplotlib Axes
    """
    _check_pop(data, pop)
    what = f"synaptic currents of {pop!r} (build with with_synaptic_currents=True)"
    Ie = np.atleast_2d(np.asarray(_require(data, f"ISYNe_{pop}", what))).mean(axis=0)
    Ii = np.atleast_2d(np.asarray(_require(data, f"ISYNi_{pop}", what))).mean(axis=0)
    t0, t1 = _zoom(data, tzoom)
    t = time_array(data, Ie.size)
    window = _time_slice(t, t0, t1)
    ax = _new_axes(ax)
    for values, color, label in ((Ie, EXC_COLOR, "exc."), (Ii, INH_COLOR, "inh."), (Ie + Ii, "k", "sum")):
        ax.plot(t[window], values[window], color=color, lw=0.8, label=label)
    ax.axhline(0.0, color="0.6", lw=0.5)
    ax.set_xlim(t0, t1)
    ax.set_ylabel("$I_{syn}$ (pA)")
    ax.set_xlabel(_TIME_LABEL)
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.3), fontsize="x-small",
              handlelength=1.0, borderaxespad=0.2)
    ax.annotate(pop, (1.0, 0.8), xycoords="axes fraction", xytext=(4, 0), textcoords="offset points",
                color=population_colors(data).get(pop, _OTHER_COLORS[0]), va="center", ha="left")
    _despine(ax)
    return ax


@_styled
def pop_act_plot(data, pops=None, tzoom=None, smooth_ms=None, ax=None):
    """Population rates (``POP_ACT_<pop>``, Hz) against time.

    Parameters
    ----------
    data : dict
    pops : str or list of str or None
        Populations (default: the recurrent ones with a recorded rate).
    tzoom : (float, float) or None
        Time range in ms.
    smooth_ms : float or None, optional
        Standard deviation (ms) of a Gaussian smoothing (see
        :func:`network.analysis.smooth`); None or 0 for none.
    ax : matplotlib Axes or None

    Returns
    -------
    matplotlib Axes
        One line per population, labelled with its name.
    """
    if pops is None:
        pops = [p for p in population_names(data) if f"POP_ACT_{p}" in data]
        if not pops:
            raise RecordingError("the data has no 'POP_ACT_<pop>' key (population rate)")
    pops = _selected_pops(data, pops)
    t0, t1 = _zoom(data, tzoom)
    ax = _new_axes(ax)
    colors = population_colors(data)
    for pop in pops:
        rate = np.asarray(_require(data, f"POP_ACT_{pop}", f"population rate of {pop!r}"), dtype=np.float64)
        if smooth_ms:
            rate = smooth(rate, _dt(data), smooth_ms)
        t = time_array(data, rate.size)
        window = _time_slice(t, t0, t1)
        ax.plot(t[window], rate[window], color=colors.get(pop), lw=1.0, label=pop)
    ax.set_xlim(t0, t1)
    _rate_ylim(ax)
    ax.set_ylabel("rate (Hz)" if not smooth_ms else f"rate (Hz)\n$\\sigma$={smooth_ms:g} ms")
    ax.set_xlabel(_TIME_LABEL)
    if len(pops) > 1:
        ax.legend(loc="upper right", ncols=len(pops), handlelength=1.2)
    _despine(ax)
    return ax


@_styled
def activity_plots(data, pop_key=None, tzoom=None, smooth_ms=5.0, Vm_traces=3,
                   max_neurons=2000, spike_peak=0.0, figsize=None, currents=False):
    """The activity figure: inputs, raster, Vm traces and population rates.

    Parameters
    ----------
    data : dict
        Data dict of a run (e.g. from ``load_dict_from_hdf5``).
    pop_key : str or list of str or None
        Populations to show (default: the recurrent ones).
    tzoom : (float, float) or None
        Time range in ms (clipped to the simulation).
    smooth_ms : float or None
        Standard deviation (ms) of the Gaussian smoothing of the population rates,
        shown in the axis label (default 5 ms: a rate sampled every ``dt`` moves by
        ``1 / (N dt)`` per spike, 2.5 Hz for 4000 cells at 0.1 ms, an unreadable
        comb); None or 0 for the raw rate.
    Vm_traces : int or None
        Number of recorded cells drawn per population (None: all).
    max_neurons : int
        Maximum number of raster rows (see :func:`raster_plot`).
    spike_peak : float or None
        Top of the spike bars on the Vm traces (mV).
    figsize : (float, float) or None
        Figure size in inches (default from the number of panels).
    currents : bool
        Add, below each Vm panel, the mean excitatory and inhibitory synaptic
        currents of the recorded cells (:func:`current_plot`; needs
        ``with_synaptic_currents=True`` at build time).

    Returns
    -------
    fig : matplotlib Figure
    AX : list of matplotlib Axes
        The panels from top to bottom, sharing the time axis; each carries a
        label (``ax.get_label()``): ``'input'``, ``'raster'``, ``'Vm_<pop>'``,
        ``'Isyn_<pop>'``, ``'pop_act'``.

    Raises
    ------
    RecordingError
        If none of the panels has data.
    """
    if "NEURONS" in data and "OBJECTS" in data:
        raise RecordingError(
            "activity_plots takes the data dict, not the network: pass "
            "network.recording.collect(NTWK) (or what write_as_hdf5 / load_dict_from_hdf5 return)."
        )
    pops = _selected_pops(data, pop_key)
    panels = []  # (label, height, draw(ax))
    if _rate_keys(data):
        panels.append(("input", 1.0, lambda ax: input_rate_plot(data, tzoom, ax=ax)))
    raster_pops = [p for p in pops if f"tRASTER_{p}" in data]
    if raster_pops:
        panels.append(("raster", 2.0, lambda ax: raster_plot(data, raster_pops, tzoom, ax=ax,
                                                             max_neurons=max_neurons)))
    for pop in pops:
        if f"VMS_{pop}" in data:
            panels.append((f"Vm_{pop}", 1.2, lambda ax, p=pop: vm_plot(
                data, p, tzoom, n_traces=Vm_traces, spike_peak=spike_peak, ax=ax)))
        if currents:
            panels.append((f"Isyn_{pop}", 1.0, lambda ax, p=pop: current_plot(data, p, tzoom, ax=ax)))
    act_pops = [p for p in pops if f"POP_ACT_{p}" in data]
    if act_pops:
        panels.append(("pop_act", 1.3, lambda ax: pop_act_plot(data, act_pops, tzoom, smooth_ms, ax=ax)))
    if not panels:
        raise RecordingError(
            "nothing to plot: the data has no 'Rate_*', 'tRASTER_*', 'VMS_*' or 'POP_ACT_*' key "
            f"for populations {pops}"
        )
    heights = [h for _, h, _ in panels]
    if figsize is None:
        figsize = (6.5, 0.85 * sum(heights) + 0.6)
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=figsize, layout="constrained",
                             gridspec_kw=dict(height_ratios=heights), squeeze=False)
    AX = list(axes[:, 0])
    for ax, (label, _, draw) in zip(AX, panels):
        draw(ax)
        ax.set_label(label)
    for ax in AX[:-1]:
        ax.set_xlabel("")
        ax.tick_params(axis="x", labelbottom=False)
    fig.align_ylabels(AX)
    return fig, AX


@_styled
def connectivity_matrix_plot(i, j, N_pre, N_post, max_pixels=500, ax=None, cmap="Greys"):
    """Image of the adjacency matrix of a projection (pre on rows, post on columns).

    Matrices larger than ``max_pixels`` along a side are binned into blocks
    whose value is the connection density (synapses per pair), see
    :func:`network.analysis.binned_connectivity`.

    Parameters
    ----------
    i, j : array_like of int
        Presynaptic and postsynaptic indices of the synapses (e.g.
        ``data['CONN_Exc_Inh']['i']`` and ``['j']``).
    N_pre, N_post : int
        Population sizes.
    max_pixels : int, optional
        Maximum image size along each axis.
    ax : matplotlib Axes or None
    cmap : str, optional
        Colour map.

    Returns
    -------
    matplotlib Axes
        Holding one ``AxesImage`` (its array is the binned matrix) and a colour bar.
    """
    density = binned_connectivity(i, j, N_pre, N_post, max_bins=max_pixels)
    ax = _new_axes(ax, figsize=(4.0, 3.4))
    binned = density.shape != (N_pre, N_post)
    image = ax.imshow(density, cmap=cmap, vmin=0, vmax=max(float(density.max()), 1e-12) if binned else None,
                      extent=(0, N_post, N_pre, 0), interpolation="nearest", aspect="auto")
    ax.set_xlabel("postsynaptic neuron")
    ax.set_ylabel("presynaptic neuron")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
    bar.set_label("connection density" if binned else "synapses")
    bar.outline.set_visible(False)
    return ax
