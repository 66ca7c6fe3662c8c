"""Figures of network.plots on a synthetic data dict with the layout of a real run."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from scipy.signal import lfilter  # noqa: E402

from network import analysis, plots  # noqa: E402
from network.errors import ModelKeyError, ModelValueError, RecordingError  # noqa: E402


def _ou_noise(rng, shape, dt, tau):
    """Unit-variance Ornstein-Uhlenbeck noise of correlation time ``tau`` (ms) along the last axis."""
    a = np.exp(-dt / tau)
    white = rng.standard_normal(shape) * np.sqrt(1 - a**2)
    white[..., 0] = rng.standard_normal(shape[:-1])
    return lfilter([1.0], [1.0, -a], white, axis=-1)


def make_data(N_exc=400, N_inh=100, N_aff=100, tstop=600.0, dt=0.1, seed=0):
    """A data dict like the one of an Exc/Inh network driven by ``AffExc``.

    Rasters are inhomogeneous Poisson processes following the afferent rate;
    recorded cells are leaky integrate-and-fire neurons driven by noisy
    conductances, whose spikes replace those of the same neurons in the raster.
    """
    rng = np.random.default_rng(seed)
    n_t = int(round(tstop / dt))
    t = np.arange(n_t) * dt
    aff = 4.0 + 3.0 * (1 - np.cos(2 * np.pi * t / tstop))
    sizes = {"Exc": N_exc, "Inh": N_inh}
    rates = {"Exc": 1.0 + 0.8 * aff, "Inh": 3.0 + 2.5 * aff}
    data = {
        "Model": {"N_Exc": N_exc, "N_Inh": N_inh, "dt": dt, "tstop": tstop, "Ee": 0.0, "Ei": -80.0},
        "POPULATIONS": ["Exc", "Inh"],
        "AFFERENT_POPULATIONS": ["AffExc"],
        "dt": dt,
        "tstop": tstop,
        "t_array": t,
        "N_AffExc": N_aff,
        "Rate_AffExc_Exc": aff.copy(),
        "Rate_AffExc_Inh": aff.copy(),
        "units": {"dt": "ms", "tstop": "ms", "t_array": "ms"},
    }
    for pop, n in sizes.items():
        n_rec = 3 if pop == "Exc" else 2
        # recorded cells: conductance-based LIF, Euler steps, vectorised over cells
        ge = np.abs(5.0 * (0.7 + 0.06 * aff) + 3.0 * _ou_noise(rng, (n_rec, n_t), dt, 5.0))
        gi = np.abs(10.0 + 4.0 * _ou_noise(rng, (n_rec, n_t), dt, 5.0))
        V = np.empty((n_rec, n_t))
        v = np.full(n_rec, -65.0)
        refractory = np.zeros(n_rec)
        rec_spikes = []
        for k in range(n_t):
            V[:, k] = v
            dv = (10.0 * (-70.0 - v) + ge[:, k] * (0.0 - v) + gi[:, k] * (-80.0 - v)) / 200.0
            v = np.where(refractory > 0, -65.0, v + dt * dv)
            refractory -= dt
            fired = v > -50.0
            rec_spikes += [(t[k], c) for c in np.flatnonzero(fired)]
            v[fired] = -65.0
            refractory[fired] = 5.0
        # other neurons: inhomogeneous Poisson (Bernoulli per time step)
        spiking = rng.random((n, n_t)) < rates[pop] * dt * 1e-3
        spiking[:n_rec] = False
        i, k = np.nonzero(spiking)
        ts = np.concatenate([t[k], [s[0] for s in rec_spikes]])
        idx = np.concatenate([i, [s[1] for s in rec_spikes]]).astype(np.int64)
        order = np.argsort(ts, kind="stable")
        data[f"N_{pop}"] = n
        data[f"tRASTER_{pop}"], data[f"iRASTER_{pop}"] = ts[order], idx[order]
        steps = np.round(ts / dt).astype(np.int64)
        data[f"POP_ACT_{pop}"] = np.bincount(steps, minlength=n_t) / n / (dt * 1e-3)
        data[f"VMS_{pop}"] = V
        data[f"VMS_{pop}_indices"] = np.arange(n_rec, dtype=np.int64)
        data[f"GSYN_Exc_{pop}"], data[f"GSYN_Inh_{pop}"] = ge, gi
        data[f"ISYNe_{pop}"], data[f"ISYNi_{pop}"] = ge * (0.0 - V), gi * (-80.0 - V)
        data["units"].update({f"tRASTER_{pop}": "ms", f"iRASTER_{pop}": "1", f"POP_ACT_{pop}": "Hz",
                              f"VMS_{pop}": "mV", f"GSYN_Exc_{pop}": "nS", f"GSYN_Inh_{pop}": "nS",
                              f"ISYNe_{pop}": "pA", f"ISYNi_{pop}": "pA"})
    return data


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _raster_points(ax):
    return {line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
            for line in ax.get_lines() if not line.get_label().startswith("_")}


def test_activity_plots_structure_and_png(data, tmp_path):
    fig, AX = plots.activity_plots(data, smooth_ms=5.0)
    labels = [ax.get_label() for ax in AX]
    assert labels == ["input", "raster", "Vm_Exc", "Vm_Inh", "pop_act"]
    assert len(fig.axes) == 5
    # shared time axis, labelled once at the bottom
    for ax in AX[1:]:
        assert AX[0].get_shared_x_axes().joined(AX[0], ax)
    assert AX[-1].get_xlabel() == "time (ms)"
    assert all(ax.get_xlabel() == "" for ax in AX[:-1])
    assert AX[0].get_ylabel() == "input (Hz)"
    assert AX[2].get_ylabel() == AX[3].get_ylabel() == "$V_m$ (mV)"
    assert AX[4].get_ylabel().startswith("rate (Hz)")
    # the raster shows every spike (500 neurons < max_neurons) at its time and row
    points = _raster_points(AX[1])
    assert set(points) == {"Exc", "Inh"}
    np.testing.assert_array_equal(points["Exc"][0], data["tRASTER_Exc"])
    np.testing.assert_array_equal(points["Exc"][1], data["iRASTER_Exc"])
    np.testing.assert_array_equal(points["Inh"][1], data["N_Exc"] + data["iRASTER_Inh"])
    assert AX[1].get_ylim() == (-0.5, data["N_Exc"] + data["N_Inh"] - 0.5)
    # colours: Exc green, Inh red, afferent grey
    exc, inh = (AX[1].get_lines()[k].get_color() for k in range(2))
    assert (exc, inh) == (plots.EXC_COLOR, plots.INH_COLOR)
    assert AX[0].get_lines()[0].get_color() == plots.AFFERENT_COLOR
    # identical AffExc waveforms onto Exc and Inh share a single line
    assert len(AX[0].get_lines()) == 1
    assert "Exc, Inh" in AX[0].get_lines()[0].get_label()
    path = tmp_path / "activity.png"
    fig.savefig(path, dpi=100, bbox_inches=None)
    image = plt.imread(path)
    width, height = fig.get_size_inches() * 100
    assert abs(image.shape[0] - height) <= 1 and abs(image.shape[1] - width) <= 1
    # the raster's green and red dots are in the picture (not a blank figure)
    rgb = image[..., :3]
    for color in (plots.EXC_COLOR, plots.INH_COLOR):
        target = np.array(matplotlib.colors.to_rgb(color))
        assert np.count_nonzero(np.all(np.abs(rgb - target) < 0.02, axis=-1)) > 100


def test_raster_subsamples_large_populations(data):
    ax = plots.raster_plot(data, max_neurons=100)
    points = _raster_points(ax)
    # 400 Exc and 100 Inh neurons in 100 rows: 12 rows each (100 // 8), then the
    # 76 left in proportion to the remaining 388 and 88 neurons: 61 and 14 more
    for pop, n_shown, offset in (("Exc", 73, 0), ("Inh", 26, 73)):
        keep = data[f"iRASTER_{pop}"] < n_shown
        np.testing.assert_array_equal(points[pop][0], data[f"tRASTER_{pop}"][keep])
        np.testing.assert_array_equal(points[pop][1], offset + data[f"iRASTER_{pop}"][keep])
    assert ax.get_ylim() == (-0.5, 98.5)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["Exc\n(73/400)", "Inh\n(26/100)"]


def test_tzoom_restricts_every_panel(data):
    fig, AX = plots.activity_plots(data, tzoom=(100.0, 200.0), Vm_traces=1)
    assert AX[-1].get_xlim() == (100.0, 200.0)
    points = _raster_points(AX[1])
    t = data["tRASTER_Exc"]
    assert points["Exc"][0].size == np.count_nonzero((t >= 100.0) & (t < 200.0))
    vm_lines = AX[2].get_lines()
    assert len(vm_lines) == 1
    assert vm_lines[0].get_xdata().min() >= 100.0 and vm_lines[0].get_xdata().max() <= 200.0


def test_vm_plot_draws_spikes_of_recorded_cells(data):
    ax = plots.vm_plot(data, "Exc", n_traces=2, spike_peak=10.0)
    assert len(ax.get_lines()) == 2
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars) == 1
    segments = bars[0].get_segments()
    i, t = data["iRASTER_Exc"], data["tRASTER_Exc"]
    expected = np.sort(t[i < 2])
    assert len(segments) == expected.size > 0
    np.testing.assert_array_equal(np.sort([s[0, 0] for s in segments]), expected)
    # each bar goes from the subthreshold Vm (below -50 mV) up to the peak
    assert all(s[0, 1] <= -50.0 and s[1, 1] == 10.0 for s in segments)


def test_pop_act_plot_smoothing_preserves_mean(data):
    raw = plots.pop_act_plot(data, "Exc")
    smoothed = plots.pop_act_plot(data, "Exc", smooth_ms=10.0)
    y_raw = raw.get_lines()[0].get_ydata()
    y_smooth = smoothed.get_lines()[0].get_ydata()
    np.testing.assert_array_equal(y_raw, data["POP_ACT_Exc"])
    assert np.isclose(y_smooth.mean(), y_raw.mean(), rtol=1e-3)
    assert y_smooth.std() < 0.2 * y_raw.std()


def test_connectivity_matrix_plot(tmp_path):
    rng = np.random.default_rng(1)
    N_pre, N_post, p = 2000, 1500, 0.05
    # block structure: the first half of the presynaptic cells connect with 4 p
    n_syn = rng.binomial(N_pre * N_post, p)
    flat = rng.choice(N_pre * N_post, size=n_syn, replace=False)
    i, j = flat // N_post, flat % N_post
    extra = rng.random(i.size) < 0.5
    i2 = np.concatenate([i, i[extra] % (N_pre // 2), i[extra] % (N_pre // 2), i[extra] % (N_pre // 2)])
    j2 = np.concatenate([j, j[extra], j[extra], j[extra]])
    ax = plots.connectivity_matrix_plot(i2, j2, N_pre, N_post, max_pixels=100)
    images = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1
    image = np.asarray(images[0].get_array())
    assert image.shape == (100, 100)
    assert np.isclose(image.sum() * (N_pre / 100) * (N_post / 100), i2.size)
    assert np.isclose(image[:50].mean(), 4 * p, rtol=0.05)
    assert np.isclose(image[50:].mean(), p, rtol=0.05)
    assert ax.get_xlabel() == "postsynaptic neuron" and ax.get_ylabel() == "presynaptic neuron"
    ax.figure.savefig(tmp_path / "conn.png")
    # small matrices are shown unbinned: the adjacency matrix itself
    ax = plots.connectivity_matrix_plot([0, 2, 2], [1, 0, 0], 3, 2)
    image = np.asarray([a for a in ax.get_children() if isinstance(a, AxesImage)][0].get_array())
    np.testing.assert_array_equal(image, [[0, 1], [0, 0], [2, 0]])


def test_missing_data_and_bad_arguments(data):
    partial = {k: v for k, v in data.items() if not k.startswith(("VMS_", "Rate_"))}
    fig, AX = plots.activity_plots(partial)
    assert [ax.get_label() for ax in AX] == ["raster", "pop_act"]
    with pytest.raises(RecordingError, match="VMS_Exc"):
        plots.vm_plot(partial, "Exc")
    with pytest.raises(RecordingError, match="Rate_"):
        plots.input_rate_plot(partial)
    with pytest.raises(ModelKeyError, match="'Foo'"):
        plots.activity_plots(data, pop_key="Foo")
    with pytest.raises(ModelValueError, match="tzoom"):
        plots.raster_plot(data, tzoom=(700.0, 800.0))
    # without N_<pop> the raster spans the recorded indices
    no_size = {k: v for k, v in data.items() if k != "N_Inh"}
    ax = plots.raster_plot(no_size)
    assert ax.get_ylim() == (-0.5, data["N_Exc"] + data["iRASTER_Inh"].max() + 0.5)
    empty = {"dt": 0.1, "tstop": 10.0, "POPULATIONS": ["Exc"]}
    with pytest.raises(RecordingError, match="nothing to plot"):
        plots.activity_plots(empty)


def test_population_colors():
    colors = plots.population_colors({"POPULATIONS": ["L23Exc", "PV", "SST", "Inh"],
                                      "AFFERENT_POPULATIONS": ["AffExc", "AffInh"]})
    assert colors["L23Exc"] == plots.EXC_COLOR and colors["Inh"] == plots.INH_COLOR
    assert colors["AffExc"] == plots.AFFERENT_COLOR
    assert len({colors[p] for p in ("L23Exc", "PV", "SST", "Inh", "AffExc", "AffInh")}) == 6


def test_activity_plot_of_a_silent_run_without_vm(tmp_path):
    """No spike at all, one population, no Vm recorded: raster and rate panels, a 0-1 Hz rate axis."""
    n_t = 1000
    silent = {"POPULATIONS": ["Exc"], "AFFERENT_POPULATIONS": [], "dt": 0.1, "tstop": 100.0,
              "t_array": np.arange(n_t) * 0.1, "N_Exc": 50, "tRASTER_Exc": np.zeros(0),
              "iRASTER_Exc": np.zeros(0, dtype=np.int64), "POP_ACT_Exc": np.zeros(n_t)}
    fig, AX = plots.activity_plots(silent, smooth_ms=5.0)
    assert [ax.get_label() for ax in AX] == ["raster", "pop_act"]
    raster, rate = AX
    assert len(_raster_points(raster)["Exc"][0]) == 0
    assert raster.get_ylim() == (-0.5, 49.5)
    assert rate.get_ylim() == (0.0, 1.0)  # the zero line visible above the axis, not at its middle
    fig.savefig(tmp_path / "silent.png")


def test_rate_axes_start_at_zero(data):
    ax = plots.input_rate_plot(data)
    assert ax.get_ylim()[0] == 0.0 and ax.get_ylim()[1] >= data["Rate_AffExc_Exc"].max()
    ax = plots.pop_act_plot(data, smooth_ms=5.0)
    assert ax.get_ylim()[0] == 0.0


def test_activity_plot_smooths_population_rates_by_default(data):
    """The raw rate moves by 1/(N dt) per spike; the figure shows it Gaussian-smoothed (5 ms)."""
    _, AX = plots.activity_plots(data)
    (rate_ax,) = [ax for ax in AX if ax.get_label() == "pop_act"]
    shown = {line.get_label(): np.asarray(line.get_ydata()) for line in rate_ax.get_lines()}
    np.testing.assert_allclose(shown["Exc"], analysis.smooth(data["POP_ACT_Exc"], data["dt"], 5.0))
    assert "5 ms" in rate_ax.get_ylabel()
    _, AX = plots.activity_plots(data, smooth_ms=None)
    raw = [line for line in AX[-1].get_lines() if line.get_label() == "Exc"][0]
    np.testing.assert_array_equal(raw.get_ydata(), data["POP_ACT_Exc"])


def test_colours_follow_reversal_potentials_when_names_say_nothing():
    from network.plots import EXC_COLOR, INH_COLOR, population_colors

    data = {"POPULATIONS": ["Pyr", "PV", "SST"], "AFFERENT_POPULATIONS": [],
            "Model": {"Erev_Pyr": 0.0, "Pyr_Vthre": -50.0, "Erev_PV": -80.0, "PV_Vthre": -50.0,
                      "Erev_SST": -75.0, "SST_Vthre": -50.0}}
    colors = population_colors(data)
    assert colors["Pyr"] == EXC_COLOR and colors["PV"] == INH_COLOR
    assert colors["SST"] not in (EXC_COLOR, INH_COLOR)


def test_activity_plots_helpful_errors():
    from network import plots
    from network.errors import ModelValueError, ParameterError, RecordingError

    with pytest.raises(ParameterError, match="takes the data dict, not the network"):
        plots.activity_plots({"NEURONS": {}, "OBJECTS": [], "POPULATIONS": []})
    data = {"POPULATIONS": ["Exc"], "AFFERENT_POPULATIONS": [], "N_Exc": 1, "dt": 0.1, "tstop": 500.0,
            "tRASTER_Exc": np.array([1.0]), "iRASTER_Exc": np.array([0])}
    with pytest.raises(ModelValueError, match="t_start < t_stop"):
        plots.activity_plots(data, tzoom=[300, 200])


def test_current_panels_show_the_mean_currents():
    from network import plots

    rng = np.random.default_rng(0)
    n_t = 1000
    Ie, Ii = rng.random((3, n_t)) * 50, -rng.random((3, n_t)) * 80
    data = {"POPULATIONS": ["Exc"], "AFFERENT_POPULATIONS": [], "N_Exc": 3, "dt": 0.1, "tstop": 100.0,
            "VMS_Exc": np.full((3, n_t), -60.0), "ISYNe_Exc": Ie, "ISYNi_Exc": Ii}
    fig, AX = plots.activity_plots(data, currents=True)
    labels = [ax.get_label() for ax in AX]
    assert labels == ["Vm_Exc", "Isyn_Exc"]
    lines = AX[1].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), Ie.mean(axis=0))
    np.testing.assert_allclose(lines[1].get_ydata(), Ii.mean(axis=0))
    np.testing.assert_allclose(lines[2].get_ydata(), Ie.mean(axis=0) + Ii.mean(axis=0))
    assert "pA" in AX[1].get_ylabel()
    plt.close(fig)
    from network.errors import RecordingError

    with pytest.raises(RecordingError, match="with_synaptic_currents=True"):
        plots.current_plot({k: v for k, v in data.items() if k != "ISYNe_Exc"}, "Exc")


# ----------------------------------------------------------------------------
# the original project's plotting API (issue 6, sections 4 and 8)
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["file.h5", "results/RS-FS_data.h5"])
def test_activity_plots_of_a_file_name_says_how_to_load_it(name):
    import pathlib

    from network.errors import ParameterError

    for arg in (name, pathlib.Path(name)):
        with pytest.raises(ParameterError, match=rf"got the file name '{name}', not a data dict.*"
                                                 rf"ntwk\.recording\.load_dict_from_hdf5\('{name}'\)"):
            plots.activity_plots(arg)
    with pytest.raises(ParameterError, match="raster_and_Vm got the file name"):
        plots.raster_and_Vm(name)


def _rate_line(AX, pop):
    (ax,) = [a for a in AX if a.get_label() == "pop_act"]
    return [line for line in ax.get_lines() if line.get_label() == pop][0]


def test_activity_plots_original_options(data):
    from network.errors import ParameterError

    dt = data["dt"]
    _, AX = plots.activity_plots(data, smooth_population_activity=10.0)
    np.testing.assert_allclose(_rate_line(AX, "Exc").get_ydata(), analysis.smooth(data["POP_ACT_Exc"], dt, 10.0))
    # the original's pop_act_args: smoothing (ms) and subsampling
    _, AX = plots.activity_plots(data, pop_act_args=dict(smoothing=4, subsampling=4))
    np.testing.assert_allclose(_rate_line(AX, "Inh").get_ydata(), analysis.smooth(data["POP_ACT_Inh"], dt, 4.0)[::4])
    np.testing.assert_allclose(_rate_line(AX, "Inh").get_xdata(), data["t_array"][::4])
    # POP_KEYS and COLORS lists as in sinusoidal_input.py, tzoom=[t0, np.inf] as in time_varying_input.py
    _, AX = plots.activity_plots(data, POP_KEYS=["Inh", "Exc"], COLORS=["orange", "purple", "k"],
                                 tzoom=[200.0, np.inf], subsampling=20, raster_plot_args=dict(subsampling=5))
    raster = AX[[ax.get_label() for ax in AX].index("raster")]
    lines = {line.get_label(): line for line in raster.get_lines()}
    assert lines["Inh"].get_color() == "orange" and lines["Exc"].get_color() == "purple"
    t = data["tRASTER_Exc"]
    assert lines["Exc"].get_xdata().size == int(np.ceil(np.count_nonzero(t >= 200.0) / 5))
    assert AX[-1].get_xlim() == (200.0, data["tstop"])
    assert _rate_line(AX, "Exc").get_xdata()[1] - _rate_line(AX, "Exc").get_xdata()[0] == pytest.approx(20 * dt)
    for kwargs, text in [(dict(smooth_ms=5.0, smooth_population_activity=10.0), "given 2 times"),
                         (dict(pop_act_args=dict(smoothing=4), smooth_population_activity=4), "given 2 times"),
                         (dict(pop_act_args=dict(smoth=4)), r"unknown option\(s\) \['smoth'\]"),
                         (dict(pop_key="Exc", POP_KEYS=["Exc"]), "once"),
                         (dict(COLORS=["g"]), "one colour per population"),
                         (dict(subsampling=0), "subsampling=0")]:
        with pytest.raises(ParameterError, match=text):
            plots.activity_plots(data, **kwargs)


def test_raster_subplot_points_are_the_spikes_of_the_zoom(data):
    fig, ax = plt.subplots()
    tzoom, nmax = (100.0, 300.0), [60, 250]
    plots.raster_subplot(data, ax, ["Inh", "Exc"], ["tab:red", "tab:green"], tzoom, Nmax_per_pop_cond=nmax)
    points = {line.get_gid(): (line.get_xdata(), line.get_ydata()) for line in ax.get_lines()}
    offset = 0
    for pop, n in zip(["Inh", "Exc"], nmax):
        t, i = data[f"tRASTER_{pop}"], data[f"iRASTER_{pop}"]
        keep = (t >= tzoom[0]) & (t < tzoom[1]) & (i < n)
        x, y = points[f"raster_{pop}"]
        assert x.size == np.count_nonzero(keep) > 0
        np.testing.assert_array_equal(x, t[keep])
        np.testing.assert_array_equal(y, offset + i[keep])
        offset += n
    assert ax.yaxis_inverted() and ax.get_ylim() == (offset - 0.5, -0.5)
    assert ax.get_xlim() == tzoom
    ax2 = plt.subplots()[1]
    plots.raster_subplot(data, ax2, ["Exc"], ["g"], [0, np.inf], subsampling=7)
    assert ax2.get_lines()[0].get_xdata().size == int(np.ceil(data["tRASTER_Exc"].size / 7))


def test_shifted_Vms_stack_the_traces_with_their_spikes(data, tmp_path):
    tzoom, shift = (100.0, 400.0), 15.0
    ax = plots.shifted_Vms(data, ["Exc", "Inh"], tzoom, v_shift=shift, Tbar=20.0, spike_peak=-30.0)
    traces = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("Vm_")]
    names = [line.get_gid() for line in traces]
    assert names == ["Vm_Exc_0", "Vm_Exc_1", "Vm_Exc_2", "Vm_Inh_0", "Vm_Inh_1"]
    t = data["t_array"]
    window = (t >= tzoom[0]) & (t <= tzoom[1])
    for k, line in enumerate(traces):
        pop, row = line.get_gid().split("_")[1:]
        expected = data[f"VMS_{pop}"][int(row)][window] + (len(traces) - 1 - k) * shift
        np.testing.assert_allclose(line.get_ydata(), expected)
    for pop in ("Exc", "Inh"):
        (bars,) = [c for c in ax.collections if c.get_gid() == f"spikes_{pop}"]
        ts, rows = analysis.recorded_cell_spikes(data, pop, *tzoom)
        segments = bars.get_segments()
        assert len(segments) == ts.size > 0
        np.testing.assert_allclose(sorted(s[0, 0] for s in segments), np.sort(ts))
    assert {line.get_gid() for line in ax.get_lines()} >= {"scale_time", "scale_V"}
    (bar,) = [line for line in ax.get_lines() if line.get_gid() == "scale_V"]
    assert np.ptp(bar.get_ydata()) == shift
    assert not ax.axison
    ax.figure.savefig(tmp_path / "shifted.png")
    # the original's signature
    fig, ax = plt.subplots()
    plots.shifted_Vms_subplot(data, ax, ["Inh", "Exc"], ["r", "g"], [100, 300], spike_peak=-30, Tbar=20)
    assert [line.get_gid() for line in ax.get_lines()][:2] == ["Vm_Inh_0", "Vm_Inh_1"]


def test_raster_and_Vm_and_pretty_layouts(data, tmp_path):
    from network.errors import ParameterError

    fig, AX = plots.raster_and_Vm(data)
    assert [ax.get_label() for ax in AX] == ["Vm", "raster"]
    raster = {line.get_gid(): line for line in AX[1].get_lines()}
    assert raster["raster_Exc"].get_xdata().size == data["tRASTER_Exc"].size
    assert len([line for line in AX[0].get_lines() if (line.get_gid() or "").startswith("Vm_")]) == 5
    fig.savefig(tmp_path / "raster_and_Vm.png")
    fig, AX = plots.raster_and_Vm_plot(data, smooth_population_activity=10.0)
    assert [ax.get_label() for ax in AX] == ["Vm", "raster", "pop_act"]
    exc = [line for line in AX[2].get_lines() if line.get_label() == "Exc"][0]
    np.testing.assert_allclose(exc.get_ydata(), analysis.smooth(data["POP_ACT_Exc"], data["dt"], 10.0))
    # toy-network.py's call
    fig, AX = plots.pretty(data, tzoom=None, axes_extents=dict(Raster=2, Vm=7), Vm_args=dict(vpeak=10, shift=25),
                           Raster_args=dict(ms=4, with_annot=False),
                           fig_args=dict(figsize=(2.2, 0.3), dpi=150, hspace=0.3, bottom=0.2, top=0.2,
                                         left=0.1, right=0.1),
                           COLORS=["tab:green", "tab:red"])
    assert [ax.get_label() for ax in AX] == ["Vm", "raster"]
    vm = [line for line in AX[0].get_lines() if (line.get_gid() or "").startswith("Vm_")]
    np.testing.assert_allclose(vm[0].get_ydata(), data["VMS_Exc"][0] + 4 * 25.0)
    bars = [c for c in AX[0].collections if c.get_gid() == "spikes_Exc"][0]
    tops = {round(s[1, 1] - 10.0, 9) for s in bars.get_segments()}
    assert tops <= {100.0, 75.0, 50.0} and tops
    fig.savefig(tmp_path / "pretty_toy.png")
    fig, AX = plots.pretty(data)
    assert [ax.get_label() for ax in AX] == ["Vm", "raster", "rate_Exc", "rate_Inh"]
    fig.savefig(tmp_path / "pretty.png")
    with pytest.raises(ParameterError, match="clip_spikes=True is not available"):
        plots.pretty(data, Vm_args=dict(clip_spikes=True))
    with pytest.raises(ParameterError, match=r"unknown option\(s\) \['Vpeak'\]"):
        plots.raster_and_Vm(data, Vm_args=dict(Vpeak=10))


def test_plot_times_may_be_quantities(data):
    import brian2 as b2

    from network.errors import UnitError

    ax = plots.pop_act_plot(data, "Exc", tzoom=(0.1 * b2.second, 200 * b2.ms), smooth_ms=5 * b2.ms)
    assert ax.get_xlim() == (100.0, 200.0) and "5 ms" in ax.get_ylabel()
    with pytest.raises(UnitError, match="tzoom"):
        plots.raster_plot(data, tzoom=(0 * b2.mV, 10 * b2.mV))
