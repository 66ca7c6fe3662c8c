"""Discretisation into brian2: compartment counts, exact area and axial resistance,
and the compartment table against brian2's own flattened morphology."""

import warnings

import numpy as np
import pytest
from brian2 import Hz, cm, meter, mm, mV, ohm, uF, um
from brian2.spatialneuron.spatialneuron import FlatMorphology
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from morphologies import ball_and_stick, discretise, load_bundled, soma_with_cylinders
from morphologies.discretisation import d_lambda_nseg, lambda_f
from morphologies.errors import DiscretisationError, NonStandardSomaWarning, UnitError


@pytest.fixture(scope="module")
def l5():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonStandardSomaWarning)
        return load_bundled("L5pyr")


@pytest.fixture(scope="module")
def bc():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonStandardSomaWarning)
        return load_bundled("L23BC")


def _swc_sections(path):
    """Sections of an SWC file read independently of the package (numpy, float64).

    Returns the samples ``(id, xyz, radius)`` and ``{first own sample id: rows}``:
    a section is the chain of samples from a soma child or a branch-point child
    to the next branch point or tip, preceded by its parent sample unless that is
    the soma (the neurite starts at its first sample, see docs/guide/morphologies.rst).
    """
    data = np.loadtxt(path, comments="#", ndmin=2)
    ids, types, parents = data[:, 0].astype(int), data[:, 1].astype(int), data[:, 6].astype(int)
    row_of = {sample: row for row, sample in enumerate(ids)}
    parent_row = np.array([row_of.get(p, -1) for p in parents])
    children = {row: [] for row in range(len(ids))}
    for row, parent in enumerate(parent_row):
        if parent >= 0:
            children[parent].append(row)
    soma = types == 1
    sections = {}
    for row in np.flatnonzero(~soma):
        parent = parent_row[row]
        if not (soma[parent] or len(children[parent]) > 1):
            continue
        chain = [] if soma[parent] else [parent]
        chain.append(row)
        while len(children[chain[-1]]) == 1:
            chain.append(children[chain[-1]][0])
        sections[ids[row]] = np.array(chain)
    return data[:, 2:5], data[:, 5], sections


def _swc_integrals(xyz, radius, rows):
    """Lateral frustum area (um2), integral of dx/d(x)^2 (1/um) and length (um) of a chain."""
    length = np.linalg.norm(np.diff(xyz[rows], axis=0), axis=1)
    d0, d1 = 2 * radius[rows][:-1], 2 * radius[rows][1:]
    area = np.pi / 2 * (d0 + d1) * np.sqrt((d0 - d1) ** 2 / 4 + length**2)  # with the slant
    return area.sum(), np.sum(length / (d0 * d1)), length.sum()


@pytest.mark.parametrize("rule", ["d_lambda", "max_length", "full"])
@pytest.mark.parametrize("which", ["l5", "bc"])
def test_area_and_axial_resistance_preserved(rule, which, request):
    """brian2's own area and r_length of every section equal the integrals over the
    SWC samples of that section (read here with numpy, in double precision): 1e-9."""
    cell = request.getfixturevalue(which)
    disc = discretise(cell, rule)
    xyz, radius, swc_sections = _swc_sections(cell.path)
    assert len(swc_sections) == len(disc.sections)
    _, first_sample = cell.section_samples()
    total = 0.0
    for sec, section in disc.sections.items():
        area, g, length = _swc_integrals(xyz, radius, swc_sections[first_sample[sec]])
        b2_area = np.sum(section.area / meter**2) * 1e12  # um^2
        # axial resistance start -> end is Ri * sum(1/r_length_1 + 1/r_length_2);
        # for a frustum chain it is 4 Ri / pi * sum(l / (d0 d1))
        b2_g = np.sum(1 / (section.r_length_1 / meter) + 1 / (section.r_length_2 / meter))
        b2_g *= np.pi / 4 * 1e-6  # 1/m -> the um^-1 integral of dx/d^2
        assert b2_area == pytest.approx(area, rel=1e-9)
        assert b2_g == pytest.approx(g, rel=1e-9)
        assert np.sum(section.length / um) == pytest.approx(length, rel=1e-9)
        # NeuroM works on MorphIO's float32 points: 1e-5 relative or 1e-4 um
        assert length == pytest.approx(cell.sections.length[sec], rel=1e-5, abs=1e-4)
        total += area
    flat = FlatMorphology(disc.morphology)
    assert flat.area.sum() * 1e12 == pytest.approx(total + cell.soma.area, rel=1e-9)


def test_per_compartment_fidelity(l5):
    """Single compartments keep the area of the stretch they stand for, closely."""
    for rule, p99 in [("d_lambda", 0.06), ("max_length", 0.08)]:
        disc = discretise(l5, rule)
        ratio = disc.compartments.area[1:] / disc.original_area[1:]
        assert np.percentile(np.abs(ratio - 1), 99) < p99
        assert np.median(np.abs(ratio - 1)) < 0.01
    full = discretise(l5, "full")
    np.testing.assert_allclose(full.compartments.area, full.original_area, rtol=1e-6)


def test_full_rule_is_the_reconstruction(l5):
    disc = discretise(l5, "full")
    for sec, section in disc.sections.items():
        first, stop = l5.section_offsets[sec], l5.section_offsets[sec + 1]
        d = l5.diameters[first:stop]
        keep = np.concatenate([[True], np.linalg.norm(np.diff(l5.points[first:stop], axis=0),
                                                      axis=1) > 0])
        b2 = np.concatenate([section.start_diameter[:1] / um, section.end_diameter / um])
        np.testing.assert_allclose(b2, d[keep], rtol=1e-9)


@pytest.mark.parametrize("diameter", [0.3, 1.0, 4.0])
@pytest.mark.parametrize("length", [5.0, 120.0, 900.0])
@pytest.mark.parametrize("freq", [50.0, 100.0, 1000.0])
def test_d_lambda_counts_on_cylinders(diameter, length, freq):
    ri, cm_ = 150.0, 1.0
    cell = soma_with_cylinders(2, length=length * um, diameter=diameter * um)
    disc = discretise(cell, frequency=freq * Hz, Ri=ri * ohm * cm, Cm=cm_ * uF / cm**2)
    lam = 1e5 * np.sqrt(diameter / (4 * np.pi * freq * ri * cm_))  # NEURON units
    expected = int((length / (0.1 * lam) + 0.9) / 2) * 2 + 1
    assert list(disc.n_compartments) == [expected, expected]


def _neuron_lambda_f(points, diams, freq, ri, cm_):
    """NEURON's stdlib lambda_f() for a section with 3D points (a literal transcription)."""
    arc = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    lam = 0.0
    for i in range(1, len(arc)):
        lam += (arc[i] - arc[i - 1]) / np.sqrt(diams[i - 1] + diams[i])
    lam *= np.sqrt(2) * 1e-5 * np.sqrt(4 * np.pi * freq * ri * cm_)
    return arc[-1] / lam


def test_d_lambda_counts_on_a_real_cell(l5):
    disc = discretise(l5, d_lambda=0.1, frequency=100 * Hz, Ri=100 * ohm * cm, Cm=1 * uF / cm**2)
    for sec in range(len(l5.section_types)):
        first, stop = l5.section_offsets[sec], l5.section_offsets[sec + 1]
        p, d = l5.points[first:stop], l5.diameters[first:stop]
        length = np.sum(np.linalg.norm(np.diff(p, axis=0), axis=1))
        lam = _neuron_lambda_f(p, d, 100.0, 100.0, 1.0)
        assert disc.n_compartments[sec] == int((length / (0.1 * lam) + 0.9) / 2) * 2 + 1
    assert disc.n < 0.2 * len(l5.points)  # far fewer than one compartment per sample


def test_lambda_f_and_nseg_helpers():
    assert lambda_f(1 * um) == pytest.approx(1e5 * np.sqrt(1 / (4 * np.pi * 100 * 150 * 1)))
    assert lambda_f(2.0, 50.0, 100.0, 0.9) == pytest.approx(
        1e5 * np.sqrt(2 / (4 * np.pi * 50 * 100 * 0.9)))
    np.testing.assert_array_equal(d_lambda_nseg([0.0, 0.05, 0.109, 0.11, 0.5, 1.0]),
                                  [1, 1, 1, 3, 5, 11])


def test_max_length_rule():
    cell = ball_and_stick(length=105 * um)
    assert list(discretise(cell, "max_length", max_length=10 * um).n_compartments) == [11]
    assert list(discretise(cell, "max_length", max_length=200.0).n_compartments) == [1]


def test_compartment_table_is_brian2s(l5):
    disc = discretise(l5)
    table = disc.compartments
    flat = FlatMorphology(disc.morphology)
    assert len(table) == flat.n and np.array_equal(table.index, np.arange(flat.n))
    np.testing.assert_allclose(table.area, flat.area * 1e12, rtol=1e-12)
    np.testing.assert_allclose(table.diameter, flat.diameter * 1e6, rtol=1e-12)
    np.testing.assert_allclose(table.length, flat.length * 1e6, rtol=1e-12)
    np.testing.assert_allclose(table.distance, flat.distance * 1e6, rtol=1e-9, atol=1e-9)
    for sec, section in disc.sections.items():  # brian2's own indices of each section
        rows = np.flatnonzero(table.section == sec)
        np.testing.assert_array_equal(np.atleast_1d(section.indices[:]), rows)
        assert (table.type[rows] == l5.section_types[sec]).all()
    assert table.section[0] == -1 and table.type[0] == 1 and table.distance[0] == 0
    assert table.area[0] == pytest.approx(l5.soma.area)
    # centres lie on the reconstructed path, in the cell's bounding box
    lo, hi = l5.points.min(0), l5.points.max(0)
    assert ((table.position >= lo - 1e-6) & (table.position <= hi + 1e-6)).all()
    apical = table.select(type="apical", min_distance=200)
    assert len(apical) and (table.distance[apical] >= 200).all()
    assert (table.type_name[apical] == "apical").all()


def test_to_dataframe(l5, monkeypatch):
    """With pandas: a frame indexed by compartment; without: a clear ImportError."""
    table = discretise(l5).compartments
    try:
        import pandas  # noqa: F401
    except ImportError:
        pass
    else:
        frame = table.to_dataframe()
        assert list(frame.columns[:3]) == ["section", "type", "distance"]
        assert frame.index.name == "index"
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # pandas absent
    with pytest.raises(ImportError, match="pip install pandas"):
        table.to_dataframe()


def test_units_are_checked():
    cell = ball_and_stick()
    with pytest.raises(UnitError, match="'Ri'"):
        discretise(cell, Ri=150 * um)
    with pytest.raises(UnitError, match="'max_length'"):
        discretise(cell, "max_length", max_length=5 * mV)
    with pytest.raises(UnitError, match="'d_lambda'"):
        discretise(cell, d_lambda=0.1 * um)
    with pytest.raises(UnitError, match="'frequency'"):
        discretise(cell, frequency=100 * ohm)
    with pytest.raises(UnitError, match="'length'"):
        ball_and_stick(length=100 * Hz)
    plain = discretise(cell, Ri=150.0, Cm=1.0, frequency=100.0)  # documented units
    assert np.array_equal(plain.n_compartments, discretise(cell).n_compartments)


def test_select_takes_lengths():
    """select's distance bounds follow the units convention: quantities, or um."""
    table = discretise(ball_and_stick(), "max_length", max_length=10 * um).compartments
    plain = table.select(min_distance=200, max_distance=400)
    assert len(plain)
    np.testing.assert_array_equal(table.select(min_distance=200 * um, max_distance=400 * um),
                                  plain)
    np.testing.assert_array_equal(table.select(min_distance=0.2 * mm, max_distance=0.4 * mm),
                                  plain)
    with pytest.raises(UnitError, match="'min_distance'"):
        table.select(min_distance=200 * mV)
    with pytest.raises(UnitError, match="'max_distance'"):
        table.select(max_distance=1 * Hz)
    with pytest.raises(UnitError, match="'max_distance'"):
        table.select(max_distance="far")


def test_bad_rule_and_values():
    cell = ball_and_stick()
    with pytest.raises(DiscretisationError, match="unknown rule"):
        discretise(cell, "nseg")
    with pytest.raises(DiscretisationError, match="d_lambda must be positive"):
        discretise(cell, d_lambda=0)


def _reconstruction_input_impedance(path, rm, ri, c_m, frequency):
    """Input impedance (ohm) at the soma of the SWC reconstruction itself (SI units).

    Independent of the package: one node per SWC sample (numpy, float64), each
    frustum between a sample and its parent is an axial resistance
    ``4 ri l / (pi d0 d1)`` and gives half its lateral area to each end node; the
    soma is one node with NeuroMorpho's three-point soma area
    ``2 pi r (|p2 - p1| + |p3 - p1|)``, and neurites start at their first sample.
    The stretch of a frustum between its end nodes is resolved to O(l^2):
    11,700 nodes for the L5 cell (splitting every frustum in four changes it by
    2e-6 at DC, 3e-5 at 100 Hz).
    """
    data = np.loadtxt(path, comments="#", ndmin=2)
    ids, types, xyz, radius = data[:, 0].astype(int), data[:, 1], data[:, 2:5], data[:, 5]
    order = np.argsort(ids)
    parent = order[np.searchsorted(ids[order], data[:, 6].astype(int))]
    parent[data[:, 6] < 0] = -1
    soma = types == 1
    assert soma.sum() == 3 and np.ptp(radius[soma]) == 0  # a NeuroMorpho three-point soma
    first = np.flatnonzero(soma)[0]
    soma_area = 2 * np.pi * radius[first] * np.sum(
        np.linalg.norm(xyz[soma] - xyz[first], axis=1))
    # node 0: the soma and the first sample of every neurite (where the neurite starts)
    at_soma = soma | soma[np.maximum(parent, 0)]
    node = np.where(at_soma, 0, np.cumsum(~at_soma))
    child = np.flatnonzero(~at_soma)  # each frustum: a sample and its parent
    a, b = node[parent[child]], node[child]
    length = np.linalg.norm(xyz[child] - xyz[parent[child]], axis=1) * 1e-6
    d0, d1 = 2e-6 * radius[parent[child]], 2e-6 * radius[child]
    area = np.pi / 2 * (d0 + d1) * np.sqrt((d0 - d1) ** 2 / 4 + length**2)
    g = np.pi * d0 * d1 / (4 * ri * length)
    size = node.max() + 1
    membrane = np.bincount(a, area / 2, size) + np.bincount(b, area / 2, size)
    membrane[0] += soma_area * 1e-12
    y = membrane * (1 / rm + 2j * np.pi * frequency * c_m)
    matrix = sparse.coo_matrix((np.concatenate([-g, -g]), (np.concatenate([a, b]),
                                                           np.concatenate([b, a]))),
                               shape=(size, size)).tocsc()
    matrix = matrix + sparse.diags(np.bincount(a, g, size) + np.bincount(b, g, size) + y)
    current = np.zeros(size, dtype=complex)
    current[0] = 1.0
    return sparse_linalg.spsolve(matrix.tocsc(), current)[0]


@pytest.mark.parametrize("rule, tol_dc, tol_100hz", [("full", 1e-4, 2e-4),
                                                     ("d_lambda", 1e-3, 5e-3),
                                                     ("max_length", 2e-3, 5e-3)])
def test_input_impedance_of_the_discretised_l5_cell(l5, rule, tol_dc, tol_100hz):
    """The soma's input impedance of brian2's compartments (their own area and
    r_length) equals the reconstruction's, at DC and at the d_lambda frequency.

    Rm 20,000 ohm cm2, Ri 150 ohm cm, Cm 1 uF/cm2.  Observed: the reconstruction
    has 156.71 MOhm at DC and 17.75 MOhm (-68 degrees) at 100 Hz; relative
    complex differences at DC / 100 Hz: full resolution 1.4e-5 / 5.9e-5,
    d_lambda (1351 compartments) 3.3e-4 / 2.5e-3, max_length 20 um (755)
    7.8e-4 / 3.0e-3.  (The reconstruction's diameters at the compartment
    boundaries instead of the area- and resistance-preserving ones: -2.6 % at DC.)
    """
    from test_morph_synthetic import brian2_input_impedance

    rm, ri, c_m = 2.0, 1.5, 0.01  # ohm m2, ohm m, F/m2
    disc = discretise(l5, rule, Ri=150 * ohm * cm, Cm=1 * uF / cm**2)
    for frequency, tolerance in ((0.0, tol_dc), (100.0, tol_100hz)):
        reference = _reconstruction_input_impedance(l5.path, rm, ri, c_m, frequency)
        if frequency == 0:
            dc = reference.real
        z = brian2_input_impedance(disc.morphology, rm, ri, c_m, frequency)
        assert abs(z - reference) < tolerance * abs(reference), (frequency, z, reference)
    # cable bounds at DC: above an isopotential cell of the whole area, below the soma alone
    area = (l5.soma.area + l5.sections.area.sum()) * 1e-12
    assert rm / area < dc < rm / (l5.soma.area * 1e-12)


def test_a_file_name_where_a_cell_is_expected_says_how_to_load_it():
    from morphologies import morphometrics
    from morphologies.errors import ParameterError

    for call in (lambda: discretise("L5pyr"), lambda: morphometrics("L5pyr")):
        with pytest.raises(ParameterError, match="morphologies.load"):
            call()
