"""Mean-field theory of the Model dict's networks (Zerlaut et al. 2016, 2018; di Volo et al. 2019).

Submodules
----------
:mod:`~network.theory.tf`
    The semi-analytical transfer function (shot-noise moments, erfc formula with a
    10-coefficient effective threshold), the published and shipped coefficients;
    the original ``TF(RATES, Model, NRN_KEY)``.
:mod:`~network.theory.fitting`
    The two-step fit of the coefficients to characterisation data
    (:mod:`network.transfer_functions`); the original ``fit_data``.
:mod:`~network.theory.mean_field`
    First- and second-order Markov mean fields with adaptation, fixed points by
    continuation with their stability, time courses; the original
    ``solve_mean_field_first_order`` and ``find_fp``.
:mod:`~network.theory.plots`
    Transfer-function surfaces, mean field against network.
:mod:`~network.theory.accuracy`
    The documented comparison with 10,000-cell networks.

Example
-------
>>> import network.theory as th                                          # doctest: +SKIP
>>> mf = th.MeanField(th.accuracy.DI_VOLO_MODEL, coefficients='published')  # doctest: +SKIP
>>> [fp.rates for fp in mf.continuation([2, 4, 6, 8])]                    # doctest: +SKIP
"""

from . import fitting, mean_field, tf
from .fitting import FitResult, fit_coefficients
from .mean_field import FixedPoint, FixedPointError, MeanField, MeanFieldWarning
from .tf import TransferFunction, load_coefficients, published_coefficients

__all__ = ["tf", "fitting", "mean_field", "plots", "accuracy", "TransferFunction", "MeanField", "FixedPoint",
           "FixedPointError", "MeanFieldWarning", "FitResult", "fit_coefficients", "load_coefficients",
           "published_coefficients"]

_LAZY = ("plots", "accuracy", "cli", "shipped")


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'network.theory' has no attribute {name!r}")
