"""Markov mean-field models of the Model dict's populations (first and second order, with adaptation).

First order (El Boustani & Destexhe 2009; Zerlaut et al. 2018), for every simulated
population ``mu`` with transfer function ``F_mu`` (:mod:`network.theory.tf`)::

    T dnu_mu/dt = F_mu(nu, drive, W_mu) - nu_mu

Second order adds the covariances ``c_lambda_eta`` of the rates (El Boustani &
Destexhe 2009; di Volo et al. 2019)::

    T dnu_mu/dt = F_mu - nu_mu + 1/2 sum_{lambda,eta} c_lambda_eta d2F_mu/dnu_lambda dnu_eta
    T dc_lambda_eta/dt = delta_lambda_eta F_lambda (1/T - F_lambda) / N_lambda
                         + (F_lambda - nu_lambda)(F_eta - nu_eta)
                         + sum_mu (c_lambda_mu dF_eta/dnu_mu + c_eta_mu dF_lambda/dnu_mu) - 2 c_lambda_eta

Adapting populations (``<pop>_a`` or ``<pop>_b`` non-zero) carry the mean
adaptation current ``W`` (di Volo et al. 2019)::

    dW_mu/dt = -W_mu/tauw_mu + b_mu nu_mu + a_mu (muV_mu - El_mu)/tauw_mu

The afferent populations of the Model (``N_<aff>`` with ``Q_<aff>_<pop>`` and
``p_<aff>_<pop>`` keys onto a simulated population, but no cell parameters) are the
drive: a constant rate or a waveform on the time grid, as in the network runs.
``Iinj`` and ``Ioscill_amp sin(2 pi Ioscill_freq t)`` of the Model enter as currents.

Fixed points follow the physiological low-rate branch by continuation in the
drive.  With the fitted transfer functions the equations also have a spurious
high-rate state near 190 Hz (the fitted polynomial extrapolated far outside its
range; real cells are limited by the refractory period): it is reported as such
(``branch='spurious'``, a :class:`MeanFieldWarning`), never silently.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from stimuli.arguments import to_plain

from ..errors import ModelKeyError, NetworkWarning, ParameterError, UnitError
from ..model import cell_parameters, get, population_names
from .tf import RATE_FLOOR, TransferFunction, erfc_rate, load_coefficients, threshold_terms

__all__ = ["MeanField", "FixedPoint", "FixedPointError", "MeanFieldWarning", "solve_mean_field_first_order",
           "find_fp", "HIGH_RATE"]

HIGH_RATE = 100.0
"""Hz: a fixed point with every population above this rate is reported as the spurious high-rate state."""

FITTED_RANGE = 60.0
"""Hz: the output rates the coefficients are fitted to (di Volo et al.; the toolkit's fits): beyond, extrapolation."""


class FixedPointError(ParameterError):
    """No low-rate fixed point exists (or was found) for the requested drive."""


class MeanFieldWarning(NetworkWarning):
    """The mean field reached its spurious high-rate state, or another repairable oddity."""


@dataclass
class FixedPoint:
    """A stationary state of the mean field.

    Attributes
    ----------
    drive : dict
        Afferent rates, Hz.
    rates : dict
        Rate of every population, Hz.
    W : dict
        Mean adaptation current of the adapting populations, pA.
    covariances : dict
        ``{(pop, pop): Hz^2}`` (second order only).
    stable : bool
        All eigenvalues of the Jacobian have a negative real part.
    eigenvalues : numpy.ndarray
        Of the Jacobian, 1/s.
    residual : float
        Max |d state/dt| at the solution (per second, in Hz, pA, Hz^2).
    branch : str
        ``'low'`` (physiological) or ``'spurious'`` (the high-rate artefact).
    note : str
        Where the branch was left, if it was.
    """

    drive: dict
    rates: dict
    W: dict
    covariances: dict
    stable: bool
    eigenvalues: np.ndarray
    residual: float
    branch: str = "low"
    note: str = ""
    state: np.ndarray = field(default=None, repr=False)

    def as_record(self):
        """A JSON-ready dict: drive, rates (Hz), W (pA), stability, branch."""
        rec = {"drive_Hz": {k: float(v) for k, v in self.drive.items()},
               "rates_Hz": {k: float(v) for k, v in self.rates.items()},
               "W_pA": {k: float(v) for k, v in self.W.items()},
               "stable": bool(self.stable), "max_real_eigenvalue_per_s": float(np.max(self.eigenvalues.real)),
               "branch": self.branch}
        if self.covariances:
            rec["covariances_Hz2"] = {f"{a}-{b}": float(v) for (a, b), v in self.covariances.items()}
        if self.note:
            rec["note"] = self.note
        return rec


class MeanField:
    """The mean field of the simulated populations of a Model dict.

    Parameters
    ----------
    Model : dict
        The Model (seed units).
    populations : list of str, optional
        The populations described by a rate (default: every population with cell
        parameters, i.e. a ``<pop>_Gl`` key).
    coefficients : str, dict or array_like
        Transfer-function coefficients, see :func:`network.theory.tf.load_coefficients`
        (default ``'published'``: di Volo et al. RS for ``Exc`` names, FS for ``Inh``).
    T : float or Quantity
        Time constant of the Markov description, ms (default 5 ms).
    order : {1, 2}
        First order (rates) or second order (rates and covariances).

    Raises
    ------
    ModelKeyError
        A population missing from the Model, or without cell parameters.
    ParameterError
        Coefficients of the wrong length, a bad T or order.
    """

    def __init__(self, Model, populations=None, coefficients="published", T=5.0, order=1):
        if not isinstance(Model, dict):
            raise ParameterError(f"Model must be a dict, got {type(Model).__name__}.")
        pops = population_names(Model)
        if populations is None:
            populations = [p for p in pops if f"{p}_Gl" in Model]
        populations = [populations] if isinstance(populations, str) else list(populations)
        if not populations:
            raise ModelKeyError(f"the Model has no population with cell parameters (<pop>_Gl ...); "
                                f"populations: {pops}.")
        for p in populations:
            if p not in pops:
                raise ModelKeyError(f"population {p!r} is not in the Model (no 'N_{p}' key; populations: {pops}).")
            if f"{p}_Gl" not in Model:
                raise ModelKeyError(f"population {p!r} has no cell parameters ('{p}_Gl'...): an afferent "
                                    f"population is a drive, not a mean-field variable.")
        self.Model = Model
        self.populations = populations
        self.T = float(to_plain(T, "ms", "T", error=UnitError))
        if not self.T > 0:
            raise ParameterError(f"T = {T!r} ms: the mean-field time constant must be > 0 (5 ms by default).")
        self.order = self._check_order(order)
        coeffs = load_coefficients(coefficients, populations)
        self.coefficients = coeffs
        self.tfs = {p: TransferFunction(Model, p, coeffs[p]) for p in populations}
        self.afferents = sorted({s.name for tf in self.tfs.values() for s in tf.inputs
                                 if s.name not in populations}, key=pops.index)
        self.N = {p: get(Model, f"N_{p}") for p in populations}
        self.cells = {p: cell_parameters(Model, p) for p in populations}
        self.adapting = [p for p in populations if self.cells[p]["a"] != 0 or self.cells[p]["b"] != 0]
        P = len(populations)
        self._pairs = [(i, j) for i in range(P) for j in range(i, P)]
        self.high_rate = HIGH_RATE
        self._pack_inputs()

    def _pack_inputs(self):
        """Arrays (population x input, zero-padded) of every transfer function, for :meth:`_transfer`."""
        sources = self.populations + self.afferents
        P, S = len(self.populations), max(len(tf.inputs) for tf in self.tfs.values())
        src, K, Q, tau, E = (np.zeros((P, S), dtype=int), np.zeros((P, S)), np.zeros((P, S)), np.ones((P, S)),
                             np.zeros((P, S)))
        for k, p in enumerate(self.populations):
            for j, syn in enumerate(self.tfs[p].inputs):
                src[k, j] = sources.index(syn.name)
                K[k, j], Q[k, j], tau[k, j], E[k, j] = syn.K, syn.Q * 1e-9, syn.tau * 1e-3, syn.E * 1e-3
        cells = [self.tfs[p].cell for p in self.populations]
        col = lambda v: np.array(v, dtype=float)[:, None]  # noqa: E731  (P, 1): broadcasts over points
        self._packed = {"src": src, "K": K[:, :, None], "Q": Q[:, :, None], "tau": tau[:, :, None],
                        "E": E[:, :, None], "QT": (Q * tau)[:, :, None],
                        "Gl": col([c["Gl"] * 1e-9 for c in cells]), "Cm": col([c["Cm"] * 1e-12 for c in cells]),
                        "El": col([c["El"] * 1e-3 for c in cells]),
                        "I0": col([self.tfs[p].I0 for p in self.populations]),
                        "P": np.array([self.tfs[p].coefficients for p in self.populations])}

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _check_order(order):
        if order not in (1, 2) or isinstance(order, bool):
            raise ParameterError(f"order = {order!r}: choose 1 (rates) or 2 (rates and covariances).")
        return int(order)

    def _size(self, order):
        P = len(self.populations)
        return P + len(self.adapting) + (len(self._pairs) if order == 2 else 0)

    def drive_dict(self, drive):
        """``{afferent: Hz}`` from a number (every afferent) or a dict."""
        if isinstance(drive, dict):
            unknown = sorted(set(drive) - set(self.afferents))
            if unknown:
                raise ModelKeyError(f"drive names {unknown}, which are not afferent populations of the mean "
                                    f"field ({self.afferents}).")
            missing = sorted(set(self.afferents) - set(drive))
            if missing:
                raise ModelKeyError(f"drive has no rate for the afferent populations {missing}.")
            out = {k: to_plain(v, "Hz", f"drive[{k!r}]", error=UnitError) for k, v in drive.items()}
        else:
            v = to_plain(drive, "Hz", "drive", error=UnitError)
            out = {k: v for k in self.afferents}
        for k, v in out.items():
            if np.any(~np.isfinite(v)) or np.any(np.asarray(v) < 0):
                raise ParameterError(f"drive of {k!r} = {v!r} Hz: rates must be finite and >= 0.")
        return out

    def _split(self, x, order):
        P, A = len(self.populations), len(self.adapting)
        nu = x[:P]
        W = np.zeros((P,) + x.shape[1:])
        for k, p in enumerate(self.adapting):
            W[self.populations.index(p)] = x[P + k]
        c = x[P + A:] if order == 2 else None
        return nu, W, c

    def _transfer(self, nu, W, drive, currents=None, with_muV=False):
        """F of every population at rates ``nu`` (P, M...), ``W`` (P, M...) pA; returns (P, M...).

        With ``with_muV``, also the mean membrane potentials (mV).
        """
        # the formulas of network.theory.tf (membrane_moments, effective_threshold, erfc_rate)
        # evaluated for every population and every point at once (arrays, no loop)
        c = self._packed
        shape = np.shape(nu)
        P = shape[0]
        nu = np.asarray(nu, dtype=float).reshape(P, -1)
        M = nu.shape[1]
        rows = [nu] + [np.broadcast_to(np.asarray(drive[a], dtype=float).reshape(-1), (M,))[None, :]
                       for a in self.afferents]
        R = np.concatenate(rows, axis=0)  # (sources, M)
        f = np.maximum(R[c["src"]], RATE_FLOOR) * c["K"]  # (P, S, M)
        I = np.repeat(c["I0"], M, axis=1)
        if currents is not None:
            I = I + np.array([np.broadcast_to(np.asarray(currents.get(p, 0.0), dtype=float).reshape(-1), (M,))
                              for p in self.populations])
        Wsi = np.asarray(W, dtype=float).reshape(P, -1) * 1e-12
        QTf = c["QT"] * f
        muG = c["Gl"] + QTf.sum(axis=1)
        muV = (c["Gl"] * c["El"] + (QTf * c["E"]).sum(axis=1) + I * 1e-12 - Wsi) / muG
        tauM = c["Cm"] / muG
        A = f * (c["Q"] * (c["E"] - muV[:, None]) / muG[:, None] * c["tau"]) ** 2
        tpt = c["tau"] + tauM[:, None]
        sigmaV = np.sqrt((A / (2.0 * tpt)).sum(axis=1)) + 1e-12
        num, den = A.sum(axis=1), (A / tpt).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            tauV = np.where(den > 0, num / np.where(den > 0, den, 1.0), tauM)
        terms = threshold_terms(muV, sigmaV, tauV * c["Gl"] / c["Cm"])  # (10, P, M)
        Veff = np.einsum("pk,kpm->pm", c["P"], terms)
        out = erfc_rate(muV, sigmaV, tauV, Veff).reshape(shape)
        return (out, (muV * 1e3).reshape(shape)) if with_muV else out

    def _derivatives(self, nu, W, drive, currents):
        """F (P,), dF/dnu (P, P) [mu, lambda] and d2F/dnu dnu (P, P, P), by central differences."""
        P = len(nu)
        h = 1e-3 * np.maximum(nu, 1.0)
        centre = np.maximum(nu, 2 * h)  # keep the stencil at positive rates
        shifts = [np.zeros(P)]
        for i in range(P):
            e = np.zeros(P)
            e[i] = h[i]
            shifts += [e, -e]
        for i, j in itertools.combinations(range(P), 2):
            for si, sj in itertools.product((1, -1), repeat=2):
                e = np.zeros(P)
                e[i], e[j] = si * h[i], sj * h[j]
                shifts.append(e)
        S = np.array(shifts).T  # (P, M)
        F = self._transfer(centre[:, None] + S, np.repeat(W[:, None], S.shape[1], axis=1), drive, currents)
        F0 = F[:, 0]
        grad = np.empty((P, P))
        hess = np.empty((P, P, P))
        for i in range(P):
            Fp, Fm = F[:, 1 + 2 * i], F[:, 2 + 2 * i]
            grad[:, i] = (Fp - Fm) / (2 * h[i])
            hess[:, i, i] = (Fp - 2 * F0 + Fm) / h[i] ** 2
        k = 1 + 2 * P
        for i, j in itertools.combinations(range(P), 2):
            fpp, fpm, fmp, fmm = F[:, k], F[:, k + 1], F[:, k + 2], F[:, k + 3]
            hess[:, i, j] = hess[:, j, i] = (fpp - fpm - fmp + fmm) / (4 * h[i] * h[j])
            k += 4
        if np.any(centre != nu):  # F at the true rates
            F0 = self._transfer(nu[:, None], W[:, None], drive, currents)[:, 0]
        return F0, grad, hess

    def derivative(self, x, drive, order=None, currents=None):
        """Time derivative of the state ``x`` (rates Hz, W pA[, covariances Hz^2]) per second."""
        order = self.order if order is None else self._check_order(order)
        x = np.asarray(x, dtype=float)
        nu, W, c = self._split(x, order)
        T = self.T * 1e-3
        P = len(self.populations)
        if order == 1 or self.adapting:
            F1, muV = self._transfer(nu[:, None], W[:, None], drive, currents, with_muV=True)
            F1, muV = F1[:, 0], muV[:, 0]
        if order == 1:
            F = F1
            dnu = (F - nu) / T
        else:
            F, grad, hess = self._derivatives(nu, W, drive, currents)
            C = np.zeros((P, P))
            for k, (i, j) in enumerate(self._pairs):
                C[i, j] = C[j, i] = c[k]
            dnu = (F - nu + 0.5 * np.einsum("lm,klm->k", C, hess)) / T
            dc = np.empty(len(self._pairs))
            for k, (i, j) in enumerate(self._pairs):
                finite = F[i] * (1.0 / T - F[i]) / self.N[self.populations[i]] if i == j else 0.0
                dc[k] = (finite + (F[i] - nu[i]) * (F[j] - nu[j]) + C[i] @ grad[j] + C[j] @ grad[i]
                         - 2 * C[i, j]) / T
        dW = []
        if self.adapting:
            for p in self.adapting:
                k = self.populations.index(p)
                cp = self.cells[p]
                tauw = cp["tauw"] * 1e-3
                dW.append(-W[k] / tauw + cp["b"] * nu[k] + cp["a"] * (muV[k] - cp["El"]) / tauw)
        parts = [dnu, np.array(dW)]
        if order == 2:
            parts.append(dc)
        return np.concatenate(parts)

    def state_vector(self, rates, W=None, covariances=None, order=None):
        """Pack ``{pop: Hz}``, ``{pop: pA}``, ``{(pop, pop): Hz^2}`` into a state vector."""
        order = self.order if order is None else self._check_order(order)
        x = [float(rates[p]) for p in self.populations]
        x += [float((W or {}).get(p, 0.0)) for p in self.adapting]
        if order == 2:
            cov = covariances or {}
            for i, j in self._pairs:
                a, b = self.populations[i], self.populations[j]
                x.append(float(cov.get((a, b), cov.get((b, a), 0.0))))
        return np.array(x)

    def _unpack(self, x, order):
        P, A = len(self.populations), len(self.adapting)
        rates = {p: float(x[k]) for k, p in enumerate(self.populations)}
        W = {p: float(x[P + k]) for k, p in enumerate(self.adapting)}
        cov = {}
        if order == 2:
            for k, (i, j) in enumerate(self._pairs):
                cov[(self.populations[i], self.populations[j])] = float(x[P + A + k])
        return rates, W, cov

    def jacobian(self, x, drive, order=None, currents=None):
        """Jacobian of :meth:`derivative` at ``x`` (central differences), 1/s."""
        order = self.order if order is None else self._check_order(order)
        n = len(x)
        J = np.empty((n, n))
        for k in range(n):
            h = 1e-4 * max(abs(x[k]), 1.0)
            e = np.zeros(n)
            e[k] = h
            J[:, k] = (self.derivative(x + e, drive, order, currents) - self.derivative(x - e, drive, order, currents)) / (2 * h)
        return J

    # ------------------------------------------------------------------ fixed points
    def _root(self, x0, drive, order, currents=None):
        P = len(self.populations)
        scale = np.maximum(np.abs(x0), 1.0)

        def fun(y):
            x = y * scale
            x[:P] = np.abs(x[:P])  # rates stay >= 0
            return self.derivative(x, drive, order, currents) * scale * self.T * 1e-3

        sol = optimize.root(fun, x0 / scale, method="hybr", options={"xtol": 1e-12})
        x = sol.x * scale
        x[:P] = np.abs(x[:P])
        res = np.max(np.abs(self.derivative(x, drive, order, currents)) / np.maximum(np.abs(x), 1.0)) * self.T * 1e-3
        return x, bool(res < 1e-8), res

    def _fixed_point(self, x, drive, order, branch="low", note="", currents=None):
        J = self.jacobian(x, drive, order, currents)
        ev = np.linalg.eigvals(J)
        rates, W, cov = self._unpack(x, order)
        res = float(np.max(np.abs(self.derivative(x, drive, order, currents))))
        return FixedPoint({k: float(np.asarray(v)) for k, v in drive.items()}, rates, W, cov,
                          bool(np.all(ev.real < 0)), ev, res, branch, note, x.copy())

    def _initial_low(self, order):
        rates = {p: 0.1 for p in self.populations}
        W = {p: self.cells[p]["b"] * 0.1 * self.cells[p]["tauw"] * 1e-3 for p in self.adapting}
        return self.state_vector(rates, W, order=order)

    def continuation(self, drives, order=None, step=0.25, start=None):
        """Fixed points along the drives, following the low-rate branch by continuation.

        Parameters
        ----------
        drives : array_like
            Afferent rates in Hz (every afferent population at the same rate),
            increasing.  The continuation starts at the first one (from rest) and
            moves in sub-steps of at most ``step`` Hz.
        order : {1, 2}, optional
        step : float
            Largest continuation step, Hz.
        start : FixedPoint, optional
            A known state at ``drives[0]`` to start from.

        Returns
        -------
        list of FixedPoint
            One per drive.  Where the branch followed ends (a fold: no fixed point
            nearby at a slightly larger drive) the state the dynamics fall onto is
            followed instead, the note of every later point says where and from
            which rates, and a :class:`MeanFieldWarning` is issued; a state above
            :data:`HIGH_RATE` has ``branch='spurious'``.
        """
        order = self.order if order is None else self._check_order(order)
        d = np.atleast_1d(to_plain(drives, "Hz", "drives", error=UnitError)).astype(float)
        if d.ndim != 1 or d.size == 0 or np.any(~np.isfinite(d)) or np.any(d < 0):
            raise ParameterError(f"drives = {drives!r}: give one or more finite rates >= 0 (Hz).")
        if np.any(np.diff(d) < 0):
            raise ParameterError(f"drives = {d.tolist()}: the continuation follows increasing drives; sort them.")
        if order == 2:  # the first-order branch, then each point refined with the covariances
            return [self._second_order_from(fp) for fp in self.continuation(d, order=1, step=step, start=start)]
        P = len(self.populations)
        if start is not None:
            x = start.state.copy()
        else:  # from rest, relaxed and polished at the first drive
            x = self._relax(self._initial_low(order), self.drive_dict(float(d[0])), order, 50 * self.T)
        y, ok, res = self._root(x, self.drive_dict(float(d[0])), order)
        if not ok:
            raise FixedPointError(f"no fixed point found at the first drive {d[0]:g} Hz (residual {res:.2g}); "
                                  f"start the continuation at a lower drive.")
        x = y
        previous, out, notes = float(d[0]), [], []
        for target in d:
            value = previous
            while value < target:
                h = min(step, target - value)
                while True:  # adaptive step: a steep but continuous branch is followed, a fold is not
                    trial = value + h
                    y, ok, res = self._root(x, self.drive_dict(trial), order)
                    jumped = np.any(np.abs(y[:P] - x[:P]) > np.maximum(x[:P], 0.5) + 1.0)
                    if ok and not jumped:
                        x, value = y, trial
                        break
                    if h <= 1e-3 * max(step, 1e-3):  # the branch ends (fold): where do the dynamics go?
                        before = {p: round(float(v), 3) for p, v in zip(self.populations, x[:P])}
                        x = self._relax(x, self.drive_dict(trial), order, 2000.0)
                        y, ok, res = self._root(x, self.drive_dict(trial), order)
                        if ok:
                            x = y
                        after = {p: round(float(v), 3) for p, v in zip(self.populations, x[:P])}
                        kind = "the spurious high-rate state" if np.min(x[:P]) > self.high_rate else "another branch"
                        notes.append(f"the branch followed from {d[0]:g} Hz ends between drives {value:g} and "
                                     f"{trial:g} Hz (fold at rates {before} Hz); the state jumps to {kind} "
                                     f"{after} Hz")
                        value = trial
                        break
                    h /= 2
            previous = float(target)
            drive = self.drive_dict(float(target))
            spurious = np.min(x[:P]) > self.high_rate
            note = "; ".join(notes)
            if spurious:
                note = (note + "; " if note else "") + ("this is the high-rate artefact of the fitted transfer "
                                                        "function (near 190 Hz), not a physiological state")
            above = [p for p, v in zip(self.populations, x[:P]) if v > FITTED_RANGE]
            if above and not spurious:
                note = (note + "; " if note else "") + (f"{', '.join(above)} above the fitted range of the transfer "
                                                        f"function ({FITTED_RANGE:g} Hz): extrapolated")
            fp = self._fixed_point(x, drive, order, "spurious" if spurious else "low", note)
            if notes or spurious:
                warnings.warn(f"mean field at drive {target:g} Hz: {note}.", MeanFieldWarning, stacklevel=2)
            out.append(fp)
        return out

    def _relax(self, x, drive, order, duration, currents=None):
        """Heun integration of the state for ``duration`` ms at a constant drive (steps T/10)."""
        P = len(self.populations)
        h = self.T * 1e-4
        for _ in range(int(np.ceil(duration / (self.T / 10)))):
            f1 = self.derivative(x, drive, order, currents)
            y = x + h * f1
            y[:P] = np.maximum(y[:P], 0.0)
            x = x + 0.5 * h * (f1 + self.derivative(y, drive, order, currents))
            x[:P] = np.maximum(x[:P], 0.0)
        return x

    def _second_order_from(self, fp1):
        """Refine a first-order fixed point with the second-order equations."""
        drive = self.drive_dict(fp1.drive)
        x0 = self.state_vector(fp1.rates, fp1.W, order=2)
        x = self._relax(x0, drive, 2, 20 * self.T)
        x, ok, res = self._root(x, drive, 2)
        P = len(self.populations)
        if not ok or np.any(np.abs(x[:P] - x0[:P]) > 0.5 * np.maximum(x0[:P], 1.0)):
            note = (f"the second-order equations have no fixed point near the first-order one "
                    f"{ {k: round(v, 3) for k, v in fp1.rates.items()} } Hz (residual {res:.2g})")
            if fp1.note:
                note = fp1.note + "; " + note
            return self._fixed_point(x0, drive, 2, "failed", note)
        return self._fixed_point(x, drive, 2, fp1.branch, fp1.note)

    def fixed_point(self, drive, order=None, step=0.25):
        """The low-branch fixed point at ``drive`` (Hz, all afferents), by continuation from 0 Hz.

        Raises
        ------
        FixedPointError
            If the low-rate branch does not reach ``drive`` (the message says where
            it ends and which state the equations fall onto).
        """
        value = float(to_plain(drive, "Hz", "drive", error=UnitError)) if not isinstance(drive, dict) else None
        if value is None:
            raise ParameterError("fixed_point(drive): give one rate (Hz) for every afferent population; "
                                 "use fixed_point_at() for a dict of afferent rates.")
        return self.low_branch([value], order=order, step=step)[0]

    def low_branch(self, drives, order=None, step=0.25):
        """Like :meth:`continuation` but raise a FixedPointError where the low branch does not exist."""
        drives = np.atleast_1d(to_plain(drives, "Hz", "drives", error=UnitError)).astype(float)
        grid = np.unique(np.concatenate([[0.0], drives]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeanFieldWarning)
            fps = self.continuation(grid, order=order, step=step)
        by = {float(g): fp for g, fp in zip(grid, fps)}
        out = []
        for dv in drives:
            fp = by[float(dv)]
            if fp.branch != "low":
                raise FixedPointError(
                    f"no low-rate fixed point at drive {dv:g} Hz: {fp.note} (rates "
                    f"{ {k: round(v, 1) for k, v in fp.rates.items()} } Hz). Lower the drive, or check the "
                    f"coefficients' fitted range.")
            out.append(fp)
        return out

    def fixed_point_at(self, drive, guess, order=None, currents=None):
        """A fixed point near ``guess`` (``{pop: Hz}``, or a FixedPoint) at ``drive`` (Hz or dict), no continuation."""
        order = self.order if order is None else self._check_order(order)
        drive = self.drive_dict(drive)
        if isinstance(guess, FixedPoint):
            x0 = guess.state
        else:
            W = {p: self.cells[p]["b"] * float(guess[p]) * self.cells[p]["tauw"] * 1e-3 for p in self.adapting}
            x0 = self.state_vector(guess, W, order=order)
        x, ok, res = self._root(x0, drive, order, currents)
        if not ok:
            raise FixedPointError(f"no fixed point found near {guess} at drive {drive} Hz (residual {res:.2g}).")
        branch = "spurious" if np.min(x[:len(self.populations)]) > self.high_rate else "low"
        note = "the high-rate artefact of the fitted transfer function" if branch == "spurious" else ""
        return self._fixed_point(x, drive, order, branch, note, currents)

    def spurious_state(self, drive, order=None):
        """The spurious high-rate fixed point at ``drive`` if there is one (from 200 Hz), else None."""
        try:
            fp = self.fixed_point_at(drive, {p: 200.0 for p in self.populations}, order=order)
        except FixedPointError:
            return None
        return fp if fp.branch == "spurious" else None

    # ------------------------------------------------------------------ time course
    def solve(self, t, drive, order=None, initial=None, currents=None, substeps=None):
        """Integrate the mean field on the time grid ``t`` (ms), Heun's method.

        Parameters
        ----------
        t : array_like
            Uniform time grid, ms (e.g. the network's ``t_array``).
        drive : float, array_like or dict
            Afferent rate(s), Hz: a number, an array on ``t`` (every afferent), or
            ``{afferent: number or array}``.
        order : {1, 2}, optional
        initial : dict or FixedPoint, optional
            Initial rates ``{pop: Hz}`` (default 0.1 Hz, W at b nu tauw) or a fixed point.
        currents : dict, optional
            ``{pop: pA number or array on t}``, added to the Model's ``Iinj`` and
            ``Ioscill_amp sin(2 pi Ioscill_freq t)``.
        substeps : int, optional
            Integration steps per grid step (default: enough for steps <= T/5).

        Returns
        -------
        dict
            ``'t'`` (ms), ``<pop>`` (Hz), ``'W_<pop>'`` (pA), ``'c_<pop>_<pop>'`` (Hz^2,
            order 2) arrays on ``t``; ``'spurious'``: None or a description of when
            and from which rates the high-rate state was reached (every population
            above :data:`HIGH_RATE` for 20 T, or at the end; a
            :class:`MeanFieldWarning` too).
        """
        order = self.order if order is None else self._check_order(order)
        t = np.asarray(to_plain(t, "ms", "t", error=UnitError), dtype=float)
        if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
            raise ParameterError(f"t must be an increasing 1-D time grid in ms with >= 2 points, got shape {t.shape}.")
        dt = float(t[1] - t[0])
        if not np.allclose(np.diff(t), dt, rtol=1e-6, atol=1e-9):
            raise ParameterError("t must be a uniform grid (constant step), as the network's t_array.")
        n = t.size

        def on_grid(v, name, unit):
            v = to_plain(v, unit, name, error=UnitError)
            arr = np.asarray(v, dtype=float)
            if arr.ndim == 0:
                return np.full(n, float(arr))
            if arr.shape != (n,):
                raise ParameterError(f"{name} has shape {arr.shape}: give a number or an array on t (shape ({n},)).")
            return arr

        if isinstance(drive, dict):
            self.drive_dict({k: 0.0 for k in drive})  # names
            D = {k: on_grid(v, f"drive[{k!r}]", "Hz") for k, v in drive.items()}
        else:
            D = {k: on_grid(drive, "drive", "Hz") for k in self.afferents}
        for k, v in D.items():
            if np.any(~np.isfinite(v)) or np.any(v < 0):
                raise ParameterError(f"drive of {k!r}: rates must be finite and >= 0 Hz.")
        Icur = {}
        for p in self.populations:
            I = np.zeros(n)
            if currents and p in currents:
                I = I + on_grid(currents[p], f"currents[{p!r}]", "pA")
            cp = self.cells[p]
            if "Ioscill_amp" in cp:
                I = I + cp["Ioscill_amp"] * np.sin(2 * np.pi * cp["Ioscill_freq"] * t * 1e-3)
            Icur[p] = I
        if currents:
            unknown = sorted(set(currents) - set(self.populations))
            if unknown:
                raise ModelKeyError(f"currents names {unknown}, not populations of the mean field ({self.populations}).")
        if isinstance(initial, FixedPoint):
            x = initial.state.copy()
            if len(x) != self._size(order):
                x = self.state_vector(initial.rates, initial.W, initial.covariances, order)
        elif initial is not None:
            missing = sorted(set(self.populations) - set(initial))
            if missing:
                raise ModelKeyError(f"initial has no rate for {missing}.")
            W = {p: self.cells[p]["b"] * float(initial[p]) * self.cells[p]["tauw"] * 1e-3 for p in self.adapting}
            x = self.state_vector(initial, W, order=order)
        else:
            x = self._initial_low(order)
        m = substeps or max(1, int(np.ceil(dt / (self.T / 5.0 + 1e-12))))
        h = dt * 1e-3 / m
        X = np.empty((n, len(x)))
        X[0] = x
        P = len(self.populations)
        spurious, entry = None, None
        for k in range(n - 1):  # an ODE: each step needs the previous one
            drive_k = {a: D[a][k] for a in D}
            cur_k = {p: Icur[p][k] for p in self.populations}
            for _ in range(m):
                f1 = self.derivative(x, drive_k, order, cur_k)
                y = x + h * f1
                y[:P] = np.maximum(y[:P], 0.0)
                f2 = self.derivative(y, drive_k, order, cur_k)
                x = x + 0.5 * h * (f1 + f2)
                x[:P] = np.maximum(x[:P], 0.0)
            X[k + 1] = x
            if spurious is None:
                if np.min(x[:P]) > self.high_rate:
                    if entry is None:
                        entry = k
                    # a transient above HIGH_RATE is not the spurious state; staying there 20 T is
                    if t[k + 1] - t[entry] >= 20 * self.T or k == n - 2:
                        j = max(entry - 1, 0)
                        before = {p: round(float(X[j, i]), 3) for i, p in enumerate(self.populations)}
                        spurious = (f"the mean field reached the spurious high-rate state (rates above "
                                    f"{self.high_rate:g} Hz, {np.max(x[:P]):.0f} Hz at t = {t[k + 1]:g} ms) at "
                                    f"t = {t[entry + 1]:g} ms, from rates {before} Hz at t = {t[j]:g} ms (drive "
                                    f"{ {a: round(float(D[a][entry]), 3) for a in D} } Hz)")
                        warnings.warn(spurious, MeanFieldWarning, stacklevel=2)
                else:
                    entry = None
        out = {"t": t}
        for i, p in enumerate(self.populations):
            out[p] = X[:, i]
        for k, p in enumerate(self.adapting):
            out[f"W_{p}"] = X[:, P + k]
        if order == 2:
            for k, (i, j) in enumerate(self._pairs):
                out[f"c_{self.populations[i]}_{self.populations[j]}"] = X[:, P + len(self.adapting) + k]
        out["spurious"] = spurious
        return out


# ---------------------------------------------------------------------- original API
def _original_model(Model, DYN_SYSTEM):
    coeffs = {}
    for key in DYN_SYSTEM:
        c = Model.get(f"COEFFS_{key}", Model.get("COEFFS"))
        if c is None:
            raise ModelKeyError(f"Model has no 'COEFFS_{key}': give the 10 coefficients (volts) of the transfer "
                                f"function of {key!r}.")
        coeffs[key] = c
    return coeffs


def solve_mean_field_first_order(Model, DYN_SYSTEM=None, INPUTS=None, CURRENT_INPUTS=None, dt=1e-4, tstop=0.1,
                                 T=5e-3, replace_x0=False, verbose=False):
    """The original project's first-order mean field (times in SECONDS, as there).

    Parameters
    ----------
    Model : dict
        The Model with ``COEFFS_<pop>`` (10 coefficients in volts) for every population of
        ``DYN_SYSTEM``.
    DYN_SYSTEM : dict
        ``{pop: {'aff_pops': [afferent names], 'x0': initial rate Hz}}``.
    INPUTS : dict
        ``{'<aff>_<pop>': rate array (Hz) on the grid of step dt}``; as in the original the
        same afferent must have the same rate for every target (one drive per afferent).
    CURRENT_INPUTS : dict
        ``{pop: current array, pA}``.
    dt, tstop, T : float
        Step, duration and time constant, s (brian2 Quantities accepted).
    replace_x0 : bool
        Store the final rates as the new ``x0``.

    Returns
    -------
    dict
        ``{pop: rate array (Hz)}`` on ``arange(int(tstop/dt))*dt``.
    """
    DYN_SYSTEM = DYN_SYSTEM or {"RecExc": {"aff_pops": ["AffExc"], "x0": 1.0},
                                "RecInh": {"aff_pops": ["AffExc"], "x0": 1.0}}
    INPUTS = INPUTS or {}
    dt = to_plain(dt, "second", "dt", error=UnitError)
    tstop = to_plain(tstop, "second", "tstop", error=UnitError)
    T = to_plain(T, "second", "T", error=UnitError)
    n = int(tstop / dt)
    t = np.arange(n) * dt * 1e3
    pops = list(DYN_SYSTEM)
    mf = MeanField(Model, pops, _original_model(Model, DYN_SYSTEM), T=T * 1e3)
    drive = {}
    for key, spec in DYN_SYSTEM.items():
        for aff in spec.get("aff_pops", []):
            name = f"{aff}_{key}"
            if name not in INPUTS:
                raise ModelKeyError(f"INPUTS has no {name!r}: the rate (Hz) of {aff!r} onto {key!r}.")
            arr = np.asarray(INPUTS[name], dtype=float)
            arr = arr[np.minimum(np.arange(n), arr.size - 1)] if arr.ndim else np.full(n, float(arr))
            if aff in drive and not np.allclose(drive[aff], arr):
                raise ParameterError(f"INPUTS gives afferent {aff!r} different rates onto different populations; "
                                     f"the mean field has one rate per afferent population.")
            drive[aff] = arr
    for aff in mf.afferents:
        drive.setdefault(aff, np.zeros(n))
    currents = {}
    for key, arr in (CURRENT_INPUTS or {}).items():
        arr = np.asarray(arr, dtype=float)
        currents[key] = arr[np.minimum(np.arange(n), arr.size - 1)] if arr.ndim else np.full(n, float(arr))
    x0 = {p: float(DYN_SYSTEM[p].get("x0", 1.0)) for p in pops}
    X = mf.solve(t, drive, order=1, initial=x0, currents=currents or None)
    out = {p: X[p] for p in pops}
    if replace_x0:
        for p in pops:
            DYN_SYSTEM[p]["x0"] = float(X[p][-1])
    if verbose:
        print("[mean field] " + ", ".join(f"{p}: {X[p][-1]:.3g} Hz" for p in pops))
    return out


def find_fp(Model, DYN_SYSTEM=None, INPUTS=None, CURRENT_INPUTS=None, dt=1e-4, T=5e-3, tstop=None, replace_x0=True):
    """The original project's fixed point: final rates after relaxing from ``x0`` (then polished).

    Takes the first value of every ``INPUTS`` array as the constant drive; returns the
    list of rates (Hz) in ``DYN_SYSTEM`` order.  Times in seconds, as in the original.
    """
    DYN_SYSTEM = DYN_SYSTEM or {"RecExc": {"aff_pops": ["AffExc"], "x0": 1.0},
                                "RecInh": {"aff_pops": ["AffExc"], "x0": 1.0}}
    INPUTS = INPUTS or {}
    T = to_plain(T, "second", "T", error=UnitError)
    dt = to_plain(dt, "second", "dt", error=UnitError)
    tstop = 50 * T if tstop is None else to_plain(tstop, "second", "tstop", error=UnitError)
    const = {k: float(np.atleast_1d(v)[0]) for k, v in INPUTS.items()}
    cur = {k: float(np.atleast_1d(v)[0]) for k, v in (CURRENT_INPUTS or {}).items()}
    step = min(dt, T / 10)
    X = solve_mean_field_first_order(Model, DYN_SYSTEM, const, cur, dt=step, tstop=max(tstop, 2 * step), T=T)
    pops = list(DYN_SYSTEM)
    mf = MeanField(Model, pops, _original_model(Model, DYN_SYSTEM), T=T * 1e3)
    drive = {}
    for key, spec in DYN_SYSTEM.items():
        for aff in spec.get("aff_pops", []):
            drive[aff] = const.get(f"{aff}_{key}", 0.0)
    for aff in mf.afferents:
        drive.setdefault(aff, 0.0)
    try:
        fp = mf.fixed_point_at(drive, {p: X[p][-1] for p in pops}, currents=cur or None)
        rates = [fp.rates[p] for p in pops]
    except FixedPointError:
        rates = [float(X[p][-1]) for p in pops]
    if replace_x0:
        for p, r in zip(pops, rates):
            DYN_SYSTEM[p]["x0"] = r
    return rates
