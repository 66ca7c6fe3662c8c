"""Synthetic cells against hand-computed values and cable theory."""

import numpy as np
import pytest
from brian2 import meter, um
from brian2.spatialneuron.spatialneuron import FlatMorphology
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from morphologies import (Cell, ball_and_stick, discretise, morphometrics, rall_tree,
                          soma_with_cylinders, y_branch)

RM = 2.0  # specific membrane resistance, ohm m^2 (20,000 ohm cm^2)
RI = 1.5  # axial resistivity, ohm m (150 ohm cm)


def test_ball_and_stick_by_hand():
    cell = ball_and_stick(soma_diameter=20 * um, length=500 * um, diameter=2 * um)
    assert isinstance(cell, Cell) and cell.soma.kind == "single_point"
    expected = 4 * np.pi * 10**2 + np.pi * 2 * 500
    metrics = morphometrics(cell)["all"]
    assert metrics["membrane_area"] == pytest.approx(expected, rel=1e-7)
    assert metrics["total_length"] == pytest.approx(500)
    assert (metrics["n_sections"], metrics["n_tips"], metrics["n_branch_points"]) == (1, 1, 0)
    assert metrics["max_path_distance"] == pytest.approx(500)
    # the stick starts on the soma surface: Sholl spheres from r = 10 to 510 um cut it once
    counts, radii = metrics["sholl_counts"], metrics["sholl_radii"]
    assert (counts[(radii >= 10) & (radii <= 510)] == 1).all()
    disc = discretise(cell)
    flat = FlatMorphology(disc.morphology)
    assert flat.area.sum() * 1e12 == pytest.approx(expected, rel=1e-7)
    assert disc.compartments.distance[-1] == pytest.approx(500 - 250 / disc.n_compartments[0])


def test_soma_with_cylinders():
    cell = soma_with_cylinders(5, length=80 * um, diameter=1.5 * um, neurite_type="apical")
    metrics = morphometrics(cell)
    assert list(metrics) == ["all", "apical"]
    assert metrics["apical"]["n_neurites"] == 5
    assert metrics["apical"]["membrane_area"] == pytest.approx(5 * np.pi * 1.5 * 80, rel=1e-6)
    # evenly spread: the tips sit on a circle of radius 10 + 80 um
    tips = cell.points[cell.section_offsets[1:] - 1]
    np.testing.assert_allclose(np.linalg.norm(tips, axis=1), 90, rtol=1e-6)


def test_rall_tree_obeys_three_halves_rule():
    cell = rall_tree(4, children=3)
    diam = cell.diameters[cell.section_offsets[:-1]]
    parents = cell.section_parents
    for parent in np.unique(parents[parents >= 0]):
        daughters = np.flatnonzero(parents == parent)
        assert len(daughters) == 3
        assert np.sum(diam[daughters] ** 1.5) == pytest.approx(diam[parent] ** 1.5, rel=1e-6)
    metrics = morphometrics(cell)["all"]
    assert metrics["n_sections"] == 1 + 3 + 9 + 27
    assert metrics["n_tips"] == 27 and metrics["max_branch_order"] == 3


def test_y_branch():
    cell = y_branch(parent_length=50 * um, child_lengths=(30 * um, 60 * um),
                    child_diameters=(1 * um, 0.5 * um))
    metrics = morphometrics(cell)["all"]
    assert metrics["total_length"] == pytest.approx(140, rel=1e-6)
    assert metrics["max_path_distance"] == pytest.approx(110, rel=1e-6)
    assert metrics["n_branch_points"] == 1 and metrics["n_tips"] == 2


def _cable_input_conductance(section):
    """Input conductance (S) at the start of a brian2 cylinder subtree, sealed ends."""
    d = np.asarray(section.diameter / meter)
    assert np.allclose(d, d[0], rtol=1e-12)  # cylinders stay cylinders
    d, length = d[0], float(np.sum(section.length / meter))
    lam = np.sqrt(RM * d / (4 * RI))
    g_inf = np.pi * d**2 / (4 * RI * lam)
    load = sum(_cable_input_conductance(child) for child in section.children)
    t = np.tanh(length / lam)
    return g_inf * (load + g_inf * t) / (g_inf + load * t)


def brian2_input_impedance(morphology, rm=RM, ri=RI, c_m=0.01, frequency=0.0):
    """Input impedance (ohm) at the soma of brian2's compartments (areas and r_length).

    As brian2's solver, branch points are nodes: each section's compartment
    centres are chained through ``r_length_2[i]`` and ``r_length_1[i + 1]``, the
    first one hangs on its parent's end node through ``r_length_1``, the last
    one on its own end node through ``r_length_2``.  SI units (``rm`` ohm m^2,
    ``ri`` ohm m, ``c_m`` F/m^2, ``frequency`` Hz).  Vectorised, sparse solve.
    """
    flat = FlatMorphology(morphology)
    n, n_sec = flat.n, flat.sections
    starts, ends = np.asarray(flat.starts), np.asarray(flat.ends)
    section = np.repeat(np.arange(n_sec), ends - starts)
    inner = np.flatnonzero(section[1:] == section[:-1])
    parent = np.asarray(flat.morph_parent_i[:n_sec]) - 1
    child = np.flatnonzero(parent >= 0)
    i = np.concatenate([inner, ends - 1, n + parent[child]])
    j = np.concatenate([inner + 1, n + np.arange(n_sec), starts[child]])
    g = np.concatenate([1 / (ri / flat.r_length_2[inner] + ri / flat.r_length_1[inner + 1]),
                        flat.r_length_2[ends - 1] / ri, flat.r_length_1[starts[child]] / ri])
    size = n + n_sec
    y = np.zeros(size, dtype=complex)
    y[:n] = flat.area * (1 / rm + 2j * np.pi * frequency * c_m)
    matrix = sparse.coo_matrix((np.concatenate([-g, -g]), (np.concatenate([i, j]),
                                                           np.concatenate([j, i]))),
                               shape=(size, size)).tocsc()
    matrix = matrix + sparse.diags(np.bincount(i, g, size) + np.bincount(j, g, size) + y)
    current = np.zeros(size, dtype=complex)
    current[0] = 1.0
    z = sparse_linalg.spsolve(matrix.tocsc(), current)[0]
    return z if frequency else z.real


def test_rall_tree_collapses_to_equivalent_cylinder():
    """Input resistance of the brian2 tree equals Rall's equivalent cylinder's."""
    levels, trunk_d, trunk_l = 4, 4e-6, 150e-6
    cell = rall_tree(levels, trunk_diameter=trunk_d * 1e6 * um, trunk_length=trunk_l * 1e6 * um)
    disc = discretise(cell, "max_length", max_length=5 * um)
    soma = disc.morphology
    g_soma = float(soma.area[0] / meter**2) / RM
    g_tree = sum(_cable_input_conductance(child) for child in soma.children)
    # equivalent cylinder: trunk diameter, electrotonic length = levels x trunk's
    lam0 = np.sqrt(RM * trunk_d / (4 * RI))
    g_inf = np.pi * trunk_d**2 / (4 * RI * lam0)
    g_equivalent = g_inf * np.tanh(levels * trunk_l / lam0)
    assert g_tree == pytest.approx(g_equivalent, rel=1e-6)  # MorphIO stores float32
    r_in = 1 / (g_soma + g_equivalent)
    # brian2's compartments (the simulation's quantities) give the same, to O(dx^2)
    assert brian2_input_impedance(disc.morphology) == pytest.approx(r_in, rel=2e-5)


def test_synthetic_cells_are_reproducible():
    a, b = rall_tree(3), rall_tree(3)
    np.testing.assert_array_equal(a.points, b.points)


def test_soma_only_cell():
    cell = soma_with_cylinders(0, soma_diameter=12 * um)
    disc = discretise(cell)
    assert disc.n == 1 and disc.compartments.area[0] == pytest.approx(np.pi * 144, rel=1e-6)
    assert morphometrics(cell)["all"]["n_sections"] == 0


def test_brian2_simulation_gives_the_cable_input_resistance():
    """End to end: a passive SpatialNeuron on the discretised Rall tree reaches the
    steady-state soma voltage that cable theory predicts."""
    import brian2 as b2

    cell = rall_tree(3, trunk_diameter=3 * um, trunk_length=120 * um)
    disc = discretise(cell, "max_length", max_length=10 * um, Ri=RI * b2.ohm * b2.meter)
    soma = disc.morphology
    g_soma = float(soma.area[0] / meter**2) / RM
    r_in = 1 / (g_soma + sum(_cable_input_conductance(child) for child in soma.children))
    previous = b2.prefs.codegen.target
    b2.prefs.codegen.target = "numpy"
    try:
        eqs = "Im = gL * (EL - v) : amp/meter**2\nI : amp (point current)"
        namespace = {"gL": 1 / (RM * b2.ohm * meter**2), "EL": -70 * b2.mV}
        neuron = b2.SpatialNeuron(soma, eqs, Cm=1 * b2.uF / b2.cm**2,
                                  Ri=RI * b2.ohm * b2.meter, method="exponential_euler",
                                  namespace=namespace)
        neuron.v = -70 * b2.mV
        neuron.I[0] = 10 * b2.pA
        net = b2.Network(neuron)
        net.run(300 * b2.ms, namespace=namespace)  # 15 membrane time constants
        r_sim = float((neuron.v[0] + 70 * b2.mV) / (10 * b2.pA) / b2.ohm)
    finally:
        b2.prefs.codegen.target = previous
    assert r_sim == pytest.approx(r_in, rel=1e-4)


def test_bad_arguments_are_unit_or_parameter_errors():
    """The toolkit's categories: a wrong dimension or a non-number is a UnitError, a value
    out of range a ParameterError, an unknown neurite type a KeyError; all ValueErrors but
    the last, all MorphologyErrors."""
    from brian2 import mV

    from morphologies import ball_and_stick, rall_tree, soma_with_cylinders, y_branch
    from morphologies.errors import MorphologyError, MorphologyKeyError, ParameterError, UnitError

    cases = [
        (lambda: ball_and_stick(length=5 * mV), UnitError, "'length'"),
        (lambda: ball_and_stick(diameter="thin"), UnitError, "'diameter'"),
        (lambda: ball_and_stick(length=-5), ParameterError, "'length' = -5 um must be"),
        (lambda: ball_and_stick(soma_diameter=0), ParameterError, "'soma_diameter'"),
        (lambda: soma_with_cylinders(-1), ParameterError, "'n' = -1 must be an integer >= 0"),
        (lambda: soma_with_cylinders(2.5), ParameterError, "'n' = 2.5"),
        (lambda: rall_tree(levels=0), ParameterError, "'levels'"),
        (lambda: rall_tree(children=True), ParameterError, "'children'"),
        (lambda: rall_tree(spread=1 * mV), UnitError, "'spread'"),
        (lambda: y_branch(angle=np.nan), ParameterError, "'angle'"),
        (lambda: ball_and_stick(neurite_type="soma"), ParameterError, "soma type"),
        (lambda: ball_and_stick(neurite_type="dendrite"), MorphologyKeyError, "'dendrite'"),
        (lambda: ball_and_stick(neurite_type=42), MorphologyKeyError, "code 42"),
    ]
    for call, category, words in cases:
        with pytest.raises(category, match=words) as info:
            call()
        assert isinstance(info.value, MorphologyError)
        assert isinstance(info.value, KeyError if category is MorphologyKeyError else ValueError)
    assert len(soma_with_cylinders(3.0).section_types) == 3  # integer-valued floats are counts
