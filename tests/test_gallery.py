"""Every gallery example runs at reduced size and does what its text says.

Each script of ``docs/examples`` is run with ``runpy`` (``NND_GALLERY_REDUCED=1``,
matplotlib's Agg backend, in a temporary working directory), and a statement about
the result it leaves in its module variables is checked: a rate regime, a
response to the stimulus, the effect of a connection.  The bounds are wide
regime boundaries (e.g. "self-sustained at 5-50 Hz"), not the values of one run.
"""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"

pytestmark = pytest.mark.slow

# the original project's network demos: plot_NN_<name>.py (other packages' gallery
# scripts, e.g. dendrites' or sweeps', have their own tests, in any tests/*.py that names
# the script's file: test_every_gallery_script_has_a_test_somewhere checks it)
NETWORK_DEMOS = sorted(EXAMPLES.glob("plot_[0-9][0-9]_*.py"))


@pytest.fixture
def run_example(tmp_path, monkeypatch):
    """Run one gallery script at reduced size and return its module globals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def run(name):
        monkeypatch.setenv("NND_GALLERY_REDUCED", "1")
        monkeypatch.setenv("MPLBACKEND", "Agg")
        monkeypatch.syspath_prepend(str(ROOT))
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(plt, "show", lambda *a, **k: None)
        try:
            return runpy.run_path(str(EXAMPLES / name), run_name="__main__")
        finally:
            plt.close("all")

    return run


def test_every_example_has_a_test():
    scripts = [p.name for p in NETWORK_DEMOS]
    assert len(scripts) == 16
    tested = sorted(name[len("test_"):] for name in globals() if name.startswith("test_plot_"))
    assert [s[:-3] for s in scripts] == tested


def test_every_gallery_script_has_a_test_somewhere():
    """Every docs/examples/plot_*.py is run by a test: some tests/*.py names its file, quoted."""
    scripts = sorted(p.name for p in EXAMPLES.glob("plot_*.py"))
    assert len(scripts) >= len(NETWORK_DEMOS) + 1
    texts = {p.name: p.read_text() for p in (ROOT / "tests").glob("*.py")}
    untested = [s for s in scripts
                if not any(f'"{s}"' in text or f"'{s}'" in text for text in texts.values())]
    assert untested == [], f"gallery scripts no test runs: {untested}"


def test_every_example_has_a_header_and_the_reduced_switch():
    for script in NETWORK_DEMOS:
        text = script.read_text()
        assert text.startswith('"""\n'), script.name
        header = text.split('"""')[1]
        for part in ("**Question.**", "**The figure.**"):
            assert part in header, (script.name, part)
        assert "The original" in header or "What the original" in header, script.name
        assert 'os.environ.get("NND_GALLERY_REDUCED") == "1"' in text, script.name


def test_plot_01_rs_fs(run_example):
    g = run_example("plot_01_rs_fs.py")
    r = g["rates"]
    assert 0.5 < r["RecExc"]["baseline"] < 20          # asynchronous, low rate
    assert r["RecInh"]["baseline"] > r["RecExc"]["baseline"]  # FS faster than RS
    for pop in ("RecExc", "RecInh"):                    # both follow the bump (4 -> 8 Hz input)
        assert r[pop]["bump"] > 1.5 * r[pop]["baseline"]


def test_plot_02_3pop_model(run_example):
    g = run_example("plot_02_3pop_model.py")
    for pop, rate in g["rates"].items():               # every population active, none saturated
        assert 1.0 < rate < 30.0, (pop, rate)


def test_plot_03_4pop_model(run_example):
    g = run_example("plot_03_4pop_model.py")
    r = g["rates"]
    assert 0.5 < r["Thal"] < 20.0
    for pop in ("Exc", "Inh", "DsInh"):                # the cortex fires: thalamus is its only input
        assert r[pop] > 1.0, (pop, r[pop])
    assert 0.0 < g["cortex_lag_ms"] <= 15.0            # ... and it follows the thalamus


def test_plot_04_canonical_inh_circuit(run_example):
    g = run_example("plot_04_canonical_inh_circuit.py")
    Model = g["Model"]
    # the VIP -> SST projection the original lost: fixed in-degree round(p N_vip) per SST cell
    assert g["n_vip_sst_synapses"] == Model["N_SstInh"] * round(Model["p_VipInh_SstInh"] * Model["N_VipInh"]) > 0
    for pop, (r4, r20, r8) in g["rates"].items():      # rates follow the plateau levels 4 < 8 < 20 Hz
        assert r4 <= r8 < r20, (pop, r4, r8, r20)
    r4, r20, r8 = g["rates"]["PyrExc"]
    assert r4 < r8 and r20 > 5.0


def test_plot_05_coba_lif(run_example):
    g = run_example("plot_05_coba_lif.py")
    for pop in ("Exc", "Inh"):                         # self-sustained without any input
        assert 5.0 < g["rates"][pop] < 50.0, (pop, g["rates"][pop])
        assert g["late_rates"][pop] > 5.0              # ... until the end of the run


def test_plot_06_pattern_input(run_example):
    g = run_example("plot_06_pattern_input.py")
    assert min(g["recruited"]) > 0.2                   # each volley recruits a large fraction of Exc
    assert max(g["between"]) < 0.05                    # ... and little happens in between


def test_plot_07_rhythmic_ntwk(run_example):
    g = run_example("plot_07_rhythmic_ntwk.py")
    for pop in ("Exc", "Inh", "oscillExc"):
        m = g["modulation"][pop]
        off = np.mean([m[f] for f in g["OFF_HARMONIC"]])
        assert g["rates"][pop] > 0.5, pop
        assert m[3.0] > 3 * off, (pop, m)              # entrained at the pacemaker's 3 Hz
    assert g["rates"]["Exc"] < 100.0                   # entrained, not runaway


def test_plot_08_ring_model_with_stim(run_example):
    g = run_example("plot_08_ring_model_with_stim.py")
    r = g["rates"]
    assert r["patch"]["during"] > 5.0
    assert r["patch"]["during"] > 5 * r["patch"]["before"] + 0.1
    assert r["patch"]["during"] > 5 * r["opposite"]["during"] + 0.1  # the response stays local


def test_plot_09_sinusoidal_input(run_example):
    g = run_example("plot_09_sinusoidal_input.py")
    m = g["modulation"]["L23Exc"]
    assert m[4.0] > 3 * np.mean([m[f] for f in g["OFF_HARMONIC"]])  # E follows the 4 Hz input
    assert g["rates"]["L23Exc"]["during"] > g["rates"]["L23Exc"]["before"]
    assert g["rates"]["SOMInh"]["during"] > 0.1        # SOM gets its L2/3 input (lost in the original)


def test_plot_10_thalamic_spindle(run_example):
    g = run_example("plot_10_thalamic_spindle.py")
    assert g["rates"]["ReInh"] > 0.2                   # RE cells are driven by TC
    # RE inhibition lowers the TC rate (the original's "ReExc" could only raise it)
    assert g["rates"]["TcExc"] < g["rates_without_RE_to_TC"]["TcExc"]


def test_plot_11_time_varying_input(run_example):
    g = run_example("plot_11_time_varying_input.py")
    for pop, c in g["correlation"].items():            # the rates track the irregular input
        assert c > 0.7, (pop, c)


def test_plot_12_toy_network_stim(run_example):
    g = run_example("plot_12_toy_network_stim.py")
    n = g["exc_spikes_after"]
    assert n["A+B together (500)"] >= 1                # coincidence detection
    assert n["A then B, light on (800/815)"] >= 1      # opto removes the feedforward veto
    for event in ("A alone (200)", "B alone (350)", "A then B (650/665)"):
        assert n[event] == 0, (event, n)


def lif_step_spike_steps(Gl, Cm, El, Vthre, Vreset, Trefrac, I, duration, dt):
    """Spikes of a forward-Euler LIF (brian2's ``method="euler"``) under a current step.

    Returns the number of spikes inside a step of ``duration`` ms starting at rest
    and the continuous-time latency ``t* = tau ln(I / (I - Gl (Vthre - El)))`` (ms).
    From rest, Euler's membrane is ``V_n = El + (I/Gl) (1 - (1 - dt/tau)^n)``
    after ``n`` steps, so the first spike is at step ``ceil(ln(1 - Gl dV / I) /
    ln(1 - dt/tau))``; the following ones restart from ``Vreset`` after
    ``Trefrac``.
    """
    tau, v_inf = Cm / Gl, I / Gl  # ms, mV above El
    t_star = tau * np.log(v_inf / (v_inf - (Vthre - El))) if v_inf > Vthre - El else np.inf
    steps, n_spikes, v0 = int(round(duration / dt)), 0, 0.0  # v0: mV above El
    while True:
        x = (v_inf - (Vthre - El)) / (v_inf - v0)
        if not 0 < x < 1:
            return n_spikes, t_star
        n = int(np.ceil(np.log(x) / np.log(1 - dt / tau)))
        if n > steps:
            return n_spikes, t_star
        n_spikes += 1
        steps -= n + int(round(Trefrac / dt))
        v0 = Vreset - El


def test_plot_13_toy_network_steps(run_example):
    g = run_example("plot_13_toy_network_steps.py")
    M, data, dt = g["Model"], g["data"], g["Model"]["dt"]
    amplitude = 280.0  # pA, the script's
    for pop, cell, start, duration in g["STEPS"]:
        p = {k: M[f"{pop}_{k}"] for k in ("Gl", "Cm", "El", "Vthre", "Vreset", "Trefrac")}
        expected, t_star = lif_step_spike_steps(**p, I=amplitude, duration=duration, dt=dt)
        t = data[f"tRASTER_{pop}"][data[f"iRASTER_{pop}"] == cell]
        inside = t[(t >= start) & (t < start + duration)]
        # one spike per stepped cell: a 25 ms step on an E cell ends 0.055 ms before
        # t* = 25.055 ms, and Euler (dt 0.1 ms) reaches threshold on the step's last
        # time step (by 0.003 mV); an I cell (t* = 18.69 ms) fires once in 20 ms
        assert expected == 1 and inside.size == expected, (pop, cell, inside, expected)
        # latency: the spike is recorded at the start of the step whose update
        # crosses threshold (up to dt before the crossing), and Euler's latency is
        # shorter than t* by t* dt / (2 tau) to first order
        latency = inside[0] - start
        tau = p["Cm"] / p["Gl"]
        assert 0 <= t_star - latency <= dt + t_star * dt / tau, (pop, cell, latency, t_star)
    # no cell fires outside its own pulse: the single PSPs of the hand-wired synapses
    # (16 nS E, 40 nS I, one presynaptic cell stepped at a time) stay subthreshold
    for pop in ("Exc", "Inh"):
        for cell in range(M[f"N_{pop}"]):
            t = data[f"tRASTER_{pop}"][data[f"iRASTER_{pop}"] == cell]
            mine = [(s, d) for p_, c, s, d in g["STEPS"] if (p_, c) == (pop, cell)]
            in_pulse = np.zeros(t.size, bool)
            for s, d in mine:
                in_pulse |= (t >= s) & (t < s + d)
            assert in_pulse.all(), (pop, cell, t)
    # the stepped E0's spike (154.9 ms) depolarises its targets E1, E3, E4 (Exc-Exc
    # pairs (0, 1), (0, 3), (0, 4)), and not E2 (no synapse from E0)
    V, idx = data["VMS_Exc"], list(data["VMS_Exc_indices"])
    t_spike = data["tRASTER_Exc"][data["iRASTER_Exc"] == 0][0]
    window = (data["t_array"] > t_spike) & (data["t_array"] < t_spike + 30.0)
    peak = {c: V[idx.index(c)][window].max() - M["Exc_El"] for c in range(5)}
    for c in (1, 3, 4):
        assert peak[c] > 1.0, (c, peak)                # mV: an EPSP
    assert abs(peak[2]) < 1e-6, peak


def test_plot_14_visual_input(run_example):
    g = run_example("plot_14_visual_input.py")
    m = g["modulation"]["Exc"]
    # follows the grating's 2 Hz: measured ratios 2 Hz / mean(3, 5, 7, 9 Hz) of
    # 13.3, 15.8, 10.6 and 15.7 over this and 3 other seed sets (reduced size), so 3x
    # keeps a wide margin; and deeper than a full-depth sinusoid (a rectified one
    # has pi/2; measured 1.33-1.44)
    assert m[2.0] > 3 * np.mean([m[f] for f in g["OFF_HARMONIC"]]), m
    assert m[2.0] > 1.0, m
    assert g["rates"]["Exc"]["during"] > g["rates"]["Exc"]["before"]


def test_plot_15_correlated_drive(run_example):
    g = run_example("plot_15_correlated_drive.py")
    c = g["correlation"]
    assert c["correlated"] > 3 * c["independent"] + 0.01  # correlated input, correlated firing
    for pop in ("Exc", "Inh"):
        assert g["rates"]["independent"][pop] > 0.5


def test_plot_16_zerlaut_2019(run_example):
    g = run_example("plot_16_zerlaut_2019.py")
    for pop in ("RecExc", "DsInh"):                    # driven populations follow the input level
        r4, r20, r8 = g["rates"][pop]
        assert r4 < r8 < r20, (pop, g["rates"][pop])
