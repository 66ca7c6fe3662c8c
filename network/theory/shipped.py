"""Regenerate the shipped transfer-function fits: ``python -m network.theory.shipped [--out FILE]``.

Characterises (:func:`network.transfer_functions.characterise`) and fits
(:func:`network.theory.fitting.fit_coefficients`) the excitatory (RS) and
inhibitory (FS) cells of the seed's RS-FS network and of di Volo et al.'s (2019)
network, each on a 20 x 20 grid of (nu_Exc, nu_Inh) with 4 seeds, 2 s of
measurement after the transient (200 ms + 3 tauw for adapting cells), and writes
``network/data/tf_coefficients.json`` (``{"<network>/<pop>": 10 coefficients}``,
with the fit errors) and the characterisations as HDF5 files beside ``--data-dir``.
The drive (``AffExc``) has the weight and time constant of ``Exc`` in both
networks, so the grid over ``Exc`` covers recurrent and external excitation.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

__all__ = ["GRID", "regenerate", "SHIPPED_FILE"]

SHIPPED_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                            "tf_coefficients.json")

GRID = {"Exc": np.concatenate([[0.05], np.geomspace(0.25, 40.0, 19)]),
        "Inh": np.concatenate([[0.05], np.geomspace(0.5, 80.0, 19)])}


def _models():
    from .accuracy import DI_VOLO_MODEL, RS_FS_10K_MODEL

    return {"RS-FS": RS_FS_10K_MODEL, "diVolo2019": DI_VOLO_MODEL}


def regenerate(out=SHIPPED_FILE, data_dir=None, n_seeds=4, t_measure=2000.0, grid=None, verbose=True):
    """Characterise and fit every shipped cell type; write the coefficients JSON. Returns its content."""
    from .. import transfer_functions as tfs
    from .fitting import fit_coefficients
    from .tf import COEFFICIENT_NAMES

    grid = grid or GRID
    content = {"names": list(COEFFICIENT_NAMES), "units": "V",
               "command": "python -m network.theory.shipped", "grid_Hz": {k: [float(x) for x in v] for k, v in grid.items()},
               "n_seeds": n_seeds, "t_measure_ms": t_measure, "coefficients": {}, "fit": {}}
    for net, Model in _models().items():
        for pop in ("Exc", "Inh"):
            t0 = time.perf_counter()
            data = tfs.characterise(Model, pop, {**grid, "AffExc": [0.0]}, n_seeds=n_seeds, t_measure=t_measure,
                                    seed=7, inputs=["Exc", "Inh", "AffExc"], verbose=verbose)
            fit = fit_coefficients(data)
            key = f"{net}/{pop}"
            content["coefficients"][key] = [float(x) for x in fit.coefficients]
            content["fit"][key] = {"rms_error_Hz": fit.rms_error, "median_relative_error": fit.median_relative_error,
                                   "linear_rms_error_Hz": fit.linear_rms_error, "n_fitted": int(fit.fitted.sum()),
                                   "n_points": int(fit.fitted.size), "wall_s": time.perf_counter() - t0}
            if data_dir:
                os.makedirs(data_dir, exist_ok=True)
                data["fit"] = fit.as_dict()
                tfs.save(data, os.path.join(data_dir, f"tf_{net}_{pop}.h5"))
            if verbose:
                print(f"[shipped] {key}: rms {fit.rms_error:.2f} Hz, median relative error "
                      f"{100 * fit.median_relative_error:.1f} % over {int(fit.fitted.sum())} points", flush=True)
    with open(out, "w") as fh:
        json.dump(content, fh, indent=1)
    return content


if __name__ == "__main__":  # pragma: no cover
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=SHIPPED_FILE)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--t-measure", type=float, default=2000.0)
    a = p.parse_args()
    regenerate(a.out, a.data_dir, a.seeds, a.t_measure)
