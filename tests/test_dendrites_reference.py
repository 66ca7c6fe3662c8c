"""Against NEURON, reciprocity on a reconstruction, and d_lambda convergence."""

import numpy as np
import pytest

import morphologies as M
from dendrites import CellModel, place, place_at
from dendrites.reference import neuron_model
from stimuli.spikes import homogeneous_poisson


@pytest.fixture(scope="module")
def l23():
    return M.discretise(M.load_bundled("L23pyr"), "d_lambda", d_lambda=0.1)


@pytest.mark.slow
def test_against_neuron_passive_with_100_synapses(l23):
    # same reconstruction, geometry and discretisation in NEURON (Exp2Syn, backward Euler,
    # dt 0.025 ms): soma voltage RMS difference below 0.02 mV (measured 0.004 mV over 200 ms),
    # largest difference below 0.1 mV, for ~13 mV of synaptic depolarisation
    model = CellModel(l23, Ri=150, Rm=20000, EL=-70)
    sites = place(model, 100, seed=1)
    model.add_synapses("ampa", sites, name="exc", weight=0.5)
    model.set_input("exc", homogeneous_poisson(40.0, 60.0, 100, seed=2))
    site = int(sites.compartment[0])
    model.record("v", [0, site])
    _, vb = model.run(60, target="numpy").trace("v")
    _, vn = neuron_model(model).run(60, record=[0, site])
    n = min(vb.shape[1], vn.shape[1])
    assert np.ptp(vb[0]) > 3  # the synapses do depolarise the soma
    for k in range(2):
        diff = vb[k, :n] - vn[k, :n]
        assert np.sqrt(np.mean(diff**2)) < 0.02
        assert np.abs(diff).max() < 0.1


def test_reciprocity_of_transfer_impedances(l23):
    # passive: the voltage at j after a current pulse at i equals the voltage at i after the
    # same pulse at j, at every time (to 1e-6 of the peak), and differs from the input responses
    t = l23.compartments
    i, j = int(np.argmin(np.abs(t.distance - 60) + 1e9 * (t.type != 3))), int(
        np.argmin(np.abs(t.distance - 150) + 1e9 * (t.type != 4)))
    traces = []
    for a, b in ((i, j), (j, i)):
        model = CellModel(l23, Ri=150, Rm=20000, EL=0, dt=0.025)
        model.inject(a, 0.5, start=0.5, duration=1.0)
        model.record("v", [b])
        traces.append(model.run(10, target="numpy").trace("v", [b])[1][0])
    assert np.max(traces[0]) > 1e-3
    np.testing.assert_allclose(traces[0], traces[1], rtol=0, atol=1e-6 * traces[0].max())
    # the exact linear system is symmetric as well: Z_ij = Z_ji
    system = model.passive_system()
    assert system.transfer_resistance(i)[j] == pytest.approx(system.transfer_resistance(j)[i],
                                                             rel=1e-10)


def test_d_lambda_convergence():
    # transfer impedance at 100 Hz from a distal apical point to the soma: the error against the
    # full SWC resolution shrinks with d_lambda (0.3 > 0.1 > 0.03), below 1 % at 0.1
    from scipy import sparse
    from scipy.sparse import linalg as sparse_linalg

    cell = M.load_bundled("L5pyr")
    full = M.discretise(cell, "full")
    table = full.compartments
    point = table.position[int(np.argmax(np.where(table.type == 4, table.distance, 0)))]

    def z_transfer(disc):
        model = CellModel(disc, Ri=150, Rm=20000)
        site = int(place_at(model, point[None, :]).compartment[0])
        s = model.passive_system()
        A = (s.matrix + 2j * np.pi * 100 * sparse.diags(s.capacitance)).tocsc()
        e = np.zeros(s.n, complex)
        e[site] = 1
        return abs(sparse_linalg.spsolve(A, e)[0])

    ref = z_transfer(full)
    errors = [abs(z_transfer(M.discretise(cell, "d_lambda", d_lambda=d)) / ref - 1)
              for d in (0.3, 0.1, 0.03)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[1] < 0.01


def test_neuron_twin_has_brian2s_frusta():
    # the twin's 3D points are brian2's compartment boundaries: every segment has brian2's
    # membrane area (rel. 1e-6: NEURON stores 3D points in single precision; measured 1.4e-7)
    # and the input resistance at the soma and at the most tapered
    # compartments (boundary diameters up to ~4x apart, where an equal-area cylinder has up
    # to ~50 % less axial resistance) equals that of brian2's linear system (rel. 1e-6;
    # measured 3e-9 at the soma)
    model = CellModel(M.discretise(M.load_bundled("L5pyr"), "d_lambda", d_lambda=1.0),
                      Ri=150, Rm=20000, EL=-70)
    ref = neuron_model(model)
    np.testing.assert_allclose(ref.areas(), model.compartments.area, rtol=1e-6)
    disc, table = model.discretisation, model.compartments
    ratio = np.ones(model.n)
    for sec_id, sec in disc.sections.items():  # a loop over sections
        comps = np.flatnonzero(table.section == sec_id)
        comps = comps[np.argsort(table.distance[comps])]
        d_eq = table.area[comps] / (np.pi * table.length[comps])
        ratio[comps] = (np.asarray(sec.start_diameter) * np.asarray(sec.end_diameter) * 1e12
                        / d_eq**2)
    sites = np.r_[0, np.argsort(ratio)[:3]]
    assert ratio[sites[1]] < 0.6
    system = model.passive_system()
    for c in sites:
        assert ref.input_resistance(c) == pytest.approx(system.input_resistance(c) / 1e6,
                                                        rel=1e-6)


def test_neuron_twin_refuses_what_it_cannot_rebuild():
    from dendrites.errors import ParameterError, UnsupportedError

    disc = M.discretise(M.y_branch(), "max_length", max_length=50)
    active = CellModel(disc, Ri=150, Rm=20000, EL=-70)
    active.insert("hh", where="soma")
    with pytest.raises(UnsupportedError, match="mechanisms"):
        neuron_model(active)
    uneven = CellModel(disc, Ri=150, Rm=20000, EL=-70)
    uneven.set("Cm", 2.0, where="soma")
    with pytest.raises(UnsupportedError, match="uniform Cm"):
        neuron_model(uneven)
    ref = neuron_model(CellModel(disc, Ri=150, Rm=20000, EL=-70))
    with pytest.raises(UnsupportedError, match="ampa\\+nmda"):
        ref.epsps([0], "ampa+nmda")
    with pytest.raises(ParameterError, match="not compartments"):
        ref.epsps([0, 10**6], "current")
    with pytest.raises(ParameterError, match="duration"):
        ref.epsps([0], "current", duration=0.01)
