"""3D views: a handful of traces, true geometry, colour bars, markers, animation, offline HTML."""

import re
import warnings

import numpy as np
import plotly.graph_objects as go
import pytest
from brian2 import ms, mV

from morphologies import (animate_morphology, ball_and_stick, discretise, load_bundled,
                          plot_morphology, save_html, y_branch)
from morphologies.errors import NonStandardSomaWarning, UnitError
from morphologies.view import COLOR_BY, _Segments


@pytest.fixture(scope="module")
def small():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonStandardSomaWarning)
        return discretise(load_bundled("L23BPC"))


def _assert_equal_scales_and_front_view(fig, cell):
    """1 um is as long on x, y and z; everything drawn is inside the axis ranges; the
    camera looks at the xy plane (y up, the apical axis) within 20 degrees."""
    scene = fig.layout.scene
    assert scene.aspectmode == "manual"
    spans = [np.diff(getattr(scene, f"{a}axis").range)[0] for a in "xyz"]
    ratios = [getattr(scene.aspectratio, a) for a in "xyz"]
    np.testing.assert_allclose(np.divide(spans, ratios), spans[0] / ratios[0], rtol=1e-12)
    for axis, values in zip("xyz", (cell.points.T if len(cell.points) else [[]] * 3)):
        low, high = getattr(scene, f"{axis}axis").range
        centre = cell.soma.center["xyz".index(axis)]
        assert low <= min(np.min(values, initial=centre), centre - cell.soma.radius)
        assert high >= max(np.max(values, initial=centre), centre + cell.soma.radius)
    camera = scene.camera
    assert (camera.up.x, camera.up.y, camera.up.z) == (0, 1, 0)
    eye = np.array([camera.eye.x, camera.eye.y, camera.eye.z])
    assert np.degrees(np.arccos(eye[2] / np.linalg.norm(eye))) < 20
    assert camera.projection.type == "orthographic"


def test_long_thin_cell_is_framed():
    """A 500 um stick and its 20 um soma: the view is not zoomed onto part of it."""
    cell = ball_and_stick()
    for style in ("lines", "tubes"):
        fig = plot_morphology(cell, style=style)
        _assert_equal_scales_and_front_view(fig, cell)
        assert max(getattr(fig.layout.scene.aspectratio, a) for a in "xyz") < 2.5


def _line_points(fig):
    return sum(len(t.x) for t in fig.data if isinstance(t, go.Scatter3d) and t.mode == "lines")


@pytest.mark.parametrize("color_by", list(COLOR_BY))
def test_named_colourings(small, color_by):
    for obj in (small.cell, small):
        fig = plot_morphology(obj, color_by=color_by)
        _assert_equal_scales_and_front_view(fig, small.cell)
        soma = [t for t in fig.data if isinstance(t, go.Mesh3d)]
        assert len(soma) == 1 and soma[0].name.startswith("soma")
        radius = np.max(np.linalg.norm(np.column_stack([soma[0].x, soma[0].y, soma[0].z])
                                       - small.cell.soma.center, axis=1))
        assert radius == pytest.approx(small.cell.soma.radius, rel=1e-5)
        lines = [t for t in fig.data if isinstance(t, go.Scatter3d)]
        if color_by == "type":
            assert {t.name for t in lines} == {"axon", "basal"}
        else:
            assert sum(bool(t.line.showscale) for t in lines) == 1  # one colour bar
            assert lines[0].line.colorbar.title.text == COLOR_BY[color_by]


def test_every_segment_drawn_once_with_true_positions(small):
    cell = small.cell
    fig = plot_morphology(cell)
    segments = _Segments(cell)
    xyz = np.concatenate([np.column_stack([t.x, t.y, t.z]) for t in fig.data
                          if isinstance(t, go.Scatter3d)]).astype(float)
    runs = np.isnan(xyz[:, 0]).sum() + len([t for t in fig.data if isinstance(t, go.Scatter3d)])
    assert len(xyz) - np.isnan(xyz[:, 0]).sum() == len(segments.start) + runs
    from scipy.spatial import cKDTree

    points = xyz[~np.isnan(xyz[:, 0])]
    # every vertex is a reconstructed point and every point is drawn (float32: 1e-4 um)
    assert cKDTree(cell.points).query(points)[0].max() < 1e-4
    assert cKDTree(points).query(cell.points)[0].max() < 1e-4


def test_segments_map_to_their_compartment(small):
    segments = _Segments(small.cell, small)
    table = small.compartments
    comp = segments.compartment
    assert (table.section[comp] == segments.section).all()
    half = table.length[comp] / 2 + 1e-9
    assert (np.abs(segments.distance - table.distance[comp]) <= half).all()


def test_per_compartment_values_and_markers(small):
    values = np.linspace(-70, -40, small.n)
    syn = np.arange(1, small.n, 50)
    fig = plot_morphology(small, color_by=values, color_label="v (mV)", markers={
        "synapses": {"compartments": syn, "text": [f"syn {i}" for i in syn], "color": "red"},
        "recording": np.array([[0.0, 0.0, 0.0]]),
    })
    names = [t.name for t in fig.data]
    assert "synapses" in names and "recording" in names
    syn_trace = fig.data[names.index("synapses")]
    np.testing.assert_allclose(syn_trace.x, small.compartments.x[syn])
    assert list(syn_trace.text) == [f"syn {i}" for i in syn]
    line = next(t for t in fig.data if isinstance(t, go.Scatter3d) and t.mode == "lines").line
    assert line.cmin == pytest.approx(-70) and line.cmax == pytest.approx(-40)
    with pytest.raises(ValueError, match="one value per compartment"):
        plot_morphology(small, color_by=values[:-1])
    with pytest.raises(ValueError, match="need a Discretisation"):
        plot_morphology(small.cell, color_by=values)
    with pytest.raises(ValueError, match="color_by='voltage' is unknown"):
        plot_morphology(small, color_by="voltage")
    with pytest.raises(UnitError, match="'color_by' must be plain numbers"):
        plot_morphology(small, color_by=values * mV)


def test_tubes_have_true_diameters():
    cell = y_branch()
    fig = plot_morphology(cell, style="tubes")
    tubes = [t for t in fig.data if isinstance(t, go.Mesh3d) and not t.name.startswith("soma")]
    assert len(tubes) == 1  # one type, one mesh
    xyz = np.column_stack([tubes[0].x, tubes[0].y, tubes[0].z])
    # the trunk runs along x from the soma surface: its ring radius is 1 um
    trunk = xyz[:16]
    np.testing.assert_allclose(np.linalg.norm(trunk[:, 1:], axis=1), 1.0, rtol=1e-5)


def test_animation_frames(small):
    values = np.random.default_rng(0).normal(-65, 5, size=(30, small.n))
    fig = animate_morphology(small, values, times=np.arange(30) * 0.5 * ms, max_frames=10)
    assert len(fig.frames) == 10
    assert fig.frames[-1].name == "14.5"  # ms
    assert len(fig.layout.sliders[0].steps) == 10
    lines = [i for i, t in enumerate(fig.data) if isinstance(t, go.Scatter3d)]
    frame = fig.frames[3]
    assert list(frame.traces[:-1]) == lines
    for trace_index, data in zip(frame.traces, frame.data):
        target = fig.data[trace_index]
        if isinstance(target, go.Scatter3d):
            assert len(data.line.color) == len(target.x)
    with pytest.raises(ValueError, match="shape"):
        animate_morphology(small, values[:, :-1])


def _colorbar_titles(fig):
    bars = [t.line if isinstance(t, go.Scatter3d) else t for t in fig.data]
    return {b.colorbar.title.text for b in bars if b.showscale}


def test_animation_label_is_neutral_unless_given(small):
    """Any array can be animated: the default colour bar does not claim it is a voltage."""
    values = np.zeros((3, small.n))
    assert _colorbar_titles(animate_morphology(small, values)) == {"value"}
    assert _colorbar_titles(animate_morphology(small, values, color_label="v (mV)")) == {
        "v (mV)"}


def test_foreshortened_axis_has_no_crowded_tick_labels():
    """The default camera looks almost along z: the bundled cells' thin z extent is a
    few pixels on screen, so its tick labels are hidden (the title stays); x and y keep
    theirs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonStandardSomaWarning)
        for name in ("L5pyr", "L23pyr", "L23BC", "L23BPC"):
            scene = plot_morphology(load_bundled(name)).layout.scene
            assert scene.zaxis.showticklabels is False and scene.zaxis.title.text == "z (um)"
            assert scene.xaxis.showticklabels is not False
            assert scene.yaxis.showticklabels is not False
    # a cell as deep as it is wide: z is still foreshortened, with fewer ticks or none
    scene = plot_morphology(y_branch()).layout.scene
    assert scene.xaxis.showticklabels is not False and scene.yaxis.showticklabels is not False


def test_html_is_self_contained(small, tmp_path):
    path = save_html(plot_morphology(small, color_by="distance"), tmp_path / "sub" / "v.html")
    text = path.read_text()
    assert path.stat().st_size > 3e6  # plotly.js embedded
    assert not re.search(r"<script[^>]+src=[\"']https?://", text)  # no CDN
    assert "Plotly.newPlot" in text
