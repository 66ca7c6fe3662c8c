"""Discretisation of a :class:`~morphologies.cell.Cell` into a brian2 ``Morphology``.

Each MorphIO section becomes one brian2 ``Section`` (a chain of truncated
cones), attached to its parent section; the soma becomes a brian2 ``Soma``
(sphere) of the soma's membrane area.  The number of compartments per section
follows one of three rules:

``"d_lambda"`` (default)
    NEURON's ``d_lambda`` rule: ``nseg = int((L / (d_lambda * lambda_f) + 0.9) / 2) * 2 + 1``
    with the AC length constant ``lambda_f = 1e5 * sqrt(diam / (4 pi f Ri Cm))``
    (um, with diam in um, f in Hz, Ri in ohm cm, Cm in uF/cm**2).  As NEURON's
    ``lambda_f()`` does for sections with 3D points, ``L / lambda_f`` is the sum
    over the section's segments of ``l_i / lambda_f((d_i + d_{i+1}) / 2)``;
    for a cylinder this is the formula above.
``"max_length"``
    ``n = ceil(L / max_length)`` compartments of equal length.
``"full"``
    One compartment per reconstructed segment (zero-length segments merged).

Exact preservation of membrane area and axial resistance
--------------------------------------------------------
brian2 computes the area of a compartment of length l between diameters a and b
as ``pi/2 (a + b) sqrt((a - b)**2/4 + l**2)`` and its axial resistance, start to
end, as ``4 Ri l / (pi a b)`` (the sum of its ``r_length_1`` and ``r_length_2``
halves).  The reconstruction is a chain of such frusta too, so each stretch of
a section has an exact original area and resistance.  Taking the original
diameters at the compartment boundaries would keep neither when a compartment
spans several reconstructed segments.  Lengths are kept (compartments of equal
path length), and the n + 1 boundary diameters of each section are chosen in
two steps:

1. *Closest per compartment*: Levenberg-Marquardt on the log diameters makes
   every compartment's area and resistance as close as possible (least squares
   of the log ratios) to those of the stretch it stands for.
2. *Exact per section*: those diameters ``d`` are replaced by
   ``D_k = alpha * exp(gamma * P_k)``, ``P`` the centred ``log d`` (a linear
   ramp if ``d`` is uniform), with ``alpha`` and ``gamma`` solved so that the
   sums of brian2's areas and resistances over the section equal the original
   ones.  A solution always exists: at ``gamma = 0`` (a cylinder of the right
   resistance) the area is the smallest possible for that length and
   resistance, and it grows without bound with ``gamma``; ``gamma`` is bisected,
   ``alpha`` follows in closed form.  The result is checked (relative error
   below 1e-12, else :class:`~morphologies.errors.DiscretisationError`).

With the ``"full"`` rule both steps return the reconstruction itself.  Section
totals (hence the cell's) are exact; single compartments keep the area of their
stretch to a few percent (see ``docs/guide/morphologies.rst``), and
:attr:`Discretisation.original_area` gives the original area per compartment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Hz, Section, Soma, cm, ohm, uF, um
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from .cell import TYPE_CODES, Cell
from .compartments import CompartmentTable
from .errors import DiscretisationError, install_error_hook
from .units import to_plain

__all__ = ["discretise", "Discretisation", "SectionGeometry", "lambda_f", "d_lambda_nseg", "RULES"]

install_error_hook()  # brian2 is imported: a user's bad input must not end in its bug banner

RULES = ("d_lambda", "max_length", "full")
_RAMP_BELOW = 1e-9  # spread of log diameters under which a ramp is used instead
_MAX_EXPONENT = 50.0
_BISECTIONS = 200
_AS_IS = 1e-14  # relative area mismatch below which the least-squares diameters are kept
_LM_ITERATIONS = 60
_TOLERANCE = 1e-12


def lambda_f(diameter, frequency=100 * Hz, Ri=150 * ohm * cm, Cm=1 * uF / cm**2):
    """AC length constant ``1e5 * sqrt(diam / (4 pi f Ri Cm))`` (NEURON's ``lambda_f``).

    Parameters
    ----------
    diameter : brian2.Quantity or array_like
        Diameter(s); plain numbers are um.
    frequency : brian2.Quantity or float, optional
        Frequency (plain numbers: Hz), default 100 Hz.
    Ri : brian2.Quantity or float, optional
        Axial resistivity (plain numbers: ohm*cm), default 150 ohm*cm.
    Cm : brian2.Quantity or float, optional
        Specific capacitance (plain numbers: uF/cm**2), default 1 uF/cm**2.

    Returns
    -------
    numpy.ndarray or float
        Length constant(s) in um.
    """
    d = to_plain(diameter, "um", "diameter")
    f = to_plain(frequency, "Hz", "frequency")
    ri = to_plain(Ri, "ohm*cm", "Ri")
    cm_ = to_plain(Cm, "uF/cm**2", "Cm")
    return 1e5 * np.sqrt(d / (4 * np.pi * f * ri * cm_))


def d_lambda_nseg(electrotonic_length, d_lambda=0.1):
    """NEURON's odd compartment count ``int((L/lambda_f/d_lambda + 0.9)/2)*2 + 1``.

    Parameters
    ----------
    electrotonic_length : array_like
        ``L / lambda_f`` of each section (dimensionless).
    d_lambda : float, optional
        Largest compartment length as a fraction of ``lambda_f`` (default 0.1).

    Returns
    -------
    numpy.ndarray of int
    """
    x = np.asarray(electrotonic_length, dtype=float)
    return ((x / d_lambda + 0.9) / 2).astype(np.int64) * 2 + 1


class SectionGeometry:
    """Float64 path geometry of a cell's sections, with exact cumulative integrals.

    Per point: ``arc`` (path length from the section start), ``area_cum``
    (lateral frustum area from the section start) and ``g_cum`` (integral of
    ``dx / d(x)**2``, so that a stretch's axial resistance is
    ``4 Ri / pi * delta g``).  Between points the diameter is linear in ``arc``.
    """

    def __init__(self, cell):
        self.points = cell.points
        self.diam = cell.diameters
        off = cell.section_offsets
        self.offsets = off
        self.n_sections = len(off) - 1
        self.section_of_point = np.repeat(np.arange(self.n_sections), np.diff(off))
        same = self.section_of_point[1:] == self.section_of_point[:-1]
        d0, d1 = self.diam[:-1], self.diam[1:]
        seg = np.where(same, np.linalg.norm(np.diff(self.points, axis=0), axis=1), 0.0)
        area = np.where(same, _frustum_area(d0, d1, seg), 0.0)
        g = np.where(same, seg / (d0 * d1), 0.0)
        self.arc, self.area_cum, self.g_cum = (self._cumulate(x) for x in (seg, area, g))
        last = off[1:] - 1
        self.length = self.arc[last]
        self.area = self.area_cum[last]
        self.g = self.g_cum[last]
        # distance to the soma of each section's start (a loop over sections)
        self.start_distance = np.zeros(self.n_sections)
        parents = cell.section_parents
        for sec in _preorder(parents):
            if parents[sec] >= 0:
                parent = parents[sec]
                self.start_distance[sec] = self.start_distance[parent] + self.length[parent]
        # global coordinate: sections laid end to end with 1 um gaps, for one searchsorted
        self._base = np.concatenate([[0.0], np.cumsum(self.length + 1.0)[:-1]])
        self._u = self.arc + self._base[self.section_of_point]

    def _cumulate(self, per_segment):
        # per-section sums (a loop over sections): a global cumsum would lose
        # digits of short sections to the running total of the whole cell
        out = np.zeros(len(self.section_of_point))
        for first, stop in zip(self.offsets[:-1], self.offsets[1:]):
            np.cumsum(per_segment[first:stop - 1], out=out[first + 1:stop])
        return out

    def at(self, section, s):
        """Position, diameter and cumulative integrals at path length ``s`` of ``section``."""
        first, last = self.offsets[section], self.offsets[section + 1] - 1
        i = np.searchsorted(self._u, s + self._base[section], side="right") - 1
        i = np.clip(i, first, last)
        j = np.minimum(i + 1, last)
        seg = self.arc[j] - self.arc[i]
        x = np.clip(s - self.arc[i], 0.0, seg)
        t = np.divide(x, seg, out=np.zeros_like(x), where=seg > 0)
        d = self.diam[i] + t * (self.diam[j] - self.diam[i])
        pos = self.points[i] + t[:, None] * (self.points[j] - self.points[i])
        area = self.area_cum[i] + _frustum_area(self.diam[i], d, x)
        g = self.g_cum[i] + x / (self.diam[i] * d)
        return pos, d, area, g


def _frustum_area(a, b, length):
    """Lateral area of truncated cones (brian2's and NeuroM's formula)."""
    return np.pi / 2 * (a + b) * np.sqrt((a - b) ** 2 / 4 + length**2)


def _electrotonic_lengths(geometry, frequency, Ri, Cm):
    """``L / lambda_f`` per section, summed over 3D segments as NEURON's lambda_f()."""
    seg = np.diff(geometry.arc)
    same = geometry.section_of_point[1:] == geometry.section_of_point[:-1]
    mean_d = (geometry.diam[:-1] + geometry.diam[1:]) / 2
    per_segment = np.where(same, seg / lambda_f(mean_d, frequency, Ri, Cm), 0.0)
    return np.bincount(geometry.section_of_point[:-1], per_segment,
                       minlength=geometry.n_sections)


def _boundaries(geometry, rule, n_comp):
    """Section index and path length of every compartment boundary."""
    if rule == "full":
        same = np.concatenate([[False], (geometry.section_of_point[1:]
                                         == geometry.section_of_point[:-1])
                               & (np.diff(geometry.arc) == 0)])
        keep = ~same
        sec = geometry.section_of_point[keep]
        n_comp = np.bincount(sec, minlength=geometry.n_sections) - 1
        return sec, geometry.arc[keep], n_comp
    sec = np.repeat(np.arange(geometry.n_sections), n_comp + 1)
    first = np.concatenate([[0], np.cumsum(n_comp + 1)[:-1]])
    k = np.arange(len(sec)) - first[sec]
    return sec, geometry.length[sec] * (k / n_comp[sec]), n_comp


def _compartment_fit(log_d, ell, area, g, start):
    """Log-residuals of each compartment's area and resistance, and their derivatives."""
    a, b = np.exp(log_d[start]), np.exp(log_d[start + 1])
    h = np.sqrt((a - b) ** 2 / 4 + ell**2)
    fit = np.pi / 2 * (a + b) * h
    residual = np.concatenate([np.log(fit / area), np.log(ell / (a * b) / g)])
    cross = (a + b) * (a - b) / (4 * h)
    d_start = np.pi / 2 * (h + cross) * a / fit  # d log(area) / d log(a)
    d_end = np.pi / 2 * (h - cross) * b / fit
    return residual, d_start, d_end


def _least_squares_diameters(d_hat, ell, area, g, c_sec, b_sec, n_sec):
    """Boundary diameters closest to every compartment's own area and resistance.

    Levenberg-Marquardt on the log diameters, all sections at once (the
    Jacobian is sparse: a compartment depends on its two boundaries), with a
    damping per section that grows when a step does not lower that section's
    cost.  Starts from (and, for the ``"full"`` rule, stays at) ``d_hat``.
    """
    n_comp, n_bound = len(ell), len(d_hat)
    start = np.arange(n_comp) + c_sec
    rows = np.repeat(np.arange(2 * n_comp), 2)
    cols = np.tile(np.column_stack([start, start + 1]).ravel(), 2)
    log_d = np.log(d_hat)
    damping = np.full(n_sec, 1e-3)
    residual, d_start, d_end = _compartment_fit(log_d, ell, area, g, start)
    cost = np.bincount(np.tile(c_sec, 2), residual**2, n_sec)
    for _ in range(_LM_ITERATIONS):
        values = np.concatenate([np.column_stack([d_start, d_end]).ravel(), -np.ones(2 * n_comp)])
        jac = sparse.csr_matrix((values, (rows, cols)), shape=(2 * n_comp, n_bound))
        normal = (jac.T @ jac + sparse.diags(damping[b_sec])).tocsc()
        step = sparse_linalg.spsolve(normal, -(jac.T @ residual))
        trial = log_d + step
        t_residual, t_start, t_end = _compartment_fit(trial, ell, area, g, start)
        t_cost = np.bincount(np.tile(c_sec, 2), t_residual**2, n_sec)
        better = t_cost < cost
        if not better.any():
            break
        keep = better[b_sec]
        log_d = np.where(keep, trial, log_d)
        cost = np.where(better, t_cost, cost)
        residual = np.where(np.tile(better[c_sec], 2), t_residual, residual)
        d_start = np.where(better[c_sec], t_start, d_start)
        d_end = np.where(better[c_sec], t_end, d_end)
        damping = np.where(better, damping / 3, damping * 4)
        if np.max(np.abs(step[keep])) < 1e-9:
            break
    return np.exp(log_d)


def _exact_totals(d_ls, ell, area, g, c_sec, b_sec, n_comp):
    """Scale ``d_ls`` per section as ``alpha * exp(gamma * P)`` to match both totals.

    ``P`` is the centred log of ``d_ls`` (a ramp if ``d_ls`` is uniform).  For a
    given ``gamma`` the resistance fixes ``alpha``; ``gamma`` is bisected on the
    area, which is too small at ``gamma = 0`` (the cylinder of that resistance)
    and grows without bound.  Returns the boundary diameters.
    """
    n_sec = len(n_comp)
    start = np.arange(len(ell)) + c_sec
    log_d = np.log(d_ls)
    centred = log_d - (np.bincount(b_sec, log_d, n_sec) / (n_comp + 1))[b_sec]
    b_first = np.concatenate([[0], np.cumsum(n_comp + 1)[:-1]])
    spread = np.maximum.reduceat(centred, b_first) - np.minimum.reduceat(centred, b_first)
    ramp = (np.arange(len(b_sec)) - b_first[b_sec]) / n_comp[b_sec] - 0.5
    pattern = np.where(spread[b_sec] < _RAMP_BELOW, ramp, centred)
    top = np.maximum.reduceat(np.abs(pattern), b_first)

    def solve_alpha(gamma):
        e = np.exp(gamma[b_sec] * pattern)
        ea, eb = e[start], e[start + 1]
        alpha = np.sqrt(np.bincount(c_sec, ell / (ea * eb), n_sec) / g)
        a = alpha[c_sec]
        excess = np.bincount(c_sec, _frustum_area(a * ea, a * eb, ell), n_sec) - area
        return excess, alpha, e

    # sections already exact with the least-squares diameters keep them: near a
    # uniform profile the area grows as gamma**2, so bisecting on rounding noise
    # would perturb the diameters by sqrt(eps)
    as_is = np.where(spread < _RAMP_BELOW, 0.0, 1.0)
    excess, _, _ = solve_alpha(as_is)
    exact = np.abs(excess) <= _AS_IS * area
    lo = np.where(exact, as_is, 0.0)
    hi = np.where(exact, as_is, 1.0)
    while True:
        excess, _, _ = solve_alpha(hi)
        grow = (excess < 0) & (hi * top < _MAX_EXPONENT) & ~exact
        if not grow.any():
            break
        hi = np.where(grow, 2 * hi, hi)
    if ((excess < 0) & ~exact).any():
        bad = np.flatnonzero((excess < 0) & ~exact)
        raise DiscretisationError(
            f"cannot match the membrane area and axial resistance of section(s) "
            f"{bad[:10].tolist()} with brian2 frusta; use rule='full' for them.")
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if np.all((mid == lo) | (mid == hi)):
            break
        excess, _, _ = solve_alpha(mid)
        below = (excess < 0) & ~exact
        lo, hi = np.where(below, mid, lo), np.where(below | exact, hi, mid)
    ex_lo, alpha_lo, e_lo = solve_alpha(lo)
    ex_hi, alpha_hi, e_hi = solve_alpha(hi)
    use_lo = np.abs(ex_lo) < np.abs(ex_hi)
    alpha = np.where(use_lo, alpha_lo, alpha_hi)
    e = np.where(use_lo[b_sec], e_lo, e_hi)
    return alpha[b_sec] * e


@dataclass(frozen=True)
class Discretisation:
    """A cell discretised into a brian2 morphology, with its compartment table.

    Attributes
    ----------
    morphology : brian2.Morphology
        The brian2 tree (root: ``Soma``; one ``Section`` per MorphIO section,
        named ``s<id>``), for ``brian2.SpatialNeuron``; give the neuron the
        ``Ri`` and ``Cm`` used here for the d_lambda rule to hold.
    compartments : CompartmentTable
        Row ``i`` describes brian2's compartment ``i``.
    cell : Cell
        The cell discretised.
    n_compartments : numpy.ndarray of int
        Compartments of each section (indexed by section id).
    rule : str
        ``"d_lambda"``, ``"max_length"`` or ``"full"``.
    parameters : dict
        The rule's parameters, as plain numbers in um, Hz, ohm*cm and uF/cm**2.
    original_area : numpy.ndarray
        Membrane area (um**2) of the reconstructed stretch each compartment
        stands for (soma: its area); per section these sum to brian2's areas.
    sections : dict
        ``{section id: brian2 Section}``.
    """

    morphology: object
    compartments: CompartmentTable
    cell: object
    n_compartments: np.ndarray
    rule: str
    parameters: dict
    original_area: np.ndarray
    sections: dict = field(repr=False)

    @property
    def n(self):
        """int: total number of compartments (soma included)."""
        return len(self.compartments)


def _preorder(parents):
    """Section ids in depth-first pre-order, children by increasing id."""
    children = [[] for _ in range(len(parents) + 1)]  # last list: children of the soma
    for sec in np.argsort(parents, kind="stable"):
        children[parents[sec]].append(int(sec))
    order, stack = [], list(reversed(children[-1]))
    while stack:
        sec = stack.pop()
        order.append(sec)
        stack.extend(reversed(children[sec]))
    return order


def discretise(cell, rule="d_lambda", *, d_lambda=0.1, frequency=100 * Hz,
               Ri=150 * ohm * cm, Cm=1 * uF / cm**2, max_length=20 * um):
    """Build a brian2 ``Morphology`` and its compartment table from a cell.

    Parameters
    ----------
    cell : Cell
        A loaded, bundled or synthetic cell.
    rule : {"d_lambda", "max_length", "full"}, optional
        How many compartments per section (see the module docstring).
    d_lambda : float, optional
        Fraction of the AC length constant per compartment (rule ``"d_lambda"``).
    frequency : brian2.Quantity or float, optional
        Frequency of the AC length constant (plain numbers: Hz). Default 100 Hz.
    Ri : brian2.Quantity or float, optional
        Axial resistivity (plain numbers: ohm*cm). Default 150 ohm*cm.
    Cm : brian2.Quantity or float, optional
        Specific capacitance (plain numbers: uF/cm**2). Default 1 uF/cm**2.
        ``Ri`` and ``Cm`` only set the compartment counts of the d_lambda rule
        (the brian2 morphology is pure geometry; ``SpatialNeuron`` takes its own
        ``Ri`` and ``Cm``); area and axial resistance are kept for any ``Ri``.
    max_length : brian2.Quantity or float, optional
        Largest compartment length (rule ``"max_length"``; plain numbers: um).
        Default 20 um.

    Returns
    -------
    Discretisation

    Raises
    ------
    morphologies.errors.UnitError
        If a quantity has the wrong unit (a :class:`ValueError`).
    morphologies.errors.DiscretisationError
        A :class:`~morphologies.errors.ParameterError` (a :class:`ValueError`):
        For an unknown rule, bad parameter values, a zero-length section, or a
        failed area/resistance fit.
    """
    if not isinstance(cell, Cell):
        raise DiscretisationError(
            f"cell must be a morphologies.Cell, got {type(cell).__name__}; load one with "
            "morphologies.load(path or bundled name) or build a synthetic cell.")
    if rule not in RULES:
        raise DiscretisationError(f"unknown rule {rule!r}; use one of {RULES}.")
    params = {
        "d_lambda": float(to_plain(d_lambda, "1", "d_lambda")),
        "frequency": to_plain(frequency, "Hz", "frequency"),
        "Ri": to_plain(Ri, "ohm*cm", "Ri"),
        "Cm": to_plain(Cm, "uF/cm**2", "Cm"),
        "max_length": to_plain(max_length, "um", "max_length"),
    }
    for key, value in params.items():
        if not np.isfinite(value) or value <= 0:
            raise DiscretisationError(f"{key} must be positive, got {value}.")
    geometry = SectionGeometry(cell)
    zero = np.flatnonzero(geometry.length <= 0)
    if len(zero):
        raise DiscretisationError(
            f"section(s) {zero[:10].tolist()} of {cell.name!r} have zero length (e.g. a "
            "neurite that forks at its first sample) and cannot be compartments; lengthen them "
            "in the file (add a sample before the fork), or delete a terminal one (`nnd check` "
            "lists them).")
    if rule == "d_lambda":
        n_comp = d_lambda_nseg(_electrotonic_lengths(
            geometry, params["frequency"], params["Ri"], params["Cm"]), params["d_lambda"])
    elif rule == "max_length":
        n_comp = np.maximum(1, np.ceil(geometry.length / params["max_length"])).astype(np.int64)
    else:
        n_comp = None
    b_sec, s, n_comp = _boundaries(geometry, rule, n_comp)
    c_sec, start = _layout(n_comp)
    _, d_hat, area_cum, g_cum = geometry.at(b_sec, s)
    ell = s[start + 1] - s[start]
    comp_area = np.diff(area_cum)[start]
    diam = d_hat
    if len(ell):
        d_ls = _least_squares_diameters(d_hat, ell, comp_area, np.diff(g_cum)[start], c_sec,
                                        b_sec, geometry.n_sections)
        diam = _exact_totals(d_ls, ell, geometry.area, geometry.g, c_sec, b_sec, n_comp)
        _verify(diam, ell, geometry, c_sec, start)
    return _build(cell, geometry, rule, params, n_comp, s, diam, comp_area)


def _layout(n_comp):
    """Section of each compartment and index of its first boundary.

    Section ``i`` has ``n_comp[i]`` compartments and ``n_comp[i] + 1`` boundaries;
    both are laid out section after section.
    """
    c_sec = np.repeat(np.arange(len(n_comp)), n_comp)
    return c_sec, np.arange(len(c_sec)) + c_sec


def _verify(diam, ell, geometry, c_sec, start):
    a, b = diam[start], diam[start + 1]
    n = geometry.n_sections
    area = np.bincount(c_sec, _frustum_area(a, b, ell), n)
    g = np.bincount(c_sec, ell / (a * b), n)
    err = max(np.max(np.abs(area / geometry.area - 1)), np.max(np.abs(g / geometry.g - 1)))
    if not err < _TOLERANCE:
        raise DiscretisationError(
            f"area/resistance fit failed (relative error {err:.2e}); please report this cell.")


def _build(cell, geometry, rule, params, n_comp, s, diam, original_area):
    """Assemble the brian2 tree and the compartment table (flat brian2 order)."""
    soma = cell.soma
    root = Soma(diameter=soma.diameter * um)
    parents = cell.section_parents
    order = _preorder(parents)
    b_first = np.concatenate([[0], np.cumsum(n_comp + 1)])
    sections = {}
    for sec in order:  # one brian2 Section per MorphIO section, parents first
        bounds = slice(b_first[sec], b_first[sec + 1])
        section = Section(diameter=diam[bounds] * um, n=int(n_comp[sec]),
                          length=np.diff(s[bounds]) * um, type=TYPE_CODES[cell.section_types[sec]])
        (root if parents[sec] < 0 else sections[parents[sec]]).children.add(f"s{sec}", section)
        sections[sec] = section

    # brian2 numbers compartments depth-first: soma 0, then the sections in pre-order
    c_sec, start = _layout(n_comp)
    first_index = np.zeros(len(n_comp), dtype=np.int64)
    first_index[order] = 1 + np.concatenate([[0], np.cumsum(n_comp[order])[:-1]]).astype(np.int64)
    flat = first_index[c_sec] + (start - b_first[c_sec])
    mid_s = 0.5 * (s[start] + s[start + 1])
    mid_pos, _, _, _ = geometry.at(c_sec, mid_s)
    a, b, ell = diam[start], diam[start + 1], s[start + 1] - s[start]
    columns = {
        "section": (-1, c_sec), "type": (1, cell.section_types[c_sec]),
        "distance": (0.0, geometry.start_distance[c_sec] + mid_s),
        "x": (soma.center[0], mid_pos[:, 0]), "y": (soma.center[1], mid_pos[:, 1]),
        "z": (soma.center[2], mid_pos[:, 2]), "diameter": (soma.diameter, 0.5 * (a + b)),
        "area": (np.pi * soma.diameter**2, _frustum_area(a, b, ell)),
        "length": (soma.diameter, ell),
        "branch_order": (0, cell.sections.branch_order[c_sec]),
        "original_area": (soma.area, original_area),
    }
    table = {}
    for name, (soma_value, values) in columns.items():
        column = np.empty(len(c_sec) + 1, dtype=np.asarray(values).dtype)
        column[0] = soma_value
        column[flat] = values
        table[name] = column
    original = table.pop("original_area")
    compartments = CompartmentTable(index=np.arange(len(c_sec) + 1), **table)
    return Discretisation(
        morphology=root, compartments=compartments, cell=cell, n_compartments=n_comp,
        rule=rule, parameters=params, original_area=original, sections=sections)
