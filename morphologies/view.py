"""Interactive 3D views of morphologies with plotly.

The reconstructed 3D path is always drawn as it is (every segment, true
positions); colours come from the segment itself (for a :class:`Cell`) or from
the compartment that contains it (for a :class:`Discretisation`).  To stay fast
for 12,000-point cells a view has a handful of traces, not one per segment:

``style="lines"`` (default)
    one ``Scatter3d`` of lines with ``None`` separators per neurite type (or
    per colour scale) and per width bin: plotly draws lines with a width in
    pixels, so diameters are mapped to ``width_bins`` widths (thicker is
    wider, not to scale).
``style="tubes"``
    one ``Mesh3d`` per neurite type (or one for a colour scale) of 8-sided
    tubes with the true diameters, to scale with the axes.

The soma is a sphere of the soma's area (see :mod:`morphologies.cell`).  Axes
have equal scales (:func:`scene_layout`: explicit ranges, box in proportion)
and the default camera is orthographic, looking at the xy plane with y up (the
apical axis of NeuroMorpho.Org files), turned slightly for depth.  :func:`save_html` writes one
self-contained HTML file that works offline (plotly.js embedded, no CDN).
Static images (``fig.write_image``) are optional: they need the ``kaleido``
package, which drives a local Chromium; nothing here depends on them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from .cell import Cell, type_name
from .discretisation import Discretisation, SectionGeometry
from .errors import OutputFileError, ParameterError
from .units import to_plain

__all__ = ["plot_morphology", "animate_morphology", "save_html", "scene_layout", "TYPE_COLORS",
           "COLOR_BY"]

#: Colour of each neurite type in views coloured by type.
TYPE_COLORS = {"soma": "#3a3a3a", "axon": "#1f77b4", "basal": "#d62728", "apical": "#9467bd"}
_CUSTOM_COLORS = ["#2ca02c", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
#: Named colourings: name -> colour bar title.
COLOR_BY = {"type": None, "distance": "distance to soma (um)", "branch_order": "branch order",
            "diameter": "diameter (um)", "section": "section id"}
_TUBE_SIDES = 8


def _type_color(code):
    name = type_name(code)
    return TYPE_COLORS.get(name, _CUSTOM_COLORS[int(code) % len(_CUSTOM_COLORS)])


class _Segments:
    """Every reconstructed segment of a cell (vectorised), with its compartment."""

    def __init__(self, cell, discretisation=None):
        geometry = SectionGeometry(cell)
        point_section = geometry.section_of_point
        keep = np.flatnonzero(point_section[1:] == point_section[:-1])
        self.start = cell.points[keep]
        self.end = cell.points[keep + 1]
        self.section = point_section[keep]
        self.type = cell.section_types[self.section]
        self.diameter = 0.5 * (cell.diameters[keep] + cell.diameters[keep + 1])
        mid_arc = 0.5 * (geometry.arc[keep] + geometry.arc[keep + 1])
        self.distance = geometry.start_distance[self.section] + mid_arc
        self.branch_order = cell.sections.branch_order[self.section]
        self.compartment = None
        if discretisation is not None:
            self.compartment = _compartment_of(discretisation.compartments, self.section,
                                               self.distance)

    def values(self, color_by, table=None):
        """Per-segment values of a named colouring, or of per-compartment values."""
        if isinstance(color_by, str):
            if table is not None:
                return np.asarray(table[color_by], dtype=float)[self.compartment]
            return np.asarray(getattr(self, color_by), dtype=float)
        return np.asarray(color_by, dtype=float)[self.compartment]


def _compartment_of(table, section, distance):
    """Index of the compartment of ``section`` that contains path distance ``distance``."""
    neurite = table.section >= 0
    scale = max(float(table.distance.max()), float(distance.max(initial=0))) + 1.0
    comp_key = table.section[neurite] * scale + (table.distance - table.length / 2)[neurite]
    order = np.argsort(comp_key)
    rows = table.index[neurite][order]
    pos = np.searchsorted(comp_key[order], section * scale + distance, side="right") - 1
    return rows[np.clip(pos, 0, len(rows) - 1)]


def _unpack(obj):
    if isinstance(obj, Discretisation):
        return obj.cell, obj
    if isinstance(obj, Cell):
        return obj, None
    raise ParameterError(f"expected a Cell or a Discretisation, got {type(obj).__name__}; load a "
                         "cell with morphologies.load (and discretise it for per-compartment "
                         "values).")


def _sphere(center, radius, n=16):
    theta, phi = np.meshgrid(np.linspace(0, np.pi, n), np.linspace(0, 2 * np.pi, 2 * n))
    xyz = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)],
                   axis=-1).reshape(-1, 3) * radius + center
    rows, cols = theta.shape
    idx = np.arange(rows * cols).reshape(rows, cols)
    a, b = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel()
    c, d = idx[1:, 1:].ravel(), idx[:-1, 1:].ravel()
    faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])
    return xyz, faces


def _polyline(segments, section):
    """Vertices of polylines through consecutive ``segments`` (sorted indices).

    A run of segments continues while they follow each other in one section;
    runs are separated by a NaN vertex.  Returns, per vertex, the segment it
    belongs to, whether it is that segment's start point, and the separators.
    """
    new_run = np.ones(len(segments), dtype=bool)
    new_run[1:] = (np.diff(segments) != 1) | (np.diff(section[segments]) != 0)
    per_segment = 1 + 2 * new_run  # [NaN,] start, end  or  end
    per_segment[0] -= 1  # no separator before the first run
    owner = np.repeat(np.arange(len(segments)), per_segment)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(per_segment) - per_segment, per_segment)
    starts_run = new_run[owner]
    first = np.arange(len(segments)) == 0
    offset = np.where(starts_run & ~first[owner], 1, 0)  # index of the start vertex in the group
    separator = starts_run & ~first[owner] & (rank == 0)
    is_start = starts_run & (rank == offset)
    return segments[owner], is_start, separator


def _width_bins(diameter, n_bins):
    """Bin index of each segment by diameter (log-spaced bins) and each bin's width (px)."""
    log_d = np.log(np.maximum(diameter, 1e-3))
    low, high = (log_d.min(), log_d.max()) if len(log_d) else (0.0, 0.0)
    edges = np.linspace(low, high, n_bins + 1)[1:-1]
    bins = np.searchsorted(edges, log_d)
    widths = np.linspace(2.0, 10.0, n_bins) if n_bins > 1 else np.array([4.0])
    return bins, widths


def _line_groups(seg, mask, width_bins):
    """Polylines of the segments in ``mask``, one group per width bin (non-empty)."""
    bins, widths = _width_bins(seg.diameter, width_bins)
    for b, width in enumerate(widths):
        sub = np.flatnonzero(mask & (bins == b))
        if len(sub):
            yield (width, *_polyline(sub, seg.section))


def _tube_mesh(start, end, diameter):
    """Vertices and faces of 8-sided tubes of the given diameters."""
    axis = end - start
    length = np.linalg.norm(axis, axis=1)
    ok = length > 0
    start, end, diameter, axis = start[ok], end[ok], diameter[ok], axis[ok] / length[ok, None]
    helper = np.where(np.abs(axis[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    u = np.cross(helper, axis)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v = np.cross(axis, u)
    angle = 2 * np.pi * np.arange(_TUBE_SIDES) / _TUBE_SIDES
    ring = (np.cos(angle)[None, :, None] * u[:, None, :]
            + np.sin(angle)[None, :, None] * v[:, None, :]) * (diameter[:, None, None] / 2)
    vertices = np.concatenate([start[:, None, :] + ring, end[:, None, :] + ring], axis=1)
    base = (np.arange(len(start)) * 2 * _TUBE_SIDES)[:, None]
    j, k = np.arange(_TUBE_SIDES), (np.arange(_TUBE_SIDES) + 1) % _TUBE_SIDES
    s_j, s_k, e_j, e_k = base + j, base + k, base + _TUBE_SIDES + j, base + _TUBE_SIDES + k
    faces = np.concatenate([np.stack([s_j, s_k, e_j], -1), np.stack([e_j, s_k, e_k], -1)], 1)
    return vertices.reshape(-1, 3), faces.reshape(-1, 3), ok


def _hover(seg, vertex_seg, label, values):
    """Per-vertex hover data (float32 customdata) and its template."""
    columns = [seg.section[vertex_seg], seg.distance[vertex_seg], seg.diameter[vertex_seg]]
    template = "section %{customdata[0]:.0f}<br>distance %{customdata[1]:.1f} um"
    template += "<br>diameter %{customdata[2]:.2f} um"
    if values is not None:
        columns.append(values[vertex_seg])
        template += f"<br>{label} %{{customdata[3]:.4g}}"
    return np.column_stack(columns).astype(np.float32), template + "<extra>%{fullData.name}</extra>"


def _f32(array):
    return np.asarray(array, dtype=np.float32)


def plot_morphology(obj, color_by="type", *, color_label=None, style="lines", markers=None,
                    colorscale="Viridis", cmin=None, cmax=None, width_bins=4, title=None,
                    hover=True):
    """Interactive 3D figure of a cell or of a discretised cell.

    Parameters
    ----------
    obj : Cell or Discretisation
        What to draw.  Per-compartment colourings need a Discretisation.
    color_by : str or array_like, optional
        ``"type"`` (default, one colour per neurite type), ``"distance"``
        (to the soma, um), ``"branch_order"``, ``"diameter"`` (um),
        ``"section"``, or an array of plain numbers with one value per
        compartment of the Discretisation (voltage / mV, synapse density, ...),
        index = compartment index.  Colour scales get a colour bar.
    color_label : str, optional
        Title of the colour bar (default: the name of the colouring).
    style : {"lines", "tubes"}, optional
        See the module docstring.
    markers : dict, optional
        Points of interest, ``{name: spec}``; ``spec`` is an (n, 3) array of
        positions (quantity, or plain numbers in um), or a dict with ``"xyz"`` or
        ``"compartments"`` (indices into the compartment table), and optional
        ``"text"`` (hover text per point), ``"color"``, ``"size"``, ``"symbol"``.
    colorscale : str, optional
        plotly colour scale (default ``"Viridis"``).
    cmin, cmax : float, optional
        Colour scale range (default: range of the values).
    width_bins : int, optional
        Number of line widths for the diameters (``style="lines"``), default 4.
    title : str, optional
        Figure title (default: the cell name).
    hover : bool, optional
        Hover text on every segment (default True; False makes smaller files).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    cell, disc = _unpack(obj)
    seg = _Segments(cell, disc)
    table = None if disc is None else disc.compartments
    if isinstance(color_by, str):
        if color_by not in COLOR_BY:
            raise ParameterError(f"color_by={color_by!r} is unknown; use one of {list(COLOR_BY)} "
                                 "or an array of one value per compartment.")
        label = color_label or COLOR_BY[color_by]
    else:
        if disc is None:
            raise ParameterError("per-compartment values (color_by array) need a Discretisation, "
                                 "not a Cell; pass morphologies.discretise(cell).")
        color_by = np.asarray(to_plain(color_by, "1", "color_by"), dtype=float)
        if color_by.shape != (disc.n,):
            raise ParameterError(f"color_by has shape {color_by.shape}; expected ({disc.n},), "
                                 "one value per compartment.")
        label = color_label or "value"
    by_type = isinstance(color_by, str) and color_by == "type"
    values = None if by_type else seg.values(color_by, table)
    soma_value = None
    if not by_type:
        soma_value = float(color_by[0]) if not isinstance(color_by, str) else (
            float(table[color_by][0]) if table is not None else 0.0)
        # named colourings scale on the neurites (the soma's diameter would dominate)
        named = isinstance(color_by, str) and len(values)
        all_values = values if named else np.append(values, soma_value)
        cmin = float(np.nanmin(all_values)) if cmin is None else cmin
        cmax = float(np.nanmax(all_values)) if cmax is None else cmax
    scale = dict(colorscale=colorscale, cmin=cmin, cmax=cmax)

    fig = go.Figure()
    groups = [(int(t), seg.type == t) for t in np.unique(seg.type)] if by_type else [
        (None, np.ones(len(seg.type), dtype=bool))]
    first_scale = True
    for code, mask in groups:
        name = type_name(code) if code is not None else label
        if style == "tubes":
            vertices, faces, ok = _tube_mesh(seg.start[mask], seg.end[mask], seg.diameter[mask])
            vertices, faces = _f32(vertices), faces.astype(np.int32)
            trace = dict(x=vertices[:, 0], y=vertices[:, 1], z=vertices[:, 2], i=faces[:, 0],
                         j=faces[:, 1], k=faces[:, 2], name=name, showlegend=by_type,
                         flatshading=False, hoverinfo="skip")
            if by_type:
                trace["color"] = _type_color(code)
            else:
                trace.update(intensity=_f32(np.repeat(values[mask][ok], 2 * _TUBE_SIDES)),
                             showscale=first_scale, colorbar=dict(title=label), **scale)
            fig.add_trace(go.Mesh3d(**trace))
            first_scale = False
            continue
        if style != "lines":
            raise ParameterError(f"style={style!r} is unknown; use 'lines' or 'tubes'.")
        shown = False
        for width, vertex_seg, is_start, separator in _line_groups(seg, mask, width_bins):
            xyz = _f32(np.where(is_start[:, None], seg.start[vertex_seg], seg.end[vertex_seg]))
            xyz[separator] = np.nan
            line = dict(width=float(width))
            if by_type:
                line["color"] = _type_color(code)
            else:
                line.update(color=_f32(values[vertex_seg]), showscale=first_scale,
                            colorbar=dict(title=label), **scale)
                first_scale = False
            trace = dict(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="lines", line=line,
                         name=name, legendgroup=name, showlegend=by_type and not shown,
                         connectgaps=False)
            if hover:
                customdata, template = _hover(seg, vertex_seg, label, values)
                trace.update(customdata=customdata, hovertemplate=template)
            else:
                trace["hoverinfo"] = "skip"
            fig.add_trace(go.Scatter3d(**trace))
            shown = True

    xyz, faces = _sphere(cell.soma.center, cell.soma.radius)
    xyz, faces = _f32(xyz), faces.astype(np.int32)
    soma = dict(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], i=faces[:, 0], j=faces[:, 1],
                k=faces[:, 2], name=f"soma ({cell.soma.kind})", showlegend=by_type,
                hovertext=f"soma ({cell.soma.kind}), area {cell.soma.area:.0f} um2",
                hoverinfo="text")
    if by_type:
        soma["color"] = TYPE_COLORS["soma"]
    else:
        soma.update(intensity=np.full(len(xyz), soma_value, np.float32), showscale=False, **scale)
    fig.add_trace(go.Mesh3d(**soma))
    for name, spec in (markers or {}).items():
        fig.add_trace(_marker_trace(name, spec, table))
    # bounds of everything drawn: tubes (with their radius), soma sphere, markers
    ends = np.concatenate([seg.start, seg.end])
    radius = np.tile(seg.diameter / 2, 2)[:, None]
    corners = np.vstack([ends - radius, ends + radius, cell.soma.center - cell.soma.radius,
                         cell.soma.center + cell.soma.radius]
                        + [np.column_stack([t.x, t.y, t.z]).astype(float) for t in fig.data
                           if isinstance(t, go.Scatter3d) and t.mode == "markers"])
    fig.update_layout(
        title=title if title is not None else cell.name,
        scene=scene_layout(np.nanmin(corners, 0), np.nanmax(corners, 0)),
        legend=dict(itemsizing="constant", x=0, y=1, xanchor="left", yanchor="top"),
        margin=dict(l=0, r=0, t=40, b=0),
        template="plotly_white")
    return fig


#: Default camera: orthographic, y (the apical axis of NeuroMorpho files) up, looking
#: along -z with a slight turn for depth.  ``eye`` is scaled to the scene's box.
CAMERA_DIRECTION = (0.25, 0.18, 1.0)
_EYE_DISTANCE = 1.5
#: Orthographic views are zoomed by scaling the box (plotly.js does the same on scroll).
_ZOOM = 1.8
#: Axes shorter on screen than this fraction of the longest get no tick labels.
_MIN_LABELLED_FRACTION = 0.2
_MAX_TICKS = 10


def scene_layout(lower, upper, *, pad=0.03):
    """3D scene with equal scales on x, y, z (um) and the default front camera.

    The axis ranges are the bounds plus ``pad`` of the largest extent; the
    box's aspect ratio is the ratio of the ranges (so 1 um is as long on every
    axis) and its largest side is 1, which the camera frames whatever the
    cell's shape.  Orthographic projection: lengths do not shrink with depth.

    Parameters
    ----------
    lower, upper : array_like, shape (3,)
        Bounds of what is drawn, um.
    pad : float, optional
        Margin, as a fraction of the largest extent.

    Returns
    -------
    dict
        plotly ``layout.scene``.
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    margin = pad * max(float(np.max(upper - lower)), 1.0)
    lower, upper = lower - margin, upper + margin
    span = upper - lower
    ratio = span / span.max()
    eye = np.asarray(CAMERA_DIRECTION) / np.linalg.norm(CAMERA_DIRECTION) * _EYE_DISTANCE
    axes = {f"{name}axis": dict(title=f"{name} (um)", range=[float(lo), float(hi)],
                                showbackground=False, showspikes=False)
            for name, lo, hi in zip("xyz", lower, upper)}
    # Tick labels need room on screen: an axis seen nearly end-on (z, towards the
    # camera) is short once projected, and its labels would run together.
    view = eye / np.linalg.norm(eye)
    on_screen = ratio * np.sqrt(np.clip(1 - view**2, 0, None))  # projected axis lengths
    fraction = on_screen / on_screen.max()
    for name, f in zip("xyz", fraction):
        if f < _MIN_LABELLED_FRACTION:
            axes[f"{name}axis"].update(showticklabels=False)
        elif f < 0.5:
            axes[f"{name}axis"].update(nticks=max(2, int(f * _MAX_TICKS)))
    return dict(aspectmode="manual", aspectratio=dict(zip("xyz", map(float, ratio * _ZOOM))),
                camera=dict(up=dict(x=0, y=1, z=0), center=dict(x=0, y=0, z=0),
                            eye=dict(zip("xyz", map(float, eye))),
                            projection=dict(type="orthographic")),
                **axes)


def _marker_trace(name, spec, table):
    if not isinstance(spec, dict):
        spec = {"xyz": spec}
    if "compartments" in spec:
        if table is None:
            raise ParameterError(f"markers {name!r}: compartments need a Discretisation; pass "
                                 "morphologies.discretise(cell).")
        xyz = table.position[np.asarray(spec["compartments"], dtype=np.int64)]
    else:
        xyz = np.asarray(to_plain(spec["xyz"], "um", f"markers[{name!r}]"),
                         dtype=float).reshape(-1, 3)
    marker = dict(size=spec.get("size", 4), color=spec.get("color", "#ff7f0e"),
                  symbol=spec.get("symbol", "circle"))
    text = spec.get("text")
    return go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="markers", name=name,
                        marker=marker, text=None if text is None else list(text),
                        hoverinfo="text+name" if text is not None else "name")


def animate_morphology(discretisation, values, times=None, *, color_label="value",
                       max_frames=100, cmin=None, cmax=None, **kwargs):
    """Animate per-compartment values over time (e.g. voltages), with a slider.

    Parameters
    ----------
    discretisation : Discretisation
    values : array_like, shape (n_times, n_compartments)
        One row per time step, plain numbers (e.g. ``StateMonitor(neuron, "v").v.T / mV``).
    times : brian2.Quantity or array_like, optional
        Time of each row (plain numbers: ms; default: the row number).
    color_label : str, optional
        Colour bar title (default ``"value"``; give the quantity and unit,
        e.g. ``"v (mV)"``).
    max_frames : int, optional
        At most this many evenly spaced rows become frames (default 100); the
        HTML grows by about 64 KiB per frame for a 12,000-point cell.
    cmin, cmax : float, optional
        Fixed colour range (default: range of all values).
    **kwargs
        Passed to :func:`plot_morphology` (``style="lines"`` only).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    values = np.asarray(to_plain(values, "1", "values"), dtype=float)
    if values.ndim != 2 or values.shape[1] != discretisation.n:
        raise ParameterError(f"values has shape {values.shape}; it must have shape (n_times, "
                             f"{discretisation.n}), one row per time.")
    times = (np.arange(len(values), dtype=float) if times is None
             else np.asarray(to_plain(times, "ms", "times"), dtype=float))
    rows = np.unique(np.linspace(0, len(values) - 1, min(max_frames, len(values))).astype(int))
    cmin = float(np.nanmin(values)) if cmin is None else cmin
    cmax = float(np.nanmax(values)) if cmax is None else cmax
    kwargs.setdefault("hover", False)
    fig = plot_morphology(discretisation, values[rows[0]], color_label=color_label, cmin=cmin,
                          cmax=cmax, **kwargs)
    seg = _Segments(discretisation.cell, discretisation)
    line_traces = [i for i, t in enumerate(fig.data) if isinstance(t, go.Scatter3d)
                   and t.mode == "lines"]
    groups = [vertex_seg for _, vertex_seg, _, _ in _line_groups(
        seg, np.ones(len(seg.section), dtype=bool), kwargs.get("width_bins", 4))]
    soma_trace = next(i for i, t in enumerate(fig.data) if isinstance(t, go.Mesh3d)
                      and t.name.startswith("soma"))
    n_soma_vertices = len(fig.data[soma_trace].x)
    frames = []
    for row in rows:
        per_segment = values[row][seg.compartment].astype(np.float32)
        data = [go.Scatter3d(line=dict(color=per_segment[vertex_seg])) for vertex_seg in groups]
        data.append(go.Mesh3d(intensity=np.full(n_soma_vertices, values[row][0], np.float32)))
        frames.append(go.Frame(data=data, traces=line_traces + [soma_trace],
                               name=f"{times[row]:g}"))
    fig.frames = frames
    steps = [dict(method="animate", label=f"{times[row]:g}",
                  args=[[f"{times[row]:g}"], dict(mode="immediate", frame=dict(duration=0),
                                                  transition=dict(duration=0))])
             for row in rows]
    fig.update_layout(
        sliders=[dict(steps=steps, x=0.1, len=0.9, y=0, yanchor="top", pad=dict(t=30, b=10),
                      currentvalue=dict(prefix="t (ms) = "))],
        updatemenus=[dict(type="buttons", showactive=False, direction="left", x=0.1, y=0,
                          xanchor="right", yanchor="top", pad=dict(t=40, r=10),
                          buttons=[dict(label="play", method="animate",
                                        args=[None, dict(frame=dict(duration=80, redraw=True),
                                                         fromcurrent=True)]),
                                   dict(label="pause", method="animate",
                                        args=[[None], dict(mode="immediate",
                                                           frame=dict(duration=0))])])],
        margin=dict(l=0, r=0, t=40, b=90))
    return fig


def save_html(fig, path):
    """Write a figure as one self-contained HTML file (plotly.js embedded, works offline).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    morphologies.errors.OutputFileError
        If the file cannot be written (an :class:`OSError`).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.write_html(str(path), include_plotlyjs=True, full_html=True, auto_play=False)
    except OSError as exc:
        raise OutputFileError(
            f"cannot write {path}: {exc.strerror or exc}; give the path of a file in a writable "
            "folder.", getattr(exc, "errno", None)) from exc
    return path
