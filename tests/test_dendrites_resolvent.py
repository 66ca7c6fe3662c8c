"""The tree resolvent behind the EPSP map: exact against sparse solves, any cell size."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

import morphologies as M
from dendrites import CellModel


def _l23(rule="d_lambda", dt=0.025, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CellModel(M.discretise(M.load_bundled("L23pyr"), rule, **kw), Ri=150, Rm=20000,
                         EL=-70, dt=dt)


def test_resolvent_equals_sparse_solves_at_complex_frequencies():
    # diagonal and soma column of (G + g_m + s C)^-1 against scipy's sparse LU of the
    # node-free matrix at s = 0, a damped and a fast oscillatory s: both solvers are exact up to
    # rounding; they differ by < 1e-7 relative (brian2's soma joint of 1 m "r_length" makes the
    # LU lose ~1e-9 to cancellation, which the tree's series form avoids)
    model = _l23()
    system = model.passive_system()
    s = np.array([0.0, 50.0 + 300.0j, 2.0e4j])
    diagonal, column = system.resolvent()(s)
    probe = np.r_[0, np.linspace(1, model.n - 1, 12).astype(int)]
    for k, sk in enumerate(s):
        lu = sparse_linalg.splu((system.matrix + sparse.diags(system.capacitance * sk)).tocsc())
        e = np.zeros((model.n, len(probe)), complex)
        e[probe, np.arange(len(probe))] = 1.0
        inverse = lu.solve(e)
        assert np.allclose(column[:, k], inverse[:, 0], rtol=1e-7, atol=0)
        assert np.allclose(diagonal[probe, k], inverse[probe, np.arange(len(probe))], rtol=1e-7,
                           atol=0)
    # s = 0: the input resistance of the steady state (same rounding bound)
    assert diagonal[0, 0].real == pytest.approx(system.input_resistance(0), rel=1e-7)


def test_kernels_of_a_cell_of_ten_thousand_compartments():
    # no dense matrix anywhere: the full-resolution L2/3 cell (one compartment per SWC segment)
    # gets its somatic and local kernels; the discrete kernels sum to the steady-state
    # transfer and input resistances (a sustained 1 nA is the sum of one-step pulses) within
    # the decay left after 12 membrane time constants (e^-12 ~ 6e-6 of the DC value)
    from dendrites.experiments import local_kernels, somatic_transfer_kernels

    model = _l23("full", dt=0.1)
    assert model.n > 6000
    rows = np.r_[0, np.linspace(1, model.n - 1, 8).astype(int)]
    t, h_soma = somatic_transfer_kernels(model, 240.0, rows=rows)
    h_loc = local_kernels(model, rows, 240.0)
    system = model.passive_system()
    transfer = system.transfer_resistance(0)[rows] * 1e-6      # MOhm = mV/nA
    inputs = np.array([system.input_resistance(r) for r in rows]) * 1e-6
    assert np.allclose(h_soma.sum(axis=1), transfer, rtol=2e-5)
    assert np.allclose(h_loc.sum(axis=1), inputs, rtol=2e-5)
    assert np.all(h_loc.max(axis=1) >= h_soma.max(axis=1) * (1 - 1e-9))  # local >= transfer
