"""
Transfer function of a single cell: characterisation and fit
============================================================

The counterpart of the original ``characterize_transfer_function`` demo: the
output rate of a LIF cell (``10/200/3 | -60/-50/-60``) under Poisson conductance
input from 80 excitatory (1 nS) and 20 inhibitory (10 nS) synapses, as a function
of the excitatory and inhibitory input rates.  Every grid point and seed is one
cell of a single brian2 group, simulated in one run
(:func:`network.transfer_functions.characterise`); the semi-analytical transfer
function (:mod:`network.theory.tf`) is then fitted to it by the two-step procedure
(:func:`network.theory.fitting.fit_coefficients`).

The original scanned 20 x 10 points for 10 s each (about 70 min in one run per
point); here the full grid takes one run.  With ``NND_GALLERY_REDUCED=1`` the grid
is 12 x 5 points of 2 s.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import network.theory  # noqa: F401
from network import transfer_functions as tfs
from network.theory import fitting, plots
from network.theory.tf import TransferFunction

REDUCED = os.environ.get("NND_GALLERY_REDUCED") == "1"

Model = {
    "N_Exc": 4000, "N_Inh": 1000, "Q_Exc_Exc": 1.0, "Q_Inh_Exc": 10.0, "p_Exc_Exc": 0.02, "p_Inh_Exc": 0.02,
    "Tse": 5.0, "Tsi": 5.0, "Ee": 0.0, "Ei": -80.0, "dt": 0.1, "tstop": 1000.0, "SEED": 3,
    "Exc_Gl": 10.0, "Exc_Cm": 200.0, "Exc_Trefrac": 3.0, "Exc_El": -60.0, "Exc_Vthre": -50.0,
    "Exc_Vreset": -60.0, "Exc_deltaV": 0.0, "Exc_a": 0.0, "Exc_b": 0.0, "Exc_tauw": 1e9,
}

grid = ({"Exc": np.linspace(0.0, 50.0, 12), "Inh": np.linspace(1.0, 50.0, 5)} if REDUCED else
        {"Exc": np.linspace(0.0, 50.0, 20), "Inh": np.linspace(1.0, 50.0, 10)})
data = tfs.characterise(Model, "Exc", grid, n_seeds=2 if REDUCED else 4, t_measure=2000.0 if REDUCED else 5000.0,
                        t_discard=100.0, seed=1, verbose=True)
fit = fitting.fit_coefficients(data, Fout_max=150.0)  # the whole simulated range below saturation
tf = TransferFunction(Model, "Exc", fit.coefficients)

print(f"{data['Fout'].size} cells in one run: {data['wall_s']:.1f} s")
print(f"fit: {int(fit.fitted.sum())} of {fit.fitted.size} points in (0, 150) Hz, rms error {fit.rms_error:.2f} Hz, "
      f"median relative error {100 * fit.median_relative_error:.1f} %")

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8, 3.2))
plots.tf_2_variables(data, ax=ax0, fit=tf)
ax0.set_title("simulated (markers) and fitted TF (lines)", fontsize=8)
plots.tf_2_variables(data, ax=ax1, fit=tf, logy=True)
ax1.set_ylim(1e-2, 300)
fig.tight_layout()

# %%
# The output rate rises with excitation and falls with inhibition; the fitted
# formula follows the simulated points over the fitted range (0 to 150 Hz),
# including the low rates where the erfc is steep.
rms_error_Hz = fit.rms_error
