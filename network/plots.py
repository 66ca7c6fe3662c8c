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

The original project's figures exist under their names and with their options:
:func:`raster_and_Vm` (shifted Vm traces above a raster, with an optional smoothed
rate panel, ``smooth_population_activity=``; ``raster_and_Vm_plot`` is the name its
demos call), :func:`pretty` (the same with a filled rate panel per population),
:func:`raster_subplot` and :func:`shifted_Vms_subplot` (their positional
signatures, drawing on a given axes) and :func:`shifted_Vms`.
:func:`activity_plots` also takes the original keywords (``POP_KEYS``,
``COLORS``, ``smooth_population_activity``, ``pop_act_args``, ``raster_args``,
``Vm_args``, ``axes_extents``).  Every function takes the data dict: a file name
is refused with the call that loads it (``ntwk.recording.load_dict_from_hdf5``).
Times (``tzoom``) are in ms or brian2 time Quantities.
"""

import functools
import itertools

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np

from stimuli import arguments

from .analysis import (
    binned_connectivity,
    check_population,
    duration,
    population_names,
    require_key,
    recorded_cell_spikes,
    smooth,
    spikes_in_window,
    time_array,
    time_step,
)
from .errors import ModelValueError, ParameterError, RecordingError, UnitError

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
    "raster_subplot",
    "shifted_Vms",
    "shifted_Vms_subplot",
    "raster_and_Vm",
    "raster_and_Vm_plot",
    "pretty",
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


def _color_map(data, colors, pops):
    """Colours by population: :func:`population_colors`, overridden by ``colors``.

    ``colors`` is None, a dict ``{pop: colour}``, or a sequence aligned with ``pops``
    (the original project's ``COLORS`` list; extra entries are ignored).
    """
    out = population_colors(data)
    if colors is None:
        return out
    if isinstance(colors, dict):
        out.update(colors)
        return out
    if isinstance(colors, str) or len(colors) < len(pops):
        raise ParameterError(
            f"COLORS={colors!r} must be a dict {{population: colour}} or a list with one colour per "
            f"population shown ({len(pops)}: {pops})."
        )
    out.update(zip(pops, colors))
    return out


def _step(subsampling, name="subsampling"):
    """A positive integer plotting step (every ``subsampling``-th sample)."""
    return arguments.check_count(subsampling, name, minimum=1, error=ParameterError)


def _selected_pops(data, pops):
    """Validated list of populations (default: the recurrent ones)."""
    if pops is None:
        return population_names(data)
    pops = [pops] if isinstance(pops, str) else list(pops)
    for pop in pops:
        check_population(data, pop)
    return pops


def _zoom(data, tzoom):
    """Time range to show, clipped to the simulation: ``(t0, t1)`` in ms."""
    tstop = duration(data)
    if tzoom is None:
        return 0.0, tstop
    if np.ndim(tzoom) != 1 or len(tzoom) != 2:
        raise ModelValueError(f"tzoom={tzoom!r} must be a pair (t_start, t_stop) in ms")
    start, stop = (float(arguments.to_plain(x, "ms", "tzoom", error=UnitError)) for x in tzoom)
    if not start < stop:
        raise ModelValueError(f"tzoom={tzoom!r}: give (t_start, t_stop) in ms with t_start < t_stop")
    t0, t1 = max(start, 0.0), min(stop, tstop)
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
    i = np.asarray(require_key(data, f"iRASTER_{pop}", f"spike indices of {pop!r}"))
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
def input_rate_plot(data, tzoom=None, ax=None, subsampling=1):
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
    subsampling : int, optional
        Draw every ``subsampling``-th sample.

    Returns
    -------
    matplotlib Axes
    """
    step = _step(subsampling)
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
            ax.plot(t[window][::step], rate[window][::step], color=color, lw=1.2, ls=("-", "--", ":")[m % 3],
                    label=f"{afferent} \u2192 {', '.join(names)}")
    ax.set_ylabel("input (Hz)")
    ax.set_xlabel(_TIME_LABEL)
    ax.set_xlim(t0, t1)
    _rate_ylim(ax)
    ax.legend(loc="upper left", handlelength=1.2)
    _despine(ax)
    return ax


@_styled
def raster_plot(data, pops=None, tzoom=None, ax=None, max_neurons=2000, markersize=1.5, colors=None,
                subsampling=1):
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
    colors : dict or list, optional
        Colours overriding :func:`population_colors` (a list is aligned with ``pops``).
    subsampling : int, optional
        Draw every ``subsampling``-th spike of each population (in time order).

    Returns
    -------
    matplotlib Axes
        One ``Line2D`` per population, labelled with its name, whose points are
        the spikes drawn.
    """
    pops = _selected_pops(data, pops)
    step = _step(subsampling)
    max_neurons = arguments.check_count(max_neurons, "max_neurons", minimum=1, error=ModelValueError)
    t0, t1 = _zoom(data, tzoom)
    ax = _new_axes(ax)
    colors = _color_map(data, colors, pops)
    sizes = [_raster_size(data, pop) for pop in pops]
    shown = _raster_rows(sizes, max_neurons)
    offset, ticks, labels = 0, [], []
    for pop, n, n_shown in zip(pops, sizes, shown):
        t, i = spikes_in_window(data, pop, t0, t1)
        keep = i < n_shown
        t, i = t[keep][::step], i[keep][::step]
        keep = np.ones(t.size, dtype=bool)
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
def vm_plot(data, pop, tzoom=None, n_traces=3, spike_peak=0.0, ax=None, color=None, subsampling=1, lw=0.8):
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
    color : matplotlib colour, optional
        Colour of the first trace (the others are darker shades); default
        :func:`population_colors`.
    subsampling : int, optional
        Draw every ``subsampling``-th sample of the traces.
    lw : float, optional
        Line width.

    Returns
    -------
    matplotlib Axes
    """
    check_population(data, pop)
    step = _step(subsampling)
    V = np.atleast_2d(np.asarray(require_key(data, f"VMS_{pop}", f"membrane potentials of {pop!r}")))
    if n_traces is not None:
        n_traces = arguments.check_count(n_traces, "n_traces", minimum=1, error=ModelValueError)
        V = V[:n_traces]
    t0, t1 = _zoom(data, tzoom)
    t = time_array(data, V.shape[1])
    window = _time_slice(t, t0, t1)
    ax = _new_axes(ax)
    color = color if color is not None else population_colors(data).get(pop, _OTHER_COLORS[0])
    shades = _shades(color, V.shape[0])
    for v, shade in zip(V, shades):
        ax.plot(t[window][::step], v[window][::step], color=shade, lw=lw)
    keys = (f"VMS_{pop}_indices", f"tRASTER_{pop}", f"iRASTER_{pop}")
    if spike_peak is not None and all(k in data for k in keys):
        ts, rows = recorded_cell_spikes(data, pop, t0, t1)
        shown = rows < V.shape[0]
        ts, rows = ts[shown], rows[shown]
        # Vm sampled at the spike time step (before the reset)
        sample = np.clip(np.searchsorted(t, ts - 0.5 * time_step(data)), 0, t.size - 1)
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
    check_population(data, pop)
    what = f"synaptic currents of {pop!r} (build with with_synaptic_currents=True)"
    Ie = np.atleast_2d(np.asarray(require_key(data, f"ISYNe_{pop}", what))).mean(axis=0)
    Ii = np.atleast_2d(np.asarray(require_key(data, f"ISYNi_{pop}", what))).mean(axis=0)
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
def pop_act_plot(data, pops=None, tzoom=None, smooth_ms=None, ax=None, colors=None, subsampling=1,
                 log_scale=False):
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
    colors : dict or list, optional
        Colours overriding :func:`population_colors` (a list is aligned with ``pops``).
    subsampling : int, optional
        Draw every ``subsampling``-th sample (after smoothing).
    log_scale : bool, optional
        Logarithmic rate axis (the original's ``log_scale``; zero rates are not drawn).

    Returns
    -------
    matplotlib Axes
        One line per population, labelled with its name.
    """
    step = _step(subsampling)
    if smooth_ms is not None:
        smooth_ms = float(arguments.to_plain(smooth_ms, "ms", "smooth_ms", error=UnitError))
    if pops is None:
        pops = [p for p in population_names(data) if f"POP_ACT_{p}" in data]
        if not pops:
            raise RecordingError("the data has no 'POP_ACT_<pop>' key (population rate)")
    pops = _selected_pops(data, pops)
    t0, t1 = _zoom(data, tzoom)
    ax = _new_axes(ax)
    colors = _color_map(data, colors, pops)
    for pop in pops:
        rate = np.asarray(require_key(data, f"POP_ACT_{pop}", f"population rate of {pop!r}"), dtype=np.float64)
        if smooth_ms:
            rate = smooth(rate, time_step(data), smooth_ms)
        t = time_array(data, rate.size)
        window = _time_slice(t, t0, t1)
        ax.plot(t[window][::step], rate[window][::step], color=colors.get(pop), lw=1.0, label=pop)
    ax.set_xlim(t0, t1)
    if log_scale:
        ax.set_yscale("log")
    else:
        _rate_ylim(ax)
    ax.set_ylabel("rate (Hz)" if not smooth_ms else f"rate (Hz)\n$\\sigma$={smooth_ms:g} ms")
    ax.set_xlabel(_TIME_LABEL)
    if len(pops) > 1:
        ax.legend(loc="best", ncols=len(pops), handlelength=1.2)
    _despine(ax)
    return ax


class _Default(float):
    """The default smoothing (5 ms), distinguishable from a value the caller passed."""

    def __repr__(self):
        return "5.0"


_DEFAULT = _Default(5.0)


def _check_data(data, function):
    """Refuse a file name or a network where a data dict is expected, saying what to pass."""
    import os
    from collections.abc import Mapping

    if isinstance(data, (str, bytes, os.PathLike)):
        name = os.fsdecode(data)
        raise ParameterError(
            f"{function} got the file name {name!r}, not a data dict: load it first, "
            f"{function}(ntwk.recording.load_dict_from_hdf5({name!r}))."
        )
    if not isinstance(data, Mapping) or ("NEURONS" in data and "OBJECTS" in data):
        raise ParameterError(
            f"{function} takes the data dict, not the network ({type(data).__name__}): pass "
            "network.recording.collect(NTWK) (or what write_as_hdf5 / load_dict_from_hdf5 return)."
        )


def _options(given, allowed, name):
    """A dict of the original project's plotting options, unknown keys refused."""
    given = dict(given or {})
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ParameterError(f"{name} has unknown option(s) {unknown}; accepted: {sorted(allowed)}.")
    return given


@_styled
def activity_plots(data, pop_key=None, tzoom=None, smooth_ms=_DEFAULT, Vm_traces=3,
                   max_neurons=2000, spike_peak=0.0, figsize=None, currents=False, *,
                   POP_KEYS=None, COLORS=None, smooth_population_activity=None, subsampling=1,
                   pop_act_args=None, raster_args=None, raster_plot_args=None, Vm_args=None,
                   axes_extents=None):
    """The activity figure: inputs, raster, Vm traces and population rates.

    Parameters
    ----------
    data : dict
        Data dict of a run (e.g. from ``load_dict_from_hdf5``).  A file name is refused
        with the call that loads it.
    pop_key : str or list of str or None
        Populations to show (default: the recurrent ones); ``POP_KEYS`` is the
        original project's name of this argument.
    tzoom : (float, float) or None
        Time range in ms, or time Quantities (clipped to the simulation: ``[t0, np.inf]``
        works as in the original).
    smooth_ms : float or None
        Standard deviation (ms) of the Gaussian smoothing of the population rates,
        shown in the axis label (default 5 ms: a rate sampled every ``dt`` moves by
        ``1 / (N dt)`` per spike, 2.5 Hz for 4000 cells at 0.1 ms, an unreadable
        comb); None or 0 for the raw rate.  ``smooth_population_activity`` (the
        name the original demos use) and ``pop_act_args['smoothing']`` are the
        same option: give one of them.
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
    POP_KEYS : list of str, optional
        The original's name of ``pop_key``.
    COLORS : list or dict, optional
        Colours of the populations (a list aligned with the populations shown, as
        in the original, or ``{pop: colour}``); default :func:`population_colors`.
    smooth_population_activity : float, optional
        The original demos' name of ``smooth_ms`` (ms).
    subsampling : int
        Draw every ``subsampling``-th sample of the input, Vm and rate traces.
    pop_act_args : dict, optional
        The original's options of the rate panel: ``smoothing`` (ms),
        ``subsampling``, ``log_scale``.
    raster_args, raster_plot_args : dict, optional
        Options of the raster: ``subsampling`` (every n-th spike), ``ms`` (dot size).
    Vm_args : dict, optional
        Options of the Vm panels: ``subsampling``, ``lw``, ``spike_peak``.
    axes_extents : dict, optional
        Relative panel heights, the original's ``dict(Aff=1, Raster=2, Rate=1, Vm=2)``
        (missing entries keep the defaults; ``Isyn`` for the current panels).

    Returns
    -------
    fig : matplotlib Figure
    AX : list of matplotlib Axes
        The panels from top to bottom, sharing the time axis; each carries a
        label (``ax.get_label()``): ``'input'``, ``'raster'``, ``'Vm_<pop>'``,
        ``'Isyn_<pop>'``, ``'pop_act'``.

    Raises
    ------
    ParameterError
        A file name or a network instead of the data dict; two values for one
        option (``pop_key`` and ``POP_KEYS``, two smoothings); an unknown option.
    RecordingError
        If none of the panels has data.
    """
    _check_data(data, "activity_plots")
    if POP_KEYS is not None:
        if pop_key is not None:
            raise ParameterError("give the populations once: pop_key or POP_KEYS (the original's name).")
        pop_key = POP_KEYS
    rate_opts = _options(pop_act_args, ("smoothing", "subsampling", "log_scale"), "pop_act_args")
    if raster_args is not None and raster_plot_args is not None:
        raise ParameterError("give the raster options once: raster_args or raster_plot_args.")
    raster_opts = _options(raster_args if raster_args is not None else raster_plot_args,
                           ("subsampling", "ms"), "raster_args")
    vm_opts = _options(Vm_args, ("subsampling", "lw", "spike_peak", "Vm_is_the_last_one"), "Vm_args")
    vm_opts.pop("Vm_is_the_last_one", None)  # the original's layout flag: the layout here is automatic
    smoothings = {name: value for name, value in (("smooth_ms", smooth_ms),
                                                  ("smooth_population_activity", smooth_population_activity),
                                                  ("pop_act_args['smoothing']", rate_opts.get("smoothing", _DEFAULT)))
                  if value is not _DEFAULT and not (name == "smooth_population_activity" and value is None)}
    smoothings = {name: None if value is None else float(arguments.to_plain(value, "ms", name, error=UnitError))
                  for name, value in smoothings.items()}
    if len(smoothings) > 1:
        raise ParameterError(f"the population-rate smoothing is given {len(smoothings)} times "
                             f"({', '.join(smoothings)}); give it once (standard deviation in ms).")
    smooth_rates = next(iter(smoothings.values())) if smoothings else 5.0
    extents = {"Aff": 1.0, "Raster": 2.0, "Vm": 1.2, "Isyn": 1.0, "Rate": 1.3}
    extents.update(_options(axes_extents, tuple(extents), "axes_extents"))
    step = _step(subsampling)
    pops = _selected_pops(data, pop_key)
    colors = _color_map(data, COLORS, pops)
    if "spike_peak" in vm_opts:
        spike_peak = vm_opts.pop("spike_peak")
    panels = []  # (label, height, draw(ax))
    if _rate_keys(data):
        panels.append(("input", extents["Aff"], lambda ax: input_rate_plot(data, tzoom, ax=ax, subsampling=step)))
    raster_pops = [p for p in pops if f"tRASTER_{p}" in data]
    if raster_pops:
        panels.append(("raster", extents["Raster"], lambda ax: raster_plot(
            data, raster_pops, tzoom, ax=ax, max_neurons=max_neurons, colors=colors,
            markersize=raster_opts.get("ms", 1.5), subsampling=raster_opts.get("subsampling", 1))))
    for pop in pops:
        if f"VMS_{pop}" in data:
            panels.append((f"Vm_{pop}", extents["Vm"], lambda ax, p=pop: vm_plot(
                data, p, tzoom, n_traces=Vm_traces, spike_peak=spike_peak, ax=ax, color=colors.get(p),
                subsampling=vm_opts.get("subsampling", step), lw=vm_opts.get("lw", 0.8))))
        if currents:
            panels.append((f"Isyn_{pop}", extents["Isyn"], lambda ax, p=pop: current_plot(data, p, tzoom, ax=ax)))
    act_pops = [p for p in pops if f"POP_ACT_{p}" in data]
    if act_pops:
        panels.append(("pop_act", extents["Rate"], lambda ax: pop_act_plot(
            data, act_pops, tzoom, smooth_rates, ax=ax, colors=colors,
            subsampling=rate_opts.get("subsampling", step), log_scale=rate_opts.get("log_scale", False))))
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


# ----------------------------------------------------------------------------
# the original project's raster-and-Vm layouts
# ----------------------------------------------------------------------------
def _original_pops(data, POP_KEYS):
    pops = population_names(data) if POP_KEYS is None else ([POP_KEYS] if isinstance(POP_KEYS, str)
                                                              else list(POP_KEYS))
    for pop in pops:
        check_population(data, pop)
    return pops


def _scale_bars(ax, x0, y0, Tbar, Vbar, color="k"):
    """A time bar of ``Tbar`` ms and a potential bar of ``Vbar`` mV from ``(x0, y0)``."""
    ax.plot([x0, x0 + Tbar], [y0, y0], color=color, lw=1.0, gid="scale_time")
    ax.annotate(f"{Tbar:g} ms", (x0 + Tbar / 2, y0), xytext=(0, -2), textcoords="offset points",
                ha="center", va="top", fontsize="small")
    if Vbar:
        ax.plot([x0, x0], [y0, y0 + Vbar], color=color, lw=1.0, gid="scale_V")
        ax.annotate(f"{Vbar:g} mV", (x0, y0 + Vbar / 2), xytext=(-2, 0), textcoords="offset points",
                    ha="right", va="center", fontsize="small", rotation=90)


@_styled
def raster_subplot(data, ax, POP_KEYS, COLORS, tzoom, Nmax_per_pop_cond=None, subsampling=1,
                   with_annot=True, ms=0.5):
    """The original project's raster panel, drawn on ``ax``.

    Populations are stacked from the top in the order of ``POP_KEYS`` (the y axis is
    inverted, as in the original); population ``k`` shows its neurons
    ``i < Nmax_per_pop_cond[k]`` (default ``N_<pop>``, else the largest index + 1).

    Parameters
    ----------
    data : dict
    ax : matplotlib Axes
    POP_KEYS : list of str
        Populations (recurrent or afferent with a recorded raster).
    COLORS : list or dict
        One colour per population.
    tzoom : (float, float)
        Time window in ms, half-open ``[t0, t1)``, clipped to the simulation
        (``np.inf`` is accepted).
    Nmax_per_pop_cond : list of int, optional
        Number of neurons shown per population.
    subsampling : int
        Draw every ``subsampling``-th spike (in time order) of each population.
    with_annot : bool
        Write the neuron count beside the axis.
    ms : float
        Dot size in points.

    Returns
    -------
    matplotlib Axes
        One ``Line2D`` of points per population (gid ``'raster_<pop>'``).
    """
    pops = _original_pops(data, POP_KEYS)
    colors = _color_map(data, COLORS, pops)
    step = _step(subsampling)
    if Nmax_per_pop_cond is None:
        Nmax_per_pop_cond = [_raster_size(data, pop) for pop in pops]
    if len(Nmax_per_pop_cond) != len(pops):
        raise ParameterError(f"Nmax_per_pop_cond has {len(Nmax_per_pop_cond)} entries for {len(pops)} "
                             f"populations {pops}; give one number of neurons each.")
    t0, t1 = _zoom(data, tzoom)
    n = 0
    for pop, nmax in zip(pops, Nmax_per_pop_cond):
        nmax = arguments.check_count(nmax, "Nmax_per_pop_cond", error=ParameterError)
        t, i = spikes_in_window(data, pop, t0, t1)
        keep = i < nmax
        t, i = t[keep][::step], i[keep][::step]
        line, = ax.plot(t, n + i, ls="none", marker=".", ms=ms, mew=0, color=colors.get(pop),
                        rasterized=bool(t.size > 20000))
        line.set_gid(f"raster_{pop}")
        n += nmax
    ax.set_xlim(t0, t1)
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_yticks([])
    ax.invert_yaxis()
    if with_annot:
        ax.annotate(f"{n} ", (0, 1), xycoords="axes fraction", ha="right", va="center")
        ax.annotate("1 ", (0, 0), xycoords="axes fraction", ha="right", va="center")
        ax.annotate("neurons", (0, 0.5), xycoords="axes fraction", ha="right", va="center", rotation=90)
    return ax


@_styled
def shifted_Vms(data, pop=None, tzoom=None, v_shift=10.0, Tbar=50.0, spike_peak=None, colors=None,
                ax=None, subsampling=1, lw=1.0, n_traces=None):
    """Recorded membrane potentials stacked with a vertical shift, with scale bars (no axes).

    Trace ``k`` (counting over the populations in order, cells in recording order,
    from the top) is drawn at ``V + (n - 1 - k) * v_shift``.  Spikes of the
    recorded cells (from the raster) are drawn as vertical bars up to
    ``spike_peak`` (mV, before the shift) when it is given.

    Parameters
    ----------
    data : dict
        Needs ``VMS_<pop>``; spike bars need ``VMS_<pop>_indices`` and the raster.
    pop : str or list of str or None
        Populations (default: every population with recorded Vm).
    tzoom : (float, float) or None
        Time window in ms.
    v_shift : float
        Shift between successive traces (mV); also the height of the scale bar.
    Tbar : float
        Length of the time scale bar (ms).
    spike_peak : float or None
        Top of the spike bars (mV); None draws none.
    colors : dict or list, optional
        Colours of the populations.
    ax : matplotlib Axes or None
    subsampling : int
        Draw every ``subsampling``-th sample.
    lw : float
    n_traces : int or None
        At most this many recorded cells per population (None: all).

    Returns
    -------
    matplotlib Axes
        One line per trace (gid ``'Vm_<pop>_<row>'``), spike bars (a LineCollection
        per population with spikes, gid ``'spikes_<pop>'``) and the scale bars.
    """
    if pop is None:
        pops = [p for p in population_names(data) if f"VMS_{p}" in data]
        if not pops:
            raise RecordingError("the data has no 'VMS_<pop>' key (recorded membrane potentials)")
    else:
        pops = _original_pops(data, pop)
    colors = _color_map(data, colors, pops)
    step = _step(subsampling)
    v_shift = float(arguments.to_plain(v_shift, "mV", "v_shift", error=UnitError))
    Tbar = float(arguments.to_plain(Tbar, "ms", "Tbar", error=UnitError))
    t0, t1 = _zoom(data, tzoom)
    traces = []
    for p in pops:
        V = np.atleast_2d(np.asarray(require_key(data, f"VMS_{p}", f"membrane potentials of {p!r}"), dtype=np.float64))
        if n_traces is not None:
            V = V[:arguments.check_count(n_traces, "n_traces", minimum=1, error=ParameterError)]
        traces += [(p, row, v) for row, v in enumerate(V)]
    ax = _new_axes(ax, figsize=(5.0, 3.0))
    n = len(traces)
    bottom = np.inf
    for k, (p, row, v) in enumerate(traces):
        t = time_array(data, v.size)
        window = _time_slice(t, t0, t1)
        offset = (n - 1 - k) * v_shift
        line, = ax.plot(t[window][::step], v[window][::step] + offset, color=colors.get(p), lw=lw)
        line.set_gid(f"Vm_{p}_{row}")
        bottom = min(bottom, float(np.nanmin(v[window], initial=np.inf)) + offset)
    if spike_peak is not None:
        for p in pops:
            if not all(k in data for k in (f"VMS_{p}_indices", f"tRASTER_{p}", f"iRASTER_{p}")):
                continue
            rows_of = {row: k for k, (q, row, _) in enumerate(traces) if q == p}
            ts, rows = recorded_cell_spikes(data, p, t0, t1)
            shown = np.isin(rows, list(rows_of))
            ts, rows = ts[shown], rows[shown]
            if not ts.size:
                continue
            ks = np.array([rows_of[r] for r in rows])
            V = np.atleast_2d(np.asarray(data[f"VMS_{p}"], dtype=np.float64))
            t = time_array(data, V.shape[1])
            sample = np.clip(np.searchsorted(t, ts - 0.5 * time_step(data)), 0, t.size - 1)
            offsets = (n - 1 - ks) * v_shift
            bars = ax.vlines(ts, V[rows, sample] + offsets, spike_peak + offsets, colors=colors.get(p), lw=lw)
            bars.set_gid(f"spikes_{p}")
    if not np.isfinite(bottom):
        bottom = 0.0
    _scale_bars(ax, t0, bottom - 0.5 * v_shift, Tbar, v_shift)
    ax.set_xlim(t0, t1)
    ax.axis("off")
    return ax


def shifted_Vms_subplot(data, ax, POP_KEYS, COLORS, tzoom, v_shift=10, Tbar=50, spike_peak=None):
    """The original project's signature of :func:`shifted_Vms` (drawn on ``ax``).

    The original drew no spikes (its ``spike_peak`` branch referenced an undefined
    variable); here ``spike_peak`` draws them as :func:`shifted_Vms` does.
    """
    return shifted_Vms(data, POP_KEYS, tzoom, v_shift=v_shift, Tbar=Tbar, spike_peak=spike_peak,
                       colors=COLORS, ax=ax)


def _vm_options(Vm_args, defaults):
    """Map the original ``few_Vm_plot`` options onto :func:`shifted_Vms`."""
    opts = _options(Vm_args, ("subsampling", "lw", "clip_spikes", "vpeak", "shift", "bar_scales_args",
                              "spike_peak", "v_shift", "Tbar"), "Vm_args")
    if opts.pop("clip_spikes", False):
        raise ParameterError("Vm_args clip_spikes=True is not available: the traces show the reset "
                             "as recorded (give clip_spikes=False or leave it out).")
    bars = opts.pop("bar_scales_args", None) or {}
    out = dict(defaults)
    out.update({"subsampling": opts.get("subsampling", 1), "lw": opts.get("lw", 1.0)})
    if "vpeak" in opts or "spike_peak" in opts:
        out["spike_peak"] = opts.get("vpeak", opts.get("spike_peak"))
    if "shift" in opts or "v_shift" in opts:
        out["v_shift"] = opts.get("shift", opts.get("v_shift"))
    if "Tbar" in opts or "Xbar" in bars:
        out["Tbar"] = opts.get("Tbar", bars.get("Xbar"))
    return out


def _pop_fill(data, ax, pop, color, tzoom, smoothing):
    """The original's single-population rate panel: the (smoothed) rate filled, with a scale bar."""
    rate = np.asarray(require_key(data, f"POP_ACT_{pop}", f"population rate of {pop!r}"), dtype=np.float64)
    if smoothing:
        rate = smooth(rate, time_step(data), smoothing)
    t = time_array(data, rate.size)
    t0, t1 = _zoom(data, tzoom)
    window = _time_slice(t, t0, t1)
    ax.fill_between(t[window], 0.0, rate[window], color=color, lw=0, gid=f"rate_{pop}")
    top = float(rate[window].max(initial=0.0)) or 1.0
    ax.set_ylim(0.0, 1.05 * top)
    ax.set_xlim(t0, t1)
    ax.annotate(f"{top:.1f} Hz {pop}", (1.0, 1.0), xycoords="axes fraction", ha="right", va="top",
                color=color, fontsize="small")
    ax.axis("off")
    return ax


def _original_figure(n_axes, heights, figsize, dpi):
    fig, axes = plt.subplots(n_axes, 1, sharex=True, figsize=figsize, dpi=dpi, layout="constrained",
                             gridspec_kw=dict(height_ratios=heights), squeeze=False)
    return fig, list(axes[:, 0])


@_styled
def raster_and_Vm(data, POP_KEYS=None, COLORS=None, tzoom=None, axes_extents=None, figsize=(5.0, 3.0),
                  Vm_args=None, Raster_args=None, fig_args=None, smooth_population_activity=None):
    """The original project's figure of shifted Vm traces above a raster.

    Parameters
    ----------
    data : dict
    POP_KEYS : list of str, optional
        Populations (default: the recurrent ones); those without recorded Vm only
        appear in the raster.
    COLORS : list or dict, optional
        Colours (default :func:`population_colors`).
    tzoom : (float, float) or None
        Time window in ms (``[0, np.inf]`` as in the original works).
    axes_extents : dict, optional
        Relative heights, default ``dict(Raster=1, Vm=3)`` (``Rate`` for the rate panel).
    figsize : (float, float)
        Figure size in inches.
    Vm_args : dict, optional
        The original ``few_Vm_plot`` options: ``shift`` (mV between traces, default
        20), ``vpeak`` (top of the spike bars, mV), ``subsampling``, ``lw``,
        ``bar_scales_args={'Xbar': ms}``; ``clip_spikes`` must be False.
    Raster_args : dict, optional
        :func:`raster_subplot` options: ``ms`` (default 2), ``with_annot`` (default
        False), ``subsampling``, ``Nmax_per_pop_cond``.
    fig_args : dict, optional
        The original's figure options (``figsize`` in its per-axis units, margins):
        accepted for compatibility, only ``dpi`` is used; the size is ``figsize``
        (inches) and the layout matplotlib's constrained layout.
    smooth_population_activity : float or None
        If given (ms), add below the raster a panel of the population rates,
        Gaussian-smoothed with this standard deviation (what the demos that pass
        this option to the original's missing ``raster_and_Vm_plot`` meant).

    Returns
    -------
    fig : matplotlib Figure
    AX : list of matplotlib Axes
        ``[Vm, raster]`` (and the rate panel last), labels ``'Vm'``, ``'raster'``,
        ``'pop_act'``.
    """
    _check_data(data, "raster_and_Vm")
    pops = _original_pops(data, POP_KEYS)
    extents = {"Raster": 1.0, "Vm": 3.0, "Rate": 1.0}
    extents.update(_options(axes_extents, tuple(extents), "axes_extents"))
    fig_opts = _options(fig_args, ("figsize", "dpi", "hspace", "bottom", "top", "left", "right", "ax_scale"),
                        "fig_args")
    raster_opts = dict(ms=2.0, with_annot=False)
    raster_opts.update(_options(Raster_args, ("ms", "with_annot", "subsampling", "Nmax_per_pop_cond"),
                                "Raster_args"))
    vm = _vm_options(Vm_args, {"v_shift": 20.0, "Tbar": 50.0, "spike_peak": None})
    vm_pops = [p for p in pops if f"VMS_{p}" in data]
    raster_pops = [p for p in pops if f"tRASTER_{p}" in data]
    if not vm_pops and not raster_pops:
        raise RecordingError(f"nothing to plot: no 'VMS_<pop>' nor 'tRASTER_<pop>' key for {pops}")
    rate_pops = [p for p in pops if f"POP_ACT_{p}" in data] if smooth_population_activity is not None else []
    if smooth_population_activity is not None and not rate_pops:
        raise RecordingError(f"smooth_population_activity was given but the data has no 'POP_ACT_<pop>' key "
                             f"for {pops} (build with with_pop_act=True).")
    panels = ([("Vm", extents["Vm"])] if vm_pops else []) + ([("raster", extents["Raster"])] if raster_pops else [])
    panels += [("pop_act", extents["Rate"])] if rate_pops else []
    fig, AX = _original_figure(len(panels), [h for _, h in panels], figsize, fig_opts.get("dpi"))
    colors = _color_map(data, COLORS, pops)
    for ax, (label, _) in zip(AX, panels):
        ax.set_label(label)
        if label == "Vm":
            shifted_Vms(data, vm_pops, tzoom, colors=colors, ax=ax, **vm)
        elif label == "raster":
            raster_subplot(data, ax, raster_pops, colors, tzoom, **raster_opts)
            ax.axis("off")
        else:
            pop_act_plot(data, rate_pops, tzoom, smooth_ms=smooth_population_activity, ax=ax, colors=colors)
    return fig, AX


raster_and_Vm_plot = raster_and_Vm
"""The name the original demos call (it did not exist there): :func:`raster_and_Vm`."""


@_styled
def pretty(data, POP_KEYS=None, COLORS=None, tzoom=None, axes_extents=None, Vm_args=None,
           Raster_args=None, Rate_args=None, fig_args=None, figsize=(5.0, 4.0)):
    """The original project's "pretty" figure: shifted Vm traces, raster, one rate panel per population.

    Parameters
    ----------
    data : dict
    POP_KEYS, COLORS, tzoom, Vm_args, Raster_args, fig_args
        As :func:`raster_and_Vm` (``tzoom=None`` is the whole run; the original
        crashed on it).
    axes_extents : dict, optional
        Relative heights, default ``dict(Raster=3, Vm=7, Rate=1)``; leave ``Rate``
        out (as the toy-network demo does) for no rate panels.
    Rate_args : dict, optional
        ``smoothing``: standard deviation in ms of the Gaussian smoothing of the
        filled rate panels (default 10).
    figsize : (float, float)
        Figure size in inches.

    Returns
    -------
    fig : matplotlib Figure
    AX : list of matplotlib Axes
        ``[Vm, raster, rate_<pop>...]`` (labels ``'Vm'``, ``'raster'``, ``'rate_<pop>'``).
    """
    _check_data(data, "pretty")
    pops = _original_pops(data, POP_KEYS)
    extents = {"Raster": 3.0, "Vm": 7.0, "Rate": 1.0} if axes_extents is None else \
        _options(axes_extents, ("Raster", "Vm", "Rate"), "axes_extents")
    for key, default in (("Raster", 3.0), ("Vm", 7.0)):
        extents.setdefault(key, default)
    fig_opts = _options(fig_args, ("figsize", "dpi", "hspace", "bottom", "top", "left", "right", "ax_scale"),
                        "fig_args")
    raster_opts = dict(ms=1.0, with_annot=False)
    raster_opts.update(_options(Raster_args, ("ms", "with_annot", "subsampling", "Nmax_per_pop_cond"),
                                "Raster_args"))
    rate_opts = dict(smoothing=10.0)
    rate_opts.update(_options(Rate_args, ("smoothing",), "Rate_args"))
    vm = _vm_options(Vm_args, {"v_shift": 20.0, "Tbar": 50.0, "spike_peak": None})
    vm_pops = [p for p in pops if f"VMS_{p}" in data]
    rate_pops = [p for p in pops if f"POP_ACT_{p}" in data] if "Rate" in extents else []
    panels = [("Vm", extents["Vm"])] if vm_pops else []
    panels += [("raster", extents["Raster"])]
    panels += [(f"rate_{p}", extents["Rate"]) for p in rate_pops]
    fig, AX = _original_figure(len(panels), [h for _, h in panels], figsize, fig_opts.get("dpi"))
    colors = _color_map(data, COLORS, pops)
    for ax, (label, _) in zip(AX, panels):
        ax.set_label(label)
        if label == "Vm":
            shifted_Vms(data, vm_pops, tzoom, colors=colors, ax=ax, **vm)
        elif label == "raster":
            raster_subplot(data, ax, [p for p in pops if f"tRASTER_{p}" in data], colors, tzoom, **raster_opts)
            ax.axis("off")
        else:
            p = label[len("rate_"):]
            _pop_fill(data, ax, p, colors.get(p), tzoom, rate_opts["smoothing"])
    return fig, AX
