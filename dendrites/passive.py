"""The passive linear system of a discretised cell, exactly as brian2 solves it.

brian2's ``SpatialNeuron`` couples the compartments of a section through the
conductances ``1 / (Ri (1/r_length_2[i-1] + 1/r_length_1[i]))`` and joins
sections at branch-point nodes without membrane: a section's first compartment
is joined to its start node by ``r_length_1[first] / Ri``, its last compartment to
its end node by ``r_length_2[last] / Ri``.  Eliminating the nodes (star-mesh
transform) leaves an ``n x n`` symmetric conductance matrix ``G`` (siemens) so
that the compartment voltages obey::

    C dv/dt = -G v + g_m (E_L - v) + I

with ``C = Cm * area`` and ``g_m = gL * area`` per compartment.  Its steady
state, input and transfer resistances, eigen time constants and DC
electrotonic lengths are those of brian2's own discretisation, so they are the
references the simulations are checked against (and the transfer kernel that
location experiments use).
"""

from __future__ import annotations

import weakref

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from .errors import ParameterError

__all__ = ["PassiveSystem", "axial_conductance_matrix", "TreeResolvent"]

#: brian2's flattened geometry per morphology object (derived, read-only arrays; the
#: morphology of a discretisation is never modified after it is built).
_FLAT = weakref.WeakKeyDictionary()


def _flat_geometry(morphology):
    """``(n, sections, r_length_1, r_length_2, starts, ends, start_node)`` of brian2's FlatMorphology."""
    try:
        return _FLAT[morphology]
    except (KeyError, TypeError):
        pass
    from brian2.spatialneuron.spatialneuron import FlatMorphology

    flat = FlatMorphology(morphology)
    arrays = [np.array(a) for a in (flat.r_length_1, flat.r_length_2)]
    arrays += [np.asarray(a, dtype=np.int64).copy() for a in (flat.starts, flat.ends,
                                                              flat.morph_parent_i)]
    for a in arrays:
        a.setflags(write=False)
    geometry = (int(flat.n), int(flat.sections), *arrays)
    try:
        _FLAT[morphology] = geometry
    except TypeError:  # not weak-referenceable: no cache
        pass
    return geometry


def axial_conductance_matrix(morphology, Ri):
    """Return brian2's axial conductance matrix of a morphology (siemens, sparse CSR).

    Parameters
    ----------
    morphology : brian2.Morphology
        The brian2 tree (e.g. ``Discretisation.morphology``).
    Ri : float
        Axial resistivity in ohm*m (SI).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``G`` with ``(G @ v)[i]`` the axial current leaving compartment ``i``.
    """
    n, n_sec, r1, r2, starts, ends, node_first = _flat_geometry(morphology)
    # within sections: consecutive compartments
    inner = np.ones(n, dtype=bool)
    inner[starts] = False
    i = np.flatnonzero(inner)
    g_inner = 1.0 / (Ri * (1.0 / r2[i - 1] + 1.0 / r1[i]))
    rows = [i - 1, i]
    cols = [i, i - 1]
    vals = [-g_inner, -g_inner]
    diag = np.bincount(i - 1, g_inner, n) + np.bincount(i, g_inner, n)
    # nodes: row 0 = root start (sealed), row s+1 = end node of section s
    node = np.concatenate([node_first, np.arange(n_sec) + 1])
    comp = np.concatenate([starts, ends - 1])
    g_node = np.concatenate([r1[starts], r2[ends - 1]]) / Ri
    # the root section's start node is sealed: drop it (it carries no current)
    keep = node != 0
    node, comp, g_node = node[keep], comp[keep], g_node[keep]
    B = sparse.csr_matrix((g_node, (node, comp)), shape=(n_sec + 1, n))
    total = np.asarray(B.sum(axis=1)).ravel()
    inv = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    schur = B.T @ sparse.diags(inv) @ B
    diag = diag + np.bincount(comp, g_node, n)
    G = (sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(n, n)) + sparse.diags(diag) - schur)
    return G.tocsr()


class TreeResolvent:
    """Selected entries of ``(G + diag(g_m) + s diag(C))^-1`` for many complex ``s`` at once.

    brian2's compartments and branch-point nodes form a tree (the node-free
    matrix ``G`` of :func:`axial_conductance_matrix` is not one: eliminating a
    node couples all the compartments that meet there).  On the tree with its
    nodes, Gaussian elimination from the leaves to the root has no fill-in,
    and the diagonal of the inverse and its root column follow from the
    pivots by one pass back down (the selected inversion of a tree).  With
    ``E_v`` the admittance of the subtree below ``v`` (its membrane ``g_m + s C``
    plus each child's ``E_c`` in series with the edge ``g_c``), the pivot is
    ``D_v = E_v + g_v`` and::

        up:    E_v = g_m,v + s C_v + sum_children g_c E_c / (g_c + E_c)
        down:  R_00 = 1 / E_0,   R_c0 = (g_c / D_c) R_p0,
               R_cc = 1 / D_c + (g_c / D_c)**2 R_pp

    (the series form avoids the cancellation of ``d_v - g**2 / D`` when an
    edge is much stronger than the membrane, as brian2's soma joint is).

    Nodes carry no membrane (brian2 solves them algebraically at each step),
    so eliminating them gives exactly ``G``.  Both passes are vectorised over
    all values of ``s`` and over the vertices of one depth of the tree: the
    Python loop runs over the depth (a few hundred levels for a reconstructed
    cell), never over compartments.  The root is compartment 0 (the soma).

    Parameters
    ----------
    morphology : brian2.Morphology
    Ri : float
        Axial resistivity, ohm*m.
    capacitance, conductance : numpy.ndarray
        Membrane capacitance (F) and leak conductance (S) per compartment.
    """

    def __init__(self, morphology, Ri, capacitance, conductance):
        from scipy.sparse import csgraph

        # node s+1 is the end of section s; node_of_start[s] the node section s starts at
        n, n_sec, r1, r2, starts, ends, node_of_start = _flat_geometry(morphology)
        vertices = n + n_sec
        parent = np.full(vertices, -1, dtype=np.int64)
        g = np.zeros(vertices)
        inner = np.ones(n, dtype=bool)
        inner[starts] = False
        i = np.flatnonzero(inner)
        parent[i] = i - 1
        g[i] = 1.0 / (Ri * (1.0 / r2[i - 1] + 1.0 / r1[i]))
        joined = node_of_start > 0  # the root section starts at the sealed node 0
        parent[starts[joined]] = n + node_of_start[joined] - 1
        g[starts[joined]] = r1[starts[joined]] / Ri
        parent[n + np.arange(n_sec)] = ends - 1  # end node of section s hangs on its last compartment
        g[n + np.arange(n_sec)] = r2[ends - 1] / Ri
        roots = np.flatnonzero(parent < 0)
        if list(roots) != [0]:
            raise ParameterError(f"the morphology's tree has roots {roots.tolist()}; expected the "
                                 "soma (compartment 0) only.")
        child = np.flatnonzero(parent >= 0)
        graph = sparse.csr_matrix((np.ones(len(child)), (parent[child], child)),
                                  shape=(vertices, vertices))
        depth = csgraph.dijkstra(graph, directed=True, indices=0, unweighted=True)
        if not np.all(np.isfinite(depth)):
            raise ParameterError("the morphology's compartments are not all connected to the soma.")
        depth = depth.astype(np.int64)
        order = np.lexsort((parent, depth))  # by depth, then by parent within a depth
        bounds = np.searchsorted(depth[order], np.arange(depth.max() + 2))
        self.levels = [order[bounds[d]:bounds[d + 1]] for d in range(1, depth.max() + 1)]
        self.parent, self.g, self.n, self.vertices = parent, g, n, vertices
        self.membrane = np.zeros(vertices)
        self.membrane[:n] = np.asarray(conductance, dtype=float)
        self.capacitance = np.zeros(vertices)
        self.capacitance[:n] = np.asarray(capacitance, dtype=float)

    def __call__(self, s, rows=None):
        """Diagonal and soma column of the resolvent at the values ``s`` (1/s, complex).

        Parameters
        ----------
        s : array_like of complex, shape (F,)
        rows : array of int, optional
            Compartments to return (default all).

        Returns
        -------
        diagonal, column : numpy.ndarray of complex, shape (len(rows), F)
            ``R_jj(s)`` and ``R_j0(s)`` in ohm.
        """
        s = np.atleast_1d(np.asarray(s, dtype=complex))
        rows = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.int64)
        # E_v: admittance of the subtree of v seen at v, without the edge to its parent
        E = self.membrane[:, None] + self.capacitance[:, None] * s[None, :]
        inverse = np.empty_like(E)
        for level in reversed(self.levels):  # leaves first: E of this level is final
            p, g = self.parent[level], self.g[level][:, None]
            inverse[level] = 1.0 / (E[level] + g)          # 1 / D_v, D_v = E_v + g_v
            series = g * E[level] * inverse[level]         # g_v in series with E_v: no cancellation
            first = np.r_[0, np.flatnonzero(np.diff(p)) + 1]
            E[p[first]] += np.add.reduceat(series, first, axis=0)
        diagonal = np.empty_like(E)
        column = np.empty_like(E)
        diagonal[0] = column[0] = 1.0 / E[0]
        for level in self.levels:  # root first
            p = self.parent[level]
            factor = self.g[level][:, None] * inverse[level]
            column[level] = factor * column[p]
            diagonal[level] = inverse[level] + factor ** 2 * diagonal[p]
        return diagonal[rows], column[rows]


class PassiveSystem:
    """The linear passive model of a discretised cell (brian2's discretisation).

    Parameters
    ----------
    morphology : brian2.Morphology
        The brian2 tree.
    area : numpy.ndarray
        Membrane area of each compartment, m**2.
    Ri : float
        Axial resistivity, ohm*m.
    Cm : float or numpy.ndarray
        Specific capacitance per compartment, F/m**2.
    gL : float or numpy.ndarray
        Leak conductance density per compartment, S/m**2 (for an active cell:
        the total membrane conductance density at rest, the slope conductance).
    EL : float or numpy.ndarray, optional
        Leak reversal per compartment, V (default 0).

    Attributes
    ----------
    G : scipy.sparse.csr_matrix
        Axial conductance matrix (S).
    capacitance, conductance : numpy.ndarray
        ``Cm * area`` (F) and ``gL * area`` (S) per compartment.
    """

    def __init__(self, morphology, area, Ri, Cm, gL, EL=0.0):
        self.morphology = morphology
        self.area = np.asarray(area, dtype=float)
        n = len(self.area)
        self.Ri = float(Ri)
        self.G = axial_conductance_matrix(morphology, self.Ri)
        self.capacitance = np.broadcast_to(np.asarray(Cm, float), (n,)) * self.area
        self.conductance = np.broadcast_to(np.asarray(gL, float), (n,)) * self.area
        self.EL = np.broadcast_to(np.asarray(EL, float), (n,)).copy()
        self._lu = None

    @property
    def n(self):
        """int: number of compartments."""
        return len(self.area)

    @property
    def matrix(self):
        """scipy.sparse.csc_matrix: ``G + diag(g_m)``, the steady-state system (S)."""
        return (self.G + sparse.diags(self.conductance)).tocsc()

    def _solver(self):
        if self._lu is None:
            self._lu = sparse_linalg.splu(self.matrix)
        return self._lu

    def steady_state(self, current=None):
        """Return the steady-state voltages (V) for point currents ``current`` (A, inward +).

        Parameters
        ----------
        current : numpy.ndarray, optional
            Injected current per compartment (default none: the resting potential).
        """
        rhs = self.conductance * self.EL
        if current is not None:
            rhs = rhs + np.asarray(current, dtype=float)
        return self._solver().solve(rhs)

    def transfer_resistance(self, compartment=0):
        """Return the transfer resistances from ``compartment`` to every compartment (ohm).

        Column ``compartment`` of the inverse of :attr:`matrix`: the steady-state
        voltage everywhere per unit current injected at ``compartment``
        (reciprocal: row and column are equal).
        """
        e = np.zeros(self.n)
        if not 0 <= int(compartment) < self.n:
            raise ParameterError(f"compartment={compartment} is outside 0..{self.n - 1}.")
        e[int(compartment)] = 1.0
        return self._solver().solve(e)

    def input_resistance(self, compartment=0):
        """Return the input resistance at ``compartment`` (ohm)."""
        return float(self.transfer_resistance(compartment)[int(compartment)])

    def attenuation(self, compartment=0):
        """Return the steady-state voltage ratio ``V_i / V_compartment`` for a current at ``compartment``."""
        r = self.transfer_resistance(compartment)
        return r / r[int(compartment)]

    def resolvent(self):
        """:class:`TreeResolvent` of this system (cached)."""
        if getattr(self, "_resolvent", None) is None:
            self._resolvent = TreeResolvent(self.morphology, self.Ri, self.capacitance,
                                            self.conductance)
        return self._resolvent

    def time_constants(self, k=1):
        """Return the ``k`` slowest time constants (s) of ``C dv/dt = -(G + g_m) v``.

        They are the inverses of the smallest generalised eigenvalues of
        ``(G + diag(g_m), diag(C))``: ``tau_0`` is the membrane time constant
        (``Cm / gL`` for a uniform membrane), the following ones are the
        equalising time constants of Rall's peeling.
        """
        k = int(k)
        n = self.n
        scale = 1.0 / np.sqrt(self.capacitance)
        sym = sparse.diags(scale) @ self.matrix @ sparse.diags(scale)
        if n <= max(200, k + 2):
            values = np.linalg.eigvalsh(sym.toarray())[:k]
        else:
            values = sparse_linalg.eigsh(sym.tocsc(), k=k, sigma=0, which="LM",
                                         return_eigenvectors=False)
            values = np.sort(values)
        return 1.0 / values

    def response(self, times, compartment=0, *, dt=None):
        """Voltage response everywhere to a unit charge (1 C) injected at ``compartment`` at t=0.

        The exact impulse response (Green's function) of the compartment system,
        ``exp(-t C^-1 A) C^-1 e``, evaluated at ``times`` (s) with
        :func:`scipy.sparse.linalg.expm_multiply`.

        Returns
        -------
        numpy.ndarray, shape (len(times), n)
            V per coulomb.
        """
        times = np.asarray(times, dtype=float)
        A = -(sparse.diags(1.0 / self.capacitance) @ self.matrix).tocsc()
        e = np.zeros(self.n)
        e[int(compartment)] = 1.0 / self.capacitance[int(compartment)]
        if len(times) > 1 and np.allclose(np.diff(times), times[1] - times[0]):
            return sparse_linalg.expm_multiply(A, e, start=times[0], stop=times[-1],
                                               num=len(times), endpoint=True)
        return np.array([sparse_linalg.expm_multiply(A * t, e) for t in times])
