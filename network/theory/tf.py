"""The semi-analytical transfer function of Zerlaut et al. (2016, 2018) and di Volo et al. (2019).

A cell receiving Poisson conductance input from presynaptic populations ``j`` (each
with in-degree ``K_j``, weight ``Q_j``, decay time ``tau_j`` and reversal ``E_j``,
firing at ``nu_j``) has, in the shot-noise approximation, a mean conductance and a
membrane potential with mean ``muV``, standard deviation ``sigmaV`` and
autocorrelation time ``tauV``::

    f_j    = K_j nu_j                               (total input rate, Hz)
    muG    = Gl + sum_j Q_j tau_j f_j
    muV    = (Gl El + sum_j Q_j tau_j f_j E_j + I - W) / muG
    tauM   = Cm / muG,      U_j = Q_j (E_j - muV) / muG
    sigmaV = sqrt( sum_j f_j (U_j tau_j)^2 / (2 (tau_j + tauM)) )
    tauV   = sum_j f_j (U_j tau_j)^2 / sum_j f_j (U_j tau_j)^2 / (tau_j + tauM)

(``W`` is the mean adaptation current, ``I`` a constant injected current.)  The
output rate is ::

    nu_out = erfc( (Veff - muV) / (sqrt(2) sigmaV) ) / (2 tauV)

with an effective threshold that is a second-order polynomial of the normalised
moments ``x_mu = (muV - muV0)/DmuV0``, ``x_sigma = (sigmaV - sV0)/DsV0``,
``x_tau = (tauV Gl/Cm - TvN0)/DTvN0`` (``muV0 = -60 mV``, ``DmuV0 = 10 mV``,
``sV0 = 4 mV``, ``DsV0 = 6 mV``, ``TvN0 = 0.5``, ``DTvN0 = 1``)::

    Veff = P0 + Pmu x_mu + Psigma x_sigma + Ptau x_tau + Pmu2 x_mu^2 + Psigma2 x_sigma^2
           + Ptau2 x_tau^2 + Pmusigma x_mu x_sigma + Pmutau x_mu x_tau + Psigmatau x_sigma x_tau

The 10 coefficients are in volts, in the order of :data:`COEFFICIENT_NAMES` (that of
ModelDB 263236 without its unused ``log(muG/Gl)`` term).  As in that code, input
rates are floored at 1e-8 Hz, ``sigmaV`` at 0.1 mV in the erfc (not in the
polynomial) and the output rate at 1e-8 Hz, so that the published mean field is
reproduced exactly.

Public units: rates Hz, potentials mV, currents pA, times ms (plain numbers or
brian2 Quantities); coefficients in volts (as published).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np
from scipy import special

from stimuli.arguments import to_plain

from ..errors import ModelFileError, ModelKeyError, ParameterError, RecordingError, UnitError
from ..model import cell_parameters, get, population_names, synaptic_parameters

__all__ = [
    "COEFFICIENT_NAMES", "NORMALISATION", "PUBLISHED_COEFFICIENTS", "SynapticInput", "synaptic_inputs",
    "check_coefficients", "published_coefficients", "load_coefficients", "save_coefficients",
    "membrane_moments", "threshold_terms", "effective_threshold", "erfc_rate",
    "threshold_from_rate", "TransferFunction", "TF",
]

COEFFICIENT_NAMES = ("P0", "Pmu", "Psigma", "Ptau", "Pmu2", "Psigma2", "Ptau2", "Pmusigma", "Pmutau",
                     "Psigmatau")
"""Names (and order) of the 10 coefficients of the effective threshold, in volts."""

NORMALISATION = {"muV0": -60e-3, "DmuV0": 10e-3, "sV0": 4e-3, "DsV0": 6e-3, "TvN0": 0.5, "DTvN0": 1.0}
"""Normalisation of the moments in the threshold polynomial (V, V, V, V, 1, 1)."""

RATE_FLOOR = 1e-8  # Hz: input and output rates (ModelDB 263236)
SIGMA_FLOOR = 1e-4  # V: sigmaV in the erfc (ModelDB 263236)

#: di Volo, Romagnoni, Capone & Destexhe (Neural Comput 2019), ModelDB 263236 (volts).
PUBLISHED_COEFFICIENTS = {
    "RS": (-0.04983106, 0.00506355, -0.02347012, 0.00229515, -0.00041053, 0.01054705, -0.03659253,
           0.00743749, 0.00126506, -0.04072161),
    "FS": (-0.05149122, 0.00400369, -0.00835201, 0.00024142, -0.00050706, 0.00143454, -0.01468669,
           0.00450271, 0.00284722, -0.0153578),
}

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def check_coefficients(P, name="coefficients"):
    """The 10 threshold coefficients as a float array (volts), or a ParameterError.

    Parameters
    ----------
    P : array_like
        10 numbers in volts, order :data:`COEFFICIENT_NAMES`.
    name : str
        What they are, for the message.
    """
    try:
        arr = np.asarray(P, dtype=np.float64)
    except (TypeError, ValueError):
        raise UnitError(f"{name} = {str(P)[:60]!r} is not numeric: give the 10 coefficients "
                        f"{', '.join(COEFFICIENT_NAMES)} in volts.") from None
    if arr.shape != (10,):
        raise ParameterError(
            f"{name} has shape {arr.shape}: the transfer function takes exactly 10 coefficients "
            f"({', '.join(COEFFICIENT_NAMES)}, in volts); an 11-element ModelDB array has an unused "
            f"log-conductance term at index 4: drop it (np.delete(P, 4)).")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} = {arr.tolist()} holds non-finite values.")
    if abs(arr[0]) > 1.0:
        raise ParameterError(f"{name}[0] = P0 = {arr[0]:g}: coefficients are in volts (P0 is about "
                             f"-0.05 V); divide values in mV by 1000.")
    return arr


def published_coefficients(cell):
    """The published di Volo et al. (2019) coefficients of ``cell`` ('RS' or 'FS'), in volts."""
    key = str(cell).upper()
    if key not in PUBLISHED_COEFFICIENTS:
        raise ModelKeyError(f"published coefficients {cell!r}: ModelDB 263236 has 'RS' and 'FS' cells.")
    return np.array(PUBLISHED_COEFFICIENTS[key])


def _default_cell(pop):
    if "Exc" in pop:
        return "RS"
    if "Inh" in pop:
        return "FS"
    raise ModelKeyError(f"population {pop!r}: 'published' coefficients are chosen by name ('Exc' -> RS, "
                        f"'Inh' -> FS); give {{{pop!r}: 'RS' or 'FS' or 10 numbers}} instead.")


def load_coefficients(spec, populations):
    """Coefficients of every population, from a specification.

    Parameters
    ----------
    spec : str, dict or array_like
        ``'published'`` (di Volo et al. 2019: RS for names containing ``Exc``, FS for
        ``Inh``), ``'toolkit'`` or ``'toolkit:RS-FS'`` (the shipped fits of the seed's
        RS-FS cells, ``network/data/tf_coefficients.json``), ``'toolkit:diVolo2019'``
        (the toolkit's own fits of di Volo's cells), a JSON file path (``{pop: [10
        numbers]}`` or ``{"coefficients": {pop: [...]}}``), a dict ``{pop: 'RS' |
        'FS' | 10 numbers}``, or 10 numbers for every population.
    populations : list of str

    Returns
    -------
    dict
        ``{pop: numpy array (10,)}`` in volts.

    Raises
    ------
    RecordingError
        The JSON file does not exist or cannot be read.
    ModelFileError
        The JSON file is malformed (the message names its line).
    ModelKeyError
        An unknown shipped fit, or a population without coefficients.
    """
    if isinstance(spec, str):
        if spec == "published":
            return {p: published_coefficients(_default_cell(p)) for p in populations}
        if spec == "toolkit" or spec.startswith("toolkit:"):
            network = spec.partition(":")[2] or "RS-FS"
            with open(os.path.join(_DATA, "tf_coefficients.json")) as fh:
                shipped = json.load(fh)["coefficients"]
            nets = sorted({k.split("/")[0] for k in shipped})
            if network not in nets:
                raise ModelKeyError(f"coefficients {spec!r}: the shipped fits are {['toolkit:' + n for n in nets]}.")
            spec = {p: shipped.get(f"{network}/{'Exc' if 'Exc' in p else 'Inh' if 'Inh' in p else p}")
                    for p in populations}
            missing = [p for p, v in spec.items() if v is None]
            if missing:
                raise ModelKeyError(f"coefficients 'toolkit:{network}': no shipped fit for {missing} "
                                    f"(populations are matched by 'Exc'/'Inh' in their names).")
        else:
            if not os.path.isfile(spec):
                raise RecordingError(f"coefficients {spec!r}: no such file; give 'published', 'toolkit', a JSON "
                                     f"file {{population: [10 numbers]}} or a dict.")
            try:
                with open(spec) as fh:
                    text = fh.read()
            except OSError as err:
                raise RecordingError(f"coefficients file {spec!r} cannot be read: {err.strerror or err}; "
                                     f"check its permissions.") from None
            try:
                content = json.loads(text)
            except json.JSONDecodeError as err:
                raise ModelFileError(f"coefficients file {spec!r}, line {err.lineno}: not valid JSON ({err.msg}); "
                                     f"write {{population: [10 numbers]}}.") from None
            if isinstance(content, dict) and "coefficients" in content:
                content = content["coefficients"]
            spec = content
    if isinstance(spec, dict):
        out = {}
        for p in populations:
            if p not in spec:
                raise ModelKeyError(f"coefficients: no entry for population {p!r} (given: {sorted(spec)}).")
            v = spec[p]
            if isinstance(v, dict) and "coefficients" in v:
                v = v["coefficients"]
            out[p] = published_coefficients(v) if isinstance(v, str) else check_coefficients(
                v, f"coefficients of {p!r}")
        return out
    P = check_coefficients(spec)
    return {p: P.copy() for p in populations}


def save_coefficients(filename, coefficients, **metadata):
    """Write ``{pop: 10 coefficients}`` (volts) and metadata to a JSON file."""
    content = dict(metadata)
    content["names"] = list(COEFFICIENT_NAMES)
    content["units"] = "V"
    content["coefficients"] = {p: [float(x) for x in check_coefficients(v, f"coefficients of {p!r}")]
                               for p, v in coefficients.items()}
    with open(filename, "w") as fh:
        json.dump(content, fh, indent=1)
    return filename


@dataclass(frozen=True)
class SynapticInput:
    """One presynaptic population as seen by a cell (seed units).

    Attributes
    ----------
    name : str
    K : float
        Number of inputs per cell (``p * N * psyn``, release probability included).
    Q : float
        Weight, nS.
    tau : float
        Decay time, ms.
    E : float
        Reversal potential, mV.
    """

    name: str
    K: float
    Q: float
    tau: float
    E: float


def synaptic_inputs(Model, pop, presynaptic=None):
    """The inputs of population ``pop`` from the Model dict.

    Parameters
    ----------
    Model : dict
    pop : str
        Postsynaptic population.
    presynaptic : list of str, optional
        Presynaptic populations (default: every population with both ``Q_<pre>_<pop>``
        and ``p_<pre>_<pop>`` keys).

    Returns
    -------
    list of SynapticInput
    """
    pops = population_names(Model)
    if pop not in pops:
        raise ModelKeyError(f"population {pop!r} has no 'N_{pop}' key in the Model (populations: {pops}).")
    if presynaptic is None:
        presynaptic = [q for q in pops if f"Q_{q}_{pop}" in Model and f"p_{q}_{pop}" in Model]
    out = []
    for q in presynaptic:
        if q not in pops:
            raise ModelKeyError(f"presynaptic population {q!r} of {pop!r} has no 'N_{q}' key (populations: {pops}).")
        ctx = f"inputs {q}->{pop}"
        K = get(Model, f"p_{q}_{pop}", ctx) * get(Model, f"N_{q}", ctx) * float(Model.get(f"psyn_{q}_{pop}", 1.0))
        tau, E = synaptic_parameters(Model, q)
        out.append(SynapticInput(q, K, get(Model, f"Q_{q}_{pop}", ctx), tau, E))
    return out


def _cell_si(cell):
    """Gl (S), Cm (F), El (V) from a cell-parameter dict in seed units."""
    return cell["Gl"] * 1e-9, cell["Cm"] * 1e-12, cell["El"] * 1e-3


def membrane_moments(cell, inputs, rates, W=0.0, I=0.0):
    """Mean, standard deviation and autocorrelation time of the membrane potential.

    Parameters
    ----------
    cell : dict
        Cell parameters (``Gl`` nS, ``Cm`` pF, ``El`` mV), e.g. from
        :func:`network.model.cell_parameters`.
    inputs : list of SynapticInput
    rates : dict
        ``{input name: rate of each presynaptic cell}`` (Hz, arrays broadcast).
    W : float or array_like
        Mean adaptation current, pA.
    I : float or array_like
        Constant injected current, pA.

    Returns
    -------
    dict
        ``muV``, ``sigmaV`` (V), ``tauV``, ``tauM`` (s), ``tauVN`` (tauV Gl/Cm), ``muG`` (S):
        SI floats or arrays of the broadcast shape.
    """
    Gl, Cm, El = _cell_si(cell)
    W = to_plain(W, "pA", "W", error=UnitError) * 1e-12
    I = to_plain(I, "pA", "I", error=UnitError) * 1e-12
    f, Q, tau, E = [], [], [], []
    for syn in inputs:
        if syn.name not in rates:
            raise ModelKeyError(f"rates: no rate for the input population {syn.name!r} "
                                f"(needed: {[s.name for s in inputs]}).")
        r = to_plain(rates[syn.name], "Hz", f"rate of {syn.name}", error=UnitError)
        f.append(np.maximum(r, RATE_FLOOR) * syn.K)
        Q.append(syn.Q * 1e-9)
        tau.append(syn.tau * 1e-3)
        E.append(syn.E * 1e-3)
    muG = Gl + sum(Qj * tj * fj for Qj, tj, fj in zip(Q, tau, f)) + 0.0 * (W + I)
    muV = (Gl * El + sum(Qj * tj * fj * Ej for Qj, tj, fj, Ej in zip(Q, tau, f, E)) + I - W) / muG
    tauM = Cm / muG
    num = 0.0 * muV
    den = 0.0 * muV
    var = 0.0 * muV
    for Qj, tj, fj, Ej in zip(Q, tau, f, E):
        A = fj * (Qj * (Ej - muV) / muG * tj) ** 2
        var = var + A / (2.0 * (tj + tauM))
        num = num + A
        den = den + A / (tj + tauM)
    sigmaV = np.sqrt(var) + 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        tauV = np.where(den > 0, num / np.where(den > 0, den, 1.0), tauM)
    return {"muV": muV, "sigmaV": sigmaV, "tauV": tauV, "tauM": tauM, "tauVN": tauV * Gl / Cm, "muG": muG}


def threshold_terms(muV, sigmaV, tauVN):
    """The 10 normalised terms of the threshold polynomial (first axis), from SI moments."""
    n = NORMALISATION
    x_mu = (np.asarray(muV) - n["muV0"]) / n["DmuV0"]
    x_s = (np.asarray(sigmaV) - n["sV0"]) / n["DsV0"]
    x_t = (np.asarray(tauVN) - n["TvN0"]) / n["DTvN0"]
    x_mu, x_s, x_t = np.broadcast_arrays(x_mu, x_s, x_t)
    return np.stack([np.ones_like(x_mu), x_mu, x_s, x_t, x_mu**2, x_s**2, x_t**2, x_mu * x_s, x_mu * x_t,
                     x_s * x_t])


def effective_threshold(moments, P):
    """Effective threshold (V) of the polynomial with coefficients ``P`` (V) at ``moments`` (SI)."""
    if not (isinstance(P, np.ndarray) and P.shape == (10,) and P.dtype == np.float64):
        P = check_coefficients(P)
    T = threshold_terms(moments["muV"], moments["sigmaV"], moments["tauVN"])
    return np.tensordot(P, T, axes=(0, 0))


def erfc_rate(muV, sigmaV, tauV, Veff):
    """``erfc((Veff - muV)/(sqrt(2) max(sigmaV, 0.1 mV))) / (2 tauV)`` in Hz (SI arguments), floored at 1e-8 Hz."""
    s = np.maximum(sigmaV, SIGMA_FLOOR)
    return np.maximum(0.5 / tauV * special.erfc((Veff - muV) / (np.sqrt(2.0) * s)), RATE_FLOOR)


def threshold_from_rate(rate, moments):
    """Invert the erfc formula: the effective threshold (V) that gives ``rate`` (Hz).

    The exact inverse of :func:`erfc_rate` (same 0.1 mV floor of sigmaV); NaN where ``2 rate tauV`` is not in (0, 2) (no threshold gives that rate).
    """
    y = 2.0 * np.asarray(rate, dtype=float) * moments["tauV"]
    with np.errstate(invalid="ignore"):
        out = moments["muV"] + np.sqrt(2.0) * np.maximum(moments["sigmaV"], SIGMA_FLOOR) * special.erfcinv(y)
    return np.where((y > 0) & (y < 2), out, np.nan)


class TransferFunction:
    """Output rate of the cells of one population as a function of their input rates.

    Parameters
    ----------
    Model : dict
        The Model dict (seed units).
    pop : str
        The population whose cells are described.
    coefficients : array_like or str
        10 coefficients in volts (:data:`COEFFICIENT_NAMES`), ``'RS'``/``'FS'`` for the
        published ones, or any specification of :func:`load_coefficients`.
    presynaptic : list of str, optional
        Input populations (default: all with ``Q_<pre>_<pop>`` and ``p_<pre>_<pop>``).

    Examples
    --------
    >>> tf = TransferFunction(Model, 'Exc', 'RS')            # doctest: +SKIP
    >>> tf({'Exc': 5., 'Inh': 10., 'AffExc': 4.}, W=100.)    # Hz  # doctest: +SKIP
    """

    def __init__(self, Model, pop, coefficients, presynaptic=None):
        self.pop = pop
        self.inputs = synaptic_inputs(Model, pop, presynaptic)
        self.cell = cell_parameters(Model, pop)
        if "Vclamp" in self.cell:
            raise ParameterError(f"population {pop!r} is voltage-clamped ({pop}_Vclamp): it has no transfer function.")
        if isinstance(coefficients, str) and coefficients.upper() in PUBLISHED_COEFFICIENTS:
            self.coefficients = published_coefficients(coefficients)
        elif isinstance(coefficients, (str, dict)):  # 'published', 'toolkit...', a file, {pop: ...}
            self.coefficients = load_coefficients(coefficients, [pop])[pop]
        else:
            self.coefficients = check_coefficients(coefficients, f"coefficients of {pop!r}")
        self.I0 = float(self.cell.get("Iinj", 0.0))

    @property
    def input_names(self):
        """Names of the input populations, in order."""
        return [s.name for s in self.inputs]

    def moments(self, rates, W=0.0, I=0.0):
        """Membrane moments (SI, see :func:`membrane_moments`) at ``rates`` (Hz); ``I`` adds to ``Iinj``."""
        return membrane_moments(self.cell, self.inputs, rates, W, to_plain(I, "pA", "I", error=UnitError) + self.I0)

    def __call__(self, rates, W=0.0, I=0.0):
        """Output rate (Hz) at input rates ``rates`` (``{pop: Hz}``), adaptation ``W`` and current ``I`` (pA)."""
        m = self.moments(rates, W, I)
        return erfc_rate(m["muV"], m["sigmaV"], m["tauV"], effective_threshold(m, self.coefficients))


def TF(RATES, Model, NRN_KEY):
    """The original project's transfer-function call: output rate (Hz) of ``NRN_KEY`` cells.

    Parameters
    ----------
    RATES : dict
        ``{'F_<pop>': rate in Hz}`` for every input population.
    Model : dict
        The Model dict with ``Model['COEFFS']`` (or ``Model['COEFFS_<NRN_KEY>']``: 10
        coefficients in volts or ``'RS'``/``'FS'``) and optionally ``Model['POP_STIM']``
        (the input populations; default: every one with ``Q_``/``p_`` keys onto it).
        Other non-grammar keys of the original (``NRN_KEY``, ``F_<pop>_array``...) are
        ignored.
    NRN_KEY : str
        The population.
    """
    coeffs = Model.get(f"COEFFS_{NRN_KEY}", Model.get("COEFFS"))
    if coeffs is None:
        raise ModelKeyError(f"Model has neither 'COEFFS' nor 'COEFFS_{NRN_KEY}': give the 10 coefficients "
                            f"(volts) of the transfer function, e.g. network.theory.tf.published_coefficients('RS').")
    pre = Model.get("POP_STIM")
    tf = TransferFunction(Model, NRN_KEY, coeffs, presynaptic=None if pre is None else
                          [p for p in pre if f"Q_{p}_{NRN_KEY}" in Model and f"p_{p}_{NRN_KEY}" in Model])
    rates = {}
    for name in tf.input_names:
        if f"F_{name}" not in RATES:
            raise ModelKeyError(f"RATES has no 'F_{name}' (Hz): needed for the input population {name!r}.")
        rates[name] = RATES[f"F_{name}"]
    return tf(rates)
