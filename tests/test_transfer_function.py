"""The semi-analytical transfer function, its fit and the vectorised characterisation."""

import math

import numpy as np
import pytest

import network.theory  # noqa: F401  (the subpackage; network/__init__ may not list it)
from network import transfer_functions as tfs
from network.errors import ModelFileError, ModelKeyError, NetworkError, ParameterError, RecordingError, UnitError
from network.theory import fitting, tf
from network.theory.accuracy import DI_VOLO_MODEL


# ------------------------------------------------------------------ the formula
def _hand_tf(nu_e, nu_i, W, P):
    """The formula written out by hand, scalar SI arithmetic, for the di Volo RS cell."""
    Gl, Cm, El = 10e-9, 200e-12, -65e-3
    Ke, Ki = 0.05 * 8000 * 2, 0.05 * 2000  # Exc and AffExc (same synapses) count together
    Qe, Qi, Te, Ti, Ee, Ei = 1.5e-9, 5e-9, 5e-3, 5e-3, 0.0, -80e-3
    fe, fi = Ke / 2 * nu_e + Ke / 2 * 0.0, Ki * nu_i  # AffExc at 0 Hz (floored at 1e-8 Hz)
    fe += Ke / 2 * 1e-8
    Ge, Gi = Qe * Te * fe, Qi * Ti * fi
    G = Gl + Ge + Gi
    mu = (Ge * Ee + Gi * Ei + Gl * El - W * 1e-12) / G
    tm = Cm / G
    Ue, Ui = Qe / G * (Ee - mu), Qi / G * (Ei - mu)
    se = fe * (Ue * Te) ** 2
    si = fi * (Ui * Ti) ** 2
    sigma = math.sqrt(se / 2 / (Te + tm) + si / 2 / (Ti + tm)) + 1e-12  # as ModelDB 263236
    tauV = (se + si) / (se / (Te + tm) + si / (Ti + tm))
    xm, xs, xt = (mu + 0.06) / 0.01, (sigma - 0.004) / 0.006, (tauV * Gl / Cm - 0.5) / 1.0
    V = (P[0] + P[1] * xm + P[2] * xs + P[3] * xt + P[4] * xm**2 + P[5] * xs**2 + P[6] * xt**2
         + P[7] * xm * xs + P[8] * xm * xt + P[9] * xs * xt)
    return max(0.5 / tauV * math.erfc((V - mu) / math.sqrt(2) / max(sigma, 1e-4)), 1e-8), mu, sigma, tauV


@pytest.mark.parametrize("nu_e, nu_i, W", [(2.0, 10.0, 0.0), (5.0, 20.0, 100.0), (1.5, 4.0, 20.0), (0.2, 3.0, 30.0)])
def test_formula_matches_hand_computed_values(nu_e, nu_i, W):
    P = tf.published_coefficients("RS")
    TF = tf.TransferFunction(DI_VOLO_MODEL, "Exc", P)
    rates = {"Exc": nu_e, "Inh": nu_i, "AffExc": 0.0}
    expected, mu, sigma, tauV = _hand_tf(nu_e, nu_i, W, P)
    m = TF.moments(rates, W=W)
    assert m["muV"] == pytest.approx(mu, rel=1e-12)
    assert m["sigmaV"] == pytest.approx(sigma, rel=1e-12)
    assert m["tauV"] == pytest.approx(tauV, rel=1e-12)
    assert TF(rates, W=W) == pytest.approx(expected, rel=1e-9)


def test_threshold_polynomial_terms_at_chosen_moments():
    P = np.arange(1, 11) * 1e-3
    # x_mu = 1, x_sigma = 0, x_tau = 0: Veff = P0 + Pmu + Pmu2
    m = {"muV": -0.05, "sigmaV": 0.004, "tauVN": 0.5}
    assert tf.effective_threshold(m, P) == pytest.approx(P[0] + P[1] + P[4], rel=1e-12)
    # x_mu = 0, x_sigma = 1, x_tau = -1: Veff = P0 + Psigma - Ptau + Psigma2 + Ptau2 - Psigmatau
    m = {"muV": -0.06, "sigmaV": 0.010, "tauVN": -0.5}
    assert tf.effective_threshold(m, P) == pytest.approx(P[0] + P[2] - P[3] + P[5] + P[6] - P[9], rel=1e-12)


def test_threshold_inversion_is_the_inverse_of_the_rate():
    TF = tf.TransferFunction(DI_VOLO_MODEL, "Inh", "FS")
    rates = {"Exc": np.array([1.0, 3.0, 6.0]), "Inh": np.array([5.0, 10.0, 30.0]), "AffExc": 2.0}
    m = TF.moments(rates)
    F = TF(rates)
    V = tf.threshold_from_rate(F, m)
    assert np.allclose(V, tf.effective_threshold(m, TF.coefficients), atol=1e-12)


def test_quantities_accepted_and_wrong_dimension_refused():
    import brian2 as b2

    TF = tf.TransferFunction(DI_VOLO_MODEL, "Exc", "RS")
    plain = TF({"Exc": 2.0, "Inh": 10.0, "AffExc": 2.0}, W=50.0)
    q = TF({"Exc": 2.0 * b2.Hz, "Inh": 10.0 * b2.Hz, "AffExc": 2.0 * b2.Hz}, W=50.0 * b2.pA)
    assert q == pytest.approx(plain, rel=1e-12)
    with pytest.raises(UnitError, match="W"):
        TF({"Exc": 2.0, "Inh": 10.0, "AffExc": 2.0}, W=50.0 * b2.mV)


def test_original_TF_call():
    Model = dict(DI_VOLO_MODEL, COEFFS=tf.published_coefficients("FS"))
    out = tf.TF({"F_Exc": 3.0, "F_Inh": 10.0, "F_AffExc": 4.0}, Model, "Inh")
    expected = tf.TransferFunction(DI_VOLO_MODEL, "Inh", "FS")({"Exc": 3.0, "Inh": 10.0, "AffExc": 4.0})
    assert out == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ModelKeyError, match="F_AffExc"):
        tf.TF({"F_Exc": 3.0, "F_Inh": 10.0}, Model, "Inh")


def test_bad_coefficients_and_populations():
    with pytest.raises(ParameterError, match="exactly 10"):
        tf.TransferFunction(DI_VOLO_MODEL, "Exc", np.zeros(11))
    with pytest.raises(ParameterError, match="volts"):
        tf.TransferFunction(DI_VOLO_MODEL, "Exc", np.r_[-50.0, np.zeros(9)])
    with pytest.raises(ModelKeyError, match="Pyr"):
        tf.TransferFunction(DI_VOLO_MODEL, "Pyr", "RS")
    with pytest.raises(ModelKeyError, match="'RS' and 'FS'"):
        tf.published_coefficients("LTS")
    with pytest.raises(ModelKeyError, match="Nope"):
        tf.load_coefficients({"Exc": "RS"}, ["Exc", "Nope"])
    assert issubclass(ParameterError, NetworkError)


def test_shipped_coefficients_load(tmp_path):
    for spec in ("toolkit", "toolkit:RS-FS", "toolkit:diVolo2019"):
        c = tf.load_coefficients(spec, ["Exc", "Inh"])
        assert set(c) == {"Exc", "Inh"} and all(v.shape == (10,) and np.all(np.isfinite(v)) for v in c.values())
        assert all(-0.07 < v[0] < -0.03 for v in c.values())  # P0: an effective threshold near -50 mV
    path = tf.save_coefficients(tmp_path / "c.json", {"Exc": tf.published_coefficients("RS")})
    assert np.array_equal(tf.load_coefficients(str(path), ["Exc"])["Exc"], tf.published_coefficients("RS"))
    with pytest.raises(ModelKeyError, match="toolkit:"):
        tf.load_coefficients("toolkit:nowhere", ["Exc"])
    # a missing file is a RecordingError (an OSError), as every unreadable file in network
    with pytest.raises(RecordingError, match="'missing.json': no such file") as exc:
        tf.load_coefficients("missing.json", ["Exc"])
    assert isinstance(exc.value, OSError) and not isinstance(exc.value, ValueError)
    bad = tmp_path / "bad.json"
    bad.write_text('{"Exc":\n [1, 2,,]}')
    with pytest.raises(ModelFileError, match="bad.json', line 2: not valid JSON"):
        tf.load_coefficients(str(bad), ["Exc"])


def test_published_coefficients_as_in_the_issue():
    rs = tf.published_coefficients("RS")
    assert rs[0] == -0.04983106 and rs[-1] == -0.04072161
    fs = tf.published_coefficients("FS")
    assert fs[0] == -0.05149122 and fs[-1] == -0.0153578


# ------------------------------------------------------------------ fitting
def _synthetic(P, noise=0.0, seed=0):
    """Data generated by the formula on a (nu_e, nu_i, W) grid."""
    e, i, w = np.meshgrid(np.geomspace(1.0, 12.0, 9), np.geomspace(4.0, 50.0, 8), [0.0, 60.0, 150.0],
                          indexing="ij")
    data = {"Model": DI_VOLO_MODEL, "pop": "Exc", "inputs": ["Exc", "Inh"], "F_Exc": e.ravel(),
            "F_Inh": i.ravel(), "W_mean": w.ravel()}
    TF = tf.TransferFunction(DI_VOLO_MODEL, "Exc", P, presynaptic=["Exc", "Inh"])
    F = TF({"Exc": data["F_Exc"], "Inh": data["F_Inh"]}, W=data["W_mean"])
    rng = np.random.default_rng(seed)
    data["Fout_mean"] = F * (1 + noise * rng.standard_normal(F.size))
    return data, F


def test_fit_recovers_known_coefficients_from_synthetic_data():
    P = tf.published_coefficients("RS")
    data, F = _synthetic(P)
    res = fitting.fit_coefficients(data, Fout_min=1e-3)  # below: the 1e-8 Hz floor, unmeasurable
    n = res.fitted.sum()
    assert n > 60  # most of the 216 points are in (0, 60) Hz
    # step 1 (linear fit of the inverted threshold) is exact on noiseless data
    assert np.allclose(res.linear_coefficients, P, atol=1e-7)
    assert np.allclose(res.coefficients, P, atol=1e-6)
    assert res.rms_error < 1e-4


def test_fit_on_noisy_data_reports_its_error():
    P = tf.published_coefficients("RS")
    data, F = _synthetic(P, noise=0.05, seed=3)
    res = fitting.fit_coefficients(data)
    fitted = res.fitted
    # the fit error is of the order of the noise, and reported per point
    assert res.error.shape == F.shape
    assert 0.01 < res.median_relative_error < 0.08
    # the fitted function is closer to the truth than the noisy data are
    truth_err = np.sqrt(np.mean((res.prediction[fitted] - F[fitted]) ** 2))
    data_err = np.sqrt(np.mean((data["Fout_mean"][fitted] - F[fitted]) ** 2))
    assert truth_err < data_err


def test_fit_with_no_point_in_range_is_an_error():
    data, F = _synthetic(tf.published_coefficients("RS"))
    data["Fout_mean"] = np.zeros_like(F)
    with pytest.raises(ParameterError, match="no point .* fitted range"):
        fitting.fit_coefficients(data)
    data["Fout_mean"] = np.full_like(F, 150.0)
    with pytest.raises(ParameterError, match="extend the grid"):
        fitting.fit_coefficients(data)


def test_original_fit_data():
    data, F = _synthetic(tf.published_coefficients("FS"))
    P = fitting.fit_data(data, Fout_high=60.0)
    assert np.allclose(P, tf.published_coefficients("FS"), atol=1e-6)
    with pytest.raises(ParameterError, match="order"):
        fitting.fit_data(data, order=1)


# ------------------------------------------------------------------ characterisation (brian2)
def test_characterise_bad_input():
    with pytest.raises(ModelKeyError, match="Pyr"):
        tfs.characterise(DI_VOLO_MODEL, "Pyr", {"Exc": [1.0]})
    with pytest.raises(ModelKeyError, match="not an input"):
        tfs.characterise(DI_VOLO_MODEL, "Exc", {"Nope": [1.0]})
    with pytest.raises(ParameterError, match="finite rates >= 0"):
        tfs.characterise(DI_VOLO_MODEL, "Exc", {"Exc": [-1.0]})
    with pytest.raises(ParameterError, match="n_seeds"):
        tfs.characterise(DI_VOLO_MODEL, "Exc", {"Exc": [1.0]}, n_seeds=0)


@pytest.mark.slow
def test_characterisation_against_the_network_cells_and_adaptation_balance(tmp_path):
    """The vectorised cells against the network's own cells and drive (network.build/stim), same inputs.

    Two independent implementations of the same cell under the same Poisson input:
    their mean rates agree within 4 standard errors.  For the adapting RS cell the
    mean adaptation current balances the spike-triggered increments,
    <w> = b nu tauw (a = 0), within 10 % (the transient is 3 tauw).
    """
    import brian2 as b2

    import network as ntwk

    point = {"Exc": 4.0, "Inh": 12.0, "AffExc": 0.0}
    n = 40
    data = tfs.characterise(DI_VOLO_MODEL, "Inh", {k: [v] for k, v in point.items()}, n_seeds=n,
                            t_measure=1000.0, t_discard=200.0, seed=3)
    f_vec = data["Fout"][0]
    # the same cells in the network's grammar: Inh cells driven by Exc/Inh/AffExc as afferents
    M = {k: v for k, v in DI_VOLO_MODEL.items() if not k.startswith(("N_", "p_", "Q_")) and "Exc_" not in k}
    M.update({"N_Inh": n, "N_AffE": 8000, "N_AffI": 2000, "Q_AffE_Inh": 1.5, "Q_AffI_Inh": 5.0,
              "p_AffE_Inh": 0.05, "p_AffI_Inh": 0.05, "Tsyn_AffE": 5.0, "Erev_AffE": 0.0,
              "Tsyn_AffI": 5.0, "Erev_AffI": -80.0, "tstop": 1200.0, "SEED": 4})
    NTWK = ntwk.build.populations(M, ["Inh"], AFFERENT_POPULATIONS=["AffE", "AffI"], with_raster=True)
    t = np.arange(int(round(M["tstop"] / M["dt"]))) * M["dt"]
    ntwk.stim.construct_feedforward_input(NTWK, "Inh", "AffE", t, np.full_like(t, point["Exc"]), SEED=5)
    ntwk.stim.construct_feedforward_input(NTWK, "Inh", "AffI", t, np.full_like(t, point["Inh"]), SEED=6)
    ntwk.collect_and_run(NTWK)
    ts, i = np.asarray(NTWK["RASTER"]["Inh"].t / b2.ms), np.asarray(NTWK["RASTER"]["Inh"].i)
    f_net = np.bincount(i[ts >= 200.0], minlength=n) / 1.0
    se = math.sqrt(f_vec.var(ddof=1) / n + f_net.var(ddof=1) / n)
    assert abs(f_vec.mean() - f_net.mean()) < 4 * se + 0.02 * f_net.mean()
    # adaptation balance of the RS cell
    rs = tfs.characterise(DI_VOLO_MODEL, "Exc", {"Exc": [3.0, 6.0], "Inh": [5.0], "AffExc": [0.0]}, n_seeds=20,
                          t_measure=1500.0, t_discard=1500.0, seed=2)
    assert np.all(rs["Fout_mean"] > 0.5)
    # (after 3 tauw, e^-3 = 5 % of the initial imbalance remains: rate and W still relax together)
    assert np.allclose(rs["W_mean"], 60.0 * rs["Fout_mean"] * 0.5, rtol=0.1)
    # stored in the shared HDF5 format with the Model and the grid
    path = tfs.save(rs, tmp_path / "tf.h5")
    back = tfs.load(path)
    assert back["Model"]["Exc_b"] == 60.0 and np.array_equal(back["grid"]["Exc"], [3.0, 6.0])
    assert np.array_equal(back["Fout"], rs["Fout"])


def test_original_generate_call(tmp_path):
    """``ntwk.transfer_functions.generate(Model)`` with the original keys, written as HDF5."""
    Model = dict(DI_VOLO_MODEL, NRN_KEY="Inh", POP_STIM=["Exc", "Inh"], N_SEED=3, tstop=600.0,
                 F_Exc_array=np.array([2.0, 6.0]), F_Inh_array=np.array([5.0]), filename=str(tmp_path / "tf.h5"))
    data = tfs.generate(Model, verbose=False)
    assert data["F_Exc"].tolist() == [2.0, 6.0] and data["Fout_mean"].shape == (2,)
    assert data["Fout_mean"][1] > data["Fout_mean"][0]  # more excitation, more output
    back = tfs.load(tmp_path / "tf.h5")
    assert back["Model"]["N_Exc"] == 8000 and "NRN_KEY" not in back["Model"]
    assert np.array_equal(back["Fout_mean"], data["Fout_mean"])
    with pytest.raises(ModelKeyError, match="F_Inh_array"):
        tfs.generate({k: v for k, v in Model.items() if k != "F_Inh_array"})


@pytest.mark.slow
@pytest.mark.slow
def test_new_values_reuse_the_compiled_code(tmp_path):
    """Rates, weights, cell parameters and durations are variables: a second characterisation compiles nothing.

    Run in a fresh interpreter with an empty Cython cache: brian2 keeps compiled code in
    memory per process, so in the test process another test may already have compiled the
    same code objects and the first characterisation would write nothing.
    """
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = f"""
import json, sys
from pathlib import Path
import network as ntwk
from network import transfer_functions as tfs
from network.theory.accuracy import DI_VOLO_MODEL
cache = Path({str(tmp_path / "cython_cache")!r})
ntwk.set_code_target("cython", cache_dir=str(cache))
out, files = [], []
for rates, Q, Gl, t_discard in (([2.0, 4.0], 1.5, 10.0, 50.0), ([6.0, 9.0], 2.5, 12.0, 80.0)):
    M = dict(DI_VOLO_MODEL, Q_Exc_Exc=Q, Exc_Gl=Gl)
    d = tfs.characterise(M, "Exc", {{"Exc": rates, "AffExc": [1.0]}}, n_seeds=5, inputs=["Exc", "AffExc"],
                         t_measure=300.0, t_discard=t_discard, seed=1)
    out.append(float(d["Fout_mean"].mean()))
    files.append(sorted(p.name for p in cache.rglob("*.so")))
print(json.dumps({{"rates": out, "files": files}}))
"""
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    first, second = report["files"]
    assert first, "the Cython target compiled nothing"
    assert second == first  # the second characterisation, with new values, compiled nothing
    assert report["rates"][1] > report["rates"][0]  # the new values took effect


@pytest.mark.parametrize("fout_max", ["0", "-5", "nan"])
def test_cli_bad_fout_max_is_refused_before_the_simulation(tmp_path, capsys, monkeypatch, fout_max):
    """--fout-max 0 was refused only after the characterisation (16 s)."""
    import json

    from dendrites.cli import main

    def no_simulation(*args, **kwargs):
        raise AssertionError("characterise ran before the options were checked")

    monkeypatch.setattr(tfs, "characterise", no_simulation)
    model = tmp_path / "model.json"
    model.write_text(json.dumps(DI_VOLO_MODEL))
    assert main(["transfer-function", str(model), "--pop", "Inh", "--fout-max", fout_max]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("nnd transfer-function: error: Fout_max") and "must be > Fout_min" in line


def test_fit_range_checked():
    with pytest.raises(ParameterError, match="Fout_max = 0 Hz"):
        fitting.check_fit_range(0.0)
    with pytest.raises(ParameterError, match="Fout_min = -1 Hz"):
        fitting.check_fit_range(60.0, -1.0)
    with pytest.raises(UnitError, match="Fout_max"):
        fitting.check_fit_range("a")
    import brian2

    assert fitting.check_fit_range(0.05 * brian2.kHz) == (50.0, 0.0)
    with pytest.raises(ParameterError, match="Fout_max = 0 Hz"):
        fitting.fit_coefficients({"Fout_mean": np.ones(20)}, Fout_max=0.0)
