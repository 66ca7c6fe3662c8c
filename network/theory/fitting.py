"""Fitting the 10 threshold coefficients to characterisation data (Zerlaut et al. 2016; di Volo et al. 2019).

Two steps, as in the papers:

1. invert the erfc formula at every simulated point with ``0 < Fout < Fout_max``
   (the effective threshold that gives the measured rate at the point's moments)
   and fit the threshold polynomial to it by linear least squares (exact: the
   polynomial is linear in its coefficients);
2. refine the coefficients on the output-rate error, ``sum (TF(point) - Fout)^2``
   over the same points (``scipy.optimize.least_squares``, started at step 1).

Every coefficient is bounded to +-0.2 V (:data:`BOUND`) so that a grid with few
usable points cannot produce absurd extrapolations.

The error of the fit is reported per point and overall (RMS in Hz, and the median
relative error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from stimuli.arguments import to_plain

from ..errors import ModelKeyError, ParameterError, UnitError
from ..model import cell_parameters
from .tf import (COEFFICIENT_NAMES, effective_threshold, erfc_rate, membrane_moments, synaptic_inputs,
                 threshold_from_rate, threshold_terms)

__all__ = ["FitResult", "fit_coefficients", "fit_data", "point_moments", "check_fit_range", "BOUND"]

BOUND = 0.2
"""V: every coefficient is kept in [-BOUND, BOUND] (published ones are below 0.05 V in magnitude)."""


@dataclass
class FitResult:
    """Coefficients fitted to a characterisation, with their errors.

    Attributes
    ----------
    coefficients : numpy.ndarray
        The 10 coefficients after the refinement (volts).
    linear_coefficients : numpy.ndarray
        After step 1 (threshold fit).
    fitted : numpy.ndarray of bool
        The points used (``0 < Fout < Fout_max`` and an invertible rate).
    prediction : numpy.ndarray
        The fitted transfer function at every point, Hz.
    error : numpy.ndarray
        ``prediction - Fout_mean`` at every point, Hz.
    rms_error : float
        RMS of ``error`` over the fitted points, Hz.
    median_relative_error : float
        Median of ``|error| / Fout`` over the fitted points.
    linear_rms_error : float
        RMS error of the step-1 coefficients, Hz.
    """

    coefficients: np.ndarray
    linear_coefficients: np.ndarray
    fitted: np.ndarray
    prediction: np.ndarray
    error: np.ndarray
    rms_error: float
    median_relative_error: float
    linear_rms_error: float

    def as_dict(self):
        """A dict of plain arrays and numbers (for the HDF5 file or JSON)."""
        return {"coefficients": self.coefficients, "linear_coefficients": self.linear_coefficients,
                "coefficient_names": list(COEFFICIENT_NAMES), "fitted": self.fitted,
                "prediction": self.prediction, "error": self.error, "rms_error": float(self.rms_error),
                "median_relative_error": float(self.median_relative_error),
                "linear_rms_error": float(self.linear_rms_error)}


def point_moments(data):
    """Membrane moments (SI) at every point of a characterisation (with its measured mean W)."""
    for key in ("Model", "pop", "inputs", "Fout_mean"):
        if key not in data:
            raise ModelKeyError(f"characterisation data has no {key!r}: give the dict returned by "
                                f"network.transfer_functions.characterise (or its HDF5 file, loaded).")
    Model, pop = data["Model"], data["pop"]
    inputs = synaptic_inputs(Model, pop, list(data["inputs"]))
    rates = {}
    for s in inputs:
        if f"F_{s.name}" not in data:
            raise ModelKeyError(f"characterisation data has no 'F_{s.name}' (the input rates of {s.name!r}).")
        rates[s.name] = np.asarray(data[f"F_{s.name}"], dtype=float)
    cell = cell_parameters(Model, pop)
    W = np.asarray(data.get("W_mean", 0.0), dtype=float)
    return membrane_moments(cell, inputs, rates, W=W, I=cell.get("Iinj", 0.0))


def _rms(x):
    return float(np.sqrt(np.mean(np.square(x)))) if np.size(x) else float("nan")


def check_fit_range(Fout_max=60.0, Fout_min=0.0):
    """Check the fitted range of output rates before anything is simulated.

    Parameters
    ----------
    Fout_max, Fout_min : float or Quantity
        Bounds of the fitted output rates, Hz: ``0 <= Fout_min < Fout_max``.

    Returns
    -------
    (float, float)
        ``(Fout_max, Fout_min)`` in Hz.

    Raises
    ------
    UnitError
        Not a number, or a Quantity that is not a rate.
    ParameterError
        ``Fout_min < 0`` or ``Fout_max <= Fout_min`` (or NaN).
    """
    hi = float(to_plain(Fout_max, "Hz", "Fout_max", error=UnitError))
    lo = float(to_plain(Fout_min, "Hz", "Fout_min", error=UnitError))
    if not lo >= 0:
        raise ParameterError(f"Fout_min = {lo:g} Hz: the lower end of the fitted rates must be >= 0 Hz "
                             f"(di Volo et al. fit 0 < Fout < 60 Hz).")
    if not hi > lo:
        raise ParameterError(f"Fout_max = {hi:g} Hz: the upper end of the fitted rates must be > Fout_min = "
                             f"{lo:g} Hz, e.g. 60 Hz (--fout-max 60).")
    return hi, lo


def fit_coefficients(data, Fout_max=60.0, Fout_min=0.0, refine=True):
    """Fit the 10 coefficients to a characterisation (two-step procedure).

    Parameters
    ----------
    data : dict
        From :func:`network.transfer_functions.characterise` (``Model``, ``pop``,
        ``inputs``, ``F_<pre>``, ``Fout_mean``, optionally ``W_mean``), or any dict
        with these keys (e.g. synthetic data).
    Fout_max, Fout_min : float
        Rates (Hz) outside ``(Fout_min, Fout_max)`` are not fitted (di Volo et al.:
        0 and 60 Hz).
    refine : bool
        Do step 2 (refinement on the output-rate error).

    Returns
    -------
    FitResult

    Raises
    ------
    ParameterError
        No point of the grid in the fitted range (all silent, or all above
        ``Fout_max``), or fewer fitted points than the 10 coefficients; a bad range
        (see :func:`check_fit_range`).
    """
    Fout_max, Fout_min = check_fit_range(Fout_max, Fout_min)
    Fout = np.asarray(data["Fout_mean"] if "Fout_mean" in data else [], dtype=float).ravel()
    m = point_moments(data)
    m = {k: np.broadcast_to(v, Fout.shape) for k, v in m.items()}
    veff = threshold_from_rate(Fout, m)
    fitted = (Fout > Fout_min) & (Fout < Fout_max) & np.isfinite(veff)
    n = int(fitted.sum())
    in_range = (Fout > Fout_min) & (Fout < Fout_max)
    if n == 0 and in_range.any():
        raise ParameterError(
            f"the {int(in_range.sum())} points of {data.get('pop')!r} with {Fout_min:g} < Fout < {Fout_max:g} Hz have "
            f"rates above 1/tauV, which the erfc formula cannot reach (saturated cells, near 1/Trefrac): "
            f"characterise lower input rates.")
    if n == 0:
        lo, hi = (float(Fout.min()), float(Fout.max())) if Fout.size else (float("nan"),) * 2
        raise ParameterError(
            f"no point of the characterisation of {data.get('pop')!r} lies in the fitted range "
            f"{Fout_min:g} < Fout < {Fout_max:g} Hz (measured rates {lo:g}..{hi:g} Hz over {Fout.size} points): "
            f"extend the grid of input rates (silent cells: more excitation; saturated: less), or lengthen "
            f"t_measure so that low rates are measurable.")
    if n < len(COEFFICIENT_NAMES):
        raise ParameterError(f"only {n} points lie in the fitted range {Fout_min:g} < Fout < {Fout_max:g} Hz: "
                             f"the 10 coefficients need at least 10 (a finer or wider grid).")
    sub = {k: v[fitted] for k, v in m.items()}
    X = threshold_terms(sub["muV"], sub["sigmaV"], sub["tauVN"]).T
    P1, *_ = np.linalg.lstsq(X, veff[fitted], rcond=None)
    if np.any(np.abs(P1) > BOUND):  # an ill-conditioned grid (few or aligned points): bounded least squares
        P1 = optimize.lsq_linear(X, veff[fitted], bounds=(-BOUND, BOUND)).x

    def predict(P, mm):
        return erfc_rate(mm["muV"], mm["sigmaV"], mm["tauV"], effective_threshold(mm, P))

    P = P1
    if refine:
        sol = optimize.least_squares(lambda p: predict(p, sub) - Fout[fitted], np.clip(P1, -BOUND, BOUND),
                                     x_scale=1e-3, method="trf", bounds=(-BOUND, BOUND), xtol=1e-12, ftol=1e-12,
                                     max_nfev=2000)
        if _rms(predict(sol.x, sub) - Fout[fitted]) <= _rms(predict(P1, sub) - Fout[fitted]):
            P = sol.x
    pred = predict(P, m)
    err = pred - Fout
    rel = np.abs(err[fitted]) / Fout[fitted]
    return FitResult(np.asarray(P, dtype=float), np.asarray(P1, dtype=float), fitted, pred, err,
                     _rms(err[fitted]), float(np.median(rel)), _rms(predict(P1, sub) - Fout[fitted]))


def fit_data(data, order=2, Fout_high=50.0, fit_filename=None):
    """The original project's fit: returns the 10 coefficients (volts).

    ``order`` must be 2 (the 10-coefficient polynomial); ``Fout_high`` is the upper
    end of the fitted range; ``fit_filename`` saves the coefficients with ``numpy.save``.
    """
    if order != 2:
        raise ParameterError(f"order = {order!r}: the transfer function here is the second-order "
                             f"10-coefficient polynomial of the papers (order=2).")
    d = dict(data)
    if "pop" not in d and isinstance(d.get("Model"), dict) and "NRN_KEY" in d["Model"]:
        d["pop"] = d["Model"]["NRN_KEY"]
        d.setdefault("inputs", list(d["Model"].get("POP_STIM", [])))
    res = fit_coefficients(d, Fout_max=Fout_high)
    if fit_filename is not None:
        np.save(fit_filename, res.coefficients)
    return res.coefficients
